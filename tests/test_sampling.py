"""Tests for lecture_utils.sampling: closed forms, scipy.stats oracles and properties.

Bad arguments are covered by tests/bad_inputs/cases_sampling.py.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from lecture_utils import sampling as S

ALPHA = 1e-3  # significance level of the goodness-of-fit tests below (fixed seeds: deterministic)

uniforms = hnp.arrays(np.float64, st.integers(1, 50),
                      elements=st.floats(0.0, 1.0, exclude_max=True, allow_subnormal=False))
prob_vectors = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8).filter(
    lambda w: sum(w) > 1e-3).map(lambda w: np.asarray(w) / np.sum(w))
FAST = settings(max_examples=60, deadline=None)


# ----------------------------------------------------------------------------- Bernoulli
def test_bernoulli_rule_matches_the_slide() -> None:
    u = np.array([0.0, 0.29, 0.3, 0.31, 0.99])
    np.testing.assert_array_equal(S.bernoulli_from_uniform(u, 0.3), [1, 1, 0, 0, 0])


def test_bernoulli_frequency_within_standard_error() -> None:
    theta, n = 0.3, 100_000
    x = S.bernoulli_from_uniform(np.random.default_rng(1).random(n), theta)
    # the frequency has standard error sqrt(theta (1 - theta) / n); 5 SE: a false alarm w.p. 6e-7
    assert abs(x.mean() - theta) < 5 * np.sqrt(theta * (1 - theta) / n)


@FAST
@given(u=uniforms, theta=st.floats(0.0, 1.0))
def test_bernoulli_outputs_are_bits_and_monotone_in_theta(u: np.ndarray, theta: float) -> None:
    x = S.bernoulli_from_uniform(u, theta)
    assert x.shape == u.shape and set(np.unique(x)) <= {0, 1}
    assert np.all(x <= S.bernoulli_from_uniform(u, min(1.0, theta + 0.1)))
    assert np.all(S.bernoulli_from_uniform(u, 0.0) == 0) and np.all(S.bernoulli_from_uniform(u, 1.0) == 1)


# ----------------------------------------------------------------------------- categorical
def test_categorical_edges() -> None:
    pi = np.array([0.2, 0.3, 0.5])
    u = np.array([0.0, 0.1999, 0.2, 0.4999, 0.5, 0.9999999])
    np.testing.assert_array_equal(S.categorical_from_uniform(u, pi), [0, 0, 1, 1, 2, 2])


def test_categorical_matches_pi_by_chisquare() -> None:
    pi = np.array([0.1, 0.2, 0.3, 0.4])
    n = 20_000
    x = S.categorical_from_uniform(np.random.default_rng(2).random(n), pi)
    assert stats.chisquare(np.bincount(x, minlength=4), n * pi).pvalue > ALPHA


def test_categorical_zero_probability_categories_never_drawn() -> None:
    pi = np.array([0.0, 0.5, 0.0, 0.5, 0.0])
    x = S.categorical_from_uniform(np.array([0.0, 0.25, 0.5, 0.75, S._ONE_MINUS]), pi)
    assert set(x) <= {1, 3}


@FAST
@given(u=uniforms, pi=prob_vectors)
def test_categorical_in_range_monotone_and_positive_mass(u: np.ndarray, pi: np.ndarray) -> None:
    x = S.categorical_from_uniform(u, pi)
    assert x.dtype == np.int64 and np.all((x >= 0) & (x < pi.size))
    order = np.argsort(u, kind="stable")
    assert np.all(np.diff(x[order]) >= 0)  # monotone in u
    assert np.all(pi[x] > 0)


@settings(max_examples=30, deadline=None)
@given(u=uniforms, pi=prob_vectors)
def test_categorical_from_uniform_is_the_slides_searchsorted(u: np.ndarray, pi: np.ndarray) -> None:
    # notebook 02's inline rule, on cumulative sums scaled to end at exactly 1 (as the sampler does)
    c = np.cumsum(pi)
    np.testing.assert_array_equal(S.categorical_from_uniform(u, pi),
                                  np.searchsorted(c / c[-1], u, side="right"))


def test_categorical_rows_draws_each_row_from_its_own_probabilities() -> None:
    probs = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    u = np.array([0.25, 0.9, 0.0])
    np.testing.assert_array_equal(S.categorical_rows(probs, u), [1, 0, 2])
    for row in range(3):  # the row sampler is the 1-D sampler applied to each row
        np.testing.assert_array_equal(S.categorical_rows(np.repeat(probs[[row]], 3, axis=0), u),
                                      S.categorical_from_uniform(u, probs[row]))


def test_sample_rows_frequencies_by_chisquare() -> None:
    probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    n = 10_000
    x = S.sample_rows(np.repeat(probs[None], n, axis=0), rng=np.random.default_rng(9))  # (n, 2)
    assert x.shape == (n, 2)
    for row in range(2):
        assert stats.chisquare(np.bincount(x[:, row], minlength=3), n * probs[row]).pvalue > ALPHA


def test_categorical_from_cumulative_clamps_a_last_edge_below_one() -> None:
    cum = np.array([0.5, 1.0 - 1e-12])  # rounding left the last edge short of 1
    np.testing.assert_array_equal(S.categorical_from_cumulative(cum, np.array([0.2, 0.7, S._ONE_MINUS])),
                                  [0, 1, 1])


# ----------------------------------------------------------------------------- closed-form inverses
CLOSED_FORMS = [
    (S.exponential_cdf, S.exponential_inverse_cdf, {"rate": 2.0}, stats.expon(scale=0.5)),
    (S.logistic_cdf, S.logistic_inverse_cdf, {"mu": 1.0, "s": 0.5}, stats.logistic(loc=1.0, scale=0.5)),
    (S.cauchy_cdf, S.cauchy_inverse_cdf, {"x0": -1.0, "gamma": 2.0}, stats.cauchy(loc=-1.0, scale=2.0)),
]
IDS = ["exponential", "logistic", "cauchy"]


@pytest.mark.parametrize("cdf, inv, kw, oracle", CLOSED_FORMS, ids=IDS)
def test_closed_forms_match_scipy(cdf, inv, kw, oracle) -> None:
    u = np.linspace(0.01, 0.99, 99)
    np.testing.assert_allclose(inv(u, **kw), oracle.ppf(u), rtol=1e-12, atol=1e-12)
    x = oracle.ppf(u)
    np.testing.assert_allclose(cdf(x, **kw), oracle.cdf(x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cdf, inv, kw, oracle", CLOSED_FORMS, ids=IDS)
def test_inverse_transform_samples_pass_ks(cdf, inv, kw, oracle) -> None:
    x = S.inverse_transform(lambda u: inv(u, **kw), 5_000, rng=np.random.default_rng(3))
    assert x.shape == (5_000,)
    assert stats.kstest(x, lambda t: cdf(t, **kw)).pvalue > ALPHA


@FAST
@given(u=hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(1e-6, 1 - 1e-6)))
def test_closed_form_round_trip(u: np.ndarray) -> None:
    for cdf, inv, kw, _ in CLOSED_FORMS:
        np.testing.assert_allclose(cdf(inv(u, **kw), **kw), u, rtol=1e-9, atol=1e-12)


def test_logistic_inverse_at_zero_is_minus_infinity() -> None:
    assert S.logistic_inverse_cdf(np.array([0.0]))[0] == -np.inf


def test_inverse_transform_is_deterministic_given_seed() -> None:
    a = S.inverse_transform(S.cauchy_inverse_cdf, 100, rng=np.random.default_rng(7))
    b = S.inverse_transform(S.cauchy_inverse_cdf, 100, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- bisection
def test_bisection_matches_scipy_normal_ppf() -> None:
    u = np.linspace(0.001, 0.999, 201)
    x = S.bisection_inverse(stats.norm.cdf, u, lo=-10, hi=10, tol=1e-12)
    np.testing.assert_allclose(x, stats.norm.ppf(u), atol=2e-12)


def test_bisection_is_the_generalized_inverse_of_a_step_cdf() -> None:
    def cdf(x: np.ndarray) -> np.ndarray:  # Bern(0.3) as a CDF: jumps at 0 and 1
        return np.where(x < 0, 0.0, np.where(x < 1, 0.7, 1.0))

    x = S.bisection_inverse(cdf, np.array([0.1, 0.69, 0.71, 0.99]), lo=-1, hi=2, tol=1e-9)
    np.testing.assert_allclose(x, [0, 0, 1, 1], atol=1e-8)


@settings(max_examples=30, deadline=None)
@given(u=hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(1e-9, 1 - 1e-9)),
       w=st.floats(0.05, 0.95), m=st.floats(-3, 3), s=st.floats(0.2, 2.0))
def test_bisection_satisfies_cdf_of_x_close_to_u(u: np.ndarray, w: float, m: float, s: float) -> None:
    gm = S.GaussianMixture(weights=(w, 1 - w), means=(m, -m), stds=(s, 1.0))
    tol = 1e-10
    x = gm.inverse_cdf(u, tol=tol)
    pdf_max = gm.pdf(np.linspace(*gm.bracket, 2001)).max() * 1.01
    assert np.all(np.abs(gm.cdf(x) - u) <= pdf_max * tol + 1e-15)  # |F(x) - u| <= max p * |dx|


def test_bisection_clamps_u_beyond_the_bracket() -> None:
    x = S.bisection_inverse(stats.norm.cdf, np.array([0.001, 0.999]), lo=-1, hi=1)
    np.testing.assert_allclose(x, [-1, 1], atol=1e-9)


# ----------------------------------------------------------------------------- Gaussian mixtures
def test_mixture_cdf_and_pdf_match_scipy() -> None:
    w, m, s = np.array([0.2, 0.5, 0.3]), np.array([-2.0, 1.5, 4.0]), np.array([0.5, 0.8, 2.0])
    gm = S.GaussianMixture(weights=tuple(w), means=tuple(m), stds=tuple(s))
    x = np.linspace(-6, 6, 101)
    cdf = sum(wk * stats.norm.cdf(x, mk, sk) for wk, mk, sk in zip(w, m, s, strict=True))
    pdf = sum(wk * stats.norm.pdf(x, mk, sk) for wk, mk, sk in zip(w, m, s, strict=True))
    np.testing.assert_allclose(gm.cdf(x), cdf, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gm.pdf(x), pdf, rtol=1e-12, atol=1e-15)
    assert gm.cdf(np.zeros((2, 3))).shape == (2, 3)
    np.testing.assert_array_equal(gm.cdf(np.array([-np.inf, np.inf])), [0.0, 1.0])


def test_mixture_moments_and_samples() -> None:
    gm = S.GaussianMixture()
    grid = np.linspace(*gm.bracket, 200_001)
    dx = grid[1] - grid[0]
    p = gm.pdf(grid)
    assert abs(np.sum(p) * dx - 1) < 1e-6
    assert abs(np.sum(grid * p) * dx - gm.mean) < 1e-6
    assert abs(np.sum((grid - gm.mean) ** 2 * p) * dx - gm.var) < 1e-6
    n = 4_000
    x = gm.sample(n, rng=np.random.default_rng(4))
    assert abs(x.mean() - gm.mean) < 5 * np.sqrt(gm.var / n)  # 5 standard errors of the sample mean
    assert stats.kstest(x, gm.cdf).pvalue > ALPHA


# ----------------------------------------------------------------------------- empirical CDF
def test_empirical_inverse_is_the_generalized_inverse() -> None:
    data = np.array([3.0, 1.0, 2.0])
    u = np.array([0.0, 1 / 3 - 1e-12, 1 / 3 + 1e-12, 0.5, 0.9])
    np.testing.assert_array_equal(S.empirical_inverse_cdf(data, u), [1, 1, 2, 2, 3])
    np.testing.assert_array_equal(S.empirical_cdf(data, np.array([0.5, 1, 2.5, 3])), [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_array_equal(S.empirical_cdf(data, np.array([-np.inf, np.inf])), [0, 1])


def test_empirical_sampling_picks_each_point_uniformly() -> None:
    data = np.array([5.0, 1.0, 1.0, 7.0, 2.0])  # a tie: 1.0 should come up twice as often
    n = 20_000
    x = S.empirical_inverse_cdf(data, np.random.default_rng(5).random(n))
    values, mult = np.unique(data, return_counts=True)
    counts = np.array([(x == v).sum() for v in values])
    assert counts.sum() == n
    assert stats.chisquare(counts, n * mult / data.size).pvalue > ALPHA


@FAST
@given(data=hnp.arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e6, 1e6)), u=uniforms)
def test_empirical_inverse_returns_data_points_monotonically(data: np.ndarray, u: np.ndarray) -> None:
    x = S.empirical_inverse_cdf(data, u)
    assert np.all(np.isin(x, data))
    assert np.all(np.diff(x[np.argsort(u, kind="stable")]) >= 0)
    assert np.all(S.empirical_cdf(data, x) >= u)  # F_n(F_n^{-1}(u)) >= u


# ----------------------------------------------------------------------------- noise -> target
def test_gaussian_to_target_pushes_noise_to_the_target() -> None:
    gm = S.GaussianMixture()
    z = np.random.default_rng(6).standard_normal(4_000)
    x = S.gaussian_to_target(z, gm.inverse_cdf)
    assert stats.kstest(x, gm.cdf).pvalue > ALPHA
    assert np.all(np.diff(x[np.argsort(z)]) >= 0)  # G is monotone
    # With the exponential inverse CDF, G(z) has a closed form.
    np.testing.assert_allclose(S.gaussian_to_target(z, S.exponential_inverse_cdf),
                               -np.log(stats.norm.sf(z)), rtol=1e-9)


def test_gaussian_to_target_handles_extreme_noise() -> None:
    x = S.gaussian_to_target(np.array([-40.0, 40.0]), S.logistic_inverse_cdf)
    assert x[0] == -np.inf and np.isfinite(x[1])


# ----------------------------------------------------------------------------- goodness of fit
def test_ks_pvalues_match_the_statistic_computed_by_hand() -> None:
    """Oracle: D_m = max_i max(i/m - F(x_(i)), F(x_(i)) - (i-1)/m) per row, with the exact law of D_m."""
    x = np.random.default_rng(8).standard_normal((5, 300)) * np.array([[1.0], [1.0], [1.5], [1.0], [0.6]])
    m = x.shape[1]
    F = stats.norm.cdf(np.sort(x, axis=1))
    i = np.arange(1, m + 1)
    d = np.maximum(np.max(i / m - F, axis=1), np.max(F - (i - 1) / m, axis=1))
    p = S.ks_pvalues(x, stats.norm.cdf)
    assert p.shape == (5,)
    np.testing.assert_allclose(p, stats.kstwo.sf(d, m), rtol=1e-12, atol=1e-300)
    assert p[2] < 1e-3 and p[4] < 1e-3  # the rows with the wrong scale are rejected


# ----------------------------------------------------------------------------- plot helpers
def test_plot_helpers_smoke() -> None:
    gm = S.GaussianMixture()
    grid = np.linspace(-5, 5, 101)
    u = np.array([0.2, 0.8])
    fig, (ax1, ax2) = plt.subplots(1, 2)
    try:
        assert S.plot_inverse_cdf_mapping(ax1, grid, gm.cdf(grid), u, gm.inverse_cdf(u)) is ax1
        assert len(ax1.lines) >= 3
        assert S.plot_hist_vs_density(ax2, gm.sample(500, rng=np.random.default_rng(0)), grid,
                                      gm.pdf(grid)) is ax2
    finally:
        plt.close(fig)
