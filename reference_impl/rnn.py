r"""The basic RNN cell and its unrolled sequence, forward and backward.

In the notation of the notes:

.. math::

    a^{<t>} = \tanh(W_{aa} a^{<t-1>} + W_{ax} x^{<t>} + b_a), \qquad
    \hat y^{<t>} = \mathrm{softmax}(W_{ya} a^{<t>} + b_y)

Examples are columns, so one time step is an (n, m) array and a whole
sequence an (n, m, T_x) array.

Caches are named tuples: ``cache.a_prev`` reads like the notes, and a
student's ``a_next, a_prev, xt, parameters = cache`` still unpacks them.
"""
from typing import NamedTuple

import numpy as np

from ._validate import require_keys, require_sequence, require_shape
from .output import output_forward

RNN_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
RECURRENT_KEYS = ("Wax", "Waa", "ba")  # all a layer inside a deep or bidirectional net needs


class RNNCellCache(NamedTuple):
    """What rnn_cell_backward needs of one step; unpacks as (a_next, a_prev, xt, parameters).

    See the chapter :doc:`/book/chapters/03_rnn_forward`.
    """

    a_next: np.ndarray  #: a<t>, shape (n_a, m)
    a_prev: np.ndarray  #: a<t-1>, shape (n_a, m)
    xt: np.ndarray  #: x<t>, shape (n_x, m)
    parameters: dict  #: Wax, Waa, ba (and Wya, by)


class RNNCache(NamedTuple):
    """What rnn_backward needs of a sequence; unpacks as (cell_caches, x).

    See the chapter :doc:`/book/chapters/03_rnn_forward`.
    """

    cell_caches: list  #: one RNNCellCache per step t = 1..T_x
    x: np.ndarray  #: inputs, shape (n_x, m, T_x)


def rnn_parameter_shapes(n_x, n_a, n_y):
    """Shape of every RNN parameter, keyed as in the parameter dict.

    See the chapter :doc:`/book/chapters/03_rnn_forward`.
    """
    return {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "ba": (n_a, 1), "by": (n_y, 1)}


def initialize_rnn_parameters(n_x, n_a, n_y, seed=0, scale=None):
    """Random RNN parameters (Xavier-style scale 1/sqrt(fan_in)), zero biases.

    See the chapter :doc:`/book/chapters/03_rnn_forward`.

    Returns
    -------
    parameters : dict
        with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    for name, shape in rnn_parameter_shapes(n_x, n_a, n_y).items():
        if name.startswith("b"):
            parameters[name] = np.zeros(shape)
        else:
            std = scale if scale is not None else 1.0 / np.sqrt(shape[1])
            parameters[name] = rng.normal(0.0, std, size=shape)
    return parameters


def _check_rnn_parameters(parameters, output_layer=True):
    """Validate the dict; without output_layer only Wax, Waa, ba are needed (n_y is then None)."""
    require_keys("parameters", parameters, RNN_KEYS if output_layer else RECURRENT_KEYS)
    n_a, n_x = np.shape(parameters["Wax"])
    n_y = np.shape(parameters["Wya"])[0] if output_layer else None
    for name, shape in rnn_parameter_shapes(n_x, n_a, n_y).items():
        if output_layer or name in RECURRENT_KEYS:
            require_shape(f"parameters['{name}']", parameters[name], shape)
    return n_x, n_a, n_y


def _rnn_step(xt, a_prev, parameters):
    """The recurrence alone, and the cell cache."""
    # a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    return a_next, RNNCellCache(a_next, a_prev, xt, parameters)


def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN.

    See the chapter :doc:`/book/chapters/03_rnn_forward`.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        input at time t
    a_prev : ndarray, shape (n_a, m)
        hidden state at time t-1
    parameters : dict
        with the entries

        - Wax: shape (n_a, n_x)
        - Waa: shape (n_a, n_a)
        - Wya: shape (n_y, n_a)
        - ba: shape (n_a, 1)
        - by: shape (n_y, 1)

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
        hidden state at time t
    yt_pred : ndarray, shape (n_y, m)
        softmax prediction at time t
    cache : RNNCellCache
        (a_next, a_prev, xt, parameters), for :func:`rnn_cell_backward`
    """
    n_x, n_a, _ = _check_rnn_parameters(parameters)
    xt = require_shape("xt", xt, (n_x, None))
    a_prev = require_shape("a_prev", a_prev, (n_a, xt.shape[1]))
    a_next, cache = _rnn_step(xt, a_prev, parameters)
    yt_pred, _ = output_forward(a_next, parameters["Wya"], parameters["by"], "softmax")
    return a_next, yt_pred, cache


def rnn_cell_backward(da_next, cache):
    """Gradients of one RNN step with respect to its inputs and parameters.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        gradient of the loss with respect to a_next
    cache
        from :func:`rnn_cell_forward`

    Returns
    -------
    gradients : dict
        with the entries

        - dxt: shape (n_x, m)
        - da_prev: shape (n_a, m)
        - dWax: shape (n_a, n_x)
        - dWaa: shape (n_a, n_a)
        - dba: shape (n_a, 1)
    """
    a_next, a_prev, xt, parameters = cache
    da_next = require_shape("da_next", da_next, a_next.shape)
    # dz<t> = da<t> * (1 - a<t>^2): d tanh(z)/dz = 1 - tanh(z)^2, and a<t> already is tanh(z<t>)
    dz = (1.0 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dz,  # dx<t> = Wax^T dz<t>
        "da_prev": parameters["Waa"].T @ dz,  # da<t-1> = Waa^T dz<t>
        "dWax": dz @ xt.T,  # dWax = dz<t> x<t>^T
        "dWaa": dz @ a_prev.T,  # dWaa = dz<t> a<t-1>^T
        "dba": np.sum(dz, axis=1, keepdims=True),  # dba = sum over the examples of dz<t>
    }


def rnn_forward(x, a0, parameters):
    """The RNN unrolled over T_x time steps.

    See the chapter :doc:`/book/chapters/03_rnn_forward`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        inputs
    a0 : ndarray, shape (n_a, m)
        initial hidden state
    parameters
        as for :func:`rnn_cell_forward`

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        hidden states a<1>..a<T_x>
    y_pred : ndarray, shape (n_y, m, T_x)
        softmax predictions
    caches : RNNCache
        (list of the T_x cell caches, x), for :func:`rnn_backward`
    """
    _check_rnn_parameters(parameters)
    a, caches = rnn_layer_forward(x, a0, parameters)
    y_pred, _ = output_forward(a, parameters["Wya"], parameters["by"], "softmax")
    return a, y_pred, caches


def rnn_layer_forward(x, a0, parameters):
    """The recurrence of rnn_forward without the output layer (a layer of a deep or bidirectional net).

    See the chapter :doc:`/book/chapters/03_rnn_forward`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        inputs
    a0 : ndarray, shape (n_a, m)
        initial hidden state
    parameters : dict
        with Wax (n_a, n_x), Waa (n_a, n_a), ba (n_a, 1); Wya, by are not needed

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        hidden states a<1>..a<T_x>
    caches : RNNCache
        (list of the T_x cell caches, x), for :func:`rnn_backward`
    """
    n_x, n_a, _ = _check_rnn_parameters(parameters, output_layer=False)
    x = require_sequence("x", x)
    require_shape("x", x, (n_x, None, None))
    m, T_x = x.shape[1], x.shape[2]
    a_next = require_shape("a0", a0, (n_a, m))
    a = np.zeros((n_a, m, T_x))
    caches = []
    for t in range(T_x):
        a_next, cache = _rnn_step(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, RNNCache(caches, x)


def rnn_backward(da, caches):
    """Backpropagation through time for rnn_forward.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    da
        gradient of the loss with respect to every hidden state, from the layers above (not through the
        recurrence), shape (n_a, m, T_x)
    caches
        from :func:`rnn_forward`

    Returns
    -------
    gradients : dict
        with the entries

        - dx: shape (n_x, m, T_x)
        - da0: shape (n_a, m)
        - dWax: shape (n_a, n_x)
        - dWaa: shape (n_a, n_a)
        - dba: shape (n_a, 1)
    """
    cell_caches, x = caches
    n_a, m = cell_caches[0].a_next.shape
    T_x = len(cell_caches)
    da = require_shape("da", da, (n_a, m, T_x))
    parameters = cell_caches[0].parameters
    grads = {name: np.zeros_like(parameters[name]) for name in ("Wax", "Waa", "ba")}
    dx = np.zeros_like(x, dtype=float)
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        # a<t> feeds both the output at t and the next step, so its gradients add.
        step = rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for name in grads:
            grads[name] += step["d" + name]
    return {"dx": dx, "da0": da_prev, "dWax": grads["Wax"], "dWaa": grads["Waa"], "dba": grads["ba"]}
