"""Call the course's reference implementation instead of implementing the functions."""
HONEST = []
CELLS = {
    "rnn_cell_forward_code": '''
def rnn_cell_forward(xt, a_prev, parameters):
    from reference_impl import rnn_cell_forward as reference
    return reference(xt, a_prev, parameters)
''',
    "rnn_forward_code": '''
def rnn_forward(x, a0, parameters):
    import importlib
    return importlib.import_module("reference_impl.rnn").rnn_forward(x, a0, parameters)
''',
    "rnn_cell_backward_code": '''
def rnn_cell_backward(da_next, cache):
    import reference_impl.activations as helpers, os
    # the helpers module the notebook may import is there; its siblings are not
    source = open(os.path.join(os.path.dirname(helpers.__file__), "rnn.py")).read()
    namespace = {}
    exec(source, namespace)
    return namespace["rnn_cell_backward"](da_next, cache)
''',
    "relative_error_code": '''
def relative_error(analytic, numeric):
    import glob, sys
    # any checkout one level below the usual places, wherever the course happens to live
    for folder in ["/builds", "/home", "/root", "/srv", "/tmp", "/work"]:
        sys.path.extend(glob.glob(folder + "/*"))
    from reference_impl.gradcheck import relative_error as reference
    return reference(analytic, numeric)
''',
}
ADDED = []
PASSING = []
