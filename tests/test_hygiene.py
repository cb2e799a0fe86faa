"""What a committed notebook must look like: small, run top to bottom, clean, in the house layout."""

from __future__ import annotations

import getpass
import json
import pathlib
import re
import socket
import tomllib

import pytest

from notebook_meta import NOTEBOOKS, ROOT, code_cells, load, repository_url

MAX_BYTES = 1_000_000
SECTIONS = ["## Learning goals", "## Summary", "## Exercises", "## References"]
# Paths that betray the machine a notebook was run on.
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(/root\b|/home/\w|/Users/\w|/tmp/|/var/folders/|/private/var/|/work/|"
                           r"[A-Za-z]:\\\\?Users\\|site-packages/|\.venv/)")
TEXT_MIMES = ("text/", "application/json", "application/vnd.jupyter.stderr", "application/javascript")

by_name = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)


def _markdown(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _headings(nb: dict, level: int) -> list[str]:
    prefix = "#" * level + " "
    return [line.strip() for text in _markdown(nb) for line in text.splitlines() if line.startswith(prefix)]


def _output_texts(nb: dict) -> list[tuple[int, str]]:
    """(cell index, text) for every textual output; images are base64 and skipped."""
    texts = []
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if "text" in out:
                texts.append((i, "".join(out["text"])))
            if out.get("output_type") == "error":
                texts.append((i, "\n".join(out.get("traceback", []))))
            for mime, data in out.get("data", {}).items():
                if mime.startswith(TEXT_MIMES) or mime.endswith("+json"):
                    texts.append((i, data if isinstance(data, str) else json.dumps(data)))
    return texts


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ holds no NN_*.ipynb"


@by_name
def test_notebook_is_small(path: pathlib.Path) -> None:
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{size / 1e6:.2f} MB: shrink figures (figsize/dpi) or outputs"


@by_name
def test_run_top_to_bottom_in_one_kernel(path: pathlib.Path) -> None:
    ran = [c for c in code_cells(load(path)) if "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in ran]
    assert counts == list(range(1, len(ran) + 1)), f"execution counts {counts}: re-run with `make execute`"
    for cell in ran:
        for out in cell["outputs"]:
            if out["output_type"] == "execute_result":
                assert out["execution_count"] == cell["execution_count"]


@by_name
def test_no_error_outputs(path: pathlib.Path) -> None:
    nb = load(path)
    errors = [(i, out.get("ename", "stderr"))
              for i, c in enumerate(nb["cells"]) for out in c.get("outputs", [])
              if out["output_type"] == "error"
              or (out.get("name") == "stderr" and "Traceback (most recent" in "".join(out["text"]))]
    assert not errors, f"error outputs in cells {errors}"


@by_name
def test_no_warnings_printed(path: pathlib.Path) -> None:
    nb = load(path)
    warned = [(i, m.group(0)) for i, c in enumerate(nb["cells"]) for out in c.get("outputs", [])
              if out.get("name") == "stderr"
              for m in [re.search(r"\b\w*Warning\b:?.*", "".join(out["text"]))] if m]
    assert not warned, f"warnings printed (fix them rather than print them): {warned}"


@by_name
def test_kernelspec_is_standard_python3(path: pathlib.Path) -> None:
    meta = load(path)["metadata"]
    assert meta.get("kernelspec", {}).get("name") == "python3", meta.get("kernelspec")
    assert meta["kernelspec"].get("language") == "python"
    assert meta["kernelspec"].get("display_name") == "Python 3 (ipykernel)"
    assert meta.get("language_info", {}).get("name") == "python"


@by_name
def test_no_absolute_paths_or_user_names(path: pathlib.Path) -> None:
    nb = load(path)
    texts = _output_texts(nb) + [(-1, json.dumps(nb["metadata"]))]
    texts += [(i, json.dumps(c.get("metadata", {}))) for i, c in enumerate(nb["cells"])]
    found = [(i, m.group(0)) for i, t in texts for m in ABSOLUTE_PATH.finditer(t)]
    names = {getpass.getuser(), socket.gethostname()} - {"", "root", "user", "jovyan", "localhost"}
    found += [(i, n) for i, t in texts for n in names if len(n) >= 4 and re.search(rf"\b{re.escape(n)}\b", t)]
    assert not found, f"machine-specific paths or names (cell, match): {found[:10]}"


@by_name
def test_house_sections_in_order(path: pathlib.Path) -> None:
    h2 = _headings(load(path), 2)
    missing = [s for s in SECTIONS if s not in h2]
    assert not missing, f"missing sections {missing}; the notebook has {h2}"
    assert h2[0] == "## Learning goals", f"the first section is {h2[0]!r}"
    assert h2[-3:] == SECTIONS[1:], f"the notebook must end with Summary, Exercises, References: {h2[-3:]}"


@by_name
def test_numbered_sections_between_goals_and_summary(path: pathlib.Path) -> None:
    middle = _headings(load(path), 2)[1:-3]
    numbers = [int(m.group(1)) for h in middle if (m := re.match(r"## (\d+)\. \S", h))]
    assert middle and len(numbers) == len(middle), f"sections must read `## 1. …`, `## 2. …`: {middle}"
    assert numbers == list(range(1, len(numbers) + 1)), f"section numbers {numbers}"


def _links(name: str, url: str) -> tuple[str, str]:
    owner_repo = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)/?", url).group(1)
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{name}"
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/notebooks/{name}"
    return colab, binder


def test_link_builder_follows_the_repository_url() -> None:
    colab, binder = _links("01_x.ipynb", "https://github.com/someone/else")
    assert colab == "https://colab.research.google.com/github/someone/else/blob/main/notebooks/01_x.ipynb"
    assert binder == "https://mybinder.org/v2/gh/someone/else/main?urlpath=lab/tree/notebooks/01_x.ipynb"


@by_name
def test_first_cell_has_title_and_launch_links(path: pathlib.Path) -> None:
    nb = load(path)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown", "the first cell is the title cell (markdown)"
    text = "".join(first["source"])
    number = path.name[:2]
    assert re.match(rf"# {number} · \S", text), f"the title must read `# {number} · Title`: {text[:80]!r}"
    colab, binder = _links(path.name, repository_url())
    assert f"[Open in Colab]({colab}) · [Launch Binder]({binder})" in text, (
        f"the first cell must carry\n[Open in Colab]({colab}) · [Launch Binder]({binder})")


def test_readme_links_are_built_from_the_repository_url() -> None:
    readme = (ROOT / "README.md").read_text()
    owner_repo = repository_url().removeprefix("https://github.com/").rstrip("/")
    assert f"https://mybinder.org/v2/gh/{owner_repo}/main" in readme
    assert f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/" in readme
    # No other GitHub repository is linked for Binder or Colab.
    launch = r"(?:mybinder\.org/v2/gh|colab\.research\.google\.com/github)/([^/\s)]+/[^/\s)]+)"
    for m in re.finditer(launch, readme):
        assert m.group(1) == owner_repo, m.group(0)


# --------------------------------------------------------------------------- metadata hygiene
# Notebook-level metadata a committed notebook may carry. `jupytext` holds only the metadata filters that
# jupytext records on every sync from the .py (the same two lines in every notebook); the pairing itself
# (`formats`) comes from jupytext.toml, not from each notebook.
NOTEBOOK_KEYS = {"kernelspec", "language_info", "widgets", "jupytext"}
JUPYTEXT_KEYS = {"cell_metadata_filter", "notebook_metadata_filter"}
KERNELSPEC_KEYS = {"display_name", "language", "name"}
# Cell metadata that means something to the notebook (nbval tags, slides, editing locks); everything else,
# e.g. nbclient's `execution` timestamps or JupyterLab's `ExecuteTime`, is per-run noise.
CELL_KEYS = {"tags", "slideshow", "editable", "deletable", "jupyter"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CLEAN = ("re-execute with `make execute NB=...` (no timing metadata) or drop the keys "
         "(`jupyter nbconvert --ClearMetadataPreprocessor.enabled=True` keeps outputs)")


@by_name
def test_no_per_run_cell_metadata(path: pathlib.Path) -> None:
    noisy = [(i, sorted(set(c.get("metadata", {})) - CELL_KEYS)) for i, c in enumerate(load(path)["cells"])]
    noisy = [(i, keys) for i, keys in noisy if keys]
    assert not noisy, f"cell metadata that records a run, not the notebook (cell, keys): {noisy[:5]}: {CLEAN}"


@by_name
def test_no_per_machine_notebook_metadata(path: pathlib.Path) -> None:
    meta = load(path)["metadata"]
    extra = sorted(set(meta) - NOTEBOOK_KEYS)
    assert not extra, (f"notebook metadata {extra} (interpreter paths, editor state, jupytext formats, ...): "
                       "delete it; jupytext.toml pairs the notebooks")
    spec_extra = sorted(set(meta.get("kernelspec", {})) - KERNELSPEC_KEYS)
    assert not spec_extra, f"the kernelspec names a local kernel ({spec_extra}): use the standard python3 one"
    config = tomllib.loads((ROOT / "jupytext.toml").read_text())
    recorded = meta.get("jupytext", {})
    extra = sorted(set(recorded) - JUPYTEXT_KEYS)
    assert not extra, f"jupytext metadata {extra}: delete it (jupytext.toml pairs the notebooks)"
    stale = {k: v for k, v in recorded.items() if v != config.get(k)}
    assert not stale, f"jupytext filters {stale} differ from jupytext.toml's: run `make sync`"


def _widget_refs(value: object) -> list[str]:
    """Model ids a saved widget state refers to (children, Output widgets' outputs, links)."""
    if isinstance(value, str):
        return [value.removeprefix("IPY_MODEL_")] if value.startswith("IPY_MODEL_") else []
    if isinstance(value, dict):
        view = value.get("data", {}).get(WIDGET_VIEW) if isinstance(value.get("data"), dict) else None
        return ([view["model_id"]] if view else []) + [r for v in value.values() for r in _widget_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _widget_refs(v)]
    return []


@by_name
def test_saved_widget_state_is_only_what_outputs_show(path: pathlib.Path) -> None:
    """tests/test_browser.py reads the saved state of the widgets the outputs show; anything else is bloat."""
    nb = load(path)
    state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    todo = [out["data"][WIDGET_VIEW]["model_id"] for c in nb["cells"] for out in c.get("outputs", [])
            if WIDGET_VIEW in out.get("data", {})]
    reachable: set[str] = set()
    while todo:
        model = todo.pop()
        if model in state and model not in reachable:
            reachable.add(model)
            todo += _widget_refs(state[model].get("state", {}))
    orphans = sorted(set(state) - reachable)
    assert not orphans, (f"{len(orphans)} saved widget models no output shows, e.g. "
                         f"{state[orphans[0]].get('model_name')}: re-execute with `make execute NB=...`")


# --------------------------------------------------------------------------- nbval sanitizers
SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"
NBVAL_NOT_COMPARED = re.compile(r"^\s*#\s*NBVAL_(IGNORE_OUTPUT|SKIP|RAISES_EXCEPTION)\b", re.M)
# What nbval compares of an output (nbval.plugin.IPyNbFile.skip_compare, without --nbdime).
NBVAL_SKIPS = ("metadata", "traceback", "image/png", "image/jpeg", WIDGET_VIEW)


def _sanitize_rules() -> list[tuple[str, str]]:
    from nbval.plugin import get_sanitize_patterns
    return get_sanitize_patterns(SANITIZE_CFG.read_text())


def _compared_texts() -> list[str]:
    """Every committed output string that strict nbval compares, i.e. what a sanitizer can clean."""
    texts = []
    for path in NOTEBOOKS:
        for cell in code_cells(load(path)):
            if NBVAL_NOT_COMPARED.search("".join(cell["source"])):
                continue
            if set(cell.get("metadata", {}).get("tags", [])) & {"nbval-ignore-output", "nbval-skip"}:
                continue
            for out in cell.get("outputs", []):
                if "text" in out:
                    texts.append("".join(out["text"]))
                for mime, data in out.get("data", {}).items():
                    if mime not in NBVAL_SKIPS:
                        texts.append(data if isinstance(data, str) else json.dumps(data))
    return texts


def test_sanitize_file_parses() -> None:
    rules = _sanitize_rules()
    for regex, _ in rules:
        re.compile(regex)


@pytest.mark.parametrize("rule", _sanitize_rules() or [None], ids=lambda r: r[0] if r else "no rules")
def test_every_sanitizer_cleans_some_compared_output(rule: tuple[str, str] | None) -> None:
    if rule is None:
        pytest.skip("tests/nbval_sanitize.cfg has no rules")
    regex, _ = rule
    assert any(re.search(regex, t) for t in _compared_texts()), (
        f"the sanitizer {regex!r} matches no output that nbval compares (outputs of NBVAL_IGNORE_OUTPUT "
        "cells are not compared, so cleaning them does nothing): remove it from tests/nbval_sanitize.cfg")
