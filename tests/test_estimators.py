"""Unit tests of lecture_utils.estimators against closed forms, scipy and torch autograd.

Tolerances of the form 5 * SE are five standard errors of a sample mean: a false alarm has probability
about 6e-7 per check (the seeds are fixed, so each test is deterministic). Bad arguments are covered by
tests/bad_inputs/cases_estimators.py.
"""

from __future__ import annotations

from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from lecture_utils import checks
from lecture_utils import estimators as E


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def f_sq(z):
    return z**2


def df_sq(z):
    return 2 * z


def f_bern(z):
    return (z - 0.45) ** 2


# --------------------------------------------------------------------------- Gaussian estimators


def test_score_factor_is_the_autograd_score_of_each_sample() -> None:
    z = np.linspace(-3, 5, 17)
    theta = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
    log_p = torch.distributions.Normal(theta, 1.0).log_prob(torch.from_numpy(z))
    scores = [torch.autograd.grad(log_p[i], theta, retain_graph=True)[0].item() for i in range(len(z))]
    # with f = 1 and no baseline, each per-sample estimate is the score d/dtheta log p(z_i) itself
    np.testing.assert_allclose(E.score_function_estimates(np.ones_like, z, 1.3), scores, rtol=1e-12)


@pytest.mark.parametrize("theta", [-1.5, 0.0, 2.0])
def test_score_function_grad_is_unbiased(theta: float) -> None:
    n = 200_000
    est = E.score_function_grad(f_sq, theta, n, rng=rng(1))
    sigma2 = E.square_example_variance(theta, estimator="score")
    assert abs(est.mean() - 2 * theta) < 5 * np.sqrt(sigma2 / n)


@pytest.mark.parametrize("theta", [-1.5, 0.0, 2.0])
def test_pathwise_grad_is_unbiased_with_exact_variance(theta: float) -> None:
    n = 200_000
    est = E.pathwise_grad(df_sq, theta, n, rng=rng(2))
    assert abs(est.mean() - 2 * theta) < 5 * np.sqrt(4.0 / n)
    # variance of 2(theta + eps) is 4: (n-1) s^2 / 4 is chi-square(n-1); accept its central 1 - 2e-4
    chi = (n - 1) * est.var(ddof=1) / 4.0
    assert stats.chi2.ppf(1e-4, n - 1) < chi < stats.chi2.ppf(1 - 1e-4, n - 1)


def test_samplers_match_the_slides_formulas_on_the_same_draws() -> None:
    theta, n = 2.0, 1000
    z = rng(3).standard_normal(n) + theta
    np.testing.assert_array_equal(E.score_function_grad(f_sq, theta, n, rng=rng(3)), z**2 * (z - theta))
    eps = rng(4).standard_normal(n)
    np.testing.assert_array_equal(E.pathwise_grad(df_sq, theta, n, rng=rng(4)), 2 * (theta + eps))


def test_numpy_estimators_match_torch_autograd_on_the_same_samples() -> None:
    theta = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    eps = torch.randn(500, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    z = theta + eps
    (z**2).mean().backward()
    np.testing.assert_allclose(E.pathwise_estimates(df_sq, eps.numpy(), 0.7).mean(), theta.grad.item(),
                               rtol=1e-12)
    theta.grad = None
    zd = z.detach()
    (zd**2 * torch.distributions.Normal(theta, 1.0).log_prob(zd)).mean().backward()
    np.testing.assert_allclose(E.score_function_estimates(f_sq, zd.numpy(), 0.7).mean(), theta.grad.item(),
                               rtol=1e-12)


def test_baseline_keeps_the_estimator_unbiased() -> None:
    theta, n, b = 2.0, 200_000, 7.0
    est = E.score_function_grad(f_sq, theta, n, rng=rng(5), baseline=b)
    sigma2 = E.square_example_variance(theta, estimator="score", baseline=b)
    assert sigma2 == 38.0
    assert abs(est.mean() - 2 * theta) < 5 * np.sqrt(sigma2 / n)


def test_determinism() -> None:
    a = E.score_function_grad(f_sq, 2.0, 100, rng=rng(7))
    b = E.score_function_grad(f_sq, 2.0, 100, rng=rng(7))
    np.testing.assert_array_equal(a, b)
    s1 = E.estimator_stats(partial(E.pathwise_grad, df_sq, 2.0), [3, 30], 20, rng=rng(8))
    s2 = E.estimator_stats(partial(E.pathwise_grad, df_sq, 2.0), [3, 30], 20, rng=rng(8))
    np.testing.assert_array_equal(s1.variances, s2.variances)


# --------------------------------------------------------------------------- estimator_stats


def test_estimator_stats_matches_the_slides_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """With one estimator the vectorized draws are the loop's draws, chunking or not."""
    Ns, reps, theta = [10, 100, 1000], 30, 2.0
    r = rng(9)
    means, variances = np.zeros(len(Ns)), np.zeros(len(Ns))
    est1 = np.zeros(reps)
    for i, N in enumerate(Ns):
        for k in range(reps):
            x = r.standard_normal(N) + theta
            est1[k] = np.sum(np.square(x) * (x - theta)) / x.size
        means[i], variances[i] = np.mean(est1), np.var(est1)
    for chunk in (2**20, 50):  # 50: the N = 10 rows come 5 repetitions per call, N >= 100 one per call
        monkeypatch.setattr(E, "_MAX_CHUNK", chunk)
        s = E.estimator_stats(partial(E.score_function_grad, f_sq, theta), Ns, reps, rng=rng(9))
        np.testing.assert_allclose(s.means, means, rtol=1e-12)
        np.testing.assert_allclose(s.variances, variances, rtol=1e-9)
        assert s.reps == reps and s.ddof == 0


def test_variance_bounds_and_pooled_variance() -> None:
    theta = 2.0
    poly = E.square_example_poly(theta, estimator="score")
    sigma2, mu4 = E.poly_gaussian_moment(poly, 2, central=True), E.poly_gaussian_moment(poly, 4, central=True)
    s = E.estimator_stats(partial(E.score_function_grad, f_sq, theta), [10, 100, 1000], 200, rng=rng(10))
    lo, hi = E.variance_bounds(s, sigma2, mu4)
    assert np.all((lo < s.variances) & (s.variances < hi))
    est, se = E.pooled_per_sample_variance(s, sigma2, mu4)
    assert abs(est - 87) < 4 * se  # 4 standard errors of the pooled estimate
    # a wrong per-sample variance (the pathwise one) is rejected
    lo_w, hi_w = E.variance_bounds(s, 4.0, 48.0)
    assert np.all(s.variances > hi_w)


def test_mean_moments_against_simulation() -> None:
    # Exponential(1): variance 1, 4th central moment 9
    n, reps = 5, 400_000
    means = rng(11).exponential(size=(reps, n)).mean(axis=1)
    s2, m4 = E.mean_moments(1.0, 9.0, n)
    assert s2 == 0.2
    c = means - 1.0
    m4_hat = np.mean(c**4)
    assert abs(m4_hat - m4) < 5 * np.std(c**4) / np.sqrt(reps)  # 5 SE of the sample mean of c^4
    assert abs(np.mean(c**2) - s2) < 5 * np.std(c**2) / np.sqrt(reps)


def test_sample_variance_se_against_chi_square() -> None:
    # Gaussian: mu4 = 3 sigma^4, and Var[s^2] = 2 sigma^4 / (R - 1) exactly
    R = 50
    assert np.isclose(E.sample_variance_se(2.0, 12.0, R), np.sqrt(2 * 4.0 / (R - 1)))
    assert np.isclose(E.sample_variance_se(2.0, 12.0, R), stats.chi2(R - 1).std() * 2.0 / (R - 1))


def test_sample_variance_bounds_are_chi_square_for_gaussian_data() -> None:
    lo, hi = E.sample_variance_bounds(2.0, 12.0, 50, alpha=0.01)
    np.testing.assert_allclose([lo, hi], stats.chi2.ppf([0.005, 0.995], 49) * 2.0 / 49, rtol=1e-10)
    lo0, hi0 = E.sample_variance_bounds(2.0, 12.0, 50, alpha=0.01, ddof=0)
    np.testing.assert_allclose([lo0, hi0], np.array([lo, hi]) * 49 / 50, rtol=1e-12)


def test_sample_variance_bounds_cover_heavy_tailed_data() -> None:
    """Exponential draws (mu4 = 9): the matched chi-square interval keeps close to its nominal coverage."""
    R, sims, alpha = 30, 4000, 0.1
    v = rng(14).exponential(size=(sims, R)).var(axis=1, ddof=1)
    lo, hi = E.sample_variance_bounds(1.0, 9.0, R, alpha=alpha)
    miss = np.mean((v < lo) | (v > hi))
    # the miss rate has SE sqrt(alpha (1 - alpha) / sims) = 0.005; the matched chi-square is only an
    # approximation for skewed data, so allow its bias too: within 0.05 (10 SE) of nominal
    assert abs(miss - alpha) < 0.05
    s = E.EstimatorStats(np.array([1, 4]), np.zeros(2), np.array([1.0, 0.25]) * 29 / 30, R, 0)
    lo2, hi2 = E.variance_bounds(s, 1.0, 9.0, alpha=alpha)
    assert lo2.shape == (2,) and np.all(lo2 < s.variances) and np.all(s.variances < hi2)


# --------------------------------------------------------------------------- exact moments


@given(st.integers(min_value=0, max_value=12))
def test_monomial_moments_match_scipy(k: int) -> None:
    # p(eps) = eps^k: E[p] is the k-th raw moment of N(0, 1)
    np.testing.assert_allclose(E.poly_gaussian_moment([0.0] * k + [1.0]), stats.norm.moment(k),
                               rtol=1e-10, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=4), st.integers(1, 3), st.booleans())
def test_poly_gaussian_moment_matches_quadrature(coeffs: list[float], k: int, central: bool) -> None:
    p = np.polynomial.Polynomial(coeffs)

    def phi(e: float) -> float:
        return np.exp(-0.5 * e * e) / np.sqrt(2 * np.pi)

    # |eps| > 15 carries less than 1e-40 of the mass, far below the tolerance even for degree 9
    mean = integrate.quad(lambda e: p(e) * phi(e), -15, 15, points=[0.0])[0]
    shift = mean if central else 0.0
    quad = integrate.quad(lambda e: (p(e) - shift) ** k * phi(e), -15, 15, points=[0.0], epsabs=1e-10)[0]
    np.testing.assert_allclose(E.poly_gaussian_moment(coeffs, k, central=central), quad, rtol=1e-7, atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(st.floats(-4, 4), st.floats(-20, 20))
def test_square_example_variance_closed_form_matches_polynomial(theta: float, b: float) -> None:
    poly = E.square_example_poly(theta, estimator="score", baseline=b)
    np.testing.assert_allclose(E.poly_gaussian_moment(poly), 2 * theta, atol=1e-9)
    np.testing.assert_allclose(E.square_example_variance(theta, estimator="score", baseline=b),
                               E.poly_gaussian_moment(poly, 2, central=True), rtol=1e-9, atol=1e-9)
    # the optimal baseline minimises the variance
    b_star = E.square_example_optimal_baseline(theta)
    assert (E.square_example_variance(theta, estimator="score", baseline=b_star)
            <= E.square_example_variance(theta, estimator="score", baseline=b) + 1e-9)


def test_square_example_variance_at_the_slides_theta() -> None:
    assert E.square_example_variance(2.0, estimator="score") == 87.0
    assert E.square_example_variance(2.0, estimator="pathwise") == 4.0
    assert E.square_example_optimal_baseline(2.0) == 7.0
    np.testing.assert_allclose(E.square_example_variance(np.array([0.0, 1.0]), estimator="score"), [15, 30])
    integrand = lambda z: (z**2 * (z - 2.0) - 4.0) ** 2 * stats.norm.pdf(z, 2.0)  # noqa: E731
    quad = integrate.quad(integrand, -np.inf, np.inf)[0]
    np.testing.assert_allclose(quad, 87.0, rtol=1e-8)


def test_optimal_baseline_estimate() -> None:
    theta, n = 2.0, 200_000
    z = rng(12).standard_normal(n) + theta
    est = E.optimal_baseline(z**2, z - theta)
    assert abs(est.b - 7.0) < 5 * est.se
    # the delta-method SE against the spread of the estimate over 40 independent batches of m draws
    m = 20_000
    se_m = E.optimal_baseline(z[:m] ** 2, z[:m] - theta).se
    batches = [E.optimal_baseline(zb**2, zb - theta).b for zb in rng(15).standard_normal((40, m)) + theta]
    # the SD of 40 batches has relative SE 1/sqrt(2 * 39) = 11%; allow 3 of them
    assert abs(np.std(batches, ddof=1) / se_m - 1) < 0.35


# --------------------------------------------------------------------------- Bernoulli


def test_bernoulli_score_matches_autograd() -> None:
    theta = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    z = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
    lp = torch.distributions.Bernoulli(probs=theta).log_prob(z)
    grads = [torch.autograd.grad(lp[i], theta, retain_graph=True)[0].item() for i in range(4)]
    np.testing.assert_allclose(E.bernoulli_score(z.numpy(), 0.3), grads, rtol=1e-12)


def test_bernoulli_score_at_the_endpoints_is_finite() -> None:
    np.testing.assert_array_equal(E.bernoulli_score(np.zeros(3), 0.0), -1.0)
    np.testing.assert_array_equal(E.bernoulli_score(np.ones(3), 1.0), 1.0)
    np.testing.assert_array_equal(E.bernoulli_score_function_grad(f_bern, 1.0, 4, rng=rng()),
                                  f_bern(1.0) * 1.0)


@pytest.mark.parametrize("theta", [0.1, 0.3, 0.8])
def test_bernoulli_estimator_unbiased_with_exact_variance(theta: float) -> None:
    n = 200_000
    est = E.bernoulli_score_function_grad(f_bern, theta, n, rng=rng(13))
    exact_var = E.bernoulli_score_variance(f_bern, theta)
    assert abs(est.mean() - E.bernoulli_exact_grad(f_bern)) < 5 * np.sqrt(exact_var / n)
    np.testing.assert_allclose(E.bernoulli_exact_grad(f_bern), 0.1)
    # two-point distribution: the sample variance is within 5 SE of the exact one
    mu4 = np.mean((est - est.mean()) ** 4)
    assert abs(est.var(ddof=1) - exact_var) < 5 * E.sample_variance_se(exact_var, mu4, n)


def test_bernoulli_optimal_baseline_gives_zero_variance() -> None:
    theta = 0.3
    b_star = (1 - theta) * f_bern(1.0) + theta * f_bern(0.0)
    assert abs(E.bernoulli_score_variance(f_bern, theta, baseline=b_star)) < 1e-12
    est = E.bernoulli_score_function_grad(f_bern, theta, 100, rng=rng(), baseline=b_star)
    np.testing.assert_allclose(est, 0.1, rtol=1e-12)


# --------------------------------------------------------------------------- gradient descent


def test_pathwise_descent_matches_its_exact_distribution() -> None:
    cfg = E.DescentConfig(steps=60, chains=400)
    th = E.gradient_descent(cfg, estimator="pathwise", generator=torch.Generator().manual_seed(0))
    assert th.shape == (61, 400)
    mean, var = E.expected_descent_path(cfg)[-1], E.pathwise_descent_variance(cfg)[-1]
    assert abs(th[-1].mean() - mean) < 5 * np.sqrt(var / cfg.chains)
    chi = (cfg.chains - 1) * th[-1].var(ddof=1) / var
    assert stats.chi2.ppf(1e-4, cfg.chains - 1) < chi < stats.chi2.ppf(1 - 1e-4, cfg.chains - 1)


def test_descent_is_deterministic_and_score_is_noisier() -> None:
    cfg = E.DescentConfig(steps=60, chains=200)
    a = E.gradient_descent(cfg, estimator="score", generator=torch.Generator().manual_seed(1))
    b = E.gradient_descent(cfg, estimator="score", generator=torch.Generator().manual_seed(1))
    np.testing.assert_array_equal(a, b)
    p = E.gradient_descent(cfg, estimator="pathwise", generator=torch.Generator().manual_seed(1))
    ratio = a[-1].var(ddof=1) / p[-1].var(ddof=1)
    assert ratio > stats.f.ppf(0.9999, cfg.chains - 1, cfg.chains - 1)  # one-sided F-test at 1e-4
    np.testing.assert_allclose(E.expected_descent_path(cfg)[:2], [2.0, 2.0 * 0.9])


@pytest.mark.parametrize("lr", [0.05, 0.5, 1.0, 1.2])
def test_pathwise_descent_variance_solves_its_recursion(lr: float) -> None:
    # theta_{t+1} = (1 - 2 lr) theta_t - 2 lr mean(eps): Var_{t+1} = (1 - 2 lr)^2 Var_t + 4 lr^2 / n
    cfg = E.DescentConfig(lr=lr, steps=12, n=16)
    v = [0.0]
    for _ in range(cfg.steps):
        v.append((1 - 2 * lr) ** 2 * v[-1] + 4 * lr**2 / cfg.n)
    np.testing.assert_allclose(E.pathwise_descent_variance(cfg), v, rtol=1e-12, atol=1e-15)


def test_descent_with_too_large_a_step_raises_naming_lr() -> None:
    cfg = E.DescentConfig(lr=1.5)  # |1 - 2 lr| = 2: E[theta_t] doubles every step
    with pytest.raises(checks.DivergedError, match=r"\blr = 1.5\b"):
        E.gradient_descent(cfg, estimator="pathwise", generator=torch.Generator().manual_seed(0))


# --------------------------------------------------------------------------- plots (Agg)


def test_plot_helpers_smoke() -> None:
    fig, axes = plt.subplots(1, 3)
    try:
        Ns = np.array([10, 100, 1000])
        assert E.plot_variance_vs_n(axes[0], Ns, {"score": 87 / Ns, "pathwise": 4 / Ns},
                                    {"score": 87.0, "pathwise": 4.0}) is axes[0]
        assert len(axes[0].get_lines()) == 4
        h = {"score": rng().normal(4, 3, 200), "pathwise": rng(1).normal(4, 0.5, 200)}
        assert E.plot_estimate_histograms(axes[1], h, 4.0, bins=20) is axes[1]
        assert len(axes[1].patches) == 40
        assert E.plot_trajectories(axes[2], np.zeros((5, 3)), expected=np.zeros(5), title="t") is axes[2]
    finally:
        plt.close(fig)
