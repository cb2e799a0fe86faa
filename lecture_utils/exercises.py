"""Checkers of the notebooks' exercises: each tests properties of an answer and says in one sentence what is
wrong (``ExerciseFailed``), or prints that the exercise passed.

The notebooks' check cells call them (``tools/editions.py`` runs the same cells to grade submissions). A
checker recomputes what it needs from the library, so a student's answer is compared with the lecture's
own numbers, never with a stored copy of the solution.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lecture_utils import checks

__all__ = [
    "ExerciseFailed",
    "check_sigma_gradient",
    "check_least_bad_theta",
    "check_bernoulli_baseline",
    "check_bernoulli_inverse_cdf",
    "check_sampler_2x",
    "check_mixed_quantiles",
    "check_gaussian_kl",
    "check_iw_bound",
    "check_active_dimensions",
    "check_optimal_discriminator",
    "check_generator_losses",
    "check_mode_coverage",
    "check_slip_free_switch",
    "check_incremental_mean",
    "check_td_targets",
    "check_softmax_score",
    "check_example_3_8",
    "check_frozen_lake_discount",
]


class ExerciseFailed(checks.BadArgument):
    """A wrong answer to an exercise; the message says what is wrong, in one sentence."""


def _passed(exercise: str, detail: str) -> None:
    print(f"Exercise {exercise} passed: {detail}")


def _number(name: str, value: Any) -> float:
    """The answer ``name`` as a finite float, or ExerciseFailed."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ExerciseFailed(f"{name} must be a number, got {checks.show(value)}")
    if not math.isfinite(float(value)):
        raise ExerciseFailed(f"{name} must be a finite number, got {value}")
    return float(value)


def _function(name: str, fn: Any) -> Any:
    """``fn`` if it is callable, or ExerciseFailed naming ``name``."""
    if not callable(fn):
        raise ExerciseFailed(f"{name} must be a function, got {checks.show(fn)}")
    return fn


def _call(name: str, fn: Any, *args: Any) -> np.ndarray:
    """fn(*args) as a float array, or ExerciseFailed naming ``name`` (a stub's NotImplementedError passes)."""
    try:
        return np.asarray(_function(name, fn)(*args), dtype=float)
    except (TypeError, ValueError) as err:
        raise ExerciseFailed(f"{name} must return numbers: calling it raised {type(err).__name__}: "
                             f"{err}") from err


def _scalar(name: str, fn: Any, *args: Any) -> float:
    """fn(*args) as a finite float, or ExerciseFailed naming ``name``."""
    value = _call(name, fn, *args)
    if value.shape != ():
        raise ExerciseFailed(f"{name} must return one number, got shape {value.shape}")
    return _number(name, float(value))


def _estimates(name: str, fn: Any, *args: Any, n: int) -> np.ndarray:
    """fn(*args) as n finite per-sample estimates, or ExerciseFailed naming ``name``."""
    out = _call(name, fn, *args)
    if out.shape != (n,):
        raise ExerciseFailed(f"{name} must return one estimate per sample, shape ({n},), got shape "
                             f"{out.shape}")
    if not np.isfinite(out).all():
        raise ExerciseFailed(f"{name} returned non-finite estimates")
    return out


# ----------------------------------------------------------------------------- notebook 01: estimators
def check_sigma_gradient(score_sigma: Any, pathwise_sigma: Any) -> None:
    """Exercise 1.1: unbiased per-sample estimators of d/dsigma E[z^2], z ~ N(mu, sigma^2)."""
    n = 200_000
    for mu, sigma in ((1.0, 2.0), (-0.5, 0.7)):
        eps = np.random.default_rng(11).standard_normal(n)
        z = mu + sigma * eps
        truth = 2 * sigma  # E[z^2] = mu^2 + sigma^2
        for name, values in (("score_sigma", _estimates("score_sigma", score_sigma, z, mu, sigma, n=n)),
                             ("pathwise_sigma", _estimates("pathwise_sigma", pathwise_sigma, eps, mu, sigma,
                                                           n=n))):
            mean, se = values.mean(), values.std(ddof=1) / math.sqrt(n)
            if abs(mean - truth) > 5 * se + 1e-9:  # the seed is fixed: a correct estimator is well inside
                raise ExerciseFailed(f"{name} is biased: at mu = {mu}, sigma = {sigma} its mean over {n} "
                                     f"samples is {mean:.3f}, the true gradient is {truth:.3f} (standard "
                                     f"error {se:.3f})")
    _passed("1.1", "both estimators are unbiased for d/dsigma E[z^2] = 2 sigma (within 5 standard errors at "
                   "two (mu, sigma))")


def check_least_bad_theta(theta_best: float, ratio_best: float) -> None:
    """Exercise 1.2: where the score / pathwise variance ratio for f(z) = z^2 is smallest, and its value."""
    from lecture_utils.estimators import square_example_variance

    t, r = _number("theta_best", theta_best), _number("ratio_best", ratio_best)
    grid = np.linspace(-5, 5, 100_001)
    ratio = (square_example_variance(grid, estimator="score")
             / square_example_variance(grid, estimator="pathwise"))
    t_true, r_true = float(grid[ratio.argmin()]), float(ratio.min())
    if abs(t - t_true) > 0.01:
        raise ExerciseFailed(f"theta_best = {t:.3f}, but the ratio at theta = {t:.3f} is "
                             f"{float(square_example_variance(t, estimator='score')) / 4:.2f}, more than its "
                             f"minimum {r_true:.2f}")
    if abs(r - r_true) > 0.01:
        raise ExerciseFailed(f"ratio_best = {r:.3f}, but the ratio at its minimum is {r_true:.2f}: the score "
                             "function's per-sample variance there is E[(z^2 s)^2] - (E[z^2 s])^2")
    _passed("1.2", f"the ratio is smallest at theta = {t_true:.0f}, where it is {r_true:.2f}")


def check_bernoulli_baseline(b_star: Any) -> None:
    """Exercise 1.4: b*(theta, f0, f1) makes the Bernoulli score-function estimator exact on both outcomes."""
    for theta, f0, f1 in ((0.3, 1.0, 4.0), (0.8, -2.0, 0.5), (0.5, 3.0, 3.0)):
        b = _scalar("b_star", b_star, theta, f0, f1)
        per_outcome = {1: (f1 - b) / theta, 0: -(f0 - b) / (1 - theta)}  # (f(z) - b) s(z)
        for z, value in per_outcome.items():
            if abs(value - (f1 - f0)) > 1e-9:
                raise ExerciseFailed(f"b_star({theta}, {f0}, {f1}) = {b:.4f} leaves variance: for z = {z} "
                                     f"the estimate (f(z) - b) s(z) is {value:.4f}, not f(1) - f(0) = "
                                     f"{f1 - f0:.4f}")
    _passed("1.4", "with b*, (f(z) - b*) s(z) = f(1) - f(0) for both outcomes: a zero-variance estimator")


# ----------------------------------------------------------------------------- notebook 02: sampling
def check_bernoulli_inverse_cdf(bern_inverse_cdf: Any) -> None:
    """Exercise 2.1: F^{-1}(u) = min{x : F(x) >= u}, the generalized inverse of the Bern(theta) CDF."""
    for theta in (0.3, 0.75):
        u = np.linspace(0.0005, 0.9995, 1000)
        x = _call("bern_inverse_cdf", bern_inverse_cdf, u, theta)
        if x.shape != u.shape or not np.isin(x, (0, 1)).all():
            raise ExerciseFailed(f"bern_inverse_cdf must map each u to 0 or 1 (same shape as u), got values "
                                 f"{np.unique(x)[:5].tolist()} of shape {x.shape}")
        cdf = np.where(x >= 1, 1.0, 1 - theta)  # F(x) of the returned point
        below = np.where(x >= 1, 1 - theta, 0.0)  # F just below it: F(x - 1)
        bad = np.flatnonzero((cdf < u) | (below >= u))
        if bad.size:
            i = bad[0]
            raise ExerciseFailed(f"bern_inverse_cdf({u[i]:.4f}, {theta}) = {x[i]:.0f} is not the smallest x "
                                 f"with F(x) >= u: F(0) = {1 - theta:.2f}, F(1) = 1")
    _passed("2.1", "your sampler is the generalized inverse of the Bern(theta) CDF: 1 exactly when "
                   "u > 1 - theta")


def check_sampler_2x(sample_2x: Any) -> None:
    """Exercise 2.2: a sampler of p(x) = 2x on [0, 1] passes a KS test (and its samples lie in [0, 1])."""
    from scipy import stats

    n = 20_000
    x = _call("sample_2x", sample_2x, n, np.random.default_rng(2024))
    if x.shape != (n,):
        raise ExerciseFailed(f"sample_2x(n, rng) must return n = {n} samples, got shape {x.shape}")
    if not ((x >= 0) & (x <= 1)).all():
        raise ExerciseFailed(f"sample_2x must return points of [0, 1], got values from {x.min():.3f} to "
                             f"{x.max():.3f}")
    p = stats.kstest(x, lambda t: np.clip(t, 0, 1) ** 2).pvalue
    if p < 1e-3:  # a correct sampler fails this 1 time in 1000 (on one seed, so never twice)
        raise ExerciseFailed(f"sample_2x does not sample p(x) = 2x: a KS test against F(x) = x^2 rejects it "
                             f"(p = {p:.1e} on {n} samples; their mean is {x.mean():.3f}, it should be 2/3)")
    _passed("2.2", f"{n} samples pass a KS test against F(x) = x^2 (p = {p:.2f} > 0.001)")


def check_mixed_quantiles(mixture: Any, mu_bar: float, sigma_bar: float) -> None:
    """Exercise 2.4: the mean and standard deviation of what the 'mixed quantiles' sampler draws."""
    from scipy import special

    from lecture_utils.sampling import GaussianMixture

    gm = checks.instance("mixture", mixture, GaussianMixture)
    mu, sigma = _number("mu_bar", mu_bar), _number("sigma_bar", sigma_bar)
    u = (np.arange(200_000) + 0.5) / 200_000  # evenly spread: the moments of x(u) to ~1e-4
    w, m, s = (np.asarray(a)[:, None] for a in (gm.weights, gm.means, gm.stds))
    x = (w * (m + s * special.ndtri(u))).sum(axis=0)  # the wrong sampler: quantiles mixed with the weights
    for name, value, truth in (("mu_bar", mu, x.mean()), ("sigma_bar", sigma, x.std())):
        if abs(value - truth) > 0.01:
            raise ExerciseFailed(f"{name} = {value:.3f}, but the mixed-quantiles sampler's samples have "
                                 f"{'mean' if name == 'mu_bar' else 'standard deviation'} {truth:.3f}")
    _passed("2.4", f"the mixed quantiles draw N({x.mean():.2f}, {x.std():.2f}^2): one Gaussian, variance "
                   f"{x.var():.2f} instead of the mixture's {gm.var:.2f}")


# ----------------------------------------------------------------------------- notebook 03: VAEs
def _tensor(name: str, fn: Any, *args: Any) -> Any:
    """fn(*args) as a torch tensor, or ExerciseFailed naming ``name``."""
    import torch

    try:
        out = _function(name, fn)(*args)
    except NotImplementedError:  # the student edition's stub: its hint is the message
        raise
    except (TypeError, ValueError, RuntimeError) as err:
        raise ExerciseFailed(f"{name} raised {type(err).__name__}: {err}") from err
    if not isinstance(out, torch.Tensor):
        raise ExerciseFailed(f"{name} must return a torch tensor, got {type(out).__name__}")
    return out


def check_gaussian_kl(kl_to_prior: Any) -> None:
    """Exercise 3.1: KL(N(mu, diag exp(logvar)) || N(0, I)) per row, against torch.distributions."""
    import torch
    from torch.distributions import Normal, kl_divergence

    g = torch.Generator().manual_seed(6)
    mu, logvar = torch.randn(8, 5, generator=g, dtype=torch.float64), torch.randn(8, 5, generator=g,
                                                                                  dtype=torch.float64)
    got = _tensor("kl_to_prior", kl_to_prior, mu, logvar)
    if got.shape != (8,):
        raise ExerciseFailed(f"kl_to_prior must return one KL per row (shape (8,) for 8 rows), got shape "
                             f"{tuple(got.shape)}: sum over the latent dimensions")
    want = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(1)
    err = float((got.double() - want).abs().max())
    if err > 1e-6:
        raise ExerciseFailed(f"kl_to_prior differs from torch.distributions' KL by up to {err:.3f} nats: "
                             "compare it term by term with the KL between two Gaussians")
    _passed("3.1", "your KL equals torch.distributions' for 8 random posteriors in 5 dimensions")


def check_iw_bound(iw_bound: Any) -> None:
    """Exercise 3.2: L_K = log (1/K) sum_k exp(log_w_k) per row, stable for log-weights around -1000."""
    import math as _math

    import torch

    g = torch.Generator().manual_seed(7)
    for shift in (0.0, -1000.0):
        log_w = torch.randn(6, 50, generator=g, dtype=torch.float64) * 3 + shift
        got = _tensor("iw_bound", iw_bound, log_w)
        want = torch.logsumexp(log_w, dim=1) - _math.log(50)
        if got.shape != (6,):
            raise ExerciseFailed(f"iw_bound must return one bound per row (shape (6,)), got shape "
                                 f"{tuple(got.shape)}")
        if not torch.isfinite(got).all():
            raise ExerciseFailed(f"iw_bound returned -inf or nan for log-weights around {shift:.0f}: exp "
                                 "underflows there, so subtract the largest log-weight first (log-sum-exp)")
        err = float((got.double() - want).abs().max())
        if err > 1e-6:
            raise ExerciseFailed(f"iw_bound is off by up to {err:.3f} nats for log-weights around "
                                 f"{shift:.0f}: L_K averages the weights, not the log-weights, and "
                                 "divides by K")
    _passed("3.2", "your L_K matches log-mean-exp, also for log-weights around -1000")


def check_active_dimensions(count_active: Any) -> None:
    """Exercise 3.3: count_active(mu, logvar), the dimensions whose KL averaged over images is > 0.01."""
    import torch

    g = torch.Generator().manual_seed(8)
    n, d = 200, 6
    mu, logvar = torch.randn(n, d, generator=g), 0.3 * torch.randn(n, d, generator=g) - 1.0
    off = torch.tensor([0, 2, 5])  # collapsed onto the prior: q = N(0, 1) up to tiny noise
    mu[:, off], logvar[:, off] = 0.01 * mu[:, off], 0.01 * logvar[:, off]
    mu[:5, 5] = 3.0  # ...except dimension 5 on 5 of the 200 images: average KL 0.11 nats, active
    kl = 0.5 * (mu**2 + logvar.exp() - 1 - logvar)  # (n, d)
    want = int((kl.mean(0) > 0.01).sum())
    got = _call("count_active", count_active, mu, logvar)
    if got.shape != () or got != round(float(got)):
        raise ExerciseFailed(f"count_active must return one whole number, got {got.tolist()}")
    if int(got) != want:
        raise ExerciseFailed(f"count_active = {int(got)} on a test posterior with {want} active dimensions "
                             f"of {d}: average each dimension's KL over the images, then compare with 0.01 "
                             "nats")
    _passed("3.3", f"your count finds the {want} active dimensions of {d}, including one that only some "
                   "images use")


# ----------------------------------------------------------------------------- notebook 04: GANs
def check_optimal_discriminator(optimal_d: Any) -> None:
    """Exercise 4.1: D*(x) maximises p_data log D + p_g log(1 - D) at each x (1/2 where both vanish)."""
    from lecture_utils.gan import optimal_discriminator

    rng = np.random.default_rng(9)
    p_data, p_g = rng.exponential(size=200), rng.exponential(size=200)
    p_data[:20], p_g[20:40] = 0.0, 0.0  # outside one support, then outside the other
    p_data[40:45] = p_g[40:45] = 0.0  # outside both
    d = _call("optimal_d", optimal_d, p_data, p_g)
    if d.shape == p_data.shape and not np.isfinite(d).all():
        raise ExerciseFailed(f"optimal_d returned nan or inf at {int((~np.isfinite(d)).sum())} points (where "
                             "both densities vanish? D* is 1/2 there)")
    if d.shape != p_data.shape or ((d < 0) | (d > 1)).any():
        raise ExerciseFailed(f"optimal_d must return one probability in [0, 1] per point (shape "
                             f"{p_data.shape}), got shape {d.shape}, values {np.nanmin(d):.3g} to "
                             f"{np.nanmax(d):.3g}")
    if not np.allclose(d[40:45], 0.5):
        raise ExerciseFailed("optimal_d must be 1/2 where both densities vanish (no data either way)")
    with np.errstate(divide="ignore", invalid="ignore"):
        def objective(dd: np.ndarray) -> np.ndarray:
            return (np.where(p_data > 0, p_data * np.log(dd), 0.0)
                    + np.where(p_g > 0, p_g * np.log1p(-dd), 0.0))

        best = objective(optimal_discriminator(p_data, p_g))
        got = objective(d)
    worst = int(np.argmax(np.where(np.isfinite(got), best - got, np.inf)))
    if not (np.isfinite(got[worst]) and best[worst] - got[worst] < 1e-9):
        raise ExerciseFailed(f"optimal_d does not maximise p_data log D + p_g log(1 - D): at p_data = "
                             f"{p_data[worst]:.3f}, p_g = {p_g[worst]:.3f} it gives D = {d[worst]:.4f}")
    _passed("4.1", "your D* maximises the value function at every point, also where the supports differ")


def check_generator_losses(saturating: Any, non_saturating: Any) -> None:
    """Exercise 4.2: the generator's losses from D's logits l: mean log(1 - sigmoid(l)), -log sigmoid(l)."""
    import torch
    import torch.nn.functional as F

    logits = torch.tensor([-800.0, -30.0, -2.0, 0.0, 3.0, 40.0], dtype=torch.float64, requires_grad=True)
    with torch.no_grad():
        want = {"saturating": -F.softplus(logits), "non_saturating": F.softplus(-logits)}  # per logit
    for name, fn in (("saturating", saturating), ("non_saturating", non_saturating)):
        for i in range(len(logits)):
            value = _tensor(name, fn, logits[i:i + 1])
            if value.numel() != 1:
                raise ExerciseFailed(f"{name} must return the mean loss, one number, got shape "
                                     f"{tuple(value.shape)}")
            got, truth = float(value.detach().reshape(())), float(want[name][i])
            at = float(logits[i].detach())
            if not math.isfinite(got) or abs(got - truth) > 1e-6 * max(1.0, abs(truth)):
                raise ExerciseFailed(f"{name} at the logit {at:.0f} gives {got:.4g}, not {truth:.4g}: "
                                     "compute it from the logit (F.softplus, F.logsigmoid), not via sigmoid")
            (grad,) = torch.autograd.grad(value.sum(), logits)
            g = float(grad[i])
            # minimising either loss raises D(G(z)); only the non-saturating one keeps a gradient where D wins
            vanished = name == "non_saturating" and at < 10 and g > -1e-3
            if g > 0 or vanished:
                raise ExerciseFailed(f"{name}'s gradient at the logit {at:.0f} is {g:.3g}: descending it "
                                     "must raise D(G(z))")
    _passed("4.2", "both losses are right and finite; at the logit -30 the saturating one's gradient is "
                   "-1e-13, the non-saturating one's -1")


def check_mode_coverage(high_quality_share: Any) -> None:
    """Exercise 4.3: the share of samples within 3 std of their nearest mode (as gan_eval.coverage)."""
    from lecture_utils import gan, gan_eval

    rng = np.random.default_rng(10)
    for mixture in (gan.ring_mixture(), gan.grid_mixture()):
        x = (np.asarray(mixture.means)[rng.integers(mixture.n_modes, size=500)]
             + rng.normal(scale=2.5 * mixture.std, size=(500, 2)))
        x[:50] = rng.uniform(-4.5, 4.5, size=(50, 2))  # some samples between the modes
        truth = gan_eval.coverage(x, mixture).high_quality
        got = _scalar("high_quality_share", high_quality_share, x, np.asarray(mixture.means), mixture.std)
        if abs(got - truth) > 1e-9:
            raise ExerciseFailed(f"high_quality_share = {got:.4f} on {len(mixture.means)} modes, but "
                                 f"{truth:.4f} of the samples lie within 3 std of their nearest mode")
    _passed("4.3", "your high-quality share equals gan_eval.coverage's on the ring and the grid")


# ----------------------------------------------------------------------------- notebook 05: MDPs
def check_slip_free_switch(gamma_switch: float) -> None:
    """Exercise 5.1: the first gamma on the grid 0.00, 0.01, ... at which the slip-free agent leaves g."""
    from lecture_utils.gridworld import GridConfig, GridWorldEnv
    from lecture_utils.mdp import DOWN, value_iteration

    g = _number("gamma_switch", gamma_switch)
    if not 0.01 <= g < 1:
        raise ExerciseFailed(f"gamma_switch must lie in [0.01, 1), got {g}")
    if abs(g * 100 - round(g * 100)) > 1e-6:
        raise ExerciseFailed(f"gamma_switch must be on the grid 0.00, 0.01, ..., got {g}")
    env = GridWorldEnv(GridConfig(slip=0.0))

    def goes_down(gamma: float) -> bool:
        return bool(value_iteration(env.to_mdp(gamma))[1][env.start_state] == DOWN)

    if goes_down(g):
        raise ExerciseFailed(f"gamma_switch = {g:.2f}: at that gamma the slip-free agent in S still goes "
                             "down to g, so the switch comes later")
    if not goes_down(round(g - 0.01, 2)):
        raise ExerciseFailed(f"gamma_switch = {g:.2f}: already at gamma = {g - 0.01:.2f} the agent in S "
                             "avoids g, so the switch comes earlier")
    _passed("5.1", f"the greedy action in S changes between gamma = {g - 0.01:.2f} and {g:.2f}; "
                   f"10 gamma^6 = 1 at gamma = {0.1 ** (1 / 6):.3f}")


def check_example_3_8(v_A: float, v_B: float) -> None:
    """Exercise 5.2: v_*(A) and v_*(B) of Example 3.8 (gamma = 0.9), to two decimals."""
    from lecture_utils.mdp import example_3_5_gridworld, value_iteration

    answers = {"v_A": _number("v_A", v_A), "v_B": _number("v_B", v_B)}
    v_star = value_iteration(example_3_5_gridworld())[0]
    truth = {"v_A": float(v_star[1]), "v_B": float(v_star[3])}  # A = (0, 1), B = (0, 3)
    for name, value in answers.items():
        if abs(value - truth[name]) > 0.01:
            hint = ("the loop A -> A' -> A takes 5 steps" if name == "v_A" else
                    "compare walking from B' back to B (2 moves) with walking on to A (4 moves)")
            raise ExerciseFailed(f"{name} = {value:.2f}, but value iteration gives {truth[name]:.2f}: {hint}")
    _passed("5.2", f"v_*(A) = {truth['v_A']:.2f} and v_*(B) = {truth['v_B']:.2f}, as value iteration finds")


def check_frozen_lake_discount(p_success: float) -> None:
    """Exercise 5.3: the chance that FrozenLake's gamma = 0.9 plan reaches the goal within 100 steps."""
    import gymnasium as gym

    from lecture_utils.mdp import from_gym_P, policy_evaluation_sweeps, value_iteration

    p = _number("p_success", p_success)
    if not 0 <= p <= 1:
        raise ExerciseFailed(f"p_success is a probability, in [0, 1]; got {p}")
    P = gym.make("FrozenLake-v1", is_slippery=True).unwrapped.P  # type: ignore[attr-defined]
    undiscounted = from_gym_P(P, 16, 4, gamma=1.0)
    pi_09 = value_iteration(from_gym_P(P, 16, 4, gamma=0.9))[1]
    pi_1 = value_iteration(undiscounted)[1]
    truth = float(policy_evaluation_sweeps(undiscounted, pi_09, 100)[-1, 0])
    plan_1 = float(policy_evaluation_sweeps(undiscounted, pi_1, 100)[-1, 0])
    if abs(p - plan_1) <= 1e-3 < abs(truth - plan_1):
        raise ExerciseFailed(f"p_success = {p:.4f} is the success probability of the gamma = 1 plan: plan "
                             "with gamma = 0.9, then evaluate that plan with gamma = 1")
    if abs(p - truth) > 1e-3:
        raise ExerciseFailed(f"p_success = {p:.4f}, but the gamma = 0.9 plan reaches the goal within 100 "
                             "steps with another probability: evaluate it with gamma = 1 (a probability, not "
                             "a discounted return) for 100 sweeps")
    _passed("5.3", f"the gamma = 0.9 plan succeeds with probability {truth:.4f} within 100 steps, "
                   f"the gamma = 1 plan with {plan_1:.4f}")


# ----------------------------------------------------------------------------- notebook 06: model-free RL
def check_incremental_mean(update_q: Any) -> None:
    """Exercise 6.1: update_q(q, n, r), Q after the n-th reward r, keeps Q the sample average."""
    rewards = np.random.default_rng(3).normal(1.0, 2.0, size=50)
    q = 0.0
    for n, r in enumerate(rewards, start=1):
        q = _scalar("update_q", update_q, q, n, float(r))
        mean = rewards[:n].mean()
        if abs(q - mean) > 1e-9:
            raise ExerciseFailed(f"update_q does not keep the sample average: after {n} rewards Q = {q:.4f}, "
                                 f"their mean is {mean:.4f}")
    _passed("6.1", "Q <- Q + (r - Q) / n keeps the exact sample average, reward after reward")


def check_td_targets(sarsa_target: Any, q_learning_target: Any) -> None:
    """Exercise 6.2: Sarsa's and Q-learning's TD targets for one transition (zero bootstrap at a terminal)."""
    rng = np.random.default_rng(4)
    Q = rng.normal(size=(6, 3))
    gamma = 0.9
    for _ in range(20):
        r, s2, a2 = float(rng.normal()), int(rng.integers(6)), int(rng.integers(3))
        done = bool(rng.random() < 0.3)
        want = {"sarsa_target": r + (0.0 if done else gamma * Q[s2, a2]),
                "q_learning_target": r + (0.0 if done else gamma * Q[s2].max())}
        got = {"sarsa_target": _scalar("sarsa_target", sarsa_target, r, s2, a2, done, Q, gamma),
               "q_learning_target": _scalar("q_learning_target", q_learning_target, r, s2, a2, done, Q,
                                            gamma)}
        for name in want:
            if abs(got[name] - want[name]) > 1e-9:
                what = "the episode ended there (done)" if done else f"s' = {s2}, a' = {a2}"
                raise ExerciseFailed(f"{name} = {got[name]:.4f} for r = {r:.3f} when {what}, but the target "
                                     f"is {want[name]:.4f}")
    _passed("6.2", "Sarsa bootstraps from Q(s', a') of the action it takes, Q-learning from "
                   "max_a Q(s', a'), neither past the end of an episode")


def check_softmax_score(softmax_score: Any) -> None:
    """Exercise 6.3: grad_theta log softmax(theta^T phi)[a], checked against autograd; mean 0 over a."""
    import torch

    rng = np.random.default_rng(5)
    for _ in range(5):
        theta, phi = rng.normal(size=(4, 3)), rng.normal(size=4)
        t = torch.tensor(theta, requires_grad=True)
        logp = torch.log_softmax(torch.tensor(phi) @ t, dim=0)
        pi = logp.exp().detach().numpy()
        total = np.zeros_like(theta)
        for a in range(3):
            (grad,) = torch.autograd.grad(logp[a], t, retain_graph=True)
            got = _call("softmax_score", softmax_score, theta, phi, a)
            if got.shape != theta.shape:
                raise ExerciseFailed(f"softmax_score must return an array shaped like theta {theta.shape}, "
                                     f"got {got.shape}")
            err = float(np.abs(got - grad.numpy()).max())
            if err > 1e-8:
                raise ExerciseFailed(f"softmax_score differs from autograd's gradient of log pi(a | s) by up "
                                     f"to {err:.3f} (a = {a}): did you subtract pi(. | s)?")
            total += pi[a] * got
        if np.abs(total).max() > 1e-8:
            raise ExerciseFailed("softmax_score's mean over a ~ pi is not zero")
    _passed("6.3", "your score equals autograd's, phi(s) (e_a - pi(. | s))^T, and averages to zero over "
                   "a ~ pi")
