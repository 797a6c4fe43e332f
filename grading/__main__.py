"""The grader's command line: ``python -m grading <command>``.

    release [ASSIGNMENT ...]                 student versions into assignments/ (and the gradebook),
                                             handouts/NAME/ and handouts/NAME.zip for students, and
                                             handouts/NAME-zh.zip in Chinese (grading.translation)
    roster ROSTER.csv                        the class list into the gradebook
    import ASSIGNMENT ZIP_OR_FOLDER          an LMS download (Canvas, Moodle) or a folder of notebooks
    place STUDENT ASSIGNMENT NOTEBOOK        one student's notebook among the submissions
    grade ASSIGNMENT [--workers N] [--dask ADDRESS|local] [--force] [--student ID ...]
                                             hardened autograde: checks outside the student's
                                             process, limits, parallel, resumable (grading.batch)
    autograde [ASSIGNMENT]                   the same hardened grader, for one or every assignment
    status [ASSIGNMENT]                      one line per student: submitted, graded, score, late, errors
    feedback [ASSIGNMENT] [--student ID]     HTML feedback into feedback/ (--zip DIR: one zip per student)
    export [ASSIGNMENT ...] [--to grades.csv] [--canvas]
                                             one row per roster student, a column per part

Every command takes ``--course DIR`` (default: the current folder, which must
hold nbgrader_config.py) and ``--db URL`` (default: the course's gradebook).
"""
import argparse
import sys

from . import ASSIGNMENTS, course_config, nbgrader_commands
from .term import TERM_COMMANDS


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", help="course folder, holding nbgrader_config.py (default: the current folder)")
    common.add_argument("--db", help="gradebook URL, e.g. sqlite:////path/gradebook.db")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", parents=[common], help="generate the student versions")
    release.add_argument("assignments", nargs="*", help=f"default: all of {', '.join(ASSIGNMENTS)}")

    roster = commands.add_parser("roster", parents=[common], help="add the students of a CSV to the gradebook")
    roster.add_argument("csv", help="columns id, first_name, last_name, email, lms_user_id (a header line)")

    lms = commands.add_parser("import", parents=[common], help="import an LMS download (zip) or a folder")
    lms.add_argument("assignment", choices=ASSIGNMENTS)
    lms.add_argument("source", help="the LMS's zip of submissions, or a folder (STUDENT/*.ipynb or LMS file names)")
    lms.add_argument("--lms", help="file-name pattern: canvas, moodle or a regular expression "
                                   "(default: c.FileNameCollectorPlugin.named_regexp, else canvas)")
    lms.add_argument("--replace", action="store_true", help="replace earlier submissions")

    place = commands.add_parser("place", parents=[common], help="place a student's notebook among the submissions")
    place.add_argument("student")
    place.add_argument("assignment", choices=ASSIGNMENTS)
    place.add_argument("notebook")
    place.add_argument("--replace", action="store_true", help="replace an earlier submission")
    place.add_argument("--submitted-at", help="submission time, e.g. '2027-02-05 23:10 UTC' (default: the file's)")

    autograde = commands.add_parser("autograde", parents=[common], help="hardened autograde of one or every assignment")
    autograde.add_argument("assignment", nargs="?", choices=ASSIGNMENTS, help="default: every released assignment")
    autograde.add_argument("--workers", type=int, default=1, help="parallel worker processes")

    status = commands.add_parser("status", parents=[common], help="one line per student: where grading stands")
    status.add_argument("assignment", nargs="?", choices=ASSIGNMENTS, help="default: every released assignment")

    feedback = commands.add_parser("feedback", parents=[common], help="generate HTML feedback")
    feedback.add_argument("assignment", nargs="?", choices=ASSIGNMENTS, help="default: every assignment")
    feedback.add_argument("--student", help="only this student (default: all)")
    feedback.add_argument("--zip", help="also write one zip per student into this folder (for an LMS upload)")
    feedback.add_argument("--release", action="store_true",
                          help="also hand it back through nbgrader's exchange (release_feedback)")

    export = commands.add_parser("export", parents=[common], help="export the grades as CSV")
    export.add_argument("assignments", nargs="*", help=f"some of {', '.join(ASSIGNMENTS)} (default: every released one)")
    export.add_argument("--to", default="grades.csv", help="CSV file to write")
    export.add_argument("--canvas", action="store_true", help="a Canvas grade-import CSV (totals per assignment)")

    grade = commands.add_parser("grade", parents=[common], help="hardened autograde (sandboxed, parallel, resumable)")
    grade.add_argument("assignment", choices=ASSIGNMENTS)
    grade.add_argument("--student", action="append", help="only these students (repeat; default: all pending)")
    grade.add_argument("--workers", type=int, default=1, help="parallel worker processes on this machine")
    grade.add_argument("--dask", help="a Dask scheduler address, or 'local' for a local cluster of --workers")
    grade.add_argument("--force", action="store_true", help="grade again the submissions already finished")
    grade.add_argument("--cell-seconds", type=float,
                       help="time limit of one cell or call (default: the course's c.Execute.timeout)")
    grade.add_argument("--notebook-seconds", type=float, default=300.0, help="time limit of one submission")
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory limit of one submission")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    extra = ["--db", args.db] if args.db else []
    try:
        args.course = course_config.find_course(args.course)
        if args.command == "release":
            nbgrader_commands.release(args.assignments or None, args.course, extra)
            course_config.sync_due_dates(args.course, args.db)
            from .handouts import build_handouts  # the self-contained folder and zip of each release

            for path in build_handouts(args.assignments or None, args.course):
                print(f"handout: {path}")
        elif args.command == "grade":
            course_config.sync_due_dates(args.course, args.db)
            return _grade(args)
        else:  # the term's commands (grading.term)
            return TERM_COMMANDS[args.command](args)
    except (nbgrader_commands.NbgraderError, course_config.CourseError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _grade(args):
    from .batch import default_db_url, grade_all, skipped_line, summary_line
    from .sandbox import FallbackRefused, course_limits
    from .student_text import printable
    from .term import before_grading, grading_totals

    reason = before_grading(args)
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 1
    limits = course_limits(args.course, memory_bytes=args.memory_mb << 20, cell_seconds=args.cell_seconds,
                           notebook_seconds=args.notebook_seconds)
    options = dict(db_url=args.db, limits=limits, force=args.force, students=args.student)
    skipped = skipped_line(args.course, args.assignment, args.db or default_db_url(args.course), args.force,
                           args.student)
    if skipped:
        print(skipped)
    if args.dask:
        from distributed import Client

        from .distributed import grade_all_dask, local_cluster

        client = local_cluster(args.workers) if args.dask == "local" else Client(args.dask)
        try:
            outcomes = grade_all_dask(client, args.course, args.assignment, **options)
        finally:
            client.close()
    else:
        try:
            outcomes = grade_all(args.course, args.assignment, workers=args.workers, **options)
        except FallbackRefused as error:  # without root, an assignment the fallback cannot hold is not graded
            print(f"error: {printable(error)}", file=sys.stderr)
            return 1
    for outcome in sorted(outcomes, key=lambda o: o["student"]):
        print(summary_line(outcome))  # student text escaped: it cannot forge or rewrite a line
    print(grading_totals(args))
    return 1 if any(o["status"] != "graded" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
