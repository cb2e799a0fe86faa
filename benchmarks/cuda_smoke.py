"""CUDA smoke run: the VAE, 2-D GAN and REINFORCE training paths on ``device='cuda'``.

Usage (on a machine with a GPU): python benchmarks/cuda_smoke.py
Prints one line per model, then one JSON object on the last line.
"""

import json
import time

import numpy as np
import torch

from lecture_utils import gan, vae
from lecture_utils import policy_gradient as pg
from lecture_utils.data import load_digits_split


def main() -> None:
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: this smoke run is for a GPU machine")
    dev = "cuda"
    out: dict = {"benchmark": "cuda_smoke", "torch": torch.__version__, "gpu": torch.cuda.get_device_name(0)}
    digits = load_digits_split()
    t = time.perf_counter()
    model, hist = vae.train_vae(digits.x_train, vae.VAEConfig(), generator=torch.Generator().manual_seed(0),
                                x_test=digits.x_test, device=dev, progress=False)
    ll = vae.iw_log_likelihood(model, digits.x_test, 500, generator=torch.Generator().manual_seed(1))
    out["vae"] = {"wall_s": round(time.perf_counter() - t, 1), "test_elbo": round(hist.test_elbo[-1], 2),
                  "test_iw500": round(ll.mean().item(), 2)}
    print("VAE", out["vae"])
    t = time.perf_counter()
    run = gan.train_mixture(gan.ring_mixture(), gan.mixture_config("ring"), seed=0, device=dev)
    out["gan_ring"] = {"wall_s": round(time.perf_counter() - t, 1), "modes": run.coverage.modes_covered,
                       "high_quality": round(run.coverage.high_quality, 3)}
    print("GAN ring", out["gan_ring"])
    t = time.perf_counter()
    policy, h = pg.train_reinforce(pg.ReinforceConfig(), seed=0, device=dev)
    returns = pg.evaluate_policy(policy, n_episodes=100, seed=10_000, device=dev)
    out["reinforce"] = {"wall_s": round(time.perf_counter() - t, 1), "updates": len(h.mean_return),
                        "greedy_mean": round(float(np.mean(returns)), 1)}
    print("REINFORCE", out["reinforce"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
