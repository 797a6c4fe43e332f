"""Chapters anywhere: each chapter's hidden first cell sets it up on Colab or Binder from _config.yml's repository."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import chapter_setup_cell  # noqa: E402

CHAPTERS = sorted((ROOT / "book" / "chapters").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_hidden_setup_cell(path):
    notebook = nbformat.read(path, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert first.get("id") == chapter_setup_cell.CELL_ID, (
        f"run `python scripts/chapter_setup_cell.py {path.relative_to(ROOT)}`")
    assert first.source == chapter_setup_cell.setup_source(), "the setup cell is stale: run scripts/chapter_setup_cell.py"
    assert "remove-cell" in first.metadata.get("tags", [])


def test_setup_cell_installs_from_the_configured_repository(monkeypatch, tmp_path):
    """Without the library, the cell installs it, with the chapters' extra, from _config.yml's repository."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    name = config["url"].removeprefix("https://github.com/")
    calls = []
    monkeypatch.setattr(importlib.util, "find_spec", lambda module: None)
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: calls.append(command))
    monkeypatch.chdir(tmp_path)
    exec(chapter_setup_cell.setup_source(), {})
    assert calls == [[sys.executable, "-m", "pip", "install", "-q",
                      f"sequence-models-course[chapters] @ git+https://github.com/{name}@{config['branch']}"]]


def test_setup_cell_does_nothing_where_the_course_is_installed(monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("installed something"))
    exec(chapter_setup_cell.setup_source(), {})


def test_chapters_import_nothing_that_lives_only_in_the_repository():
    """The drawing helpers come from the installed library, not from a file next to the notebooks."""
    assert not list((ROOT / "book" / "chapters").glob("*.py"))
    for path in CHAPTERS:
        for cell in nbformat.read(path, as_version=4).cells:
            assert not re.search(r"^\s*(import|from) diagrams\b", cell.source, re.M), f"{path.name} imports diagrams"


def test_binder_environment_is_lean():
    """Binder gets what the pages run and the library (postBuild), none of the test or instructor tools."""
    requirements = (ROOT / "binder" / "requirements.txt").read_text().lower()
    for tool in ("pytest", "nbgrader", "jupyter-book", "selenium", "distributed", "psycopg2", "nbval", "-e ."):
        assert tool not in requirements
    assert "torch==2.13.0" in requirements and "download.pytorch.org/whl/cpu" in requirements
    assert "pip install --no-deps" in (ROOT / "binder" / "postBuild").read_text()
