"""Each notebook's setup cell installs lecture_utils on Colab and does nothing elsewhere."""

from __future__ import annotations

import sys
import types

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from notebook_meta import NOTEBOOKS, code_cells, colab_snippet, load, repository_url


class _FakeIPython:
    def __init__(self) -> None:
        self.magics: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> None:
        self.magics.append((name, line))


def _run_snippet(monkeypatch: pytest.MonkeyPatch, on_colab: bool) -> list[tuple[str, str]]:
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    shell = _FakeIPython()
    code = TransformerManager().transform_cell(colab_snippet())
    exec(code, {"get_ipython": lambda: shell})
    return shell.magics


def test_snippet_is_a_no_op_outside_colab(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run_snippet(monkeypatch, on_colab=False) == []


def test_snippet_installs_from_the_repository_on_colab(monkeypatch: pytest.MonkeyPatch) -> None:
    magics = _run_snippet(monkeypatch, on_colab=True)
    assert len(magics) == 1
    name, line = magics[0]
    assert name == "pip" and f"git+{repository_url()}" in line
    # Colab ships its own torch and numpy: never pin them there.
    assert "torch" not in line and "numpy" not in line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_starts_with_the_colab_snippet(path) -> None:
    setup = [c for c in code_cells(load(path)) if "google.colab" in "".join(c["source"])]
    assert len(setup) == 1, "exactly one setup cell mentions google.colab"
    assert "".join(setup[0]["source"]).startswith(colab_snippet())
