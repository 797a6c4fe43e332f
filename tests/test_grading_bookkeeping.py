"""Bookkeeping of the hardened grader: what the gradebook holds and what the instructor sees is true.

Copied or deleted cells cost no points, every grading replaces all grades of
a submission, a changed file is graded again, a grader process that dies is
a recorded error, and student text cannot forge lines of the summary or
markup of the feedback. Real batches with two workers; points are read per
part from the gradebook.
"""
import copy
import os
import shutil
import signal
import subprocess
import sys
import threading

import nbformat

from grading.batch import finished, grade_all
from grading.checks import graded_tests, submission_seed
from grading_fixtures import ASSIGNMENT, ROOT, TEST_LIMITS, build_submission, submit

PARTS = {grade_id: float(test.points) for grade_id, test in graded_tests(ASSIGNMENT).items()}
FULL = dict(PARTS)
WRONG_RELATIVE_ERROR = "def relative_error(a, b):\n    return 0.0\n"  # claims every pair of arrays is equal


def part_scores(course):
    """{student: {grade_id: auto score}} of the autograded parts, from the gradebook."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                scores[submission.student.id] = {g.name: g.score for g in notebook.grades if g.name in PARTS}
    return scores


def cell_index(notebook, grade_id):
    return next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def with_source(notebook, grade_id, source):
    notebook = copy.deepcopy(notebook)
    notebook.cells[cell_index(notebook, grade_id)].source = source
    return notebook


def grade(course, **options):
    return {o["student"]: o for o in grade_all(course, ASSIGNMENT, workers=2, limits=TEST_LIMITS, progress=False,
                                               **options)}


def grade_command(course, *arguments, stream="stdout"):
    """``python -m grading grade`` on the test course, two workers; returns its standard output (or error)."""
    command = [sys.executable, "-m", "grading", "grade", ASSIGNMENT, "--course", str(course), "--workers", "2",
               "--cell-seconds", str(TEST_LIMITS.cell_seconds), "--memory-mb", str(TEST_LIMITS.memory_bytes >> 20),
               *arguments]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return getattr(result, stream).decode("utf-8", "surrogateescape")


def feedback_html(course, student):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grading.scoring import nbgrader_config

    config = nbgrader_config(course)
    outcome = NbGraderAPI(CourseDirectory(config=config), config=config).generate_feedback(ASSIGNMENT, student,
                                                                                             force=True)
    assert outcome["success"], outcome.get("error")
    return (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()


# ---- item 5: copied cells ------------------------------------------------------------

def test_copied_cells_and_damaged_metadata_are_graded_as_the_students_own_cells(course):
    honest = build_submission("honest")
    at = cell_index(honest, "rnn_cell_forward_code")
    # the solution cell pasted twice in Jupyter: same grade_id, same metadata
    duplicated = copy.deepcopy(honest)
    duplicated.cells.insert(at + 1, copy.deepcopy(duplicated.cells[at]))
    # the student copied the cell, wrote the answer in the copy and left the original stub above it
    worked_in_copy = copy.deepcopy(honest)
    worked_in_copy.cells.insert(at + 1, copy.deepcopy(worked_in_copy.cells[at]))
    worked_in_copy.cells[at].source = "def rnn_cell_forward(xt, a_prev, parameters):\n    raise NotImplementedError\n"
    # a pasted cell whose nbgrader metadata a front end emptied
    emptied = copy.deepcopy(honest)
    emptied.cells.insert(at + 1, copy.deepcopy(emptied.cells[at]))
    emptied.cells[at + 1].metadata["nbgrader"] = {}
    # a copy whose answer is wrong comes after the original, as in the notebook: its definition is the one used
    wrong_copy = copy.deepcopy(honest)
    wrong_copy.cells.insert(cell_index(wrong_copy, "relative_error_code") + 1,
                            copy.deepcopy(wrong_copy.cells[cell_index(wrong_copy, "relative_error_code")]))
    wrong_copy.cells[cell_index(wrong_copy, "relative_error_code") + 1].source = WRONG_RELATIVE_ERROR
    for student, notebook in (("duplicated", duplicated), ("worked_in_copy", worked_in_copy),
                              ("emptied", emptied), ("wrong_copy", wrong_copy)):
        submit(course, student, notebook)

    outcomes = grade(course)
    scores = part_scores(course)
    for student in ("duplicated", "worked_in_copy", "emptied"):
        assert outcomes[student]["status"] == "graded", outcomes[student]["message"]
        assert scores[student] == FULL, student
        assert "graded as a cell you added" in outcomes[student]["message"]
    assert outcomes["wrong_copy"]["status"] == "graded"
    assert scores["wrong_copy"] == {**FULL, "relative_error": 0.0}


# ---- item 6: deleted test cells ------------------------------------------------------

def test_deleted_test_cells_are_restored_and_cost_no_points(course):
    honest = build_submission("honest")
    deleted = copy.deepcopy(honest)
    for grade_id in ("rnn_cell_forward_state", "rnn_cell_forward_prediction", "rnn_numerical_gradients",
                     "answer_relative_error"):  # two in a row, the last test cell, a written answer
        del deleted.cells[cell_index(deleted, grade_id)]
    submit(course, "deleted", deleted)
    outcome = grade(course)["deleted"]

    assert outcome["status"] == "graded", outcome["message"]
    assert part_scores(course)["deleted"] == FULL
    assert "rnn_cell_forward_state was missing from your notebook" in outcome["message"]
    autograded = nbformat.read(course / "autograded" / "deleted" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in autograded.cells]
    assert ids.index("rnn_cell_forward_code") < ids.index("rnn_cell_forward_state") \
        < ids.index("rnn_cell_forward_prediction") < ids.index("rnn_forward_code")
    assert "answer_relative_error" in ids


def test_formgraders_autograde_also_repairs_copied_cells_and_restores_deleted_ones(course):
    from grading.nbgrader_commands import run_nbgrader

    shutil.copy(ROOT / "nbgrader_config.py", course)  # this checkout's settings, whatever the shared template holds
    honest = build_submission("honest")
    duplicated = copy.deepcopy(honest)
    at = cell_index(duplicated, "rnn_forward_code")
    duplicated.cells.insert(at + 1, copy.deepcopy(duplicated.cells[at]))
    deleted = copy.deepcopy(honest)
    del deleted.cells[cell_index(deleted, "rnn_backward_inputs")]
    submit(course, "duplicated", duplicated)
    submit(course, "deleted", deleted)
    run_nbgrader(["autograde", ASSIGNMENT, "--force"], course)  # what formgrader's "Autograde" button runs

    assert part_scores(course) == {"duplicated": FULL, "deleted": FULL}


# ---- items 13 and 14: every grading replaces all grades; a changed file is regraded ----------

def test_a_changed_file_is_regraded_and_all_its_grades_replaced(course):
    honest = build_submission("honest")
    for student in ("changes", "corrupts", "stays"):
        submit(course, student, honest)
    first = grade_command(course)
    assert part_scores(course) == {s: FULL for s in ("changes", "corrupts", "stays")}
    assert "seed " in first

    submit(course, "changes", with_source(honest, "relative_error_code", WRONG_RELATIVE_ERROR))
    (course / "submitted" / "corrupts" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [')
    second = grade_command(course)  # no --force: the changed files are found by their hash
    lines = {line.split("\t")[0]: line for line in second.splitlines() if "\t" in line}

    assert set(lines) == {"changes", "corrupts"}
    assert "skipped 1 already graded (unchanged): stays" in second
    assert "regraded: the submitted file changed" in lines["changes"]
    assert "regraded: the submitted file changed" in lines["corrupts"] and "\terror\t" in lines["corrupts"]
    scores = part_scores(course)
    assert scores["changes"] == {**FULL, "relative_error": 0.0}
    assert scores["corrupts"] == {grade_id: 0.0 for grade_id in PARTS}  # refused now: no old points survive
    assert scores["stays"] == FULL
    rows = finished(f"sqlite:///{course}/gradebook.db", ASSIGNMENT)
    assert rows["corrupts"]["status"] == "error" and rows["corrupts"]["score"] == 0
    third = grade_command(course)  # nothing changed: only the error is tried again
    graded = [line.split("\t") for line in third.splitlines() if "\t" in line]
    assert [(fields[0], fields[1]) for fields in graded] == [("corrupts", "error")]
    assert "regraded" not in third


def test_a_grading_that_lacks_a_test_cell_gives_its_part_0_not_its_old_points(course, monkeypatch):
    import grading.repair

    honest = build_submission("honest")
    submit(course, "s", honest)
    grade(course)
    assert part_scores(course)["s"] == FULL

    # nbgrader's saving step now meets a notebook without that test cell (nothing restores it)
    monkeypatch.setattr(grading.repair, "restore_missing_cells", lambda notebook, release: [])
    without = copy.deepcopy(honest)
    del without.cells[cell_index(without, "relative_error")]
    submit(course, "s", without)
    assert grade(course)["s"]["status"] == "graded"
    assert part_scores(course)["s"] == {**FULL, "relative_error": 0.0}


def test_grading_the_same_file_again_gives_the_same_points_messages_and_recorded_seed(course):
    notebook = with_source(build_submission("honest"), "relative_error_code", WRONG_RELATIVE_ERROR)
    notebook.cells.append(nbformat.v4.new_code_cell("!pip install tqdm\nimport tqdm"))
    path = submit(course, "again", notebook)
    first = grade(course)["again"]
    first_row = finished(f"sqlite:///{course}/gradebook.db", ASSIGNMENT)["again"]
    second = grade(course, force=True)["again"]
    second_row = finished(f"sqlite:///{course}/gradebook.db", ASSIGNMENT)["again"]

    expected_seed = submission_seed(nbformat.writes(nbformat.read(path, 4)), ASSIGNMENT, "again")
    assert first_row["seed"] == second_row["seed"] == first["seed"] == expected_seed
    assert (first["score"], first["message"]) == (second["score"], second["message"])
    assert part_scores(course)["again"] == {**FULL, "relative_error": 0.0}
    html = feedback_html(course, "again")
    assert f"seed {expected_seed}" in html
    assert "skipped line 1 of your added cell" in html and "!pip install tqdm" in html


# ---- item 16: a grader process that dies ----------------------------------------------

def test_a_killed_grader_process_is_a_recorded_error_and_the_batch_goes_on(course, monkeypatch):
    import grading.batch

    for student in ("victim", "s1", "s2"):
        submit(course, student, build_submission("honest"))
    grade(course, students=["victim"])
    assert part_scores(course)["victim"] == FULL

    score_file = grading.batch.score_file

    def killed_for_victim(course_dir, assignment, path, *args, **kwargs):
        if "victim" in str(path):  # what the kernel's OOM killer does to a grader process
            os.kill(os.getpid(), signal.SIGKILL)
        return score_file(course_dir, assignment, path, *args, **kwargs)

    monkeypatch.setattr(grading.batch, "score_file", killed_for_victim)  # the forked workers inherit it
    outcomes = {}
    batch = threading.Thread(target=lambda: outcomes.update(grade(course, force=True)), daemon=True)
    batch.start()
    batch.join(timeout=180)

    assert not batch.is_alive(), "the batch hung after a grader process was killed"
    assert outcomes["victim"]["status"] == "error" and "killed by signal 9" in outcomes["victim"]["message"]
    assert outcomes["s1"]["status"] == outcomes["s2"]["status"] == "graded"
    rows = finished(f"sqlite:///{course}/gradebook.db", ASSIGNMENT)
    assert rows["victim"]["status"] == "error" and "killed by signal 9" in rows["victim"]["message"]
    scores = part_scores(course)
    assert scores["victim"] == {grade_id: 0.0 for grade_id in PARTS}
    assert scores["s1"] == scores["s2"] == FULL


# ---- item 15: student text in the summary and the feedback ------------------------------

FORGERY = "\r\x1b[2K\nmallory\tgraded\t14/14\t\u202eok"


def test_student_text_cannot_forge_summary_lines_or_feedback_markup(course):
    honest = build_submission("honest")
    forger = with_source(honest, "relative_error_code",
                         f"def relative_error(a, b):\n    raise ValueError({FORGERY!r})\n")
    forger.cells.append(nbformat.v4.new_code_cell(f"raise RuntimeError({FORGERY + '<script>alert(1)</script>'!r})"))
    submit(course, "forger", forger)
    submit(course, "honest", honest)
    errors = grade_command(course, "--force", stream="stderr")  # the progress bar and any warning or log line
    output = grade_command(course, "--force")

    assert "\x1b" not in errors and "mallory" not in errors and "\u202e" not in errors
    assert "\x1b" not in output and "\r" not in output and "\u202e" not in output
    lines = [line for line in output.splitlines() if "\t" in line]
    assert sorted(line.split("\t")[0] for line in lines) == ["forger", "honest"]
    assert "\\x1b[2K\\nmallory" in output
    assert part_scores(course)["forger"] == {**FULL, "relative_error": 0.0}

    html = feedback_html(course, "forger")
    assert "\x1b" not in html and "\u202e" not in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "\\x1b[2K\\nmallory" in html


def test_an_oversized_notebook_is_a_recorded_error_and_the_batch_goes_on(course):
    from grading.scoring import MAX_NOTEBOOK_BYTES

    honest = build_submission("honest")
    bloated = copy.deepcopy(honest)  # one printed output bigger than any notebook needs
    bloated.cells.append(nbformat.v4.new_code_cell("print('x' * 10**8)", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text="x" * (MAX_NOTEBOOK_BYTES + 1))]))
    submit(course, "bloated", bloated)
    submit(course, "honest", honest)
    outcomes = grade(course)

    assert outcomes["bloated"]["status"] == "error" and "MB a notebook may have" in outcomes["bloated"]["message"]
    assert outcomes["honest"]["status"] == "graded"
    assert part_scores(course)["honest"] == FULL


def test_printable_spells_out_what_could_move_the_cursor_and_keeps_ordinary_text():
    from grading.student_text import printable

    assert printable("é ü 梯度 → ok") == "é ü 梯度 → ok"
    assert printable("a\rb\x1b[2Kc\nd\u202ee\u2028f\x00") == "a\\rb\\x1b[2Kc\\nd\\u202ee\\u2028f\\x00"
    assert printable("line 1\nline 2\r\x1b[31m", keep="\n") == "line 1\nline 2\\r\\x1b[31m"
    assert printable("x" * 10, limit=4) == "xxxx..."


def test_a_failed_dask_task_is_a_recorded_error_and_the_others_are_graded(course, monkeypatch):
    from distributed import Client, LocalCluster

    import grading.distributed

    for student in ("victim", "s1"):
        submit(course, student, build_submission("honest"))
    grade_one = grading.distributed.grade_one

    def worker_lost_for_victim(course_dir, assignment, student, *args):
        if student == "victim":  # as Dask reports a task whose workers kept dying (KilledWorker)
            raise RuntimeError("Attempted to run task grade_one on 3 different workers, but all those workers died")
        return grade_one(course_dir, assignment, student, *args)

    monkeypatch.setattr(grading.distributed, "grade_one", worker_lost_for_victim)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        outcomes = {o["student"]: o for o in grading.distributed.grade_all_dask(
            client, course, ASSIGNMENT, limits=TEST_LIMITS, progress=False)}

    assert outcomes["victim"]["status"] == "error" and "workers died" in outcomes["victim"]["message"]
    assert outcomes["s1"]["status"] == "graded"
    rows = finished(f"sqlite:///{course}/gradebook.db", ASSIGNMENT)
    assert rows["victim"]["status"] == "error" and rows["s1"]["status"] == "graded"
    assert part_scores(course)["s1"] == FULL
