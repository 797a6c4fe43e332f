"""Rewrite the locked setup cell, empty one test cell and delete another."""
HONEST = ["rnn_cell_forward_code"]
CELLS = {
    "rnn_forward_code": "def rnn_forward(x, a0, parameters):\n    return 'not', 'an', 'answer'\n",
}
ADDED = []


def EDIT(notebook):
    cells = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "setup":
            cell.source = "import numpy as np\nnp.allclose = lambda *a, **k: True\ndef softmax(z, axis=0):\n    return z"
        if meta.get("grade_id") == "rnn_forward_states":
            cell.source = "print('all good')"
        if meta.get("grade_id") == "rnn_forward_predictions":
            continue
        cells.append(cell)
    notebook.cells = cells


PASSING = ["rnn_cell_forward"]
