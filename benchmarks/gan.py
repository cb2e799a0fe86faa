"""Benchmark notebook 04's GANs: 2-D mode coverage (ring, grid; 5 seeds each) of the MLP recipe and of the
mixture generator, the ring ablation, the losses side by side, and the digits DCGAN.

Usage: python benchmarks/gan.py OUTDIR DIGITS_NPY [--seeds 0 1 2 3 4] [--skip-mixtures] [--skip-digits]
                                 [--skip-ablation] [--skip-losses] [--skip-conditional]
                                 [--skip-mixture-generator]

Writes OUTDIR/{ring,grid}_seed{S}.npy (2500 evaluation samples G(z), z ~ N(0, I), shape (2500, 2)),
OUTDIR/{ring,grid}_seed{S}_jbt.npy (2500 samples after Jacobian-based truncation: of 2778 draws of z, the 10%
with the largest ||dG/dz|| rejected), OUTDIR/{ring,grid}_seed{S}_mixg.npy (2500 samples G(z) of the mixture
generator, gan.MixtureGenerator with gan.mixture_g_config: #13's point 4) and DIGITS_NPY (1000 generated
digits, float32 (1000, 8, 8) in [0, 1]) of the digits DCGAN's long recipe (gan.DIGITS_LONG: 5000 steps; G
reading gan.DIGITS_CODES codes of z), scored against issue #13's targets. The ablation trains notebook 04's
one-change-at-a-time variants of the ring recipe (gan.ABLATION: 2000 steps, batches of 64) for each seed and
saves nothing; so does the loss comparison (gan.LOSS_COMPARISON: non-saturating, LSGAN and WGAN-GP at that
budget, on the ring and the grid, with how closely D's signal follows the samples' distance to the modes). The
class-conditional DCGAN (for each seed) writes DIGITS_NPY's folder/<stem>_conditional_seed{S}.npz: x (1000, 8,
8) float32 in [0, 1], 100 per class, and y (1000,) their labels. Prints a table per part, then one JSON object
on the last line with per-seed metrics and wall times. A run's wall time covers training and both evaluations.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import platform
import sys
import time

import numpy as np
import torch

from lecture_utils import gan, gan_eval
from lecture_utils.data import DigitsSplit, load_digits_split

# The two generators of the mixtures part: the MLP recipe (notebook 04, section 5), whose samples are also
# Jacobian-truncated, and the mixture generator (gan.MixtureGenerator, #13 point 4), whose plain samples are
# the point. name: (config, networks, file suffix of its plain samples)
GENERATORS = {
    "MLP recipe": (gan.mixture_config, gan.MIXTURE_NETS, ""),
    "mixture generator": (gan.mixture_g_config, gan.MIXTURE_G_NETS, "_mixg"),
}


def run_mixtures(outdir: pathlib.Path, seeds: list[int], device: str, generator: str) -> list[dict]:
    """Train ``generator``'s recipe on the ring and the grid for each seed; save samples; print a table."""
    make_config, nets, suffix = GENERATORS[generator]
    rows = []
    print(f"\n{generator}: {'plain G(z)':^29} {'Jacobian-truncated':^21}")
    print(f"{'mixture':<8} {'seed':>4} {'modes':>7} {'high quality':>13} {'width':>7} {'modes':>7} "
          f"{'high quality':>13} {'wall (s)':>9}")
    for name, mixture in [("ring", gan.ring_mixture()), ("grid", gan.grid_mixture())]:
        for seed in seeds:
            cfg = make_config(name)
            start = time.perf_counter()
            run = gan.train_mixture(mixture, cfg, seed=seed, device=device, **nets[name])
            wall = time.perf_counter() - start
            np.save(outdir / f"{name}_seed{seed}{suffix}.npy", run.samples.astype(np.float32))
            if not suffix:  # the MLP recipe's truncated samples, as before
                np.save(outdir / f"{name}_seed{seed}_jbt.npy", run.samples_jbt.astype(np.float32))
            c, cj = run.coverage, run.coverage_jbt
            width = c.median_distance / mixture.std
            rows.append({"mixture": name, "seed": seed, "n_modes": c.n_modes, "steps": cfg.steps,
                         "modes_covered": c.modes_covered, "high_quality": round(c.high_quality, 4),
                         "median_distance_std": round(width, 2),
                         "modes_covered_jbt": cj.modes_covered, "high_quality_jbt": round(cj.high_quality, 4),
                         "wall_s": round(wall, 1)})
            print(f"{name:<8} {seed:>4} {c.modes_covered:>3}/{c.n_modes:<3} {100 * c.high_quality:>12.1f}% "
                  f"{width:>7.2f} {cj.modes_covered:>3}/{cj.n_modes:<3} {100 * cj.high_quality:>12.1f}% "
                  f"{wall:>9.1f}", flush=True)
        mine = [r for r in rows if r["mixture"] == name]
        keys = ("modes_covered", "high_quality", "median_distance_std", "modes_covered_jbt",
                "high_quality_jbt", "wall_s")
        mean = {k: np.mean([r[k] for r in mine]) for k in keys}
        print(f"{name:<8} {'mean':>4} {mean['modes_covered']:>7.1f} {100 * mean['high_quality']:>12.1f}% "
              f"{mean['median_distance_std']:>7.2f} {mean['modes_covered_jbt']:>7.1f} "
              f"{100 * mean['high_quality_jbt']:>12.1f}% {mean['wall_s']:>9.1f}", flush=True)
    n_draws = math.ceil(2500 / (1 - gan.JBT_REJECT))
    print(f"(Jacobian-truncated: of {n_draws} draws of z, the {gan.JBT_REJECT:.0%} with the largest "
          "||dG/dz|| rejected; high quality = within 3 std of the nearest mode; width = the samples' median "
          f"distance to their nearest mode in std, {math.sqrt(2 * math.log(2)):.2f} for the data itself)")
    return rows


def _targets_met(rows: list[dict], suffix: str) -> bool:
    """#13's point 4: every mode covered, at least 95% high quality, and at most 60 s, on every run."""
    return all(r[f"modes_covered{suffix}"] == r["n_modes"] and r[f"high_quality{suffix}"] >= 0.95
               and r["wall_s"] <= 60 for r in rows)


def run_ablation(seeds: list[int], device: str) -> list[dict]:
    """Train each variant of gan.ABLATION on the ring for each seed; print a table of its metrics."""
    ring, rows = gan.ring_mixture(), []
    print(f"\nring ablation (notebook 04): {gan.mixture_ablation_config('recipe').steps} steps, batches of "
          f"{gan.mixture_ablation_config('recipe').batch_size}, one change to the recipe per row")
    print(f"{'variant':<12} {'seed':>4} {'modes':>6} {'high quality':>13} {'largest share':>14} "
          f"{'wall (s)':>9}")
    for variant in gan.ABLATION:
        for seed in seeds:
            start = time.perf_counter()
            run = gan.train_mixture(ring, gan.mixture_ablation_config(variant), seed=seed, device=device,
                                    **gan.MIXTURE_NETS["ring"])
            wall = time.perf_counter() - start
            c = run.coverage
            largest = c.largest_share  # of all samples, by nearest mode
            row = {"variant": variant, "seed": seed, "modes_covered": c.modes_covered,
                   "high_quality": round(c.high_quality, 4), "largest_share": round(float(largest), 4),
                   "wall_s": round(wall, 1)}
            rows.append(row)
            print(f"{variant:<12} {seed:>4} {c.modes_covered:>4}/8 {100 * c.high_quality:>12.1f}% "
                  f"{100 * largest:>13.1f}% {wall:>9.1f}", flush=True)
    print("(largest share: the part of all 2500 samples whose nearest mode is the most popular one; 12.5% "
          "when the samples are spread evenly, 100% when they have collapsed onto one mode)")
    return rows


def run_losses(seeds: list[int], device: str) -> list[dict]:
    """Train each loss of gan.LOSS_COMPARISON on the ring and the grid for each seed; print its metrics."""
    rows = []
    print(f"\nlosses side by side (notebook 04, section 8): {gan.mixture_loss_config('ring', 'lsgan').steps} "
          f"steps, batches of 64, the same initialisation per seed")
    print(f"{'mixture':<8} {'loss':<15} {'seed':>4} {'modes':>7} {'high quality':>13} {'largest share':>14} "
          f"{'median dist':>12} {'rho(signal, dist)':>18} {'signal change':>14} {'wall (s)':>9}")
    for name, mixture in [("ring", gan.ring_mixture()), ("grid", gan.grid_mixture())]:
        for loss in gan.LOSS_COMPARISON:
            for seed in seeds:
                cfg = gan.mixture_loss_config(name, loss)
                record, track = gan.distance_tracker(mixture, device=device)
                start = time.perf_counter()
                run = gan.train_mixture(mixture, cfg, seed=seed, device=device, callback=record, every=100,
                                        **gan.MIXTURE_NETS[name])
                wall = time.perf_counter() - start
                c = run.coverage
                change, shrink, rho = gan.signal_track(run.state, track).second_half()
                row = {"mixture": name, "loss": loss, "seed": seed, "n_modes": c.n_modes,
                       "modes_covered": c.modes_covered, "high_quality": round(c.high_quality, 4),
                       "largest_share": round(c.largest_share, 4),
                       "median_distance": round(c.median_distance, 4),
                       "rho_second_half": round(rho, 3), "signal_change_second_half": round(change, 4),
                       "distance_shrink_second_half": round(shrink, 2),
                       "wall_s": round(wall, 1)}
                rows.append(row)
                print(f"{name:<8} {loss:<15} {seed:>4} {c.modes_covered:>3}/{c.n_modes:<3} "
                      f"{100 * c.high_quality:>12.1f}% {100 * c.largest_share:>13.1f}% "
                      f"{c.median_distance:>12.4f} "
                      f"{rho:>18.2f} {100 * change:>13.1f}% {wall:>9.1f}", flush=True)
    print("(signal: D's loss, or for wgan_gp the critic's gap E D(x) - E D(G(z)); rho and change over the "
          "second half of training, checkpoints every 100 steps; median dist: of each sample to its nearest "
          "mode)")
    return rows


def digit_scoring(seed: int) -> tuple[DigitsSplit, gan_eval.DigitScorer, np.ndarray, np.ndarray]:
    """The digits (pixels in [0, 1]), the classifier that scores samples, and the test split's two halves:
    the reference that Frechet distances are measured to, and held-out real digits to score beside samples."""
    digits = load_digits_split(binarize=False)
    scorer = gan_eval.fit_digit_scorer(digits.x_train, digits.y_train, seed=seed)
    return digits, scorer, digits.x_test[::2], digits.x_test[1::2]


def digits_targets_met(q: gan_eval.DigitQuality, real: gan_eval.DigitQuality, wall: float) -> bool:
    """Issue #13's targets for 1000 unconditional digits: mean confidence >= 0.97, every class 7%-13% of the
    samples, Frechet distance <= 1.3 x held-out real digits', training <= 60 s."""
    return (q.confidence >= 0.97 and q.smallest_class_share >= 0.07 and q.largest_class_share <= 0.13
            and q.frechet <= 1.3 * real.frechet and wall <= 60)


def run_conditional(path: pathlib.Path, seeds: list[int], device: str) -> list[dict]:
    """Train the class-conditional DCGAN on the digits per seed; score 100 samples per class; save them."""
    digits, scorer, ref, held_out = digit_scoring(seed=0)
    cfg = gan.digits_config(n_classes=10)
    real = gan_eval.digit_quality(scorer, held_out, ref)
    real_acc = gan_eval.label_accuracy(scorer, digits.x_test, digits.y_test)
    print(f"\nclass-conditional DCGAN (projection discriminator): {cfg.steps} steps, batches of "
          f"{cfg.batch_size}; 100 samples per class, scored by the classifier")
    print(f"{'seed':>4} {'accuracy':>9} {'worst class':>12} {'confidence':>11} {'Frechet':>8} "
          f"{'wall (s)':>9}")
    print(f"{'real':>4} {real_acc:>9.3f} {'':>12} {real.confidence:>11.3f} {real.frechet:>8.2f}   "
          "(test digits)")
    rows, y = [], np.repeat(np.arange(10), 100)
    for seed in seeds:
        start = time.perf_counter()
        nets = gan.make_conv_models(cfg.latent_dim, 32, n_classes=10, device=device,
                                    generator=torch.Generator().manual_seed(seed))
        state = gan.init_state(*nets, cfg)
        sampler = gan.labelled_sampler(torch.as_tensor(digits.x_train, device=device),
                                       torch.as_tensor(digits.y_train, device=device))
        gan.train(state, sampler, cfg.steps, generator=torch.Generator().manual_seed(seed), device=device)
        wall = time.perf_counter() - start
        x = gan.generate(state.G, len(y), cfg.latent_dim, generator=torch.Generator().manual_seed(seed + 1),
                         device=device, labels=y).astype(np.float32)
        np.savez(path.with_name(f"{path.stem}_conditional_seed{seed}.npz"), x=x, y=y)
        q = gan_eval.digit_quality(scorer, x, ref)
        per_class = gan_eval.per_class_accuracy(scorer, x, y)
        row = {"seed": seed, "accuracy": round(gan_eval.label_accuracy(scorer, x, y), 4),
               "per_class_accuracy": [round(float(a), 3) for a in per_class],
               "confidence": round(q.confidence, 4),
               "frechet": round(q.frechet, 3), "wall_s": round(wall, 1)}
        rows.append(row)
        worst = int(np.argmin(per_class))
        print(f"{seed:>4} {row['accuracy']:>9.3f} {f'{worst}: {per_class[worst]:.2f}':>12} "
              f"{q.confidence:>11.3f} {q.frechet:>8.2f} {wall:>9.1f}", flush=True)
    print(f"(accuracy: the classifier's label is the one the digit was generated for; real test digits: "
          f"{real_acc:.3f}; Frechet to half of the test split; saved as {path.stem}_conditional_seedS.npz "
          "with x (1000, 8, 8) in [0, 1] and y (1000,))")
    return rows


def run_digits(path: pathlib.Path, device: str, seed: int = 0) -> dict:
    """Train the DCGAN on the digits, save 1000 samples, score them against held-out real digits."""
    digits, scorer, ref, held_out = digit_scoring(seed=seed)
    cfg = gan.digits_config(**gan.DIGITS_LONG)
    start = time.perf_counter()
    nets = gan.make_conv_models(cfg.latent_dim, 32, generator=torch.Generator().manual_seed(seed),
                                device=device, n_codes=gan.DIGITS_CODES)
    state = gan.init_state(*nets, cfg)
    gan.train(state, gan.tensor_sampler(torch.as_tensor(digits.x_train, device=device)), cfg.steps,
              generator=torch.Generator().manual_seed(seed), device=device)
    wall = time.perf_counter() - start
    samples = gan.generate(state.G, 1000, cfg.latent_dim, generator=torch.Generator().manual_seed(seed + 1),
                           device=device).astype(np.float32)
    np.save(path, samples)
    n = len(held_out)
    scores = {"held-out real": gan_eval.digit_quality(scorer, held_out, ref),
              f"generated (first {n})": gan_eval.digit_quality(scorer, samples[:n], ref),
              "generated (all 1000)": gan_eval.digit_quality(scorer, samples, ref)}
    q, real = scores["generated (all 1000)"], scores["held-out real"]
    met = digits_targets_met(q, real, wall)
    print(f"\ndigits DCGAN ({gan.DIGITS_CODES} latent codes): {cfg.steps} steps in {wall:.1f} s; scored by a "
          f"classifier on the train split")
    print(f"{'samples':<24} {'confidence':>10} {'label entropy':>14} {'classes':>8} {'class shares':>13} "
          f"{'Frechet':>8}")
    for name, s in scores.items():
        shares = f"{s.smallest_class_share:.1%}-{s.largest_class_share:.1%}"
        print(f"{name:<24} {s.confidence:>10.3f} {s.class_entropy:>14.2f} {s.classes_covered:>8d} "
              f"{shares:>13} {s.frechet:>8.2f}")
    print("(Frechet distance to half of the test split, in the classifier's 64 hidden features; "
          "label entropy in bits, uniform = 3.32)")
    print(f"targets (1000 samples: confidence >= 0.97, every class 7%-13%, Frechet <= 1.3 x held-out real's "
          f"{real.frechet:.2f}, training <= 60 s): {'met' if met else 'NOT met'}")
    return {"wall_s": round(wall, 1), "steps": cfg.steps, "n_codes": gan.DIGITS_CODES, "targets_met": met,
            "scores": {k: {f: round(float(getattr(q, f)), 4) for f in q.__dataclass_fields__}
                       for k, q in scores.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=pathlib.Path, help="folder for the (2500, 2) evaluation samples")
    parser.add_argument("digits_path", type=pathlib.Path, help="where to save the (1000, 8, 8) digits")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--skip-mixtures", action="store_true")
    parser.add_argument("--skip-mixture-generator", action="store_true")
    parser.add_argument("--skip-digits", action="store_true")
    parser.add_argument("--skip-ablation", action="store_true")
    parser.add_argument("--skip-losses", action="store_true")
    parser.add_argument("--skip-conditional", action="store_true")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default: the 2 cores)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    args.outdir.mkdir(parents=True, exist_ok=True)
    args.digits_path.parent.mkdir(parents=True, exist_ok=True)
    result: dict = {"benchmark": "gan", "device": device,
                    "machine": {"python": platform.python_version(), "torch": torch.__version__,
                                "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads()}}
    if not args.skip_mixtures:
        rows = run_mixtures(args.outdir, args.seeds, device, "MLP recipe")
        result["mixtures"] = rows
        for suffix in ("", "_jbt"):
            result[f"targets_met{suffix or '_plain'}"] = _targets_met(rows, suffix)
    if not args.skip_mixture_generator:
        rows = run_mixtures(args.outdir, args.seeds, device, "mixture generator")
        result["mixture_generator"] = rows
        result["targets_met_mixture_generator"] = _targets_met(rows, "")
    if not args.skip_ablation:
        result["ablation"] = run_ablation(args.seeds, device)
    if not args.skip_losses:
        result["losses"] = run_losses(args.seeds, device)
    if not args.skip_digits:
        result["digits"] = run_digits(args.digits_path, device)
    if not args.skip_conditional:
        result["conditional"] = run_conditional(args.digits_path, args.seeds, device)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
