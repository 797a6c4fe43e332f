r"""Deep RNNs: L recurrent layers stacked, each reading the hidden states of the one below.

In the notes' notation, layer l at time t combines its own past and the layer below:

.. math::

    a^{[l]<t>} &= g(W_a^{[l]} [a^{[l]<t-1>}; a^{[l-1]<t>}] + b_a^{[l]}), \qquad a^{[0]<t>} = x^{<t>} \\
    \hat y^{<t>} &= g_y(W_{ya} a^{[L]<t>} + b_y)

Each layer can be any cell, and can be bidirectional: a bidirectional layer
passes [a→[l]<t>; a←[l]<t>] (2 n_a rows) up to the next one, as
torch.nn.RNN/GRU/LSTM(num_layers=L, bidirectional=True) do. Three layers is
already deep for a recurrent net: every layer is unrolled over all T_x steps.

Parameters of the stack are a list with one entry per layer: a dict for a
one-way layer, a (forward dict, backward dict) pair for a bidirectional one,
the structure reference_impl.torch_models.convert uses. Initial states are zero.
"""
from typing import NamedTuple

from ._gates import initialize_from_shapes
from ._validate import require_sequence
from .bidirectional import bidirectional_backward, bidirectional_forward, initialize_bidirectional_parameters
from .output import output_backward, output_forward
from .recurrent_layer import initialize_layer_parameters, layer_backward, layer_forward, parameter_gradients


class DeepLayerCache(NamedTuple):
    """One layer's entry in deep_forward's cache (a list, bottom layer first); unpacks as (one_way, cache).

    See the chapter :doc:`/book/chapters/12_deep_rnn`.
    """

    one_way: bool  #: whether the layer is one-way (cache is a LayerCache) or bidirectional (a BidirectionalCache)
    cache: tuple


class DeepRNNCache(NamedTuple):
    """deep_rnn_forward's cache; unpacks as (stack_cache, output_cache).

    See the chapter :doc:`/book/chapters/12_deep_rnn`.
    """

    stack_cache: list  #: deep_forward's cache, one DeepLayerCache per layer
    output_cache: tuple  #: OutputCache of ŷ = g(Wya a[L] + by)




def initialize_deep_parameters(cell, n_x, n_a, n_y, n_layers, bidirectional=False, seed=0, **options):
    """Parameters of a deep RNN with an output layer.

    See the chapter :doc:`/book/chapters/12_deep_rnn`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    n_x, n_a, n_y
        input, hidden (per direction) and output sizes
    n_layers
        L, at least 1
    bidirectional
        every layer bidirectional
    seed
        random seed; layer l uses seeds derived from it
    options
        cell options (variant for the GRU, peepholes for the LSTM)

    Returns
    -------
    parameters : dict
        with layers (list of L dicts, or of (forward, backward) pairs), Wya (n_y, n_a or 2 n_a), by (n_y, 1)
    """
    if not (isinstance(n_layers, int) and n_layers >= 1):
        raise ValueError(f"n_layers must be a positive integer, got {n_layers!r}")
    width = 2 * n_a if bidirectional else n_a
    layers = []
    for l in range(n_layers):
        n_in = n_x if l == 0 else width
        if bidirectional:
            layers.append(initialize_bidirectional_parameters(cell, n_in, n_a, seed + 10 * l, **options))
        else:
            layers.append(initialize_layer_parameters(cell, n_in, n_a, seed + 10 * l, **options))
    parameters = initialize_from_shapes({"Wya": (n_y, width), "by": (n_y, 1)}, seed + 10 * n_layers)
    parameters["layers"] = layers
    return parameters


def deep_forward(cell, x, layers, **options):
    """Hidden states of the top layer of a stack.

    See the chapter :doc:`/book/chapters/12_deep_rnn`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    x : ndarray, shape (n_x, m, T_x)
        inputs
    layers
        list of L layer parameters: a dict (one-way) or a (forward, backward) pair (bidirectional)
    options
        cell options (variant for the GRU)

    Returns
    -------
    a
        a[L], shape (n_a, m, T_x), or (2 n_a, m, T_x) when the top layer is bidirectional
    cache
        list of L DeepLayerCache (one_way, cache), bottom layer first, for :func:`deep_backward`
    """
    if not (isinstance(layers, list) and layers):
        raise ValueError("layers must be a non-empty list of layer parameters (dicts or (forward, backward) pairs)")
    a = require_sequence("x", x)
    caches = []
    for parameters in layers:
        if isinstance(parameters, dict):
            a, cache = layer_forward(cell, a, None, parameters, **options)
        else:
            a, cache = bidirectional_forward(cell, a, parameters, **options)
        caches.append(DeepLayerCache(isinstance(parameters, dict), cache))
    return a, caches


def deep_backward(da, cache):
    """Gradients of deep_forward given da, the gradient of the top layer's states.

    See the chapter :doc:`/book/chapters/12_deep_rnn`.

    Returns
    -------
    gradients : dict
        with dx (n_x, m, T_x) and dlayers, a list mirroring layers: per layer a dict with "d" + name for every
        parameter, or a pair of them
    """
    dlayers = []
    for layer in reversed(cache):
        if layer.one_way:
            grads = layer_backward(da, layer.cache)
            dlayers.append(parameter_gradients(grads))
        else:
            grads = bidirectional_backward(da, layer.cache)
            dlayers.append(grads["dparameters"])
        da = grads["dx"]  # the input of layer l is the output of layer l - 1
    return {"dx": da, "dlayers": dlayers[::-1]}


def deep_rnn_forward(cell, x, parameters, activation="softmax", **options):
    """Predictions of a deep RNN, ŷ<t> = g(Wya a[L]<t> + by) at every step.

    See the chapter :doc:`/book/chapters/12_deep_rnn`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    x : ndarray, shape (n_x, m, T_x)
        inputs
    parameters : dict
        with layers (see deep_forward), Wya, by
    activation
        "softmax" or "sigmoid"

    Returns
    -------
    y_pred : ndarray, shape (n_y, m, T_x)
    cache : DeepRNNCache
        (stack_cache, output_cache), for :func:`deep_rnn_backward`
    """
    a, stack_cache = deep_forward(cell, x, parameters["layers"], **options)
    y_pred, output_cache = output_forward(a, parameters["Wya"], parameters["by"], activation)
    return y_pred, DeepRNNCache(stack_cache, output_cache)


def deep_rnn_backward(dz, cache):
    """Gradients of deep_rnn_forward given dz, the gradient with respect to Wya a[L] + by.

    See the chapter :doc:`/book/chapters/12_deep_rnn`.

    Returns
    -------
    gradients : dict
        with dx, dlayers (as deep_backward), dWya, dby
    """
    head = output_backward(dz, cache.output_cache)
    grads = deep_backward(head.pop("da"), cache.stack_cache)
    grads.update(head)  # dWya, dby
    return grads
