"""Tabular Markov decision processes (S, A, R, P, gamma): evaluation, planning and learned models.

Arrays follow the slides: ``P[s, a, s']`` is the transition probability, ``R[s, a]`` the expected
immediate reward, ``V[s]`` and ``Q[s, a]`` value functions. Terminal states are absorbing with value 0.
A policy is either deterministic, an ``(S,)`` int array ``a = pi(s)``, or stochastic, an ``(S, A)``
array ``pi(a|s)``. Grid builders use Gymnasium's FrozenLake action order: 0 left, 1 down, 2 right, 3 up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse import csr_array

from lecture_utils import checks
from lecture_utils.sampling import categorical_from_cumulative, cumulative_probs

__all__ = [
    "ACTION_ARROWS", "ACTION_DELTAS", "DOWN", "LEFT", "MAX_LOOKAHEAD_DEPTH", "RIGHT", "UP",
    "GymTable", "SuccessorMDP", "TabularMDP",
    "bellman_optimality_backup", "estimate_model", "example_3_5_gridworld", "example_4_1_gridworld",
    "from_gym_P", "grid_moves", "lookahead", "mc_returns", "policy_evaluation", "policy_evaluation_exact",
    "policy_evaluation_sweeps", "policy_iteration", "q_from_v", "read_gym_P", "uniform_policy",
    "value_iteration",
]

LEFT, DOWN, RIGHT, UP = 0, 1, 2, 3
ACTION_DELTAS = np.array([(0, -1), (1, 0), (0, 1), (-1, 0)])  # (d_row, d_col) per action
ACTION_ARROWS = "←↓→↑"
MAX_LOOKAHEAD_DEPTH = 1000  # the memoised search is linear in depth, but its node count has ~depth digits
_ATOL = checks.PROB_ATOL  # how far a probability row may be from summing to 1


# ------------------------------------------------------------------------------------ private checks
def _check_mdp(mdp: Any, *, dense: bool = False) -> None:
    kinds: tuple[type, ...] = (TabularMDP,) if dense else (TabularMDP, SuccessorMDP)
    if not isinstance(mdp, kinds):
        want = "a TabularMDP (dense P)" if dense else "a TabularMDP or SuccessorMDP"
        raise checks.BadArgumentType(f"mdp must be {want}, got {checks.show(mdp)} ({type(mdp).__name__})")


def _check_common(R: ArrayLike, gamma: Any, terminal: ArrayLike, S: int,
                  A: int) -> tuple[np.ndarray, float, np.ndarray]:
    return (checks.array("R", R, shape=(S, A)), checks.unit_interval("gamma", gamma),
            checks.bool_array("terminal", terminal, shape=(S,)))


def _check_sums(name: str, sums: np.ndarray, axis: str) -> None:
    bad = np.argwhere(np.abs(sums - 1.0) > _ATOL)
    if len(bad):
        s, a = bad[0]
        raise checks.BadArgument(f"{name}[s, a, :] must sum to 1 over {axis}; {name}[{s}, {a}, :] sums to "
                                 f"{sums[s, a]:.6g}")


def _reaches(succ_mask_any: Callable[[np.ndarray], np.ndarray], target: np.ndarray) -> np.ndarray:
    """States from which ``target`` can be reached, by fixed-point iteration of one-step reachability."""
    reach = target.copy()
    while True:  # grows by at least one state per pass, so at most S passes
        new = reach | succ_mask_any(reach)
        if (new == reach).all():
            return reach
        reach = new


# ---------------------------------------------------------------------------------------- models
@dataclass(frozen=True, eq=False)  # arrays: compare by identity, hashable
class TabularMDP:
    """A finite MDP with dense arrays P (S, A, S), R (S, A), a discount gamma and terminal flags."""

    P: np.ndarray  # (S, A, S) transition probabilities P[s, a, s']
    R: np.ndarray  # (S, A) expected immediate reward
    gamma: float
    terminal: np.ndarray  # (S,) bool, absorbing states (value 0)

    def __post_init__(self) -> None:
        P = np.array(checks.array("P", self.P, ndim=3, low=0.0))  # a copy: the caller's array stays writable
        if P.shape[0] != P.shape[2]:
            raise checks.BadArgument(f"P must have shape (S, A, S), got {P.shape}")
        S, A = P.shape[:2]
        R, gamma, terminal = _check_common(self.R, self.gamma, self.terminal, S, A)
        R, terminal = np.array(R), np.array(terminal)
        _check_sums("P", P.sum(axis=2), "next states s'")
        t = np.flatnonzero(terminal)
        if t.size and (np.abs(P[t, :, t] - 1.0) > _ATOL).any() | (R[t] != 0).any():
            raise checks.BadArgument(f"terminal states must be absorbing (P[t, a, t] = 1) with zero reward "
                                     f"R[t, a]; terminal = {t[:8].tolist()}")
        for name, arr in (("P", P), ("R", R), ("terminal", terminal)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "gamma", gamma)
        if self.gamma == 1.0:
            ok = self._reaches_terminal()
            if not ok.all():
                raise checks.BadArgument(f"gamma = 1 needs a terminal state reachable from every state; "
                                         f"states {np.flatnonzero(~ok)[:8].tolist()} cannot reach one "
                                         "(use gamma < 1)")

    @property
    def n_states(self) -> int:
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        return self.P.shape[1]

    def _expected_next_value(self, V: np.ndarray) -> np.ndarray:
        """sum_s' P(s'|s, a) V(s') for every (s, a): shape (S, A)."""
        return self.P @ V

    def _reaches_terminal(self, pi: np.ndarray | None = None) -> np.ndarray:
        """(S,) bool: can a terminal state be reached from s (under some actions, or under ``pi`` (S, A))?"""
        edge = np.asarray(self.P > 0 if pi is None else (pi[:, :, None] * self.P) > 0)  # (S, A, S)
        adj: np.ndarray = np.asarray(edge.any(axis=1))  # (S, S)
        return _reaches(lambda reach: np.asarray(adj[:, reach].any(axis=1)), self.terminal)

    def _successors(self, s: int, a: int) -> tuple[np.ndarray, np.ndarray]:
        """The distinct next states of (s, a) with positive probability, and those probabilities."""
        nxt = np.flatnonzero(self.P[s, a])
        return nxt, self.P[s, a, nxt]


@dataclass(frozen=True, eq=False)
class SuccessorMDP:
    """A finite MDP stored sparsely: each (s, a) lists K successors ``next_state`` with ``prob``."""

    next_state: np.ndarray  # (S, A, K) int successor states
    prob: np.ndarray  # (S, A, K) their probabilities (0 for padding)
    R: np.ndarray  # (S, A)
    gamma: float
    terminal: np.ndarray  # (S,) bool
    _matrix: csr_array = field(init=False, repr=False)  # the transitions as a sparse (S * A, S) matrix

    def __post_init__(self) -> None:
        shape = np.shape(self.next_state)
        if len(shape) != 3:
            raise checks.BadArgument(f"next_state must have shape (S, A, K), got {shape}")
        nxt = np.array(checks.index_array("next_state", self.next_state, shape[0], ndim=3))
        prob = np.array(checks.array("prob", self.prob, shape=nxt.shape, low=0.0))
        S, A, K = nxt.shape
        R, gamma, terminal = _check_common(self.R, self.gamma, self.terminal, S, A)
        R, terminal = np.array(R), np.array(terminal)
        _check_sums("prob", prob.sum(axis=2), "each (s, a)'s successors")
        for name, arr in (("next_state", nxt), ("prob", prob), ("R", R), ("terminal", terminal)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        rows = np.repeat(np.arange(S * A), K)  # the same transitions as a sparse (S * A, S) matrix
        object.__setattr__(self, "_matrix", csr_array((prob.ravel(), (rows, nxt.ravel())), shape=(S * A, S)))
        object.__setattr__(self, "gamma", gamma)
        if self.gamma == 1.0 and not self._reaches_terminal().all():
            raise checks.BadArgument("gamma = 1 needs a terminal state reachable from every state "
                                     "(use gamma < 1)")

    @property
    def n_states(self) -> int:
        return self.next_state.shape[0]

    @property
    def n_actions(self) -> int:
        return self.next_state.shape[1]

    def _expected_next_value(self, V: np.ndarray) -> np.ndarray:
        """sum_s' P(s'|s, a) V(s') for every (s, a): shape (S, A)."""
        return (self._matrix @ V).reshape(self.n_states, self.n_actions)

    def _reaches_terminal(self, pi: np.ndarray | None = None) -> np.ndarray:
        """(S,) bool: can a terminal state be reached from s (under some actions, or under ``pi`` (S, A))?"""
        live = self.prob > 0 if pi is None else (pi[:, :, None] * self.prob) > 0
        return _reaches(lambda reach: (live & reach[self.next_state]).any(axis=(1, 2)), self.terminal)

    def _successors(self, s: int, a: int) -> tuple[np.ndarray, np.ndarray]:
        """The distinct next states of (s, a) with positive probability (duplicates merged), and those."""
        live = self.prob[s, a] > 0
        nxt, inverse = np.unique(self.next_state[s, a, live], return_inverse=True)
        return nxt, np.bincount(inverse, weights=self.prob[s, a, live], minlength=nxt.size)

    def to_tabular(self) -> TabularMDP:
        """The same MDP with a dense P (S, A, S)."""
        S, A, _ = self.next_state.shape
        P = np.zeros((S, A, S))
        s, a = np.meshgrid(np.arange(S), np.arange(A), indexing="ij")
        np.add.at(P, (s[..., None], a[..., None], self.next_state), self.prob)
        return TabularMDP(P, self.R, self.gamma, self.terminal)


AnyMDP = TabularMDP | SuccessorMDP


# ----------------------------------------------------------------------------------------- policies
def _policy_matrix(policy: ArrayLike, n_states: int, n_actions: int) -> np.ndarray:
    """A deterministic (S,) or stochastic (S, A) policy as an (S, A) matrix pi(a|s)."""
    shape = np.shape(policy)
    if shape == (n_states,):
        return np.eye(n_actions)[checks.index_array("policy", policy, n_actions)]
    if shape == (n_states, n_actions):
        pi = checks.array("policy", policy, low=0.0)
        sums = pi.sum(axis=1)
        bad = np.flatnonzero(np.abs(sums - 1.0) > _ATOL)
        if bad.size:
            raise checks.BadArgument(f"policy of shape (S, A) must have rows pi(.|s) summing to 1; "
                                     f"policy[{bad[0]}, :] sums to {sums[bad[0]]:.6g}")
        return pi
    raise checks.BadArgument(f"policy must have shape (S,) = ({n_states},) or (S, A) = ({n_states}, "
                             f"{n_actions}), got {shape}")


def uniform_policy(mdp: AnyMDP) -> np.ndarray:
    """The equiprobable random policy pi(a|s) = 1/|A|: shape (S, A)."""
    _check_mdp(mdp)
    return np.full((mdp.n_states, mdp.n_actions), 1.0 / mdp.n_actions)


def _greedy(Q: np.ndarray) -> np.ndarray:
    """pi(s) = argmax_a Q(s, a) (first maximiser on ties): shape (S,)."""
    return Q.argmax(axis=1)


def _check_V(mdp: AnyMDP, V: ArrayLike, name: str = "V") -> np.ndarray:
    V = checks.array(name, V, shape=(mdp.n_states,))
    return np.where(mdp.terminal, 0.0, V)


def _proper_pi(mdp: AnyMDP, policy: ArrayLike) -> np.ndarray:
    pi = _policy_matrix(policy, mdp.n_states, mdp.n_actions)
    if mdp.gamma == 1.0:
        ok = mdp._reaches_terminal(pi)
        if not ok.all():
            bad = np.flatnonzero(~ok)[:8].tolist()
            raise checks.BadArgument(f"policy never reaches a terminal state from states {bad} and "
                                     "gamma = 1, so its values diverge")
    return pi


def _check_loop(tol: Any, max_iter: Any) -> tuple[float, int]:
    return checks.positive("tol", tol), checks.positive_int("max_iter", max_iter)


# ---------------------------------------------------------------------------------- Bellman backups
def _q(mdp: AnyMDP, V: np.ndarray) -> np.ndarray:
    """Q = R + gamma P V for a checked V with terminal entries 0; terminal rows set to 0."""
    Q = mdp.R + mdp.gamma * mdp._expected_next_value(V)
    Q[mdp.terminal] = 0.0
    return Q


def _optimality_backup(mdp: AnyMDP, V: np.ndarray) -> np.ndarray:
    # max over the short action axis of a transposed contiguous copy: ~8x faster than Q.max(axis=1) here
    return np.ascontiguousarray(_q(mdp, V).T).max(axis=0)


def q_from_v(mdp: AnyMDP, V: ArrayLike) -> np.ndarray:
    """Q(s, a) = R(s, a) + gamma * sum_s' P(s'|s, a) V(s'): shape (S, A); terminal states count as 0."""
    _check_mdp(mdp)
    return _q(mdp, _check_V(mdp, V))


def bellman_optimality_backup(mdp: AnyMDP, V: ArrayLike) -> np.ndarray:
    """(T* V)(s) = max_a [R(s, a) + gamma sum_s' P(s'|s, a) V(s')]: shape (S,)."""
    _check_mdp(mdp)
    return _optimality_backup(mdp, _check_V(mdp, V))


# ------------------------------------------------------------------------------------- evaluation
def policy_evaluation(mdp: AnyMDP, policy: ArrayLike, *, tol: float = 1e-10,
                      max_iter: int = 100_000) -> np.ndarray:
    """V^pi by iterating the Bellman expectation backup from V = 0 until the sup-norm change < tol."""
    _check_mdp(mdp)
    tol, max_iter = _check_loop(tol, max_iter)
    pi = _proper_pi(mdp, policy)
    V = np.zeros(mdp.n_states)
    for _ in range(max_iter):
        V_new = (pi * _q(mdp, V)).sum(axis=1)
        if np.abs(V_new - V).max() < tol:
            return V_new
        V = V_new
    raise RuntimeError(f"policy_evaluation did not converge in max_iter = {max_iter} sweeps")


def policy_evaluation_sweeps(mdp: AnyMDP, policy: ArrayLike, n_sweeps: int) -> np.ndarray:
    """V_0 = 0, V_1, ..., V_k of synchronous iterative policy evaluation: shape (k + 1, S)."""
    _check_mdp(mdp)
    n_sweeps = checks.nonnegative_int("n_sweeps", n_sweeps)
    pi = _policy_matrix(policy, mdp.n_states, mdp.n_actions)
    out = np.zeros((n_sweeps + 1, mdp.n_states))
    for k in range(n_sweeps):
        out[k + 1] = (pi * _q(mdp, out[k])).sum(axis=1)
    return out


def policy_evaluation_exact(mdp: TabularMDP, policy: ArrayLike) -> np.ndarray:
    """V^pi from the linear Bellman expectation equation (I - gamma P^pi) V = R^pi on non-terminal states."""
    _check_mdp(mdp, dense=True)
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
    _check_mdp(mdp)
    tol, max_iter = _check_loop(tol, max_iter)
    V = np.zeros(mdp.n_states)
    for _ in range(max_iter):
        V_new = _optimality_backup(mdp, V)
        if np.abs(V_new - V).max() < tol:
            return V_new, _greedy(_q(mdp, V_new))
        V = V_new
    raise RuntimeError(f"value_iteration did not converge in max_iter = {max_iter} sweeps")


def policy_iteration(mdp: TabularMDP, *, max_iter: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """Howard's policy iteration (exact evaluation, greedy improvement); returns (V* (S,), pi* (S,))."""
    _check_mdp(mdp, dense=True)
    max_iter = checks.positive_int("max_iter", max_iter)
    if mdp.gamma < 1.0:
        pi = np.zeros(mdp.n_states, dtype=np.int64)
    else:  # start from a proper policy: greedy w.r.t. the (proper) uniform random policy's values
        pi = _greedy(_q(mdp, policy_evaluation_exact(mdp, uniform_policy(mdp))))
    for _ in range(max_iter):
        V = policy_evaluation_exact(mdp, pi)
        Q = _q(mdp, V)
        best = Q.max(axis=1)
        # keep the current action on (near-)ties so that the loop cannot cycle between equal policies
        keep = Q[np.arange(mdp.n_states), pi] >= best - 1e-9 * (1.0 + np.abs(best))
        if keep.all():
            return V, pi
        pi = np.where(keep, pi, Q.argmax(axis=1))
    raise RuntimeError(f"policy_iteration did not converge in max_iter = {max_iter} iterations")


def lookahead(mdp: AnyMDP, s: int, depth: int, *, V_leaf: ArrayLike | None = None) -> tuple[np.ndarray, int]:
    """Depth-limited expectimax search in the model from state s: (Q_depth(s, .) (A,), nodes of the tree).

    The tree is evaluated memoised by (state, remaining depth), in O(S * A * K * depth) time; the node
    count is that of the full expectimax tree it stands for (one per expanded, non-terminal state node),
    which grows exponentially with depth.
    """
    _check_mdp(mdp)
    s = checks.index("s", s, mdp.n_states)
    depth = checks.integer("depth", depth, low=1, high=MAX_LOOKAHEAD_DEPTH)
    leaf = np.zeros(mdp.n_states) if V_leaf is None else _check_V(mdp, V_leaf, "V_leaf")
    succ: dict[tuple[int, int], tuple[list[int], np.ndarray]] = {}

    def successors(state: int, a: int) -> tuple[list[int], np.ndarray]:
        if (state, a) not in succ:
            nxt, p = mdp._successors(state, a)
            succ[state, a] = nxt.tolist(), p
        return succ[state, a]

    # the states expanded at each level of the tree (the root always; below it, non-terminal states only)
    levels = [[s]]
    for _ in range(depth - 1):
        below = {s2 for st in levels[-1] for a in range(mdp.n_actions) for s2 in successors(st, a)[0]
                 if not mdp.terminal[s2]}
        levels.append(sorted(below))
    # bottom-up: value and subtree size of each (state, remaining depth d), from the level above the leaves
    value: dict[int, float] = {}  # state -> max_a Q_{d-1}(state, a) of the previous pass (V_leaf when d = 1)
    count: dict[int, int] = {}  # state -> nodes of its depth d - 1 subtree (0 at the leaves)
    Q = np.zeros(mdp.n_actions)
    for d, states in enumerate(reversed(levels), start=1):
        new_value, new_count = {}, {}
        for st in states:
            Q = np.array(mdp.R[st], dtype=float)
            n = 1
            for a in range(mdp.n_actions):
                nxt, p = successors(st, a)
                v = [0.0 if mdp.terminal[s2] else (float(leaf[s2]) if d == 1 else value[s2]) for s2 in nxt]
                Q[a] += mdp.gamma * float(np.dot(p, v))
                n += sum(count[s2] for s2 in nxt if d > 1 and not mdp.terminal[s2])
            new_value[st], new_count[st] = float(Q.max()), n
        value, count = new_value, new_count
    return Q, count[s]


# ---------------------------------------------------------------------------------------- sampling
def mc_returns(mdp: TabularMDP, policy: ArrayLike, start_states: ArrayLike, *, rng: np.random.Generator,
               horizon: int = 500, first_actions: ArrayLike | None = None) -> np.ndarray:
    """Discounted returns sum_t gamma^t r_t of episodes run in parallel from start_states (n,): shape (n,)."""
    _check_mdp(mdp, dense=True)
    pi = _policy_matrix(policy, mdp.n_states, mdp.n_actions)
    s = checks.index_array("start_states", start_states, mdp.n_states, ndim=1).copy()
    rng = checks.rng("rng", rng)
    horizon = checks.positive_int("horizon", horizon)
    first = None
    if first_actions is not None:
        first = checks.index_array("first_actions", first_actions, mdp.n_actions, ndim=1)
        if first.shape != s.shape:
            raise checks.BadArgument(f"first_actions must match start_states in shape {s.shape}, "
                                     f"got {first.shape}")
    # the tables are checked once; the loop draws with the unchecked kernel, one uniform per live episode
    cum_pi, cum_P = cumulative_probs(pi), cumulative_probs(mdp.P)
    G = np.zeros(s.shape[0])
    live = np.flatnonzero(~mdp.terminal[s])  # only episodes still running are stepped
    discount = 1.0
    for t in range(horizon):
        if live.size == 0:
            break
        sl = s[live]
        if t == 0 and first is not None:
            a = first[live]
        else:
            a = categorical_from_cumulative(cum_pi[sl], rng.random(sl.size))
        G[live] += discount * mdp.R[sl, a]
        s[live] = categorical_from_cumulative(cum_P[sl, a], rng.random(sl.size))
        live = live[~mdp.terminal[s[live]]]
        discount *= mdp.gamma
    return G


# ------------------------------------------------------------------------------ models from tables
@dataclass(frozen=True)
class GymTable:
    """A Gymnasium toy-text table ``P[s][a] = [(prob, next_state, reward, terminated), ...]`` as arrays.

    K is the most outcomes of any (s, a); shorter lists are padded with probability 0 (repeating their
    last outcome), so ``prob[s, a]`` sums to 1 and padding is never drawn.
    """

    prob: np.ndarray  # (S, A, K)
    next_state: np.ndarray  # (S, A, K) int64
    reward: np.ndarray  # (S, A, K)
    terminated: np.ndarray  # (S, A, K) bool

    def __post_init__(self) -> None:
        shape = np.shape(self.prob)
        if len(shape) != 3:
            raise checks.BadArgument(f"prob must have shape (S, A, K), got {shape}")
        prob = checks.array("prob", self.prob, low=0.0)
        _check_sums("prob", prob.sum(axis=2), "each (s, a)'s outcomes")
        fields = {"prob": prob,
                  "next_state": checks.index_array("next_state", self.next_state, shape[0], ndim=3),
                  "reward": checks.array("reward", self.reward, ndim=3),
                  "terminated": checks.bool_array("terminated", self.terminated, shape=shape)}
        for name, arr in fields.items():
            if arr.shape != shape:
                raise checks.BadArgument(f"{name} must have the shape of prob {shape}, got {arr.shape}")
            object.__setattr__(self, name, arr)


def _gym_outcome(s: int, a: int, k: int, outcome: Any, S: int) -> tuple[float, int, float, bool]:
    """One checked (prob, next_state, reward, terminated) entry P[s][a][k]."""
    where = f"P[{s}][{a}][{k}]"
    if not isinstance(outcome, Sequence) or len(outcome) < 4:
        raise checks.BadArgument(f"{where} must be a tuple (prob, next_state, reward, terminated), "
                                 f"got {checks.show(outcome)}")
    p, s2, r, done = outcome[:4]
    if not isinstance(done, bool | np.bool_):
        raise checks.BadArgumentType(f"{where} terminated must be a bool, got {checks.show(done)}")
    return (checks.unit_interval(f"{where} prob", p), checks.index(f"{where} next_state", s2, S),
            checks.real(f"{where} reward", r), bool(done))


def read_gym_P(P: Mapping[int, Mapping[int, Sequence[tuple]]], n_states: int, n_actions: int) -> GymTable:
    """Read a toy-text ``P[s][a]`` table into arrays, checking every entry (the one reader of ``P``)."""
    S, A = checks.positive_int("n_states", n_states), checks.positive_int("n_actions", n_actions)
    rows: list[list[list[tuple[float, int, float, bool]]]] = []
    for s in range(S):
        rows.append([])
        for a in range(A):
            try:
                outcomes = list(P[s][a])
            except (KeyError, IndexError, TypeError) as err:
                raise checks.BadArgument(f"P is missing the entry P[{s}][{a}]") from err
            if not outcomes:
                raise checks.BadArgument(f"P[{s}][{a}] must list at least one outcome, got []")
            rows[-1].append([_gym_outcome(s, a, k, o, S) for k, o in enumerate(outcomes)])
    K = max(len(o) for row in rows for o in row)
    # pad every list to K outcomes by repeating its last one with probability 0
    flat = [o for row in rows for outs in row for o in outs + [(0.0, *outs[-1][1:])] * (K - len(outs))]
    prob, next_state, reward, terminated = (np.array([o[i] for o in flat]).reshape(S, A, K) for i in range(4))
    sums = prob.sum(axis=2)
    bad = np.argwhere(np.abs(sums - 1.0) > _ATOL)
    if len(bad):
        s, a = bad[0]
        raise checks.BadArgument(f"the probabilities of P[{s}][{a}] must sum to 1, they sum to "
                                 f"{sums[s, a]:.6g}")
    return GymTable(prob.astype(float), next_state.astype(np.int64), reward.astype(float),
                    terminated.astype(bool))


def from_gym_P(P: Mapping[int, Mapping[int, Sequence[tuple]]], n_states: int, n_actions: int,
               gamma: float) -> TabularMDP:
    """A TabularMDP from a Gymnasium toy-text table P[s][a] = [(prob, next_state, reward, terminated)]."""
    table = read_gym_P(P, n_states, n_actions)
    gamma = checks.unit_interval("gamma", gamma)
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


def estimate_model(states: ArrayLike, actions: ArrayLike, rewards: ArrayLike, next_states: ArrayLike,
                   terminated: ArrayLike, n_states: int, n_actions: int,
                   gamma: float) -> tuple[TabularMDP, np.ndarray]:
    """Maximum-likelihood model: P_hat = counts / N(s, a), R_hat = mean reward; returns (mdp, N (S, A)).

    Pairs (s, a) never tried are modelled as a self-loop with reward 0.
    """
    S, A = checks.positive_int("n_states", n_states), checks.positive_int("n_actions", n_actions)
    s = checks.index_array("states", states, S, ndim=1)
    a = checks.index_array("actions", actions, A, ndim=1)
    s2 = checks.index_array("next_states", next_states, S, ndim=1)
    r = checks.array("rewards", rewards, ndim=1)
    done = checks.bool_array("terminated", terminated, shape=s.shape)
    for name, arr in (("actions", a), ("rewards", r), ("next_states", s2)):
        if arr.shape != s.shape:
            raise checks.BadArgument(f"{name} must have the length of states ({s.shape[0]}), "
                                     f"got {arr.shape[0]}")
    counts = np.zeros((S, A, S))
    np.add.at(counts, (s, a, s2), 1.0)
    r_sum = np.zeros((S, A))
    np.add.at(r_sum, (s, a), r)
    N = counts.sum(axis=2)
    seen = N > 0
    P = np.where(seen[..., None], counts / np.maximum(N, 1)[..., None], np.eye(S)[:, None, :])
    R = np.where(seen, r_sum / np.maximum(N, 1), 0.0)
    terminal = np.zeros(S, bool)
    terminal[s2[done]] = True
    P[terminal] = np.eye(S)[terminal][:, None, :]
    R[terminal] = 0.0
    return TabularMDP(P, R, gamma, terminal), N


# ------------------------------------------------------------------------------- textbook examples
def grid_moves(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Grid moves of row-major states: (next_state (S, 4), off_grid (S, 4)); off-grid moves stay put."""
    nrow, ncol = checks.shape2d("shape", shape)
    r, c = np.divmod(np.arange(nrow * ncol), ncol)
    r2 = r[:, None] + ACTION_DELTAS[:, 0]
    c2 = c[:, None] + ACTION_DELTAS[:, 1]
    off = (r2 < 0) | (r2 >= nrow) | (c2 < 0) | (c2 >= ncol)
    nxt = np.where(off, np.arange(nrow * ncol)[:, None], r2 * ncol + c2)
    return nxt, off


def example_3_5_gridworld(gamma: float = 0.9) -> TabularMDP:
    """Sutton & Barto Example 3.5: 5x5 grid, A -> A' (+10), B -> B' (+5), -1 for leaving the grid."""
    gamma = checks.unit_interval("gamma", gamma)
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
