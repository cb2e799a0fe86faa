"""Execute each notebook in a fresh kernel; print wall time and the kernel's peak RSS.

Usage: python benchmarks/notebooks.py [NOTEBOOK ...]   (default: every notebooks/NN_*.ipynb)

Prints a table, then one JSON object on the last line. Peak memory is the kernel process's
high-water mark (VmHWM from /proc), read just before the kernel is shut down.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import sys
import time

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _peak_rss_mb(pid: int) -> float:
    """High-water RSS of a process in MB (Linux /proc)."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found")


def run_notebook(path: pathlib.Path, timeout: int = 900) -> dict:
    """Run one notebook top to bottom in a fresh kernel; return wall time and peak memory."""
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3")
    start = time.perf_counter()  # wall time includes the kernel's start, as a student sees it
    km.start_kernel(cwd=str(path.parent))
    try:
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=False)
        with client.setup_kernel():
            client.execute(cleanup_kc=False)
            wall = time.perf_counter() - start
            peak = _peak_rss_mb(km.provisioner.process.pid)
    finally:
        if km.is_alive():
            km.shutdown_kernel(now=True)
    return {"notebook": path.name, "wall_s": round(wall, 1), "peak_rss_mb": round(peak)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    results = []
    print(f"{'notebook':<40} {'wall (s)':>9} {'peak RSS (MB)':>14}")
    for path in paths:
        r = run_notebook(path.resolve())
        results.append(r)
        print(f"{r['notebook']:<40} {r['wall_s']:>9.1f} {r['peak_rss_mb']:>14d}", flush=True)
    meta = {"python": platform.python_version(), "cpus": os.cpu_count(),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}
    print(json.dumps({"benchmark": "notebooks", "machine": meta, "results": results}))


if __name__ == "__main__":
    sys.exit(main())
