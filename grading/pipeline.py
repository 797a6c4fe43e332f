"""The instructor pipeline: thin wrappers around nbgrader's own commands.

Every function runs one ``nbgrader`` command in the course directory (where
``nbgrader_config.py`` sets the folders, the gradebook, the timeouts and the
stderr policy) and raises ``PipelineError`` with nbgrader's log when it
fails. ``extra_args`` go to nbgrader unchanged, e.g. ``["--db", url]``.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import ASSIGNMENTS

COURSE_ROOT = Path(__file__).resolve().parent.parent


class PipelineError(RuntimeError):
    """An nbgrader command failed; the message holds the end of its log."""


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
        raise PipelineError(f"{' '.join(command[2:])} failed (exit {result.returncode}):\n{log[-4000:]}")
    return log


def release(assignments=None, course_dir=COURSE_ROOT, extra_args=()):
    """Generate the student version of each assignment into the release directory
    (``assignments/``) and register it in the gradebook; None releases every
    assignment of ``solutions/`` in one nbgrader run."""
    if assignments is None:
        run_nbgrader(["generate_assignment", "*", "--force"], course_dir, extra_args)
        return
    for assignment in assignments:
        _require_assignment(assignment)
        run_nbgrader(["generate_assignment", assignment, "--force"], course_dir, extra_args)


def submission_path(student, assignment, course_dir=COURSE_ROOT):
    """Where nbgrader expects ``student``'s notebook for ``assignment``."""
    return Path(course_dir) / "submitted" / student / assignment / f"{assignment}.ipynb"


def place(student, assignment, notebook, course_dir=COURSE_ROOT):
    """Copy a student's notebook (e.g. downloaded from the course site) to the
    submitted directory, as ``nbgrader collect`` would have left it."""
    _require_assignment(assignment)
    if not student or os.sep in student or student.startswith("."):
        raise ValueError(f"student id must be a plain folder name, got {student!r}")
    target = submission_path(student, assignment, course_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, target)
    return target


def _assignment_or_all(assignment):
    """nbgrader's assignment argument: the name, or "*" (every assignment) for None."""
    if assignment is None:
        return "*"
    _require_assignment(assignment)
    return assignment


def autograde(assignment=None, student=None, course_dir=COURSE_ROOT, extra_args=()):
    """Autograde the submissions of one assignment (None: of all) in one run: every
    student's, or only ``student``'s. Re-grading replaces earlier results."""
    args = ["autograde", _assignment_or_all(assignment), "--force"]
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
