"""environment.yml (Binder), pyproject.toml (pip) and constraints.txt (pins) must not drift apart."""

from __future__ import annotations

import pathlib
import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _runtime_requirements() -> dict[str, Requirement]:
    """Core dependencies plus the 'lab' extra: what a Binder or local JupyterLab needs."""
    project = _pyproject()["project"]
    reqs = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]]
    return {canonicalize_name(r.name): r for r in reqs}


def _all_requirements() -> dict[str, Requirement]:
    reqs = dict(_runtime_requirements())
    for r in _pyproject()["project"]["optional-dependencies"]["test"]:
        req = Requirement(r)
        reqs[canonicalize_name(req.name)] = req
    return reqs


def _constraints() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _environment_pins() -> dict[str, Version]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for line in pip_section:
        if line.startswith("-"):
            continue  # index options and the local package
        name, version = line.split("==")
        pins[canonicalize_name(name)] = Version(version)
    return pins


def test_environment_has_same_packages_as_pyproject() -> None:
    assert set(_environment_pins()) == set(_runtime_requirements())


def test_environment_pins_match_constraints_and_ranges() -> None:
    runtime, pins = _runtime_requirements(), _constraints()
    for name, version in _environment_pins().items():
        assert pins[name] == version, f"{name}: environment.yml {version} != constraints {pins[name]}"
        assert runtime[name].specifier.contains(version), f"{name} {version} outside {runtime[name]}"


def test_constraints_pin_every_requirement_inside_its_range() -> None:
    pins = _constraints()
    for name, req in _all_requirements().items():
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name]), f"{name} {pins[name]} outside {req}"


def test_environment_python_and_local_package() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section or "." in pip_section


def test_torch_pin_is_the_cpu_wheel_on_disk() -> None:
    assert _constraints()["torch"] == Version("2.13.0")
    assert re.search(r"download\.pytorch\.org/whl/cpu", (ROOT / "environment.yml").read_text())
