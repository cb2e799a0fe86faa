"""Inverse-transform sampling: turning u ~ U(0, 1) (or z ~ N(0, 1)) into samples of a target F_X.

Every sampler here is a deterministic map of its uniform input ``u``; randomness only enters through
an explicit ``rng: np.random.Generator`` (``inverse_transform``, ``GaussianMixture.sample``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike
from scipy.special import ndtr

from lecture_utils import checks

__all__ = [
    "GaussianMixture", "bernoulli_from_uniform", "bisection_inverse", "categorical_from_cumulative",
    "categorical_from_uniform", "categorical_rows", "cumulative_probs", "cauchy_cdf", "cauchy_inverse_cdf",
    "empirical_cdf",
    "empirical_inverse_cdf", "exponential_cdf", "exponential_inverse_cdf", "gaussian_to_target",
    "inverse_transform", "ks_pvalues", "logistic_cdf", "logistic_inverse_cdf", "plot_hist_vs_density",
    "plot_inverse_cdf_mapping", "sample_rows",
]

ArrayFn = Callable[[np.ndarray], np.ndarray]

# Largest float64 below 1: where Phi(z) rounds up to 1 we step back into [0, 1).
_ONE_MINUS = float(np.nextafter(1.0, 0.0))


# ----------------------------------------------------------------------------- argument checks
def _check_u(u: ArrayLike, name: str = "u") -> np.ndarray:
    """``u`` as a float array of uniforms in [0, 1) (any shape, possibly empty)."""
    u = checks.array(name, u, min_size=0, low=0.0)
    if (u >= 1.0).any():
        where = tuple(int(i) for i in np.argwhere(u >= 1.0)[0])
        raise checks.BadArgument(f"{name} must lie in [0, 1), got {u[where]!r} at index {where}")
    return u


def _check_points(x: ArrayLike, name: str = "x") -> np.ndarray:
    """``x`` as a float array of points to evaluate a CDF or density at: +-inf allowed, NaN not."""
    x = checks.array(name, x, min_size=0, finite=False)
    if np.isnan(x).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(x))[0])
        raise checks.BadArgument(f"{name} must not be NaN, got nan at index {where}: {checks.show(x)}")
    return x


def cumulative_probs(probs: np.ndarray) -> np.ndarray:
    """Unchecked: cumulative sums along the last axis, divided by the total so the last edge is exactly 1."""
    cum = np.cumsum(probs, axis=-1)
    # u < 1 then never falls off the end, and a trailing zero-probability category is never chosen.
    return cum / cum[..., -1:]


# ----------------------------------------------------------------------------- discrete samplers
def bernoulli_from_uniform(u: ArrayLike, theta: float) -> np.ndarray:
    """Bern(theta) samples from uniforms: output 1 where u < theta, else 0 (the slide's rule)."""
    theta = checks.unit_interval("theta", theta)
    return (_check_u(u) < theta).astype(np.int64)


def categorical_from_cumulative(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row-wise Cat sample: the first k with u < cum_k, for cumulative probabilities cum (..., K) ending at 1.

    The unchecked kernel behind every categorical draw of the collection (environments, policies, models);
    callers pass tables they validated once. ``u`` has shape (...) and lies in [0, 1); ``cum`` broadcasts
    against it (one (K,) row serves every u).
    """
    k = (u[..., None] >= cum).sum(axis=-1)
    return np.minimum(k, cum.shape[-1] - 1)  # guards a last edge that rounds below 1


def categorical_from_uniform(u: ArrayLike, pi: ArrayLike) -> np.ndarray:
    """Cat(pi) samples in {0, ..., k-1}: the first k with u < pi_0 + ... + pi_k (one pi for every u)."""
    pi = checks.prob_vector("pi", pi)
    return categorical_from_cumulative(cumulative_probs(pi), _check_u(u)).astype(np.int64)


def categorical_rows(probs: ArrayLike, u: ArrayLike) -> np.ndarray:
    """One Cat(probs[i]) sample per row: probs (..., K) with rows summing to 1, u (...) in [0, 1)."""
    probs = checks.prob_rows("probs", probs)
    u = _check_u(u)
    if u.shape != probs.shape[:-1]:
        raise checks.BadArgument(f"u must have shape probs.shape[:-1] = {probs.shape[:-1]}, got {u.shape}")
    return categorical_from_cumulative(cumulative_probs(probs), u)


def sample_rows(probs: ArrayLike, *, rng: np.random.Generator) -> np.ndarray:
    """One Cat(probs[i]) sample per row of probs (..., K), by inverse CDF with uniforms from ``rng``."""
    probs = checks.prob_rows("probs", probs)
    u = checks.rng("rng", rng).random(probs.shape[:-1])
    return categorical_from_cumulative(cumulative_probs(probs), u)


# ----------------------------------------------------------------------------- continuous samplers
def inverse_transform(inverse_cdf: ArrayFn, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Draw n samples F^{-1}(u) with u ~ U[0, 1) from ``rng``."""
    checks.is_callable("inverse_cdf", inverse_cdf)
    n = checks.positive_int("n", n)
    x = np.asarray(inverse_cdf(checks.rng("rng", rng).random(n)))
    if x.shape != (n,):
        raise checks.BadArgument(f"inverse_cdf must map n uniforms to n samples, shape ({n},); "
                                 f"got shape {x.shape}")
    return x


def exponential_cdf(x: ArrayLike, rate: float = 1.0) -> np.ndarray:
    """CDF of Exp(rate): 1 - exp(-rate x) for x >= 0."""
    rate = checks.positive("rate", rate)
    return -np.expm1(-rate * np.maximum(_check_points(x), 0.0))


def exponential_inverse_cdf(u: ArrayLike, rate: float = 1.0) -> np.ndarray:
    """Inverse CDF of Exp(rate): -log(1 - u) / rate."""
    rate = checks.positive("rate", rate)
    return -np.log1p(-_check_u(u)) / rate


def logistic_cdf(x: ArrayLike, mu: float = 0.0, s: float = 1.0) -> np.ndarray:
    """CDF of Logistic(mu, s): the sigmoid of (x - mu) / s."""
    mu, s = checks.real("mu", mu), checks.positive("s", s)
    return 0.5 * (1.0 + np.tanh((_check_points(x) - mu) / (2.0 * s)))


def logistic_inverse_cdf(u: ArrayLike, mu: float = 0.0, s: float = 1.0) -> np.ndarray:
    """Inverse CDF of Logistic(mu, s): mu + s log(u / (1 - u)) (the logit); -inf at u = 0."""
    mu, s = checks.real("mu", mu), checks.positive("s", s)
    u = _check_u(u)
    with np.errstate(divide="ignore"):
        return mu + s * (np.log(u) - np.log1p(-u))


def cauchy_cdf(x: ArrayLike, x0: float = 0.0, gamma: float = 1.0) -> np.ndarray:
    """CDF of Cauchy(x0, gamma): 1/2 + arctan((x - x0) / gamma) / pi."""
    x0, gamma = checks.real("x0", x0), checks.positive("gamma", gamma)
    return 0.5 + np.arctan((_check_points(x) - x0) / gamma) / np.pi


def cauchy_inverse_cdf(u: ArrayLike, x0: float = 0.0, gamma: float = 1.0) -> np.ndarray:
    """Inverse CDF of Cauchy(x0, gamma): x0 + gamma tan(pi (u - 1/2))."""
    x0, gamma = checks.real("x0", x0), checks.positive("gamma", gamma)
    return x0 + gamma * np.tan(np.pi * (_check_u(u) - 0.5))


# ----------------------------------------------------------------------------- numerical inversion
def _check_monotone_cdf(cdf: ArrayFn, lo: float, hi: float, *, n_grid: int = 1025) -> None:
    """Raise unless cdf is finite, within [0, 1] and non-decreasing on a grid over [lo, hi]."""
    grid = np.linspace(lo, hi, n_grid)
    values = np.asarray(cdf(grid), dtype=float)
    if values.shape != grid.shape:
        raise checks.BadArgument(f"cdf must return an array shaped like its input, got {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0.0) or np.any(values > 1.0):
        raise checks.BadArgument("cdf must return finite values in [0, 1] on the bracket [lo, hi], got "
                                 f"{checks.show(values)}")
    drops = np.diff(values)
    if np.any(drops < -1e-12):
        i = int(np.argmin(drops))
        raise checks.BadArgument(f"cdf is not monotone on [lo, hi]: it decreases between x={grid[i]:.4g} "
                                 f"and x={grid[i + 1]:.4g}")


def bisection_inverse(cdf: ArrayFn, u: ArrayLike, *, lo: float, hi: float, tol: float = 1e-10,
                      max_iter: int = 200) -> np.ndarray:
    """Vectorized bisection for F^{-1}(u) = inf{x in [lo, hi]: F(x) >= u}, to within tol in x."""
    checks.is_callable("cdf", cdf)
    lo, hi = checks.real("lo", lo), checks.real("hi", hi)
    if lo >= hi:
        raise checks.BadArgument(f"lo must be < hi, got lo={lo!r}, hi={hi!r}")
    tol = checks.positive("tol", tol)
    max_iter = checks.positive_int("max_iter", max_iter)
    # the bracket halves each step: reaching tol takes ceil(log2((hi - lo) / tol)) of them
    needed = int(np.ceil(np.log2((hi - lo) / tol)))
    if needed > max_iter:
        raise checks.BadArgument(f"max_iter = {max_iter} bisection steps cannot shrink [{lo:g}, {hi:g}] to "
                                 f"tol = {tol:g}: that takes {needed}; raise max_iter or tol")
    u = _check_u(u)
    _check_monotone_cdf(cdf, lo, hi)
    # Invariant: F(a) < u <= F(b) wherever the bracket holds; u beyond F's range on [lo, hi] clamps.
    a = np.full(u.shape, lo)
    b = np.full(u.shape, hi)
    for _ in range(max_iter):
        if np.max(b - a, initial=0.0) <= tol:
            break
        m = 0.5 * (a + b)
        below = np.asarray(cdf(m)) < u
        a = np.where(below, m, a)
        b = np.where(below, b, m)
    return b


# ----------------------------------------------------------------------------- Gaussian mixtures
@dataclass(frozen=True)
class GaussianMixture:
    """A 1-D Gaussian mixture sum_k w_k N(mu_k, sigma_k^2); the default is the lecture's bimodal target."""

    weights: tuple[float, ...] = (0.3, 0.7)
    means: tuple[float, ...] = (-2.0, 1.5)
    stds: tuple[float, ...] = (0.5, 0.8)

    def __post_init__(self) -> None:
        weights = checks.prob_vector("weights", self.weights)
        means = checks.array("means", self.means, shape=weights.shape)
        stds = checks.array("stds", self.stds, shape=weights.shape)
        if (stds <= 0).any():
            raise checks.BadArgument(f"stds must be positive, got {checks.show(stds)}")
        for name, arr in (("weights", weights), ("means", means), ("stds", stds)):
            object.__setattr__(self, name, tuple(float(v) for v in arr))

    @property
    def bracket(self) -> tuple[float, float]:
        """An interval holding all but ~1e-32 of the mass (12 standard deviations past each mode)."""
        m, s = np.asarray(self.means), np.asarray(self.stds)
        return float(np.min(m - 12 * s)), float(np.max(m + 12 * s))

    @property
    def mean(self) -> float:
        """E[X] = sum_k w_k mu_k."""
        return float(np.dot(self.weights, self.means))

    @property
    def var(self) -> float:
        """Var[X] = sum_k w_k (sigma_k^2 + mu_k^2) - E[X]^2."""
        w, m, s = (np.asarray(a) for a in (self.weights, self.means, self.stds))
        return float(np.dot(w, s**2 + m**2) - self.mean**2)

    def cdf(self, x: ArrayLike) -> np.ndarray:
        """F_X(x) = sum_k w_k Phi((x - mu_k) / sigma_k)."""
        x = _check_points(x)
        # A loop over the (few) components is faster than broadcasting to (..., K) and summing a tiny axis.
        return sum((w * ndtr((x - m) / s)
                    for w, m, s in zip(self.weights, self.means, self.stds, strict=True)), np.zeros_like(x))

    def pdf(self, x: ArrayLike) -> np.ndarray:
        """p_X(x) = sum_k w_k N(x; mu_k, sigma_k^2)."""
        x = _check_points(x)
        return sum((w / (s * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((x - m) / s) ** 2)
                    for w, m, s in zip(self.weights, self.means, self.stds, strict=True)), np.zeros_like(x))

    def inverse_cdf(self, u: ArrayLike, tol: float = 1e-10) -> np.ndarray:
        """F_X^{-1}(u) by bisection on ``bracket``."""
        lo, hi = self.bracket
        return bisection_inverse(self.cdf, u, lo=lo, hi=hi, tol=tol)

    def sample(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """n samples by inverse-transform sampling."""
        return inverse_transform(self.inverse_cdf, n, rng=rng)


# ----------------------------------------------------------------------------- data and noise
def empirical_cdf(data: ArrayLike, x: ArrayLike) -> np.ndarray:
    """F_n(x) = (number of data points <= x) / n."""
    data = _check_data(data)
    return np.searchsorted(data, _check_points(x), side="right") / data.size


def empirical_inverse_cdf(data: ArrayLike, u: ArrayLike) -> np.ndarray:
    """F_n^{-1}(u) = inf{x: F_n(x) >= u} = x_(ceil(n u)): u ~ U[0, 1) picks each data point w.p. 1/n."""
    data = _check_data(data)
    u = _check_u(u)
    k = np.maximum(np.ceil(data.size * u).astype(np.int64), 1)  # order statistic, 1-based
    return data[k - 1]


def _check_data(data: ArrayLike) -> np.ndarray:
    """The data sorted, as a non-empty finite 1-D float array."""
    return np.sort(checks.array("data", data, ndim=1))


def gaussian_to_target(z: ArrayLike, inverse_cdf: ArrayFn) -> np.ndarray:
    """The fixed generator G(z) = F^{-1}(Phi(z)) that pushes N(0, 1) noise forward to F."""
    z = checks.array("z", z, min_size=0)
    checks.is_callable("inverse_cdf", inverse_cdf)
    # Phi(z) rounds to 1.0 for z > 8.3; keep it inside [0, 1).
    return np.asarray(inverse_cdf(np.minimum(ndtr(z), _ONE_MINUS)))


# ----------------------------------------------------------------------------- goodness of fit
def ks_pvalues(samples: ArrayLike, cdf: ArrayFn) -> np.ndarray:
    """Exact two-sided Kolmogorov-Smirnov p-value of each row of (R, m) samples against cdf, vectorized."""
    samples = checks.array("samples", samples, ndim=2)
    checks.is_callable("cdf", cdf)
    from scipy import stats  # scipy.stats is slow to import; only this function needs it

    # axis=1 calls cdf once on the sorted (R, m) array; "exact" is the distribution of D_m (scipy's kstwo)
    return np.asarray(stats.ks_1samp(samples, cdf, axis=1, method="exact").pvalue)


# ----------------------------------------------------------------------------- plot helpers
def plot_inverse_cdf_mapping(ax: Axes, x_grid: ArrayLike, cdf_values: ArrayLike, u: ArrayLike,
                             x: ArrayLike, *, color: str = "C3") -> Axes:
    """Draw a CDF and, for each u, the path u -> curve -> x = F^{-1}(u) with an arrow."""
    ax = checks.axes("ax", ax)
    x_grid = checks.array("x_grid", x_grid, ndim=1)
    cdf_values = checks.array("cdf_values", cdf_values, shape=x_grid.shape, low=0.0, high=1.0)
    u = np.atleast_1d(_check_u(u))
    x = np.atleast_1d(checks.array("x", x, min_size=0))
    if u.shape != x.shape:
        raise checks.BadArgument(f"u and x must have the same shape, got {u.shape} and {x.shape}")
    ax.plot(x_grid, cdf_values, color="C0", lw=2, label=r"$F_X(x)$")
    left = float(np.min(x_grid))
    for ui, xi in zip(u, x, strict=True):
        ax.plot([left, xi], [ui, ui], color=color, lw=1, ls="--")
        ax.annotate("", xy=(xi, 0.0), xytext=(xi, ui),
                    arrowprops={"arrowstyle": "->", "color": color, "lw": 1.2})
        ax.plot([xi], [ui], "o", color=color, ms=4)
    ax.set_xlim(left, float(np.max(x_grid)))
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"$u = F_X(x)$")
    return ax


def plot_hist_vs_density(ax: Axes, samples: ArrayLike, x_grid: ArrayLike, density: ArrayLike, *,
                         bins: int | ArrayLike = 60, label: str = "samples",
                         density_label: str = r"$p_X(x)$") -> Axes:
    """Histogram normalized by ALL samples (clipped heavy tails stay honest), with the density on top."""
    ax = checks.axes("ax", ax)
    samples = checks.array("samples", samples, ndim=1)
    x_grid = checks.array("x_grid", x_grid, ndim=1)
    density = checks.array("density", density, shape=x_grid.shape, low=0.0)
    edges_or_count: int | np.ndarray
    if isinstance(bins, int | np.integer) and not isinstance(bins, bool):
        edges_or_count = checks.positive_int("bins", bins)
    else:
        edges_or_count = checks.array("bins", bins, ndim=1, min_size=2)
        if (np.diff(edges_or_count) <= 0).any():
            raise checks.BadArgument(f"bins must be increasing bin edges, got {checks.show(edges_or_count)}")
    counts, edges = np.histogram(samples, bins=edges_or_count)
    heights = counts / (samples.size * np.diff(edges))
    ax.hist(edges[:-1], bins=list(edges), weights=heights, histtype="stepfilled", alpha=0.5, color="C1",
            label=label)
    ax.plot(x_grid, density, color="C0", lw=2, label=density_label)
    ax.set_ylim(0.0, 1.3 * max(float(np.max(density)), float(np.max(heights))))  # headroom for the legend
    ax.set_xlabel(r"$x$")
    ax.set_ylabel("density")
    ax.legend(loc="upper right", fontsize=9)
    return ax
