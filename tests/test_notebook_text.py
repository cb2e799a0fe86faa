"""Each notebook's text source (jupytext py:percent, jupytext.toml) holds the same cells as its .ipynb.

The .py is what people edit and review; the .ipynb keeps the executed outputs that nbval compares. A pair
out of step means either an edit that was never synced, or outputs that no longer belong to the text.
"""

from __future__ import annotations

import pathlib
import tomllib

import jupytext
import pytest

from notebook_meta import NOTEBOOKS, ROOT, load

by_name = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)


def _rel(path: pathlib.Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _fix(path: pathlib.Path) -> str:
    return f"run `make sync` (jupytext --sync) and then `make execute NB={_rel(path)}`"


def _cells_of_ipynb(path: pathlib.Path) -> list[tuple[str, str, list[str]]]:
    return [(c["cell_type"], "".join(c["source"]), list(c.get("metadata", {}).get("tags", [])))
            for c in load(path)["cells"]]


def _cells_of_text(path: pathlib.Path) -> list[tuple[str, str, list[str]]]:
    nb = jupytext.read(path, fmt="py:percent")
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def _first_difference(a: str, b: str) -> str:
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), start=1):
        if x != y:
            return f"line {n}: {x.strip()[:70]!r} (.py) vs {y.strip()[:70]!r} (.ipynb)"
    return f"{len(a.splitlines())} lines (.py) vs {len(b.splitlines())} lines (.ipynb)"


def test_repository_pairs_ipynb_with_py_percent() -> None:
    config = tomllib.loads((ROOT / "jupytext.toml").read_text())
    assert config["formats"] == "ipynb,py:percent", config


@by_name
def test_text_source_exists(path: pathlib.Path) -> None:
    text = path.with_suffix(".py")
    assert text.exists(), (f"{_rel(path)} has no text source {_rel(text)}: create it with "
                           f"`jupytext --set-formats ipynb,py:percent {_rel(path)}` (or `make sync`)")


@by_name
def test_text_source_has_the_same_cells(path: pathlib.Path) -> None:
    text = path.with_suffix(".py")
    if not text.exists():
        pytest.skip("no text source (test_text_source_exists fails)")
    py_cells, nb_cells = _cells_of_text(text), _cells_of_ipynb(path)
    where = f"{_rel(text)} and {_rel(path)} differ"
    for i, (p, n) in enumerate(zip(py_cells, nb_cells, strict=False)):
        if p == n:
            continue
        if p[0] != n[0]:
            detail = f"a {p[0]} cell in the .py, a {n[0]} cell in the .ipynb"
        elif p[1] != n[1]:
            detail = f"{n[0]} source, {_first_difference(p[1], n[1])}"
        else:
            detail = f"tags {p[2]} (.py) vs {n[2]} (.ipynb)"
        pytest.fail(f"{where} at cell {i} ({detail}): {_fix(path)}")
    assert len(py_cells) == len(nb_cells), (
        f"{where} at cell {min(len(py_cells), len(nb_cells))}: the .py has {len(py_cells)} cells, "
        f"the .ipynb {len(nb_cells)}: {_fix(path)}")


def test_no_text_source_without_its_notebook() -> None:
    texts = sorted((ROOT / "notebooks").glob("*.py"))
    stray = [_rel(p) for p in texts if not p.with_suffix(".ipynb").exists()]
    assert not stray, (f"{stray} in notebooks/ pair with no .ipynb: delete them, or create the notebook with "
                       "`jupytext --to ipynb` and `make execute NB=...`")


@by_name
def test_text_source_carries_no_version_or_machine_metadata(path: pathlib.Path) -> None:
    text = path.with_suffix(".py")
    if not text.exists():
        pytest.skip("no text source (test_text_source_exists fails)")
    header = text.read_text().split("# ---\n\n", 1)[0]
    for noisy in ("jupytext_version", "language_info", "widgets", "execution"):
        assert noisy not in header, (f"{_rel(text)}'s header carries {noisy!r}: jupytext.toml's metadata "
                                     f"filters keep it out; {_fix(path)}")
