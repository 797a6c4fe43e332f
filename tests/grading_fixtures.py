"""Helpers of the hardened-grading tests: a throwaway course, and submissions built from tricks."""
import copy
import importlib
import shutil
from pathlib import Path

import nbformat
import pytest

from grading.checks import graded_tests
from grading.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "rnn_step_by_step"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
TRICKS = sorted(p.stem for p in (Path(__file__).parent / "adversarial").glob("*.py") if p.stem != "__init__")
# short limits keep the suite fast; the real defaults are in grading.sandbox.Limits
TEST_LIMITS = Limits(memory_bytes=768 << 20, cell_seconds=2.0, notebook_seconds=60.0)


def trick(name):
    return importlib.import_module(f"adversarial.{name}")


def build_submission(name):
    """The release notebook with the trick's cells in place (what a student would hand in)."""
    module = trick(name)
    source_cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nbformat.read(SOURCE, 4).cells}
    notebook = nbformat.read(RELEASE, 4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in module.HONEST:
            cell.source = source_cells[grade_id].source
        elif grade_id in module.CELLS:
            cell.source = module.CELLS[grade_id]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in module.ADDED]
    if hasattr(module, "EDIT"):
        module.EDIT(notebook)
    return notebook


def expected_score(name):
    """The points of the checks whose functions the trick implements honestly."""
    passing = set(trick(name).PASSING)
    return sum(t.points for t in graded_tests(ASSIGNMENT).values() if set(t.functions) <= passing)


def make_course(target, db_url=None):
    """A course folder with assignment 1 released and registered in a new gradebook (SQLite by default)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grading.scoring import nbgrader_config

    target = Path(target)
    (target / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", target)
    shutil.copytree(SOURCE.parent, target / "solutions" / ASSIGNMENT)
    config = nbgrader_config(target, db_url)
    result = NbGraderAPI(CourseDirectory(config=config), config=config).generate_assignment(ASSIGNMENT, force=True)
    assert result["success"], result["log"]
    return target


def copy_course(template, target):
    shutil.copytree(template, target)
    return Path(target)


def submit(course, student, notebook):
    folder = Path(course) / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    if isinstance(notebook, (str, bytes)):
        path.write_text(notebook) if isinstance(notebook, str) else path.write_bytes(notebook)
    else:
        nbformat.write(copy.deepcopy(notebook), path)
    return path


def gradebook_scores(course, db_url=None):
    """{student: (auto score of the test cells, their max)} from the gradebook."""
    from nbgrader.api import Gradebook

    from grading.batch import default_db_url

    tests = set(graded_tests(ASSIGNMENT))
    scores = {}
    with Gradebook(db_url or default_db_url(course)) as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                grades = [g for g in notebook.grades if g.name in tests]
                scores[submission.student.id] = (sum(g.auto_score or 0 for g in grades),
                                                 sum(g.max_score for g in grades))
    return scores


@pytest.fixture(scope="session")
def course_template(tmp_path_factory):
    """Assignment 1 released into a fresh SQLite gradebook, built once and shared by the xdist workers."""
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of one run
    with open(shared / "grading-course-template.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        target = shared / "grading-course-template"
        if not (target / "assignments").is_dir():
            shutil.rmtree(target, ignore_errors=True)
            make_course(target)
    return target


@pytest.fixture
def course(course_template, tmp_path):
    """A private copy of the template course (its own gradebook)."""
    return copy_course(course_template, tmp_path / "course")
