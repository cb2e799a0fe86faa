"""Bad inputs for lecture_utils.vae: configs, images, sample counts, tensors, generators, step sizes."""

from functools import cache

import numpy as np
import torch

from bad_inputs.case import Case
from lecture_utils import vae

NO_BAD_INPUT: dict[str, str] = {}


def gen() -> torch.Generator:
    return torch.Generator().manual_seed(0)


@cache
def model() -> vae.VAE:
    return vae.VAE(vae.VAEConfig(z_dim=2, hidden=8, prior_components=3), generator=gen())


def images(n: int = 4) -> np.ndarray:
    return (np.arange(n * 64).reshape(n, 64) % 3 == 0).astype(np.float32)


def with_value(value: float, at: tuple[int, int] = (1, 5)) -> np.ndarray:
    x = images()
    x[at] = value
    return x


TINY = {"z_dim": 2, "hidden": 8, "epochs": 3, "batch_size": 8, "prior": "standard"}
T = torch.tensor

CASES = [
    # ---- VAEConfig: every field, floats for ints, NaN/inf, out of range, unknown options
    Case("vae.VAEConfig", "float for int", "z_dim", lambda: vae.VAEConfig(z_dim=2.5)),
    Case("vae.VAEConfig", "integral float for int", "batch_size", lambda: vae.VAEConfig(batch_size=64.0)),
    Case("vae.VAEConfig", "bool for int", "hidden", lambda: vae.VAEConfig(hidden=True)),
    Case("vae.VAEConfig", "string for int", "x_dim", lambda: vae.VAEConfig(x_dim="64")),
    Case("vae.VAEConfig", "zero", "z_dim", lambda: vae.VAEConfig(z_dim=0)),
    Case("vae.VAEConfig", "negative", "n_hidden", lambda: vae.VAEConfig(n_hidden=-1)),
    Case("vae.VAEConfig", "zero", "epochs", lambda: vae.VAEConfig(epochs=0)),
    Case("vae.VAEConfig", "nan", "lr", lambda: vae.VAEConfig(lr=float("nan"))),
    Case("vae.VAEConfig", "inf", "lr", lambda: vae.VAEConfig(lr=float("inf"))),
    Case("vae.VAEConfig", "zero", "lr", lambda: vae.VAEConfig(lr=0.0)),
    Case("vae.VAEConfig", "string", "lr", lambda: vae.VAEConfig(lr="fast")),
    Case("vae.VAEConfig", "out of range", "lr_min_factor", lambda: vae.VAEConfig(lr_min_factor=2.0)),
    Case("vae.VAEConfig", "nan", "lr_min_factor", lambda: vae.VAEConfig(lr_min_factor=float("nan"))),
    Case("vae.VAEConfig", "float for int", "train_k", lambda: vae.VAEConfig(train_k=2.5)),
    Case("vae.VAEConfig", "zero", "train_k", lambda: vae.VAEConfig(train_k=0)),
    Case("vae.VAEConfig", "too large", "train_k", lambda: vae.VAEConfig(train_k=10**7)),
    Case("vae.VAEConfig", "negative", "kl_warmup_epochs", lambda: vae.VAEConfig(kl_warmup_epochs=-1)),
    Case("vae.VAEConfig", "float for int", "kl_warmup_epochs", lambda: vae.VAEConfig(kl_warmup_epochs=1.5)),
    Case("vae.VAEConfig", "unknown option", "prior", lambda: vae.VAEConfig(prior="vamp")),
    Case("vae.VAEConfig", "zero", "prior_components", lambda: vae.VAEConfig(prior_components=0)),
    Case("vae.VAEConfig", "unknown option", "activation", lambda: vae.VAEConfig(activation="swish")),
    Case("vae.VAEConfig", "None", "activation", lambda: vae.VAEConfig(activation=None)),
    # ---- VAE: constructor and methods
    Case("vae.VAE", "wrong type", "config", lambda: vae.VAE("default", generator=gen())),
    Case("vae.VAE", "an int seed", "generator", lambda: vae.VAE(generator=0)),
    Case("vae.VAE", "a numpy rng", "generator", lambda: vae.VAE(generator=np.random.default_rng(0))),
    Case("vae.VAE", "float for int", "n", lambda: model().sample_prior(2.5, generator=gen())),
    Case("vae.VAE", "zero", "n", lambda: model().sample_prior(0, generator=gen())),
    Case("vae.VAE", "too large", "n", lambda: model().sample_prior(10**12, generator=gen())),
    Case("vae.VAE", "an int seed", "generator", lambda: model().sample_prior(3, generator=1)),
    Case("vae.VAE", "wrong shape", "x", lambda: model().encode(torch.zeros(3, 10))),
    Case("vae.VAE", "wrong dtype", "x", lambda: model().encode(torch.zeros(3, 64, dtype=torch.long))),
    Case("vae.VAE", "wrong shape", "z", lambda: model().decode(torch.zeros(3, 5))),
    Case("vae.VAE", "scalar", "z", lambda: model().log_prior(torch.tensor(0.5))),
    Case("vae.VAE", "numpy array", "z", lambda: model().decode(np.zeros((3, 2)))),
    # ---- elbo: the images, the sample count, the model, the generator
    Case("vae.elbo", "not a model", "model", lambda: vae.elbo("vae", images(), generator=gen())),
    Case("vae.elbo", "nan", "x", lambda: vae.elbo(model(), with_value(np.nan), generator=gen())),
    Case("vae.elbo", "inf", "x", lambda: vae.elbo(model(), with_value(np.inf), generator=gen())),
    Case("vae.elbo", "empty", "x", lambda: vae.elbo(model(), np.zeros((0, 64)), generator=gen())),
    Case("vae.elbo", "wrong shape", "x", lambda: vae.elbo(model(), np.zeros((4, 10)), generator=gen())),
    Case("vae.elbo", "one image, 1-D", "x", lambda: vae.elbo(model(), np.zeros(64), generator=gen())),
    Case("vae.elbo", "not binary", "x", lambda: vae.elbo(model(), with_value(0.5), generator=gen())),
    Case("vae.elbo", "wrong dtype", "x", lambda: vae.elbo(model(), [["a"] * 64], generator=gen())),
    Case("vae.elbo", "bool images", "x", lambda: vae.elbo(model(), images() > 0, generator=gen())),
    Case("vae.elbo", "zero", "n_samples", lambda: vae.elbo(model(), images(), generator=gen(), n_samples=0)),
    Case("vae.elbo", "float for int", "n_samples",
         lambda: vae.elbo(model(), images(), generator=gen(), n_samples=1.5)),
    Case("vae.elbo", "too large", "n_samples",
         lambda: vae.elbo(model(), images(), generator=gen(), n_samples=10**9)),
    Case("vae.elbo", "an int seed", "generator", lambda: vae.elbo(model(), images(), generator=0)),
    # ---- iw_log_likelihood
    Case("vae.iw_log_likelihood", "float for int", "k",
         lambda: vae.iw_log_likelihood(model(), images(), 2.5, generator=gen())),
    Case("vae.iw_log_likelihood", "zero", "k",
         lambda: vae.iw_log_likelihood(model(), images(), 0, generator=gen())),
    Case("vae.iw_log_likelihood", "too large", "k",
         lambda: vae.iw_log_likelihood(model(), images(), 10**8, generator=gen())),
    Case("vae.iw_log_likelihood", "unknown option", "proposal",
         lambda: vae.iw_log_likelihood(model(), images(), 2, generator=gen(), proposal="posterior")),
    Case("vae.iw_log_likelihood", "not binary", "x",
         lambda: vae.iw_log_likelihood(model(), with_value(2.0), 2, generator=gen())),
    Case("vae.iw_log_likelihood", "nan", "x",
         lambda: vae.iw_log_likelihood(model(), with_value(np.nan), 2, generator=gen())),
    Case("vae.iw_log_likelihood", "None", "generator",
         lambda: vae.iw_log_likelihood(model(), images(), 2, generator=None)),
    Case("vae.iw_log_likelihood", "not a model", "model",
         lambda: vae.iw_log_likelihood(None, images(), 2, generator=gen())),
    # ---- encoder_gradient_samples
    Case("vae.encoder_gradient_samples", "zero", "n_samples",
         lambda: vae.encoder_gradient_samples(model(), images(), 0, estimator="score", generator=gen())),
    Case("vae.encoder_gradient_samples", "float for int", "n_samples",
         lambda: vae.encoder_gradient_samples(model(), images(), 2.5, estimator="score", generator=gen())),
    Case("vae.encoder_gradient_samples", "too large", "n_samples",
         lambda: vae.encoder_gradient_samples(model(), images(), 10**9, estimator="score", generator=gen())),
    Case("vae.encoder_gradient_samples", "unknown option", "estimator",
         lambda: vae.encoder_gradient_samples(model(), images(), 2, estimator="reinforce", generator=gen())),
    Case("vae.encoder_gradient_samples", "wrong shape", "x",
         lambda: vae.encoder_gradient_samples(model(), np.zeros((2, 9)), 2, estimator="score",
                                              generator=gen())),
    Case("vae.encoder_gradient_samples", "an int seed", "generator",
         lambda: vae.encoder_gradient_samples(model(), images(), 2, estimator="pathwise", generator=3)),
    # ---- factorised_bernoulli_log_likelihood
    Case("vae.factorised_bernoulli_log_likelihood", "zero", "alpha",
         lambda: vae.factorised_bernoulli_log_likelihood(images(), images(), alpha=0.0)),
    Case("vae.factorised_bernoulli_log_likelihood", "negative", "alpha",
         lambda: vae.factorised_bernoulli_log_likelihood(images(), images(), alpha=-1.0)),
    Case("vae.factorised_bernoulli_log_likelihood", "nan", "alpha",
         lambda: vae.factorised_bernoulli_log_likelihood(images(), images(), alpha=float("nan"))),
    Case("vae.factorised_bernoulli_log_likelihood", "inf", "alpha",
         lambda: vae.factorised_bernoulli_log_likelihood(images(), images(), alpha=float("inf"))),
    Case("vae.factorised_bernoulli_log_likelihood", "not binary", "x_train",
         lambda: vae.factorised_bernoulli_log_likelihood(with_value(0.3), images())),
    Case("vae.factorised_bernoulli_log_likelihood", "empty", "x_train",
         lambda: vae.factorised_bernoulli_log_likelihood(np.zeros((0, 64)), images())),
    Case("vae.factorised_bernoulli_log_likelihood", "pixel count differs", "x_test",
         lambda: vae.factorised_bernoulli_log_likelihood(images(), np.zeros((3, 49)))),
    Case("vae.factorised_bernoulli_log_likelihood", "nan", "x_test",
         lambda: vae.factorised_bernoulli_log_likelihood(images(), with_value(np.nan))),
    # ---- the densities and the KL (public, validated; the training loop uses unchecked kernels)
    Case("vae.gaussian_kl", "shapes differ", "log_var",
         lambda: vae.gaussian_kl(torch.zeros(2), torch.zeros(3))),
    Case("vae.gaussian_kl", "nan", "mu", lambda: vae.gaussian_kl(T([0.0, float("nan")]), torch.zeros(2))),
    Case("vae.gaussian_kl", "inf", "log_var",
         lambda: vae.gaussian_kl(torch.zeros(2), T([float("inf"), 0.0]))),
    Case("vae.gaussian_kl", "numpy array", "mu", lambda: vae.gaussian_kl(np.zeros(2), torch.zeros(2))),
    Case("vae.gaussian_kl", "integer tensor", "mu", lambda: vae.gaussian_kl(T([0, 1]), torch.zeros(2))),
    Case("vae.gaussian_kl", "empty", "mu", lambda: vae.gaussian_kl(torch.zeros(0), torch.zeros(0))),
    Case("vae.gaussian_kl", "scalar", "mu", lambda: vae.gaussian_kl(T(0.0), T(0.0))),
    Case("vae.log_normal", "nan", "z", lambda: vae.log_normal(T([float("nan")]), T([0.0]), T([0.0]))),
    Case("vae.log_normal", "shapes do not broadcast", "mu",
         lambda: vae.log_normal(torch.zeros(4, 3), torch.zeros(2), torch.zeros(3))),
    Case("vae.log_normal", "a list", "log_var", lambda: vae.log_normal(T([0.0]), T([0.0]), [0.0])),
    Case("vae.log_normal", "inf", "log_var", lambda: vae.log_normal(T([0.0]), T([0.0]), T([-float("inf")]))),
    Case("vae.log_bernoulli", "not binary", "x", lambda: vae.log_bernoulli(T([0.0, 0.5]), torch.zeros(2))),
    Case("vae.log_bernoulli", "nan", "logits",
         lambda: vae.log_bernoulli(T([0.0, 1.0]), T([0.0, float("nan")]))),
    Case("vae.log_bernoulli", "does not broadcast to logits", "x",
         lambda: vae.log_bernoulli(torch.zeros(3, 2), torch.zeros(2))),
    Case("vae.log_bernoulli", "integer tensor", "x", lambda: vae.log_bernoulli(T([0, 1]), torch.zeros(2))),
    # ---- kl_weight
    Case("vae.kl_weight", "negative", "epoch", lambda: vae.kl_weight(-1, 4)),
    Case("vae.kl_weight", "float for int", "epoch", lambda: vae.kl_weight(1.5, 4)),
    Case("vae.kl_weight", "negative", "warmup_epochs", lambda: vae.kl_weight(0, -2)),
    Case("vae.kl_weight", "float for int", "warmup_epochs", lambda: vae.kl_weight(0, 2.0)),
    # ---- latent_grid
    Case("vae.latent_grid", "float for int", "n", lambda: vae.latent_grid(2.5)),
    Case("vae.latent_grid", "zero", "n", lambda: vae.latent_grid(0)),
    Case("vae.latent_grid", "too large (n * n points)", "n", lambda: vae.latent_grid(10**6)),
    Case("vae.latent_grid", "out of range", "p_min", lambda: vae.latent_grid(3, p_min=0.0)),
    Case("vae.latent_grid", "out of range", "p_max", lambda: vae.latent_grid(3, p_max=1.0)),
    Case("vae.latent_grid", "nan", "p_min", lambda: vae.latent_grid(3, p_min=float("nan"))),
    Case("vae.latent_grid", "p_min above p_max", "p_min", lambda: vae.latent_grid(3, p_min=0.6, p_max=0.4)),
    # ---- train_vae
    Case("vae.train_vae", "not binary", "x_train",
         lambda: vae.train_vae(with_value(3.0), vae.VAEConfig(**TINY), generator=gen())),
    Case("vae.train_vae", "nan", "x_train",
         lambda: vae.train_vae(with_value(np.nan), vae.VAEConfig(**TINY), generator=gen())),
    Case("vae.train_vae", "empty", "x_train",
         lambda: vae.train_vae(np.zeros((0, 64)), vae.VAEConfig(**TINY), generator=gen())),
    Case("vae.train_vae", "wrong shape", "x_test",
         lambda: vae.train_vae(images(), vae.VAEConfig(**TINY), generator=gen(), x_test=np.zeros((2, 5)))),
    Case("vae.train_vae", "a dict for the config", "config",
         lambda: vae.train_vae(images(), dict(TINY), generator=gen())),
    Case("vae.train_vae", "an int seed", "generator",
         lambda: vae.train_vae(images(), vae.VAEConfig(**TINY), generator=0)),
    Case("vae.train_vae", "unknown device", "device",
         lambda: vae.train_vae(images(), vae.VAEConfig(**TINY), generator=gen(), device="gpu0")),
    # A diverging lr is tested in tests/test_vae.py: the first Adam in a process pays torch's lazy
    # imports (seconds), which this file's 0.5 s budget is not meant to measure.
]
if not torch.cuda.is_available():
    CASES.append(Case("vae.train_vae", "CUDA without a GPU", "device",
                      lambda: vae.train_vae(images(), vae.VAEConfig(**TINY), generator=gen(), device="cuda")))
