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
# # 06 · Learning without a model: bandits, Q-learning, Sarsa and REINFORCE
#
# [Open in Colab](https://colab.research.google.com/github/dl-lecture-notebooks/lecture-notebooks/blob/main/notebooks/06_model_free_rl.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/dl-lecture-notebooks/lecture-notebooks/main?urlpath=lab/tree/notebooks/06_model_free_rl.ipynb)
#
# The slides end on the components of an RL agent (policy, value function, model), and notebook 05
# (`05_mdp.ipynb`) planned with a known model $(\mathcal{S}, \mathcal{A}, \mathcal{R}, \mathbb{P}, \gamma)$.
# Here the agent is not told $\mathbb{P}$ or $\mathcal{R}$: it has only the RL API of the slides (act
# $a_t$, receive $r_t$ and the next state) and must learn by trial and error. We meet the slides' "signature
# challenges" one by one: evaluative feedback and exploration on a bandit, sequential credit assignment with
# temporal-difference learning (Q-learning and Sarsa), and finally policies learned directly by gradient
# ascent. That last step closes a loop in the lecture: the policy gradient *is* the score-function estimator
# ("Option 1, aka REINFORCE") of notebook 01, applied to whole trajectories.

# %% [markdown]
# ## Learning goals
#
# - Explain exploration versus exploitation with the 10-armed bandit testbed and measure how $\varepsilon$ trades them off.
# - Contrast Monte Carlo and temporal-difference targets for estimating $V^\pi$ from experience.
# - Implement Q-learning and Sarsa and explain why they learn different paths on the cliff.
# - Derive the policy gradient as the score-function estimator and measure how reward-to-go and a baseline cut its variance.
# - Train a CartPole policy with REINFORCE with a baseline on vectorized environments and evaluate it.

# %%
# On Colab, install the lecture's helpers from the repository (a no-op anywhere else).
import sys

if "google.colab" in sys.modules:
    # %pip install -q "lecture-utils @ git+https://github.com/dl-lecture-notebooks/lecture-notebooks"

import os
from collections import Counter

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # pygame renders off-screen

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy import stats

from lecture_utils import exercises, rl, training
from lecture_utils import policy_gradient as pg
from lecture_utils.mdp import from_gym_P, q_from_v, value_iteration
from lecture_utils.plotting import FULL_WIDTH, STYLE, use_compact_figures

SEED = 0
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)
torch.set_num_threads(1)  # the networks here are tiny: extra CPU threads only add synchronization
device = "cuda" if torch.cuda.is_available() else "cpu"
plt.style.use(STYLE)
use_compact_figures()  # figures as 256-colour PNGs: they look the same at a third of the bytes

# %% [markdown]
# ## 1. Evaluative feedback: the 10-armed bandit
#
# Supervised learning is *instructive*: the label says what the right output was. RL feedback is
# *evaluative*: a reward says how good the chosen action was, not which action would have been best. Strip
# away states and sequences and this is all that is left: a **$k$-armed bandit**. Each pull of arm $a$
# pays a reward $r \sim \mathcal{N}(q_*(a), 1)$ with unknown means $q_*(a)$. The agent keeps
# sample-average estimates
#
# $$Q_t(a) = \frac{\text{sum of rewards when } a \text{ was taken before } t}{\text{number of times } a \text{ was taken before } t},
# \qquad Q \leftarrow Q + \tfrac{1}{N(a)}\,(r - Q),$$
#
# and acts **$\varepsilon$-greedily**: with probability $1-\varepsilon$ it *exploits* $\arg\max_a Q_t(a)$
# (ties broken at random), with probability $\varepsilon$ it *explores* a uniformly random arm. This is the
# testbed of Sutton & Barto (Section 2.3): 2000 random problems with $q_*(a) \sim \mathcal{N}(0, 1)$,
# 1000 pulls each. The library runs all 2000 problems at once as arrays of shape (runs, arms); the core of
# one step is the four lines below.

# %%
# One step for all runs at once (the loop body of rl.run_bandit_testbed):
#   a = rl.epsilon_greedy(Q, epsilon, rng=rng)          # (R,)
#   r = q_star[rows, a] + rng.standard_normal(R)        # evaluative feedback only
#   N[rows, a] += 1
#   Q[rows, a] += (r - Q[rows, a]) / N[rows, a]         # incremental sample average
bandit_cfg = rl.BanditConfig(n_arms=10, n_runs=2000, n_steps=1000)
epsilons = [0.0, 0.01, 0.1]
# The same seed for each epsilon: all three face the same 2000 bandit problems.
bandit = {eps: rl.run_bandit_testbed(eps, bandit_cfg, rng=np.random.default_rng(SEED)) for eps in epsilons}
for eps, res in bandit.items():
    print(f"epsilon = {eps:<5} mean reward, last 100 steps: {res.rewards[:, -100:].mean():.3f}   "
          f"% optimal action: {100 * res.optimal[:, -100:].mean():.1f}%")

# %%
fig, axes = plt.subplots(1, 2, figsize=(FULL_WIDTH, 3.4))
steps = np.arange(1, bandit_cfg.n_steps + 1)
for eps, res in bandit.items():
    axes[0].plot(steps, res.rewards.mean(axis=0), lw=1, label=f"$\\varepsilon = {eps}$")
    axes[1].plot(steps, 100 * res.optimal.mean(axis=0), lw=1, label=f"$\\varepsilon = {eps}$")
axes[0].set(xlabel="step $t$", ylabel="average reward", title="Average over 2000 runs")
axes[1].set(xlabel="step $t$", ylabel="% optimal action", ylim=(0, 100), title="Average over 2000 runs")
axes[1].legend()
fig.tight_layout()
plt.show()


# %% [markdown]
# The figure reproduces Sutton & Barto's Figure 2.2: the greedy agent ($\varepsilon = 0$) improves fastest
# at first and then stalls, picking the optimal arm in only about a third of the problems, while
# $\varepsilon = 0.1$ explores enough to find the best arm in most of them; $\varepsilon = 0.01$ is slower
# but would overtake it in the long run.
#
# The checks below compare the last 100 steps with standard errors over the 2000 independent runs. The
# greedy agent also confirms the textbook's reference number: the expected best mean,
# $\mathbb{E}[\max_a q_*(a)] \approx 1.54$ for ten standard normals, is an upper bound no agent can beat.

# %%
def last100(res, field):
    per_run = getattr(res, field)[:, -100:].mean(axis=1)  # one number per independent run
    return per_run.mean(), per_run.std(ddof=1) / np.sqrt(len(per_run))

(r0, se0), (r1, se1) = last100(bandit[0.0], "rewards"), last100(bandit[0.1], "rewards")
(o0, so0), (o1, so1) = last100(bandit[0.0], "optimal"), last100(bandit[0.1], "optimal")
assert r1 - r0 > 5 * np.hypot(se0, se1), "exploring should pay more in the long run"
assert o1 - o0 > 5 * np.hypot(so0, so1)
# Upper bound: E[max of 10 standard normals] (numerical integral of the max's density)
z = np.linspace(-8, 8, 20_001)
best_mean = np.trapezoid(z * 10 * stats.norm.pdf(z) * stats.norm.cdf(z) ** 9, z)
assert r1 < best_mean + 5 * se1
print(f"E[max_a q*(a)] = {best_mean:.3f};  epsilon = 0.1 earns {r1:.3f} +- {se1:.3f}")

# %% [markdown]
# ## 2. From planning to learning: Monte Carlo and temporal-difference targets
#
# In notebook 05 we computed $V^\pi$ by dynamic programming, which needs $\mathbb{P}$ and $\mathcal{R}$. Without
# them we can still *sample*: follow $\pi$ and average what happens. Both methods below nudge $V(S_t)$ towards a
# target with a step size $\alpha$; they differ only in the target.
#
# - **Monte Carlo** waits for the end of the episode and uses the actual return,
#   $V(S_t) \leftarrow V(S_t) + \alpha\,[\,G_t - V(S_t)\,]$ with $G_t = \sum_{k\ge 0} \gamma^k r_{t+k+1}$
#   (an unbiased but noisy sample of $V^\pi(S_t)$).
# - **TD(0)** updates after one step and *bootstraps* on its own estimate of the rest:
#   $V(S_t) \leftarrow V(S_t) + \alpha\,[\,r_{t+1} + \gamma V(S_{t+1}) - V(S_t)\,]$
#   (biased while $V$ is wrong, but much less noisy, and usable before the episode ends).
#
# The classic test is Sutton & Barto's random walk (Example 6.2): states A–E in a row, start in C, step left or
# right with probability ½, reward +1 only for leaving on the right, $\gamma = 1$. The true values are
# $V^\pi = (1, 2, 3, 4, 5)/6$, so we can plot the error of each method directly, averaged over 100 runs.

# %%
walk = {(m, a): rl.random_walk_prediction(m, a, n_runs=100, n_episodes=100, rng=np.random.default_rng(SEED))
        for m, a in [("td", 0.1), ("td", 0.05), ("mc", 0.02), ("mc", 0.01)]}
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
for (m, a), rms in walk.items():
    ax.plot(rms.mean(axis=0), ls="-" if m == "td" else "--", label=f"{m.upper()}, $\\alpha = {a}$")
ax.set(xlabel="episodes", ylabel="RMS error of $V$ (avg over states)", title="Random walk, 100 runs")
ax.legend()
plt.show()

# %% [markdown]
# TD(0) (solid) learns faster than Monte Carlo (dashed) at every step size tried here: its one-step targets
# have far less variance than full returns, the same variance-versus-bias trade that will come back for
# policy gradients in Section 4. The check compares the errors after 100 episodes across the 100 runs.

# %%
td, mc = walk[("td", 0.05)][:, -1], walk[("mc", 0.02)][:, -1]
diff = mc - td  # same seed, so the runs are paired
assert diff.mean() > 5 * diff.std(ddof=1) / np.sqrt(len(diff))
print(f"RMS error after 100 episodes: TD(0) {td.mean():.3f},  MC {mc.mean():.3f}")

# %% [markdown]
# ## 3. Q-learning and Sarsa on the cliff
#
# To *control* (not just evaluate) without a model we learn action values $Q(s, a)$ and act
# $\varepsilon$-greedily on them, as on the bandit. Two TD targets:
#
# $$\textbf{Sarsa:}\quad Q(S_t, A_t) \leftarrow Q(S_t, A_t) + \alpha\,[\,r_{t+1} + \gamma\,Q(S_{t+1}, A_{t+1}) - Q(S_t, A_t)\,]$$
# $$\textbf{Q-learning:}\quad Q(S_t, A_t) \leftarrow Q(S_t, A_t) + \alpha\,[\,r_{t+1} + \gamma\,\max_{a} Q(S_{t+1}, a) - Q(S_t, A_t)\,]$$
#
# Sarsa is *on-policy*: its target uses the action $A_{t+1}$ the $\varepsilon$-greedy agent really takes, so it
# learns the value of the exploring policy. Q-learning is *off-policy*: its target uses the greedy action, so it
# learns $Q^*$ (the Bellman optimality equation of notebook 05, solved by sampling) whatever the behaviour.
#
# **Cliff walking** (Sutton & Barto, Example 6.6) makes the difference visible. Gymnasium ships it as
# `CliffWalking-v1`: a 4 × 12 grid, start S bottom left, goal G bottom right, reward −1 per step; stepping
# into the cliff between them gives −100 and puts the agent back at the start (the episode goes on).

# %%
env = gym.make("CliffWalking-v1")
obs, info = env.reset(seed=SEED)
print("observation space:", env.observation_space, " action space:", env.action_space, " start:", obs)
print("actions: 0 up, 1 right, 2 down, 3 left")
for a, name in [(1, "right (into the cliff)"), (0, "up")]:
    env.reset(seed=SEED)
    s_next, r, terminated, truncated, _ = env.step(a)
    print(f"from S, {name:<24} -> s' = {s_next}, r = {r}, terminated = {terminated}")


# %% [markdown]
# The agent sees only these `(s', r, terminated)` samples. Here is tabular Q-learning written directly
# against the Gymnasium API: one run, 500 episodes, $\alpha = 0.5$, $\varepsilon = 0.1$, $\gamma = 1$ as in the
# textbook.

# %%
def q_learning_gym(env, n_episodes, *, alpha=0.5, epsilon=0.1, gamma=1.0, rng):
    Q = np.zeros((env.observation_space.n, env.action_space.n))
    returns = np.zeros(n_episodes)
    for ep in range(n_episodes):
        s, _ = env.reset(seed=int(rng.integers(2**31)))
        terminated = False
        while not terminated:
            a = int(rl.epsilon_greedy(Q[s], epsilon, rng=rng))
            s_next, r, terminated, _, _ = env.step(a)
            target = r + (0.0 if terminated else gamma * Q[s_next].max())
            Q[s, a] += alpha * (target - Q[s, a])
            s, returns[ep] = s_next, returns[ep] + r
    return Q, returns

Q_gym, returns_gym = q_learning_gym(env, 500, rng=np.random.default_rng(SEED))
path_gym, greedy_return_gym = rl.greedy_rollout(env, Q_gym)
print(f"greedy path after 500 episodes: {len(path_gym) - 1} steps, return {greedy_return_gym:.0f}")
print(f"online reward per episode, last 100 episodes: {returns_gym[-100:].mean():.1f}")


# %% [markdown]
# One run is noisy. To average learning curves over many runs, `rl.td_control` steps many copies of the
# environment at once: it reads the same `P[s][a]` table that `env.step` samples from (a test checks that the two
# agree for every state and action) and keeps a $Q$ table per run. The learner itself still sees only sampled
# $(s, a, r, s')$; the table is the simulator, not a model the agent may use.

# %% [markdown]
# Before the long runs, the two update rules once more, written out in the slides' notation for a single run
# and checked against `rl.td_control` (which the long runs use): the same simulator (`table.step` samples
# $S_{t+1}, r_{t+1}$ as `env.step` would) and the same random numbers must give the **same** $Q$ table,
# bit for bit, after 30 episodes.

# %%
def td_one_run(table, method, cfg, rng):
    Q = np.zeros((table.n_states, table.n_actions))
    start = np.array([table.start_state])  # arrays of one state: the library's draws, in its order
    S, A = start, rl.epsilon_greedy(Q[start], cfg.epsilon, rng=rng)
    for _ in range(cfg.n_episodes):
        terminated, steps = False, 0
        while not terminated and steps < cfg.max_steps:
            S_next, r, term = table.step(S, A, rng=rng)                     # S_{t+1}, r_{t+1}
            A_next = rl.epsilon_greedy(Q[S_next], cfg.epsilon, rng=rng)     # A_{t+1} ~ eps-greedy(Q)
            if method == "sarsa":
                q_next = Q[S_next, A_next]                                  # Q(S_{t+1}, A_{t+1})
            else:
                q_next = Q[S_next].max(axis=1)                              # max_a Q(S_{t+1}, a)
            target = r + cfg.gamma * np.where(term, 0.0, q_next)            # 0 after a terminal state
            Q[S, A] += cfg.alpha * (target - Q[S, A])
            S, A, terminated, steps = S_next, A_next, bool(term[0]), steps + 1
        S, A = start, rl.epsilon_greedy(Q[start], cfg.epsilon, rng=rng)     # next episode
    return Q

short_cfg = rl.TDConfig(alpha=0.5, epsilon=0.1, gamma=1.0, n_episodes=30, n_runs=1)
for m in ("sarsa", "q_learning"):
    Q_ours = td_one_run(rl.table_from_env(env), m, short_cfg, np.random.default_rng(SEED))
    Q_lib = rl.td_control(env, m, short_cfg, rng=np.random.default_rng(SEED)).Q[0]
    assert np.array_equal(Q_ours, Q_lib), m
    print(f"{m:<10} written out == rl.td_control after {short_cfg.n_episodes} episodes: "
          f"{np.array_equal(Q_ours, Q_lib)}; {np.count_nonzero(Q_ours)} of {Q_ours.size} entries updated")

# %%
cliff_cfg = rl.TDConfig(alpha=0.5, epsilon=0.1, gamma=1.0, n_episodes=500, n_runs=50)
cliff = {m: rl.td_control(env, m, cliff_cfg, rng=np.random.default_rng(SEED)) for m in ("sarsa", "q_learning")}
for m, res in cliff.items():
    per_run = res.returns[:, -100:].mean(axis=1)
    print(f"{m:<10} online reward per episode, last 100 episodes: {per_run.mean():7.2f} "
          f"+- {per_run.std(ddof=1) / np.sqrt(len(per_run)):.2f} (s.e. over {cliff_cfg.n_runs} runs)")

# %%
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6))
kernel = np.ones(10) / 10  # 10-episode moving average, as in the textbook's figure
for m, res in cliff.items():
    ax.plot(np.arange(10, 501), np.convolve(res.returns.mean(axis=0), kernel, mode="valid"),
            label={"sarsa": "Sarsa", "q_learning": "Q-learning"}[m])
ax.set(xlabel="episode", ylabel="sum of rewards during episode", ylim=(-100, -10),
       title=f"Cliff walking, $\\varepsilon = 0.1$, mean of {cliff_cfg.n_runs} runs")
ax.legend()
plt.show()

# %% [markdown]
# The learning curves reproduce the textbook's Figure 6.4: once learning settles, Sarsa collects clearly more
# reward per episode *while exploring* (about −25) than Q-learning (about −50), although Q-learning is the one
# that learns the optimal values. The paths explain why.

# %%
# The greedy policy of every run, read off at episode 500. A single run can mislead: show the path most runs
# take, and how many runs never reach G.
greedy = {m: [rl.greedy_rollout(env, Q) for Q in res.Q] for m, res in cliff.items()}  # (path, return) per run
paths, share = {}, {}
for m, runs in greedy.items():
    reached = [tuple(path) for path, _ in runs if path[-1] == 47]
    (paths[m], k), = Counter(reached).most_common(1)  # the most common path among runs that reach G
    share[m] = k
    print(f"{m:<10} greedy path reaches G in {len(reached)}/{len(runs)} runs "
          f"(fails in {len(runs) - len(reached)}: loops or walks into a wall for the 100-step limit); "
          f"most common path: {len(paths[m]) - 1} steps, taken by {k} runs")
visits = np.zeros(48)  # share of Sarsa's 50 greedy paths that pass through each cell
for path, _ in greedy["sarsa"]:
    visits[np.unique(path)] += 1 / len(greedy["sarsa"])
fig, (ax, ax2) = plt.subplots(2, 1, figsize=(FULL_WIDTH, 5.6))
im = ax2.imshow(visits.reshape(4, 12), cmap="viridis", vmin=0, vmax=1)
fig.colorbar(im, ax=ax2, label="share of runs")
ax2.set(xticks=[], yticks=[], title="Sarsa: share of the 50 greedy paths that visit each cell")
rl.plot_cliff_paths(ax, {f"Sarsa (greedy, {share['sarsa']}/{len(greedy['sarsa'])} runs)": list(paths["sarsa"]),
                         f"Q-learning (greedy, {share['q_learning']}/{len(greedy['q_learning'])} runs)":
                         list(paths["q_learning"])})
ax.set_title("Most common greedy path over 50 runs, after 500 episodes")
ax2.grid(False)
plt.tight_layout()
plt.show()

# %% [markdown]
# Q-learning's greedy path runs right along the edge of the cliff: the shortest, optimal path (13 steps,
# return −13). But the agent does not *follow* its greedy policy while learning: with $\varepsilon = 0.1$ it
# takes a random step now and then, and next to the cliff that occasionally costs −100. Sarsa's target
# includes those exploratory steps, so it learns that cells next to the cliff are dangerous *under the policy
# it actually runs* and, in the runs whose greedy path reaches G, takes a safer detour further from the edge
# (the figure draws the detour most of those runs share). In the failing runs counted above the greedy policy
# read off at episode 500 loops; the paragraph after the check explains why. With $\varepsilon \to 0$ over time both
# would converge to the optimal path.
#
# **Check against planning.** Notebook 05's value iteration, run on the same `P` table, gives $V^*$ and $Q^*$.
# Q-learning should agree wherever it has had enough experience: every action its greedy path takes must be
# optimal under $Q^*$, and its values along that path must equal $V^*$.

# %%
mdp = from_gym_P(env.unwrapped.P, 48, 4, gamma=1.0)
V_star, pi_star = value_iteration(mdp)
Q_star = q_from_v(mdp, V_star)
Q_learned = cliff["q_learning"].Q  # (runs, S, A)
n_match, max_err = 0, 0.0
for Q in Q_learned:
    path, ret = rl.greedy_rollout(env, Q)
    states = np.array(path[:-1])
    greedy_a = Q[states].argmax(axis=1)
    n_match += ret == V_star[36] and np.allclose(Q_star[states, greedy_a], V_star[states])
    max_err = max(max_err, np.abs(Q[states].max(axis=1) - V_star[states]).max())
print(f"V*(start) = {V_star[36]:.0f}; Q-learning's greedy policy is optimal along its path in "
      f"{n_match}/{len(Q_learned)} runs; max |max_a Q(s, a) - V*(s)| on those paths = {max_err:.1e}")
assert n_match == len(Q_learned) and max_err < 1e-6
sarsa_greedy = greedy["sarsa"]
reach = np.array([path[-1] == 47 for path, _ in sarsa_greedy])
print(f"Sarsa's greedy path reaches G in {reach.sum()}/{len(reach)} runs, "
      f"mean return {np.mean([ret for _, ret in sarsa_greedy], where=reach):.1f} when it does")
assert max(ret for _, ret in sarsa_greedy) < V_star[36], "Sarsa's greedy path should be a detour"
diff = cliff["sarsa"].returns[:, -100:].mean(1) - cliff["q_learning"].returns[:, -100:].mean(1)
assert diff.mean() > 5 * diff.std(ddof=1) / np.sqrt(len(diff)), "Sarsa earns more online"


# %% [markdown]
# Sarsa's greedy path is always a detour. With a constant step size $\alpha = 0.5$ its values keep moving
# after every exploratory fall, so in some runs the greedy policy read off at episode 500 even walks into a
# wall or a loop (the runs that never reach G above); the textbook's claim is about the path the
# $\varepsilon$-greedy agent actually follows, and a decaying $\alpha$ or $\varepsilon$ would settle it.

# %% [markdown]
# ## 4. Policy gradients: the score-function estimator on trajectories
#
# Tabular methods need a table entry per state. For continuous states (CartPole's cart position, velocity,
# pole angle and angular velocity) we instead parameterize the stochastic policy of the slides directly,
# $\pi_\theta(a \mid s)$ = a softmax over the outputs of a small network, and do gradient ascent on
#
# $$J(\theta) = \mathbb{E}_{\tau \sim p_\theta}[R(\tau)], \qquad
# p_\theta(\tau) = p(s_0) \prod_{t} \pi_\theta(a_t \mid s_t)\, \mathbb{P}(s_{t+1} \mid s_t, a_t),
# \qquad R(\tau) = \sum_t \gamma^t r_t .$$
#
# This is exactly notebook 01's basic problem $\nabla_\theta \mathbb{E}_{z\sim p_\theta(z)}[f(z)]$ with
# $z = \tau$ and $f = R$. The reward depends on $\theta$ only through the distribution of trajectories, and
# the environment is a black box (no $\partial R/\partial a$), so the pathwise "Option 2" is out and the
# score-function "Option 1" applies:
#
# $$\nabla_\theta J(\theta) = \mathbb{E}_{\tau\sim p_\theta}\big[R(\tau)\,\nabla_\theta \log p_\theta(\tau)\big].$$
#
# The unknown dynamics **drop out** of the score:
# $\log p_\theta(\tau) = \log p(s_0) + \sum_t \log \pi_\theta(a_t\mid s_t) + \sum_t \log \mathbb{P}(s_{t+1}\mid s_t, a_t)$,
# and only the middle sum depends on $\theta$, so
#
# $$\nabla_\theta J(\theta) = \mathbb{E}\Big[R(\tau) \sum_t \nabla_\theta \log \pi_\theta(a_t \mid s_t)\Big]
# \approx \frac{1}{N} \sum_{i=1}^N R(\tau_i) \sum_t \nabla_\theta \log \pi_\theta(a^i_t \mid s^i_t).$$
#
# We never need $\mathbb{P}$: sampled episodes and the gradient of our own policy's log-probabilities suffice.
# That is REINFORCE (Williams, 1992).
#
# **Two variance reductions**, both from notebook 01:
# 1. **Reward-to-go (causality).** Write $R(\tau)\sum_t \nabla_\theta\log\pi_\theta(a_t\mid s_t)
#    = \sum_t \nabla_\theta\log\pi_\theta(a_t\mid s_t) \sum_{t'} \gamma^{t'} r_{t'}$. An action cannot influence
#    rewards that came before it: for $t' < t$,
#    $\mathbb{E}[\gamma^{t'} r_{t'}\,\nabla_\theta \log \pi_\theta(a_t\mid s_t)] = 0$, because given the history up to
#    $s_t$ the factor $\gamma^{t'} r_{t'}$ is fixed and $\mathbb{E}_{a\sim\pi}[\nabla_\theta\log\pi_\theta(a\mid s)] = 0$
#    (the score has mean zero). Dropping those terms leaves
#
#    $$\sum_{t'\ge t}\gamma^{t'} r_{t'} \;=\; \gamma^t \sum_{t'\ge t}\gamma^{t'-t} r_{t'} \;=\; \gamma^t\,G_t,
#    \qquad\text{so}\qquad
#    \nabla_\theta J(\theta) = \mathbb{E}\Big[\sum_t \gamma^t\,G_t\,\nabla_\theta\log\pi_\theta(a_t\mid s_t)\Big].$$
#
#    The weight of step $t$ is $\gamma^t G_t$, **not** $G_t$: rewards collected at step $t'$ are still discounted
#    from the start of the episode, where $J$ counts them.
# 2. **A baseline.** For the same reason any $b(s_t)$ may be subtracted: $\mathbb{E}[b(s_t)\,\nabla_\theta\log\pi_\theta(a_t\mid s_t)] = 0$,
#    leaving $\gamma^t\,(G_t - b(s_t))$. This is notebook 01's control variate; a good $b(s_t)$ approximates
#    $V^\pi(s_t)$, and $G_t - b(s_t)$ is the *advantage*.
#
# **What practical implementations do.** REINFORCE as written in most code (Spinning Up's VPG, most libraries,
# and this notebook's `pg.train_reinforce` in section 5) weights step $t$ by $G_t$ (or $G_t - V(s_t)$) and
# drops the $\gamma^t$. That is *not* an unbiased estimate of $\nabla_\theta J(\theta)$ for
# $J = \mathbb{E}[\sum_t\gamma^t r_t]$: it counts a decision at step 100 as much as one at step 0, where $J$
# discounts it by $\gamma^{100}$. It is not the gradient of any objective in general (Nota & Thomas, 2020); read
# it as the gradient of the *undiscounted* return $\mathbb{E}[\sum_t r_t]$ in which $\gamma$ only shortens the
# horizon of the credit each action receives, a bias traded for lower variance. For CartPole, whose score is
# the undiscounted number of steps balanced, that is the objective we care about, so section 5 keeps it. Below
# we measure the difference: the estimator with $G_t$ is biased for $\nabla_\theta J$, and the check detects it.
#
# In code the estimator comes from autograd on a **surrogate loss**
# $L(\theta) = -\frac{1}{N}\sum_i \sum_t w^i_t \log\pi_\theta(a^i_t\mid s^i_t)$ with the weights $w$ held fixed:
# $-\nabla_\theta L$ is the score-function estimate (a unit test compares it with the gradient of the softmax
# computed by hand).

# %%
def surrogate_loss(policy, obs, actions, weights, mask):
    logp = torch.log_softmax(policy(obs), dim=-1).gather(-1, actions[..., None]).squeeze(-1)  # (T, N)
    return -(logp * weights * mask).sum() / obs.shape[1]

# A freshly initialized policy and 1000 CartPole episodes sampled from it
policy0 = training.mlp([4, 64, 2], generator=torch.Generator().manual_seed(SEED))
cartpoles = gym.make_vec("CartPole-v1", num_envs=1000, vectorization_mode="vector_entry_point")  # numpy-batched
batch = pg.collect_episodes(cartpoles, policy0, seed=SEED, rng=np.random.default_rng(SEED))
print(f"{batch.obs.shape[1]} episodes, mean length {batch.mask.sum(0).mean():.1f} steps (random-ish policy)")
as_t = lambda x: torch.as_tensor(x, dtype=torch.float32)
loss = surrogate_loss(policy0, as_t(batch.obs), torch.as_tensor(batch.actions),
                      as_t(batch.rewards), as_t(batch.mask))
gamma = 0.95  # section 4 only; why not 0.99: see the check below
G = pg.reward_to_go(batch.rewards, batch.mask, gamma)  # (T, N): G_t of each step of each episode
discount = gamma ** np.arange(len(G))[:, None]  # (T, 1): gamma^t
torch.testing.assert_close(loss, pg.surrogate_loss(policy0, batch, batch.rewards))  # the library's version

# %% [markdown]
# Now the measurement. For the *same* policy and the *same* 1000 episodes we form per-episode estimates
# $\hat g_i = \sum_t w^i_t\,\nabla_\theta \log \pi_\theta(a^i_t \mid s^i_t)$, one per weighting, and compare
# their means and their variance (summed over all 450 parameters):
#
# - full return: $w_t = R(\tau) = G_0$ for every $t$ (the definition: unbiased);
# - reward-to-go: $w_t = \gamma^t G_t$;
# - reward-to-go minus a baseline: $w_t = \gamma^t (G_t - b_t)$, with $b_t$ the average reward-to-go at step $t$
#   of a *separate* batch of 1000 episodes (so it is independent of $\tau_i$ and the estimate stays unbiased);
# - and the practical one, $w_t = G_t$ without $\gamma^t$, which should be caught as biased.

# %%
other = pg.collect_episodes(cartpoles, policy0, seed=SEED + 1, rng=np.random.default_rng(SEED + 1))
b = pg.time_baseline(other, gamma, horizon=len(G))  # (T,) mean G_t at each t, from independent episodes
weights = {"full return R(τ)": np.broadcast_to(G[0], G.shape) * batch.mask,
           "discounted reward-to-go": discount * G,  # gamma^t G_t
           "discounted reward-to-go − baseline": discount * (G - b[:, None]) * batch.mask,
           "reward-to-go without γ^t": G}  # the practical, biased weighting
grads = {k: pg.per_episode_gradients(policy0, batch, w) for k, w in weights.items()}  # each (N, P)
for k, g in grads.items():
    print(f"{k:<36} total variance {g.var(axis=0, ddof=1).sum():.4g},  |mean| {np.linalg.norm(g.mean(0)):.3g}")

# %%
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
# A direction to project on, estimated from the independent batch: its mean gradient
G_other = pg.reward_to_go(other.rewards, other.mask, gamma)
u = pg.per_episode_gradients(policy0, other, gamma ** np.arange(len(G_other))[:, None] * G_other).mean(0)
u /= np.linalg.norm(u)
for k, g in list(grads.items())[:3]:
    ax.hist(g @ u, bins=50, histtype="step", lw=1.5, density=True, label=k)
ax.set(xlabel="per-episode estimate $\\hat g_i$ projected on the mean gradient direction", ylabel="density",
       title="Same policy, same 1000 episodes, three weightings")
ax.legend()
plt.show()


# %% [markdown]
# The three unbiased estimators have the same mean, but the full-return estimator spreads over a much wider
# range; reward-to-go narrows the spread and the baseline narrows it further, so fewer episodes are needed for
# the same accuracy. The check tests both claims with standard errors, and shows it can fail:
#
# - **means**: each estimator minus the full-return one (the definition of $\nabla_\theta J$), per episode and
#   projected on the direction $u$ fixed by the independent batch, has mean zero for an unbiased estimator. We
#   require $|z| < 5$, where $z$ is the mean over the $n$ paired differences divided by its standard error
#   (a correct estimator fails this with probability about $6\times10^{-7}$ under the CLT), and require the
#   $G_t$-without-$\gamma^t$ estimator to be **rejected** by the same test, $|z| > 5$.
# - **variances**: per-episode squared deviations are i.i.d., so the paired difference of two estimators'
#   contributions to the summed variance has a standard error; each step must lower the variance by more than
#   5 of them.
#
# Why $\gamma = 0.95$ in this section: the bias of the $G_t$ weighting grows with $1-\gamma^t$; on these
# ~20-step episodes $1-\gamma^t$ stays below $0.2$ at $\gamma = 0.99$, and the bias is then smaller than what
# 1000 noisy episodes resolve. The last line prints the same test at $\gamma = 0.99$ (not asserted): a real
# bias that this sample size cannot detect.

# %%
def total_var_terms(g):
    return ((g - g.mean(axis=0)) ** 2).sum(axis=1)  # per-episode contributions to the summed variance

def z_vs_full_return(g, g_full, u):
    d = (g - g_full) @ u  # paired per-episode differences along u
    return d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))

names = list(grads)
n = len(batch.returns)
for hi, lo in [(names[0], names[1]), (names[1], names[2])]:
    d = total_var_terms(grads[hi]) - total_var_terms(grads[lo])  # paired: same episodes
    assert d.mean() > 5 * d.std(ddof=1) / np.sqrt(n), (hi, lo)
z = {k: z_vs_full_return(grads[k], grads[names[0]], u) for k in names[1:]}
for k, zk in z.items():
    print(f"{k:<36} mean minus full return's, along u: z = {zk:+.1f}")
assert all(abs(z[k]) < 5 for k in names[1:3]), "an unbiased estimator is rejected"
assert abs(z[names[3]]) > 5, "the biased G_t weighting is not detected"
ratios = [grads[k].var(axis=0).sum() / grads[names[2]].var(axis=0).sum() for k in names[:3]]
print("variance relative to discounted reward-to-go − baseline:", np.round(ratios, 1))

G99 = pg.reward_to_go(batch.rewards, batch.mask, 0.99)
z99 = z_vs_full_return(pg.per_episode_gradients(policy0, batch, G99),
                       pg.per_episode_gradients(policy0, batch, np.broadcast_to(G99[0], G99.shape) * batch.mask), u)
print(f"same test at gamma = 0.99: reward-to-go without γ^t, z = {z99:+.1f}")

# %% [markdown]
# ## 5. REINFORCE with a baseline on CartPole-v1
#
# CartPole-v1: push a cart left or right to keep a pole upright; +1 per step, the episode ends when the pole
# tilts beyond 12° or the cart leaves the track, and is cut off at 500 steps, so 500 is a perfect score.
#
# The training loop (`pg.train_reinforce`) repeats:
# 1. run $N = 16$ episodes **in parallel** on a vectorized environment, sampling $a_t \sim \pi_\theta(\cdot\mid s_t)$;
# 2. compute reward-to-go $G_t$ ($\gamma = 0.99$) and advantages $G_t - V_\phi(s_t)$ (the practical weighting
#    without $\gamma^t$ of section 4, for the undiscounted score CartPole reports), where the baseline $V_\phi$
#    is a second small network regressed on $G_t$; normalize the advantages over the batch;
# 3. take one Adam step on the surrogate loss above (and a few on the baseline's squared error).
#
# It stops once the last 5 batches average at least 495 **and** the greedy policy
# $\arg\max_a \pi_\theta(a\mid s)$ also averages 495 on 32 fresh episodes: a sampled policy can hit the target
# while its argmax still drops the pole.
#
# The vectorized environment is Gymnasium's own
# `gym.make_vec("CartPole-v1", num_envs=16, vectorization_mode="vector_entry_point")`: all 16 CartPoles stepped
# as numpy arrays. It resets an environment on the step *after* its episode ends (next-step autoreset);
# `pg.collect_episodes` keeps each environment's first episode and masks out the rest. Any vector
# environment with that convention works with the same rollout code, e.g. `gym.vector.SyncVectorEnv` below.

# %%
envs = gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1")] * 4)  # the standard Gymnasium API...
demo = pg.collect_episodes(envs, policy0, seed=SEED, rng=np.random.default_rng(SEED))
print("SyncVectorEnv, 4 episodes of the untrained policy, returns:", demo.returns)
envs.close()


# %% [markdown]
# **The loop, written out.** One update of REINFORCE with a learned baseline, in the notation above: $N$ episodes
# $\tau^{(n)}$ from $\pi_\theta$; reward-to-go $G_t$; the advantage $A_t = G_t - V_\phi(s_t)$, normalised over the
# batch; the surrogate $L(\theta) = -\frac1N\sum_n\sum_t A^{(n)}_t \log\pi_\theta(a^{(n)}_t\mid s^{(n)}_t)$, whose
# gradient is minus the score-function estimate of $\nabla_\theta J$; one Adam step on $\theta$; then a few steps
# of least squares that move $V_\phi(s_t)$ towards $G_t$. The rollout itself (`pg.collect_episodes`) is the
# agent–environment loop of notebook 05. We run three updates next to `pg.train_reinforce` with
# `max_updates=3`, from the same seed: the same initialisation (policy first, then baseline, from one
# `torch.Generator`) and the same episodes. The policy's weights and the recorded returns must agree exactly.
# Any change of substance (dropping the baseline, weighting by the whole return $R(\tau)$ instead of $G_t$,
# skipping the normalisation) changes the first update and fails the comparison, as the cell after the comparison shows.

# %%
def reinforce_updates(config, seed, n_updates, wrong=None):
    """n_updates of REINFORCE with a learned baseline V_phi; returns (pi_theta, mean return per batch).

    ``wrong`` swaps in a deliberately wrong weighting, to show below that the comparison can fail.
    """
    envs = gym.make_vec(config.env_id, num_envs=config.n_envs, vectorization_mode="vector_entry_point")
    gen = torch.Generator().manual_seed(seed)
    pi = training.mlp([4, config.hidden, 2], generator=gen)          # pi_theta(a|s) = softmax(logits)
    V = training.mlp([4, config.hidden, 1], generator=gen)           # baseline V_phi(s)
    opt_pi = torch.optim.Adam(pi.parameters(), lr=config.lr)
    opt_V = torch.optim.Adam(V.parameters(), lr=config.critic_lr)
    rng, returns = np.random.default_rng(seed), []
    for k in range(n_updates):
        batch = pg.collect_episodes(envs, pi, seed=seed * 100_003 + k, rng=rng)   # N episodes tau^(n)
        s_t, a_t, m = torch.as_tensor(batch.obs), torch.as_tensor(batch.actions), batch.mask
        G = pg.reward_to_go(batch.rewards, m, config.gamma)           # G_t, (T, N)
        if wrong == "whole return R(tau) instead of G_t":
            G = np.broadcast_to(G[0], G.shape) * m                    # G_0 at every step of the episode
        with torch.no_grad():
            b = 0.0 if wrong == "no baseline" else V(s_t).squeeze(-1).numpy().astype(np.float64)
            A = G - b                                                 # A_t = G_t - V_phi(s_t)
        A = (A - A[m].mean()) / (A[m].std() + 1e-8)                   # normalised over the batch
        log_pi = torch.log_softmax(pi(s_t), dim=-1).gather(-1, a_t[..., None]).squeeze(-1)
        loss = -(log_pi * torch.as_tensor(A * m, dtype=torch.float32)).sum() / config.n_envs
        opt_pi.zero_grad()
        loss.backward()
        opt_pi.step()                                                 # theta <- theta + alpha * grad J (Adam)
        G_t, m_t = torch.as_tensor(G, dtype=torch.float32), torch.as_tensor(m)
        for _ in range(config.critic_steps):                          # phi: least squares V_phi(s_t) ~ G_t
            opt_V.zero_grad()
            ((V(s_t).squeeze(-1) - G_t)[m_t] ** 2).mean().backward()
            opt_V.step()
        returns.append(float(batch.returns.mean()))
    envs.close()
    return pi, returns


short = pg.ReinforceConfig(n_envs=16, hidden=64, lr=1e-2, gamma=0.99, max_updates=3, target_return=495)
pi_ours, returns_ours = reinforce_updates(short, SEED, 3)
pi_lib, history_lib = pg.train_reinforce(short, seed=SEED)
same = all(torch.equal(p, q) for p, q in zip(pi_ours.parameters(), pi_lib.parameters(), strict=True))
print("mean return of each batch:", [round(r, 1) for r in returns_ours])
print("after 3 updates the policy's weights equal pg.train_reinforce's:", same,
      "  and so do the batches' returns:", returns_ours == list(history_lib.mean_return))
assert same and returns_ours == list(history_lib.mean_return)

# %% [markdown]
# The comparison can fail. The same three updates with the baseline dropped (only the batch normalisation
# remains) or with every step weighted by the whole return $G_0 = R(\tau)$ instead of $G_t$ start from the
# same weights and the same first batch, yet end with weights that differ from the library's by more than
# `torch.testing.assert_close`'s float32 tolerance (relative $1.3\cdot10^{-6}$, absolute $10^{-5}$: room for
# rounding only, while one Adam step moves each weight by about the learning rate, $10^{-2}$).

# %%
for wrong in ("no baseline", "whole return R(tau) instead of G_t"):
    pi_wrong, _ = reinforce_updates(short, SEED, 3, wrong=wrong)
    try:
        torch.testing.assert_close(list(pi_wrong.parameters()), list(pi_lib.parameters()))
        rejected = False
    except AssertionError:
        rejected = True
    print(f"{wrong}: rejected by the comparison with pg.train_reinforce: {rejected}")
    assert rejected, wrong

# %%
# NBVAL_IGNORE_OUTPUT
config = pg.ReinforceConfig(n_envs=16, hidden=64, lr=1e-2, gamma=0.99, max_updates=200, target_return=495)
policy, history = pg.train_reinforce(config, seed=SEED, device=device, progress=True)
print(f"stopped after {len(history.mean_return)} updates, {sum(history.env_steps):.0f} environment steps")

# %%
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
ax.plot(np.cumsum(history.env_steps), history.mean_return, marker=".", label="REINFORCE + baseline")
ax.axhline(500, color="gray", ls=":", lw=1)
ax.set(xlabel="environment steps", ylabel="mean return of the batch", title="Learning curve, CartPole-v1")
ax.legend()
plt.show()

# %% [markdown]
# The learning curve shows the average return of each batch of 16 sampled episodes climbing from about 20
# (random pushing) to the 500-step limit within a few hundred thousand environment steps. The policy is
# evaluated next on 100 fresh episodes (seeds it never trained on), acting greedily,
# $a = \arg\max_a \pi_\theta(a \mid s)$.

# %%
# NBVAL_IGNORE_OUTPUT
eval_returns = pg.evaluate_policy(policy, n_episodes=100, seed=10_000, device=device)
print(f"greedy policy, 100 fresh episodes: mean return {eval_returns.mean():.1f}, min {eval_returns.min():.0f}")

# %%
# Training results vary slightly with CPU kernels and thread counts, so they are checked, not printed.
# Thresholds: CartPole-v1 counts as solved at a mean return of 475 over 100 episodes (Gymnasium's
# reward_threshold; the cap is 500). "Started from scratch": the first 3 batches (48 episodes) average under 3x
# the mean length of section 4's 1000 episodes of a fresh network (~22 steps: far below 475, and a policy
# started from trained weights would be near 500).
SOLVED = gym.spec("CartPole-v1").reward_threshold
fresh_mean = batch.mask.sum(0).mean()
assert eval_returns.mean() >= SOLVED, eval_returns.mean()
assert np.mean(history.mean_return[-config.window:]) >= config.target_return
assert np.mean(history.mean_return[:3]) < 3 * fresh_mean, (history.mean_return[:3], fresh_mean)

# %% [markdown]
# ### An actor–critic variant
#
# REINFORCE waits for the end of each episode and weights every step by a Monte Carlo return. The
# "variants" on the slide include **actor–critic** methods, which do for the policy gradient what TD did for
# prediction in Section 2: the critic $V_\phi$ bootstraps, and the advantage becomes the TD error
# $\delta_t = r_t + \gamma V_\phi(s_{t+1}) - V_\phi(s_t)$ (here its exponentially weighted sum over the next
# steps, generalized advantage estimation with $\lambda = 0.95$). Same loop, one line different
# (`pg.advantages`).
# An episode cut off at 500 steps did not reach a terminal state, so there the critic bootstraps from
# $V_\phi(s_{500})$ instead of 0; REINFORCE's Monte Carlo return simply stops at the cut.

# %%
# NBVAL_IGNORE_OUTPUT
ac_config = pg.ReinforceConfig(estimator="actor_critic", max_updates=200)
ac_policy, ac_history = pg.train_reinforce(ac_config, seed=SEED, device=device, progress=True)
ac_returns = pg.evaluate_policy(ac_policy, n_episodes=100, seed=10_000, device=device)
print(f"actor-critic: {len(ac_history.mean_return)} updates; greedy mean return {ac_returns.mean():.1f}")

# %%
fig, ax = plt.subplots(figsize=(FULL_WIDTH, 3.4))
ax.plot(np.cumsum(history.env_steps), history.mean_return, marker=".", label="REINFORCE + baseline")
ax.plot(np.cumsum(ac_history.env_steps), ac_history.mean_return, marker=".", label="actor–critic (GAE)")
ax.set(xlabel="environment steps", ylabel="mean return of the batch", title="Two policy-gradient variants")
ax.legend()
assert ac_returns.mean() >= SOLVED, ac_returns.mean()  # solved, as REINFORCE above

# %% [markdown]
# Both variants reach the 500-step ceiling; on a problem this small the bootstrapped critic gives no dramatic
# speed-up, but it is the ingredient that lets policy-gradient methods scale to long episodes.

# %% [markdown]
# ## 6. Watching the trained policy
#
# Gymnasium renders CartPole to an RGB array with `render_mode="rgb_array"` (pygame, off-screen). Below are
# frames of one episode under the trained greedy policy, and the pole angle $\theta$ over the whole episode.

# %%
# NBVAL_IGNORE_OUTPUT
render_env = gym.make("CartPole-v1", render_mode="rgb_array")
obs, _ = render_env.reset(seed=123)
frames, cart_x, angles, done = [], [], [], False
probs = lambda o: torch.softmax(policy(torch.as_tensor(o, device=device)), -1)
while not done:
    if len(angles) % 100 == 0:
        frames.append(render_env.render())
        cart_x.append(obs[0])
    with torch.no_grad():
        obs, r, terminated, truncated, _ = render_env.step(int(probs(obs).argmax()))
    angles.append(obs[2])
    done = terminated or truncated
render_env.close()
print(f"episode length {len(angles)}, {len(frames)} frames of shape {frames[0].shape}")

# %%
fig = plt.figure(figsize=(FULL_WIDTH, 4.6))
gs = fig.add_gridspec(2, 5, height_ratios=[1.3, 1])
for i, (frame, x) in enumerate(zip(frames[:5], cart_x)):
    ax = fig.add_subplot(gs[0, i])
    centre = int(np.clip(300 + 125 * x, 120, 480))  # 600 px show x in [-2.4, 2.4]: follow the cart
    ax.imshow(frame[120:320, centre - 120:centre + 120])
    ax.set_axis_off()
    ax.set_title(f"t = {100 * i}", fontsize=9)
ax = fig.add_subplot(gs[1, :])
ax.plot(np.degrees(angles))
ax.axhline(12, color="gray", ls=":")
ax.axhline(-12, color="gray", ls=":")
ax.set(xlabel="step $t$", ylabel="pole angle $\\theta$ (degrees)")
fig.tight_layout()
plt.show()


# %% [markdown]
# The frames show the cart keeping the pole upright, and the angle trace shows why the episode never ends
# early: the policy keeps $\theta$ within a degree or two of vertical, far inside the ±12° failure limits (dotted).

# %% [markdown]
# ## Summary
#
# - **Evaluative feedback** forces exploration: on the 10-armed testbed a little randomness
#   ($\varepsilon = 0.1$) finds the best arm far more often than greedy action selection.
# - Without $\mathbb{P}$ and $\mathcal{R}$, values are learned from samples: **Monte Carlo** targets use the
#   full return $G_t$; **TD** targets bootstrap, $r_{t+1} + \gamma V(S_{t+1})$, and have lower variance.
# - **Sarsa** (on-policy) learns the value of the exploring policy and walks safely; **Q-learning**
#   (off-policy) learns $Q^*$ (checked against value iteration) and walks the cliff edge, earning less while
#   it explores.
# - The **policy gradient** is the score-function estimator of notebook 01 applied to trajectories; the
#   dynamics drop out of $\nabla_\theta \log p_\theta(\tau)$. **Reward-to-go** and a **baseline** keep it
#   unbiased and cut its variance (measured above).
# - **REINFORCE with a learned baseline** on 16 vectorized CartPole environments reaches the maximal return of
#   500; the **actor–critic** variant swaps Monte Carlo returns for bootstrapped TD errors.

# %% [markdown]
# ## Exercises
#
# Exercises 6.1 to 6.3 have an answer in code; the cell after each checks it with a checker from
# `lecture_utils.exercises` and says what is wrong. Exercises 6.4 to 6.6 ask you to run an experiment and
# explain it.
#
# ### Exercise 6.1: the incremental sample average
# Write `update_q(q, n, r)`: the bandit agent's estimate after its $n$-th reward $r$ from an arm whose
# estimate was `q`. Without storing past rewards, $Q$ must stay their exact sample average.

# %% tags=["solution"]
def update_q(q, n, r):
    """The sample average of n rewards, from that of the first n - 1 (q) and the n-th (r)."""
    # Hint: Q_n = Q_{n-1} + (r - Q_{n-1}) / n.
    ### BEGIN SOLUTION
    return q + (r - q) / n
    ### END SOLUTION


# %% tags=["check"]
# Exercise 6.1: the incremental sample average
exercises.check_incremental_mean(update_q)


# %% [markdown]
# ### Exercise 6.2: two TD targets
# Write the targets of Sarsa and Q-learning for one transition $(s, a, r, s', a')$ with a table `Q` of shape
# (states, actions): `sarsa_target(r, s_next, a_next, done, Q, gamma)` and
# `q_learning_target(r, s_next, a_next, done, Q, gamma)`. When `done`, the episode ended at $s'$.

# %% tags=["solution"]
def sarsa_target(r, s_next, a_next, done, Q, gamma):
    """r + gamma Q(s', a'), the action the agent takes next; no bootstrap past the end of an episode."""
    # Hint: on-policy: bootstrap from the action actually taken in s'.
    ### BEGIN SOLUTION
    return r + (0.0 if done else gamma * Q[s_next, a_next])
    ### END SOLUTION


def q_learning_target(r, s_next, a_next, done, Q, gamma):
    """r + gamma max_a Q(s', a); no bootstrap past the end of an episode."""
    # Hint: off-policy: bootstrap from the greedy action in s', whatever the agent does next.
    ### BEGIN SOLUTION
    return r + (0.0 if done else gamma * Q[s_next].max())
    ### END SOLUTION


# %% tags=["check"]
# Exercise 6.2: two TD targets
exercises.check_td_targets(sarsa_target, q_learning_target)


# %% [markdown]
# ### Exercise 6.3: the score of a softmax policy
# For $\pi_\theta(a\mid s) = \mathrm{softmax}(\theta^\top \phi(s))$ with $\theta$ of shape (features, actions),
# show that $\nabla_\theta \log\pi_\theta(a\mid s) = \phi(s)\,(e_a - \pi_\theta(\cdot\mid s))^\top$ and that its
# mean under $a \sim \pi_\theta$ is zero. Write `softmax_score(theta, phi, a)` in numpy; the checker compares it
# with autograd's gradient.

# %% tags=["solution"]
def softmax_score(theta, phi, a):
    """grad_theta log pi_theta(a | s) for a linear softmax policy, phi = phi(s): shape of theta."""
    # Hint: np.outer(phi, e_a - pi), with pi = softmax(phi @ theta).
    ### BEGIN SOLUTION
    logits = phi @ theta
    pi = np.exp(logits - logits.max())
    pi /= pi.sum()
    return np.outer(phi, np.eye(len(pi))[a] - pi)
    ### END SOLUTION


# %% tags=["check"]
# Exercise 6.3: the score of a softmax policy
exercises.check_softmax_score(softmax_score)

# %% [markdown] tags=["solution"]
# **Answer.** $\log\pi_\theta(a\mid s) = \theta_a^\top\phi(s) - \log\sum_b e^{\theta_b^\top\phi(s)}$; differentiate
# with respect to $\theta_b$: $\phi(s)(\mathbb{1}[a=b] - \pi_\theta(b\mid s))$. Averaging over $a\sim\pi_\theta$
# gives $\phi(s)(\pi_\theta(b\mid s) - \pi_\theta(b\mid s)) = 0$, which is why the baseline is allowed.

# %% [markdown]
# ### Exercise 6.4: optimistic initial values
# Rerun the bandit testbed with `rl.BanditConfig(initial_Q=5.0)` and $\varepsilon = 0$. Why does a greedy agent
# now explore at the start?

# %% [markdown] tags=["solution"]
# **Answer.** With $Q_1(a) = 5$ every reward ($\approx q_*(a) \le 3$) is a disappointment, so the greedy choice
# moves on to an untried arm; all arms get tried early and % optimal action rises fast (Sutton & Barto,
# Fig. 2.3).

# %% [markdown]
# ### Exercise 6.5: decaying exploration
# On the cliff, what happens to Sarsa's greedy path and online reward if $\varepsilon$ is very small (say
# `TDConfig(epsilon=0.01)`)? Relate your answer to the on-policy target.

# %% [markdown] tags=["solution"]
# **Answer.** With little exploration the cost of walking next to the cliff drops, so Sarsa's path moves closer
# to the edge and its online reward approaches Q-learning's; as $\varepsilon \to 0$ both learn the optimal path.
# Sarsa evaluates the policy it runs, so its "safe distance" depends on $\varepsilon$.

# %% [markdown]
# ### Exercise 6.6: no baseline
# Train REINFORCE with plain (un-normalized) $G_t$ weights and no critic. How many more updates does it need?
# Connect this to the variance measurement of Section 4.

# %% [markdown] tags=["solution"]
# **Answer.** Without the baseline the weights are all positive (every step earns +1), so every sampled action is
# reinforced and only differences in magnitude carry signal. The variance is many times larger (Section 4), so
# learning is slower and less stable; expect several times more updates.

# %% [markdown]
# ## References
#
# - Lecture slides: "Reinforcement Learning" (RL API, signature challenges of RL, Markov decision process,
#   components of an RL agent) and "Option 1: Score Function based Gradient Estimator, aka REINFORCE (and variants)".
# - R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., MIT Press, 2018:
#   Section 2.3 and Figure 2.2 (10-armed testbed), Example 6.2 (random walk), Example 6.6 and Figure 6.4
#   (cliff walking), Chapter 13 (policy gradient methods, REINFORCE with baseline, actor–critic).
# - R. J. Williams, "Simple statistical gradient-following algorithms for connectionist reinforcement
#   learning", *Machine Learning* 8, 1992 (REINFORCE).
# - C. Nota and P. S. Thomas, "Is the policy gradient a gradient?", AAMAS 2020 (dropping $\gamma^t$ from the
#   discounted policy gradient); Sutton & Barto, Section 13.3, give REINFORCE with the $\gamma^t$ factor.
# - J. Achiam, *Spinning Up in Deep RL* (OpenAI, 2018): "Vanilla Policy Gradient" and reward-to-go.
# - C. J. C. H. Watkins and P. Dayan, "Q-learning", *Machine Learning* 8, 1992.
# - J. Schulman, P. Moritz, S. Levine, M. Jordan, P. Abbeel, "High-dimensional continuous control using
#   generalized advantage estimation", ICLR 2016.
# - A. G. Barto, R. S. Sutton, C. W. Anderson, "Neuronlike adaptive elements that can solve difficult learning
#   control problems", 1983 (the cart-pole task); Gymnasium's `CartPole-v1` and `CliffWalking-v1`.
# - Notebooks 01 (score-function estimator, baselines) and 05 (MDPs, value iteration) of this collection.
