"""Benchmark notebook 06: REINFORCE on CartPole-v1 (3 seeds) and Sarsa vs Q-learning on cliff walking.

Usage: python benchmarks/rl.py [--seeds 0 1 2] [--runs 50] [--estimator reinforce|actor_critic]

Per seed: training wall time, updates, environment steps, and the mean return of the greedy policy over
100 fresh evaluation episodes (target >= 475, each seed within 10 s on a 2-core CPU). Then both tabular
methods' average online reward per episode over the final 100 of 500 episodes, averaged over the runs.
The last line is one JSON object with all results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import gymnasium as gym
import numpy as np
import torch

from lecture_utils import policy_gradient as pg
from lecture_utils import rl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--runs", type=int, default=50, help="cliff-walking runs per method")
    parser.add_argument("--estimator", choices=["reinforce", "actor_critic"], default="reinforce")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (1: tiny nets)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    config = pg.ReinforceConfig(estimator=args.estimator)

    print(f"{args.estimator} on CartPole-v1 ({device}, torch threads {torch.get_num_threads()})")
    print(f"{'seed':>4} {'wall (s)':>9} {'updates':>8} {'env steps':>10} {'greedy mean':>12} "
          f"{'greedy min':>11}")
    # One-off imports (torch._dynamo on the first optimizer, Gymnasium's vector env) cost ~2-3 s in the first
    # run of a process: pay them before timing, so each seed's wall time is its training alone.
    start = time.perf_counter()
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])
    gym.make_vec(config.env_id, num_envs=2, vectorization_mode="vector_entry_point").close()
    warmup = time.perf_counter() - start
    print(f"(one-off imports before timing: {warmup:.1f} s)")
    cartpole = []
    for seed in args.seeds:
        start = time.perf_counter()
        policy, history = pg.train_reinforce(config, seed=seed, device=device)
        wall = time.perf_counter() - start
        returns = pg.evaluate_policy(policy, n_episodes=100, seed=10_000 + seed, device=device)
        row = {"seed": seed, "wall_s": round(wall, 1), "updates": len(history.mean_return),
               "env_steps": int(sum(history.env_steps)),
               "greedy_mean_return": round(float(returns.mean()), 1),
               "greedy_min_return": float(returns.min())}
        cartpole.append(row)
        print(f"{seed:>4} {row['wall_s']:>9.1f} {row['updates']:>8d} {row['env_steps']:>10d} "
              f"{row['greedy_mean_return']:>12.1f} {row['greedy_min_return']:>11.0f}", flush=True)

    env = gym.make("CliffWalking-v1")
    cfg = rl.TDConfig(n_runs=args.runs, n_episodes=500)
    print(f"\ncliff walking: alpha={cfg.alpha}, epsilon={cfg.epsilon}, "
          f"{cfg.n_runs} runs x {cfg.n_episodes} episodes")
    print(f"{'method':>11} {'wall (s)':>9} {'online reward/episode, last 100':>33} {'+- s.e.':>8} "
          f"{'greedy return':>14} {'greedy reaches G':>17}")
    cliff = {}
    for method in ("sarsa", "q_learning"):
        start = time.perf_counter()
        res = rl.td_control(env, method, cfg, rng=np.random.default_rng(0))
        wall = time.perf_counter() - start
        per_run = res.returns[:, -100:].mean(axis=1)
        greedy = np.array([rl.greedy_rollout(env, Q, max_steps=100)[1] for Q in res.Q])
        cliff[method] = {"wall_s": round(wall, 1), "final100_mean_reward": round(float(per_run.mean()), 2),
                         "se": round(float(per_run.std(ddof=1) / np.sqrt(len(per_run))), 2),
                         "greedy_return_mean": round(float(greedy.mean()), 2),
                         "greedy_reaches_goal": f"{int((greedy > -100).sum())}/{len(greedy)}"}
        c = cliff[method]
        print(f"{method:>11} {c['wall_s']:>9.1f} {c['final100_mean_reward']:>33.2f} {c['se']:>8.2f} "
              f"{c['greedy_return_mean']:>14.2f} {c['greedy_reaches_goal']:>17}", flush=True)
    print("(greedy return: argmax_a Q(s, a) from S, capped at 100 steps, so -100 if it never reaches G)")

    meta = {"python": platform.python_version(), "cpus": os.cpu_count(), "device": device,
            "torch_threads": torch.get_num_threads(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}
    print(json.dumps({"benchmark": "rl", "machine": meta, "estimator": args.estimator,
                      "warmup_s": round(warmup, 1), "cartpole": cartpole, "cliff_walking": cliff}))


if __name__ == "__main__":
    sys.exit(main())
