"""Generative adversarial networks: 2-D mixtures, losses, networks and the training loop.

Notation follows the slides: the discriminator $D_{\\theta_d}$ returns a logit (``D(x) = sigmoid(logit)``),
the generator $G_{\\theta_g}$ maps noise $z \\sim p(z) = N(0, I)$ to a sample, real data come from $p_{data}$.
Scoring samples (mode coverage, the digit scorer, Frechet distance, nearest neighbours) is in
:mod:`lecture_utils.gan_eval`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import torch
from numpy.typing import ArrayLike
from scipy import stats
from torch import nn
from torch.nn import functional as F

from lecture_utils import checks, gan_eval, training

__all__ = [
    "ABLATION", "DIGITS_CODES", "DIGITS_LONG", "HISTORY_SERIES", "JBT_REJECT", "LOSSES", "LOSS_COMPARISON",
    "MIXTURE_G", "MIXTURE_G_NETS", "MIXTURE_NETS", "CodeGenerator", "CodeMLP", "ConditionalConvGenerator",
    "ConvDiscriminator", "ConvGenerator", "FourierFeatures", "GANConfig", "GANState", "Mixture",
    "MixtureGenerator", "MixtureRun", "ProjectionDiscriminator", "ScaledDiscriminator", "ScaledGenerator",
    "SignalTrack", "critic_signal", "d_loss_bce", "d_loss_lsgan", "digits_config", "discriminator_surface",
    "distance_tracker", "g_loss", "generate", "generate_jbt", "gradient_penalty", "grid_mixture",
    "init_state", "jacobian_norms", "js_divergence", "labelled_sampler", "latent_code", "make_conv_models",
    "make_models", "mixture_ablation_config", "mixture_config", "mixture_g_config", "mixture_loss_config",
    "mixture_sampler", "optimal_discriminator", "plot_gan_lab", "plot_samples", "r1_weight", "ring_mixture",
    "sample_latent", "sample_mixture", "signal_track", "tensor_sampler", "train", "train_mixture",
    "train_step",
]

Loss = Literal["saturating", "non_saturating", "lsgan", "wgan_gp"]
LOSSES: tuple[Loss, ...] = ("saturating", "non_saturating", "lsgan", "wgan_gp")
HISTORY_SERIES = ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm")  # one value per generator step


# ----------------------------------------------------------------------------- private argument checks
# ----------------------------------------------------------------------------- 2-D mixtures
@dataclass(frozen=True)
class Mixture:
    """Equal-weight isotropic Gaussian mixture in the plane."""

    means: np.ndarray  # (K, 2); any array-like is converted
    std: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "means", checks.array("means", self.means, shape=(None, 2)))
        object.__setattr__(self, "std", checks.positive("std", self.std))

    @property
    def n_modes(self) -> int:
        """Number of modes K."""
        return int(self.means.shape[0])


def ring_mixture(n_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> Mixture:
    """The ring benchmark: ``n_modes`` Gaussians evenly spaced on a circle."""
    n_modes = checks.positive_int("n_modes", n_modes)
    radius = checks.positive("radius", radius)
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return Mixture(radius * np.stack([np.cos(angles), np.sin(angles)], axis=1), std)


def grid_mixture(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> Mixture:
    """The grid benchmark: ``side``x``side`` Gaussians, means in {-4,-2,0,2,4}^2 by default."""
    side = checks.positive_int("side", side)
    spacing = checks.positive("spacing", spacing)
    ticks = spacing * (np.arange(side) - (side - 1) / 2)
    xx, yy = np.meshgrid(ticks, ticks, indexing="ij")
    return Mixture(np.stack([xx.ravel(), yy.ravel()], axis=1), std)


def sample_mixture(mixture: Mixture, n: int, *, generator: torch.Generator) -> torch.Tensor:
    """Draw ``n`` points (n, 2) from the mixture with a torch generator."""
    mixture = checks.instance("mixture", mixture, Mixture)
    n, generator = checks.positive_int("n", n), checks.torch_generator("generator", generator)
    means = torch.as_tensor(mixture.means, dtype=torch.float32)
    k = torch.randint(mixture.n_modes, (n,), generator=generator)
    return means[k] + mixture.std * torch.randn(n, 2, generator=generator)


# ----------------------------------------------------------------------------- theory helpers
def optimal_discriminator(p_data: ArrayLike, p_g: ArrayLike) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), with 1/2 where both densities vanish."""
    pd, pg = checks.array("p_data", p_data, low=0.0), checks.array("p_g", p_g, low=0.0)
    if pd.shape != pg.shape:
        raise checks.BadArgument(f"p_data and p_g must have the same shape, got {pd.shape} and {pg.shape}")
    total = pd + pg
    return np.divide(pd, total, out=np.full_like(total, 0.5), where=total > 0)


def js_divergence(p: ArrayLike, q: ArrayLike, dx: float, *, atol: float = 1e-3) -> float:
    """Jensen-Shannon divergence (nats) of two densities tabulated on a uniform grid of spacing dx.

    Both must be non-negative and integrate to 1 on the grid (``sum * dx``) within ``atol``: an unnormalised
    "density" would give a value outside [0, log 2].
    """
    pa, qa = checks.array("p", p, low=0.0), checks.array("q", q, low=0.0)
    if pa.shape != qa.shape:
        raise checks.BadArgument(f"p and q must have the same shape, got {pa.shape} and {qa.shape}")
    dx, atol = checks.positive("dx", dx), checks.positive("atol", atol)
    for name, a in (("p", pa), ("q", qa)):
        mass = float(a.sum() * dx)
        if abs(mass - 1.0) > atol:
            raise checks.BadArgument(f"{name} must integrate to 1 on the grid (sum * dx) within "
                                     f"atol={atol:g}, got {mass:.6g}")
    m = 0.5 * (pa + qa)

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float((a[mask] * np.log(a[mask] / m[mask])).sum() * dx)

    return 0.5 * kl(pa) + 0.5 * kl(qa)


# ----------------------------------------------------------------------------- losses (on logits)
# Unchecked kernels for the training loop (a finiteness check syncs a GPU; train_step checks the losses
# once per step instead and names the learning rate); the public functions below check, then call them.
def _d_bce(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def _d_lsgan(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake**2).mean()


_G_LOSSES: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {  # on D's logits or raw outputs
    "saturating": lambda fake: -F.softplus(fake).mean(),  # E log(1 - D(G(z))): flat when D(G(z)) is near 0
    "non_saturating": lambda fake: F.softplus(-fake).mean(),  # -E log D(G(z))
    "lsgan": lambda fake: 0.5 * ((fake - 1) ** 2).mean(),  # E (D(G(z)) - 1)^2 / 2: fake outputs pushed to 1
    "wgan_gp": lambda fake: -fake.mean(),  # -E D(G(z)): the critic's score of the fakes, raised
}


def _gp(disc: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, center: float) -> torch.Tensor:
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(disc(x).sum(), x, create_graph=True)
    norm = grad.flatten(1).norm(dim=1)
    return ((norm - center) ** 2).mean() if center else (grad.flatten(1) ** 2).sum(1).mean()


def d_loss_bce(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """-[E log D(x) + E log(1 - D(G(z)))]: the negated minimax objective the discriminator ascends."""
    return _d_bce(checks.tensor("real_logits", real_logits), checks.tensor("fake_logits", fake_logits))


def d_loss_lsgan(real_out: torch.Tensor, fake_out: torch.Tensor) -> torch.Tensor:
    """Least-squares discriminator loss: real outputs pushed to 1, fake ones to 0."""
    return _d_lsgan(checks.tensor("real_out", real_out), checks.tensor("fake_out", fake_out))


def g_loss(loss: Loss, fake_out: torch.Tensor) -> torch.Tensor:
    """The generator's loss of kind ``loss`` (minimised) on D's outputs (logits) for G's samples."""
    return _G_LOSSES[checks.choice("loss", loss, LOSSES)](checks.tensor("fake_out", fake_out))


def gradient_penalty(disc: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, *,
                     center: float = 0.0) -> torch.Tensor:
    """E (||grad_x D(x)|| - center)^2: R1 with center 0 on real data, WGAN-GP with center 1 on mixes."""
    disc = checks.is_callable("disc", disc)
    return _gp(disc, checks.tensor("x", x, min_dim=2), checks.nonnegative("center", center))


# ----------------------------------------------------------------------------- networks
class ConvGenerator(nn.Module):
    """DCGAN-style generator for 8x8 images: z -> 128x2x2 -> 64x4x4 -> 1x8x8 in [0, 1]."""

    def __init__(self, latent_dim: int = 16, width: int = 64) -> None:
        super().__init__()
        latent_dim, width = checks.positive_int("latent_dim", latent_dim), checks.positive_int("width", width)
        self.fc = nn.Sequential(nn.Linear(latent_dim, 8 * width), nn.BatchNorm1d(8 * width), nn.ReLU())
        self.net = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Sigmoid(),
        )
        self.width = width

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.fc(z).view(-1, 2 * self.width, 2, 2)  # (B, 2w, 2, 2)
        return self.net(h).squeeze(1)  # (B, 8, 8)


def _conv_features(width: int) -> list[nn.Module]:
    """The DCGAN discriminators' feature layers: 8x8 image (B, 1, 8, 8) -> (B, 2w * 2 * 2) features."""
    return [nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),  # (B, w, 4, 4)
            nn.Conv2d(width, 2 * width, 4, 2, 1), nn.LeakyReLU(0.2),  # (B, 2w, 2, 2)
            nn.Flatten()]


class ConvDiscriminator(nn.Module):
    """DCGAN-style discriminator for 8x8 images: strided convolutions, LeakyReLU, one logit."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        width = checks.positive_int("width", width)
        self.net = nn.Sequential(*_conv_features(width), nn.Linear(2 * width * 4, 1), nn.Flatten(0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.unsqueeze(1))


class ConditionalConvGenerator(ConvGenerator):
    """DCGAN generator of a class-conditional GAN: G(z, y) reads z beside a learned embedding of the label."""

    def __init__(self, latent_dim: int = 16, n_classes: int = 10, width: int = 64) -> None:
        latent_dim = checks.positive_int("latent_dim", latent_dim)
        self.n_classes = checks.integer("n_classes", n_classes, low=2)
        super().__init__(2 * latent_dim, width)  # the first layer reads (z, embedding of y)
        self.embed = nn.Embedding(self.n_classes, latent_dim)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if y is None:
            raise checks.BadArgument("y: a conditional generator needs the labels, G(z, y)")
        return super().forward(torch.cat([z, self.embed(y)], dim=1))


def latent_code(z: torch.Tensor, n_codes: int) -> torch.Tensor:
    """The discrete code k = floor(K Phi(z_0)) in 0..K-1 of each row of z (equally likely under N(0, I))."""
    z = checks.instance("z", z, torch.Tensor)
    n_codes = checks.integer("n_codes", n_codes, low=2)
    if z.dim() != 2 or z.shape[1] < 1:
        raise checks.BadArgument(f"z must be a batch of latent vectors (n, latent_dim), got shape "
                                 f"{tuple(z.shape)}")
    return (torch.special.ndtr(z[:, 0]) * n_codes).long().clamp_(0, n_codes - 1)


class CodeGenerator(nn.Module):
    """An unconditional G(z) = net(z, k) whose net reads a discrete code k = ``latent_code(z, K)`` beside z.

    A continuous G maps the connected N(0, I) onto data with gaps between classes (or modes), so some of its
    samples must fall in the gaps; with a code, G can jump between its K pieces. z ~ N(0, I) stays the only
    input: G(z) is still a push-forward of a Gaussian, and no labels are used."""

    def __init__(self, net: nn.Module, n_codes: int) -> None:
        super().__init__()
        self.net = checks.instance("net", net, nn.Module)
        self.n_codes = checks.integer("n_codes", n_codes, low=2)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z, latent_code(z, self.n_codes))


class CodeMLP(nn.Module):
    """net(z, k) = mlp([z, e_k]): an MLP whose first layer reads z beside a learned embedding e_k of k."""

    def __init__(self, mlp: nn.Module, embed: nn.Embedding) -> None:
        super().__init__()
        self.mlp = checks.instance("mlp", mlp, nn.Module)
        self.embed = checks.instance("embed", embed, nn.Embedding)

    def forward(self, z: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([z, self.embed(k)], dim=1))


class MixtureGenerator(nn.Module):
    """G(z) = scale (m_k + A_k z_{1:}): a mixture of K Gaussians with learned means m_k, matrices A_k and
    weights pi = softmax(w), whose component k = F_pi^{-1}(Phi(z_0)) is drawn by inverse-transform sampling.

    Like ``CodeGenerator``, G may jump between components, so it need not draw samples in the gaps between
    modes; unlike its codes, the components are not equally likely: pi is learned, so G can balance the modes'
    masses without moving a component across a gap. z ~ N(0, I) stays the only input (latent_dim >= 2)."""

    def __init__(self, n_components: int, latent_dim: int, *, generator: torch.Generator, data_dim: int = 2,
                 scale: float = 1.0, width: float = 0.01) -> None:
        super().__init__()
        k = self.n_components = checks.integer("n_components", n_components, low=2)
        latent = checks.integer("latent_dim", latent_dim, low=2)
        generator = checks.torch_generator("generator", generator)
        data_dim = checks.positive_int("data_dim", data_dim)
        self.scale, width = checks.positive("scale", scale), checks.positive("width", width)
        self.logits = nn.Parameter(torch.zeros(k))  # w: pi = softmax(w) starts uniform
        self.means = nn.Parameter(torch.randn(k, data_dim, generator=generator))
        self.mats = nn.Parameter(width / math.sqrt(latent - 1) * torch.randn(k, data_dim, latent - 1,
                                                                              generator=generator))

    def weights(self) -> torch.Tensor:
        """The mixture weights pi (K,)."""
        return torch.softmax(self.logits, 0)

    def component(self, z: torch.Tensor) -> torch.Tensor:
        """k = F_pi^{-1}(Phi(z_0)) of each row of z: component k is drawn with probability pi_k."""
        z, latent = checks.instance("z", z, torch.Tensor), self.mats.shape[2] + 1
        if z.dim() != 2 or z.shape[1] != latent:
            raise checks.BadArgument(f"z must be a batch of latent vectors (n, {latent}), got shape "
                                     f"{tuple(z.shape)}")
        cdf = torch.cumsum(self.weights().detach(), 0)
        u = torch.special.ndtr(z[:, 0]).contiguous()
        return torch.searchsorted(cdf, u, right=True).clamp(max=self.n_components - 1)

    def sample(self, z: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        """scale (m_k + A_k z_{1:}) for given components k (n,)."""
        return self.scale * (self.means[k] + torch.einsum("nij,nj->ni", self.mats[k], z[:, 1:]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.sample(z, self.component(z))

    def generator_loss(self, D: Callable[[torch.Tensor], torch.Tensor], z: torch.Tensor,
                       loss: Loss) -> tuple[torch.Tensor, torch.Tensor]:
        """The training loss of G and D's outputs on the samples it used.

        Each row's component is drawn uniformly (``latent_code``), so every component, however small its
        weight, keeps learning from D where to be (the loss ``loss`` of its own samples). The weights descend
        sum_k pi_k E[-D(G_k(z))]: with a logistic D the logit estimates log p_data / p_G, so this is the
        gradient of KL(p_G || p_data), which drops components whose samples fall off the data."""
        k = latent_code(z, self.n_components)
        out = D(self.sample(z, k))
        ratio = self.n_components * self.weights()[k]  # pi_k / (1 / K): uniform draws reweighted to pi
        return _G_LOSSES[loss](out) + (ratio * -out.detach()).mean(), out


class ProjectionDiscriminator(nn.Module):
    """DCGAN discriminator with a projection for labels (Miyato and Koyama, 2018):
    D(x, y) = w . phi(x) + embed(y) . phi(x), one logit per image."""

    def __init__(self, n_classes: int = 10, width: int = 64) -> None:
        super().__init__()
        width = checks.positive_int("width", width)
        self.n_classes = checks.integer("n_classes", n_classes, low=2)
        self.features = nn.Sequential(*_conv_features(width))
        self.linear = nn.Linear(2 * width * 4, 1)
        self.embed = nn.Embedding(self.n_classes, 2 * width * 4)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if y is None:
            raise checks.BadArgument("y: a projection discriminator needs the labels, D(x, y)")
        phi = self.features(x.unsqueeze(1))
        return self.linear(phi).squeeze(1) + (self.embed(y) * phi).sum(1)


class ScaledGenerator(nn.Module):
    """G whose network works in units of ``scale`` (outputs multiplied by it)."""

    def __init__(self, net: nn.Module, scale: float) -> None:
        super().__init__()
        self.net, self.scale = checks.instance("net", net, nn.Module), checks.positive("scale", scale)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z) * self.scale


class FourierFeatures(nn.Module):
    """x -> [x, sin(2 pi x B), cos(2 pi x B)] for fixed frequencies B ~ N(0, scale^2), (n_in, n_features).

    Random Fourier features (Tancik et al., 2020): an MLP of ReLUs fits smooth functions first (its spectral
    bias), so a D of ReLUs alone is slow to resolve detail much finer than the data's extent, such as a
    component a little wider than a mode of the grid; sines of frequencies of order ``scale`` give it that
    detail (too high a scale makes D wavy, and its ripples hold components away from modes)."""

    def __init__(self, n_in: int, n_features: int, *, scale: float, generator: torch.Generator) -> None:
        super().__init__()
        n_in, n_features = checks.positive_int("n_in", n_in), checks.positive_int("n_features", n_features)
        scale, generator = checks.positive("scale", scale), checks.torch_generator("generator", generator)
        self.freqs: torch.Tensor
        self.register_buffer("freqs", scale * torch.randn(n_in, n_features, generator=generator))
        self.out_dim = n_in + 2 * n_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = 2 * math.pi * x @ self.freqs
        return torch.cat([x, torch.sin(h), torch.cos(h)], -1)


class ScaledDiscriminator(nn.Module):
    """D whose network sees inputs divided by ``scale``."""

    def __init__(self, net: nn.Module, scale: float) -> None:
        super().__init__()
        self.net, self.scale = checks.instance("net", net, nn.Module), checks.positive("scale", scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x / self.scale)


# ----------------------------------------------------------------------------- training
@dataclass
class GANConfig:
    """Settings of one GAN training run."""

    loss: Loss = "non_saturating"
    latent_dim: int = 8
    batch_size: int = 512
    steps: int = 2000
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.9)
    r1_gamma: float = 0.0  # weight of the zero-centred gradient penalty on real data
    gp_lambda: float = 10.0  # WGAN-GP weight (only for loss="wgan_gp")
    n_critic: int = 1  # discriminator steps per generator step
    n_classes: int = 0  # > 0: a class-conditional GAN; sample_real returns (x, y), G(z, y), D(x, y)
    r1_every: int = 1  # apply R1 on every k-th step only, with weight k * r1_gamma (lazy regularisation)
    lr_decay: bool = True  # cosine decay of both learning rates to lr_final_frac of their start
    lr_final_frac: float = 0.02
    ema: float = 0.0  # decay of an EMA of G's weights (state.G_ema, the G a run is evaluated with); 0: off
    lr_pi: float = 0.0  # learning rate of a MixtureGenerator's weights (0: lr_g)
    r1_anneal_from: float = 1.0  # from this fraction of the run R1's weight falls linearly to 0 at its end

    def __post_init__(self) -> None:
        self.loss = checks.choice("loss", self.loss, LOSSES)
        for name in ("latent_dim", "batch_size", "steps", "n_critic", "r1_every"):
            setattr(self, name, checks.positive_int(name, getattr(self, name)))
        self.lr_g, self.lr_d = checks.positive("lr_g", self.lr_g), checks.positive("lr_d", self.lr_d)
        betas = self.betas
        if isinstance(betas, str | bytes) or not isinstance(betas, Sequence) or len(betas) != 2:
            raise checks.BadArgumentType(f"betas must be a pair (beta1, beta2), got {checks.show(betas)}")
        # Adam's moment decay rates: 1 would never forget, above 1 the averages blow up
        b1, b2 = (checks.real(f"betas[{i}]", b, low=0.0, high=1.0, high_open=True)
                  for i, b in enumerate(betas))
        self.betas = (b1, b2)
        self.n_classes = checks.nonnegative_int("n_classes", self.n_classes)
        if self.n_classes == 1:
            raise checks.BadArgument("n_classes must be 0 (unconditional) or at least 2, got 1")
        self.r1_gamma = checks.nonnegative("r1_gamma", self.r1_gamma)
        self.gp_lambda = checks.nonnegative("gp_lambda", self.gp_lambda)
        self.lr_decay = checks.flag("lr_decay", self.lr_decay)
        self.lr_final_frac = checks.unit_interval("lr_final_frac", self.lr_final_frac)
        self.ema = checks.unit_interval("ema", self.ema, high_open=True)
        self.lr_pi = checks.nonnegative("lr_pi", self.lr_pi)
        self.r1_anneal_from = checks.unit_interval("r1_anneal_from", self.r1_anneal_from)


def _new_history() -> training.History:
    return training.History(series={name: [] for name in HISTORY_SERIES})


@dataclass
class GANState:
    """Networks, optimisers, step counter and ``training.History`` (series HISTORY_SERIES) of a GAN."""

    G: nn.Module
    D: nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    config: GANConfig
    step: int = 0
    history: training.History = field(default_factory=_new_history)
    G_ema: nn.Module | None = None  # with config.ema > 0: the EMA of G's weights, updated after each G step

    def __post_init__(self) -> None:
        checks.instance("G", self.G, nn.Module)
        checks.instance("D", self.D, nn.Module)
        checks.instance("opt_g", self.opt_g, torch.optim.Optimizer)
        checks.instance("opt_d", self.opt_d, torch.optim.Optimizer)
        checks.instance("config", self.config, GANConfig)
        self.step = checks.nonnegative_int("step", self.step)
        if self.G_ema is not None:
            checks.instance("G_ema", self.G_ema, nn.Module)


def init_state(G: nn.Module, D: nn.Module, config: GANConfig) -> GANState:
    """Wrap two networks with Adam optimisers into a training state."""
    G, D = checks.instance("G", G, nn.Module), checks.instance("D", D, nn.Module)
    checks.instance("config", config, GANConfig)
    groups: list[dict[str, Any]] = [{"params": list(G.parameters()), "base_lr": config.lr_g}]
    if isinstance(G, MixtureGenerator):  # its weights learn at their own rate
        groups = [{"params": [p for p in G.parameters() if p is not G.logits], "base_lr": config.lr_g},
                  {"params": [G.logits], "base_lr": config.lr_pi or config.lr_g}]
    for group in groups:
        group["lr"] = group["base_lr"]
    opt_g = torch.optim.Adam(groups, betas=config.betas, fused=True)
    opt_d = torch.optim.Adam([{"params": list(D.parameters()), "lr": config.lr_d, "base_lr": config.lr_d}],
                             betas=config.betas, fused=True)
    G_ema = None
    if config.ema > 0:
        G_ema = copy.deepcopy(G).requires_grad_(False)
    return GANState(G, D, opt_g, opt_d, config, G_ema=G_ema)


def _d_loss(state: GANState, real: torch.Tensor, fake: torch.Tensor, generator: torch.Generator,
            y_real: torch.Tensor | None = None,
            y_fake: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    cfg, D = state.config, state.D
    disc_real: Callable[[torch.Tensor], torch.Tensor] = D
    if y_real is None or y_fake is None:  # unconditional
        out = D(torch.cat([real, fake]))
    else:  # D(x, y); the penalties score their points with the real labels
        out = D(torch.cat([real, fake]), torch.cat([y_real, y_fake]))
        labels = y_real

        def disc_real(x: torch.Tensor) -> torch.Tensor:
            return D(x, labels)

    real_out, fake_out = out.split([real.shape[0], fake.shape[0]])
    if cfg.loss == "lsgan":
        loss = _d_lsgan(real_out, fake_out)
    elif cfg.loss == "wgan_gp":
        eps = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), generator=generator).to(real.device)
        mix = eps * real + (1 - eps) * fake
        loss = fake_out.mean() - real_out.mean() + cfg.gp_lambda * _gp(disc_real, mix, 1.0)
    else:
        loss = _d_bce(real_out, fake_out)
    gamma = r1_weight(cfg, state.step)
    if gamma > 0 and state.step % cfg.r1_every == 0:  # lazy R1 (StyleGAN2): every k steps, weight x k
        loss = loss + 0.5 * gamma * cfg.r1_every * _gp(disc_real, real, 0.0)
    return loss, real_out.detach()


def r1_weight(config: GANConfig, step: int) -> float:
    """R1's weight at ``step``: r1_gamma up to r1_anneal_from of the run, then linearly to 0 at its end."""
    config = checks.instance("config", config, GANConfig)
    step = checks.nonnegative_int("step", step)
    frac, start = step / config.steps, config.r1_anneal_from
    if frac <= start or start == 1.0:  # 1.0: never annealed, even past config.steps
        return config.r1_gamma
    return config.r1_gamma * max(0.0, 1.0 - (frac - start) / (1.0 - start))


def _fake_labels(cfg: GANConfig, generator: torch.Generator, device: str) -> torch.Tensor | None:
    """Labels for a batch of fakes, uniform over the classes (None for an unconditional GAN)."""
    if cfg.n_classes == 0:
        return None
    return torch.randint(cfg.n_classes, (cfg.batch_size,), generator=generator).to(device)


def _real_batch(batch: Any, cfg: GANConfig) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Check what sample_real returned: a tensor of batch_size rows, or (x, y) for a conditional GAN."""
    want = (f"a tensor of n = {cfg.batch_size} rows" if cfg.n_classes == 0 else
            f"a pair (x, y): x of n = {cfg.batch_size} rows and y of n labels in 0..{cfg.n_classes - 1}")
    if cfg.n_classes:
        if not (isinstance(batch, tuple) and len(batch) == 2):
            raise checks.BadArgument(f"sample_real(n, generator) must return {want}, "
                                     f"got {checks.show(batch)}")
        real, y = batch
        if (not isinstance(y, torch.Tensor) or y.dtype != torch.int64 or tuple(y.shape) != (cfg.batch_size,)
                or bool((y < 0).any()) or bool((y >= cfg.n_classes).any())):
            raise checks.BadArgument(f"sample_real(n, generator) must return {want}, "
                                     f"got labels {checks.show(y)}")
    else:
        real, y = batch, None
    if not isinstance(real, torch.Tensor) or real.dim() < 2 or real.shape[0] != cfg.batch_size:
        raise checks.BadArgument(f"sample_real(n, generator) must return {want}, got {checks.show(real)}")
    if not bool(torch.isfinite(real).all()):  # else a NaN batch would be blamed on a learning rate
        raise checks.BadArgument(f"sample_real returned a non-finite batch: {checks.show(real)}")
    return real, y


def sample_latent(n: int, latent_dim: int, *, generator: torch.Generator, device: str = "cpu",
                  truncation: float | None = None) -> torch.Tensor:
    """z ~ N(0, I) of shape (n, latent_dim); with ``truncation`` t, entries from N(0, 1) cut to [-t, t]."""
    n, latent_dim = checks.positive_int("n", n), checks.positive_int("latent_dim", latent_dim)
    generator, dev = checks.torch_generator("generator", generator), checks.device("device", device)
    if truncation is None:
        return torch.randn(n, latent_dim, generator=generator).to(dev)
    t = checks.positive("truncation", truncation)
    # Inverse CDF, not rejection: u uniform on [Phi(-t), Phi(t)], z = Phi^{-1}(u) costs one draw for any t
    # (rejection needs ~1 / (2 Phi(t) - 1) rounds, unbounded as t -> 0). erfc/erf keep both ends accurate.
    lo, width = 0.5 * math.erfc(t / math.sqrt(2)), math.erf(t / math.sqrt(2))
    u = lo + width * torch.rand(n, latent_dim, generator=generator, dtype=torch.float64)
    # float64 u >= 2^-53 reaches |z| <= 8.3; the clamp only catches round-off at the ends (and u = 0)
    bound = min(t, 9.0)
    return torch.special.ndtri(u).clamp_(-bound, bound).to(torch.float32).to(dev)


def _set_lr(state: GANState) -> None:
    cfg = state.config
    if not cfg.lr_decay:
        return
    frac = min(state.step / cfg.steps, 1.0)
    scale = cfg.lr_final_frac + (1 - cfg.lr_final_frac) * 0.5 * (1 + math.cos(math.pi * frac))
    for opt, lr in ((state.opt_g, cfg.lr_g), (state.opt_d, cfg.lr_d)):
        for group in opt.param_groups:
            group["lr"] = group.get("base_lr", lr) * scale


def train_step(state: GANState, sample_real: Callable[[int, torch.Generator], torch.Tensor], *,
               generator: torch.Generator, device: str = "cpu") -> dict[str, float]:
    """One round of the game: n_critic ascent steps on D (G fixed), then one descent step on G (D fixed)."""
    state = checks.instance("state", state, GANState)
    generator = checks.torch_generator("generator", generator)
    sample_real = checks.is_callable("sample_real", sample_real)
    cfg, G, D = state.config, state.G, state.D
    _set_lr(state)
    for _ in range(cfg.n_critic):
        real, y_real = _real_batch(sample_real(cfg.batch_size, generator), cfg)
        real = real.to(device)
        z = sample_latent(cfg.batch_size, cfg.latent_dim, generator=generator, device=device)
        y_fake = _fake_labels(cfg, generator, device)
        with torch.no_grad():
            fake = G(z) if y_fake is None else G(z, y_fake)
        d_loss, real_out = _d_loss(state, real, fake, generator,
                                   None if y_real is None else y_real.to(device), y_fake)
        state.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        state.opt_d.step()
    z = sample_latent(cfg.batch_size, cfg.latent_dim, generator=generator, device=device)
    y_gen = _fake_labels(cfg, generator, device)
    if isinstance(G, MixtureGenerator):  # its own loss: uniform components, and a gradient for its weights
        g_loss, fake_out = G.generator_loss(D, z, cfg.loss)
    else:
        fake_out = D(G(z)) if y_gen is None else D(G(z, y_gen), y_gen)
        g_loss = _G_LOSSES[cfg.loss](fake_out)
    g_params = [p for p in G.parameters() if p.requires_grad]
    grads = torch.autograd.grad(g_loss, g_params)  # D stays fixed: no gradient for its weights is computed
    for p, g in zip(g_params, grads, strict=True):
        p.grad = g
    grad_norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(list(grads))))
    state.opt_g.step()
    if state.G_ema is not None:
        with torch.no_grad():
            for p_ema, p in zip(state.G_ema.parameters(), G.parameters(), strict=True):
                p_ema.lerp_(p, 1.0 - cfg.ema)
            for b_ema, b in zip(state.G_ema.buffers(), G.buffers(), strict=True):
                b_ema.copy_(b)
    state.step += 1
    squash = torch.sigmoid if cfg.loss in ("saturating", "non_saturating") else (lambda t: t)
    record = {"d_loss": float(d_loss.detach()), "g_loss": float(g_loss.detach()),
              "d_real": float(squash(real_out).mean()),
              "d_fake": float(squash(fake_out.detach()).mean()), "g_grad_norm": float(grad_norm)}
    _check_diverged(cfg, record)
    state.history.log(**record)
    return record


def _check_diverged(cfg: GANConfig, record: dict[str, float]) -> None:
    """Raise DivergedError naming the learning rate of the update that preceded a non-finite value."""
    # The record is on the host already, so this costs nothing. Blame the last update before each value:
    # D's loss (last critic round) follows G's update of the previous step, or D's own when n_critic > 1;
    # G's loss, D(G(z)) and G's gradient are computed just after D's update.
    d_name, d_step, d_after = (("lr_d", cfg.lr_d, "the discriminator's previous update") if cfg.n_critic > 1
                               else ("lr_g", cfg.lr_g, "the generator's update"))
    checks.finite_iterate([record["d_loss"], record["d_real"]], step_name=d_name, step=d_step,
                          what=f"the discriminator's loss, computed just after {d_after},")
    checks.finite_iterate([record["g_loss"], record["d_fake"], record["g_grad_norm"]], step_name="lr_d",
                          step=cfg.lr_d,
                          what="the generator's loss, computed just after the discriminator's update,")


def train(state: GANState, sample_real: Callable[[int, torch.Generator], torch.Tensor], n_steps: int, *,
          generator: torch.Generator, device: str = "cpu", progress: bool = False,
          callback: Callable[[GANState], None] | None = None, every: int = 0) -> training.History:
    """Run ``n_steps`` steps (a progress bar if ``progress``); call ``callback`` every ``every`` steps."""
    state = checks.instance("state", state, GANState)
    generator = checks.torch_generator("generator", generator)
    checks.is_callable("sample_real", sample_real)
    n_steps, every = checks.nonnegative_int("n_steps", n_steps), checks.nonnegative_int("every", every)
    progress = checks.flag("progress", progress)
    checks.device("device", device)
    if callback is not None:
        checks.is_callable("callback", callback)
        if every == 0:
            raise checks.BadArgument("every must be >= 1 when a callback is given (steps between calls), "
                                     "got 0")
    bar = training.progress_bar(n_steps, desc=f"GAN ({state.config.loss})", enabled=progress)
    state.G.train()
    state.D.train()
    try:
        for _ in range(n_steps):
            train_step(state, sample_real, generator=generator, device=device)
            bar.update(1)
            if callback is not None and state.step % every == 0:
                callback(state)
    finally:  # a diverged run still closes its bar
        bar.close()
    return state.history


def mixture_sampler(mixture: Mixture) -> Callable[[int, torch.Generator], torch.Tensor]:
    """A ``sample_real(n, generator)`` function for a 2-D mixture."""
    mixture = checks.instance("mixture", mixture, Mixture)
    return lambda n, generator: sample_mixture(mixture, n, generator=generator)


def tensor_sampler(data: torch.Tensor) -> Callable[[int, torch.Generator], torch.Tensor]:
    """A ``sample_real(n, generator)`` function drawing rows of ``data`` uniformly with replacement."""
    data = checks.tensor("data", data, min_dim=2)
    return lambda n, generator: data[torch.randint(data.shape[0], (n,), generator=generator)]


LabelledBatch = tuple[torch.Tensor, torch.Tensor]  # (x, y) of a conditional GAN


def labelled_sampler(data: torch.Tensor,
                     labels: torch.Tensor) -> Callable[[int, torch.Generator], LabelledBatch]:
    """A conditional GAN's ``sample_real(n, generator)``: rows of ``data`` and their labels, uniformly."""
    data = checks.tensor("data", data, min_dim=2)
    if (not isinstance(labels, torch.Tensor) or labels.dtype != torch.int64
            or tuple(labels.shape) != (data.shape[0],) or bool((labels < 0).any())):
        raise checks.BadArgument(f"labels must be {data.shape[0]} int64 class indices >= 0 (one per row of "
                                 f"data), got {checks.show(labels)}")

    def sample(n: int, generator: torch.Generator) -> LabelledBatch:
        idx = torch.randint(data.shape[0], (n,), generator=generator)
        return data[idx], labels[idx]

    return sample


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
             truncation: float | None = None, labels: ArrayLike | None = None) -> np.ndarray:
    """n samples G(z) as a numpy array (G in eval mode); for a conditional G, G(z, y) with y = ``labels``."""
    G = checks.instance("G", G, nn.Module)
    y = None
    if labels is not None:
        y_arr = checks.array("labels", labels, shape=(n,), dtype=np.int64, low=0)
        y = torch.from_numpy(y_arr).to(checks.device("device", device))
    z = sample_latent(n, latent_dim, generator=generator, device=device, truncation=truncation)
    with _eval_mode(G):
        out = G(z) if y is None else G(z, y)
    return out.cpu().numpy()


# ----------------------------------------------------------------------------- Jacobian-based truncation
def jacobian_norms(G: nn.Module, z: torch.Tensor) -> np.ndarray:
    """Frobenius norm of the generator's Jacobian dG/dz at each row of z, shape (n,)."""
    G = checks.instance("G", G, nn.Module)
    z = checks.tensor("z", z, min_dim=2)
    if z.dim() != 2:
        raise checks.BadArgument(f"z must have shape (n, latent_dim), got {tuple(z.shape)}")
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
    G = checks.instance("G", G, nn.Module)
    reject = checks.unit_interval("reject", reject, high_open=True)
    n = checks.positive_int("n", n)
    z = sample_latent(math.ceil(n / (1 - reject)), latent_dim, generator=generator, device=device)
    keep = np.sort(np.argsort(jacobian_norms(G, z), kind="stable")[:n])
    with _eval_mode(G):
        out = G(z[torch.as_tensor(keep, device=z.device)])
    return out.cpu().numpy()


# ----------------------------------------------------------------------------- the 2-D recipe
@dataclass
class MixtureRun:
    """Result of one 2-D mixture run: plain samples G(z) and Jacobian-truncated ones, with their metrics."""

    coverage: gan_eval.Coverage
    samples: np.ndarray  # (n_eval, 2), z ~ N(0, I)
    coverage_jbt: gan_eval.Coverage
    samples_jbt: np.ndarray  # (n_eval, 2), the draws with the largest ||dG/dz|| rejected
    state: GANState


# Networks of the 2-D recipe: MLPs with 3 hidden layers of 128 units; on the grid they work in units of 4
# (D sees x / 4, G's output is multiplied by 4), so that their inputs and outputs are of order one.
MIXTURE_NETS: dict[str, dict[str, Any]] = {
    "ring": dict(hidden=128, depth=3, scale=1.0),
    "grid": dict(hidden=128, depth=3, scale=4.0),
}
JBT_REJECT = 0.1  # fraction of latent draws the benchmark rejects by Jacobian norm


def _config(base: dict[str, Any], overrides: dict[str, Any]) -> GANConfig:
    unknown = sorted(set(overrides) - set(GANConfig.__dataclass_fields__))
    if unknown:
        raise checks.BadArgument(f"{', '.join(unknown)}: not a GANConfig field; the fields are "
                                 f"{', '.join(GANConfig.__dataclass_fields__)}")
    return GANConfig(**{**base, **overrides})


# The mixture-generator recipe (#13 point 4): G a MixtureGenerator of 200 components in MIXTURE_NETS' units
# (with 100, a grid mode that no component reached was lost on one run with another CPU's rounding), D in the
# data's units reading 64 Fourier features of frequency scale 0.5 per unit (without them the grid's components
# stay too wide; at scale 2 D is so wavy that components stall between modes and modes are lost), an EMA of G,
# weights learning 10x faster, and R1 annealed to 0 over the last 40% of the run with the learning rates
# decayed to 10%, not 2%, of their start (late in the run a D kept smooth by R1, or players barely moving,
# leave off-centre components be).
MIXTURE_G_NETS: dict[str, dict[str, Any]] = {
    name: dict(nets, n_components=200, d_scale=1.0, d_fourier=64, d_fourier_scale=0.5)
    for name, nets in MIXTURE_NETS.items()
}
MIXTURE_G: dict[str, Any] = dict(ema=0.998, batch_size=512, r1_anneal_from=0.6, lr_final_frac=0.1)


def mixture_g_config(name: Literal["ring", "grid"], **overrides: Any) -> GANConfig:
    """``mixture_config(name)`` with the MixtureGenerator's settings MIXTURE_G (its weights at 10 x lr_g)."""
    config = mixture_config(name, **{**MIXTURE_G, **overrides})
    return config if "lr_pi" in overrides else replace(config, lr_pi=10 * config.lr_g)


def mixture_config(name: Literal["ring", "grid"], **overrides: Any) -> GANConfig:
    """The 2-D recipe for 'ring' or 'grid': non-saturating loss, lazy R1 on real data, cosine lr decay."""
    name = checks.choice("name", name, ("ring", "grid"))
    base = dict(loss="non_saturating", latent_dim=8, batch_size=256, betas=(0.5, 0.9), r1_gamma=0.1,
                r1_every=8, lr_final_frac=0.02)
    base.update({"ring": dict(steps=6500, lr_g=2e-3, lr_d=2e-3),
                 "grid": dict(steps=7000, lr_g=3e-3, lr_d=3e-3)}[name])
    return _config(base, overrides)


# The ring recipe at the notebook's ablation budget (2000 steps, batches of 64), and one change at a time:
# without R1, without the learning-rate decay, at the plain game's learning rate 5e-4 for both players (decay
# kept), and with a discriminator ten times slower than the generator (lr_d 2e-4).
ABLATION: dict[str, dict[str, Any]] = {
    "recipe": {},
    "no R1": dict(r1_gamma=0.0),
    "no lr decay": dict(lr_decay=False),
    "lr 5e-4": dict(lr_g=5e-4, lr_d=5e-4),
    "slow D": dict(lr_d=2e-4),
}


_SHORT_BUDGET: dict[str, Any] = dict(steps=2000, batch_size=64)  # the ablation's and the loss comparison's


def mixture_ablation_config(variant: str) -> GANConfig:
    """The ring recipe at 2000 steps and batches of 64, with the one change ``variant`` of ABLATION."""
    variant = checks.choice("variant", variant, tuple(ABLATION))
    return mixture_config("ring", **_SHORT_BUDGET, **ABLATION[variant])


# The losses of notebook 04's section 8, side by side at the ablation's budget (2000 steps, batches of 64):
# the recipe (non-saturating), the same with the least-squares loss, and WGAN-GP. WGAN-GP's penalty replaces
# R1; its weight is 1, not the paper's 10 (on data of this scale 10 holds the critic too flat: under 1% high
# quality on the ring in our runs); two critic steps per generator step.
LOSS_COMPARISON: dict[str, dict[str, Any]] = {
    "non_saturating": {},
    "lsgan": dict(loss="lsgan"),
    "wgan_gp": dict(loss="wgan_gp", gp_lambda=1.0, n_critic=2, r1_gamma=0.0),
}


def mixture_loss_config(name: Literal["ring", "grid"], loss: str) -> GANConfig:
    """The ring or grid recipe at 2000 steps and batches of 64 with the settings LOSS_COMPARISON[loss]."""
    loss = checks.choice("loss", loss, tuple(LOSS_COMPARISON))
    return mixture_config(name, **_SHORT_BUDGET, **LOSS_COMPARISON[loss])


def critic_signal(history: training.History, loss: Loss) -> np.ndarray:
    """Per generator step, what D's objective reports: its loss, or for WGAN-GP the gap E D(x) - E D(G(z))."""
    history = checks.instance("history", history, training.History)
    loss = checks.choice("loss", loss, LOSSES)
    series = history.series
    if loss == "wgan_gp":  # the critic's estimate of the Wasserstein distance (without the penalty)
        return np.asarray(series["d_real"], dtype=float) - np.asarray(series["d_fake"], dtype=float)
    return np.asarray(series["d_loss"], dtype=float)


def distance_tracker(mixture: Mixture, *, n: int = 500, seed: int = 5,
                     device: str = "cpu") -> tuple[Callable[[GANState], None], list[tuple[int, float]]]:
    """A ``train`` callback, and the list it fills with (step, median distance of n samples to their mode)."""
    mixture = checks.instance("mixture", mixture, Mixture)
    n, seed = checks.positive_int("n", n), checks.nonnegative_int("seed", seed)
    checks.device("device", device)
    track: list[tuple[int, float]] = []

    def record(state: GANState) -> None:
        x = generate(state.G, n, state.config.latent_dim, generator=torch.Generator().manual_seed(seed),
                     device=device)
        track.append((state.step, gan_eval.coverage(x, mixture).median_distance))

    return record, track


@dataclass(frozen=True)
class SignalTrack:
    """At each checkpoint of a ``distance_tracker``: D's signal (``critic_signal``, averaged over the steps
    since the previous checkpoint) beside the samples' median distance to their nearest mode."""

    steps: np.ndarray  # (C,) generator steps of the checkpoints
    signal: np.ndarray  # (C,)
    distance: np.ndarray  # (C,)

    def second_half(self) -> tuple[float, float, float]:
        """Over the checkpoints after the middle step: the signal's relative change, how many times the
        distance shrank, and Spearman's rank correlation between signal and distance."""
        half = self.steps > self.steps[-1] / 2
        sig, dist = self.signal[half], self.distance[half]
        if len(sig) < 3:
            raise checks.BadArgument(f"the second half needs at least 3 checkpoints, got {len(sig)}")
        rho = float(stats.spearmanr(sig, dist).statistic)
        return float((sig[-1] - sig[0]) / abs(sig[0])), float(dist[0] / dist[-1]), rho


def signal_track(state: GANState, track: Sequence[tuple[int, float]]) -> SignalTrack:
    """Pair ``critic_signal`` of a trained state with the (step, distance) checkpoints of a tracker."""
    state = checks.instance("state", state, GANState)
    points = checks.array("track", track, shape=(None, 2), min_size=2)
    steps = points[:, 0].astype(int)
    if steps[0] < 1 or np.any(np.diff(steps) <= 0) or steps[-1] > state.step:
        raise checks.BadArgument(f"track must hold increasing steps in 1..{state.step}, got {steps.tolist()}")
    signal = critic_signal(state.history, state.config.loss)
    means = [signal[a:b].mean() for a, b in zip([0, *steps[:-1]], steps, strict=True)]
    return SignalTrack(steps, np.array(means), points[:, 1])


def make_models(config: GANConfig, *, generator: torch.Generator, hidden: int = 256, depth: int = 3,
                scale: float = 1.0, data_dim: int = 2, device: str = "cpu", n_codes: int = 0,
                n_components: int = 0, d_scale: float | None = None, d_fourier: int = 0,
                d_fourier_scale: float = 1.0) -> tuple[nn.Module, nn.Module]:
    """MLP G (ReLU) and D (LeakyReLU 0.2), initialised from ``generator``: G first, then D; with n_codes > 0 G
    is a ``CodeGenerator`` whose MLP reads a code of z (K = n_codes) beside z; with n_components > 0 a
    ``MixtureGenerator`` of that many components. D works in units of ``d_scale`` (None: ``scale``); with
    d_fourier > 0 its MLP reads ``FourierFeatures`` of that many frequencies of scale ``d_fourier_scale``."""
    checks.instance("config", config, GANConfig)
    generator, dev = checks.torch_generator("generator", generator), checks.device("device", device)
    hidden, depth = checks.positive_int("hidden", hidden), checks.positive_int("depth", depth)
    data_dim, scale = checks.positive_int("data_dim", data_dim), checks.positive("scale", scale)
    d_scale = scale if d_scale is None else checks.positive("d_scale", d_scale)
    n_codes, latent = checks.nonnegative_int("n_codes", n_codes), config.latent_dim
    n_components = checks.nonnegative_int("n_components", n_components)
    d_fourier = checks.nonnegative_int("d_fourier", d_fourier)
    d_fourier_scale = checks.positive("d_fourier_scale", d_fourier_scale)
    for name, n in (("n_codes", n_codes), ("n_components", n_components)):
        if n == 1:
            raise checks.BadArgument(f"{name} must be 0 (none) or at least 2, got 1")
    if n_codes and n_components:
        raise checks.BadArgument(f"n_codes must be 0 for a MixtureGenerator (n_components={n_components}), "
                                 f"got {n_codes}")
    G: nn.Module
    if n_components:  # works in units of scale itself (its means and matrices)
        G = MixtureGenerator(n_components, latent, generator=generator, data_dim=data_dim, scale=scale)
    elif n_codes:
        mlp = training.mlp([2 * latent, *[hidden] * depth, data_dim], generator=generator, activation="relu")
        embed = training.build(lambda: nn.Embedding(n_codes, latent), generator=generator)
        G = ScaledGenerator(CodeGenerator(CodeMLP(mlp, embed), n_codes), scale)
    else:
        G = ScaledGenerator(training.mlp([latent, *[hidden] * depth, data_dim], generator=generator,
                                         activation="relu"), scale)
    features = ([FourierFeatures(data_dim, d_fourier, scale=d_fourier_scale, generator=generator)]
                if d_fourier else [])  # their frequencies are drawn before the MLP's weights
    d_net = training.mlp([data_dim + 2 * d_fourier, *[hidden] * depth, 1], generator=generator,
                         activation="leaky_relu")
    return G.to(dev), ScaledDiscriminator(nn.Sequential(*features, d_net, nn.Flatten(0)), d_scale).to(dev)


def train_mixture(mixture: Mixture, config: GANConfig, *, seed: int, n_eval: int = 2500, hidden: int = 128,
                  depth: int = 3, scale: float = 1.0, reject: float = JBT_REJECT, device: str = "cpu",
                  progress: bool = False, callback: Callable[[GANState], None] | None = None,
                  every: int = 0, n_components: int = 0, d_scale: float | None = None, d_fourier: int = 0,
                  d_fourier_scale: float = 1.0) -> MixtureRun:
    """Train a GAN (``make_models``) on a 2-D mixture and evaluate its G, or with config.ema > 0 its EMA."""
    mixture, seed = checks.instance("mixture", mixture, Mixture), checks.nonnegative_int("seed", seed)
    n_eval = checks.positive_int("n_eval", n_eval)  # checked before training, not after it
    reject = checks.unit_interval("reject", reject, high_open=True)
    G, D = make_models(config, generator=torch.Generator().manual_seed(seed), hidden=hidden, depth=depth,
                       scale=scale, device=device, n_components=n_components, d_scale=d_scale,
                       d_fourier=d_fourier, d_fourier_scale=d_fourier_scale)
    gen = torch.Generator().manual_seed(seed)
    state = init_state(G, D, config)
    train(state, mixture_sampler(mixture), config.steps, generator=gen, device=device, progress=progress,
          callback=callback, every=every)
    G = G if state.G_ema is None else state.G_ema
    samples = generate(G, n_eval, config.latent_dim, generator=torch.Generator().manual_seed(10_000 + seed),
                       device=device)
    samples_jbt = generate_jbt(G, n_eval, config.latent_dim, reject=reject,
                               generator=torch.Generator().manual_seed(20_000 + seed), device=device)
    return MixtureRun(gan_eval.coverage(samples, mixture), samples, gan_eval.coverage(samples_jbt, mixture),
                      samples_jbt, state)


# ----------------------------------------------------------------------------- digits
def make_conv_models(latent_dim: int = 16, width: int = 32, *, generator: torch.Generator,
                     device: str = "cpu", n_classes: int = 0,
                     n_codes: int = 0) -> tuple[nn.Module, nn.Module]:
    """DCGAN-style G and D for 8x8 images, initialised from ``generator``: G first, then D; with n_classes > 0
    the class-conditional pair G(z, y) and projection D(x, y); with n_codes > 0 an unconditional
    ``CodeGenerator`` (the conditional network reading a code of z) and the plain D."""
    generator, dev = checks.torch_generator("generator", generator), checks.device("device", device)
    n_classes = checks.nonnegative_int("n_classes", n_classes)
    n_codes = checks.nonnegative_int("n_codes", n_codes)
    if n_classes and n_codes:
        raise checks.BadArgument(f"n_codes must be 0 for a class-conditional GAN (n_classes={n_classes}), "
                                 f"got {n_codes}")
    G: nn.Module
    D: nn.Module
    if n_codes:
        G = CodeGenerator(training.build(lambda: ConditionalConvGenerator(latent_dim, n_codes, width),
                                         generator=generator), n_codes)
        D = training.build(lambda: ConvDiscriminator(width), generator=generator)
    elif n_classes:
        G = training.build(lambda: ConditionalConvGenerator(latent_dim, n_classes, width),
                           generator=generator)
        D = training.build(lambda: ProjectionDiscriminator(n_classes, width), generator=generator)
    else:
        G = training.build(lambda: ConvGenerator(latent_dim, width), generator=generator)
        D = training.build(lambda: ConvDiscriminator(width), generator=generator)
    return G.to(dev), D.to(dev)


# The long run of benchmarks/gan.py for issue #13's unconditional-digits targets (benchmarks/gan_search.py has
# what else was tried): the notebook's recipe for 5000 steps instead of 1000, with R1 on every 4th step only
# and the learning rate decayed to 0.1% of its start, and G a CodeGenerator with DIGITS_CODES codes
# (``make_conv_models(..., n_codes=DIGITS_CODES)``).
DIGITS_LONG: dict[str, Any] = dict(steps=5000, r1_every=4, lr_final_frac=0.001)
DIGITS_CODES = 200


def digits_config(**overrides: Any) -> GANConfig:
    """Settings of the DCGAN on the 8x8 digits (non-saturating loss, small R1, cosine lr decay)."""
    base = dict(loss="non_saturating", latent_dim=16, batch_size=64, steps=1000, lr_g=1e-3, lr_d=1e-3,
                betas=(0.5, 0.9), r1_gamma=0.1, lr_final_frac=0.05)
    return _config(base, overrides)


# ----------------------------------------------------------------------------- plots
def discriminator_surface(D: nn.Module, lim: float, n: int = 100, *,
                          device: str = "cpu") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """D(x) = sigmoid(logit) on an n x n grid over [-lim, lim]^2: returns (xx, yy, D)."""
    D, lim = checks.instance("D", D, nn.Module), checks.positive("lim", lim)
    n, dev = checks.integer("n", n, low=2), checks.device("device", device)
    g = np.linspace(-lim, lim, n)
    xx, yy = np.meshgrid(g, g)
    pts = torch.as_tensor(np.stack([xx.ravel(), yy.ravel()], 1), dtype=torch.float32, device=dev)
    with torch.no_grad():
        d = torch.sigmoid(D(pts)).cpu().numpy().reshape(n, n)
    return xx, yy, d


def plot_samples(ax: Any, mixture: Mixture, samples: ArrayLike, *, lim: float, D: nn.Module | None = None,
                 title: str | None = None, device: str = "cpu") -> Any:
    """Generated samples (dots) over the mixture's means (crosses), optionally on D's decision surface."""
    ax, mixture = checks.axes("ax", ax), checks.instance("mixture", mixture, Mixture)
    x, lim = checks.array("samples", samples, shape=(None, 2)), checks.positive("lim", lim)
    if D is not None:
        xx, yy, d = discriminator_surface(D, lim, device=device)
        ax.contourf(xx, yy, d, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.5)
    ax.scatter(x[:, 0], x[:, 1], s=2, c="k", alpha=0.4, linewidths=0)
    ax.scatter(mixture.means[:, 0], mixture.means[:, 1], marker="x", c="tab:orange", s=30)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    ax.grid(False)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_gan_lab(ax: Any, state: GANState, mixture: Mixture, *, lim: float, n_points: int = 200,
                 generator: torch.Generator, device: str = "cpu") -> Any:
    """GAN Lab view: D's surface, real (green) and fake (purple) points, arrows -grad_x of G's loss."""
    ax, lim = checks.axes("ax", ax), checks.positive("lim", lim)
    state = checks.instance("state", state, GANState)
    n_points = checks.positive_int("n_points", n_points)
    real = sample_mixture(mixture, n_points, generator=generator).numpy()
    z = sample_latent(n_points, state.config.latent_dim, generator=generator, device=device)
    with torch.no_grad():
        fake = state.G(z)
    fake = fake.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(g_loss(state.config.loss, state.D(fake)) * n_points, fake)
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
