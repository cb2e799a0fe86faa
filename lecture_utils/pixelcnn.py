"""A small PixelCNN on binary images: masked convolutions, exact log-likelihood, early-stopped training,
sampling pixel by pixel.

Notation follows the slides: the model defines a tractable density
p_theta(x) = prod_i p_theta(x_i | x_1, ..., x_{i-1}) over the pixels in raster order (row by row, left to
right), each factor a Bernoulli whose logit is the network's output at pixel i. Masked convolutions (van den
Oord et al., 2016) make output i depend on inputs before i only: the first layer's type-A mask hides the
centre pixel, the later layers' type-B masks let a unit see its own position (which, after layer one, carries
only information from before it). Log-likelihoods are in nats per image, as in :mod:`lecture_utils.vae`.
All randomness (initialisation, minibatch order, dropout, sampling) comes in as a ``torch.Generator``.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass
from typing import Any, Literal, get_args, overload

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike
from torch import Tensor, nn

from lecture_utils import checks, training

__all__ = ["MaskedConv2d", "PixelCNN", "PixelCNNConfig", "log_prob", "sample", "split_validation",
           "train_pixelcnn"]

MaskType = Literal["A", "B"]
Images = Tensor | ArrayLike  # a batch of binary images (N, H, W), as a tensor or an array
_MAX_SAMPLES = 100_000  # sample(n): n canvases of H*W floats, redrawn H*W times


@dataclass
class PixelCNNConfig:
    """Architecture, regularisation and training settings of the PixelCNN (defaults: the benchmark's)."""

    height: int = 8  # image rows
    width: int = 8  # image columns
    channels: int = 32  # feature maps of every hidden layer
    n_layers: int = 3  # hidden 3x3-style type-B layers after the type-A input layer
    first_kernel: int = 15  # odd size of the type-A input layer's kernel (15 on 8x8: it sees every x_<i)
    kernel: int = 3  # odd size of the type-B layers' kernels
    activation: training.Activation = "relu"
    dropout: float = 0.1  # probability of zeroing a hidden unit during training (inverted dropout)
    weight_decay: float = 0.0  # AdamW's decoupled weight decay
    lr: float = 3e-3  # Adam(W)'s learning rate
    batch_size: int = 64
    max_epochs: int = 60
    patience: int = 10  # stop after this many epochs without a better validation log-likelihood
    ema_decay: float = 0.0  # validate and return an exponential moving average of the weights (0: off)

    def __post_init__(self) -> None:
        for name in ("height", "width", "channels", "n_layers", "batch_size", "max_epochs", "patience"):
            setattr(self, name, checks.positive_int(name, getattr(self, name)))
        for name in ("first_kernel", "kernel"):
            value = checks.positive_int(name, getattr(self, name))
            if value % 2 == 0:
                raise checks.BadArgument(f"{name} must be odd (a kernel centred on its pixel), got {value}")
            setattr(self, name, value)
        self.activation = checks.choice("activation", self.activation, get_args(training.Activation))
        self.dropout = checks.unit_interval("dropout", self.dropout, high_open=True)
        self.weight_decay = checks.nonnegative("weight_decay", self.weight_decay)
        self.lr = checks.positive("lr", self.lr)
        self.ema_decay = checks.unit_interval("ema_decay", self.ema_decay, high_open=True)

    @property
    def n_pixels(self) -> int:
        """D = height * width, the number of factors p_theta(x_i | x_<i)."""
        return self.height * self.width


class MaskedConv2d(nn.Conv2d):
    """A same-size 2-D convolution whose kernel is multiplied by a raster-order causal mask.

    Type "A" keeps the kernel positions strictly before the centre (rows above, and the left part of the
    centre row); type "B" also keeps the centre. ``mask`` is a buffer, so it follows ``.to(device)``.
    """

    mask: Tensor

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, mask_type: MaskType) -> None:
        in_channels = checks.positive_int("in_channels", in_channels)
        out_channels = checks.positive_int("out_channels", out_channels)
        kernel_size = checks.positive_int("kernel_size", kernel_size)
        if kernel_size % 2 == 0:
            raise checks.BadArgument(f"kernel_size must be odd, got {kernel_size}")
        self.mask_type: MaskType = checks.choice("mask_type", mask_type, ("A", "B"))
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        self.register_buffer("mask", torch.empty(1, 1, kernel_size, kernel_size))
        self.reset_mask()

    def reset_mask(self) -> None:
        """(Re)write the causal mask: ones before the centre in raster order, and at the centre for type B."""
        k = self.kernel_size[0]
        flat = torch.arange(k * k, device=self.mask.device).reshape(1, 1, k, k)
        centre = (k * k) // 2
        with torch.no_grad():
            self.mask.copy_(flat < centre if self.mask_type == "A" else flat <= centre)

    def forward(self, x: Tensor) -> Tensor:
        """Convolve with the masked kernel (the mask is applied on every call, so gradients respect it)."""
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class PixelCNN(nn.Module):
    """Type-A masked input layer, ``n_layers`` type-B hidden layers, a 1x1 type-B output layer of Bernoulli
    logits, plus a learned per-pixel logit offset (the position-dependent part of p_theta(x_i | x_<i))."""

    def __init__(self, config: PixelCNNConfig | None = None, *, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config = _config(config)
        checks.torch_generator("generator", generator)
        act = training.ACTIVATIONS[config.activation]
        c = config.channels

        def layers() -> nn.ModuleList:
            out = [MaskedConv2d(1, c, config.first_kernel, "A")]
            out += [MaskedConv2d(c, c, config.kernel, "B") for _ in range(config.n_layers)]
            out.append(MaskedConv2d(c, 1, 1, "B"))
            return nn.ModuleList(out)

        # seeded init, global RNG untouched; build() returns the factory's ModuleList
        self.layers = training.build(layers, generator=generator)
        for m in self.layers.modules():  # build() leaves buffers uninitialised (meta device): rewrite masks
            if isinstance(m, MaskedConv2d):
                m.reset_mask()
        self.act = act()
        self.pixel_bias = nn.Parameter(torch.zeros(config.height, config.width))

    def forward(self, x: Tensor, *, dropout_generator: torch.Generator | None = None) -> Tensor:
        """Logits (B, H, W) of p_theta(x_i = 1 | x_<i) for images (B, H, W); dropout only with a generator."""
        _images_tensor("x", x, self.config)
        return self._logits(x, dropout_generator)

    def _logits(self, x: Tensor, dropout_generator: torch.Generator | None = None) -> Tensor:
        p = self.config.dropout
        h = x.unsqueeze(1)
        for layer in self.layers[:-1]:
            h = self.act(layer(h))
            if dropout_generator is not None and p > 0:  # inverted dropout drawn from the given generator
                keep = torch.rand(h.shape, generator=dropout_generator,
                                  device=dropout_generator.device).to(h.device) >= p
                h = h * keep / (1.0 - p)
        return self.layers[-1](h).squeeze(1) + self.pixel_bias


# ------------------------------------------------------------------------------- argument checks
def _config(config: Any) -> PixelCNNConfig:
    if config is None:
        return PixelCNNConfig()
    return checks.instance("config", config, PixelCNNConfig)


def _images_tensor(name: str, value: Any, config: PixelCNNConfig) -> None:
    """Shape-only check of a tensor fed to the network (no data is read, so no device sync)."""
    if not isinstance(value, Tensor) or not value.is_floating_point():
        raise checks.BadArgumentType(f"{name} must be a floating-point torch.Tensor, "
                                     f"got {checks.show(value)}")
    if value.ndim != 3 or tuple(value.shape[1:]) != (config.height, config.width):
        raise checks.BadArgument(f"{name} must have shape (N, {config.height}, {config.width}), "
                                 f"got {tuple(value.shape)}")


def _binary_images(name: str, x: Any, config: PixelCNNConfig) -> Tensor:
    """Validate a batch of binary images (N, H, W) as a float32 tensor."""
    arr = checks.array(name, x, shape=(None, config.height, config.width), dtype=np.float32)
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise checks.BadArgument(f"{name} must be binary (0/1) for the Bernoulli likelihood, "
                                 f"got {arr[where]!r} at index {where}")
    return torch.from_numpy(np.ascontiguousarray(arr))


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


# ---------------------------------------------------------------------------------- likelihood
def _log_prob(model: PixelCNN, x: Tensor, dropout_generator: torch.Generator | None = None) -> Tensor:
    logits = model._logits(x, dropout_generator)
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum((1, 2))


def log_prob(model: PixelCNN, x: Images) -> Tensor:
    """Exact per-image log p_theta(x) = sum_i log p_theta(x_i | x_<i), in nats, shape (N,)."""
    model = checks.instance("model", model, PixelCNN)
    x = _binary_images("x", x, model.config).to(_device_of(model))
    with torch.no_grad():
        return torch.cat([_log_prob(model, xb) for xb in x.split(1024)])


# ------------------------------------------------------------------------------------- sampling
@overload
def sample(model: PixelCNN, n: int, *, generator: torch.Generator,
           return_steps: Literal[False] = False) -> Tensor: ...
@overload
def sample(model: PixelCNN, n: int, *, generator: torch.Generator,
           return_steps: Literal[True]) -> tuple[Tensor, Tensor]: ...
@torch.no_grad()
def sample(model: PixelCNN, n: int, *, generator: torch.Generator,
           return_steps: bool = False) -> Tensor | tuple[Tensor, Tensor]:
    """Draw n images (n, H, W) pixel by pixel, x_i ~ p_theta(x_i | x_<i) in raster order.

    With ``return_steps=True`` also return the canvases (D + 1, n, H, W): ``steps[t]`` holds the first t
    pixels drawn and 0.5 (grey) where nothing is drawn yet, for an animation strip.
    """
    model = checks.instance("model", model, PixelCNN)
    n = checks.integer("n", n, low=1, high=_MAX_SAMPLES)
    checks.torch_generator("generator", generator)
    return_steps = checks.flag("return_steps", return_steps)
    cfg, device = model.config, _device_of(model)
    x = torch.zeros(n, cfg.height, cfg.width, device=device)
    steps = [torch.full_like(x, 0.5)] if return_steps else []
    for i in range(cfg.n_pixels):
        r, c = divmod(i, cfg.width)
        p = torch.sigmoid(model._logits(x)[:, r, c])  # depends on x_<i only: later pixels are still 0
        u = torch.rand(n, generator=generator, device=generator.device).to(device)
        x[:, r, c] = (u < p).float()
        if return_steps:
            canvas = steps[-1].clone()
            canvas[:, r, c] = x[:, r, c]
            steps.append(canvas)
    return (x, torch.stack(steps)) if return_steps else x


# -------------------------------------------------------------------------------------- training
def split_validation(x: Images, n_val: int, *, generator: torch.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of ``x`` (N, ...) into (N - n_val, ...) to train on and (n_val, ...) held out."""
    arr = checks.array("x", x, ndim=(2, 3, 4), min_size=1, dtype=np.float32)
    n_val = checks.integer("n_val", n_val, low=1, high=max(1, arr.shape[0] - 1))
    if arr.shape[0] < 2:
        raise checks.BadArgument(f"x must hold at least 2 images to split, got shape {arr.shape}")
    checks.torch_generator("generator", generator)
    perm = torch.randperm(arr.shape[0], generator=generator, device=generator.device).cpu().numpy()
    return arr[np.sort(perm[n_val:])], arr[np.sort(perm[:n_val])]


def train_pixelcnn(x_train: Images, x_val: Images, config: PixelCNNConfig | None = None, *,
                   generator: torch.Generator, device: str | torch.device = "cpu",
                   progress: bool = False) -> tuple[PixelCNN, training.History]:
    """Maximise the exact log-likelihood with Adam(W); stop early on ``x_val`` and keep the best weights.

    The History has series ``epoch``, ``train_nats`` (the running mean log-likelihood of each epoch's
    minibatches, with dropout), ``val_nats`` (exact mean log-likelihood on ``x_val`` after each epoch) and
    ``best_epoch`` (one entry: the epoch whose weights the returned model holds), in nats per image.
    """
    config = _config(config)
    checks.torch_generator("generator", generator)
    dev = checks.device("device", device)
    progress = checks.flag("progress", progress)
    x_tr = _binary_images("x_train", x_train, config).to(dev)
    x_va = _binary_images("x_val", x_val, config).to(dev)
    model = PixelCNN(config, generator=generator).to(dev)
    ema = copy.deepcopy(model) if config.ema_decay > 0 else model  # the weights that are validated
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    history = training.History(series={"epoch": [], "train_nats": [], "val_nats": []})
    best_val, best_epoch, best_state = -math.inf, 0, copy.deepcopy(model.state_dict())
    n = x_tr.shape[0]
    start = time.perf_counter()
    bar = training.progress_bar(config.max_epochs, desc="epochs", enabled=progress)
    for epoch in range(1, config.max_epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=generator, device=generator.device).to(dev)
        total = 0.0
        for idx in perm.split(config.batch_size):
            ll = _log_prob(model, x_tr[idx], generator)
            loss = -ll.mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if ema is not model:
                with torch.no_grad():
                    for pe, p in zip(ema.parameters(), model.parameters(), strict=True):
                        pe.lerp_(p, 1.0 - config.ema_decay)
            total += float(ll.detach().sum())
        checks.finite_iterate(total / n, step_name="lr", step=config.lr, what="the training log-likelihood")
        ema.eval()
        with torch.no_grad():
            val = float(_log_prob(ema, x_va).mean())
        history.log(epoch=epoch, train_nats=total / n, val_nats=val)
        if val > best_val:
            best_val, best_epoch, best_state = val, epoch, copy.deepcopy(ema.state_dict())
        bar.set_postfix(train=f"{total / n:.2f}", val=f"{val:.2f}", best=f"{best_val:.2f}")
        bar.update(1)
        if epoch - best_epoch >= config.patience:
            break
    training.finish_bar(bar)
    model.load_state_dict(best_state)
    model.eval()
    history.log(best_epoch=best_epoch)
    history.wall_s = time.perf_counter() - start
    return model, history
