"""What Binder builds: repo2docker's plan for a clean copy of the repository (no Docker needed)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

from notebook_meta import ROOT

REPO2DOCKER = pathlib.Path(sys.executable).with_name("jupyter-repo2docker")


def _clean_copy(dest: pathlib.Path) -> pathlib.Path:
    """Copy what a clone would hold: tracked files plus new ones git does not ignore."""
    if shutil.which("git") and (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout.decode().split("\0")
        files = [f for f in listed if f and (ROOT / f).is_file()]
    else:  # no git: everything except what .gitignore names for this repository
        skip = {".git", ".venv", "artifacts", "build", ".ruff_cache", ".pytest_cache", ".hypothesis"}
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
                 and "__pycache__" not in p.parts and ".egg-info" not in str(p)]
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not REPO2DOCKER.exists():
        pytest.skip(f"jupyter-repo2docker is not installed next to {sys.executable} (pip extra 'test')")
    repo = _clean_copy(tmp_path_factory.mktemp("repo") / "lecture-notebooks")
    # Run from an empty folder so no repo2docker_config.py in the working directory is picked up.
    cwd = tmp_path_factory.mktemp("cwd")
    result = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--no-run", "--debug", str(repo)],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_no_binder_folder_overrides_the_top_level_environment() -> None:
    # repo2docker reads binder/ or .binder/ instead of the top level when either exists.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    assert (ROOT / "environment.yml").is_file()


def test_repo2docker_picks_the_conda_buildpack_for_environment_yml(plan: str) -> None:
    assert "Building conda environment" in plan, plan[:2000]
    assert "env update -p ${NB_PYTHON_PREFIX} --file \"environment.yml\"" in plan, plan


def test_repo2docker_uses_the_python_of_environment_yml(plan: str) -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pythons = [d.split("=", 1)[1] for d in env["dependencies"]
               if isinstance(d, str) and d.startswith("python=")]
    assert pythons == ["3.11"]
    assert "Building conda environment for python=3.11" in plan
    # The base environment's lock file is the one for 3.11 (its name is escaped in the Dockerfile).
    assert "environment-2epy-2d3-2e11" in plan


def test_local_package_is_installed_after_the_repository_is_copied(plan: str) -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section or "." in pip_section, "environment.yml's pip section installs the package"
    # `-e .` only resolves when the repository is in place before the environment is built:
    # repo2docker then defers the environment to the assemble step, after COPY src/.
    copy = plan.find("COPY --chown=0:0 src/ ${REPO_DIR}/")
    update = plan.find('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    assert 0 <= copy < update, "environment.yml is built before the repository is copied: `-e .` fails"
