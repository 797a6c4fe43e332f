"""nbgrader's metadata of a notebook cell, read the same way everywhere in the grader."""


def nbgrader_metadata(cell):
    """The cell's ``metadata.nbgrader`` dict; ``{}`` when it has none (or an empty one)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}
