"""Tests for lecture_utils.gan_eval: hand-made coverage cases, Frechet distance of Gaussians, the digit
scorer against its own classifier, nearest neighbours against brute force.

Bad inputs are in tests/bad_inputs/cases_gan_eval.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from lecture_utils import gan, gan_eval


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    d = load_digits()
    return d.images[:600] / 16.0, d.target[:600]


@pytest.fixture(scope="module")
def scorer(digits: tuple[np.ndarray, np.ndarray]) -> gan_eval.DigitScorer:
    x, y = digits
    return gan_eval.fit_digit_scorer(x[:400], y[:400], seed=0)


# ----------------------------------------------------------------------------- coverage
def test_coverage_on_hand_made_samples() -> None:
    ring = gan.ring_mixture()
    everything = np.repeat(ring.means, 10, axis=0) + 0.005
    cov = gan_eval.coverage(everything, ring)
    assert (cov.modes_covered, cov.n_modes, cov.high_quality) == (8, 8, 1.0)
    assert cov.counts.tolist() == [10] * 8
    one = np.tile(ring.means[3], (50, 1))
    cov = gan_eval.coverage(one, ring)
    assert (cov.modes_covered, cov.high_quality) == (1, 1.0) and cov.counts[3] == 50
    assert cov.largest_share == 1.0 and gan_eval.coverage(everything, ring).largest_share == 1 / 8
    off = np.zeros((40, 2))  # the ring's centre: far from every mode
    off[:10] = ring.means[0] + np.array([0.029, 0.0])  # inside 3 std = 0.03
    off[10:20] = ring.means[1] + np.array([0.0, 0.031])  # just outside
    cov = gan_eval.coverage(off, ring)
    assert (cov.modes_covered, cov.high_quality) == (1, 0.25)
    assert cov.largest_share == 30 / 40  # off-mode samples count too: the centre is nearest to mode 0 here
    assert gan_eval.coverage(off, ring, n_std=3.2).high_quality == 0.5  # n_std widens the ball
    assert cov.median_distance == pytest.approx((0.031 + 1.0) / 2, rel=1e-6)  # 20 near modes, 20 at centre
    assert gan_eval.coverage(everything, ring).median_distance == pytest.approx(0.005 * np.sqrt(2))


def test_true_samples_score_as_expected() -> None:
    grid = gan.grid_mixture()
    x = gan.sample_mixture(grid, 2500, generator=torch.Generator().manual_seed(1)).numpy()
    cov = gan_eval.coverage(x, grid)
    # P(chi_2 <= 9) = 1 - exp(-4.5); binomial standard error on 2500 samples.
    p = 1 - np.exp(-4.5)
    assert cov.modes_covered == 25
    assert abs(cov.high_quality - p) < 5 * np.sqrt(p * (1 - p) / 2500)


# ----------------------------------------------------------------------------- Frechet distance
def test_frechet_distance_of_gaussians() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 3))
    assert gan_eval.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-5)
    # N(0, I) vs N(m, 4 I): ||m||^2 + tr(I + 4I - 2 * 2I) = ||m||^2 + 3 = 4. Delta method, n = 4000: each of
    # the 3 variances of b (se 4 sqrt(2/n) = 0.09) enters with weight 1/2, of a (se 0.022) with weight -1,
    # and ||mean difference||^2 has se 2 * 1 * sqrt(5/n) = 0.07: in all se ~ 0.11, so 0.3 is ~3 se (seeded).
    b = 2 * rng.standard_normal((4000, 3)) + np.array([1.0, 0.0, 0.0])
    assert gan_eval.frechet_distance(a, b) == pytest.approx(4.0, abs=0.3)


# ----------------------------------------------------------------------------- digit scorer
def test_features_are_the_classifiers_own_hidden_layer(scorer: gan_eval.DigitScorer,
                                                       digits: tuple[np.ndarray, np.ndarray]) -> None:
    # The classifier's output layer applied to our features must give its own predict_proba.
    x = digits[0][400:450]
    h = scorer.features(x)
    clf = scorer.classifier
    logits = h @ clf.coefs_[1] + clf.intercepts_[1]
    proba = np.exp(logits - logits.max(1, keepdims=True))
    proba /= proba.sum(1, keepdims=True)
    np.testing.assert_allclose(proba, clf.predict_proba(x.reshape(-1, 64)), rtol=1e-10, atol=1e-12)
    assert h.shape == (50, 64) and (h >= 0).all() and (h == 0).any()  # ReLU units, some off


def test_digit_quality_separates_real_digits_from_noise(scorer: gan_eval.DigitScorer,
                                                        digits: tuple[np.ndarray, np.ndarray]) -> None:
    x = digits[0]
    real = gan_eval.digit_quality(scorer, x[400:500], x[500:])
    noise = gan_eval.digit_quality(scorer, np.random.default_rng(0).random((100, 8, 8)), x[500:])
    one_class = gan_eval.digit_quality(scorer, np.repeat(x[400:401], 50, axis=0), x[500:])
    assert real.classes_covered == 10 and real.class_entropy > 3.0 and real.confidence > 0.9
    assert noise.frechet > 3 * real.frechet
    assert (one_class.classes_covered, one_class.class_entropy) == (1, 0.0)
    assert (one_class.smallest_class_share, one_class.largest_class_share) == (0.0, 1.0)
    # real digits: every predicted class between 5% and 17% of 100 images (100 draws of about 10% each)
    assert 0.05 <= real.smallest_class_share <= 0.1 <= real.largest_class_share <= 0.17
    labels = scorer.predict_proba(x[400:500]).argmax(1)
    assert real.largest_class_share == np.bincount(labels, minlength=10).max() / 100


def test_nearest_neighbours_against_brute_force(digits: tuple[np.ndarray, np.ndarray]) -> None:
    x = digits[0]
    samples, train = np.random.default_rng(1).random((30, 8, 8)), x[:200]
    idx, dist = gan_eval.nearest_neighbours(samples, train)
    d = np.linalg.norm(samples.reshape(30, 1, 64) - train.reshape(1, 200, 64), axis=-1)
    np.testing.assert_array_equal(idx, d.argmin(1))
    np.testing.assert_allclose(dist, d.min(1), rtol=1e-10)
    idx, dist = gan_eval.nearest_neighbours(x[:5], x[:50])  # training images find themselves
    assert idx.tolist() == [0, 1, 2, 3, 4] and np.allclose(dist, 0.0, atol=1e-6)


def test_label_accuracy_on_hand_made_samples(scorer: gan_eval.DigitScorer,
                                             digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits[0][400:], digits[1][400:]  # 200 digits the scorer did not train on
    right = gan_eval.label_accuracy(scorer, x, y)
    wrong = gan_eval.label_accuracy(scorer, x, (y + 1) % 10)  # every label shifted: almost all wrong
    assert right > 0.7 and wrong < 0.1  # this fixture's scorer saw only 400 digits: about 80% right
    one = gan_eval.label_accuracy(scorer, x[:1], y[:1])
    assert one in (0.0, 1.0)


def test_per_class_accuracy_splits_label_accuracy_by_class(scorer: gan_eval.DigitScorer,
                                                           digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits[0][400:], digits[1][400:]
    per_class = gan_eval.per_class_accuracy(scorer, x, y)
    counts = np.bincount(y, minlength=10)
    assert per_class.shape == (10,)
    assert np.average(per_class, weights=counts) == pytest.approx(gan_eval.label_accuracy(scorer, x, y))
    only_threes = gan_eval.per_class_accuracy(scorer, x[y == 3], y[y == 3])
    assert np.isnan(only_threes[[0, 1, 2, 4, 5, 6, 7, 8, 9]]).all()
    assert only_threes[3] == gan_eval.label_accuracy(scorer, x[y == 3], y[y == 3])
