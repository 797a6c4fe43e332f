"""The LSTM cell and its unrolled sequence, forward and backward.

Equations (notation of the notes; i is the update gate Γu, * is elementwise):

    Γf  = σ(Wf [a<t-1>; x<t>] + bf)          forget gate
    Γi  = σ(Wi [a<t-1>; x<t>] + bi)          update gate (the notes' Γu)
    c̃   = tanh(Wc [a<t-1>; x<t>] + bc)       candidate memory
    c<t> = Γf * c<t-1> + Γi * c̃
    Γo  = σ(Wo [a<t-1>; x<t>] + bo)          output gate
    a<t> = Γo * tanh(c<t>)
    ŷ<t> = softmax(Wy a<t> + by)             only when the dict has Wy, by

Note on notation: the notes write a<t> = Γo * c<t>. The standard LSTM, and
torch.nn.LSTM, squash the memory first, a<t> = Γo * tanh(c<t>), which keeps
a<t> in (-1, 1) however large c<t> grows; that is the form used here.

Peephole connections (optional): with the extra keys pf, pi, po (each of
shape (n_a, 1), elementwise weights) the gates also look at the memory cell:
pf * c<t-1> is added inside Γf, pi * c<t-1> inside Γi, and po * c<t> inside
Γo (the output gate is computed after c<t>, so it sees the new memory, as in
Gers and Schmidhuber's peephole LSTM). The three keys go together.
torch.nn.LSTM has no peepholes.
"""
import numpy as np

from ._gates import (
    check_gate_parameters,
    check_sequence_input,
    from_steps,
    gate_parameter_shapes,
    initialize_from_shapes,
    input_backward,
    project_inputs,
    softmax_predictions,
    stack_gates,
    to_steps,
    unstack_gate_gradients,
)
from ._validate import require_shape
from .activations import sigmoid

# Order of the stacked gate rows: the three sigmoid gates together, so that
# without peepholes one sigmoid call covers them all, then the candidate.
LSTM_GATES = ("f", "i", "o", "c")  # also the key order of initialize_lstm_parameters, as in the GRU
PEEPHOLE_KEYS = ("pf", "pi", "po")


def has_peepholes(parameters):
    """True when the dict carries the peephole weights pf, pi, po."""
    present = [k for k in PEEPHOLE_KEYS if k in parameters]
    if present and len(present) != len(PEEPHOLE_KEYS):
        raise ValueError(f"peephole weights go together: expected all of {list(PEEPHOLE_KEYS)}, got {present}")
    return bool(present)


def initialize_lstm_parameters(n_x, n_a, n_y=None, seed=0, peepholes=False, forget_bias=1.0):
    """Random LSTM parameters.

    Weights have std 1/sqrt(fan_in); biases are zero except bf = forget_bias:
    a positive forget bias starts the cell remembering (Γf near 1), which lets
    gradients reach far back from the first update on.

    Arguments:
    n_x, n_a -- input and hidden sizes
    n_y -- output size, or None for no output layer (a layer inside a deep or bidirectional net)
    seed -- random seed
    peepholes -- add pf, pi, po
    forget_bias -- initial value of every entry of bf

    Returns:
    parameters -- dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1),
                  [pf, pi, po (n_a, 1)], [Wy (n_y, n_a), by (n_y, 1)]
    """
    shapes = gate_parameter_shapes(LSTM_GATES, n_x, n_a, n_y, PEEPHOLE_KEYS if peepholes else ())
    return initialize_from_shapes(shapes, seed, {"bf": forget_bias})


def _check_lstm_parameters(parameters):
    peepholes = has_peepholes(parameters)
    n_x, n_a = check_gate_parameters(parameters, LSTM_GATES, PEEPHOLE_KEYS if peepholes else ())
    return n_x, n_a, peepholes


def _stacked_weights(parameters, n_a, peepholes):
    W_a, W_x, b = stack_gates(parameters, LSTM_GATES, n_a)
    return {"W_a": W_a, "W_x": W_x, "b": b,
            "peepholes": tuple(parameters[k] for k in PEEPHOLE_KEYS) if peepholes else None}


def _lstm_step(x_proj, a_prev, c_prev, weights):
    """The LSTM equations for one step, given x_proj = W_x x<t> + b of shape (4 n_a, m).

    Returns a_next, c_next (n_a, m) and the step cache for _lstm_step_backward.
    """
    n_a = a_prev.shape[0]
    z = x_proj + weights["W_a"] @ a_prev
    c_tilde = np.tanh(z[3 * n_a:])
    if weights["peepholes"] is None:
        gates = sigmoid(z[:3 * n_a])
        gamma_f, gamma_i, gamma_o = gates[:n_a], gates[n_a:2 * n_a], gates[2 * n_a:]
        c_next = gamma_f * c_prev + gamma_i * c_tilde
    else:
        pf, pi, po = weights["peepholes"]
        gamma_f = sigmoid(z[:n_a] + pf * c_prev)
        gamma_i = sigmoid(z[n_a:2 * n_a] + pi * c_prev)
        c_next = gamma_f * c_prev + gamma_i * c_tilde
        gamma_o = sigmoid(z[2 * n_a:3 * n_a] + po * c_next)  # the output gate sees the new memory
    tanh_c = np.tanh(c_next)
    a_next = gamma_o * tanh_c
    return a_next, c_next, (a_prev, c_prev, c_next, tanh_c, gamma_f, gamma_i, c_tilde, gamma_o, weights)


def _lstm_step_backward(da_next, dc_next, step_cache):
    """Backward of _lstm_step.

    Returns:
    dz -- gradient with respect to the stacked pre-activations z, shape (4 n_a, m)
    da_prev, dc_prev -- shape (n_a, m)
    dpeep -- dict dpf, dpi, dpo (n_a, 1), or empty without peepholes
    """
    a_prev, c_prev, c_next, tanh_c, gamma_f, gamma_i, c_tilde, gamma_o, weights = step_cache
    n_a = a_prev.shape[0]
    dz = np.empty((4 * n_a, a_prev.shape[1]))
    dz_o = da_next * tanh_c * gamma_o * (1.0 - gamma_o)
    dc = dc_next + da_next * gamma_o * (1.0 - tanh_c**2)
    dpeep = {}
    if weights["peepholes"] is not None:
        pf, pi, po = weights["peepholes"]
        dc = dc + po * dz_o  # c<t> also reaches the loss through the output gate's peephole
        dpeep["dpo"] = np.sum(dz_o * c_next, axis=1, keepdims=True)
    dz[:n_a] = dc * c_prev * gamma_f * (1.0 - gamma_f)
    dz[n_a:2 * n_a] = dc * c_tilde * gamma_i * (1.0 - gamma_i)
    dz[2 * n_a:3 * n_a] = dz_o
    dz[3 * n_a:] = dc * gamma_i * (1.0 - c_tilde**2)
    dc_prev = dc * gamma_f
    if weights["peepholes"] is not None:
        dc_prev = dc_prev + pf * dz[:n_a] + pi * dz[n_a:2 * n_a]
        dpeep["dpf"] = np.sum(dz[:n_a] * c_prev, axis=1, keepdims=True)
        dpeep["dpi"] = np.sum(dz[n_a:2 * n_a] * c_prev, axis=1, keepdims=True)
    return dz, weights["W_a"].T @ dz, dc_prev, dpeep


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of the LSTM.

    Arguments:
    xt -- input at time t, shape (n_x, m)
    a_prev -- hidden state at time t-1, shape (n_a, m)
    c_prev -- memory cell at time t-1, shape (n_a, m)
    parameters -- dict with
        Wf, Wi, Wc, Wo -- shape (n_a, n_a + n_x), acting on [a_prev; xt]
        bf, bi, bc, bo -- shape (n_a, 1)
        pf, pi, po -- optional peephole weights, shape (n_a, 1)
        Wy -- optional, shape (n_y, n_a); by -- optional, shape (n_y, 1)

    Returns:
    a_next -- hidden state at time t, shape (n_a, m)
    c_next -- memory cell at time t, shape (n_a, m)
    yt_pred -- softmax prediction, shape (n_y, m), or None without Wy, by
    cache -- for lstm_cell_backward
    """
    n_x, n_a, peepholes = _check_lstm_parameters(parameters)
    xt = require_shape("xt", xt, (n_x, None))
    a_prev = require_shape("a_prev", a_prev, (n_a, xt.shape[1]))
    c_prev = require_shape("c_prev", c_prev, (n_a, xt.shape[1]))
    weights = _stacked_weights(parameters, n_a, peepholes)
    a_next, c_next, step_cache = _lstm_step(weights["W_x"] @ xt + weights["b"], a_prev, c_prev, weights)
    return a_next, c_next, softmax_predictions(a_next, parameters), (step_cache, xt)


def lstm_cell_backward(da_next, dc_next, cache):
    """Gradients of one LSTM step.

    Arguments:
    da_next -- gradient with respect to a_next, shape (n_a, m)
    dc_next -- gradient with respect to c_next, shape (n_a, m)
    cache -- from lstm_cell_forward

    Returns:
    gradients -- dict with dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m),
                 dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1)
                 and, with peepholes, dpf, dpi, dpo (n_a, 1)
    """
    step_cache, xt = cache
    a_prev = step_cache[0]
    da_next = require_shape("da_next", da_next, a_prev.shape)
    dc_next = require_shape("dc_next", dc_next, a_prev.shape)
    dz, da_prev, dc_prev, dpeep = _lstm_step_backward(da_next, dc_next, step_cache)
    W_x = step_cache[-1]["W_x"]
    dx_steps, dW_x, db = input_backward(dz[:, None, :], xt[:, None, :], W_x)
    grads = {"dxt": dx_steps[:, 0, :], "da_prev": da_prev, "dc_prev": dc_prev}
    grads.update(unstack_gate_gradients(LSTM_GATES, dz @ a_prev.T, dW_x, db))
    grads.update(dpeep)
    return grads


def lstm_forward(x, a0, parameters):
    """The LSTM unrolled over T_x steps, starting from a0 and c<0> = 0.

    The input part W_x x<t> + b of every gate is computed for all steps in
    one matrix product before the loop; each step then only multiplies a_prev.

    Arguments:
    x -- inputs, shape (n_x, m, T_x)
    a0 -- initial hidden state, shape (n_a, m)
    parameters -- as for lstm_cell_forward

    Returns:
    a -- hidden states a<1>..a<T_x>, shape (n_a, m, T_x)
    y -- softmax predictions, shape (n_y, m, T_x), or None without Wy, by
    c -- memory cells c<1>..c<T_x>, shape (n_a, m, T_x)
    caches -- (list of the T_x cell caches, x in step layout, a<0>..a<T_x-1> in step layout), for lstm_backward
    """
    n_x, n_a, peepholes = _check_lstm_parameters(parameters)
    x, a0 = check_sequence_input(x, a0, n_x, n_a)
    m, T_x = x.shape[1], x.shape[2]
    weights = _stacked_weights(parameters, n_a, peepholes)
    x_steps = to_steps(x)
    x_proj = project_inputs(weights["W_x"], weights["b"], x_steps)
    a_steps = np.empty((n_a, T_x + 1, m))  # a<0>..a<T_x>
    c_steps = np.empty((n_a, T_x, m))
    a_steps[:, 0] = a0
    c_next = np.zeros((n_a, m))
    cell_caches = []
    for t in range(T_x):
        a_next, c_next, step_cache = _lstm_step(x_proj[:, t], a_steps[:, t], c_next, weights)
        a_steps[:, t + 1] = a_next
        c_steps[:, t] = c_next
        cell_caches.append((step_cache, x_steps[:, t]))
    a = from_steps(a_steps[:, 1:])
    return a, softmax_predictions(a, parameters), from_steps(c_steps), (cell_caches, x_steps, a_steps[:, :-1])


def lstm_backward(da, caches):
    """Backpropagation through time for lstm_forward.

    Arguments:
    da -- gradient of the loss with respect to every hidden state, from the
          layers above (not through the recurrence), shape (n_a, m, T_x)
    caches -- from lstm_forward

    Returns:
    gradients -- dict with dx (n_x, m, T_x), da0 (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x),
                 dbf, dbi, dbc, dbo (n_a, 1) and, with peepholes, dpf, dpi, dpo (n_a, 1).
                 The output layer's dWy, dby come from output_backward, which also gives da.
    """
    cell_caches, x_steps, a_prev_steps = caches
    n_a, T_x, m = a_prev_steps.shape
    da_steps = to_steps(require_shape("da", da, (n_a, m, T_x)))
    dz_steps = np.empty((4 * n_a, T_x, m))
    da_prev = np.zeros((n_a, m))
    dc_prev = np.zeros((n_a, m))
    peephole_grads = {}
    for t in reversed(range(T_x)):
        # a<t> feeds both the layer above and step t+1, so their gradients add.
        dz_steps[:, t], da_prev, dc_prev, dpeep = _lstm_step_backward(
            da_steps[:, t] + da_prev, dc_prev, cell_caches[t][0])
        for name, value in dpeep.items():
            peephole_grads[name] = peephole_grads.get(name, 0.0) + value
    W_x = cell_caches[0][0][-1]["W_x"]
    dx_steps, dW_x, db = input_backward(dz_steps, x_steps, W_x)
    dW_a = dz_steps.reshape(4 * n_a, -1) @ a_prev_steps.reshape(n_a, -1).T
    grads = {"dx": from_steps(dx_steps), "da0": da_prev}
    grads.update(unstack_gate_gradients(LSTM_GATES, dW_a, dW_x, db))
    grads.update(peephole_grads)
    return grads
