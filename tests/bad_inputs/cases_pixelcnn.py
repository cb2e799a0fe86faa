"""Bad inputs for lecture_utils.pixelcnn: configs, masked layers, images, sample counts, generators."""

from functools import cache

import numpy as np
import torch

from bad_inputs.case import Case
from lecture_utils import pixelcnn as pc

NO_BAD_INPUT: dict[str, str] = {}


def gen() -> torch.Generator:
    return torch.Generator().manual_seed(0)


TINY = pc.PixelCNNConfig(channels=4, n_layers=1, first_kernel=5, max_epochs=1)


@cache
def model() -> pc.PixelCNN:
    return pc.PixelCNN(TINY, generator=gen())


def images(n: int = 4) -> np.ndarray:
    return (np.arange(n * 64).reshape(n, 8, 8) % 3 == 0).astype(np.float32)


def with_value(value: float, at: tuple[int, int, int] = (1, 2, 5)) -> np.ndarray:
    x = images()
    x[at] = value
    return x


CASES = [
    # ---- PixelCNNConfig: every field
    Case("pixelcnn.PixelCNNConfig", "float for int", "channels", lambda: pc.PixelCNNConfig(channels=2.5)),
    Case("pixelcnn.PixelCNNConfig", "bool for int", "n_layers", lambda: pc.PixelCNNConfig(n_layers=True)),
    Case("pixelcnn.PixelCNNConfig", "zero", "height", lambda: pc.PixelCNNConfig(height=0)),
    Case("pixelcnn.PixelCNNConfig", "negative", "width", lambda: pc.PixelCNNConfig(width=-8)),
    Case("pixelcnn.PixelCNNConfig", "even kernel", "first_kernel", lambda: pc.PixelCNNConfig(first_kernel=4)),
    Case("pixelcnn.PixelCNNConfig", "even kernel", "kernel", lambda: pc.PixelCNNConfig(kernel=2)),
    Case("pixelcnn.PixelCNNConfig", "unknown option", "activation",
         lambda: pc.PixelCNNConfig(activation="swish")),
    Case("pixelcnn.PixelCNNConfig", "out of range", "dropout", lambda: pc.PixelCNNConfig(dropout=1.0)),
    Case("pixelcnn.PixelCNNConfig", "nan", "dropout", lambda: pc.PixelCNNConfig(dropout=float("nan"))),
    Case("pixelcnn.PixelCNNConfig", "negative", "weight_decay", lambda: pc.PixelCNNConfig(weight_decay=-0.1)),
    Case("pixelcnn.PixelCNNConfig", "zero", "lr", lambda: pc.PixelCNNConfig(lr=0.0)),
    Case("pixelcnn.PixelCNNConfig", "inf", "lr", lambda: pc.PixelCNNConfig(lr=float("inf"))),
    Case("pixelcnn.PixelCNNConfig", "zero", "batch_size", lambda: pc.PixelCNNConfig(batch_size=0)),
    Case("pixelcnn.PixelCNNConfig", "float for int", "max_epochs", lambda: pc.PixelCNNConfig(max_epochs=1.5)),
    Case("pixelcnn.PixelCNNConfig", "zero", "patience", lambda: pc.PixelCNNConfig(patience=0)),
    # ---- MaskedConv2d
    Case("pixelcnn.MaskedConv2d", "unknown option", "mask_type", lambda: pc.MaskedConv2d(1, 2, 3, "C")),
    Case("pixelcnn.MaskedConv2d", "even kernel", "kernel_size", lambda: pc.MaskedConv2d(1, 2, 4, "A")),
    Case("pixelcnn.MaskedConv2d", "zero", "in_channels", lambda: pc.MaskedConv2d(0, 2, 3, "A")),
    Case("pixelcnn.MaskedConv2d", "float for int", "out_channels", lambda: pc.MaskedConv2d(1, 2.0, 3, "B")),
    # ---- PixelCNN
    Case("pixelcnn.PixelCNN", "wrong type", "config", lambda: pc.PixelCNN({"channels": 4}, generator=gen())),
    Case("pixelcnn.PixelCNN", "numpy generator", "generator",
         lambda: pc.PixelCNN(TINY, generator=np.random.default_rng(0))),
    Case("pixelcnn.PixelCNN", "wrong shape", "x", lambda: model()(torch.zeros(2, 7, 8))),
    Case("pixelcnn.PixelCNN", "integer tensor", "x", lambda: model()(torch.zeros(2, 8, 8, dtype=torch.long))),
    # ---- log_prob
    Case("pixelcnn.log_prob", "wrong type", "model", lambda: pc.log_prob("model", images())),
    Case("pixelcnn.log_prob", "not binary", "x", lambda: pc.log_prob(model(), with_value(0.5))),
    Case("pixelcnn.log_prob", "nan", "x", lambda: pc.log_prob(model(), with_value(float("nan")))),
    Case("pixelcnn.log_prob", "wrong shape", "x", lambda: pc.log_prob(model(), images().reshape(4, 64))),
    # ---- sample
    Case("pixelcnn.sample", "zero", "n", lambda: pc.sample(model(), 0, generator=gen())),
    Case("pixelcnn.sample", "float for int", "n", lambda: pc.sample(model(), 2.5, generator=gen())),
    Case("pixelcnn.sample", "too large", "n", lambda: pc.sample(model(), 10**9, generator=gen())),
    Case("pixelcnn.sample", "missing", "generator", lambda: pc.sample(model(), 2, generator=None)),
    Case("pixelcnn.sample", "string for bool", "return_steps",
         lambda: pc.sample(model(), 2, generator=gen(), return_steps="yes")),
    Case("pixelcnn.sample", "wrong type", "model", lambda: pc.sample(None, 2, generator=gen())),
    # ---- split_validation
    Case("pixelcnn.split_validation", "zero", "n_val",
         lambda: pc.split_validation(images(), 0, generator=gen())),
    Case("pixelcnn.split_validation", "all of x", "n_val",
         lambda: pc.split_validation(images(), 4, generator=gen())),
    Case("pixelcnn.split_validation", "one image", "x",
         lambda: pc.split_validation(images(1), 1, generator=gen())),
    Case("pixelcnn.split_validation", "nan", "x",
         lambda: pc.split_validation(with_value(float("nan")), 1, generator=gen())),
    Case("pixelcnn.split_validation", "missing", "generator",
         lambda: pc.split_validation(images(), 1, generator=1)),
    # ---- train_pixelcnn
    Case("pixelcnn.train_pixelcnn", "not binary", "x_train",
         lambda: pc.train_pixelcnn(with_value(2.0), images(), TINY, generator=gen())),
    Case("pixelcnn.train_pixelcnn", "wrong shape", "x_val",
         lambda: pc.train_pixelcnn(images(), images()[:, :4], TINY, generator=gen())),
    Case("pixelcnn.train_pixelcnn", "wrong type", "config",
         lambda: pc.train_pixelcnn(images(), images(), "small", generator=gen())),
    Case("pixelcnn.train_pixelcnn", "unknown device", "device",
         lambda: pc.train_pixelcnn(images(), images(), TINY, generator=gen(), device="tpu")),
    Case("pixelcnn.train_pixelcnn", "string for bool", "progress",
         lambda: pc.train_pixelcnn(images(), images(), TINY, generator=gen(), progress="no")),
    Case("pixelcnn.train_pixelcnn", "missing", "generator",
         lambda: pc.train_pixelcnn(images(), images(), TINY, generator=None)),
]
