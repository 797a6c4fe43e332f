"""nbgrader's own commands (grading.nbgrader_commands) end to end, with real nbgrader runs.

One autograde run grades, for every assignment, a batch of submissions in a
temporary copy of the course: the instructor's solution, the blank release,
a correct submission written differently, and one submission per realistic
mistake. Each must lose the points of exactly the test cells it breaks.
Feedback and the CSV export are produced from the same gradebook.
"""
import csv
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grading import ASSIGNMENTS, nbgrader_commands
from grading.checks import graded_tests
from submissions import make_submission, submission_cases

REPO = Path(__file__).resolve().parent.parent
SOURCES = [name for name in ASSIGNMENTS if (REPO / "solutions" / name / f"{name}.ipynb").exists()]


def _autograded_cells(notebook):
    """grade_id -> points of every autograded test cell of a notebook."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def _submissions(course, assignment):
    """student -> (notebook, grade_ids it must fail) for one assignment."""
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(course / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    wrong, alternative = submission_cases(assignment)
    students = {
        "reference": (source, set()),
        "blank": (release, set(_autograded_cells(source))),
        "alternative": (make_submission(source, release, alternative), set()),
    }
    for name, (edits, broken) in wrong.items():
        students[name] = (make_submission(source, release, edits), broken)
    return students


@pytest.mark.parametrize("assignment", SOURCES)
def test_hidden_test_table_matches_the_notebook_cells(assignment):
    source = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    table = {test.grade_id: test.points for test in graded_tests(assignment).values()}
    assert _autograded_cells(source) == table


def test_each_submission_loses_the_points_of_exactly_the_parts_it_breaks(tmp_path):
    # One course and one nbgrader run per command for every assignment and student:
    # nbgrader's start-up, not the notebooks, is most of the time.
    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions", course / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", course)
    nbgrader_commands.release(None, course)
    expected = {}
    for assignment in SOURCES:
        points = _autograded_cells(nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4))
        for student, (notebook, broken) in _submissions(course, assignment).items():
            path = nbgrader_commands.submission_path(student, assignment, course)
            path.parent.mkdir(parents=True)
            nbformat.write(notebook, path)
            expected[student, assignment] = {gid: 0.0 if gid in broken else float(p) for gid, p in points.items()}

    nbgrader_commands.autograde(None, course_dir=course)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for (student, assignment), scores in expected.items():
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            # a part's score: its automatic points plus extra credit
            recorded = {grade.name: grade.score for grade in notebook.grades if grade.cell.cell_type == "code"}
            assert recorded == scores, f"{assignment}: {student}"

    nbgrader_commands.feedback(None, course_dir=course)
    for student, assignment in expected:
        html = (course / "feedback" / student / assignment / f"{assignment}.html").read_text()
        assert "run_hidden_check" not in html and "HIDDEN TESTS" not in html

    with open(nbgrader_commands.export(tmp_path / "grades.csv", course)) as handle:
        rows = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}
    students = {student for student, _ in expected}
    assert sorted(rows) == sorted((student, assignment) for student in students for assignment in SOURCES)
    for (student, assignment), scores in expected.items():
        assert float(rows[student, assignment]["score"]) == sum(scores.values())
