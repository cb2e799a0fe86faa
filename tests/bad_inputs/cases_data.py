"""Bad inputs for lecture_utils.data (all rejected before the dataset is loaded)."""

import numpy as np

from bad_inputs.case import Case
from lecture_utils import data

X, Y = np.zeros((4, 8, 8), np.float32), np.arange(4)
load = data.load_digits_split

NO_BAD_INPUT: dict[str, str] = {}
CASES = [
    Case("data.load_digits_split", "out of range", "test_size", lambda: load(test_size=0.0)),
    Case("data.load_digits_split", "out of range", "test_size", lambda: load(test_size=1.0)),
    Case("data.load_digits_split", "nan", "test_size", lambda: load(test_size=np.nan)),
    Case("data.load_digits_split", "out of range", "threshold", lambda: load(threshold=-1.0)),
    Case("data.load_digits_split", "out of range", "threshold", lambda: load(threshold=17.0)),
    Case("data.load_digits_split", "inf", "threshold", lambda: load(threshold=np.inf)),
    Case("data.load_digits_split", "wrong type", "binarize", lambda: load(binarize="no")),
    Case("data.load_digits_split", "float for int", "random_state",
         lambda: load(random_state=0.5)),
    Case("data.load_digits_split", "out of range", "random_state",
         lambda: load(random_state=-1)),
    Case("data.DigitsSplit", "wrong shape", "x_train", lambda: data.DigitsSplit(X[0], Y, X, Y)),
    Case("data.DigitsSplit", "nan", "x_test", lambda: data.DigitsSplit(X, Y, X + np.nan, Y)),
    Case("data.DigitsSplit", "one label short", "y_train", lambda: data.DigitsSplit(X, Y[:3], X, Y)),
    Case("data.DigitsSplit", "float labels", "y_test", lambda: data.DigitsSplit(X, Y, X, Y * 1.0)),
    Case("data.DigitsSplit", "out of range", "y_test", lambda: data.DigitsSplit(X, Y, X, Y + 7)),
]
