"""Tests for lecture_utils.pixelcnn: causality by autograd, the factorised limit, exact normalisation,
seeded sampling and early-stopped training. Bad inputs are tested in tests/bad_inputs/cases_pixelcnn.py."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from lecture_utils.pixelcnn import (
    MaskedConv2d,
    PixelCNN,
    PixelCNNConfig,
    log_prob,
    sample,
    split_validation,
    train_pixelcnn,
)
from lecture_utils.vae import factorised_bernoulli_log_likelihood

SMALL = PixelCNNConfig(channels=8, n_layers=2, first_kernel=7, kernel=3)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def random_images(n: int, seed: int = 0, h: int = 8, w: int = 8) -> np.ndarray:
    return (np.random.default_rng(seed).random((n, h, w)) < 0.4).astype(np.float32)


def jacobian(model: PixelCNN, x: torch.Tensor) -> torch.Tensor:
    """d logits_i / d x_j for one image, flattened in raster order: (D, D)."""
    d = model.config.n_pixels
    h, w = model.config.height, model.config.width
    jac = torch.autograd.functional.jacobian(lambda v: model(v.reshape(1, h, w)).reshape(d), x.reshape(d))
    return jac


# min_reach: the share of allowed (earlier-pixel) dependencies the net must use; a 3x3 first layer plus one
# 3x3 layer sees a small neighbourhood only, so its share is lower.
@pytest.mark.parametrize(("config", "min_reach"), [
    (SMALL, 0.5), (PixelCNNConfig(channels=4, n_layers=3, first_kernel=15, kernel=5), 0.5),
    (PixelCNNConfig(height=5, width=7, channels=4, n_layers=1, first_kernel=3), 0.2)])
def test_logit_i_depends_only_on_pixels_before_i(config: PixelCNNConfig, min_reach: float) -> None:
    model = PixelCNN(config, generator=gen(1))
    x = torch.from_numpy(random_images(1, 2, config.height, config.width)[0]) + 0.3  # avoid ReLU dead zones
    jac = jacobian(model, x)
    d = config.n_pixels
    upper = torch.triu(torch.ones(d, d, dtype=torch.bool))  # j >= i: must be exactly zero
    assert torch.all(jac[upper] == 0), "a logit depends on its own pixel or a later one"
    # ... and the check has teeth: the network does use earlier pixels (most of the strict lower triangle)
    lower = ~upper
    reach = (jac[lower] != 0).float().mean().item()
    assert reach > min_reach, f"only {reach:.2f} of the allowed dependencies are used"


def test_a_type_b_first_layer_would_leak_the_pixel_itself() -> None:
    """The same Jacobian test catches the classic bug: a type-B mask on the input layer."""
    model = PixelCNN(SMALL, generator=gen(1))
    first = model.layers[0]
    assert isinstance(first, MaskedConv2d)
    first.mask_type = "B"
    first.reset_mask()
    jac = jacobian(model, torch.from_numpy(random_images(1, 3)[0]) + 0.3)
    assert torch.any(torch.diagonal(jac) != 0)


def test_masks_removing_every_connection_give_the_factorised_model() -> None:
    """With every mask zero, p(x_i | x_<i) = sigmoid(b_i): fitting b_i reproduces the factorised baseline."""
    x_train, x_test = random_images(300, 4), random_images(50, 5)
    x_train[:, 0, 0] = (np.arange(300) % 3 == 0)  # pixel probabilities that differ per pixel
    model = PixelCNN(SMALL, generator=gen(0))
    for m in model.modules():
        if isinstance(m, MaskedConv2d):
            m.mask.zero_()
            m.bias.data.zero_()
    alpha = 1.0
    p = (x_train.sum(0) + alpha) / (len(x_train) + 2 * alpha)
    with torch.no_grad():
        model.pixel_bias.copy_(torch.from_numpy(np.log(p) - np.log1p(-p)))
    ours = log_prob(model, x_test).double().numpy()
    baseline = factorised_bernoulli_log_likelihood(x_train, x_test, alpha=alpha)
    np.testing.assert_allclose(ours, baseline, rtol=1e-5, atol=1e-4)


def test_probabilities_of_every_image_sum_to_one() -> None:
    """Exact normalisation on a 3x3 canvas: sum over all 2^9 binary images of p_theta(x) is 1."""
    config = PixelCNNConfig(height=3, width=3, channels=6, n_layers=2, first_kernel=5)
    model = PixelCNN(config, generator=gen(2))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=gen(3)))  # away from the near-uniform start
    every = np.array(list(itertools.product([0.0, 1.0], repeat=9)), dtype=np.float32).reshape(-1, 3, 3)
    total = torch.logsumexp(log_prob(model, every).double(), 0).exp().item()
    assert math.isclose(total, 1.0, rel_tol=1e-5)


def test_sampling_is_reproducible_and_follows_the_model() -> None:
    model = PixelCNN(SMALL, generator=gen(0))
    a = sample(model, 16, generator=gen(7))
    b = sample(model, 16, generator=gen(7))
    c = sample(model, 16, generator=gen(8))
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert set(torch.unique(a).tolist()) <= {0.0, 1.0}
    x, steps = sample(model, 4, generator=gen(7), return_steps=True)
    assert steps.shape == (65, 4, 8, 8) and torch.equal(steps[-1], x) and torch.all(steps[0] == 0.5)


def test_first_pixel_frequency_matches_its_probability() -> None:
    """x_1 has no parents: its sample frequency matches sigmoid(logit_1) within 5 binomial standard errors."""
    model = PixelCNN(SMALL, generator=gen(0))
    with torch.no_grad():
        model.pixel_bias[0, 0] = 0.8
        p = torch.sigmoid(model(torch.zeros(1, 8, 8))[0, 0, 0]).item()
    n = 4000
    freq = sample(model, n, generator=gen(11))[:, 0, 0].mean().item()
    assert abs(freq - p) < 5 * math.sqrt(p * (1 - p) / n)


def test_split_validation_is_a_seeded_partition() -> None:
    x = np.arange(20, dtype=np.float32).reshape(20, 1, 1)
    tr, va = split_validation(x, 5, generator=gen(0))
    assert tr.shape == (15, 1, 1) and va.shape == (5, 1, 1)
    assert sorted(np.concatenate([tr, va]).ravel().tolist()) == list(range(20))
    tr2, va2 = split_validation(x, 5, generator=gen(0))
    assert np.array_equal(va, va2)


def test_training_improves_validation_likelihood_and_keeps_the_best_weights() -> None:
    x = random_images(200, 9)
    x[:, :, 4:] = x[:, :, :4]  # right half copies the left half: learnable structure
    x_train, x_val = split_validation(x, 50, generator=gen(0))
    config = PixelCNNConfig(channels=8, n_layers=1, first_kernel=15, max_epochs=12, patience=3, lr=1e-2,
                            batch_size=32, ema_decay=0.9)
    model, history = train_pixelcnn(x_train, x_val, config, generator=gen(1))
    val = history.series["val_nats"]
    best = int(history.series["best_epoch"][0])
    assert val[best - 1] == max(val)
    assert max(val) > val[0] + 5.0  # copying 32 pixels is worth far more than 5 nats
    np.testing.assert_allclose(log_prob(model, x_val).mean().item(), max(val), rtol=1e-5)
    model2, history2 = train_pixelcnn(x_train, x_val, config, generator=gen(1))
    assert history2.series["val_nats"] == val
