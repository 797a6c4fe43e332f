"""Loop forever inside a graded function and in a cell."""
HONEST = ["rnn_cell_forward_code", "rnn_cell_backward_code", "relative_error_code"]
CELLS = {
    "rnn_forward_code": "def rnn_forward(x, a0, parameters):\n    while True:\n        pass\n",
    "rnn_backward_code": "while True:\n    pass\n",
}
ADDED = []
PASSING = ["rnn_cell_forward", "rnn_cell_backward", "relative_error"]
