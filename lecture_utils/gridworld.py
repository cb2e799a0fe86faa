"""A slippery gridworld that follows the Gymnasium API and exposes its model as a toy-text ``P`` table."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from lecture_utils import checks
from lecture_utils.mdp import (
    ACTION_ARROWS,
    ACTION_DELTAS,
    SuccessorMDP,
    TabularMDP,
    from_gym_P,
    grid_moves,
    read_gym_P,
)
from lecture_utils.sampling import categorical_from_cumulative

__all__ = ["GridConfig", "GridWorldEnv", "gridworld_successor_mdp"]


@dataclass(frozen=True)
class GridConfig:
    """Layout and rewards: '.' free, 'S' start, any other letter a terminal cell paying ``exits[letter]``."""

    layout: tuple[str, ...] = (
        "....G",
        ".X...",
        "...X.",
        "S....",
        "g....",
    )
    exits: dict[str, float] = field(default_factory=lambda: {"G": 10.0, "g": 1.0, "X": -10.0})
    step_reward: float = 0.0  # reward of every move that does not enter a terminal cell
    slip: float = 0.2  # probability of moving to one of the two perpendicular directions instead

    def __post_init__(self) -> None:
        layout = self.layout
        if not isinstance(layout, tuple) or not all(isinstance(row, str) for row in layout):
            raise checks.BadArgumentType(f"layout must be a tuple of strings, got {checks.show(layout)}")
        if not layout or len({len(row) for row in layout}) != 1 or not layout[0]:
            raise checks.BadArgument(f"layout must be a non-empty tuple of equally long, non-empty strings, "
                                     f"got {checks.show(layout)}")
        if "".join(layout).count("S") != 1:
            raise checks.BadArgument(f"layout must contain exactly one start cell 'S', "
                                     f"got {checks.show(layout)}")
        if not isinstance(self.exits, dict):
            raise checks.BadArgumentType(f"exits must be a dict letter -> reward, "
                                         f"got {checks.show(self.exits)}")
        exits = {}
        for ch, reward in self.exits.items():
            if not isinstance(ch, str) or len(ch) != 1 or ch in ".S":
                raise checks.BadArgument(f"exits keys must be single letters other than '.' and 'S', "
                                         f"got {ch!r}")
            exits[ch] = checks.real(f"exits[{ch!r}]", reward)
        unknown = set("".join(layout)) - set(".S") - set(exits)
        if unknown:
            raise checks.BadArgument(f"layout uses cells {sorted(unknown)} that exits gives no reward for")
        object.__setattr__(self, "exits", exits)
        object.__setattr__(self, "step_reward", checks.real("step_reward", self.step_reward))
        object.__setattr__(self, "slip", checks.unit_interval("slip", self.slip))

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.layout), len(self.layout[0])


def _transition_table(cfg: GridConfig) -> dict[int, dict[int, list[tuple[float, int, float, bool]]]]:
    """P[s][a] = [(prob, next_state, reward, terminated), ...]; the slip splits over both perpendiculars."""
    nrow, ncol = cfg.shape
    cells = "".join(cfg.layout)
    P: dict[int, dict[int, list[tuple[float, int, float, bool]]]] = {}
    for s, cell in enumerate(cells):
        r, c = divmod(s, ncol)
        P[s] = {}
        for a in range(4):
            if cell not in ".S":  # terminal: absorbing (never stepped from in an episode)
                P[s][a] = [(1.0, s, 0.0, True)]
                continue
            outcomes: dict[int, float] = {}
            for move, p in ((a, 1.0 - cfg.slip), ((a + 1) % 4, cfg.slip / 2), ((a + 3) % 4, cfg.slip / 2)):
                if p == 0.0:
                    continue
                r2, c2 = r + ACTION_DELTAS[move, 0], c + ACTION_DELTAS[move, 1]
                s2 = int(r2 * ncol + c2) if (0 <= r2 < nrow and 0 <= c2 < ncol) else s
                outcomes[s2] = outcomes.get(s2, 0.0) + p
            P[s][a] = []
            for s2, p in outcomes.items():
                done = cells[s2] not in ".S"
                reward = cfg.exits[cells[s2]] if done else cfg.step_reward
                P[s][a].append((p, s2, float(reward), done))
    return P


class GridWorldEnv(gym.Env):
    """Gymnasium gridworld: observation = cell index (row-major), actions 0 left, 1 down, 2 right, 3 up."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, config: GridConfig | None = None, render_mode: str | None = None) -> None:
        if config is not None and not isinstance(config, GridConfig):
            raise checks.BadArgumentType(f"config must be a GridConfig or None, got {checks.show(config)}")
        self.config = config or GridConfig()
        if render_mode is not None:
            checks.choice("render_mode", render_mode, self.metadata["render_modes"])
        self.render_mode = render_mode
        self.shape = self.config.shape
        self.n_states = self.shape[0] * self.shape[1]
        self.observation_space = spaces.Discrete(self.n_states)
        self.action_space = spaces.Discrete(4)
        self.P = _transition_table(self.config)
        self.start_state = "".join(self.config.layout).index("S")
        self.terminal = np.array([ch not in ".S" for ch in "".join(self.config.layout)])  # (S,) bool
        # the table as padded arrays, with cumulative probabilities for step()'s inverse-CDF draw
        self._table = read_gym_P(self.P, self.n_states, 4)
        self._cum = np.cumsum(self._table.prob, axis=-1)
        self.s = self.start_state
        self.lastaction: int | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[int, dict]:
        """Start at 'S', or at ``options["start_state"]`` (exploring starts)."""
        options = {} if options is None else options
        if not isinstance(options, dict) or set(options) - {"start_state"}:
            raise checks.BadArgument(f"options must be None or a dict with the key 'start_state', "
                                     f"got {checks.show(options)}")
        start = checks.index("options['start_state']", options.get("start_state", self.start_state),
                             self.n_states)
        if self.terminal[start]:
            raise checks.BadArgument(f"options['start_state'] must be a non-terminal cell, got {start}")
        super().reset(seed=seed)
        self.s, self.lastaction = start, None
        return self.s, {"prob": 1.0}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict]:
        """Move (with slip) by ``action``, an element of the action space Discrete(4)."""
        if not self.action_space.contains(action):
            # as Discrete(4).contains: non-integers (floats, strings, arrays) and integers out of range
            error = checks.BadArgument if isinstance(action, numbers.Integral) else checks.BadArgumentType
            raise error(f"action must be an element of {self.action_space} (an integer in [0, 4)), "
                        f"got {checks.show(action)}")
        a = int(action)
        i = int(categorical_from_cumulative(self._cum[self.s, a], np.asarray(self.np_random.random())))
        t = self._table
        p, s2 = float(t.prob[self.s, a, i]), int(t.next_state[self.s, a, i])
        r, done = float(t.reward[self.s, a, i]), bool(t.terminated[self.s, a, i])
        self.s, self.lastaction = s2, a
        return s2, r, done, False, {"prob": p}

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        rows = [list(row) for row in self.config.layout]
        r, c = divmod(self.s, self.shape[1])
        rows[r][c] = "@"
        head = "" if self.lastaction is None else f"  ({ACTION_ARROWS[self.lastaction]})\n"
        return head + "\n".join("".join(row) for row in rows) + "\n"

    def to_mdp(self, gamma: float) -> TabularMDP:
        """The environment's model (S, A, R, P, gamma) as arrays."""
        return from_gym_P(self.P, self.n_states, 4, gamma)


def gridworld_successor_mdp(shape: tuple[int, int], *, gamma: float = 1.0, slip: float = 0.2,
                            step_reward: float = -1.0) -> SuccessorMDP:
    """An open nrow x ncol slippery grid, terminal goal in the bottom-right corner, built vectorized."""
    nrow, ncol = checks.shape2d("shape", shape, min_cells=2)
    slip = checks.unit_interval("slip", slip)
    step_reward = checks.real("step_reward", step_reward)
    S = nrow * ncol
    moves = np.stack([np.arange(4), (np.arange(4) + 1) % 4, (np.arange(4) + 3) % 4], axis=1)  # (A, K=3)
    nxt = grid_moves((nrow, ncol))[0][:, moves]  # (S, A, K): intended move, then the two slips sideways
    prob = np.broadcast_to(np.array([1.0 - slip, slip / 2, slip / 2]), nxt.shape).copy()
    terminal = np.zeros(S, bool)
    terminal[S - 1] = True
    nxt[terminal] = S - 1
    prob[terminal] = [1.0, 0.0, 0.0]
    R = np.where(terminal[:, None], 0.0, step_reward) * np.ones((S, 4))
    return SuccessorMDP(nxt, prob, R, gamma, terminal)
