"""The instructor pipeline end to end, with real nbgrader runs.

For each assignment, one autograde run grades a batch of submissions in a
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

from grading import ASSIGNMENTS, pipeline
from grading.checks import graded_tests
from submissions import make_submission, submission_cases

REPO = Path(__file__).resolve().parent.parent


def _available(assignment):
    return (REPO / "solutions" / assignment / f"{assignment}.ipynb").exists()


def _course_copy(tmp_path, assignment):
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copytree(REPO / "solutions" / assignment, course / "solutions" / assignment)
    shutil.copy(REPO / "nbgrader_config.py", course)
    return course


def _autograded_cells(notebook):
    """grade_id -> points of every autograded test cell of a notebook."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def _scores(course, assignment, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {grade.name: grade.auto_score for grade in notebook.grades if grade.cell.cell_type == "code"}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_submission_loses_the_points_of_exactly_the_parts_it_breaks(assignment, tmp_path):
    if not _available(assignment):
        pytest.skip(f"{assignment} has no source notebook yet")
    course = _course_copy(tmp_path, assignment)
    pipeline.release([assignment], course)
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(course / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    points = _autograded_cells(source)
    assert points == {test.grade_id: test.points for test in graded_tests(assignment).values()}

    wrong, alternative = submission_cases(assignment)
    # student -> (submitted notebook, grade_ids that must get 0)
    students = {
        "reference": (source, set()),
        "blank": (release, set(points)),
        "alternative": (make_submission(source, release, alternative), set()),
    }
    for name, (edits, broken) in wrong.items():
        students[name] = (make_submission(source, release, edits), broken)
    for student, (notebook, _) in students.items():
        path = pipeline.submission_path(student, assignment, course)
        path.parent.mkdir(parents=True)
        nbformat.write(notebook, path)

    pipeline.autograde(assignment, course_dir=course)

    for student, (_, broken) in students.items():
        expected = {grade_id: 0.0 if grade_id in broken else float(p) for grade_id, p in points.items()}
        assert _scores(course, assignment, student) == expected, student

    pipeline.feedback(assignment, course_dir=course)
    for student in students:
        html = (course / "feedback" / student / assignment / f"{assignment}.html").read_text()
        assert "run_hidden_check" not in html and "HIDDEN TESTS" not in html

    with open(pipeline.export(tmp_path / "grades.csv", course)) as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((row["student_id"], row["assignment"]) for row in rows) == sorted(
        (student, assignment) for student in students
    )
    reference_row = next(row for row in rows if row["student_id"] == "reference")
    assert float(reference_row["score"]) == sum(points.values())
