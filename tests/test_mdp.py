"""Tests for lecture_utils.mdp and lecture_utils.gridworld: Bellman equations, agreement, textbook values."""

from __future__ import annotations

import time
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from lecture_utils.checks import BadArgument, BadArgumentType
from lecture_utils.gridworld import GridConfig, GridWorldEnv, gridworld_successor_mdp
from lecture_utils.mdp import (
    AnyMDP,
    GymTable,
    SuccessorMDP,
    TabularMDP,
    bellman_optimality_backup,
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
    read_gym_P,
    uniform_policy,
    value_iteration,
)

# Sutton & Barto (2nd ed.), Figures 3.2 (v_pi), 3.5 (v_*) and 4.1, as printed (one decimal / integers).
FIG_3_2_RANDOM = np.array([[3.3, 8.8, 4.4, 5.3, 1.5], [1.5, 3.0, 2.3, 1.9, 0.5], [0.1, 0.7, 0.7, 0.4, -0.4],
                           [-1.0, -0.4, -0.4, -0.6, -1.2], [-1.9, -1.3, -1.2, -1.4, -2.0]])
FIG_3_5_OPTIMAL = np.array([[22.0, 24.4, 22.0, 19.4, 17.5], [19.8, 22.0, 19.8, 17.8, 16.0],
                            [17.8, 19.8, 17.8, 16.0, 14.4], [16.0, 17.8, 16.0, 14.4, 13.0],
                            [14.4, 16.0, 14.4, 13.0, 11.7]])
FIG_4_1 = {
    1: [0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0],
    2: [0, -1.7, -2.0, -2.0, -1.7, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -1.7, -2.0, -2.0, -1.7, 0],
    3: [0, -2.4, -2.9, -3.0, -2.4, -2.9, -3.0, -2.9, -2.9, -3.0, -2.9, -2.4, -3.0, -2.9, -2.4, 0],
    10: [0, -6.1, -8.4, -9.0, -6.1, -7.7, -8.4, -8.4, -8.4, -8.4, -7.7, -6.1, -9.0, -8.4, -6.1, 0],
}
FIG_4_1_INF = [0, -14, -20, -22, -14, -18, -20, -20, -20, -20, -18, -14, -22, -20, -14, 0]
HALF_LAST_DIGIT = 0.05 + 1e-9  # the book prints one decimal (and truncates -1.75 to -1.7)


def _random_mdp(rng: np.random.Generator, S: int = 6, A: int = 3, gamma: float = 0.8) -> TabularMDP:
    P = rng.dirichlet(np.ones(S), size=(S, A))
    return TabularMDP(P, rng.normal(size=(S, A)), gamma, np.zeros(S, bool))


@pytest.fixture
def grid() -> TabularMDP:
    return GridWorldEnv().to_mdp(0.9)


# ------------------------------------------------------------------------------- textbook values
def test_example_3_5_random_policy_matches_figure_3_2() -> None:
    mdp = example_3_5_gridworld()
    V = policy_evaluation_exact(mdp, uniform_policy(mdp)).reshape(5, 5)
    np.testing.assert_allclose(V, FIG_3_2_RANDOM, atol=HALF_LAST_DIGIT)


def test_example_3_5_optimal_values_and_policy() -> None:
    mdp = example_3_5_gridworld()
    V, pi = value_iteration(mdp)
    np.testing.assert_allclose(V.reshape(5, 5), FIG_3_5_OPTIMAL, atol=HALF_LAST_DIGIT)
    # closed form at A: jump to A' (+10), then 4 steps back up (reward 0): v*(A) = 10 / (1 - 0.9^5)
    assert V[1] == pytest.approx(10 / (1 - 0.9**5), abs=1e-8)
    assert pi[0] == 2 and pi[6] == 3  # left of A: go right; below A: go up


def test_example_4_1_sweeps_match_figure_4_1() -> None:
    mdp = example_4_1_gridworld()
    hist = policy_evaluation_sweeps(mdp, uniform_policy(mdp), 10)
    np.testing.assert_array_equal(hist[0], 0.0)
    for k, book in FIG_4_1.items():
        np.testing.assert_allclose(hist[k], book, atol=HALF_LAST_DIGIT, err_msg=f"k = {k}")
    np.testing.assert_allclose(policy_evaluation(mdp, uniform_policy(mdp)), FIG_4_1_INF, atol=1e-6)
    np.testing.assert_allclose(policy_evaluation_exact(mdp, uniform_policy(mdp)), FIG_4_1_INF, atol=1e-9)


# ------------------------------------------------------------------ Bellman equations and agreement
def test_bellman_expectation_equation_holds_at_v_pi(grid: TabularMDP) -> None:
    pi = uniform_policy(grid)
    V = policy_evaluation_exact(grid, pi)
    np.testing.assert_allclose((pi * q_from_v(grid, V)).sum(axis=1), V, atol=1e-10)  # T^pi V = V
    np.testing.assert_allclose(policy_evaluation(grid, pi), V, atol=1e-8)


def test_bellman_optimality_equation_holds_at_v_star(grid: TabularMDP) -> None:
    V, pi = value_iteration(grid)
    np.testing.assert_allclose(bellman_optimality_backup(grid, V), V, atol=1e-9)
    Q = q_from_v(grid, V)
    np.testing.assert_allclose(Q.max(axis=1), V, atol=1e-9)
    np.testing.assert_allclose(policy_evaluation_exact(grid, pi), V, atol=1e-8)  # greedy policy attains V*


@pytest.mark.parametrize("seed", range(5))
def test_value_and_policy_iteration_agree_on_random_mdps(seed: int) -> None:
    mdp = _random_mdp(np.random.default_rng(seed))
    V_vi, pi_vi = value_iteration(mdp)
    V_pi, pi_pi = policy_iteration(mdp)
    np.testing.assert_allclose(V_vi, V_pi, atol=1e-8)
    np.testing.assert_array_equal(pi_vi, pi_pi)
    # no deterministic policy beats V*: brute force over all 3^6 policies would be slow, so spot-check 50
    rng = np.random.default_rng(seed + 100)
    for _ in range(50):
        assert (policy_evaluation_exact(mdp, rng.integers(0, 3, 6)) <= V_vi + 1e-9).all()


def test_stochastic_and_deterministic_policies_agree(grid: TabularMDP) -> None:
    pi = np.random.default_rng(0).integers(0, 4, grid.n_states)
    V_det = policy_evaluation_exact(grid, pi)
    np.testing.assert_allclose(V_det, policy_evaluation_exact(grid, np.eye(4)[pi]))


def test_monte_carlo_returns_agree_with_exact_values(grid: TabularMDP) -> None:
    pi = uniform_policy(grid)
    V = policy_evaluation_exact(grid, pi)
    n = 4000
    G = mc_returns(grid, pi, np.full(n, 15), rng=np.random.default_rng(0), horizon=300)
    assert abs(G.mean() - V[15]) < 5 * G.std(ddof=1) / np.sqrt(n)
    Q = q_from_v(grid, V)
    Gq = mc_returns(grid, pi, np.full(n, 15), rng=np.random.default_rng(1), horizon=300,
                    first_actions=np.full(n, 2))
    assert abs(Gq.mean() - Q[15, 2]) < 5 * Gq.std(ddof=1) / np.sqrt(n)


def test_monte_carlo_is_reproducible(grid: TabularMDP) -> None:
    pi = uniform_policy(grid)
    a = mc_returns(grid, pi, np.arange(10), rng=np.random.default_rng(3))
    b = mc_returns(grid, pi, np.arange(10), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, mc_returns(grid, pi, np.arange(10), rng=np.random.default_rng(4)))


def _brute_force_lookahead(mdp: AnyMDP, s: int, depth: int, leaf: np.ndarray) -> tuple[np.ndarray, int]:
    """The unmemoised expectimax tree (the old implementation): Q_depth(s, .) and the nodes it expands."""
    tab = mdp if isinstance(mdp, TabularMDP) else mdp.to_tabular()
    nodes = 0

    def value(state: int, d: int) -> float:
        if tab.terminal[state]:
            return 0.0
        return float(leaf[state]) if d == 0 else float(q(state, d).max())

    def q(state: int, d: int) -> np.ndarray:
        nonlocal nodes
        nodes += 1
        out = tab.R[state].copy()
        for a in range(tab.n_actions):
            succ = np.flatnonzero(tab.P[state, a])
            out[a] += tab.gamma * sum(tab.P[state, a, s2] * value(int(s2), d - 1) for s2 in succ)
        return out

    return q(s, depth), nodes


@pytest.mark.parametrize("which", ["grid", "successor"])
def test_memoised_lookahead_equals_brute_force_tree(grid: TabularMDP, which: str) -> None:
    mdp: AnyMDP = grid if which == "grid" else gridworld_successor_mdp((3, 4), gamma=0.9, slip=0.3)
    leaf = np.random.default_rng(0).normal(size=mdp.n_states) * ~mdp.terminal
    for s in (7, mdp.n_states - 2):
        for depth in (1, 2, 4):
            for V_leaf in (None, leaf):
                Q, nodes = lookahead(mdp, s, depth, V_leaf=V_leaf)
                Q_old, nodes_old = _brute_force_lookahead(mdp, s, depth, np.zeros(mdp.n_states)
                                                          if V_leaf is None else leaf)
                np.testing.assert_allclose(Q, Q_old, rtol=0, atol=1e-12)
                assert nodes == nodes_old, (s, depth)


def test_lookahead_equals_value_iteration_sweeps(grid: TabularMDP) -> None:
    for depth in (1, 2, 3, 6):
        V = np.zeros(grid.n_states)
        for _ in range(depth - 1):  # V_{depth - 1}: depth - 1 sweeps of value iteration from 0
            V = bellman_optimality_backup(grid, V)
        Q_search, _ = lookahead(grid, 15, depth)
        np.testing.assert_allclose(Q_search, q_from_v(grid, V)[15], atol=1e-12)


def test_deep_lookahead_on_the_slippery_grid_is_fast_and_counts_an_exponential_tree(grid: TabularMDP) -> None:
    start = time.perf_counter()
    _, nodes8 = lookahead(grid, 15, 8)
    assert time.perf_counter() - start < 0.5  # the unmemoised tree (~10^7 nodes) took minutes
    # the expanded-node counts of depths 1..4 the notebook prints, and 10x-plus growth per level after
    counts = [lookahead(grid, 15, d)[1] for d in range(1, 9)]
    assert counts[:4] == [1, 10, 109, 1108]
    assert counts[-1] == nodes8 and all(b > 9 * a for a, b in zip(counts[1:], counts[2:], strict=False))


# --------------------------------------------------------------------- Gymnasium tables and envs
def test_from_gym_P_cliffwalking_gamma_1_converges() -> None:
    env = gym.make("CliffWalking-v1")
    mdp = from_gym_P(env.unwrapped.P, 48, 4, 1.0)
    assert mdp.terminal.sum() == 1 and mdp.terminal[47]
    V, pi = value_iteration(mdp)
    assert V[36] == -13.0  # 13 steps along the cliff edge, -1 each
    np.testing.assert_allclose(policy_iteration(mdp)[0], V)
    s, ret = 36, 0.0  # the greedy policy walks the optimal path in the real environment
    env.reset(seed=0)
    for _ in range(20):
        s, r, terminated, truncated, _ = env.step(int(pi[s]))
        ret += r
        if terminated:
            break
    assert terminated and ret == -13.0


def test_from_gym_P_frozenlake_success_rate_matches_value() -> None:
    env = gym.make("FrozenLake-v1", is_slippery=True)
    mdp = from_gym_P(env.unwrapped.P, 16, 4, 1.0)
    assert mdp.terminal.sum() == 5  # 4 holes and the goal
    V, pi = value_iteration(mdp)
    np.testing.assert_allclose(policy_iteration(mdp)[0], V, atol=1e-6)
    p100 = policy_evaluation_sweeps(mdp, pi, 100)[-1, 0]  # P(goal within the 100-step time limit)
    n, wins = 300, 0
    for i in range(n):
        s, _ = env.reset(seed=i)
        done = False
        while not done:
            s, r, terminated, truncated, _ = env.step(int(pi[s]))
            done = terminated or truncated
        wins += r
    se = np.sqrt(p100 * (1 - p100) / n)
    assert abs(wins / n - p100) < 5 * se


def test_gridworld_passes_check_env() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(GridWorldEnv(), skip_render_check=True)
        check_env(GridWorldEnv(render_mode="ansi"), skip_render_check=True)


def test_gridworld_render_and_bad_arguments() -> None:
    env = GridWorldEnv(render_mode="ansi")
    env.reset(seed=0)
    assert env.render().splitlines()[3] == "@...."
    env.step(2)
    assert "@" in env.render()
    assert env.reset(options={"start_state": 7})[0] == 7
    for bad in (4, 99):  # 4 is the goal 'G'
        with pytest.raises(ValueError, match="start_state"):
            env.reset(options={"start_state": bad})
    with pytest.raises(TypeError, match="start_state"):
        env.reset(options={"start_state": 7.0})  # no silent int()
    with pytest.raises(ValueError, match="options"):
        env.reset(options={"start": 7})
    with pytest.raises(ValueError, match="render_mode"):
        GridWorldEnv(render_mode="human")
    with pytest.raises(ValueError, match=r"action must be an element of Discrete\(4\)"):
        env.step(7)
    for bad in (1.0, "1", np.array([1]), None):  # what Discrete(4).contains rejects; 1.0 is not int()-ed
        assert not env.action_space.contains(bad)
        with pytest.raises(TypeError, match=r"action must be an element of Discrete\(4\)"):
            env.step(bad)
    assert env.reset(options={"start_state": 7})[0] == 7 and env.step(np.int64(1))[0] in (8, 12, 6)
    with pytest.raises(ValueError, match="layout"):
        GridConfig(layout=("S..", ".."))
    with pytest.raises(ValueError, match="layout"):
        GridConfig(layout=("...", "..."))
    with pytest.raises(ValueError, match="exits"):
        GridConfig(layout=("S.Z",))
    with pytest.raises(ValueError, match="slip"):
        GridConfig(slip=1.5)


def test_seeded_episodes_are_reproducible() -> None:
    def episode(seed: int) -> list:
        env = GridWorldEnv()
        s, _ = env.reset(seed=seed)
        env.action_space.seed(seed)
        out = []
        for _ in range(30):
            s, r, terminated, _, _ = env.step(env.action_space.sample())
            out.append((s, r, terminated))
            if terminated:
                break
        return out

    assert episode(1) == episode(1)
    assert episode(1) != episode(2)


def test_gridworld_step_draws_as_bisect_on_the_seeded_stream() -> None:
    """One uniform per step, outcome = first k with u < cum_k: the draws of the bisect-based step."""
    import bisect
    env, seed = GridWorldEnv(), 5
    s, _ = env.reset(seed=seed)
    u_stream = np.random.default_rng(seed)  # Gymnasium seeds np_random as PCG64(SeedSequence(seed)), as here
    actions = np.random.default_rng(1).integers(0, 4, 300)
    for a in actions:
        outcomes = env.P[s][int(a)]
        cum = np.cumsum([o[0] for o in outcomes]).tolist()
        want = outcomes[min(bisect.bisect_right(cum, u_stream.random()), len(outcomes) - 1)]
        s2, r, terminated, _, info = env.step(a)
        assert (info["prob"], s2, r, terminated) == want
        s = env.reset()[0] if terminated else s2


def test_gridworld_table_matches_sampled_frequencies() -> None:
    env = GridWorldEnv()
    n, counts = 4000, {}
    env.reset(seed=0)
    for _ in range(n):
        env.s = 7  # an interior cell, moving down
        s2, *_ = env.step(1)
        counts[s2] = counts.get(s2, 0) + 1
    for p, s2, _, _ in env.P[7][1]:
        assert abs(counts.get(s2, 0) / n - p) < 5 * np.sqrt(p * (1 - p) / n)


def test_estimate_model_recovers_true_model(grid: TabularMDP) -> None:
    rng = np.random.default_rng(0)
    live = np.flatnonzero(~grid.terminal)
    s = np.repeat(live, 4 * 400)
    a = np.tile(np.repeat(np.arange(4), 400), live.size)
    s2 = (rng.random(s.size)[:, None] > grid.P[s, a].cumsum(axis=1)).sum(axis=1)
    table = GridWorldEnv().P
    r = np.array([dict((t[1], t[2]) for t in table[i][j])[k] for i, j, k in zip(s, a, s2, strict=True)])
    model, N = estimate_model(s, a, r, s2, grid.terminal[s2], grid.n_states, 4, grid.gamma)
    assert (N[live] == 400).all() and (N[grid.terminal] == 0).all()
    np.testing.assert_array_equal(model.terminal, grid.terminal)
    se = np.sqrt(grid.P * (1 - grid.P) / 400)
    assert (np.abs(model.P - grid.P)[live] <= 5 * se[live] + 1e-12).all()


def test_successor_mdp_matches_dense() -> None:
    sm = gridworld_successor_mdp((6, 7), gamma=1.0)
    dense = sm.to_tabular()
    V1, pi1 = value_iteration(sm)
    V2, _ = value_iteration(dense)
    np.testing.assert_allclose(V1, V2, atol=1e-8)
    np.testing.assert_allclose(policy_evaluation(sm, pi1), policy_evaluation_exact(dense, pi1), atol=1e-6)


# ----------------------------------------------------------------------------------- bad input
def test_bad_mdp_arguments_raise() -> None:
    ok = example_4_1_gridworld()
    P, R, term = np.array(ok.P), np.array(ok.R), np.array(ok.terminal)
    bad_P = P.copy()
    bad_P[3, 1, 2] += 0.1
    with pytest.raises(ValueError, match=r"P\[s, a, :\] must sum to 1"):
        TabularMDP(bad_P, R, 0.9, term)
    with pytest.raises(ValueError, match="P must have shape"):
        TabularMDP(P[:, :, :3], R, 0.9, term)
    with pytest.raises(ValueError, match="P must be >= 0"):
        TabularMDP(np.where(P > 0, 2.0, -1.0 / 15), R, 0.9, term)
    with pytest.raises(ValueError, match="R must have shape"):
        TabularMDP(P, R[:, :2], 0.9, term)
    with pytest.raises(ValueError, match="terminal must have shape"):
        TabularMDP(P, R, 0.9, term[:3])
    for gamma in (-0.1, 1.5):
        with pytest.raises(ValueError, match="gamma must lie in"):
            TabularMDP(P, R, gamma, term)
    with pytest.raises(ValueError, match="gamma = 1 needs a terminal"):
        TabularMDP(P, R, 1.0, np.zeros(16, bool))  # (P not absorbing at 0 and 15 is fine without terminals)
    with pytest.raises(ValueError, match="terminal states must be absorbing"):
        TabularMDP(example_3_5_gridworld().P, example_3_5_gridworld().R, 0.9, np.eye(25, dtype=bool)[0])
    with pytest.raises(ValueError, match="gamma = 1 needs a terminal"):
        example_3_5_gridworld(gamma=1.0)


def test_bad_policy_and_value_arguments_raise(grid: TabularMDP) -> None:
    with pytest.raises(ValueError, match="policy must have shape"):
        policy_evaluation(grid, np.zeros(3, int))
    with pytest.raises(ValueError, match="policy must have shape"):
        policy_evaluation_exact(grid, np.full((grid.n_states, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"policy must hold indices in \[0, 4\)"):
        policy_evaluation(grid, np.full(grid.n_states, 4))
    with pytest.raises(TypeError, match="policy must hold integer"):
        policy_evaluation(grid, np.full(grid.n_states, 1.0))
    with pytest.raises(ValueError, match=r"policy\[0, :\] sums to 1.2"):
        policy_evaluation(grid, np.full((grid.n_states, 4), 0.3))
    with pytest.raises(ValueError, match="V must have shape"):
        q_from_v(grid, np.zeros(3))
    mdp41 = example_4_1_gridworld()
    with pytest.raises(ValueError, match="policy never reaches a terminal"):
        policy_evaluation_exact(mdp41, np.full(16, 3))  # always 'up': the top row never ends
    with pytest.raises(ValueError, match="n_sweeps"):
        policy_evaluation_sweeps(grid, uniform_policy(grid), -1)
    with pytest.raises(ValueError, match="depth"):
        lookahead(grid, 0, 0)
    with pytest.raises(ValueError, match="s must be an integer in"):
        lookahead(grid, 99, 1)
    with pytest.raises(TypeError, match="s must be an integer"):
        lookahead(grid, 1.5, 1)
    with pytest.raises(ValueError, match="tol must lie"):
        value_iteration(grid, tol=-1)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        policy_evaluation(grid, uniform_policy(grid), max_iter=10.0)
    with pytest.raises(ValueError, match="start_states"):
        mc_returns(grid, uniform_policy(grid), np.array([99]), rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="start_states must hold integer"):
        mc_returns(grid, uniform_policy(grid), np.array([0.7]), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="first_actions"):
        mc_returns(grid, uniform_policy(grid), np.array([1]), rng=np.random.default_rng(0),
                   first_actions=np.array([9]))


def test_bad_gym_tables_and_models_raise() -> None:
    P = {0: {0: [(1.0, 1, 0.0, True)]}, 1: {0: [(1.0, 1, 0.0, True)]}}
    mdp = from_gym_P(P, 2, 1, 0.9)
    assert mdp.terminal.tolist() == [False, True]
    with pytest.raises(ValueError, match=r"missing the entry P\[0\]\[1\]"):
        from_gym_P(P, 2, 2, 0.9)
    with pytest.raises(ValueError, match=r"P\[0\]\[0\]\[0\] next_state"):
        from_gym_P({0: {0: [(1.0, 5, 0.0, False)]}}, 1, 1, 0.9)
    with pytest.raises(ValueError, match="both with terminated"):
        from_gym_P({0: {0: [(0.5, 0, 0.0, True), (0.5, 0, 0.0, False)]}}, 1, 1, 0.9)
    zeros, done = np.zeros(3, int), np.zeros(3, bool)
    with pytest.raises(ValueError, match="actions must have the length of states"):
        estimate_model(zeros, zeros[:2], np.zeros(3), zeros, done, 2, 1, 0.9)
    for bad in (99, -1):  # -1 used to count as the last state, 99 raised an IndexError
        with pytest.raises(ValueError, match=r"states must hold indices in \[0, 2\)"):
            estimate_model(np.array([0, bad, 1]), zeros, np.zeros(3), zeros, done, 2, 1, 0.9)
    with pytest.raises(ValueError, match="shape must hold at least 2 cells"):
        gridworld_successor_mdp((1, 1))
    with pytest.raises(ValueError, match=r"slip must lie in \[0, 1\], got 1.5"):
        gridworld_successor_mdp((2, 2), slip=1.5)
    with pytest.raises(ValueError, match=r"prob\[s, a, :\] must sum to 1"):
        SuccessorMDP(np.zeros((1, 1, 1), int), np.full((1, 1, 1), 0.5), np.zeros((1, 1)), 0.9,
                     np.zeros(1, bool))
    with pytest.raises(TypeError, match="next_state must hold integer"):
        SuccessorMDP(np.full((1, 1, 1), 0.9), np.ones((1, 1, 1)), np.zeros((1, 1)), 0.9, np.zeros(1, bool))


def test_read_gym_P_pads_with_outcomes_that_are_never_drawn() -> None:
    from lecture_utils.sampling import categorical_from_cumulative
    third = 1 / 3
    P = {0: {0: [(third, 0, 1.0, False), (third, 1, 2.0, False), (third, 2, 3.0, True)],
             1: [(1.0, 1, -1.0, False)]},
         1: {0: [(0.25, 0, 0.0, False), (0.75, 1, 0.5, False)], 1: [(1.0, 2, 7.0, True)]},
         2: {0: [(1.0, 2, 0.0, True)], 1: [(1.0, 2, 0.0, True)]}}
    table = read_gym_P(P, 3, 2)
    assert table.prob.shape == (3, 2, 3)
    np.testing.assert_array_equal(table.prob[0, 1], [1.0, 0.0, 0.0])  # padded with probability 0 ...
    np.testing.assert_array_equal(table.next_state[1, 0], [0, 1, 1])  # ... repeating the last outcome
    np.testing.assert_array_equal(table.reward[0, 0], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(table.terminated[0, 0], [False, False, True])
    u = np.append(np.linspace(0.0, 1.0, 2001)[:-1], np.nextafter(1.0, 0.0))  # the whole of [0, 1)
    cum = np.cumsum(table.prob, axis=-1)
    for s in range(3):
        for a in range(2):
            k = categorical_from_cumulative(np.broadcast_to(cum[s, a], (u.size, 3)), u)
            assert (table.prob[s, a, k] > 0).all(), (s, a)
            # each real outcome is drawn with its probability (to the grid's resolution of 1/2000)
            freq = np.bincount(k, minlength=3) / u.size
            np.testing.assert_allclose(freq, table.prob[s, a], atol=1 / 2000 + 1e-12)


@pytest.mark.parametrize(("P", "message"), [
    ({0: {0: [(1.0, 0, 0.0, False)]}, 1: {}}, r"missing the entry P\[1\]\[0\]"),
    ({0: {0: []}}, r"P\[0\]\[0\] must list at least one outcome"),
    ({0: {0: [(1.0, 0, 0.0)]}}, r"P\[0\]\[0\]\[0\] must be a tuple"),
    ({0: {0: [(float("nan"), 0, 0.0, False)]}}, r"P\[0\]\[0\]\[0\] prob must be finite"),
    ({0: {0: [(1.5, 0, 0.0, False)]}}, r"P\[0\]\[0\]\[0\] prob must lie in \[0, 1\]"),
    ({0: {0: [(1.0, 0.5, 0.0, False)]}}, r"P\[0\]\[0\]\[0\] next_state must be an integer"),
    ({0: {0: [(1.0, -1, 0.0, False)]}}, r"P\[0\]\[0\]\[0\] next_state must be an integer in"),
    ({0: {0: [(1.0, 0, float("inf"), False)]}}, r"P\[0\]\[0\]\[0\] reward must be finite"),
    ({0: {0: [(1.0, 0, 0.0, 1)]}}, r"P\[0\]\[0\]\[0\] terminated must be a bool"),
    ({0: {0: [(0.5, 0, 0.0, False), (0.4, 0, 0.0, False)]}}, r"P\[0\]\[0\] must sum to 1, they sum to 0.9"),
])
def test_read_gym_P_rejects_bad_tables_naming_the_entry(P: dict, message: str) -> None:
    n_states = len(P)
    with pytest.raises(BadArgument, match=message):
        read_gym_P(P, n_states, 1)


def test_gym_table_checks_its_arrays() -> None:
    ok = dict(prob=np.ones((2, 1, 1)), next_state=np.zeros((2, 1, 1), int), reward=np.zeros((2, 1, 1)),
              terminated=np.zeros((2, 1, 1), bool))
    GymTable(**ok)
    with pytest.raises(BadArgument, match="next_state must hold indices"):
        GymTable(**{**ok, "next_state": np.full((2, 1, 1), 2)})
    with pytest.raises(BadArgument, match=r"terminated must have shape \(2, 1, 1\)"):
        GymTable(**{**ok, "terminated": np.zeros((2, 1), bool)})
    with pytest.raises(BadArgumentType, match="terminated must be a bool array"):
        GymTable(**{**ok, "terminated": np.zeros((2, 1, 1))})


def test_mdp_is_immutable_and_hashable(grid: TabularMDP) -> None:
    with pytest.raises(ValueError, match="read-only"):
        grid.P[0, 0, 0] = 0.5
    assert hash(grid) == hash(grid) and grid == grid and grid != GridWorldEnv().to_mdp(0.9)
