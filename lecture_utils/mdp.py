"""Tabular Markov decision processes (S, A, R, P, gamma): evaluation, planning and learned models.

Arrays follow the slides: ``P[s, a, s']`` is the transition probability, ``R[s, a]`` the expected
immediate reward, ``V[s]`` and ``Q[s, a]`` value functions. Terminal states are absorbing with value 0.
A policy is either deterministic, an ``(S,)`` int array ``a = pi(s)``, or stochastic, an ``(S, A)``
array ``pi(a|s)``. Grid builders use Gymnasium's FrozenLake action order: 0 left, 1 down, 2 right, 3 up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array

from lecture_utils import checks

__all__ = [
    "ACTION_ARROWS", "ACTION_DELTAS", "DOWN", "LEFT", "RIGHT", "UP",
    "SuccessorMDP", "TabularMDP",
    "bellman_expectation_backup", "bellman_optimality_backup", "estimate_model",
    "example_3_5_gridworld", "example_4_1_gridworld", "from_gym_P", "GymTable", "read_gym_P", "greedy_policy", "grid_moves",
    "lookahead", "mc_returns", "policy_evaluation", "policy_evaluation_exact",
    "policy_evaluation_sweeps", "policy_iteration", "policy_matrix", "q_from_v", "sample_trajectory",
    "uniform_policy", "value_iteration",
]

LEFT, DOWN, RIGHT, UP = 0, 1, 2, 3
ACTION_DELTAS = np.array([(0, -1), (1, 0), (0, 1), (-1, 0)])  # (d_row, d_col) per action
ACTION_ARROWS = "←↓→↑"
_ATOL = 1e-8  # how far a probability row may be from summing to 1


def _reaches(succ_mask_any: Callable[[np.ndarray], np.ndarray], target: np.ndarray) -> np.ndarray:
    """States from which ``target`` can be reached, by fixed-point iteration of one-step reachability."""
    reach = target.copy()
    while True:
        new = reach | succ_mask_any(reach)
        if (new == reach).all():
            return reach
        reach = new


def _check_common(R: np.ndarray, gamma: float, terminal: np.ndarray, S: int, A: int) -> None:
    if R.shape != (S, A):
        raise ValueError(f"R must have shape (S, A) = ({S}, {A}), got {R.shape}")
    if not np.isfinite(R).all():
        raise ValueError("R must be finite")
    if terminal.shape != (S,):
        raise ValueError(f"terminal must have shape (S,) = ({S},), got {terminal.shape}")
    if not (0.0 <= gamma <= 1.0):
        raise ValueError(f"gamma must lie in [0, 1], got {gamma}")


@dataclass(frozen=True, eq=False)  # arrays: compare by identity, hashable
class TabularMDP:
    """A finite MDP with dense arrays P (S, A, S), R (S, A), a discount gamma and terminal flags."""

    P: np.ndarray  # (S, A, S) transition probabilities P[s, a, s']
    R: np.ndarray  # (S, A) expected immediate reward
    gamma: float
    terminal: np.ndarray  # (S,) bool, absorbing states (value 0)

    def __post_init__(self) -> None:
        P = np.array(self.P, dtype=float)
        R = np.array(self.R, dtype=float)
        terminal = np.array(self.terminal, dtype=bool)
        if P.ndim != 3 or P.shape[0] != P.shape[2] or 0 in P.shape:
            raise ValueError(f"P must have shape (S, A, S), got {P.shape}")
        S, A = P.shape[:2]
        _check_common(R, float(self.gamma), terminal, S, A)
        if not np.isfinite(P).all() or (P < 0).any():
            raise ValueError("P must hold finite, non-negative probabilities")
        sums = P.sum(axis=2)
        bad = np.argwhere(np.abs(sums - 1.0) > _ATOL)
        if len(bad):
            s, a = bad[0]
            raise ValueError(f"P[s, a, :] must sum to 1 over next states s'; P[{s}, {a}, :] sums to "
                             f"{sums[s, a]:.6g}")
        t = np.flatnonzero(terminal)
        if t.size and (np.abs(P[t, :, t] - 1.0) > _ATOL).any() | (R[t] != 0).any():
            raise ValueError("terminal states must be absorbing (P[t, a, t] = 1) with zero reward R[t, a]")
        for name, arr in (("P", P), ("R", R), ("terminal", terminal)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "gamma", float(self.gamma))
        if self.gamma == 1.0:
            ok = self.reaches_terminal()
            if not ok.all():
                raise ValueError(f"gamma = 1 needs a terminal state reachable from every state; states "
                                 f"{np.flatnonzero(~ok)[:8].tolist()} cannot reach one (use gamma < 1)")

    @property
    def n_states(self) -> int:
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        return self.P.shape[1]

    def expected_next_value(self, V: np.ndarray) -> np.ndarray:
        """sum_s' P(s'|s, a) V(s') for every (s, a): shape (S, A)."""
        return self.P @ V

    def reaches_terminal(self, pi: np.ndarray | None = None) -> np.ndarray:
        """(S,) bool: can a terminal state be reached from s (under some actions, or under ``pi`` (S, A))?"""
        edge = self.P > 0 if pi is None else (pi[:, :, None] * self.P) > 0  # (S, A, S)
        adj = edge.any(axis=1)  # (S, S)
        return _reaches(lambda reach: adj[:, reach].any(axis=1), self.terminal)


@dataclass(frozen=True, eq=False)
class SuccessorMDP:
    """A finite MDP stored sparsely: each (s, a) lists K successors ``next_state`` with ``prob``."""

    next_state: np.ndarray  # (S, A, K) int successor states
    prob: np.ndarray  # (S, A, K) their probabilities (0 for padding)
    R: np.ndarray  # (S, A)
    gamma: float
    terminal: np.ndarray  # (S,) bool

    def __post_init__(self) -> None:
        nxt = np.array(self.next_state, dtype=np.int64)
        prob = np.array(self.prob, dtype=float)
        R = np.array(self.R, dtype=float)
        terminal = np.array(self.terminal, dtype=bool)
        if nxt.ndim != 3 or prob.shape != nxt.shape:
            raise ValueError(f"next_state and prob must share a shape (S, A, K), got {nxt.shape}, "
                             f"{prob.shape}")
        S, A, _ = nxt.shape
        _check_common(R, float(self.gamma), terminal, S, A)
        if (nxt < 0).any() or (nxt >= S).any():
            raise ValueError(f"next_state must lie in [0, {S})")
        if (prob < 0).any() or np.abs(prob.sum(-1) - 1.0).max() > _ATOL:
            raise ValueError("prob must be non-negative and sum to 1 over each (s, a)'s successors")
        for name, arr in (("next_state", nxt), ("prob", prob), ("R", R), ("terminal", terminal)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        S, A, K = nxt.shape  # the same transitions as a sparse (S * A, S) matrix for fast products
        rows = np.repeat(np.arange(S * A), K)
        object.__setattr__(self, "_matrix", csr_array((prob.ravel(), (rows, nxt.ravel())), shape=(S * A, S)))
        object.__setattr__(self, "gamma", float(self.gamma))
        if self.gamma == 1.0 and not self.reaches_terminal().all():
            raise ValueError("gamma = 1 needs a terminal state reachable from every state (use gamma < 1)")

    @property
    def n_states(self) -> int:
        return self.next_state.shape[0]

    @property
    def n_actions(self) -> int:
        return self.next_state.shape[1]

    def expected_next_value(self, V: np.ndarray) -> np.ndarray:
        """sum_s' P(s'|s, a) V(s') for every (s, a): shape (S, A)."""
        return (self._matrix @ V).reshape(self.n_states, self.n_actions)

    def reaches_terminal(self, pi: np.ndarray | None = None) -> np.ndarray:
        """(S,) bool: can a terminal state be reached from s (under some actions, or under ``pi`` (S, A))?"""
        live = self.prob > 0 if pi is None else (pi[:, :, None] * self.prob) > 0
        return _reaches(lambda reach: (live & reach[self.next_state]).any(axis=(1, 2)), self.terminal)

    def to_tabular(self) -> TabularMDP:
        """The same MDP with a dense P (S, A, S)."""
        S, A, _ = self.next_state.shape
        P = np.zeros((S, A, S))
        s, a = np.meshgrid(np.arange(S), np.arange(A), indexing="ij")
        np.add.at(P, (s[..., None], a[..., None], self.next_state), self.prob)
        return TabularMDP(P, self.R, self.gamma, self.terminal)


AnyMDP = TabularMDP | SuccessorMDP


# ----------------------------------------------------------------------------------------- policies
def policy_matrix(policy: np.ndarray, n_states: int, n_actions: int) -> np.ndarray:
    """A deterministic (S,) or stochastic (S, A) policy as an (S, A) matrix pi(a|s)."""
    policy = np.asarray(policy)
    if policy.shape == (n_states,):
        if not np.issubdtype(policy.dtype, np.integer) or (policy < 0).any() or (policy >= n_actions).any():
            raise ValueError(f"policy of shape (S,) must hold integer actions in [0, {n_actions})")
        return np.eye(n_actions)[policy]
    if policy.shape == (n_states, n_actions):
        pi = policy.astype(float)
        if (pi < 0).any() or np.abs(pi.sum(axis=1) - 1.0).max() > _ATOL:
            raise ValueError("policy of shape (S, A) must have non-negative rows pi(.|s) summing to 1")
        return pi
    raise ValueError(f"policy must have shape (S,) = ({n_states},) or (S, A) = ({n_states}, {n_actions}), "
                     f"got {policy.shape}")


def uniform_policy(mdp: AnyMDP) -> np.ndarray:
    """The equiprobable random policy pi(a|s) = 1/|A|: shape (S, A)."""
    return np.full((mdp.n_states, mdp.n_actions), 1.0 / mdp.n_actions)


def greedy_policy(Q: np.ndarray) -> np.ndarray:
    """pi(s) = argmax_a Q(s, a) (first maximiser on ties): shape (S,)."""
    Q = np.asarray(Q)
    if Q.ndim != 2:
        raise ValueError(f"Q must have shape (S, A), got {Q.shape}")
    return Q.argmax(axis=1)


def _check_V(mdp: AnyMDP, V: np.ndarray) -> np.ndarray:
    V = np.asarray(V, dtype=float)
    if V.shape != (mdp.n_states,):
        raise ValueError(f"V must have shape (S,) = ({mdp.n_states},), got {V.shape}")
    return np.where(mdp.terminal, 0.0, V)


def _proper_pi(mdp: AnyMDP, policy: np.ndarray) -> np.ndarray:
    pi = policy_matrix(policy, mdp.n_states, mdp.n_actions)
    if mdp.gamma == 1.0:
        ok = mdp.reaches_terminal(pi)
        if not ok.all():
            bad = np.flatnonzero(~ok)[:8].tolist()
            raise ValueError(f"policy never reaches a terminal state from states {bad} and gamma = 1, "
                             "so its values diverge")
    return pi


# ---------------------------------------------------------------------------------- Bellman backups
def q_from_v(mdp: AnyMDP, V: np.ndarray) -> np.ndarray:
    """Q(s, a) = R(s, a) + gamma * sum_s' P(s'|s, a) V(s'): shape (S, A); terminal states count as 0."""
    V = _check_V(mdp, V)
    Q = mdp.R + mdp.gamma * mdp.expected_next_value(V)
    Q[mdp.terminal] = 0.0
    return Q


def bellman_expectation_backup(mdp: AnyMDP, policy: np.ndarray, V: np.ndarray) -> np.ndarray:
    """(T^pi V)(s) = sum_a pi(a|s) [R(s, a) + gamma sum_s' P(s'|s, a) V(s')]: shape (S,)."""
    pi = policy_matrix(policy, mdp.n_states, mdp.n_actions)
    return (pi * q_from_v(mdp, V)).sum(axis=1)


def bellman_optimality_backup(mdp: AnyMDP, V: np.ndarray) -> np.ndarray:
    """(T* V)(s) = max_a [R(s, a) + gamma sum_s' P(s'|s, a) V(s')]: shape (S,)."""
    # max over the short action axis of a transposed contiguous copy: ~8x faster than Q.max(axis=1) here
    return np.ascontiguousarray(q_from_v(mdp, V).T).max(axis=0)


# ------------------------------------------------------------------------------------- evaluation
def policy_evaluation(mdp: AnyMDP, policy: np.ndarray, *, tol: float = 1e-10,
                      max_iter: int = 100_000) -> np.ndarray:
    """V^pi by iterating the Bellman expectation backup from V = 0 until the sup-norm change < tol."""
    pi = _proper_pi(mdp, policy)
    V = np.zeros(mdp.n_states)
    for _ in range(max_iter):
        V_new = (pi * q_from_v(mdp, V)).sum(axis=1)
        if np.abs(V_new - V).max() < tol:
            return V_new
        V = V_new
    raise RuntimeError(f"policy_evaluation did not converge in max_iter = {max_iter} sweeps")


def policy_evaluation_sweeps(mdp: AnyMDP, policy: np.ndarray, n_sweeps: int) -> np.ndarray:
    """V_0 = 0, V_1, ..., V_k of synchronous iterative policy evaluation: shape (k + 1, S)."""
    if n_sweeps < 0:
        raise ValueError(f"n_sweeps must be >= 0, got {n_sweeps}")
    pi = policy_matrix(policy, mdp.n_states, mdp.n_actions)
    out = np.zeros((n_sweeps + 1, mdp.n_states))
    for k in range(n_sweeps):
        out[k + 1] = (pi * q_from_v(mdp, out[k])).sum(axis=1)
    return out


def policy_evaluation_exact(mdp: TabularMDP, policy: np.ndarray) -> np.ndarray:
    """V^pi from the linear Bellman expectation equation (I - gamma P^pi) V = R^pi on non-terminal states."""
    if not isinstance(mdp, TabularMDP):
        raise ValueError("mdp must be a TabularMDP (dense P) for the exact linear solve")
    pi = _proper_pi(mdp, policy)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)  # (S, S)
    R_pi = (pi * mdp.R).sum(axis=1)  # (S,)
    live = ~mdp.terminal
    V = np.zeros(mdp.n_states)
    A = np.eye(live.sum()) - mdp.gamma * P_pi[np.ix_(live, live)]
    V[live] = np.linalg.solve(A, R_pi[live])
    return V


# ---------------------------------------------------------------------------------------- control
def value_iteration(mdp: AnyMDP, *, tol: float = 1e-10,
                    max_iter: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    """V* by iterating the Bellman optimality backup from V = 0; returns (V (S,), greedy policy (S,))."""
    V = np.zeros(mdp.n_states)
    for _ in range(max_iter):
        V_new = bellman_optimality_backup(mdp, V)
        if np.abs(V_new - V).max() < tol:
            return V_new, greedy_policy(q_from_v(mdp, V_new))
        V = V_new
    raise RuntimeError(f"value_iteration did not converge in max_iter = {max_iter} sweeps")


def policy_iteration(mdp: TabularMDP, *, max_iter: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """Howard's policy iteration (exact evaluation, greedy improvement); returns (V* (S,), pi* (S,))."""
    if mdp.gamma < 1.0:
        pi = np.zeros(mdp.n_states, dtype=np.int64)
    else:  # start from a proper policy: greedy w.r.t. the (proper) uniform random policy's values
        pi = greedy_policy(q_from_v(mdp, policy_evaluation_exact(mdp, uniform_policy(mdp))))
    for _ in range(max_iter):
        V = policy_evaluation_exact(mdp, pi)
        Q = q_from_v(mdp, V)
        best = Q.max(axis=1)
        # keep the current action on (near-)ties so that the loop cannot cycle between equal policies
        keep = Q[np.arange(mdp.n_states), pi] >= best - 1e-9 * (1.0 + np.abs(best))
        if keep.all():
            return V, pi
        pi = np.where(keep, pi, Q.argmax(axis=1))
    raise RuntimeError(f"policy_iteration did not converge in max_iter = {max_iter} iterations")


def lookahead(mdp: AnyMDP, s: int, depth: int, *, V_leaf: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Depth-limited expectimax search in the model from state s: (Q_depth(s, .) (A,), nodes expanded)."""
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth}")
    if not 0 <= s < mdp.n_states:
        raise ValueError(f"s must lie in [0, {mdp.n_states}), got {s}")
    leaf = np.zeros(mdp.n_states) if V_leaf is None else _check_V(mdp, V_leaf)
    tab = mdp if isinstance(mdp, TabularMDP) else mdp.to_tabular()
    nodes = 0

    def value(state: int, d: int) -> float:
        nonlocal nodes
        if tab.terminal[state]:
            return 0.0
        if d == 0:
            return float(leaf[state])
        return float(q(state, d).max())

    def q(state: int, d: int) -> np.ndarray:
        nonlocal nodes
        nodes += 1
        out = tab.R[state].copy()
        for a in range(tab.n_actions):
            succ = np.flatnonzero(tab.P[state, a])
            out[a] += tab.gamma * sum(tab.P[state, a, s2] * value(int(s2), d - 1) for s2 in succ)
        return out

    return q(s, depth), nodes


# ---------------------------------------------------------------------------------------- sampling
def _sample_rows(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical sample per row of probs (n, K) by inverse CDF."""
    u = rng.random(probs.shape[0])
    return np.minimum((u[:, None] > probs.cumsum(axis=1)).sum(axis=1), probs.shape[1] - 1)


def mc_returns(mdp: TabularMDP, policy: np.ndarray, start_states: np.ndarray, *, rng: np.random.Generator,
               horizon: int = 500, first_actions: np.ndarray | None = None) -> np.ndarray:
    """Discounted returns sum_t gamma^t r_t of episodes run in parallel from start_states (n,): shape (n,)."""
    pi = policy_matrix(policy, mdp.n_states, mdp.n_actions)
    s = np.asarray(start_states, dtype=np.int64).copy()
    if s.ndim != 1 or (s < 0).any() or (s >= mdp.n_states).any():
        raise ValueError(f"start_states must be a 1-d array of states in [0, {mdp.n_states})")
    if first_actions is not None:
        first_actions = np.asarray(first_actions, dtype=np.int64)
        bad = (first_actions < 0).any() or (first_actions >= mdp.n_actions).any()
        if first_actions.shape != s.shape or bad:
            raise ValueError("first_actions must match start_states in shape and hold valid actions")
    G = np.zeros(s.shape[0])
    live = np.flatnonzero(~mdp.terminal[s])  # only episodes still running are stepped
    discount = 1.0
    for t in range(horizon):
        if live.size == 0:
            break
        sl = s[live]
        a = first_actions[live] if (t == 0 and first_actions is not None) else _sample_rows(pi[sl], rng)
        G[live] += discount * mdp.R[sl, a]
        s[live] = _sample_rows(mdp.P[sl, a], rng)
        live = live[~mdp.terminal[s[live]]]
        discount *= mdp.gamma
    return G


def sample_trajectory(mdp: TabularMDP, policy: np.ndarray, s0: int, *, rng: np.random.Generator,
                      max_steps: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One episode S_0, A_0, R_1, S_1, ... until a terminal state or max_steps: (states, actions, rewards)."""
    pi = policy_matrix(policy, mdp.n_states, mdp.n_actions)
    states, actions, rewards = [int(s0)], [], []
    for _ in range(max_steps):
        s = states[-1]
        if mdp.terminal[s]:
            break
        a = int(rng.choice(mdp.n_actions, p=pi[s]))
        actions.append(a)
        rewards.append(float(mdp.R[s, a]))
        states.append(int(rng.choice(mdp.n_states, p=mdp.P[s, a])))
    return np.array(states), np.array(actions, dtype=np.int64), np.array(rewards)


# ------------------------------------------------------------------------------ models from tables
@dataclass(frozen=True)
class GymTable:
    """A Gymnasium toy-text table ``P[s][a] = [(prob, next_state, reward, terminated), ...]`` as padded arrays.

    K is the most outcomes of any (s, a); shorter lists are padded with probability 0 (repeating their
    last outcome), so ``prob[s, a]`` sums to 1 and padding is never drawn.
    """

    prob: np.ndarray  # (S, A, K)
    next_state: np.ndarray  # (S, A, K) int64
    reward: np.ndarray  # (S, A, K)
    terminated: np.ndarray  # (S, A, K) bool


def read_gym_P(P: Mapping[int, Mapping[int, Sequence[tuple]]], n_states: int, n_actions: int) -> GymTable:
    """Read a toy-text ``P[s][a]`` table into arrays, checking every entry (the one reader of ``P``)."""
    S, A = checks.positive_int("n_states", n_states), checks.positive_int("n_actions", n_actions)
    rows: list[list[list[tuple]]] = []
    for s in range(S):
        rows.append([])
        for a in range(A):
            try:
                outcomes = list(P[s][a])
            except (KeyError, IndexError, TypeError) as err:
                raise checks.BadArgument(f"P is missing the entry P[{s}][{a}]") from err
            if not outcomes or any(len(o) < 4 for o in outcomes):
                raise checks.BadArgument(f"P[{s}][{a}] must list (prob, next_state, reward, terminated) "
                                         f"tuples, got {checks.show(outcomes)}")
            rows[-1].append(outcomes)
    K = max(len(o) for row in rows for o in row)
    prob, reward = np.zeros((S, A, K)), np.zeros((S, A, K))
    next_state, terminated = np.zeros((S, A, K), dtype=np.int64), np.zeros((S, A, K), dtype=bool)
    for s, row in enumerate(rows):
        for a, outcomes in enumerate(row):
            for k in range(K):
                p, s2, r, done = outcomes[min(k, len(outcomes) - 1)][:4]
                prob[s, a, k] = p if k < len(outcomes) else 0.0
                next_state[s, a, k] = checks.index(f"P[{s}][{a}][{min(k, len(outcomes) - 1)}] next_state", s2, S)
                reward[s, a, k], terminated[s, a, k] = r, bool(done)
    checks.prob_rows("P[s][a] probabilities", prob)
    checks.array("P[s][a] rewards", reward)
    return GymTable(prob, next_state, reward, terminated)


def from_gym_P(P: Mapping[int, Mapping[int, Sequence[tuple]]], n_states: int, n_actions: int,
               gamma: float) -> TabularMDP:
    """A TabularMDP from a Gymnasium toy-text table P[s][a] = [(prob, next_state, reward, terminated)]."""
    table = read_gym_P(P, n_states, n_actions)
    S, A, K = table.prob.shape
    Pa = np.zeros((S, A, S))
    s_idx, a_idx = np.meshgrid(np.arange(S), np.arange(A), indexing="ij")
    np.add.at(Pa, (s_idx[..., None], a_idx[..., None], table.next_state), table.prob)
    R = (table.prob * table.reward).sum(axis=2)
    live = table.prob > 0
    ends, goes_on = np.zeros(S, bool), np.zeros(S, bool)
    ends[table.next_state[live & table.terminated]] = True
    goes_on[table.next_state[live & ~table.terminated]] = True
    both = np.flatnonzero(ends & goes_on)
    if both.size:
        raise checks.BadArgument(f"P reaches states {both[:8].tolist()} both with terminated=True and False")
    # Gymnasium ends the episode on entering a terminal state: make those states absorbing with value 0
    Pa[ends] = np.eye(S)[ends][:, None, :]
    R[ends] = 0.0
    return TabularMDP(Pa, R, gamma, ends)


def estimate_model(states: np.ndarray, actions: np.ndarray, rewards: np.ndarray, next_states: np.ndarray,
                   terminated: np.ndarray, n_states: int, n_actions: int,
                   gamma: float) -> tuple[TabularMDP, np.ndarray]:
    """Maximum-likelihood model: P_hat = counts / N(s, a), R_hat = mean reward; returns (mdp, N (S, A)).

    Pairs (s, a) never tried are modelled as a self-loop with reward 0.
    """
    s, a, s2 = (np.asarray(x, dtype=np.int64) for x in (states, actions, next_states))
    r, done = np.asarray(rewards, dtype=float), np.asarray(terminated, dtype=bool)
    if not (s.shape == a.shape == r.shape == s2.shape == done.shape) or s.ndim != 1:
        raise ValueError("states, actions, rewards, next_states and terminated must be 1-d of equal length")
    counts = np.zeros((n_states, n_actions, n_states))
    np.add.at(counts, (s, a, s2), 1.0)
    r_sum = np.zeros((n_states, n_actions))
    np.add.at(r_sum, (s, a), r)
    N = counts.sum(axis=2)
    seen = N > 0
    P = np.where(seen[..., None], counts / np.maximum(N, 1)[..., None], np.eye(n_states)[:, None, :])
    R = np.where(seen, r_sum / np.maximum(N, 1), 0.0)
    terminal = np.zeros(n_states, bool)
    terminal[s2[done]] = True
    P[terminal] = np.eye(n_states)[terminal][:, None, :]
    R[terminal] = 0.0
    return TabularMDP(P, R, gamma, terminal), N


# ------------------------------------------------------------------------------- textbook examples
def grid_moves(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Grid moves of row-major states: (next_state (S, 4), off_grid (S, 4)); off-grid moves stay put."""
    nrow, ncol = shape
    if nrow < 1 or ncol < 1:
        raise ValueError(f"shape must be positive, got {shape}")
    r, c = np.divmod(np.arange(nrow * ncol), ncol)
    r2 = r[:, None] + ACTION_DELTAS[:, 0]
    c2 = c[:, None] + ACTION_DELTAS[:, 1]
    off = (r2 < 0) | (r2 >= nrow) | (c2 < 0) | (c2 >= ncol)
    nxt = np.where(off, np.arange(nrow * ncol)[:, None], r2 * ncol + c2)
    return nxt, off


def example_3_5_gridworld(gamma: float = 0.9) -> TabularMDP:
    """Sutton & Barto Example 3.5: 5x5 grid, A -> A' (+10), B -> B' (+5), -1 for leaving the grid."""
    nxt, off = grid_moves((5, 5))
    R = np.where(off, -1.0, 0.0)
    # A = (0, 1) -> A' = (4, 1) pays +10; B = (0, 3) -> B' = (2, 3) pays +5, whatever the action
    for src, dst, reward in ((1, 21, 10.0), (3, 13, 5.0)):
        nxt[src] = dst
        R[src] = reward
    P = np.eye(25)[nxt]  # (S, A, S)
    return TabularMDP(P, R, gamma, np.zeros(25, bool))


def example_4_1_gridworld() -> TabularMDP:
    """Sutton & Barto Example 4.1: 4x4 grid, reward -1 per step, terminal corners 0 and 15, gamma = 1."""
    nxt, _ = grid_moves((4, 4))
    terminal = np.zeros(16, bool)
    terminal[[0, 15]] = True
    nxt[terminal] = np.flatnonzero(terminal)[:, None]
    R = np.where(terminal[:, None], 0.0, -1.0) * np.ones((16, 4))
    return TabularMDP(np.eye(16)[nxt], R, 1.0, terminal)
