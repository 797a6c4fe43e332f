r"""The LSTM cell and its unrolled sequence, forward and backward.

Equations (notation of the notes; * is elementwise): the forget gate Γf,
the update gate Γu, the candidate memory c̃, the output gate Γo and, only
when the dict has Wya, by, the prediction ŷ<t>:

.. math::

    \Gamma_f &= \sigma(W_f [a^{<t-1>}; x^{<t>}] + b_f) \\
    \Gamma_u &= \sigma(W_i [a^{<t-1>}; x^{<t>}] + b_i) \\
    \tilde c^{<t>} &= \tanh(W_c [a^{<t-1>}; x^{<t>}] + b_c) \\
    c^{<t>} &= \Gamma_f * c^{<t-1>} + \Gamma_u * \tilde c^{<t>} \\
    \Gamma_o &= \sigma(W_o [a^{<t-1>}; x^{<t>}] + b_o) \\
    a^{<t>} &= \Gamma_o * \tanh(c^{<t>}) \\
    \hat y^{<t>} &= \mathrm{softmax}(W_{ya} a^{<t>} + b_y)

Note on notation: the notes write a<t> = Γo * c<t>. The standard LSTM, and
torch.nn.LSTM, squash the memory first, a<t> = Γo * tanh(c<t>), which keeps
a<t> in (-1, 1) however large c<t> grows; that is the form used here.
The update gate's parameters keep the keys Wi, bi (the "input gate" of the
literature and of torch.nn.LSTM, whose weights reference_impl.torch_models
converts); in the code its value is gamma_u, as Γu in the notes.

Peephole connections (optional): with the extra keys pf, pi, po (each of
shape (n_a, 1), elementwise weights) the gates also look at the memory cell:
pf * c<t-1> is added inside Γf, pi * c<t-1> inside Γu, and po * c<t> inside
Γo (the output gate is computed after c<t>, so it sees the new memory, as in
Gers and Schmidhuber's peephole LSTM). The three keys go together.
torch.nn.LSTM has no peepholes.
"""
from typing import NamedTuple

import numpy as np

from ._gates import (
    GatedCellCache,
    check_gate_parameters,
    check_sequence_input,
    from_steps,
    gate_parameter_shapes,
    gate_rows,
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
    """True when the dict carries the peephole weights pf, pi, po.

    See the chapter :doc:`/book/chapters/10_lstm`.
    """
    present = [k for k in PEEPHOLE_KEYS if k in parameters]
    if present and len(present) != len(PEEPHOLE_KEYS):
        raise ValueError(f"peephole weights go together: expected all of {list(PEEPHOLE_KEYS)}, got {present}")
    return bool(present)


def initialize_lstm_parameters(n_x, n_a, n_y=None, seed=0, peepholes=False, forget_bias=1.0):
    """Random LSTM parameters.

    Weights have std 1/sqrt(fan_in); biases are zero except bf = forget_bias:
    a positive forget bias starts the cell remembering (Γf near 1), which lets
    gradients reach far back from the first update on.

    See the chapter :doc:`/book/chapters/10_lstm`.

    Parameters
    ----------
    n_x, n_a
        input and hidden sizes
    n_y
        output size, or None for no output layer (a layer inside a deep or bidirectional net)
    seed
        random seed
    peepholes
        add pf, pi, po
    forget_bias
        initial value of every entry of bf

    Returns
    -------
    parameters : dict
        with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1), [pf, pi, po (n_a, 1)], [Wya (n_y, n_a),
        by (n_y, 1)]
    """
    shapes = gate_parameter_shapes(LSTM_GATES, n_x, n_a, n_y, PEEPHOLE_KEYS if peepholes else ())
    return initialize_from_shapes(shapes, seed, {"bf": forget_bias})


def _check_lstm_parameters(parameters):
    peepholes = has_peepholes(parameters)
    n_x, n_a = check_gate_parameters(parameters, LSTM_GATES, PEEPHOLE_KEYS if peepholes else ())
    return n_x, n_a, peepholes


class LSTMStepCache(NamedTuple):
    """What the backward of one step needs; unpacks in this order (a_prev, c_prev, ..., gamma_o, weights).

    See the chapter :doc:`/book/chapters/10_lstm`.
    """

    a_prev: np.ndarray  #: a<t-1>, shape (n_a, m)
    c_prev: np.ndarray  #: c<t-1>
    c_next: np.ndarray  #: c<t>
    tanh_c: np.ndarray  #: tanh(c<t>)
    gamma_f: np.ndarray  #: Γf
    gamma_u: np.ndarray  #: Γu (parameters Wi, bi)
    c_tilde: np.ndarray  #: c̃
    gamma_o: np.ndarray  #: Γo
    weights: dict  #: the stacked weights W_a, W_x, b, their rows (gate_rows) and the peepholes (pf, pi, po) or None


class LSTMCache(NamedTuple):
    """lstm_forward's cache; unpacks as (cell_caches, x_steps, a_prev_steps).

    See the chapter :doc:`/book/chapters/10_lstm`.
    """

    cell_caches: list  #: one GatedCellCache per step
    x_steps: np.ndarray  #: the inputs in step layout, shape (n_x, T_x, m)
    a_prev_steps: np.ndarray  #: a<0>..a<T_x-1> in step layout, shape (n_a, T_x, m)


def _stacked_weights(parameters, n_a, peepholes):
    W_a, W_x, b = stack_gates(parameters, LSTM_GATES, n_a)
    return {"W_a": W_a, "W_x": W_x, "b": b, "rows": gate_rows(LSTM_GATES, n_a),
            "peepholes": tuple(parameters[k] for k in PEEPHOLE_KEYS) if peepholes else None}


def _lstm_step(x_proj, a_prev, c_prev, weights):
    """The LSTM equations for one step, given x_proj = W_x x<t> + b of shape (4 n_a, m).

    Returns a_next, c_next (n_a, m) and the step cache for _lstm_step_backward.
    """
    # z = W [a<t-1>; x<t>] + b for the four gates at once, stacked in LSTM_GATES order
    z = x_proj + weights["W_a"] @ a_prev
    rows = weights["rows"]
    z_f, z_u, z_o, z_c = z[rows["f"]], z[rows["i"]], z[rows["o"]], z[rows["c"]]
    # c̃ = tanh(Wc [a<t-1>; x<t>] + bc)
    c_tilde = np.tanh(z_c)
    if weights["peepholes"] is None:
        # Γf, Γu, Γo = σ(z_f), σ(z_u), σ(z_o): the sigmoid gates are adjacent rows, one call covers them
        gates = sigmoid(z[rows["sigmoid"]])  # the sigmoid block starts at row 0, so the gates' rows index it too
        gamma_f, gamma_u, gamma_o = gates[rows["f"]], gates[rows["i"]], gates[rows["o"]]
        # c<t> = Γf * c<t-1> + Γu * c̃
        c_next = gamma_f * c_prev + gamma_u * c_tilde
    else:
        pf, pi, po = weights["peepholes"]
        gamma_f = sigmoid(z_f + pf * c_prev)  # Γf = σ(Wf [a<t-1>; x<t>] + pf * c<t-1> + bf)
        gamma_u = sigmoid(z_u + pi * c_prev)  # Γu = σ(Wi [a<t-1>; x<t>] + pi * c<t-1> + bi)
        c_next = gamma_f * c_prev + gamma_u * c_tilde  # c<t> = Γf * c<t-1> + Γu * c̃
        gamma_o = sigmoid(z_o + po * c_next)  # Γo = σ(Wo [a<t-1>; x<t>] + po * c<t> + bo): it sees the new memory
    tanh_c = np.tanh(c_next)
    # a<t> = Γo * tanh(c<t>)
    a_next = gamma_o * tanh_c
    return a_next, c_next, LSTMStepCache(a_prev, c_prev, c_next, tanh_c, gamma_f, gamma_u, c_tilde, gamma_o, weights)


def _lstm_step_backward(da_next, dc_next, step_cache):
    """Backward of _lstm_step.

    Returns
    -------
    dz : ndarray, shape (4 n_a, m)
        gradient with respect to the stacked pre-activations z
    da_prev, dc_prev : ndarray, shape (n_a, m)
    dpeep : dict
        dict dpf, dpi, dpo (n_a, 1), or empty without peepholes
    """
    a_prev, c_prev, c_next, tanh_c, gamma_f, gamma_u, c_tilde, gamma_o, weights = step_cache
    rows = weights["rows"]
    dz = np.empty((4 * a_prev.shape[0], a_prev.shape[1]))
    dz_f, dz_u, dz_o, dz_c = dz[rows["f"]], dz[rows["i"]], dz[rows["o"]], dz[rows["c"]]  # views: writing them fills dz
    # dz_o = da<t> * tanh(c<t>) * Γo (1 - Γo)
    dz_o[...] = da_next * tanh_c * gamma_o * (1.0 - gamma_o)
    # dc<t> = dc from step t+1 + da<t> * Γo * (1 - tanh(c<t>)^2)
    dc = dc_next + da_next * gamma_o * (1.0 - tanh_c**2)
    dpeep = {}
    if weights["peepholes"] is not None:
        pf, pi, po = weights["peepholes"]
        dc = dc + po * dz_o  # dc<t> += po * dz_o: c<t> also reaches the loss through Γo's peephole
        dpeep["dpo"] = np.sum(dz_o * c_next, axis=1, keepdims=True)  # dpo = sum over examples of dz_o * c<t>
    # dz_f = dc<t> * c<t-1> * Γf (1 - Γf)
    dz_f[...] = dc * c_prev * gamma_f * (1.0 - gamma_f)
    # dz_u = dc<t> * c̃ * Γu (1 - Γu)
    dz_u[...] = dc * c_tilde * gamma_u * (1.0 - gamma_u)
    # dz_c = dc<t> * Γu * (1 - c̃^2)
    dz_c[...] = dc * gamma_u * (1.0 - c_tilde**2)
    # dc<t-1> = dc<t> * Γf
    dc_prev = dc * gamma_f
    if weights["peepholes"] is not None:
        dc_prev = dc_prev + pf * dz_f + pi * dz_u  # dc<t-1> += pf * dz_f + pi * dz_u
        dpeep["dpf"] = np.sum(dz_f * c_prev, axis=1, keepdims=True)  # dpf = sum of dz_f * c<t-1>
        dpeep["dpi"] = np.sum(dz_u * c_prev, axis=1, keepdims=True)  # dpi = sum of dz_u * c<t-1>
    # da<t-1> = W_a^T dz: Wf^T dz_f + Wi^T dz_u + Wo^T dz_o + Wc^T dz_c, a-columns
    return dz, weights["W_a"].T @ dz, dc_prev, dpeep


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of the LSTM.

    See the chapter :doc:`/book/chapters/10_lstm`.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        input at time t
    a_prev : ndarray, shape (n_a, m)
        hidden state at time t-1
    c_prev : ndarray, shape (n_a, m)
        memory cell at time t-1
    parameters : dict
        with the entries

        - Wf, Wi, Wc, Wo: shape (n_a, n_a + n_x), acting on [a_prev; xt]
        - bf, bi, bc, bo: shape (n_a, 1)
        - pf, pi, po: optional peephole weights, shape (n_a, 1)
        - Wya: optional, shape (n_y, n_a); by -- optional, shape (n_y, 1)

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
        hidden state at time t
    c_next : ndarray, shape (n_a, m)
        memory cell at time t
    yt_pred
        softmax prediction, shape (n_y, m), or None without Wya, by
    cache : GatedCellCache
        (step, xt), for :func:`lstm_cell_backward`
    """
    n_x, n_a, peepholes = _check_lstm_parameters(parameters)
    xt = require_shape("xt", xt, (n_x, None))
    a_prev = require_shape("a_prev", a_prev, (n_a, xt.shape[1]))
    c_prev = require_shape("c_prev", c_prev, (n_a, xt.shape[1]))
    weights = _stacked_weights(parameters, n_a, peepholes)
    a_next, c_next, step_cache = _lstm_step(weights["W_x"] @ xt + weights["b"], a_prev, c_prev, weights)
    return a_next, c_next, softmax_predictions(a_next, parameters), GatedCellCache(step_cache, xt)


def lstm_cell_backward(da_next, dc_next, cache):
    """Gradients of one LSTM step.

    See the chapter :doc:`/book/chapters/10_lstm`.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        gradient with respect to a_next
    dc_next : ndarray, shape (n_a, m)
        gradient with respect to c_next
    cache
        from :func:`lstm_cell_forward`

    Returns
    -------
    gradients : dict
        with dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi,
        dbc, dbo (n_a, 1) and, with peepholes, dpf, dpi, dpo (n_a, 1)
    """
    step_cache, xt = cache
    a_prev = step_cache.a_prev
    da_next = require_shape("da_next", da_next, a_prev.shape)
    dc_next = require_shape("dc_next", dc_next, a_prev.shape)
    dz, da_prev, dc_prev, dpeep = _lstm_step_backward(da_next, dc_next, step_cache)
    W_x = step_cache.weights["W_x"]
    dx_steps, dW_x, db = input_backward(dz[:, None, :], xt[:, None, :], W_x)
    grads = {"dxt": dx_steps[:, 0, :], "da_prev": da_prev, "dc_prev": dc_prev}
    grads.update(unstack_gate_gradients(LSTM_GATES, dz @ a_prev.T, dW_x, db))
    grads.update(dpeep)
    return grads


def lstm_forward(x, a0, parameters):
    """The LSTM unrolled over T_x steps, starting from a0 and c<0> = 0.

    The input part W_x x<t> + b of every gate is computed for all steps in
    one matrix product before the loop; each step then only multiplies a_prev.

    See the chapter :doc:`/book/chapters/10_lstm`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        inputs
    a0 : ndarray, shape (n_a, m)
        initial hidden state
    parameters
        as for :func:`lstm_cell_forward`

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        hidden states a<1>..a<T_x>
    y
        softmax predictions, shape (n_y, m, T_x), or None without Wya, by
    c : ndarray, shape (n_a, m, T_x)
        memory cells c<1>..c<T_x>
    caches : LSTMCache
        (list of the T_x cell caches, x in step layout, a<0>..a<T_x-1> in step layout), for
        :func:`lstm_backward`
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
        cell_caches.append(GatedCellCache(step_cache, x_steps[:, t]))
    a = from_steps(a_steps[:, 1:])
    return a, softmax_predictions(a, parameters), from_steps(c_steps), LSTMCache(cell_caches, x_steps, a_steps[:, :-1])


def lstm_backward(da, caches):
    """Backpropagation through time for lstm_forward.

    See the chapter :doc:`/book/chapters/10_lstm`.

    Parameters
    ----------
    da
        gradient of the loss with respect to every hidden state, from the layers above (not through the
        recurrence), shape (n_a, m, T_x)
    caches
        from :func:`lstm_forward`

    Returns
    -------
    gradients : dict
        with dx (n_x, m, T_x), da0 (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1)
        and, with peepholes, dpf, dpi, dpo (n_a, 1). The output layer's dWya, dby come from output_backward,
        which also gives da.
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
            da_steps[:, t] + da_prev, dc_prev, cell_caches[t].step)
        for name, value in dpeep.items():
            peephole_grads[name] = peephole_grads.get(name, 0.0) + value
    W_x = cell_caches[0].step.weights["W_x"]
    dx_steps, dW_x, db = input_backward(dz_steps, x_steps, W_x)
    dW_a = dz_steps.reshape(4 * n_a, -1) @ a_prev_steps.reshape(n_a, -1).T
    grads = {"dx": from_steps(dx_steps), "da0": da_prev}
    grads.update(unstack_gate_gradients(LSTM_GATES, dW_a, dW_x, db))
    grads.update(peephole_grads)
    return grads
