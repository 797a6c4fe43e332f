"""Call sys.exit in a cell and in a graded function; raise SystemExit and KeyboardInterrupt."""
HONEST = ["rnn_cell_forward_code", "rnn_cell_backward_code", "relative_error_code"]
CELLS = {
    "rnn_forward_code": "import sys\ndef rnn_forward(x, a0, parameters):\n    sys.exit(0)\n",
    "rnn_backward_code": "def rnn_backward(da, caches):\n    raise KeyboardInterrupt\nraise SystemExit(0)\n",
}
ADDED = ["import sys\nsys.exit('done')"]
PASSING = ["rnn_cell_forward", "rnn_cell_backward", "relative_error"]
