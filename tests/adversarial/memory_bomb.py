"""Allocate memory without bound, in a cell and in a graded function."""
HONEST = ["rnn_cell_forward_code", "rnn_cell_backward_code", "relative_error_code"]
CELLS = {
    "rnn_forward_code": '''
def rnn_forward(x, a0, parameters):
    hoard = []
    while True:
        hoard.append(bytearray(50_000_000))
''',
    "rnn_backward_code": "import numpy as np\nhuge = np.ones((200_000, 200_000))\n",
}
ADDED = ["hoard = [bytearray(10**8) for _ in range(1000)]"]
PASSING = ["rnn_cell_forward", "rnn_cell_backward", "relative_error"]
