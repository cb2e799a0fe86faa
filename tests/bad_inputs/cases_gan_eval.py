"""Bad inputs for lecture_utils.gan_eval."""

import numpy as np
from sklearn.neural_network import MLPClassifier

from bad_inputs.case import Case
from lecture_utils import gan, gan_eval

NAN = float("nan")
RING = gan.ring_mixture()
IMAGES = np.random.default_rng(0).random((20, 8, 8))
LABELS = np.arange(20) % 10
SCORER = gan_eval.fit_digit_scorer(IMAGES, LABELS)  # a tiny fit (~0.1 s) at import, not inside a timed case


def _with(images: np.ndarray, index: tuple[int, ...], value: float) -> np.ndarray:
    out = images.copy()
    out[index] = value
    return out


NO_BAD_INPUT = {
    "gan_eval.Coverage": "a result record built by coverage",
    "gan_eval.DigitQuality": "a result record built by digit_quality",
}
CASES = [
    Case("gan_eval.coverage", "wrong shape", "samples", lambda: gan_eval.coverage(np.zeros((5, 3)), RING)),
    Case("gan_eval.coverage", "1-d", "samples", lambda: gan_eval.coverage(np.zeros(10), RING)),
    Case("gan_eval.coverage", "empty", "samples", lambda: gan_eval.coverage(np.zeros((0, 2)), RING)),
    Case("gan_eval.coverage", "nan", "samples", lambda: gan_eval.coverage([[0.0, NAN]], RING)),
    Case("gan_eval.coverage", "strings", "samples", lambda: gan_eval.coverage([["a", "b"]], RING)),
    Case("gan_eval.coverage", "zero", "n_std", lambda: gan_eval.coverage(np.zeros((5, 2)), RING, n_std=0)),
    Case("gan_eval.coverage", "nan", "n_std", lambda: gan_eval.coverage(np.zeros((5, 2)), RING, n_std=NAN)),
    Case("gan_eval.coverage", "not a mixture", "mixture",
         lambda: gan_eval.coverage(np.zeros((5, 2)), RING.means)),
    Case("gan_eval.frechet_distance", "wrong shape", "f1 and f2",
         lambda: gan_eval.frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))),
    Case("gan_eval.frechet_distance", "one row", "f1",
         lambda: gan_eval.frechet_distance(np.zeros((1, 4)), np.zeros((5, 4)))),
    Case("gan_eval.frechet_distance", "1-d", "f2",
         lambda: gan_eval.frechet_distance(np.zeros((5, 2)), np.zeros(5))),
    Case("gan_eval.frechet_distance", "nan", "f2",
         lambda: gan_eval.frechet_distance(np.zeros((3, 2)), [[0, 0], [1, NAN], [2, 2]])),
    Case("gan_eval.DigitScorer", "not a classifier", "classifier", lambda: gan_eval.DigitScorer(object())),
    Case("gan_eval.DigitScorer", "unfitted", "classifier", lambda: gan_eval.DigitScorer(MLPClassifier())),
    Case("gan_eval.DigitScorer", "wrong shape", "images", lambda: SCORER.features(np.zeros((2, 4, 4)))),
    Case("gan_eval.DigitScorer", "out of range", "images", lambda: SCORER.predict_proba(16 * IMAGES)),
    Case("gan_eval.DigitScorer", "nan", "images", lambda: SCORER.features(_with(IMAGES, (0, 3, 3), NAN))),
    Case("gan_eval.fit_digit_scorer", "wrong shape", "x_train", lambda: gan_eval.fit_digit_scorer(
        IMAGES.reshape(20, 64), LABELS)),
    Case("gan_eval.fit_digit_scorer", "float labels", "y_train", lambda: gan_eval.fit_digit_scorer(
        IMAGES, LABELS + 0.5)),
    Case("gan_eval.fit_digit_scorer", "label out of range", "y_train", lambda: gan_eval.fit_digit_scorer(
        IMAGES, LABELS + 1)),
    Case("gan_eval.fit_digit_scorer", "wrong length", "y_train", lambda: gan_eval.fit_digit_scorer(
        IMAGES, LABELS[:10])),
    Case("gan_eval.fit_digit_scorer", "float for int", "seed", lambda: gan_eval.fit_digit_scorer(
        IMAGES, LABELS, seed=1.5)),
    Case("gan_eval.fit_digit_scorer", "empty", "x_train", lambda: gan_eval.fit_digit_scorer(
        np.zeros((0, 8, 8)), [])),
    Case("gan_eval.per_class_accuracy", "not a scorer", "scorer",
         lambda: gan_eval.per_class_accuracy(None, IMAGES, LABELS)),
    Case("gan_eval.per_class_accuracy", "wrong length", "labels",
         lambda: gan_eval.per_class_accuracy(SCORER, IMAGES, LABELS[:3])),
    Case("gan_eval.label_accuracy", "not a scorer", "scorer",
         lambda: gan_eval.label_accuracy("mlp", IMAGES, LABELS)),
    Case("gan_eval.label_accuracy", "wrong length", "labels",
         lambda: gan_eval.label_accuracy(SCORER, IMAGES, LABELS[:5])),
    Case("gan_eval.label_accuracy", "negative", "labels",
         lambda: gan_eval.label_accuracy(SCORER, IMAGES, -LABELS - 1)),
    Case("gan_eval.label_accuracy", "wrong shape", "images",
         lambda: gan_eval.label_accuracy(SCORER, IMAGES[:, :4], LABELS)),
    Case("gan_eval.digit_quality", "not a scorer", "scorer", lambda: gan_eval.digit_quality(
        "mlp", IMAGES, IMAGES)),
    Case("gan_eval.digit_quality", "one image", "reference", lambda: gan_eval.digit_quality(
        SCORER, IMAGES, IMAGES[:1])),
    Case("gan_eval.digit_quality", "negative", "images", lambda: gan_eval.digit_quality(
        SCORER, IMAGES - 1, IMAGES)),
    Case("gan_eval.digit_quality", "wrong shape", "reference", lambda: gan_eval.digit_quality(
        SCORER, IMAGES, IMAGES[:, :4])),
    Case("gan_eval.nearest_neighbours", "wrong shape", "samples", lambda: gan_eval.nearest_neighbours(
        np.zeros((2, 4, 4)), IMAGES)),
    Case("gan_eval.nearest_neighbours", "empty", "train", lambda: gan_eval.nearest_neighbours(
        IMAGES, np.zeros((0, 8, 8)))),
    Case("gan_eval.nearest_neighbours", "nan", "train", lambda: gan_eval.nearest_neighbours(
        IMAGES, _with(IMAGES, (1, 0, 0), NAN))),
    Case("gan_eval.nearest_neighbours", "out of range", "samples", lambda: gan_eval.nearest_neighbours(
        -IMAGES, IMAGES)),
]
