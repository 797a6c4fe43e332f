"""Repair what Jupyter's own editing does to a submission's grading metadata, before grading.

Copying a cell in Jupyter copies its nbgrader metadata, so the notebook holds
the same ``grade_id`` twice, and some front ends leave an empty or partial
``nbgrader`` entry on a pasted or split cell. nbgrader refuses such a
notebook ("the nbgrader metadata may be corrupted") and the student would get
0 for a slip of the mouse. Deleting a test cell by accident would cost its
points. The rules here:

- the first cell carrying a ``grade_id`` is that graded cell; a later cell with
  the same id, a cell whose nbgrader metadata does not validate, and a cell
  with an id the assignment does not have are cells the student added: they
  keep their content and run in place, like any other added cell;
- a test or written-answer cell missing from the submission is restored from
  the released notebook (its checks run outside the notebook anyway), as
  nbgrader's own ``OverwriteCells.add_missing_cells`` would, but placed after
  the nearest graded cell that precedes it in the release.

:func:`repair_metadata` is applied to the notebook that is scored and, through
the :class:`RepairCells` step, to the copy nbgrader records, so both see the
same cells.
"""
import copy
from pathlib import Path

import nbformat
from traitlets import Unicode

try:
    from nbgrader.preprocessors import NbGraderPreprocessor
except ImportError:  # nbgrader is in the "grading" extra; scoring alone does not need it
    NbGraderPreprocessor = object

from .student_text import printable


def _cell_ids(notebook):
    """The grade_id of each cell of ``notebook`` (None for a cell without one), by position."""
    ids = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        ids.append(meta.get("grade_id") or None if isinstance(meta, dict) else None)
    return ids


def _grading_ids(notebook):
    """The grade_ids of ``notebook``'s cells, in order."""
    return [grade_id for grade_id in _cell_ids(notebook) if grade_id]


def _valid(cell, validator):
    try:
        validator.validate_cell(copy.deepcopy(cell))
    except Exception:  # any schema, type or field error: the metadata cannot be trusted
        return False
    return True


def repair_metadata(notebook, template_ids):
    """Strip the nbgrader metadata of duplicated, invalid or unknown cells of ``notebook`` in place.

    ``template_ids`` are the assignment's grade_ids. Returns one note per
    repaired cell, naming it by position.
    """
    from nbgrader.nbgraderformat import MetadataValidator

    validator, seen, notes = MetadataValidator(), set(), []
    known = set(template_ids)
    for position, cell in enumerate(notebook.cells, start=1):
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        meta = cell.metadata["nbgrader"]
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        marks = isinstance(meta, dict) and any(meta.get(key) for key in ("grade", "solution", "locked", "task"))
        if not _valid(cell, validator):
            reason = "has damaged grading metadata"
        elif not marks:
            continue
        elif grade_id in seen:
            reason = f"repeats the id {grade_id} of an earlier cell (a copy?)"
        elif grade_id not in known:
            reason = f"has the id {grade_id}, which this assignment does not have"
        else:
            seen.add(grade_id)
            continue
        del cell.metadata["nbgrader"]
        notes.append(printable(f"cell {position} {reason}: it was graded as a cell you added", limit=300))
    return notes


def missing_graded_cells(notebook, template):
    """grade_ids of the template's graded cells (tests, written answers) that ``notebook`` lacks, in order."""
    present = set(_grading_ids(notebook))
    return [c.metadata["nbgrader"]["grade_id"] for c in template.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"]["grade_id"] not in present]


def restore_missing_cells(notebook, release):
    """Insert into ``notebook`` the released version of each graded cell it lacks; return their ids."""
    missing = missing_graded_cells(notebook, release)
    order = _grading_ids(release)
    for grade_id in missing:
        ids = _cell_ids(notebook)
        previous = [gid for gid in order[:order.index(grade_id)] if gid in ids]
        at = ids.index(previous[-1]) + 1 if previous else 0
        cell = copy.deepcopy(release.cells[_cell_ids(release).index(grade_id)])
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        notebook.cells.insert(at, cell)
    return missing


class RepairCells(NbGraderPreprocessor):
    """nbgrader step (first of the sanitising ones): repair_metadata, then restore_missing_cells."""

    release_root = Unicode("", help="the course's release folder (holds ASSIGNMENT/NOTEBOOK.ipynb)").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = Path(self.release_root) / info["assignment"] / f"{info['notebook']}.ipynb"
        release = nbformat.read(path, as_version=4)
        for note in repair_metadata(nb, _grading_ids(release)):
            self.log.warning("%s", note)
        for grade_id in restore_missing_cells(nb, release):
            self.log.warning("restored the missing cell %s", printable(grade_id))
        return nb, resources
