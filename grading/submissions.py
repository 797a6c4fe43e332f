"""Submissions into the course: ``place`` one notebook, or ``import`` an LMS download.

Both leave what ``nbgrader collect`` would: ``submitted/STUDENT/ASSIGNMENT/
ASSIGNMENT.ipynb`` and its ``timestamp.txt`` (the submission time, from which
nbgrader's late-submission step computes the penalty). A notebook is checked
first: it must be readable and hold graded cells of this assignment. An
earlier submission is replaced only when asked (``replace``).

An LMS download (a Canvas or Moodle zip, or a plain folder) is read with
nbgrader's zip_collect plugins: ``ExtractorPlugin`` unpacks it and
``FileNameCollectorPlugin`` reads the student's id (group ``student_id``), the
original file name (``file_id``) and, when the LMS writes one, the time
(``timestamp``) from each file name with the course's
``c.FileNameCollectorPlugin.named_regexp``. An id that is a roster student's
``lms_user_id`` becomes that student's id. A file in a sub-folder of a plain
folder whose name does not match belongs to the student the folder is named
after. The submission time is the file name's timestamp, else the zip
entry's time, else the file's modification time. A zip entry holds its
time without a zone (the LMS's local time), as may a file name: both are
read in the course's ``c.Term.lms_time_zone`` (UTC unless set).
"""
import datetime
import functools
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import ASSIGNMENTS

# Presets of c.FileNameCollectorPlugin.named_regexp (matched against the file's name).
LMS_PATTERNS = {
    # lastfirst_[late_]USERID_SUBMISSIONID_original name.ipynb
    "canvas": r"(?i)^(?P<name>[^_]+)_(?:late_)?(?P<student_id>\d+)_\d+_(?P<file_id>.+)$",
    # Full Name_USERID_assignsubmission_file_original name.ipynb
    "moodle": r"^(?P<name>[^_]+)_(?P<student_id>\d+)_assignsubmission_file_(?P<file_id>.+)$",
}
_COPY_MARKS = re.compile(r"^(copy of\s+)+|(\s*[(\[]\d+[)\]]|[-_ ]\d+|[-_ ]?copy\d*)+$", re.I)


class SubmissionError(ValueError):
    """A submission that cannot be placed; the message says why, in one line."""


def submission_path(course_dir, student, assignment):
    return Path(course_dir) / "submitted" / student / assignment / f"{assignment}.ipynb"


def graded_ids(course_dir, assignment):
    """grade_ids of the graded and answer cells of ``assignment``'s student version."""
    path = Path(course_dir) / "assignments" / assignment / f"{assignment}.ipynb"
    if not path.is_file():
        raise SubmissionError(f"{assignment} is not released yet ({path} is missing): "
                              f"run `python -m grading release {assignment}` first")
    return _graded_ids(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _graded_ids(path, modified):
    """graded_ids of one release notebook, read once per version (an import checks hundreds of notebooks)."""
    cells = nbformat.read(path, as_version=4).cells
    return frozenset(c.metadata["nbgrader"]["grade_id"] for c in cells
                     if c.metadata.get("nbgrader", {}).get("grade_id")
                     and (c.metadata["nbgrader"].get("grade") or c.metadata["nbgrader"].get("solution")))


def check_notebook(course_dir, assignment, path):
    """Raise SubmissionError unless ``path`` is a readable notebook holding cells of ``assignment``."""
    path = Path(path)
    if not path.is_file():
        raise SubmissionError(f"no such file: {path}")
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, not a notebook, wrong encoding
        raise SubmissionError(f"{path.name} is not a readable notebook ({type(error).__name__})") from None
    found = {c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells} - {None}
    if found & graded_ids(course_dir, assignment):
        return notebook
    for other in ASSIGNMENTS:
        if other != assignment and (Path(course_dir) / "assignments" / other).is_dir():
            if found & graded_ids(course_dir, other):
                raise SubmissionError(f"{path.name} looks like the notebook of {other}, not of {assignment}")
    raise SubmissionError(f"{path.name} holds none of the graded cells of {assignment}")


def format_timestamp(moment):
    """nbgrader's timestamp.txt text for a naive UTC datetime."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") + " UTC"


def read_timestamp(folder):
    """The time in ``folder``/timestamp.txt (naive UTC), or None."""
    from nbgrader.utils import parse_utc

    path = Path(folder) / "timestamp.txt"
    try:
        return parse_utc(path.read_text().strip())
    except (OSError, ValueError):
        return None


def file_time(path):
    return datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc).replace(tzinfo=None)


def place(course_dir, student, assignment, notebook, submitted_at=None, replace=False):
    """Check ``notebook`` and put it where nbgrader looks for ``student``'s ``assignment``.

    ``submitted_at`` (naive UTC) goes to timestamp.txt; None takes the file's
    modification time. Returns the path it was copied to, and False when the same
    notebook with the same time was there already (then nothing is touched, so
    a re-imported download does not look like resubmissions).
    """
    if assignment not in ASSIGNMENTS:
        raise SubmissionError(f"unknown assignment {assignment!r}; expected one of {list(ASSIGNMENTS)}")
    if not student or not re.fullmatch(r"[\w.@+-]+", student) or student.startswith("."):
        raise SubmissionError(f"student id must be a plain name (letters, digits, . _ - @ +), got {student!r}")
    check_notebook(course_dir, assignment, notebook)
    target = submission_path(course_dir, student, assignment)
    moment = submitted_at or file_time(notebook)
    if (target.is_file() and target.read_bytes() == Path(notebook).read_bytes()
            and read_timestamp(target.parent) == moment):
        return target, False
    if target.parent.exists() and not replace:
        when = read_timestamp(target.parent)
        raise SubmissionError(f"{student} already has a submission of {assignment}"
                              f"{f' (submitted at {when:%Y-%m-%d %H:%M} UTC)' if when else ''}; "
                              f"pass --replace to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".ipynb.part")
    shutil.copyfile(notebook, temporary)
    os.replace(temporary, target)
    (target.parent / "timestamp.txt").write_text(format_timestamp(moment) + "\n")
    return target, True


# ---- LMS downloads --------------------------------------------------------------------

@dataclass
class Found:
    """One notebook of a download: whose, under what name, submitted when."""

    student: str
    name: str
    path: Path
    submitted_at: datetime.datetime


def base_name(file_name):
    """The name a renamed copy started from: 'Copy of x (1).ipynb' -> 'x'."""
    stem = Path(file_name).name
    stem = stem[:-len(".ipynb")] if stem.lower().endswith(".ipynb") else stem
    previous = None
    while previous != stem:
        previous, stem = stem, _COPY_MARKS.sub("", stem).strip()
    return stem.lower()


def _collector(course_dir, pattern):
    from nbgrader.plugins import FileNameCollectorPlugin

    from .course_config import load_config

    collector = FileNameCollectorPlugin(config=load_config(course_dir))
    if pattern:
        collector.named_regexp = LMS_PATTERNS.get(pattern, pattern)
    if not collector.named_regexp:
        collector.named_regexp = LMS_PATTERNS["canvas"]
    return collector


def _unpack(source, into):
    """Unpack a zip with nbgrader's ExtractorPlugin; return {extracted path: the zip entry's time (naive, as
    the zip holds it)}."""
    from nbgrader.plugins import ExtractorPlugin

    archive = Path(into) / "archive"
    archive.mkdir()
    shutil.copy(source, archive / Path(source).name)
    extracted = Path(into) / "extracted"
    ExtractorPlugin().extract(str(archive), str(extracted))
    root = extracted / Path(source).stem
    with zipfile.ZipFile(source) as handle:
        times = {root / info.filename: datetime.datetime(*info.date_time) for info in handle.infolist()}
    return root, times


def find_notebooks(course_dir, source, pattern=None, lms_ids=None, workdir=None):
    """(found notebooks, skipped files with the reason) of a zip or a folder."""
    from dateutil.parser import parse

    from .course_config import as_utc, lms_time_zone

    source = Path(source)
    times, zone = {}, lms_time_zone(course_dir)
    if source.is_file() and zipfile.is_zipfile(source):
        source, times = _unpack(source, workdir)
    elif not source.is_dir():
        raise SubmissionError(f"{source} is neither a zip file nor a folder")
    collector = _collector(course_dir, pattern)
    lms_ids = lms_ids or {}
    found, skipped = [], []
    for path in sorted(source.rglob("*")):
        parts = path.relative_to(source).parts
        if not path.is_file() or any(p.startswith((".", "__MACOSX")) for p in parts):
            continue
        if path.suffix.lower() != ".ipynb":
            skipped.append((path.name, "not a notebook"))
            continue
        info = collector.collect(path.name)
        if info:
            student, name = info["student_id"], info["file_id"]
        elif len(parts) > 1:
            student, name = parts[-2], path.name
        else:
            skipped.append((path.name, "its name does not match the LMS file-name pattern"))
            continue
        student = lms_ids.get(student, student)
        if info and info.get("timestamp"):
            moment = as_utc(parse(info["timestamp"]), zone)
        elif path in times:
            moment = as_utc(times[path], zone)
        else:
            moment = file_time(path)
        found.append(Found(student, name, path, moment))
    return found, skipped


def choose(course_dir, assignment, files):
    """The submission among one student's notebooks, and a note: the latest of those named after the
    assignment (renamed copies included), else the only notebook if it holds this assignment's cells."""
    named = [f for f in files if base_name(f.name) == base_name(assignment)]
    if not named and len(files) == 1:
        try:
            check_notebook(course_dir, assignment, files[0].path)
            named = files
        except SubmissionError:
            pass
    if not named:
        listed = ", ".join(sorted(f.name for f in files))
        raise SubmissionError(f"no {assignment}.ipynb among the files found: {listed}")
    named.sort(key=lambda f: f.submitted_at)
    chosen = named[-1]
    notes = []
    if chosen.name != f"{assignment}.ipynb":
        notes.append(f"renamed copy {chosen.name!r} accepted")
    if len(named) > 1:
        notes.append(f"{len(named)} submissions, kept the latest")
    return chosen, notes


def import_submissions(course_dir, assignment, source, db_url, pattern=None, replace=False):
    """Import ``source`` (zip or folder) for ``assignment``; return [(student, status, detail)], sorted.

    status is "imported", "replaced", "unchanged" (the same file and time as before), "kept" (a different
    earlier submission, not replaced without ``replace``; a later one is never replaced by an older one),
    "error" (the reason), or "missing" (a roster student with no file).
    """
    from .roster import by_lms_id, students

    roster = {s["id"] for s in students(db_url)}
    if assignment not in ASSIGNMENTS:
        raise SubmissionError(f"unknown assignment {assignment!r}; expected one of {list(ASSIGNMENTS)}")
    graded_ids(course_dir, assignment)  # released?
    report = []
    with tempfile.TemporaryDirectory(prefix="lms-import-") as workdir:
        found, skipped = find_notebooks(course_dir, source, pattern, by_lms_id(db_url), workdir)
        by_student = {}
        for item in found:
            by_student.setdefault(item.student, []).append(item)
        for student, files in sorted(by_student.items()):
            try:
                chosen, notes = choose(course_dir, assignment, files)
                folder = submission_path(course_dir, student, assignment).parent
                existed, earlier = folder.exists(), read_timestamp(folder)
                if earlier and chosen.submitted_at < earlier:
                    report.append((student, "kept", f"a later submission (submitted at {earlier:%Y-%m-%d %H:%M} UTC) "
                                                    "is already there"))
                    continue
                _, changed = place(course_dir, student, assignment, chosen.path, chosen.submitted_at, replace)
            except SubmissionError as error:
                status = "kept" if "already has a submission" in str(error) else "error"
                report.append((student, status, str(error)))
                continue
            if roster and student not in roster:
                notes.append("not in the roster (python -m grading roster adds students)")
            detail = "; ".join([f"submitted at {chosen.submitted_at:%Y-%m-%d %H:%M} UTC", *notes])
            report.append((student, ("replaced" if existed else "imported") if changed else "unchanged", detail))
    from . import import_refusals

    import_refusals.update(db_url, assignment, {student: detail for student, status, detail in report
                                                if status == "error"},
                           [student for student, status, _ in report if status in ("imported", "replaced", "unchanged")])
    seen = {student for student, _, _ in report}
    report += [(student, "missing", "no submission") for student in sorted(roster)
               if student not in seen and not submission_path(course_dir, student, assignment).exists()]
    report += [("-", "skipped", f"{name}: {why}") for name, why in skipped]
    return sorted(report, key=lambda row: (row[0] == "-", row[0]))
