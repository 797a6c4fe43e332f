"""Plumbing shared by the gated cells (GRU, LSTM): parameter shapes, checks, stacking.

Every gate g has a matrix Wg of shape (n_a, n_a + n_x) acting on the
concatenation [a_prev; x] and a bias bg of shape (n_a, 1). For speed the
cells never build that concatenation: the gates' matrices are stacked
row-wise and split by columns into

    W_a -- (G n_a, n_a), the columns that see a_prev
    W_x -- (G n_a, n_x), the columns that see x
    b   -- (G n_a, 1)

so that W_x x + b for every time step of a sequence is one matrix product
(it does not depend on the recurrence) and each step is left with the
single product W_a a_prev.

Inside a sequence, arrays use the "step layout" (n, T, m): one matrix
product covers all steps after a free reshape to (n, T m), and
``array[:, t, :]`` is the (n, m) block of step t.
"""
from typing import NamedTuple

import numpy as np

from ._validate import require_keys, require_sequence, require_shape
from .output import output_forward


class GatedCellCache(NamedTuple):
    """A GRU or LSTM step's cache (gru_cell_forward's, and each step of gru_forward's); unpacks as (step, xt)."""

    step: tuple  # the cell's step cache: GRUStepCache or LSTMStepCache
    xt: np.ndarray  # x<t>, shape (n_x, m)


def gate_parameter_shapes(gates, n_x, n_a, n_y=None, vectors=()):
    """Shapes of the parameters of a gated cell.

    Arguments:
    gates -- gate letters, e.g. ("f", "i", "c", "o")
    n_x, n_a -- input and hidden sizes
    n_y -- output size; None for a cell without an output layer (no Wya, by)
    vectors -- names of extra elementwise weights of shape (n_a, 1), e.g. peepholes

    Returns:
    shapes -- dict name -> shape: W<g> (n_a, n_a + n_x), b<g> (n_a, 1), each vector (n_a, 1),
              Wya (n_y, n_a) and by (n_y, 1)
    """
    shapes = {}
    for g in gates:
        shapes["W" + g] = (n_a, n_a + n_x)
        shapes["b" + g] = (n_a, 1)
    for name in vectors:
        shapes[name] = (n_a, 1)
    if n_y is not None:
        shapes["Wya"] = (n_y, n_a)
        shapes["by"] = (n_y, 1)
    return shapes


def initialize_from_shapes(shapes, seed, bias_values=None):
    """Random weights with std 1/sqrt(fan_in), biases at ``bias_values`` (default 0).

    Elementwise (n_a, 1) weights count one input each, so their std is 1.
    """
    rng = np.random.default_rng(seed)
    bias_values = bias_values or {}
    parameters = {}
    for name, shape in shapes.items():
        if name.startswith("b"):
            parameters[name] = np.full(shape, float(bias_values.get(name, 0.0)))
        else:
            parameters[name] = rng.normal(0.0, 1.0 / np.sqrt(shape[1]), size=shape)
    return parameters


def check_gate_parameters(parameters, gates, vectors=()):
    """Validate a gated cell's parameter dict; Wya and by are optional (both or neither).

    Returns:
    n_x, n_a -- the sizes the parameters imply
    """
    require_keys("parameters", parameters, [k for g in gates for k in ("W" + g, "b" + g)] + list(vectors))
    first = "W" + gates[0]
    n_a, width = require_shape(f"parameters['{first}']", parameters[first], (None, None)).shape
    n_x = width - n_a
    if n_x < 1:
        raise ValueError(f"parameters['{first}'] must have shape (n_a, n_a + n_x) with n_x >= 1, got {(n_a, width)}")
    n_y = None
    if "Wya" in parameters or "by" in parameters:
        require_keys("parameters", parameters, ("Wya", "by"))
        n_y = require_shape("parameters['Wya']", parameters["Wya"], (None, n_a)).shape[0]
    for name, shape in gate_parameter_shapes(gates, n_x, n_a, n_y, vectors).items():
        require_shape(f"parameters['{name}']", parameters[name], shape)
    return n_x, n_a


def stack_gates(parameters, gates, n_a):
    """The gates' matrices stacked in ``gates`` order and split by columns.

    Returns:
    W_a -- shape (G n_a, n_a), acts on a_prev
    W_x -- shape (G n_a, n_x), acts on x
    b -- shape (G n_a, 1)
    """
    W = np.concatenate([parameters["W" + g] for g in gates], axis=0)
    b = np.concatenate([parameters["b" + g] for g in gates], axis=0)
    return np.ascontiguousarray(W[:, :n_a]), np.ascontiguousarray(W[:, n_a:]), b


def gate_rows(gates, n_a):
    """Named row blocks of a stacked array (W_a, W_x, b, z or dz), so that code says z[rows["c"]], not an offset.

    Returns:
    rows -- dict gate letter -> slice of its n_a rows, in ``gates`` order, and "sigmoid" -> the slice
            of every gate before the last (the candidate): the rows one sigmoid call covers
    """
    rows = {g: slice(k * n_a, (k + 1) * n_a) for k, g in enumerate(gates)}
    rows["sigmoid"] = slice(0, (len(gates) - 1) * n_a)
    return rows


def unstack_gate_gradients(gates, dW_a, dW_x, db):
    """Inverse of stack_gates for gradients: dict dW<g> (n_a, n_a + n_x), db<g> (n_a, 1)."""
    rows = gate_rows(gates, dW_a.shape[1])
    grads = {}
    for g in gates:
        grads["dW" + g] = np.concatenate([dW_a[rows[g]], dW_x[rows[g]]], axis=1)
        grads["db" + g] = db[rows[g]]
    return grads


def check_sequence_input(x, state0, n_x, n_a, state_name="a0"):
    """Validate x (n_x, m, T_x) and an initial state (n_a, m); return them as arrays."""
    x = require_sequence("x", x)
    require_shape("x", x, (n_x, None, None))
    state0 = require_shape(state_name, state0, (n_a, x.shape[1]))
    return x, state0


def to_steps(x):
    """(n, m, T) -> step layout (n, T, m), a contiguous copy."""
    return np.ascontiguousarray(np.transpose(x, (0, 2, 1)))


def from_steps(h):
    """Step layout (n, T, m) -> (n, m, T)."""
    return np.transpose(h, (0, 2, 1))


def project_inputs(W_x, b, x_steps):
    """W_x x<t> + b for every step in one matrix product.

    Arguments:
    W_x -- shape (G n_a, n_x); b -- shape (G n_a, 1)
    x_steps -- shape (n_x, T, m)

    Returns:
    projection -- shape (G n_a, T, m)
    """
    n_x, T, m = x_steps.shape
    return (W_x @ x_steps.reshape(n_x, T * m) + b).reshape(-1, T, m)


def input_backward(dz_steps, x_steps, W_x):
    """Gradients of project_inputs given dz, its output's gradient, shape (G n_a, T, m).

    Returns:
    dx_steps -- shape (n_x, T, m)
    dW_x -- shape (G n_a, n_x)
    db -- shape (G n_a, 1)
    """
    n_x, T, m = x_steps.shape
    dz = dz_steps.reshape(-1, T * m)
    return (W_x.T @ dz).reshape(n_x, T, m), dz @ x_steps.reshape(n_x, T * m).T, dz.sum(axis=1, keepdims=True)


def softmax_predictions(a, parameters):
    """softmax(Wya a + by) when the parameters have an output layer, else None.

    a -- shape (n_a, m) or (n_a, m, T)
    """
    if "Wya" not in parameters:
        return None
    return output_forward(a, parameters["Wya"], parameters["by"], "softmax")[0]
