"""A scratch course for the whole-term test: its roster, its students' notebooks and the LMS download.

Every expected number of tests/test_grading_term.py is derived here from the
checks modules' points, the notebooks' cells and the late rule written into
the course file, never copied from a run.
"""
import datetime
import math
import re
import zipfile
from pathlib import Path

import nbformat

from grading.checks import graded_tests

REPO = Path(__file__).resolve().parent.parent
RNN, GRU = "rnn_step_by_step", "gru_lstm"
STUDENTS = [f"s{n:02d}" for n in range(1, 31)]
LMS_ID = {student: str(1000 + n) for n, student in enumerate(STUDENTS, start=1)}
DUE = {RNN: datetime.datetime(2027, 2, 5, 23, 59), GRU: datetime.datetime(2027, 3, 1, 23, 59)}
# The late rule the course file states (below): 10 % per started day, at most 50 %, 0 after 7 days.
TERM_CONFIG = f'''
c.Term.due_dates = {{"{RNN}": "2027-02-05 23:59 UTC", "{GRU}": "2027-03-01 23:59 UTC"}}
c.AssignLatePenalties.plugin_class = "grading.late_penalty.LatePenalty"
c.LatePenalty.percent_per_day = 10
c.LatePenalty.max_percent = 50
c.LatePenalty.zero_after_days = 7
'''
ON_TIME = datetime.datetime(2027, 2, 5, 20, 0)
# Cells left as released in a variant; each defines a function no other cell calls, so only the parts
# whose checks take that function lose their points.
VARIANTS = {"full": (), "no_relative_error": ("relative_error_code",), "no_peephole": ("lstm_peephole_cell_forward_code",),
            "no_lstm_backward": ("lstm_backward_code",)}
CHEAT = ("import grading.checks, grading.public_tests\n"
         "grading.checks.run_hidden_check = lambda *args, **kwargs: None\n"
         "grading.public_tests.run_public_check = lambda *args, **kwargs: None\n")
TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def answer_text(student, grade_id):
    return f"Answer of {student} to {grade_id}: the same weights are used at every step."


def notebook(course, assignment, student, variant="full", blank_all=False):
    """The release notebook with the solution's answers in every cell the variant does not leave blank."""
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    result = nbformat.read(course / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in result.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or blank_all:
            continue
        if cell.cell_type == "markdown":
            cell.source = answer_text(student, meta["grade_id"])
        elif meta["grade_id"] not in VARIANTS[variant]:
            cell.source = answers[meta["grade_id"]]
    return result


def with_outputs(nb):
    """A notebook whose first answer cell holds outputs a student would see: a printed loss, a plot,
    and HTML with a script (which feedback must not carry)."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="loss 0.4242 after 3 steps\n"),
                    nbformat.v4.new_output("display_data", data={"image/png": TINY_PNG, "text/plain": "<Figure>"}),
                    nbformat.v4.new_output("display_data", data={"text/html": "<script>alert('x')</script>"})]
    return nb


def expected_parts(assignment, variant):
    """grade_id -> points the variant earns: a part fails when a function it checks is in a blank cell."""
    source = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    blank_functions = {name for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") in VARIANTS[variant]
                       for name in re.findall(r"^def (\w+)", c.source, re.M)}
    return {gid: 0.0 if set(t.functions) & blank_functions else float(t.points)
            for gid, t in graded_tests(assignment).items()}


def late_penalty(score, submitted_at, due):
    """The course file's rule, restated: 10 % per started day late, at most 50 %, all of it after 7 days."""
    seconds = (submitted_at - due).total_seconds()
    if seconds <= 0:
        return 0.0
    if seconds > 7 * 86400:
        return score
    return score * min(50, 10 * math.ceil(seconds / 86400)) / 100


def canvas_name(student):
    return f"last{student}first{student}"


def write_zip(path, entries):
    """An LMS zip: (file name, notebook or text, submission time) per entry, the time as the entry's date."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content, when in entries:
            text = content if isinstance(content, str) else nbformat.writes(content)
            archive.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), text)
    return path
