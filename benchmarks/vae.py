"""Train notebook 03's main VAE for several seeds; print test ELBO, importance-weighted log p(x), wall time.

Usage: python benchmarks/vae.py [--seeds 0 1 2] [--k 500] [--threads 1] [--set FIELD=VALUE ...]

Uses the notebook's own config (``VAEConfig()``) and training function, on the same digits split.
Prints a table, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict

import numpy as np
import torch

from lecture_utils.data import load_digits_split
from lecture_utils.vae import (
    VAEConfig,
    elbo,
    factorised_bernoulli_log_likelihood,
    iw_log_likelihood,
    train_vae,
)


def _parse(value: str) -> int | float | str:
    """A config override's value: an int or a float if it parses as one, else the string."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--k", type=int, default=500, help="importance samples per test image")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (the notebook uses 1)")
    parser.add_argument("--set", nargs="*", default=[], metavar="FIELD=VALUE",
                        help="override VAEConfig fields, e.g. --set epochs=200 prior=standard")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    digits = load_digits_split()
    x_train, x_test = digits.x_train, digits.x_test  # the library validates, flattens and moves them
    config = VAEConfig(**{k: _parse(v) for k, v in (kv.split("=", 1) for kv in args.set)})
    baseline = float(factorised_bernoulli_log_likelihood(digits.x_train, digits.x_test).mean())

    print(f"{'seed':>4} {'train ELBO':>11} {'test ELBO':>10} {f'test IW (K={args.k})':>17} "
          f"{'train wall (s)':>15} {'train CPU (s)':>14}")
    rows = []
    for seed in args.seeds:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        model, history = train_vae(x_train, config, x_test=x_test, device=device, progress=False,
                                   generator=torch.Generator().manual_seed(seed))
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        with torch.no_grad():
            test_elbo = elbo(model, x_test, generator=torch.Generator().manual_seed(2), n_samples=100)
        iw = iw_log_likelihood(model, x_test, args.k, generator=torch.Generator().manual_seed(10 + args.k))
        row = {"seed": seed, "train_elbo": round(history.train_elbo[-1], 3),
               "test_elbo": round(float(test_elbo.mean()), 3), "test_iw_ll": round(float(iw.mean()), 3),
               "train_wall_s": round(wall, 1), "train_cpu_s": round(cpu, 1)}
        rows.append(row)
        print(f"{seed:>4} {row['train_elbo']:>11.2f} {row['test_elbo']:>10.2f} {row['test_iw_ll']:>17.2f} "
              f"{row['train_wall_s']:>15.1f} {row['train_cpu_s']:>14.1f}", flush=True)
    iw_all = np.array([r["test_iw_ll"] for r in rows])
    elbo_all = np.array([r["test_elbo"] for r in rows])
    sd = lambda a: float(a.std(ddof=1)) if len(a) > 1 else 0.0  # noqa: E731
    print(f"mean over {len(rows)} seeds: test ELBO {elbo_all.mean():.2f} ± {sd(elbo_all):.2f} (sd), "
          f"test IW log-likelihood {iw_all.mean():.2f} ± {sd(iw_all):.2f} (sd) nats per image")
    print(f"factorised Bernoulli baseline (independent pixels): {baseline:.2f} nats per image")
    meta = {"python": platform.python_version(), "torch": torch.__version__, "device": device,
            "cpus": os.cpu_count(), "threads": args.threads}
    print(json.dumps({"benchmark": "vae", "config": asdict(config), "k": args.k, "machine": meta,
                      "baseline_test_ll": round(baseline, 3), "seeds": rows,
                      "mean_test_elbo": round(float(elbo_all.mean()), 3),
                      "mean_test_iw_ll": round(float(iw_all.mean()), 3),
                      "sd_test_iw_ll": round(sd(iw_all), 3)}))


if __name__ == "__main__":
    sys.exit(main())
