"""Shared test set-up: a non-interactive matplotlib backend, and hypothesis derandomised on CI."""

import os

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

# On CI every run draws the same examples (a red run is reproducible); locally hypothesis explores.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
