"""Grades out: a CSV with one row per roster student, or a Canvas grade-import CSV.

The detailed CSV has, for each assignment (column names prefixed
``ASSIGNMENT:`` when there are several): whether the submission is missing,
when it was submitted, one column per autograded part and per written answer
(empty while it waits for a grader), the automatic and manual totals and
maxima, nbgrader's late penalty, the total and maximum, whether written
answers still need grading, and the grading error if any (or why an import
refused the student's notebook). A student who submitted nothing, or whose
notebook an import refused, has 0 and ``missing`` 1.

The Canvas CSV has the columns of Canvas's gradebook import (Student, ID,
SIS User ID, SIS Login ID, Section) and one column per assignment holding the
total after the late penalty, after a "Points Possible" row; ID is the roster's
``lms_user_id``, SIS User ID the course's student id.
"""
import csv
from pathlib import Path

from .gradebook_report import Record, graded_cells, records
from .roster import students


def _number(value):
    return "" if value is None else f"{value:g}"


def _when(moment):
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}"


def _assignment_cells(record, parts, written):
    cells = {"missing": "1" if record.missing else "0", "submitted_at": _when(record.submitted_at)}
    for part in parts:
        cells[part] = _number(record.parts.get(part, 0.0))
    for answer in written:
        cells[answer] = _number(record.written.get(answer, 0.0 if record.missing else None))
    cells.update(auto_score=_number(record.auto_score), auto_max=_number(record.auto_max),
                 manual_score=_number(record.manual_score), manual_max=_number(record.written_max),
                 late_penalty=_number(record.late_penalty), total=_number(record.total),
                 max_score=_number(record.max_score), needs_manual_grading="1" if record.waiting else "0",
                 error=record.error or (f"refused at import: {record.refused}" if record.refused else ""))
    return cells


def export_csv(course_dir, assignments, db_url, path):
    """Write the detailed CSV of ``assignments``; return its path."""
    roster = {s["id"]: s for s in students(db_url)}
    per_assignment = {a: records(course_dir, a, db_url) for a in assignments}
    everyone = sorted(set(roster).union(*per_assignment.values()))
    header = ["student_id", "first_name", "last_name", "email"]
    rows = {student: {"student_id": student, **{k: roster.get(student, {}).get(k) or ""
                                                for k in ("first_name", "last_name", "email")}}
            for student in everyone}
    for assignment, by_student in per_assignment.items():
        prefix = f"{assignment}:" if len(assignments) > 1 else ""
        some = next(iter(by_student.values()), Record("", assignment))  # every record has the assignment's maxima
        full = {s: by_student.get(s) or Record(s, assignment, auto_max=some.auto_max, written_max=some.written_max)
                for s in everyone}
        parts, written = graded_cells(course_dir, assignment)
        for student, record in full.items():
            rows[student].update({prefix + k: v for k, v in _assignment_cells(record, parts, written).items()})
        header += [prefix + k for k in _assignment_cells(Record("", assignment), parts, written)]
    path = Path(path).resolve()
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows[s] for s in everyone)
    return path


def export_canvas(course_dir, assignments, db_url, path):
    """Write a Canvas grade-import CSV of ``assignments`` (totals after late penalties); return its path."""
    roster = students(db_url)
    per_assignment = {a: records(course_dir, a, db_url) for a in assignments}
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments]
    possible = ["Points Possible", "", "", "", ""]
    for assignment in assignments:
        any_record = next(iter(per_assignment[assignment].values()), None)
        possible.append(_number(any_record.max_score if any_record else 0.0))
    path = Path(path).resolve()
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(possible)
        for student in roster:
            name = ", ".join(part for part in (student["last_name"], student["first_name"]) if part)
            totals = [_number(per_assignment[a][student["id"]].total if student["id"] in per_assignment[a] else 0.0)
                      for a in assignments]
            writer.writerow([name or student["id"], student["lms_user_id"] or "", student["id"], student["id"], "",
                             *totals])
    return path
