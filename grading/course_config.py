"""The course folder and what its ``nbgrader_config.py`` says about the term.

The course file ``nbgrader_config.py`` is the one place for the folders and
gradebook (nbgrader's own settings), the due dates (``c.Term.due_dates``), the
late-penalty rule (``c.LatePenalty.*``, see grading.late_penalty), the
file-name pattern of LMS downloads (``c.FileNameCollectorPlugin.named_regexp``,
nbgrader's zip_collect setting) and the time zone of the times they carry
without one (``c.Term.lms_time_zone``). This module finds the course folder, reads
that file, and copies the due dates into the gradebook, where nbgrader's
late-submission step reads them.
"""
import datetime
import os
from pathlib import Path

from traitlets import Dict, Unicode
from traitlets.config import Configurable
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


class CourseError(RuntimeError):
    """The course folder or its configuration is not usable; the message says what to do."""


class Term(Configurable):
    """Settings of the term that nbgrader itself has no place for."""

    due_dates = Dict(help='assignment -> due date, e.g. {"rnn_step_by_step": "2027-02-05 23:59 UTC"}').tag(config=True)
    lms_time_zone = Unicode("UTC", help="the time zone of the times an LMS download writes without one (a zip "
                                        "entry's time, a file name's timestamp): an IANA name such as "
                                        "'America/Toronto'").tag(config=True)


def find_course(course=None):
    """The course folder: ``course`` if given, else the current folder; it must hold nbgrader_config.py."""
    folder = Path(course if course is not None else os.getcwd()).resolve()
    if not (folder / CONFIG_FILE).is_file():
        where = f"--course {course}" if course is not None else f"the current folder {folder}"
        raise CourseError(f"{where} holds no {CONFIG_FILE}: run the command in the course folder "
                          f"or pass --course DIR")
    return folder


def load_config(course_dir):
    """The course's nbgrader configuration (a traitlets Config)."""
    try:
        return PyFileConfigLoader(CONFIG_FILE, path=str(course_dir)).load_config()
    except Exception as error:  # a syntax error or a failing import in the course file
        raise CourseError(f"{Path(course_dir) / CONFIG_FILE} could not be read: {type(error).__name__}: {error}") from error


def db_url(course_dir, override=None):
    """The gradebook URL: ``override``, else the course file's, else gradebook.db in the course folder."""
    if override:
        return override
    configured = load_config(course_dir).CourseDirectory.get("db_url")
    return configured or "sqlite:///" + os.path.join(os.path.abspath(course_dir), "gradebook.db")


def term(course_dir):
    return Term(config=load_config(course_dir))


def lms_time_zone(course_dir):
    """The course's ``c.Term.lms_time_zone`` as a tzinfo, or a clear error for a name that is no time zone."""
    import zoneinfo

    name = term(course_dir).lms_time_zone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise CourseError(f"c.Term.lms_time_zone is {name!r}, which is no time zone; expected an IANA name such as "
                          "'UTC' or 'America/Toronto'") from None


def as_utc(moment, zone):
    """The naive UTC datetime of ``moment``: a naive one is read in ``zone``, an aware one keeps its own."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def due_dates(course_dir):
    """{assignment: due date as a naive UTC datetime} from the course file."""
    from nbgrader.utils import parse_utc

    from . import ASSIGNMENTS

    dates = {}
    for assignment, text in term(course_dir).due_dates.items():
        if assignment not in ASSIGNMENTS:
            raise CourseError(f"c.Term.due_dates names {assignment!r}, which is no assignment; "
                              f"expected one of {list(ASSIGNMENTS)}")
        try:
            dates[assignment] = parse_utc(text)
        except (ValueError, OverflowError):
            raise CourseError(f"due date of {assignment} is {text!r}; expected e.g. '2027-02-05 23:59 UTC'") from None
    return dates


def late_rule(course_dir):
    """The configured late-penalty plugin (nbgrader's AssignLatePenalties.plugin_class), configured."""
    from nbgrader.preprocessors import AssignLatePenalties

    config = load_config(course_dir)
    return AssignLatePenalties(config=config).plugin_class(config=config)


def describe_late_rule(course_dir):
    rule = late_rule(course_dir)
    if hasattr(rule, "describe"):
        return rule.describe()
    return f"nbgrader's {type(rule).__name__} (penalty_method={getattr(rule, 'penalty_method', '?')})"


def sync_due_dates(course_dir, url=None):
    """Write the course file's due dates into the gradebook rows of the released assignments.

    Returns the assignments whose row was updated. An assignment not yet
    released has no row; release writes its date.
    """
    from nbgrader.api import Gradebook, MissingEntry

    dates = due_dates(course_dir)
    updated = []
    with Gradebook(db_url(course_dir, url)) as gradebook:
        for assignment, due in dates.items():
            try:
                row = gradebook.find_assignment(assignment)
            except MissingEntry:
                continue
            if row.duedate != due:
                row.duedate = due
                updated.append(assignment)
        gradebook.db.commit()
    return updated
