"""Command line of the instructor pipeline: ``python -m grading <command>``.

    release [ASSIGNMENT ...]                 student versions into assignments/
    place STUDENT ASSIGNMENT NOTEBOOK        put a submission where nbgrader looks for it
    autograde ASSIGNMENT [--student ID]      run the notebooks and record the points
    feedback ASSIGNMENT [--student ID]       HTML feedback into feedback/
    export [--to grades.csv]                 the gradebook as CSV

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
        command.add_argument("assignment", choices=ASSIGNMENTS)
        command.add_argument("--student", help="only this student (default: all)")

    export = commands.add_parser("export", parents=[common], help="export the grades as CSV")
    export.add_argument("--to", default="grades.csv", help="CSV file to write")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    extra = ["--db", args.db] if args.db else []
    try:
        if args.command == "release":
            pipeline.release(args.assignments or ASSIGNMENTS, args.course, extra)
        elif args.command == "place":
            print(pipeline.place(args.student, args.assignment, args.notebook, args.course))
        elif args.command == "autograde":
            print(pipeline.autograde(args.assignment, args.student, args.course, extra))
        elif args.command == "feedback":
            print(pipeline.feedback(args.assignment, args.student, args.course, extra))
        else:
            print(pipeline.export(args.to, args.course, extra))
    except pipeline.PipelineError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
