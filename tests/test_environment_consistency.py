"""environment.yml (Binder), pyproject.toml (pip) and constraints.txt (pins) must not drift apart."""

from __future__ import annotations

import importlib.util
import pathlib
import re
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("environment_tool", ROOT / "tools" / "environment.py")
environment_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(environment_tool)


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _all_requirements() -> dict[str, Requirement]:
    """Runtime requirements (library, notebooks, lab) and the test extra, without self-references."""
    reqs = {canonicalize_name(r.name): r for r in environment_tool.runtime_requirements(_project())}
    for line in _project()["optional-dependencies"]["test"]:
        req = Requirement(line)
        if canonicalize_name(req.name) != canonicalize_name(_project()["name"]):
            reqs.setdefault(canonicalize_name(req.name), req)
    return reqs


def test_environment_yml_is_generated_from_pyproject_and_constraints() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "environment.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_constraints_pin_every_requirement_inside_its_range() -> None:
    pins = {k: Version(v) for k, v in environment_tool.constraints().items()}
    for name, req in _all_requirements().items():
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name]), f"{name} {pins[name]} outside {req}"


def test_library_declares_what_it_imports_and_nothing_else() -> None:
    # Third-party modules imported anywhere in lecture_utils must be the library's own dependencies, and
    # every dependency must be imported (ipywidgets and pygame belong to the notebooks extra).
    to_dist = {"sklearn": "scikit-learn", "yaml": "pyyaml", "PIL": "pillow"}
    stdlib = set(sys.stdlib_module_names) | {"lecture_utils"}
    imported = set()
    for path in (ROOT / "lecture_utils").glob("*.py"):
        for top in re.findall(r"^\s*(?:from|import)\s+(\w+)", path.read_text(), flags=re.M):
            if top not in stdlib and top != "__future__":
                imported.add(canonicalize_name(to_dist.get(top, top)))
    declared = {canonicalize_name(Requirement(r).name) for r in _project()["dependencies"]}
    assert imported == declared, (f"imported but undeclared: {sorted(imported - declared)}; "
                                  f"declared but not imported: {sorted(declared - imported)}")


def test_requires_python_matches_what_the_tests_need() -> None:
    # The tests read TOML with tomllib (3.11+); the Makefile looks for the same versions.
    assert _project()["requires-python"].startswith(">=3.11")
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^SUPPORTED := .*\b3\.11\b", makefile, flags=re.M)


def test_environment_python_and_local_package() -> None:
    text = (ROOT / "environment.yml").read_text()
    assert "  - python=3.11\n" in text and "      - -e .\n" in text


def test_torch_pin_is_the_cpu_wheel_on_disk() -> None:
    assert environment_tool.constraints()["torch"] == "2.13.0"
    assert re.search(r"download\.pytorch\.org/whl/cpu", (ROOT / "environment.yml").read_text())
