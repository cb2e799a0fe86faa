"""Bad inputs for lecture_utils.plotting."""

import numpy as np
from matplotlib.figure import Figure

from bad_inputs.case import Case
from lecture_utils import plotting as P

AX = Figure().add_subplot()  # not registered with pyplot: nothing to close
IMGS = np.zeros((3, 2, 2))
V6 = np.zeros(6)
TRAJ = np.array([0, 1, 4])
VG, TR = P.plot_value_grid, P.plot_grid_trajectory

NO_BAD_INPUT: dict[str, str] = {"plotting.use_compact_figures": "takes no arguments"}
CASES = [
    Case("plotting.compact_png", "not a figure", "fig", lambda: P.compact_png("figure.png")),
    Case("plotting.grid_figsize", "float for int", "n", lambda: P.grid_figsize(2.5, 2)),
    Case("plotting.grid_figsize", "out of range", "ncols", lambda: P.grid_figsize(4, 0)),
    Case("plotting.grid_figsize", "out of range", "cell_in", lambda: P.grid_figsize(4, 2, cell_in=0.0)),
    Case("plotting.grid_figsize", "nan", "extra_h", lambda: P.grid_figsize(4, 2, extra_h=np.nan)),
    Case("plotting.image_grid", "not an axes", "ax", lambda: P.image_grid(None, IMGS)),
    Case("plotting.image_grid", "wrong shape", "images", lambda: P.image_grid(AX, np.zeros((2, 2)))),
    Case("plotting.image_grid", "nan", "images", lambda: P.image_grid(AX, np.full((1, 2, 2), np.nan))),
    Case("plotting.image_grid", "empty", "images", lambda: P.image_grid(AX, np.zeros((0, 2, 2)))),
    Case("plotting.image_grid", "wrong dtype", "images", lambda: P.image_grid(AX, np.full((1, 1, 1), "a"))),
    Case("plotting.image_grid", "float for int", "ncols", lambda: P.image_grid(AX, IMGS, ncols=2.5)),
    Case("plotting.image_grid", "out of range", "ncols", lambda: P.image_grid(AX, IMGS, ncols=0)),
    Case("plotting.image_grid", "unknown colormap", "cmap", lambda: P.image_grid(AX, IMGS, cmap="greys")),
    Case("plotting.image_grid", "inf", "vmax", lambda: P.image_grid(AX, IMGS, vmax=np.inf)),
    Case("plotting.image_grid", "empty range", "vmin", lambda: P.image_grid(AX, IMGS, vmin=1.0, vmax=1.0)),
    Case("plotting.plot_value_grid", "wrong shape", "V", lambda: VG(AX, np.zeros(5), (2, 3))),
    Case("plotting.plot_value_grid", "nan", "V", lambda: VG(AX, np.r_[V6[:5], np.nan], (2, 3))),
    Case("plotting.plot_value_grid", "float for int", "shape", lambda: VG(AX, V6, (2.0, 3))),
    Case("plotting.plot_value_grid", "wrong shape", "shape", lambda: VG(AX, V6, (6,))),
    Case("plotting.plot_value_grid", "wrong shape", "policy",
         lambda: VG(AX, V6, (2, 3), policy=np.full((6, 3), 1 / 3))),
    Case("plotting.plot_value_grid", "not normalised", "policy",
         lambda: VG(AX, V6, (2, 3), policy=np.full((6, 4), 0.3))),
    Case("plotting.plot_value_grid", "float for int", "policy",
         lambda: VG(AX, V6, (2, 3), policy=np.full(6, 1.0))),
    Case("plotting.plot_value_grid", "out of range", "policy",
         lambda: VG(AX, V6, (2, 3), policy=np.full(6, 4))),
    Case("plotting.plot_value_grid", "wrong dtype", "terminal",
         lambda: VG(AX, V6, (2, 3), terminal=np.zeros(6))),
    Case("plotting.plot_value_grid", "wrong shape", "terminal",
         lambda: VG(AX, V6, (2, 3), terminal=np.zeros(5, bool))),
    Case("plotting.plot_value_grid", "out of range", "labels",
         lambda: VG(AX, V6, (2, 3), labels={6: "G"})),
    Case("plotting.plot_value_grid", "wrong type", "labels",
         lambda: VG(AX, V6, (2, 3), labels={0: 1.5})),
    Case("plotting.plot_value_grid", "bad format", "fmt", lambda: VG(AX, V6, (2, 3), fmt="%d")),
    Case("plotting.plot_value_grid", "unknown colormap", "cmap",
         lambda: VG(AX, V6, (2, 3), cmap="RdYlGreen")),
    Case("plotting.plot_value_grid", "nan", "vmin", lambda: VG(AX, V6, (2, 3), vmin=np.nan)),
    Case("plotting.plot_grid_trajectory", "not an axes", "ax", lambda: TR("ax", TRAJ, (2, 3))),
    Case("plotting.plot_grid_trajectory", "wrong shape", "states",
         lambda: TR(AX, np.zeros((2, 2), int), (2, 3))),
    Case("plotting.plot_grid_trajectory", "empty", "states",
         lambda: TR(AX, np.array([], int), (2, 3))),
    Case("plotting.plot_grid_trajectory", "out of range", "states",
         lambda: TR(AX, np.array([0, 9]), (2, 3))),
    Case("plotting.plot_grid_trajectory", "float for int", "states",
         lambda: TR(AX, np.array([0.0, 1.0]), (2, 3))),
    Case("plotting.plot_grid_trajectory", "out of range", "shape",
         lambda: TR(AX, TRAJ, (0, 3))),
    Case("plotting.plot_grid_trajectory", "nan", "offset",
         lambda: TR(AX, TRAJ, (2, 3), offset=np.nan)),
]
