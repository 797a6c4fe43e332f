"""End the process with os._exit, from a cell and from inside a graded function."""
HONEST = ["rnn_cell_forward_code", "rnn_cell_backward_code", "relative_error_code"]
CELLS = {
    "rnn_forward_code": "import os\ndef rnn_forward(x, a0, parameters):\n    os._exit(0)\n",
    "rnn_backward_code": "import os\nos._exit(1)\n",
}
ADDED = []
PASSING = ["rnn_cell_forward", "rnn_cell_backward", "relative_error"]
