"""Grade every submission of an assignment: N worker processes, a progress bar, resumable.

Each submission is one job (:func:`grade_one`): score it externally (the
expensive part, in parallel), then record it through nbgrader and mark it
finished in the table ``hardened_grading_status`` of the same gradebook
database. A job never raises: a submission that cannot be graded (corrupt
JSON, not a notebook, missing file, nbgrader refusing it) is recorded with
status ``error`` and its reason, and the batch goes on. A re-run skips the
submissions already finished, so an interrupted batch resumes where it
stopped; ``force`` grades everything again. Rows are keyed by
(assignment, student) and replaced, never appended, so nothing is duplicated.

Several workers share the embedded SQLite gradebook without "database is
locked" losses: see grading.sqlite_writers.
"""
import datetime
import multiprocessing
import os
from pathlib import Path

from sqlalchemy import Column, DateTime, Float, MetaData, String, Table, Text, create_engine, delete, select

from . import sqlite_writers  # noqa: F401 (installs the SQLite listeners)
from .external import assignment_packages, record, score_file
from .sandbox import Limits, shared_jail

_metadata = MetaData()
STATUS = Table(
    "hardened_grading_status", _metadata,
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("status", String(16), nullable=False),  # "graded" or "error"
    Column("score", Float),
    Column("max_score", Float),
    Column("message", Text),
    Column("finished_at", DateTime, nullable=False),
)


def default_db_url(course_dir):
    return "sqlite:///" + os.path.join(os.path.abspath(course_dir), "gradebook.db")


def _engine(db_url):
    engine = create_engine(db_url)
    _metadata.create_all(engine, checkfirst=True)
    return engine


def finished(db_url, assignment):
    """{student: row} of the submissions of ``assignment`` already finished (graded or error)."""
    engine = _engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(select(STATUS).where(STATUS.c.assignment == assignment)).mappings().all()
    engine.dispose()
    return {row["student"]: dict(row) for row in rows}


def _mark(db_url, assignment, student, status, message, score=None, max_score=None):
    engine = _engine(db_url)
    with engine.begin() as connection:
        connection.execute(delete(STATUS).where((STATUS.c.assignment == assignment) & (STATUS.c.student == student)))
        connection.execute(STATUS.insert().values(
            assignment=assignment, student=student, status=status, score=score, max_score=max_score,
            message=message, finished_at=datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)))
    engine.dispose()


def submitted_students(course_dir, assignment):
    """Students with a folder for ``assignment`` under submitted/, sorted."""
    root = Path(course_dir) / "submitted"
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir()) if root.is_dir() else []


def grade_one(course_dir, assignment, student, db_url=None, limits=Limits()):
    """Score and record one submission; return {student, status, score, max_score, message}. Never raises."""
    db_url = db_url or default_db_url(course_dir)
    path = Path(course_dir) / "submitted" / student / assignment / f"{assignment}.ipynb"
    outcome = {"student": student, "status": "error", "score": None, "max_score": None, "message": ""}
    try:
        result = score_file(course_dir, assignment, path, limits)
        outcome.update(score=result.score, max_score=result.max_score, message="; ".join(result.notes))
        if not path.is_file():
            outcome["message"] = f"no notebook {path.name} in the submission"
        elif result.readable:
            record(course_dir, assignment, student, result, db_url)
            outcome["status"] = "graded"
        _mark(db_url, assignment, student, outcome["status"], outcome["message"], result.score, result.max_score)
    except Exception as error:  # the batch records the failure and goes on with the next student
        outcome["message"] = f"{type(error).__name__}: {error}"[:2000]
        try:
            _mark(db_url, assignment, student, "error", outcome["message"])
        except Exception as second:
            outcome["message"] += f" (and it could not be recorded: {second})"
    return outcome


def _job(arguments):
    return grade_one(*arguments)


def pending(course_dir, assignment, db_url, force, students=None):
    """The students still to grade: all of them with ``force``, else those not finished."""
    students = submitted_students(course_dir, assignment) if students is None else list(students)
    if force:
        return students
    done = finished(db_url, assignment)
    return [s for s in students if s not in done or done[s]["status"] != "graded"]


def grade_all(course_dir, assignment, workers=1, db_url=None, limits=Limits(), force=False, students=None,
              progress=True):
    """Grade the pending submissions of ``assignment`` with ``workers`` processes; return their outcomes."""
    from tqdm import tqdm

    db_url = db_url or default_db_url(course_dir)
    todo = pending(course_dir, assignment, db_url, force, students)
    shared_jail(assignment_packages(course_dir, assignment))  # built once here, inherited by the forked workers
    jobs = [(str(course_dir), assignment, student, db_url, limits) for student in todo]
    outcomes = []
    bar = tqdm(total=len(jobs), desc=f"grading {assignment}", unit="submission", disable=not progress)
    if workers <= 1:
        for job in jobs:
            outcomes.append(_job(job))
            bar.update()
    else:
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=50) as pool:
            for outcome in pool.imap_unordered(_job, jobs):
                outcomes.append(outcome)
                bar.update()
    bar.close()
    return outcomes
