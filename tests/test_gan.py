"""Tests for lecture_utils.gan: closed forms, autograd oracles, hand-made coverage cases, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import special, stats

from lecture_utils import gan


# ----------------------------------------------------------------------------- theory
def test_optimal_discriminator_on_known_densities() -> None:
    x = np.linspace(-6, 6, 2001)
    p_data, p_g = stats.norm.pdf(x, 1.0, 1.0), stats.norm.pdf(x, -1.0, 1.0)
    d_star = gan.optimal_discriminator(p_data, p_g)
    # Two unit Gaussians at +-1: D*(x) = sigmoid(log p_data - log p_g) = sigmoid(2x).
    np.testing.assert_allclose(d_star, 1 / (1 + np.exp(-2 * x)), rtol=1e-10)
    np.testing.assert_allclose(gan.optimal_discriminator(p_data, p_data), 0.5)
    assert gan.optimal_discriminator(np.zeros(3), np.zeros(3)).tolist() == [0.5] * 3


def test_value_at_optimal_discriminator_is_js_formula() -> None:
    x = np.linspace(-12, 12, 40001)
    dx = x[1] - x[0]
    p_data, p_g = stats.norm.pdf(x, 0.0, 1.0), stats.norm.pdf(x, 1.5, 0.7)
    d, one_minus_d = gan.optimal_discriminator(p_data, p_g), gan.optimal_discriminator(p_g, p_data)
    np.testing.assert_allclose(d + one_minus_d, 1.0)
    value = ((special.xlogy(p_data, d) + special.xlogy(p_g, one_minus_d)) * dx).sum()
    assert value == pytest.approx(-np.log(4) + 2 * gan.js_divergence(p_data, p_g, dx), abs=1e-8)
    assert gan.js_divergence(p_data, p_data, dx) == pytest.approx(0.0, abs=1e-12)
    # Disjoint supports: JS is log 2.
    p, q = np.r_[np.ones(10), np.zeros(10)] / 10, np.r_[np.zeros(10), np.ones(10)] / 10
    assert gan.js_divergence(p, q, 1.0) == pytest.approx(np.log(2))


# ----------------------------------------------------------------------------- losses vs autograd
@pytest.mark.parametrize(
    ("loss", "formula", "grad"),
    [
        # d/dD log(1 - D) = -1 / (1 - D) ;  d/dD -log D = -1 / D
        (gan.g_loss_saturating, lambda d: np.log1p(-d), lambda d: -1 / (1 - d)),
        (gan.g_loss_non_saturating, lambda d: -np.log(d), lambda d: -1 / d),
    ],
)
def test_generator_losses_and_gradients(loss, formula, grad) -> None:
    d = torch.tensor([0.01, 0.2, 0.5, 0.9, 0.99], dtype=torch.float64, requires_grad=True)
    logits = torch.log(d) - torch.log1p(-d)
    per_sample = torch.stack([loss(logit.view(1)) for logit in logits])
    np.testing.assert_allclose(per_sample.detach().numpy(), formula(d.detach().numpy()), rtol=1e-10)
    (g,) = torch.autograd.grad(per_sample.sum(), d)
    np.testing.assert_allclose(g.numpy(), grad(d.detach().numpy()), rtol=1e-8)


def test_saturating_gradient_vanishes_when_discriminator_wins() -> None:
    # Gradient with respect to the logit at D(G(z)) = 1e-3: sigmoid(l) for saturating, 1 - sigmoid(l) for NS.
    logit = torch.tensor([np.log(1e-3 / (1 - 1e-3))], requires_grad=True)
    (g_sat,) = torch.autograd.grad(gan.g_loss_saturating(logit), logit)
    (g_ns,) = torch.autograd.grad(gan.g_loss_non_saturating(logit), logit)
    assert float(g_sat.abs()) == pytest.approx(1e-3, rel=1e-4)
    assert float(g_ns.abs()) == pytest.approx(1 - 1e-3, rel=1e-4)


def test_discriminator_losses() -> None:
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    expected = -(np.log(torch.sigmoid(real).numpy()).mean() + np.log(1 - torch.sigmoid(fake).numpy()).mean())
    assert float(gan.d_loss_bce(real, fake)) == pytest.approx(expected, rel=1e-6)
    assert float(gan.d_loss_lsgan(torch.ones(3), torch.zeros(3))) == 0.0
    assert float(gan.g_loss_lsgan(torch.zeros(4))) == pytest.approx(0.5)


def test_gradient_penalty_matches_closed_form() -> None:
    lin = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[3.0, 4.0]]))  # ||grad|| = 5 everywhere
    x = torch.randn(7, 2, generator=torch.Generator().manual_seed(0))
    assert float(gan.gradient_penalty(lin, x).detach()) == pytest.approx(25.0)
    assert float(gan.gradient_penalty(lin, x, center=1.0).detach()) == pytest.approx(16.0)


# ----------------------------------------------------------------------------- mixtures and coverage
def test_mixture_geometry() -> None:
    ring, grid = gan.ring_mixture(), gan.grid_mixture()
    assert ring.n_modes == 8 and grid.n_modes == 25
    np.testing.assert_allclose(np.linalg.norm(ring.means, axis=1), 1.0)
    assert sorted(set(grid.means.ravel().round(6))) == [-4, -2, 0, 2, 4]
    x = gan.sample_mixture(grid, 20000, generator=torch.Generator().manual_seed(0)).numpy()
    resid = x - grid.means[((x[:, None] - grid.means) ** 2).sum(-1).argmin(1)]
    # Sample std of 40000 residual coordinates: standard error std / sqrt(2 * 40000).
    assert abs(resid.std() - 0.05) < 5 * 0.05 / np.sqrt(2 * resid.size)


def test_mixture_density_integrates_to_one() -> None:
    mix = gan.Mixture(np.array([[0.0, 0.0], [1.0, 0.0]]), 0.3)
    g = np.linspace(-3, 4, 401)
    xx, yy = np.meshgrid(g, g)
    p = gan.mixture_density(mix, np.stack([xx, yy], -1))
    assert p.sum() * (g[1] - g[0]) ** 2 == pytest.approx(1.0, abs=1e-6)


def test_coverage_on_hand_made_samples() -> None:
    ring = gan.ring_mixture()
    everything = np.repeat(ring.means, 10, axis=0) + 0.005
    cov = gan.coverage(everything, ring)
    assert (cov.modes_covered, cov.high_quality) == (8, 1.0)
    assert cov.counts.tolist() == [10] * 8
    one = np.tile(ring.means[3], (50, 1))
    cov = gan.coverage(one, ring)
    assert (cov.modes_covered, cov.high_quality) == (1, 1.0)
    off = np.zeros((40, 2))  # the ring's centre: far from every mode
    off[:10] = ring.means[0] + np.array([0.029, 0.0])  # inside 3 std = 0.03
    off[10:20] = ring.means[1] + np.array([0.0, 0.031])  # just outside
    cov = gan.coverage(off, ring)
    assert (cov.modes_covered, cov.high_quality) == (1, 0.25)


def test_true_samples_score_as_expected() -> None:
    grid = gan.grid_mixture()
    x = gan.sample_mixture(grid, 2500, generator=torch.Generator().manual_seed(1)).numpy()
    cov = gan.coverage(x, grid)
    # P(chi_2 <= 9) = 1 - exp(-4.5); binomial standard error on 2500 samples.
    p = 1 - np.exp(-4.5)
    assert cov.modes_covered == 25
    assert abs(cov.high_quality - p) < 5 * np.sqrt(p * (1 - p) / 2500)


# ----------------------------------------------------------------------------- training
def _small_state(loss: str = "non_saturating", seed: int = 0) -> gan.GANState:
    cfg = gan.GANConfig(loss=loss, latent_dim=2, batch_size=32, steps=5, r1_gamma=0.1)
    G, D = gan.make_models(cfg, seed=seed, hidden=16, depth=2)
    return gan.init_state(G, D, cfg)


@pytest.mark.parametrize("loss", gan.LOSSES)
def test_training_steps_change_the_generator(loss: str) -> None:
    state = _small_state(loss)
    before = [p.detach().clone() for p in state.G.parameters()]
    gen = torch.Generator().manual_seed(0)
    hist = gan.train(state, gan.mixture_sampler(gan.ring_mixture()), 3, generator=gen)
    assert state.step == 3 and len(hist.g_loss) == 3
    assert all(np.isfinite(v).all() for v in hist.as_arrays().values())
    assert any(not torch.equal(b, p) for b, p in zip(before, state.G.parameters(), strict=True))


def test_training_is_deterministic() -> None:
    runs = []
    for _ in range(2):
        state = _small_state()
        gen = torch.Generator().manual_seed(3)
        gan.train(state, gan.mixture_sampler(gan.grid_mixture()), 4, generator=gen)
        runs.append(gan.generate(state.G, 10, 2, generator=torch.Generator().manual_seed(5)))
    np.testing.assert_array_equal(runs[0], runs[1])
    other = _small_state(seed=1)
    other_x = gan.generate(other.G, 10, 2, generator=torch.Generator().manual_seed(5))
    assert not np.array_equal(runs[0], other_x)


def test_train_mixture_returns_eval_samples() -> None:
    cfg = gan.mixture_config("ring", steps=3, batch_size=16, latent_dim=2)
    run = gan.train_mixture(gan.ring_mixture(), cfg, seed=0, n_eval=100, hidden=8, depth=1)
    assert run.samples.shape == run.samples_jbt.shape == (100, 2) and run.coverage.n_modes == 8
    assert run.coverage_jbt.n_modes == 8


def test_conv_gan_shapes_and_range() -> None:
    G, D = gan.ConvGenerator(latent_dim=4, width=8), gan.ConvDiscriminator(width=8)
    x = gan.generate(G, 6, 4, generator=torch.Generator().manual_seed(0))
    assert x.shape == (6, 8, 8) and x.min() >= 0 and x.max() <= 1
    assert D(torch.as_tensor(x)).shape == (6,)


def test_truncated_latent_is_bounded_and_standard_inside() -> None:
    z = gan.sample_latent(5000, 4, generator=torch.Generator().manual_seed(0), truncation=0.5)
    assert float(z.abs().max()) <= 0.5
    # Truncated N(0,1) on [-a, a] has variance 1 - 2 a phi(a) / (2 Phi(a) - 1).
    a = 0.5
    var = 1 - 2 * a * stats.norm.pdf(a) / (2 * stats.norm.cdf(a) - 1)
    se = var * np.sqrt(2 / z.numel())
    assert abs(float(z.var()) - var) < 5 * se


def test_lazy_r1_applies_the_penalty_every_k_steps_with_weight_k() -> None:
    real = torch.randn(16, 2, generator=torch.Generator().manual_seed(0))
    fake = torch.randn(16, 2, generator=torch.Generator().manual_seed(1))
    losses = {}
    for gamma, every in ((0.0, 1), (0.3, 4)):
        state = _small_state()
        state.config = gan.GANConfig(latent_dim=2, batch_size=16, r1_gamma=gamma, r1_every=every)
        for step in (0, 1, 4):
            state.step = step
            losses[gamma, step] = float(gan._d_loss(state, real, fake, torch.Generator())[0].detach())
    penalty = float(gan.gradient_penalty(_small_state().D, real).detach())
    assert penalty > 0
    assert losses[0.3, 1] == pytest.approx(losses[0.0, 1])  # off-step: no penalty
    for step in (0, 4):  # on-step: 0.5 * gamma * k * E||grad D||^2
        assert losses[0.3, step] - losses[0.0, step] == pytest.approx(0.5 * 0.3 * 4 * penalty, rel=1e-5)


def test_jacobian_norms_of_a_linear_and_a_kinked_generator() -> None:
    lin = torch.nn.Linear(3, 2)
    z = torch.randn(7, 3, generator=torch.Generator().manual_seed(0))
    np.testing.assert_allclose(gan.jacobian_norms(lin, z), float(lin.weight.detach().norm()), rtol=1e-5)
    # G(z) = (relu(z_0), 0): Jacobian norm 1 where z_0 > 0, 0 where z_0 < 0.
    kinked = torch.nn.Sequential(torch.nn.Linear(1, 2, bias=False), torch.nn.ReLU())
    with torch.no_grad():
        kinked[0].weight.copy_(torch.tensor([[1.0], [0.0]]))
    norms = gan.jacobian_norms(kinked, torch.tensor([[-2.0], [-0.5], [0.5], [3.0]]))
    np.testing.assert_allclose(norms, [0.0, 0.0, 1.0, 1.0])


def test_jacobian_truncation_rejects_the_steepest_draws() -> None:
    # G(z) = z^3 / 3 in 1-D (padded to 2-D): |G'(z)| = z^2 grows with |z|, so truncation keeps small |z|.
    class Cubic(torch.nn.Module):
        def forward(self, z: torch.Tensor) -> torch.Tensor:
            return torch.cat([z[:, :1] ** 3 / 3, torch.zeros_like(z[:, :1])], dim=1)

    x = gan.generate_jbt(Cubic(), 900, 1, reject=0.1, generator=torch.Generator().manual_seed(0))
    z = gan.sample_latent(1000, 1, generator=torch.Generator().manual_seed(0))
    kept = np.sort(np.abs(z.numpy().ravel()))[:900]
    assert x.shape == (900, 2)
    np.testing.assert_allclose(np.sort(np.abs(3 * x[:, 0]) ** (1 / 3)), kept, rtol=1e-4)
    plain = gan.generate_jbt(Cubic(), 50, 1, reject=0.0, generator=torch.Generator().manual_seed(0))
    same = gan.generate(Cubic(), 50, 1, generator=torch.Generator().manual_seed(0))
    np.testing.assert_allclose(plain, same)


def test_frechet_distance_of_gaussians() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 3))
    assert gan.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # N(0, I) vs N(m, 4 I): ||m||^2 + tr(I + 4I - 2 * 2I) = ||m||^2 + 3.
    b = 2 * rng.standard_normal((4000, 3)) + np.array([1.0, 0.0, 0.0])
    assert gan.frechet_distance(a, b) == pytest.approx(4.0, abs=0.3)  # sampling error of the moments


def test_digit_scorer_quality_and_nearest_neighbours() -> None:
    from sklearn.datasets import load_digits

    d = load_digits()
    x, y = d.images[:600] / 16.0, d.target[:600]
    scorer = gan.fit_digit_scorer(x[:400], y[:400], seed=0)
    real = gan.digit_quality(scorer, x[400:500], x[500:])
    noise = gan.digit_quality(scorer, np.random.default_rng(0).random((100, 8, 8)), x[500:])
    assert real.classes_covered == 10 and real.class_entropy > 3.0
    assert noise.frechet > 3 * real.frechet
    idx, dist = gan.nearest_neighbours(x[:5], x[:50])
    assert idx.tolist() == [0, 1, 2, 3, 4] and np.allclose(dist, 0.0, atol=1e-6)


def test_plot_helpers_smoke() -> None:
    import matplotlib.pyplot as plt

    state = _small_state()
    fig, (ax1, ax2) = plt.subplots(1, 2)
    ring = gan.ring_mixture()
    assert gan.plot_samples(ax1, ring, np.zeros((10, 2)), lim=1.5, D=state.D, title="t") is ax1
    gen = torch.Generator().manual_seed(0)
    assert gan.plot_gan_lab(ax2, state, ring, lim=1.5, n_points=20, generator=gen) is ax2
    xx, yy, d = gan.discriminator_surface(state.D, 1.0, 5)
    assert xx.shape == d.shape == (5, 5) and ((d > 0) & (d < 1)).all()
    plt.close(fig)


# ----------------------------------------------------------------------------- errors
LIN = torch.nn.Linear(2, 2)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: gan.Mixture(np.zeros((0, 2)), 0.1), "means"),
        (lambda: gan.Mixture(np.zeros((3, 3)), 0.1), "means"),
        (lambda: gan.Mixture(np.zeros((3, 2)), 0.0), "std"),
        (lambda: gan.ring_mixture(std=-1.0), "std"),
        (lambda: gan.ring_mixture(n_modes=0), "n_modes"),
        (lambda: gan.ring_mixture(radius=0.0), "radius"),
        (lambda: gan.grid_mixture(side=0), "side"),
        (lambda: gan.grid_mixture(spacing=-2.0), "spacing"),
        (lambda: gan.coverage(np.zeros((5, 3)), gan.ring_mixture()), "samples"),
        (lambda: gan.coverage(np.zeros(10), gan.ring_mixture()), "samples"),
        (lambda: gan.coverage(np.zeros((5, 2)), gan.ring_mixture(), n_std=0), "n_std"),
        (lambda: gan.sample_mixture(gan.ring_mixture(), 0, generator=torch.Generator()), "n"),
        (lambda: gan.mixture_density(gan.ring_mixture(), np.zeros((4, 3))), "x"),
        (lambda: gan.optimal_discriminator(np.ones(3), np.ones(4)), "p_data"),
        (lambda: gan.optimal_discriminator(-np.ones(3), np.ones(3)), "p_data"),
        (lambda: gan.js_divergence(np.ones(3), np.ones(3), 0.0), "dx"),
        (lambda: gan.js_divergence(np.ones(3), np.ones(2), 1.0), "p and q"),
        (lambda: gan.GANConfig(loss="hinge"), "loss"),
        (lambda: gan.GANConfig(steps=0), "steps"),
        (lambda: gan.GANConfig(lr_g=0.0), "lr_g"),
        (lambda: gan.mlp(0, 2), "in_dim"),
        (lambda: gan.ConvGenerator(latent_dim=0), "latent_dim"),
        (lambda: gan.ConvDiscriminator(width=0), "width"),
        (lambda: gan.sample_latent(3, 2, generator=torch.Generator(), truncation=0.0), "truncation"),
        (lambda: gan.mixture_config("spiral"), "name"),
        (lambda: gan.tensor_sampler(torch.zeros(0, 2)), "data"),
        (lambda: gan.GANConfig(r1_gamma=-1.0), "r1_gamma"),
        (lambda: gan.GANConfig(r1_every=0), "r1_every"),
        (lambda: gan.jacobian_norms(LIN, torch.zeros(0, 2)), "z"),
        (lambda: gan.generate_jbt(LIN, 5, 2, reject=1.0, generator=torch.Generator()), "reject"),
        (lambda: gan.generate_jbt(LIN, 0, 2, reject=0.1, generator=torch.Generator()), "n"),
        (lambda: gan.make_models(gan.GANConfig(), seed=0, scale=0.0), "scale"),
        (lambda: gan.frechet_distance(np.zeros((5, 2)), np.zeros((5, 3))), "f1 and f2"),
        (lambda: gan.nearest_neighbours(np.zeros((2, 4, 4)), np.zeros((2, 8, 8))), "images"),
        (lambda: gan.discriminator_surface(torch.nn.Linear(2, 1), 0.0), "lim"),
        (lambda: gan.plot_samples(None, gan.ring_mixture(), np.zeros(3), lim=1.0), "samples"),
        (lambda: gan.train(_small_state(), gan.mixture_sampler(gan.ring_mixture()), -1,
                           generator=torch.Generator()), "n_steps"),
    ],
)
def test_bad_input_raises_value_error_naming_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()
