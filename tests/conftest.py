"""Shared test set-up: a non-interactive matplotlib backend for the unit tests."""

import matplotlib

matplotlib.use("Agg")
