"""Smoke tests for the plot helpers in lecture_utils.plotting (Agg backend, figures closed).

Bad arguments are covered by tests/bad_inputs/cases_plotting.py.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from lecture_utils.mdp import ACTION_DELTAS
from lecture_utils.plotting import image_grid, plot_grid_trajectory, plot_value_grid


def test_image_grid_tiles_images_with_one_pixel_gaps() -> None:
    images = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3) / 30
    fig, ax = plt.subplots()
    try:
        assert image_grid(ax, images, ncols=2, title="t") is ax
        canvas = ax.images[0].get_array()
        # 3 rows of 2 tiles, each tile (2, 3) with a 1-pixel border: (3 * 3 + 1, 2 * 4 + 1)
        assert canvas.shape == (10, 9)
        np.testing.assert_array_equal(canvas[1:3, 5:8], images[1])  # row 0, column 1
        np.testing.assert_array_equal(canvas[7:9, 1:4], images[4])  # row 2, column 0
        assert canvas.mask[7:9, 5:8].all()  # the sixth tile is empty, drawn as "bad" (white)
        assert ax.get_title() == "t"
    finally:
        plt.close(fig)


def test_plot_value_grid_with_deterministic_and_stochastic_policies() -> None:
    V = np.linspace(-1, 1, 12)
    terminal = np.zeros(12, bool)
    terminal[-1] = True
    fig, axes = plt.subplots(1, 2)
    try:
        ax = plot_value_grid(axes[0], V, (3, 4), policy=np.arange(12) % 4, terminal=terminal,
                             labels={11: "G"}, title="$V^*$")
        assert ax is axes[0]
        assert [t.get_text() for t in ax.texts][-1] == "G"
        assert sum(q.N for q in ax.collections) == 11  # one arrow per non-terminal state
        plot_value_grid(axes[1], V, (3, 4), policy=np.full((12, 4), 0.25))
        assert sum(q.N for q in axes[1].collections) == 48
        assert axes[1].images[0].get_array().shape == (3, 4)
    finally:
        plt.close(fig)


def test_plot_value_grid_arrows_follow_the_mdp_action_deltas() -> None:
    fig, ax = plt.subplots()
    try:
        plot_value_grid(ax, np.zeros(4), (1, 4), policy=np.arange(4))  # state s takes action s
        (q,) = ax.collections
        # arrow (dx, dy) = (d_col, d_row) * 0.5 for action a, in the table mdp.ACTION_DELTAS
        np.testing.assert_allclose(np.c_[q.U, q.V], 0.5 * ACTION_DELTAS[:, ::-1])
    finally:
        plt.close(fig)


def test_plot_grid_trajectory_draws_path_with_start_and_end() -> None:
    fig, ax = plt.subplots()
    try:
        assert plot_grid_trajectory(ax, np.array([0, 1, 5, 6]), (3, 4), color="C1") is ax
        x, y = ax.lines[0].get_data()
        np.testing.assert_array_equal(x, [0, 1, 1, 2])
        np.testing.assert_array_equal(y, [0, 0, 1, 1])
        assert len(ax.lines) == 3
    finally:
        plt.close(fig)


def test_grid_figsize_gives_every_tile_the_same_size() -> None:
    from lecture_utils.plotting import grid_figsize

    assert grid_figsize(45, 15) == (7.5, 3 * 0.5 + 0.35)
    assert grid_figsize(3, 10, cell_in=1.0, extra_h=0.0) == (3.0, 1.0)  # fewer tiles than columns: one row


def test_compact_png_is_a_palette_png_of_the_cropped_figure_at_fewer_bytes() -> None:
    import io

    from PIL import Image

    from lecture_utils.plotting import compact_png

    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    rng = np.random.default_rng(0)
    ax.scatter(*rng.normal(size=(2, 500)), alpha=0.4)
    ax.contourf(*np.meshgrid(np.linspace(-3, 3, 30), np.linspace(-3, 3, 30)), rng.random((30, 30)), alpha=0.5)
    full = io.BytesIO()
    fig.savefig(full, format="png", bbox_inches="tight")
    data = compact_png(fig)
    assert data is not None
    compact, reference = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(full.getvalue()))
    assert compact.mode == "P" and compact.size == reference.size
    assert len(data) < 0.7 * len(full.getvalue())
    # the palette keeps the picture: every pixel within a few levels of the full-colour one, on average
    diff = np.abs(np.asarray(compact.convert("RGB"), float) - np.asarray(reference.convert("RGB"), float))
    assert diff.mean() < 3.0
    plt.close(fig)
    empty = plt.figure()
    assert compact_png(empty) is None
    plt.close(empty)


def test_use_compact_figures_does_nothing_outside_ipython() -> None:
    from lecture_utils.plotting import use_compact_figures

    assert use_compact_figures() is False
