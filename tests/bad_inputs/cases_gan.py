"""Bad inputs for lecture_utils.gan."""

import numpy as np
import torch
from matplotlib.figure import Figure

from bad_inputs.case import Case
from lecture_utils import gan

NAN, INF = float("nan"), float("inf")
AX = Figure().add_subplot()  # a real Axes, without pyplot's global figure list
LIN = torch.nn.Linear(2, 1)
RING = gan.ring_mixture()
SAMPLER = gan.mixture_sampler(RING)


def gen() -> torch.Generator:
    return torch.Generator().manual_seed(0)


def state(**config: object) -> gan.GANState:
    cfg = gan.GANConfig(latent_dim=2, batch_size=8, **config)  # type: ignore[arg-type]
    return gan.init_state(*gan.make_models(cfg, generator=gen(), hidden=4, depth=1), cfg)


def train(n_steps: object = 2, **kw: object) -> object:
    return gan.train(STATE, SAMPLER, n_steps, generator=gen(), **kw)  # type: ignore[arg-type]


# Built at import (collection time): the process's first torch optimizer imports torch._dynamo (1-4 s),
# which would otherwise be charged to whichever case happens to run first.
STATE = state()

NO_BAD_INPUT = {"gan.MixtureRun": "a result record built by train_mixture from checked parts"}
CASES = [
    # ------------------------------------------------------------------ mixtures
    Case("gan.Mixture", "empty", "means", lambda: gan.Mixture(np.zeros((0, 2)), 0.1)),
    Case("gan.Mixture", "wrong shape", "means", lambda: gan.Mixture(np.zeros((3, 3)), 0.1)),
    Case("gan.Mixture", "nan", "means", lambda: gan.Mixture(np.array([[0.0, NAN]]), 0.1)),
    Case("gan.Mixture", "zero", "std", lambda: gan.Mixture(np.zeros((3, 2)), 0.0)),
    Case("gan.Mixture", "inf", "std", lambda: gan.Mixture(np.zeros((3, 2)), INF)),
    Case("gan.ring_mixture", "zero", "n_modes", lambda: gan.ring_mixture(n_modes=0)),
    Case("gan.ring_mixture", "float for int", "n_modes", lambda: gan.ring_mixture(n_modes=8.0)),
    Case("gan.ring_mixture", "nan", "radius", lambda: gan.ring_mixture(radius=NAN)),
    Case("gan.ring_mixture", "zero", "radius", lambda: gan.ring_mixture(radius=0.0)),
    Case("gan.ring_mixture", "negative", "std", lambda: gan.ring_mixture(std=-1.0)),
    Case("gan.grid_mixture", "zero", "side", lambda: gan.grid_mixture(side=0)),
    Case("gan.grid_mixture", "float for int", "side", lambda: gan.grid_mixture(side=2.5)),
    Case("gan.grid_mixture", "negative", "spacing", lambda: gan.grid_mixture(spacing=-2.0)),
    Case("gan.grid_mixture", "inf", "spacing", lambda: gan.grid_mixture(spacing=INF)),
    Case("gan.sample_mixture", "zero", "n", lambda: gan.sample_mixture(RING, 0, generator=gen())),
    Case("gan.sample_mixture", "float for int", "n", lambda: gan.sample_mixture(RING, 10.0, generator=gen())),
    Case("gan.sample_mixture", "an int seed", "generator", lambda: gan.sample_mixture(RING, 5, generator=0)),
    Case("gan.sample_mixture", "not a mixture", "mixture",
         lambda: gan.sample_mixture("ring", 5, generator=gen())),
    Case("gan.mixture_sampler", "means array", "mixture", lambda: gan.mixture_sampler(RING.means)),
    Case("gan.tensor_sampler", "empty", "data", lambda: gan.tensor_sampler(torch.zeros(0, 2))),
    Case("gan.tensor_sampler", "1-d", "data", lambda: gan.tensor_sampler(torch.zeros(5))),
    Case("gan.tensor_sampler", "nan", "data", lambda: gan.tensor_sampler(torch.tensor([[0.0, NAN]]))),
    Case("gan.tensor_sampler", "numpy array", "data", lambda: gan.tensor_sampler(np.zeros((3, 2)))),
    Case("gan.tensor_sampler", "int dtype", "data",
         lambda: gan.tensor_sampler(torch.zeros(3, 2, dtype=torch.long))),
    # ------------------------------------------------------------------ theory
    Case("gan.optimal_discriminator", "wrong shape", "p_data",
         lambda: gan.optimal_discriminator(np.ones(3), np.ones(4))),
    Case("gan.optimal_discriminator", "negative", "p_data",
         lambda: gan.optimal_discriminator(-np.ones(3), np.ones(3))),
    Case("gan.optimal_discriminator", "nan", "p_g",
         lambda: gan.optimal_discriminator(np.ones(3), [1, NAN, 1])),
    Case("gan.optimal_discriminator", "empty", "p_data", lambda: gan.optimal_discriminator([], [])),
    Case("gan.optimal_discriminator", "strings", "p_g", lambda: gan.optimal_discriminator([1.0], ["a"])),
    Case("gan.js_divergence", "zero", "dx", lambda: gan.js_divergence([0.5, 0.5], [0.5, 0.5], 0.0)),
    Case("gan.js_divergence", "nan", "dx", lambda: gan.js_divergence([0.5, 0.5], [0.5, 0.5], NAN)),
    Case("gan.js_divergence", "wrong shape", "p and q",
         lambda: gan.js_divergence(np.ones(3), np.ones(2), 1.0)),
    Case("gan.js_divergence", "negative", "p", lambda: gan.js_divergence([1.5, -0.5], [0.5, 0.5], 1.0)),
    Case("gan.js_divergence", "not normalised", "q", lambda: gan.js_divergence([0.5, 0.5], [1.0, 1.0], 1.0)),
    Case("gan.js_divergence", "inf", "p", lambda: gan.js_divergence([INF, 0.0], [0.5, 0.5], 1.0)),
    Case("gan.js_divergence", "empty", "p", lambda: gan.js_divergence([], [], 1.0)),
    Case("gan.js_divergence", "zero", "atol",
         lambda: gan.js_divergence([0.5, 0.5], [0.5, 0.5], 1.0, atol=0.0)),
    # ------------------------------------------------------------------ losses
    Case("gan.d_loss_bce", "nan", "real_logits", lambda: gan.d_loss_bce(torch.tensor([NAN]), torch.zeros(2))),
    Case("gan.d_loss_bce", "empty", "fake_logits", lambda: gan.d_loss_bce(torch.zeros(2), torch.zeros(0))),
    Case("gan.d_loss_bce", "numpy array", "real_logits", lambda: gan.d_loss_bce(np.zeros(2), torch.zeros(2))),
    Case("gan.d_loss_bce", "int dtype", "fake_logits",
         lambda: gan.d_loss_bce(torch.zeros(2), torch.zeros(2, dtype=torch.long))),
    Case("gan.g_loss", "unknown option", "loss", lambda: gan.g_loss("hinge", torch.zeros(2))),
    Case("gan.g_loss", "inf", "fake_out", lambda: gan.g_loss("saturating", torch.tensor([INF]))),
    Case("gan.g_loss", "list", "fake_out", lambda: gan.g_loss("non_saturating", [0.0])),
    Case("gan.g_loss", "nan", "fake_out", lambda: gan.g_loss("lsgan", torch.tensor([NAN]))),
    Case("gan.g_loss", "empty", "fake_out", lambda: gan.g_loss("wgan_gp", torch.zeros(0))),
    Case("gan.d_loss_lsgan", "nan", "real_out",
         lambda: gan.d_loss_lsgan(torch.tensor([NAN]), torch.zeros(1))),
    Case("gan.d_loss_lsgan", "empty", "fake_out", lambda: gan.d_loss_lsgan(torch.zeros(1), torch.zeros(0))),
    Case("gan.gradient_penalty", "not callable", "disc", lambda: gan.gradient_penalty(3, torch.zeros(2, 2))),
    Case("gan.gradient_penalty", "1-d", "x", lambda: gan.gradient_penalty(LIN, torch.zeros(2))),
    Case("gan.gradient_penalty", "nan", "x", lambda: gan.gradient_penalty(LIN, torch.full((2, 2), NAN))),
    Case("gan.gradient_penalty", "negative", "center", lambda: gan.gradient_penalty(LIN, torch.zeros(2, 2),
                                                                                    center=-1.0)),
    # ------------------------------------------------------------------ networks
    Case("gan.ConvGenerator", "zero", "latent_dim", lambda: gan.ConvGenerator(latent_dim=0)),
    Case("gan.ConvGenerator", "float for int", "width", lambda: gan.ConvGenerator(width=8.0)),
    Case("gan.ConvDiscriminator", "zero", "width", lambda: gan.ConvDiscriminator(width=0)),
    Case("gan.ConvDiscriminator", "float for int", "width", lambda: gan.ConvDiscriminator(width=2.5)),
    Case("gan.ScaledGenerator", "zero", "scale", lambda: gan.ScaledGenerator(LIN, 0.0)),
    Case("gan.ScaledGenerator", "not a module", "net", lambda: gan.ScaledGenerator(lambda z: z, 1.0)),
    Case("gan.ScaledDiscriminator", "nan", "scale", lambda: gan.ScaledDiscriminator(LIN, NAN)),
    Case("gan.make_models", "zero", "scale",
         lambda: gan.make_models(gan.GANConfig(), generator=gen(), scale=0.0)),
    Case("gan.make_models", "float for int", "hidden",
         lambda: gan.make_models(gan.GANConfig(), generator=gen(), hidden=16.0)),
    Case("gan.make_models", "zero", "depth",
         lambda: gan.make_models(gan.GANConfig(), generator=gen(), depth=0)),
    Case("gan.make_models", "zero", "data_dim",
         lambda: gan.make_models(gan.GANConfig(), generator=gen(), data_dim=0)),
    Case("gan.make_models", "an int seed", "generator",
         lambda: gan.make_models(gan.GANConfig(), generator=0)),
    Case("gan.make_models", "a dict config", "config", lambda: gan.make_models({}, generator=gen())),
    Case("gan.make_models", "unknown device", "device",
         lambda: gan.make_models(gan.GANConfig(), generator=gen(), device="gpu")),
    Case("gan.make_conv_models", "zero", "latent_dim", lambda: gan.make_conv_models(0, 8, generator=gen())),
    Case("gan.make_conv_models", "an int seed", "generator", lambda: gan.make_conv_models(4, 8, generator=0)),
    # ------------------------------------------------------------------ configs
    Case("gan.GANConfig", "unknown option", "loss", lambda: gan.GANConfig(loss="hinge")),
    Case("gan.GANConfig", "zero", "steps", lambda: gan.GANConfig(steps=0)),
    Case("gan.GANConfig", "float for int", "batch_size", lambda: gan.GANConfig(batch_size=64.0)),
    Case("gan.GANConfig", "float for int", "latent_dim", lambda: gan.GANConfig(latent_dim=2.5)),
    Case("gan.GANConfig", "zero", "lr_g", lambda: gan.GANConfig(lr_g=0.0)),
    Case("gan.GANConfig", "nan", "lr_d", lambda: gan.GANConfig(lr_d=NAN)),
    Case("gan.GANConfig", "out of range", "betas", lambda: gan.GANConfig(betas=(1.5, 0.9))),
    Case("gan.GANConfig", "beta = 1", "betas", lambda: gan.GANConfig(betas=(0.5, 1.0))),
    Case("gan.GANConfig", "not a pair", "betas", lambda: gan.GANConfig(betas=(0.5,))),
    Case("gan.GANConfig", "negative", "gp_lambda", lambda: gan.GANConfig(gp_lambda=-10.0)),
    Case("gan.GANConfig", "negative", "r1_gamma", lambda: gan.GANConfig(r1_gamma=-1.0)),
    Case("gan.GANConfig", "inf", "r1_gamma", lambda: gan.GANConfig(r1_gamma=INF)),
    Case("gan.GANConfig", "zero", "r1_every", lambda: gan.GANConfig(r1_every=0)),
    Case("gan.GANConfig", "zero", "n_critic", lambda: gan.GANConfig(n_critic=0)),
    Case("gan.GANConfig", "out of range", "lr_final_frac", lambda: gan.GANConfig(lr_final_frac=-1.0)),
    Case("gan.GANConfig", "string for bool", "lr_decay", lambda: gan.GANConfig(lr_decay="no")),
    Case("gan.mixture_config", "unknown option", "name", lambda: gan.mixture_config("spiral")),
    Case("gan.mixture_config", "unknown field", "lr", lambda: gan.mixture_config("ring", lr=1e-3)),
    Case("gan.mixture_config", "bad override", "steps", lambda: gan.mixture_config("ring", steps=-5)),
    Case("gan.mixture_ablation_config", "unknown option", "variant",
         lambda: gan.mixture_ablation_config("no R2")),
    Case("gan.digits_config", "unknown field", "epochs", lambda: gan.digits_config(epochs=3)),
    Case("gan.digits_config", "bad override", "lr_g", lambda: gan.digits_config(lr_g=INF)),
    # ------------------------------------------------------------------ training
    Case("gan.GANState", "not a module", "G", lambda: gan.GANState(None, LIN, None, None, gan.GANConfig())),
    Case("gan.GANState", "not an optimizer", "opt_g",
         lambda: gan.GANState(LIN, LIN, None, None, gan.GANConfig())),
    Case("gan.init_state", "not a module", "D", lambda: gan.init_state(LIN, "D", gan.GANConfig())),
    Case("gan.init_state", "a dict config", "config", lambda: gan.init_state(LIN, LIN, {"steps": 3})),
    Case("gan.sample_latent", "negative", "n", lambda: gan.sample_latent(-1, 2, generator=gen())),
    Case("gan.sample_latent", "float for int", "latent_dim",
         lambda: gan.sample_latent(3, 2.0, generator=gen())),
    Case("gan.sample_latent", "zero", "truncation", lambda: gan.sample_latent(3, 2, generator=gen(),
                                                                             truncation=0.0)),
    Case("gan.sample_latent", "nan", "truncation", lambda: gan.sample_latent(3, 2, generator=gen(),
                                                                            truncation=NAN)),
    Case("gan.sample_latent", "an int seed", "generator", lambda: gan.sample_latent(3, 2, generator=0)),
    Case("gan.sample_latent", "unknown device", "device",
         lambda: gan.sample_latent(3, 2, generator=gen(), device="gpu:x")),
    Case("gan.train_step", "not a state", "state", lambda: gan.train_step(None, SAMPLER, generator=gen())),
    Case("gan.train_step", "not callable", "sample_real",
         lambda: gan.train_step(state(), 3, generator=gen())),
    Case("gan.train_step", "wrong batch", "sample_real",
         lambda: gan.train_step(state(), lambda n, g: torch.zeros(n + 1, 2), generator=gen())),
    Case("gan.train_step", "nan batch", "sample_real",
         lambda: gan.train_step(state(), lambda n, g: torch.full((n, 2), NAN), generator=gen())),
    Case("gan.train_step", "diverged", "lr_d", lambda: gan.train(
        state(loss="wgan_gp", lr_d=1e9, gp_lambda=0.0, lr_decay=False), SAMPLER, 5, generator=gen())),
    Case("gan.train", "negative", "n_steps", lambda: train(-1)),
    Case("gan.train", "float for int", "n_steps", lambda: train(2.0)),
    Case("gan.train", "callback without every", "every", lambda: train(callback=print)),
    Case("gan.train", "float for int", "every", lambda: train(callback=print, every=1.5)),
    Case("gan.train", "not callable", "callback", lambda: train(callback=3, every=1)),
    Case("gan.train", "string for bool", "progress", lambda: train(progress="yes")),
    Case("gan.train", "an int seed", "generator", lambda: gan.train(state(), SAMPLER, 2, generator=0)),
    Case("gan.train_mixture", "float for int", "seed",
         lambda: gan.train_mixture(RING, gan.GANConfig(), seed=0.5)),
    Case("gan.train_mixture", "zero", "n_eval",
         lambda: gan.train_mixture(RING, gan.GANConfig(), seed=0, n_eval=0)),
    Case("gan.train_mixture", "out of range", "reject",
         lambda: gan.train_mixture(RING, gan.GANConfig(), seed=0, reject=1.0)),
    Case("gan.train_mixture", "not a mixture", "mixture",
         lambda: gan.train_mixture(RING.means, gan.GANConfig(), seed=0)),
    # ------------------------------------------------------------------ sampling from G
    Case("gan.generate", "zero", "n", lambda: gan.generate(LIN, 0, 2, generator=gen())),
    Case("gan.generate", "not a module", "G", lambda: gan.generate(lambda z: z, 3, 2, generator=gen())),
    Case("gan.generate", "negative", "truncation", lambda: gan.generate(LIN, 3, 2, generator=gen(),
                                                                       truncation=-1.0)),
    Case("gan.jacobian_norms", "empty", "z", lambda: gan.jacobian_norms(LIN, torch.zeros(0, 2))),
    Case("gan.jacobian_norms", "wrong shape", "z", lambda: gan.jacobian_norms(LIN, torch.zeros(2, 2, 2))),
    Case("gan.jacobian_norms", "nan", "z", lambda: gan.jacobian_norms(LIN, torch.full((2, 2), NAN))),
    Case("gan.generate_jbt", "out of range", "reject",
         lambda: gan.generate_jbt(LIN, 5, 2, reject=1.0, generator=gen())),
    Case("gan.generate_jbt", "nan", "reject",
         lambda: gan.generate_jbt(LIN, 5, 2, reject=NAN, generator=gen())),
    Case("gan.generate_jbt", "zero", "n", lambda: gan.generate_jbt(LIN, 0, 2, reject=0.1, generator=gen())),
    # ------------------------------------------------------------------ plots
    Case("gan.discriminator_surface", "zero", "lim", lambda: gan.discriminator_surface(LIN, 0.0)),
    Case("gan.discriminator_surface", "one point", "n", lambda: gan.discriminator_surface(LIN, 1.0, 1)),
    Case("gan.discriminator_surface", "float for int", "n",
         lambda: gan.discriminator_surface(LIN, 1.0, 10.0)),
    Case("gan.plot_samples", "wrong shape", "samples",
         lambda: gan.plot_samples(AX, RING, np.zeros(3), lim=1.0)),
    Case("gan.plot_samples", "nan", "samples", lambda: gan.plot_samples(AX, RING, [[0.0, NAN]], lim=1.0)),
    Case("gan.plot_samples", "not axes", "ax",
         lambda: gan.plot_samples(None, RING, np.zeros((3, 2)), lim=1.0)),
    Case("gan.plot_samples", "inf", "lim", lambda: gan.plot_samples(AX, RING, np.zeros((3, 2)), lim=INF)),
    Case("gan.plot_gan_lab", "zero", "n_points",
         lambda: gan.plot_gan_lab(AX, state(), RING, lim=1.0, n_points=0, generator=gen())),
    Case("gan.plot_gan_lab", "not a state", "state",
         lambda: gan.plot_gan_lab(AX, None, RING, lim=1.0, generator=gen())),
    Case("gan.plot_gan_lab", "negative", "lim", lambda: gan.plot_gan_lab(AX, state(), RING, lim=-1.0,
                                                                        generator=gen())),
]

