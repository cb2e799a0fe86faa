"""Write every figure stored in the notebooks to PNG files, to look at them as a student sees them.

    python tools/figures.py [NOTEBOOK ...] [--out DIR]

Each figure becomes DIR/<notebook stem>_cell<NN>_<k>.png (NN: the cell's position in the notebook); a table of
their sizes in pixels is printed. Default: every notebook in notebooks/, into build/figures/.
"""

from __future__ import annotations

import argparse
import base64
import struct
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def main() -> None:
    """Dump the figures and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "figures")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{'file':<48} {'width':>6} {'height':>6}")
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            outputs = cell.get("outputs", [])
            pngs = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
            for k, b64 in enumerate(pngs):
                data = base64.b64decode(b64)
                name = f"{path.stem}_cell{i:02d}_{k}.png"
                (args.out / name).write_bytes(data)
                w, h = png_size(data)
                print(f"{name:<48} {w:>6} {h:>6}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
