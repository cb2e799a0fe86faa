"""Learning without a model: bandits, Monte Carlo and TD prediction, tabular Sarsa and Q-learning.

Everything is vectorized over independent runs (a leading ``R`` axis) so that learning curves averaged
over hundreds of runs take seconds. Randomness comes in as ``rng: np.random.Generator``.
The policy-gradient half of the lecture lives in :mod:`lecture_utils.policy_gradient`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from lecture_utils import checks
from lecture_utils.mdp import read_gym_P
from lecture_utils.sampling import categorical_from_cumulative, cumulative_probs

__all__ = [
    "RANDOM_WALK_TRUE_V", "BanditConfig", "BanditResult", "TDConfig", "TDResult", "TransitionTable",
    "epsilon_greedy", "greedy_rollout", "plot_cliff_paths", "random_walk_prediction",
    "run_bandit_testbed", "table_from_env", "td_control",
]


def _check_q(Q: ArrayLike) -> np.ndarray:
    """Action values (..., A): finite (a NaN would always lose the argmax), at least one action."""
    Q = checks.array("Q", Q)
    if Q.ndim < 1:
        raise checks.BadArgument(f"Q must have a last axis of actions, got the scalar {checks.show(Q)}")
    return Q


def _greedy(Q: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index of the largest entry along the last axis of ``Q``, ties broken uniformly at random."""
    is_max = Q == Q.max(axis=-1, keepdims=True)
    # A uniform key per tied entry, -1 elsewhere: the argmax is a uniformly random maximizer.
    return np.argmax(np.where(is_max, rng.random(Q.shape), -1.0), axis=-1)


def _epsilon_greedy(Q: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Unchecked kernel of :func:`epsilon_greedy` (same draws, in the same order)."""
    explore = rng.random(Q.shape[:-1]) < epsilon
    random_action = rng.integers(Q.shape[-1], size=Q.shape[:-1])
    return np.where(explore, random_action, _greedy(Q, rng))


def epsilon_greedy(Q: ArrayLike, epsilon: float, *, rng: np.random.Generator) -> np.ndarray:
    """Actions (...,) drawn epsilon-greedily from action values ``Q`` (..., A)."""
    epsilon = checks.unit_interval("epsilon", epsilon)
    return _epsilon_greedy(_check_q(Q), epsilon, checks.rng("rng", rng))


# --------------------------------------------------------------------------------------------------
# The 10-armed bandit testbed (Sutton & Barto, Section 2.3)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BanditConfig:
    """Settings of the k-armed testbed: q*(a) ~ N(0, 1), rewards ~ N(q*(a), 1)."""

    n_arms: int = 10
    n_runs: int = 2000
    n_steps: int = 1000
    initial_Q: float = 0.0

    def __post_init__(self) -> None:
        for name in ("n_arms", "n_runs", "n_steps"):
            checks.positive_int(name, getattr(self, name))
        checks.real("initial_Q", self.initial_Q)


@dataclass(frozen=True)
class BanditResult:
    """Per-run, per-step outcome of one epsilon on the testbed."""

    rewards: np.ndarray  # (R, T) reward received at each step
    optimal: np.ndarray  # (R, T) bool, whether the optimal arm was pulled


def run_bandit_testbed(epsilon: float, config: BanditConfig = BanditConfig(), *,
                       rng: np.random.Generator) -> BanditResult:
    """Sample-average epsilon-greedy on ``n_runs`` random bandit problems at once."""
    epsilon = checks.unit_interval("epsilon", epsilon)
    checks.instance("config", config, BanditConfig)
    checks.rng("rng", rng)
    R, k, T = config.n_runs, config.n_arms, config.n_steps
    q_star = rng.standard_normal((R, k))  # drawn first, so every epsilon with the same seed shares them
    best = q_star.argmax(axis=1)
    Q = np.full((R, k), float(config.initial_Q))
    N = np.zeros((R, k))
    rows = np.arange(R)
    rewards = np.empty((R, T), dtype=np.float32)
    optimal = np.empty((R, T), dtype=bool)
    for t in range(T):
        a = _epsilon_greedy(Q, epsilon, rng)  # (R,)
        r = q_star[rows, a] + rng.standard_normal(R)
        N[rows, a] += 1.0
        Q[rows, a] += (r - Q[rows, a]) / N[rows, a]  # incremental sample average
        rewards[:, t] = r
        optimal[:, t] = a == best
    return BanditResult(rewards, optimal)


# --------------------------------------------------------------------------------------------------
# Monte Carlo vs TD(0) prediction on the 5-state random walk (Sutton & Barto, Example 6.2)
# --------------------------------------------------------------------------------------------------
RANDOM_WALK_TRUE_V = np.arange(1, 6) / 6.0  # states A..E


def random_walk_prediction(method: Literal["mc", "td"], alpha: float, *, n_runs: int = 100,
                           n_episodes: int = 100, rng: np.random.Generator) -> np.ndarray:
    """Per-run RMS error of V over the 5 states (n_runs, n_episodes + 1), constant-alpha MC or TD(0)."""
    method = checks.choice("method", method, ("mc", "td"))
    alpha = checks.positive("alpha", alpha)
    n_runs = checks.positive_int("n_runs", n_runs)
    n_episodes = checks.positive_int("n_episodes", n_episodes)
    checks.rng("rng", rng)
    # States 0 and 6 are terminal (reward +1 only when entering 6); 1..5 are A..E; gamma = 1.
    V = np.full((n_runs, 7), 0.5)
    V[:, [0, 6]] = 0.0
    rows = np.arange(n_runs)
    rms = np.empty((n_runs, n_episodes + 1))
    rms[:, 0] = np.sqrt(((V[:, 1:6] - RANDOM_WALK_TRUE_V) ** 2).mean(axis=1))
    for ep in range(n_episodes):
        s = np.full(n_runs, 3)
        alive = np.ones(n_runs, dtype=bool)
        visited = []  # states at each step, for the Monte Carlo update at the end
        while alive.any():
            s_next = np.where(alive, s + 2 * (rng.random(n_runs) < 0.5) - 1, s)
            r = (s_next == 6).astype(float)
            if method == "td":  # bootstrap: target R_{t+1} + gamma V(S_{t+1})
                idx = rows[alive]
                V[idx, s[alive]] += alpha * (r[alive] + V[idx, s_next[alive]] - V[idx, s[alive]])
            else:
                visited.append((s.copy(), alive.copy()))
            alive &= (s_next != 0) & (s_next != 6)
            s = s_next
        if method == "mc":  # target: the return G_t, known only at the end of the episode
            G = (s == 6).astype(float)
            for s_t, alive_t in visited:
                idx = rows[alive_t]
                V[idx, s_t[alive_t]] += alpha * (G[alive_t] - V[idx, s_t[alive_t]])
        # A too-large alpha overshoots further at every update (1e74 after 100 episodes for alpha = 5).
        checks.finite_iterate(V, step_name="alpha", step=alpha, what="V")
        rms[:, ep + 1] = np.sqrt(((V[:, 1:6] - RANDOM_WALK_TRUE_V) ** 2).mean(axis=1))
    return rms


# --------------------------------------------------------------------------------------------------
# Tabular control: Sarsa and Q-learning, vectorized over runs on a Gymnasium toy-text P table
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TransitionTable:
    """A Gymnasium ``P[s][a]`` table as arrays, for stepping many copies of the environment at once."""

    cum_prob: np.ndarray  # (S, A, K) cumulative outcome probabilities, ending at 1 (K = most outcomes)
    next_state: np.ndarray  # (S, A, K) int
    reward: np.ndarray  # (S, A, K)
    terminated: np.ndarray  # (S, A, K) bool
    start_state: int

    def __post_init__(self) -> None:
        cum = checks.array("cum_prob", self.cum_prob, ndim=3, low=0.0, high=1.0)
        ends_at_1 = np.allclose(cum[..., -1], 1.0, rtol=0, atol=checks.PROB_ATOL)
        if (np.diff(cum, axis=-1) < 0).any() or not ends_at_1:
            raise checks.BadArgument(f"cum_prob must be non-decreasing along its last axis and end at 1, "
                                     f"got {checks.show(cum)}")
        S, A, K = cum.shape
        if np.shape(self.next_state) != cum.shape:
            raise checks.BadArgument(f"next_state must have the shape of cum_prob {cum.shape}, "
                                     f"got {np.shape(self.next_state)}")
        checks.index_array("next_state", self.next_state, S)
        checks.array("reward", self.reward, shape=(S, A, K))
        checks.array("terminated", self.terminated, shape=(S, A, K), dtype=bool)
        checks.index("start_state", self.start_state, S)

    @property
    def n_states(self) -> int:
        """Number of states S."""
        return int(self.next_state.shape[0])

    @property
    def n_actions(self) -> int:
        """Number of actions A."""
        return int(self.next_state.shape[1])

    def _step(self, s: np.ndarray, a: np.ndarray,
              u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unchecked kernel of :meth:`step` given the uniforms ``u``, for the loop of :func:`td_control`."""
        k = categorical_from_cumulative(self.cum_prob[s, a], u)
        return self.next_state[s, a, k], self.reward[s, a, k], self.terminated[s, a, k]

    def step(self, s: ArrayLike, a: ArrayLike, *,
             rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sample (s', r, terminated) for arrays of states and actions, as ``env.step`` would."""
        s = checks.index_array("s", s, self.n_states)
        a = checks.index_array("a", a, self.n_actions)
        if s.shape != a.shape:
            raise checks.BadArgument(f"s and a must have the same shape, got s {s.shape} and a {a.shape}")
        return self._step(s, a, checks.rng("rng", rng).random(s.shape))


def table_from_env(env: Any) -> TransitionTable:
    """Read the ``P[s][a]`` table of a Gymnasium toy-text env (discrete states and actions)."""
    from gymnasium import spaces

    for space in ("action_space", "observation_space"):
        if not isinstance(getattr(env, space, None), spaces.Discrete):
            raise checks.BadArgument(f"env.{space} must be spaces.Discrete (a tabular env), got "
                                     f"{checks.show(getattr(env, space, None))}")
    base = env.unwrapped
    if not hasattr(base, "P"):
        raise checks.BadArgument(f"env must have a transition table P[s][a] (a toy-text env), "
                                 f"got {checks.show(env)}")
    table = read_gym_P(base.P, int(env.observation_space.n), int(env.action_space.n))
    start = int(np.argmax(base.initial_state_distrib)) if hasattr(base, "initial_state_distrib") else 0
    # padding has probability 0, so it is never drawn
    return TransitionTable(cumulative_probs(table.prob), table.next_state, table.reward, table.terminated,
                           start)


@dataclass(frozen=True)
class TDConfig:
    """Settings of tabular Sarsa / Q-learning (defaults: Sutton & Barto, Example 6.6)."""

    alpha: float = 0.5
    epsilon: float = 0.1
    gamma: float = 1.0
    n_episodes: int = 500
    n_runs: int = 50
    max_steps: int = 10_000  # per episode, a guard against endless wandering

    def __post_init__(self) -> None:
        checks.positive("alpha", self.alpha)
        checks.unit_interval("epsilon", self.epsilon)
        checks.unit_interval("gamma", self.gamma)
        for name in ("n_episodes", "n_runs", "max_steps"):
            checks.positive_int(name, getattr(self, name))


@dataclass(frozen=True)
class TDResult:
    """Learned action values and the reward collected online in every episode of every run."""

    Q: np.ndarray  # (R, S, A)
    returns: np.ndarray  # (R, n_episodes) sum of rewards during each episode
    lengths: np.ndarray  # (R, n_episodes) steps per episode


_DIVERGENCE_CHECK_EVERY = 256  # steps between checks that Q is finite (a check costs about one step)


def td_control(env: Any, method: Literal["sarsa", "q_learning"], config: TDConfig = TDConfig(), *,
               rng: np.random.Generator) -> TDResult:
    """Run Sarsa or Q-learning with epsilon-greedy behaviour for ``n_runs`` independent runs at once."""
    method = checks.choice("method", method, ("sarsa", "q_learning"))
    checks.instance("config", config, TDConfig)
    checks.rng("rng", rng)
    table = table_from_env(env)
    R, E = config.n_runs, config.n_episodes
    alpha, eps, gamma = float(config.alpha), float(config.epsilon), float(config.gamma)
    S, A = table.n_states, table.n_actions
    Q = np.zeros((R, S, A))
    Q_flat = Q.reshape(-1)  # a view: flat indices are faster than three index arrays
    rows = np.arange(R)
    returns = np.zeros((R, E))
    lengths = np.zeros((R, E), dtype=np.int64)
    episode = np.zeros(R, dtype=np.int64)  # index of the episode each run is in
    s = np.full(R, table.start_state)
    a = _epsilon_greedy(Q[rows, s], eps, rng)
    ep_return, ep_len = np.zeros(R), np.zeros(R, dtype=np.int64)
    step_size = np.full(R, alpha)  # set to 0 for runs that have finished all their episodes
    t = 0
    while step_size.any():
        s_next, r, term = table._step(s, a, rng.random(R))
        Q_next = Q[rows, s_next]  # (R, A)
        a_next = _epsilon_greedy(Q_next, eps, rng)
        if method == "sarsa":  # on-policy: the value of the action actually taken next
            q_next = Q_next[rows, a_next]
        else:  # off-policy: the value of the greedy action
            q_next = Q_next.max(axis=1)
        target = r + gamma * np.where(term, 0.0, q_next)
        flat = (rows * S + s) * A + a
        Q_flat[flat] += step_size * (target - Q_flat[flat])
        ep_return += r
        ep_len += 1
        s, a = s_next, a_next
        done = (term | (ep_len >= config.max_steps)) & (step_size > 0)
        if done.any():
            fin = rows[done]
            returns[fin, episode[fin]] = ep_return[fin]
            lengths[fin, episode[fin]] = ep_len[fin]
            episode[fin] += 1
            ep_return[fin], ep_len[fin] = 0.0, 0
            s[fin] = table.start_state
            a[fin] = _epsilon_greedy(Q[fin, s[fin]], eps, rng)
            step_size[fin[episode[fin] >= E]] = 0.0
        t += 1
        if t % _DIVERGENCE_CHECK_EVERY == 0:  # alpha > 1 can overshoot without bound
            checks.finite_iterate(Q, step_name="alpha", step=alpha, what="Q")
    checks.finite_iterate(Q, step_name="alpha", step=alpha, what="Q")
    return TDResult(Q, returns, lengths)


def greedy_rollout(env: Any, Q: ArrayLike, *, max_steps: int = 100) -> tuple[list[int], float]:
    """Follow argmax_a Q(s, a) (first maximizer) from the start state; return visited states and return."""
    table = table_from_env(env)
    Q = checks.array("Q", Q, shape=(table.n_states, table.n_actions))
    max_steps = checks.positive_int("max_steps", max_steps)
    if table.cum_prob[..., 0].min() < 1.0:
        raise checks.BadArgument(f"env must be deterministic for a greedy rollout, got {checks.show(env)}")
    s, path, total = table.start_state, [table.start_state], 0.0
    for _ in range(max_steps):
        a = int(np.argmax(Q[s]))
        s, r, term = table.next_state[s, a, 0], table.reward[s, a, 0], table.terminated[s, a, 0]
        path.append(int(s))
        total += float(r)
        if term:
            break
    return path, total


def plot_cliff_paths(ax: Axes, paths: dict[str, list[int]], *, shape: tuple[int, int] = (4, 12)) -> Axes:
    """Draw the cliff-walking grid (cliff shaded) and one line per named path of state indices."""
    checks.axes("ax", ax)
    rows, cols = checks.shape2d("shape", shape, min_cells=2)
    if not isinstance(paths, dict):
        raise checks.BadArgumentType(f"paths must be a dict of label -> state indices, "
                                     f"got {checks.show(paths)}")
    paths = {label: checks.index_array(f"paths[{label!r}]", path, rows * cols, ndim=1).tolist()
             for label, path in paths.items()}
    grid = np.zeros(shape)
    grid[rows - 1, 1:cols - 1] = 1.0  # the cliff
    ax.imshow(grid, cmap="Greys", vmin=0, vmax=2.5, extent=(-0.5, cols - 0.5, rows - 0.5, -0.5))
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.0, alpha=1.0)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="both", length=0)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0, rows - 1, "S", ha="center", va="center", fontsize=12, weight="bold")
    ax.text(cols - 1, rows - 1, "G", ha="center", va="center", fontsize=12, weight="bold")
    ax.text((cols - 1) / 2, rows - 1, "the cliff (−100, back to S)", ha="center", va="center", color="white")
    offsets = np.linspace(-0.12, 0.12, max(len(paths), 1))
    for (label, path), off in zip(paths.items(), offsets, strict=False):
        r, c = np.unravel_index(np.asarray(path), (rows, cols))
        ax.plot(c + off, r + off, marker="o", markersize=3, linewidth=2, label=label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=max(len(paths), 1))
    return ax
