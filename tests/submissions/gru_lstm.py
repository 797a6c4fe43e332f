"""Submissions of assignment 3 (GRU and LSTM)."""


def _lstm_cell_forward(c_next_line):
    return f'''
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.concatenate([a_prev, xt], axis=0)
    gamma_f = sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    gamma_u = sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    c_tilde = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    {c_next_line}
    gamma_o = sigmoid(parameters["Wo"] @ concat + parameters["bo"])
    a_next = gamma_o * np.tanh(c_next)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)
'''


# the old memory is kept whole: no forget gate
MISSING_FORGET_GATE = _lstm_cell_forward("c_next = c_prev + gamma_u * c_tilde")

# the memory cell starts from the initial hidden state instead of zero
MEMORY_FROM_A0 = '''
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next, c_next = a0, a0
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        cell_caches.append(cache)
    return a, y, c, (cell_caches, x)
'''


def _lstm_cell_backward(dc_line):
    return f'''
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters = cache
    n_a = a_prev.shape[0]
    concat = np.concatenate([a_prev, xt], axis=0)
    {dc_line}
    dzo = da_next * np.tanh(c_next) * gamma_o * (1 - gamma_o)
    dzc = dc * gamma_u * (1 - c_tilde ** 2)
    dzi = dc * c_tilde * gamma_u * (1 - gamma_u)
    dzf = dc * c_prev * gamma_f * (1 - gamma_f)
    grads = {{}}
    dconcat = 0
    for g, dz in (("f", dzf), ("i", dzi), ("c", dzc), ("o", dzo)):
        grads["dW" + g] = dz @ concat.T
        grads["db" + g] = dz.sum(axis=1, keepdims=True)
        dconcat = dconcat + parameters["W" + g].T @ dz
    grads["da_prev"], grads["dxt"], grads["dc_prev"] = dconcat[:n_a], dconcat[n_a:], dc * gamma_f
    return grads
'''


# tanh'(c) written as 1 - c**2, forgetting that a_next = gamma_o * tanh(c_next) squashes c_next first
WRONG_TANH_DERIVATIVE = _lstm_cell_backward("dc = dc_next + da_next * gamma_o * (1 - c_next ** 2)")

NOT_ACCUMULATING_DA = '''
def lstm_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][-1]
    dx = np.zeros(x.shape)
    gradients = {"d" + k: np.zeros(parameters[k].shape) for k in ("Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo")}
    dc_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t], dc_prev, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        dc_prev = step["dc_prev"]
        for k in gradients:
            gradients[k] += step[k]
    gradients["da0"] = step["da_prev"]
    gradients["dx"] = dx
    return gradients
'''

# the relevance gate applied to the product Wc c_prev (torch's form) instead of to c_prev
RESET_AFTER_PRODUCT = '''
def gru_cell_forward(xt, c_prev, parameters):
    n_a = c_prev.shape[0]
    concat = np.concatenate([c_prev, xt], axis=0)
    gamma_u = sigmoid(parameters["Wu"] @ concat + parameters["bu"])
    gamma_r = sigmoid(parameters["Wr"] @ concat + parameters["br"])
    Wc = parameters["Wc"]
    c_tilde = np.tanh(gamma_r * (Wc[:, :n_a] @ c_prev) + Wc[:, n_a:] @ xt + parameters["bc"])
    c_next = gamma_u * c_tilde + (1 - gamma_u) * c_prev
    yt_pred = softmax(parameters["Wya"] @ c_next + parameters["by"])
    return c_next, yt_pred, (c_next, c_prev, xt, parameters)
'''

WRONG = {
    "missing_forget_gate": ({"lstm_cell_forward_code": MISSING_FORGET_GATE}, {"lstm_cell_forward", "lstm_forward"}),
    "memory_from_a0": ({"lstm_forward_code": MEMORY_FROM_A0}, {"lstm_forward"}),
    "wrong_tanh_derivative": (
        {"lstm_cell_backward_code": WRONG_TANH_DERIVATIVE},
        {"lstm_cell_backward_inputs", "lstm_cell_backward_parameters", "lstm_backward"},
    ),
    "not_accumulating_da": ({"lstm_backward_code": NOT_ACCUMULATING_DA}, {"lstm_backward"}),
    "reset_after_product": ({"gru_cell_forward_code": RESET_AFTER_PRODUCT}, {"gru_cell_forward", "gru_forward"}),
}

# Split weight blocks instead of concatenation, per-example loops, other names.
ALTERNATIVE = {
    "gru_cell_forward_code": '''
def gru_cell_forward(xt, c_prev, parameters):
    n = c_prev.shape[0]
    P = parameters
    u = 1 / (1 + np.exp(-(P["Wu"][:, :n] @ c_prev + P["Wu"][:, n:] @ xt + P["bu"])))
    r = 1 / (1 + np.exp(-(P["Wr"][:, :n] @ c_prev + P["Wr"][:, n:] @ xt + P["br"])))
    candidate = np.tanh(P["Wc"][:, :n] @ (r * c_prev) + P["Wc"][:, n:] @ xt + P["bc"])
    new = c_prev + u * (candidate - c_prev)
    scores = P["Wya"] @ new + P["by"]
    e = np.exp(scores - scores.max(axis=0))
    return new, e / e.sum(axis=0), (new, c_prev, xt, P)
''',
    "gru_forward_code": '''
def gru_forward(x, c0, parameters):
    outs = [gru_cell_forward(x[:, :, 0], c0, parameters)]
    for t in range(1, x.shape[2]):
        outs.append(gru_cell_forward(x[:, :, t], outs[-1][0], parameters))
    return np.stack([o[0] for o in outs], axis=2), np.stack([o[1] for o in outs], axis=2), [o[2] for o in outs]
''',
    "lstm_cell_backward_code": '''
def lstm_cell_backward(da_next, dc_next, cache):
    h, mem, h_prev, mem_prev, f, i, cand, o, inp, P = cache
    n = h_prev.shape[0]
    squashed = np.tanh(mem)
    dmem = dc_next + da_next * o * (1 - squashed * squashed)
    pre = {"f": dmem * mem_prev * f * (1 - f), "i": dmem * cand * i * (1 - i),
           "c": dmem * i * (1 - cand * cand), "o": da_next * squashed * o * (1 - o)}
    out = {"dc_prev": f * dmem, "da_prev": np.zeros_like(h_prev), "dxt": np.zeros_like(inp)}
    for g, d in pre.items():
        out["dW" + g] = np.hstack([d @ h_prev.T, d @ inp.T])
        out["db" + g] = np.sum(d, axis=1)[:, None]
        out["da_prev"] = out["da_prev"] + P["W" + g][:, :n].T @ d
        out["dxt"] = out["dxt"] + P["W" + g][:, n:].T @ d
    return out
''',
}
