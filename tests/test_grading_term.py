"""A whole term in a scratch course, through `python -m grading` as an instructor runs it.

30 students, two assignments. rnn_step_by_step arrives as a Canvas zip with
renamed copies, a resubmission, late and very late work, another
assignment's notebook, a stray notebook and students who submitted nothing;
gru_lstm as a plain folder. Then: grade with 2 workers, written answers
graded through formgrader's REST API, its Autograde button, a resubmission,
feedback, status and exports. Every status line and every CSV cell is
compared with what the checks' points, the notebooks and the course file's
late rule say it must be (tests/term_course.py).
"""
import contextlib
import csv
import datetime
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile

import nbformat
import pytest

from grading import __main__ as cli
from term_course import (
    CHEAT,
    DUE,
    GRU,
    LMS_ID,
    ON_TIME,
    REPO,
    RNN,
    STUDENTS,
    TERM_CONFIG,
    answer_text,
    canvas_name,
    expected_parts,
    late_penalty,
    notebook,
    with_outputs,
    write_zip,
)

D = datetime.datetime
WRITTEN = {RNN: ["answer_shared_weights", "answer_relative_error"], GRU: ["answer_forget_gate", "answer_gru_vs_lstm"]}
EXTRA_CREDIT = {GRU: {"lstm_peephole_cell_forward"}, RNN: set()}
FULL_ON_TIME = [f"s{n:02d}" for n in range(1, 15)]
# student -> (files in the zip: (name, variant, time)); "cheat" is the blank release plus a tampering cell
RNN_ZIP = {**{s: [(f"{RNN}.ipynb", "full", ON_TIME)] for s in FULL_ON_TIME},
           "s21": [(f"Copy of {RNN} (1).ipynb", "full", D(2027, 2, 6, 10, 0))],
           "s22": [(f"{RNN}.ipynb", "blank", D(2027, 2, 4, 9, 0)), (f"{RNN}-1.ipynb", "full", D(2027, 2, 5, 21, 0))],
           "s23": [(f"{RNN}.ipynb", "full", D(2027, 2, 20, 12, 0))],
           "s24": [(f"{RNN}.ipynb", "cheat", ON_TIME)],
           "s25": [(f"{RNN}.ipynb", "no_relative_error", ON_TIME)],
           "s26": [(f"{RNN}.ipynb", "gru", ON_TIME)],
           "s27": [("homework.ipynb", "empty", ON_TIME)],
           "s28": [(f"{RNN}.ipynb", "full", D(2027, 2, 8, 12, 0))]}
RESUBMITTED = D(2027, 2, 6, 8, 0)  # s25's corrected notebook, in a second download
GRU_FOLDER = {"s01": (f"{GRU}.ipynb", "full"), "s02": (f"{GRU}.ipynb", "no_peephole"),
              "s03": (f"Copy of {GRU}.ipynb", "no_lstm_backward")}
GRU_TIME = D(2027, 2, 25, 12, 0)
# written answers graded in formgrader: student -> {grade_id: points}
MANUAL = {"s01": {"answer_shared_weights": 1.0, "answer_relative_error": 0.5}, "s21": {"answer_shared_weights": 1.0}}


def run(*argv):
    """``python -m grading ARGV`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def _submission(course, student, variant, assignment=RNN):
    if variant == "cheat":
        nb = notebook(course, RNN, student, blank_all=True)
        nb.cells.append(nbformat.v4.new_code_cell(CHEAT))
        return nb
    if variant == "blank":
        return notebook(course, assignment, student, blank_all=True)
    if variant == "gru":
        return notebook(course, GRU, student)
    if variant == "empty":
        return nbformat.v4.new_notebook()
    nb = notebook(course, assignment, student, variant)
    return with_outputs(nb) if student == "s01" else nb


def _lms_name(student, name, when, n):
    late = "late_" if when > DUE[RNN] else ""
    return f"{canvas_name(student)}_{late}{LMS_ID[student]}_{9000 + n}_{name}"


# student -> [(the file's name in the Canvas zip, variant, time)]
LMS_FILES = {student: [(_lms_name(student, name, when, 10 * i + k), variant, when)
                       for k, (name, variant, when) in enumerate(files)]
             for i, (student, files) in enumerate(RNN_ZIP.items())}


class Formgrader:
    """A Jupyter server with nbgrader's formgrader in the course folder, driven through its REST API."""

    def __init__(self, course):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.token = "term-test-token"
        command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root", f"--port={self.port}",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={course}",
                   "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}"]
        self.log = open(course / "formgrader.log", "w")
        self.process = subprocess.Popen(command, cwd=course, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while True:
            try:
                self.call("/formgrader/api/status")
                return
            except OSError as error:
                if time.time() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"formgrader did not start: {(course / 'formgrader.log').read_text()[-2000:]}") from error
                time.sleep(0.5)

    def call(self, path, method="GET", body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.loads(response.read() or b"null")

    def submission(self, assignment, student):
        rows = self.call(f"/formgrader/api/submitted_notebooks/{assignment}/{assignment}")
        return next(row for row in rows if row["student"] == student)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The term, run once: every command's output, the course folder and a running formgrader."""
    root = tmp_path_factory.mktemp("term")
    course = root / "course"
    (course / "solutions").mkdir(parents=True)
    for assignment in (RNN, GRU):
        shutil.copytree(REPO / "solutions" / assignment, course / "solutions" / assignment)
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text() + TERM_CONFIG)
    out = {"course": course}
    assert run("release", RNN, GRU, "--course", course)[0] == 0
    roster = root / "roster.csv"
    roster.write_text("id,first_name,last_name,email,lms_user_id\n" + "".join(
        f"{s},First{s},Last{s},{s}@example.org,{LMS_ID[s]}\n" for s in STUDENTS))
    out["roster"] = run("roster", roster, "--course", course)

    entries = [("readme.txt", "the class's notes", ON_TIME)]
    for student, files in LMS_FILES.items():
        entries += [(name, _submission(course, student, variant), when) for name, variant, when in files]
    first = write_zip(root / "canvas.zip", entries)
    out["import"] = run("import", RNN, first, "--course", course)
    folder = root / "gru_download"
    for student, (name, variant) in GRU_FOLDER.items():
        path = folder / student / name
        path.parent.mkdir(parents=True)
        nbformat.write(notebook(course, GRU, student, variant), path)
        os.utime(path, (GRU_TIME.replace(tzinfo=datetime.timezone.utc).timestamp(),) * 2)
    out["import_gru"] = run("import", GRU, folder, "--course", course)

    out["grade"] = run("grade", RNN, "--workers", 2, "--course", course)
    out["grade_gru"] = run("grade", GRU, "--workers", 2, "--course", course)

    out["reimport_same"] = run("import", RNN, first, "--course", course, "--replace")  # downloaded again
    second = write_zip(root / "canvas2.zip", [(_lms_name("s25", f"{RNN}.ipynb", RESUBMITTED, 99),
                                               _submission(course, "s25", "full"), RESUBMITTED)])
    out["reimport_kept"] = run("import", RNN, second, "--course", course)
    out["reimport_replaced"] = run("import", RNN, second, "--course", course, "--replace")
    out["reimport_older"] = run("import", RNN, first, "--course", course, "--replace")
    out["status_resubmitted"] = run("status", RNN, "--course", course)
    # as an instructor types it, in the course folder: stderr is the real one of the worker processes too
    regrade = subprocess.run([sys.executable, "-m", "grading", "grade", RNN, "--workers", "2"], cwd=course,
                             capture_output=True, text=True)
    out["regrade"] = regrade.returncode, regrade.stdout, regrade.stderr

    formgrader = Formgrader(course)
    try:
        for student, scores in MANUAL.items():
            submission = formgrader.submission(RNN, student)
            grades = {g["name"]: g for g in formgrader.call(f"/formgrader/api/grades?submission_id={submission['id']}")}
            for grade_id, points in scores.items():
                formgrader.call(f"/formgrader/api/grade/{grades[grade_id]['id']}", "PUT",
                                {"manual_score": points, "extra_credit": 0})
        out["button"] = formgrader.call(f"/formgrader/api/submission/{RNN}/s24/autograde", "POST")
        out["formgrader"] = formgrader

        out["autograde"] = run("autograde", "--course", course)  # every released assignment, nothing left to do
        out["feedback"] = run("feedback", RNN, "--zip", root / "feedback_zips", "--course", course)
        out["feedback_gru"] = run("feedback", GRU, "--release", "--course", course)
        out["zips"] = root / "feedback_zips"
        out["status"] = run("status", "--course", course)
        out["export"] = run("export", "--to", root / "grades.csv", "--course", course)
        out["canvas"] = run("export", "--canvas", "--to", root / "canvas.csv", "--course", course)
        out["csv"], out["canvas_csv"] = root / "grades.csv", root / "canvas.csv"
        yield out
    finally:
        formgrader.stop()


# ---- what each student ends the term with ------------------------------------------------

def final_submissions():
    """(assignment, student) -> (variant, submitted at) of what is graded at the end of the term."""
    kept = {}
    for student, files in RNN_ZIP.items():
        name, variant, when = max(files, key=lambda f: f[2])
        if variant not in ("gru", "empty"):  # refused at import: nothing placed
            kept[RNN, student] = (variant, when)
    kept[RNN, "s25"] = ("full", RESUBMITTED)
    for student, (_name, variant) in GRU_FOLDER.items():
        kept[GRU, student] = (variant, GRU_TIME)
    return kept


def expected_record(assignment, student):
    """The standing the gradebook must hold: parts, written answers, maxima, penalty, total."""
    from grading.checks import graded_tests

    tests = graded_tests(assignment)
    auto_max = sum(t.points for gid, t in tests.items() if gid not in EXTRA_CREDIT[assignment])
    written_max = float(len(WRITTEN[assignment]))
    submission = final_submissions().get((assignment, student))
    if submission is None:
        return dict(missing=True, parts={gid: 0.0 for gid in tests}, written={w: 0.0 for w in WRITTEN[assignment]},
                    auto=0.0, auto_max=auto_max, written_max=written_max, submitted=None, penalty=0.0, total=0.0)
    variant, when = submission
    if variant in ("blank", "cheat"):
        parts = {gid: 0.0 for gid in tests}
        written = {w: 0.0 for w in WRITTEN[assignment]}  # unchanged answer cells: nbgrader scores them 0
    else:
        parts = expected_parts(assignment, variant)
        written = {w: MANUAL.get(student, {}).get(w) if assignment == RNN else None for w in WRITTEN[assignment]}
    auto = sum(parts.values())
    penalty = late_penalty(auto, when, DUE[assignment])  # nbgrader applies it when autograding: automatic points
    manual = sum(v or 0.0 for v in written.values())
    return dict(missing=False, parts=parts, written=written, auto=auto, auto_max=auto_max, written_max=written_max,
                submitted=when, penalty=penalty, total=max(0.0, auto + manual - penalty))


def num(value):
    return "" if value is None else f"{value:g}"


# ---- the tests ---------------------------------------------------------------------------------

def _lines(output):
    return [re.split(r"\s{2,}", line.strip()) for line in output.strip().splitlines()]


def test_import_reports_every_student_and_places_what_nbgrader_expects(term):
    status, out, err = term["import"]
    assert status == 1, err  # two refused notebooks: the instructor must look
    rows = {row[0]: row[1:] for row in _lines(out)[:-1]}
    for student in STUDENTS:
        files = RNN_ZIP.get(student, [])
        if student == "s26":
            assert rows[student] == ["error", f"{LMS_FILES[student][0][0]} looks like the notebook of {GRU}, "
                                              f"not of {RNN}"]
        elif student == "s27":
            assert rows[student] == ["error", f"no {RNN}.ipynb among the files found: homework.ipynb"]
        elif files:
            chosen, _, when = max(files, key=lambda f: f[2])
            notes = [f"submitted at {when:%Y-%m-%d %H:%M} UTC"]
            if chosen != f"{RNN}.ipynb":
                notes.append(f"renamed copy {chosen!r} accepted")
            if len(files) > 1:
                notes.append(f"{len(files)} submissions, kept the latest")
            assert rows[student] == ["imported", "; ".join(notes)], student
            final_time = final_submissions()[RNN, student][1]
            assert (term["course"] / "submitted" / student / RNN / "timestamp.txt").read_text().strip() == \
                f"{final_time:%Y-%m-%d %H:%M:%S}.000000 UTC"
        else:
            assert rows[student] == ["missing", "no submission"], student
    assert rows["-"] == ["skipped", "readme.txt: not a notebook"]
    assert not (term["course"] / "submitted" / "s26").exists() and not (term["course"] / "submitted" / "s27").exists()
    imported = sum(1 for row in rows.values() if row[0] == "imported")
    missing = sum(1 for row in rows.values() if row[0] == "missing")
    assert (imported, missing) == (len(RNN_ZIP) - 2, len(STUDENTS) - len(RNN_ZIP))
    assert out.strip().splitlines()[-1] == f"{RNN}: 2 error, {imported} imported, {missing} missing, 1 skipped"

    status, out, _ = term["import_gru"]
    assert status == 0
    rows = {row[0]: row[1:] for row in _lines(out)[:-1]}
    assert rows["s03"] == ["imported", f"submitted at {GRU_TIME:%Y-%m-%d %H:%M} UTC; "
                                       f"renamed copy 'Copy of {GRU}.ipynb' accepted"]
    assert rows["s01"] == rows["s02"] == ["imported", f"submitted at {GRU_TIME:%Y-%m-%d %H:%M} UTC"]
    assert sorted(s for s, row in rows.items() if row[0] == "missing") == STUDENTS[3:]


def test_a_resubmission_replaces_the_earlier_one_only_when_asked_and_is_regraded(term):
    status, out, _ = term["reimport_kept"]
    assert {row[0]: row[1] for row in _lines(out)[:-2]}["s25"] == "kept"
    assert out.strip().splitlines()[-1] == "earlier submissions were kept: pass --replace to replace them with these"
    rows = {row[0]: row[1:] for row in _lines(term["reimport_replaced"][1])[:-1]}
    assert rows["s25"] == ["replaced", f"submitted at {RESUBMITTED:%Y-%m-%d %H:%M} UTC"]
    same = {row[0]: row[1] for row in _lines(term["reimport_same"][1])[:-1]}
    assert {s: same[s] for s in RNN_ZIP} == {s: "error" if s in ("s26", "s27") else "unchanged" for s in RNN_ZIP}
    older = {row[0]: row[1:] for row in _lines(term["reimport_older"][1])[:-1]}
    assert older["s25"] == ["kept", f"a later submission (submitted at {RESUBMITTED:%Y-%m-%d %H:%M} UTC) is already there"]
    assert {s for s, row in older.items() if row[0] == "unchanged"} == set(RNN_ZIP) - {"s25", "s26", "s27"}
    before = {row[0]: row for row in _lines(term["status_resubmitted"][1])[2:]}
    assert before["s25"][-1] == f"resubmitted after grading: run python -m grading grade {RNN} again"
    regraded = [line for line in term["regrade"][1].splitlines() if line.startswith("s25\t")]
    assert regraded and regraded[0].split("\t")[1:3] == ["graded", "14/14"]


def test_grade_prints_each_submission_and_a_closing_line_with_the_totals(term):
    status, out, err = term["grade"]
    first = {s: max(files, key=lambda f: f[2])[1] for s, files in RNN_ZIP.items() if s not in ("s26", "s27")}
    parts = {s: expected_parts(RNN, v) if v not in ("cheat", "blank") else {} for s, v in first.items()}
    lines = out.strip().splitlines()
    for student in first:
        line = next(line for line in lines if line.startswith(f"{student}\t"))
        assert line.split("\t")[1:3] == ["graded", f"{sum(parts[student].values()):g}/14"], line
    waiting = 2 * sum(1 for v in first.values() if v not in ("cheat", "blank"))
    assert lines[-1] == (f"{RNN}: {len(first)} graded, 0 with errors, 0 not graded; automatic points "
                         f"{sum(sum(p.values()) for p in parts.values()):g} of {14 * len(first)} (14 per submission); "
                         f"{waiting} written answer(s) wait for a grader (formgrader)")
    assert "Warning" not in term["regrade"][2]  # nbgrader's SQLAlchemy warnings are not an instructor's concern
    assert run("grade", "bidirectional_deep", "--course", term["course"]) == (
        1, "", "error: bidirectional_deep is not released: run python -m grading release bidirectional_deep first\n")


def test_grade_says_when_there_are_no_submissions(term, tmp_path):
    bare = tmp_path / "course"  # the same gradebook, nothing submitted yet
    bare.mkdir()
    shutil.copy(term["course"] / "nbgrader_config.py", bare)
    for part in term["course"].glob("gradebook.db*"):  # with its write-ahead log
        shutil.copy(part, bare)
    assert run("grade", GRU, "--course", bare) == (
        1, "", f"error: no submissions for {GRU}: import them first (python -m grading import {GRU} "
               "LMS_ZIP_OR_FOLDER)\n")


def refused_at_import(assignment, student):
    """Why the import refused the student's only notebook ("" when it did not)."""
    if assignment == RNN and student == "s26":
        return f"{LMS_FILES[student][0][0]} looks like the notebook of {GRU}, not of {RNN}"
    if assignment == RNN and student == "s27":
        return f"no {RNN}.ipynb among the files found: homework.ipynb"
    return ""


def test_status_has_one_true_line_per_student(term):
    status, out, _ = term["status"]
    assert status == 0
    sections = out.split("== ")[1:]
    assert [s.splitlines()[0] for s in sections] == [
        f"{RNN} (due 2027-02-05 23:59 UTC, late: 10% per started day late, at most 50%, 0 points after 7 days)",
        f"{GRU} (due 2027-03-01 23:59 UTC, late: 10% per started day late, at most 50%, 0 points after 7 days)"]
    for assignment, section in zip((RNN, GRU), sections):
        rows = [re.split(r"\s{2,}", line.strip()) for line in section.strip().splitlines()[1:]]
        assert rows[0] == ["student", "submitted (UTC)", "graded (UTC)", "auto", "written", "late penalty", "state"]
        assert [row[0] for row in rows[1:]] == STUDENTS
        for row in rows[1:]:
            want = expected_record(assignment, row[0])
            if want["missing"]:
                refused = refused_at_import(assignment, row[0])
                state = f"missing: refused at import: {refused}" if refused else "missing: no submission"
                assert row[1:] == ["-", "-", "-", "-", "-", state], row
                continue
            waiting = sum(v is None for v in want["written"].values())
            late = "-"
            if want["submitted"] > DUE[assignment]:
                days = (want["submitted"] - DUE[assignment]).total_seconds() / 86400
                late = f"-{want['penalty']:g} ({days:.1f} days late)"
            assert row[1] == f"{want['submitted']:%Y-%m-%d %H:%M}"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[2])
            assert row[3:] == [f"{want['auto']:g}/{want['auto_max']:g}", f"{2 - waiting}/2 graded", late,
                               "done" if waiting == 0 else f"{waiting} written answer(s) waiting for a grader"], row


def test_export_has_one_row_per_roster_student_and_every_cell_is_right(term):
    assert term["export"][0] == 0
    with open(term["csv"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["student_id"] for row in rows] == STUDENTS
    from grading.checks import graded_tests
    for row in rows:
        student = row["student_id"]
        expected = {"student_id": student, "first_name": f"First{student}", "last_name": f"Last{student}",
                    "email": f"{student}@example.org"}
        for assignment in (RNN, GRU):
            want = expected_record(assignment, student)
            p = f"{assignment}:"
            expected[p + "missing"] = "1" if want["missing"] else "0"
            expected[p + "submitted_at"] = f"{want['submitted']:%Y-%m-%d %H:%M:%S}" if want["submitted"] else ""
            for gid in graded_tests(assignment):
                expected[p + gid] = num(want["parts"][gid])
            for gid in WRITTEN[assignment]:
                expected[p + gid] = num(want["written"][gid])
            manual = sum(v or 0.0 for v in want["written"].values())
            expected.update({p + "auto_score": num(want["auto"]), p + "auto_max": num(want["auto_max"]),
                             p + "manual_score": num(manual), p + "manual_max": num(want["written_max"]),
                             p + "late_penalty": num(want["penalty"]), p + "total": num(want["total"]),
                             p + "max_score": num(want["auto_max"] + want["written_max"]),
                             p + "needs_manual_grading": "1" if None in want["written"].values() else "0",
                             p + "error": f"refused at import: {refused_at_import(assignment, student)}"
                             if refused_at_import(assignment, student) else ""})
        assert row == expected, student


def test_canvas_csv_holds_the_totals_after_late_penalties(term):
    with open(term["canvas_csv"], newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", RNN, GRU]
    assert rows[1] == ["Points Possible", "", "", "", "", "16", "13"]  # the peephole part is extra credit
    assert [row[2] for row in rows[2:]] == STUDENTS
    for row in rows[2:]:
        student = row[2]
        assert row == [f"Last{student}, First{student}", LMS_ID[student], student, student, "",
                       num(expected_record(RNN, student)["total"]), num(expected_record(GRU, student)["total"])]


def test_the_peephole_part_is_extra_credit(term):
    full = expected_record(GRU, "s01")
    assert full["auto"] == full["auto_max"] + 1 and expected_record(GRU, "s02")["auto"] == full["auto_max"]


def test_autograde_command_is_the_hardened_grader_for_every_assignment(term):
    status, out, err = term["autograde"]
    assert status == 0, err
    lines = out.strip().splitlines()
    # everything is graded and unchanged (the button's grading too): both assignments are skipped whole
    assert [line.split(" ")[0] for line in lines if not line.startswith("skipped ")] == [f"{RNN}:", f"{GRU}:"]
    assert all("already graded (unchanged)" in line for line in lines if line.startswith("skipped "))


def test_formgraders_autograde_button_runs_the_hardened_grader(term):
    assert term["button"]["success"], term["button"]
    autograded = nbformat.read(term["course"] / "autograded" / "s24" / RNN / f"{RNN}.ipynb", as_version=4)
    outcomes = [c.outputs for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade")
                and c.cell_type == "code" and not c.metadata["nbgrader"].get("solution")]
    assert outcomes and all(o and o[0].get("ename") == "CheckFailed" for o in outcomes)  # the tampering did nothing
    assert "BEGIN HIDDEN TESTS" not in nbformat.writes(autograded)
    assert expected_record(RNN, "s24")["auto"] == 0.0


def test_feedback_is_offline_titled_per_part_keeps_outputs_and_zips_per_student(term):
    status, out, _ = term["feedback"]
    assert status == 0
    course = term["course"]
    page = (course / "feedback" / "s25" / RNN / f"{RNN}.html").read_text()
    assert "cdnjs" not in page and "mathjax/tex-chtml-full.js" in page and 'name="viewport"' in page
    assert (course / "feedback" / "s25" / RNN / "mathjax" / "tex-chtml-full.js").is_file()
    from grading.checks import graded_tests
    for gid, test in graded_tests(RNN).items():
        assert f"Part {gid}: {test.check.__doc__.strip().splitlines()[0]}" in page
    assert "HIDDEN TESTS" not in page
    own = (course / "feedback" / "s01" / RNN / f"{RNN}.html").read_text()
    assert "loss 0.4242 after 3 steps" in own and "data:image/png;base64" in own and "alert(" not in own
    zips = sorted(p.stem for p in term["zips"].glob("*.zip"))
    assert zips == sorted(s for (a, s) in final_submissions() if a == RNN)
    with zipfile.ZipFile(term["zips"] / "s01.zip") as archive:
        assert {f"{RNN}/{RNN}.html", f"{RNN}/mathjax/tex-chtml-full.js"} <= set(archive.namelist())
    status, out, err = term["feedback_gru"]  # imported from a folder: not nbgrader's exchange's to hand back
    assert status == 1 and err == (f"error: --release hands feedback back through nbgrader's exchange, which only "
                                   f"knows submissions collected through it; 3 of {GRU} came from elsewhere "
                                   "(s01, s02, s03): use --zip DIR instead\n")
    assert "Part lstm_peephole_cell_forward (extra credit): " in \
        (course / "feedback" / "s01" / GRU / f"{GRU}.html").read_text()


def test_formgrader_page_and_feedback_page_in_headless_chromium(term):
    from website_reader import open_browser

    formgrader = term["formgrader"]
    autograded = nbformat.read(term["course"] / "autograded" / "s24" / RNN / f"{RNN}.ipynb", as_version=4)
    message = next(c.outputs[0]["evalue"] for c in autograded.cells
                   if c.cell_type == "code" and c.get("outputs") and c.outputs[0].get("ename") == "CheckFailed")
    with open_browser() as browser:
        base = f"http://127.0.0.1:{formgrader.port}/formgrader/submissions"
        browser.get(f"{base}/{formgrader.submission(RNN, 's25')['id']}/?token={formgrader.token}")
        assert answer_text("s25", "answer_shared_weights") in browser.page_source
        assert "hidden checks passed" in browser.page_source
        browser.get(f"{base}/{formgrader.submission(RNN, 's24')['id']}/?token={formgrader.token}")
        assert message.split("(")[0] in browser.page_source  # the check's message, as the grader wrote it
        # this scratch course has no node_modules/mathjax for formgrader's pages (test_grading_extra_credit gives
        # its course one and checks them): the failed load is not the feedback's concern
        browser.get_log("browser")
        browser.get((term["course"] / "feedback" / "s25" / RNN / f"{RNN}.html").as_uri())
        deadline = time.time() + 30
        while browser.execute_script("return document.querySelectorAll('mjx-container').length") == 0:
            assert time.time() < deadline, "MathJax typeset nothing offline"
            time.sleep(0.5)
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        browser.set_window_size(400, 800)  # a phone: nothing wider than the screen, messages wrapped
        browser.refresh()
        while browser.execute_script("return document.querySelectorAll('mjx-container').length") == 0:
            assert time.time() < deadline + 30, "MathJax typeset nothing offline"
            time.sleep(0.5)
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_place_checks_its_input_and_refuses_to_overwrite(term, tmp_path):
    course = term["course"]
    status, _, err = run("place", "zz01", RNN, tmp_path / "nothing.ipynb", "--course", course)
    assert status == 1 and err.strip() == f"error: no such file: {tmp_path / 'nothing.ipynb'}"
    assert not (course / "submitted" / "zz01").exists()
    wrong = tmp_path / "wrong.ipynb"
    nbformat.write(notebook(course, GRU, "zz01"), wrong)
    status, _, err = run("place", "zz01", RNN, wrong, "--course", course)
    assert status == 1 and err.strip() == f"error: wrong.ipynb looks like the notebook of {GRU}, not of {RNN}"
    right = tmp_path / "right.ipynb"
    nbformat.write(notebook(course, RNN, "zz01"), right)
    assert run("place", "zz01", RNN, right, "--course", course, "--submitted-at", "2027-02-05 22:00 UTC")[0] == 0
    assert (course / "submitted" / "zz01" / RNN / "timestamp.txt").read_text().strip() == \
        "2027-02-05 22:00:00.000000 UTC"
    status, _, err = run("place", "zz01", RNN, right, "--course", course)
    assert status == 1 and err.strip() == (f"error: zz01 already has a submission of {RNN} (submitted at "
                                           "2027-02-05 22:00 UTC); pass --replace to replace it")
    assert run("place", "zz01", RNN, right, "--course", course, "--replace")[0] == 0
    shutil.rmtree(course / "submitted" / "zz01")


def test_course_is_the_current_folder_or_a_clear_error(term, tmp_path):
    command = [sys.executable, "-m", "grading", "status", RNN]
    inside = subprocess.run(command, cwd=term["course"], capture_output=True, text=True)
    assert inside.returncode == 0 and inside.stdout.startswith(f"== {RNN}")
    outside = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert outside.returncode == 1
    assert outside.stderr.strip() == (f"error: the current folder {tmp_path.resolve()} holds no nbgrader_config.py: "
                                      "run the command in the course folder or pass --course DIR")
