"""Shared plotting style and small figure helpers (they take an ``ax`` and return it)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

# Passed to ``plt.style.use(STYLE)`` by each notebook's setup cell; the library never writes rcParams.
STYLE: dict[str, Any] = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 90,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def image_grid(ax: Axes, images: np.ndarray, *, ncols: int = 10, cmap: str = "gray_r",
               title: str | None = None, vmin: float = 0.0, vmax: float = 1.0) -> Axes:
    """Draw a batch of (N, H, W) images as one tiled grid on ``ax``."""
    images = np.asarray(images, dtype=float)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W), got {images.shape}")
    if ncols < 1:
        raise ValueError(f"ncols must be >= 1, got {ncols}")
    n, h, w = images.shape
    nrows = int(np.ceil(n / ncols))
    canvas = np.full((nrows * (h + 1) + 1, ncols * (w + 1) + 1), np.nan)
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        canvas[1 + r * (h + 1): 1 + r * (h + 1) + h, 1 + c * (w + 1): 1 + c * (w + 1) + w] = img
    cm = plt.get_cmap(cmap).with_extremes(bad="white")
    ax.imshow(canvas, cmap=cm, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():  # no frame lines beside the tiles (labels and title stay)
        spine.set_visible(False)
    if title is not None:
        ax.set_title(title)
    return ax


# (d_row, d_col) of each action, in Gymnasium's FrozenLake order: 0 left, 1 down, 2 right, 3 up.
GRID_ACTION_DELTAS: tuple[tuple[int, int], ...] = ((0, -1), (1, 0), (0, 1), (-1, 0))


def plot_value_grid(ax: Axes, V: np.ndarray, shape: tuple[int, int], *, policy: np.ndarray | None = None,
                    terminal: np.ndarray | None = None, labels: dict[int, str] | None = None,
                    fmt: str = ".1f", cmap: str = "RdYlGn", vmin: float | None = None,
                    vmax: float | None = None, title: str | None = None,
                    action_deltas: tuple[tuple[int, int], ...] = GRID_ACTION_DELTAS) -> Axes:
    """Heatmap of V(s) on a grid (row-major states) with values written in and optional policy arrows.

    ``policy`` is deterministic (S,) or stochastic (S, A) (arrow length pi(a|s)); terminal cells are grey.
    """
    V = np.asarray(V, dtype=float)
    nrow, ncol = shape
    if V.shape != (nrow * ncol,):
        raise ValueError(f"V must have shape (nrow * ncol,) = ({nrow * ncol},), got {V.shape}")
    n_actions = len(action_deltas)
    if policy is not None:
        policy = np.asarray(policy)
        if policy.shape == V.shape:
            policy = np.eye(n_actions)[policy.astype(int)]
        if policy.shape != (V.size, n_actions):
            raise ValueError(f"policy must have shape (S,) or (S, {n_actions}), got {policy.shape}")
    terminal = np.zeros(V.size, bool) if terminal is None else np.asarray(terminal, bool)
    grid = np.ma.masked_array(V.reshape(nrow, ncol), mask=terminal.reshape(nrow, ncol))
    cm = plt.get_cmap(cmap).with_extremes(bad="0.85")  # terminal cells: grey
    im = ax.imshow(grid, cmap=cm, vmin=vmin, vmax=vmax, interpolation="nearest")
    has_arrows = np.zeros(V.size, bool) if policy is None else ~terminal
    rgb = cm(im.norm(V))[:, :3]  # (S, 3): white text on dark cells
    dark = ~terminal & (rgb @ np.array([0.299, 0.587, 0.114]) < 0.45)
    for s in range(V.size):
        r, c = divmod(s, ncol)
        text = (labels or {}).get(s, format(V[s], fmt))
        ax.text(c, r - 0.3 if has_arrows[s] else r, text, ha="center", va="center", fontsize=8,
                color="w" if dark[s] else "k")
    if policy is not None:
        # one quiver per style: deterministic rows get centred arrows, stochastic rows outward ones ~ pi(a|s)
        r, c = np.divmod(np.arange(V.size), ncol)
        d = np.asarray(action_deltas, dtype=float)  # (A, 2) as (d_row, d_col)
        one_hot = policy.max(axis=1) > 1 - 1e-9
        for rows, pivot, length in ((has_arrows & one_hot, "middle", 0.5 * policy),
                                    (has_arrows & ~one_hot, "tail", 0.6 * policy)):
            s_idx, a_idx = np.nonzero(rows[:, None] & (policy > 1e-9))
            if s_idx.size:
                L = length[s_idx, a_idx]
                ax.quiver(c[s_idx], r[s_idx] + 0.1, d[a_idx, 1] * L, d[a_idx, 0] * L, pivot=pivot,
                          angles="xy", scale_units="xy", scale=1, units="xy", width=0.025, headwidth=3.5,
                          headlength=3.5, headaxislength=3.2, color="k")
    ax.set_xticks(np.arange(ncol))
    ax.set_yticks(np.arange(nrow))
    ax.set_xticks(np.arange(ncol + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(nrow + 1) - 0.5, minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="w", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_grid_trajectory(ax: Axes, states: np.ndarray, shape: tuple[int, int], *, color: str = "k",
                         offset: float = 0.0, label: str | None = None) -> Axes:
    """Draw a trajectory S_0, S_1, ... (row-major cell indices) as a path through cell centres."""
    states = np.asarray(states)
    if states.ndim != 1 or states.size == 0:
        raise ValueError(f"states must be a non-empty 1-d array, got shape {states.shape}")
    nrow, ncol = shape
    if (states < 0).any() or (states >= nrow * ncol).any():
        raise ValueError(f"states must lie in [0, {nrow * ncol})")
    r, c = np.divmod(states, ncol)
    x, y = c + offset, r + offset
    ax.plot(x, y, "-", color=color, lw=1.5, alpha=0.8, label=label)
    ax.plot(x[0], y[0], "o", color=color, ms=7)
    ax.plot(x[-1], y[-1], "X", color=color, ms=9)
    ax.set_xlim(-0.5, ncol - 0.5)
    ax.set_ylim(nrow - 0.5, -0.5)
    return ax
