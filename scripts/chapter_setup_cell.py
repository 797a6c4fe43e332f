"""Give every chapter notebook a first cell, hidden on the website, that sets it up on Colab or Binder.

The cell installs the course library from the repository when it is missing
(Colab) and fetches the drawing helpers (book/chapters/diagrams.py) next to
the notebook when they cannot be imported. On the website, in the tests and
on a clone both are present and the cell does nothing. The repository comes
from _config.yml (repository.url, repository.branch), the one place it is set.

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
    return f'''# Setup on Colab or Binder (hidden on the website): the course library and the drawing helpers, when missing.
import importlib.util
import subprocess
import sys
import urllib.request

REPOSITORY, BRANCH = "{name}", "{branch}"  # from _config.yml
if importlib.util.find_spec("reference_impl") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+https://github.com/{{REPOSITORY}}@{{BRANCH}}"],
                   check=True)
if importlib.util.find_spec("diagrams") is None:
    urllib.request.urlretrieve(
        f"https://raw.githubusercontent.com/{{REPOSITORY}}/{{BRANCH}}/book/chapters/diagrams.py", "diagrams.py")'''


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
