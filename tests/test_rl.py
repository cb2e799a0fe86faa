"""Tests for lecture_utils.rl: epsilon-greedy, the bandit testbed, MC/TD prediction, Sarsa and Q-learning."""

from __future__ import annotations

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import pytest
from gymnasium import spaces

from lecture_utils import checks, rl
from lecture_utils.mdp import from_gym_P, q_from_v, value_iteration


class TwoStateEnv(gym.Env):
    """s0: a0 stays (+1), a1 moves to s1 (0); s1: a0 back to s0 (0), a1 ends the episode (+20).

    State 2 is the absorbing terminal state that Gymnasium's table needs as the episode's last state.
    """

    def __init__(self) -> None:
        self.observation_space = spaces.Discrete(3)
        self.action_space = spaces.Discrete(2)
        self.P = {0: {0: [(1.0, 0, 1.0, False)], 1: [(1.0, 1, 0.0, False)]},
                  1: {0: [(1.0, 0, 0.0, False)], 1: [(1.0, 2, 20.0, True)]},
                  2: {0: [(1.0, 2, 0.0, True)], 1: [(1.0, 2, 0.0, True)]}}
        self.initial_state_distrib = np.array([1.0, 0.0, 0.0])


def two_state_q_star(gamma: float = 0.9) -> np.ndarray:
    """Q* by hand: V(s1) = 20, Q(s0, a1) = 18 > 1 + 0.9 * 18, so V(s0) = 18; the terminal state is 0."""
    v1, v0 = 20.0, gamma * 20.0
    return np.array([[1 + gamma * v0, gamma * v1], [gamma * v0, 20.0], [0.0, 0.0]])


def test_epsilon_greedy_frequencies_match_theory():
    rng = np.random.default_rng(0)
    Q = np.tile([0.0, 1.0, 0.5, -1.0], (20_000, 1))
    eps = 0.3
    a = rl.epsilon_greedy(Q, eps, rng=rng)
    p = 1 - eps + eps / 4
    assert abs((a == 1).mean() - p) < 5 * np.sqrt(p * (1 - p) / len(a))


def test_greedy_breaks_ties_uniformly():
    a = rl.epsilon_greedy(np.zeros((40_000, 4)), 0.0, rng=np.random.default_rng(1))  # epsilon 0: greedy
    counts = np.bincount(a, minlength=4) / len(a)
    assert np.all(np.abs(counts - 0.25) < 5 * np.sqrt(0.25 * 0.75 / len(a)))


def test_epsilon_greedy_rejects_nan_and_empty_values():
    # A NaN used to lose every comparison, so the "greedy" action was always 0.
    with pytest.raises(checks.BadArgument, match="Q must be finite"):
        rl.epsilon_greedy(np.array([[0.0, np.nan, 1.0]]), 0.1, rng=np.random.default_rng(0))
    with pytest.raises(checks.BadArgument, match="Q must have at least 1 entry"):
        rl.epsilon_greedy([], 0.1, rng=np.random.default_rng(0))


def test_bandit_testbed_reproducible_and_uniform_when_epsilon_is_one():
    cfg = rl.BanditConfig(n_runs=500, n_steps=50)
    a = rl.run_bandit_testbed(1.0, cfg, rng=np.random.default_rng(3))
    b = rl.run_bandit_testbed(1.0, cfg, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.rewards, b.rewards)
    n = a.optimal.size
    assert abs(a.optimal.mean() - 0.1) < 5 * np.sqrt(0.09 / n)


def test_random_walk_td_and_mc_approach_true_values():
    for method, alpha in (("td", 0.05), ("mc", 0.02)):
        rms = rl.random_walk_prediction(method, alpha, n_runs=50, rng=np.random.default_rng(0))
        assert rms.shape == (50, 101)
        assert rms[:, -1].mean() < 0.5 * rms[:, 0].mean()


@pytest.mark.parametrize("method", ["td", "mc"])
def test_random_walk_too_large_alpha_raises_naming_alpha(method):
    # alpha = 5 overshoots by a factor of about 4 per update: values used to reach 1e74.
    with pytest.raises(checks.DivergedError, match="alpha = 5"):
        rl.random_walk_prediction(method, 5.0, n_runs=4, rng=np.random.default_rng(0))


def test_td_control_too_large_alpha_raises_naming_alpha():
    cfg = rl.TDConfig(alpha=10.0, epsilon=0.5, gamma=0.9, n_episodes=2000, n_runs=2)
    with pytest.raises(checks.DivergedError, match="alpha = 10"):
        rl.td_control(TwoStateEnv(), "q_learning", cfg, rng=np.random.default_rng(0))


def test_q_learning_converges_on_two_state_mdp():
    env = TwoStateEnv()
    cfg = rl.TDConfig(alpha=0.2, epsilon=0.5, gamma=0.9, n_episodes=300, n_runs=4)
    res = rl.td_control(env, "q_learning", cfg, rng=np.random.default_rng(0))
    expected = two_state_q_star()
    # Deterministic dynamics: Q-learning's fixed point is Q*; the error shrinks geometrically.
    np.testing.assert_allclose(res.Q, np.broadcast_to(expected, res.Q.shape), atol=1e-3)
    mdp = from_gym_P(env.P, 3, 2, gamma=0.9)
    V, _ = value_iteration(mdp)
    np.testing.assert_allclose(q_from_v(mdp, V), expected, atol=1e-8)


def test_td_control_is_reproducible():
    env = gym.make("CliffWalking-v1")
    cfg = rl.TDConfig(n_episodes=5, n_runs=3)
    a = rl.td_control(env, "sarsa", cfg, rng=np.random.default_rng(5))
    b = rl.td_control(env, "sarsa", cfg, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.Q, b.Q)
    np.testing.assert_array_equal(a.returns, b.returns)
    assert a.returns.shape == (3, 5) and (a.returns < 0).all()


def test_transition_table_matches_env_step():
    env = gym.make("CliffWalking-v1")
    table = rl.table_from_env(env)
    rng = np.random.default_rng(0)
    for s in range(48):
        for a in range(4):
            env.reset(seed=0)
            env.unwrapped.s = s
            s2, r, term, _, _ = env.step(a)
            got = table.step(np.array([s]), np.array([a]), rng=rng)
            assert (got[0][0], got[1][0], got[2][0]) == (s2, r, term)


def test_transition_table_samples_slippery_outcomes_with_their_probabilities():
    env = gym.make("FrozenLake-v1", is_slippery=True)
    table = rl.table_from_env(env)
    P = env.unwrapped.P[6][1]  # state 6, action "down": three outcomes, 1/3 each
    n = 30_000
    s2, _, _ = table.step(np.full(n, 6), np.full(n, 1), rng=np.random.default_rng(0))
    for p, s_next, _, _ in P:
        freq = (s2 == s_next).mean()
        assert abs(freq - p) < 5 * np.sqrt(p * (1 - p) / n)  # 5 binomial standard errors
    assert set(np.unique(s2)) == {o[1] for o in P}


def test_greedy_rollout_and_plot():
    env = gym.make("CliffWalking-v1")
    mdp = from_gym_P(env.unwrapped.P, 48, 4, gamma=1.0)
    V, _ = value_iteration(mdp)
    path, ret = rl.greedy_rollout(env, q_from_v(mdp, V))
    assert ret == -13.0 and path[0] == 36 and path[-1] == 47
    fig, ax = plt.subplots()
    assert rl.plot_cliff_paths(ax, {"optimal": path}) is ax
    plt.close(fig)
