"""Extra credit is nbgrader's own: the GRU/LSTM peephole part adds to nbgrader's score, not to its maximum.

nbgrader computes its own totals (formgrader's pages and REST API, ``nbgrader
export``, the late penalty) from the gradebook, so the peephole's test cell
must be worth 0 there and its points must be the grade's ``extra_credit``,
through every path that autogrades: ``python -m grading grade``, a plain
``nbgrader autograde`` (formgrader's button) and the stock oracle.
"""
import os
import shutil

import nbformat
import pytest

from grading import nbgrader_commands
from grading.checks import graded_tests
from grading.gradebook_report import records
from term_course import GRU, REPO, notebook

PEEPHOLE = "lstm_peephole_cell_forward"
WRITTEN_MAX = 2.0  # gru_lstm's two written answers, one point each


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("extra") / "course"
    shutil.copytree(REPO / "solutions" / GRU, course / "solutions" / GRU)
    shutil.copy(REPO / "nbgrader_config.py", course)
    mathjax = "node_modules/mathjax/es5"  # the course's MathJax, as in the repository (Jupyter serves no link out)
    shutil.copytree(REPO / mathjax, course / mathjax, copy_function=os.link)
    nbgrader_commands.release([GRU], course)
    for student, variant in (("full", "full"), ("no_peephole", "no_peephole"), ("button", "full")):
        path = nbgrader_commands.submission_path(student, GRU, course)
        path.parent.mkdir(parents=True)
        nbformat.write(notebook(course, GRU, student, variant), path)
    return course


def _nbgrader_view(course, student):
    """What nbgrader itself says: formgrader's submission row (score, max) and the peephole grade."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    row = NbGraderAPI(CourseDirectory(config=config), config=config).get_submission(GRU, student)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(PEEPHOLE, GRU, GRU, student)
        peephole = (grade.auto_score, grade.extra_credit, grade.max_score)
    return row["score"], row["max_score"], peephole


def _expected(earned_peephole):
    tests = graded_tests(GRU)
    automatic = sum(t.points for gid, t in tests.items() if gid != PEEPHOLE)
    return automatic, automatic + WRITTEN_MAX, float(tests[PEEPHOLE].points) if earned_peephole else 0.0


def test_nbgraders_maximum_leaves_out_the_extra_credit_part(course):
    from nbgrader.api import Gradebook

    automatic, maximum, _ = _expected(True)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assignment = gradebook.find_assignment(GRU)
        assert (assignment.max_score, assignment.max_code_score) == (maximum, automatic)
        assert gradebook.find_grade_cell(PEEPHOLE, GRU, GRU).max_score == 0.0
    released = nbformat.read(course / "assignments" / GRU / f"{GRU}.ipynb", as_version=4)
    # the students' notebook still says what the part is worth
    assert [c.metadata["nbgrader"]["points"] for c in released.cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == PEEPHOLE] == [graded_tests(GRU)[PEEPHOLE].points]


@pytest.mark.parametrize("student, earned", [("full", True), ("no_peephole", False)])
def test_grade_records_the_peephole_points_as_extra_credit(course, student, earned):
    from grading.batch import grade_one

    assert grade_one(course, GRU, student)["status"] == "graded"
    automatic, maximum, extra = _expected(earned)
    assert _nbgrader_view(course, student) == (automatic + extra, maximum, (0.0, extra, 0.0))
    record = records(course, GRU, f"sqlite:///{course / 'gradebook.db'}")[student]  # status and export agree
    assert (record.auto_score, record.auto_max) == (automatic + extra, automatic)


def test_plain_nbgrader_autograde_and_the_stock_oracle_record_it_the_same_way(course):
    automatic, maximum, extra = _expected(True)
    nbgrader_commands.run_nbgrader(["autograde", GRU, "--student=button", "--force"], course)  # formgrader's button
    assert _nbgrader_view(course, "button") == (automatic + extra, maximum, (0.0, extra, 0.0))
    nbgrader_commands.autograde(GRU, student="button", course_dir=course)  # hidden tests in the kernel
    assert _nbgrader_view(course, "button") == (automatic + extra, maximum, (0.0, extra, 0.0))


def test_formgraders_pages_typeset_with_the_courses_mathjax_and_show_nbgraders_totals(course):
    import time

    from grading.batch import grade_one
    from test_grading_term import Formgrader
    from website_reader import open_browser

    assert grade_one(course, GRU, "full")["status"] == "graded"
    automatic, maximum, extra = _expected(True)
    formgrader = Formgrader(course)
    try:
        row = formgrader.submission(GRU, "full")
        assert (row["score"], row["max_score"]) == (automatic + extra, maximum)  # its REST API's totals
        with open_browser() as browser:  # reaches nothing but localhost: a CDN script would fail to load
            browser.get(f"http://127.0.0.1:{formgrader.port}/api/status?token={formgrader.token}")  # logged in
            browser.get(f"http://127.0.0.1:{formgrader.port}/formgrader/submissions/{row['id']}/"
                        f"?token={formgrader.token}")
            deadline = time.time() + 60
            while browser.execute_script("return document.querySelectorAll('mjx-container').length") == 0:
                assert time.time() < deadline, "MathJax typeset nothing on formgrader's page"
                time.sleep(0.5)
            assert "cdnjs" not in browser.page_source
            assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        formgrader.stop()
