"""Monte Carlo estimators of the gradient d/dtheta E_{z~p_theta(z)}[f(z)]: score function and pathwise.

The running example of the slides is z ~ N(theta, 1), f(z) = z^2, whose true gradient is 2 theta.
Samplers return per-sample estimates (one per draw), so a notebook can show both their mean and
their variance. Exact moments of the example come from Gaussian moments of polynomials in eps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import torch
from matplotlib.axes import Axes
from numpy.typing import ArrayLike
from scipy.stats import chi2

from lecture_utils import checks

__all__ = [
    "BaselineEstimate", "DescentConfig", "EstimatorStats", "bernoulli_exact_grad", "bernoulli_score",
    "bernoulli_score_function_grad", "bernoulli_score_variance", "estimator_stats", "expected_descent_path",
    "gradient_descent", "mean_moments", "optimal_baseline", "pathwise_descent_variance", "pathwise_estimates",
    "pathwise_grad", "plot_estimate_histograms", "plot_trajectories", "plot_variance_vs_n",
    "poly_gaussian_moment", "pooled_per_sample_variance", "sample_variance_bounds", "sample_variance_se",
    "score_function_estimates", "score_function_grad", "square_example_optimal_baseline",
    "square_example_poly", "square_example_variance", "variance_bounds",
]

ArrayFn = Callable[[np.ndarray], np.ndarray]
Estimator = Literal["score", "pathwise"]
ESTIMATORS: tuple[Estimator, ...] = ("score", "pathwise")
_MAX_CHUNK = 2**20  # estimator_stats draws at most about this many floats per call (bounds memory)


# --------------------------------------------------------------------------- argument checks
def _applied(name: str, fn: Any, x: np.ndarray) -> np.ndarray:
    """``fn(x)`` as a finite float array shaped like ``x``; ``name`` is how the message shows the call."""
    return checks.array(name, checks.is_callable(name.split("(")[0], fn)(x), shape=x.shape, min_size=0)


def _moments(sigma2: float, mu4: float, *, positive: bool = False) -> tuple[float, float]:
    """A variance and a 4th central moment that some distribution can have: mu4 >= sigma2^2."""
    sigma2 = checks.positive("sigma2", sigma2) if positive else checks.nonnegative("sigma2", sigma2)
    mu4 = checks.nonnegative("mu4", mu4)
    if mu4 < sigma2**2 * (1 - 1e-12):  # E[(x - m)^4] >= E[(x - m)^2]^2 (Jensen), up to rounding
        raise checks.BadArgument(f"mu4 must be >= sigma2^2 = {sigma2**2!r} (Jensen), got mu4 = {mu4!r}")
    return sigma2, mu4


def _sizes(name: str, values: Any) -> np.ndarray:
    """A non-empty 1-D array of positive integer sample sizes; floats are rejected, not truncated."""
    checks.array(name, values, ndim=1)
    return np.array([checks.positive_int(f"{name}[{i}]", v) for i, v in enumerate(values)], dtype=np.int64)


def _mapping(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or not value:
        raise checks.BadArgumentType(f"{name} must be a non-empty mapping label -> values, "
                                     f"got {checks.show(value)}")
    return value


# --------------------------------------------------------------------------- Gaussian z ~ N(theta, 1)


def score_function_estimates(f: ArrayFn, z: ArrayLike, theta: float, *,
                             baseline: float = 0.0) -> np.ndarray:
    """Per-sample score-function estimates (f(z) - b) (z - theta) for given draws z ~ N(theta, 1)."""
    z = checks.array("z", z)
    theta, baseline = checks.real("theta", theta), checks.real("baseline", baseline)
    return (_applied("f(z)", f, z) - baseline) * (z - theta)  # z - theta: the score of N(theta, 1)


def pathwise_estimates(df: ArrayFn, eps: ArrayLike, theta: float) -> np.ndarray:
    """Per-sample pathwise estimates f'(g(theta, eps)) dg/dtheta with g = theta + eps (so dg/dtheta = 1)."""
    eps = checks.array("eps", eps)
    return _applied("df(theta + eps)", df, checks.real("theta", theta) + eps)


def score_function_grad(f: ArrayFn, theta: float, n: int, *, rng: np.random.Generator,
                        baseline: float = 0.0) -> np.ndarray:
    """Per-sample score-function estimates of d/dtheta E_{z~N(theta,1)}[f(z)]."""
    n, theta = checks.positive_int("n", n), checks.real("theta", theta)
    checks.is_callable("f", f)
    checks.real("baseline", baseline)
    z = checks.rng("rng", rng).standard_normal(n) + theta  # the slides' x = np.random.randn(N) + theta
    return score_function_estimates(f, z, theta, baseline=baseline)


def pathwise_grad(df: ArrayFn, theta: float, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Per-sample pathwise (reparameterization) estimates of d/dtheta E_{z~N(theta,1)}[f(z)]."""
    n, theta = checks.positive_int("n", n), checks.real("theta", theta)
    checks.is_callable("df", df)
    return pathwise_estimates(df, checks.rng("rng", rng).standard_normal(n), theta)


@dataclass(frozen=True)
class EstimatorStats:
    """Mean and variance over ``reps`` repetitions of an N-sample average, for each N."""

    Ns: np.ndarray  # (K,)
    means: np.ndarray  # (K,)
    variances: np.ndarray  # (K,)
    reps: int
    ddof: int

    def __post_init__(self) -> None:
        Ns = _sizes("Ns", self.Ns)
        object.__setattr__(self, "Ns", Ns)
        object.__setattr__(self, "means", checks.array("means", self.means, shape=Ns.shape))
        variances = checks.array("variances", self.variances, shape=Ns.shape, low=0.0)
        object.__setattr__(self, "variances", variances)
        checks.integer("reps", self.reps, low=2)  # a variance needs two repetitions
        checks.integer("ddof", self.ddof, low=0, high=1)


def estimator_stats(estimator: Callable[..., np.ndarray], Ns: Sequence[int], reps: int, *,
                    rng: np.random.Generator) -> EstimatorStats:
    """Vectorized form of the slides' loop: ``estimator(n, rng=rng)`` returns n per-sample estimates."""
    checks.is_callable("estimator", estimator)
    Ns_arr = _sizes("Ns", Ns)
    reps = checks.integer("reps", reps, low=2)
    checks.rng("rng", rng)
    means, variances = np.empty(len(Ns_arr)), np.empty(len(Ns_arr))
    for i, N in enumerate(Ns_arr):
        per_chunk = max(1, _MAX_CHUNK // N)
        est = []
        for k in np.diff(np.r_[0:reps:per_chunk, reps]):
            draws = checks.array("estimator(n)", estimator(int(k * N), rng=rng), shape=(k * N,))
            est.append(draws.reshape(k, N).mean(axis=1))
        all_est = np.concatenate(est)
        means[i], variances[i] = all_est.mean(), all_est.var()  # ddof=0: np.var, as in the slides
    return EstimatorStats(Ns_arr, means, variances, reps, 0)


# --------------------------------------------------------------------------- exact moments of the example


def _gaussian_moments(k_max: int) -> np.ndarray:
    """E[eps^k] for eps ~ N(0, 1) and k = 0..k_max: 0 for odd k, (k-1)!! for even k."""
    m = np.zeros(k_max + 1)
    m[0] = 1.0
    for k in range(2, k_max + 1, 2):
        m[k] = m[k - 2] * (k - 1)
    return m


def poly_gaussian_moment(coeffs: ArrayLike, k: int = 1, *, central: bool = False) -> float:
    """E[p(eps)^k] (or E[(p - E p)^k]) for p(eps) = sum_j coeffs[j] eps^j and eps ~ N(0, 1)."""
    p = np.polynomial.Polynomial(checks.array("coeffs", coeffs, ndim=1))
    k = checks.positive_int("k", k)
    if central:
        p = p - _expect(p)
    return _expect(p**k)


def _expect(p: np.polynomial.Polynomial) -> float:
    c = p.coef
    return float(c @ _gaussian_moments(len(c) - 1))


def square_example_poly(theta: float, *, estimator: Estimator, baseline: float = 0.0) -> np.ndarray:
    """Coefficients in eps of one per-sample estimate for f(z) = z^2, z = theta + eps."""
    estimator = checks.choice("estimator", estimator, ESTIMATORS)
    theta, baseline = checks.real("theta", theta), checks.real("baseline", baseline)
    if estimator == "pathwise":
        return np.array([2 * theta, 2.0])  # 2 (theta + eps)
    # ((theta + eps)^2 - b) eps = (theta^2 - b) eps + 2 theta eps^2 + eps^3
    return np.array([0.0, theta**2 - baseline, 2 * theta, 1.0])


def square_example_variance(theta: ArrayLike, *, estimator: Estimator,
                            baseline: ArrayLike = 0.0) -> np.ndarray:
    """Per-sample variance for f(z) = z^2: score c^2 + 6c + 8 theta^2 + 15, c = theta^2 - b; pathwise 4."""
    estimator = checks.choice("estimator", estimator, ESTIMATORS)
    theta, b = checks.array("theta", theta), checks.array("baseline", baseline)
    try:
        np.broadcast_shapes(theta.shape, b.shape)
    except ValueError as err:
        raise checks.BadArgument(f"baseline of shape {b.shape} does not broadcast with theta of shape "
                                 f"{theta.shape}") from err
    if estimator == "pathwise":
        return np.full_like(theta, 4.0)
    c = theta**2 - b  # c = theta^2 - b
    return c**2 + 6 * c + 8 * theta**2 + 15


def square_example_optimal_baseline(theta: ArrayLike) -> np.ndarray:
    """b* = E[f s^2] / E[s^2] = theta^2 + 3 for f(z) = z^2, s = z - theta."""
    return checks.array("theta", theta) ** 2 + 3


# --------------------------------------------------------------------------- sampling error of variances


def mean_moments(sigma2: float, mu4: float, n: int) -> tuple[float, float]:
    """2nd and 4th central moments of the mean of n iid draws with variance sigma2 and 4th moment mu4."""
    sigma2, mu4 = _moments(sigma2, mu4)
    n = checks.positive_int("n", n)
    return sigma2 / n, (mu4 + 3 * (n - 1) * sigma2**2) / n**3


def sample_variance_se(sigma2: float, mu4: float, reps: int) -> float:
    """Standard error of the unbiased sample variance of reps iid draws: sqrt((mu4 - s^4 (R-3)/(R-1)) / R)."""
    sigma2, mu4 = _moments(sigma2, mu4)
    reps = checks.integer("reps", reps, low=2)
    return float(np.sqrt((mu4 - sigma2**2 * (reps - 3) / (reps - 1)) / reps))


def sample_variance_bounds(sigma2: float, mu4: float, reps: int, *, alpha: float = 1e-4,
                           ddof: int = 1) -> tuple[float, float]:
    """Two-sided 1 - alpha interval for a sample variance: a scaled chi-square matched to its mean and SE."""
    sigma2, mu4 = _moments(sigma2, mu4, positive=True)  # sigma2 = 0 leaves no chi-square to match
    alpha = checks.unit_interval("alpha", alpha, low_open=True, high_open=True)
    ddof = checks.integer("ddof", ddof, low=0, high=1)
    se = sample_variance_se(sigma2, mu4, reps)
    nu = 2 * sigma2**2 / se**2  # degrees of freedom; exactly reps - 1 for Gaussian draws (mu4 = 3 sigma^4)
    factor = (reps - 1) / (reps - ddof)  # ddof=0 is biased low by (R-1)/R
    lo, hi = chi2.ppf([alpha / 2, 1 - alpha / 2], nu) * sigma2 / nu * factor
    return float(lo), float(hi)


def variance_bounds(stats: EstimatorStats, sigma2: float, mu4: float, *,
                    alpha: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """Acceptance intervals for each N's measured variance, given the per-sample variance and 4th moment."""
    stats = checks.instance("stats", stats, EstimatorStats)
    sigma2, mu4 = _moments(sigma2, mu4, positive=True)
    bounds = [sample_variance_bounds(*mean_moments(sigma2, mu4, int(N)), stats.reps, alpha=alpha,
                                     ddof=stats.ddof) for N in stats.Ns]
    lo, hi = np.array(bounds).T
    return lo, hi


def pooled_per_sample_variance(stats: EstimatorStats, sigma2: float, mu4: float) -> tuple[float, float]:
    """Average of N * (unbiased variance) over all N, an estimate of the per-sample variance, and its SE."""
    stats = checks.instance("stats", stats, EstimatorStats)
    sigma2, mu4 = _moments(sigma2, mu4)
    R = stats.reps
    factor = (R - 1) / (R - stats.ddof)
    est = stats.Ns * stats.variances / factor
    se = np.array([N * sample_variance_se(*mean_moments(sigma2, mu4, int(N)), R) for N in stats.Ns])
    return float(est.mean()), float(np.sqrt(np.sum(se**2)) / len(se))


class BaselineEstimate(NamedTuple):
    """A sample estimate of the optimal constant baseline and its delta-method standard error."""

    b: float
    se: float


def optimal_baseline(f_values: ArrayLike, scores: ArrayLike) -> BaselineEstimate:
    """Estimate b* = E[f s^2] / E[s^2] from samples of f(z) and the score s(z)."""
    f_values = checks.array("f_values", f_values, ndim=1, min_size=2)
    scores = checks.array("scores", scores, ndim=1, min_size=2)
    if scores.shape != f_values.shape:
        raise checks.BadArgument(f"scores must have the shape of f_values {f_values.shape}, "
                                 f"got {scores.shape}")
    s2 = scores**2
    if not s2.sum() > 0:
        raise checks.BadArgument("scores must not all be zero (b* = E[f s^2] / E[s^2]), "
                                 f"got {checks.show(scores)}")
    b = float(np.sum(f_values * s2) / np.sum(s2))
    # ratio estimator: b_hat - b ~ mean((f - b) s^2) / mean(s^2)
    se = float(np.std((f_values - b) * s2, ddof=1) / (np.sqrt(len(s2)) * s2.mean()))
    return BaselineEstimate(b, se)


# --------------------------------------------------------------------------- discrete z ~ Bernoulli(theta)


def _f01(f: Any) -> tuple[float, float]:
    """f(0) and f(1), from one call f([0, 1])."""
    f0, f1 = _applied("f([0, 1])", f, np.array([0.0, 1.0]))
    return float(f0), float(f1)


def bernoulli_score(z: ArrayLike, theta: float) -> np.ndarray:
    """Score d/dtheta log Bernoulli(z; theta) = z / theta - (1 - z) / (1 - theta)."""
    theta = checks.unit_interval("theta", theta)
    z = checks.array("z", z)
    if not np.all((z == 0) | (z == 1)):
        raise checks.BadArgument(f"z must contain only 0 and 1, got {checks.show(z)}")
    # at theta = 0 or 1 the impossible outcome never occurs; avoid dividing by zero for it
    up = 1 / theta if theta > 0 else 0.0
    down = -1 / (1 - theta) if theta < 1 else 0.0
    return np.where(z == 1, up, down)


def bernoulli_score_function_grad(f: ArrayFn, theta: float, n: int, *, rng: np.random.Generator,
                                  baseline: float = 0.0) -> np.ndarray:
    """Per-sample score-function estimates of d/dtheta E_{z~Bernoulli(theta)}[f(z)]."""
    theta = checks.unit_interval("theta", theta)
    n = checks.positive_int("n", n)
    checks.is_callable("f", f)
    baseline = checks.real("baseline", baseline)
    z = (checks.rng("rng", rng).random(n) < theta).astype(float)
    return (_applied("f(z)", f, z) - baseline) * bernoulli_score(z, theta)


def bernoulli_exact_grad(f: ArrayFn) -> float:
    """d/dtheta [theta f(1) + (1 - theta) f(0)] = f(1) - f(0), the same for every theta."""
    f0, f1 = _f01(f)
    return float(f1 - f0)


def bernoulli_score_variance(f: ArrayFn, theta: float, baseline: float = 0.0) -> float:
    """Exact per-sample variance (f1 - b)^2 / theta + (f0 - b)^2 / (1 - theta) - (f1 - f0)^2."""
    theta = checks.unit_interval("theta", theta, low_open=True, high_open=True)
    baseline = checks.real("baseline", baseline)
    f0, f1 = _f01(f)
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

    def __post_init__(self) -> None:
        checks.real("theta0", self.theta0)
        checks.positive("lr", self.lr)  # too large a step is caught as divergence, naming lr
        for name in ("steps", "n", "chains"):
            checks.positive_int(name, getattr(self, name))


def gradient_descent(cfg: DescentConfig, *, estimator: Estimator, generator: torch.Generator,
                     device: str | torch.device = "cpu") -> np.ndarray:
    """SGD on theta for E_{z~N(theta,1)}[z^2] with autograd estimators; returns thetas (steps+1, chains)."""
    cfg = checks.instance("cfg", cfg, DescentConfig)
    estimator = checks.choice("estimator", estimator, ESTIMATORS)
    checks.torch_generator("generator", generator)
    theta = torch.full((cfg.chains,), float(cfg.theta0), dtype=torch.float64, device=device,
                       requires_grad=True)
    history = [theta.detach().clone()]
    for _ in range(cfg.steps):
        # noise from the generator's own device (CPU by default): the same draws on every device
        eps = torch.randn(cfg.n, cfg.chains, generator=generator, dtype=torch.float64,
                          device=generator.device).to(device)
        z = theta + eps  # (n, chains): Normal(theta, 1).rsample with this noise
        if estimator == "pathwise":
            loss = torch.square(z).mean(0).sum()  # sum over chains: each chain gets its own mean's gradient
        else:
            z = z.detach()  # score function: no gradient through the sample itself
            log_p = torch.distributions.Normal(theta, 1.0).log_prob(z)
            loss = (torch.square(z) * log_p).mean(0).sum()
        (grad,) = torch.autograd.grad(loss, theta)
        with torch.no_grad():  # plain SGD (torch.optim's first step costs seconds of imports)
            theta -= cfg.lr * grad
        history.append(theta.detach().clone())
        checks.finite_iterate(history[-1], step_name="lr", step=cfg.lr, what="theta")
    return torch.stack(history).cpu().numpy()


def expected_descent_path(cfg: DescentConfig) -> np.ndarray:
    """E[theta_t] = (1 - 2 lr)^t theta0 for f(z) = z^2 with either unbiased estimator."""
    cfg = checks.instance("cfg", cfg, DescentConfig)
    return cfg.theta0 * (1 - 2 * cfg.lr) ** np.arange(cfg.steps + 1)


def pathwise_descent_variance(cfg: DescentConfig) -> np.ndarray:
    """Exact Var[theta_t] of pathwise SGD on f(z) = z^2: (lr / (n (1 - lr))) (1 - (1 - 2 lr)^(2t))."""
    cfg = checks.instance("cfg", cfg, DescentConfig)
    t = np.arange(cfg.steps + 1)
    if cfg.lr == 1:  # (1 - 2 lr)^2 = 1: Var[theta_t] = sum of t steps' noise 4 lr^2 / n
        return 4 * t / cfg.n
    rho2 = (1 - 2 * cfg.lr) ** (2 * t)
    return cfg.lr / (cfg.n * (1 - cfg.lr)) * (1 - rho2)


# --------------------------------------------------------------------------- plots


def plot_variance_vs_n(ax: Axes, Ns: ArrayLike, variances: Mapping[str, ArrayLike],
                       per_sample: Mapping[str, float] | None = None) -> Axes:
    """Log-log plot of measured variances against N, with exact Var/N lines if given."""
    ax = checks.axes("ax", ax)
    Ns = checks.array("Ns", Ns, ndim=1, low=1.0)
    curves = {label: checks.array(f"variances[{label!r}]", v, shape=Ns.shape, low=0.0)
              for label, v in _mapping("variances", variances).items()}
    exact = {} if per_sample is None else {label: checks.positive(f"per_sample[{label!r}]", v)
                                           for label, v in _mapping("per_sample", per_sample).items()}
    for i, (label, v) in enumerate(curves.items()):
        color = f"C{i}"
        ax.loglog(Ns, v, "o", color=color, label=f"{label} (measured)")
        if label in exact:
            grid = np.geomspace(Ns.min(), Ns.max(), 50)
            ax.loglog(grid, exact[label] / grid, "-", color=color, alpha=0.7,
                      label=rf"{label}: exact $\mathrm{{Var}}/N$ = {exact[label]:g}$/N$")
    ax.set_xlabel(r"$N$ (samples per estimate)")
    ax.set_ylabel(r"variance of the $N$-sample estimate")
    ax.legend(loc="lower left", fontsize=9)
    return ax


def plot_estimate_histograms(ax: Axes, estimates: Mapping[str, ArrayLike], true_grad: float, *,
                             bins: int = 50) -> Axes:
    """Overlaid histograms of gradient estimates on shared bins, with the true gradient marked."""
    ax = checks.axes("ax", ax)
    samples = {label: checks.array(f"estimates[{label!r}]", v, ndim=1)
               for label, v in _mapping("estimates", estimates).items()}
    true_grad = checks.real("true_grad", true_grad)
    bins = checks.positive_int("bins", bins)
    allv = np.concatenate(list(samples.values()))
    lo, hi = np.quantile(allv, [0.002, 0.998])  # a few extreme estimates would squash the plot
    edges = np.linspace(min(lo, true_grad), max(hi, true_grad), bins + 1)
    for i, (label, v) in enumerate(samples.items()):
        ax.hist(v, bins=list(edges), density=True, alpha=0.5, color=f"C{i}", label=label)
    ax.axvline(true_grad, color="k", ls="--", label=rf"true gradient {true_grad:.3g}")
    ax.set_xlabel(r"estimate of $\nabla_\theta \mathbb{E}[f(z)]$")
    ax.set_ylabel("density")
    ax.legend()
    return ax


def plot_trajectories(ax: Axes, thetas: ArrayLike, *, expected: ArrayLike | None = None,
                      n_show: int = 10, title: str | None = None) -> Axes:
    """Plot a few theta trajectories of shape (steps+1, chains), their mean and the expected path."""
    ax = checks.axes("ax", ax)
    thetas = checks.array("thetas", thetas, ndim=2)
    n_show = checks.positive_int("n_show", n_show)
    t = np.arange(len(thetas))
    ax.plot(t, thetas[:, :n_show], color="C0", lw=0.7, alpha=0.5)
    ax.plot(t, thetas.mean(axis=1), color="C1", lw=2, label=f"mean of {thetas.shape[1]} runs")
    if expected is not None:
        ax.plot(t, checks.array("expected", expected, shape=(len(thetas),)), "k--", lw=1,
                label=r"$\mathbb{E}[\theta_t]$ exact")
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\theta_t$")
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax
