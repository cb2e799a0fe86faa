"""Tests for lecture_utils.data: the digits split every notebook shares (bad arguments: cases_data.py)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from lecture_utils.data import DigitsSplit, load_digits_split


@pytest.fixture(scope="module")
def split() -> DigitsSplit:
    return load_digits_split()


def test_shapes_and_sizes(split: DigitsSplit) -> None:
    assert split.x_train.shape == (1437, 8, 8) and split.x_test.shape == (360, 8, 8)
    assert split.y_train.shape == (1437,) and split.y_test.shape == (360,)
    assert split.x_train.dtype == np.float32 and split.y_train.dtype == np.int64
    assert set(np.unique(split.y_test)) == set(range(10))


def test_binarized_at_half_intensity(split: DigitsSplit) -> None:
    # Oracle: sklearn's own split of the raw images, thresholded at 8 of 16.
    digits = load_digits()
    raw_train, raw_test = train_test_split(digits.images, test_size=0.2, random_state=0)
    np.testing.assert_array_equal(split.x_train, (raw_train >= 8).astype(np.float32))
    np.testing.assert_array_equal(split.x_test, (raw_test >= 8).astype(np.float32))
    assert set(np.unique(split.x_train)) == {0.0, 1.0}


def test_unbinarized_is_scaled_to_unit_interval(split: DigitsSplit) -> None:
    grey = load_digits_split(binarize=False)
    assert grey.x_train.min() == 0.0 and grey.x_train.max() == 1.0
    # Same split and labels as the binarized version.
    np.testing.assert_array_equal(grey.y_train, split.y_train)
    np.testing.assert_array_equal(grey.x_train >= 0.5, split.x_train == 1.0)


def test_deterministic(split: DigitsSplit) -> None:
    again = load_digits_split()
    np.testing.assert_array_equal(again.x_train, split.x_train)
    np.testing.assert_array_equal(again.y_test, split.y_test)
