# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Monte Carlo gradient estimators
#
# [Open in Colab](https://colab.research.google.com/github/dl-lecture-notebooks/lecture-notebooks/blob/main/notebooks/01_gradient_estimators.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/dl-lecture-notebooks/lecture-notebooks/main?urlpath=lab/tree/notebooks/01_gradient_estimators.ipynb)
#
# This notebook follows the lecture's "Basic Problem" slides, which sit between the recap of variational
# autoencoders and the parts on GANs and reinforcement learning. The question is how to take the gradient
# of an expectation $\mathbb{E}_{z\sim p_\theta(z)}[f(z)]$ when $\theta$ changes the distribution we
# sample from. The slides give two answers. The *score-function* estimator (REINFORCE) comes back later as
# the policy gradient in RL. The *pathwise* estimator is the "reparameterization trick" that trains VAEs.
# We derive both, rerun the slides' experiment, and predict the variances it measures exactly.

# %% [markdown]
# ## Learning goals
#
# - Explain why $\nabla_\theta$ cannot simply move inside $\mathbb{E}_{z\sim p_\theta(z)}$, and why
#   supervised learning never meets this problem.
# - Derive the score-function (REINFORCE) and pathwise (reparameterization) estimators, and implement
#   both in NumPy and with `torch.distributions`.
# - Predict the variance of each estimator in closed form and check measurements against it with
#   tolerances derived from standard errors.
# - Reduce the score-function estimator's variance with an optimal baseline, and recognise when only the
#   score function applies (discrete $z$); measure what the Gumbel-softmax and straight-through relaxations
#   trade for it (bias against variance, set by the temperature).

# %%
# On Colab, install the lecture's helpers from the repository (a no-op anywhere else).
import sys

if "google.colab" in sys.modules:
    # %pip install -q "lecture-utils @ git+https://github.com/dl-lecture-notebooks/lecture-notebooks"

import math
from functools import partial

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy import integrate, stats

from lecture_utils import exercises
from lecture_utils.estimators import (
    DescentConfig,
    EstimatorStats,
    bernoulli_exact_grad,
    bernoulli_score,
    bernoulli_score_function_grad,
    bernoulli_score_variance,
    estimator_stats,
    expected_descent_path,
    gradient_descent,
    mean_moments,
    optimal_baseline,
    pathwise_descent_variance,
    pathwise_estimates,
    pathwise_grad,
    plot_estimate_histograms,
    plot_trajectories,
    plot_variance_vs_n,
    poly_gaussian_moment,
    pooled_per_sample_variance,
    sample_variance_bounds,
    sample_variance_se,
    score_function_estimates,
    score_function_grad,
    square_example_optimal_baseline,
    square_example_poly,
    square_example_variance,
    variance_bounds,
)
from lecture_utils.plotting import FULL_WIDTH, STYLE, use_compact_figures

SEED = 0
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)
device = "cuda" if torch.cuda.is_available() else "cpu"
plt.style.use(STYLE)
use_compact_figures()  # figures as 256-colour PNGs: they look the same at a third of the bytes

# %% [markdown]
# ## 1. The basic problem
#
# The goal on the slides is
#
# $$\min_{\theta}\; \mathbb{E}_{z \sim p_{\theta}(z)} [f(z)],$$
#
# and gradient descent needs $\nabla_\theta \mathbb{E}_{z \sim p_{\theta}(z)} [f(z)]$, estimated from samples.
#
# **When the distribution is fixed** and $\theta$ sits inside the function (the left column of the slide),
# the gradient moves inside the integral and the result is again an expectation that we can sample:
#
# $$\nabla_{\theta} \int f_{\theta}(z)\, p(z)\, dz = \int \nabla_{\theta} f_{\theta}(z)\, p(z)\, dz
# = \mathbb{E}_z [\nabla_{\theta} f_{\theta}(z)] \approx \frac{1}{N} \sum_{i=1}^N \nabla_{\theta} f_{\theta}(z_i).$$
#
# **When $\theta$ sits in the distribution** (the right column), the same steps give
#
# $$\nabla_{\theta} \mathbb{E}_{z \sim p_{\theta}(z)} [f(z)] = \nabla_{\theta} \int f(z)\, p_{\theta}(z)\, dz
# = \int f(z)\, \nabla_{\theta} p_{\theta}(z)\, dz .$$
#
# The tempting next step on the slide, $\int \nabla_\theta f(z)\, p_\theta(z)\, dz$, is wrong: $\nabla_\theta f(z) = 0$,
# because $f$ does not contain $\theta$. The gradient has to act on $p_\theta$, and what we get,
# $\int f(z)\,\nabla_\theta p_\theta(z)\,dz$, is **not an expectation under $p_\theta$**.
# $\nabla_\theta p_\theta(z)$ is not a density: it integrates to $0$ and is negative in places. So we cannot
# draw $z_i \sim p_\theta$ and average anything obvious. Sampling first and differentiating $f(z_i)$ afterwards
# gives exactly $0$: the numbers $z_i$ keep no record of how they depend on $\theta$.
#
# **Does this happen in supervised learning?** No. There the expectation is over the data,
# and $P_{\text{data}}$ does not depend on $\theta$. $\theta$ only enters through the prediction
# $\hat y(x, \theta)$ inside the loss, so the gradient moves inside and the minibatch average is unbiased:
#
# $$\nabla_\theta\, \mathbb{E}_{x, y \sim P_{\text{data}}} \big[l(y, \hat{y}(x, \theta))\big]
# = \mathbb{E}_{x, y \sim P_{\text{data}}} \big[\nabla_{\theta} l(y, \hat{y}(x, \theta))\big]
# \approx \frac{1}{N} \sum_{i=1}^N \nabla_{\theta} l(y_i, \hat{y}(x_i, \theta)).$$
#
# The problem appears as soon as the model chooses what is sampled: the latent code of a VAE
# ($z \sim q_\phi(z\mid x)$), the actions of a policy in RL, discrete latent variables.
#
# **The running example** from the slides: $z \sim N(\theta, 1)$ and $f(z) = z^2$. From
# $\mathrm{Var}(z) = E[z^2] - \theta^2$ we get $E_z[f(z)] = \theta^2 + 1$, which is minimised at $\theta = 0$ and has
# gradient $2\theta$ (that is, $4$ at the slides' $\theta = 2$). Because we know this exact answer, every estimator below can be checked.
# First a Monte Carlo estimate of the objective itself: each point averages $f$ over $n$ draws, with
# standard error $\sqrt{\mathrm{Var}[z^2]/n}$, where $\mathrm{Var}[z^2] = E[z^4] - (E[z^2])^2 = 4\theta^2 + 2$.

# %%
f = np.square                       # f(z) = z^2
df = lambda z: 2 * z                # f'(z), used by the pathwise estimator
theta_grid = np.linspace(-3, 3, 13)
n = 2000
J_hat = np.array([f(rng.standard_normal(n) + t).mean() for t in theta_grid])  # z ~ N(theta, 1)
J_se = np.sqrt((4 * theta_grid**2 + 2) / n)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.6))
zz = np.linspace(-4, 6, 400)
for t in (-1.0, 0.0, 2.0):
    ax1.plot(zz, stats.norm.pdf(zz, t), label=rf"$p_\theta(z)$, $\theta={t:g}$")
ax1.plot(zz, f(zz) / 60, "k:", label=r"$f(z) = z^2$ (scaled by 1/60)")
ax1.set(xlabel="$z$", ylabel="density", ylim=(0, 0.62), title=r"$\theta$ moves the distribution, not $f$")
ax1.legend(fontsize=8, ncol=2, loc="upper center")
ax2.plot(theta_grid, theta_grid**2 + 1, "k-", label=r"exact $\theta^2 + 1$")
ax2.errorbar(theta_grid, J_hat, yerr=2 * J_se, fmt="o", ms=4, label=rf"Monte Carlo, $n={n}$ ($\pm 2$ SE)")
ax2.set(xlabel=r"$\theta$", ylabel=r"$\mathbb{E}_{z\sim p_\theta}[f(z)]$", title="the objective")
ax2.legend()
plt.show()

# %% [markdown]
# On the left, changing $\theta$ slides the density $p_\theta(z)$ under a fixed $f$. On the right, the Monte
# Carlo objective follows the parabola $\theta^2 + 1$. Its slope is the gradient we need, but no
# single sample of $z$ tells us that slope.

# %%
z_scores = (J_hat - (theta_grid**2 + 1)) / J_se
print("largest |z-score| of the 13 objective estimates:", round(float(np.abs(z_scores).max()), 2))
assert np.all(np.abs(z_scores) < 4), "Monte Carlo objective disagrees with theta^2 + 1"


# %% [markdown]
# **The slide's update.** The first "Basic Problem" slide writes one step of gradient descent on a sample,
#
# $$\theta^{(t)} \leftarrow \theta - \sqrt{\epsilon}\, \nabla_\theta f(z), \qquad z \sim p_\theta(z),$$
#
# with $\sqrt{\epsilon}$ read as the step size (we take $\epsilon = 0.01$, a step of $0.1$) and a fresh $z$ at
# every step. What is $\nabla_\theta f(z)$? It depends on how $z$ was drawn. With `Normal(theta, 1).sample()`, $z$
# is a number with no path back to $\theta$: $f(z) = z^2$ does not contain $\theta$, the gradient is $0$, and
# $\theta$ never moves. With `rsample()`, $z = \theta + u$ for a standard normal $u$ (the pathwise trick of
# Section 3), $\nabla_\theta f(z) = 2(\theta + u)$, an unbiased estimate of the true gradient $2\theta$, and the
# update is stochastic gradient descent. The cell runs both from $\theta = 2$ for 2000 steps.
#
# Where should the second one end? Write $\eta = \sqrt\epsilon$: $\theta^{(t+1)} = (1 - 2\eta)\theta^{(t)} - 2\eta u_t$,
# an autoregressive process with coefficient $\rho = 1 - 2\eta$. Its start is forgotten like $\rho^t$ ($10^{-10}$
# after 100 steps), and then $\theta^{(t)}$ fluctuates around the minimiser $0$ with variance
# $4\eta^2 / (1 - \rho^2) = \eta / (1 - \eta)$. So the iterates after step 100 must average $0$ within 4 standard
# errors, where the standard error of a mean of $T$ correlated iterates is
# $\sqrt{\mathrm{Var}\,\theta \cdot (1 + \rho) / ((1 - \rho)\, T)}$, and their variance must match $\eta/(1-\eta)$
# within 4 of its standard errors, $\mathrm{Var}\,\theta \cdot \sqrt{2 (1 + \rho^2) / ((1 - \rho^2)\, T)}$.

# %%
def descend(draw, eps=0.01, steps=2000, theta0=2.0):
    """theta <- theta - sqrt(eps) * grad_theta f(z), a fresh z = draw(p_theta) per step; returns the iterates."""
    torch.manual_seed(SEED)
    theta, path = torch.tensor(theta0, dtype=torch.float64, requires_grad=True), []
    for _ in range(steps):
        z = draw(torch.distributions.Normal(theta, 1.0))
        # sample(): z has no path to theta, so grad_theta f(z) = 0 (autograd has nothing to differentiate)
        g = torch.autograd.grad(z**2, theta)[0] if z.requires_grad else torch.zeros(())
        with torch.no_grad():
            theta -= math.sqrt(eps) * g
        path.append(theta.item())
    return np.array(path)


path_sample = descend(lambda p: p.sample())
path_rsample = descend(lambda p: p.rsample())
eta, burn = math.sqrt(0.01), 100
rho, tail = 1 - 2 * eta, path_rsample[burn:]
var_theta = eta / (1 - eta)
se_mean = math.sqrt(var_theta * (1 + rho) / ((1 - rho) * len(tail)))
se_var = var_theta * math.sqrt(2 * (1 + rho**2) / ((1 - rho**2) * len(tail)))

fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.0))
ax.plot(path_sample, label=r"$z$ = sample(): $\nabla_\theta f(z) = 0$")
ax.plot(path_rsample, lw=0.8, label=r"$z$ = rsample() $= \theta + u$: $\nabla_\theta f(z) = 2(\theta + u)$")
ax.axhspan(-2 * math.sqrt(var_theta), 2 * math.sqrt(var_theta), color="0.85", label=r"$\pm 2$ stationary std")
ax.set(xlabel="step $t$", ylabel=r"$\theta^{(t)}$", title=r"$\theta^{(t)} \leftarrow \theta - \sqrt{\epsilon}\,\nabla_\theta f(z)$, $\epsilon = 0.01$")
ax.set_ylim(-1.4, 2.9)
ax.legend(loc="upper right", ncol=3, fontsize=8)
plt.show()
print(f"sample():  theta stays at {path_sample[-1]:.1f} (it moved in {int((path_sample != 2.0).sum())} of 2000 steps)")
print(f"rsample(): mean of theta after step {burn}: {tail.mean():+.3f} ± {se_mean:.3f} (1 SE), "
      f"variance {tail.var():.3f} (stationary {var_theta:.3f} ± {se_var:.3f})")
assert (path_sample == 2.0).all()
assert abs(tail.mean()) < 4 * se_mean and abs(tail.var() - var_theta) < 4 * se_var

# %% [markdown]
# The slide's update is only as good as its $\nabla_\theta f(z)$: differentiating through a plain sample gives
# nothing, and the whole lecture is about getting a gradient estimate whose mean is
# $\nabla_\theta \mathbb{E}_{z \sim p_\theta}[f(z)]$. Sections 2 and 3 give two.

# %% [markdown]
# ## 2. Option 1: the score-function estimator (REINFORCE)
#
# The trick is to turn $\nabla_\theta p_\theta$ back into something times $p_\theta$. The *log-derivative
# trick* $\nabla_\theta \log p_\theta(z) = \nabla_\theta p_\theta(z) / p_\theta(z)$ does exactly that:
#
# $$\begin{aligned}
# \nabla_{\theta} \int f(z)\, p_{\theta}(z)\, dz
# &= \int f(z)\, \frac{\nabla_{\theta} p_{\theta}(z)}{p_{\theta}(z)}\, p_{\theta}(z)\, dz
# = \int f(z)\, \nabla_{\theta} \log p_{\theta}(z)\, p_{\theta}(z)\, dz \\
# &= \mathbb{E}_{z \sim p_{\theta}(z)} \big[f(z)\, \nabla_{\theta} \log p_{\theta}(z)\big]
# \approx \frac{1}{N} \sum_{i=1}^N f(z_i)\, \nabla_{\theta} \log p_{\theta}(z_i), \qquad z_i \sim p_\theta .
# \end{aligned}$$
#
# It needs only samples, the values $f(z_i)$ and the *score* $\nabla_\theta \log p_\theta(z)$. The function $f$ may
# be a black box: not differentiable, not even continuous. (We assume that $\nabla_\theta$ and $\int$ can be
# swapped, which holds for the smooth densities used here.)
#
# **Gaussian example.** For $p_{\theta}(z) = \frac{1}{\sqrt{2\pi}} e^{-(z-\theta)^2/2}$ we have
# $\log p_\theta(z) = -\frac{(z-\theta)^2}{2} - \frac12 \log 2\pi$, so
#
# $$\frac{\partial}{\partial \theta} \log p_{\theta}(z) = \frac{-2(z-\theta)\cdot(-1)}{2} = z - \theta, \qquad
# \nabla_{\theta} = E\big[z^2 (z-\theta)\big] \approx \frac{1}{N} \sum_{i=1}^N z_i^2\, (z_i - \theta).$$
#
# Written out inline, and compared with the library version, which draws the same numbers from the same seed:

# %%
theta, N = 2.0, 1000
z = np.random.default_rng(1).standard_normal(N) + theta
g_score = z**2 * (z - theta)                       # one estimate per sample: f(z_i) * score(z_i)
np.testing.assert_array_equal(g_score, score_function_grad(f, theta, N, rng=np.random.default_rng(1)))
print(f"score-function estimate with N={N}: {g_score.mean():.3f} (true gradient {2 * theta:g})")
print(f"per-sample estimates range from {g_score.min():.1f} to {g_score.max():.1f}")

# %% [markdown]
# The estimate is right on average, but it averages numbers that swing far from $4$ in both directions.
# To see why, plot the integrand $f(z)\,\nabla_\theta p_\theta(z) = z^2 (z-\theta)\, p_\theta(z)$. Its area is the
# gradient.

# %%
integrand = lambda z: f(z) * (z - theta) * stats.norm.pdf(z, theta)    # f(z) * d/dtheta p_theta(z)
area, area_err = integrate.quad(integrand, -np.inf, np.inf)
zz = np.linspace(-2, 6, 400)
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
ax.fill_between(zz, integrand(zz), where=integrand(zz) > 0, color="C2", alpha=0.4, label="positive part")
ax.fill_between(zz, integrand(zz), where=integrand(zz) < 0, color="C3", alpha=0.4, label="negative part")
ax.plot(zz, integrand(zz), "k-", lw=1)
ax.set(xlabel="$z$", ylabel=r"$f(z)\,\partial_\theta p_\theta(z)$",
       title=rf"$\theta={theta:g}$: net area $= {area:.4f} = 2\theta$")
ax.legend()
plt.show()
print(f"area = {area:.6f}")
assert abs(area - 2 * theta) < max(10 * area_err, 1e-9)

# %% [markdown]
# The integrand is negative to the left of $\theta$ and positive to the right, and its net area is $2\theta = 4$. A single
# sample, though, contributes $z^2(z - \theta)$, a cubic in $z$. It is slightly negative for $z$ just below $\theta$ and
# grows fast above it ($9$ at $z = 3$, $32$ at $z = 4$, $75$ at $z = 5$). Averaging these swings is where the estimator's
# variance comes from.

# %% [markdown]
# ## 3. Option 2: the pathwise estimator (reparameterization trick)
#
# Instead of differentiating the density, move $\theta$ out of the distribution and into the function.
# Write the sample as a deterministic, differentiable transform of noise whose distribution does not depend on
# $\theta$: $z = g(\theta, \epsilon)$ with $\epsilon \sim p(\epsilon)$. Then
#
# $$\begin{aligned}
# \frac{\partial}{\partial \theta} \mathbb{E}_{z \sim p_\theta} [f(z)]
# &= \frac{\partial}{\partial \theta} \int f(g(\theta, \epsilon))\, p(\epsilon)\, d\epsilon
# = \int \frac{\partial}{\partial \theta} f(g(\theta, \epsilon))\, p(\epsilon)\, d\epsilon \\
# &= \mathbb{E}_{\epsilon \sim p_\epsilon} \left[\frac{\partial f}{\partial g} \frac{\partial g}{\partial \theta} \right]
# \approx \frac{1}{N} \sum_{i=1}^N \frac{\partial f}{\partial g}\frac{\partial g}{\partial \theta}\bigg|_{\epsilon_i}.
# \end{aligned}$$
#
# This is the supervised-learning situation again: the distribution ($p(\epsilon)$) is fixed and $\theta$ sits inside the
# function ($f \circ g$), so the gradient moves inside and backpropagation does the rest. For a Gaussian,
# $z \sim N(\mu, \sigma^2)$ becomes $z = \mu + \sigma \epsilon$ with $\epsilon \sim N(0, 1)$. Here $\mu$ and $\sigma$ are the
# parameters, and $\epsilon$ is a simple random variable that does not depend on them. The price is that $f$ must be differentiable and $z$ continuous.
#
# **Example.** $z \sim N(\theta, 1)$ is $z = \theta + \varepsilon$, so $f(z) = (\theta + \varepsilon)^2$ and
#
# $$\nabla_\theta\, E_{\varepsilon} [(\theta + \varepsilon)^2] = E_{\varepsilon} [\nabla_{\theta} (\theta + \varepsilon)^2]
# = E_{\varepsilon} [2(\theta + \varepsilon)] = 2\theta + 2\,E_\varepsilon[\varepsilon] = 2\theta
# \approx \frac{1}{N} \sum_{i=1}^N 2(\theta + \varepsilon_i).$$

# %%
eps = np.random.default_rng(2).standard_normal(N)
g_path = 2 * (theta + eps)                         # one estimate per sample: f'(g) * dg/dtheta, dg/dtheta = 1
np.testing.assert_array_equal(g_path, pathwise_grad(df, theta, N, rng=np.random.default_rng(2)))
print(f"pathwise estimate with N={N}: {g_path.mean():.3f} (true gradient {2 * theta:g})")
print(f"per-sample estimates range from {g_path.min():.1f} to {g_path.max():.1f}")

# %%
th = np.linspace(0.5, 3.5, 100)
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
for i, e in enumerate(eps[:5]):
    ax.plot(th, (th + e) ** 2, color="C0", lw=0.8, alpha=0.7, label=r"$f(\theta + \varepsilon_i)$" if i == 0 else None)
    ax.plot(th, (theta + e) ** 2 + 2 * (theta + e) * (th - theta), color="C0", ls=":", lw=0.8)  # tangent at theta
ax.plot(th, th**2 + 1, "k-", lw=2, label=r"$\mathbb{E}_\varepsilon[f] = \theta^2 + 1$")
ax.axvline(theta, color="gray", lw=0.8)
ax.set(xlabel=r"$\theta$", ylabel=r"$f(g(\theta, \varepsilon))$", ylim=(-2, 25),
       title=r"each sample is a curve in $\theta$; its slope at $\theta=2$ is $2(\theta+\varepsilon_i)$")
ax.legend()
plt.show()

# %% [markdown]
# With $\varepsilon_i$ held fixed, each sample is a parabola in $\theta$, and its tangent at $\theta = 2$ (dotted) has the
# pathwise estimate $2(\theta + \varepsilon_i)$ as its slope. These slopes all lie near the slope of the mean curve, so the
# pathwise estimator varies far less than the score-function one.

# %% [markdown]
# ## 4. The slides' experiment
#
# The slides' code, ported to Python 3. The changes: `print` is a function, the random numbers come from
# the seeded generator `rng` (`rng.standard_normal(N)` replaces `np.random.randn(N)`), and `grad2` divides by
# `eps.size` rather than by the global `x.size`. `grad1` is the score-function estimator and `grad2` the
# pathwise one.

# %%
N = 1000
theta = 2.0
x = rng.standard_normal(N) + theta
eps = rng.standard_normal(N)
grad1 = lambda x: np.sum(np.square(x) * (x - theta)) / x.size
grad2 = lambda eps: np.sum(2 * (theta + eps)) / eps.size
print(f"{grad1(x):.3f}")
print(f"{grad2(eps):.3f}")

# %% [markdown]
# The slides printed `4.46239612174` and `4.1840532024`. Different draws give different numbers, but the
# same pattern: the score-function estimate lands further from $4$. The slides then repeat each estimate
# `reps = 100` times for five sample sizes $N$ and record the mean and variance of the estimates.

# %%
Ns = [10, 100, 1000, 10000, 100000]
reps = 100

means1 = np.zeros(len(Ns))
vars1 = np.zeros(len(Ns))
means2 = np.zeros(len(Ns))
vars2 = np.zeros(len(Ns))

est1 = np.zeros(reps)
est2 = np.zeros(reps)
for i, N in enumerate(Ns):
    for r in range(reps):
        x = rng.standard_normal(N) + theta
        est1[r] = grad1(x)
        eps = rng.standard_normal(N)
        est2[r] = grad2(eps)
    means1[i] = np.mean(est1)
    means2[i] = np.mean(est2)
    vars1[i] = np.var(est1)
    vars2[i] = np.var(est2)

# %%
print(f"{'N':>7} | {'mean score':>10} {'mean path':>10} | {'var score':>10} {'var path':>10} | {'ratio':>6}")
for N, m1, m2, v1, v2 in zip(Ns, means1, means2, vars1, vars2):
    print(f"{N:>7} | {m1:>10.3f} {m2:>10.3f} | {v1:>10.3g} {v2:>10.3g} | {v1 / v2:>6.1f}")

# %% [markdown]
# Both estimators are unbiased: their means approach $4$. Both variances fall as $1/N$, but the
# score-function variance is 13 to 28 times larger, scattered around one constant factor, just as in the slides' table
# (`6.45, 0.68, 0.087, 0.010, 0.00086` against `0.46, 0.043, 0.0033, 0.00052, 0.000047`).
#
# ### Exact per-sample variances
#
# We can predict the factor of twenty. Write $z = \theta + \varepsilon$ and use the Gaussian moments
# $E[\varepsilon] = E[\varepsilon^3] = E[\varepsilon^5] = 0$, $E[\varepsilon^2] = 1$, $E[\varepsilon^4] = 3$, $E[\varepsilon^6] = 15$.
#
# *Score function.* One sample is $z^2(z - \theta) = (\theta+\varepsilon)^2 \varepsilon = \theta^2\varepsilon + 2\theta\varepsilon^2 + \varepsilon^3$, with mean
# $2\theta$. Squaring it, the cross terms with odd powers of $\varepsilon$ vanish:
#
# $$E\big[(\theta^2\varepsilon + 2\theta\varepsilon^2 + \varepsilon^3)^2\big] = \theta^4 \cdot 1 + 4\theta^2 \cdot 3 + 15 + 2\theta^2 \cdot 3
# = \theta^4 + 18\theta^2 + 15,$$
#
# $$\mathrm{Var}\big[z^2(z-\theta)\big] = E[z^4(z-\theta)^2] - (2\theta)^2 = \theta^4 + 14\theta^2 + 15 \;=\; 87 \text{ at } \theta = 2.$$
#
# *Pathwise.* $\mathrm{Var}[2(\theta + \varepsilon)] = 4\,\mathrm{Var}[\varepsilon] = 4$, whatever $\theta$ is.
#
# An average of $N$ independent samples therefore has variance $87/N$ and $4/N$. The ratio is
# $87/4 = 21.75$, the same at every $N$. We check the $87$ in three independent ways. The library expands the polynomial in $\varepsilon$
# and applies the Gaussian moments (`poly_gaussian_moment`). `scipy` integrates numerically against the
# density. A million Monte Carlo samples estimate it directly, with a standard error that comes from the fourth central
# moment $\mu_4$ (see the next cell).

# %%
kinds = ("score", "pathwise")
sigma2 = {k: square_example_variance(theta, estimator=k).item() for k in kinds}       # per-sample variance
mu4 = {k: poly_gaussian_moment(square_example_poly(theta, estimator=k), 4, central=True) for k in kinds}
poly_var = poly_gaussian_moment(square_example_poly(theta, estimator="score"), 2, central=True)
quad_var, quad_err = integrate.quad(lambda z: (z**2 * (z - theta) - 2 * theta) ** 2 * stats.norm.pdf(z, theta),
                                    -np.inf, np.inf)
big = score_function_grad(f, theta, 10**6, rng=rng)
mc_var, mc_se = big.var(ddof=1), sample_variance_se(sigma2["score"], mu4["score"], big.size)
print(f"closed form theta^4 + 14 theta^2 + 15 = {theta**4 + 14 * theta**2 + 15:g}")
print(f"Gaussian moments of the polynomial   = {poly_var:g}")
print(f"numerical integration (scipy.quad)   = {quad_var:.6f}")
print(f"Monte Carlo, 10^6 samples            = {mc_var:.1f} +- {mc_se:.1f}")
assert sigma2["score"] == poly_var == 87.0 and sigma2["pathwise"] == 4.0
assert abs(quad_var - 87.0) < max(10 * quad_err, 1e-8)
assert abs(mc_var - 87.0) < 4 * mc_se

# %% [markdown]
# ### Variance against $N$
#
# Now the slides' measured variances on log-log axes, with the exact lines $87/N$ and $4/N$.

# %%
stats1 = EstimatorStats(np.array(Ns), means1, vars1, reps, ddof=0)   # np.var: ddof=0, as in the slides
stats2 = EstimatorStats(np.array(Ns), means2, vars2, reps, ddof=0)
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.0))
plot_variance_vs_n(ax, Ns, {"score function": vars1, "pathwise": vars2},
                   {"score function": sigma2["score"], "pathwise": sigma2["pathwise"]})
ax.set_title(r"$z\sim N(2, 1)$, $f(z)=z^2$: 100 repetitions per $N$")
plt.show()

# %% [markdown]
# Both sets of measurements lie on their exact lines, which have slope $-1$ on log-log axes. The score-function line sits a
# constant factor of $21.75$ above the pathwise line. More samples shrink both variances at the same rate, so
# no choice of $N$ closes that gap.
#
# ### How close should the measured variances be?
#
# Each measured variance is itself a random quantity, computed from only $R = 100$ repetitions, so we need its
# standard error. Let $X$ have variance $\sigma^2$ and fourth central moment $\mu_4$, and let $s^2$ be the unbiased
# sample variance of $R$ independent copies. A standard result is
#
# $$\mathrm{Var}[s^2] = \frac{1}{R}\Big(\mu_4 - \frac{R-3}{R-1}\,\sigma^4\Big).$$
#
# For a Gaussian ($\mu_4 = 3\sigma^4$) this is the chi-square value $2\sigma^4/(R-1)$. Our $X$ is an average of $N$
# per-sample estimates, so $\sigma^2_N = \sigma^2/N$ and $\mu_{4,N} = (\mu_4 + 3(N-1)\sigma^4)/N^3$. The score-function samples are
# far from Gaussian ($\mu_4/\sigma^4 \approx 27$ against $3$). For small $N$ a chi-square bound with $R-1$ degrees of
# freedom would therefore be far too narrow, so the fourth moment has to enter, and we compute it exactly from the polynomial.
# $s^2$ is also right-skewed, so a symmetric "$\pm 4$ SE" band would be miscalibrated in its upper tail. We therefore use a
# **scaled chi-square matched to the mean and the standard error** of $s^2$: $s^2 \approx \sigma^2_N\, \chi^2_\nu/\nu$ with
# $\nu = 2\sigma_N^4/\mathrm{Var}[s^2]$. For Gaussian data this is exact, with $\nu = R - 1$. `np.var` uses `ddof=0`,
# so the interval is scaled by $\frac{R-1}{R}$. Each of the ten measurements must lie inside its two-sided interval
# at level $\alpha = 10^{-4}$. By the Bonferroni bound, a correct formula fails the whole check with probability at
# most $10^{-3}$, while a wrong formula lands far outside: swapping in the other estimator's variance fails it.

# %%
print(f"kurtosis mu4 / sigma^4 of one score-function sample: {mu4['score'] / sigma2['score'] ** 2:.1f}")
print(f"{'N':>7} | {'var score':>9} {'interval (alpha = 1e-4)':>24} | {'var path':>9} {'interval (alpha = 1e-4)':>24}")
lo1, hi1 = variance_bounds(stats1, sigma2["score"], mu4["score"])
lo2, hi2 = variance_bounds(stats2, sigma2["pathwise"], mu4["pathwise"])
for row in zip(Ns, vars1, lo1, hi1, vars2, lo2, hi2):
    print("{:>7} | {:>9.3g} [{:>10.3g}, {:>10.3g}] | {:>9.3g} [{:>10.3g}, {:>10.3g}]".format(*row))
assert np.all((lo1 < vars1) & (vars1 < hi1)) and np.all((lo2 < vars2) & (vars2 < hi2))
# the check has power: the pathwise variance is rejected for the score-function measurements
lo_wrong, hi_wrong = variance_bounds(stats1, sigma2["pathwise"], mu4["pathwise"])
assert np.all(vars1 > hi_wrong)

# %% [markdown]
# ### The measured variance ratio
#
# Every $N \cdot s^2_N$ estimates the per-sample variance. Averaging them over the five $N$ (500
# repetitions in total) gives one estimate per estimator, with a standard error from the same formula. The
# ratio's standard error then follows from the delta method: relative errors add in quadrature.

# %%
p1, se1 = pooled_per_sample_variance(stats1, sigma2["score"], mu4["score"])
p2, se2 = pooled_per_sample_variance(stats2, sigma2["pathwise"], mu4["pathwise"])
ratio = p1 / p2
se_ratio = ratio * np.hypot(se1 / p1, se2 / p2)
print(f"per-sample variance, score function: {p1:.1f} +- {se1:.1f}   (exact {sigma2['score']:g})")
print(f"per-sample variance, pathwise:       {p2:.2f} +- {se2:.2f}   (exact {sigma2['pathwise']:g})")
print(f"measured variance ratio score/pathwise: {ratio:.1f} +- {se_ratio:.1f}   (exact {87 / 4})")
assert abs(ratio - sigma2["score"] / sigma2["pathwise"]) < 4 * se_ratio

# %% [markdown]
# ## 5. The same estimators with `torch.distributions`
#
# In a deep-learning framework we do not write gradients by hand. We build a scalar whose autograd gradient *is*
# the estimator.
#
# - **Pathwise:** `rsample()` draws $z = \theta + \varepsilon$ *inside* the graph, so `f(z).mean()` is differentiated through the
#   sample. This is the reparameterization trick.
# - **Score function:** the *surrogate loss* `(f(z).detach() * log_prob(z)).mean()` has gradient
#   $\frac1N\sum_i f(z_i)\,\nabla_\theta \log p_\theta(z_i)$. Its value means nothing; only its gradient does. The sample must be
#   detached, because a gradient through $z$ would be added to the score term.
#
# These thousand numbers are cheapest on the CPU, and its seeded generator makes the printed values the same on
# every machine. On the same samples, both gradients must agree with the NumPy formulas to rounding error.

# %%
f_t = torch.square
theta_t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
p = torch.distributions.Normal(theta_t, 1.0)
torch.manual_seed(SEED)
z_t = p.rsample((1000,))                                     # z = theta + eps, differentiable in theta

(grad_path,) = torch.autograd.grad(f_t(z_t).mean(), theta_t, retain_graph=True)  # pathwise: through z
z_d = z_t.detach()                                            # score function: no gradient through z
surrogate = (f_t(z_d).detach() * p.log_prob(z_d)).mean()
(grad_score,) = torch.autograd.grad(surrogate, theta_t)

z_np = z_d.numpy()
np.testing.assert_allclose(grad_path.item(), pathwise_estimates(df, z_np - theta, theta).mean(), rtol=1e-12)
np.testing.assert_allclose(grad_score.item(), score_function_estimates(f, z_np, theta).mean(), rtol=1e-12)
print(f"pathwise (rsample + autograd):   {grad_path.item():.3f}  = NumPy on the same samples")
print(f"score function (log_prob loss):  {grad_score.item():.3f}  = NumPy on the same samples")

# %% [markdown]
# What goes wrong if the sample is *not* detached in the surrogate? Then $\log p_\theta(z)$ is differentiated both
# through $\theta$ and through $z = \theta + \varepsilon$. For a Gaussian the two terms cancel exactly, because
# $\log p_\theta(\theta + \varepsilon) = -\varepsilon^2/2 - \frac12\log 2\pi$ does not depend on $\theta$ at all.

# %%
wrong = (f_t(z_t).detach() * p.log_prob(z_t)).mean()          # z_t still carries the reparameterization
(grad_wrong,) = torch.autograd.grad(wrong, theta_t)
print("gradient of the surrogate without detach is zero:", abs(grad_wrong.item()) < 1e-12)
assert abs(grad_wrong.item()) < 1e-12
assert abs(grad_score.item() - 2 * theta) < 5 * np.sqrt(sigma2["score"] / 1000)
assert abs(grad_path.item() - 2 * theta) < 5 * np.sqrt(sigma2["pathwise"] / 1000)

# %% [markdown]
# ## 6. Gradient descent on $\theta$
#
# Now we use each estimator for what it is for: stochastic gradient descent
# $\theta_{t+1} = \theta_t - \eta\, \hat g_t$, starting from $\theta_0 = 2$, with $N = 16$ samples per step and
# step size $\eta = 0.05$. `gradient_descent` runs 64 independent runs side by side, as one vectorized tensor, and draws the
# noise from a seeded `torch.Generator`. Both estimators get the same noise $\varepsilon$, so they differ only in
# how they turn it into a gradient.
#
# Both estimators are unbiased and the true gradient $2\theta$ is linear, so both share the mean path
# $\mathbb{E}[\theta_t] = (1 - 2\eta)^t\,\theta_0$. For the pathwise estimator even the spread is exact. Its noise
# $2\bar\varepsilon_t$ does not depend on $\theta$, so $\theta_t$ is a Gaussian AR(1) process with
# $\mathrm{Var}[\theta_t] = \frac{\eta}{N(1-\eta)}\big(1 - (1-2\eta)^{2t}\big)$.

# %%
cfg = DescentConfig(theta0=2.0, lr=0.05, steps=100, n=16, chains=64)
runs = {k: gradient_descent(cfg, estimator=k, generator=torch.Generator().manual_seed(SEED), device=device)
        for k in kinds}                                       # each (steps+1, chains)
fig, axes = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.6), sharey=True)
for ax, k in zip(axes, kinds):
    plot_trajectories(ax, runs[k], expected=expected_descent_path(cfg), n_show=10,
                      title=f"{'score function' if k == 'score' else 'pathwise'}, $N={cfg.n}$ per step")
plt.show()

# %% [markdown]
# Both estimators lead $\theta$ to the minimum at $0$ along the same mean path (dashed). The score-function
# runs (left) jitter visibly around it. The pathwise runs (right) stay in a narrow band. Per step their gradient
# variance is $4/N$ against $(\theta^4 + 14\theta^2 + 15)/N$, which is $22\times$ smaller at the start and still $3.75\times$
# smaller at the optimum. That last factor is close to the ratio of the final spreads below.

# %%
final = {k: runs[k][-1] for k in kinds}
m_T, v_T = expected_descent_path(cfg)[-1], pathwise_descent_variance(cfg)[-1]
for k in kinds:
    print(f"{k:>8}: final theta mean {final[k].mean():+.3f}, std over runs {final[k].std(ddof=1):.3f}")
    assert abs(final[k].mean() - m_T) < 5 * final[k].std(ddof=1) / np.sqrt(cfg.chains)
# pathwise: (C-1) s^2 / Var is chi-square with C-1 degrees of freedom (exact, Gaussian AR(1))
chi = (cfg.chains - 1) * final["pathwise"].var(ddof=1) / v_T
assert stats.chi2.ppf(5e-4, cfg.chains - 1) < chi < stats.chi2.ppf(1 - 5e-4, cfg.chains - 1)
# score function is noisier: one-sided F-test at the 0.1% level
F = final["score"].var(ddof=1) / final["pathwise"].var(ddof=1)
print(f"variance ratio of the final thetas score/pathwise: {F:.1f}")
assert F > stats.f.ppf(0.999, cfg.chains - 1, cfg.chains - 1)

# %% [markdown]
# ## 7. Variance reduction: a baseline for the score function
#
# The score has mean zero: $\mathbb{E}_{p_\theta}[\nabla_\theta \log p_\theta(z)] = \int \nabla_\theta p_\theta(z)\,dz
# = \nabla_\theta \int p_\theta(z)\,dz = \nabla_\theta 1 = 0$. So subtracting any constant $b$ from $f$ leaves the
# estimator unbiased. Write $s(z) = \nabla_\theta \log p_\theta(z)$:
#
# $$\nabla_\theta \mathbb{E}[f(z)] = \mathbb{E}\big[(f(z) - b)\, s(z)\big] \quad\text{for every constant } b.$$
#
# The baseline cannot change the mean, but it changes the variance:
# $\mathrm{Var} = \mathbb{E}[(f - b)^2 s^2] - (\nabla_\theta \mathbb{E} f)^2$. This is a parabola in $b$. Setting its derivative
# $-2\,\mathbb{E}[(f - b)\, s^2]$ to zero gives the **optimal constant baseline**
#
# $$b^* = \frac{\mathbb{E}[f(z)\, s(z)^2]}{\mathbb{E}[s(z)^2]}.$$
#
# The popular choice $b = \mathbb{E}[f]$ is optimal only when $f$ and $s^2$ are uncorrelated. **Example:** $s = z - \theta = \varepsilon$,
# so $\mathbb{E}[s^2] = 1$ and $\mathbb{E}[f s^2] = \mathbb{E}[(\theta + \varepsilon)^2 \varepsilon^2] = \theta^2 + 3$. Hence $b^* = \theta^2 + 3 = 7$,
# against $\mathbb{E}[f] = \theta^2 + 1 = 5$. Expanding as in Section 4 with $c = \theta^2 - b$, the per-sample variance is
# $c^2 + 6c + 8\theta^2 + 15$, which is $87$ for $b = 0$, $42$ for $b = \mathbb{E}[f]$ and $38$ for $b = b^*$. That is a $2.3\times$ reduction,
# still far from the pathwise $4$.
#
# We measure it with the library's vectorized version of the slides' loop, `estimator_stats`. It uses
# $R = 1000$ repetitions at $N \in \{10, 100, 1000\}$. Every baseline gets the same seed, so the comparison is paired.

# %%
baselines = {"b = 0": 0.0, "b = E[f]": theta**2 + 1, "b = b*": square_example_optimal_baseline(theta).item()}
stats_b, exact_b, pooled_b = {}, {}, {}
for name, b in baselines.items():
    s = estimator_stats(partial(score_function_grad, f, theta, baseline=b), [10, 100, 1000], 1000,
                        rng=np.random.default_rng(SEED))
    poly = square_example_poly(theta, estimator="score", baseline=b)
    exact_b[name] = square_example_variance(theta, estimator="score", baseline=b).item()
    m4 = poly_gaussian_moment(poly, 4, central=True)
    lo, hi = variance_bounds(s, exact_b[name], m4)
    assert np.all((lo < s.variances) & (s.variances < hi)), name
    stats_b[name], pooled_b[name] = s, pooled_per_sample_variance(s, exact_b[name], m4)
for name in baselines:
    (v, se), (v0, se0) = pooled_b[name], pooled_b["b = 0"]
    red, red_se = v0 / v, v0 / v * np.hypot(se0 / v0, se / v)
    print(f"{name:>9} ({baselines[name]:g}): per-sample variance {v:5.1f} +- {se:.1f} (exact {exact_b[name]:g}), "
          f"reduction {red:.2f} +- {red_se:.2f} (exact {exact_b['b = 0'] / exact_b[name]:.2f})")
    assert abs(red - exact_b["b = 0"] / exact_b[name]) < 4 * red_se

# %% [markdown]
# The measured reductions match the exact ones. The delta-method standard error treats the paired runs as
# independent. Shared noise correlates them positively, which only shrinks the true error of a ratio, so the
# tolerance is conservative. In practice $b^*$ is unknown and is estimated from samples. `optimal_baseline` computes the
# ratio estimator $\sum_i f_i s_i^2 / \sum_i s_i^2$ and its delta-method standard error. (Estimating $b$ from the
# same samples it is used on adds a small bias; a separate batch, or leave-one-out, avoids it.)

# %%
z = rng.standard_normal(100_000) + theta
b_hat = optimal_baseline(f(z), z - theta)
print(f"estimated b* = {b_hat.b:.2f} +- {b_hat.se:.2f}   (exact {baselines['b = b*']:g})")
assert abs(b_hat.b - baselines["b = b*"]) < 4 * b_hat.se

b_grid = np.linspace(-4, 16, 200)
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
ax.plot(b_grid, square_example_variance(theta, estimator="score", baseline=b_grid), "k-",
        label=r"exact $\mathrm{Var}[(f(z)-b)(z-\theta)]$")
for i, name in enumerate(baselines):
    v, se = pooled_b[name]
    ax.errorbar(baselines[name], v, yerr=2 * se, fmt="o", color=f"C{i}", label=f"{name}: measured")
ax.axhline(sigma2["pathwise"], color="C3", ls="--", label="pathwise (no baseline needed)")
ax.set(xlabel="baseline $b$", ylabel="per-sample variance", title=r"$\theta = 2$, $f(z)=z^2$")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The variance is a parabola in $b$ with its minimum at $b^* = 7$, slightly to the right of $\mathbb{E}[f] = 5$. The
# three measured points sit on it. Even the best constant baseline leaves the score function about ten
# times noisier than the pathwise estimator in this example.

# %% [markdown]
# ## 8. Where the pathwise estimator does not apply: discrete $z$
#
# Let $z \sim \text{Bernoulli}(\theta)$, so $p_\theta(z) = \theta^z (1 - \theta)^{1 - z}$ for $z \in \{0, 1\}$. The objective is
# $\mathbb{E}[f(z)] = \theta f(1) + (1-\theta) f(0)$, and its exact gradient is $f(1) - f(0)$.
#
# - **Score function:** $\nabla_\theta \log p_\theta(z) = \frac{z}{\theta} - \frac{1 - z}{1 - \theta}$. The derivation of Section 2
#   never needed $z$ to be continuous, so the estimator is unbiased. Its per-sample variance is
#   $\frac{f(1)^2}{\theta} + \frac{f(0)^2}{1-\theta} - (f(1) - f(0))^2$.
# - **Pathwise:** the natural reparameterization is $z = g(\theta, u) = \mathbb{1}[u < \theta]$ with $u \sim U(0, 1)$ (inverse-transform
#   sampling, notebook 02). This $g$ is a step function of $\theta$. Its derivative is $0$ wherever it exists, so the
#   "pathwise estimate" is always $0$, which is biased. The slides' chain rule needs a differentiable $g$ and an $f$ defined between the
#   outcomes. `torch.distributions.Bernoulli` therefore has no `rsample`. Continuous relaxations (Gumbel-softmax/Concrete)
#   replace the step by a smooth function: their pathwise gradients are useful but biased, by an amount set by a temperature.
#
# We use the toy function $f(z) = (z - 0.45)^2$ from the REBAR/RELAX papers. Its gradient $f(1) - f(0) = 0.1$ is
# small compared with the noise.

# %%
fb = lambda z: (z - 0.45) ** 2
theta_b, n_b = 0.3, 100_000
g_b = bernoulli_score_function_grad(fb, theta_b, n_b, rng=rng)
exact_grad, exact_var = bernoulli_exact_grad(fb), bernoulli_score_variance(fb, theta_b)
print(f"score function: {g_b.mean():.4f} +- {np.sqrt(exact_var / n_b):.4f}   exact f(1) - f(0) = {exact_grad:.4f}")
assert abs(g_b.mean() - exact_grad) < 4 * np.sqrt(exact_var / n_b)

theta_bt = torch.tensor(theta_b, dtype=torch.float64, requires_grad=True)
bern = torch.distributions.Bernoulli(probs=theta_bt)
u = torch.rand(1000, generator=torch.Generator().manual_seed(SEED), dtype=torch.float64)
z_b = (u < theta_bt).double()                        # the step-function "reparameterization"
print("Bernoulli has rsample:", bern.has_rsample, "| z_b requires grad:", z_b.requires_grad)
(g_torch,) = torch.autograd.grad((fb(z_b) * bern.log_prob(z_b)).mean(), theta_bt)   # score-function surrogate
z_np = z_b.numpy()
np.testing.assert_allclose(g_torch.item(), (fb(z_np) * bernoulli_score(z_np, theta_b)).mean(), rtol=1e-12)

# %%
thetas_b = np.linspace(0.05, 0.95, 19)
means_b = np.array([bernoulli_score_function_grad(fb, t, 20_000, rng=rng).mean() for t in thetas_b])
ses_b = np.sqrt([bernoulli_score_variance(fb, t) / 20_000 for t in thetas_b])
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.4))
th = np.linspace(0, 1, 400)
for uu in (0.2, 0.5, 0.8):
    ax1.plot(th, (uu < th).astype(float), label=f"$u = {uu}$")
ax1.set(xlabel=r"$\theta$", ylabel=r"$z = \mathbb{1}[u < \theta]$", title="reparameterized Bernoulli: flat steps")
ax1.legend()
ax2.errorbar(thetas_b, means_b, yerr=2 * ses_b, fmt="o", ms=4, label=r"score function ($\pm 2$ SE)")
ax2.axhline(exact_grad, color="k", label="exact $f(1) - f(0)$")
ax2.axhline(0, color="C3", ls="--", label="pathwise through the step (always 0)")
ax2.set(xlabel=r"$\theta$", ylabel=r"estimate of $\nabla_\theta \mathbb{E}[f(z)]$", title=r"$f(z) = (z - 0.45)^2$")
ax2.legend(fontsize=8)
plt.show()
print("largest |z-score| over the theta grid:", round(float(np.abs((means_b - exact_grad) / ses_b).max()), 2))
assert np.all(np.abs((means_b - exact_grad) / ses_b) < 4)

# %% [markdown]
# On the left, $z = \mathbb{1}[u < \theta]$ is flat in $\theta$ except at a jump, so differentiating through the sample gives $0$.
# On the right, the score-function estimates agree with the true gradient $0.1$ at every $\theta$. Their error bars
# grow near $0$ and $1$, where one outcome is rare and carries a large score.

# %% [markdown]
# ### Relaxations: Gumbel-softmax and straight-through
#
# A Bernoulli sample can be drawn with the **Gumbel-max trick**: with logistic noise
# $L = \log u - \log(1 - u)$, $u \sim U(0, 1)$ (the difference of two Gumbel variables),
# $z = \mathbb{1}\big[\log\tfrac{\theta}{1-\theta} + L > 0\big]$ is Bernoulli($\theta$). The **Gumbel-softmax** (binary
# Concrete) relaxation replaces the step by a sigmoid with a temperature $\tau$,
#
# $$\tilde z_\tau = \sigma\Big(\big(\log\tfrac{\theta}{1-\theta} + L\big)/\tau\Big) \in (0, 1),$$
#
# which is `torch.distributions.RelaxedBernoulli(tau, probs=theta).rsample()`. Now $z$ is a differentiable $g(\theta, u)$
# and the pathwise estimator applies: $\hat g_{\mathrm{GS}} = f'(\tilde z_\tau)\,\partial\tilde z_\tau/\partial\theta$ with
# $\partial\tilde z_\tau/\partial\theta = \tilde z_\tau(1-\tilde z_\tau) / (\tau\,\theta(1-\theta))$. It is an unbiased
# gradient of the *relaxed* objective $\mathbb{E}[f(\tilde z_\tau)]$, not of ours, which only ever evaluates $f$ at
# $0$ and $1$. **Straight-through** (ST) Gumbel evaluates $f$ at the hard sample $z = \mathbb{1}[\tilde z_\tau > 1/2]$
# and borrows the relaxed derivative: $\hat g_{\mathrm{ST}} = f'(z)\,\partial\tilde z_\tau/\partial\theta$.
#
# Both are functions of one uniform $u$, so their means and variances are one-dimensional integrals over $u$,
# which `scipy.integrate.quad` computes exactly (to quadrature accuracy). First the formulas are checked against
# torch: Gumbel-max samples must be Bernoulli($\theta$), and autograd through `RelaxedBernoulli.rsample()` must
# give $\hat g_{\mathrm{GS}}$.

# %%
logit_b = np.log(theta_b / (1 - theta_b))
dfb = lambda z: 2 * (z - 0.45)                                   # f'(z)


def relaxed(u, tau):
    """(z_tilde, dz_tilde/dtheta) of the binary Concrete sample for uniforms u."""
    z = 1 / (1 + np.exp(-(logit_b + np.log(u) - np.log1p(-u)) / tau))
    return z, z * (1 - z) / (tau * theta_b * (1 - theta_b))


def g_gs(u, tau):
    z, dz = relaxed(u, tau)
    return dfb(z) * dz                                           # f'(z_tilde) dz_tilde/dtheta


def g_st(u, tau):
    z, dz = relaxed(u, tau)
    return dfb((z > 0.5).astype(float)) * dz                     # f'(hard z) dz_tilde/dtheta


u_check = rng.random(200_000)
z_hard = (relaxed(u_check, 1.0)[0] > 0.5).mean()                 # Gumbel-max: the same for every tau
se_hard = np.sqrt(theta_b * (1 - theta_b) / len(u_check))
print(f"Gumbel-max: P(z = 1) = {z_hard:.4f}, theta = {theta_b} ± {se_hard:.4f} (1 SE)")
assert abs(z_hard - theta_b) < 4 * se_hard

torch.manual_seed(SEED)                                          # autograd through torch's relaxed sample
th = torch.tensor(theta_b, dtype=torch.float64, requires_grad=True)
for _ in range(5):
    z_t = torch.distributions.RelaxedBernoulli(torch.tensor(0.5, dtype=torch.float64), probs=th).rsample()
    (g_auto,) = torch.autograd.grad((z_t - 0.45) ** 2, th)
    L = 0.5 * np.log(z_t.item() / (1 - z_t.item())) - logit_b   # recover the noise, then its u
    np.testing.assert_allclose(g_auto.item(), g_gs(np.array([1 / (1 + np.exp(-L))]), 0.5)[0], rtol=1e-6)
print("autograd through RelaxedBernoulli.rsample() equals f'(z) dz/dtheta on 5 samples")

# %% [markdown]
# Now bias and variance against the temperature, exactly (by quadrature), with the score function of Section 8
# as the unbiased reference. A Monte Carlo run of $10^5$ samples per temperature must agree with each exact mean
# within 4 standard errors, so the integrals are checked too.

# %%
taus = [2.0, 1.0, 0.5, 0.25, 0.1]


def moments(g, tau):
    """Exact mean and variance over u ~ U(0, 1) of the per-sample estimate g(u, tau)."""
    kw = dict(points=[1 - theta_b], limit=500)                   # the step sits at u = 1 - theta
    m1 = integrate.quad(lambda x: g(np.array([x]), tau)[0], 0, 1, **kw)[0]
    m2 = integrate.quad(lambda x: g(np.array([x]), tau)[0] ** 2, 0, 1, **kw)[0]
    return m1, m2 - m1**2


exact = {(name, tau): moments(g, tau) for name, g in (("GS", g_gs), ("ST", g_st)) for tau in taus}
u_mc = rng.random(100_000)
print(f"{'tau':>5} {'GS bias':>9} {'GS var':>8} {'ST bias':>9} {'ST var':>8}   (exact gradient {exact_grad:.2f}; "
      f"score function: bias 0, var {exact_var:.3f})")
for tau in taus:
    row = []
    for name, g in (("GS", g_gs), ("ST", g_st)):
        mean, var = exact[name, tau]
        mc = g(u_mc, tau)
        assert abs(mc.mean() - mean) < 4 * np.sqrt(var / len(u_mc)), (name, tau)
        row += [mean - exact_grad, var]
    print(f"{tau:>5} {row[0]:>+9.4f} {row[1]:>8.3f} {row[2]:>+9.4f} {row[3]:>8.3f}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.4))
for name, style in (("GS", "o-"), ("ST", "s--")):
    label = {"GS": "Gumbel-softmax", "ST": "straight-through"}[name]
    ax1.plot(taus, [abs(exact[name, t][0] - exact_grad) for t in taus], style, label=label)
    ax2.plot(taus, [np.sqrt(exact[name, t][1]) for t in taus], style, label=label)
ax1.axhline(exact_grad, color="0.5", ls=":", label="size of the true gradient")
ax2.axhline(np.sqrt(exact_var), color="k", label="score function (unbiased)")
ax1.set(xscale="log", yscale="log", xlabel=r"temperature $\tau$", ylabel="|bias| of one sample", title="bias")
ax2.set(xscale="log", yscale="log", xlabel=r"temperature $\tau$", ylabel="standard deviation of one sample",
        title="noise")
for ax in (ax1, ax2):
    ax.legend(fontsize=8, loc="lower right" if ax is ax1 else "upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# The trade-off the relaxation promises, measured. As $\tau$ falls from 1 to 0.1 the bias of both relaxations
# shrinks (the relaxed sample approaches the hard one) and their noise grows: $\partial\tilde z_\tau/\partial\theta$
# turns into a spike of height $\propto 1/\tau$ at the step. At $\tau \ge 0.5$ (for straight-through already at
# 0.25) the bias is larger than the gradient itself: the mean of the estimate, $0.1 + \text{bias}$, is negative and
# points the wrong way. Straight-through is noisier than Gumbel-softmax at every temperature here, and more biased.
#
# Which estimator to use depends on the number of samples $N$: the mean-squared error of an average of $N$ is
# $\text{bias}^2 + \text{var}/N$, and only the variance term shrinks. The score function (bias 0) wins once
# $N > (\text{var}_{\text{SF}} - \text{var}_\tau) / \text{bias}_\tau^2$, and at every $N$ where its variance is the
# smaller one. On this one Bernoulli the score function is the better estimator from about 25 samples on, at every
# temperature: relaxations pay off where the score function's variance is large (many discrete variables, large
# values of $f$, no good baseline), as in the REBAR and RELAX papers, not on a toy with a tiny variance.

# %%
gs_bias = [abs(exact["GS", t][0] - exact_grad) for t in taus]
st_bias = [abs(exact["ST", t][0] - exact_grad) for t in taus]
gs_var, st_var = [exact["GS", t][1] for t in taus], [exact["ST", t][1] for t in taus]
falling = lambda v: all(a > b for a, b in zip(v, v[1:]))
rising = lambda v: all(a < b for a, b in zip(v, v[1:]))
print("tau from 1 to 0.1: the bias of both shrinks:", falling(gs_bias[1:]) and falling(st_bias[1:]))
print("tau from 2 to 0.1: the variance of both grows:", rising(gs_var) and rising(st_var))
print("straight-through noisier than Gumbel-softmax at every tau:", all(s > g for s, g in zip(st_var, gs_var)))
for tau, b, v in zip(taus, gs_bias, gs_var):
    beyond = f"score function wins for N > {(exact_var - v) / b**2:.0f}" if v < exact_var else "noisier than the score function"
    print(f"  Gumbel-softmax at tau = {tau}: {beyond}")
assert falling(gs_bias[1:]) and falling(st_bias[1:]) and rising(gs_var) and rising(st_var)


# %% [markdown]
# ## 9. Interactive: both estimators' histograms
#
# Move $\theta$ and $N$ and watch the two distributions of the $N$-sample estimate. Each histogram collects 500
# repetitions. Both are centred on $2\theta$, both narrow like $1/\sqrt N$, and the score-function histogram is
# always the wider one, least so near $\theta = 0$ (ratio $15/4$) and most at large $|\theta|$. The text readout
# gives the measured means and variances next to the exact $\mathrm{Var}/N$.

# %%
def estimator_histograms(theta: float = 2.0, N: int = 100, reps: int = 500, seed: int = SEED) -> dict:
    """Draw reps N-sample estimates of both estimators, plot their histograms, print and return mean/var."""
    r = np.random.default_rng(seed)
    g1 = score_function_grad(f, theta, reps * N, rng=r).reshape(reps, N).mean(axis=1)   # (reps,)
    g2 = pathwise_grad(df, theta, reps * N, rng=r).reshape(reps, N).mean(axis=1)
    result = {}
    for name, k, g in (("score function", "score", g1), ("pathwise", "pathwise", g2)):
        exact = square_example_variance(theta, estimator=k).item() / N
        result[name] = {"mean": g.mean(), "var": g.var(ddof=1), "exact_var": exact}
        print(f"{name:>14}: mean {g.mean():7.3f}   variance {g.var(ddof=1):9.3g}   (exact {exact:.3g})")
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
    plot_estimate_histograms(ax, {"score function": g1, "pathwise": g2}, 2 * theta)
    ax.set_title(rf"$\theta = {theta:g}$, $N = {N}$, {reps} repetitions")
    plt.show()
    return result


# %%
hist = estimator_histograms(theta=2.0, N=100)

# %%
for name, k in (("score function", "score"), ("pathwise", "pathwise")):
    h = hist[name]
    s2_N, m4_N = mean_moments(square_example_variance(2.0, estimator=k).item(),
                              poly_gaussian_moment(square_example_poly(2.0, estimator=k), 4, central=True), 100)
    assert abs(h["mean"] - 4.0) < 4 * np.sqrt(s2_N / 500), name
    lo, hi = sample_variance_bounds(s2_N, m4_N, 500)
    assert lo < h["var"] < hi, name
assert hist["score function"]["var"] > hist["pathwise"]["var"]
print("histogram demo checks passed")


# %%
# NBVAL_IGNORE_OUTPUT
def demo(theta: float, N: int) -> None:
    estimator_histograms(theta, N)


_ = widgets.interact(
    demo,
    theta=widgets.FloatSlider(value=2.0, min=-3.0, max=3.0, step=0.5, description="θ", continuous_update=False),
    N=widgets.SelectionSlider(options=[10, 100, 1000, 10000], value=100, description="N",
                              continuous_update=False),
)


# %% [markdown]
# ## Summary
#
# - $\nabla_\theta \mathbb{E}_{z\sim p_\theta}[f(z)]$ cannot be estimated by differentiating samples, because $\theta$ lives in the
#   distribution. Supervised learning avoids the issue because $P_{\text{data}}$ does not depend on $\theta$.
# - **Score function / REINFORCE:** $\mathbb{E}[f(z)\,\nabla_\theta\log p_\theta(z)]$. It works for black-box $f$ and discrete $z$ and
#   needs only samples and the score; in torch it is a `log_prob` surrogate loss with the sample detached.
# - **Pathwise / reparameterization:** $\mathbb{E}_\epsilon[\frac{\partial f}{\partial g}\frac{\partial g}{\partial\theta}]$ with $z = g(\theta, \epsilon)$. It needs
#   a differentiable $f$ and a continuous $z$; in torch it is `rsample()` plus autograd.
# - In the slides' example both are unbiased, but the per-sample variances are $\theta^4 + 14\theta^2 + 15$ ($87$ at $\theta = 2$) and $4$. The
#   measured variance ratio in the slides' experiment was $21.6 \pm 1.9$ (exact $21.75$), the same at every $N$.
# - A constant baseline keeps the score function unbiased. The optimal $b^* = \mathbb{E}[f s^2]/\mathbb{E}[s^2]$ cut the variance
#   from $87$ to $38$ here, which still does not reach the pathwise estimator.
# - The slide's update $\theta \leftarrow \theta - \sqrt{\epsilon}\,\nabla_\theta f(z)$ needs a $z$ with a path to $\theta$:
#   through `sample()` the gradient is $0$ and $\theta$ never moves; through `rsample()` it is stochastic gradient
#   descent, and the iterates settle around the minimiser with the variance $\eta/(1-\eta)$ of their AR(1) process.
# - For a discrete $z$, relaxations make the pathwise estimator applicable at a price: Gumbel-softmax and
#   straight-through are biased (more than the gradient itself at $\tau \ge 0.5$ here), and lowering $\tau$ trades
#   that bias for variance. On one Bernoulli the unbiased score function is better from about 25 samples on.

# %% [markdown]
# ## Exercises
#
# Exercises 1.1, 1.2 and 1.4 have an answer in code; the cell after each checks it with a checker from
# `lecture_utils.exercises` and says what is wrong. Exercises 1.3 and 1.5 ask for an argument.
#
# ### Exercise 1.1: a gradient with respect to $\sigma$
# For $z \sim N(\mu, \sigma^2)$ and $f(z) = z^2$, write the score-function and the pathwise per-sample
# estimators of $\partial_\sigma \mathbb{E}[f(z)]$: `score_sigma(z, mu, sigma)` gets the samples $z$,
# `pathwise_sigma(eps, mu, sigma)` the noise $\epsilon$ with $z = \mu + \sigma\epsilon$. Both return one estimate
# per sample. What is the true value?

# %% tags=["solution"]
def score_sigma(z, mu, sigma):
    """One score-function estimate of d/dsigma E[z^2] per sample z ~ N(mu, sigma^2)."""
    # Hint: f(z) times d/dsigma log N(z; mu, sigma^2).
    ### BEGIN SOLUTION
    return z**2 * ((z - mu) ** 2 - sigma**2) / sigma**3
    ### END SOLUTION


def pathwise_sigma(eps, mu, sigma):
    """One pathwise estimate of d/dsigma E[z^2] per noise draw eps, z = mu + sigma eps."""
    # Hint: the chain rule, f'(z) dz/dsigma.
    ### BEGIN SOLUTION
    return 2 * (mu + sigma * eps) * eps
    ### END SOLUTION


# %% tags=["check"]
# Exercise 1.1: a gradient with respect to sigma
exercises.check_sigma_gradient(score_sigma, pathwise_sigma)

# %% [markdown] tags=["solution"]
# **Answer.** $\mathbb{E}[z^2] = \mu^2 + \sigma^2$, so the true gradient is $2\sigma$. Score:
# $\partial_\sigma \log p = \frac{(z-\mu)^2 - \sigma^2}{\sigma^3}$, so one sample gives
# $z^2\,\frac{(z-\mu)^2 - \sigma^2}{\sigma^3}$. Pathwise: $z = \mu + \sigma\epsilon$,
# $\partial z/\partial\sigma = \epsilon$, so one sample gives $2 z\, \epsilon = 2(\mu + \sigma\epsilon)\epsilon$,
# whose mean is $2\sigma$.

# %% [markdown]
# ### Exercise 1.2: where is the score function least bad?
# For the slides' example ($f(z) = z^2$, $z \sim N(\theta, 1)$), at which $\theta$ is the variance ratio
# score/pathwise smallest, and what is it there? Set `theta_best` and `ratio_best` (from your derivation or a
# computation). What happens for large $|\theta|$?

# %% tags=["solution"]
# Hint: the pathwise per-sample variance is 4; the score function's is E[(z^2 (z - theta))^2] - (2 theta)^2.
### BEGIN SOLUTION
theta_best, ratio_best = 0.0, 15 / 4  # the ratio is (theta^4 + 14 theta^2 + 15) / 4
### END SOLUTION

# %% tags=["check"]
# Exercise 1.2: where is the score function least bad?
exercises.check_least_bad_theta(theta_best, ratio_best)


# %% [markdown] tags=["solution"]
# **Answer.** The ratio is $(\theta^4 + 14\theta^2 + 15)/4$. It is smallest at $\theta = 0$, where it equals
# $15/4 = 3.75$, and it grows like $\theta^4/4$. Far from the optimum, $f(z)$ is large, and multiplying it by a
# zero-mean score amplifies the noise. A baseline removes much of this, since $b^* = \theta^2 + 3$ tracks $f$.

# %% [markdown]
# ### Exercise 1.3: why must the baseline not depend on $z$?
# Show that $\mathbb{E}[b\, s(z)] = 0$ for a constant $b$, and give a $b(z)$ that breaks unbiasedness.

# %% [markdown] tags=["solution"]
# **Answer.** $\mathbb{E}[s] = \int \nabla_\theta p_\theta = \nabla_\theta 1 = 0$, so
# $\mathbb{E}[b\,s] = b\,\mathbb{E}[s] = 0$. With $b(z) = f(z)$ the estimator is identically $0$, which is
# clearly biased. A baseline may depend on anything that is independent of the sample it multiplies, such as
# $\theta$, other samples (leave-one-out), or a learned critic of the state in RL.

# %% [markdown]
# ### Exercise 1.4: a zero-variance Bernoulli estimator
# For $z \sim \text{Bernoulli}(\theta)$, compute $b^*$ and show that $(f(z) - b^*)\, s(z)$ equals $f(1) - f(0)$
# for both outcomes. Write `b_star(theta, f0, f1)`, with `f0` $= f(0)$ and `f1` $= f(1)$.

# %% tags=["solution"]
def b_star(theta, f0, f1):
    """The variance-minimising baseline E[f s^2] / E[s^2] for z ~ Bernoulli(theta)."""
    # Hint: E[s^2] = 1/theta + 1/(1 - theta); E[f s^2] = f1/theta + f0/(1 - theta).
    ### BEGIN SOLUTION
    return (1 - theta) * f1 + theta * f0
    ### END SOLUTION


# %% tags=["check"]
# Exercise 1.4: a zero-variance Bernoulli estimator
exercises.check_bernoulli_baseline(b_star)

# %% [markdown] tags=["solution"]
# **Answer.** $\mathbb{E}[s^2] = \frac{1}{\theta} + \frac{1}{1-\theta}$ and
# $\mathbb{E}[f s^2] = \frac{f(1)}{\theta} + \frac{f(0)}{1-\theta}$, so $b^* = (1-\theta) f(1) + \theta f(0)$.
# For $z = 1$: $(f(1) - b^*)/\theta = f(1) - f(0)$. For $z = 0$: $-(f(0) - b^*)/(1-\theta) = f(1) - f(0)$. Every
# sample is exact. With one binary variable we could of course just enumerate both outcomes.

# %% [markdown]
# ### Exercise 1.5: the pathwise estimator is not always better
# Take $f(z) = \cos(\omega z)$ with $z \sim N(\theta, 1)$. Compare the two per-sample variances as $\omega$ grows
# (try it numerically with `score_function_grad` and `pathwise_grad`).

# %% [markdown] tags=["solution"]
# **Answer.** Pathwise: $-\omega \sin(\omega z)$ has variance of order $\omega^2/2$, which grows without bound.
# Score function: $\cos(\omega z)(z - \theta)$ has variance at most $\mathbb{E}[(z-\theta)^2] = 1$. For rapidly
# oscillating $f$ the score function wins; Mohamed et al. (2020) discuss such cases.

# %% [markdown]
# ## References
#
# - R. J. Williams (1992). *Simple statistical gradient-following algorithms for connectionist reinforcement
#   learning.* Machine Learning 8, 229–256. (REINFORCE, the score-function estimator with baselines.)
# - D. P. Kingma and M. Welling (2014). *Auto-Encoding Variational Bayes.* ICLR 2014. (The reparameterization trick.)
# - S. Mohamed, M. Rosca, M. Figurnov and A. Mnih (2020). *Monte Carlo Gradient Estimation in Machine Learning.*
#   JMLR 21(132), 1–62. (Survey of both estimators, their variances and control variates.)
# - G. Tucker, A. Mnih, C. J. Maddison, D. Lawson and J. Sohl-Dickstein (2017). *REBAR: Low-variance, unbiased
#   gradient estimates for discrete latent variable models.* NeurIPS 2017. (The $(z - 0.45)^2$ toy problem of Section 8.)
# - D. Batra, *CS 4803 / 7643 Deep Learning*, Georgia Tech: lecture slides on GANs and RL, "Basic Problem" to
#   "Example" (the variance table reproduced in Section 4).
