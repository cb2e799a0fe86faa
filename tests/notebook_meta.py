"""What every notebook shares: the list of notebooks and the Colab set-up snippet."""

from __future__ import annotations

import json
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def repository_url() -> str:
    """The one place the repository URL lives: pyproject's [project.urls]."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def colab_snippet(url: str | None = None) -> str:
    """The first lines of every notebook's setup cell."""
    url = url or repository_url()
    return (
        "# On Colab, install the lecture's helpers from the repository (a no-op anywhere else).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install -q "lecture-utils @ git+{url}"\n'
    )


def load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text())


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]
