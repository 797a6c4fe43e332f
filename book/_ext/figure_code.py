"""Fold away the code that only draws a diagram.

About 35 lines of box coordinates stood between the LSTM's equations and its
diagram. A code cell that draws with the book's diagram helpers (box, arrow,
rnn_chain, blank_axes from reference_impl/_diagrams.py) and shows a figure gets
myst-nb's "hide-input" tag as the page is read, so the reader sees the figure
with a "Show code cell source" toggle above it. The notebook on disk, which the
download button serves and Binder or Colab open, is left as it is.
"""
import json
import re
from pathlib import Path

DRAWS_DIAGRAM = re.compile(r"\b(?:box|arrow|rnn_chain|blank_axes)\(")
FIGURE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")


def is_diagram_cell(cell):
    source = "".join(cell.get("source", []))
    shows_figure = any(kind in output.get("data", {}) for output in cell.get("outputs", []) for kind in FIGURE_TYPES)
    return cell.get("cell_type") == "code" and shows_figure and bool(DRAWS_DIAGRAM.search(source))


def fold_diagram_code(app, docname, source):
    if Path(app.env.doc2path(docname)).suffix != ".ipynb":
        return
    notebook = json.loads(source[0])
    changed = False
    for cell in notebook.get("cells", []):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if is_diagram_cell(cell) and not {"hide-input", "remove-input", "hide-cell", "remove-cell"} & set(tags):
            tags.append("hide-input")
            changed = True
    if changed:
        source[0] = json.dumps(notebook)


def setup(app):
    app.connect("source-read", fold_diagram_code)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
