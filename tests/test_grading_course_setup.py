"""The pieces of the term workflow that need no grading run: declaring an assignment, the late rule,
LMS file names, and the reasons status gives for errors."""
import csv
import datetime
import re
import shutil
from pathlib import Path

import nbformat
import pytest

import grading
from grading import nbgrader_commands
from grading.gradebook_report import explain
from grading.late_penalty import LatePenalty
from grading.submissions import LMS_PATTERNS, base_name, find_notebooks

REPO = Path(__file__).resolve().parent.parent
RNN = "rnn_step_by_step"


def test_assignments_are_the_checks_modules_in_the_order_their_docstrings_give(tmp_path):
    checks = tmp_path / "checks"
    shutil.copytree(REPO / "grading" / "checks", checks)
    assert grading.declared_assignments(checks) == list(grading.ASSIGNMENTS)
    # README, "Adding an assignment", step 2
    (checks / "attention_basics.py").write_text(
        '"""Hidden checks of assignment 6, attention from scratch."""\n'
        "from . import GradedTest\n\nGRADED_TESTS = [GradedTest('scores', ('scores',), 2, print)]\n")
    (checks / "helpers.py").write_text('"""Shared helpers of assignment 7: no GRADED_TESTS, so no assignment."""\n')
    assert grading.declared_assignments(checks) == [*grading.ASSIGNMENTS, "attention_basics"]
    readme = (REPO / "README.md").read_text()
    assert "### Adding an assignment" in readme and '"Hidden checks of\n   assignment N, ..."' in readme


def test_release_takes_the_points_from_the_checks_module(tmp_path):
    # README, "Adding an assignment", step 3: the notebook's points follow GRADED_TESTS
    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions" / RNN, course / "solutions" / RNN)
    path = course / "solutions" / RNN / f"{RNN}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relative_error")
    cell.metadata["nbgrader"]["points"] = 99
    nbformat.write(notebook, path)
    assert nbgrader_commands.points_from_checks(course, RNN) == ["relative_error"]
    restored = nbformat.read(path, as_version=4)
    assert [c.metadata["nbgrader"]["points"] for c in restored.cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == "relative_error"] == [1]
    assert nbgrader_commands.points_from_checks(course, RNN) == []
    cell = next(c for c in restored.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relative_error")
    cell.metadata["nbgrader"]["grade_id"] = "relative_error_renamed"
    nbformat.write(restored, path)
    with pytest.raises(nbgrader_commands.NbgraderError, match=r"without a check .*'relative_error_renamed'.*"
                                                     r"without a test cell .*'relative_error'"):
        nbgrader_commands.points_from_checks(course, RNN)


DUE = datetime.datetime(2027, 2, 5, 23, 59)


@pytest.mark.parametrize("submitted, percent", [
    (datetime.datetime(2027, 2, 5, 23, 59), 0),     # on time, to the second
    (datetime.datetime(2027, 2, 6, 0, 0), 10),      # a minute late: one started day
    (datetime.datetime(2027, 2, 6, 23, 59), 10),    # exactly one day late
    (datetime.datetime(2027, 2, 7, 0, 0), 20),
    (datetime.datetime(2027, 2, 10, 12, 0), 50),    # five started days: the cap
    (datetime.datetime(2027, 2, 12, 23, 59), 50),   # seven days: still the cap
    (datetime.datetime(2027, 2, 13, 0, 0), 100),    # very late: no points
])
def test_late_rule_on_time_one_day_late_and_very_late(submitted, percent):
    rule = LatePenalty(percent_per_day=10, max_percent=50, zero_after_days=7)
    seconds = max(0.0, (submitted - DUE).total_seconds())
    assert rule.percent(seconds) == percent
    assert rule.late_submission_penalty("s1", 14.0, seconds) == pytest.approx(14.0 * percent / 100)


def test_late_rule_grace_and_no_zero_deadline():
    rule = LatePenalty(percent_per_day=25, max_percent=100, grace_minutes=15)
    assert rule.percent(14 * 60) == 0 and rule.percent(16 * 60) == 25 and rule.percent(30 * 86400) == 100
    assert rule.describe() == "25% per started day late, at most 100% (15 minutes' grace)"


@pytest.mark.parametrize("name, base", [
    (f"{RNN}.ipynb", RNN), (f"Copy of {RNN}.ipynb", RNN), (f"{RNN} (1).ipynb", RNN), (f"{RNN}-2.ipynb", RNN),
    (f"Copy of {RNN} (3).ipynb", RNN), (f"{RNN} copy.ipynb", RNN), ("gru_lstm.ipynb", "gru_lstm"),
    ("homework.ipynb", "homework"),
])
def test_renamed_copies_lead_back_to_the_assignment(name, base):
    assert base_name(name) == base


def test_moodle_and_plain_folder_names(tmp_path):
    download = tmp_path / "download"
    (download / "s07").mkdir(parents=True)
    for name in (f"Ann Lee_4242_assignsubmission_file_{RNN}.ipynb", "Bo Ma_4343_assignsubmission_file_notes.txt"):
        (download / name).write_text("{}")
    (download / "s07" / f"{RNN} (1).ipynb").write_text("{}")
    found, skipped = find_notebooks(REPO, download, "moodle", {"4242": "s01"})
    assert [(f.student, f.name) for f in found] == [("s01", f"{RNN}.ipynb"), ("s07", f"{RNN} (1).ipynb")]
    assert skipped == [("Bo Ma_4343_assignsubmission_file_notes.txt", "not a notebook")]
    assert set(LMS_PATTERNS) == {"canvas", "moodle"}


@pytest.mark.parametrize("zone, utc", [
    (None, datetime.datetime(2027, 2, 5, 23, 30)),                       # unset: the zip's times are UTC
    ("America/New_York", datetime.datetime(2027, 2, 6, 4, 30)),         # 5 h behind UTC in February
    ("Asia/Shanghai", datetime.datetime(2027, 2, 5, 15, 30)),           # 8 h ahead
])
def test_an_lms_zips_times_are_read_in_the_courses_time_zone(tmp_path, zone, utc):
    from term_course import write_zip

    course = tmp_path / "course"
    course.mkdir()
    setting = f"\nc.Term.lms_time_zone = {zone!r}\n" if zone else ""
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text() + setting)
    local = datetime.datetime(2027, 2, 5, 23, 30)  # what the LMS wrote into the zip entry
    download = write_zip(tmp_path / "canvas.zip", [(f"lee_4242_9001_{RNN}.ipynb", "{}", local)])
    pattern = r"^(?P<student_id>[^_]+)_(?P<file_id>.+)$"
    found, _ = find_notebooks(course, download, pattern, workdir=tmp_path)
    assert [(f.student, f.submitted_at) for f in found] == [("lee", utc)]
    # a time in a file name without a zone is the LMS's local time too; one with a zone keeps it
    stamped = r"^(?P<student_id>[^_]+)_(?P<timestamp>[^_]+)_(?P<file_id>.+)$"
    folder = tmp_path / "named"
    folder.mkdir()
    (folder / f"kim_2027-02-05 23:30_{RNN}.ipynb").write_text("{}")
    (folder / f"ray_2027-02-05 23:30 UTC_{RNN}.ipynb").write_text("{}")
    found, _ = find_notebooks(course, folder, stamped)
    assert [(f.student, f.submitted_at) for f in found] == [("kim", utc), ("ray", local)]


def test_a_time_zone_that_does_not_exist_is_a_clear_error(tmp_path):
    from grading.course_config import CourseError

    (tmp_path / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text() +
                                                  "\nc.Term.lms_time_zone = 'Mars/Olympus'\n")
    with pytest.raises(CourseError, match="c.Term.lms_time_zone is 'Mars/Olympus', which is no time zone; "
                                          "expected an IANA name"):
        find_notebooks(tmp_path, tmp_path, "canvas")


def test_status_gives_nbgraders_real_reason(tmp_path):
    from grading.scoring import record, unreadable_result

    course = tmp_path / "course"
    (course / "submitted" / "s1" / RNN).mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "solutions" / RNN, course / "solutions" / RNN)
    shutil.copy(REPO / "assignments" / RNN / f"{RNN}.ipynb", course / "submitted" / "s1" / RNN)
    with pytest.raises(RuntimeError) as refused:  # never released: nbgrader has no such assignment
        record(course, RNN, "s1", unreadable_result(RNN, "test"))
    assert explain(str(refused.value)) == (f"{RNN} is not in the gradebook: release it first "
                                           f"(python -m grading release {RNN})")
    assert explain("[AutogradeApp | WARNING] Cell 'gru_forward' does not exist in the database\nTraceback") == (
        "this looks like another assignment's notebook (cell gru_forward is not one of this assignment's)")
    assert explain("line one\n[AutogradeApp | ERROR] it broke here\nend") == "[AutogradeApp | ERROR] it broke here"


def test_status_and_export_say_why_an_import_refused_a_notebook(tmp_path, capsys):
    from grading import __main__ as cli
    from grading.gradebook_report import status_lines
    from grading.grades_csv import export_csv

    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions" / RNN, course / "solutions" / RNN)
    shutil.copy(REPO / "nbgrader_config.py", course)
    assert cli.main(["release", RNN, "--course", str(course)]) == 0
    download = tmp_path / "download"
    (download / "s1").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), download / "s1" / "homework.ipynb")
    assert cli.main(["import", RNN, str(download), "--course", str(course)]) == 1
    db = f"sqlite:///{course / 'gradebook.db'}"
    reason = f"no {RNN}.ipynb among the files found: homework.ipynb"
    assert re.split(r"\s{2,}", status_lines(course, RNN, db)[1])[-1] == f"missing: refused at import: {reason}"
    export_csv(course, [RNN], db, tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert (row["student_id"], row["missing"], row["error"]) == ("s1", "1", f"refused at import: {reason}")
    # the student's next, accepted notebook replaces the refusal
    assert cli.main(["place", "s1", RNN, str(course / "assignments" / RNN / f"{RNN}.ipynb"),
                     "--course", str(course)]) == 0
    assert re.split(r"\s{2,}", status_lines(course, RNN, db)[1])[-1] == f"not graded yet: run python -m grading grade {RNN}"
    capsys.readouterr()
