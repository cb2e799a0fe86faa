"""The "latest" lane: the newest releases that pyproject.toml's ranges allow, in their own venv.

Usage: python tools/latest.py [--venv .venv-latest]

Creates (or upgrades) a virtual environment with
``pip install --upgrade --upgrade-strategy eager -e .[lab,test]`` and no constraints.txt, except torch,
which stays at constraints.txt's CPU version (an unpinned torch pulls a multi-GB CUDA build). Then runs
the unit tests and executes every notebook top to bottom with nbval-lax (a newer release may change a
compared output legitimately; a failing assert or an error still fails the lane), and prints the versions
it used next to the pinned ones. Students on Colab or with a fresh ``pip install`` get these releases:
this lane is how we hear first that one breaks a notebook.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

from environment import constraints  # tools/environment.py: the one reader of constraints.txt
from packaging.utils import canonicalize_name

ROOT = pathlib.Path(__file__).resolve().parents[1]
# What decides the notebooks' results or runs them; printed in the version table.
SHOWN = ["numpy", "scipy", "matplotlib", "torch", "scikit-learn", "gymnasium", "tqdm", "ipywidgets", "pygame",
         "threadpoolctl", "ipykernel", "jupyterlab", "nbval", "pytest", "jupytext", "hypothesis"]


def run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=".venv-latest")
    args = parser.parse_args()
    venv = ROOT / args.venv
    py = str(venv / "bin" / "python")
    if not (venv / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(venv)])
    run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(f"torch=={constraints()['torch']}\n")
    run([py, "-m", "pip", "install", "--quiet", "--upgrade", "--upgrade-strategy", "eager", "-c", f.name,
         "-e", ".[lab,test]"])
    failed = []
    steps = [("unit tests", [py, "-m", "pytest", "-q", "-rs", "tests"]),
             ("notebooks (executed, nbval-lax)", [py, "-m", "pytest", "-q", "--nbval-lax", "notebooks"])]
    for label, cmd in steps:
        print(f"\n--- latest: {label}", flush=True)
        if subprocess.run(cmd, cwd=ROOT).returncode != 0:
            failed.append(label)
    listed = subprocess.run([py, "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
                            check=True).stdout
    # "2.13.0+cpu" is the CPU build of 2.13.0: compare public versions
    installed = {canonicalize_name(p["name"]): p["version"].split("+")[0] for p in json.loads(listed)}
    pinned = constraints()
    print(f"\n{'package':<16}{'pinned':>12}{'latest lane':>14}")
    for name in SHOWN:
        mark = "" if installed.get(name) == pinned.get(name) else "  *"
        print(f"{name:<16}{pinned.get(name, '-'):>12}{installed.get(name, '-'):>14}{mark}")
    print("(* differs from the pin)")
    if failed:
        print(f"latest lane failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
