"""Bad inputs for lecture_utils.rl."""

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from matplotlib.figure import Figure

from bad_inputs.case import Case
from lecture_utils import rl

NO_BAD_INPUT = {
    "rl.BanditResult": "a result record the library fills",
    "rl.TDResult": "a result record the library fills",
}

RNG = np.random.default_rng(0)
Q2 = np.zeros((3, 2))


class _TwoStates(gym.Env):
    """s0 -a0-> s0 (+1), s0 -a1-> s1, s1 -a1-> end (+20): a too-large alpha makes Q-learning diverge."""

    def __init__(self) -> None:
        self.observation_space, self.action_space = spaces.Discrete(3), spaces.Discrete(2)
        self.P = {0: {0: [(1.0, 0, 1.0, False)], 1: [(1.0, 1, 0.0, False)]},
                  1: {0: [(1.0, 0, 0.0, False)], 1: [(1.0, 2, 20.0, True)]},
                  2: {0: [(1.0, 2, 0.0, True)], 1: [(1.0, 2, 0.0, True)]}}


def _table(**change):
    """A valid 2-state, 1-action, 2-outcome table with some fields replaced."""
    fields = dict(cum_prob=np.array([[[0.5, 1.0]], [[1.0, 1.0]]]), next_state=np.array([[[0, 1]], [[1, 1]]]),
                  reward=np.zeros((2, 1, 2)), terminated=np.zeros((2, 1, 2), bool), start_state=0)
    return rl.TransitionTable(**{**fields, **change})


def _cliff():
    return gym.make("CliffWalking-v1")


CASES = [
    # epsilon_greedy
    Case("rl.epsilon_greedy", "empty list", "Q", lambda: rl.epsilon_greedy([], 0.1, rng=RNG)),
        Case("rl.epsilon_greedy", "inf", "Q", lambda: rl.epsilon_greedy([[np.inf, 0.0]], 0.1, rng=RNG)),
    Case("rl.epsilon_greedy", "wrong shape (scalar)", "Q", lambda: rl.epsilon_greedy(1.0, 0.1, rng=RNG)),
    Case("rl.epsilon_greedy", "wrong dtype", "Q", lambda: rl.epsilon_greedy(["a", "b"], 0.1, rng=RNG)),
    Case("rl.epsilon_greedy", "seed for rng", "rng", lambda: rl.epsilon_greedy(Q2, 0.1, rng=0)),
    Case("rl.epsilon_greedy", "nan", "Q", lambda: rl.epsilon_greedy([[np.nan, 1.0]], 0.1, rng=RNG)),
    Case("rl.epsilon_greedy", "empty", "Q", lambda: rl.epsilon_greedy(np.zeros((3, 0)), 0.1, rng=RNG)),
    Case("rl.epsilon_greedy", "nan", "epsilon", lambda: rl.epsilon_greedy(Q2, float("nan"), rng=RNG)),
    Case("rl.epsilon_greedy", "out of range", "epsilon", lambda: rl.epsilon_greedy(Q2, 1.5, rng=RNG)),
    Case("rl.epsilon_greedy", "out of range", "epsilon", lambda: rl.epsilon_greedy(Q2, -0.1, rng=RNG)),
    Case("rl.epsilon_greedy", "wrong dtype", "epsilon", lambda: rl.epsilon_greedy(Q2, "0.1", rng=RNG)),
    Case("rl.epsilon_greedy", "legacy RandomState", "rng",
         lambda: rl.epsilon_greedy(Q2, 0.1, rng=np.random.RandomState(0))),
    # the bandit testbed
    Case("rl.BanditConfig", "float for int", "n_arms", lambda: rl.BanditConfig(n_arms=2.5)),
    Case("rl.BanditConfig", "bool for int", "n_arms", lambda: rl.BanditConfig(n_arms=True)),
    Case("rl.BanditConfig", "out of range", "n_runs", lambda: rl.BanditConfig(n_runs=0)),
    Case("rl.BanditConfig", "out of range", "n_steps", lambda: rl.BanditConfig(n_steps=-1)),
    Case("rl.BanditConfig", "nan", "initial_Q", lambda: rl.BanditConfig(initial_Q=float("nan"))),
    Case("rl.BanditConfig", "inf", "initial_Q", lambda: rl.BanditConfig(initial_Q=float("inf"))),
    Case("rl.run_bandit_testbed", "out of range", "epsilon", lambda: rl.run_bandit_testbed(1.5, rng=RNG)),
    Case("rl.run_bandit_testbed", "nan", "epsilon", lambda: rl.run_bandit_testbed(float("nan"), rng=RNG)),
    Case("rl.run_bandit_testbed", "wrong type", "config",
         lambda: rl.run_bandit_testbed(0.1, {"n_arms": 10}, rng=RNG)),
    Case("rl.run_bandit_testbed", "missing rng", "rng", lambda: rl.run_bandit_testbed(0.1, rng=None)),
    # random-walk prediction
    Case("rl.random_walk_prediction", "unknown option", "method",
         lambda: rl.random_walk_prediction("dp", 0.1, rng=RNG)),
    Case("rl.random_walk_prediction", "zero", "alpha", lambda: rl.random_walk_prediction("td", 0.0, rng=RNG)),
    Case("rl.random_walk_prediction", "nan", "alpha",
         lambda: rl.random_walk_prediction("td", float("nan"), rng=RNG)),
    Case("rl.random_walk_prediction", "inf", "alpha",
         lambda: rl.random_walk_prediction("mc", float("inf"), rng=RNG)),
    Case("rl.random_walk_prediction", "diverges", "alpha",
         lambda: rl.random_walk_prediction("td", 5.0, rng=RNG)),
    Case("rl.random_walk_prediction", "float for int", "n_runs",
         lambda: rl.random_walk_prediction("td", 0.1, n_runs=2.5, rng=RNG)),
    Case("rl.random_walk_prediction", "out of range", "n_episodes",
         lambda: rl.random_walk_prediction("td", 0.1, n_episodes=0, rng=RNG)),
    Case("rl.random_walk_prediction", "seed for rng", "rng",
         lambda: rl.random_walk_prediction("td", 0.1, rng=1)),
    # transition tables
    Case("rl.TransitionTable", "not normalised", "cum_prob",
         lambda: _table(cum_prob=np.full((2, 1, 2), 0.5))),
    Case("rl.TransitionTable", "nan", "cum_prob",
         lambda: _table(cum_prob=np.array([[[np.nan, 1.0]], [[1.0, 1.0]]]))),
    Case("rl.TransitionTable", "wrong shape", "cum_prob", lambda: _table(cum_prob=np.ones((2, 2)))),
    Case("rl.TransitionTable", "out of range", "next_state",
         lambda: _table(next_state=np.array([[[0, 2]], [[1, 1]]]))),
    Case("rl.TransitionTable", "float for int", "next_state", lambda: _table(next_state=np.zeros((2, 1, 2)))),
    Case("rl.TransitionTable", "wrong shape", "next_state",
         lambda: _table(next_state=np.zeros((2, 1, 3), int))),
    Case("rl.TransitionTable", "wrong shape", "reward", lambda: _table(reward=np.zeros((2, 2, 2)))),
    Case("rl.TransitionTable", "nan", "reward", lambda: _table(reward=np.full((2, 1, 2), np.nan))),
    Case("rl.TransitionTable", "out of range", "start_state", lambda: _table(start_state=2)),
    Case("rl.TransitionTable", "float for int", "start_state", lambda: _table(start_state=0.0)),
    Case("rl.TransitionTable", "step: out of range", "s", lambda: _table().step([2], [0], rng=RNG)),
    Case("rl.TransitionTable", "step: float for int", "a", lambda: _table().step([0], [0.0], rng=RNG)),
    Case("rl.TransitionTable", "step: wrong shape", "a", lambda: _table().step([0, 1], [0], rng=RNG)),
    Case("rl.TransitionTable", "step: seed for rng", "rng", lambda: _table().step([0], [0], rng=0)),
    Case("rl.table_from_env", "continuous actions", "action_space",
         lambda: rl.table_from_env(gym.make("MountainCarContinuous-v0"))),
    Case("rl.table_from_env", "continuous states", "observation_space",
         lambda: rl.table_from_env(gym.make("CartPole-v1"))),
    Case("rl.table_from_env", "not an env", "env.action_space", lambda: rl.table_from_env(3)),
    # tabular control
    Case("rl.TDConfig", "zero", "alpha", lambda: rl.TDConfig(alpha=0.0)),
    Case("rl.TDConfig", "nan", "alpha", lambda: rl.TDConfig(alpha=float("nan"))),
    Case("rl.TDConfig", "out of range", "epsilon", lambda: rl.TDConfig(epsilon=1.5)),
    Case("rl.TDConfig", "out of range", "gamma", lambda: rl.TDConfig(gamma=-0.1)),
    Case("rl.TDConfig", "inf", "gamma", lambda: rl.TDConfig(gamma=float("inf"))),
    Case("rl.TDConfig", "float for int", "n_episodes", lambda: rl.TDConfig(n_episodes=2.5)),
    Case("rl.TDConfig", "out of range", "n_runs", lambda: rl.TDConfig(n_runs=0)),
    Case("rl.TDConfig", "out of range", "max_steps", lambda: rl.TDConfig(max_steps=0)),
    Case("rl.td_control", "unknown option", "method",
         lambda: rl.td_control(_cliff(), "expected_sarsa", rng=RNG)),
    Case("rl.td_control", "wrong type", "config",
         lambda: rl.td_control(_cliff(), "sarsa", rl.BanditConfig(), rng=RNG)),
    Case("rl.td_control", "missing rng", "rng", lambda: rl.td_control(_cliff(), "sarsa", rng=None)),
    Case("rl.td_control", "continuous env", "observation_space",
         lambda: rl.td_control(gym.make("CartPole-v1"), "sarsa", rng=RNG)),
    Case("rl.td_control", "diverges", "alpha",
         lambda: rl.td_control(_TwoStates(), "q_learning",
                               rl.TDConfig(alpha=10.0, gamma=0.9, n_runs=2), rng=RNG)),
    Case("rl.greedy_rollout", "wrong shape", "Q", lambda: rl.greedy_rollout(_cliff(), np.zeros((48, 3)))),
    Case("rl.greedy_rollout", "nan", "Q", lambda: rl.greedy_rollout(_cliff(), np.full((48, 4), np.nan))),
    Case("rl.greedy_rollout", "out of range", "max_steps",
         lambda: rl.greedy_rollout(_cliff(), np.zeros((48, 4)), max_steps=0)),
    Case("rl.greedy_rollout", "float for int", "max_steps",
         lambda: rl.greedy_rollout(_cliff(), np.zeros((48, 4)), max_steps=2.5)),
    Case("rl.greedy_rollout", "stochastic env", "env",
         lambda: rl.greedy_rollout(gym.make("CliffWalking-v1", is_slippery=True), np.zeros((48, 4)))),
    Case("rl.plot_cliff_paths", "not an Axes", "ax", lambda: rl.plot_cliff_paths(None, {"a": [36]})),
    Case("rl.plot_cliff_paths", "float for int", "shape",
         lambda: rl.plot_cliff_paths(Figure().add_subplot(), {"a": [36]}, shape=(2.5, 12))),
    Case("rl.plot_cliff_paths", "out of range", "paths['a']",
         lambda: rl.plot_cliff_paths(Figure().add_subplot(), {"a": [36, 48]})),
    Case("rl.plot_cliff_paths", "float for int", "paths['a']",
         lambda: rl.plot_cliff_paths(Figure().add_subplot(), {"a": [36.0]})),
    Case("rl.plot_cliff_paths", "not a dict", "paths",
         lambda: rl.plot_cliff_paths(Figure().add_subplot(), [36])),
]
