"""Tests for lecture_utils.vae against closed forms, quadrature, autograd and scipy.stats.

Monte Carlo checks allow 5 standard errors (estimated from the same samples): under the CLT a correct
implementation fails one such check with probability about 6e-7, while the bugs they guard against (a
missing term, a wrong sign, a missing -log K) move the estimate by tens of standard errors. The seeds are
fixed, so each check is deterministic. Bad inputs are tested in tests/bad_inputs/cases_vae.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from lecture_utils import checks
from lecture_utils.data import load_digits_split
from lecture_utils.training import History
from lecture_utils.vae import (
    VAE,
    VAEConfig,
    elbo,
    encoder_gradient_samples,
    factorised_bernoulli_log_likelihood,
    gaussian_kl,
    iw_log_likelihood,
    kl_weight,
    latent_grid,
    log_bernoulli,
    log_normal,
    train_vae,
)

TINY = VAEConfig(z_dim=2, hidden=32, epochs=8, batch_size=64, lr=1e-2, kl_warmup_epochs=0)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny MLPs run fastest on one thread; on a shared 2-core machine two threads mostly wait."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture(scope="module")
def digits() -> tuple[torch.Tensor, torch.Tensor]:
    d = load_digits_split()
    return torch.from_numpy(d.x_train[:400]), torch.from_numpy(d.x_test[:100])


@pytest.fixture(scope="module")
def trained(digits) -> tuple[VAE, History]:
    x_train, x_test = digits
    return train_vae(x_train, TINY, generator=gen(0), x_test=x_test, progress=False)


def test_gaussian_kl_matches_monte_carlo() -> None:
    g = gen(1)
    mu, log_var = torch.randn(3, generator=g, dtype=torch.float64), torch.randn(3, generator=g).double()
    n = 200_000
    z = mu + (0.5 * log_var).exp() * torch.randn(n, 3, generator=g, dtype=torch.float64)
    zeros = torch.zeros(3, dtype=torch.float64)
    est = log_normal(z, mu, log_var) - log_normal(z, zeros, zeros)  # (n,) samples of log q - log p
    exact = gaussian_kl(mu, log_var).item()
    assert abs(est.mean().item() - exact) < 5 * est.std().item() / math.sqrt(n)
    assert gaussian_kl(zeros, zeros).item() == 0.0


def test_log_densities_match_scipy() -> None:
    g = gen(2)
    z, mu, log_var = (torch.randn(4, 3, generator=g, dtype=torch.float64) for _ in range(3))
    ref = stats.norm(mu.numpy(), np.exp(0.5 * log_var.numpy())).logpdf(z.numpy()).sum(-1)
    np.testing.assert_allclose(log_normal(z, mu, log_var).numpy(), ref, rtol=1e-12)
    x = (torch.rand(4, 6, generator=g) < 0.5).double()
    logits = torch.randn(4, 6, generator=g, dtype=torch.float64)
    ref = stats.bernoulli(torch.sigmoid(logits).numpy()).logpmf(x.numpy()).sum(-1)
    np.testing.assert_allclose(log_bernoulli(x, logits).numpy(), ref, rtol=1e-10)


def test_shapes(trained, digits) -> None:
    model, history = trained
    x = digits[1][:5]
    mu, log_var = model.encode(x.reshape(5, 64))
    assert mu.shape == log_var.shape == (5, 2)
    assert model.decode(torch.zeros(7, 3, 2)).shape == (7, 3, 64)
    assert elbo(model, x, generator=gen(), n_samples=4).shape == (5,)
    assert iw_log_likelihood(model, x, 3, generator=gen()).shape == (5,)
    n_params = sum(p.numel() for p in model.encoder.parameters())
    grads = encoder_gradient_samples(model, x, 6, estimator="pathwise", generator=gen())
    assert grads.shape == (6, n_params)
    assert latent_grid(4).shape == (16, 2)


def test_history_records_every_epoch(trained, digits) -> None:
    _, history = trained
    assert isinstance(history, History) and set(history.series) == {"epoch", "train_elbo", "test_elbo"}
    assert history.epoch == list(range(1, TINY.epochs + 1))
    assert len(history.train_elbo) == len(history.test_elbo) == TINY.epochs and history.wall_s > 0
    _, no_test = train_vae(digits[0][:64], VAEConfig(z_dim=2, hidden=8, epochs=2), generator=gen(0))
    assert len(no_test.train_elbo) == 2 and no_test.test_elbo == []


def test_a_diverging_learning_rate_is_named(digits) -> None:
    # lr = 1e4: Adam moves every weight by ~lr per step, so the ELBO overflows within the first epoch.
    config = VAEConfig(z_dim=2, hidden=8, epochs=3, batch_size=8, lr=1e4)
    with pytest.raises(checks.DivergedError, match="lr = 10000.0 is too large"):
        train_vae(digits[0][:16], config, generator=gen())


def test_training_is_deterministic(trained, digits) -> None:
    model, history = trained
    again, history2 = train_vae(digits[0], TINY, generator=gen(0), x_test=digits[1], progress=False)
    assert history.train_elbo == history2.train_elbo and history.test_elbo == history2.test_elbo
    for p, q in zip(model.parameters(), again.parameters(), strict=True):
        assert torch.equal(p, q)
    a = iw_log_likelihood(model, digits[1], 5, generator=gen(3))
    assert torch.equal(a, iw_log_likelihood(model, digits[1], 5, generator=gen(3)))


def test_training_increases_the_elbo(trained, digits) -> None:
    model, _ = trained
    untrained = VAE(TINY, generator=gen(0))  # the same initial weights train_vae started from
    x = digits[1]
    before = elbo(untrained, x, generator=gen(4), n_samples=20).detach()
    after = elbo(model, x, generator=gen(4), n_samples=20).detach()
    diff = after - before  # paired over test images
    assert diff.mean() > 5 * diff.std() / math.sqrt(len(diff))


def _tiny_1d_model(prior: str) -> tuple[VAE, torch.Tensor, torch.Tensor]:
    """A 1-D-latent model with a sharpened decoder, 4 binary 6-pixel images, and their exact log p(x)."""
    g = gen(30)
    model = VAE(VAEConfig(x_dim=6, z_dim=1, hidden=16, prior=prior, prior_components=3), generator=g)
    with torch.no_grad():
        for p in model.decoder.parameters():
            p.mul_(4.0)  # makes p(x|z) vary strongly with z, so the posterior differs from the prior
        if prior == "mog":  # component sds in [e^-0.5, e^0.5]
            model.prior_log_var.copy_(torch.rand(3, 1, generator=g) * 2.0 - 1.0)
        # q(z|x) gets sd 3, wider than every prior component: then p(z) / q(z|x) is bounded and, with
        # p(x|z) <= 1, so are the weights, so their variance is finite and the CLT standard error holds.
        # (With q narrower than p the weights can have infinite variance and no SE-based test is valid.)
        model.encoder[-1].weight[1].zero_()
        model.encoder[-1].bias[1] = math.log(9.0)
    x = (torch.rand(4, 6, generator=g) < 0.5).float()
    # log p(x) = log int p(z) p(x|z) dz by the trapezoid rule on [-15, 15]: the integrand is smooth and
    # negligible beyond |z| = 15 (prior sd <= e^1.5), so its error is far below the Monte Carlo error.
    z = torch.linspace(-15.0, 15.0, 30_001)[:, None]
    with torch.no_grad():
        log_joint = (model.log_prior(z)[:, None]
                     + log_bernoulli(x, model.decode(z)[:, None, :].expand(-1, 4, -1))).double()  # (Z, 4)
    log_px = torch.logsumexp(log_joint, 0) + math.log(30.0 / 30_000)
    return model, x, log_px


@pytest.mark.parametrize("prior", ["standard", "mog"])
@pytest.mark.parametrize("proposal", ["prior", "encoder"])
@pytest.mark.parametrize("k", [1, 10])
def test_importance_weights_are_unbiased_for_the_exact_likelihood(prior: str, proposal: str, k: int) -> None:
    model, x, log_px = _tiny_1d_model(prior)
    reps = 2000
    iw = iw_log_likelihood(model, x.repeat(reps, 1), k, proposal=proposal, generator=gen(31 + k))
    # exp(IW_K) = (1/K) sum_k w_k is an unbiased estimate of p(x) for either proposal, so the ratio to the
    # quadrature value has mean 1; its standard error comes from the `reps` independent replicates.
    ratio = (iw.reshape(reps, 4).double() - log_px).exp()  # (reps, 4)
    se = ratio.std(0) / math.sqrt(reps)
    assert ((ratio.mean(0) - 1.0).abs() < 5 * se).all(), (ratio.mean(0), se)


@pytest.mark.parametrize("prior", ["standard", "mog"])
def test_elbo_below_iw_bounds_which_grow_with_k_towards_the_exact_likelihood(prior: str) -> None:
    model, x, log_px = _tiny_1d_model(prior)
    reps = 1000
    xr = x.repeat(reps, 1)
    lower = elbo(model, xr, generator=gen(5)).detach().double().reshape(reps, 4)  # one-sample ELBOs
    iw = {k: iw_log_likelihood(model, xr, k, generator=gen(6 + k)).double().reshape(reps, 4)
          for k in (1, 5, 50)}

    def z_score(d: torch.Tensor) -> torch.Tensor:  # per image: mean over replicates / its standard error
        return d.mean(0) / (d.std(0) / math.sqrt(reps))

    assert (z_score(iw[1] - lower).abs() < 5).all()  # K = 1 is an unbiased estimate of the ELBO itself
    # ELBO <= E[IW_5] <= E[IW_50] <= log p(x) (Burda et al.): here each gap is many standard errors.
    for small, large in ((lower, iw[5]), (iw[5], iw[50]), (iw[50], log_px)):
        assert (z_score(large - small) > 5).all()


@pytest.mark.parametrize("train_k", [1, 4])
def test_the_first_adam_step_follows_the_training_objective(train_k: int, digits) -> None:
    """Adam's first step is -lr * g / (|g| + eps): it reveals the sign of the gradient the loop used."""
    config = VAEConfig(z_dim=2, hidden=8, n_hidden=1, epochs=1, batch_size=32, lr=1e-3, train_k=train_k,
                       kl_warmup_epochs=0, prior="standard")
    x = digits[1][:32].reshape(32, 64).float()
    g = gen(20)  # replay train_vae's draws: initial weights, the epoch's permutation, then eps
    start = VAE(config, generator=g)
    xb = x[torch.randperm(32, generator=g)]
    eps = torch.randn(train_k, 32, 2, generator=g)
    # The objective, written independently with torch.distributions.
    mu, log_var = start.encode(xb)
    q = torch.distributions.Normal(mu, (0.5 * log_var).exp())
    prior = torch.distributions.Normal(torch.zeros(2), torch.ones(2))
    z = mu + q.scale * eps  # (K, B, 2)
    log_lik = torch.distributions.Bernoulli(logits=start.decode(z)).log_prob(xb).sum(-1)  # (K, B)
    if train_k == 1:  # the ELBO, with the closed-form KL of the standard prior
        objective = log_lik[0] - torch.distributions.kl_divergence(q, prior).sum(-1)
    else:  # the IWAE bound log (1/K) sum_k p(x, z_k) / q(z_k|x)
        log_w = log_lik + prior.log_prob(z).sum(-1) - q.log_prob(z).sum(-1)
        objective = torch.logsumexp(log_w, 0) - math.log(train_k)
    grads = torch.autograd.grad(-objective.mean(), list(start.parameters()))
    trained, _ = train_vae(x, config, generator=gen(20))
    for p0, p1, gr in zip(start.parameters(), trained.parameters(), grads, strict=True):
        clear = gr.abs() > 1e-5  # where float32 round-off cannot flip the gradient's sign
        assert clear.float().mean() > 0.5
        expected = p0 - config.lr * gr / (gr.abs() + 1e-8)
        torch.testing.assert_close(p1[clear], expected[clear], rtol=0, atol=1e-6)


@pytest.mark.parametrize("prior", ["standard", "mog"])
def test_a_written_out_epoch_replays_train_vae(prior: str, digits) -> None:
    """Several minibatch steps with KL warm-up, written out as notebook 03 does, give train_vae's weights."""
    config = VAEConfig(z_dim=2, hidden=16, n_hidden=1, epochs=1, batch_size=32, prior=prior,
                       prior_components=3)
    x = digits[0][:100].reshape(100, 64).float()
    g = gen(21)  # the draw order notebook 03 relies on: weights, the epoch's permutation, eps per minibatch
    model = VAE(config, generator=g)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    beta = kl_weight(0, config.kl_warmup_epochs)
    for idx in torch.randperm(100, generator=g).split(config.batch_size):  # 4 steps, the last one short
        mu, log_var = model.encode(x[idx])
        z = mu + (0.5 * log_var).exp() * torch.randn(len(idx), 2, generator=g)
        rec = torch.distributions.Bernoulli(logits=model.decode(z)).log_prob(x[idx]).sum(-1)
        kl = log_normal(z, mu, log_var) - model.log_prior(z)  # one-sample KL (unbiased for either prior)
        if prior == "standard":
            kl = gaussian_kl(mu, log_var)
        opt.zero_grad()
        (-(rec - beta * kl).mean()).backward()
        opt.step()
    trained, _ = train_vae(x, config, generator=gen(21))
    for p_ours, p_lib in zip(model.parameters(), trained.parameters(), strict=True):
        torch.testing.assert_close(p_ours, p_lib)


def test_gradient_estimators_match_plain_autograd(trained, digits) -> None:
    model, _ = trained
    x = digits[1][:8].reshape(8, 64)
    for estimator in ("score", "pathwise"):
        est = encoder_gradient_samples(model, x, 2, estimator=estimator, generator=gen(7))
        eps = torch.randn(2, 8, 2, generator=gen(7))
        for s in range(2):
            model.zero_grad()
            mu, log_var = model.encode(x)
            z = mu + (0.5 * log_var).exp() * eps[s]
            if estimator == "pathwise":
                obj = log_bernoulli(x, model.decode(z)).mean()
            else:
                zd = z.detach()
                obj = (log_bernoulli(x, model.decode(zd)).detach() * log_normal(zd, mu, log_var)).mean()
            obj.backward()
            ref = torch.cat([p.grad.reshape(-1) for p in model.encoder.parameters()])
            torch.testing.assert_close(est[s], ref, rtol=1e-4, atol=1e-5)
    model.zero_grad(set_to_none=True)


def test_both_gradient_estimators_are_unbiased_and_pathwise_has_less_variance(trained, digits) -> None:
    model, _ = trained
    x = digits[1][:16]
    n = 400
    score = encoder_gradient_samples(model, x, n, estimator="score", generator=gen(8))
    path = encoder_gradient_samples(model, x, n, estimator="pathwise", generator=gen(9))
    u = path.mean(0) / path.mean(0).norm()  # compare both along one fixed direction
    a, b = score @ u, path @ u
    se = math.sqrt((a.var() + b.var()).item() / n)
    assert abs(a.mean() - b.mean()) < 5 * se
    assert score.var(0).sum() > 10 * path.var(0).sum()


def test_mixture_prior_density_matches_scipy() -> None:
    config = VAEConfig(z_dim=2, hidden=8, prior="mog", prior_components=3)
    model = VAE(config, generator=gen(11))
    with torch.no_grad():
        model.prior_log_var.copy_(torch.randn(3, 2, generator=gen(12)))
    z = torch.randn(5, 4, 2, generator=gen(13))
    m, v = model.prior_mu.detach().numpy(), model.prior_log_var.detach().exp().numpy()
    ref = sum(stats.multivariate_normal(m[c], np.diag(v[c])).pdf(z.numpy()) for c in range(3)) / 3
    np.testing.assert_allclose(model.log_prior(z).detach().numpy(), np.log(ref), rtol=1e-5)
    standard = VAE(VAEConfig(z_dim=2, hidden=8, prior="standard"), generator=gen(11))
    ref = stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z.numpy())
    np.testing.assert_allclose(standard.log_prior(z).detach().numpy(), ref, rtol=1e-5)


def test_prior_samples_have_the_mixture_moments() -> None:
    model = VAE(VAEConfig(z_dim=2, hidden=8, prior="mog", prior_components=4), generator=gen(14))
    n = 20_000
    z = model.sample_prior(n, generator=gen(15)).detach()
    assert z.shape == (n, 2)
    assert torch.equal(z, model.sample_prior(n, generator=gen(15)).detach())
    mu, var = model.prior_mu.detach(), model.prior_log_var.detach().exp()
    mean = mu.mean(0)  # equal weights
    second = (var + mu**2).mean(0)
    assert ((z.mean(0) - mean).abs() < 5 * z.std(0) / math.sqrt(n)).all()
    assert ((z.pow(2).mean(0) - second).abs() < 5 * z.pow(2).std(0) / math.sqrt(n)).all()


def test_monte_carlo_kl_of_a_standard_one_component_mixture_is_the_closed_form(digits) -> None:
    mog = VAE(VAEConfig(z_dim=2, hidden=16, prior="mog", prior_components=1), generator=gen(16))
    with torch.no_grad():
        mog.prior_mu.zero_()  # the mixture is now N(0, I)
    standard = VAE(VAEConfig(z_dim=2, hidden=16, prior="standard"), generator=gen(16))
    standard.load_state_dict({k: v for k, v in mog.state_dict().items() if not k.startswith("prior")})
    x = digits[1][:50]
    # Same generator seed: the same z and reconstruction term, so d = closed-form KL - its estimate.
    d = (elbo(mog, x, generator=gen(17)) - elbo(standard, x, generator=gen(17))).detach()
    assert d.std() > 0
    assert abs(d.mean()) < 5 * d.std() / math.sqrt(len(d))


def test_factorised_baseline_matches_scipy() -> None:
    g = np.random.default_rng(0)
    x_train = (g.random((50, 2, 3)) < 0.3).astype(np.float64)
    x_test = (g.random((7, 2, 3)) < 0.3).astype(np.float64)
    p = (x_train.reshape(50, 6).sum(0) + 1.0) / 52.0
    ref = stats.bernoulli(p).logpmf(x_test.reshape(7, 6)).sum(-1)
    np.testing.assert_allclose(factorised_bernoulli_log_likelihood(x_train, x_test), ref, rtol=1e-12)


def test_kl_weight_ramps_to_one() -> None:
    assert [kl_weight(e, 4) for e in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert kl_weight(0, 0) == 1.0


def test_latent_grid_spans_gaussian_quantiles() -> None:
    z = latent_grid(3, p_min=0.05, p_max=0.95)
    np.testing.assert_allclose(np.unique(z[:, 0]), stats.norm.ppf([0.05, 0.5, 0.95]), rtol=1e-6, atol=1e-12)
