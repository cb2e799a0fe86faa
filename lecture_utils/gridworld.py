"""A slippery gridworld that follows the Gymnasium API and exposes its model as a toy-text ``P`` table."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from lecture_utils.mdp import ACTION_ARROWS, ACTION_DELTAS, SuccessorMDP, TabularMDP, from_gym_P, grid_moves

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
        if not self.layout or len({len(row) for row in self.layout}) != 1:
            raise ValueError("layout must be a non-empty tuple of equally long strings")
        chars = set("".join(self.layout))
        if "".join(self.layout).count("S") != 1:
            raise ValueError("layout must contain exactly one start cell 'S'")
        unknown = chars - set(".S") - set(self.exits)
        if unknown:
            raise ValueError(f"layout uses cells {sorted(unknown)} that exits gives no reward for")
        if not 0.0 <= self.slip <= 1.0:
            raise ValueError(f"slip must lie in [0, 1], got {self.slip}")

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
        self.config = config or GridConfig()
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}, got {render_mode}")
        self.render_mode = render_mode
        self.shape = self.config.shape
        self.n_states = self.shape[0] * self.shape[1]
        self.observation_space = spaces.Discrete(self.n_states)
        self.action_space = spaces.Discrete(4)
        self.P = _transition_table(self.config)
        self.start_state = "".join(self.config.layout).index("S")
        self.terminal = np.array([ch not in ".S" for ch in "".join(self.config.layout)])  # (S,) bool
        # cumulative probabilities for fast sampling in step()
        self._cum = {(s, a): np.cumsum([t[0] for t in ts]).tolist()
                     for s, d in self.P.items() for a, ts in d.items()}
        self.s = self.start_state
        self.lastaction: int | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[int, dict]:
        """Start at 'S', or at ``options["start_state"]`` (exploring starts)."""
        super().reset(seed=seed)
        start = int((options or {}).get("start_state", self.start_state))
        if not 0 <= start < self.n_states or self.terminal[start]:
            raise ValueError(f"options['start_state'] must be a non-terminal cell, got {start}")
        self.s, self.lastaction = start, None
        return self.s, {"prob": 1.0}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict]:
        a = int(action)
        if not 0 <= a < 4:
            raise ValueError(f"action must be in {{0, 1, 2, 3}}, got {action}")
        outcomes = self.P[self.s][a]
        cum = self._cum[(self.s, a)]
        i = min(bisect.bisect_right(cum, self.np_random.random()), len(outcomes) - 1)
        p, s2, r, done = outcomes[i]
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
    nrow, ncol = shape
    if nrow < 1 or ncol < 1 or nrow * ncol < 2:
        raise ValueError(f"shape must hold at least two cells, got {shape}")
    S = nrow * ncol
    moves = np.stack([np.arange(4), (np.arange(4) + 1) % 4, (np.arange(4) + 3) % 4], axis=1)  # (A, K=3)
    nxt = grid_moves(shape)[0][:, moves]  # (S, A, K): intended move, then the two slips sideways
    prob = np.broadcast_to(np.array([1.0 - slip, slip / 2, slip / 2]), nxt.shape).copy()
    terminal = np.zeros(S, bool)
    terminal[S - 1] = True
    nxt[terminal] = S - 1
    prob[terminal] = [1.0, 0.0, 0.0]
    R = np.where(terminal[:, None], 0.0, step_reward) * np.ones((S, 4))
    return SuccessorMDP(nxt, prob, R, gamma, terminal)
