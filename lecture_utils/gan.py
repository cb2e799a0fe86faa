"""Generative adversarial networks: mixtures, losses, networks, a training loop and coverage metrics.

Notation follows the slides: the discriminator $D_{\\theta_d}$ returns a logit (``D(x) = sigmoid(logit)``),
the generator $G_{\\theta_g}$ maps noise $z \\sim p(z) = N(0, I)$ to a sample, real data come from $p_{data}$.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

LOSSES = ("saturating", "non_saturating", "lsgan", "wgan_gp")


# ----------------------------------------------------------------------------- 2-D mixtures
@dataclass(frozen=True)
class Mixture:
    """Equal-weight isotropic Gaussian mixture in the plane."""

    means: np.ndarray  # (K, 2)
    std: float

    def __post_init__(self) -> None:
        means = np.asarray(self.means, dtype=float)
        if means.ndim != 2 or means.shape[1] != 2:
            raise ValueError(f"means must have shape (K, 2), got {means.shape}")
        if means.shape[0] == 0:
            raise ValueError("means must contain at least one mode, got 0")
        if not (np.isfinite(self.std) and self.std > 0):
            raise ValueError(f"std must be positive, got {self.std}")
        object.__setattr__(self, "means", means)

    @property
    def n_modes(self) -> int:
        """Number of modes K."""
        return int(self.means.shape[0])


def ring_mixture(n_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> Mixture:
    """The ring benchmark: ``n_modes`` Gaussians evenly spaced on a circle."""
    if n_modes < 1:
        raise ValueError(f"n_modes must be >= 1, got {n_modes}")
    if radius <= 0:
        raise ValueError(f"radius must be positive, got {radius}")
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return Mixture(radius * np.stack([np.cos(angles), np.sin(angles)], axis=1), std)


def grid_mixture(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> Mixture:
    """The grid benchmark: ``side``x``side`` Gaussians, means in {-4,-2,0,2,4}^2 by default."""
    if side < 1:
        raise ValueError(f"side must be >= 1, got {side}")
    if spacing <= 0:
        raise ValueError(f"spacing must be positive, got {spacing}")
    ticks = spacing * (np.arange(side) - (side - 1) / 2)
    xx, yy = np.meshgrid(ticks, ticks, indexing="ij")
    return Mixture(np.stack([xx.ravel(), yy.ravel()], axis=1), std)


def sample_mixture(mixture: Mixture, n: int, *, generator: torch.Generator) -> torch.Tensor:
    """Draw ``n`` points (n, 2) from the mixture with a torch generator."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    means = torch.as_tensor(mixture.means, dtype=torch.float32)
    k = torch.randint(mixture.n_modes, (n,), generator=generator)
    return means[k] + mixture.std * torch.randn(n, 2, generator=generator)


def mixture_density(mixture: Mixture, x: np.ndarray) -> np.ndarray:
    """The mixture's density p_data at points x (..., 2)."""
    x = np.asarray(x, dtype=float)
    if x.shape[-1] != 2:
        raise ValueError(f"x must have a last axis of size 2, got {x.shape}")
    d2 = ((x[..., None, :] - mixture.means) ** 2).sum(-1)  # (..., K)
    s2 = mixture.std**2
    return np.exp(-d2 / (2 * s2)).mean(-1) / (2 * np.pi * s2)


@dataclass(frozen=True)
class Coverage:
    """Mode-coverage metrics of a sample set against a mixture."""

    modes_covered: int
    n_modes: int
    high_quality: float  # fraction of samples within n_std std of their nearest mode
    counts: np.ndarray  # (K,) high-quality samples per mode


def coverage(samples: np.ndarray, mixture: Mixture, *, n_std: float = 3.0) -> Coverage:
    """Modes covered and high-quality fraction (within ``n_std`` std of the nearest mode)."""
    samples = np.asarray(samples, dtype=float)
    if samples.ndim != 2 or samples.shape[1] != 2 or samples.shape[0] == 0:
        raise ValueError(f"samples must have shape (N, 2) with N >= 1, got {samples.shape}")
    if n_std <= 0:
        raise ValueError(f"n_std must be positive, got {n_std}")
    d2 = ((samples[:, None, :] - mixture.means[None]) ** 2).sum(-1)  # (N, K)
    nearest = d2.argmin(1)
    good = np.sqrt(d2[np.arange(len(samples)), nearest]) <= n_std * mixture.std
    counts = np.bincount(nearest[good], minlength=mixture.n_modes)
    return Coverage(int((counts > 0).sum()), mixture.n_modes, float(good.mean()), counts)


# ----------------------------------------------------------------------------- theory helpers
def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), with 1/2 where both densities vanish."""
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data and p_g must have the same shape, got {p_data.shape} and {p_g.shape}")
    if (p_data < 0).any() or (p_g < 0).any():
        raise ValueError("p_data and p_g must be non-negative")
    total = p_data + p_g
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def js_divergence(p: np.ndarray, q: np.ndarray, dx: float) -> float:
    """Jensen-Shannon divergence (nats) of two densities tabulated on a uniform grid of spacing dx."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    if dx <= 0:
        raise ValueError(f"dx must be positive, got {dx}")
    m = 0.5 * (p + q)

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float((a[mask] * np.log(a[mask] / m[mask])).sum() * dx)

    return 0.5 * kl(p) + 0.5 * kl(q)


# ----------------------------------------------------------------------------- losses (on logits)
def d_loss_bce(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """-[E log D(x) + E log(1 - D(G(z)))]: the negated minimax objective the discriminator ascends."""
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def g_loss_saturating(fake_logits: torch.Tensor) -> torch.Tensor:
    """E log(1 - D(G(z))): the minimax generator loss (minimised), flat when D(G(z)) is near 0."""
    return -F.softplus(fake_logits).mean()


def g_loss_non_saturating(fake_logits: torch.Tensor) -> torch.Tensor:
    """-E log D(G(z)): the non-saturating generator loss (minimised)."""
    return F.softplus(-fake_logits).mean()


def d_loss_lsgan(real_out: torch.Tensor, fake_out: torch.Tensor) -> torch.Tensor:
    """Least-squares discriminator loss: real outputs pushed to 1, fake ones to 0."""
    return 0.5 * ((real_out - 1) ** 2).mean() + 0.5 * (fake_out**2).mean()


def g_loss_lsgan(fake_out: torch.Tensor) -> torch.Tensor:
    """Least-squares generator loss: fake outputs pushed to 1."""
    return 0.5 * ((fake_out - 1) ** 2).mean()


def gradient_penalty(disc: nn.Module, x: torch.Tensor, *, center: float = 0.0) -> torch.Tensor:
    """E (||grad_x D(x)|| - center)^2: R1 with center 0 on real data, WGAN-GP with center 1 on mixes."""
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(disc(x).sum(), x, create_graph=True)
    norm = grad.flatten(1).norm(dim=1)
    return ((norm - center) ** 2).mean() if center else (grad.flatten(1) ** 2).sum(1).mean()


# ----------------------------------------------------------------------------- networks
def mlp(in_dim: int, out_dim: int, hidden: int = 256, depth: int = 3, *,
        activation: Callable[[], nn.Module] = nn.ReLU) -> nn.Sequential:
    """A fully connected network with ``depth`` hidden layers of width ``hidden``."""
    for name, value in (("in_dim", in_dim), ("out_dim", out_dim), ("hidden", hidden), ("depth", depth)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    layers: list[nn.Module] = []
    width = in_dim
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), activation()]
        width = hidden
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)


def make_generator(latent_dim: int = 8, data_dim: int = 2, hidden: int = 256, depth: int = 3) -> nn.Module:
    """MLP generator G: R^latent_dim -> R^data_dim."""
    return mlp(latent_dim, data_dim, hidden, depth)


def make_discriminator(data_dim: int = 2, hidden: int = 256, depth: int = 3) -> nn.Module:
    """MLP discriminator (LeakyReLU) returning one logit per point."""
    return nn.Sequential(mlp(data_dim, 1, hidden, depth, activation=lambda: nn.LeakyReLU(0.2)), nn.Flatten(0))


class ConvGenerator(nn.Module):
    """DCGAN-style generator for 8x8 images: z -> 128x2x2 -> 64x4x4 -> 1x8x8 in [0, 1]."""

    def __init__(self, latent_dim: int = 16, width: int = 64) -> None:
        super().__init__()
        if latent_dim < 1 or width < 1:
            raise ValueError(f"latent_dim and width must be >= 1, got {latent_dim}, {width}")
        self.fc = nn.Sequential(nn.Linear(latent_dim, 8 * width), nn.BatchNorm1d(8 * width), nn.ReLU())
        self.net = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Sigmoid(),
        )
        self.width = width

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.fc(z).view(-1, 2 * self.width, 2, 2)  # (B, 2w, 2, 2)
        return self.net(h).squeeze(1)  # (B, 8, 8)


class ConvDiscriminator(nn.Module):
    """DCGAN-style discriminator for 8x8 images: strided convolutions, LeakyReLU, one logit."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        if width < 1:
            raise ValueError(f"width must be >= 1, got {width}")
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),  # (B, w, 4, 4)
            nn.Conv2d(width, 2 * width, 4, 2, 1), nn.LeakyReLU(0.2),  # (B, 2w, 2, 2)
            nn.Flatten(), nn.Linear(2 * width * 4, 1), nn.Flatten(0),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.unsqueeze(1))


# ----------------------------------------------------------------------------- training
@dataclass
class GANConfig:
    """Settings of one GAN training run."""

    loss: str = "non_saturating"  # one of LOSSES
    latent_dim: int = 8
    batch_size: int = 512
    steps: int = 2000
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.9)
    r1_gamma: float = 0.0  # weight of the zero-centred gradient penalty on real data
    gp_lambda: float = 10.0  # WGAN-GP weight (only for loss="wgan_gp")
    n_critic: int = 1  # discriminator steps per generator step
    r1_every: int = 1  # apply R1 on every k-th step only, with weight k * r1_gamma (lazy regularisation)
    lr_decay: bool = True  # cosine decay of both learning rates to lr_final_frac of their start
    lr_final_frac: float = 0.02

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        for name in ("latent_dim", "batch_size", "steps", "n_critic", "r1_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.r1_gamma < 0:
            raise ValueError(f"r1_gamma must be >= 0, got {self.r1_gamma}")
        for name in ("lr_g", "lr_d"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


@dataclass
class History:
    """Per-step training record: losses and mean D(x), D(G(z)) on the batch."""

    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)  # on the critic's last real batch, before its update
    d_fake: list[float] = field(default_factory=list)  # on the generator's batch, before its update
    g_grad_norm: list[float] = field(default_factory=list)  # ||d loss_G / d theta_g||

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The history as a dict of numpy arrays."""
        return {k: np.asarray(v) for k, v in self.__dict__.items()}


@dataclass
class GANState:
    """Networks, optimisers and step counter of a GAN being trained."""

    G: nn.Module
    D: nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    config: GANConfig
    step: int = 0
    history: History = field(default_factory=History)


def init_state(G: nn.Module, D: nn.Module, config: GANConfig) -> GANState:
    """Wrap two networks with Adam optimisers into a training state."""
    opt_g = torch.optim.Adam(G.parameters(), lr=config.lr_g, betas=config.betas, fused=True)
    opt_d = torch.optim.Adam(D.parameters(), lr=config.lr_d, betas=config.betas, fused=True)
    return GANState(G, D, opt_g, opt_d, config)


def _d_loss(state: GANState, real: torch.Tensor, fake: torch.Tensor,
            generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    cfg, D = state.config, state.D
    real_out, fake_out = D(torch.cat([real, fake])).split([real.shape[0], fake.shape[0]])
    if cfg.loss == "lsgan":
        loss = d_loss_lsgan(real_out, fake_out)
    elif cfg.loss == "wgan_gp":
        eps = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), generator=generator).to(real.device)
        mix = eps * real + (1 - eps) * fake
        loss = fake_out.mean() - real_out.mean() + cfg.gp_lambda * gradient_penalty(D, mix, center=1.0)
    else:
        loss = d_loss_bce(real_out, fake_out)
    if cfg.r1_gamma > 0 and state.step % cfg.r1_every == 0:  # lazy R1 (StyleGAN2): every k steps, weight x k
        loss = loss + 0.5 * cfg.r1_gamma * cfg.r1_every * gradient_penalty(D, real)
    return loss, real_out.detach()


def _g_loss(cfg: GANConfig, fake_out: torch.Tensor) -> torch.Tensor:
    if cfg.loss == "saturating":
        return g_loss_saturating(fake_out)
    if cfg.loss == "lsgan":
        return g_loss_lsgan(fake_out)
    if cfg.loss == "wgan_gp":
        return -fake_out.mean()
    return g_loss_non_saturating(fake_out)


def sample_latent(n: int, latent_dim: int, *, generator: torch.Generator, device: str = "cpu",
                  truncation: float | None = None) -> torch.Tensor:
    """z ~ N(0, I) of shape (n, latent_dim); with ``truncation``, entries resampled until |z_i| <= it."""
    if truncation is not None and truncation <= 0:
        raise ValueError(f"truncation must be positive, got {truncation}")
    z = torch.randn(n, latent_dim, generator=generator)
    if truncation is not None:
        bad = z.abs() > truncation
        while bad.any():
            z[bad] = torch.randn(int(bad.sum()), generator=generator)
            bad = z.abs() > truncation
    return z.to(device)


def _set_lr(state: GANState) -> None:
    cfg = state.config
    if not cfg.lr_decay:
        return
    frac = min(state.step / cfg.steps, 1.0)
    scale = cfg.lr_final_frac + (1 - cfg.lr_final_frac) * 0.5 * (1 + math.cos(math.pi * frac))
    for opt, lr in ((state.opt_g, cfg.lr_g), (state.opt_d, cfg.lr_d)):
        for group in opt.param_groups:
            group["lr"] = lr * scale


def train_step(state: GANState, sample_real: Callable[[int, torch.Generator], torch.Tensor], *,
               generator: torch.Generator, device: str = "cpu") -> dict[str, float]:
    """One round of the game: n_critic ascent steps on D (G fixed), then one descent step on G (D fixed)."""
    cfg, G, D = state.config, state.G, state.D
    _set_lr(state)
    for _ in range(cfg.n_critic):
        real = sample_real(cfg.batch_size, generator).to(device)
        z = sample_latent(cfg.batch_size, cfg.latent_dim, generator=generator, device=device)
        with torch.no_grad():
            fake = G(z)
        d_loss, real_out = _d_loss(state, real, fake, generator)
        state.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        state.opt_d.step()
    z = sample_latent(cfg.batch_size, cfg.latent_dim, generator=generator, device=device)
    fake_out = D(G(z))
    g_loss = _g_loss(cfg, fake_out)
    g_params = [p for p in G.parameters() if p.requires_grad]
    grads = torch.autograd.grad(g_loss, g_params)  # D stays fixed: no gradient for its weights is computed
    for p, g in zip(g_params, grads, strict=True):
        p.grad = g
    grad_norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(list(grads))))
    state.opt_g.step()
    state.step += 1
    squash = torch.sigmoid if cfg.loss in ("saturating", "non_saturating") else (lambda t: t)
    record = {"d_loss": float(d_loss.detach()), "g_loss": float(g_loss.detach()),
              "d_real": float(squash(real_out).mean()),
              "d_fake": float(squash(fake_out.detach()).mean()), "g_grad_norm": float(grad_norm)}
    for key, value in record.items():
        getattr(state.history, key).append(value)
    return record


def train(state: GANState, sample_real: Callable[[int, torch.Generator], torch.Tensor], n_steps: int, *,
          generator: torch.Generator, device: str = "cpu", progress: bool = False,
          callback: Callable[[GANState], None] | None = None, every: int = 0) -> History:
    """Run ``n_steps`` training steps (tqdm bar if ``progress``); call ``callback`` every ``every`` steps."""
    if n_steps < 0:
        raise ValueError(f"n_steps must be >= 0, got {n_steps}")
    steps = range(n_steps)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc=f"GAN ({state.config.loss})", leave=True)
    state.G.train()
    state.D.train()
    for _ in steps:
        train_step(state, sample_real, generator=generator, device=device)
        if callback is not None and every and state.step % every == 0:
            callback(state)
    return state.history


def mixture_sampler(mixture: Mixture) -> Callable[[int, torch.Generator], torch.Tensor]:
    """A ``sample_real(n, generator)`` function for a 2-D mixture."""
    return lambda n, generator: sample_mixture(mixture, n, generator=generator)


def tensor_sampler(data: torch.Tensor) -> Callable[[int, torch.Generator], torch.Tensor]:
    """A ``sample_real(n, generator)`` function drawing rows of ``data`` uniformly with replacement."""
    if data.dim() < 2 or data.shape[0] == 0:
        raise ValueError(f"data must have shape (N, ...) with N >= 1, got {tuple(data.shape)}")
    return lambda n, generator: data[torch.randint(data.shape[0], (n,), generator=generator)]


@contextmanager
def _eval_mode(net: nn.Module) -> Iterator[nn.Module]:
    """Put ``net`` in eval mode (batch norm uses its running statistics) and restore its mode afterwards."""
    was_training = net.training
    net.eval()
    try:
        yield net
    finally:
        net.train(was_training)


@torch.no_grad()
def generate(G: nn.Module, n: int, latent_dim: int, *, generator: torch.Generator, device: str = "cpu",
             truncation: float | None = None) -> np.ndarray:
    """n samples G(z) as a numpy array (G in eval mode)."""
    with _eval_mode(G):
        out = G(sample_latent(n, latent_dim, generator=generator, device=device, truncation=truncation))
    return out.cpu().numpy()


# ----------------------------------------------------------------------------- Jacobian-based truncation
def jacobian_norms(G: nn.Module, z: torch.Tensor) -> np.ndarray:
    """Frobenius norm of the generator's Jacobian dG/dz at each row of z, shape (n,)."""
    if z.dim() != 2 or z.shape[0] == 0:
        raise ValueError(f"z must have shape (n, latent_dim) with n >= 1, got {tuple(z.shape)}")
    from torch.func import jacrev, vmap

    with _eval_mode(G), torch.no_grad():
        jac = vmap(jacrev(lambda v: G(v.unsqueeze(0)).squeeze(0)))(z)  # (n, *out_shape, latent_dim)
    return jac.flatten(1).norm(dim=1).cpu().numpy()


@torch.no_grad()
def generate_jbt(G: nn.Module, n: int, latent_dim: int, *, reject: float, generator: torch.Generator,
                 device: str = "cpu") -> np.ndarray:
    """n samples G(z), keeping of ceil(n / (1 - reject)) draws of z the n with the smallest ||dG/dz||.

    Jacobian-based truncation (Tanielian et al., 2020): a continuous generator crosses the gaps between
    modes where it stretches the latent space most, so those draws have the largest Jacobian norm.
    """
    if not 0 <= reject < 1:
        raise ValueError(f"reject must be in [0, 1), got {reject}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    z = sample_latent(math.ceil(n / (1 - reject)), latent_dim, generator=generator, device=device)
    keep = np.sort(np.argsort(jacobian_norms(G, z), kind="stable")[:n])
    with _eval_mode(G):
        out = G(z[torch.as_tensor(keep, device=z.device)])
    return out.cpu().numpy()


# ----------------------------------------------------------------------------- the 2-D recipe
@dataclass
class MixtureRun:
    """Result of one 2-D mixture run: plain samples G(z) and Jacobian-truncated ones, with their metrics."""

    coverage: Coverage
    samples: np.ndarray  # (n_eval, 2), z ~ N(0, I)
    coverage_jbt: Coverage
    samples_jbt: np.ndarray  # (n_eval, 2), the draws with the largest ||dG/dz|| rejected
    state: GANState


# Networks of the 2-D recipe: MLPs with 3 hidden layers of 128 units; on the grid they work in units of 4
# (D sees x / 4, G's output is multiplied by 4), so that their inputs and outputs are of order one.
MIXTURE_NETS: dict[str, dict] = {
    "ring": dict(hidden=128, depth=3, scale=1.0),
    "grid": dict(hidden=128, depth=3, scale=4.0),
}
JBT_REJECT = 0.1  # fraction of latent draws the benchmark rejects by Jacobian norm


def mixture_config(name: str, **overrides) -> GANConfig:
    """The 2-D recipe for 'ring' or 'grid': non-saturating loss, lazy R1 on real data, cosine lr decay."""
    if name not in MIXTURE_NETS:
        raise ValueError(f"name must be 'ring' or 'grid', got {name!r}")
    base = dict(loss="non_saturating", latent_dim=8, batch_size=256, betas=(0.5, 0.9), r1_gamma=0.1,
                r1_every=8, lr_final_frac=0.02)
    base.update({"ring": dict(steps=6500, lr_g=2e-3, lr_d=2e-3),
                 "grid": dict(steps=7000, lr_g=3e-3, lr_d=3e-3)}[name])
    base.update(overrides)
    return GANConfig(**base)


def train_mixture(mixture: Mixture, config: GANConfig, *, seed: int, n_eval: int = 2500, hidden: int = 128,
                  depth: int = 3, scale: float = 1.0, reject: float = JBT_REJECT, device: str = "cpu",
                  progress: bool = False, callback: Callable[[GANState], None] | None = None,
                  every: int = 0) -> MixtureRun:
    """Train an MLP GAN on a 2-D mixture (data divided by ``scale`` inside the networks) and evaluate it."""
    G, D = make_models(config, seed=seed, hidden=hidden, depth=depth, scale=scale, device=device)
    gen = torch.Generator().manual_seed(seed)
    state = init_state(G, D, config)
    train(state, mixture_sampler(mixture), config.steps, generator=gen, device=device, progress=progress,
          callback=callback, every=every)
    samples = generate(G, n_eval, config.latent_dim, generator=torch.Generator().manual_seed(10_000 + seed),
                       device=device)
    samples_jbt = generate_jbt(G, n_eval, config.latent_dim, reject=reject,
                               generator=torch.Generator().manual_seed(20_000 + seed), device=device)
    return MixtureRun(coverage(samples, mixture), samples, coverage(samples_jbt, mixture), samples_jbt, state)


class ScaledGenerator(nn.Module):
    """G whose network works in units of ``scale`` (outputs multiplied by it)."""

    def __init__(self, net: nn.Module, scale: float) -> None:
        super().__init__()
        self.net, self.scale = net, scale

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z) * self.scale


class ScaledDiscriminator(nn.Module):
    """D whose network sees inputs divided by ``scale``."""

    def __init__(self, net: nn.Module, scale: float) -> None:
        super().__init__()
        self.net, self.scale = net, scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x / self.scale)


def make_models(config: GANConfig, *, seed: int, hidden: int = 256, depth: int = 3, scale: float = 1.0,
                data_dim: int = 2, device: str = "cpu") -> tuple[nn.Module, nn.Module]:
    """Seeded MLP G and D (same seed, same weights; the global RNG is restored afterwards)."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        G = ScaledGenerator(make_generator(config.latent_dim, data_dim, hidden, depth), scale).to(device)
        D = ScaledDiscriminator(make_discriminator(data_dim, hidden, depth), scale).to(device)
    return G, D


# ----------------------------------------------------------------------------- digits
def make_conv_models(latent_dim: int = 16, width: int = 32, *, seed: int,
                     device: str = "cpu") -> tuple[nn.Module, nn.Module]:
    """Seeded DCGAN-style G and D for 8x8 images (the global RNG is restored afterwards)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        G, D = ConvGenerator(latent_dim, width).to(device), ConvDiscriminator(width).to(device)
    return G, D


def digits_config(**overrides) -> GANConfig:
    """Settings of the DCGAN on the 8x8 digits (non-saturating loss, small R1, cosine lr decay)."""
    base = dict(loss="non_saturating", latent_dim=16, batch_size=64, steps=1000, lr_g=1e-3, lr_d=1e-3,
                betas=(0.5, 0.9), r1_gamma=0.1, lr_final_frac=0.05)
    base.update(overrides)
    return GANConfig(**base)


@dataclass
class DigitScorer:
    """A digit classifier trained on the training split, used to score generated digits."""

    classifier: object  # a fitted sklearn MLPClassifier on flattened 8x8 images

    def features(self, images: np.ndarray) -> np.ndarray:
        """Hidden-layer activations (N, H) of the classifier: the feature space of the Frechet distance."""
        x = _flat_images(images)
        clf = self.classifier
        return np.maximum(x @ clf.coefs_[0] + clf.intercepts_[0], 0.0)

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities (N, 10)."""
        return self.classifier.predict_proba(_flat_images(images))


def _flat_images(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or images.shape[1:] != (8, 8) or images.shape[0] == 0:
        raise ValueError(f"images must have shape (N, 8, 8) with N >= 1, got {images.shape}")
    return images.reshape(len(images), 64)


def fit_digit_scorer(x_train: np.ndarray, y_train: np.ndarray, *, seed: int = 0) -> DigitScorer:
    """Train a one-hidden-layer classifier (64 ReLU units) on the training digits."""
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    clf = MLPClassifier(hidden_layer_sizes=(64,), solver="lbfgs", alpha=1e-2, max_iter=2000,
                        random_state=seed)
    with threadpool_limits(1):  # a small problem: BLAS threads only contend
        clf.fit(_flat_images(x_train), np.asarray(y_train))
    return DigitScorer(clf)


def frechet_distance(f1: np.ndarray, f2: np.ndarray) -> float:
    """||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^{1/2}) between Gaussians fitted to two feature sets."""
    from scipy import linalg

    f1, f2 = np.asarray(f1, dtype=float), np.asarray(f2, dtype=float)
    if f1.ndim != 2 or f2.ndim != 2 or f1.shape[1] != f2.shape[1] or min(len(f1), len(f2)) < 2:
        raise ValueError(f"f1 and f2 must be (N, H) with equal H and N >= 2, got {f1.shape}, {f2.shape}")
    mu1, mu2 = f1.mean(0), f2.mean(0)
    eye = 1e-6 * np.eye(f1.shape[1])  # dead ReLU units make a covariance singular: regularise (as FID code)
    s1, s2 = np.cov(f1, rowvar=False) + eye, np.cov(f2, rowvar=False) + eye
    covmean = linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


@dataclass(frozen=True)
class DigitQuality:
    """Sample-quality score of a batch of digits."""

    confidence: float  # mean max class probability: does each image look like some digit?
    class_entropy: float  # entropy (bits) of the predicted-label histogram: log2(10) = 3.32 is uniform
    classes_covered: int  # classes predicted for at least 1% of the images
    frechet: float  # Frechet distance to the reference digits in the classifier's feature space


def digit_quality(scorer: DigitScorer, images: np.ndarray, reference: np.ndarray) -> DigitQuality:
    """Confidence, label entropy, classes covered and Frechet distance of ``images`` against ``reference``."""
    proba = scorer.predict_proba(images)
    counts = np.bincount(proba.argmax(1), minlength=proba.shape[1]) / len(proba)
    nz = counts[counts > 0]
    return DigitQuality(float(proba.max(1).mean()), float(-(nz * np.log2(nz)).sum()),
                        int((counts >= 0.01).sum()),
                        frechet_distance(scorer.features(images), scorer.features(reference)))


def nearest_neighbours(samples: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index and Euclidean distance of each sample's nearest training image."""
    s, t = _flat_images(samples), _flat_images(train)
    d2 = (s**2).sum(1)[:, None] - 2 * s @ t.T + (t**2).sum(1)[None]
    idx = d2.argmin(1)
    return idx, np.sqrt(np.maximum(d2[np.arange(len(s)), idx], 0.0))


# ----------------------------------------------------------------------------- plots
def discriminator_surface(D: nn.Module, lim: float, n: int = 100, *,
                          device: str = "cpu") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """D(x) = sigmoid(logit) on an n x n grid over [-lim, lim]^2: returns (xx, yy, D)."""
    if lim <= 0 or n < 2:
        raise ValueError(f"lim must be positive and n >= 2, got lim={lim}, n={n}")
    g = np.linspace(-lim, lim, n)
    xx, yy = np.meshgrid(g, g)
    pts = torch.as_tensor(np.stack([xx.ravel(), yy.ravel()], 1), dtype=torch.float32, device=device)
    with torch.no_grad():
        d = torch.sigmoid(D(pts)).cpu().numpy().reshape(n, n)
    return xx, yy, d


def plot_samples(ax, mixture: Mixture, samples: np.ndarray, *, lim: float, D: nn.Module | None = None,
                 title: str | None = None, device: str = "cpu"):
    """Generated samples (dots) over the mixture's means (crosses), optionally on D's decision surface."""
    samples = np.asarray(samples)
    if samples.ndim != 2 or samples.shape[1] != 2:
        raise ValueError(f"samples must have shape (N, 2), got {samples.shape}")
    if D is not None:
        xx, yy, d = discriminator_surface(D, lim, device=device)
        ax.contourf(xx, yy, d, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.5)
    ax.scatter(samples[:, 0], samples[:, 1], s=2, c="k", alpha=0.4, linewidths=0)
    ax.scatter(mixture.means[:, 0], mixture.means[:, 1], marker="x", c="tab:orange", s=30)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    ax.grid(False)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_gan_lab(ax, state: GANState, mixture: Mixture, *, lim: float, n_points: int = 200,
                 generator: torch.Generator, device: str = "cpu"):
    """GAN Lab view: D's surface, real (green) and fake (purple) points, arrows -grad_x of G's loss."""
    real = sample_mixture(mixture, n_points, generator=generator).numpy()
    z = sample_latent(n_points, state.config.latent_dim, generator=generator, device=device)
    with torch.no_grad():
        fake = state.G(z)
    fake = fake.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(_g_loss(state.config, state.D(fake)) * n_points, fake)
    xx, yy, d = discriminator_surface(state.D, lim, device=device)
    ax.contourf(xx, yy, d, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6)
    f, v = fake.detach().cpu().numpy(), -grad.cpu().numpy()
    ax.scatter(real[:, 0], real[:, 1], s=6, c="tab:green", label="real $x$")
    ax.scatter(f[:, 0], f[:, 1], s=6, c="tab:purple", label="fake $G(z)$")
    ax.quiver(f[:, 0], f[:, 1], v[:, 0], v[:, 1], color="tab:purple", alpha=0.6, angles="xy",
              scale_units="xy", scale=float(np.abs(v).max() / (0.15 * lim) + 1e-12), width=0.004)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    ax.grid(False)
    ax.legend(loc="upper right", fontsize=8)
    return ax
