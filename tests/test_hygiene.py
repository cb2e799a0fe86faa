"""What a committed notebook must look like: small, run top to bottom, clean, in the house layout."""

from __future__ import annotations

import getpass
import json
import pathlib
import re
import socket

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
