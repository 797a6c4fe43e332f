"""Student submissions written as cell-level edits of an assignment.

Each module ``submissions.<assignment>`` defines

- ``WRONG``: name -> (edits, grade_ids the mistake must fail), one entry per
  realistic mistake;
- ``ALTERNATIVE``: edits of a correct submission written differently from
  the reference (it must get full marks).

``edits`` maps the grade_id of a solution cell to the code the student wrote
there; every other solution cell holds the reference solution.
"""
import copy
import importlib

import nbformat

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def submission_cases(assignment):
    """The WRONG and ALTERNATIVE tables of ``submissions.<assignment>``."""
    module = importlib.import_module(f"{__name__}.{assignment}")
    return module.WRONG, module.ALTERNATIVE


def _without_markers(source):
    return "\n".join(line for line in source.split("\n") if line.strip() not in SOLUTION_MARKERS)


def make_submission(source_notebook, release_notebook, edits):
    """The release notebook with every solution cell answered.

    Arguments:
    source_notebook -- the instructor's notebook (nbformat node)
    release_notebook -- the student version generated from it
    edits -- grade_id -> source of that solution cell; other cells get the reference solution

    Returns:
    a new notebook node, as a student would submit it
    """
    solutions = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source_notebook.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    unknown = set(edits) - set(solutions)
    if unknown:
        raise ValueError(f"edits name cells that are not solution cells: {sorted(unknown)}")
    submission = copy.deepcopy(release_notebook)
    for cell in submission.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = edits.get(grade_id, _without_markers(solutions[grade_id]))
    nbformat.validate(submission)
    return submission
