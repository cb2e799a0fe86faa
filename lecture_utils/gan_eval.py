"""Evaluating GAN samples: mode coverage of a 2-D mixture, a digit classifier's confidence and Frechet
distance, and nearest training neighbours (is the generator copying its data?).

The models, losses and training loop live in :mod:`lecture_utils.gan`; this module only scores samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from lecture_utils import checks

if TYPE_CHECKING:  # gan imports this module at run time; the type is only needed for the annotation
    from lecture_utils.gan import Mixture

__all__ = [
    "Coverage", "DigitQuality", "DigitScorer", "coverage", "digit_quality", "fit_digit_scorer",
    "frechet_distance", "label_accuracy", "nearest_neighbours", "per_class_accuracy",
]


# ----------------------------------------------------------------------------- 2-D mode coverage
@dataclass(frozen=True)
class Coverage:
    """Mode-coverage metrics of a sample set against a mixture."""

    modes_covered: int
    n_modes: int
    high_quality: float  # fraction of samples within n_std std of their nearest mode
    counts: np.ndarray  # (K,) high-quality samples per mode
    largest_share: float  # of all samples, the part nearest to the most popular mode (1/K even, 1 collapsed)
    median_distance: float  # median over samples of the distance to the nearest mode (data units)


def _mixture_modes(mixture: Any) -> tuple[np.ndarray, float]:
    """The (K, 2) means and the std of a ``gan.Mixture`` (read by attribute: no import cycle with gan)."""
    if not (hasattr(mixture, "means") and hasattr(mixture, "std")):
        raise checks.BadArgumentType(f"mixture must be a gan.Mixture, got {checks.show(mixture)}")
    means = checks.array("mixture.means", mixture.means, shape=(None, 2))
    return means, checks.positive("mixture.std", mixture.std)


def coverage(samples: ArrayLike, mixture: Mixture, *, n_std: float = 3.0) -> Coverage:
    """Modes covered and high-quality fraction (within ``n_std`` std of the nearest mode)."""
    x = checks.array("samples", samples, shape=(None, 2))
    means, std = _mixture_modes(mixture)
    n_std = checks.positive("n_std", n_std)
    d2 = ((x[:, None, :] - means[None]) ** 2).sum(-1)  # (N, K)
    nearest = d2.argmin(1)
    dist = np.sqrt(d2[np.arange(len(x)), nearest])
    good = dist <= n_std * std
    counts = np.bincount(nearest[good], minlength=len(means))
    largest = np.bincount(nearest, minlength=len(means)).max() / len(x)
    return Coverage(int((counts > 0).sum()), len(means), float(good.mean()), counts, float(largest),
                    float(np.median(dist)))


# ----------------------------------------------------------------------------- Frechet distance
def frechet_distance(f1: ArrayLike, f2: ArrayLike) -> float:
    """||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^{1/2}) between Gaussians fitted to two feature sets."""
    from scipy import linalg

    a = checks.array("f1", f1, ndim=2, min_size=2)
    b = checks.array("f2", f2, ndim=2, min_size=2)
    for name, f in (("f1", a), ("f2", b)):
        if f.shape[0] < 2:  # a covariance needs two rows
            raise checks.BadArgument(f"{name} must have at least 2 rows (N, H), got shape {f.shape}")
    if a.shape[1] != b.shape[1]:
        raise checks.BadArgument(f"f1 and f2 must have the same number of features, got {a.shape} and "
                                 f"{b.shape}")
    mu1, mu2 = a.mean(0), b.mean(0)
    eye = 1e-6 * np.eye(a.shape[1])  # dead ReLU units make a covariance singular: regularise (as FID code)
    s1, s2 = np.cov(a, rowvar=False) + eye, np.cov(b, rowvar=False) + eye
    covmean = linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


# ----------------------------------------------------------------------------- digit scorer
def _flat_images(name: str, images: ArrayLike) -> np.ndarray:
    """8x8 images in [0, 1] as (N, 64) rows."""
    x = checks.array(name, images, shape=(None, 8, 8), low=0.0, high=1.0)
    return x.reshape(len(x), 64)


@dataclass
class DigitScorer:
    """A digit classifier trained on the training split, used to score generated digits."""

    classifier: Any  # a fitted sklearn MLPClassifier with one ReLU hidden layer, on flattened 8x8 images

    def __post_init__(self) -> None:
        from sklearn.neural_network import MLPClassifier

        clf = checks.instance("classifier", self.classifier, MLPClassifier)
        if not hasattr(clf, "coefs_"):
            raise checks.BadArgument("classifier must be fitted (call fit, or use fit_digit_scorer)")
        if clf.activation != "relu" or len(clf.coefs_) != 2 or clf.coefs_[0].shape[0] != 64:
            raise checks.BadArgument(f"classifier must have 64 inputs and one ReLU hidden layer, got "
                                     f"activation={clf.activation!r}, {len(clf.coefs_) - 1} hidden layer(s)")

    def features(self, images: ArrayLike) -> np.ndarray:
        """Hidden-layer activations (N, H) of the classifier: the feature space of the Frechet distance."""
        # scikit-learn has no public transform for an MLP's hidden layer (only the private _forward_pass), so
        # this applies the fitted public weights coefs_/intercepts_ and the ReLU that __post_init__ checked;
        # tests/test_gan_eval.py checks that the output layer on these features gives predict_proba.
        clf = self.classifier
        return np.maximum(_flat_images("images", images) @ clf.coefs_[0] + clf.intercepts_[0], 0.0)

    def predict_proba(self, images: ArrayLike) -> np.ndarray:
        """Class probabilities (N, 10)."""
        return self.classifier.predict_proba(_flat_images("images", images))


def fit_digit_scorer(x_train: ArrayLike, y_train: ArrayLike, *, seed: int = 0) -> DigitScorer:
    """Train a one-hidden-layer classifier (64 ReLU units) on the training digits."""
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    x = _flat_images("x_train", x_train)
    y = checks.index_array("y_train", y_train, 10, ndim=1)
    if len(y) != len(x):
        raise checks.BadArgument(f"y_train must have one label per image ({len(x)}), got {len(y)}")
    seed = checks.nonnegative_int("seed", seed)
    clf = MLPClassifier(hidden_layer_sizes=(64,), solver="lbfgs", alpha=1e-2, max_iter=2000,
                        random_state=seed)
    with threadpool_limits(1):  # a small problem: BLAS threads only contend
        clf.fit(x, y)
    return DigitScorer(clf)


@dataclass(frozen=True)
class DigitQuality:
    """Sample-quality score of a batch of digits."""

    confidence: float  # mean max class probability: does each image look like some digit?
    class_entropy: float  # entropy (bits) of the predicted-label histogram: log2(10) = 3.32 is uniform
    classes_covered: int  # classes predicted for at least 1% of the images
    frechet: float  # Frechet distance to the reference digits in the classifier's feature space
    smallest_class_share: float  # share of the images given the rarest predicted label (uniform: 0.1)
    largest_class_share: float  # share of the images given the commonest predicted label (uniform: 0.1)


def digit_quality(scorer: DigitScorer, images: ArrayLike, reference: ArrayLike) -> DigitQuality:
    """Confidence, label entropy, classes covered, Frechet distance and class shares of ``images``."""
    checks.instance("scorer", scorer, DigitScorer)
    x = _flat_images("images", images).reshape(-1, 8, 8)
    ref = _flat_images("reference", reference).reshape(-1, 8, 8)
    for name, arr in (("images", x), ("reference", ref)):
        if len(arr) < 2:  # the Frechet distance fits a covariance to each set
            raise checks.BadArgument(f"{name} must hold at least 2 images, got shape {arr.shape}")
    proba = scorer.predict_proba(x)
    counts = np.bincount(proba.argmax(1), minlength=proba.shape[1]) / len(proba)
    nz = counts[counts > 0]
    return DigitQuality(float(proba.max(1).mean()), float(-(nz * np.log2(nz)).sum()),
                        int((counts >= 0.01).sum()),
                        frechet_distance(scorer.features(x), scorer.features(ref)),
                        float(counts.min()), float(counts.max()))


def _hits(scorer: DigitScorer, images: ArrayLike, labels: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Per image: whether the classifier's label is ``labels``' one; and the labels, checked."""
    checks.instance("scorer", scorer, DigitScorer)
    x = _flat_images("images", images).reshape(-1, 8, 8)
    y = checks.array("labels", labels, shape=(len(x),), dtype=np.int64, low=0)
    return scorer.predict_proba(x).argmax(1) == y, y


def label_accuracy(scorer: DigitScorer, images: ArrayLike, labels: ArrayLike) -> float:
    """Share of ``images`` that the classifier assigns to the class they were generated for."""
    return float(_hits(scorer, images, labels)[0].mean())


def per_class_accuracy(scorer: DigitScorer, images: ArrayLike, labels: ArrayLike) -> np.ndarray:
    """``label_accuracy`` within each class 0..K-1 of the scorer, shape (K,); NaN for a class not present."""
    hit, y = _hits(scorer, images, labels)
    n_classes = len(scorer.classifier.classes_)
    return np.array([hit[y == k].mean() if (y == k).any() else np.nan for k in range(n_classes)])


# ----------------------------------------------------------------------------- memorisation
def nearest_neighbours(samples: ArrayLike, train: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Index and Euclidean distance of each sample's nearest training image."""
    from sklearn.metrics import pairwise_distances_argmin_min

    idx, dist = pairwise_distances_argmin_min(_flat_images("samples", samples), _flat_images("train", train))
    return idx, dist
