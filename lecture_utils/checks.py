"""Argument checks used at the public boundary of every ``lecture_utils`` module.

Each check returns the value in a canonical form (a Python ``int``/``float``, a numpy array) or raises
:class:`BadArgument` (a ``ValueError``) naming the argument and showing the bad value. A value of the
wrong kind (a float where an integer is meant, a string where a number is) raises
:class:`BadArgumentType`, which is both a ``TypeError`` and a ``BadArgument``. Nothing is coerced
silently: ``2.5`` is not an integer, ``True`` is not a number, ``0.7`` is not a state index.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "array", "axes", "BadArgument", "BadArgumentType", "bool_array", "choice", "device", "DivergedError",
    "finite_iterate", "flag", "index", "index_array", "instance", "integer", "is_callable", "nonnegative",
    "nonnegative_int", "positive", "positive_int", "prob_rows", "prob_vector", "real", "rng", "shape2d",
    "tensor", "torch_generator", "unit_interval",
]

T = TypeVar("T")
PROB_ATOL = 1e-8  # how far a probability vector may be from summing to 1


class BadArgument(ValueError):
    """An argument of a ``lecture_utils`` function is out of range or malformed; the message names it."""


class BadArgumentType(BadArgument, TypeError):
    """An argument is of the wrong kind (e.g. a float where an integer is meant)."""


class DivergedError(BadArgument):
    """An iterate became non-finite: the step size named in the message is too large."""


def show(value: Any, limit: int = 60) -> str:
    """A short repr of ``value`` for an error message."""
    if isinstance(value, np.ndarray) or _is_tensor(value):
        arr = np.asarray(_numpy(value))
        text = np.array2string(arr, threshold=6, edgeitems=2, max_line_width=limit)
        return f"{text} (shape {arr.shape}, dtype {arr.dtype})"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _numpy(value: Any) -> Any:
    """A torch tensor as a numpy array (on the CPU); anything else unchanged."""
    return value.detach().cpu().numpy() if _is_tensor(value) else value


# ------------------------------------------------------------------------------------------ scalars
def integer(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int in [low, high]; floats, bools and strings are rejected, not truncated."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise BadArgumentType(f"{name} must be an integer, got {show(value)} ({type(value).__name__})")
    value = int(value)
    if low is not None and value < low or high is not None and value > high:
        raise BadArgument(f"{name} must be an integer in {_interval(low, high)}, got {value}")
    return value


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int >= 1."""
    return integer(name, value, low=1)


def nonnegative_int(name: str, value: Any) -> int:
    """``value`` as an int >= 0."""
    return integer(name, value, low=0)


def real(name: str, value: Any, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite float in the given interval (open or closed at each end)."""
    if _is_tensor(value) and value.numel() == 1 and not value.dtype.is_complex:
        value = value.item()
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise BadArgumentType(f"{name} must be a real number, got {show(value)} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise BadArgument(f"{name} must be finite, got {value!r}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise BadArgument(f"{name} must lie in {_interval(low, high, low_open, high_open)}, got {value!r}")
    return value


def positive(name: str, value: Any) -> float:
    """``value`` as a finite float > 0."""
    return real(name, value, low=0.0, low_open=True)


def nonnegative(name: str, value: Any) -> float:
    """``value`` as a finite float >= 0."""
    return real(name, value, low=0.0)


def unit_interval(name: str, value: Any, *, low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a float in [0, 1] (or an open variant)."""
    return real(name, value, low=0.0, high=1.0, low_open=low_open, high_open=high_open)


def flag(name: str, value: Any) -> bool:
    """``value`` if it is True or False (1, 0 and "yes" are not)."""
    if not isinstance(value, bool | np.bool_):
        raise BadArgumentType(f"{name} must be True or False, got {show(value)}")
    return bool(value)


def choice(name: str, value: Any, options: Iterable[T]) -> T:
    """``value`` if it is one of ``options``."""
    options = tuple(options)
    if not isinstance(value, str | int) or value not in options:
        raise BadArgument(f"{name} must be one of {', '.join(map(repr, options))}; got {show(value)}")
    return value


def is_callable(name: str, value: Any) -> Callable[..., Any]:
    """``value`` if it can be called."""
    if not callable(value):
        raise BadArgumentType(f"{name} must be callable, got {show(value)} ({type(value).__name__})")
    return value


def shape2d(name: str, value: Any, *, min_cells: int = 1) -> tuple[int, int]:
    """A grid shape (nrow, ncol) of positive integers with at least ``min_cells`` cells."""
    if not isinstance(value, Sequence | np.ndarray) or len(value) != 2:
        raise BadArgumentType(f"{name} must be a pair (nrow, ncol), got {show(value)}")
    nrow, ncol = (positive_int(f"{name}[{i}]", v) for i, v in enumerate(value))
    if nrow * ncol < min_cells:
        raise BadArgument(f"{name} must hold at least {min_cells} cells, got {(nrow, ncol)}")
    return nrow, ncol


def rng(name: str, value: Any) -> np.random.Generator:
    """``value`` if it is a ``numpy.random.Generator`` (a seed or the legacy global state is not)."""
    if not isinstance(value, np.random.Generator):
        raise BadArgumentType(f"{name} must be a numpy.random.Generator, got {show(value)}")
    return value


def torch_generator(name: str, value: Any) -> Any:
    """``value`` if it is a ``torch.Generator`` (a seed is not: pass ``torch.Generator().manual_seed(s)``)."""
    import torch

    if not isinstance(value, torch.Generator):
        raise BadArgumentType(f"{name} must be a torch.Generator, got {show(value)}")
    return value


def axes(name: str, value: Any) -> Any:
    """``value`` if it is a Matplotlib ``Axes``."""
    from matplotlib.axes import Axes

    if not isinstance(value, Axes):
        raise BadArgumentType(f"{name} must be a matplotlib Axes, got {show(value)}")
    return value


def instance(name: str, value: Any, cls: type[T] | tuple[type, ...]) -> T:
    """``value`` if it is an instance of ``cls`` (a config, a model, a module)."""
    if not isinstance(value, cls):
        want = " or ".join(k.__name__ for k in (cls if isinstance(cls, tuple) else (cls,)))
        raise BadArgumentType(f"{name} must be a {want}, got {show(value)} ({type(value).__name__})")
    return value  # type: ignore[return-value]


def device(name: str, value: Any) -> Any:
    """``value`` as a ``torch.device`` that exists here ("cpu", "cuda", "cuda:0" or a torch.device)."""
    import torch

    if not isinstance(value, str | torch.device):
        raise BadArgumentType(f"{name} must be a str or torch.device, got {show(value)}")
    try:
        dev = torch.device(value)
    except RuntimeError as err:
        raise BadArgument(f"{name} must name a torch device, got {show(value)}") from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise BadArgument(f"{name} is {show(value)}, but CUDA is not available here")
    return dev


# ------------------------------------------------------------------------------------------- arrays
def array(name: str, value: Any, *, ndim: int | Sequence[int] | None = None,
          shape: Sequence[int | None] | None = None, min_size: int = 1, finite: bool = True,
          dtype: type | np.dtype = float, low: float | None = None, high: float | None = None) -> np.ndarray:
    """``value`` as a numpy array of ``dtype``: numeric, of the given ndim/shape (None = any length),
    at least ``min_size`` entries, finite and within [low, high] unless told otherwise."""
    raw = np.asarray(_numpy(value))
    if raw.dtype.kind in "OUSV" or (raw.dtype.kind == "b" and np.dtype(dtype).kind != "b"):
        raise BadArgumentType(f"{name} must be a numeric array, got {show(value)}")
    try:
        arr = raw.astype(dtype, copy=False)
    except (TypeError, ValueError) as err:
        raise BadArgumentType(f"{name} must be a numeric array, got {show(value)}") from err
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise BadArgument(f"{name} must have {' or '.join(map(str, allowed))} dimension(s), "
                              f"got shape {arr.shape}")
    if shape is not None:
        wrong = arr.ndim != len(shape) or any(
            s not in (None, n) for s, n in zip(shape, arr.shape, strict=True))
        if wrong:
            want = "(" + ", ".join("N" if s is None else str(s) for s in shape) + ")"
            raise BadArgument(f"{name} must have shape {want}, got {arr.shape}")
    if arr.size < min_size:
        raise BadArgument(f"{name} must have at least {min_size} entr{'y' if min_size == 1 else 'ies'}, "
                          f"got shape {arr.shape}")
    if finite and arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise BadArgument(f"{name} must be finite, got {arr[where]!r} at index {where}: {show(arr)}")
    if low is not None and arr.size and (arr < low).any():
        where = tuple(int(i) for i in np.argwhere(arr < low)[0])
        raise BadArgument(f"{name} must be >= {low}, got {arr[where]!r} at index {where}")
    if high is not None and arr.size and (arr > high).any():
        where = tuple(int(i) for i in np.argwhere(arr > high)[0])
        raise BadArgument(f"{name} must be <= {high}, got {arr[where]!r} at index {where}")
    return arr


def bool_array(name: str, value: Any, *, shape: Sequence[int] | None = None) -> np.ndarray:
    """A bool array (of ``shape`` if given); 0/1 numbers are rejected, not cast (2 would become True)."""
    arr = np.asarray(_numpy(value))
    if arr.dtype.kind != "b":
        raise BadArgumentType(f"{name} must be a bool array, got {show(value)}")
    if shape is not None and arr.shape != tuple(shape):
        raise BadArgument(f"{name} must have shape {tuple(shape)}, got {arr.shape}")
    return arr


def prob_vector(name: str, value: Any, *, atol: float = PROB_ATOL) -> np.ndarray:
    """A 1-D probability vector: finite, non-negative, summing to 1 within ``atol``."""
    return prob_rows(name, value, ndim=1, atol=atol)


def prob_rows(name: str, value: Any, *, ndim: int | None = None, atol: float = PROB_ATOL) -> np.ndarray:
    """An array whose last axis holds probability vectors (each row non-negative, summing to 1)."""
    arr = array(name, value, ndim=ndim, low=0.0)
    if arr.ndim == 0:
        raise BadArgument(f"{name} must have a last axis of probabilities, got a scalar {arr!r}")
    sums = arr.sum(axis=-1)
    bad = np.argwhere(np.abs(sums - 1.0) > atol)
    if len(bad):
        where = tuple(int(i) for i in bad[0])
        label = f"{name}[{', '.join(map(str, where))}, :]" if where else name
        raise BadArgument(f"{label} must sum to 1, sums to {float(sums[where]):.6g}")
    return arr


def index(name: str, value: Any, n: int) -> int:
    """An integer index in [0, n)."""
    return integer(name, value, low=0, high=n - 1)


def index_array(name: str, value: Any, n: int, *, ndim: int | None = None, min_size: int = 1) -> np.ndarray:
    """An int64 array of indices in [0, n); float or bool arrays are rejected, not truncated."""
    raw = np.asarray(_numpy(value))
    if raw.dtype.kind not in "iu" and not (raw.size == 0 and raw.dtype.kind == "f"):
        raise BadArgumentType(f"{name} must hold integer indices in [0, {n}), got {show(raw)}")
    arr = array(name, raw, ndim=ndim, min_size=min_size, dtype=np.int64)
    if arr.size and ((arr < 0).any() or (arr >= n).any()):
        where = tuple(int(i) for i in np.argwhere((arr < 0) | (arr >= n))[0])
        raise BadArgument(f"{name} must hold indices in [0, {n}), got {arr[where]} at index {where}")
    return arr


def tensor(name: str, value: Any, *, min_dim: int = 1) -> Any:
    """A non-empty, finite, floating-point torch tensor with at least ``min_dim`` dimensions."""
    import torch

    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise BadArgumentType(f"{name} must be a floating-point torch.Tensor, got {show(value)} "
                              f"({type(value).__name__})")
    if value.dim() < min_dim or value.numel() == 0:
        raise BadArgument(f"{name} must be a non-empty tensor with at least {min_dim} dimension(s), "
                          f"got shape {tuple(value.shape)}")
    if not bool(torch.isfinite(value).all()):
        raise BadArgument(f"{name} must be finite, got {show(value)}")
    return value


# ---------------------------------------------------------------------------------------- iterates
def finite_iterate(value: ArrayLike, *, step_name: str, step: float, what: str = "the iterate") -> None:
    """Raise :class:`DivergedError` naming the step size if ``value`` has become non-finite (or huge)."""
    arr = np.asarray(_numpy(value), dtype=float)
    if not np.isfinite(arr).all() or (arr.size and np.abs(arr).max() > 1e12):
        raise DivergedError(f"{what} diverged (reached {show(arr)}): {step_name} = {step!r} is too large "
                            f"for this problem; try a smaller {step_name}")


def _interval(low: float | None, high: float | None, low_open: bool = False, high_open: bool = False) -> str:
    left = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
    right = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
    return f"{left}, {right}"
