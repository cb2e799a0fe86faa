"""Tests for lecture_utils.vae against closed forms, autograd and scipy.stats."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from lecture_utils.data import load_digits_split
from lecture_utils.vae import (
    VAE,
    TrainHistory,
    VAEConfig,
    as_binary_images,
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
def trained(digits) -> tuple[VAE, TrainHistory]:
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
    assert len(history.epoch) == len(history.train_elbo) == len(history.test_elbo) == TINY.epochs
    n_params = sum(p.numel() for p in model.encoder.parameters())
    grads = encoder_gradient_samples(model, x, 6, estimator="pathwise", generator=gen())
    assert grads.shape == (6, n_params)
    assert latent_grid(4).shape == (16, 2)


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


def test_elbo_below_iw_bound_which_grows_with_k(trained, digits) -> None:
    model, _ = trained
    x = torch.cat(digits)
    n, reps = len(x), 20

    def mean_iw(k: int) -> torch.Tensor:  # per-image mean of `reps` independent IW_K estimates
        est = iw_log_likelihood(model, x.repeat(reps, 1, 1), k, generator=gen(6 + k))  # (reps * n,)
        return est.reshape(reps, n).mean(0)

    lower = elbo(model, x, generator=gen(5), n_samples=500).detach()  # ~ E[log w]: the ELBO
    iw = {k: mean_iw(k) for k in (1, 5, 50)}
    # K = 1 is an unbiased estimate of the ELBO itself.
    d = iw[1] - lower
    assert abs(d.mean()) < 5 * d.std() / math.sqrt(n)
    # ELBO <= E[IW_5] <= E[IW_50]: paired over images, each increase is many standard errors.
    for small, large in ((lower, iw[5]), (iw[5], iw[50])):
        d = large - small
        assert d.mean() > 5 * d.std() / math.sqrt(n)


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


# ---- every ValueError path names its argument ----------------------------------------------------------

@pytest.mark.parametrize(("x", "match"), [(torch.zeros(3, 7, 7), "x must have shape"),
                                          (torch.zeros(64), "x must have shape"),
                                          (torch.zeros(0, 64), "x must have shape"),
                                          (torch.full((2, 64), 0.5), "x must be binary")])
def test_bad_images_raise(x: torch.Tensor, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        as_binary_images(x)


def test_bad_arguments_raise(trained, digits) -> None:
    model, _ = trained
    x = digits[1][:4]
    with pytest.raises(ValueError, match="k must be >= 1"):
        iw_log_likelihood(model, x, 0, generator=gen())
    with pytest.raises(ValueError, match="proposal"):
        iw_log_likelihood(model, x, 2, generator=gen(), proposal="posterior")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="x must be binary"):
        iw_log_likelihood(model, x * 0.5, 2, generator=gen())
    with pytest.raises(ValueError, match="n_samples"):
        elbo(model, x, generator=gen(), n_samples=0)
    with pytest.raises(ValueError, match="x must have shape"):
        elbo(model, torch.zeros(4, 10), generator=gen())
    with pytest.raises(ValueError, match="n_samples"):
        encoder_gradient_samples(model, x, 0, estimator="score", generator=gen())
    with pytest.raises(ValueError, match="estimator"):
        encoder_gradient_samples(model, x, 2, estimator="reinforce", generator=gen())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="x_train must be binary"):
        train_vae(x * 3, TINY, generator=gen(), progress=False)
    with pytest.raises(ValueError, match="x_test must have shape"):
        train_vae(x, TINY, generator=gen(), x_test=torch.zeros(2, 5), progress=False)
    with pytest.raises(ValueError, match="mu and log_var"):
        gaussian_kl(torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match="alpha"):
        factorised_bernoulli_log_likelihood(x, x, alpha=0.0)
    with pytest.raises(ValueError, match="n"):
        latent_grid(0)
    with pytest.raises(ValueError, match="p_min"):
        latent_grid(3, p_min=0.5, p_max=0.4)
    with pytest.raises(ValueError, match="n must be >= 1"):
        model.sample_prior(0, generator=gen())


@pytest.mark.parametrize(("field", "value"), [("z_dim", 0), ("hidden", 0), ("epochs", 0), ("batch_size", 0),
                                              ("lr", 0.0), ("lr_min_factor", 2.0), ("weight_decay", -1.0),
                                              ("kl_warmup_epochs", -1), ("prior", "vamp"),
                                              ("prior_components", 0), ("activation", "tanh")])
def test_bad_config_raises(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        VAEConfig(**{field: value})
