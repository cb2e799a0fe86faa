"""Monte Carlo estimators of the gradient d/dtheta E_{z~p_theta(z)}[f(z)]: score function and pathwise.

The running example of the slides is z ~ N(theta, 1), f(z) = z^2, whose true gradient is 2 theta.
Samplers return per-sample estimates (one per draw), so a notebook can show both their mean and
their variance. Exact moments of the example come from Gaussian moments of polynomials in eps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import torch
from matplotlib.axes import Axes
from scipy.stats import chi2

ArrayFn = Callable[[np.ndarray], np.ndarray]
Estimator = Literal["score", "pathwise"]


def _positive_int(name: str, value: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _finite(name: str, value: float) -> float:
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def _probability(name: str, value: float, *, open_interval: bool = False) -> float:
    value = float(value)
    ok = 0.0 < value < 1.0 if open_interval else 0.0 <= value <= 1.0
    if not ok:
        interval = "(0, 1)" if open_interval else "[0, 1]"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return value


def _estimator(name: str, value: str) -> Estimator:
    if value not in ("score", "pathwise"):
        raise ValueError(f"{name} must be 'score' or 'pathwise', got {value!r}")
    return value  # type: ignore[return-value]


# --------------------------------------------------------------------------- Gaussian z ~ N(theta, sigma^2)


def gaussian_score(z: np.ndarray, theta: float, sigma: float = 1.0) -> np.ndarray:
    """Score d/dtheta log N(z; theta, sigma^2) = (z - theta) / sigma^2."""
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    return (np.asarray(z, dtype=float) - theta) / sigma**2


def score_function_estimates(f: ArrayFn, z: np.ndarray, theta: float, *,
                             baseline: float = 0.0) -> np.ndarray:
    """Per-sample score-function estimates (f(z) - b) (z - theta) for given draws z ~ N(theta, 1)."""
    z = np.asarray(z, dtype=float)
    return (f(z) - baseline) * gaussian_score(z, theta)


def pathwise_estimates(df: ArrayFn, eps: np.ndarray, theta: float) -> np.ndarray:
    """Per-sample pathwise estimates f'(g(theta, eps)) dg/dtheta with g = theta + eps (so dg/dtheta = 1)."""
    return df(theta + np.asarray(eps, dtype=float))


def score_function_grad(f: ArrayFn, theta: float, n: int, *, rng: np.random.Generator,
                        baseline: float = 0.0) -> np.ndarray:
    """Per-sample score-function estimates of d/dtheta E_{z~N(theta,1)}[f(z)]."""
    n = _positive_int("n", n)
    theta = _finite("theta", theta)
    z = rng.standard_normal(n) + theta  # the slides' x = np.random.randn(N) + theta
    return score_function_estimates(f, z, theta, baseline=baseline)


def pathwise_grad(df: ArrayFn, theta: float, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Per-sample pathwise (reparameterization) estimates of d/dtheta E_{z~N(theta,1)}[f(z)]."""
    n = _positive_int("n", n)
    theta = _finite("theta", theta)
    return pathwise_estimates(df, rng.standard_normal(n), theta)


@dataclass(frozen=True)
class EstimatorStats:
    """Mean and variance over ``reps`` repetitions of an N-sample average, for each N."""

    Ns: np.ndarray  # (K,)
    means: np.ndarray  # (K,)
    variances: np.ndarray  # (K,)
    reps: int
    ddof: int


def estimator_stats(estimator: Callable[..., np.ndarray], Ns: Sequence[int], reps: int, *,
                    rng: np.random.Generator, ddof: int = 0, max_chunk: int = 2**20) -> EstimatorStats:
    """Vectorized form of the slides' loop: ``estimator(n, rng=rng)`` returns n per-sample estimates."""
    reps = _positive_int("reps", reps)
    max_chunk = _positive_int("max_chunk", max_chunk)
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 or 1, got {ddof!r}")
    if len(Ns) == 0:
        raise ValueError("Ns must not be empty")
    Ns_arr = np.array([_positive_int("Ns", N) for N in Ns])
    means, variances = np.empty(len(Ns_arr)), np.empty(len(Ns_arr))
    for i, N in enumerate(Ns_arr):
        per_chunk = max(1, max_chunk // N)  # bounds memory at about max_chunk floats per call
        est = np.concatenate([
            estimator(k * N, rng=rng).reshape(k, N).mean(axis=1)
            for k in np.diff(np.r_[0:reps:per_chunk, reps])
        ])
        means[i], variances[i] = est.mean(), est.var(ddof=ddof)
    return EstimatorStats(Ns_arr, means, variances, reps, ddof)


# --------------------------------------------------------------------------- exact moments of the example


def gaussian_moments(k_max: int) -> np.ndarray:
    """E[eps^k] for eps ~ N(0, 1) and k = 0..k_max: 0 for odd k, (k-1)!! for even k."""
    if isinstance(k_max, bool) or int(k_max) != k_max or k_max < 0:
        raise ValueError(f"k_max must be a non-negative integer, got {k_max!r}")
    m = np.zeros(int(k_max) + 1)
    m[0] = 1.0
    for k in range(2, int(k_max) + 1, 2):
        m[k] = m[k - 2] * (k - 1)
    return m


def poly_gaussian_moment(coeffs: Sequence[float], k: int = 1, *, central: bool = False) -> float:
    """E[p(eps)^k] (or E[(p - E p)^k]) for p(eps) = sum_j coeffs[j] eps^j and eps ~ N(0, 1)."""
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    p = np.polynomial.Polynomial(np.asarray(coeffs, dtype=float))
    if central:
        p = p - _expect(p)
    return _expect(p ** int(k))


def _expect(p: np.polynomial.Polynomial) -> float:
    c = p.coef
    return float(c @ gaussian_moments(len(c) - 1))


def square_example_poly(theta: float, *, estimator: Estimator, baseline: float = 0.0) -> np.ndarray:
    """Coefficients in eps of one per-sample estimate for f(z) = z^2, z = theta + eps."""
    estimator = _estimator("estimator", estimator)
    theta = _finite("theta", theta)
    if estimator == "pathwise":
        return np.array([2 * theta, 2.0])  # 2 (theta + eps)
    # ((theta + eps)^2 - b) eps = (theta^2 - b) eps + 2 theta eps^2 + eps^3
    return np.array([0.0, theta**2 - baseline, 2 * theta, 1.0])


def square_example_variance(theta: float | np.ndarray, *, estimator: Estimator,
                            baseline: float | np.ndarray = 0.0) -> np.ndarray:
    """Per-sample variance for f(z) = z^2: score c^2 + 6c + 8 theta^2 + 15, c = theta^2 - b; pathwise 4."""
    estimator = _estimator("estimator", estimator)
    theta = np.asarray(theta, dtype=float)
    if estimator == "pathwise":
        return np.full_like(theta, 4.0)
    c = theta**2 - np.asarray(baseline, dtype=float)  # c = theta^2 - b
    return c**2 + 6 * c + 8 * theta**2 + 15


def square_example_optimal_baseline(theta: float | np.ndarray) -> np.ndarray:
    """b* = E[f s^2] / E[s^2] = theta^2 + 3 for f(z) = z^2, s = z - theta."""
    return np.asarray(theta, dtype=float) ** 2 + 3


# --------------------------------------------------------------------------- sampling error of variances


def mean_moments(sigma2: float, mu4: float, n: int) -> tuple[float, float]:
    """2nd and 4th central moments of the mean of n iid draws with variance sigma2 and 4th moment mu4."""
    n = _positive_int("n", n)
    return sigma2 / n, (mu4 + 3 * (n - 1) * sigma2**2) / n**3


def sample_variance_se(sigma2: float, mu4: float, reps: int) -> float:
    """Standard error of the unbiased sample variance of reps iid draws: sqrt((mu4 - s^4 (R-3)/(R-1)) / R)."""
    reps = _positive_int("reps", reps)
    if reps < 2:
        raise ValueError(f"reps must be at least 2, got {reps!r}")
    return float(np.sqrt((mu4 - sigma2**2 * (reps - 3) / (reps - 1)) / reps))


def sample_variance_bounds(sigma2: float, mu4: float, reps: int, *, alpha: float = 1e-4,
                           ddof: int = 1) -> tuple[float, float]:
    """Two-sided 1 - alpha interval for a sample variance: a scaled chi-square matched to its mean and SE."""
    alpha = _probability("alpha", alpha, open_interval=True)
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 or 1, got {ddof!r}")
    se = sample_variance_se(sigma2, mu4, reps)
    nu = 2 * sigma2**2 / se**2  # degrees of freedom; exactly reps - 1 for Gaussian draws (mu4 = 3 sigma^4)
    factor = (reps - 1) / (reps - ddof)  # ddof=0 is biased low by (R-1)/R
    lo, hi = chi2.ppf([alpha / 2, 1 - alpha / 2], nu) * sigma2 / nu * factor
    return float(lo), float(hi)


def variance_bounds(stats: EstimatorStats, sigma2: float, mu4: float, *,
                    alpha: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """Acceptance intervals for each N's measured variance, given the per-sample variance and 4th moment."""
    bounds = [sample_variance_bounds(*mean_moments(sigma2, mu4, int(N)), stats.reps, alpha=alpha,
                                     ddof=stats.ddof) for N in stats.Ns]
    lo, hi = np.array(bounds).T
    return lo, hi


def pooled_per_sample_variance(stats: EstimatorStats, sigma2: float, mu4: float) -> tuple[float, float]:
    """Average of N * (unbiased variance) over all N, an estimate of the per-sample variance, and its SE."""
    R = stats.reps
    factor = (R - 1) / (R - stats.ddof)
    est = stats.Ns * stats.variances / factor
    se = np.array([N * sample_variance_se(*mean_moments(sigma2, mu4, int(N)), R) for N in stats.Ns])
    return float(est.mean()), float(np.sqrt(np.sum(se**2)) / len(se))


class BaselineEstimate(NamedTuple):
    """A sample estimate of the optimal constant baseline and its delta-method standard error."""

    b: float
    se: float


def optimal_baseline(f_values: np.ndarray, scores: np.ndarray) -> BaselineEstimate:
    """Estimate b* = E[f s^2] / E[s^2] from samples of f(z) and the score s(z)."""
    f_values, scores = np.asarray(f_values, dtype=float), np.asarray(scores, dtype=float)
    if f_values.shape != scores.shape or f_values.ndim != 1 or len(f_values) < 2:
        raise ValueError(f"f_values and scores must be 1-D of equal length >= 2, got {f_values.shape} "
                         f"and {scores.shape}")
    s2 = scores**2
    b = float(np.sum(f_values * s2) / np.sum(s2))
    # ratio estimator: b_hat - b ~ mean((f - b) s^2) / mean(s^2)
    se = float(np.std((f_values - b) * s2, ddof=1) / (np.sqrt(len(s2)) * s2.mean()))
    return BaselineEstimate(b, se)


# --------------------------------------------------------------------------- discrete z ~ Bernoulli(theta)


def bernoulli_score(z: np.ndarray, theta: float) -> np.ndarray:
    """Score d/dtheta log Bernoulli(z; theta) = z / theta - (1 - z) / (1 - theta)."""
    theta = _probability("theta", theta)
    z = np.asarray(z, dtype=float)
    if not np.all((z == 0) | (z == 1)):
        raise ValueError("z must contain only 0 and 1")
    # at theta = 0 or 1 the impossible outcome never occurs; avoid dividing by zero for it
    up = 1 / theta if theta > 0 else 0.0
    down = -1 / (1 - theta) if theta < 1 else 0.0
    return np.where(z == 1, up, down)


def bernoulli_score_function_grad(f: ArrayFn, theta: float, n: int, *, rng: np.random.Generator,
                                  baseline: float = 0.0) -> np.ndarray:
    """Per-sample score-function estimates of d/dtheta E_{z~Bernoulli(theta)}[f(z)]."""
    theta = _probability("theta", theta)
    n = _positive_int("n", n)
    z = (rng.random(n) < theta).astype(float)
    return (f(z) - baseline) * bernoulli_score(z, theta)


def bernoulli_exact_grad(f: ArrayFn) -> float:
    """d/dtheta [theta f(1) + (1 - theta) f(0)] = f(1) - f(0), the same for every theta."""
    f0, f1 = np.asarray(f(np.array([0.0, 1.0])), dtype=float)
    return float(f1 - f0)


def bernoulli_score_variance(f: ArrayFn, theta: float, baseline: float = 0.0) -> float:
    """Exact per-sample variance (f1 - b)^2 / theta + (f0 - b)^2 / (1 - theta) - (f1 - f0)^2."""
    theta = _probability("theta", theta, open_interval=True)
    f0, f1 = np.asarray(f(np.array([0.0, 1.0])), dtype=float)
    return float((f1 - baseline) ** 2 / theta + (f0 - baseline) ** 2 / (1 - theta) - (f1 - f0) ** 2)


# --------------------------------------------------------------------------- gradient descent (torch)


@dataclass(frozen=True)
class DescentConfig:
    """Settings for stochastic gradient descent on theta with z ~ N(theta, 1)."""

    theta0: float = 2.0
    lr: float = 0.05
    steps: int = 100
    n: int = 16  # samples per gradient estimate
    chains: int = 64  # independent runs, vectorized


def gradient_descent(cfg: DescentConfig, *, estimator: Estimator, generator: torch.Generator,
                     f: Callable[[torch.Tensor], torch.Tensor] = torch.square,
                     device: str | torch.device = "cpu") -> np.ndarray:
    """SGD on theta for E_{z~N(theta,1)}[f(z)] with autograd estimators; returns thetas (steps+1, chains)."""
    estimator = _estimator("estimator", estimator)
    for name in ("steps", "n", "chains"):
        _positive_int(name, getattr(cfg, name))
    if not cfg.lr > 0:
        raise ValueError(f"lr must be positive, got {cfg.lr!r}")
    theta = torch.full((cfg.chains,), float(cfg.theta0), dtype=torch.float64, device=device,
                       requires_grad=True)
    history = [theta.detach().clone()]
    for _ in range(cfg.steps):
        # noise from the generator's own device (CPU by default): the same draws on every device
        eps = torch.randn(cfg.n, cfg.chains, generator=generator, dtype=torch.float64,
                          device=generator.device).to(device)
        z = theta + eps  # (n, chains): Normal(theta, 1).rsample with this noise
        if estimator == "pathwise":
            loss = f(z).mean(0).sum()  # sum over chains: each chain gets its own mean's gradient
        else:
            z = z.detach()  # score function: no gradient through the sample itself
            log_p = torch.distributions.Normal(theta, 1.0).log_prob(z)
            loss = (f(z) * log_p).mean(0).sum()
        (grad,) = torch.autograd.grad(loss, theta)
        with torch.no_grad():  # plain SGD (torch.optim's first step costs seconds of imports)
            theta -= cfg.lr * grad
        history.append(theta.detach().clone())
    return torch.stack(history).cpu().numpy()


def expected_descent_path(cfg: DescentConfig) -> np.ndarray:
    """E[theta_t] = (1 - 2 lr)^t theta0 for f(z) = z^2 with either unbiased estimator."""
    return cfg.theta0 * (1 - 2 * cfg.lr) ** np.arange(cfg.steps + 1)


def pathwise_descent_variance(cfg: DescentConfig) -> np.ndarray:
    """Exact Var[theta_t] of pathwise SGD on f(z) = z^2: (lr / (n (1 - lr))) (1 - (1 - 2 lr)^(2t))."""
    rho2 = (1 - 2 * cfg.lr) ** (2 * np.arange(cfg.steps + 1))
    return cfg.lr / (cfg.n * (1 - cfg.lr)) * (1 - rho2)


# --------------------------------------------------------------------------- plots


def plot_variance_vs_n(ax: Axes, Ns: np.ndarray, variances: Mapping[str, np.ndarray],
                       per_sample: Mapping[str, float] | None = None) -> Axes:
    """Log-log plot of measured variances against N, with exact Var/N lines if given."""
    Ns = np.asarray(Ns, dtype=float)
    for i, (label, v) in enumerate(variances.items()):
        color = f"C{i}"
        ax.loglog(Ns, v, "o", color=color, label=f"{label} (measured)")
        if per_sample is not None and label in per_sample:
            grid = np.geomspace(Ns.min(), Ns.max(), 50)
            ax.loglog(grid, per_sample[label] / grid, "-", color=color, alpha=0.7,
                      label=rf"{label}: exact $\mathrm{{Var}}/N$ = {per_sample[label]:g}$/N$")
    ax.set_xlabel(r"$N$ (samples per estimate)")
    ax.set_ylabel(r"variance of the $N$-sample estimate")
    ax.legend(loc="lower left", fontsize=9)
    return ax


def plot_estimate_histograms(ax: Axes, estimates: Mapping[str, np.ndarray], true_grad: float, *,
                             bins: int = 50) -> Axes:
    """Overlaid histograms of gradient estimates on shared bins, with the true gradient marked."""
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins!r}")
    allv = np.concatenate([np.asarray(v, dtype=float) for v in estimates.values()])
    lo, hi = np.quantile(allv, [0.002, 0.998])  # a few extreme estimates would squash the plot
    edges = np.linspace(min(lo, true_grad), max(hi, true_grad), bins + 1)
    for i, (label, v) in enumerate(estimates.items()):
        ax.hist(v, bins=edges, density=True, alpha=0.5, color=f"C{i}", label=label)
    ax.axvline(true_grad, color="k", ls="--", label=rf"true gradient {true_grad:.3g}")
    ax.set_xlabel(r"estimate of $\nabla_\theta \mathbb{E}[f(z)]$")
    ax.set_ylabel("density")
    ax.legend()
    return ax


def plot_trajectories(ax: Axes, thetas: np.ndarray, *, expected: np.ndarray | None = None,
                      n_show: int = 10, title: str | None = None) -> Axes:
    """Plot a few theta trajectories of shape (steps+1, chains), their mean and the expected path."""
    thetas = np.asarray(thetas, dtype=float)
    if thetas.ndim != 2:
        raise ValueError(f"thetas must have shape (steps+1, chains), got {thetas.shape}")
    t = np.arange(len(thetas))
    ax.plot(t, thetas[:, :n_show], color="C0", lw=0.7, alpha=0.5)
    ax.plot(t, thetas.mean(axis=1), color="C1", lw=2, label=f"mean of {thetas.shape[1]} runs")
    if expected is not None:
        ax.plot(t, expected, "k--", lw=1, label=r"$\mathbb{E}[\theta_t]$ exact")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\theta_t$")
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax
