"""Submissions of assignment 1 (RNN step by step)."""

MISSING_BIAS = '''
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
'''

ZERO_INITIAL_STATE = '''
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y_pred, (cell_caches, x)
'''


def _cell_backward(dz_line, da_prev_line):
    return f'''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    {dz_line}
    dxt = Wax.T @ dz
    {da_prev_line}
    dWax = dz @ xt.T
    dWaa = dz @ a_prev.T
    dba = np.sum(dz, axis=1, keepdims=True)
    return {{"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}}
'''


# tanh'(z) written with tanh applied a second time to a_next, which already is tanh(z)
WRONG_TANH_DERIVATIVE = _cell_backward("dz = (1 - np.tanh(a_next) ** 2) * da_next", "da_prev = Waa.T @ dz")
# Waa is square, so the transposed product has the right shape and no error
TRANSPOSED_WEIGHT = _cell_backward("dz = (1 - a_next ** 2) * da_next", "da_prev = Waa @ dz")

# each step sees only the gradient from its own output, not the one from step t+1
NOT_ACCUMULATING_DA = '''
def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][3]
    dx = np.zeros(x.shape)
    dWax = np.zeros(parameters["Wax"].shape)
    dWaa = np.zeros(parameters["Waa"].shape)
    dba = np.zeros(parameters["ba"].shape)
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t], cell_caches[t])
        dx[:, :, t] = step["dxt"]
        dWax += step["dWax"]
        dWaa += step["dWaa"]
        dba += step["dba"]
    da0 = step["da_prev"]
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
'''

FORWARD_IDS = {"rnn_cell_forward_state", "rnn_cell_forward_prediction", "rnn_forward_states", "rnn_forward_predictions"}

WRONG = {
    # numerical gradients are taken through the student's own rnn_forward
    "missing_bias": ({"rnn_cell_forward_code": MISSING_BIAS}, FORWARD_IDS | {"rnn_numerical_gradients"}),
    "zero_initial_state": (
        {"rnn_forward_code": ZERO_INITIAL_STATE},
        {"rnn_forward_states", "rnn_forward_predictions", "rnn_numerical_gradients"},
    ),
    "wrong_tanh_derivative": (
        {"rnn_cell_backward_code": WRONG_TANH_DERIVATIVE},
        {"rnn_cell_backward_inputs", "rnn_cell_backward_parameters", "rnn_backward_inputs", "rnn_backward_parameters"},
    ),
    "transposed_weight": (
        {"rnn_cell_backward_code": TRANSPOSED_WEIGHT},
        {"rnn_cell_backward_inputs", "rnn_backward_inputs", "rnn_backward_parameters"},
    ),
    "not_accumulating_da": (
        {"rnn_backward_code": NOT_ACCUMULATING_DA},
        {"rnn_backward_inputs", "rnn_backward_parameters"},
    ),
}

# Loops over examples and time instead of vectorised code, other names, a
# hand-written softmax, gradients by explicit loops, numerical gradients with a
# copy per perturbation.
ALTERNATIVE = {
    "rnn_cell_forward_code": '''
def rnn_cell_forward(xt, a_prev, parameters):
    hidden = np.empty_like(a_prev, dtype=float)
    probs = np.empty((parameters["Wya"].shape[0], xt.shape[1]))
    for j in range(xt.shape[1]):
        pre = parameters["Wax"].dot(xt[:, j]) + parameters["Waa"].dot(a_prev[:, j]) + parameters["ba"][:, 0]
        hidden[:, j] = np.tanh(pre)
        scores = parameters["Wya"].dot(hidden[:, j]) + parameters["by"][:, 0]
        scores = np.exp(scores - scores.max())
        probs[:, j] = scores / scores.sum()
    return hidden, probs, (hidden, a_prev, xt, parameters)
''',
    "rnn_forward_code": '''
def rnn_forward(x, a0, parameters):
    states, outputs, store = [], [], []
    h = a0.copy()
    for step in range(x.shape[2]):
        h, out, c = rnn_cell_forward(x[..., step], h, parameters)
        states.append(h)
        outputs.append(out)
        store.append(c)
    return np.stack(states, axis=-1), np.stack(outputs, axis=-1), (store, x)
''',
    "rnn_cell_backward_code": '''
def rnn_cell_backward(da_next, cache):
    h, h_prev, inp, p = cache
    g = da_next * (1.0 - h * h)
    grads = {"dxt": np.einsum("ij,ik->jk", p["Wax"], g), "da_prev": np.einsum("ij,ik->jk", p["Waa"], g)}
    grads["dWax"] = sum(np.outer(g[:, j], inp[:, j]) for j in range(g.shape[1]))
    grads["dWaa"] = sum(np.outer(g[:, j], h_prev[:, j]) for j in range(g.shape[1]))
    grads["dba"] = g.sum(axis=1).reshape(-1, 1)
    return grads
''',
    "rnn_backward_code": '''
def rnn_backward(da, caches):
    cell_caches, x = caches
    carried = np.zeros(da[:, :, 0].shape)
    total = None
    dx = np.zeros(x.shape)
    for t in range(da.shape[2] - 1, -1, -1):
        g = rnn_cell_backward(da[:, :, t] + carried, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        carried = g["da_prev"]
        if total is None:
            total = {k: g[k].copy() for k in ("dWax", "dWaa", "dba")}
        else:
            for k in total:
                total[k] = total[k] + g[k]
    return {"dx": dx, "da0": carried, **total}
''',
    "relative_error_code": '''
def relative_error(analytic, numeric):
    diff = np.sqrt(np.sum((analytic - numeric) ** 2))
    size = np.sqrt(np.sum(analytic ** 2)) + np.sqrt(np.sum(numeric ** 2))
    return diff / size if size > 0 else 0.0
''',
    "rnn_numerical_gradients_code": '''
def rnn_numerical_gradients(x, a0, parameters, da, eps=1e-6):
    def J(x_, a0_, p_):
        return float((da * rnn_forward(x_, a0_, p_)[0]).sum())
    result = {}
    for key in ["x", "a0", "Wax", "Waa", "ba"]:
        base = {"x": x, "a0": a0}.get(key, parameters.get(key)).astype(float)
        grad = np.zeros(base.shape)
        for idx in np.ndindex(*base.shape):
            values = []
            for sign in (1, -1):
                moved = base.copy()
                moved[idx] += sign * eps
                args = {"x": x, "a0": a0, "p": dict(parameters)}
                if key in ("x", "a0"):
                    args[key] = moved
                else:
                    args["p"][key] = moved
                values.append(J(args["x"], args["a0"], args["p"]))
            grad[idx] = (values[0] - values[1]) / (2 * eps)
        result["d" + key] = grad
    return result
''',
}
