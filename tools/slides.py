"""Export each lecture notebook as a reveal.js slide deck that works offline.

Usage: python tools/slides.py [NOTEBOOK ...] [--out artifacts/slides] [--static DIR] [--cdn]
(`make slides` runs it on every notebooks/NN_*.ipynb.)

The slide order is derived from the notebook, on a copy, so notebooks carry no slide metadata:
  - the title cell and every `#`/`##` section heading start a new slide, `###` and deeper a subslide;
  - the Colab/setup cell is skipped;
  - a code cell that draws a figure or shows a widget gets its own subslide, and the sentence after it
    stays with it; a check cell (asserts) appears as a fragment;
  - a slide that would overflow is continued on a subslide at a cell boundary.
A cell whose metadata already sets `slideshow.slide_type` keeps it (authors can override).

Offline: reveal.js, require.js, jQuery, MathJax 2 and the Jupyter widgets renderer are copied next to
the decks into OUT/_static/ (from npm, once, or from --static DIR), and the decks point there with
relative URLs, so OUT/ can be opened from disk or copied to a lecture-hall laptop without network.
Without npm and without --static, the decks fall back to the CDNs (and say so).
"""

from __future__ import annotations

import argparse
import copy
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STATIC = "_static"
# What the nbconvert 7 reveal template expects (reveal.js 4, MathJax 2's MathJax.Hub API).
PACKAGES = {
    "reveal.js": "4.0.2",
    "requirejs": "2.3.7",
    "jquery": "3.7.1",
    "mathjax": "2.7.9",
    "@jupyter-widgets/html-manager": "1.0.14",
}
# Files taken from each package: (source inside node_modules, target inside _static).
COPIES = [
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js"),
    ("mathjax/config/Safe.js", "mathjax/config/Safe.js"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
    ("mathjax/localization/en", "mathjax/localization/en"),
    ("@jupyter-widgets/html-manager/dist", "html-manager"),
]
URLS = {  # nbconvert option -> path relative to the deck
    "SlidesExporter.reveal_url_prefix": f"{STATIC}/reveal.js",
    "SlidesExporter.require_js_url": f"{STATIC}/require.js",
    "SlidesExporter.jquery_url": f"{STATIC}/jquery.min.js",
    "SlidesExporter.mathjax_url": f"{STATIC}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "SlidesExporter.widget_renderer_url": f"{STATIC}/html-manager/embed-amd.js",
}
LINES_PER_SLIDE = 28  # about what fits a 1400x900 reveal slide at nbconvert's font sizes
IMAGE_LINES = 14


# --------------------------------------------------------------------------- slide order
def _first_line(cell: dict) -> str:
    return next((line.strip() for line in "".join(cell["source"]).splitlines() if line.strip()), "")


def _heading_level(cell: dict) -> int:
    m = re.match(r"(#{1,6})\s", _first_line(cell)) if cell["cell_type"] == "markdown" else None
    return len(m.group(1)) if m else 0


def _has_figure(cell: dict) -> bool:
    return any(k.startswith("image/") or k == "application/vnd.jupyter.widget-view+json"
               for out in cell.get("outputs", []) for k in out.get("data", {}))


def _is_check(cell: dict) -> bool:
    source = "".join(cell["source"])
    return bool(re.search(r"^\s*(assert\b|np\.testing\.assert_|torch\.testing\.assert_)", source, re.M))


def _lines(cell: dict) -> int:
    """A rough height of a cell on a slide, in text lines."""
    text = "".join(cell["source"])
    n = sum(1 + len(line) // 90 for line in text.splitlines())
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if any(k.startswith("image/") for k in data) or "application/vnd.jupyter.widget-view+json" in data:
            n += IMAGE_LINES
        else:
            n += min(8, len("".join(out.get("text", data.get("text/plain", ""))).splitlines()))
    return n


def slide_types(nb: dict) -> list[str]:
    """The reveal.js slide type of every cell, derived from headings, figures and checks."""
    types, used, after_figure = [], 0, False
    for i, cell in enumerate(nb["cells"]):
        given = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        level, height = _heading_level(cell), _lines(cell)
        if given:
            kind = given
        elif i == 0 or level in (1, 2):
            kind = "slide"
        elif level >= 3:
            kind = "subslide"
        elif cell["cell_type"] == "code" and "google.colab" in "".join(cell["source"]):
            kind = "skip"
        elif cell["cell_type"] == "code" and _has_figure(cell):
            kind = "subslide"
        elif cell["cell_type"] == "code" and _is_check(cell) and used + height <= LINES_PER_SLIDE:
            kind = "fragment"
        elif after_figure and cell["cell_type"] == "markdown" and height <= 10:
            kind = "-"  # the sentence saying what the figure shows stays with the figure
        elif used and used + height > LINES_PER_SLIDE:
            kind = "subslide"
        else:
            kind = "-"
        if kind in ("slide", "subslide"):
            used = 0
        if kind != "skip":
            used += height
        after_figure = cell["cell_type"] == "code" and _has_figure(cell)
        types.append(kind)
    return types


def with_slide_metadata(nb: dict) -> dict:
    """A copy of the notebook whose cells carry `slideshow.slide_type`."""
    nb = copy.deepcopy(nb)
    for cell, kind in zip(nb["cells"], slide_types(nb), strict=True):
        cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind
    return nb


# --------------------------------------------------------------------------- offline assets
def _stamp(static: pathlib.Path) -> pathlib.Path:
    return static / "VERSIONS.json"


def _complete(static: pathlib.Path) -> bool:
    """The folder holds every file this version of the tool copies, from the same package versions."""
    return (_stamp(static).exists() and json.loads(_stamp(static).read_text()) == PACKAGES
            and all((static / dst).exists() for _, dst in COPIES))


def vendor(static: pathlib.Path, source: pathlib.Path | None = None) -> bool:
    """Put reveal.js and friends into `static` (from `source`, else npm); False when unavailable."""
    if _complete(static):
        return True
    if source is not None:
        shutil.copytree(source, static, dirs_exist_ok=True)
        return _complete(static)
    npm = shutil.which("npm")
    if not npm:
        print("slides: npm not found; the decks load reveal.js from a CDN (need network).", file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory() as tmp:
        specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
        cmd = [npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--no-save", "--ignore-scripts",
               "--loglevel=error", *specs]
        print("slides: fetching", " ".join(specs), "with npm (once)", file=sys.stderr)
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            print(f"slides: npm failed, the decks load reveal.js from a CDN:\n{result.stderr[-2000:]}",
                  file=sys.stderr)
            return False
        modules = pathlib.Path(tmp) / "node_modules"
        for src, dst in COPIES:
            src_path, dst_path = modules / src, static / dst
            dst_path.parent.mkdir(parents=True, exist_ok=True)
            if src_path.is_dir():
                maps = shutil.ignore_patterns("*.map")
                shutil.copytree(src_path, dst_path, dirs_exist_ok=True, ignore=maps)
            else:
                shutil.copy2(src_path, dst_path)
    _stamp(static).write_text(json.dumps(PACKAGES, indent=1))
    return True


# --------------------------------------------------------------------------- export
def export(path: pathlib.Path, out: pathlib.Path, offline: bool) -> pathlib.Path:
    """Write OUT/<name>.slides.html for one notebook; return its path."""
    out.mkdir(parents=True, exist_ok=True)
    nb = with_slide_metadata(json.loads(path.read_text()))
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / path.name
        src.write_text(json.dumps(nb))
        cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", str(src),
               "--output-dir", str(out), "--output", path.stem,
               "--SlidesExporter.reveal_scroll=True", "--SlidesExporter.reveal_number=c/t",
               # Wide enough for a 100-character code line at nbconvert's 19px code font; reveal.js
               # scales the slide to the screen.
               "--SlidesExporter.reveal_width=1400", "--SlidesExporter.reveal_height=900"]
        if offline:
            cmd += [f"--{option}={url}" for option, url in URLS.items()]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
    deck = out / f"{path.stem}.slides.html"
    if offline:  # the template imports mermaid from a CDN; the lectures draw no mermaid diagrams
        html = deck.read_text()
        html = re.sub(r"<script type=\"module\">\s*import mermaid.*?</script>", "", html, flags=re.S)
        deck.write_text(html)
    return deck


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "artifacts" / "slides")
    parser.add_argument("--static", type=pathlib.Path, help="a _static folder made earlier (no npm needed)")
    parser.add_argument("--cdn", action="store_true", help="load reveal.js etc. from CDNs instead")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or NOTEBOOKS
    if not notebooks:
        print("slides: no notebooks/NN_*.ipynb", file=sys.stderr)
        return 1
    offline = not args.cdn and vendor(args.out / STATIC, args.static)
    print(f"{'notebook':40s} {'slides':>6s} {'subslides':>9s} {'fragments':>9s} {'skipped':>7s}  deck")
    for path in notebooks:
        kinds = slide_types(json.loads(path.read_text()))
        deck = export(path, args.out, offline)
        print(f"{path.name:40s} {kinds.count('slide'):6d} {kinds.count('subslide'):9d} "
              f"{kinds.count('fragment'):9d} {kinds.count('skip'):7d}  {deck.relative_to(args.out.parent)}")
    print(f"reveal.js: {'offline, ' + str(args.out / STATIC) if offline else 'from the CDN (needs network)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
