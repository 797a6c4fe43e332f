"""The class list: students in nbgrader's gradebook, imported from a CSV.

The roster CSV has a header and the columns ``id`` (the student id used for
folders and in the gradebook), and optionally ``first_name``, ``last_name``,
``email`` and ``lms_user_id`` (the LMS's user id, e.g. Canvas's numeric "ID",
which LMS downloads carry in their file names). Status and export list
every roster student, those who submitted nothing too.
"""
import csv
from pathlib import Path

COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")


class RosterError(ValueError):
    pass


def read_roster_csv(path):
    """[{column: value}] of a roster CSV; a clear error for a missing file, header or id."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"no roster file {path}")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise RosterError(f"{path}: the first line must name the columns, among them 'id' "
                              f"(expected some of {', '.join(COLUMNS)})")
        rows = []
        for number, row in enumerate(reader, start=2):
            student = {key: (row.get(key) or "").strip() or None for key in COLUMNS}
            if not student["id"]:
                raise RosterError(f"{path}, line {number}: no student id")
            rows.append(student)
    return rows


def import_roster(csv_path, db_url):
    """Add or update every student of the CSV in the gradebook; return how many."""
    from nbgrader.api import Gradebook

    rows = read_roster_csv(csv_path)
    with Gradebook(db_url) as gradebook:
        for row in rows:
            gradebook.update_or_create_student(row["id"], **{k: v for k, v in row.items() if k != "id"})
    return len(rows)


def students(db_url):
    """[{id, first_name, last_name, email, lms_user_id}] of the gradebook's students, sorted by id."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return sorted(({key: getattr(s, key) for key in COLUMNS} for s in gradebook.students),
                      key=lambda s: s["id"])


def by_lms_id(db_url):
    """{lms_user_id: student id} of the roster students that have an LMS id."""
    return {s["lms_user_id"]: s["id"] for s in students(db_url) if s["lms_user_id"]}
