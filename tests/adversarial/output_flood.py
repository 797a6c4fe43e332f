"""Print without end, and print one huge string, to stdout and stderr."""
HONEST = ["rnn_cell_forward_code", "rnn_cell_backward_code", "relative_error_code"]
CELLS = {
    "rnn_forward_code": '''
import sys
def rnn_forward(x, a0, parameters):
    while True:
        print("x" * 100_000)
        sys.stderr.write("y" * 100_000)
''',
    "rnn_backward_code": "import os\nos.write(1, b'z' * 50_000_000)\n",
}
ADDED = []
PASSING = ["rnn_cell_forward", "rnn_cell_backward", "relative_error"]
