"""Datasets that ship with a package or are generated: nothing is downloaded at run time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DigitsSplit:
    """Train/test split of scikit-learn's bundled 8x8 digits."""

    x_train: np.ndarray  # (N_train, 8, 8), values as returned by the loader
    y_train: np.ndarray  # (N_train,) labels 0..9
    x_test: np.ndarray  # (N_test, 8, 8)
    y_test: np.ndarray  # (N_test,)


def load_digits_split(*, binarize: bool = True, threshold: float = 8.0,
                      test_size: float = 0.2, random_state: int = 0) -> DigitsSplit:
    """Load scikit-learn's 8x8 digits (pixels 0..16), binarized at ``threshold`` or scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be in (0, 1), got {test_size}")
    if not 0.0 <= threshold <= 16.0:
        raise ValueError(f"threshold must be in [0, 16], got {threshold}")
    digits = load_digits()
    images = digits.images.astype(np.float32)  # (1797, 8, 8), integer values 0..16
    x = (images >= threshold).astype(np.float32) if binarize else images / 16.0
    x_train, x_test, y_train, y_test = train_test_split(
        x, digits.target, test_size=test_size, random_state=random_state
    )
    return DigitsSplit(x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64))
