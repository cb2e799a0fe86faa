"""Variational autoencoders on binary images: model, ELBO, importance-weighted bound, training loop.

Notation follows the slides: encoder q_phi(z|x) = N(mu, diag(exp(log_var))), prior p_theta(z) = N(0, I) or a
learned mixture of C Gaussians, Bernoulli decoder p_theta(x|z), and the ELBO
L(x, theta, phi) = E_{q_phi(z|x)}[log p_theta(x|z)] - KL(q_phi(z|x) || p_theta(z)); the KL is exact for
N(0, I) and a Monte Carlo estimate (same z samples) for the mixture.
All randomness comes in as a ``torch.Generator``; nothing here touches global random state.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

LOG_2PI = math.log(2.0 * math.pi)
_ACTIVATIONS: dict[str, type[nn.Module]] = {"elu": nn.ELU, "relu": nn.ReLU, "silu": nn.SiLU}
PRIORS = ("standard", "mog")


@dataclass
class VAEConfig:
    """Architecture and training settings of the MLP VAE (defaults: the notebook's main model)."""

    x_dim: int = 64  # pixels per image (8 x 8 digits)
    z_dim: int = 16  # latent dimension
    hidden: int = 128  # width of each hidden layer
    n_hidden: int = 2  # hidden layers in the encoder and in the decoder
    epochs: int = 250
    batch_size: int = 128
    lr: float = 5e-3  # AdamW's initial learning rate, cosine-decayed to lr * lr_min_factor
    lr_min_factor: float = 0.05
    weight_decay: float = 0.0  # AdamW's decoupled weight decay
    dropout: float = 0.0  # dropout after each hidden layer, during training only
    train_k: int = 1  # samples per image in the training objective: 1 = ELBO, K > 1 = IWAE bound
    kl_warmup_epochs: int = 20  # the KL weight ramps linearly from 0 to 1 over these epochs
    prior: str = "mog"  # p_theta(z): "standard" N(0, I), or "mog", a learned mixture of Gaussians
    prior_components: int = 50  # equally weighted components of the "mog" prior
    activation: str = "elu"  # hidden-layer nonlinearity: "elu", "relu" or "silu"

    def __post_init__(self) -> None:
        for name in ("x_dim", "z_dim", "hidden", "n_hidden", "epochs", "batch_size", "train_k",
                     "prior_components"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.lr <= 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if not 0.0 <= self.lr_min_factor <= 1.0:
            raise ValueError(f"lr_min_factor must be in [0, 1], got {self.lr_min_factor}")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.kl_warmup_epochs < 0:
            raise ValueError(f"kl_warmup_epochs must be >= 0, got {self.kl_warmup_epochs}")
        if self.prior not in PRIORS:
            raise ValueError(f"prior must be one of {PRIORS}, got {self.prior!r}")
        if self.activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {self.activation!r}")


@dataclass
class TrainHistory:
    """Per-epoch train and test ELBO (nats per image, KL weight 1) and the training wall time."""

    epoch: list[int] = field(default_factory=list)
    train_elbo: list[float] = field(default_factory=list)
    test_elbo: list[float] = field(default_factory=list)
    wall_s: float = 0.0


def _mlp(sizes: list[int], dropout: float = 0.0, activation: str = "elu") -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(_ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class VAE(nn.Module):
    """MLP encoder q_phi(z|x) (diagonal Gaussian) and MLP decoder p_theta(x|z) (Bernoulli logits)."""

    def __init__(self, config: VAEConfig | None = None, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config = config or VAEConfig()
        h = [config.hidden] * config.n_hidden
        self.encoder = _mlp([config.x_dim, *h, 2 * config.z_dim], config.dropout, config.activation)
        self.decoder = _mlp([config.z_dim, *h, config.x_dim], config.dropout, config.activation)
        if config.prior == "mog":  # p_theta(z) = (1/C) sum_c N(z; m_c, diag exp(s_c)), m_c and s_c learned
            shape = (config.prior_components, config.z_dim)
            self.prior_mu = nn.Parameter(torch.randn(shape, generator=generator))
            self.prior_log_var = nn.Parameter(torch.zeros(shape))
        # PyTorch's default Linear init, but drawn from the given generator (no global seeding).
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    bound = 1.0 / math.sqrt(m.in_features)
                    nn.init.uniform_(m.weight, -bound, bound, generator=generator)
                    nn.init.uniform_(m.bias, -bound, bound, generator=generator)

    @property
    def z_dim(self) -> int:
        return self.config.z_dim

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Amortized inference: (B, D) images -> mu, log_var of q_phi(z|x), each (B, z_dim)."""
        mu, log_var = self.encoder(x).chunk(2, dim=-1)
        return mu, log_var

    def log_prior(self, z: Tensor) -> Tensor:
        """log p_theta(z) of latents (..., z_dim) -> (...)."""
        if self.config.prior == "standard":
            zeros = torch.zeros_like(z)
            return log_normal(z, zeros, zeros)
        log_pc = log_normal(z[..., None, :], self.prior_mu, self.prior_log_var)  # (..., C)
        return torch.logsumexp(log_pc, -1) - math.log(self.config.prior_components)

    def sample_prior(self, n: int, *, generator: torch.Generator) -> Tensor:
        """n latents z ~ p_theta(z), shape (n, z_dim), on the model's device."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        device = _device_of(self)
        eps = _randn((n, self.z_dim), generator, device)
        if self.config.prior == "standard":
            return eps
        c = torch.randint(self.config.prior_components, (n,), generator=generator,
                          device=generator.device).to(device)
        return self.prior_mu[c] + (0.5 * self.prior_log_var[c]).exp() * eps

    def decode(self, z: Tensor) -> Tensor:
        """Latents (..., z_dim) -> Bernoulli logits (..., D) of p_theta(x|z)."""
        return self.decoder(z)


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _randn(shape: tuple[int, ...], generator: torch.Generator, device: torch.device) -> Tensor:
    """Standard normal noise from ``generator``, moved to ``device`` (same numbers on CPU and CUDA)."""
    return torch.randn(shape, generator=generator, device=generator.device).to(device)


def as_binary_images(x: Tensor | np.ndarray, x_dim: int = 64, *, name: str = "x") -> Tensor:
    """Validate a batch of binary images, (N, H, W) or (N, D), and return it as float32 (N, D)."""
    x = torch.as_tensor(x)
    if x.ndim not in (2, 3) or x.shape[0] < 1 or math.prod(x.shape[1:]) != x_dim:
        raise ValueError(f"{name} must have shape (N, {x_dim}) or (N, H, W) with H*W={x_dim}, "
                         f"got {tuple(x.shape)}")
    x = x.reshape(x.shape[0], x_dim).float()
    if not bool(((x == 0) | (x == 1)).all()):
        raise ValueError(f"{name} must be binary (0/1) for the Bernoulli likelihood")
    return x


def gaussian_kl(mu: Tensor, log_var: Tensor) -> Tensor:
    """Closed-form KL(N(mu, diag exp(log_var)) || N(0, I)), summed over the last axis."""
    if mu.shape != log_var.shape:
        raise ValueError(f"mu and log_var must have the same shape, got {tuple(mu.shape)} "
                         f"and {tuple(log_var.shape)}")
    return 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(-1)


def log_normal(z: Tensor, mu: Tensor, log_var: Tensor) -> Tensor:
    """log N(z; mu, diag exp(log_var)), summed over the last axis."""
    return -0.5 * (LOG_2PI + log_var + (z - mu).pow(2) / log_var.exp()).sum(-1)


def log_bernoulli(x: Tensor, logits: Tensor) -> Tensor:
    """log p(x|z) for Bernoulli logits, summed over pixels (last axis); broadcasts x against logits."""
    x = x.expand_as(logits)
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)


def _elbo_terms(model: VAE, x: Tensor, n_samples: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Monte Carlo reconstruction term (B,) and closed-form KL (B,) for validated (B, D) images."""
    mu, log_var = model.encode(x)  # (B, z)
    eps = _randn((n_samples, *mu.shape), generator, x.device)  # (S, B, z)
    z = mu + (0.5 * log_var).exp() * eps  # reparameterization trick
    rec = log_bernoulli(x, model.decode(z)).mean(0)  # (B,)
    if model.config.prior == "standard":
        return rec, gaussian_kl(mu, log_var)
    return rec, (log_normal(z, mu, log_var) - model.log_prior(z)).mean(0)  # no closed form: same z samples


def elbo(model: VAE, x: Tensor | np.ndarray, *, generator: torch.Generator, n_samples: int = 1) -> Tensor:
    """Per-image ELBO (nats), reconstruction term averaged over ``n_samples`` draws of z ~ q_phi(z|x)."""
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    x = as_binary_images(x, model.config.x_dim).to(_device_of(model))
    rec, kl = _elbo_terms(model, x, n_samples, generator)
    return rec - kl


@torch.no_grad()
def iw_log_likelihood(model: VAE, x: Tensor | np.ndarray, k: int, *, generator: torch.Generator,
                      proposal: Literal["encoder", "prior"] = "encoder",
                      max_batch: int = 65536) -> Tensor:
    """Per-image importance-weighted bound log (1/K) sum_k p(x, z_k) / q(z_k|x), z_k ~ q (Burda et al.)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if proposal not in ("encoder", "prior"):
        raise ValueError(f"proposal must be 'encoder' or 'prior', got {proposal!r}")
    x = as_binary_images(x, model.config.x_dim).to(_device_of(model))
    chunk = max(1, max_batch // k)  # images per chunk, so that K * chunk latents fit comfortably
    out = [torch.logsumexp(_log_weights(model, xb, k, generator, proposal), dim=0) - math.log(k)
           for xb in x.split(chunk)]
    return torch.cat(out)  # (N,)


def _log_weights(model: VAE, x: Tensor, k: int, generator: torch.Generator,
                 proposal: Literal["encoder", "prior"] = "encoder") -> Tensor:
    """Log importance weights log p(x, z_k) - log q(z_k|x), shape (K, B), for validated (B, D) images."""
    if proposal == "prior":  # p(x, z) / p(z) = p(x|z)
        z = model.sample_prior(k * x.shape[0], generator=generator).reshape(k, x.shape[0], -1)
        return log_bernoulli(x, model.decode(z))
    mu, log_var = model.encode(x)  # (B, z)
    z = mu + (0.5 * log_var).exp() * _randn((k, *mu.shape), generator, x.device)  # (K, B, z)
    return log_bernoulli(x, model.decode(z)) + model.log_prior(z) - log_normal(z, mu, log_var)


def kl_weight(epoch: int, warmup_epochs: int) -> float:
    """Linear KL warm-up: weight beta for 0-based ``epoch`` (1 once warm-up is over)."""
    return 1.0 if warmup_epochs == 0 else min(1.0, (epoch + 1) / warmup_epochs)


def train_vae(x_train: Tensor | np.ndarray, config: VAEConfig | None = None, *, generator: torch.Generator,
              x_test: Tensor | np.ndarray | None = None, device: str | torch.device = "cpu",
              progress: bool = True,
              callback: Callable[[int, VAE], None] | None = None) -> tuple[VAE, TrainHistory]:
    """Train a VAE with AdamW (cosine learning rate, KL warm-up); return the model and per-epoch ELBOs."""
    from tqdm.auto import trange

    config = config or VAEConfig()
    device = torch.device(device)
    x_tr = as_binary_images(x_train, config.x_dim, name="x_train").to(device)
    x_te = None if x_test is None else as_binary_images(x_test, config.x_dim, name="x_test").to(device)
    model = VAE(config, generator=generator).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=config.epochs,
                                                       eta_min=config.lr * config.lr_min_factor)
    history = TrainHistory()
    n = x_tr.shape[0]
    start = time.perf_counter()
    bar = trange(config.epochs, desc="epochs", disable=not progress)
    for epoch in bar:
        beta = kl_weight(epoch, config.kl_warmup_epochs)
        perm = torch.randperm(n, generator=generator, device=generator.device).to(device)
        model.train()
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
        history.epoch.append(epoch + 1)
        history.train_elbo.append(total / n)
        if x_te is not None:
            model.eval()
            with torch.no_grad():
                rec, kl = _elbo_terms(model, x_te, 1, generator)
            history.test_elbo.append(float((rec - kl).mean()))
            bar.set_postfix(train=f"{history.train_elbo[-1]:.2f}", test=f"{history.test_elbo[-1]:.2f}")
        if callback is not None:
            callback(epoch, model)
    history.wall_s = time.perf_counter() - start
    model.eval()
    return model, history


def factorised_bernoulli_log_likelihood(x_train: Tensor | np.ndarray, x_test: Tensor | np.ndarray, *,
                                        alpha: float = 1.0) -> np.ndarray:
    """Per-image test log-likelihood (nats) of independent Bernoulli pixels, add-``alpha`` smoothed."""
    if alpha <= 0:
        raise ValueError(f"alpha must be > 0 (unsmoothed pixels can give log 0), got {alpha}")
    d = math.prod(tuple(np.shape(x_train))[1:])
    xtr = as_binary_images(x_train, d, name="x_train").double().numpy()  # (N_train, D)
    xte = as_binary_images(x_test, d, name="x_test").double().numpy()  # (N_test, D)
    p = (xtr.sum(0) + alpha) / (xtr.shape[0] + 2 * alpha)  # (D,) posterior-mean pixel probabilities
    return xte @ np.log(p) + (1 - xte) @ np.log1p(-p)


EncoderEstimator = Literal["score", "pathwise"]


def encoder_gradient_samples(model: VAE, x: Tensor | np.ndarray, n_samples: int, *,
                             estimator: EncoderEstimator, generator: torch.Generator) -> Tensor:
    """Per-sample estimates (S, P) of grad_phi (1/B) sum_b E_q[log p(x_b|z)] over the encoder's P params."""
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    if estimator not in ("score", "pathwise"):
        raise ValueError(f"estimator must be 'score' or 'pathwise', got {estimator!r}")
    from torch.func import functional_call, grad, vmap

    x = as_binary_images(x, model.config.x_dim).to(_device_of(model))
    params = {k: v.detach() for k, v in model.encoder.named_parameters()}
    eps = _randn((n_samples, x.shape[0], model.z_dim), generator, x.device)  # (S, B, z)

    def surrogate(p: dict[str, Tensor], e: Tensor) -> Tensor:
        mu, log_var = functional_call(model.encoder, p, (x,)).chunk(2, dim=-1)
        z = mu + (0.5 * log_var).exp() * e  # (B, z)
        if estimator == "pathwise":  # differentiate through z = mu + sigma * eps
            return log_bernoulli(x, model.decode(z)).mean()
        z = z.detach()  # score function: f(z) * grad log q(z|x), z held fixed
        f = log_bernoulli(x, model.decode(z)).detach()
        return (f * log_normal(z, mu, log_var)).mean()

    grads = vmap(grad(surrogate), in_dims=(None, 0), randomness="same")(params, eps)
    return torch.cat([g.detach().reshape(n_samples, -1) for g in grads.values()], dim=1)


def latent_grid(n: int, *, p_min: float = 0.05, p_max: float = 0.95) -> np.ndarray:
    """An (n*n, 2) grid of 2-D latents at evenly spaced N(0, 1) quantiles (Kingma & Welling's manifold)."""
    from scipy.stats import norm

    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 0.0 < p_min < p_max < 1.0:
        raise ValueError(f"need 0 < p_min < p_max < 1, got p_min={p_min}, p_max={p_max}")
    axis = norm.ppf(np.linspace(p_min, p_max, n))
    z1, z2 = np.meshgrid(axis, axis[::-1])  # rows go down in z_2, as an image is drawn
    return np.stack([z1.ravel(), z2.ravel()], axis=1)
