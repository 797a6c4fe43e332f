"""Grade every submission of an assignment: N worker processes, a progress bar, resumable.

Each submission is one job (:func:`grade_one`): score it (grading.scoring; the
expensive part, in parallel), then record it through nbgrader and mark it
finished in the table ``hardened_grading_status`` of the same gradebook
database, with the SHA-256 of the file graded and the seed of its checks. A
job never raises: a submission that cannot be graded (corrupt JSON, not a
notebook, missing file, nbgrader refusing it, its grading process killed) is
recorded with status ``error`` and its reason, and the batch goes on.

A grading replaces all of the submission's grades: nbgrader's saving step
writes every grade of the notebook in one transaction
(grading.gradebook_steps.SaveAutoGradesAtomically), and a submission that ends in
an error has all its grades set to 0 in the same transaction as its status
row, so no points of an earlier grading survive a failed one.

A re-run grades what is not finished, what ended in an error, and every
submission whose file changed since it was graded (its hash differs), and
says why; ``force`` grades everything again. Rows are keyed by
(assignment, student) and replaced, never appended.

Each job runs in a process of its own, forked from the command; a process
that dies (killed for memory, a crash in C) ends as an error recorded for its
submission, never as a hung batch. Several workers share the embedded SQLite
gradebook without "database is locked" losses: see grading.sqlite_writers.
"""
import datetime
import hashlib
import multiprocessing
import multiprocessing.connection
import os
import signal
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    inspect,
    select,
    text,
    update,
)

from . import sqlite_writers
from .gradebook_report import extra_credit_parts
from .sandbox import Limits, shared_jail
from .scoring import assignment_packages, record, score_file
from .student_text import printable

MESSAGE_CHARS = 4000  # a submission's message (its notes joined) is cut to this length

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
    Column("sha256", String(64)),  # of the submitted file this row is about (None: there was no file)
    Column("seed", BigInteger),  # the checks' seed (grading.checks.submission_seed)
)


def default_db_url(course_dir):
    return "sqlite:///" + os.path.join(os.path.abspath(course_dir), "gradebook.db")


def _engine(db_url):
    sqlite_writers.install()  # this process writes the gradebook: SQLite writers queue (grading.sqlite_writers)
    engine = create_engine(db_url)
    _metadata.create_all(engine, checkfirst=True)
    present = {column["name"] for column in inspect(engine).get_columns(STATUS.name)}
    missing = [column for column in STATUS.columns if column.name not in present]
    if missing:  # a gradebook from before these columns: add them (every added column is nullable)
        with engine.begin() as connection:
            for column in missing:
                kind = column.type.compile(engine.dialect)
                connection.execute(text(f"ALTER TABLE {STATUS.name} ADD COLUMN {column.name} {kind}"))
    return engine


def finished(db_url, assignment):
    """{student: row} of the submissions of ``assignment`` already finished (graded or error)."""
    engine = _engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(select(STATUS).where(STATUS.c.assignment == assignment)).mappings().all()
    engine.dispose()
    return {row["student"]: dict(row) for row in rows}


def _zero_grades(connection, assignment, student):
    """Set every grade of ``student``'s submission of ``assignment`` to 0, in ``connection``'s transaction."""
    from nbgrader.api import Assignment, Grade, SubmittedAssignment, SubmittedNotebook

    grades = (select(Grade.id).join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
              .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
              .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
              .where(Assignment.name == assignment, SubmittedAssignment.student_id == student))
    connection.execute(update(Grade).where(Grade.id.in_(grades)).values(
        auto_score=0.0, manual_score=None, extra_credit=None, needs_manual_grade=False))


def record_status(db_url, assignment, student, outcome, sha256=None):
    """Write ``outcome`` as the status row of the submission; an error also sets all its grades to 0, atomically."""
    engine = _engine(db_url)
    with engine.begin() as connection:
        if outcome["status"] != "graded":
            _zero_grades(connection, assignment, student)
        connection.execute(delete(STATUS).where((STATUS.c.assignment == assignment) & (STATUS.c.student == student)))
        connection.execute(STATUS.insert().values(
            assignment=assignment, student=student, status=outcome["status"], score=outcome["score"],
            max_score=outcome["max_score"], message=outcome["message"], sha256=sha256, seed=outcome.get("seed"),
            finished_at=datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)))
    engine.dispose()


def submitted_students(course_dir, assignment):
    """Students with a folder for ``assignment`` under submitted/, sorted."""
    root = Path(course_dir) / "submitted"
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir()) if root.is_dir() else []


def submission_file(course_dir, assignment, student):
    return Path(course_dir) / "submitted" / student / assignment / f"{assignment}.ipynb"


def file_sha256(path):
    """The SHA-256 of the file at ``path`` (hex), None when there is no such file."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def grade_one(course_dir, assignment, student, db_url=None, limits=Limits()):
    """Score and record one submission; return {student, status, score, max_score, message, seed}. Never raises.

    An error outcome scores 0: that is what the gradebook then holds.
    """
    db_url = db_url or default_db_url(course_dir)
    sqlite_writers.install()  # before nbgrader's bookkeeping opens the gradebook
    path = submission_file(course_dir, assignment, student)
    sha256 = file_sha256(path)
    outcome = {"student": student, "status": "error", "score": 0.0, "max_score": None, "message": "", "seed": None}
    try:
        result = score_file(course_dir, assignment, path, limits, student=student)
        extra = sum(part.max_points for part in result.parts if part.grade_id in extra_credit_parts(assignment))
        outcome.update(max_score=result.max_score - extra, message="; ".join(result.notes), seed=result.seed)
        if not path.is_file():
            outcome["message"] = f"no notebook {path.name} in the submission"
        elif result.readable:
            record(course_dir, assignment, student, result, db_url)
            outcome.update(status="graded", score=result.score)
    except Exception as error:  # the batch records the failure and goes on with the next student
        outcome.update(status="error", score=0.0, message=f"{type(error).__name__}: {error}")
    outcome["message"] = outcome["message"][:MESSAGE_CHARS]
    try:
        record_status(db_url, assignment, student, outcome, sha256)
    except Exception as error:
        outcome.update(status="error", message=f"{outcome['message']} (and it could not be recorded: {error})")
    return outcome


def died_outcome(db_url, assignment, student, exitcode):
    """Record and return the error outcome of a submission whose grading process ended without a result."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        how = f"was killed by signal {-exitcode} ({name})"
        if -exitcode == signal.SIGKILL:
            how += ", most likely for using too much memory"
    else:
        how = f"exited with status {exitcode}"
    outcome = {"student": student, "status": "error", "score": 0.0, "max_score": None, "seed": None,
               "message": f"the grader's process for this submission {how} before it finished; grade it again"}
    try:
        record_status(db_url, assignment, student, outcome)
    except Exception as error:
        outcome["message"] += f" (and it could not be recorded: {error})"
    return outcome


def plan(course_dir, assignment, db_url, force=False, students=None):
    """[(student, why, grade_now)] for every submission: whether it is graded now, and why (or why not).

    A submission is graded when it was never graded, when its last grading
    ended in an error, when its file changed since it was graded (the
    SHA-256 differs), or always with ``force``; else it is skipped.
    """
    students = submitted_students(course_dir, assignment) if students is None else list(students)
    done = finished(db_url, assignment)
    rows = []
    for student in students:
        row = done.get(student)
        if row is None:
            rows.append((student, "not graded before", True))
        elif row["status"] != "graded":
            rows.append((student, "graded again: its last grading ended in an error", True))
        elif row["sha256"] is None:
            rows.append((student, "graded again: the gradebook does not say which file was graded", True))
        elif row["sha256"] != file_sha256(submission_file(course_dir, assignment, student)):
            when = row["finished_at"].strftime("%Y-%m-%d %H:%M UTC")
            rows.append((student, f"regraded: the submitted file changed since it was graded at {when}", True))
        elif force:
            rows.append((student, "graded again (--force)", True))
        else:
            rows.append((student, "already graded (unchanged)", False))
    return rows


def todo(course_dir, assignment, db_url, force=False, students=None):
    """[(student, why)] of the submissions to grade now (see :func:`plan`)."""
    return [(student, why) for student, why, now in plan(course_dir, assignment, db_url, force, students) if now]


def skipped_line(course_dir, assignment, db_url, force=False, students=None):
    """One line naming the submissions a run skips because they are graded and unchanged; "" if none."""
    names = [printable(s) for s, _, now in plan(course_dir, assignment, db_url, force, students) if not now]
    return f"skipped {len(names)} already graded (unchanged): {', '.join(names)} (--force grades them again)" \
        if names else ""


def pending(course_dir, assignment, db_url, force, students=None):
    """The students to grade now (see :func:`todo`)."""
    return [student for student, _ in todo(course_dir, assignment, db_url, force, students)]


def _grade_in_child(job, sender):
    try:
        outcome = grade_one(*job)
    except BaseException as error:  # grade_one does not raise; a KeyboardInterrupt still gets reported
        outcome = {"student": job[2], "status": "error", "score": 0.0, "max_score": None, "seed": None,
                   "message": f"{type(error).__name__}: {error}"}
    sender.send(outcome)
    sender.close()


def preload(assignment):
    """Import in the command what every job needs, so that each forked job starts with it loaded.

    The assignment's checks module too: for the torch assignment that is
    torch and the course's torch models, 1.5 to 2 s that every job paid
    again. Importing torch starts none of its thread pools (they start at
    the first parallel operation, which only the jobs run), so the forked
    jobs inherit no thread state.
    """
    import importlib

    import nbconvert.exporters  # noqa: F401
    import nbgrader.apps  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401

    importlib.import_module(f"grading.checks.{assignment}")


def run_jobs(jobs, workers):
    """Yield the outcome of each job (grade_one's arguments), ``workers`` forked processes at a time.

    Every job gets a process of its own. One that ends without sending its
    outcome (killed by the kernel for memory, crashed) yields an error
    outcome, recorded for its submission; the others go on.
    """
    context = multiprocessing.get_context("fork")
    waiting, running, received = list(jobs), {}, {}
    while waiting or running:
        while waiting and len(running) < max(1, workers):
            job = waiting.pop(0)
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_grade_in_child, args=(job, sender), daemon=True)
            process.start()
            sender.close()
            running[process.sentinel] = (process, receiver, job)
        receivers = {receiver: sentinel for sentinel, (_, receiver, _) in running.items() if sentinel not in received}
        for ready in multiprocessing.connection.wait([*running, *receivers]):
            if ready in receivers:  # read the outcome as it comes: a large one must not block the sender's exit
                if receivers[ready] not in running:  # its process was finished earlier in this round
                    continue
                try:
                    received[receivers[ready]] = ready.recv()
                except (EOFError, OSError):  # the process ended without sending: its sentinel says how
                    received[receivers[ready]] = None
                continue
            process, receiver, job = running.pop(ready)
            outcome = received.pop(ready, None)
            if outcome is None and receiver.poll():
                try:
                    outcome = receiver.recv()
                except (EOFError, OSError):
                    pass
            receiver.close()
            process.join()
            yield outcome if outcome is not None else died_outcome(job[3], job[1], job[2], process.exitcode)


def grade_all(course_dir, assignment, workers=1, db_url=None, limits=Limits(), force=False, students=None,
              progress=True):
    """Grade the pending submissions of ``assignment`` with ``workers`` processes; return their outcomes.

    Each outcome also says why it was graded now (``why``, see :func:`plan`).
    """
    from tqdm import tqdm

    db_url = db_url or default_db_url(course_dir)
    chosen = todo(course_dir, assignment, db_url, force, students)
    shared_jail(assignment_packages(course_dir, assignment))  # built once here, inherited by the forked workers
    preload(assignment)
    reasons = dict(chosen)
    jobs = [(str(course_dir), assignment, student, db_url, limits) for student, _ in chosen]
    outcomes = []
    with tqdm(total=len(jobs), desc=f"grading {assignment}", unit="submission", disable=not progress) as bar:
        for outcome in run_jobs(jobs, workers):
            outcome["why"] = reasons[outcome["student"]]
            outcomes.append(outcome)
            bar.update()
    return outcomes


def summary_line(outcome):
    """One line of the ``grade`` summary, in fixed tab-separated columns: student, status, score, the checks'
    seed, then why it was graded again (for a changed file) and the message. Student text is escaped
    (student_text.printable), so it stays in its column of its own line."""
    score = "-" if outcome["max_score"] is None else f"{outcome['score']:g}/{outcome['max_score']:g}"
    seed = "-" if outcome.get("seed") is None else outcome["seed"]
    why = outcome.get("why", "")
    note = f"({why}) " if why.startswith("regraded") else ""
    return (f"{printable(outcome['student'])}\t{outcome['status']}\t{score}\tseed {seed}\t"
            f"{note}{printable(outcome['message'], limit=200)}")
