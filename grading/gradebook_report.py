"""Where the term stands: one record per roster student and assignment, read from the gradebook.

``status`` prints them, one line per student; ``export`` writes them as CSV
(one row per roster student; a column per graded part and per written answer)
or as a Canvas grade-import CSV. The numbers come from nbgrader's gradebook
(the parts' automatic scores, the written answers' manual scores, nbgrader's
late penalty), the submission time from ``timestamp.txt``, the grading time
and errors from the hardened grader's table ``hardened_grading_status`` and
why an import refused a notebook from ``import_refusals``.
Parts listed in ``EXTRA_CREDIT`` of the assignment's checks module add to the
score but not to the maximum.
"""
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import import_refusals
from .submissions import read_timestamp


@dataclass
class Record:
    """One student's standing on one assignment."""

    student: str
    assignment: str
    submitted_at: datetime.datetime = None
    graded_at: datetime.datetime = None
    parts: dict = field(default_factory=dict)      # grade_id -> automatic points (None: not graded)
    written: dict = field(default_factory=dict)    # grade_id -> manual points (None: waiting for a person)
    auto_max: float = 0.0
    written_max: float = 0.0
    late_penalty: float = 0.0
    seconds_late: float = 0.0
    error: str = ""
    placed_at: datetime.datetime = None            # when the file arrived in submitted/ (its mtime)
    refused: str = ""                              # why an import refused the student's notebook (none placed)

    @property
    def missing(self):
        return self.submitted_at is None and not self.parts and not self.error

    @property
    def auto_score(self):
        return sum(points or 0.0 for points in self.parts.values())

    @property
    def manual_score(self):
        return sum(points or 0.0 for points in self.written.values())

    @property
    def waiting(self):
        return sum(points is None for points in self.written.values())

    @property
    def max_score(self):
        return self.auto_max + self.written_max

    @property
    def total(self):
        return max(0.0, self.auto_score + self.manual_score - self.late_penalty)


_REASONS = [
    (re.compile(r"No assignment with ID '?([\w-]+)'? exists", re.I),
     lambda m: f"{m.group(1)} is not in the gradebook: release it first (python -m grading release {m.group(1)})"),
    (re.compile(r"No student with ID '?([\w.@+-]+)'? exists", re.I),
     lambda m: f"{m.group(1)} is not in the gradebook: add the roster first (python -m grading roster FILE.csv)"),
    (re.compile(r"Cell '?([\w-]+)'? does not exist|No (?:grade|solution|source) cell with name '?([\w-]+)'?", re.I),
     lambda m: f"this looks like another assignment's notebook (cell {m.group(1) or m.group(2)} "
               "is not one of this assignment's)"),
    (re.compile(r"no notebook ([\w.-]+) in the submission", re.I),
     lambda m: f"the submission folder holds no {m.group(1)} (import or place it again)"),
    (re.compile(r"could not be read \((\w+)", re.I),
     lambda m: f"the submitted file is not a readable notebook ({m.group(1)})"),
]


def explain(message):
    """The real reason in a grading error, in one line an instructor can act on."""
    if not message:
        return ""
    for pattern, say in _REASONS:
        match = pattern.search(message)
        if match:
            return say(match)
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"ERROR\]|Error|Exception", line)]
    return re.sub(r"\s+", " ", (errors or lines)[-1])[:300]


def graded_cells(course_dir, assignment):
    """(autograded part ids, written answer ids) of ``assignment``, in the order of its release notebook."""
    import nbformat

    path = Path(course_dir) / "assignments" / assignment / f"{assignment}.ipynb"
    parts, written = [], []
    for cell in nbformat.read(path, as_version=4).cells if path.is_file() else []:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            (written if cell.cell_type == "markdown" else parts).append(meta["grade_id"])
    return parts, written


def extra_credit_parts(assignment):
    """The grade_ids in ``EXTRA_CREDIT`` of the assignment's checks module (they do not count toward the max)."""
    from . import declared_extra_credit

    return set(declared_extra_credit(assignment))


def records(course_dir, assignment, db_url):
    """{student: Record} of every roster student and everyone with a submission of ``assignment``."""
    from nbgrader.api import Gradebook, MissingEntry

    from .batch import finished

    course_dir = Path(course_dir)
    extra = extra_credit_parts(assignment)
    hardened = finished(db_url, assignment)
    refused = import_refusals.refusals(db_url, assignment)
    submitted_root = course_dir / "submitted"
    with_folder = {p.parent.name for p in submitted_root.glob(f"*/{assignment}") if p.is_dir()}
    result = {}
    with Gradebook(db_url) as gradebook:
        try:
            cells = [cell for notebook in gradebook.find_assignment(assignment).notebooks
                     for cell in notebook.grade_cells]
        except MissingEntry:
            cells = []
        for student in sorted({s.id for s in gradebook.students} | with_folder | set(hardened) | set(refused)):
            record = Record(student, assignment)
            if student not in with_folder:
                record.refused = refused.get(student, "")
            record.auto_max = sum(c.max_score for c in cells if c.cell_type == "code" and c.name not in extra)
            record.written_max = sum(c.max_score for c in cells if c.cell_type == "markdown")
            if student in with_folder:
                folder = submitted_root / student / assignment
                notebook_file = folder / f"{assignment}.ipynb"
                record.placed_at = _mtime(notebook_file if notebook_file.exists() else folder)
                record.submitted_at = read_timestamp(folder) or record.placed_at
            row = hardened.get(student)
            if row:
                record.graded_at = row["finished_at"]
                if row["status"] != "graded":
                    record.error = explain(row["message"])
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                result[student] = record
                continue
            record.seconds_late = submission.total_seconds_late
            record.late_penalty = submission.late_submission_penalty or 0.0
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.cell.cell_type == "markdown":  # an untouched answer is auto-scored 0 by nbgrader
                        record.written[grade.name] = (grade.manual_score if grade.manual_score is not None
                                                      else grade.auto_score)
                    else:
                        score = grade.manual_score if grade.manual_score is not None else grade.auto_score
                        record.parts[grade.name] = (score or 0.0) + (grade.extra_credit or 0.0)
            if record.graded_at is None:
                autograded = course_dir / "autograded" / student / assignment
                record.graded_at = _mtime(autograded) if autograded.exists() else None
            result[student] = record
    return result


def _mtime(path):
    return datetime.datetime.fromtimestamp(Path(path).stat().st_mtime, datetime.timezone.utc).replace(tzinfo=None)


def _when(moment):
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


def _points(value):
    return f"{value:g}"


def status_columns(record):
    """student, submitted at, graded at, automatic score, written answers, late penalty, state."""
    if record.missing:
        state = f"missing: refused at import: {record.refused}" if record.refused else "missing: no submission"
    elif record.error:
        state = f"error: {record.error}"
    elif record.graded_at is None:
        state = "not graded yet: run python -m grading grade " + record.assignment
    elif record.placed_at and record.placed_at > record.graded_at:
        state = "resubmitted after grading: run python -m grading grade " + record.assignment + " again"
    elif record.waiting:
        state = f"{record.waiting} written answer(s) waiting for a grader"
    else:
        state = "done"
    auto = f"{_points(record.auto_score)}/{_points(record.auto_max)}" if record.parts else "-"
    written = (f"{len(record.written) - record.waiting}/{len(record.written)} graded"
               if record.written else "-")
    late = "-"
    if record.seconds_late > 0:
        late = f"-{_points(record.late_penalty)} ({record.seconds_late / 86400:.1f} days late)"
    return [record.student, _when(record.submitted_at), _when(record.graded_at), auto, written, late, state]


STATUS_HEADER = ["student", "submitted (UTC)", "graded (UTC)", "auto", "written", "late penalty", "state"]


def status_lines(course_dir, assignment, db_url):
    """The status table of ``assignment``: a header and one aligned line per student."""
    return aligned([STATUS_HEADER] + [status_columns(r) for r in records(course_dir, assignment, db_url).values()])


def aligned(rows):
    """Rows of cells as lines, the columns padded to their widest cell (the last column is not padded)."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([str(cell).ljust(width) for cell, width in zip(row, widths)] + [str(row[-1])]) for row in rows]
