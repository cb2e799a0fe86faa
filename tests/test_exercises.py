"""lecture_utils.exercises: each checker passes the worked solution and names what is wrong in a wrong answer.

The typical wrong answers live in tests/bad_inputs/cases_exercises.py (each must be rejected with a message
naming the answer); the student edition's stubs are rejected in tests/test_editions.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecture_utils import exercises as E
from lecture_utils import gan, gan_eval
from lecture_utils import sampling as S


def test_solutions_pass(capsys: pytest.CaptureFixture[str]) -> None:
    E.check_sigma_gradient(lambda z, mu, s: z**2 * ((z - mu) ** 2 - s**2) / s**3,
                           lambda e, mu, s: 2 * (mu + s * e) * e)
    E.check_least_bad_theta(0, 3.75)
    E.check_bernoulli_baseline(lambda t, f0, f1: (1 - t) * f1 + t * f0)
    E.check_bernoulli_inverse_cdf(lambda u, t: (np.asarray(u) > 1 - t).astype(int))
    E.check_sampler_2x(lambda n, rng: np.sqrt(rng.random(n)))
    E.check_sampler_2x(lambda n, rng: rng.random((2, n)).max(axis=0))  # another correct sampler
    gm = S.GaussianMixture(weights=(0.3, 0.7), means=(-2.0, 1.5), stds=(0.5, 0.8))
    E.check_mixed_quantiles(gm, 0.45, 0.71)
    E.check_gaussian_kl(lambda mu, lv: 0.5 * (mu**2 + lv.exp() - 1 - lv).sum(-1))
    E.check_iw_bound(lambda lw: torch.logsumexp(lw, 1) - math.log(lw.shape[1]))
    E.check_active_dimensions(lambda mu, lv: int((mu**2 + lv.exp() - 1 - lv).mean(0).gt(0.02).sum()))
    E.check_optimal_discriminator(gan.optimal_discriminator)
    E.check_generator_losses(lambda t: -F.softplus(t).mean(), lambda t: F.softplus(-t).mean())
    E.check_mode_coverage(lambda x, m, s: gan_eval.coverage(x, gan.Mixture(m, s)).high_quality)
    E.check_slip_free_switch(0.69)
    E.check_example_3_8(10 / (1 - 0.9**5), 5 + 0.9**5 * 10 / (1 - 0.9**5))
    E.check_frozen_lake_discount(np.float64(0.72977))
    E.check_incremental_mean(lambda q, n, r: q + (r - q) / n)
    E.check_td_targets(lambda r, s2, a2, d, Q, g: r + (0.0 if d else g * Q[s2, a2]),
                       lambda r, s2, a2, d, Q, g: r + (0.0 if d else g * Q[s2].max()))

    def score(theta: np.ndarray, phi: np.ndarray, a: int) -> np.ndarray:
        pi = np.exp(phi @ theta)
        return np.outer(phi, np.eye(len(pi))[a] - pi / pi.sum())

    E.check_softmax_score(score)
    out = capsys.readouterr().out.splitlines()
    passed = ("1.1", "1.2", "1.4", "2.1", "2.2", "2.2", "2.4", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3",
              "5.1", "5.2", "5.3", "6.1", "6.2", "6.3")
    assert [line.split(":")[0] for line in out] == [f"Exercise {k} passed" for k in passed]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: E.check_sigma_gradient(lambda z, mu, s: z**2 * (z - mu) / s**2,
                                    lambda e, mu, s: 2 * (mu + s * e) * e),
     "score_sigma is biased: at mu = 1.0, sigma = 2.0 its mean over 200000 samples is 1.978, the true "
     r"gradient is 4.000 \(standard error 0.019\)"),
    (lambda: E.check_bernoulli_baseline(lambda t, f0, f1: t * f1 + (1 - t) * f0), "leaves variance"),
    (lambda: E.check_slip_free_switch(0.70), "the switch comes earlier"),
    (lambda: E.check_slip_free_switch(0.68), "the switch comes later"),
    (lambda: E.check_example_3_8(24.42, 18.45), "walking from B' back to B"),
    (lambda: E.check_frozen_lake_discount(0.7402), "the success probability of the gamma = 1 plan"),
    (lambda: E.check_frozen_lake_discount(0.0689), "not a discounted return"),
    (lambda: E.check_example_3_8(True, 19.42), "v_A must be a number"),
])
def test_wrong_answers_say_what_is_wrong(call, message: str) -> None:
    with pytest.raises(E.ExerciseFailed, match=message):
        call()


def test_a_wrong_answer_is_one_sentence() -> None:
    with pytest.raises(E.ExerciseFailed) as err:
        E.check_example_3_8(24.42, 18.45)
    text = str(err.value)
    assert "\n" not in text and text.count(". ") == 0
