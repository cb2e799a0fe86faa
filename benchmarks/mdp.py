"""Value iteration on a 100x100 slippery gridworld: vectorized numpy (lecture_utils.mdp) vs Python loops.

Usage: python benchmarks/mdp.py [--size 100] [--loop-sweeps 30] [--full]

The vectorized run goes to convergence (sup-norm change < 1e-10). The plain-loop version (the textbook
triple loop over states, actions and successors, on Python lists from the toy-text ``P[s][a]`` table) runs
``--loop-sweeps`` sweeps and its time is extrapolated per sweep to the same number of sweeps, unless
``--full`` runs it to convergence. Both give the same values after the same number of sweeps (checked).
Prints a table, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from lecture_utils.gridworld import gridworld_successor_mdp
from lecture_utils.mdp import SuccessorMDP, bellman_optimality_backup, value_iteration

TOL = 1e-10


def loop_tables(mdp: SuccessorMDP) -> tuple[list, list, list]:
    """Toy-text style lists: succ[s][a] = [(prob, next_state), ...], R[s][a], terminal[s]."""
    pairs = zip(mdp.prob.tolist(), mdp.next_state.tolist(), strict=True)
    succ = [[[(p, s2) for p, s2 in zip(ps, ns, strict=True) if p > 0]
             for ps, ns in zip(p_s, n_s, strict=True)] for p_s, n_s in pairs]
    return succ, mdp.R.tolist(), mdp.terminal.tolist()


def loop_sweep(succ: list, R: list, terminal: list, gamma: float, V: list) -> list:
    """One synchronous Bellman optimality sweep with plain Python loops."""
    V_new = [0.0] * len(V)
    for s in range(len(V)):
        if terminal[s]:
            continue
        best = -float("inf")
        for a, outcomes in enumerate(succ[s]):
            q = R[s][a]
            for p, s2 in outcomes:
                q += gamma * p * V[s2]
            best = max(best, q)
        V_new[s] = best
    return V_new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100, help="grid side (default 100: 10,000 states)")
    parser.add_argument("--loop-sweeps", type=int, default=30, help="sweeps timed for the loop version")
    parser.add_argument("--full", action="store_true", help="run the loop version to convergence")
    args = parser.parse_args()

    mdp = gridworld_successor_mdp((args.size, args.size), gamma=1.0, slip=0.2, step_reward=-1.0)

    t0 = time.perf_counter()
    V_star, _ = value_iteration(mdp, tol=TOL)
    t_vec_total = time.perf_counter() - t0
    # count the sweeps the library needed, with the same criterion, keeping the iterate after loop_sweeps
    V, sweeps, V_at_loop_sweeps = np.zeros(mdp.n_states), 0, None
    while True:
        V_new = bellman_optimality_backup(mdp, V)
        sweeps += 1
        if sweeps == args.loop_sweeps:
            V_at_loop_sweeps = V_new
        if np.abs(V_new - V).max() < TOL:
            break
        V = V_new
    t_vec = t_vec_total / sweeps

    succ, R, terminal = loop_tables(mdp)
    n_loop = sweeps if args.full else min(args.loop_sweeps, sweeps)
    V_vec = V_new if n_loop == sweeps else V_at_loop_sweeps  # the vectorized iterate after n_loop sweeps
    V_loop = [0.0] * mdp.n_states
    t0 = time.perf_counter()
    for _ in range(n_loop):
        V_loop = loop_sweep(succ, R, terminal, mdp.gamma, V_loop)
    t_loop_run = time.perf_counter() - t0
    max_diff = float(np.abs(np.array(V_loop) - V_vec).max())
    if max_diff > 1e-8:
        raise SystemExit(f"loop and vectorized sweeps disagree by {max_diff}")
    t_loop = t_loop_run / n_loop
    t_loop_total = t_loop * sweeps
    ratio = t_loop / t_vec

    print(f"Value iteration, {args.size}x{args.size} slippery gridworld ({mdp.n_states} states, "
          f"4 actions, gamma = 1), {sweeps} sweeps to sup-norm change < {TOL:g}")
    print(f"{'implementation':<28}{'per sweep (ms)':>16}{'to convergence (s)':>20}")
    print(f"{'vectorized numpy':<28}{1e3 * t_vec:>16.2f}{t_vec_total:>20.2f}")
    how = "measured" if n_loop == sweeps else f"extrapolated from {n_loop} sweeps"
    print(f"{'plain Python loops':<28}{1e3 * t_loop:>16.1f}{t_loop_total:>20.1f}   ({how})")
    print(f"speed-up (loop / vectorized, per sweep): {ratio:.0f}x;  V*(top-left) = {V_star[0]:.3f};  "
          f"loop vs vectorized after {n_loop} sweeps: max |diff| = {max_diff:.1e}")
    print("(timings on a shared machine; other processes inflate both columns)")
    print(json.dumps({
        "benchmark": "value_iteration", "grid": [args.size, args.size], "states": mdp.n_states,
        "sweeps": sweeps,
        "vectorized_s_per_sweep": round(t_vec, 6), "vectorized_total_s": round(t_vec_total, 3),
        "loop_s_per_sweep": round(t_loop, 4), "loop_total_s": round(t_loop_total, 2),
        "loop_sweeps_timed": n_loop, "loop_total_extrapolated": n_loop != sweeps,
        "speedup": round(ratio, 1), "python": platform.python_version(), "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
