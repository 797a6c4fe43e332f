"""nbgrader's own commands, run in the course folder: release, and the stock steps the tests compare with.

Every function runs one ``nbgrader`` command in the course directory (where
``nbgrader_config.py`` sets the folders, the gradebook, the timeouts and the
stderr policy) and raises ``NbgraderError`` with nbgrader's log when it
fails. ``extra_args`` go to nbgrader unchanged, e.g. ``["--db", url]``.

``release`` first writes each part's points from the assignment's checks
module into the source notebook, so that points are declared in one place.
``autograde`` is stock nbgrader's, hidden tests in the student's kernel: the
tests' oracle only (the command line's ``autograde`` is the hardened grader).
"""
import os
import subprocess
import sys
from pathlib import Path

from . import ASSIGNMENTS

COURSE_ROOT = Path(__file__).resolve().parent.parent


class NbgraderError(RuntimeError):
    """An nbgrader command failed (the message holds the end of its log), or a notebook's test cells and its
    checks module do not match."""


def _require_assignment(assignment):
    if assignment not in ASSIGNMENTS:
        raise ValueError(f"unknown assignment {assignment!r}; expected one of {list(ASSIGNMENTS)}")


def run_nbgrader(args, course_dir=COURSE_ROOT, extra_args=()):
    """Run ``nbgrader <args> <extra_args>`` in ``course_dir``; return its combined output."""
    command = [sys.executable, "-m", "nbgrader", *args, *extra_args]
    # nbgrader runs the `alembic` script of its environment by name, so that
    # environment's bin folder must come first on PATH even when it is not activated.
    bin_dir = os.path.dirname(sys.executable)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    result = subprocess.run(command, cwd=course_dir, capture_output=True, text=True, env=env)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise NbgraderError(f"{' '.join(command[2:])} failed (exit {result.returncode}):\n{log[-4000:]}")
    return log


def points_from_checks(course_dir, assignment):
    """Write the points of ``grading.checks.<assignment>.GRADED_TESTS`` into the source notebook's test cells.

    Returns the grade_ids whose points changed. A test cell without a check, or a
    check without a test cell, is an error naming them.
    """
    import nbformat

    from .checks import graded_tests

    path = Path(course_dir) / "solutions" / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    tests = graded_tests(assignment)
    cells = {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
             if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
             and not cell.metadata["nbgrader"].get("solution")}
    if set(cells) != set(tests):
        raise NbgraderError(f"{assignment}: test cells without a check in grading/checks/{assignment}.py: "
                            f"{sorted(set(cells) - set(tests))}; checks without a test cell in {path.name}: "
                            f"{sorted(set(tests) - set(cells))}")
    changed = [gid for gid, cell in cells.items() if cell.metadata["nbgrader"]["points"] != tests[gid].points]
    for gid in changed:
        cells[gid].metadata["nbgrader"]["points"] = tests[gid].points
    if changed:
        nbformat.write(notebook, path)
    return changed


def release(assignments=None, course_dir=COURSE_ROOT, extra_args=()):
    """Generate the student version of each assignment into the release directory
    (``assignments/``) and register it in the gradebook; None releases every
    assignment of ``solutions/`` in one nbgrader run."""
    names = assignments
    if names is None:
        names = [a for a in ASSIGNMENTS if (Path(course_dir) / "solutions" / a / f"{a}.ipynb").is_file()]
    for assignment in names:
        _require_assignment(assignment)
        points_from_checks(course_dir, assignment)
    if assignments is None:
        run_nbgrader(["generate_assignment", "*", "--force"], course_dir, extra_args)
        return
    for assignment in assignments:
        run_nbgrader(["generate_assignment", assignment, "--force"], course_dir, extra_args)


def submission_path(student, assignment, course_dir=COURSE_ROOT):
    """Where nbgrader expects ``student``'s notebook for ``assignment`` (grading.submissions.place puts it there)."""
    return Path(course_dir) / "submitted" / student / assignment / f"{assignment}.ipynb"


def place(student, assignment, notebook, course_dir=COURSE_ROOT):
    """Check ``notebook`` and put it where nbgrader looks for it, replacing any earlier one
    (grading.submissions.place, as ``python -m grading place --replace``); return where it went."""
    from .submissions import place as place_checked

    return place_checked(course_dir, student, assignment, notebook, replace=True)[0]


def _assignment_or_all(assignment):
    """nbgrader's assignment argument: the name, or "*" (every assignment) for None."""
    if assignment is None:
        return "*"
    _require_assignment(assignment)
    return assignment


def autograde(assignment=None, student=None, course_dir=COURSE_ROOT, extra_args=()):
    """Stock nbgrader autograde (hidden tests in the student's kernel, the tests' oracle) of the
    submissions of one assignment (None: of all) in one run: every student's, or only ``student``'s.
    Re-grading replaces earlier results."""
    args = ["autograde", _assignment_or_all(assignment), "--force", "--HardenedExecute.stock=True"]
    if student is not None:
        args.append(f"--student={student}")
    return run_nbgrader(args, course_dir, extra_args)


def feedback(assignment=None, student=None, course_dir=COURSE_ROOT, extra_args=()):
    """Write one HTML feedback file per autograded notebook (of one assignment, or
    of all for None) into ``feedback/``."""
    args = ["generate_feedback", _assignment_or_all(assignment), "--force"]
    if student is not None:
        args.append(f"--student={student}")
    return run_nbgrader(args, course_dir, extra_args)


def export(csv_path="grades.csv", course_dir=COURSE_ROOT, extra_args=()):
    """Write the gradebook as CSV: one row per student and assignment."""
    run_nbgrader(["export", f"--to={Path(csv_path).resolve()}"], course_dir, extra_args)
    return Path(csv_path).resolve()
