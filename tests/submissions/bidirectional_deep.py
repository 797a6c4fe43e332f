"""Submissions of assignment 4 (bidirectional and deep RNNs)."""

# the backward direction's states are stacked in reading order, not reversed back to time order
STATES_NOT_REVERSED_BACK = '''
def bidirectional_forward(x, parameters):
    forward_parameters, backward_parameters = parameters
    a0 = np.zeros((forward_parameters["Waa"].shape[0], x.shape[1]))
    a_forward, forward_caches = rnn_layer_forward(x, a0, forward_parameters)
    a_backward, backward_caches = rnn_layer_forward(x[:, :, ::-1], a0, backward_parameters)
    return np.concatenate([a_forward, a_backward], axis=0), (forward_caches, backward_caches)
'''

# da of the backward direction used in time order although that direction ran on the reversed sequence
GRADIENT_NOT_REVERSED = '''
def bidirectional_backward(da, cache):
    n_a = da.shape[0] // 2
    forward_caches, backward_caches = cache
    forward_grads = rnn_backward(da[:n_a], forward_caches)
    backward_grads = rnn_backward(da[n_a:], backward_caches)
    dx = forward_grads["dx"] + backward_grads["dx"][:, :, ::-1]
    keep = ("dWax", "dWaa", "dba")
    return {"dx": dx, "dparameters": ({k: forward_grads[k] for k in keep}, {k: backward_grads[k] for k in keep})}
'''

# every layer reads x instead of the states of the layer below
EVERY_LAYER_READS_X = '''
def deep_forward(x, layers):
    cache = []
    for parameters in layers:
        a, layer_cache = rnn_layer_forward(x, np.zeros((parameters["Waa"].shape[0], x.shape[1])), parameters)
        cache.append(layer_cache)
    return a, cache
'''

# the top layer's da is handed to every layer instead of the dx of the layer above
SAME_DA_FOR_EVERY_LAYER = '''
def deep_backward(da, cache):
    dlayers = []
    for layer_cache in reversed(cache):
        grads = rnn_backward(da, layer_cache)
        dlayers.append({k: grads[k] for k in ("dWax", "dWaa", "dba")})
    return {"dx": grads["dx"], "dlayers": dlayers[::-1]}
'''

WRONG = {
    "states_not_reversed_back": ({"bidirectional_forward_code": STATES_NOT_REVERSED_BACK}, {"bidirectional_forward"}),
    "gradient_not_reversed": ({"bidirectional_backward_code": GRADIENT_NOT_REVERSED}, {"bidirectional_backward"}),
    # the upper layers' Wax do not fit x, so the forward pass fails and so does the backward check that needs it
    "every_layer_reads_x": ({"deep_forward_code": EVERY_LAYER_READS_X}, {"deep_forward", "deep_backward"}),
    "same_da_for_every_layer": ({"deep_backward_code": SAME_DA_FOR_EVERY_LAYER}, {"deep_backward"}),
}

# A cache of another layout, explicit index reversal, recursion over the stack.
ALTERNATIVE = {
    "bidirectional_forward_code": '''
def bidirectional_forward(x, parameters):
    T = x.shape[2]
    backwards = [T - 1 - t for t in range(T)]
    zeros = np.zeros((parameters[0]["ba"].shape[0], x.shape[1]))
    left, memo_left = rnn_layer_forward(x, zeros, parameters[0])
    right, memo_right = rnn_layer_forward(x[:, :, backwards], zeros, parameters[1])
    both = np.vstack([left, right[:, :, backwards]])
    return both, {"left": memo_left, "right": memo_right, "order": backwards}
''',
    "bidirectional_backward_code": '''
def bidirectional_backward(da, cache):
    half = da.shape[0] // 2
    order = cache["order"]
    g_left = rnn_backward(da[:half], cache["left"])
    g_right = rnn_backward(da[half:][:, :, order], cache["right"])
    return {"dx": g_left["dx"] + g_right["dx"][:, :, order],
            "dparameters": (g_left, g_right)}
''',
    "deep_forward_code": '''
def deep_forward(x, layers):
    if not layers:
        return x, []
    below, caches = deep_forward(x, layers[:-1])
    top = layers[-1]
    out, c = rnn_layer_forward(below, np.zeros((top["Waa"].shape[0], x.shape[1])), top)
    return out, caches + [c]
''',
    "deep_backward_code": '''
def deep_backward(da, cache):
    grads = [None] * len(cache)
    g = da
    for index in range(len(cache) - 1, -1, -1):
        step = rnn_backward(g, cache[index])
        g = step.pop("dx")
        step.pop("da0")
        grads[index] = step
    return {"dx": g, "dlayers": grads}
''',
}
