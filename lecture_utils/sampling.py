"""Inverse-transform sampling: turning u ~ U(0, 1) (or z ~ N(0, 1)) into samples of a target F_X.

Every sampler here is a deterministic map of its uniform input ``u``; randomness only enters through
an explicit ``rng: np.random.Generator`` (``inverse_transform``, ``GaussianMixture.sample``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from matplotlib.axes import Axes
from scipy.special import ndtr

from lecture_utils import checks

ArrayFn = Callable[[np.ndarray], np.ndarray]

# Largest float64 below 1: where Phi(z) rounds up to 1 we step back into [0, 1).
_ONE_MINUS = float(np.nextafter(1.0, 0.0))
_SUM_TOL = 1e-8


# ----------------------------------------------------------------------------- argument checks
def _check_u(u: np.ndarray, name: str = "u") -> np.ndarray:
    """Return ``u`` as a float array, or raise if any entry is outside [0, 1)."""
    u = np.asarray(u, dtype=float)
    bad = ~((u >= 0.0) & (u < 1.0))  # also catches NaN
    if np.any(bad):
        raise ValueError(f"{name} must lie in [0, 1), got e.g. {u[bad].flat[0]}")
    return u


def _check_probs(p: np.ndarray, name: str) -> np.ndarray:
    """Return ``p`` as a 1-D float array, or raise if it is not a probability vector."""
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"{name} must be non-negative and finite, got {p}")
    if abs(p.sum() - 1.0) > _SUM_TOL:
        raise ValueError(f"{name} must sum to 1, got sum {p.sum()}")
    return p


def _check_positive(value: float, name: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite positive number."""
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite, got {value}")
    return value


def _check_n(n: int) -> int:
    """Return ``n`` as an int, or raise if it is not a positive integer."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return int(n)


# ----------------------------------------------------------------------------- discrete samplers
def bernoulli_from_uniform(u: np.ndarray, theta: float) -> np.ndarray:
    """Bern(theta) samples from uniforms: output 1 where u < theta, else 0 (the slide's rule)."""
    theta = float(theta)
    if not 0.0 <= theta <= 1.0:
        raise ValueError(f"theta must lie in [0, 1], got {theta}")
    return (_check_u(u) < theta).astype(np.int64)


def categorical_from_uniform(u: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """Cat(pi) samples in {0, ..., k-1}: the first k with u < pi_0 + ... + pi_k (searchsorted)."""
    u = _check_u(u)
    pi = _check_probs(pi, "pi")
    cum = np.cumsum(pi)
    # Dividing by the total makes the last edge exactly 1, so u < 1 never falls off the end and a
    # trailing zero-probability category is never chosen.
    cum = cum / cum[-1]
    return np.searchsorted(cum, u, side="right").astype(np.int64)


def categorical_from_cumulative(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row-wise Cat sample: for cumulative probabilities ``cum`` (..., K) ending at 1, the first k with u < cum_k.

    The unchecked kernel behind every categorical draw of the collection (environments, policies, models);
    callers pass tables they validated once. ``u`` has shape (...) and lies in [0, 1).
    """
    k = (u[..., None] >= cum).sum(axis=-1)
    return np.minimum(k, cum.shape[-1] - 1)  # guards a last edge that rounds below 1


def categorical_rows(probs: ArrayLike, u: ArrayLike) -> np.ndarray:
    """One Cat(probs[i]) sample per row: probs (..., K) with rows summing to 1, u (...) in [0, 1)."""
    probs = checks.prob_rows("probs", probs)
    u = _check_u(u)
    if u.shape != probs.shape[:-1]:
        raise checks.BadArgument(f"u must have shape probs.shape[:-1] = {probs.shape[:-1]}, got {u.shape}")
    cum = np.cumsum(probs, axis=-1)
    return categorical_from_cumulative(cum / cum[..., -1:], u)


def sample_rows(probs: ArrayLike, *, rng: np.random.Generator) -> np.ndarray:
    """One Cat(probs[i]) sample per row of probs (..., K), by inverse CDF with uniforms from ``rng``."""
    probs = np.asarray(probs)
    return categorical_rows(probs, rng.random(probs.shape[:-1]))


# ----------------------------------------------------------------------------- continuous samplers
def inverse_transform(inverse_cdf: ArrayFn, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Draw n samples F^{-1}(u) with u ~ U[0, 1) from ``rng``."""
    n = _check_n(n)
    return np.asarray(inverse_cdf(rng.random(n)))


def exponential_cdf(x: np.ndarray, rate: float = 1.0) -> np.ndarray:
    """CDF of Exp(rate): 1 - exp(-rate x) for x >= 0."""
    rate = _check_positive(rate, "rate")
    x = np.asarray(x, dtype=float)
    return -np.expm1(-rate * np.maximum(x, 0.0))


def exponential_inverse_cdf(u: np.ndarray, rate: float = 1.0) -> np.ndarray:
    """Inverse CDF of Exp(rate): -log(1 - u) / rate."""
    rate = _check_positive(rate, "rate")
    return -np.log1p(-_check_u(u)) / rate


def logistic_cdf(x: np.ndarray, mu: float = 0.0, s: float = 1.0) -> np.ndarray:
    """CDF of Logistic(mu, s): the sigmoid of (x - mu) / s."""
    s = _check_positive(s, "s")
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + np.tanh((x - mu) / (2.0 * s)))


def logistic_inverse_cdf(u: np.ndarray, mu: float = 0.0, s: float = 1.0) -> np.ndarray:
    """Inverse CDF of Logistic(mu, s): mu + s log(u / (1 - u)) (the logit); -inf at u = 0."""
    s = _check_positive(s, "s")
    u = _check_u(u)
    with np.errstate(divide="ignore"):
        return mu + s * (np.log(u) - np.log1p(-u))


def cauchy_cdf(x: np.ndarray, x0: float = 0.0, gamma: float = 1.0) -> np.ndarray:
    """CDF of Cauchy(x0, gamma): 1/2 + arctan((x - x0) / gamma) / pi."""
    gamma = _check_positive(gamma, "gamma")
    x = np.asarray(x, dtype=float)
    return 0.5 + np.arctan((x - x0) / gamma) / np.pi


def cauchy_inverse_cdf(u: np.ndarray, x0: float = 0.0, gamma: float = 1.0) -> np.ndarray:
    """Inverse CDF of Cauchy(x0, gamma): x0 + gamma tan(pi (u - 1/2))."""
    gamma = _check_positive(gamma, "gamma")
    return x0 + gamma * np.tan(np.pi * (_check_u(u) - 0.5))


# ----------------------------------------------------------------------------- numerical inversion
def check_monotone_cdf(cdf: ArrayFn, lo: float, hi: float, *, n_grid: int = 1025) -> None:
    """Raise ValueError unless cdf is finite, within [0, 1] and non-decreasing on a grid over [lo, hi]."""
    grid = np.linspace(lo, hi, n_grid)
    values = np.asarray(cdf(grid), dtype=float)
    if values.shape != grid.shape:
        raise ValueError(f"cdf must return an array shaped like its input, got {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0.0) or np.any(values > 1.0):
        raise ValueError("cdf must return finite values in [0, 1] on the bracket [lo, hi]")
    drops = np.diff(values)
    if np.any(drops < -1e-12):
        i = int(np.argmin(drops))
        raise ValueError(f"cdf is not monotone on [lo, hi]: it decreases between x={grid[i]:.4g} "
                         f"and x={grid[i + 1]:.4g}")


def bisection_inverse(cdf: ArrayFn, u: np.ndarray, *, lo: float, hi: float, tol: float = 1e-10,
                      max_iter: int = 200) -> np.ndarray:
    """Vectorized bisection for F^{-1}(u) = inf{x in [lo, hi]: F(x) >= u}, to within tol in x."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise ValueError(f"lo must be < hi (both finite), got lo={lo}, hi={hi}")
    tol = _check_positive(tol, "tol")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    u = _check_u(u)
    check_monotone_cdf(cdf, lo, hi)
    # Invariant: F(a) < u <= F(b) wherever the bracket holds; u beyond F's range on [lo, hi] clamps.
    a = np.full(u.shape, lo)
    b = np.full(u.shape, hi)
    for _ in range(int(max_iter)):
        if np.max(b - a, initial=0.0) <= tol:
            break
        m = 0.5 * (a + b)
        below = np.asarray(cdf(m)) < u
        a = np.where(below, m, a)
        b = np.where(below, b, m)
    return b


# ----------------------------------------------------------------------------- Gaussian mixtures
def _check_mixture(weights: np.ndarray, means: np.ndarray,
                   stds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate mixture parameters and return them as float arrays of equal length."""
    weights = _check_probs(weights, "weights")
    means = np.asarray(means, dtype=float)
    stds = np.asarray(stds, dtype=float)
    if means.shape != weights.shape:
        raise ValueError(f"means must have shape {weights.shape}, got {means.shape}")
    if stds.shape != weights.shape:
        raise ValueError(f"stds must have shape {weights.shape}, got {stds.shape}")
    if not np.all(np.isfinite(means)):
        raise ValueError(f"means must be finite, got {means}")
    if not np.all(np.isfinite(stds) & (stds > 0)):
        raise ValueError(f"stds must be positive and finite, got {stds}")
    return weights, means, stds


def gaussian_mixture_cdf(x: np.ndarray, weights: np.ndarray, means: np.ndarray,
                         stds: np.ndarray) -> np.ndarray:
    """CDF of sum_k w_k N(mu_k, sigma_k^2): sum_k w_k Phi((x - mu_k) / sigma_k)."""
    weights, means, stds = _check_mixture(weights, means, stds)
    x = np.asarray(x, dtype=float)
    # A loop over the (few) components is faster than broadcasting to (..., K) and summing a tiny axis.
    return sum(w * ndtr((x - m) / s) for w, m, s in zip(weights, means, stds, strict=True)) + np.zeros_like(x)


def gaussian_mixture_pdf(x: np.ndarray, weights: np.ndarray, means: np.ndarray,
                         stds: np.ndarray) -> np.ndarray:
    """Density of sum_k w_k N(mu_k, sigma_k^2)."""
    weights, means, stds = _check_mixture(weights, means, stds)
    x = np.asarray(x, dtype=float)
    return sum(w / (s * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((x - m) / s) ** 2)
               for w, m, s in zip(weights, means, stds, strict=True)) + np.zeros_like(x)


@dataclass(frozen=True)
class GaussianMixture:
    """A 1-D Gaussian mixture; the default is the lecture's bimodal target."""

    weights: tuple[float, ...] = (0.3, 0.7)
    means: tuple[float, ...] = (-2.0, 1.5)
    stds: tuple[float, ...] = (0.5, 0.8)

    def __post_init__(self) -> None:
        _check_mixture(self.weights, self.means, self.stds)

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

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """F_X(x)."""
        return gaussian_mixture_cdf(x, self.weights, self.means, self.stds)

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """p_X(x)."""
        return gaussian_mixture_pdf(x, self.weights, self.means, self.stds)

    def inverse_cdf(self, u: np.ndarray, tol: float = 1e-10) -> np.ndarray:
        """F_X^{-1}(u) by bisection on ``bracket``."""
        lo, hi = self.bracket
        return bisection_inverse(self.cdf, u, lo=lo, hi=hi, tol=tol)

    def sample(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """n samples by inverse-transform sampling."""
        return inverse_transform(self.inverse_cdf, n, rng=rng)


# ----------------------------------------------------------------------------- data and noise
def empirical_cdf(data: np.ndarray, x: np.ndarray) -> np.ndarray:
    """F_n(x) = (number of data points <= x) / n."""
    data = _check_data(data)
    return np.searchsorted(data, np.asarray(x, dtype=float), side="right") / data.size


def empirical_inverse_cdf(data: np.ndarray, u: np.ndarray) -> np.ndarray:
    """F_n^{-1}(u) = inf{x: F_n(x) >= u} = x_(ceil(n u)): u ~ U[0, 1) picks each data point w.p. 1/n."""
    data = _check_data(data)
    u = _check_u(u)
    k = np.maximum(np.ceil(data.size * u).astype(np.int64), 1)  # order statistic, 1-based
    return data[k - 1]


def _check_data(data: np.ndarray) -> np.ndarray:
    """Return the data sorted as a 1-D float array, or raise if empty or not finite."""
    data = np.asarray(data, dtype=float)
    if data.ndim != 1 or data.size == 0:
        raise ValueError(f"data must be a non-empty 1-D array, got shape {data.shape}")
    if not np.all(np.isfinite(data)):
        raise ValueError("data must be finite")
    return np.sort(data)


def gaussian_to_target(z: np.ndarray, inverse_cdf: ArrayFn) -> np.ndarray:
    """The fixed generator G(z) = F^{-1}(Phi(z)) that pushes N(0, 1) noise forward to F."""
    z = np.asarray(z, dtype=float)
    if not np.all(np.isfinite(z)):
        raise ValueError("z must be finite")
    # Phi(z) rounds to 1.0 for z > 8.3; keep it inside [0, 1).
    return np.asarray(inverse_cdf(np.minimum(ndtr(z), _ONE_MINUS)))


# ----------------------------------------------------------------------------- goodness of fit
def ks_pvalues(samples: np.ndarray, cdf: ArrayFn) -> np.ndarray:
    """Exact two-sided Kolmogorov-Smirnov p-value of each row of (R, m) samples against cdf, vectorized."""
    samples = np.asarray(samples, dtype=float)
    if samples.ndim != 2 or samples.shape[1] == 0:
        raise ValueError(f"samples must have shape (R, m) with m >= 1, got {samples.shape}")
    m = samples.shape[1]
    F = np.asarray(cdf(np.sort(samples, axis=1)), dtype=float)  # (R, m)
    i = np.arange(1, m + 1)
    d = np.maximum(np.max(i / m - F, axis=1), np.max(F - (i - 1) / m, axis=1))  # D_m per row
    from scipy import stats  # scipy.stats is slow to import; only this function needs it

    return stats.kstwo.sf(d, m)


# ----------------------------------------------------------------------------- plot helpers
def plot_inverse_cdf_mapping(ax: Axes, x_grid: np.ndarray, cdf_values: np.ndarray, u: np.ndarray,
                             x: np.ndarray, *, color: str = "C3") -> Axes:
    """Draw a CDF and, for each u, the path u -> curve -> x = F^{-1}(u) with an arrow."""
    u, x = np.atleast_1d(u), np.atleast_1d(x)
    if u.shape != x.shape:
        raise ValueError(f"u and x must have the same shape, got {u.shape} and {x.shape}")
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


def plot_hist_vs_density(ax: Axes, samples: np.ndarray, x_grid: np.ndarray, density: np.ndarray, *,
                         bins: int | np.ndarray = 60, label: str = "samples",
                         density_label: str = r"$p_X(x)$") -> Axes:
    """Histogram normalized by ALL samples (clipped heavy tails stay honest), with the density on top."""
    samples = np.asarray(samples, dtype=float)
    counts, edges = np.histogram(samples, bins=bins)
    heights = counts / (samples.size * np.diff(edges))
    ax.hist(edges[:-1], bins=edges, weights=heights, histtype="stepfilled", alpha=0.5, color="C1",
            label=label)
    ax.plot(x_grid, density, color="C0", lw=2, label=density_label)
    ax.set_ylim(0.0, 1.3 * max(float(np.max(density)), float(np.max(heights))))  # headroom for the legend
    ax.set_xlabel(r"$x$")
    ax.set_ylabel("density")
    ax.legend(loc="upper right", fontsize=9)
    return ax
