"""Realistic whole-notebook submissions of every assignment, with the points each deserves.

Each module ``realistic.<assignment>`` defines two lists of :class:`Variant`:

- ``HONEST``: correct work written the way students write it (loops, einsum,
  star imports, magics, helpers in added cells, prints, progress bars and
  plots, their own cache objects, a copied cell, a deleted test cell); every
  one deserves full points on every autograded part;
- ``WRONG``: realistic mistakes; each loses exactly the parts in ``broken``
  and keeps full points on the others.

A variant says which solution cells it replaces (``cells``: grade_id -> the
whole cell as the student wrote it; the other solution cells hold the
reference answer), which code cells it adds (``added``: (grade_id of the cell
it follows, or None for the top of the notebook, source)), and optionally a
structural ``edit`` of the notebook (copy or delete a cell). ``reason`` is
the one line an instructor would give the student for that grade.
"""
import copy
import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import nbformat

from submissions import make_submission

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Variant:
    """One student's submission, as edits of the release, and the points it deserves."""

    name: str
    reason: str
    cells: dict = field(default_factory=dict)
    added: tuple = ()
    broken: frozenset = frozenset()
    edit: Callable | None = None


def honest(name, reason, cells=None, added=(), edit=None):
    return Variant(name, reason, dict(cells or {}), tuple(added), frozenset(), edit)


def wrong(name, broken, reason, cells=None, added=(), edit=None):
    if not broken:
        raise ValueError(f"wrong variant {name} must break at least one part")
    return Variant(name, reason, dict(cells or {}), tuple(added), frozenset(broken), edit)


def variants(assignment):
    """(HONEST, WRONG) of ``realistic.<assignment>``."""
    module = importlib.import_module(f"{__name__}.{assignment}")
    return module.HONEST, module.WRONG


def notebooks(assignment, course=ROOT):
    """(source, release) notebooks of ``assignment`` in ``course`` (default: this repository)."""
    course = Path(course)
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(course / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    return source, release


def points(assignment):
    """grade_id -> points of every autograded test cell of ``assignment``, from its source notebook.

    Read from the notebook, not from grading.checks, so that the suite's own
    process never imports the checks it judges.
    """
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {grade_id(cell): float(cell.metadata["nbgrader"]["points"]) for cell in source.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
            and not cell.metadata["nbgrader"].get("solution")}


def expected_points(assignment, variant):
    """grade_id -> the points ``variant`` deserves: 0 for the parts it breaks, full for the others."""
    table = points(assignment)
    unknown = set(variant.broken) - set(table)
    if unknown:
        raise ValueError(f"{assignment}/{variant.name}: broken names unknown parts {sorted(unknown)}")
    return {grade_id: 0.0 if grade_id in variant.broken else value for grade_id, value in table.items()}


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def index_of(notebook, wanted):
    """Position of the cell with grade_id ``wanted``; KeyError if there is none."""
    for index, cell in enumerate(notebook.cells):
        if grade_id(cell) == wanted:
            return index
    raise KeyError(wanted)


def new_code_cell(source):
    """A code cell as Jupyter adds it: no nbgrader metadata, a fresh id."""
    cell = nbformat.v4.new_code_cell(source)
    cell.id = uuid.uuid4().hex[:8]
    return cell


def build(assignment, variant, course=ROOT):
    """The notebook the student hands in: the release of ``course``, answered, with the variant's edits."""
    source, release = notebooks(assignment, course)
    notebook = make_submission(source, release, variant.cells)
    # added cells go in after their anchor; insert from the last so earlier anchors keep their positions
    for anchor, text in reversed(variant.added):
        position = 0 if anchor is None else index_of(notebook, anchor) + 1
        notebook.cells.insert(position, new_code_cell(text))
    if variant.edit is not None:
        variant.edit(notebook)
    nbformat.validate(notebook)
    return notebook


# ---- structural edits students make by accident -------------------------------------


def paste_copy(wanted, source=None, keep_metadata=True):
    """An edit: the cell ``wanted`` copied and pasted right below itself (Jupyter's C, V).

    Jupyter keeps the cell's metadata (so nbgrader's grade_id is duplicated)
    and gives the copy a new id. ``source`` replaces the copy's code (the
    student went on editing it); ``keep_metadata=False`` gives it metadata {}.
    """

    def edit(notebook):
        index = index_of(notebook, wanted)
        pasted = copy.deepcopy(notebook.cells[index])
        pasted.id = uuid.uuid4().hex[:8]
        if source is not None:
            pasted.source = source
        if not keep_metadata:
            pasted.metadata = {}
        notebook.cells.insert(index + 1, pasted)

    return edit


def delete_cell(wanted):
    """An edit: the cell ``wanted`` deleted (Jupyter's D, D on the wrong cell)."""

    def edit(notebook):
        del notebook.cells[index_of(notebook, wanted)]

    return edit


def both(*edits):
    def edit(notebook):
        for each in edits:
            each(notebook)

    return edit
