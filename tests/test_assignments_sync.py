"""The committed student releases are what `python -m grading release` makes now."""
import shutil
from pathlib import Path

import nbformat
import pytest

from grading import ASSIGNMENTS, nbgrader_commands

REPO = Path(__file__).resolve().parent.parent
SOURCES = [name for name in ASSIGNMENTS if (REPO / "solutions" / name / f"{name}.ipynb").exists()]


def _comparable(path):
    notebook = nbformat.read(path, as_version=4)
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader")) for cell in notebook.cells]


def test_committed_releases_match_freshly_generated_ones(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions", course / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", course)
    nbgrader_commands.release(None, course)
    for name in SOURCES:
        fresh = course / "assignments" / name / f"{name}.ipynb"
        committed = REPO / "assignments" / name / f"{name}.ipynb"
        assert committed.exists(), f"run `python -m grading release {name}` and commit assignments/{name}"
        assert _comparable(committed) == _comparable(fresh), (
            f"assignments/{name} is stale: run `python -m grading release {name}` and commit it"
        )


@pytest.mark.parametrize("name", SOURCES)
def test_release_holds_no_solution_and_no_hidden_test(name):
    text = (REPO / "assignments" / name / f"{name}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "run_hidden_check"):
        assert marker not in text


def test_no_release_without_a_source():
    released = {path.name for path in (REPO / "assignments").iterdir() if path.is_dir()}
    assert released <= set(SOURCES)
