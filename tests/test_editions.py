"""tools/editions.py: the student edition of a toy notebook, and grading a folder of made-up submissions."""

from __future__ import annotations

import csv
import importlib.util
import pathlib
import subprocess
import sys

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "editions" / "90_toy.py"

_spec = importlib.util.spec_from_file_location("editions", ROOT / "tools" / "editions.py")
assert _spec is not None and _spec.loader is not None
editions = importlib.util.module_from_spec(_spec)
sys.modules["editions"] = editions  # dataclasses look their module up there
_spec.loader.exec_module(editions)

STUB_MEAN = "raise NotImplementedError('add the entries and divide by their number.')"
STUB_P = "raise NotImplementedError('two sides, equally likely.')"


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The toy instructor edition, executed: its checks pass."""
    folder = tmp_path_factory.mktemp("masters")
    nb = jupytext.read(FIXTURE)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    path = folder / "90_toy.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def student(master: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return editions.build_student([master], tmp_path_factory.mktemp("student"))[0]


def _sources(path: pathlib.Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)


def test_instructor_edition_passes_its_checks(master: pathlib.Path) -> None:
    outputs = [o.get("text", "") for c in nbformat.read(master, as_version=4).cells if c.cell_type == "code"
               for o in c.outputs]
    assert "Exercise 90.1 passed\n" in outputs and "Exercise 90.2 passed\n" in outputs


def test_student_edition_has_stubs_and_no_answers(master: pathlib.Path, student: pathlib.Path) -> None:
    text = _sources(student)
    assert STUB_MEAN in text and STUB_P in text
    assert "return sum(x) / len(x)" not in text and "p_heads = 0.5" not in text  # the answers
    assert "**Answer.**" not in text  # the written answer
    assert "BEGIN SOLUTION" not in text
    assert "# Hint: add the entries" in text and "def mean_of(x):" in text  # the scaffold stays
    nb = nbformat.read(student, as_version=4)
    for cell in nb.cells:
        if {"solution", "check"} & set(editions.tags(cell)):
            assert cell.outputs == [] and cell.execution_count is None
    kept = [c for c in nb.cells if c.cell_type == "code" and not editions.tags(c)]
    assert kept[-1].outputs[0]["text"] == "the end\n"  # other cells keep the instructor edition's outputs
    assert editions.checks_of(nb) == editions.checks_of(nbformat.read(master, as_version=4))


def _fails_only_in_exercise_cells(nb: nbformat.NotebookNode) -> set[int]:
    """Assert that an executed student edition failed in every check cell and nowhere but in exercise cells;
    return the check cells' indices."""
    failing = {i for i, c in enumerate(nb.cells) if c.cell_type == "code"
               and any(o.output_type == "error" for o in c.outputs)}
    exercise_cells = {i for i, c in enumerate(nb.cells) if {"solution", "check"} & set(editions.tags(c))}
    check_cells = {i for i, c in enumerate(nb.cells) if "check" in editions.tags(c)}
    # every check fails on its stub; a stub that defines a function fails only when the check calls it
    assert check_cells <= failing <= exercise_cells
    return check_cells


def test_student_edition_fails_only_in_exercise_cells(student: pathlib.Path) -> None:
    nb = nbformat.read(student, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute()
    _fails_only_in_exercise_cells(nb)


def test_stub_keeps_indentation_and_rejects_broken_markers() -> None:
    src = "def f():\n    # Hint: return one\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
    expected = "def f():\n    # Hint: return one\n    raise NotImplementedError('return one')"
    assert editions.stub(src) == expected
    assert editions.stub("x = 1") == "raise NotImplementedError('write your answer here')"
    for broken in ("### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION",
                   "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"):
        with pytest.raises(ValueError):
            editions.stub(broken)
    with pytest.raises(ValueError, match="Exercise N.k"):
        editions.exercise_id({"source": "check()"})


def _submission(student: pathlib.Path, folder: pathlib.Path, name: str, mean: str | None,
                p: str | None) -> None:
    """A copy of the student edition with the stubs replaced (None: the exercise cell deleted)."""
    nb = nbformat.read(student, as_version=4)
    cells = []
    for cell in nb.cells:
        if STUB_MEAN in cell.source:
            if mean is None:
                continue
            cell.source = cell.source.replace(STUB_MEAN, mean)
        if STUB_P in cell.source:
            if p is None:
                continue
            cell.source = cell.source.replace(STUB_P, p)
        cells.append(cell)
    nb.cells = cells
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)


def test_grade_a_folder(master: pathlib.Path, student: pathlib.Path, tmp_path: pathlib.Path) -> None:
    subs = tmp_path / "submissions"
    _submission(student, subs, "alice_90_toy.ipynb", "return sum(x) / len(x)", "p_heads = 1 / 2")
    _submission(student, subs, "bob_90_toy.ipynb", "return sum(x) / (len(x) - 1)", "p_heads = 0.5")
    # carol's mean never returns, and she deleted the cell of exercise 90.2
    _submission(student, subs, "carol_90_toy.ipynb", "while True:\n        pass", None)
    (subs / "dave_90_toy.ipynb").write_text("not a notebook")
    (subs / "erin_99_other.ipynb").write_text("{}")
    verdicts = editions.grade(subs, master.parent, tmp_path / "grades", timeout=120, cell_timeout=5)
    with (tmp_path / "grades" / "grades.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["file", "exercise", "passed", "message"],
        ["alice_90_toy.ipynb", "90.1", "True", "passed"],
        ["alice_90_toy.ipynb", "90.2", "True", "passed"],
        ["bob_90_toy.ipynb", "90.1", "False",
         "AssertionError: the mean of 0, ..., 9 is 4.5, your mean_of gives 5.0"],
        ["bob_90_toy.ipynb", "90.2", "True", "passed"],
        ["carol_90_toy.ipynb", "90.1", "False",
         "the check was interrupted: it ran past the time limit of a cell (a loop?)"],
        ["carol_90_toy.ipynb", "90.2", "False",
         "name 'p_heads' is not defined (did its cell raise, or was it deleted or renamed?)"],
        ["dave_90_toy.ipynb", "90.1", "False", "could not read the notebook: NotJSONError"],
        ["dave_90_toy.ipynb", "90.2", "False", "could not read the notebook: NotJSONError"],
        ["erin_99_other.ipynb", "-", "False", "no course notebook matches this file name (numbers: 90)"],
    ]
    assert len(verdicts) == len(rows) - 1
    summary = (tmp_path / "grades" / "summary.md").read_text()
    assert "| alice_90_toy.ipynb | 2/2 | - |" in summary
    assert "| carol_90_toy.ipynb | 0/2 | 90.1, 90.2 |" in summary


def test_grade_goes_on_after_a_dead_kernel_and_a_time_limit(master: pathlib.Path, student: pathlib.Path,
                                                            tmp_path: pathlib.Path) -> None:
    subs = tmp_path / "submissions"
    _submission(student, subs, "frank_90_toy.ipynb", "import os\n    os._exit(1)", "p_heads = 0.5")
    # grace ignores the interrupt: only the notebook's time limit stops her
    _submission(student, subs, "grace_90_toy.ipynb", "return 4.5", "import time\nwhile True:\n    try:\n"
                "        time.sleep(1)\n    except KeyboardInterrupt:\n        pass")
    verdicts = editions.grade(subs, master.parent, tmp_path / "grades", timeout=20, cell_timeout=3)
    by = {(v.file, v.exercise): v for v in verdicts}
    for exercise in ("90.1", "90.2"):  # the kernel died in the first check: nothing after it was answered
        assert not by["frank_90_toy.ipynb", exercise].passed
    assert by["frank_90_toy.ipynb", "90.2"].message.startswith("grading stopped: ")
    assert not by["grace_90_toy.ipynb", "90.1"].passed and not by["grace_90_toy.ipynb", "90.2"].passed
    assert by["grace_90_toy.ipynb", "90.2"].message == "the notebook did not finish within 20 s"


# ----------------------------------------------------------------------------- the course notebooks
COURSE = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WITH_EXERCISES = [p for p in COURSE if editions.checks_of(nbformat.read(p, as_version=4))]


def test_every_notebook_has_three_checked_exercises() -> None:
    counts = {p.name: len(editions.checks_of(nbformat.read(p, as_version=4))) for p in COURSE}
    assert all(n >= 3 for n in counts.values()), counts


def test_check_cells_pass_in_the_instructor_edition() -> None:
    assert WITH_EXERCISES, "no notebook has check cells"
    for path in WITH_EXERCISES:
        nb = nbformat.read(path, as_version=4)
        number = int(path.name[:2])
        for cell in nb.cells:
            if "check" not in editions.tags(cell):
                continue
            ex = editions.exercise_id(cell)
            assert ex.split(".")[0] == str(number), f"{path.name}: exercise {ex} is not numbered {number}.k"
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert text.startswith(f"Exercise {ex} passed"), f"{path.name}: check {ex} printed {text!r}"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.name)
def test_student_edition_of_a_course_notebook(path: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """The student edition runs top to bottom; only exercise cells fail, and every check fails on its stub."""
    nb = nbformat.read(editions.build_student([path], tmp_path)[0], as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "**Answer.**" not in text
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    check_cells = _fails_only_in_exercise_cells(nb)
    for i in check_cells:  # the stubs raised, so the answers are not defined
        error = next(o for o in nb.cells[i].outputs if o.output_type == "error")
        assert error.ename in ("NameError", "NotImplementedError"), error.ename


def _answer_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "solution" in editions.tags(c)]


def test_grade_three_submissions_of_notebook_05(tmp_path: pathlib.Path) -> None:
    """`make grade` on a folder of three made-up submissions: correct, partly wrong, raising and looping."""
    master = ROOT / "notebooks" / "05_mdp.ipynb"
    solutions = nbformat.read(master, as_version=4)
    student_nb = editions.build_student([master], tmp_path / "student")[0]
    answers = {"alice": None,  # the worked solutions
               "bob": {1: "v_A = 10 / (1 - 0.9**5)\nv_B = 5 + 0.9**3 * 5 / (1 - 0.9**3)  # the B loop",
                       2: "p_success = policy_evaluation_sweeps(lake_mdp, pi_lake, 100)[-1, 0]  # gamma = 1"},
               "carol": {0: "raise RuntimeError('I give up')", 2: "while True:\n    pass"}}
    subs = tmp_path / "submissions"
    subs.mkdir()
    for name, changed in answers.items():
        nb = nbformat.read(student_nb, as_version=4)
        for k, (i, j) in enumerate(zip(_answer_cells(nb), _answer_cells(solutions), strict=True)):
            source = solutions.cells[j].source
            source = source.replace(editions.BEGIN + "\n", "").replace(editions.END + "\n", "")
            nb.cells[i].source = (changed or {}).get(k, source)
        nbformat.write(nb, subs / f"{name}-05_mdp.ipynb")
    out = tmp_path / "grades"
    subprocess.run([sys.executable, str(ROOT / "tools" / "editions.py"), "grade", str(subs),
                    "--out", str(out), "--cell-timeout", "20", "--timeout", "300"], check=True, cwd=ROOT)
    with (out / "grades.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["file", "exercise", "passed", "message"],
        ["alice-05_mdp.ipynb", "5.1", "True", "passed"],
        ["alice-05_mdp.ipynb", "5.2", "True", "passed"],
        ["alice-05_mdp.ipynb", "5.3", "True", "passed"],
        ["bob-05_mdp.ipynb", "5.1", "True", "passed"],
        ["bob-05_mdp.ipynb", "5.2", "False",
         "ExerciseFailed: v_B = 18.45, but value iteration gives 19.42: compare walking from B' back to B "
         "(2 moves) with walking on to A (4 moves)"],
        ["bob-05_mdp.ipynb", "5.3", "False", "ExerciseFailed: p_success = 0.7402 is the success probability "
                                             "of the gamma = 1 plan: plan with gamma = 0.9, then evaluate "
                                             "that plan with gamma = 1"],
        ["carol-05_mdp.ipynb", "5.1", "False",
         "name 'gamma_switch' is not defined (did its cell raise, or was it deleted or renamed?)"],
        ["carol-05_mdp.ipynb", "5.2", "True", "passed"],
        ["carol-05_mdp.ipynb", "5.3", "False",
         "name 'p_success' is not defined (did its cell raise, or was it deleted or renamed?)"],
    ]
    summary = (out / "summary.md").read_text()
    assert "| alice-05_mdp.ipynb | 3/3 | - |" in summary
    assert "| carol-05_mdp.ipynb | 1/3 | 5.1, 5.3 |" in summary


def test_student_command_writes_every_notebook(tmp_path: pathlib.Path) -> None:
    """What `make student` runs: one student notebook per course notebook, no answers in any."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "editions.py"), "student", "--out", str(tmp_path)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in COURSE]
    for path in tmp_path.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert not [c for c in nb.cells if c.cell_type == "markdown" and "solution" in editions.tags(c)]
        assert "BEGIN SOLUTION" not in "\n".join(c.source for c in nb.cells)
