"""Bad inputs for lecture_utils.gridworld."""

import numpy as np

from bad_inputs.case import Case
from lecture_utils.gridworld import GridConfig, GridWorldEnv, gridworld_successor_mdp

NAN = float("nan")
ENV = GridWorldEnv()
ENV.reset(seed=0)


def _step(action: object) -> object:
    ENV.reset()
    return ENV.step(action)


NO_BAD_INPUT: dict[str, str] = {}
CASES = [
    Case("gridworld.GridConfig", "ragged rows", "layout", lambda: GridConfig(layout=("S..", ".."))),
    Case("gridworld.GridConfig", "no start", "layout", lambda: GridConfig(layout=("...", "..."))),
    Case("gridworld.GridConfig", "two starts", "layout", lambda: GridConfig(layout=("S.S",))),
    Case("gridworld.GridConfig", "empty", "layout", lambda: GridConfig(layout=())),
    Case("gridworld.GridConfig", "a string", "layout", lambda: GridConfig(layout="S..G")),
    Case("gridworld.GridConfig", "unknown cell", "exits", lambda: GridConfig(layout=("S.Z",))),
    Case("gridworld.GridConfig", "nan reward", "exits['G']",
         lambda: GridConfig(exits={"G": NAN, "g": 1.0, "X": -1.0})),
    Case("gridworld.GridConfig", "two-letter key", "exits", lambda: GridConfig(exits={"GG": 1.0})),
    Case("gridworld.GridConfig", "a list", "exits", lambda: GridConfig(exits=[("G", 1.0)])),
    Case("gridworld.GridConfig", "inf", "step_reward", lambda: GridConfig(step_reward=float("-inf"))),
    Case("gridworld.GridConfig", "string", "step_reward", lambda: GridConfig(step_reward="0")),
    Case("gridworld.GridConfig", "out of range", "slip", lambda: GridConfig(slip=1.5)),
    Case("gridworld.GridConfig", "nan", "slip", lambda: GridConfig(slip=NAN)),
    Case("gridworld.GridWorldEnv", "unknown mode", "render_mode", lambda: GridWorldEnv(render_mode="human")),
    Case("gridworld.GridWorldEnv", "not a config", "config", lambda: GridWorldEnv({"slip": 0.1})),
    Case("gridworld.GridWorldEnv", "reset: terminal start", "start_state",
         lambda: ENV.reset(options={"start_state": 4})),
    Case("gridworld.GridWorldEnv", "reset: out of range", "start_state",
         lambda: ENV.reset(options={"start_state": 25})),
    Case("gridworld.GridWorldEnv", "reset: float for int", "start_state",
         lambda: ENV.reset(options={"start_state": 7.0})),
    Case("gridworld.GridWorldEnv", "reset: unknown option", "options",
         lambda: ENV.reset(options={"start": 7})),
    Case("gridworld.GridWorldEnv", "step: out of range", "action", lambda: _step(4)),
    Case("gridworld.GridWorldEnv", "step: negative", "action", lambda: _step(-1)),
    Case("gridworld.GridWorldEnv", "step: float for int", "action", lambda: _step(1.0)),
    Case("gridworld.GridWorldEnv", "step: array", "action", lambda: _step(np.array([1]))),
    Case("gridworld.GridWorldEnv", "to_mdp: out of range", "gamma", lambda: ENV.to_mdp(1.5)),
    Case("gridworld.gridworld_successor_mdp", "out of range", "slip",
         lambda: gridworld_successor_mdp((3, 3), slip=1.5)),
    Case("gridworld.gridworld_successor_mdp", "one cell", "shape", lambda: gridworld_successor_mdp((1, 1))),
    Case("gridworld.gridworld_successor_mdp", "float side", "shape",
         lambda: gridworld_successor_mdp((2.0, 3))),
    Case("gridworld.gridworld_successor_mdp", "nan", "step_reward",
         lambda: gridworld_successor_mdp((2, 3), step_reward=NAN)),
    Case("gridworld.gridworld_successor_mdp", "out of range", "gamma",
         lambda: gridworld_successor_mdp((2, 3), gamma=2.0)),
]
