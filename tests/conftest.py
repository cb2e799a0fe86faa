"""Shared test set-up: a non-interactive matplotlib backend, and hypothesis derandomised on CI."""

import os

import matplotlib
import torch
from hypothesis import settings

matplotlib.use("Agg")
# Unit tests use tiny tensors: a second thread only adds synchronisation (15-50x slower on a busy 2-core
# machine). Notebooks run in their own kernels and keep torch's default.
torch.set_num_threads(1)

# On CI every run draws the same examples (a red run is reproducible); locally hypothesis explores.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
