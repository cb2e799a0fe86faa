"""Run the test lanes one after the other and print how long each took (``make test`` runs them all).

Usage: python tools/lanes.py [LANE ...]   (default: every lane, in the order below)

Lanes:
  lint                ruff on the library, tests, benchmarks, tools and the notebooks' text; mypy
  unit                the unit tests (pytest tests/: no notebooks, no browser)
  nbval               every notebook under strict nbval (outputs compared)
  nbval-1thread-avx2  the same with OMP_NUM_THREADS=1 ATEN_CPU_CAPABILITY=avx2 (another thread count and CPU
                      kernel set: the committed outputs must not depend on them)
  slides              the reveal.js decks (tools/slides.py)
  browser             each notebook run from JupyterLab's menu in headless Chromium, and one deck
  latest              a separate venv with the newest releases pyproject.toml allows: unit tests and every
                      notebook executed top to bottom (tools/latest.py)
Every lane runs even when an earlier one fails; the exit status is non-zero if any failed. The last line is
"lanes: N passed, M failed".
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
PY = sys.executable
PYTEST = [PY, "-m", "pytest", "-rs"]

LANES: dict[str, tuple[list[list[str]], dict[str, str]]] = {
    "lint": ([[PY, "-m", "ruff", "check", "lecture_utils", "tests", "benchmarks", "tools", "notebooks"],
              [PY, "-m", "mypy"]], {}),
    "unit": ([[*PYTEST, "tests"]], {}),
    "nbval": ([[*PYTEST, "notebooks"]], {}),
    "nbval-1thread-avx2": ([[*PYTEST, "notebooks"]], {"OMP_NUM_THREADS": "1", "ATEN_CPU_CAPABILITY": "avx2"}),
    "slides": ([[PY, "tools/slides.py"]], {}),
    "browser": ([[*PYTEST, "-m", "browser", "tests/test_browser.py"]], {}),
    "latest": ([[PY, "tools/latest.py"]], {}),
}


def run_lane(name: str) -> tuple[bool, float]:
    """Run one lane's commands in order (stopping at the first failure); return (passed, wall seconds)."""
    commands, env = LANES[name]
    start = time.perf_counter()
    ok = True
    for cmd in commands:
        print(f"\n=== lane {name}: {' '.join(cmd[1:] if cmd[0] == PY else cmd)}", flush=True)
        if subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}).returncode != 0:
            ok = False
            break
    return ok, time.perf_counter() - start


def main(argv: list[str]) -> int:
    names = argv or list(LANES)
    unknown = [n for n in names if n not in LANES]
    if unknown:
        print(f"unknown lane(s) {unknown}; lanes are: {', '.join(LANES)}", file=sys.stderr)
        return 2
    results = {name: run_lane(name) for name in names}
    print("\nlane                  result  wall (s)")
    for name, (ok, wall) in results.items():
        print(f"{name:<20}  {'pass' if ok else 'FAIL':>6}  {wall:8.1f}")
    total = sum(wall for _, wall in results.values())
    print(f"{'total':<20}  {'':>6}  {total:8.1f}")
    failed = sum(not ok for ok, _ in results.values())
    print(f"lanes: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
