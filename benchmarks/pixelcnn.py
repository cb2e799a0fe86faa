"""Train the lecture's PixelCNN for several seeds; print its exact test log-likelihood and training wall time.

Usage: python benchmarks/pixelcnn.py [--seeds 0 1 2] [--n-val 200] [--threads 1] [--set FIELD=VALUE ...]

Uses ``PixelCNNConfig()`` (up to 60 epochs, early stopped) and ``train_pixelcnn`` on the project's digits
split: the validation images for early stopping are drawn (seeded, the same for every seed) from the training
split, the test split is only scored. Notebook 03 trains the same network for 30 epochs (its time budget):
``--set batch_size=128 lr=0.005 max_epochs=30``. Prints a table, then one JSON object on the last line.
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
from lecture_utils.pixelcnn import PixelCNNConfig, log_prob, split_validation, train_pixelcnn
from lecture_utils.vae import factorised_bernoulli_log_likelihood


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
    parser.add_argument("--n-val", type=int, default=200, help="training images held out for early stopping")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--set", nargs="*", default=[], metavar="FIELD=VALUE",
                        help="override PixelCNNConfig fields, e.g. --set channels=64 dropout=0.3")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    digits = load_digits_split()
    x_fit, x_val = split_validation(digits.x_train, args.n_val, generator=torch.Generator().manual_seed(0))
    config = PixelCNNConfig(**{k: _parse(v) for k, v in (kv.split("=", 1) for kv in args.set)})
    baseline = float(factorised_bernoulli_log_likelihood(digits.x_train, digits.x_test).mean())

    print(f"{'seed':>4} {'best epoch':>10} {'epochs run':>10} {'val (nats)':>10} {'test (nats)':>11} "
          f"{'train wall (s)':>14} {'epochs/s':>8}")
    rows = []
    for seed in args.seeds:
        wall0 = time.perf_counter()
        model, history = train_pixelcnn(x_fit, x_val, config, generator=torch.Generator().manual_seed(seed),
                                        device=device)
        wall = time.perf_counter() - wall0
        test = float(log_prob(model, digits.x_test).mean())
        epochs = len(history.series["epoch"])
        row = {"seed": seed, "best_epoch": int(history.series["best_epoch"][0]), "epochs": epochs,
               "val_nats": round(max(history.series["val_nats"]), 3), "test_nats": round(test, 3),
               "train_wall_s": round(wall, 1), "epochs_per_s": round(epochs / wall, 2)}
        rows.append(row)
        print(f"{seed:>4} {row['best_epoch']:>10} {epochs:>10} {row['val_nats']:>10.2f} "
              f"{row['test_nats']:>11.2f} {row['train_wall_s']:>14.1f} {row['epochs_per_s']:>8.2f}",
              flush=True)
    test_all = np.array([r["test_nats"] for r in rows])
    sd = float(test_all.std(ddof=1)) if len(rows) > 1 else 0.0
    print(f"mean over {len(rows)} seeds: exact test log-likelihood {test_all.mean():.2f} ± {sd:.2f} (sd) "
          f"nats per image; factorised Bernoulli baseline {baseline:.2f}")
    meta = {"python": platform.python_version(), "torch": torch.__version__, "device": device,
            "cpus": os.cpu_count(), "threads": args.threads}
    print(json.dumps({"benchmark": "pixelcnn", "config": asdict(config), "n_val": args.n_val, "machine": meta,
                      "baseline_test_ll": round(baseline, 3), "seeds": rows,
                      "mean_test_ll": round(float(test_all.mean()), 3), "sd_test_ll": round(sd, 3),
                      "mean_train_wall_s": round(float(np.mean([r["train_wall_s"] for r in rows])), 1)}))


if __name__ == "__main__":
    sys.exit(main())
