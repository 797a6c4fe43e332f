r"""The GRU cell and its unrolled sequence, forward and backward.

Equations (notation of the notes; for the GRU a<t> = c<t>, * is elementwise):
the update gate Γu, the relevance gate Γr, the candidate c̃ and, only when
the dict has Wya, by, the prediction ŷ<t>:

.. math::

    \Gamma_u &= \sigma(W_u [c^{<t-1>}; x^{<t>}] + b_u) \\
    \Gamma_r &= \sigma(W_r [c^{<t-1>}; x^{<t>}] + b_r) \\
    \tilde c^{<t>} &= \tanh(W_c [\Gamma_r * c^{<t-1>}; x^{<t>}] + b_c) \\
    c^{<t>} &= \Gamma_u * \tilde c^{<t>} + (1 - \Gamma_u) * c^{<t-1>} \\
    \hat y^{<t>} &= \mathrm{softmax}(W_{ya} c^{<t>} + b_y)

Three variants, chosen by the ``variant`` argument:

- "notes" (default): the equations above; Γr scales c<t-1> before Wc's product.
- "reset_after": c̃ = tanh(Wc[:, n_a:] x<t> + bc + Γr * (Wc[:, :n_a] c<t-1>)),
  Γr applied after the recurrent product. This is what torch.nn.GRU computes
  (its reset gate r is our Γr). torch also writes the interpolation the other
  way round, h = (1 - z) * n + z * h_prev: its z is 1 - Γu, so its z-rows are
  our Wu, bu negated. Both variants are GRUs and train equally well; they
  give different numbers for the same weights.
- "simplified": the notes' first GRU, without Γr: c̃ = tanh(Wc [c<t-1>; x<t>] + bc);
  the parameters then have no Wr, br.
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

GRU_VARIANTS = ("notes", "reset_after", "simplified")


def gru_gates(variant="notes"):
    """Gate letters of a variant, in the order of the stacked rows: sigmoid gates first, candidate last.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    if variant not in GRU_VARIANTS:
        raise ValueError(f"variant must be one of {GRU_VARIANTS}, got {variant!r}")
    return ("u", "c") if variant == "simplified" else ("u", "r", "c")


def initialize_gru_parameters(n_x, n_a, n_y=None, seed=0, variant="notes"):
    """Random GRU parameters: weights with std 1/sqrt(fan_in), zero biases.

    See the chapter :doc:`/book/chapters/09_gru`.

    Returns
    -------
    parameters : dict
        with Wu, [Wr,] Wc (n_a, n_a + n_x), bu, [br,] bc (n_a, 1), and Wya (n_y, n_a), by (n_y, 1) unless n_y
        is None
    """
    return initialize_from_shapes(gate_parameter_shapes(gru_gates(variant), n_x, n_a, n_y), seed)


class GRURows(NamedTuple):
    """Named row blocks of the stacked gate arrays (W_a, W_x, b, z, dz): u, r, c, and the sigmoid gates together.

    For "simplified" there is no Γr: ``r`` is an empty block.

    See the chapter :doc:`/book/chapters/09_gru`.
    """

    u: slice  #: Γu
    r: slice  #: Γr
    c: slice  #: c̃
    sigmoid: slice  #: Γu and Γr together, so that one sigmoid call covers both


class GRUStepCache(NamedTuple):
    """What the backward of one step needs; unpacks as (c_prev, gamma_u, gamma_r, recurrent, c_tilde, weights).

    See the chapter :doc:`/book/chapters/09_gru`.
    """

    c_prev: np.ndarray  #: c<t-1>, shape (n_a, m)
    gamma_u: np.ndarray  #: Γu
    gamma_r: np.ndarray  #: Γr (empty, shape (0, m), for "simplified")
    recurrent: np.ndarray  #: Wc's product with c<t-1> (with Γr * c<t-1> for "notes")
    c_tilde: np.ndarray  #: c̃
    weights: dict  #: the stacked weights W_a, W_x, b, their rows (GRURows) and the variant


class GRUCache(NamedTuple):
    """gru_forward's cache; unpacks as (cell_caches, x_steps).

    See the chapter :doc:`/book/chapters/09_gru`.
    """

    cell_caches: list  #: one GatedCellCache per step
    x_steps: np.ndarray  #: the inputs in step layout, shape (n_x, T_x, m)


def _stacked_weights(parameters, variant):
    gates = gru_gates(variant)
    n_x, n_a = check_gate_parameters(parameters, gates)
    W_a, W_x, b = stack_gates(parameters, gates, n_a)
    blocks = gate_rows(gates, n_a)
    rows = GRURows(blocks["u"], blocks.get("r", slice(n_a, n_a)), blocks["c"], blocks["sigmoid"])
    return n_x, n_a, {"W_a": W_a, "W_x": W_x, "b": b, "rows": rows, "variant": variant}


def _gru_step(x_proj, c_prev, weights):
    """The GRU equations for one step, given x_proj = W_x x<t> + b of shape (G n_a, m).

    Returns c_next (n_a, m) and the step cache for _gru_step_backward.
    """
    W_a, rows, variant = weights["W_a"], weights["rows"], weights["variant"]
    # [Γu; Γr] = σ(Wu,r [c<t-1>; x<t>] + bu,r), both gates in one product and one sigmoid
    gates = sigmoid(x_proj[rows.sigmoid] + W_a[rows.sigmoid] @ c_prev)
    gamma_u, gamma_r = gates[rows.u], gates[rows.r]  # the sigmoid block starts at row 0, so their rows index it
    # "notes": Wc's c-columns times Γr * c<t-1>; "reset_after": Γr times (Wc's c-columns c<t-1>)
    recurrent = W_a[rows.c] @ (gamma_r * c_prev if variant == "notes" else c_prev)
    # c̃ = tanh(Wc [Γr * c<t-1>; x<t>] + bc)  ("reset_after": Γr * (...) above; "simplified": no Γr)
    c_tilde = np.tanh(x_proj[rows.c] + (gamma_r * recurrent if variant == "reset_after" else recurrent))
    # c<t> = Γu * c̃ + (1 - Γu) * c<t-1>
    c_next = gamma_u * c_tilde + (1.0 - gamma_u) * c_prev
    return c_next, GRUStepCache(c_prev, gamma_u, gamma_r, recurrent, c_tilde, weights)


def _gru_step_backward(dc_next, step_cache):
    """Backward of _gru_step.

    Returns
    -------
    dz : ndarray, shape (G n_a, m)
        gradient with respect to the stacked x-side pre-activations
    dW_a : ndarray, shape (G n_a, n_a)
        this step's gradient of W_a
    dc_prev : ndarray, shape (n_a, m)
    """
    c_prev, gamma_u, gamma_r, recurrent, c_tilde, weights = step_cache
    W_a, rows, variant = weights["W_a"], weights["rows"], weights["variant"]
    dz = np.empty((W_a.shape[0], c_prev.shape[1]))
    dz_u, dz_r, dz_c = dz[rows.u], dz[rows.r], dz[rows.c]  # views: writing them fills dz
    # dz_u = dc<t> * (c̃ - c<t-1>) * Γu (1 - Γu)
    dz_u[...] = dc_next * (c_tilde - c_prev) * gamma_u * (1.0 - gamma_u)
    # dz_c = dc<t> * Γu * (1 - c̃^2)
    dz_c[...] = dc_next * gamma_u * (1.0 - c_tilde**2)
    dW_a = np.empty_like(W_a)
    # dc<t-1>, direct path: dc<t> * (1 - Γu)
    dc_prev = dc_next * (1.0 - gamma_u)
    if variant == "notes":
        d_reset_c = W_a[rows.c].T @ dz_c  # gradient of Γr * c<t-1>
        dW_a[rows.c] = dz_c @ (gamma_r * c_prev).T  # dWc (c-columns) = dz_c (Γr * c<t-1>)^T
        dc_prev += d_reset_c * gamma_r  # dc<t-1> += (Wc^T dz_c) * Γr
        # dz_r = (Wc^T dz_c) * c<t-1> * Γr (1 - Γr)
        dz_r[...] = d_reset_c * c_prev * gamma_r * (1.0 - gamma_r)
    elif variant == "reset_after":
        d_recurrent = dz_c * gamma_r  # gradient of Wc's product with c<t-1>
        dW_a[rows.c] = d_recurrent @ c_prev.T  # dWc (c-columns) = (dz_c * Γr) c<t-1>^T
        dc_prev += W_a[rows.c].T @ d_recurrent  # dc<t-1> += Wc^T (dz_c * Γr)
        # dz_r = dz_c * (Wc c<t-1>) * Γr (1 - Γr)
        dz_r[...] = dz_c * recurrent * gamma_r * (1.0 - gamma_r)
    else:
        dW_a[rows.c] = dz_c @ c_prev.T  # dWc (c-columns) = dz_c c<t-1>^T
        dc_prev += W_a[rows.c].T @ dz_c  # dc<t-1> += Wc^T dz_c
    dW_a[rows.sigmoid] = dz[rows.sigmoid] @ c_prev.T  # dWu,r (c-columns) = [dz_u; dz_r] c<t-1>^T
    dc_prev += W_a[rows.sigmoid].T @ dz[rows.sigmoid]  # dc<t-1> += Wu,r^T [dz_u; dz_r]
    return dz, dW_a, dc_prev


def gru_cell_forward(xt, c_prev, parameters, variant="notes"):
    """One step of the GRU.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        input at time t
    c_prev : ndarray, shape (n_a, m)
        memory cell (= hidden state) at time t-1
    parameters : dict
        with the entries

        - Wu, Wr, Wc: shape (n_a, n_a + n_x), acting on [c_prev; xt] (no Wr for "simplified")
        - bu, br, bc: shape (n_a, 1) (no br for "simplified")
        - Wya: optional, shape (n_y, n_a); by -- optional, shape (n_y, 1)
    variant
        "notes", "reset_after" (torch.nn.GRU's form) or "simplified" (see the module docstring)

    Returns
    -------
    c_next : ndarray, shape (n_a, m)
        memory cell at time t
    yt_pred
        softmax prediction, shape (n_y, m), or None without Wya, by
    cache : GatedCellCache
        (step, xt), for :func:`gru_cell_backward`
    """
    n_x, n_a, weights = _stacked_weights(parameters, variant)
    xt = require_shape("xt", xt, (n_x, None))
    c_prev = require_shape("c_prev", c_prev, (n_a, xt.shape[1]))
    c_next, step_cache = _gru_step(weights["W_x"] @ xt + weights["b"], c_prev, weights)
    return c_next, softmax_predictions(c_next, parameters), GatedCellCache(step_cache, xt)


def gru_cell_backward(dc_next, cache):
    """Gradients of one GRU step.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    dc_next : ndarray, shape (n_a, m)
        gradient with respect to c_next
    cache
        from :func:`gru_cell_forward`

    Returns
    -------
    gradients : dict
        with dxt (n_x, m), dc_prev (n_a, m), dWu, [dWr,] dWc (n_a, n_a + n_x), dbu, [dbr,] dbc (n_a, 1)
    """
    step_cache, xt = cache
    weights = step_cache.weights
    dc_next = require_shape("dc_next", dc_next, step_cache.c_prev.shape)
    dz, dW_a, dc_prev = _gru_step_backward(dc_next, step_cache)
    dx_steps, dW_x, db = input_backward(dz[:, None, :], xt[:, None, :], weights["W_x"])
    grads = {"dxt": dx_steps[:, 0, :], "dc_prev": dc_prev}
    grads.update(unstack_gate_gradients(gru_gates(weights["variant"]), dW_a, dW_x, db))
    return grads


def gru_forward(x, c0, parameters, variant="notes"):
    """The GRU unrolled over T_x steps; the input part of every gate for all steps is one matrix product.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        inputs
    c0 : ndarray, shape (n_a, m)
        initial memory cell
    parameters, variant
        as for :func:`gru_cell_forward`

    Returns
    -------
    c : ndarray, shape (n_a, m, T_x)
        memory cells c<1>..c<T_x> (the hidden states)
    y_pred
        softmax predictions, shape (n_y, m, T_x), or None without Wya, by
    caches : GRUCache
        (list of the T_x cell caches, x in step layout), for :func:`gru_backward`
    """
    n_x, n_a, weights = _stacked_weights(parameters, variant)
    x, c0 = check_sequence_input(x, c0, n_x, n_a, state_name="c0")
    m, T_x = x.shape[1], x.shape[2]
    x_steps = to_steps(x)
    x_proj = project_inputs(weights["W_x"], weights["b"], x_steps)
    c_steps = np.empty((n_a, T_x, m))
    c_next = c0
    cell_caches = []
    for t in range(T_x):
        c_next, step_cache = _gru_step(x_proj[:, t], c_next, weights)
        c_steps[:, t] = c_next
        cell_caches.append(GatedCellCache(step_cache, x_steps[:, t]))
    c = from_steps(c_steps)
    return c, softmax_predictions(c, parameters), GRUCache(cell_caches, x_steps)


def gru_backward(dc, caches):
    """Backpropagation through time for gru_forward.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    dc
        gradient of the loss with respect to every c<t> from the layers above (not through the recurrence),
        shape (n_a, m, T_x)
    caches
        from :func:`gru_forward`

    Returns
    -------
    gradients : dict
        with dx (n_x, m, T_x), dc0 (n_a, m), dWu, [dWr,] dWc (n_a, n_a + n_x), dbu, [dbr,] dbc (n_a, 1)
    """
    cell_caches, x_steps = caches
    weights = cell_caches[0].step.weights
    n_a, m = cell_caches[0].step.c_prev.shape
    T_x = len(cell_caches)
    dc_steps = to_steps(require_shape("dc", dc, (n_a, m, T_x)))
    dz_steps = np.empty((weights["W_a"].shape[0], T_x, m))
    dW_a = np.zeros_like(weights["W_a"])
    dc_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        # c<t> feeds both the layer above and step t+1, so their gradients add.
        dz_steps[:, t], dW_a_step, dc_prev = _gru_step_backward(dc_steps[:, t] + dc_prev, cell_caches[t].step)
        dW_a += dW_a_step
    dx_steps, dW_x, db = input_backward(dz_steps, x_steps, weights["W_x"])
    grads = {"dx": from_steps(dx_steps), "dc0": dc_prev}
    grads.update(unstack_gate_gradients(gru_gates(weights["variant"]), dW_a, dW_x, db))
    return grads
