r"""Bidirectional recurrent layer and the bidirectional RNN (BRNN).

Two recurrences with their own parameters read the same sequence: a→<t>
left to right, a←<t> right to left (a←<T_x> first). Both are ordinary
forward propagation; only the direction of reading differs. The output at t
sees the whole sentence:

.. math::

    \hat y^{<t>} = g(W_{ya} [\overrightarrow{a}^{<t>}; \overleftarrow{a}^{<t>}] + b_y)

The price: the whole sequence must be known before the first output, so a
BRNN suits text that is already written, not speech that is still arriving.
Any of the three cells ("rnn", "gru", "lstm") can sit in either direction.

Parameters of a bidirectional layer are a pair (forward dict, backward dict),
as reference_impl.torch_models.convert expects; both initial states are zero.
"""
from typing import NamedTuple

import numpy as np

from ._gates import initialize_from_shapes
from ._validate import require_sequence
from .output import output_backward, output_forward
from .recurrent_layer import (
    LayerCache,
    initialize_layer_parameters,
    layer_backward,
    layer_forward,
    parameter_gradients,
)


class BidirectionalCache(NamedTuple):
    """bidirectional_forward's cache; unpacks as (forward_cache, backward_cache, n_a).

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """

    forward_cache: LayerCache  #: of a→, left to right
    backward_cache: LayerCache  #: of a←, run on the time-reversed sequence
    n_a: int  #: rows of each direction's states


class BRNNCache(NamedTuple):
    """brnn_forward's cache; unpacks as (layer_cache, output_cache).

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """

    layer_cache: BidirectionalCache
    output_cache: tuple  #: OutputCache of ŷ = g(Wya [a→; a←] + by)


def _check_pair(parameters):
    if not (isinstance(parameters, (tuple, list)) and len(parameters) == 2
            and all(isinstance(p, dict) for p in parameters)):
        raise ValueError("a bidirectional layer takes parameters = (forward dict, backward dict)")
    return parameters


def initialize_bidirectional_parameters(cell, n_x, n_a, seed=0, **options):
    """(forward dict, backward dict) of recurrent parameters, drawn from seeds seed and seed + 1.

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """
    return (initialize_layer_parameters(cell, n_x, n_a, seed, **options),
            initialize_layer_parameters(cell, n_x, n_a, seed + 1, **options))


def bidirectional_forward(cell, x, parameters, **options):
    """Hidden states of both directions, stacked.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    x : ndarray, shape (n_x, m, T_x)
        inputs
    parameters
        (forward dict, backward dict), each the cell's recurrent parameters
    options
        cell options (variant for the GRU)

    Returns
    -------
    a : ndarray, shape (2 n_a, m, T_x)
        [a→<t>; a←<t>] for every t
    cache : BidirectionalCache
        (forward_cache, backward_cache, n_a), for :func:`bidirectional_backward`
    """
    forward_parameters, backward_parameters = _check_pair(parameters)
    x = require_sequence("x", x)
    a_forward, forward_cache = layer_forward(cell, x, None, forward_parameters, **options)
    # The backward direction is the same layer run on the time-reversed sequence.
    a_reversed, backward_cache = layer_forward(cell, x[:, :, ::-1], None, backward_parameters, **options)
    a = np.concatenate([a_forward, a_reversed[:, :, ::-1]], axis=0)  # [a→<t>; a←<t>]
    return a, BidirectionalCache(forward_cache, backward_cache, a_forward.shape[0])


def bidirectional_backward(da, cache):
    """Gradients of bidirectional_forward.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    da : ndarray, shape (2 n_a, m, T_x)
        gradient with respect to a
    cache
        from :func:`bidirectional_forward`

    Returns
    -------
    gradients : dict
        with dx (n_x, m, T_x) and dparameters, a pair (forward, backward) of dicts with "d" + name for every
        recurrent parameter
    """
    n_a = cache.n_a
    da = require_sequence("da", da)
    if da.shape[0] != 2 * n_a:
        raise ValueError(f"da must have shape (2 n_a = {2 * n_a}, m, T_x), got {da.shape}")
    forward_grads = layer_backward(da[:n_a], cache.forward_cache)
    # a←'s gradient, reversed in time like a← itself; its dx is reversed back below
    backward_grads = layer_backward(da[n_a:, :, ::-1], cache.backward_cache)
    dx = forward_grads["dx"] + backward_grads["dx"][:, :, ::-1]
    return {"dx": dx, "dparameters": (parameter_gradients(forward_grads), parameter_gradients(backward_grads))}


def initialize_brnn_parameters(cell, n_x, n_a, n_y, seed=0, **options):
    """BRNN parameters: dict with forward, backward (recurrent dicts), Wya (n_y, 2 n_a), by (n_y, 1).

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """
    forward_parameters, backward_parameters = initialize_bidirectional_parameters(cell, n_x, n_a, seed, **options)
    parameters = initialize_from_shapes({"Wya": (n_y, 2 * n_a), "by": (n_y, 1)}, seed + 2)
    parameters.update(forward=forward_parameters, backward=backward_parameters)
    return parameters


def brnn_forward(cell, x, parameters, activation="sigmoid", **options):
    """Predictions of a BRNN, ŷ<t> = g(Wya [a→<t>; a←<t>] + by) at every step.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    x : ndarray, shape (n_x, m, T_x)
        inputs
    parameters : dict
        with forward, backward (recurrent parameter dicts), Wya (n_y, 2 n_a), by (n_y, 1)
    activation
        g: "sigmoid" (a yes/no tag per step) or "softmax" (k classes)

    Returns
    -------
    y_pred : ndarray, shape (n_y, m, T_x)
    cache : BRNNCache
        (layer_cache, output_cache), for :func:`brnn_backward`
    """
    a, layer_cache = bidirectional_forward(cell, x, (parameters["forward"], parameters["backward"]), **options)
    y_pred, output_cache = output_forward(a, parameters["Wya"], parameters["by"], activation)
    return y_pred, BRNNCache(layer_cache, output_cache)


def brnn_backward(dz, cache):
    """Gradients of brnn_forward given dz, the gradient with respect to Wya [a→; a←] + by.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    dz : ndarray, shape (n_y, m, T_x)
        e.g. the second output of binary_cross_entropy
    cache
        from :func:`brnn_forward`

    Returns
    -------
    gradients : dict
        with dx (n_x, m, T_x), dWya, dby, and dforward, dbackward (dicts with "d" + name for every recurrent
        parameter)
    """
    head = output_backward(dz, cache.output_cache)
    grads = bidirectional_backward(head.pop("da"), cache.layer_cache)
    forward_grads, backward_grads = grads["dparameters"]
    return {"dx": grads["dx"], "dforward": forward_grads, "dbackward": backward_grads, **head}
