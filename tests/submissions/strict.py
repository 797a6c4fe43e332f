"""Wrong submissions that earlier checks let through, one mistake each, as students write them.

``STRICT[assignment]`` maps a name to (edits, grade_ids the mistake must fail,
why); edits are as in ``submissions.<assignment>`` (the other solution cells
hold the reference solution). Each mistake either changes an input that the
notebook uses again, hard-codes an index that the arguments give, breaks the
gradient flow while keeping the values, or computes something that matches
the right answer only by chance or only at a tiny step.
"""
from . import char_language_model as char_lm
from . import torch_lstm_lm as torch_lm

# --- assignment 1 ------------------------------------------------------------------------------

# the upstream gradient of step t-1 is accumulated into da itself: right values, but the caller's da
# (which the gradient-check cell passes on to rnn_numerical_gradients) is changed
BPTT_MUTATES_DA = '''
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
        if t > 0:
            da[:, :, t - 1] += step["da_prev"]
    da0 = step["da_prev"]
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
'''


def _numerical(difference_lines):
    return f'''
def rnn_numerical_gradients(x, a0, parameters, da, eps=1e-6):
    inputs = {{"x": x.astype(float), "a0": a0.astype(float)}}
    inputs.update({{name: parameters[name].astype(float) for name in parameters}})

    def perturbed_loss():
        params = {{name: inputs[name] for name in parameters}}
        a, _, _ = rnn_forward(inputs["x"], inputs["a0"], params)
        return np.sum(da * a)

    gradients = {{}}
    for name in ("x", "a0", "Wax", "Waa", "ba"):
        array = inputs[name]
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
{difference_lines}
        gradients["d" + name] = grad
    return gradients
'''


# (J(w + eps) - J(w)) / eps: its error is of order eps, not eps**2
ONE_SIDED_DIFFERENCE = _numerical('''            original = array[index]
            loss = perturbed_loss()
            array[index] = original + eps
            grad[index] = (perturbed_loss() - loss) / eps
            array[index] = original''')
# the "numerical" gradients are the analytic ones: they match a centred difference only at a tiny step
ANALYTIC_AS_NUMERICAL = '''
def rnn_numerical_gradients(x, a0, parameters, da, eps=1e-6):
    _, _, caches = rnn_forward(x, a0, parameters)
    return rnn_backward(da, caches)
'''
# a fixed step instead of the eps argument
FIXED_STEP = _numerical('''            original = array[index]
            array[index] = original + 1e-6
            loss_plus = perturbed_loss()
            array[index] = original - 1e-6
            loss_minus = perturbed_loss()
            array[index] = original
            grad[index] = (loss_plus - loss_minus) / 2e-6''')

# --- assignment 2 ------------------------------------------------------------------------------

_RIGHT_SAMPLE = char_lm._sample("index = int(rng.choice(vocab_size, p=p))", char_lm.RIGHT_DISTRIBUTION)


def _sample_with(old, new):
    assert old in _RIGHT_SAMPLE, old
    return _RIGHT_SAMPLE.replace(old, new)


# the new one-hot is written into the previous x: after two different draws x holds two ones
ONE_HOT_NOT_RESET = _sample_with("        x = np.zeros((vocab_size, 1))\n        x[index] = 1.0", "        x[index] = 1.0")
# <EOS> and <UNK> at the indices of the names' Vocabulary instead of the arguments
EOS_HARD_CODED = _sample_with("if index == eos_index", "if index == 0")
UNK_HARD_CODED = _sample_with("p[unk_index] = 0.0", "p[1] = 0.0")
SAMPLING_PAST_EOS = _sample_with("        if index == eos_index:\n            break\n", "")
DROPPING_EOS = _sample_with("        indices.append(index)\n        if index == eos_index:\n            break\n",
                            "        if index == eos_index:\n            break\n        indices.append(index)\n")
# <UNK> removed by a bias of -1e9 written into the caller's parameters: the draws are right
SAMPLE_CHANGES_PARAMETERS = _sample_with(
    '    ba, by = parameters["ba"], parameters["by"]\n',
    '    parameters["by"][vocab.unk_index] = -1e9\n    ba, by = parameters["ba"], parameters["by"]\n')

# --- assignments 3 and 4 ----------------------------------------------------------------------

# the gradient from step t+1 added into da itself
LSTM_BPTT_MUTATES_DA = '''
def lstm_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][-1]
    dx = np.zeros(x.shape)
    gradients = {"d" + name: np.zeros(parameters[name].shape) for name in
                 ("Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo")}
    dc_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t], dc_prev, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        dc_prev = step["dc_prev"]
        if t > 0:
            da[:, :, t - 1] += step["da_prev"]
        for name in gradients:
            gradients[name] += step[name]
    gradients["da0"] = step["da_prev"]
    gradients["dx"] = dx
    return gradients
'''
# the backward direction's half of da reversed in time where it lies
BIDIRECTIONAL_REVERSES_DA_IN_PLACE = '''
def bidirectional_backward(da, cache):
    n_a = da.shape[0] // 2
    forward_caches, backward_caches = cache
    da[n_a:] = da[n_a:, :, ::-1]
    forward_grads = rnn_backward(da[:n_a], forward_caches)
    backward_grads = rnn_backward(da[n_a:], backward_caches)
    dx = forward_grads["dx"] + backward_grads["dx"][:, :, ::-1]
    keep = ("dWax", "dWaa", "dba")
    return {"dx": dx, "dparameters": ({k: forward_grads[k] for k in keep}, {k: backward_grads[k] for k in keep})}
'''

# --- assignment 5 ------------------------------------------------------------------------------

_RIGHT_TORCH_SAMPLE = torch_lm._sample(torch_lm.RIGHT_SCORES, torch_lm.RIGHT_DRAW)


def _torch_sample_with(old, new):
    assert old in _RIGHT_TORCH_SAMPLE, old
    return _RIGHT_TORCH_SAMPLE.replace(old, new)


# the cell written out in the sampler, with a = Γo * c instead of Γo * tanh(c)
TORCH_SAMPLE_WITHOUT_TANH = _torch_sample_with("        a, c = lstm_cell_torch(x, a, c, parameters)\n", '''\
        concat = torch.cat([a, x], dim=0)
        f = torch.sigmoid(parameters["Wf"] @ concat + parameters["bf"])
        i = torch.sigmoid(parameters["Wi"] @ concat + parameters["bi"])
        c = f * c + i * torch.tanh(parameters["Wc"] @ concat + parameters["bc"])
        o = torch.sigmoid(parameters["Wo"] @ concat + parameters["bo"])
        a = o * c
''')
TORCH_ONE_HOT_NOT_RESET = _torch_sample_with(
    "        x = torch.zeros(V, 1, dtype=dtype, device=device)\n        x[index] = 1.0", "        x[index] = 1.0")
TORCH_UNK_HARD_CODED = _torch_sample_with("scores[0, unk_index]", "scores[0, 1]")
TORCH_EOS_HARD_CODED = _torch_sample_with("if index == eos_index", "if index == 0")
# decoded, both give the same text as the right indices (decoding stops at the first <EOS>)
TORCH_SAMPLING_PAST_EOS = _torch_sample_with("        if index == eos_index:\n            break\n", "")
TORCH_DROPPING_EOS = _torch_sample_with(
    "        indices.append(index)\n        if index == eos_index:\n            break\n",
    "        if index == eos_index:\n            break\n        indices.append(index)\n")
# <UNK> removed once and for all in the caller's output bias
TORCH_SAMPLE_CHANGES_PARAMETERS = _torch_sample_with(
    '    indices = []\n', '    parameters["by"][unk_index] = -float("inf")\n    indices = []\n')


_RIGHT_LM_FORWARD = '''
def lm_forward(x, parameters):
    V, n_a = parameters["Wya"].shape
    m, T = x.shape
    a = torch.zeros(n_a, m, dtype=parameters["Wya"].dtype, device=parameters["Wya"].device)
    c = torch.zeros_like(a)
    logits = []
    inputs = torch.nn.functional.one_hot(x.clamp(min=0), V).to(a.dtype) * (x >= 0).unsqueeze(-1)
    for t in range(T):
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
    return torch.stack(logits, dim=2)
'''


def _lm_forward_with(old, new):
    assert old in _RIGHT_LM_FORWARD, old
    return _RIGHT_LM_FORWARD.replace(old, new)


# truncated backpropagation: each step starts from a detached state, so the logits are right but the
# gradients only reach back one step
DETACHED_STATE = _lm_forward_with("lstm_cell_torch(inputs[:, t].T, a, c, parameters)",
                                  "lstm_cell_torch(inputs[:, t].T, a.detach(), c.detach(), parameters)")
# float64 one-hot inputs whatever the parameters' dtype: float32 parameters meet float64 inputs
HARD_CODED_DTYPE = _lm_forward_with(".to(a.dtype)", ".double()")
# the output cast to float64 ("more precise"): float32 in, float64 out
OUTPUT_CAST_TO_FLOAT64 = _lm_forward_with("torch.stack(logits, dim=2)", "torch.stack(logits, dim=2).double()")

SAMPLERS = {"sample", "sample_temperature"}
TORCH_SAMPLERS = {"sample_torch", "sample_torch_temperature"}

STRICT = {
    "rnn_step_by_step": {
        "bptt_mutates_da": ({"rnn_backward_code": BPTT_MUTATES_DA}, {"rnn_backward_inputs", "rnn_backward_parameters"},
                            "right gradients, but da is changed in place"),
        "one_sided_difference": ({"rnn_numerical_gradients_code": ONE_SIDED_DIFFERENCE}, {"rnn_numerical_gradients"},
                                 "a one-sided difference, not the centred one asked for"),
        "analytic_as_numerical": ({"rnn_numerical_gradients_code": ANALYTIC_AS_NUMERICAL}, {"rnn_numerical_gradients"},
                                  "returns the analytic gradients instead of finite differences"),
        "fixed_step": ({"rnn_numerical_gradients_code": FIXED_STEP}, {"rnn_numerical_gradients"},
                       "ignores its eps argument"),
    },
    "gru_lstm": {
        "bptt_mutates_da": ({"lstm_backward_code": LSTM_BPTT_MUTATES_DA}, {"lstm_backward"},
                            "right gradients, but da is changed in place"),
    },
    "bidirectional_deep": {
        "reverses_da_in_place": ({"bidirectional_backward_code": BIDIRECTIONAL_REVERSES_DA_IN_PLACE},
                                 {"bidirectional_backward"}, "right gradients, but da is changed in place"),
    },
    "char_language_model": {
        "one_hot_not_reset": ({"sample_code": ONE_HOT_NOT_RESET}, SAMPLERS, "the next input keeps the earlier ones"),
        "eos_hard_coded": ({"sample_code": EOS_HARD_CODED}, SAMPLERS, "stops at index 0, not at eos_index"),
        "unk_hard_coded": ({"sample_code": UNK_HARD_CODED}, SAMPLERS, "removes index 1, not unk_index"),
        "sampling_past_eos": ({"sample_code": SAMPLING_PAST_EOS}, SAMPLERS, "goes on drawing after <EOS>"),
        "dropping_eos": ({"sample_code": DROPPING_EOS}, SAMPLERS, "leaves the final <EOS> out"),
        "sample_changes_parameters": ({"sample_code": SAMPLE_CHANGES_PARAMETERS}, SAMPLERS,
                                      "right draws, but the caller's parameters['by'] is changed"),
    },
    "torch_lstm_lm": {
        "sampler_without_tanh": ({"sample_torch_code": TORCH_SAMPLE_WITHOUT_TANH}, TORCH_SAMPLERS,
                                 "a = Γo c instead of Γo tanh(c) in the sampler"),
        "one_hot_not_reset": ({"sample_torch_code": TORCH_ONE_HOT_NOT_RESET}, TORCH_SAMPLERS,
                              "the next input keeps the earlier ones"),
        "unk_hard_coded": ({"sample_torch_code": TORCH_UNK_HARD_CODED}, TORCH_SAMPLERS, "removes index 1"),
        "eos_hard_coded": ({"sample_torch_code": TORCH_EOS_HARD_CODED}, TORCH_SAMPLERS, "stops at index 0"),
        "sampling_past_eos": ({"sample_torch_code": TORCH_SAMPLING_PAST_EOS}, TORCH_SAMPLERS,
                              "goes on drawing after <EOS>"),
        "dropping_eos": ({"sample_torch_code": TORCH_DROPPING_EOS}, TORCH_SAMPLERS, "leaves the final <EOS> out"),
        "sample_changes_parameters": ({"sample_torch_code": TORCH_SAMPLE_CHANGES_PARAMETERS}, TORCH_SAMPLERS,
                                      "right draws, but the caller's parameters['by'] is changed"),
        "detached_state": ({"lm_forward_code": DETACHED_STATE}, {"lm_forward", "lm_loss"},
                           "right logits and loss, gradients cut at every step"),
        "hard_coded_dtype": ({"lm_forward_code": HARD_CODED_DTYPE}, {"lm_forward", "lm_loss"},
                             "float64 inputs whatever the parameters' dtype"),
        "output_cast_to_float64": ({"lm_forward_code": OUTPUT_CAST_TO_FLOAT64}, {"lm_forward", "lm_loss"},
                                   "float32 in, float64 out"),
    },
}
