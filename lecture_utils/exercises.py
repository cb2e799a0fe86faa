"""Checkers of the notebooks' exercises: each tests properties of an answer and says in one sentence what is
wrong (``ExerciseFailed``), or prints that the exercise passed.

The notebooks' check cells call them (``tools/editions.py`` runs the same cells to grade submissions). A
checker recomputes what it needs from the library, so a student's answer is compared with the lecture's
own numbers, never with a stored copy of the solution.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lecture_utils import checks

__all__ = [
    "ExerciseFailed",
    "check_slip_free_switch",
    "check_example_3_8",
    "check_frozen_lake_discount",
]


class ExerciseFailed(checks.BadArgument):
    """A wrong answer to an exercise; the message says what is wrong, in one sentence."""


def _passed(exercise: str, detail: str) -> None:
    print(f"Exercise {exercise} passed: {detail}")


def _number(name: str, value: Any) -> float:
    """The answer ``name`` as a finite float, or ExerciseFailed."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ExerciseFailed(f"{name} must be a number, got {checks.show(value)}")
    if not math.isfinite(float(value)):
        raise ExerciseFailed(f"{name} must be a finite number, got {value}")
    return float(value)


# ----------------------------------------------------------------------------- notebook 05: MDPs
def check_slip_free_switch(gamma_switch: float) -> None:
    """Exercise 5.1: the first gamma on the grid 0.00, 0.01, ... at which the slip-free agent leaves g."""
    from lecture_utils.gridworld import GridConfig, GridWorldEnv
    from lecture_utils.mdp import DOWN, value_iteration

    g = _number("gamma_switch", gamma_switch)
    if not 0.01 <= g < 1:
        raise ExerciseFailed(f"gamma_switch must lie in [0.01, 1), got {g}")
    if abs(g * 100 - round(g * 100)) > 1e-6:
        raise ExerciseFailed(f"gamma_switch must be on the grid 0.00, 0.01, ..., got {g}")
    env = GridWorldEnv(GridConfig(slip=0.0))

    def goes_down(gamma: float) -> bool:
        return bool(value_iteration(env.to_mdp(gamma))[1][env.start_state] == DOWN)

    if goes_down(g):
        raise ExerciseFailed(f"gamma_switch = {g:.2f}: at that gamma the slip-free agent in S still goes "
                             "down to g, so the switch comes later")
    if not goes_down(round(g - 0.01, 2)):
        raise ExerciseFailed(f"gamma_switch = {g:.2f}: already at gamma = {g - 0.01:.2f} the agent in S "
                             "avoids g, so the switch comes earlier")
    _passed("5.1", f"the greedy action in S changes between gamma = {g - 0.01:.2f} and {g:.2f}; "
                   f"10 gamma^6 = 1 at gamma = {0.1 ** (1 / 6):.3f}")


def check_example_3_8(v_A: float, v_B: float) -> None:
    """Exercise 5.2: v_*(A) and v_*(B) of Example 3.8 (gamma = 0.9), to two decimals."""
    from lecture_utils.mdp import example_3_5_gridworld, value_iteration

    answers = {"v_A": _number("v_A", v_A), "v_B": _number("v_B", v_B)}
    v_star = value_iteration(example_3_5_gridworld())[0]
    truth = {"v_A": float(v_star[1]), "v_B": float(v_star[3])}  # A = (0, 1), B = (0, 3)
    for name, value in answers.items():
        if abs(value - truth[name]) > 0.01:
            hint = ("the loop A -> A' -> A takes 5 steps" if name == "v_A" else
                    "compare walking from B' back to B (2 moves) with walking on to A (4 moves)")
            raise ExerciseFailed(f"{name} = {value:.2f}, but value iteration gives {truth[name]:.2f}: {hint}")
    _passed("5.2", f"v_*(A) = {truth['v_A']:.2f} and v_*(B) = {truth['v_B']:.2f}, as value iteration finds")


def check_frozen_lake_discount(p_success: float) -> None:
    """Exercise 5.3: the chance that FrozenLake's gamma = 0.9 plan reaches the goal within 100 steps."""
    import gymnasium as gym

    from lecture_utils.mdp import from_gym_P, policy_evaluation_sweeps, value_iteration

    p = _number("p_success", p_success)
    if not 0 <= p <= 1:
        raise ExerciseFailed(f"p_success is a probability, in [0, 1]; got {p}")
    P = gym.make("FrozenLake-v1", is_slippery=True).unwrapped.P  # type: ignore[attr-defined]
    undiscounted = from_gym_P(P, 16, 4, gamma=1.0)
    pi_09 = value_iteration(from_gym_P(P, 16, 4, gamma=0.9))[1]
    pi_1 = value_iteration(undiscounted)[1]
    truth = float(policy_evaluation_sweeps(undiscounted, pi_09, 100)[-1, 0])
    plan_1 = float(policy_evaluation_sweeps(undiscounted, pi_1, 100)[-1, 0])
    if abs(p - plan_1) <= 1e-3 < abs(truth - plan_1):
        raise ExerciseFailed(f"p_success = {p:.4f} is the success probability of the gamma = 1 plan: plan "
                             "with gamma = 0.9, then evaluate that plan with gamma = 1")
    if abs(p - truth) > 1e-3:
        raise ExerciseFailed(f"p_success = {p:.4f}, but the gamma = 0.9 plan reaches the goal within 100 "
                             "steps with another probability: evaluate it with gamma = 1 (a probability, not "
                             "a discounted return) for 100 sweeps")
    _passed("5.3", f"the gamma = 0.9 plan succeeds with probability {truth:.4f} within 100 steps, "
                   f"the gamma = 1 plan with {plan_1:.4f}")
