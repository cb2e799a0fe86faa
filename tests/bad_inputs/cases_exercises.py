"""Bad inputs for lecture_utils.exercises: typical wrong answers, each rejected with a message naming it."""

import numpy as np
import torch
import torch.nn.functional as F

from bad_inputs.case import Case
from lecture_utils import exercises as E
from lecture_utils import gan
from lecture_utils import sampling as S

NO_BAD_INPUT = {"exercises.ExerciseFailed": "an exception class"}
SCORE = lambda z, mu, s: z**2 * ((z - mu) ** 2 - s**2) / s**3  # noqa: E731  the worked solutions of 1.1
PATH = lambda e, mu, s: 2 * (mu + s * e) * e  # noqa: E731
SAT = lambda t: -F.softplus(t).mean()  # noqa: E731  the solutions of 4.2
NON_SAT = lambda t: F.softplus(-t).mean()  # noqa: E731
GM = S.GaussianMixture(weights=(0.3, 0.7), means=(-2.0, 1.5), stds=(0.5, 0.8))  # notebook 02's mixture
SARSA = lambda r, s2, a2, d, Q, g: r + (0.0 if d else g * Q[s2, a2])  # noqa: E731  the solutions of 6.2
QL = lambda r, s2, a2, d, Q, g: r + (0.0 if d else g * Q[s2].max())  # noqa: E731
CASES = [
    Case("exercises.check_optimal_discriminator", "0 / 0 where both densities vanish", "optimal_d",
         lambda: E.check_optimal_discriminator(lambda a, b: a / np.where(a + b > 0, a + b, np.nan))),
    Case("exercises.check_optimal_discriminator", "the generator's share", "optimal_d",
         lambda: E.check_optimal_discriminator(lambda a, b: 1 - gan.optimal_discriminator(a, b))),
    Case("exercises.check_generator_losses", "through sigmoid: -inf at the logit 40", "saturating",
         lambda: E.check_generator_losses(lambda t: torch.log(1 - torch.sigmoid(t)).mean(), NON_SAT)),
    Case("exercises.check_generator_losses", "through sigmoid: inf at the logit -800", "non_saturating",
         lambda: E.check_generator_losses(SAT, lambda t: -torch.log(torch.sigmoid(t)).mean())),
    Case("exercises.check_generator_losses", "the sign flipped", "saturating",
         lambda: E.check_generator_losses(lambda t: F.softplus(t).mean(), NON_SAT)),
    Case("exercises.check_mode_coverage", "within 1 std, not 3", "high_quality_share",
         lambda: E.check_mode_coverage(lambda x, m, s: (np.sqrt(((x[:, None] - m[None]) ** 2).sum(-1)).min(1)
                                                        <= s).mean())),
    Case("exercises.check_gaussian_kl", "the factor 1/2 forgotten", "kl_to_prior",
         lambda: E.check_gaussian_kl(lambda mu, lv: (mu**2 + lv.exp() - 1 - lv).sum(1))),
    Case("exercises.check_gaussian_kl", "not summed over dimensions", "kl_to_prior",
         lambda: E.check_gaussian_kl(lambda mu, lv: 0.5 * (mu**2 + lv.exp() - 1 - lv))),
    Case("exercises.check_gaussian_kl", "numpy, not torch", "kl_to_prior",
         lambda: E.check_gaussian_kl(lambda mu, lv: np.zeros(8))),
    Case("exercises.check_iw_bound", "exp underflows", "iw_bound",
         lambda: E.check_iw_bound(lambda lw: lw.exp().mean(1).log())),
    Case("exercises.check_iw_bound", "the mean log-weight (the ELBO)", "iw_bound",
         lambda: E.check_iw_bound(lambda lw: lw.mean(1))),
    Case("exercises.check_active_dimensions", "thresholds |mu|", "count_active",
         lambda: E.check_active_dimensions(lambda mu, lv: int((mu.abs().mean(0) > 0.1).sum()))),
    Case("exercises.check_active_dimensions", "a mask, not a count", "count_active",
         lambda: E.check_active_dimensions(lambda mu, lv: (mu**2 + lv.exp() - 1 - lv).mean(0) > 0.02)),
    Case("exercises.check_incremental_mean", "a constant step size", "update_q",
         lambda: E.check_incremental_mean(lambda q, n, r: q + 0.1 * (r - q))),
    Case("exercises.check_incremental_mean", "divided by n - 1", "update_q",
         lambda: E.check_incremental_mean(lambda q, n, r: q + (r - q) / max(n - 1, 1))),
    Case("exercises.check_td_targets", "bootstraps past the end of an episode", "sarsa_target",
         lambda: E.check_td_targets(lambda r, s2, a2, d, Q, g: r + g * Q[s2, a2], QL)),
    Case("exercises.check_td_targets", "Sarsa's target for Q-learning", "q_learning_target",
         lambda: E.check_td_targets(SARSA, SARSA)),
    Case("exercises.check_td_targets", "a row, not a number", "q_learning_target",
         lambda: E.check_td_targets(SARSA, lambda r, s2, a2, d, Q, g: r + g * Q[s2])),
    Case("exercises.check_softmax_score", "pi(. | s) not subtracted", "softmax_score",
         lambda: E.check_softmax_score(lambda th, phi, a: np.outer(phi, np.eye(3)[a]))),
    Case("exercises.check_softmax_score", "transposed", "softmax_score",
         lambda: E.check_softmax_score(lambda th, phi, a: np.zeros((3, 4)))),
    Case("exercises.check_bernoulli_inverse_cdf", "the slide's rule, not the inverse CDF", "bern_inverse_cdf",
         lambda: E.check_bernoulli_inverse_cdf(lambda u, t: (u < t).astype(int))),
    Case("exercises.check_bernoulli_inverse_cdf", "one value for all u", "bern_inverse_cdf",
         lambda: E.check_bernoulli_inverse_cdf(lambda u, t: 1)),
    Case("exercises.check_sampler_2x", "the CDF applied, not its inverse", "sample_2x",
         lambda: E.check_sampler_2x(lambda n, rng: rng.random(n) ** 2)),
    Case("exercises.check_sampler_2x", "uniform", "sample_2x",
         lambda: E.check_sampler_2x(lambda n, rng: rng.random(n))),
    Case("exercises.check_sampler_2x", "outside [0, 1]", "sample_2x",
         lambda: E.check_sampler_2x(lambda n, rng: 2 * rng.random(n))),
    Case("exercises.check_mixed_quantiles", "the mixture's own spread", "sigma_bar",
         lambda: E.check_mixed_quantiles(GM, 0.45, GM.var**0.5)),
    Case("exercises.check_mixed_quantiles", "unweighted means", "mu_bar",
         lambda: E.check_mixed_quantiles(GM, -0.25, 0.71)),
    Case("exercises.check_mixed_quantiles", "not a mixture", "mixture",
         lambda: E.check_mixed_quantiles((0.3, 0.7), 0.45, 0.71)),
    Case("exercises.check_sigma_gradient", "the score for mu, not sigma", "score_sigma",
         lambda: E.check_sigma_gradient(lambda z, mu, s: z**2 * (z - mu) / s**2, PATH)),
    Case("exercises.check_sigma_gradient", "the chain rule forgotten", "pathwise_sigma",
         lambda: E.check_sigma_gradient(SCORE, lambda e, mu, s: 2 * (mu + s * e))),
    Case("exercises.check_sigma_gradient", "one number, not one per sample", "pathwise_sigma",
         lambda: E.check_sigma_gradient(SCORE, lambda e, mu, s: 2 * s)),
    Case("exercises.check_sigma_gradient", "not a function", "score_sigma",
         lambda: E.check_sigma_gradient(4.0, PATH)),
    Case("exercises.check_least_bad_theta", "the wrong place", "theta_best",
         lambda: E.check_least_bad_theta(1.0, 3.75)),
    Case("exercises.check_least_bad_theta", "the score's variance, not the ratio", "ratio_best",
         lambda: E.check_least_bad_theta(0.0, 15.0)),
    Case("exercises.check_bernoulli_baseline", "E[f], not b*", "b_star",
         lambda: E.check_bernoulli_baseline(lambda t, f0, f1: t * f1 + (1 - t) * f0)),
    Case("exercises.check_bernoulli_baseline", "not a function", "b_star",
         lambda: E.check_bernoulli_baseline(0.5)),
    Case("exercises.check_slip_free_switch", "not a number", "gamma_switch",
         lambda: E.check_slip_free_switch("0.69")),
    Case("exercises.check_slip_free_switch", "off the grid", "gamma_switch",
         lambda: E.check_slip_free_switch(0.681)),
    Case("exercises.check_slip_free_switch", "the tie 10 gamma^6 = 1 rounded down", "gamma_switch",
         lambda: E.check_slip_free_switch(0.68)),
    Case("exercises.check_slip_free_switch", "one step late", "gamma_switch",
         lambda: E.check_slip_free_switch(0.70)),
    Case("exercises.check_example_3_8", "nan", "v_A", lambda: E.check_example_3_8(float("nan"), 19.42)),
    Case("exercises.check_example_3_8", "the B loop taken at B'", "v_B",
         lambda: E.check_example_3_8(24.42, 5 + 0.9**3 * 5 / (1 - 0.9**3))),
    Case("exercises.check_example_3_8", "a 4-step loop from A", "v_A",
         lambda: E.check_example_3_8(10 / (1 - 0.9**4), 19.42)),
    Case("exercises.check_frozen_lake_discount", "not a probability", "p_success",
         lambda: E.check_frozen_lake_discount(1.5)),
    Case("exercises.check_frozen_lake_discount", "the gamma = 1 plan's probability", "p_success",
         lambda: E.check_frozen_lake_discount(0.7402)),
    Case("exercises.check_frozen_lake_discount", "the discounted value, not a probability", "p_success",
         lambda: E.check_frozen_lake_discount(0.0689)),
]
