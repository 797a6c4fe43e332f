"""Realistic submissions of every assignment, graded by the real command, points asserted per part.

For each assignment, every variant of ``tests/realistic/<assignment>.py`` is
placed as one student of a scratch course and the batch is graded as an
instructor would: ``python -m grading grade ASSIGNMENT --workers 2`` in a
subprocess, then again with ``--force``. The tests assert

- the points recorded in the gradebook for every autograded part of every
  variant: full for honest work, 0 exactly for the parts a wrong variant
  breaks and full for the others;
- that stock ``nbgrader autograde`` (hidden tests in the student's kernel,
  grading.nbgrader_commands.autograde) gives no honest variant more points on any part;
- that the second grading of the same files records identical points and
  messages.

One grading run per assignment is shared by its tests, whichever
pytest-xdist worker runs them (a session fixture and a lock file).
Set REALISTIC_RESULTS to a folder to also get every run's points and
messages there as JSON.
"""
import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

import realistic
from grading import ASSIGNMENTS, nbgrader_commands

ROOT = Path(__file__).resolve().parent.parent
# a whole batch: ~25 submissions, the torch assignment ~10 s each on two workers
GRADE_TIMEOUT_S = 3600


def _cases(kind):
    cases = []
    for assignment in ASSIGNMENTS:
        honest, wrong = realistic.variants(assignment)
        chosen = honest if kind == "honest" else wrong if kind == "wrong" else honest + wrong
        for variant in chosen:
            cases.append(pytest.param(assignment, variant, id=f"{assignment}-{variant.name}",
                                      marks=pytest.mark.xdist_group(f"realistic-{assignment}")))
    return cases


def _per_assignment():
    return [pytest.param(a, id=a, marks=pytest.mark.xdist_group(f"realistic-{a}")) for a in ASSIGNMENTS]


def _make_course(target, assignment):
    """A course with ``assignment`` released (its own release, built from this repository's source)."""
    (target / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", target)
    shutil.copytree(ROOT / "solutions" / assignment, target / "solutions" / assignment)
    nbgrader_commands.release([assignment], target)
    return target


def _submissions(assignment, variants, course):
    """{variant name: the notebook that student hands in}, built on ``course``'s release."""
    return {variant.name: realistic.build(assignment, variant, course) for variant in variants}


def _place(course, assignment, students):
    """Each notebook of ``students`` ({name: notebook}) where nbgrader looks for that student's submission."""
    for student, notebook in students.items():
        path = nbgrader_commands.submission_path(student, assignment, course)
        path.parent.mkdir(parents=True)
        nbformat.write(notebook, path)


def _recorded(course, assignment):
    """{student: {grade_id: (points, message)}} of the autograded test cells, from the gradebook and the
    autograded notebooks (the message is the error a failed part shows; {} for a student without grades)."""
    from nbgrader.api import Gradebook, MissingEntry

    parts = set(realistic.points(assignment))
    recorded = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in (p.name for p in (course / "submitted").iterdir()):
            try:
                notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            except MissingEntry:
                recorded[student] = {}
                continue
            recorded[student] = {g.name: [g.score or 0.0, ""] for g in notebook.grades if g.name in parts}  # extra credit included
    for student, grades in recorded.items():
        autograded = course / "autograded" / student / assignment / f"{assignment}.ipynb"
        if not autograded.is_file():
            continue
        for cell in nbformat.read(autograded, as_version=4).cells:
            name = realistic.grade_id(cell)
            if name in grades and cell.cell_type == "code":
                grades[name][1] = " ".join(o.get("evalue", "") for o in cell.get("outputs", []) if o.get("output_type") == "error")
    return {student: {name: tuple(value) for name, value in grades.items()} for student, grades in recorded.items()}


def _status_messages(course, assignment):
    """{student: (status, message)} of the grade command's table hardened_grading_status."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{course / 'gradebook.db'}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT student, status, message FROM hardened_grading_status "
                                           "WHERE assignment = :a"), {"a": assignment}).all()
    finally:
        engine.dispose()
    return {student: (status, message) for student, status, message in rows}


def _grade(course, assignment, force=False):
    command = [sys.executable, "-m", "grading", "grade", assignment, "--workers", "2", "--course", str(course)]
    if force:
        command.append("--force")
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=GRADE_TIMEOUT_S)
    return {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr[-4000:],
            "points": _recorded(course, assignment), "status": _status_messages(course, assignment)}


def _save(name, result):
    folder = os.environ.get("REALISTIC_RESULTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(json.dumps(result, indent=1, default=str))


def _refused_by_nbgrader(notebook):
    """True for a notebook that stock nbgrader refuses: one grade_id on two cells (a pasted copy)."""
    ids = [realistic.grade_id(cell) for cell in notebook.cells if realistic.grade_id(cell)]
    return len(ids) != len(set(ids))


def _stock_autograde(course, assignment, students):
    """Stock nbgrader autograde of ``students`` ({name: notebook}), placed in the released ``course``.

    nbgrader stops a whole run at a notebook it refuses, so those are placed
    and graded one by one after one run for all the others; one it refuses
    keeps no grades (0 points). Returns nbgrader's log.
    """
    refused = [name for name, notebook in students.items() if _refused_by_nbgrader(notebook)]
    _place(course, assignment, {name: students[name] for name in students if name not in refused})
    runs = [dict(assignment=assignment)] + [dict(assignment=assignment, student=name) for name in refused]
    log = []
    for run in runs:
        _place(course, assignment, {run["student"]: students[run["student"]]} if "student" in run else {})
        try:
            log.append(nbgrader_commands.autograde(course_dir=course, **run))
        except nbgrader_commands.NbgraderError as error:
            log.append(str(error))
    return "\n".join(log)


def _once(folder, name, compute):
    """compute() run once per test session, whichever worker asks first; the others read its JSON.

    A failure is recorded too, so that the other tests of the assignment
    report it instead of running the whole batch again.
    """
    path = folder / f"realistic-{name}.json"
    with open(folder / f"realistic-{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            try:
                result = compute()
            except Exception as error:  # recorded for every test that needs this run
                result = {"failed": f"{type(error).__name__}: {error}"[-4000:]}
            _save(name, result)
            path.write_text(json.dumps(result, default=str))
    result = json.loads(path.read_text())
    if "failed" in result:
        pytest.fail(f"{name} could not be graded: {result['failed']}")
    return result


@pytest.fixture(scope="session")
def realistic_runs(tmp_path_factory):
    """{"hardened": assignment -> (first, second), "stock": assignment -> result}, each graded once per session.

    The workers of one pytest-xdist run share a folder: the first worker to
    ask for an assignment grades it while the others wait on a lock, so the
    batch is graded once however the tests are spread.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # pytest-N/, one per run, above each worker's popen-gwK/

    def grade_twice(assignment):
        honest, wrong = realistic.variants(assignment)
        course = _make_course(Path(tempfile.mkdtemp(dir=shared, prefix=f"hardened-{assignment}-")), assignment)
        _place(course, assignment, _submissions(assignment, honest + wrong, course))
        return {"first": _grade(course, assignment), "second": _grade(course, assignment, force=True)}

    def stock(assignment):
        honest, _ = realistic.variants(assignment)
        course = _make_course(Path(tempfile.mkdtemp(dir=shared, prefix=f"stock-{assignment}-")), assignment)
        students = _submissions(assignment, honest, course)
        return {"log": _stock_autograde(course, assignment, students)[-4000:], "points": _recorded(course, assignment)}

    @functools.cache
    def hardened_runs(assignment):
        runs = _once(shared, f"{assignment}.hardened", lambda: grade_twice(assignment))
        return runs["first"], runs["second"]

    @functools.cache
    def stock_run(assignment):
        return _once(shared, f"{assignment}.stock", lambda: stock(assignment))

    return {"hardened": hardened_runs, "stock": stock_run}


def _points(recorded, student):
    return {name: points for name, (points, _) in recorded.get(student, {}).items()}


def _why(run, student):
    messages = {name: message for name, (points, message) in run["points"].get(student, {}).items() if message}
    why = f"part messages: {messages}; batch status: {run['status'].get(student)}"
    if student not in run["status"]:
        why += f"; the grade command exited with {run['returncode']}: {run['stderr'][-1000:]}"
    return why


@pytest.mark.parametrize("assignment, variant", _cases("all"))
def test_each_part_gets_the_points_it_deserves(realistic_runs, assignment, variant):
    first, _ = realistic_runs["hardened"](assignment)
    expected = realistic.expected_points(assignment, variant)
    got = {name: _points(first["points"], variant.name).get(name, 0.0) for name in expected}
    assert got == expected, f"{variant.name} ({variant.reason}): {_why(first, variant.name)}"


# what the batch notes say when a student's cell failed while graded (a skipped magic or a restored cell is no failure)
CELL_FAILURES = (" raised ", "did not finish", "stopped the process", "grading stopped")


@pytest.mark.parametrize("assignment, variant", _cases("honest"))
def test_honest_work_runs_without_a_reported_error(realistic_runs, assignment, variant):
    # every honest notebook runs without an error in Jupyter, so the grader must not report one either
    first, _ = realistic_runs["hardened"](assignment)
    status, message = first["status"].get(variant.name, ("missing", "no row in hardened_grading_status"))
    assert status == "graded" and not any(failure in message for failure in CELL_FAILURES), (variant.name, message)


@pytest.mark.parametrize("assignment, variant", _cases("honest"))
def test_honest_work_gets_at_least_the_points_of_stock_nbgrader(realistic_runs, assignment, variant):
    first, _ = realistic_runs["hardened"](assignment)
    stock = realistic_runs["stock"](assignment)
    hardened_points = _points(first["points"], variant.name)
    stock_points = _points(stock["points"], variant.name)
    lower = {name: (hardened_points.get(name, 0.0), points) for name, points in stock_points.items()
             if hardened_points.get(name, 0.0) < points}
    assert not lower, f"{variant.name}: (hardened, stock) where hardened is lower: {lower}; {_why(first, variant.name)}"


@pytest.mark.parametrize("assignment", _per_assignment())
def test_grading_the_batch_again_records_identical_points_and_messages(realistic_runs, assignment):
    first, second = realistic_runs["hardened"](assignment)
    assert set(first["points"]) == set(second["points"])
    differing = {student: (first["points"][student], second["points"][student]) for student in first["points"]
                 if first["points"][student] != second["points"][student]}
    assert not differing
    assert first["status"] == second["status"]
