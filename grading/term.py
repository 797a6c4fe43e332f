"""The term's commands of ``python -m grading``: roster, import, place, autograde, status, feedback, export.

Each takes the parsed arguments (``args.course`` already resolved by
grading.course_config.find_course), prints what it did, one line per student
where there are students, and returns the exit status: 1 when something
needs the instructor's attention (an import error, a failed grading).
"""
from . import ASSIGNMENTS, course_config, import_refusals
from .gradebook_report import aligned, status_lines
from .submissions import SubmissionError, import_submissions, place


def _db(args):
    return course_config.db_url(args.course, args.db)


def released(db_url):
    """The assignments in the gradebook (released), in release order."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        names = {assignment.name for assignment in gradebook.assignments}
    return [name for name in ASSIGNMENTS if name in names]


def _chosen(args, names):
    """``names`` (checked) or, when empty, every released assignment."""
    unknown = [name for name in names if name not in ASSIGNMENTS]
    if unknown:
        raise SubmissionError(f"unknown assignment(s) {unknown}; expected some of {list(ASSIGNMENTS)}")
    chosen = list(names) or released(_db(args))
    if not chosen:
        raise SubmissionError("no assignment is released yet: run python -m grading release")
    return chosen


def roster_command(args):
    from .roster import import_roster

    print(f"{import_roster(args.csv, _db(args))} students in the roster")
    return 0


def import_command(args):
    course_config.sync_due_dates(args.course, args.db)
    report = import_submissions(args.course, args.assignment, args.source, _db(args), args.lms, args.replace)
    if report:
        print("\n".join(aligned(report)))
    counts = {}
    for _, status, _ in report:
        counts[status] = counts.get(status, 0) + 1
    print(f"{args.assignment}: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    if counts.get("kept") and not args.replace:
        print("earlier submissions were kept: pass --replace to replace them with these")
    return 1 if counts.get("error") else 0


def place_command(args):
    from nbgrader.utils import parse_utc

    when = None
    if args.submitted_at:
        try:
            when = parse_utc(args.submitted_at)
        except (ValueError, OverflowError) as error:
            raise SubmissionError(f"--submitted-at {args.submitted_at!r}: expected e.g. '2027-02-05 23:10 UTC'") from error
    path, changed = place(args.course, args.student, args.assignment, args.notebook, when, args.replace)
    import_refusals.update(_db(args), args.assignment, accepted=[args.student])
    print(f"{args.student}: {args.assignment} {'placed at' if changed else 'unchanged, already at'} {path}")
    return 0


def autograde_command(args):
    """The hardened grader (python -m grading grade) for one or every released assignment."""
    from .__main__ import main

    status = 0
    for assignment in _chosen(args, [args.assignment] if args.assignment else []):
        argv = ["grade", assignment, "--course", str(args.course), "--workers", str(args.workers)]
        status |= main(argv + (["--db", args.db] if args.db else []))
    return status


def status_command(args):
    course_config.sync_due_dates(args.course, args.db)
    dates = course_config.due_dates(args.course)
    rule = course_config.describe_late_rule(args.course)
    for assignment in _chosen(args, [args.assignment] if args.assignment else []):
        if assignment not in released(_db(args)):
            raise SubmissionError(f"{assignment} is not released: run python -m grading release {assignment} first")
        due = f"due {dates[assignment]:%Y-%m-%d %H:%M} UTC, late: {rule}" if assignment in dates else "no due date"
        print(f"== {assignment} ({due})")
        print("\n".join(status_lines(args.course, assignment, _db(args))))
    return 0


def feedback_command(args):
    from .feedback import feedback

    for line in feedback(args.course, args.assignment, args.student, _db(args), args.zip, args.release):
        print(line)
    return 0


def export_command(args):
    from .grades_csv import export_canvas, export_csv

    course_config.sync_due_dates(args.course, args.db)
    write = export_canvas if args.canvas else export_csv
    print(write(args.course, _chosen(args, args.assignments), _db(args), args.to))
    return 0


TERM_COMMANDS = {"roster": roster_command, "import": import_command, "place": place_command,
                 "autograde": autograde_command, "status": status_command, "feedback": feedback_command,
                 "export": export_command}


def before_grading(args):
    """The ``grade`` command's checks before it starts: a one-line reason not to grade, or None.

    Also silences SQLAlchemy's warnings about nbgrader's own session use (noise in a normal run; the
    forked workers inherit the filter).
    """
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
    if args.assignment not in released(_db(args)):
        return f"{args.assignment} is not released: run python -m grading release {args.assignment} first"
    if not any((args.course / "submitted").glob(f"*/{args.assignment}")):
        return (f"no submissions for {args.assignment}: import them first "
                f"(python -m grading import {args.assignment} LMS_ZIP_OR_FOLDER)")
    return None


def grading_totals(args):
    """The ``grade`` command's last line: where the whole assignment stands after this run."""
    from .gradebook_report import records

    found = [r for r in records(args.course, args.assignment, _db(args)).values() if not r.missing]
    graded = [r for r in found if r.parts and not r.error]
    errors = sum(bool(r.error) for r in found)
    waiting = sum(r.waiting for r in graded)
    auto_max = graded[0].auto_max if graded else 0.0
    return (f"{args.assignment}: {len(graded)} graded, {errors} with errors, {len(found) - len(graded) - errors} "
            f"not graded; automatic points {sum(r.auto_score for r in graded):g} of {auto_max * len(graded):g} "
            f"({auto_max:g} per submission); {waiting} written answer(s) wait for a grader (formgrader)")
