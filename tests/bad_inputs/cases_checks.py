"""Bad inputs for lecture_utils.checks: the checks reject what they promise to reject."""

import numpy as np

from bad_inputs.case import Case
from lecture_utils import checks

NO_BAD_INPUT = {
    "checks.BadArgument": "an exception class",
    "checks.BadArgumentType": "an exception class",
    "checks.DivergedError": "an exception class",
}
CASES = [
    Case("checks.integer", "float for int", "k", lambda: checks.integer("k", 2.5)),
    Case("checks.integer", "bool for int", "k", lambda: checks.integer("k", True)),
    Case("checks.integer", "out of range", "k", lambda: checks.integer("k", 5, high=4)),
    Case("checks.positive_int", "zero", "n", lambda: checks.positive_int("n", 0)),
    Case("checks.positive_int", "whole float", "n", lambda: checks.positive_int("n", 3.0)),
    Case("checks.nonnegative_int", "negative", "n", lambda: checks.nonnegative_int("n", -1)),
    Case("checks.real", "nan", "x", lambda: checks.real("x", float("nan"))),
    Case("checks.real", "string", "x", lambda: checks.real("x", "1.0")),
    Case("checks.real", "open end", "x", lambda: checks.real("x", 1.0, high=1.0, high_open=True)),
    Case("checks.positive", "zero", "lr", lambda: checks.positive("lr", 0.0)),
    Case("checks.positive", "inf", "lr", lambda: checks.positive("lr", float("inf"))),
    Case("checks.nonnegative", "negative", "w", lambda: checks.nonnegative("w", -1e-9)),
    Case("checks.unit_interval", "out of range", "p", lambda: checks.unit_interval("p", 1.5)),
    Case("checks.choice", "unknown option", "loss", lambda: checks.choice("loss", "hinge", ("bce", "ls"))),
    Case("checks.choice", "unhashable", "loss", lambda: checks.choice("loss", ["bce"], ("bce",))),
    Case("checks.is_callable", "not callable", "f", lambda: checks.is_callable("f", 3)),
    Case("checks.shape2d", "float side", "shape", lambda: checks.shape2d("shape", (2.5, 3))),
    Case("checks.shape2d", "three sides", "shape", lambda: checks.shape2d("shape", (2, 3, 4))),
    Case("checks.array", "nan", "x", lambda: checks.array("x", [1.0, np.nan])),
    Case("checks.array", "wrong shape", "x", lambda: checks.array("x", np.zeros((2, 3)), shape=(None, 2))),
    Case("checks.array", "empty", "x", lambda: checks.array("x", [])),
    Case("checks.array", "strings", "x", lambda: checks.array("x", ["a", "b"])),
    Case("checks.array", "below low", "x", lambda: checks.array("x", [-1.0], low=0.0)),
    Case("checks.bool_array", "0/1 ints", "mask", lambda: checks.bool_array("mask", [0, 1, 2])),
    Case("checks.bool_array", "wrong shape", "mask", lambda: checks.bool_array("mask", [True], shape=(2,))),
    Case("checks.prob_vector", "not normalised", "pi", lambda: checks.prob_vector("pi", [0.5, 0.6])),
    Case("checks.prob_vector", "negative", "pi", lambda: checks.prob_vector("pi", [1.5, -0.5])),
    Case("checks.prob_rows", "a row off", "P", lambda: checks.prob_rows("P", [[0.5, 0.5], [0.2, 0.2]])),
    Case("checks.index", "float index", "s", lambda: checks.index("s", 0.7, 5)),
    Case("checks.index", "out of range", "s", lambda: checks.index("s", 5, 5)),
    Case("checks.index_array", "float array", "states", lambda: checks.index_array("states", [0.7], 5)),
    Case("checks.index_array", "negative", "states", lambda: checks.index_array("states", [-1], 5)),
    Case("checks.rng", "a seed", "rng", lambda: checks.rng("rng", 0)),
    Case("checks.rng", "legacy state", "rng", lambda: checks.rng("rng", np.random.RandomState(0))),
    Case("checks.torch_generator", "a seed", "generator", lambda: checks.torch_generator("generator", 0)),
    Case("checks.axes", "a figure", "ax", lambda: checks.axes("ax", object())),
    Case("checks.instance", "wrong class", "config", lambda: checks.instance("config", {}, int)),
    Case("checks.device", "a number", "device", lambda: checks.device("device", 0.5)),
    Case("checks.device", "not a device", "device", lambda: checks.device("device", "gpu0")),
    Case("checks.flag", "an int", "progress", lambda: checks.flag("progress", 1)),
    Case("checks.tensor", "an array", "x", lambda: checks.tensor("x", np.zeros(3))),
    Case("checks.tensor", "nan", "x", lambda: checks.tensor("x", __import__("torch").tensor([float("nan")]))),
    Case("checks.finite_iterate", "diverged", "lr",
         lambda: checks.finite_iterate(np.array([1e60]), step_name="lr", step=1.5)),
]
