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
# # 05 · Markov decision processes, value functions and planning
#
# [Open in Colab](https://colab.research.google.com/github/dl-lecture-notebooks/lecture-notebooks/blob/main/notebooks/05_mdp.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/dl-lecture-notebooks/lecture-notebooks/main?urlpath=lab/tree/notebooks/05_mdp.ipynb)
#
# This notebook opens the reinforcement-learning part of the lecture. It follows the slides from
# "Supervised Learning / Unsupervised Learning / Types of Learning" through "What is Reinforcement
# Learning?", the "RL API", "Signature challenges of RL", the "Markov Decision Process"
# $(\mathcal{S},\mathcal{A},\mathcal{R},\mathbb{P},\gamma)$, the "Components of an RL Agent"
# (policy, value function, model), "The optimal policy $\pi^*$", the definitions of $V^\pi$ and $Q^\pi$,
# and the "Model" slide. Everything here is *tabular*: the world is small enough to store $\mathbb{P}$
# as an array, so we can compute values exactly and check each claim. The next notebook (06) drops the
# model and learns from samples only.

# %% [markdown]
# ## Learning goals
#
# - Contrast reinforcement learning with supervised and unsupervised learning (a classifier, a 1-d and a 2-d
#   density estimate), and run the agent–environment loop on an environment that follows the Gymnasium API.
# - Write an MDP $(\mathcal{S},\mathcal{A},\mathcal{R},\mathbb{P},\gamma)$ as arrays, sample trajectories from
#   it, test the Markov property with a $\chi^2$ test that rejects an aliased observation, and compute
#   discounted returns for deterministic and stochastic policies.
# - Compute $V^\pi$ and $Q^\pi$ three ways (Monte Carlo, the exact linear solve, iterative policy
#   evaluation) and check that they agree within their standard errors.
# - Find $\pi^*$ with value iteration and policy iteration, and reproduce Sutton & Barto's Figures 3.2,
#   3.5 and 4.1 number for number.
# - Learn a model $\hat{\mathbb{P}}, \hat{\mathcal{R}}$ from experience, plan with it (value iteration and
#   lookahead search), and test a plan on Gymnasium's FrozenLake.

# %%
# On Colab, install the lecture's helpers from the repository (a no-op anywhere else).
import sys

if "google.colab" in sys.modules:
    # %pip install -q "lecture-utils @ git+https://github.com/dl-lecture-notebooks/lecture-notebooks"

import gymnasium as gym
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from gymnasium.utils.env_checker import check_env
from scipy import optimize, stats

from lecture_utils import exercises
from lecture_utils.gridworld import GridConfig, GridWorldEnv
from lecture_utils.mdp import (
    ACTION_ARROWS,
    DOWN,
    RIGHT,
    UP,
    TabularMDP,
    estimate_model,
    example_3_5_gridworld,
    example_4_1_gridworld,
    from_gym_P,
    lookahead,
    mc_returns,
    policy_evaluation,
    policy_evaluation_exact,
    policy_evaluation_sweeps,
    policy_iteration,
    q_from_v,
    uniform_policy,
    value_iteration,
)
from lecture_utils.plotting import (
    FULL_WIDTH,
    STYLE,
    plot_grid_trajectory,
    plot_value_grid,
    use_compact_figures,
)

SEED = 0
rng = np.random.default_rng(SEED)
plt.style.use(STYLE)
use_compact_figures()  # figures as 256-colour PNGs: they look the same at a third of the bytes

# %% [markdown]
# ## 1. Supervised, unsupervised and reinforcement learning
#
# The slides put three kinds of learning side by side:
#
# | | supervised | unsupervised | reinforcement |
# |---|---|---|---|
# | data | pairs $(x, y)$ | $x$ only | a stream $s_0, a_0, r_1, s_1, a_1, r_2, \dots$ that the learner's own actions produce |
# | goal | a function $x \mapsto y$ | hidden structure (clusters, densities, features) | a policy that maximizes cumulative reward in the long run |
# | feedback | *instructive*: a "teacher" gives the desired output | none | *evaluative*: a reward says how good the chosen action was, often much later |
#
# The handwritten note on the "RL API" slide lines the two learning problems up symbol by symbol:
#
# | reinforcement learning | supervised learning |
# |---|---|
# | state $s_t$ | input $x_t$ |
# | action $a_t = \pi(s_t)$ | prediction $y_t = f(x_t)$ |
# | reward $r_t(s_t, a_t)$: a number for the action taken, nothing about the others | loss $\ell(y^*, f(x_t))$: the label $y^*$ names the right answer |
# | $s_{t+1}$ depends on $a_t$: the data distribution moves as the policy changes | $(x, y) \sim p_{\text{data}}$, fixed and i.i.d. |
#
# These differences are the slides' "signature challenges of RL": evaluative feedback, sequential decisions
# with delayed consequences (so the agent must *explore* as well as *exploit*), and non-stationary data. The
# next section runs all of them in code.

# %% [markdown]
# The slides' pictures of the three, in one figure. *Supervised*: 200 labelled points $(x, y)$ of two
# classes, and the linear rule $x \mapsto y$ learned from them (Fisher's linear discriminant: class means and a
# shared covariance). *Unsupervised*: the same kind of points without labels, and the structure we learn is
# the density $p(x)$ itself: a 1-d density estimate (a histogram and a kernel density estimate, a Gaussian
# bump on every sample, against the true density and a single fitted Gaussian) and a 2-d one (contours of a
# kernel density estimate over the samples). *Reinforcement*: no data set at all. The agent in this
# notebook's gridworld picks actions, and the world answers with the next state and a reward; nobody says
# which action would have been right. All data come from their own seeded generator, so the rest of the
# notebook draws the same numbers as before.

# %%
data_rng = np.random.default_rng(SEED + 1)
mu_y, cov_x = np.array([[-1.0, -0.5], [1.0, 0.7]]), np.array([[1.0, 0.4], [0.4, 0.8]])


def labelled(n):
    """n pairs (x, y): y ~ Bernoulli(1/2), x | y ~ N(mu_y, cov_x)."""
    y = data_rng.integers(0, 2, size=n)
    return mu_y[y] + data_rng.multivariate_normal(np.zeros(2), cov_x, size=n), y


def p_1d(x):
    """The true 1-d density: 0.3 N(-2, 0.5^2) + 0.7 N(1, 1)."""
    return 0.3 * stats.norm.pdf(x, -2, 0.5) + 0.7 * stats.norm.pdf(x, 1, 1)


def unlabelled_1d(n):
    return np.where(data_rng.random(n) < 0.3, data_rng.normal(-2, 0.5, n), data_rng.normal(1, 1, n))


x_train, y_train = labelled(200)                       # supervised: Fisher's linear discriminant
m0, m1 = x_train[y_train == 0].mean(axis=0), x_train[y_train == 1].mean(axis=0)
S_within = np.cov(np.vstack([x_train[y_train == 0] - m0, x_train[y_train == 1] - m1]).T)
w_lda = np.linalg.solve(S_within, m1 - m0)
b_lda = -w_lda @ (m0 + m1) / 2 + np.log(y_train.mean() / (1 - y_train.mean()))
u_train, u_test = unlabelled_1d(500), unlabelled_1d(2000)  # unsupervised, 1-d
kde_1d = stats.gaussian_kde(u_train)
gauss_1d = stats.norm(u_train.mean(), u_train.std())   # maximum-likelihood single Gaussian
blobs = np.array([[-2.0, 0.0], [1.5, 1.5], [1.0, -2.0]])  # unsupervised, 2-d: three blobs
v_train = blobs[data_rng.integers(0, 3, size=600)] + 0.6 * data_rng.standard_normal((600, 2))
kde_2d = stats.gaussian_kde(v_train.T)
h = 0.1                                                # the 2-d density on a grid of spacing h
g1, g2 = np.meshgrid(np.arange(-6, 6, h), np.arange(-6, 6, h))
p_grid = kde_2d(np.vstack([g1.ravel(), g2.ravel()])).reshape(g1.shape)

genv = GridWorldEnv()                                  # reinforcement: the agent's own actions make the data
o, _ = genv.reset(seed=SEED)
genv.action_space.seed(SEED)
path, episode_return = [o], 0.0
while True:
    o, r, terminated, truncated, _ = genv.step(int(genv.action_space.sample()))
    path.append(o)
    episode_return += r
    if terminated or truncated:
        break
print(f"Fisher's discriminant w = {w_lda.round(2)}, b = {b_lda:.2f};  1-d KDE bandwidth {np.sqrt(kde_1d.covariance[0, 0]):.3f}")
print(f"the episode: states {path}, return {episode_return:+g}")

# %%
fig, axes = plt.subplots(2, 2, figsize=(FULL_WIDTH, 7.2))
ax = axes[0, 0]
side = (g1 * w_lda[0] + g2 * w_lda[1] + b_lda > 0).astype(float)
ax.contourf(g1, g2, side, levels=[-0.5, 0.5, 1.5], colors=["C0", "C1"], alpha=0.15)
ax.contour(g1, g2, g1 * w_lda[0] + g2 * w_lda[1] + b_lda, levels=[0], colors="k", linewidths=1)
for k in (0, 1):
    ax.scatter(*x_train[y_train == k].T, s=10, color=f"C{k}", label=f"class $y = {k}$")
ax.set(xlim=(-4, 4), ylim=(-4, 4), xlabel="$x_1$", ylabel="$x_2$", title="supervised: pairs $(x, y)$,\nlearn $x \\mapsto y$")
ax.legend(loc="upper left", fontsize=8)
ax = axes[0, 1]
xs = np.linspace(-4.5, 5, 400)
ax.hist(u_train, bins=40, density=True, color="0.8", label="histogram (500 samples)")
ax.plot(xs, p_1d(xs), "k--", label="true density")
ax.plot(xs, kde_1d(xs), "C2", label="kernel density estimate")
ax.plot(xs, gauss_1d.pdf(xs), "C3:", label="one fitted Gaussian")
ax.set(ylim=(0, 0.62), xlabel="$x$", ylabel="density", title="unsupervised: $x$ only,\n1-d density estimation")
ax.legend(loc="upper left", fontsize=7, ncol=2)
ax = axes[1, 0]
ax.scatter(*v_train.T, s=4, color="0.55")
contours = ax.contour(g1, g2, p_grid, levels=6, cmap="viridis")
fig.colorbar(contours, ax=ax, label=r"estimated $p(x_1, x_2)$")
ax.set(xlim=(-4.5, 4), ylim=(-4.5, 4), xlabel="$x_1$", ylabel="$x_2$", title="unsupervised:\n2-d density estimation")
ax = axes[1, 1]
plot_value_grid(ax, np.zeros(25), genv.shape, terminal=genv.terminal, cmap="Blues", vmin=-0.15, vmax=1,
                labels={s: ch.replace(".", "") for s, ch in enumerate("".join(genv.config.layout))},
                title=f"reinforcement: act, get $s_{{t+1}}, r_{{t+1}}$;\n{len(path) - 1} actions, return {episode_return:+g}")
plot_grid_trajectory(ax, np.array(path), genv.shape, color="C3")
fig.tight_layout()
plt.show()

# %% [markdown]
# Top left: the learned boundary separates the two labelled classes about as well as the overlap of the
# classes allows. Top right: the kernel estimate finds both modes of the true density, and the single
# Gaussian cannot. Bottom left: the 2-d estimate puts one hill on each blob. Bottom right: a random agent walks
# from `S` into the pit `X`. The reward $-10$ is all it learns, and it does not say which move was the mistake.
#
# Three checks, each with its tolerance from a standard error or a stated bound:
#
# 1. *Supervised.* For a linear rule and Gaussian classes the accuracy has a closed form,
#    $\tfrac12\big[\Phi\big(\tfrac{w^\top\mu_1 + b}{\sigma_w}\big) + \Phi\big(-\tfrac{w^\top\mu_0 + b}{\sigma_w}\big)\big]$
#    with $\sigma_w^2 = w^\top\Sigma w$. The accuracy on 4000 fresh pairs must match it within 3 binomial
#    standard errors, and it cannot beat the Bayes-optimal $\Phi(\Delta/2)$ ($\Delta$: the Mahalanobis distance
#    between the class means).
# 2. *1-d density.* On 2000 held-out samples, the mean log-likelihood of the kernel estimate must beat the
#    single Gaussian's by more than 3 standard errors of the mean paired difference (a one-sided test at level
#    0.13%). It must not beat the true density by more than 3 standard errors either, since the expected gap
#    is a KL divergence, which is $\ge 0$.
# 3. *2-d density.* The estimate must integrate to 1 on the grid. The Riemann sum misses the mass outside the
#    grid, at most $\sum_i 2\Phi(-m_i)$ when every sample lies $m_i$ kernel standard deviations inside the
#    grid along axis $i$, plus the discretisation error, estimated by the change from spacing $2h$ to $h$.

# %%
x_test, y_test = labelled(4000)
acc = ((x_test @ w_lda + b_lda > 0) == y_test).mean()
sigma_w = np.sqrt(w_lda @ cov_x @ w_lda)
acc_exact = 0.5 * (stats.norm.cdf((w_lda @ mu_y[1] + b_lda) / sigma_w) + stats.norm.cdf(-(w_lda @ mu_y[0] + b_lda) / sigma_w))
bayes = stats.norm.cdf(np.sqrt((mu_y[1] - mu_y[0]) @ np.linalg.solve(cov_x, mu_y[1] - mu_y[0])) / 2)
se_acc = np.sqrt(acc_exact * (1 - acc_exact) / len(y_test))
assert abs(acc - acc_exact) < 3 * se_acc and acc_exact <= bayes
print(f"supervised: test accuracy {acc:.3f}, exact {acc_exact:.3f} ± {se_acc:.3f} (1 SE), Bayes-optimal {bayes:.3f}")

gain = kde_1d.logpdf(u_test) - gauss_1d.logpdf(u_test)       # per held-out sample
gap = np.log(p_1d(u_test)) - kde_1d.logpdf(u_test)
se_gain, se_gap = gain.std(ddof=1) / np.sqrt(len(u_test)), gap.std(ddof=1) / np.sqrt(len(u_test))
assert gain.mean() > 3 * se_gain and gap.mean() > -3 * se_gap
print(f"1-d: held-out log-likelihood per sample, KDE minus one Gaussian {gain.mean():.3f} ± {se_gain:.3f}; "
      f"true minus KDE {gap.mean():.3f} ± {se_gap:.3f}")

mass = p_grid.sum() * h**2
discretisation = abs(mass - p_grid[::2, ::2].sum() * (2 * h) ** 2)
kernel_sd = np.sqrt(np.diag(kde_2d.covariance))
m_inside = np.minimum(v_train.min(axis=0) - g1.min(), g1.max() - v_train.max(axis=0)) / kernel_sd
tail = (2 * stats.norm.cdf(-m_inside)).sum()
assert abs(mass - 1) <= tail + discretisation, (mass, tail, discretisation)
print(f"2-d: grid integral {mass:.5f}; allowed: outside-grid mass <= {tail:.1e} + discretisation {discretisation:.0e}")

# %% [markdown]
# ## 2. The RL API: an agent–environment loop
#
# At each step $t$ the agent executes $a_t$ and then receives an observation $o_{t+1}$ and a scalar reward
# $r_{t+1}$; the environment receives $a_t$ and emits them. [Gymnasium](https://gymnasium.farama.org) writes
# this loop as `obs, info = env.reset(seed=...)` followed by
# `obs, reward, terminated, truncated, info = env.step(action)`.
#
# Our environment is a 5×5 *slippery gridworld* (`lecture_utils.gridworld.GridWorldEnv`). The agent starts in
# `S`; the actions are ← ↓ → ↑ (0–3, in FrozenLake's order). A move goes where it is meant to with
# probability 0.8 and slips to one of the two perpendicular directions with probability 0.1 each; walking into
# the border leaves the agent where it is. Entering `G` pays $+10$, entering the nearby `g` pays $+1$, and the
# pits `X` cost $-10$. All three end the episode; every other move pays 0. Gymnasium's own checker
# `check_env` tests that the environment follows the API.

# %%
env = GridWorldEnv(render_mode="ansi")
check_env(GridWorldEnv(), skip_render_check=True)  # raises if reset/step/spaces break the Gymnasium API
s0 = env.start_state
print("observation space:", env.observation_space, "  action space:", env.action_space)
print("exits:", env.config.exits, "  slip:", env.config.slip, "  start state s0 =", s0)
env.reset(seed=SEED)
print(env.render())


# %% [markdown]
# Here is the loop itself, with an agent that picks uniformly random actions. Each printed line is one turn:
# the agent sees $o_t$, executes $a_t$, and the environment answers with $r_{t+1}$ (and $o_{t+1}$ on the
# next line).

# %%
def run_episode(env, agent, *, seed, max_steps=100):
    """The agent-environment loop; returns the observations o_0..o_T, actions and rewards."""
    obs, info = env.reset(seed=seed)
    env.action_space.seed(seed)
    observations, actions, rewards = [obs], [], []
    for _t in range(max_steps):
        action = agent(obs)                                      # agent executes a_t
        obs, reward, terminated, truncated, info = env.step(action)  # env emits o_{t+1}, r_{t+1}
        observations.append(obs), actions.append(action), rewards.append(reward)
        if terminated or truncated:
            break
    return np.array(observations), np.array(actions), np.array(rewards)


random_agent = lambda obs: int(env.action_space.sample())
obs, acts, rews = run_episode(env, random_agent, seed=SEED)
for t, (o, a, r) in enumerate(zip(obs, acts, rews)):
    print(f"t={t:2d}  o_t={o:2d}  a_t={ACTION_ARROWS[a]}  r_t+1={r:+g}")
print(env.render())

# %% [markdown]
# Everything random in the loop comes from the seed: the environment's slips from `reset(seed=...)` and the
# agent's choices from `action_space.seed(...)`. The check below reruns the episode.

# %%
again = run_episode(env, random_agent, seed=SEED)
other = run_episode(env, random_agent, seed=SEED + 1)
assert all(np.array_equal(x, y) for x, y in zip(again, (obs, acts, rews)))
assert not all(np.array_equal(x, y) for x, y in zip(other, (obs, acts, rews)))
print("same seed, same episode; another seed, another episode")

# %% [markdown]
# The slides' examples fit the same loop; only the spaces get larger:
#
# | task | state | action | reward |
# |---|---|---|---|
# | robot locomotion | angles and positions of the joints | torques on the joints | +1 per step upright, plus forward movement |
# | Atari games | raw pixels | game controls (left, right, up, down, …) | change of the score |
# | Go | position of all pieces | where to put the next piece | 1 for a win at the end, 0 otherwise |
# | our gridworld | the cell (0–24) | ← ↓ → ↑ | +10 / +1 / −10 on entering `G` / `g` / `X` |
#
# **Evaluative, delayed feedback in one experiment.** Try each action 2000 times from `S` and average the
# immediate reward. A supervised teacher would name the right action; the reward only grades the action tried.

# %%
n_try = 2000
immediate = np.zeros(4)
for a in range(4):
    env.reset(seed=SEED + a)
    for _ in range(n_try):
        env.reset()
        immediate[a] += env.step(a)[1] / n_try
print("mean immediate reward from S:", {ACTION_ARROWS[a]: round(float(r), 3) for a, r in enumerate(immediate)})

# %% [markdown]
# Going down (into `g`) wins the immediate comparison. Section 6 shows that with $\gamma = 0.9$ the best
# action from `S` is → instead, because the $+10$ at `G` arrives seven steps later. The reward never says
# so directly: the agent has to work out delayed consequences itself.

# %% [markdown]
# ## 3. The Markov decision process as arrays
#
# The slides define an MDP by $(\mathcal{S}, \mathcal{A}, \mathcal{R}, \mathbb{P}, \gamma)$: states, actions,
# the distribution of reward given $(s, a)$, the distribution of the next state given $(s, a)$, and a discount
# factor. For a finite MDP these are arrays (`lecture_utils.mdp.TabularMDP`):
#
# - `P[s, a, s']` $= \mathbb{P}(S_{t+1} = s' \mid S_t = s, A_t = a)$, shape $(|\mathcal{S}|, |\mathcal{A}|, |\mathcal{S}|)$;
# - `R[s, a]` $= \mathbb{E}[R_{t+1} \mid S_t = s, A_t = a] = \sum_{s'} \mathbb{P}(s' \mid s, a)\, r(s, a, s')$, shape $(|\mathcal{S}|, |\mathcal{A}|)$;
# - `gamma` $= \gamma \in [0, 1]$, and `terminal[s]`: absorbing states whose value is 0.
#
# The environment exposes the same model as Gymnasium's toy-text environments do, as a table
# `env.P[s][a] = [(prob, next_state, reward, terminated), ...]`. `to_mdp` turns the table into arrays.

# %%
gamma = 0.9
mdp = env.to_mdp(gamma)
print("P:", mdp.P.shape, "  R:", mdp.R.shape, "  gamma:", mdp.gamma, "  terminal:", np.flatnonzero(mdp.terminal))
print("table  env.P[s0][right] =", [(round(p, 2), s, r, d) for p, s, r, d in env.P[s0][RIGHT]])
print("arrays P[s0, right, :]  =", {s: round(float(p), 2) for s, p in enumerate(mdp.P[s0, RIGHT]) if p > 0})
print("       R[s0, :]         =", mdp.R[s0].round(2), " (down: 0.8 x (+1) into g)")

# %% [markdown]
# `TabularMDP` checks its input: every row $\mathbb{P}(\cdot \mid s, a)$ must sum to 1, $\gamma$ must lie in
# $[0, 1]$, and with $\gamma = 1$ a terminal state must be reachable from every state, otherwise the returns
# can diverge. A wrong input raises a `ValueError` that names the argument:

# %%
bad_P = np.array(mdp.P)
bad_P[s0, RIGHT, s0] += 0.1
for args in [(bad_P, mdp.R, 0.9, mdp.terminal), (mdp.P, mdp.R, 1.2, mdp.terminal),
             (mdp.P, mdp.R, 1.0, np.zeros(25, bool))]:
    try:
        TabularMDP(*args)
    except ValueError as err:
        print("ValueError:", err)
np.testing.assert_allclose(mdp.P.sum(axis=2), 1.0)
assert np.isclose(mdp.R[s0, DOWN], sum(p * r for p, _, r, _ in env.P[s0][DOWN]))


# %% [markdown]
# **The Markov property.** The current state characterizes the world completely:
#
# $$p(r, s' \mid s, a) = \mathrm{Prob}\left[R_{t+1} = r, S_{t+1} = s' \mid S_t = s, A_t = a\right],$$
#
# whatever happened before $t$. We can test this on experience. The function below collects transitions from
# a random agent. Each episode starts in a random non-terminal cell ("exploring starts", passed to `reset`
# through `options`), and the function keeps the previous state $S_{t-1}$ as well. We will use this
# experience again in Section 8.

# %%
def collect(env, n, *, rng):
    """n transitions of a uniform random agent with exploring starts: columns s_prev, s, a, r, s', terminated."""
    starts = rng.choice(np.flatnonzero(~env.terminal), size=n)
    actions = rng.integers(0, 4, size=n)
    data = np.zeros((n, 6))
    s, _ = env.reset(seed=int(rng.integers(2**31)), options={"start_state": int(starts[0])})
    prev = -1  # no previous state at the start of an episode
    for i in range(n):
        s2, r, terminated, _, _ = env.step(actions[i])
        data[i] = prev, s, actions[i], r, s2, terminated
        prev, s = (-1, env.reset(options={"start_state": int(starts[i])})[0]) if terminated else (s, s2)
    return data


experience = collect(env, 20_000, rng=rng)
s_prev, s_t, a_t, r_t1, s_t1, done_t1 = experience.T
s_t, a_t, s_t1, done_t1 = s_t.astype(int), a_t.astype(int), s_t1.astype(int), done_t1.astype(bool)
print(f"{len(experience)} transitions, {int(done_t1.sum())} episodes ended")


# %% [markdown]
# If the property holds, the distribution of the next observation given $(O_t, A_t)$ does not change when we
# also condition on the previous observation $O_{t-1}$ (or "the episode just started"). For every pair
# $(o, a)$ we count a contingency table: one row per previous observation, one column per next observation.
# Pearson's statistic $X^2 = \sum (\text{observed} - \text{expected})^2 / \text{expected}$, with the
# expected counts computed as if the rows did not differ, is summed over all pairs. Without a history effect
# it follows a $\chi^2$ distribution whose degrees of freedom are the sum of $(\text{rows}-1)(\text{columns}-1)$.
# We reject at level $\alpha = 0.001$, i.e. when $X^2$ exceeds the 99.9% quantile. Rows with fewer than 50
# transitions are dropped: a slip has probability 0.1, so every expected count is then at least 5, where the
# $\chi^2$ approximation is good. In this gridworld the reward is a function of the cell entered, so the next
# observation carries the reward too.
#
# Two observations of the same walk. The **state** $O_t = S_t$, the cell. And an **aliased** observation, a
# sensor that cannot tell cells 7 and 17 apart (the middle column, one row above and one below the centre
# cell 12): $O_t = \phi(S_t)$ with $\phi(17) = 7$. Cells 7 and 17 behave very differently (← from 7 enters the
# pit, ← from 17 does not), and the previous observation often tells which of the two the agent is in, so the
# aliased observation is not Markov. The test runs on 100 000 fresh transitions from a generator of their own.

# %%
def history_test(o_prev, o, a, o_next, *, n_min=50):
    """Pearson chi-square test that o_next given (o, a) does not depend on o_prev; returns X^2, df, tables."""
    X2, df, tables = 0.0, 0, {}
    for o_a in np.unique(np.c_[o, a], axis=0):
        sel = (o == o_a[0]) & (a == o_a[1])
        rows, row_of = np.unique(o_prev[sel], return_inverse=True)
        cols, col_of = np.unique(o_next[sel], return_inverse=True)
        table = np.zeros((len(rows), len(cols)))
        np.add.at(table, (row_of, col_of), 1)
        keep = table.sum(axis=1) >= n_min
        table, rows = table[keep], rows[keep]
        table, cols = table[:, table.sum(axis=0) > 0], cols[table.sum(axis=0) > 0]
        if table.shape[0] < 2 or table.shape[1] < 2:
            continue
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
        X2 += ((table - expected) ** 2 / expected).sum()
        df += (table.shape[0] - 1) * (table.shape[1] - 1)
        tables[tuple(o_a)] = rows, cols, table
    return X2, df, tables


markov_data = collect(env, 100_000, rng=np.random.default_rng(SEED + 2))
m_prev, m_s, m_a, _, m_next, _ = markov_data.T.astype(int)
alias = np.arange(25)
alias[17] = 7                                          # phi: cell 17 looks like cell 7
alias_prev = np.where(m_prev >= 0, alias[np.maximum(m_prev, 0)], -1)
alpha = 0.001
results = {"state S_t": history_test(m_prev, m_s, m_a, m_next),
           "aliased phi(S_t)": history_test(alias_prev, alias[m_s], m_a, alias[m_next])}
for name, (X2, df, _) in results.items():
    threshold = stats.chi2.ppf(1 - alpha, df)
    print(f"{name:17s} X^2 = {X2:7.1f}  df = {df}  reject above {threshold:.1f}  p = {stats.chi2.sf(X2, df):.3g}")
rows, cols, table = results["aliased phi(S_t)"][2][(7, 0)]
print("aliased, O_t = phi(7 or 17), A_t = ←:  P(O_t+1 | O_t-1) =")
for prev, counts_row in zip(rows, table):
    print(f"  O_t-1 = {'start' if prev < 0 else prev:>5}:", {int(c): round(float(f), 2) for c, f in zip(cols, counts_row / counts_row.sum()) if f > 0})

# %% [markdown]
# From 2 or 8 the agent can only be in cell 7, and ← enters the pit `X` (cell 6) 80% of the time. From 16,
# 18 or 22 it can only be in 17, and ← never reaches the pit. From 12, or at the start of an episode, it is
# in either with probability 1/2 each. The same table for the state has identical rows up to sampling noise.
#
# **What the test can detect.** Under the null hypothesis the test rejects with probability $\alpha$. Under
# an alternative, $X^2$ follows a noncentral $\chi^2$ with noncentrality
# $\lambda = \sum_{\text{tables}} \sum_g n_g \sum_k (p_{gk} - \bar p_k)^2 / \bar p_k$, where $p_g$ is the true
# next-observation distribution of row $g$, $n_g$ its count, and $\bar p$ their count-weighted mean. The
# power is the probability that this noncentral $\chi^2$ exceeds the threshold. For the state test we solve
# for the $\lambda_{90}$ that gives 90% power and translate it: if the history shifted $\varepsilon$ of
# probability from one slip direction to the other (0.1 becomes $0.1 \pm \varepsilon$, with opposite signs in
# different rows), every transition would contribute $2\varepsilon^2 / 0.1$ to $\lambda$. For the aliased
# observation the rows' true distributions are known exactly from the model: given $O_{t-1} = w$, the agent
# is in $s \in \{7, 17\}$ with probability $\propto \sum_a \pi(a \mid w)\, \mathbb{P}(s \mid w, a)$ (uniform over
# the two at the start of an episode), so we can compute its $\lambda$ and its power.

# %%
X2_s, df_s, tables_s = results["state S_t"]
threshold_s = stats.chi2.ppf(1 - alpha, df_s)
lam_90 = optimize.brentq(lambda lam: stats.ncx2.sf(threshold_s, df_s, lam) - 0.9, 1e-6, 1e5)
n_used = int(sum(t.sum() for _, _, t in tables_s.values()))
eps_90 = np.sqrt(lam_90 * 0.1 / (2 * n_used))

X2_o, df_o, tables_o = results["aliased phi(S_t)"]
threshold_o = stats.chi2.ppf(1 - alpha, df_o)
P_obs = mdp.P @ np.eye(25)[alias]                      # P(phi(S') = o | s, a)
P_random = mdp.P.mean(axis=1)                          # P(S_t = s | S_t-1 = w): the random agent averages actions
lam_o = 0.0
for (o, a), (rows, cols, table) in tables_o.items():
    if o != 7:
        continue                                       # every other (o, a) sees the Markov state: lambda = 0
    weights = np.array([[0.5, 0.5] if w < 0 else P_random[w, [7, 17]] for w in rows])
    p_rows = (weights / weights.sum(axis=1, keepdims=True)) @ P_obs[[7, 17], a][:, cols]
    n_g = table.sum(axis=1, keepdims=True)
    p_bar = (n_g * p_rows).sum(axis=0) / n_g.sum()
    lam_o += (n_g * (p_rows - p_bar) ** 2 / p_bar).sum()
power_o = stats.ncx2.sf(threshold_o, df_o, lam_o)

assert X2_s < threshold_s                              # the state passes (a false alarm has probability 0.001)
assert X2_o > threshold_o                              # the aliased observation is rejected
assert power_o > 0.99                                  # and the test was sure to reject it
print(f"state: 90% power against noncentrality {lam_90:.0f}, i.e. a history effect of ±{eps_90:.3f} on the "
      f"slip probabilities over {n_used} transitions")
print(f"aliased: exact noncentrality {lam_o:.0f} (X^2 - df = {X2_o - df_o:.0f} measured), power {power_o:.4f}")

# %% [markdown]
# **Trajectories.** "Life is a trajectory" $\dots, S_t, A_t, R_{t+1}, S_{t+1}, A_{t+1}, R_{t+2}, S_{t+2}, \dots$
# Three episodes of the random agent, drawn on the grid (circle: $S_0$, cross: the last state):

# %%
EXITS = {s: ch for s, ch in enumerate("".join(env.config.layout)) if ch not in ".S"}
episodes = [run_episode(env, random_agent, seed=seed) for seed in (SEED, 3, 4)]
o, a, r = episodes[0]
print(" ".join(f"S{t}={o[t]}, A{t}={ACTION_ARROWS[a[t]]}, R{t + 1}={r[t]:+g}," for t in range(len(a))), f"S{len(a)}={o[-1]}")

fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.4))
blank = {**{s: "" for s in range(25)}, **EXITS, s0: "S"}  # draw the layout only: no numbers
plot_value_grid(ax, np.zeros(25), env.shape, terminal=mdp.terminal, labels=blank, cmap="Blues", vmin=-0.15, vmax=1,
                title="three episodes of the random agent")
for k, (o, _, r) in enumerate(episodes):
    plot_grid_trajectory(ax, o, env.shape, color=f"C{k}", offset=0.12 * (k - 1), label=f"episode {k + 1}: return {r.sum():+g}")
ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
plt.show()

# %% [markdown]
# Each random walk wanders and ends in whichever terminal cell it happens to hit first. The undiscounted
# returns in the legend show how much a single episode's outcome varies.

# %% [markdown]
# ## 4. Policies and the discounted return
#
# A policy is how the agent acts: a map from states to actions. It is either *deterministic*, $a = \pi(s)$,
# stored as a table with one action per state (the slides' "State | Action" table, an `(S,)` int array), or
# *stochastic*, $\pi(a \mid s) = \mathbb{P}[A_t = a \mid S_t = s]$, an `(S, A)` array whose rows sum to 1.

# %%
col = np.arange(25) % 5
pi_det = np.where(col < 4, RIGHT, UP)              # "go right along the row, then up the last column"
pi_uniform = uniform_policy(mdp)                   # pi(a|s) = 1/4
pi_noisy = 0.6 * np.eye(4)[pi_det] + 0.4 * pi_uniform  # pi_det's action w.p. 0.7, each other action 0.1
print("State | Action")
for s in (15, 16, 17, 18, 19, 14):
    print(f"{s:5d} | {ACTION_ARROWS[pi_det[s]]}")
print("pi_noisy(.|s0) =", {a: round(float(p), 2) for a, p in zip(ACTION_ARROWS, pi_noisy[s0])})

fig, axes = plt.subplots(1, 2, figsize=(FULL_WIDTH, 4))
for ax, pol, name in zip(axes, (pi_det, pi_noisy), (r"deterministic $a = \pi(s)$", r"stochastic $\pi(a|s)$ (arrow length)")):
    plot_value_grid(ax, np.zeros(25), env.shape, policy=pol, terminal=mdp.terminal, labels=blank, cmap="Blues",
                    vmin=-0.15, vmax=1, title=name)
fig.tight_layout();


# %% [markdown]
# On the left each non-terminal cell has exactly one action. On the right the arrows' lengths are the
# probabilities $\pi(a \mid s)$, with the largest on the deterministic choice.
#
# **What is a good policy?** One that maximizes the current reward, or the sum of all future rewards? The
# slides' answer is the *discounted* sum
#
# $$G_0 = r_0 + \gamma r_1 + \gamma^2 r_2 + \dots = \sum_{t \ge 0} \gamma^t r_t, \qquad
# \pi^* = \arg\max_\pi \mathbb{E}\Big[\sum_{t\ge 0} \gamma^t r_t \,\Big|\, \pi\Big],$$
#
# with $s_0 \sim p(s_0)$, $a_t \sim \pi(\cdot \mid s_t)$, $s_{t+1} \sim p(\cdot \mid s_t, a_t)$. (The slides
# index the reward that follows action $a_t$ as $r_t$; Sutton & Barto call it $R_{t+1}$.) A reward $k$ steps
# ahead is worth $\gamma^k$ of a reward now. The return also satisfies $G_t = r_t + \gamma G_{t+1}$, which we
# check against the direct sum:

# %%
def discounted_return(rewards, gamma):
    """G_0 = sum_t gamma^t r_t."""
    return float(np.sum(gamma ** np.arange(len(rewards)) * rewards))


o, a, r = run_episode(env, lambda s: int(pi_det[s]), seed=SEED)
print("rewards of one pi_det episode:", r)
for g in (0.0, 0.5, 0.9, 1.0):
    G = 0.0
    for reward in r[::-1]:                             # backwards: G_t = r_t + gamma G_{t+1}
        G = reward + g * G
    assert np.isclose(G, discounted_return(r, g))
    print(f"gamma = {g:.1f}:  G_0 = {G:.3f}")

# %%
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.2))
t = np.arange(40)
for k, g in enumerate((0.5, 0.8, 0.9, 0.95)):
    ax.plot(t, g**t, "o-", ms=3, color=f"C{k}", label=rf"$\gamma={g}$")
    ax.axvline(1 / (1 - g), color=f"C{k}", ls=":", lw=1)
ax.set(xlabel="steps ahead $t$", ylabel=r"weight $\gamma^t$", title=r"discounting (dotted: horizon $1/(1-\gamma)$)")
ax.legend()
plt.show()


# %% [markdown]
# Small $\gamma$ makes the agent short-sighted: with $\gamma = 0.5$ a reward 7 steps ahead counts less than
# 1% of an immediate one. The dotted lines mark the effective horizon $1/(1-\gamma)$, the expected number of
# steps that still count.
#
# **What $\gamma$ does to the best behaviour.** Move the slider. The function behind it runs value iteration
# (Section 6) for the chosen $\gamma$. It draws $V^*$ with the greedy policy and prints what the agent does
# in `S`. With a small $\gamma$ the sure $+1$ one step away wins; with a large one the agent walks to the
# $+10$.

# %%
def plot_gamma(gamma):
    """Solve the gridworld for one gamma: draw V* with its greedy policy, print the choice in S; return (V*, pi*)."""
    V, pi = value_iteration(env.to_mdp(gamma))
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.4))
    plot_value_grid(ax, V, env.shape, policy=pi, terminal=mdp.terminal, labels=EXITS, fmt=".2f",
                    title=rf"$V^*$ and greedy policy, $\gamma = {gamma:.2f}$")
    plt.show()
    print(f"gamma = {gamma:.2f}: from S the agent goes {ACTION_ARROWS[pi[s0]]}, V*(S) = {V[s0]:.3f}")
    return V, pi


# %%
# NBVAL_IGNORE_OUTPUT
def gamma_demo(gamma):
    plot_gamma(gamma)  # return nothing: interact would display a returned value


widgets.interact(gamma_demo, gamma=widgets.FloatSlider(value=0.9, min=0.0, max=1.0, step=0.01,
                                                       continuous_update=False, description="γ"));

# %% [markdown]
# The slider cannot be moved by the automated tests, so the function is also called directly. The check
# cell confirms what the widget shows: at $\gamma = 0.5$ the agent heads down to `g`, at $\gamma = 0.95$ it
# heads for `G`. Scanning $\gamma$ in steps of 0.01 finds where the choice flips.

# %%
V_low, pi_low = plot_gamma(0.5)

# %%
V_high, pi_high = value_iteration(env.to_mdp(0.95))
assert pi_low[s0] == DOWN and pi_high[s0] != DOWN
gammas = np.round(np.arange(0.0, 1.0, 0.01), 2)
first_far = next(g for g in gammas if value_iteration(env.to_mdp(g))[1][s0] != DOWN)
print(f"the agent in S stops taking the +1 at gamma = {first_far:.2f}")

# %% [markdown]
# Without slipping, the switch would come where $10\gamma^6 = 1$ ($+10$ after seven moves against $+1$
# after one), i.e. $\gamma \approx 0.68$. Slipping toward the pits makes the long route riskier, so the
# switch comes later, near $\gamma = 0.8$. Exercise 1 asks you to check the slip-free number.

# %% [markdown]
# ## 5. Value functions $V^\pi$ and $Q^\pi$, three ways
#
# Following a policy produces sample trajectories $s_0, a_0, r_0, s_1, a_1, r_1, \dots$ How good is a state,
# and how good is a state–action pair?
#
# $$V^\pi(s) = \mathbb{E}\Big[\sum_{t \ge 0} \gamma^t r_t \,\Big|\, s_0 = s, \pi\Big], \qquad
# Q^\pi(s, a) = \mathbb{E}\Big[\sum_{t \ge 0} \gamma^t r_t \,\Big|\, s_0 = s, a_0 = a, \pi\Big].$$
#
# Splitting off the first step gives **Bellman's expectation equation**, which is linear in $V^\pi$:
#
# $$V^\pi(s) = \sum_a \pi(a \mid s)\Big[R(s, a) + \gamma \sum_{s'} \mathbb{P}(s' \mid s, a)\, V^\pi(s')\Big]
# \quad\Longleftrightarrow\quad V^\pi = R^\pi + \gamma P^\pi V^\pi,$$
#
# and $Q^\pi(s, a) = R(s, a) + \gamma \sum_{s'} \mathbb{P}(s' \mid s, a) V^\pi(s')$. We compute $V^\pi$ of the
# uniform random policy three independent ways:
#
# 1. **Monte Carlo**: average sampled returns (what the definition says; no equation needed);
# 2. **exact linear solve**: $(I - \gamma P^\pi) V^\pi = R^\pi$ on the non-terminal states;
# 3. **iterative policy evaluation**: repeat $V_{k+1} = R^\pi + \gamma P^\pi V_k$ from $V_0 = 0$; a
#    $\gamma$-contraction, so $\|V_k - V^\pi\|_\infty \le \gamma^k \|V^\pi\|_\infty$.

# %%
live = ~mdp.terminal
n_mc = 1000
G = mc_returns(mdp, pi_uniform, np.repeat(np.flatnonzero(live), n_mc), rng=rng, horizon=300)
G = G.reshape(live.sum(), n_mc)                        # (non-terminal states, episodes)
V_mc, V_mc_se = np.zeros(25), np.zeros(25)
V_mc[live], V_mc_se[live] = G.mean(axis=1), G.std(axis=1, ddof=1) / np.sqrt(n_mc)

P_pi = np.einsum("sa,sat->st", pi_uniform, mdp.P)      # (S, S): P^pi(s'|s)
R_pi = (pi_uniform * mdp.R).sum(axis=1)                # (S,)
V_exact = np.zeros(25)
V_exact[live] = np.linalg.solve(np.eye(live.sum()) - gamma * P_pi[np.ix_(live, live)], R_pi[live])

sweeps = policy_evaluation_sweeps(mdp, pi_uniform, 150)  # (151, S): V_0 ... V_150
V_iter = policy_evaluation(mdp, pi_uniform, tol=1e-12)
print(f"V^pi(S):  Monte Carlo {V_mc[s0]:.3f} ± {V_mc_se[s0]:.3f}   exact {V_exact[s0]:.4f}   iterative {V_iter[s0]:.4f}")

# %% [markdown]
# The Monte Carlo returns are sampled from the MDP's arrays, vectorized over episodes. Stepping the
# environment of Section 2 would give the same distribution of returns, only more slowly. The returns are
# truncated after 300 steps. An episode collects at most one non-zero reward, so the truncation bias is at
# most $\gamma^{300} \cdot 10 \approx 2 \cdot 10^{-13}$, far below the standard error. The checks: Monte Carlo
# agrees with the exact solve within 5 standard errors in every state (a correct estimate misses that in one
# of 21 states with probability below $21 \cdot 5.7 \cdot 10^{-7} \approx 10^{-5}$, so a failure means a bug); the exact solve satisfies the
# Bellman equation and matches the library's `policy_evaluation_exact`; iterative evaluation converges to it.

# %%
z = np.abs(V_mc - V_exact)[live] / V_mc_se[live]
assert z.max() < 5, z.max()
np.testing.assert_allclose(V_exact, R_pi + gamma * P_pi @ V_exact * live, atol=1e-12)  # Bellman, terminal V = 0
np.testing.assert_allclose(V_exact, policy_evaluation_exact(mdp, pi_uniform), atol=1e-12)
np.testing.assert_allclose(V_iter, V_exact, atol=1e-9)
err = np.abs(sweeps - V_exact).max(axis=1)
assert (err <= gamma ** np.arange(151) * np.abs(V_exact).max() + 1e-12).all()
print(f"MC vs exact: largest |z| = {z.max():.2f} over {live.sum()} states; iterative after 150 sweeps: error {err[-1]:.1e}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(FULL_WIDTH, 3.9))
plot_value_grid(axes[0], V_exact, env.shape, terminal=mdp.terminal, labels=EXITS, fmt=".2f",
                title=r"$V^\pi$, uniform random $\pi$ ($\gamma=0.9$)")
axes[1].errorbar(V_exact[live], V_mc[live], yerr=2 * V_mc_se[live], fmt="o", ms=4, label=r"Monte Carlo $\pm 2$ SE")
lim = [V_exact[live].min() - 0.5, V_exact[live].max() + 0.5]
axes[1].plot(lim, lim, "k:", label="exact = MC")
axes[1].set(xlabel=r"exact $V^\pi(s)$ (linear solve)", ylabel=r"Monte Carlo $\hat V^\pi(s)$", title="method 1 vs 2")
axes[1].legend(fontsize=8)
axes[2].semilogy(err, label=r"$\|V_k - V^\pi\|_\infty$")
axes[2].semilogy(gamma ** np.arange(151) * np.abs(V_exact).max(), "k:", label=r"$\gamma^k \|V^\pi\|_\infty$")
axes[2].set(xlabel="sweep $k$", ylabel="error", title="method 3: iterative evaluation")
axes[2].legend(fontsize=8)
fig.tight_layout();

# %% [markdown]
# Left: the random agent values cells near `G` highly and cells beside a pit poorly. Middle: every Monte
# Carlo estimate lies on the diagonal within its error bar. Right: the error of iterative evaluation shrinks
# geometrically, below the $\gamma^k$ bound.
#
# **$Q^\pi$** is one Bellman step away from $V^\pi$. Its Monte Carlo estimate fixes the first action $a_0 = a$
# and follows $\pi$ afterwards. The checks: $Q^\pi$ from the model agrees with Monte Carlo, and
# $V^\pi(s) = \sum_a \pi(a \mid s) Q^\pi(s, a)$.

# %%
Q_exact = q_from_v(mdp, V_exact)                       # (S, A)
n_q = 4000
Gq = mc_returns(mdp, pi_uniform, np.full(4 * n_q, s0), rng=rng, first_actions=np.repeat(np.arange(4), n_q))
Gq = Gq.reshape(4, n_q)
Q_mc, Q_mc_se = Gq.mean(axis=1), Gq.std(axis=1, ddof=1) / np.sqrt(n_q)
for a in range(4):
    print(f"Q^pi(S, {ACTION_ARROWS[a]}):  exact {Q_exact[s0, a]:+.3f}   Monte Carlo {Q_mc[a]:+.3f} ± {Q_mc_se[a]:.3f}")
assert (np.abs(Q_mc - Q_exact[s0]) < 5 * Q_mc_se).all()
np.testing.assert_allclose((pi_uniform * Q_exact).sum(axis=1), V_exact, atol=1e-12)

# %% [markdown]
# ## 6. The optimal policy $\pi^*$: value iteration and policy iteration
#
# The optimal values satisfy **Bellman's optimality equation**. It is like the expectation equation, with a
# $\max$ over actions in place of the average under $\pi$:
#
# $$V^*(s) = \max_a \Big[R(s, a) + \gamma \sum_{s'} \mathbb{P}(s' \mid s, a)\, V^*(s')\Big] = \max_a Q^*(s, a),
# \qquad \pi^*(s) = \arg\max_a Q^*(s, a).$$
#
# - **Value iteration** repeats the right-hand side as an update, $V_{k+1} = \max_a [R + \gamma P V_k]$, until
#   it stops changing (a $\gamma$-contraction again).
# - **Policy iteration** alternates exact evaluation of $\pi_i$ (the linear solve of Section 5) with greedy
#   improvement $\pi_{i+1}(s) = \arg\max_a Q^{\pi_i}(s, a)$. It stops when the policy no longer changes, after
#   a handful of iterations.
#
# Both are written out below in a few lines and checked against `value_iteration` / `policy_iteration`.

# %%
vi_history = [np.zeros(25)]                           # value iteration: V_0, V_1, ...
while True:
    V = vi_history[-1]
    V_new = np.where(live, (mdp.R + gamma * mdp.P @ V).max(axis=1), 0.0)
    vi_history.append(V_new)
    if np.abs(V_new - V).max() < 1e-10:
        break

pi, pi_history = np.zeros(25, int), []                 # policy iteration: V^{pi_0}, V^{pi_1}, ...
while True:
    V_pi = policy_evaluation_exact(mdp, pi)            # evaluate exactly
    pi_history.append(V_pi)
    pi_new = q_from_v(mdp, V_pi).argmax(axis=1)        # improve greedily
    if np.array_equal(pi_new, pi):
        break
    pi = pi_new
print(f"value iteration: {len(vi_history) - 1} sweeps;  policy iteration: {len(pi_history)} evaluations")

# %%
V_star, pi_star = value_iteration(mdp)
V_pit, pi_pit = policy_iteration(mdp)
Q_star = q_from_v(mdp, V_star)
np.testing.assert_allclose(vi_history[-1], V_star, atol=1e-9)
np.testing.assert_allclose(V_pi, V_pit, atol=1e-9)
np.testing.assert_allclose(V_star, V_pit, atol=1e-8)                  # both methods find V*
np.testing.assert_allclose(Q_star[np.arange(25), pi_pit], V_star, atol=1e-8)  # PI's actions are greedy for V*
np.testing.assert_allclose(policy_evaluation_exact(mdp, pi_star), V_star, atol=1e-8)  # acting greedily attains V*
assert (V_star >= V_exact - 1e-12).all()                              # no worse than the random policy anywhere
print("same greedy action in", int((pi_star == pi_pit).sum()), "of 25 states")
print("Q*(S, .) =", {a: round(float(q), 3) for a, q in zip(ACTION_ARROWS, Q_star[s0])}, " ->  pi*(S) =", ACTION_ARROWS[pi_star[s0]])

# %%
fig, axes = plt.subplots(1, 2, figsize=(FULL_WIDTH, 4.2))
plot_value_grid(axes[0], V_star, env.shape, policy=pi_star, terminal=mdp.terminal, labels=EXITS, fmt=".2f",
                title=r"$V^*$ and $\pi^*$ ($\gamma = 0.9$)")
vi_err = [np.abs(v - V_pit).max() for v in vi_history]  # distance to the exact V* of policy iteration
pi_err = [np.abs(v - V_pit).max() for v in pi_history]
axes[1].semilogy(vi_err, ".-", label=r"value iteration: $V_k$ after $k$ sweeps")
axes[1].semilogy(np.maximum(pi_err, 1e-16), "s-", label=r"policy iteration: $V^{\pi_k}$ after $k$ improvements")
axes[1].set(xlabel="iteration $k$", ylabel=r"$\|V - V^*\|_\infty$ (0 drawn as $10^{-16}$)", title="convergence to $V^*$")
axes[1].legend(loc="upper right", fontsize=8)
fig.tight_layout();

# %% [markdown]
# Left: from every cell the arrows lead to `G`. From `S` the route runs right and then up through the gap
# between the two pits; cells in the bottom right go round by the right-hand column. Slips make every route
# longer and some risky, so $V^*(S) = 2.76$ is well below the $10\gamma^6 \approx 5.3$ of a walk without
# slipping. Right: value iteration needs several dozen sweeps to get within $10^{-9}$ of $V^*$; its error
# shrinks by about a factor $\gamma$ per sweep. Policy iteration is exactly optimal after a handful of
# improvements, each of which costs a linear solve.

# %% [markdown]
# ## 7. Two textbook gridworlds, number for number
#
# **Sutton & Barto, Example 3.5 (Figure 3.2) and Example 3.8 (Figure 3.5).** A 5×5 grid with deterministic
# moves. Every action in `A` jumps to `A'` with reward $+10$, every action in `B` jumps to `B'` with $+5$, and an
# action that would leave the grid costs $-1$ and leaves the state unchanged. All other moves pay 0, and
# $\gamma = 0.9$. The book prints $v_\pi$ of the equiprobable random policy (Example 3.5, Figure 3.2 right)
# and $v_*$ with $\pi_*$ (Example 3.8, Figure 3.5 middle and right) to one decimal. We compute both and compare
# every entry, allowing half a unit in the last printed digit.

# %%
FIG_3_2_RANDOM = np.array([[3.3, 8.8, 4.4, 5.3, 1.5], [1.5, 3.0, 2.3, 1.9, 0.5], [0.1, 0.7, 0.7, 0.4, -0.4],
                           [-1.0, -0.4, -0.4, -0.6, -1.2], [-1.9, -1.3, -1.2, -1.4, -2.0]])
FIG_3_5_OPTIMAL = np.array([[22.0, 24.4, 22.0, 19.4, 17.5], [19.8, 22.0, 19.8, 17.8, 16.0],
                            [17.8, 19.8, 17.8, 16.0, 14.4], [16.0, 17.8, 16.0, 14.4, 13.0],
                            [14.4, 16.0, 14.4, 13.0, 11.7]])
ex35 = example_3_5_gridworld()
v_random = policy_evaluation_exact(ex35, uniform_policy(ex35))
v_opt, _ = value_iteration(ex35)
print("v_pi (random policy):\n", v_random.reshape(5, 5).round(1), "\nv_*:\n", v_opt.reshape(5, 5).round(1))

# %%
HALF_DIGIT = 0.05 + 1e-9
np.testing.assert_allclose(v_random.reshape(5, 5), FIG_3_2_RANDOM, atol=HALF_DIGIT)
np.testing.assert_allclose(v_opt.reshape(5, 5), FIG_3_5_OPTIMAL, atol=HALF_DIGIT)
assert np.isclose(v_opt[1], 10 / (1 - 0.9**5))  # from A: +10, then 4 steps back up from A' with reward 0
print(f"state A: v_pi = {v_random[1]:.1f} (book 8.8), v_* = {v_opt[1]:.1f} (book 24.4) = 10 / (1 - 0.9^5)")

# %%
Q35 = q_from_v(ex35, v_opt)
best = np.isclose(Q35, Q35.max(axis=1, keepdims=True))  # all optimal actions, as the book draws them
pi_all_optimal = best / best.sum(axis=1, keepdims=True)
names = {1: "A", 3: "B", 21: "A'", 13: "B'"}
fig, axes = plt.subplots(1, 2, figsize=(FULL_WIDTH, 4.3))
plot_value_grid(axes[0], v_random, (5, 5), labels={s: f"{n} {v_random[s]:.1f}" for s, n in names.items()},
                title=r"$v_\pi$, random policy (Fig. 3.2 right)")
plot_value_grid(axes[1], v_opt, (5, 5), policy=pi_all_optimal, labels={s: f"{n} {v_opt[s]:.1f}" for s, n in names.items()},
                title=r"$v_*$ and all optimal actions (Fig. 3.5)")
fig.tight_layout();

# %% [markdown]
# Under the random policy `A` is the best state ($8.8$), but less than its immediate $+10$: from `A'` the
# agent often bumps into the bottom edge. Under $\pi_*$ every path leads to `A`, and $v_*(\mathrm{A}) =
# 10/(1-\gamma^5) = 24.4$. Where several arrows appear, all of them are optimal.
#
# **Sutton & Barto, Example 4.1 (Figure 4.1).** A 4×4 grid, reward $-1$ on every step, two terminal corners,
# $\gamma = 1$, equiprobable random policy. Figure 4.1 shows iterative policy evaluation after
# $k = 0, 1, 2, 3, 10$ sweeps and at convergence ($k = \infty$). At convergence $-v_\pi(s)$ is the expected
# number of steps to a corner.

# %%
FIG_4_1 = {1: [0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0],
           2: [0, -1.7, -2.0, -2.0, -1.7, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -1.7, -2.0, -2.0, -1.7, 0],
           3: [0, -2.4, -2.9, -3.0, -2.4, -2.9, -3.0, -2.9, -2.9, -3.0, -2.9, -2.4, -3.0, -2.9, -2.4, 0],
           10: [0, -6.1, -8.4, -9.0, -6.1, -7.7, -8.4, -8.4, -8.4, -8.4, -7.7, -6.1, -9.0, -8.4, -6.1, 0]}
FIG_4_1_INF = [0, -14, -20, -22, -14, -18, -20, -20, -20, -20, -18, -14, -22, -20, -14, 0]
ex41 = example_4_1_gridworld()
hist = policy_evaluation_sweeps(ex41, uniform_policy(ex41), 10)    # (11, 16): V_0 ... V_10
v_inf = policy_evaluation_exact(ex41, uniform_policy(ex41))
panels = {**{f"k = {k}": hist[k] for k in (0, 1, 2, 3, 10)}, "k = ∞": v_inf}
for name, v in panels.items():
    print(f"{name:6s}", "  ".join(" ".join(f"{x:6.2f}" for x in row) for row in v.reshape(4, 4)))

# %%
np.testing.assert_array_equal(hist[0], 0)
for k, book in FIG_4_1.items():  # the book prints one decimal (it shows -1.75 as -1.7)
    np.testing.assert_allclose(hist[k], book, atol=HALF_DIGIT, err_msg=f"k = {k}")
np.testing.assert_allclose(v_inf, FIG_4_1_INF, atol=1e-9)
np.testing.assert_allclose(policy_evaluation(ex41, uniform_policy(ex41)), FIG_4_1_INF, atol=1e-6)
v41_star, _ = value_iteration(ex41)
np.testing.assert_allclose(policy_iteration(ex41)[0], v41_star)
print("all six panels match Figure 4.1; v_* =", v41_star.reshape(4, 4).astype(int).tolist())

# %%
Q41_star = q_from_v(ex41, v41_star)
optimal = np.isclose(Q41_star, v41_star[:, None])
fig, axes = plt.subplots(2, 3, figsize=(FULL_WIDTH, 6.2))
for ax, (name, v) in zip(axes.flat, panels.items()):
    Q = q_from_v(ex41, v)
    greedy = np.isclose(Q, Q.max(axis=1, keepdims=True))
    ok = (greedy <= optimal)[~ex41.terminal].all()
    plot_value_grid(ax, v, (4, 4), policy=greedy / greedy.sum(axis=1, keepdims=True), terminal=ex41.terminal,
                    vmin=-22, vmax=0, title=f"{name}" + ("\ngreedy = optimal" if ok else "\n"))
    ax.set(xlabel="", ylabel="")
fig.tight_layout();

# %% [markdown]
# The values spread outward from the terminal corners one step per sweep. The arrows are the greedy
# policy with respect to $V_k$. From $k = 3$ on it is already optimal, long before the values converge: for
# control, policy evaluation does not have to run to the end. That is why policy iteration in Section 6
# needed so few improvements, and why value iteration can improve after every single sweep.

# %% [markdown]
# ## 8. The model: learned from experience, used by a planner
#
# The slides' last component of an agent is the **model**, which predicts what the world will do next,
# $s_t, a_t \rightarrow s_{t+1}$ (and $r_{t+1}$). The model is learnt from experience and acts as a proxy for
# the environment: the planner interacts with the model, not with the world.
#
# The maximum-likelihood model from counts is
#
# $$\hat{\mathbb{P}}(s' \mid s, a) = \frac{N(s, a, s')}{N(s, a)}, \qquad
# \hat R(s, a) = \frac{1}{N(s, a)} \sum_{i:\, (s_i, a_i) = (s, a)} r_i,$$
#
# and pairs never tried are modelled as "stay, reward 0". We take the 20 000 transitions of Section 3. On the
# first $N$ of them we fit $\hat{\mathbb{P}}, \hat R$, plan with value iteration on the learned model, and
# compare with the true model in three ways: the value error $\|\hat V^* - V^*\|_\infty$; the true value of
# the learned plan, $V^{\hat\pi}(S)$; and the share of states where $\hat\pi$ picks an optimal action.

# %%
sizes = [50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000]
rows = []
for N in sizes:
    model, counts = estimate_model(s_t[:N], a_t[:N], r_t1[:N], s_t1[:N], done_t1[:N].astype(bool), 25, 4, gamma)
    V_hat, pi_hat = value_iteration(model)
    V_plan = policy_evaluation_exact(mdp, pi_hat)      # how good the learned plan really is
    optimal_share = np.isclose(Q_star[np.arange(25), pi_hat], V_star)[live].mean()
    rows.append((np.abs(V_hat - V_star)[live].max(), V_plan[s0], optimal_share, (counts[live] == 0).sum()))
rows = np.array(rows)
print("     N   max|V̂*-V*|   V^π̂(S)   optimal share   untried (s,a)")
for N, (e, v, share, untried) in zip(sizes, rows):
    print(f"{N:6d}   {e:10.2f}   {v:7.2f}   {share:13.2f}   {int(untried):13d}")
print(f"optimum V*(S) = {V_star[s0]:.2f}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(FULL_WIDTH, 3.4))
axes[0].loglog(sizes, rows[:, 0], "o-")
axes[0].set(ylabel=r"$\max_s |\hat V^*(s) - V^*(s)|$", title="values planned\non the learned model")
axes[1].semilogx(sizes, rows[:, 1], "o-", label=r"learned plan $V^{\hat\pi}(S)$")
axes[1].axhline(V_star[s0], color="k", ls=":", label=r"true-model plan $V^*(S)$")
axes[1].set(ylabel="value in the true MDP", title="the learned plan,\nrun in the true MDP")
axes[1].legend(fontsize=8)
axes[2].semilogx(sizes, rows[:, 2], "s-", color="C2")
axes[2].set(ylabel=r"share of states", ylim=(0, 1.05), title="$\\hat\\pi(s)$ is\nan optimal action")
for ax in axes:
    ax.set_xlabel("transitions of experience $N$")
fig.tight_layout();

# %% [markdown]
# With a few hundred transitions some pairs $(s, a)$ have never been tried, and the plan can be poor. As
# experience grows the value error falls (not monotonically: one data set, growing). The learned plan's
# true value reaches the optimum at the start state, and almost every state gets an optimal action; the
# remaining one has two nearly equal actions.
#
# The check below tests the learned model itself. Each $\hat{\mathbb{P}}(s' \mid s, a)$ is a binomial
# proportion with standard error $\sqrt{p(1-p)/N(s,a)}$. Each $\hat R(s, a)$ is a mean with standard error
# $\sigma_r(s, a)/\sqrt{N(s,a)}$, where $\sigma_r^2 = \sum_{s'} \mathbb{P}(s' \mid s, a)\, r(s,a,s')^2 - R(s,a)^2$.

# %%
r_sq = np.zeros((25, 4))  # E[r^2 | s, a] from the environment's table
for s in range(25):
    for a in range(4):
        r_sq[s, a] = sum(p * r**2 for p, _, r, _ in env.P[s][a])
se_P = np.sqrt(mdp.P * (1 - mdp.P) / np.maximum(counts, 1)[..., None])
se_R = np.sqrt(np.maximum(r_sq - mdp.R**2, 0) / np.maximum(counts, 1))
assert (counts[live] > 0).all()
assert (np.abs(model.P - mdp.P)[live] <= 5 * se_P[live] + 1e-12).all()
assert (np.abs(model.R - mdp.R)[live] <= 5 * se_R[live] + 1e-12).all()
assert rows[-1, 0] < rows[0, 0] and rows[-1, 1] > rows[0, 1]
print(f"learned model within 5 standard errors everywhere; N(s, a) ranges from {int(counts[live].min())} to {int(counts[live].max())}")

# %% [markdown]
# **Lookahead search with the model.** A planner does not have to solve the whole MDP. From the current state
# it can search a tree of depth $d$: action nodes take the expectation over $\hat{\mathbb{P}}$, state nodes
# take the max, and leaves get a value estimate $V_{\text{leaf}}$ (0 if we know nothing):
#
# $$Q_d(s, a) = \hat R(s, a) + \gamma \sum_{s'} \hat{\mathbb{P}}(s' \mid s, a) \max_{a'} Q_{d-1}(s', a'), \qquad
# \max_{a'} Q_0(s', a') := V_{\text{leaf}}(s').$$
#
# The tree grows like $(|\mathcal{A}| \cdot \text{branching})^d$. With $V_{\text{leaf}} = 0$, the depth-$d$
# search from $s$ gives exactly $d$ sweeps of value iteration evaluated at $s$. The check cell tests that
# identity.

# %%
print("depth   Q_d(S, ←)  Q_d(S, ↓)  Q_d(S, →)  Q_d(S, ↑)   action   nodes expanded")
V_sweep = np.zeros(25)
for d in range(1, 5):
    Q_d, nodes = lookahead(model, s0, d)
    np.testing.assert_allclose(Q_d, q_from_v(model, V_sweep)[s0], atol=1e-12)  # = d sweeps of VI at S
    V_sweep = q_from_v(model, V_sweep).max(axis=1)
    print(f"{d:5d}  " + "".join(f"{q:10.3f} " for q in Q_d) + f"  {ACTION_ARROWS[Q_d.argmax()]:>6s}   {nodes:10d}")
V_hat, pi_hat = value_iteration(model)
Q_leaf, nodes = lookahead(model, s0, 1, V_leaf=V_hat)
np.testing.assert_allclose(Q_leaf, q_from_v(model, V_hat)[s0], atol=1e-12)
print(f"depth 1 with leaf values V̂*: Q = {Q_leaf.round(3)}, action {ACTION_ARROWS[Q_leaf.argmax()]}, {nodes} node")

# %% [markdown]
# With $V_{\text{leaf}} = 0$ a shallow search is short-sighted. The $+10$ at `G` is seven steps away, beyond
# any depth we can afford (the tree has about $12^d$ nodes, already over 1100 at depth 4), so the search takes
# the $+1$ at `g`. A good leaf estimate fixes that. Here $\hat V^*$ from the learned model serves, and then depth 1 suffices. Large
# game-playing systems combine the same two parts: tree search plus learned leaf values. Acting with
# depth-2 search and leaf values $\hat V^*$ in every state gives this value in the true MDP:

# %%
pi_search = np.array([lookahead(model, s, 2, V_leaf=V_hat)[0].argmax() for s in range(25)])
V_search = policy_evaluation_exact(mdp, pi_search)
print(f"depth-2 search with leaf V̂*:  V(S) = {V_search[s0]:.3f}   (optimum {V_star[s0]:.3f}, random policy {V_exact[s0]:.3f})")
assert V_search[s0] > V_exact[s0]

# %% [markdown]
# ## 9. The same planner on a Gymnasium environment: FrozenLake
#
# Gymnasium's [FrozenLake-v1](https://gymnasium.farama.org/environments/toy_text/frozen_lake/) (4×4,
# slippery) is a ready-made MDP with the same `P[s][a]` table. The agent crosses a frozen lake from `S` to
# `G` without falling into a hole `H`. On the ice it moves in the intended direction only with probability
# 1/3 and otherwise slides to one of the two perpendicular directions. Reaching `G` pays 1 and everything
# else 0, so with $\gamma = 1$, $V^*(s)$ is the highest achievable probability of ever reaching the goal.
# `from_gym_P` turns the table into a `TabularMDP` and makes the holes and the goal absorbing.
#
# Gymnasium cuts episodes at 100 steps (`TimeLimit`), so the success rate we measure is the probability of
# reaching `G` *within 100 steps*. That is $V_{100}^\pi(s_0)$, the result of 100 sweeps of policy evaluation
# from $V_0 = 0$, and it is a little less than $V^*(s_0)$.

# %%
lake = gym.make("FrozenLake-v1", is_slippery=True)
lake_mdp = from_gym_P(lake.unwrapped.P, 16, 4, gamma=1.0)
V_lake, pi_lake = value_iteration(lake_mdp)
horizon = lake.spec.max_episode_steps
V_lake_100 = policy_evaluation_sweeps(lake_mdp, pi_lake, horizon)[-1]
V_random_100 = policy_evaluation_sweeps(lake_mdp, uniform_policy(lake_mdp), horizon)[-1]
print(f"V*(s0) = {V_lake[0]:.4f}: P(reach G) for pi*, no time limit")
print(f"V_100(s0) = {V_lake_100[0]:.4f}: P(reach G within {horizon} steps) for pi*; random policy: {V_random_100[0]:.4f}")

desc = lake.unwrapped.desc.astype(str).ravel()
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.2))
plot_value_grid(ax, V_lake, (4, 4), policy=pi_lake, terminal=lake_mdp.terminal, fmt=".3f",
                labels={s: c for s, c in enumerate(desc) if c in "HG"}, title=r"FrozenLake: $V^*$ and $\pi^*$ ($\gamma=1$)")
ax.text(0, 0.42, "S", ha="center", fontsize=8)
plt.show()

# %% [markdown]
# Several arrows point away from the goal or into a wall. On this ice the intended move happens only a
# third of the time, so the policy picks the action whose three possible outcomes, slips included, risk a
# hole the least. Now run $\pi^*$ in the real environment, 1000 seeded
# episodes, and compare the success rate with $V_{100}(s_0)$. The tolerance is 5 binomial standard errors
# $\sqrt{p(1-p)/n}$.

# %%
n_episodes, wins = 1000, 0
obs, _ = lake.reset(seed=SEED)
for episode in range(n_episodes):
    if episode:
        obs, _ = lake.reset()
    done = False
    while not done:
        obs, reward, terminated, truncated, _ = lake.step(int(pi_lake[obs]))
        done = terminated or truncated
    wins += reward
rate = wins / n_episodes
se = np.sqrt(V_lake_100[0] * (1 - V_lake_100[0]) / n_episodes)
print(f"success rate {rate:.3f} over {n_episodes} episodes;  V_100(s0) = {V_lake_100[0]:.3f} ± {se:.3f} (1 SE)")
assert abs(rate - V_lake_100[0]) < 5 * se
assert V_lake[0] - rate > 3 * se  # the 100-step limit visibly costs success

# %% [markdown]
# The measured success rate matches $V_{100}(s_0)$ within its standard error. It falls clearly short of
# $V^*(s_0)$, because a cautious policy on slippery ice sometimes needs more than 100 steps. A random policy
# succeeds in about 1.4% of episodes. Planning with the model takes a fraction of a second and no trial
# and error in the real environment. Notebook 06 asks what to do when there is no `P` table to plan with.

# %% [markdown]
# ## Summary
#
# - Reinforcement learning learns to act from **evaluative, delayed** feedback in a loop the agent's own
#   actions drive: `reset` and `step` in the Gymnasium API.
# - A finite MDP $(\mathcal{S}, \mathcal{A}, \mathcal{R}, \mathbb{P}, \gamma)$ is a handful of arrays, and the
#   Markov property says $(S_t, A_t)$ is all that matters for what comes next. A $\chi^2$ test of the next
#   observation against the previous one passes for the cell and rejects an aliased observation.
# - Policies are tables $a = \pi(s)$ or distributions $\pi(a \mid s)$. They are judged by the expected
#   discounted return, and $\gamma$ sets how far ahead the agent looks.
# - $V^\pi$ and $Q^\pi$ obey a linear Bellman equation. Monte Carlo averages, the exact linear solve and
#   iterative evaluation agree, within standard errors for Monte Carlo.
# - $V^*$, $Q^*$ and $\pi^*$ come from value iteration or policy iteration. The two agree and reproduce
#   Sutton & Barto's Figures 3.2, 3.5 and 4.1.
# - A model learned from counts supports planning: value iteration on $\hat{\mathbb{P}}, \hat R$, or
#   depth-limited lookahead search with leaf values. A planner given FrozenLake's table achieves the
#   success rate its value predicts.

# %% [markdown]
# ## Exercises
#
# Exercises 5.1 to 5.3 have an answer in code; the cell after each checks it with a checker from
# `lecture_utils.exercises` and tells you what is wrong. Exercise 5.4 asks for an argument in words.
#
# ### Exercise 5.1: the slip-free switch
# Make the gridworld deterministic, `GridWorldEnv(GridConfig(slip=0.0))`, and find the smallest $\gamma$ on the
# grid $0.00, 0.01, \dots$ at which the agent in `S` no longer goes down to `g`. Set `gamma_switch` to it, and
# compare it with $10\gamma^6 = 1$.

# %% tags=["solution"]
# Hint: scan gamma over np.arange(0, 1, 0.01); value_iteration(det.to_mdp(gamma))[1] is the greedy policy.
### BEGIN SOLUTION
det = GridWorldEnv(GridConfig(slip=0.0))
gamma_switch = next(round(g, 2) for g in np.arange(0, 1, 0.01)
                    if value_iteration(det.to_mdp(g))[1][det.start_state] != DOWN)
### END SOLUTION

# %% tags=["check"]
# Exercise 5.1: the slip-free switch
exercises.check_slip_free_switch(gamma_switch)

# %% [markdown] tags=["solution"]
# **Answer.** The $+10$ arrives after seven moves, worth $10\gamma^6$, against $+1$ after one move. The two tie
# at $\gamma = 10^{-1/6} \approx 0.681$, so the first grid point past it is 0.69.

# %% [markdown]
# ### Exercise 5.2: closed forms in Example 3.8
# Show that $v_*(\mathrm{A}) = 10 / (1 - \gamma^5)$. From `B'`, is it better to walk back up to `B` (2 moves)
# and collect $+5$ again, or to walk on to `A` (4 moves)? Compute $v_*(\mathrm{A})$ and $v_*(\mathrm{B})$ for
# $\gamma = 0.9$ from your closed forms (not from value iteration) and set `v_A` and `v_B`.

# %% tags=["solution"]
# Hint: from A the optimal loop takes 5 steps; at B' compare gamma^2 v(B) of the B loop with gamma^4 v_*(A).
### BEGIN SOLUTION
g9 = 0.9
v_A = 10 / (1 - g9**5)
v_B = 5 + g9 * max(g9**2 * 5 / (1 - g9**3), g9**4 * v_A)
### END SOLUTION

# %% tags=["check"]
# Exercise 5.2: closed forms in Example 3.8
exercises.check_example_3_8(v_A, v_B)

# %% [markdown] tags=["solution"]
# **Answer.** From `A` the optimal loop is: jump to `A'` ($+10$), then four moves up to `A` (reward 0), a cycle of
# 5 steps, so $v_* = 10 + \gamma^5 v_*$, i.e. $10/(1-0.9^5) = 24.42$. Looping through `B` would be worth
# $v = 5/(1-\gamma^3) = 18.45$ at `B`, so $\gamma^2 \cdot 18.45 = 14.9$ at `B'`. Walking on to `A` is worth
# $\gamma^4 \cdot 24.42 = 16.02$ at `B'`, which is more. So $v_*(\mathrm{B'}) = 16.0$ and
# $v_*(\mathrm{B}) = 5 + \gamma \cdot 16.02 = 19.42$.

# %% [markdown]
# ### Exercise 5.3: FrozenLake with discounting
# Plan FrozenLake with $\gamma = 0.9$ instead of 1. Does the policy change? Set `p_success` to the probability
# that the $\gamma = 0.9$ plan reaches the goal within 100 steps from the start.

# %% tags=["solution"]
# Hint: from_gym_P(lake.unwrapped.P, 16, 4, gamma=0.9) plans; evaluate the plan in lake_mdp (gamma = 1).
### BEGIN SOLUTION
_, pi09 = value_iteration(from_gym_P(lake.unwrapped.P, 16, 4, gamma=0.9))
print("states where the plans differ:", np.flatnonzero(pi09 != pi_lake))
p_success = policy_evaluation_sweeps(lake_mdp, pi09, 100)[-1, 0]
### END SOLUTION

# %% tags=["check"]
# Exercise 5.3: FrozenLake with discounting
exercises.check_frozen_lake_discount(p_success)

# %% [markdown] tags=["solution"]
# **Answer.** Discounting rewards quick success, so a state can trade safety for speed: the plans differ in one
# state, and the success probability (a probability, evaluated with $\gamma = 1$) drops from 0.740 to 0.730.

# %% [markdown]
# ### Exercise 5.4: history that matters in the world itself
# Section 3's test rejected an aliased *observation*. Now keep the full state but change the world: let the slip
# depend on the previous move (momentum: after a move to the right, slipping up is likelier than slipping
# down). Which rows of the test's tables would differ, and how large must the effect be before the test sees it
# with 100 000 transitions?

# %% [markdown] tags=["solution"]
# **Answer.** For a pair $(s, a)$ the previous state $S_{t-1}$ usually reveals the previous move (from the left
# neighbour the agent moved right), so the rows of the table for $(s, a)$ would differ in their slip
# frequencies and $X^2$ would grow with noncentrality $\lambda \propto$ the number of transitions. Section
# 3 computed that the test has 90% power once the slip probabilities move by about $\pm 0.009$ in every
# table. The cell $S_t$ would no longer be a Markov state; adding the previous move to the state would
# restore the property.

# %% [markdown]
# ## References
#
# - Lecture slides, "Reinforcement Learning": Supervised / Unsupervised Learning, Types of Learning, What is
#   Reinforcement Learning? (slide credit Rich Sutton), RL API, Signature challenges of RL, Markov Decision
#   Process, Components of an RL Agent, The optimal policy $\pi^*$, Value function and Q-value function,
#   Model.
# - R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., MIT Press, 2018:
#   Chapter 3 (Example 3.5 and Figure 3.2: $v_\pi$ of the random policy; Example 3.8 and Figure 3.5: $v_*$
#   and $\pi_*$), Chapter 4 (Example 4.1, Figure 4.1; policy and value iteration),
#   Chapter 8 (models and planning).
# - R. Bellman, *Dynamic Programming*, Princeton University Press, 1957.
# - R. A. Howard, *Dynamic Programming and Markov Processes*, MIT Press, 1960 (policy iteration).
# - M. Towers et al., "Gymnasium: A Standard Interface for Reinforcement Learning Environments", 2024
#   (the API, `check_env`, FrozenLake-v1).
# - S. Russell and P. Norvig, *Artificial Intelligence: A Modern Approach*: the slippery gridworld with
#   an 0.8 / 0.1 / 0.1 motion model.
