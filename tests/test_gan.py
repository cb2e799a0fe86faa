"""Tests for lecture_utils.gan: closed forms, autograd oracles, learning on a 1-D toy, the lr schedule,
seeded initialisation, determinism.

Bad inputs are in tests/bad_inputs/cases_gan.py; the scoring side is in tests/test_gan_eval.py.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch
from scipy import special, stats
from torch import nn

from lecture_utils import checks, gan, gan_eval


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


def test_js_divergence_rejects_what_is_not_a_density() -> None:
    # A negative entry used to give log of a negative ratio (nan/inf), an unnormalised pair a value > log 2.
    p = np.r_[np.ones(10), np.zeros(10)] / 10
    with pytest.raises(checks.BadArgument, match="p must be >= 0"):
        gan.js_divergence(p - 0.01, p, 1.0)
    with pytest.raises(checks.BadArgument, match="q must integrate to 1"):
        gan.js_divergence(p, 3 * p[::-1], 1.0)
    # within the tolerance a Riemann sum of a smooth density is accepted
    x = np.linspace(-6, 6, 121)
    assert gan.js_divergence(stats.norm.pdf(x), stats.norm.pdf(x, 1.0), x[1] - x[0]) > 0


# ----------------------------------------------------------------------------- losses vs autograd
@pytest.mark.parametrize(
    ("loss", "formula", "grad"),
    [
        # d/dD log(1 - D) = -1 / (1 - D) ;  d/dD -log D = -1 / D
        ("saturating", lambda d: np.log1p(-d), lambda d: -1 / (1 - d)),
        ("non_saturating", lambda d: -np.log(d), lambda d: -1 / d),
    ],
)
def test_generator_losses_and_gradients(loss, formula, grad) -> None:
    d = torch.tensor([0.01, 0.2, 0.5, 0.9, 0.99], dtype=torch.float64, requires_grad=True)
    logits = torch.log(d) - torch.log1p(-d)
    per_sample = torch.stack([gan.g_loss(loss, logit.view(1)) for logit in logits])
    np.testing.assert_allclose(per_sample.detach().numpy(), formula(d.detach().numpy()), rtol=1e-10)
    (g,) = torch.autograd.grad(per_sample.sum(), d)
    np.testing.assert_allclose(g.numpy(), grad(d.detach().numpy()), rtol=1e-8)


def test_saturating_gradient_vanishes_when_discriminator_wins() -> None:
    # Gradient with respect to the logit at D(G(z)) = 1e-3: sigmoid(l) for saturating, 1 - sigmoid(l) for NS.
    logit = torch.tensor([np.log(1e-3 / (1 - 1e-3))], requires_grad=True)
    (g_sat,) = torch.autograd.grad(gan.g_loss("saturating", logit), logit)
    (g_ns,) = torch.autograd.grad(gan.g_loss("non_saturating", logit), logit)
    assert float(g_sat.abs()) == pytest.approx(1e-3, rel=1e-4)
    assert float(g_ns.abs()) == pytest.approx(1 - 1e-3, rel=1e-4)


def test_discriminator_losses() -> None:
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    expected = -(np.log(torch.sigmoid(real).numpy()).mean() + np.log(1 - torch.sigmoid(fake).numpy()).mean())
    assert float(gan.d_loss_bce(real, fake)) == pytest.approx(expected, rel=1e-6)
    assert float(gan.d_loss_lsgan(torch.ones(3), torch.zeros(3))) == 0.0
    assert float(gan.g_loss("lsgan", torch.zeros(4))) == pytest.approx(0.5)
    assert float(gan.g_loss("wgan_gp", torch.tensor([1.0, 3.0]))) == pytest.approx(-2.0)


@pytest.mark.parametrize("loss", gan.LOSSES)
def test_a_small_generator_step_lowers_its_loss_on_a_fixed_discriminator(loss: str) -> None:
    # The generator descends its loss: one small gradient step on G, with D and z held fixed, must lower it
    # (a sign error in a loss, or a step that ascended, would raise it). Plain SGD: Adam cannot mask the sign.
    cfg = gan.GANConfig(loss=loss, latent_dim=2, batch_size=64)
    G, D = gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=16, depth=2)
    z = torch.randn(64, 2, generator=torch.Generator().manual_seed(1))
    loss_before = gan.g_loss(loss, D(G(z)))
    grads = torch.autograd.grad(loss_before, list(G.parameters()))
    before = float(loss_before.detach())
    with torch.no_grad():
        for p, g in zip(G.parameters(), grads, strict=True):
            p -= 1e-3 * g
        after = float(gan.g_loss(loss, D(G(z))))
    assert after < before, (loss, before, after)


def test_loss_comparison_changes_only_the_loss_settings() -> None:
    for name in ("ring", "grid"):
        base = dataclasses.asdict(gan.mixture_config(name, steps=2000, batch_size=64))
        for loss, change in gan.LOSS_COMPARISON.items():
            cfg = gan.mixture_loss_config(name, loss)
            assert cfg.loss == loss and (cfg.steps, cfg.batch_size) == (2000, 64)
            differs = {k for k, v in dataclasses.asdict(cfg).items() if v != base[k]}
            assert differs == set(change), (name, loss)
    assert gan.mixture_loss_config("ring", "non_saturating") == gan.mixture_ablation_config("recipe")


def test_critic_signal_is_the_wasserstein_gap_for_wgan_and_the_loss_otherwise() -> None:
    history = gan.training.History(series={"d_loss": [1.3, 1.38], "d_real": [0.5, 0.25], "d_fake": [0.1, 0.2],
                                           "g_loss": [0.0, 0.0], "g_grad_norm": [1.0, 1.0]})
    np.testing.assert_allclose(gan.critic_signal(history, "wgan_gp"), [0.4, 0.05])
    for loss in ("non_saturating", "saturating", "lsgan"):
        np.testing.assert_allclose(gan.critic_signal(history, loss), [1.3, 1.38])


def test_distance_tracker_records_the_median_distance_to_the_nearest_mode() -> None:
    ring = gan.ring_mixture()
    cfg = gan.GANConfig(latent_dim=2, batch_size=16)
    nets = gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=8, depth=1)
    state = gan.init_state(*nets, cfg)
    record, track = gan.distance_tracker(ring, n=200, seed=3)
    gan.train(state, gan.mixture_sampler(ring), 4, generator=torch.Generator().manual_seed(0),
              callback=record, every=2)
    x = gan.generate(state.G, 200, 2, generator=torch.Generator().manual_seed(3))
    assert [step for step, _ in track] == [2, 4]
    assert track[-1][1] == gan_eval.coverage(x, ring).median_distance


def test_gradient_penalty_matches_closed_form() -> None:
    lin = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[3.0, 4.0]]))  # ||grad|| = 5 everywhere
    x = torch.randn(7, 2, generator=torch.Generator().manual_seed(0))
    assert float(gan.gradient_penalty(lin, x).detach()) == pytest.approx(25.0)
    assert float(gan.gradient_penalty(lin, x, center=1.0).detach()) == pytest.approx(16.0)


# ----------------------------------------------------------------------------- mixtures
def test_mixture_geometry() -> None:
    ring, grid = gan.ring_mixture(), gan.grid_mixture()
    assert ring.n_modes == 8 and grid.n_modes == 25
    np.testing.assert_allclose(np.linalg.norm(ring.means, axis=1), 1.0)
    assert sorted(set(grid.means.ravel().round(6))) == [-4, -2, 0, 2, 4]
    x = gan.sample_mixture(grid, 20000, generator=torch.Generator().manual_seed(0)).numpy()
    resid = x - grid.means[((x[:, None] - grid.means) ** 2).sum(-1).argmin(1)]
    # Sample std of 40000 residual coordinates: standard error std / sqrt(2 * 40000).
    assert abs(resid.std() - 0.05) < 5 * 0.05 / np.sqrt(2 * resid.size)


# ----------------------------------------------------------------------------- networks
def test_make_models_equals_pytorchs_global_seeded_initialisation() -> None:
    # The oracle is what make_models did before it took a generator: build G then D under torch.manual_seed.
    def reference(hidden: int, depth: int, data_dim: int) -> tuple[nn.Module, nn.Module]:
        def stack(n_in: int, n_out: int, act: type[nn.Module] | None) -> nn.Sequential:
            layers: list[nn.Module] = []
            for w_in in [n_in] + [hidden] * (depth - 1):
                layers += [nn.Linear(w_in, hidden), nn.ReLU() if act is None else nn.LeakyReLU(0.2)]
            return nn.Sequential(*layers, nn.Linear(hidden, n_out))

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(7)
            return stack(3, data_dim, None), nn.Sequential(stack(data_dim, 1, nn.LeakyReLU), nn.Flatten(0))

    cfg = gan.GANConfig(latent_dim=3)
    G, D = gan.make_models(cfg, generator=torch.Generator().manual_seed(7), hidden=5, depth=2, data_dim=2)
    G_ref, D_ref = reference(5, 2, 2)
    for ours, ref in ((G.net, G_ref), (D.net, D_ref)):
        assert str(ours) == str(ref)
        for (name, a), (_, b) in zip(ours.named_parameters(), ref.named_parameters(), strict=True):
            assert torch.equal(a, b), name


def test_make_conv_models_are_seeded_by_the_generator_alone() -> None:
    a = gan.make_conv_models(4, 8, generator=torch.Generator().manual_seed(0))
    b = gan.make_conv_models(4, 8, generator=torch.Generator().manual_seed(0))
    c = gan.make_conv_models(4, 8, generator=torch.Generator().manual_seed(1))
    def weights(nets: tuple[nn.Module, nn.Module]) -> torch.Tensor:
        return torch.cat([p.detach().ravel() for net in nets for p in net.parameters()])

    assert torch.equal(weights(a), weights(b)) and not torch.equal(weights(a), weights(c))


def test_conv_gan_shapes_and_range() -> None:
    G, D = gan.make_conv_models(4, 8, generator=torch.Generator().manual_seed(0))
    x = gan.generate(G, 6, 4, generator=torch.Generator().manual_seed(0))
    assert x.shape == (6, 8, 8) and x.min() >= 0 and x.max() <= 1
    assert D(torch.as_tensor(x)).shape == (6,)


# ----------------------------------------------------------------------------- training
RING_SAMPLER = gan.mixture_sampler(gan.ring_mixture())


def _small_state(loss: str = "non_saturating", seed: int = 0) -> gan.GANState:
    cfg = gan.GANConfig(loss=loss, latent_dim=2, batch_size=32, steps=5, r1_gamma=0.1)
    G, D = gan.make_models(cfg, generator=torch.Generator().manual_seed(seed), hidden=16, depth=2)
    return gan.init_state(G, D, cfg)


@pytest.mark.parametrize("loss", ["saturating", "non_saturating", "lsgan"])
def test_generator_samples_move_to_the_data(loss: str) -> None:
    # Data N(3, 0.5^2); G starts near 0. 80 steps of the game bring the mean of G(z) within 0.6 of 3 (seeds
    # 1-3 end 0.1-0.5 away: the margin is for platform round-off); a sign error in either player's loss sends
    # it the other way. (WGAN-GP is left out: with networks this small its 1-D runs oscillate; its losses are
    # checked against their formulas above.)
    def real(n: int, g: torch.Generator) -> torch.Tensor:
        return 3.0 + 0.5 * torch.randn(n, 1, generator=g)

    cfg = gan.GANConfig(loss=loss, latent_dim=1, batch_size=32, steps=80, lr_g=5e-3, lr_d=5e-3,
                        lr_decay=False)
    nets = gan.make_models(cfg, generator=torch.Generator().manual_seed(1), hidden=16, depth=2, data_dim=1)
    state = gan.init_state(*nets, cfg)
    before = gan.generate(state.G, 2000, 1, generator=torch.Generator().manual_seed(2)).mean()
    gan.train(state, real, cfg.steps, generator=torch.Generator().manual_seed(1))
    after = gan.generate(state.G, 2000, 1, generator=torch.Generator().manual_seed(2)).mean()
    assert abs(before - 3.0) > 2.5 and abs(after - 3.0) < 0.6, (before, after)


def test_learning_rate_follows_the_cosine_schedule() -> None:
    cfg = gan.GANConfig(latent_dim=2, batch_size=8, steps=8, lr_g=1e-3, lr_d=4e-3, lr_final_frac=0.1)
    state = gan.init_state(*gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=4,
                                            depth=1), cfg)
    seen: dict[int, tuple[float, float]] = {}
    # train_step k (k = 0, 1, ...) sets the rates for step k, then the callback sees state.step = k + 1
    gan.train(state, gan.mixture_sampler(gan.ring_mixture()), 10, generator=torch.Generator().manual_seed(0),
              callback=lambda s: seen.update({s.step - 1: (s.opt_g.param_groups[0]["lr"],
                                                             s.opt_d.param_groups[0]["lr"])}), every=1)
    for k in (0, 2, 4, 6, 8, 9):
        frac = min(k / 8, 1.0)  # lr(k) = lr0 (f + (1 - f) (1 + cos(pi k / T)) / 2), constant after T
        expected = 0.1 + 0.9 * (1 + math.cos(math.pi * frac)) / 2
        assert seen[k] == pytest.approx((1e-3 * expected, 4e-3 * expected), rel=1e-12)
    assert seen[4][0] == pytest.approx(0.55e-3) and seen[9][1] == pytest.approx(0.4e-3)  # midpoint, floor


def test_learning_rate_is_constant_without_decay() -> None:
    cfg = gan.GANConfig(latent_dim=2, batch_size=8, steps=4, lr_g=1e-3, lr_d=2e-3, lr_decay=False)
    state = gan.init_state(*gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=4,
                                            depth=1), cfg)
    gan.train(state, gan.mixture_sampler(gan.ring_mixture()), 3, generator=torch.Generator().manual_seed(0))
    assert (state.opt_g.param_groups[0]["lr"], state.opt_d.param_groups[0]["lr"]) == (1e-3, 2e-3)


@pytest.mark.parametrize("loss", gan.LOSSES)
def test_training_records_one_entry_per_step_in_a_training_history(loss: str) -> None:
    state = _small_state(loss)
    before = [p.detach().clone() for p in state.G.parameters()]
    hist = gan.train(state, RING_SAMPLER, 3, generator=torch.Generator().manual_seed(0))
    assert hist is state.history and state.step == 3
    assert sorted(hist.as_arrays()) == sorted(gan.HISTORY_SERIES)
    assert all(len(v) == 3 and np.isfinite(v).all() for v in hist.as_arrays().values())
    assert all(not torch.equal(b, p) for b, p in zip(before, state.G.parameters(), strict=True))


def test_progress_bar_runs_and_callback_fires_every_k_steps() -> None:
    state = _small_state()
    steps: list[int] = []
    gan.train(state, gan.mixture_sampler(gan.ring_mixture()), 6, generator=torch.Generator().manual_seed(0),
              progress=True, callback=lambda s: steps.append(s.step), every=2)
    assert steps == [2, 4, 6]


@pytest.mark.parametrize(("loss", "lr_g", "lr_d", "blamed"), [
    ("wgan_gp", 1e-3, 1e9, "lr_d"),  # D's update blows up D(G(z)) at once
    ("non_saturating", 1e9, 1e-3, "lr_g"),  # G's update throws its samples far out: D's next loss explodes
])
def test_divergence_names_the_learning_rate(loss: str, lr_g: float, lr_d: float, blamed: str) -> None:
    cfg = gan.GANConfig(loss=loss, latent_dim=2, batch_size=16, lr_g=lr_g, lr_d=lr_d, gp_lambda=0.0,
                        lr_decay=False)
    state = gan.init_state(*gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=8,
                                            depth=2), cfg)
    with pytest.raises(checks.DivergedError, match=f"{blamed} = 1000000000.0 is too large"):
        gan.train(state, RING_SAMPLER, 20, generator=torch.Generator().manual_seed(0))
    assert state.step <= 3


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


def test_train_mixture_returns_eval_samples_scored_by_gan_eval() -> None:
    cfg = gan.mixture_config("ring", steps=3, batch_size=16, latent_dim=2)
    ring = gan.ring_mixture()
    run = gan.train_mixture(ring, cfg, seed=0, n_eval=100, hidden=8, depth=1)
    assert run.samples.shape == run.samples_jbt.shape == (100, 2)
    again = gan_eval.coverage(run.samples, ring)
    assert (run.coverage.modes_covered, run.coverage.high_quality) == (again.modes_covered,
                                                                       again.high_quality)
    assert run.coverage_jbt.n_modes == 8 and run.state.step == 3


def test_config_overrides_and_their_checks() -> None:
    cfg = gan.mixture_config("grid", steps=10)
    assert (cfg.steps, cfg.lr_g, cfg.r1_every) == (10, 3e-3, 8)
    assert gan.digits_config(batch_size=32).batch_size == 32
    assert gan.GANConfig(betas=[0.0, 0.5]).betas == (0.0, 0.5)


def test_each_ablation_variant_makes_exactly_its_one_change() -> None:
    base = gan.mixture_ablation_config("recipe")
    assert (base.steps, base.batch_size, base.r1_gamma, base.lr_decay) == (2000, 64, 0.1, True)
    plain = gan.mixture_config("ring", steps=2000, batch_size=64)
    assert dataclasses.asdict(base) == dataclasses.asdict(plain)
    for variant, change in gan.ABLATION.items():
        cfg = dataclasses.asdict(gan.mixture_ablation_config(variant))
        differs = {k for k, v in cfg.items() if v != dataclasses.asdict(base)[k]}
        assert differs == set(change), variant  # one ingredient (lr_g and lr_d together) per variant


# ----------------------------------------------------------------------------- latent draws
def test_truncated_latent_is_the_truncated_normal() -> None:
    a = 0.5
    z = gan.sample_latent(5000, 4, generator=torch.Generator().manual_seed(0), truncation=a)
    assert z.dtype == torch.float32 and float(z.abs().max()) <= a
    # Truncated N(0,1) on [-a, a] has variance 1 - 2 a phi(a) / (2 Phi(a) - 1); the sample variance of n
    # draws has standard error ~ var * sqrt(2 / n) (the truncated normal's kurtosis is below 3: conservative).
    var = 1 - 2 * a * stats.norm.pdf(a) / (2 * stats.norm.cdf(a) - 1)
    assert abs(float(z.var()) - var) < 5 * var * np.sqrt(2 / z.numel())
    # The whole law: a KS test against scipy's truncnorm (seeded, so the p-value is fixed, not flaky).
    z2 = gan.sample_latent(2000, 1, generator=torch.Generator().manual_seed(1), truncation=1.5)
    z2 = z2.numpy().ravel()
    assert stats.kstest(z2, stats.truncnorm(-1.5, 1.5).cdf).pvalue > 0.01


def test_tiny_truncation_is_instant_and_untruncated_draws_are_torch_randn() -> None:
    # A rejection sampler needed ~1 / (2 Phi(t) - 1) = 1.3e6 rounds per entry at t = 1e-6.
    z = gan.sample_latent(10_000, 8, generator=torch.Generator().manual_seed(0), truncation=1e-6)
    assert float(z.abs().max()) <= 1e-6 and float(z.abs().max()) > 0.9e-6
    plain = gan.sample_latent(5, 3, generator=torch.Generator().manual_seed(4))
    assert torch.equal(plain, torch.randn(5, 3, generator=torch.Generator().manual_seed(4)))


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


def test_r1_is_annealed_linearly_to_zero_from_r1_anneal_from() -> None:
    cfg = gan.GANConfig(steps=1000, r1_gamma=0.2, r1_anneal_from=0.6)
    weights = [gan.r1_weight(cfg, s) for s in (0, 600, 700, 800, 1000, 1200)]
    assert weights == pytest.approx([0.2, 0.2, 0.15, 0.1, 0.0, 0.0])
    never = gan.GANConfig(steps=1000, r1_gamma=0.2)  # the default 1.0: never annealed, even past steps
    assert [gan.r1_weight(never, s) for s in (0, 999, 1000, 5000)] == [0.2] * 4
    assert gan.mixture_g_config("grid").r1_anneal_from == 0.6
    # _d_loss uses it: at 80% of the run the penalty enters at half the weight, at the end not at all.
    real = torch.randn(16, 2, generator=torch.Generator().manual_seed(0))
    fake = torch.randn(16, 2, generator=torch.Generator().manual_seed(1))
    penalty = float(gan.gradient_penalty(_small_state().D, real).detach())
    losses = {}
    for gamma in (0.0, 0.2):
        state = _small_state()
        state.config = gan.GANConfig(latent_dim=2, batch_size=16, steps=1000, r1_gamma=gamma,
                                     r1_anneal_from=0.6)
        for step in (0, 800, 1000):
            state.step = step
            losses[gamma, step] = float(gan._d_loss(state, real, fake, torch.Generator())[0].detach())
    assert penalty > 0
    for step, weight in ((0, 0.2), (800, 0.1), (1000, 0.0)):
        added = losses[0.2, step] - losses[0.0, step]
        assert added == pytest.approx(0.5 * weight * penalty, rel=1e-5, abs=1e-7)


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


# ----------------------------------------------------------------------------- class-conditional GAN
def _conditional_pair(seed: int = 0) -> tuple[nn.Module, nn.Module]:
    return gan.make_conv_models(4, 8, n_classes=10, generator=torch.Generator().manual_seed(seed))


def test_conditional_generator_output_depends_on_the_label() -> None:
    G, D = _conditional_pair()
    G.eval()
    z = torch.randn(6, 4, generator=torch.Generator().manual_seed(1))
    y = torch.tensor([0, 1, 2, 3, 4, 5])
    with torch.no_grad():
        same = G(z, y)
        other = G(z, (y + 1) % 10)
        again = G(z, y)
    assert same.shape == (6, 8, 8) and torch.equal(same, again)
    assert (same - other).abs().amax(dim=(1, 2)).min() > 1e-4  # every image changes with its label
    x = torch.rand(6, 8, 8, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert (D(x, y) - D(x, (y + 1) % 10)).abs().min() > 1e-4  # and so does D's verdict
    with pytest.raises(checks.BadArgument, match="y"):
        G(z)
    with pytest.raises(checks.BadArgument, match="y"):
        D(x)


def test_conditional_training_and_generation_use_the_labels() -> None:
    # Class 0: all-black images, class 1: all-white ones. A conditional GAN must learn which is which.
    data = torch.cat([torch.zeros(50, 8, 8), torch.ones(50, 8, 8)])
    labels = torch.cat([torch.zeros(50, dtype=torch.int64), torch.ones(50, dtype=torch.int64)])
    cfg = gan.digits_config(n_classes=2, latent_dim=4, batch_size=32, steps=150, lr_g=2e-3, lr_d=2e-3)
    G, D = gan.make_conv_models(4, 8, n_classes=2, generator=torch.Generator().manual_seed(0))
    state = gan.init_state(G, D, cfg)
    gan.train(state, gan.labelled_sampler(data, labels), cfg.steps,
              generator=torch.Generator().manual_seed(0))
    x = gan.generate(G, 40, 4, generator=torch.Generator().manual_seed(1), labels=np.repeat([0, 1], 20))
    brightness = x.mean(axis=(1, 2))
    assert brightness[:20].max() < 0.3 and brightness[20:].min() > 0.7, brightness


def test_conditional_sampler_checks_what_it_returns() -> None:
    cfg = gan.digits_config(n_classes=10, batch_size=4)
    G, D = _conditional_pair()
    state = gan.init_state(G, D, cfg)
    g = torch.Generator().manual_seed(0)
    images = torch.rand(4, 8, 8)
    for bad, fragment in [(lambda n, gen: images, "pair"),
                          (lambda n, gen: (images, torch.tensor([0, 1, 2, 10])), "labels"),
                          (lambda n, gen: (images, torch.tensor([0.0, 1.0, 2.0, 3.0])), "labels")]:
        with pytest.raises(checks.BadArgument, match=fragment):
            gan.train_step(state, bad, generator=g)
    sample = gan.labelled_sampler(torch.rand(30, 8, 8), torch.arange(30) % 10)
    x, y = sample(5, torch.Generator().manual_seed(0))
    assert x.shape == (5, 8, 8) and y.dtype == torch.int64 and y.shape == (5,)


def test_second_half_reports_change_shrink_and_rank_correlation() -> None:
    steps = np.arange(100, 1100, 100)
    signal = np.array([9, 8, 7, 6, 5, 4.0, 3.0, 2.0, 2.5, 1.0])  # second half: 4, 3, 2, 2.5, 1
    distance = np.array([1, 1, 1, 1, 1, 0.5, 0.4, 0.3, 0.2, 0.1])
    change, shrink, rho = gan.SignalTrack(steps, signal, distance).second_half()
    assert change == pytest.approx((1.0 - 4.0) / 4.0) and shrink == pytest.approx(5.0)
    assert rho == pytest.approx(stats.spearmanr([4, 3, 2, 2.5, 1], [0.5, 0.4, 0.3, 0.2, 0.1]).statistic)
    rising = np.array([1, 1, 1, 1, 1, 0.1, 0.2, 0.3, 0.4, 0.5])  # samples moving away as the signal falls
    assert gan.SignalTrack(steps, signal, rising).second_half()[2] < 0


# ----------------------------------------------------------------------------- discrete latent codes
def test_latent_code_splits_the_gaussian_into_equally_likely_codes() -> None:
    z = torch.randn(200_000, 3, generator=torch.Generator().manual_seed(0))
    k = gan.latent_code(z, 7)
    assert k.dtype == torch.int64 and int(k.min()) == 0 and int(k.max()) == 6
    shares = torch.bincount(k, minlength=7).double() / len(k)
    assert (shares - 1 / 7).abs().max() < 0.005, shares  # binomial std of a share here: 0.0008
    # the code reads z_0 alone: its bins end at the 7-quantiles of N(0, 1), -1.068, -0.566, -0.180, 0.180, ...
    z0 = torch.tensor([-1.08, -1.05, -0.57, -0.56, 0.0, 0.57, 1.08])
    probe = torch.cat([z0[:, None], torch.full((7, 2), 5.0)], 1)
    assert gan.latent_code(probe, 7).tolist() == [0, 1, 1, 2, 3, 5, 6]
    assert torch.equal(gan.latent_code(torch.tensor([[-40.0], [40.0]]), 7), torch.tensor([0, 6]))


def test_code_generator_reads_its_code_off_z_and_jumps_between_codes() -> None:
    G, D = gan.make_conv_models(4, 8, n_codes=5, generator=torch.Generator().manual_seed(0))
    assert isinstance(G, gan.CodeGenerator) and isinstance(D, gan.ConvDiscriminator)
    G.eval()
    z = torch.randn(6, 4, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        x = G(z)
        assert x.shape == (6, 8, 8) and torch.equal(x, G.net(z, gan.latent_code(z, 5)))
        # moving z_0 across a code boundary (Phi(z_0) = 0.4, z_0 = -0.2533) changes the image by a jump,
        # moving it as far within a code changes it by a little
        base = torch.zeros(3, 4)
        base[:, 0] = torch.tensor([-0.2540, -0.2526, -0.2560])
        a, b, c = G(base)
    assert (a - b).abs().max() > 100 * (a - c).abs().max()
    again = gan.make_conv_models(4, 8, n_codes=5, generator=torch.Generator().manual_seed(0))[0]
    assert all(torch.equal(p, q) for p, q in zip(G.state_dict().values(), again.state_dict().values(),
                                                  strict=True))


def test_a_code_generator_trains_with_the_unconditional_loop() -> None:
    cfg = gan.digits_config(latent_dim=4, batch_size=16, steps=3)
    G, D = gan.make_conv_models(4, 8, n_codes=4, generator=torch.Generator().manual_seed(0))
    state = gan.init_state(G, D, cfg)
    before = G.net.embed.weight.detach().clone()
    gan.train(state, gan.tensor_sampler(torch.rand(40, 8, 8)), cfg.steps,
              generator=torch.Generator().manual_seed(0))
    assert len(state.history.series["g_loss"]) == 3 and not torch.equal(before, G.net.embed.weight)


def test_mlp_code_generator_for_the_mixtures() -> None:
    cfg = gan.mixture_config("ring")
    G, D = gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=16, depth=2, scale=4.0,
                           n_codes=6)
    code_gen = G.net
    assert isinstance(code_gen, gan.CodeGenerator) and isinstance(code_gen.net, gan.CodeMLP)
    z = torch.randn(5, cfg.latent_dim, generator=torch.Generator().manual_seed(1))
    k = gan.latent_code(z, 6)
    with torch.no_grad():
        direct = code_gen.net.mlp(torch.cat([z, code_gen.net.embed.weight[k]], 1))
        assert torch.equal(G(z), 4.0 * direct) and D(G(z)).shape == (5,)
    again = gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=16, depth=2, scale=4.0,
                            n_codes=6)
    assert all(torch.equal(p, q) for p, q in zip(G.parameters(), again[0].parameters(), strict=True))


# ----------------------------------------------------------------------------- the mixture generator
def _mixture_g(logits: list[float], latent: int = 3) -> gan.MixtureGenerator:
    G = gan.MixtureGenerator(len(logits), latent, generator=torch.Generator().manual_seed(0), scale=2.0)
    with torch.no_grad():
        G.logits.copy_(torch.tensor(logits))
    return G


def test_mixture_generator_draws_component_k_with_probability_pi_k() -> None:
    G = _mixture_g([0.0, 1.0, -1.0, 2.0])
    pi = G.weights().detach()
    assert torch.allclose(pi, torch.softmax(torch.tensor([0.0, 1.0, -1.0, 2.0]), 0))
    z = torch.randn(200_000, 3, generator=torch.Generator().manual_seed(1))
    k = G.component(z)
    shares = torch.bincount(k, minlength=4).double() / len(k)
    assert (shares - pi.double()).abs().max() < 0.004, (shares, pi)  # binomial std of a share here: 0.001
    # inverse transform: the boundaries in Phi(z_0) are the cumulative weights
    cdf = torch.cumsum(pi, 0)
    z0 = torch.special.ndtri(torch.stack([cdf[0] - 1e-4, cdf[0] + 1e-4, cdf[2] + 1e-4]))
    assert G.component(torch.cat([z0[:, None], torch.zeros(3, 2)], 1)).tolist() == [0, 1, 3]


def test_mixture_generator_component_k_is_a_gaussian_with_mean_scale_m_k() -> None:
    G = _mixture_g([0.0, 0.0, 0.0])
    z = torch.randn(100_000, 3, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        x, k = G(z), G.component(z)
        assert torch.equal(x, G.sample(z, k))
        mats, means = G.mats.double(), G.means.double()
    for j in range(3):
        xj = x[k == j].double()
        cov = 4.0 * mats[j] @ mats[j].T  # scale^2 A_k A_k^T
        assert torch.allclose(xj.mean(0), 2.0 * means[j], atol=4 * float(cov.diag().max().sqrt()) / 100)
        assert torch.allclose(torch.cov(xj.T), cov, rtol=0.05, atol=1e-7)


def test_mixture_generator_weights_move_toward_the_components_d_scores_real() -> None:
    G = _mixture_g([0.0, 0.0])
    with torch.no_grad():
        G.means.copy_(torch.tensor([[-1.0, 0.0], [1.0, 0.0]]))

    def D(x: torch.Tensor) -> torch.Tensor:  # a fixed D: logits high on the left (component 0's side)
        return -3.0 * x[:, 0]

    z = torch.randn(512, 3, generator=torch.Generator().manual_seed(3))
    loss, out = G.generator_loss(D, z, "non_saturating")
    assert out.shape == (512,)
    loss.backward()
    assert G.logits.grad is not None and G.logits.grad[0] < 0 < G.logits.grad[1]  # a descent step raises pi_0
    # ... and each component's mean moves up D's slope, to the left
    assert G.means.grad is not None and bool((G.means.grad[:, 0] > 0).all())
    opt = torch.optim.SGD(G.parameters(), lr=0.1)
    opt.step()
    with torch.no_grad():
        assert float(G.generator_loss(D, z, "non_saturating")[0]) < float(loss)


def test_fourier_features_are_x_and_the_sines_and_cosines_of_fixed_frequencies() -> None:
    ff = gan.FourierFeatures(2, 500, scale=3.0, generator=torch.Generator().manual_seed(0))
    assert ff.out_dim == 1002 and list(ff.parameters()) == []  # the frequencies are a buffer: never trained
    assert float(ff.freqs.std()) == pytest.approx(3.0, rel=0.05) and abs(float(ff.freqs.mean())) < 0.3
    x = torch.randn(7, 2, generator=torch.Generator().manual_seed(1))
    h = 2 * math.pi * x @ ff.freqs
    assert torch.equal(ff(x)[:, :2], x)
    assert torch.allclose(ff(x)[:, 2:], torch.cat([torch.sin(h), torch.cos(h)], 1), atol=1e-6)
    again = gan.FourierFeatures(2, 500, scale=3.0, generator=torch.Generator().manual_seed(0))
    assert torch.equal(again.freqs, ff.freqs)  # drawn from the generator


def test_make_models_d_fourier_puts_fourier_features_before_d_and_keeps_g() -> None:
    cfg = gan.mixture_g_config("ring")
    G0, D0 = gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=16, n_components=5)
    G1, D1 = gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=16, n_components=5,
                             d_fourier=8, d_fourier_scale=2.0)
    for p0, p1 in zip(G0.parameters(), G1.parameters(), strict=True):
        assert torch.equal(p0, p1)  # G is drawn first: the same with or without the features
    features = D1.net[0]
    assert isinstance(features, gan.FourierFeatures) and features.freqs.shape == (2, 8)
    assert not isinstance(D0.net[0], gan.FourierFeatures)
    assert D1(torch.zeros(3, 2)).shape == (3,)
    assert sum(p.numel() for p in D1.parameters()) == sum(p.numel() for p in D0.parameters()) + 16 * 16


def test_mixture_generator_trains_with_the_loop_and_its_ema() -> None:
    cfg = gan.mixture_g_config("ring", steps=3, batch_size=32)
    assert cfg.ema == gan.MIXTURE_G["ema"] and cfg.lr_pi == pytest.approx(10 * cfg.lr_g)
    G, D = gan.make_models(cfg, generator=torch.Generator().manual_seed(0), hidden=16, depth=2, scale=4.0,
                           n_components=5, d_scale=1.0)
    assert isinstance(G, gan.MixtureGenerator) and isinstance(D, gan.ScaledDiscriminator) and D.scale == 1.0
    state = gan.init_state(G, D, cfg)
    assert [g["base_lr"] for g in state.opt_g.param_groups] == [cfg.lr_g, cfg.lr_pi]
    assert state.G_ema is not None and state.G_ema is not G
    before = {n: p.detach().clone() for n, p in G.named_parameters()}
    ema_before = {n: p.detach().clone() for n, p in state.G_ema.named_parameters()}
    gan.train_step(state, gan.mixture_sampler(gan.ring_mixture()), generator=torch.Generator().manual_seed(0))
    for name, p in G.named_parameters():
        assert not torch.equal(p, before[name]), name  # the weights (logits) learn too
        ema = dict(state.G_ema.named_parameters())[name]
        assert torch.allclose(ema, ema_before[name] + (1 - cfg.ema) * (p - ema_before[name]), atol=1e-7)
