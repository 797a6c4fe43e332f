"""Fork without bound, start subprocesses and threads, and try to escape the process group."""
HONEST = ["rnn_cell_forward_code", "rnn_cell_backward_code", "relative_error_code"]
CELLS = {
    "rnn_forward_code": '''
import os
def rnn_forward(x, a0, parameters):
    while True:
        try:
            os.fork()
        except Exception:
            pass
''',
    "rnn_backward_code": '''
import threading
def spin():
    while True:
        pass
for _ in range(100):
    try:
        threading.Thread(target=spin, daemon=True).start()
    except Exception:
        break
try:
    import subprocess
    subprocess.Popen(["/bin/sh", "-c", "sleep 1000"], start_new_session=True)
except Exception:
    pass
try:
    import multiprocessing
    multiprocessing.Process(target=spin).start()
except Exception:
    pass
''',
}
ADDED = []
PASSING = ["rnn_cell_forward", "rnn_cell_backward", "relative_error"]
