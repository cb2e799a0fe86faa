"""Variational autoencoders on binary images: model, ELBO, importance-weighted bound, training loop.

Notation follows the slides: encoder q_phi(z|x) = N(mu, diag(exp(log_var))), prior p_theta(z) = N(0, I) or a
learned mixture of C Gaussians, Bernoulli decoder p_theta(x|z), and the ELBO
L(x, theta, phi) = E_{q_phi(z|x)}[log p_theta(x|z)] - KL(q_phi(z|x) || p_theta(z)); the KL is exact for
N(0, I) and a Monte Carlo estimate (same z samples) for the mixture.
All randomness comes in as a ``torch.Generator``; nothing here touches global random state.
Public functions validate their arguments with :mod:`lecture_utils.checks`; the private ``_kernels`` they
share with the training loop do not, so the hot loop pays for no checks.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike
from torch import Tensor, nn

from lecture_utils import checks, training

__all__ = [
    "VAE", "VAEConfig", "elbo", "encoder_gradient_samples", "factorised_bernoulli_log_likelihood",
    "gaussian_kl", "iw_log_likelihood", "kl_weight", "latent_grid", "log_bernoulli", "log_normal",
    "train_vae",
]

LOG_2PI = math.log(2.0 * math.pi)
Prior = Literal["standard", "mog"]
PRIORS: tuple[Prior, ...] = ("standard", "mog")
EncoderEstimator = Literal["score", "pathwise"]
Images = Tensor | ArrayLike  # a batch of binary images, (N, D) or (N, H, W), as a tensor or an array
MAX_SAMPLES = 65_536  # latents per image at most (k, n_samples): larger asks would exhaust memory
_MAX_PRIOR_DRAWS = 2**26  # sample_prior(n): n * z_dim floats must fit in memory
_IW_BATCH = 65_536  # latents per chunk in iw_log_likelihood: K * images-per-chunk stays below this
_MAX_GRAD_ENTRIES = 2**28  # n_samples * encoder parameters in encoder_gradient_samples (1 GiB of float32)
_MAX_GRID = 1000  # latent_grid(n) makes n * n points


@dataclass
class VAEConfig:
    """Architecture and training settings of the MLP VAE (defaults: the notebook's main model)."""

    x_dim: int = 64  # pixels per image (8 x 8 digits)
    z_dim: int = 16  # latent dimension
    hidden: int = 128  # width of each hidden layer
    n_hidden: int = 2  # hidden layers in the encoder and in the decoder
    epochs: int = 250
    batch_size: int = 128
    lr: float = 5e-3  # Adam's initial learning rate, cosine-decayed to lr * lr_min_factor
    lr_min_factor: float = 0.05
    train_k: int = 1  # samples per image in the training objective: 1 = ELBO, K > 1 = IWAE bound (exercise 4)
    kl_warmup_epochs: int = 20  # the KL weight ramps linearly from 0 to 1 over these epochs
    prior: Prior = "mog"  # p_theta(z): "standard" N(0, I), or "mog", a learned mixture of Gaussians
    prior_components: int = 50  # equally weighted components of the "mog" prior
    activation: training.Activation = "elu"  # hidden-layer nonlinearity (see training.ACTIVATIONS)

    def __post_init__(self) -> None:
        for name in ("x_dim", "z_dim", "hidden", "n_hidden", "epochs", "batch_size", "prior_components"):
            setattr(self, name, checks.positive_int(name, getattr(self, name)))
        self.train_k = checks.integer("train_k", self.train_k, low=1, high=MAX_SAMPLES)
        self.kl_warmup_epochs = checks.nonnegative_int("kl_warmup_epochs", self.kl_warmup_epochs)
        self.lr = checks.positive("lr", self.lr)
        self.lr_min_factor = checks.unit_interval("lr_min_factor", self.lr_min_factor)
        self.prior = checks.choice("prior", self.prior, PRIORS)
        self.activation = checks.choice("activation", self.activation, get_args(training.Activation))


class VAE(nn.Module):
    """MLP encoder q_phi(z|x) (diagonal Gaussian) and MLP decoder p_theta(x|z) (Bernoulli logits)."""

    def __init__(self, config: VAEConfig | None = None, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config = _config(config)
        checks.torch_generator("generator", generator)
        h = [config.hidden] * config.n_hidden
        shape = (config.prior_components, config.z_dim)
        # Draw order (prior means, encoder, decoder) and registration order (encoder, decoder, prior) are
        # those of the original model, so a seed gives the same initial weights as before.
        prior_mu = torch.randn(shape, generator=generator) if config.prior == "mog" else None
        self.encoder = training.mlp([config.x_dim, *h, 2 * config.z_dim], generator=generator,
                                    activation=config.activation)
        self.decoder = training.mlp([config.z_dim, *h, config.x_dim], generator=generator,
                                    activation=config.activation)
        if prior_mu is not None:  # p_theta(z) = (1/C) sum_c N(z; m_c, diag exp(s_c)), m_c and s_c learned
            self.prior_mu = nn.Parameter(prior_mu)
            self.prior_log_var = nn.Parameter(torch.zeros(shape))

    @property
    def z_dim(self) -> int:
        """The latent dimension J."""
        return self.config.z_dim

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Amortized inference: (B, D) images -> mu, log_var of q_phi(z|x), each (B, z_dim)."""
        _last_dim("x", x, self.config.x_dim)
        mu, log_var = self.encoder(x).chunk(2, dim=-1)
        return mu, log_var

    def log_prior(self, z: Tensor) -> Tensor:
        """log p_theta(z) of latents (..., z_dim) -> (...)."""
        _last_dim("z", z, self.z_dim)
        if self.config.prior == "standard":
            zeros = torch.zeros_like(z)
            return _log_normal(z, zeros, zeros)
        log_pc = _log_normal(z[..., None, :], self.prior_mu, self.prior_log_var)  # (..., C)
        return torch.logsumexp(log_pc, -1) - math.log(self.config.prior_components)

    def sample_prior(self, n: int, *, generator: torch.Generator) -> Tensor:
        """n latents z ~ p_theta(z), shape (n, z_dim), on the model's device."""
        n = checks.integer("n", n, low=1, high=_MAX_PRIOR_DRAWS)
        checks.torch_generator("generator", generator)
        device = _device_of(self)
        eps = _randn((n, self.z_dim), generator, device)
        if self.config.prior == "standard":
            return eps
        # Equal mixture weights: a uniform component index (no general categorical sampler needed).
        c = torch.randint(self.config.prior_components, (n,), generator=generator,
                          device=generator.device).to(device)
        return self.prior_mu[c] + (0.5 * self.prior_log_var[c]).exp() * eps

    def decode(self, z: Tensor) -> Tensor:
        """Latents (..., z_dim) -> Bernoulli logits (..., D) of p_theta(x|z)."""
        _last_dim("z", z, self.z_dim)
        return self.decoder(z)


# ------------------------------------------------------------------------------- argument checks
def _config(config: Any) -> VAEConfig:
    if config is None:
        return VAEConfig()
    return checks.instance("config", config, VAEConfig)


def _last_dim(name: str, value: Any, size: int) -> None:
    """Shape-only check of a tensor fed to the networks (no data is read, so no device sync)."""
    if not isinstance(value, Tensor) or not value.is_floating_point():
        raise checks.BadArgumentType(f"{name} must be a floating-point torch.Tensor, "
                                     f"got {checks.show(value)}")
    if value.ndim < 1 or value.shape[-1] != size:
        raise checks.BadArgument(f"{name} must have shape (..., {size}), got {tuple(value.shape)}")


def _check_binary(name: str, arr: np.ndarray) -> None:
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise checks.BadArgument(f"{name} must be binary (0/1) for the Bernoulli likelihood, "
                                 f"got {arr[where]!r} at index {where}")


def _binary_images(name: str, x: Any, x_dim: int) -> Tensor:
    """Validate a batch of binary images, (N, H, W) or (N, D) with H*W = D = x_dim, as a float32 (N, D)."""
    arr = checks.array(name, x, ndim=(2, 3), dtype=np.float32)
    if math.prod(arr.shape[1:]) != x_dim:
        raise checks.BadArgument(f"{name} must have shape (N, {x_dim}) or (N, H, W) with H*W = {x_dim}, "
                                 f"got {arr.shape}")
    _check_binary(name, arr)
    return torch.from_numpy(np.ascontiguousarray(arr).reshape(arr.shape[0], x_dim))


def _broadcast(names: str, *tensors: Tensor) -> tuple[int, ...]:
    try:  # numpy's rule is torch's; torch.broadcast_shapes costs a slow lazy import on first use
        return np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    except ValueError as err:
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise checks.BadArgument(f"{names} must broadcast together, got shapes {shapes}") from err


# ------------------------------------------------------------------------------ densities and KL
def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _randn(shape: tuple[int, ...], generator: torch.Generator, device: torch.device) -> Tensor:
    """Standard normal noise from ``generator``, moved to ``device`` (same numbers on CPU and CUDA)."""
    return torch.randn(shape, generator=generator, device=generator.device).to(device)


def _gaussian_kl(mu: Tensor, log_var: Tensor) -> Tensor:
    return 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(-1)


def _log_normal(z: Tensor, mu: Tensor, log_var: Tensor) -> Tensor:
    return -0.5 * (LOG_2PI + log_var + (z - mu).pow(2) / log_var.exp()).sum(-1)


def _log_bernoulli(x: Tensor, logits: Tensor) -> Tensor:
    x = x.expand_as(logits)
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)


def gaussian_kl(mu: Tensor, log_var: Tensor) -> Tensor:
    """Closed-form KL(N(mu, diag exp(log_var)) || N(0, I)), summed over the last axis."""
    mu, log_var = checks.tensor("mu", mu), checks.tensor("log_var", log_var)
    if mu.shape != log_var.shape:
        raise checks.BadArgument(f"mu and log_var must have the same shape, got {tuple(mu.shape)} "
                                 f"and {tuple(log_var.shape)}")
    return _gaussian_kl(mu, log_var)


def log_normal(z: Tensor, mu: Tensor, log_var: Tensor) -> Tensor:
    """log N(z; mu, diag exp(log_var)), summed over the last axis (the three broadcast together)."""
    z, mu, log_var = (checks.tensor(n, v) for n, v in (("z", z), ("mu", mu), ("log_var", log_var)))
    _broadcast("z, mu and log_var", z, mu, log_var)
    return _log_normal(z, mu, log_var)


def log_bernoulli(x: Tensor, logits: Tensor) -> Tensor:
    """log p(x|z) for Bernoulli logits, summed over pixels (last axis); broadcasts x against logits."""
    x, logits = checks.tensor("x", x), checks.tensor("logits", logits)
    _check_binary("x", checks.array("x", x))
    if _broadcast("x and logits", x, logits) != tuple(logits.shape):
        raise checks.BadArgument(f"x must broadcast to the shape of logits {tuple(logits.shape)}, "
                                 f"got {tuple(x.shape)}")
    return _log_bernoulli(x, logits)


# ---------------------------------------------------------------------------- bounds on log p(x)
def _elbo_terms(model: VAE, x: Tensor, n_samples: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Monte Carlo reconstruction term (B,) and closed-form KL (B,) for validated (B, D) images."""
    mu, log_var = model.encode(x)  # (B, z)
    eps = _randn((n_samples, *mu.shape), generator, x.device)  # (S, B, z)
    z = mu + (0.5 * log_var).exp() * eps  # reparameterization trick
    rec = _log_bernoulli(x, model.decode(z)).mean(0)  # (B,)
    if model.config.prior == "standard":
        return rec, _gaussian_kl(mu, log_var)
    return rec, (_log_normal(z, mu, log_var) - model.log_prior(z)).mean(0)  # no closed form: same z samples


def elbo(model: VAE, x: Images, *, generator: torch.Generator, n_samples: int = 1) -> Tensor:
    """Per-image ELBO (nats), reconstruction term averaged over ``n_samples`` draws of z ~ q_phi(z|x)."""
    model = checks.instance("model", model, VAE)
    n_samples = checks.integer("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    x = _binary_images("x", x, model.config.x_dim).to(_device_of(model))
    rec, kl = _elbo_terms(model, x, n_samples, checks.torch_generator("generator", generator))
    return rec - kl


@torch.no_grad()
def iw_log_likelihood(model: VAE, x: Images, k: int, *, generator: torch.Generator,
                      proposal: Literal["encoder", "prior"] = "encoder") -> Tensor:
    """Per-image importance-weighted bound log (1/K) sum_k p(x, z_k) / q(z_k|x), z_k ~ q (Burda et al.)."""
    model = checks.instance("model", model, VAE)
    k = checks.integer("k", k, low=1, high=MAX_SAMPLES)
    proposal = checks.choice("proposal", proposal, ("encoder", "prior"))
    checks.torch_generator("generator", generator)
    x = _binary_images("x", x, model.config.x_dim).to(_device_of(model))
    chunk = max(1, _IW_BATCH // k)  # images per chunk, so that K * chunk latents fit comfortably
    out = [torch.logsumexp(_log_weights(model, xb, k, generator, proposal), dim=0) - math.log(k)
           for xb in x.split(chunk)]
    return torch.cat(out)  # (N,)


def _log_weights(model: VAE, x: Tensor, k: int, generator: torch.Generator,
                 proposal: Literal["encoder", "prior"] = "encoder") -> Tensor:
    """Log importance weights log p(x, z_k) - log q(z_k|x), shape (K, B), for validated (B, D) images."""
    if proposal == "prior":  # p(x, z) / p(z) = p(x|z)
        z = model.sample_prior(k * x.shape[0], generator=generator).reshape(k, x.shape[0], -1)
        return _log_bernoulli(x, model.decode(z))
    mu, log_var = model.encode(x)  # (B, z)
    z = mu + (0.5 * log_var).exp() * _randn((k, *mu.shape), generator, x.device)  # (K, B, z)
    return _log_bernoulli(x, model.decode(z)) + model.log_prior(z) - _log_normal(z, mu, log_var)


# -------------------------------------------------------------------------------------- training
def kl_weight(epoch: int, warmup_epochs: int) -> float:
    """Linear KL warm-up: weight beta for 0-based ``epoch`` (1 once warm-up is over)."""
    epoch = checks.nonnegative_int("epoch", epoch)
    warmup_epochs = checks.nonnegative_int("warmup_epochs", warmup_epochs)
    return 1.0 if warmup_epochs == 0 else min(1.0, (epoch + 1) / warmup_epochs)


def train_vae(x_train: Images, config: VAEConfig | None = None, *, generator: torch.Generator,
              x_test: Images | None = None, device: str | torch.device = "cpu",
              progress: bool = False) -> tuple[VAE, training.History]:
    """Train a VAE with Adam (cosine learning rate, KL warm-up); return the model and its per-epoch History.

    The History has series ``epoch``, ``train_elbo`` (the running ELBO of each epoch's minibatches) and
    ``test_elbo`` (one-sample ELBO on ``x_test`` after each epoch; empty without ``x_test``), in nats per
    image with KL weight 1, and the wall time ``wall_s``.
    """
    config = _config(config)
    checks.torch_generator("generator", generator)
    dev = checks.device("device", device)
    x_tr = _binary_images("x_train", x_train, config.x_dim).to(dev)
    x_te = None if x_test is None else _binary_images("x_test", x_test, config.x_dim).to(dev)
    model = VAE(config, generator=generator).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=config.epochs,
                                                       eta_min=config.lr * config.lr_min_factor)
    history = training.History(series={"epoch": [], "train_elbo": [], "test_elbo": []})
    n = x_tr.shape[0]
    start = time.perf_counter()
    bar = training.progress_bar(config.epochs, desc="epochs", enabled=progress)
    for epoch in range(config.epochs):
        beta = kl_weight(epoch, config.kl_warmup_epochs)
        perm = torch.randperm(n, generator=generator, device=generator.device).to(dev)
        total = 0.0
        for idx in perm.split(config.batch_size):
            if config.train_k == 1:
                rec, kl = _elbo_terms(model, x_tr[idx], 1, generator)
                loss, batch_elbo = -(rec - beta * kl).mean(), rec - kl
            else:  # IWAE: a tighter bound; the mean log weight is still an unbiased ELBO estimate
                log_w = _log_weights(model, x_tr[idx], config.train_k, generator)  # (K, B)
                loss = -(torch.logsumexp(log_w, 0) - math.log(config.train_k)).mean()
                batch_elbo = log_w.mean(0)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += float(batch_elbo.detach().sum())
        sched.step()
        checks.finite_iterate(total / n, step_name="lr", step=config.lr, what="the training ELBO")
        history.log(epoch=epoch + 1, train_elbo=total / n)
        if x_te is not None:
            with torch.no_grad():
                rec, kl = _elbo_terms(model, x_te, 1, generator)
            history.log(test_elbo=float((rec - kl).mean()))
            bar.set_postfix(train=f"{history.train_elbo[-1]:.2f}", test=f"{history.test_elbo[-1]:.2f}")
        bar.update(1)
    bar.close()
    history.wall_s = time.perf_counter() - start
    return model, history


# ------------------------------------------------------------------ baseline, gradients, latents
def factorised_bernoulli_log_likelihood(x_train: Images, x_test: Images, *, alpha: float = 1.0) -> np.ndarray:
    """Per-image test log-likelihood (nats) of independent Bernoulli pixels, add-``alpha`` smoothed."""
    alpha = checks.positive("alpha", alpha)  # alpha = 0 leaves never-seen pixels at log 0
    d = math.prod(checks.array("x_train", x_train, ndim=(2, 3), dtype=np.float32).shape[1:])
    xtr = _binary_images("x_train", x_train, d).double().numpy()  # (N_train, D)
    xte = _binary_images("x_test", x_test, d).double().numpy()  # (N_test, D)
    p = (xtr.sum(0) + alpha) / (xtr.shape[0] + 2 * alpha)  # (D,) posterior-mean pixel probabilities
    return xte @ np.log(p) + (1 - xte) @ np.log1p(-p)


def encoder_gradient_samples(model: VAE, x: Images, n_samples: int, *,
                             estimator: EncoderEstimator, generator: torch.Generator) -> Tensor:
    """Per-sample estimates (S, P) of grad_phi (1/B) sum_b E_q[log p(x_b|z)] over the encoder's P params."""
    model = checks.instance("model", model, VAE)
    n_params = sum(p.numel() for p in model.encoder.parameters())
    n_samples = checks.integer("n_samples", n_samples, low=1, high=max(1, _MAX_GRAD_ENTRIES // n_params))
    estimator = checks.choice("estimator", estimator, ("score", "pathwise"))
    checks.torch_generator("generator", generator)
    x = _binary_images("x", x, model.config.x_dim).to(_device_of(model))
    from torch.func import functional_call, grad, vmap

    params = {k: v.detach() for k, v in model.encoder.named_parameters()}
    eps = _randn((n_samples, x.shape[0], model.z_dim), generator, x.device)  # (S, B, z)

    def surrogate(p: dict[str, Tensor], e: Tensor) -> Tensor:
        mu, log_var = functional_call(model.encoder, p, (x,)).chunk(2, dim=-1)
        z = mu + (0.5 * log_var).exp() * e  # (B, z)
        if estimator == "pathwise":  # differentiate through z = mu + sigma * eps
            return _log_bernoulli(x, model.decode(z)).mean()
        z = z.detach()  # score function: f(z) * grad log q(z|x), z held fixed
        f = _log_bernoulli(x, model.decode(z)).detach()
        return (f * _log_normal(z, mu, log_var)).mean()

    grads = vmap(grad(surrogate), in_dims=(None, 0), randomness="same")(params, eps)
    return torch.cat([g.detach().reshape(n_samples, -1) for g in grads.values()], dim=1)


def latent_grid(n: int, *, p_min: float = 0.05, p_max: float = 0.95) -> np.ndarray:
    """An (n*n, 2) grid of 2-D latents at evenly spaced N(0, 1) quantiles (Kingma & Welling's manifold)."""
    n = checks.integer("n", n, low=1, high=_MAX_GRID)
    p_min = checks.unit_interval("p_min", p_min, low_open=True, high_open=True)
    p_max = checks.unit_interval("p_max", p_max, low_open=True, high_open=True)
    if p_min >= p_max:
        raise checks.BadArgument(f"p_min must be below p_max, got p_min={p_min!r}, p_max={p_max!r}")
    from scipy.stats import norm  # imported here: scipy.stats is slow to import and only this needs it

    axis = norm.ppf(np.linspace(p_min, p_max, n))
    z1, z2 = np.meshgrid(axis, axis[::-1])  # rows go down in z_2, as an image is drawn
    return np.stack([z1.ravel(), z2.ravel()], axis=1)
