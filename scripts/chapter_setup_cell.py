"""Give every chapter notebook a first cell, hidden on the website, that sets it up on Colab or Binder.

The cell installs the course library from the repository when it is missing
(Colab), with its "chapters" extra (Matplotlib, for the drawing helpers of
reference_impl._diagrams that every chapter imports). On the website, in the
tests and on a clone (Binder's postBuild installs it) the library is present
and the cell does nothing. The repository comes from _config.yml
(repository.url, repository.branch), the one place it is set.

    python scripts/chapter_setup_cell.py book/chapters/03_rnn_forward.ipynb [...]
"""
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CELL_ID = "setup-anywhere"
TAGS = ["remove-cell"]


def repository():
    """(owner/name, branch) of the repository in _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    return config["url"].removeprefix("https://github.com/").rstrip("/"), config.get("branch", "main")


def setup_source():
    name, branch = repository()
    return f'''# Setup on Colab or Binder (hidden on the website): the course library, when missing.
import importlib.util
import subprocess
import sys

REPOSITORY, BRANCH = "{name}", "{branch}"  # from _config.yml
if importlib.util.find_spec("reference_impl") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    f"sequence-models-course[chapters] @ git+https://github.com/{{REPOSITORY}}@{{BRANCH}}"], check=True)'''


def add_setup_cell(path):
    """Insert the setup cell before the notebook's first code cell, or refresh it; True when the file changed."""
    notebook = nbformat.read(path, as_version=4)
    source = setup_source()
    existing = next((cell for cell in notebook.cells if cell.get("id") == CELL_ID), None)
    if existing is not None:
        if existing.source == source:
            return False
        existing.source = source
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": TAGS})
        cell.id = CELL_ID
        first_code = next(k for k, c in enumerate(notebook.cells) if c.cell_type == "code")
        notebook.cells.insert(first_code, cell)
    nbformat.write(notebook, path)
    return True


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(argument, "changed" if add_setup_cell(argument) else "up to date")
