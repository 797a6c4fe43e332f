"""Command line of the instructor pipeline: ``python -m grading <command>``.

    release [ASSIGNMENT ...]                 student versions into assignments/
    place STUDENT ASSIGNMENT NOTEBOOK        put a submission where nbgrader looks for it
    autograde [ASSIGNMENT] [--student ID]    run the notebooks and record the points
    feedback [ASSIGNMENT] [--student ID]     HTML feedback into feedback/
    export [--to grades.csv]                 the gradebook as CSV
    grade ASSIGNMENT [--workers N] [--dask ADDRESS|local] [--force] [--student ID ...]
                                             hardened autograde: checks outside the student's
                                             process, limits, parallel, resumable (grading.batch)

Every command takes ``--course DIR`` (default: this repository) and
``--db URL`` (default: the SQLite gradebook.db of the course).
"""
import argparse
import sys

from . import ASSIGNMENTS, pipeline


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", default=pipeline.COURSE_ROOT, help="course directory (holds nbgrader_config.py)")
    common.add_argument("--db", help="gradebook URL, e.g. sqlite:////path/gradebook.db")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", parents=[common], help="generate the student versions")
    release.add_argument("assignments", nargs="*", help=f"default: all of {', '.join(ASSIGNMENTS)}")

    place = commands.add_parser("place", parents=[common], help="place a student's notebook among the submissions")
    place.add_argument("student")
    place.add_argument("assignment", choices=ASSIGNMENTS)
    place.add_argument("notebook")

    for name, help_text in (("autograde", "autograde the submissions"), ("feedback", "generate HTML feedback")):
        command = commands.add_parser(name, parents=[common], help=help_text)
        command.add_argument("assignment", nargs="?", choices=ASSIGNMENTS, help="default: every assignment")
        command.add_argument("--student", help="only this student (default: all)")

    export = commands.add_parser("export", parents=[common], help="export the grades as CSV")
    export.add_argument("--to", default="grades.csv", help="CSV file to write")

    grade = commands.add_parser("grade", parents=[common], help="hardened autograde (sandboxed, parallel, resumable)")
    grade.add_argument("assignment", choices=ASSIGNMENTS)
    grade.add_argument("--student", action="append", help="only these students (repeat; default: all pending)")
    grade.add_argument("--workers", type=int, default=1, help="parallel worker processes on this machine")
    grade.add_argument("--dask", help="a Dask scheduler address, or 'local' for a local cluster of --workers")
    grade.add_argument("--force", action="store_true", help="grade again the submissions already finished")
    grade.add_argument("--cell-seconds", type=float, default=30.0, help="time limit of one cell or call")
    grade.add_argument("--notebook-seconds", type=float, default=300.0, help="time limit of one submission")
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory limit of one submission")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    extra = ["--db", args.db] if args.db else []
    try:
        if args.command == "release":
            pipeline.release(args.assignments or None, args.course, extra)
        elif args.command == "place":
            print(pipeline.place(args.student, args.assignment, args.notebook, args.course))
        elif args.command == "autograde":
            print(pipeline.autograde(args.assignment, args.student, args.course, extra))
        elif args.command == "grade":
            return _grade(args)
        elif args.command == "feedback":
            print(pipeline.feedback(args.assignment, args.student, args.course, extra))
        else:
            print(pipeline.export(args.to, args.course, extra))
    except pipeline.PipelineError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _grade(args):
    from .batch import grade_all
    from .sandbox import Limits

    limits = Limits(memory_bytes=args.memory_mb << 20, cell_seconds=args.cell_seconds,
                    notebook_seconds=args.notebook_seconds)
    options = dict(db_url=args.db, limits=limits, force=args.force, students=args.student)
    if args.dask:
        from distributed import Client

        from .distributed import grade_all_dask, local_cluster

        client = local_cluster(args.workers) if args.dask == "local" else Client(args.dask)
        try:
            outcomes = grade_all_dask(client, args.course, args.assignment, **options)
        finally:
            client.close()
    else:
        outcomes = grade_all(args.course, args.assignment, workers=args.workers, **options)
    for outcome in sorted(outcomes, key=lambda o: o["student"]):
        score = "-" if outcome["score"] is None else f"{outcome['score']:g}/{outcome['max_score']:g}"
        print(f"{outcome['student']}\t{outcome['status']}\t{score}\t{outcome['message'][:200]}")
    return 1 if any(o["status"] != "graded" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
