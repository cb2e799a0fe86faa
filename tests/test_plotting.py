"""Smoke tests for the plot helpers in lecture_utils.plotting (Agg backend, figures closed)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lecture_utils.plotting import plot_grid_trajectory, plot_value_grid


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


def test_plot_helpers_reject_bad_shapes() -> None:
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError, match="V must have shape"):
            plot_value_grid(ax, np.zeros(5), (2, 3))
        with pytest.raises(ValueError, match="policy must have shape"):
            plot_value_grid(ax, np.zeros(6), (2, 3), policy=np.zeros((6, 3)))
        with pytest.raises(ValueError, match="states must be"):
            plot_grid_trajectory(ax, np.zeros((2, 2), int), (2, 3))
        with pytest.raises(ValueError, match="states must lie"):
            plot_grid_trajectory(ax, np.array([0, 9]), (2, 3))
    finally:
        plt.close(fig)
