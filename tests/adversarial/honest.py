"""A correct submission, with a helper cell of the student's own and IPython magics: full marks."""
HONEST = ["rnn_cell_forward_code", "rnn_forward_code", "rnn_cell_backward_code", "rnn_backward_code",
          "relative_error_code", "rnn_numerical_gradients_code"]
CELLS = {}
ADDED = ["%matplotlib inline\n!echo hi\ndef my_helper(x):\n    return x\nprint('scratch work', my_helper(3))"]
PASSING = ["rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward", "relative_error",
           "rnn_numerical_gradients"]
