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
# # 02 · Inverse-transform sampling: learning to sample
#
# [Open in Colab](https://colab.research.google.com/github/dl-lecture-notebooks/lecture-notebooks/blob/main/notebooks/02_inverse_transform_sampling.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/dl-lecture-notebooks/lecture-notebooks/main?urlpath=lab/tree/notebooks/02_inverse_transform_sampling.ipynb)
#
# The slides introduce GANs as a combination of three ideas, and the first is *learning to sample*, with
# its connection to **inverse-transform sampling**. PixelCNNs and VAEs model a density $p_\theta(x)$;
# a GAN gives up on the density and keeps only the ability to sample: draw simple noise and push it
# through a transformation. This notebook works through the slides' three interview questions (produce
# a sample from $\text{Bern}(\theta)$, from $\text{Cat}(\pi)$, and from any $F_X$, given only
# $u \sim U(0,1)$) and ends with the fixed transformation that turns Gaussian noise into a bimodal
# target: the map a GAN's generator has to *learn*.

# %% [markdown]
# ## Learning goals
#
# - Turn a uniform $u \sim U(0,1)$ into a Bernoulli, a categorical and any one-dimensional distribution $F_X$.
# - Prove that $F_X^{-1}(U)$ has CDF $F_X$, and use closed-form inverses (exponential, logistic, Cauchy).
# - Invert a CDF numerically by bisection when no closed form exists (a Gaussian mixture), and sample from data with the empirical CDF.
# - Test samplers with chi-square and Kolmogorov–Smirnov tests at a stated significance level, and show that the tests reject a wrong sampler.
# - Explain why a generator $G(z) = F_X^{-1}(\Phi(z))$ is what a GAN's generator network must learn.

# %%
# On Colab, install the lecture's helpers from the repository (a no-op anywhere else).
import sys

if "google.colab" in sys.modules:
    # %pip install -q "lecture-utils @ git+https://github.com/dl-lecture-notebooks/lecture-notebooks"

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from sklearn.datasets import load_iris

from lecture_utils import exercises
from lecture_utils import sampling as S
from lecture_utils.plotting import FULL_WIDTH, STYLE, use_compact_figures

SEED = 0
rng = np.random.default_rng(SEED)
plt.style.use(STYLE)
use_compact_figures()  # figures as 256-colour PNGs: they look the same at a third of the bytes
ALPHA = 0.01  # significance level of every goodness-of-fit check in this notebook

# %% [markdown]
# ## 1. Easy interview question: $\text{Bern}(\theta)$ from $u$
#
# *I give you $u \sim U(0,1)$. Produce a sample from $\text{Bern}(\theta)$, i.e. $P(1) = \theta$.*
#
# The slide's answer: output $1$ if $u < \theta$ and $0$ if $u > \theta$. It works because a uniform
# lands in an interval with probability equal to the interval's length:
# $P(X = 1) = P(U < \theta) = \theta$. We write the rule inline and compare it with the library
# version `S.bernoulli_from_uniform`.

# %%
theta, n = 0.3, 10_000
u = rng.random(n)
x_bern = (u < theta).astype(int)  # the slide's rule, inline
assert np.array_equal(x_bern, S.bernoulli_from_uniform(u, theta))
print(f"fraction of ones: {x_bern.mean():.3f}  (theta = {theta}, standard error {np.sqrt(theta * (1 - theta) / n):.4f})")

# %% [markdown]
# **Check.** A chi-square goodness-of-fit test compares the observed counts of $0$ and $1$ with the
# expected counts $n(1-\theta)$ and $n\theta$. Under the null hypothesis "the sampler is
# $\text{Bern}(\theta)$" the p-value is uniform on $[0,1]$, so at significance level
# $\alpha = 0.01$ a correct sampler fails this check for only 1 % of seeds (and for this fixed seed, never).

# %%
counts = np.bincount(x_bern, minlength=2)
chi2_bern = stats.chisquare(counts, n * np.array([1 - theta, theta]))
print(f"counts {counts.tolist()}, chi-square p-value {chi2_bern.pvalue:.2f}")
assert chi2_bern.pvalue > ALPHA

# %% [markdown]
# ## 2. Slightly harder: $\text{Cat}(\pi)$ from $u$
#
# *I give you $u \sim U(0,1)$. Produce a sample from $\text{Cat}(\pi)$ with $\pi = (\pi_1, \dots, \pi_k)$.*
#
# Cut $[0, 1)$ into consecutive pieces of lengths $\pi_1, \dots, \pi_k$ and output the piece $u$ falls
# into. With the cumulative sums $c_j = \pi_1 + \dots + \pi_j$ ($c_0 = 0$) the answer is the $j$ with
# $c_{j-1} \le u < c_j$, and $P(X = j) = c_j - c_{j-1} = \pi_j$. Finding $j$ is a binary search in the
# sorted array $c$: `np.searchsorted`. (We number the categories $0, \dots, k-1$ as Python does.)

# %%
pi = np.array([0.1, 0.45, 0.05, 0.25, 0.15])
u = rng.random(n)
c = np.cumsum(pi)                               # c_1, ..., c_k
x_cat = np.searchsorted(c, u, side="right")     # the j with c_{j-1} <= u < c_j
assert np.array_equal(x_cat, S.categorical_from_uniform(u, pi))
print("c =", np.round(c, 3).tolist())
print("first ten u:", np.round(u[:10], 2).tolist())
print("their samples:", x_cat[:10].tolist())

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.2))
edges = np.concatenate([[0.0], c])
for j in range(len(pi)):
    ax1.barh(0, pi[j], left=edges[j], height=0.5, color=f"C{j}", alpha=0.6, edgecolor="k")
    ax1.text(edges[j] + pi[j] / 2, 0, f"$\\pi_{j}$", ha="center", va="center")
ax1.plot(u[:10], np.full(10, 0.4), "kv", ms=6, label="ten draws of $u$")
ax1.set(xlim=(0, 1), ylim=(-0.5, 0.6), yticks=[], xlabel="$u$", title="$[0,1)$ cut at the cumulative sums $c_j$")
ax1.legend(loc="lower right")
freq = np.bincount(x_cat, minlength=len(pi)) / n
ax2.bar(np.arange(len(pi)) - 0.2, pi, width=0.4, label=r"$\pi_j$")
ax2.bar(np.arange(len(pi)) + 0.2, freq, width=0.4, label=f"frequency, $n$={n}")
ax2.set(xlabel="category $j$", ylabel="probability", title="Samples against $\\pi$")
ax2.legend()
plt.show()

# %% [markdown]
# Left: each $u$ lands in the piece of $[0,1)$ whose length is that category's probability; right: the
# frequencies of $10\,000$ samples sit on top of $\pi$.

# %%
chi2_cat = stats.chisquare(np.bincount(x_cat, minlength=len(pi)), n * pi)
print(f"chi-square statistic {chi2_cat.statistic:.2f} on {len(pi) - 1} degrees of freedom, p-value {chi2_cat.pvalue:.2f}")
assert chi2_cat.pvalue > ALPHA

# %% [markdown]
# ## 3. Harder: any $F_X$ via $F_X^{-1}(u)$
#
# *I give you $u \sim U(0,1)$. Produce a sample from $F_X(x)$.*
#
# Answer: output $x = F_X^{-1}(u)$. For a CDF with flat parts or jumps, the inverse is the
# *generalized inverse* $F_X^{-1}(u) = \inf\{x : F_X(x) \ge u\}$. Because $F_X$ is non-decreasing and
# right-continuous, for every $x$
#
# $$F_X^{-1}(u) \le x \iff u \le F_X(x),$$
#
# and therefore, for $U \sim U(0,1)$,
#
# $$P\big(F_X^{-1}(U) \le x\big) = P\big(U \le F_X(x)\big) = F_X(x).$$
#
# So $F_X^{-1}(U)$ has exactly the CDF $F_X$. Sections 1 and 2 are special cases: a discrete
# distribution has a staircase CDF, and its generalized inverse is the "which piece does $u$ fall
# into" rule. (For $\text{Bern}(\theta)$ the staircase gives $1$ when $u > 1-\theta$; the slide's
# rule $u < \theta$ is the same construction applied to $1 - u$, which is uniform too.)
#
# Graphically: put $u$ on the vertical axis, walk right until you hit the CDF, and drop down to the
# $x$-axis. Here for the exponential distribution, $F_X(x) = 1 - e^{-\lambda x}$, $\lambda = 1$:

# %%
x_grid = np.linspace(0, 5, 400)
u_demo = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
x_demo = S.exponential_inverse_cdf(u_demo)
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
S.plot_inverse_cdf_mapping(ax, x_grid, S.exponential_cdf(x_grid), u_demo, x_demo)
ax.set_title(r"$u \mapsto x = F_X^{-1}(u)$ for $\mathrm{Exp}(1)$")
print("u =", u_demo.tolist(), "->  x =", np.round(x_demo, 3).tolist())

# %% [markdown]
# Equally spaced values of $u$ land on unequally spaced $x$: densely where the CDF is steep (high
# density near $0$), sparsely in the tail where it is flat.

# %% [markdown]
# ## 4. Closed-form inverses: exponential, logistic, Cauchy
#
# When $u = F_X(x)$ can be solved for $x$ by hand, sampling costs one formula per draw:
#
# | distribution | $F_X(x)$ | $F_X^{-1}(u)$ |
# |---|---|---|
# | $\mathrm{Exp}(\lambda)$ | $1 - e^{-\lambda x}$, $x \ge 0$ | $-\log(1-u)/\lambda$ |
# | $\mathrm{Logistic}(\mu, s)$ | $\sigma\big((x-\mu)/s\big) = 1/(1 + e^{-(x-\mu)/s})$ | $\mu + s \log\frac{u}{1-u}$ (the logit) |
# | $\mathrm{Cauchy}(x_0, \gamma)$ | $\frac12 + \frac1\pi \arctan\frac{x - x_0}{\gamma}$ | $x_0 + \gamma \tan\big(\pi(u - \tfrac12)\big)$ |
#
# The logistic pair is the sigmoid and its inverse, the logit, familiar from classifiers. We check
# each formula against `scipy.stats`' quantile function `ppf`, then draw $n = 20\,000$ samples of each
# with `S.inverse_transform`.

# %%
closed_forms = {  # name: (F, F^{-1}, density, scipy oracle, plotting range)
    "Exp(1)": (S.exponential_cdf, S.exponential_inverse_cdf, stats.expon.pdf, stats.expon, (0, 6)),
    "Logistic(0, 1)": (S.logistic_cdf, S.logistic_inverse_cdf, stats.logistic.pdf, stats.logistic, (-8, 8)),
    "Cauchy(0, 1)": (S.cauchy_cdf, S.cauchy_inverse_cdf, stats.cauchy.pdf, stats.cauchy, (-10, 10)),
}
u_check = np.linspace(0.001, 0.999, 999)
for _, inv, _, oracle, _ in closed_forms.values():
    np.testing.assert_allclose(inv(u_check), oracle.ppf(u_check), rtol=1e-10, atol=1e-12)
n_cont = 20_000
samples = {name: S.inverse_transform(inv, n_cont, rng=rng) for name, (_, inv, *_) in closed_forms.items()}

# %%
fig, axes = plt.subplots(1, 3, figsize=(FULL_WIDTH, 3.4))
for ax, (name, (_, _, pdf, _, (lo, hi))) in zip(axes, closed_forms.items()):
    grid = np.linspace(lo, hi, 400)
    S.plot_hist_vs_density(ax, samples[name], grid, pdf(grid), bins=np.linspace(lo, hi, 61),
                           label=r"$F_X^{-1}(u)$ samples")
    ax.set_title(name)
outside = np.mean(np.abs(samples["Cauchy(0, 1)"]) > 10)
axes[2].set_title(f"Cauchy(0, 1); {outside:.1%} beyond $|x| = 10$")
plt.show()

# %% [markdown]
# Each histogram (normalized by all $20\,000$ samples) follows its density; the Cauchy's heavy tails put
# about 6 % of the samples beyond $|x| = 10$, which the histogram leaves out but does not renormalize.

# %% [markdown]
# **Check.** The Kolmogorov–Smirnov statistic $D_n = \sup_x |F_n(x) - F_X(x)|$ measures the largest gap
# between the samples' empirical CDF $F_n$ and the exact CDF; `scipy.stats.kstest` turns it into a
# p-value. We test against our own $F_X$ at $\alpha = 0.01$ and also print $\sqrt{n}\,D_n$, whose
# 1 % critical value is about $1.63$.

# %%
for name, (cdf, *_) in closed_forms.items():
    ks = stats.kstest(samples[name], cdf)
    print(f"{name:15s} sqrt(n) D_n = {np.sqrt(n_cont) * ks.statistic:.2f}   p-value = {ks.pvalue:.2f}")
    assert ks.pvalue > ALPHA, name

# %% [markdown]
# ## 5. No closed form: bisection for a Gaussian mixture
#
# Our running target is a bimodal mixture of two Gaussians,
#
# $$F_X(x) = \sum_{k} w_k\, \Phi\Big(\frac{x - \mu_k}{\sigma_k}\Big), \qquad w = (0.3, 0.7),\ \mu = (-2, 1.5),\ \sigma = (0.5, 0.8),$$
#
# where $\Phi$ is the standard normal CDF. $\Phi$ itself has no closed-form inverse, and a sum of them
# certainly has none. But $F_X$ is continuous and increasing, so $F_X(x) = u$ can be solved numerically:
# start from a bracket $[a, b]$ with $F_X(a) < u \le F_X(b)$ and halve it, keeping the half that still
# brackets $u$. After $m$ halvings the width is $(b-a)/2^m$, so a tolerance of $10^{-10}$ on a bracket
# of width $19$ takes $\lceil \log_2(19 / 10^{-10}) \rceil = 38$ steps, for all $u$ at once.

# %%
gm = S.GaussianMixture(weights=(0.3, 0.7), means=(-2.0, 1.5), stds=(0.5, 0.8))
lo, hi = gm.bracket   # 12 standard deviations beyond the outer modes


def bisect(F, u, a, b, steps):
    a, b = np.full_like(u, a), np.full_like(u, b)
    for _ in range(steps):                 # invariant: F(a) < u <= F(b)
        m = (a + b) / 2
        below = F(m) < u
        a, b = np.where(below, m, a), np.where(below, b, m)
    return b


steps = int(np.ceil(np.log2((hi - lo) / 1e-10)))
u = rng.random(n_cont)
x_gm = bisect(gm.cdf, u, lo, hi, steps)
np.testing.assert_allclose(x_gm, S.bisection_inverse(gm.cdf, u, lo=lo, hi=hi, tol=1e-10), atol=1e-10)
print(f"bracket [{lo:.1f}, {hi:.1f}], {steps} bisection steps")

# %% [markdown]
# The inline version agrees with the library's `S.bisection_inverse`, which also validates its
# input: it refuses a bracket with `lo >= hi`, a $u$ outside $[0, 1)$, and a "CDF" that decreases
# somewhere on the bracket (it evaluates the function on a grid first), for example the survival function $1 - F_X$:

# %%
try:
    S.bisection_inverse(lambda x: 1 - gm.cdf(x), np.array([0.5]), lo=lo, hi=hi)
except ValueError as err:
    print("ValueError:", err)

# %%
x_grid = np.linspace(-4.5, 5, 500)
u_demo = np.array([0.05, 0.2, 0.3, 0.4, 0.6, 0.8, 0.95])
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.6))
S.plot_inverse_cdf_mapping(ax1, x_grid, gm.cdf(x_grid), u_demo, gm.inverse_cdf(u_demo))
ax1.set_title(r"Bisection inverts the mixture's $F_X$")
S.plot_hist_vs_density(ax2, x_gm, x_grid, gm.pdf(x_grid), bins=np.linspace(-4.5, 5, 61),
                       label=r"$F_X^{-1}(u)$, bisection")
ax2.set_title(f"{n_cont} samples against $p_X$")
plt.show()

# %% [markdown]
# Left: between the modes the CDF is almost flat at $u \approx 0.3$, so a wide range of $x$ takes only a
# thin slice of $u$; right: the bisection samples reproduce both modes of $p_X$.

# %% [markdown]
# **Checks.** (i) Bisection stopped when the bracket was narrower than $\text{tol} = 10^{-10}$, so
# $|F_X(x) - u| \le \max_x p_X(x) \cdot \text{tol}$. (ii) The KS test at $\alpha = 0.01$. (iii) The sample
# mean lies within $5$ standard errors $\sqrt{\operatorname{Var}[X]/n}$ of
# $\mathbb{E}[X] = \sum_k w_k \mu_k$.

# %%
pdf_max = gm.pdf(x_grid).max()
assert np.max(np.abs(gm.cdf(x_gm) - u)) <= pdf_max * 1e-10
ks_gm = stats.kstest(x_gm, gm.cdf)
se = np.sqrt(gm.var / n_cont)
print(f"KS p-value {ks_gm.pvalue:.2f};  mean {x_gm.mean():.3f} vs E[X] = {gm.mean:.3f} (standard error {se:.3f})")
assert ks_gm.pvalue > ALPHA
assert abs(x_gm.mean() - gm.mean) < 5 * se


# %% [markdown]
# ## 6. Try it: where does $u$ land?
#
# Move $u$ and watch where it lands on the mixture's CDF: the readout prints $x = F_X^{-1}(u)$ and
# the density $p_X(x)$ there. Try $u$ from $0.25$ to $0.35$: $x$ sweeps across the gap between the modes.

# %%
def show_u(u=0.5):
    """Draw u -> x = F^{-1}(u) on the mixture's CDF and density; print and return x."""
    x = float(gm.inverse_cdf(np.array([u]))[0])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.2))
    S.plot_inverse_cdf_mapping(ax1, x_grid, gm.cdf(x_grid), np.array([u]), np.array([x]))
    ax2.plot(x_grid, gm.pdf(x_grid), lw=2)
    ax2.axvline(x, color="C3", ls="--")
    ax2.set(xlabel="$x$", ylabel="$p_X(x)$", title=f"$x = F_X^{{-1}}({u:.2f}) = {x:.3f}$")
    plt.show()
    print(f"u = {u:.2f}  ->  x = F^-1(u) = {x:.3f},  p_X(x) = {gm.pdf(x):.3f}")
    return x


# %%
# NBVAL_IGNORE_OUTPUT
def show_u_demo(u):  # interact would print show_u's return value under the plot; keep the readout only
    show_u(u)


widgets.interact(show_u_demo, u=widgets.FloatSlider(value=0.5, min=0.01, max=0.99, step=0.01,
                                                    continuous_update=False, description="u"));

# %% [markdown]
# The widget calls `show_u`; nbval cannot move a slider, so we call it directly and check that the
# returned $x$ solves $F_X(x) = u$.

# %%
x_half = show_u(0.3)
assert abs(gm.cdf(x_half) - 0.3) <= pdf_max * 1e-10

# %% [markdown]
# ## 7. Sampling from data: the empirical CDF
#
# A GAN never sees $F_X$; it sees training data $x_1, \dots, x_n$. Their **empirical CDF**
# $F_n(x) = \frac1n \#\{i : x_i \le x\}$ is a staircase with a step of $1/n$ at each data point, and its
# generalized inverse is the order statistic $F_n^{-1}(u) = x_{(\lceil n u \rceil)}$. Inverse-transform
# sampling from $F_n$ therefore picks each data point with probability $1/n$: it is resampling the data
# with replacement (the bootstrap). It can never produce a value that is not in the data set; that is
# the gap a generator is supposed to fill by *generalizing*.
#
# As data we take the petal lengths (cm) of the 150 flowers in scikit-learn's bundled iris data set:
# a real bimodal distribution (the small setosa petals and the rest).

# %%
petal = load_iris().data[:, 2]          # (150,) petal length in cm
x_grid_iris = np.linspace(0.5, 7.5, 800)
u_demo = np.array([0.1, 0.3, 0.5, 0.8])
x_resampled = S.empirical_inverse_cdf(petal, rng.random(n_cont))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.6))
S.plot_inverse_cdf_mapping(ax1, x_grid_iris, S.empirical_cdf(petal, x_grid_iris), u_demo,
                           S.empirical_inverse_cdf(petal, u_demo))
ax1.set(xlabel="petal length $x$ (cm)", ylabel="$u = F_n(x)$", title="Empirical CDF of 150 iris petals")
bins = np.arange(0.95, 7.1, 0.1)
ax2.hist(petal, bins=bins, density=True, alpha=0.6, label="data ($n$ = 150)")
ax2.hist(x_resampled, bins=bins, density=True, histtype="step", lw=1.5, color="C3", label=r"$F_n^{-1}(u)$ samples")
ax2.set(xlabel="petal length $x$ (cm)", ylabel="density", title="Resampling reproduces the data")
ax2.legend()
plt.show()

# %% [markdown]
# Left: $u$ is mapped through the staircase $F_n$ onto one of the data points; right: $20\,000$
# samples from $F_n$ have the histogram of the $150$ data points themselves, gaps included.

# %% [markdown]
# **Check.** $F_n$ is discrete, so here the chi-square test is the right one: each distinct petal
# length $v$ should be drawn with probability (multiplicity of $v$)$/n$.

# %%
values, multiplicity = np.unique(petal, return_counts=True)
observed = np.array([(x_resampled == v).sum() for v in values])
chi2_emp = stats.chisquare(observed, n_cont * multiplicity / petal.size)
print(f"{values.size} distinct petal lengths; chi-square p-value {chi2_emp.pvalue:.2f}")
assert observed.sum() == n_cont and chi2_emp.pvalue > ALPHA

# %% [markdown]
# With more data the staircase approaches the true CDF (Glivenko–Cantelli): the KS distance
# $D_n = \sup_x |F_n(x) - F_X(x)|$ shrinks like $1/\sqrt n$. We draw data sets of growing size from the
# mixture of Section 5 and check $D_n$ against the exact 99 % quantile of its distribution
# (`scipy.stats.kstwo`).

# %%
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
ax.plot(x_grid, gm.cdf(x_grid), "k", lw=2, label="$F_X$")
for n_data in (20, 200, 2000):
    data = gm.sample(n_data, rng=rng)
    d_n = stats.kstest(data, gm.cdf).statistic
    ax.plot(x_grid, S.empirical_cdf(data, x_grid), lw=1, drawstyle="steps-post", label=f"$F_n$, $n$={n_data}")
    print(f"n = {n_data:5d}: D_n = {d_n:.3f},  99% critical value {stats.kstwo.ppf(1 - ALPHA, n_data):.3f}")
    assert d_n < stats.kstwo.ppf(1 - ALPHA, n_data)
ax.set(xlabel="$x$", ylabel="CDF", title="Empirical CDFs approach $F_X$")
ax.legend()
plt.show()

# %% [markdown]
# The staircases hug the true CDF more tightly as $n$ grows, as the shrinking $D_n$ says.

# %% [markdown]
# ## 8. A check that can fail: the tests reject wrong samplers
#
# A check that always passes proves nothing. So we feed the same tests two plausible but wrong samplers:
#
# - **Bernoulli with the inequality flipped**, output $1$ if $u > \theta$: this is $\text{Bern}(1-\theta)$.
# - **Mixing quantiles instead of distributions**: $x = \sum_k w_k (\mu_k + \sigma_k \Phi^{-1}(u))$ averages the
#   components' inverse CDFs. It looks like "the inverse of a mixture", but the result is a single Gaussian.

# %%
u = rng.random(n)
wrong_bern = (u > theta).astype(int)
p_wrong_bern = stats.chisquare(np.bincount(wrong_bern, minlength=2), n * np.array([1 - theta, theta])).pvalue
w, mu, sigma = (np.asarray(a) for a in (gm.weights, gm.means, gm.stds))
wrong_gm = S.inverse_transform(lambda v: (w * (mu + sigma * stats.norm.ppf(v)[:, None])).sum(axis=1), n_cont, rng=rng)
p_wrong_gm = stats.kstest(wrong_gm, gm.cdf).pvalue
print(f"flipped Bernoulli:  chi-square p-value {p_wrong_bern:.1e}  -> rejected: {p_wrong_bern < ALPHA}")
print(f"mixed quantiles:    KS p-value         {p_wrong_gm:.1e}  -> rejected: {p_wrong_gm < ALPHA}")
assert p_wrong_bern < ALPHA and p_wrong_gm < ALPHA

# %% [markdown]
# Both are rejected by a huge margin. The other side of the coin: a correct sampler is rejected in
# a fraction $\alpha$ of experiments, by design. We repeat the mixture's KS test on $R = 300$
# independent batches of $m = 200$ samples each (`S.ks_pvalues` computes the exact KS p-value of every
# row at once, the same number `stats.kstest` gives): the number of rejections at $\alpha$ is
# $\text{Binomial}(R, \alpha)$ for the correct sampler, so it must lie within $5$ standard deviations
# $\sqrt{R\alpha(1-\alpha)}$ of $R\alpha$, while the wrong sampler should be rejected almost every time.

# %%
R, m = 300, 200
p_right = S.ks_pvalues(gm.inverse_cdf(rng.random((R, m))), gm.cdf)   # one KS p-value per row
wrong_batches = (w * (mu + sigma * stats.norm.ppf(rng.random((R, m)))[..., None])).sum(-1)
p_wrong = S.ks_pvalues(wrong_batches, gm.cdf)
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.2))
ax.hist(p_right, bins=20, range=(0, 1), alpha=0.6, label="correct sampler")
ax.hist(p_wrong, bins=20, range=(0, 1), alpha=0.6, label="mixed quantiles")
ax.set(xlabel="KS p-value", ylabel=f"count of {R} batches", title="p-values: uniform under the null, near 0 otherwise")
ax.legend()
print(f"rejections at alpha = {ALPHA}: correct {np.sum(p_right < ALPHA)}/{R} (expected {R * ALPHA:.0f}), "
      f"wrong {np.sum(p_wrong < ALPHA)}/{R}")

# %% [markdown]
# The correct sampler's p-values spread evenly over $[0, 1]$, the wrong one's pile up at $0$.

# %%
assert abs(np.sum(p_right < ALPHA) - R * ALPHA) <= 5 * np.sqrt(R * ALPHA * (1 - ALPHA))
assert np.mean(p_wrong < ALPHA) > 0.9

# %% [markdown]
# ## 9. From noise to data: the generator $G = F_X^{-1} \circ \Phi$
#
# The slides state the GAN recipe: *sample from a simple distribution, e.g. random noise; learn a
# transformation to the training distribution.* Inverse-transform sampling already is such a
# transformation, with uniform noise. For Gaussian noise $z \sim N(0, 1)$, apply the theorem of
# Section 3 the other way round: $\Phi(z) \sim U(0,1)$ (the *probability integral transform*). Hence
#
# $$G(z) = F_X^{-1}\big(\Phi(z)\big), \qquad z \sim N(0, 1) \quad\Longrightarrow\quad G(z) \sim F_X.$$
#
# $G$ is a fixed, increasing function of the noise. A GAN's generator $G_{\theta_g}$ is a neural
# network that has to *learn* a map like this one, without ever seeing $F_X$ — only samples from it —
# which is why the slides' next idea, adversarial training, is needed. (In one dimension $G$ is the only
# increasing map that does the job; in higher dimensions there is no CDF to invert and many maps work.)

# %%
z = rng.standard_normal(n_cont)
x_gen = S.gaussian_to_target(z, gm.inverse_cdf)          # G(z) = F^{-1}(Phi(z))
z_grid = np.linspace(-3.5, 3.5, 400)
fig, axes = plt.subplots(1, 3, figsize=(FULL_WIDTH, 3.4))
S.plot_hist_vs_density(axes[0], z, z_grid, stats.norm.pdf(z_grid), bins=np.linspace(-3.5, 3.5, 51),
                       label="noise $z$", density_label=r"$N(0,1)$")
axes[0].set(xlabel="$z$", title="Input: Gaussian noise")
axes[1].plot(z_grid, S.gaussian_to_target(z_grid, gm.inverse_cdf), lw=2)
axes[1].set(xlabel="$z$", ylabel="$G(z)$", title=r"$G = F_X^{-1}\circ\Phi$")
S.plot_hist_vs_density(axes[2], x_gen, x_grid, gm.pdf(x_grid), bins=np.linspace(-4.5, 5, 61), label="$G(z)$")
axes[2].set_title("Output: the bimodal target")
plt.show()

# %% [markdown]
# The generator rises slowly where it builds a mode (many $z$ map to nearby $x$) and steeply around
# $z = \Phi^{-1}(0.3) \approx -0.52$, where it jumps across the gap between the modes; the pushed-forward
# histogram matches $p_X$.

# %%
ks_u = stats.kstest(stats.norm.cdf(z), "uniform")
ks_gen = stats.kstest(x_gen, gm.cdf)
print(f"Phi(z) ~ U(0,1): KS p-value {ks_u.pvalue:.2f};   G(z) ~ F_X: KS p-value {ks_gen.pvalue:.2f}")
assert ks_u.pvalue > ALPHA and ks_gen.pvalue > ALPHA
assert np.all(np.diff(S.gaussian_to_target(z_grid, gm.inverse_cdf)) >= 0)  # G is increasing


# %% [markdown]
# ## Summary
#
# - With $u \sim U(0,1)$: output $1$ if $u < \theta$ for $\text{Bern}(\theta)$; find the piece $c_{j-1} \le u < c_j$
#   of the cumulative sums for $\text{Cat}(\pi)$; output $F_X^{-1}(u)$ for any $F_X$.
# - The proof is one line: $P(F_X^{-1}(U) \le x) = P(U \le F_X(x)) = F_X(x)$, with the generalized
#   inverse $F_X^{-1}(u) = \inf\{x: F_X(x) \ge u\}$ covering discrete and mixed distributions.
# - Closed forms exist for the exponential, logistic and Cauchy; otherwise bisection inverts any
#   monotone CDF to tolerance $\text{tol}$ in $\lceil\log_2((b-a)/\text{tol})\rceil$ steps, vectorized over $u$.
# - The empirical CDF turns a data set into a sampler (resampling with replacement), which cannot
#   produce anything new.
# - Chi-square (discrete) and Kolmogorov–Smirnov (continuous) tests at a stated $\alpha$ confirm the
#   samplers, reject wrong ones, and wrongly reject correct ones in a fraction $\alpha$ of experiments.
# - $G = F_X^{-1} \circ \Phi$ turns Gaussian noise into the target: the map a GAN's generator must learn from data.

# %% [markdown]
# ## Exercises
#
# Exercises 2.1, 2.2 and 2.4 have an answer in code; the cell after each checks it with a checker from
# `lecture_utils.exercises` and says what is wrong. Exercises 2.3 and 2.5 ask for an argument.
#
# ### Exercise 2.1: the generalized inverse of the Bernoulli CDF
# The slide outputs $1$ when $u < \theta$. Write `bern_inverse_cdf(u, theta)`, the generalized inverse
# $F^{-1}(u) = \min\{x : F(x) \ge u\}$ of the $\text{Bern}(\theta)$ CDF, for an array `u`. Are both rules correct?
# Do they give the same sample for the same $u$?

# %% tags=["solution"]
def bern_inverse_cdf(u, theta):
    """The generalized inverse of the Bern(theta) CDF at each u: 0 or 1."""
    # Hint: F(0) = 1 - theta and F(1) = 1.
    ### BEGIN SOLUTION
    return (np.asarray(u) > 1 - theta).astype(int)
    ### END SOLUTION


# %% tags=["check"]
# Exercise 2.1: the generalized inverse of the Bernoulli CDF
exercises.check_bernoulli_inverse_cdf(bern_inverse_cdf)


# %% [markdown] tags=["solution"]
# **Answer.** Both are $\text{Bern}(\theta)$: $P(U < \theta) = \theta$ and $P(U > 1-\theta) = \theta$. They are
# different functions of $u$ (the second is the first applied to $1-u$, which is also uniform), so for the same
# $u$ they can disagree, e.g. $\theta = 0.3$, $u = 0.1$ gives $1$ and $0$. Only the distribution matters for
# sampling.

# %% [markdown]
# ### Exercise 2.2: a sampler for $p_X(x) = 2x$
# The density $p_X(x) = 2x$ on $[0, 1]$ has $F_X(x) = x^2$. Write its inverse-transform sampler
# `sample_2x(n, rng)`, which returns `n` samples drawn with the numpy `Generator` `rng`. The checker runs a KS
# test on 20 000 of them.

# %% tags=["solution"]
def sample_2x(n, rng):
    """n samples of p(x) = 2x on [0, 1] by inverse transform."""
    # Hint: solve u = F_X(x) for x, and use S.inverse_transform or rng.random(n).
    ### BEGIN SOLUTION
    return S.inverse_transform(np.sqrt, n, rng=rng)
    ### END SOLUTION


# %% tags=["check"]
# Exercise 2.2: a sampler for p_X(x) = 2x
exercises.check_sampler_2x(sample_2x)

# %% [markdown] tags=["solution"]
# **Answer.** $F_X^{-1}(u) = \sqrt u$. (Equivalently $x = \max(u_1, u_2)$ of two uniforms.)

# %% [markdown]
# ### Exercise 2.3: how many bisection steps?
# The library's `S.GaussianMixture` brackets with $[\min_k(\mu_k - 12\sigma_k), \max_k(\mu_k + 12\sigma_k)]$.
# How many bisection steps does $\text{tol} = 10^{-12}$ take for the mixture of Section 5, and why does a
# tolerance of $10^{-20}$ not make the answer more accurate?

# %% [markdown] tags=["solution"]
# **Answer.** The bracket is $[-8.1, 11.1]$, width $19.2$: $\lceil\log_2(19.2 / 10^{-12})\rceil = 45$ steps.
# Below about $10^{-15}$ the bracket cannot shrink further, because neighbouring float64 numbers near
# $|x| \approx 1$ are $2.2\times10^{-16}$ apart: the midpoint equals an end point and the loop stops only at
# `max_iter`.

# %% [markdown]
# ### Exercise 2.4: the mixed quantiles
# Why does the wrong "mixed quantiles" sampler of Section 8 produce a single Gaussian? Set `mu_bar` and
# `sigma_bar` to its mean and standard deviation for the mixture `gm` of Section 5 (from a formula, not from
# samples).

# %% tags=["solution"]
# Hint: x = sum_k w_k (mu_k + sigma_k Phi^{-1}(u)) is one affine function of Phi^{-1}(u).
### BEGIN SOLUTION
mu_bar = float(np.dot(gm.weights, gm.means))
sigma_bar = float(np.dot(gm.weights, gm.stds))
### END SOLUTION

# %% tags=["check"]
# Exercise 2.4: the mixed quantiles
exercises.check_mixed_quantiles(gm, mu_bar, sigma_bar)

# %% [markdown] tags=["solution"]
# **Answer.** $x = \sum_k w_k(\mu_k + \sigma_k \Phi^{-1}(u)) = \bar\mu + \bar\sigma\, \Phi^{-1}(u)$ with
# $\bar\mu = \sum_k w_k \mu_k = 0.45$ and $\bar\sigma = \sum_k w_k\sigma_k = 0.71$, and $\Phi^{-1}(U) \sim N(0,1)$,
# so $x \sim N(0.45, 0.71^2)$: unimodal, with the right mean but far too small a variance ($0.50$ instead of
# $3.10$).

# %% [markdown]
# ### Exercise 2.5: the CDF of images?
# Images are vectors $x \in \mathbb{R}^D$. Why can't we just invert "the CDF of images"? How could the idea still
# be used, and what does a GAN do instead?

# %% [markdown] tags=["solution"]
# **Answer.** There is no total order on $\mathbb{R}^D$, so no single increasing $F_X^{-1}$. One can sample
# coordinate by coordinate with the conditional CDFs $F(x_d \mid x_1, \dots, x_{d-1})$ (the Rosenblatt
# transform), which is what autoregressive models such as PixelCNN do, but those conditionals must be modelled
# explicitly. A GAN skips densities altogether and learns a map $G_{\theta_g}: z \mapsto x$ directly, judged
# only by whether its samples look like data.

# %% [markdown]
# ## References
#
# - L. Devroye, *Non-Uniform Random Variate Generation*, Springer, 1986. Chapter II: the inversion
#   method, and numerical inversion by bisection.
# - I. Goodfellow, J. Pouget-Abadie, M. Mirza, B. Xu, D. Warde-Farley, S. Ozair, A. Courville,
#   Y. Bengio, "Generative Adversarial Nets", *NeurIPS* 2014.
# - Lecture slides: "Generative Adversarial Networks (GANs): 1. Learning to Sample – Connection to
#   Inverse Transform Sampling", and "Easy / Slightly Harder / Harder Interview Question".
# - F. J. Massey, "The Kolmogorov–Smirnov Test for Goodness of Fit", *Journal of the American
#   Statistical Association* 46(253), 1951.
# - R. A. Fisher, *Iris* data set (1936), as bundled with scikit-learn (`sklearn.datasets.load_iris`).
