"""Every public function and config of ``lecture_utils`` rejects bad input with the project's own check.

Cases live in ``tests/bad_inputs/cases_<module>.py`` (a ``CASES`` list and a ``NO_BAD_INPUT`` dict of public
names that take nothing to reject, with the reason). Each case must raise ``checks.BadArgument`` (a
``ValueError``; ``BadArgumentType`` is also a ``TypeError``) whose message names the argument, in well
under a second. ``test_every_public_name_has_a_case`` fails when a module's ``__all__`` gains a function
or class without a case: add one to the module's case file.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import time

import pytest

import lecture_utils
from bad_inputs.case import Case
from lecture_utils import checks

MODULES = sorted(m.name for m in pkgutil.iter_modules(lecture_utils.__path__))
CASE_FILES = {name: importlib.import_module(f"bad_inputs.cases_{name}") for name in MODULES
              if importlib.util.find_spec(f"bad_inputs.cases_{name}") is not None}
CASES: list[Case] = [c for mod in CASE_FILES.values() for c in mod.CASES]
NO_BAD_INPUT: dict[str, str] = {k: v for mod in CASE_FILES.values() for k, v in mod.NO_BAD_INPUT.items()}
MAX_SECONDS = 0.5


def _public_callables(module_name: str) -> list[str]:
    module = importlib.import_module(f"lecture_utils.{module_name}")
    names = getattr(module, "__all__", None)
    assert names is not None, f"lecture_utils.{module_name} has no __all__"
    return [f"{module_name}.{n}" for n in names
            if inspect.isfunction(getattr(module, n)) or inspect.isclass(getattr(module, n))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_rejected_by_our_check(case: Case) -> None:
    start = time.perf_counter()
    with pytest.raises(checks.BadArgument) as err:
        case.call()
    elapsed = time.perf_counter() - start
    assert case.arg in str(err.value), f"message does not name {case.arg!r}: {err.value}"
    assert elapsed < MAX_SECONDS, f"took {elapsed:.2f} s to reject"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_has_a_case(module_name: str) -> None:
    covered = {c.target for c in CASES} | set(NO_BAD_INPUT)
    missing = [n for n in _public_callables(module_name) if n not in covered]
    assert not missing, f"no bad-input case for {missing}: add one to tests/bad_inputs/cases_{module_name}.py"


def test_every_case_targets_a_public_name() -> None:
    public = {n for m in MODULES for n in _public_callables(m)}
    unknown = sorted({c.target for c in CASES} - public) + sorted(set(NO_BAD_INPUT) - public)
    assert not unknown, f"cases name objects that are not in any __all__: {unknown}"
