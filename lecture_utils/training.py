"""What every training loop of the collection shares: a seeded MLP, seeded initialisation, one progress-bar
convention and one ``History`` shape.

- Networks are built by :func:`mlp` (or any ``nn.Module``) and initialised by :func:`init_default_` from an
  explicit ``torch.Generator``: PyTorch's default scheme (uniform in +-1/sqrt(fan_in)), drawn from the
  generator instead of the global RNG, so the library never calls ``torch.manual_seed``.
- A loop takes ``progress: bool`` and shows a ``tqdm.auto`` bar made by :func:`progress_bar`; stopping early
  (a target reached) ends the bar full through :func:`finish_bar`, which uses tqdm's public API only.
- A loop returns a :class:`History`: named series (one value per step or epoch) and its wall time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
import torch
from torch import nn

from lecture_utils import checks

__all__ = ["ACTIVATIONS", "History", "build", "finish_bar", "init_default_", "mlp", "progress_bar"]

Activation = Literal["tanh", "relu", "elu", "silu", "leaky_relu"]
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "tanh": nn.Tanh, "relu": nn.ReLU, "elu": nn.ELU, "silu": nn.SiLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),  # the slope DCGAN uses in its discriminator
}
_INITIALISED = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)
_RESET = (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm)  # deterministic reset_parameters()


_M = TypeVar("_M", bound=nn.Module)  # init_default_ returns the module it is given, build what factory makes


def init_default_(module: _M, generator: torch.Generator) -> _M:
    """Re-draw each linear/conv weight and bias, and each embedding, from ``generator`` as PyTorch would."""
    checks.instance("module", module, nn.Module)
    checks.torch_generator("generator", generator)
    with torch.no_grad():
        for m in module.modules():  # registration order = construction order, as with global seeding
            if isinstance(m, _INITIALISED):
                w = m.weight
                fan_in = w.shape[1] * w[0][0].numel()  # torch's fan_in, for Linear, Conv and ConvTranspose
                bound = 1.0 / math.sqrt(fan_in)  # = kaiming_uniform_(a=sqrt(5)), bit for bit
                w.uniform_(-bound, bound, generator=generator)
                if m.bias is not None:
                    m.bias.uniform_(-bound, bound, generator=generator)
            elif isinstance(m, nn.Embedding):
                m.weight.normal_(generator=generator)  # torch's default: N(0, 1)
    return module


def build(factory: Callable[[], _M], *, generator: torch.Generator) -> _M:
    """``factory()`` constructed without touching torch's global RNG, then initialised from ``generator``.

    The module is built on the ``meta`` device (PyTorch's own initialisation draws nothing there), moved to
    the CPU and re-drawn by :func:`init_default_`; normalisation layers get their deterministic reset.
    """
    checks.is_callable("factory", factory)
    checks.torch_generator("generator", generator)
    with torch.device("meta"):
        module = factory()
    checks.instance("factory()", module, nn.Module)
    module = module.to_empty(device="cpu")
    for m in module.modules():
        own = [*m.parameters(recurse=False), *m.buffers(recurse=False)]
        if isinstance(m, _RESET):
            m.reset_parameters()
        elif own and not isinstance(m, (*_INITIALISED, nn.Embedding)):
            raise checks.BadArgument(f"factory() holds a {type(m).__name__}, which build cannot initialise")
    return init_default_(module, generator)


def mlp(sizes: Sequence[int], *, generator: torch.Generator,
        activation: Activation = "tanh") -> nn.Sequential:
    """Linear layers of the given widths with ``activation`` between them, initialised from ``generator``."""
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise checks.BadArgument(f"sizes must list at least two layer widths, got {checks.show(sizes)}")
    widths = [checks.positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]
    act = ACTIVATIONS[checks.choice("activation", activation, ACTIVATIONS)]

    def layers() -> nn.Sequential:
        out: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            out.append(nn.Linear(n_in, n_out))
            if i < len(widths) - 2:
                out.append(act())
        return nn.Sequential(*out)

    return build(layers, generator=generator)


def progress_bar(total: int, *, desc: str, enabled: bool = True) -> Any:
    """A ``tqdm.auto`` bar over ``total`` steps (a widget in Jupyter, text elsewhere), or a silent one."""
    from tqdm.auto import tqdm

    total = checks.nonnegative_int("total", total)
    return tqdm(total=total, desc=desc, disable=not enabled, leave=True)


def finish_bar(bar: Any) -> None:
    """Close ``bar`` as complete at its current count: stopping early at a target is success, not failure."""
    if not all(hasattr(bar, a) for a in ("n", "total", "reset", "update", "close")):
        raise checks.BadArgumentType(f"bar must be a tqdm progress bar, got {checks.show(bar)}")
    n = bar.n
    if bar.total != n:  # shrink the total to what was done (reset is tqdm's public way to change it)
        bar.reset(total=n)
        bar.update(n)
    bar.close()


@dataclass
class History:
    """Named series recorded in training (``history.loss`` is the list logged as ``loss``) and wall time."""

    series: dict[str, list[float]] = field(default_factory=dict)
    wall_s: float = 0.0

    def log(self, **values: float) -> None:
        """Append one value to each named series (created on first use)."""
        for name, value in values.items():
            self.series.setdefault(name, []).append(float(value))

    def __getattr__(self, name: str) -> list[float]:
        series = self.__dict__.get("series")
        if series is None or name not in series:
            raise AttributeError(f"History has no series {name!r}; it has {sorted(series or {})}")
        return series[name]

    def __len__(self) -> int:
        """Number of entries of the longest series."""
        return max((len(v) for v in self.series.values()), default=0)

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The series as numpy arrays."""
        return {k: np.asarray(v) for k, v in self.series.items()}
