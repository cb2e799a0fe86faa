"""Datasets that ship with a package or are generated: nothing is downloaded at run time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lecture_utils import checks

__all__ = ["DigitsSplit", "load_digits_split"]


@dataclass(frozen=True)
class DigitsSplit:
    """Train/test split of scikit-learn's bundled 8x8 digits."""

    x_train: np.ndarray  # (N_train, 8, 8), values as returned by the loader
    y_train: np.ndarray  # (N_train,) labels 0..9
    x_test: np.ndarray  # (N_test, 8, 8)
    y_test: np.ndarray  # (N_test,)

    def __post_init__(self) -> None:
        for part in ("train", "test"):
            x = checks.array(f"x_{part}", getattr(self, f"x_{part}"), ndim=3, dtype=np.float32)
            y = checks.index_array(f"y_{part}", getattr(self, f"y_{part}"), 10, ndim=1)
            if len(y) != len(x):
                raise checks.BadArgument(f"y_{part} must hold one label per image of x_{part} ({len(x)}), "
                                         f"got {len(y)}")


def load_digits_split(*, binarize: bool = True, threshold: float = 8.0,
                      test_size: float = 0.2, random_state: int = 0) -> DigitsSplit:
    """Load scikit-learn's 8x8 digits (pixels 0..16), binarized at ``threshold`` or scaled to [0, 1]."""
    binarize = checks.flag("binarize", binarize)
    threshold = checks.real("threshold", threshold, low=0.0, high=16.0)
    test_size = checks.unit_interval("test_size", test_size, low_open=True, high_open=True)
    random_state = checks.nonnegative_int("random_state", random_state)
    from sklearn.datasets import load_digits  # sklearn is slow to import; only this function needs it
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images.astype(np.float32)  # (1797, 8, 8), integer values 0..16
    x = (images >= threshold).astype(np.float32) if binarize else images / 16.0
    x_train, x_test, y_train, y_test = train_test_split(
        x, digits.target, test_size=test_size, random_state=random_state
    )
    return DigitsSplit(x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64))
