"""The two editions of the notebooks, and grading a folder of submissions.

Usage:
  python tools/editions.py student [NOTEBOOK ...] [--out student]
  python tools/editions.py grade SUBMISSIONS [--masters notebooks] [--out grades] [--timeout 600]
                                 [--cell-timeout 120]

One source, two editions. The notebooks in notebooks/ are the instructor edition: every exercise's solution
runs there, and its check cell passes under strict nbval. Cells are marked with tags:

- ``solution`` on a code cell: the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are the
  answer (a cell without the markers is all answer). A comment line ``# Hint: ...`` in the cell stays in
  the student edition and becomes the message of the stub.
- ``solution`` on a markdown cell: a written answer; the student edition drops the cell.
- ``check`` on a code cell: the exercise's check (a call of a ``check_...`` function of
  ``lecture_utils.exercises``). Its first line names the exercise: ``# Exercise 5.2: ...``.

``student`` writes the student edition: each answer replaced by ``raise NotImplementedError("<hint>")`` at the
answer's indentation, written answers removed, the outputs of solution and check cells cleared; every other
cell keeps the outputs of the instructor edition.

``grade`` executes each submitted notebook (``SUBMISSIONS/**/*.ipynb``; its file name must contain the
number of a course notebook, ``05`` in ``alice-05_mdp.ipynb``) in a fresh kernel, in a child process with a
time limit. The submission's own check cells and all its stored outputs are discarded; the check cells of
the instructor edition (``--masters``) run after the submission's last cell, each on its own, so one
exercise that fails, raises or loops does not stop the others. A cell that runs longer than
``--cell-timeout`` seconds is interrupted and grading goes on; a notebook that runs past ``--timeout`` is
stopped and what it did not answer scores 0. Writes ``OUT/grades.csv`` (file, exercise, passed, message) and
``OUT/summary.md``, and prints the summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pathlib
import re
import secrets
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HINT = re.compile(r"^\s*#\s*Hint:\s*(.+)$", re.IGNORECASE)
EXERCISE = re.compile(r"^#\s*Exercise\s+(\d+(?:\.\d+)*)\b")
COURSE_NUMBER = re.compile(r"(?<!\d)(\d\d)(?!\d)")


# ----------------------------------------------------------------------------- tags and exercises
def tags(cell: dict) -> list[str]:
    """The cell's tags."""
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_id(cell: dict) -> str:
    """The exercise a check cell checks, from its first line ``# Exercise N.k: ...``."""
    first = cell["source"].splitlines()[0] if cell["source"] else ""
    match = EXERCISE.match(first)
    if not match:
        raise ValueError(f"a check cell must start with '# Exercise N.k: ...', got {first!r}")
    return match.group(1)


@dataclass(frozen=True)
class Check:
    """One exercise's check: its id and the code of the instructor edition's check cell."""

    exercise: str
    source: str


def checks_of(nb: nbformat.NotebookNode) -> list[Check]:
    """The check cells of a notebook, in order; their exercise ids must be unique."""
    found = [Check(exercise_id(c), c["source"]) for c in nb.cells
             if c["cell_type"] == "code" and "check" in tags(c)]
    ids = [c.exercise for c in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"exercise ids must be unique, got {ids}")
    return found


# ----------------------------------------------------------------------------- the student edition
def stub(source: str) -> str:
    """The cell's answer (between the markers, or all of it) replaced by a NotImplementedError: its hint."""
    lines = source.splitlines()
    hints = [m.group(1).strip() for m in map(HINT.match, lines) if m]
    message = hints[0] if hints else "write your answer here"
    raise_line = f"raise NotImplementedError({message!r})"
    if not any(line.strip() in (BEGIN, END) for line in lines):
        kept = [line for line in lines if line.lstrip().startswith("#")]  # comments and hints stay
        return "\n".join([*kept, raise_line])
    out: list[str] = []
    inside = False
    for line in lines:
        if line.strip() == BEGIN:
            if inside:
                raise ValueError(f"nested {BEGIN!r}")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + raise_line)
        elif line.strip() == END:
            if not inside:
                raise ValueError(f"{END!r} without {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return "\n".join(out)


def student_edition(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of an instructor-edition notebook without its answers."""
    out = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = []
    for cell in out.cells:
        cell_tags = tags(cell)
        if "solution" in cell_tags and cell["cell_type"] != "code":
            continue  # a written answer
        if cell["cell_type"] == "code" and ("solution" in cell_tags or "check" in cell_tags):
            if "solution" in cell_tags:
                cell["source"] = stub(cell["source"])
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    out.cells = cells
    return out


def build_student(notebooks: list[pathlib.Path], out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write the student edition of each notebook into ``out_dir``; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        target = out_dir / path.name
        nbformat.write(student_edition(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


# ----------------------------------------------------------------------------- grading
def _grader_cell(check: Check, nonce: str) -> str:
    """Code that runs one check and prints one line: the nonce, then a JSON verdict."""
    return "\n".join([
        "def __grade():",
        "    try:",
        f"        exec(compile({check.source!r}, 'exercise {check.exercise}', 'exec'), globals())",
        "    except KeyboardInterrupt:",
        "        return False, 'the check was interrupted: it ran past the time limit of a cell (a loop?)'",
        "    except NameError as e:",
        "        return False, f'{e} (did its cell raise, or was it deleted or renamed?)'",
        "    except BaseException as e:",
        "        text = str(e).strip().splitlines()",
        "        return False, f'{type(e).__name__}: {text[0]}' if text else type(e).__name__",
        "    return True, 'passed'",
        "__ok, __msg = __grade()",
        f"print({nonce!r}, _json_dumps({{'exercise': {check.exercise!r}, 'passed': __ok, "
        "'message': __msg}))",
    ])


def grading_notebook(submission: nbformat.NotebookNode, checks: list[Check],
                     nonce: str) -> nbformat.NotebookNode:
    """The submission's code cells without outputs or its own check cells, then one cell per check."""
    nb = nbformat.v4.new_notebook(metadata=submission.get("metadata", {}))
    for cell in submission.cells:
        if cell.get("cell_type") == "code" and "check" not in tags(cell):
            nb.cells.append(nbformat.v4.new_code_cell(cell.get("source", "")))
    # json.dumps captured now, so that a submission that rebinds json cannot change how verdicts are written
    nb.cells.append(nbformat.v4.new_code_cell("import json as __j\n_json_dumps = __j.dumps"))
    nb.cells.extend(nbformat.v4.new_code_cell(_grader_cell(c, nonce)) for c in checks)
    return nb


def _worker(notebook: pathlib.Path, results: pathlib.Path, cwd: pathlib.Path, nonce: str,
            cell_timeout: int) -> None:
    """Child process: execute ``notebook`` and append each verdict line to ``results`` as it is printed."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)

    def on_cell_executed(cell: dict, **_: object) -> None:
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            for line in text.splitlines():
                if line.startswith(nonce + " "):
                    with results.open("a") as f:
                        f.write(line[len(nonce) + 1:] + "\n")

    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(cwd)}},
                            on_cell_executed=on_cell_executed)
    client.execute()


@dataclass(frozen=True)
class Verdict:
    file: str
    exercise: str
    passed: bool
    message: str


def master_for(path: pathlib.Path, masters: dict[str, pathlib.Path]) -> pathlib.Path | None:
    """The course notebook whose number (``05`` of ``05_mdp.ipynb``) the submission's file name contains."""
    for number in COURSE_NUMBER.findall(path.stem):
        if number in masters:
            return masters[number]
    return None


def grade_one(path: pathlib.Path, masters: dict[str, pathlib.Path], *, timeout: int, cell_timeout: int,
              name: str) -> list[Verdict]:
    """Grade one submission; never raises for a bad submission (its exercises score 0 with a message)."""
    master = master_for(path, masters)
    if master is None:
        return [Verdict(name, "-", False, f"no course notebook matches this file name (numbers: "
                                          f"{', '.join(sorted(masters))})")]
    checks = checks_of(nbformat.read(master, as_version=4))
    try:
        submission = nbformat.read(path, as_version=4)
    except Exception as e:  # not JSON, not a notebook
        return [Verdict(name, c.exercise, False, f"could not read the notebook: {type(e).__name__}")
                for c in checks]
    nonce = secrets.token_hex(16)
    got: dict[str, Verdict] = {}
    note = ""
    with tempfile.TemporaryDirectory() as tmp:
        nb_path, results = pathlib.Path(tmp) / "grading.ipynb", pathlib.Path(tmp) / "results.jsonl"
        nbformat.write(grading_notebook(submission, checks, nonce), nb_path)
        results.touch()
        cmd = [sys.executable, __file__, "_worker", str(nb_path), str(results), str(master.parent), nonce,
               str(cell_timeout)]
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            _, err = proc.communicate(timeout=timeout)
            if proc.returncode != 0:
                last = [line for line in err.strip().splitlines() if line.strip()]
                note = f"grading stopped: {last[-1] if last else f'exit status {proc.returncode}'}"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker and the kernel it started
            proc.communicate()
            note = f"the notebook did not finish within {timeout} s"
        for line in results.read_text().splitlines():
            v = json.loads(line)
            got[v["exercise"]] = Verdict(name, v["exercise"], bool(v["passed"]), v["message"])
    return [got.get(c.exercise) or Verdict(name, c.exercise, False, note or "no verdict") for c in checks]


def summary(verdicts: list[Verdict]) -> str:
    """A markdown table: per file, the exercises passed out of those graded."""
    files = list(dict.fromkeys(v.file for v in verdicts))
    lines = ["| file | passed | exercises failed |", "|---|---|---|"]
    for f in files:
        mine = [v for v in verdicts if v.file == f]
        failed = ", ".join(v.exercise for v in mine if not v.passed) or "-"
        lines.append(f"| {f} | {sum(v.passed for v in mine)}/{len(mine)} | {failed} |")
    return "\n".join(lines)


def grade(submissions: pathlib.Path, masters_dir: pathlib.Path, out_dir: pathlib.Path, *, timeout: int,
          cell_timeout: int) -> list[Verdict]:
    """Grade every notebook under ``submissions``; write grades.csv and summary.md into ``out_dir``."""
    masters = {p.name[:2]: p for p in sorted(masters_dir.glob("[0-9][0-9]_*.ipynb"))}
    paths = sorted(p for p in submissions.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    verdicts: list[Verdict] = []
    for path in paths:
        name = str(path.relative_to(submissions))
        print(f"grading {name} ...", flush=True)
        verdicts += grade_one(path, masters, timeout=timeout, cell_timeout=cell_timeout, name=name)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "grades.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "exercise", "passed", "message"])
        writer.writerows([v.file, v.exercise, v.passed, v.message] for v in verdicts)
    table = summary(verdicts)
    (out_dir / "summary.md").write_text(table + "\n")
    print(table)
    return verdicts


def main(argv: list[str]) -> int:
    if argv[:1] == ["_worker"]:
        notebook, results, cwd, nonce, cell_timeout = argv[1:]
        _worker(pathlib.Path(notebook), pathlib.Path(results), pathlib.Path(cwd), nonce, int(cell_timeout))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_student = sub.add_parser("student", help="build the student edition")
    p_student.add_argument("notebooks", nargs="*", type=pathlib.Path,
                           help="default: notebooks/[0-9][0-9]_*.ipynb")
    p_student.add_argument("--out", type=pathlib.Path, default=ROOT / "student")
    p_grade = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    p_grade.add_argument("submissions", type=pathlib.Path)
    p_grade.add_argument("--masters", type=pathlib.Path, default=ROOT / "notebooks")
    p_grade.add_argument("--out", type=pathlib.Path, default=ROOT / "grades")
    p_grade.add_argument("--timeout", type=int, default=600, help="seconds per notebook")
    p_grade.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args(argv)
    if args.command == "student":
        notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        for path in build_student(notebooks, args.out):
            print(f"wrote {path}")
        return 0
    if not args.submissions.is_dir():
        parser.error(f"SUBMISSIONS must be a folder of notebooks, got {args.submissions}")
    grade(args.submissions, args.masters, args.out, timeout=args.timeout, cell_timeout=args.cell_timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
