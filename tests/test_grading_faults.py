"""Faults: bad submissions, crashes and interruptions never lose a grade or stop the batch."""
import json

import nbformat
import pytest

from grading.batch import finished, grade_all, grade_one
from grading.sandbox import Limits
from grading.scoring import score_notebook
from grading_fixtures import (
    ASSIGNMENT,
    SOURCE,
    TEST_LIMITS,
    build_submission,
    expected_score,
    gradebook_scores,
    submit,
)

FULL = expected_score("honest")


def test_bad_submissions_are_recorded_as_errors_and_the_others_are_graded(course):
    submit(course, "honest", build_submission("honest"))
    submit(course, "corrupt_json", '{"cells": [ {"cell_type": "code", ')
    submit(course, "not_a_notebook", json.dumps({"cells": 3, "hello": "world"}))
    submit(course, "binary", b"\x89PNG\r\n\x1a\n\x00\x00")
    (course / "submitted" / "missing_file" / ASSIGNMENT).mkdir(parents=True)
    outcomes = {o["student"]: o for o in grade_all(course, ASSIGNMENT, workers=2, limits=TEST_LIMITS, progress=False)}

    assert set(outcomes) == {"honest", "corrupt_json", "not_a_notebook", "binary", "missing_file"}
    assert outcomes["honest"]["status"] == "graded" and outcomes["honest"]["score"] == FULL
    for student in ("corrupt_json", "not_a_notebook", "binary", "missing_file"):
        assert outcomes[student]["status"] == "error" and outcomes[student]["message"], student
    rows = finished(f"sqlite:///{course}/gradebook.db", ASSIGNMENT)
    assert {s: r["status"] for s, r in rows.items()} == {s: o["status"] for s, o in outcomes.items()}
    assert gradebook_scores(course)["honest"] == (FULL, FULL)


def test_a_rerun_after_an_interruption_grades_only_what_is_left(course):
    for student in ("s1", "s2", "s3"):
        submit(course, student, build_submission("honest"))
    first = grade_all(course, ASSIGNMENT, students=["s1"], limits=TEST_LIMITS, progress=False)  # then "interrupted"
    second = grade_all(course, ASSIGNMENT, workers=2, limits=TEST_LIMITS, progress=False)
    third = grade_all(course, ASSIGNMENT, workers=2, limits=TEST_LIMITS, progress=False)

    assert [o["student"] for o in first] == ["s1"]
    assert sorted(o["student"] for o in second) == ["s2", "s3"]
    assert third == []
    assert sorted(finished(f"sqlite:///{course}/gradebook.db", ASSIGNMENT)) == ["s1", "s2", "s3"]
    assert gradebook_scores(course) == {s: (FULL, FULL) for s in ("s1", "s2", "s3")}


def test_a_crash_keeps_the_passed_parts_and_the_feedback_says_why_without_hidden_code(course):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grading.scoring import nbgrader_config

    submit(course, "looper", build_submission("infinite_loop"))
    outcome = grade_one(course, ASSIGNMENT, "looper", limits=TEST_LIMITS)
    assert outcome["status"] == "graded"
    assert gradebook_scores(course)["looper"][0] == expected_score("infinite_loop")

    autograded = (course / "autograded" / "looper" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "did not return within" in autograded
    config = nbgrader_config(course)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    assert api.generate_feedback(ASSIGNMENT, "looper", force=True)["success"]
    html = (course / "feedback" / "looper" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "did not return within" in html
    for hidden in ("run_hidden_check", "BEGIN HIDDEN TESTS", "check_rnn_forward_states"):
        assert hidden not in autograded and hidden not in html


def test_the_whole_notebook_deadline_stops_grading_and_keeps_what_passed():
    honest = build_submission("honest")
    # every call of rnn_forward now takes a second: the checks after the budget fail with a message
    honest.cells.append(nbformat.v4.new_code_cell(
        "import time\n_fast = rnn_forward\ndef rnn_forward(*args):\n    time.sleep(1.5)\n    return _fast(*args)"))
    limits = Limits(memory_bytes=768 << 20, cell_seconds=3.0, notebook_seconds=6.0)
    result = score_notebook(ASSIGNMENT, honest, nbformat.read(SOURCE, 4), limits)
    parts = {part.grade_id: part for part in result.parts}
    assert parts["rnn_cell_forward_state"].points == parts["rnn_cell_forward_state"].max_points
    assert any("time budget" in part.message for part in result.parts)
    assert 0 < result.score < result.max_score


@pytest.mark.parametrize("limit", ["cell_seconds", "memory_bytes"])
def test_each_limit_ends_only_the_code_that_exceeds_it(limit):
    from grading.session import Session

    cells = ["x = 1", "import time\ntime.sleep(30)" if limit == "cell_seconds" else "b = bytearray(2 << 30)", "y = x + 1"]
    cells.append("def result():\n    return x, y")
    with Session(cells, TEST_LIMITS) as session:
        errors = session.run_cells()
        assert list(errors) == [1]
        assert session.call("result") == (1, 2)
