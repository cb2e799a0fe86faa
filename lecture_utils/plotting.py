"""Shared plotting style and small figure helpers (they take an ``ax`` and return it)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from PIL import Image

from lecture_utils import checks
from lecture_utils.mdp import ACTION_DELTAS

__all__ = [
    "DPI", "FULL_WIDTH", "STYLE", "compact_png", "grid_figsize", "image_grid", "plot_grid_trajectory",
    "plot_value_grid", "use_compact_figures",
]

# The collection's one figure style. Each notebook's setup cell passes it to ``plt.style.use(STYLE)``; the
# library never writes rcParams. Sizes: a full-width figure is FULL_WIDTH inches wide (one panel: (FULL_WIDTH,
# 3.6); two or three panels side by side share that width), drawn at 100 dpi, so every figure in the
# collection is the same ~800 px wide in JupyterLab and its text the same size.
FULL_WIDTH = 8.0
DPI = 100
STYLE: dict[str, Any] = {
    "figure.figsize": (FULL_WIDTH, 3.6),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": True,
    "legend.framealpha": 0.85,
    "legend.edgecolor": "0.85",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "image.cmap": "viridis",
}


def compact_png(fig: Figure) -> bytes | None:
    """The figure as a 256-colour PNG, cropped as Jupyter's inline backend does (None if it is empty)."""
    fig = checks.instance("fig", fig, Figure)
    if not fig.axes and not fig.lines:  # what the inline backend does: nothing to show
        return None
    raw = io.BytesIO()
    fig.canvas.print_figure(raw, format="png", bbox_inches="tight", facecolor=fig.get_facecolor())
    # A plot uses few colours; a palette of 256 looks the same and takes about a third of the bytes.
    image = Image.open(raw).convert("RGB").quantize(colors=256)
    out = io.BytesIO()
    image.save(out, format="png", optimize=True)
    return out.getvalue()


def use_compact_figures() -> bool:
    """Show figures in this IPython kernel as ``compact_png`` images (False, and nothing done, elsewhere)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is installed with jupyter
        return False
    shell = get_ipython()
    if shell is None:
        return False
    # Load the backend now: loading Jupyter's inline backend registers its own PNG formatter, which would
    # replace this one if it happened later (pyplot loads it at the first figure).
    import matplotlib.pyplot as plt

    plt.switch_backend(matplotlib.get_backend())
    shell.display_formatter.formatters["image/png"].for_type(Figure, compact_png)
    return True


def grid_figsize(n: int, ncols: int, *, cell_in: float = 0.5, extra_h: float = 0.35) -> tuple[float, float]:
    """Figure size in inches for ``n`` tiles in ``ncols`` columns of ``cell_in`` inches plus a title strip."""
    n = checks.positive_int("n", n)
    ncols = checks.positive_int("ncols", ncols)
    cell_in = checks.positive("cell_in", cell_in)
    extra_h = checks.nonnegative("extra_h", extra_h)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    return ncols * cell_in, nrows * cell_in + extra_h


def _cmap(name: str) -> Any:
    """The Matplotlib colormap called ``name``."""
    if not isinstance(name, str) or name not in matplotlib.colormaps:
        raise checks.BadArgument(f"cmap must name a Matplotlib colormap, got {checks.show(name)}")
    return matplotlib.colormaps[name]


def _limits(vmin: float | None, vmax: float | None) -> tuple[float | None, float | None]:
    """Colour limits: each None or finite, and vmin < vmax when both are given."""
    vmin = None if vmin is None else checks.real("vmin", vmin)
    vmax = None if vmax is None else checks.real("vmax", vmax)
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise checks.BadArgument(f"vmin must be < vmax, got vmin={vmin!r}, vmax={vmax!r}")
    return vmin, vmax


def image_grid(ax: Axes, images: ArrayLike, *, ncols: int = 10, cmap: str = "gray_r",
               title: str | None = None, vmin: float = 0.0, vmax: float = 1.0) -> Axes:
    """Draw a batch of (N, H, W) images as one tiled grid on ``ax``."""
    ax = checks.axes("ax", ax)
    images = checks.array("images", images, ndim=3)
    ncols = checks.positive_int("ncols", ncols)
    cm = _cmap(cmap).with_extremes(bad="white")
    lo, hi = _limits(vmin, vmax)
    n, h, w = images.shape
    nrows = -(-n // ncols)  # ceil(n / ncols)
    canvas = np.full((nrows * (h + 1) + 1, ncols * (w + 1) + 1), np.nan)
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        canvas[1 + r * (h + 1): 1 + r * (h + 1) + h, 1 + c * (w + 1): 1 + c * (w + 1) + w] = img
    ax.imshow(canvas, cmap=cm, vmin=lo, vmax=hi, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():  # no frame lines beside the tiles (labels and title stay)
        spine.set_visible(False)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_value_grid(ax: Axes, V: ArrayLike, shape: tuple[int, int], *, policy: ArrayLike | None = None,
                    terminal: ArrayLike | None = None, labels: Mapping[int, str] | None = None,
                    fmt: str = ".1f", cmap: str = "RdYlGn", vmin: float | None = None,
                    vmax: float | None = None, title: str | None = None) -> Axes:
    """Heatmap of V(s) on a grid (row-major states) with values written in and optional policy arrows.

    ``policy`` is deterministic (S,) ints or stochastic (S, A) rows pi(a|s) (arrow length pi(a|s)), with
    actions in FrozenLake order (``mdp.ACTION_DELTAS``); terminal cells are grey.
    """
    ax = checks.axes("ax", ax)
    nrow, ncol = checks.shape2d("shape", shape)
    S, A = nrow * ncol, len(ACTION_DELTAS)
    V = checks.array("V", V, shape=(S,))
    pi = None if policy is None else _policy(policy, S, A)
    term = np.zeros(S, bool) if terminal is None else checks.bool_array("terminal", terminal, shape=(S,))
    texts = {} if labels is None else _labels(labels, S)
    try:
        format(0.0, fmt)
    except (TypeError, ValueError) as err:
        raise checks.BadArgument(f"fmt must be a float format spec such as '.2f', "
                                 f"got {checks.show(fmt)}") from err
    cm = _cmap(cmap).with_extremes(bad="0.85")  # terminal cells: grey
    vmin, vmax = _limits(vmin, vmax)
    grid = np.ma.masked_array(V.reshape(nrow, ncol), mask=term.reshape(nrow, ncol))
    im = ax.imshow(grid, cmap=cm, vmin=vmin, vmax=vmax, interpolation="nearest")
    has_arrows = np.zeros(S, bool) if pi is None else ~term
    rgb = cm(im.norm(V))[:, :3]  # (S, 3): white text on dark cells
    dark = ~term & (rgb @ np.array([0.299, 0.587, 0.114]) < 0.45)
    for s in range(S):
        r, c = divmod(s, ncol)
        text = texts.get(s, format(V[s], fmt))
        ax.text(c, r - 0.3 if has_arrows[s] else r, text, ha="center", va="center", fontsize=8,
                color="w" if dark[s] else "k")
    if pi is not None:
        # one quiver per style: deterministic rows get centred arrows, stochastic rows outward ones ~ pi(a|s)
        rows, cols = np.divmod(np.arange(S), ncol)
        d = ACTION_DELTAS.astype(float)  # (A, 2) as (d_row, d_col)
        one_hot = pi.max(axis=1) > 1 - 1e-9
        for sel, pivot, length in ((has_arrows & one_hot, "middle", 0.5 * pi),
                                   (has_arrows & ~one_hot, "tail", 0.6 * pi)):
            s_idx, a_idx = np.nonzero(sel[:, None] & (pi > 1e-9))
            if s_idx.size:
                L = length[s_idx, a_idx]
                ax.quiver(cols[s_idx], rows[s_idx] + 0.1, d[a_idx, 1] * L, d[a_idx, 0] * L, pivot=pivot,
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


def _policy(policy: ArrayLike, S: int, A: int) -> np.ndarray:
    """A policy as (S, A) rows pi(a|s): deterministic (S,) action indices become one-hot rows."""
    raw = np.asarray(policy)
    pi = np.eye(A)[checks.index_array("policy", raw, A)] if raw.ndim == 1 else checks.prob_rows("policy", raw)
    if pi.shape != (S, A):
        raise checks.BadArgument(f"policy must have shape (S,) = ({S},) or (S, A) = ({S}, {A}), "
                                 f"got {raw.shape}")
    return pi


def _labels(labels: Any, n: int) -> dict[int, str]:
    """Cell labels: a mapping from state indices in [0, n) to strings."""
    if not isinstance(labels, Mapping):
        raise checks.BadArgumentType(f"labels must map state indices to strings, got {checks.show(labels)}")
    out = {}
    for s, text in labels.items():
        if not isinstance(text, str):
            raise checks.BadArgumentType(f"labels[{s!r}] must be a string, got {checks.show(text)}")
        out[checks.index(f"labels key {s!r}", s, n)] = text
    return out


def plot_grid_trajectory(ax: Axes, states: ArrayLike, shape: tuple[int, int], *, color: str = "k",
                         offset: float = 0.0, label: str | None = None) -> Axes:
    """Draw a trajectory S_0, S_1, ... (row-major cell indices) as a path through cell centres."""
    ax = checks.axes("ax", ax)
    nrow, ncol = checks.shape2d("shape", shape)
    states = checks.index_array("states", states, nrow * ncol, ndim=1)
    offset = checks.real("offset", offset)
    r, c = np.divmod(states, ncol)
    x, y = c + offset, r + offset
    ax.plot(x, y, "-", color=color, lw=1.5, alpha=0.8, label=label)
    ax.plot(x[0], y[0], "o", color=color, ms=7)
    ax.plot(x[-1], y[-1], "X", color=color, ms=9)
    ax.set_xlim(-0.5, ncol - 0.5)
    ax.set_ylim(nrow - 0.5, -0.5)
    return ax
