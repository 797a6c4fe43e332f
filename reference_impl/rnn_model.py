"""A whole many-to-many or many-to-one RNN model: recurrence, output layer, loss.

This is the piece the language model and the tagging experiments train:
forward gives the loss, backward gives a gradient for every parameter
(dWax, dWaa, dba, dWya, dby) and for the initial state.
"""
from typing import NamedTuple

import numpy as np

from .output import LOSSES, many_to_one_backward, many_to_one_forward, output_backward, output_forward
from .rnn import RNNCache, rnn_backward, rnn_forward


class RNNModelCache(NamedTuple):
    """rnn_model_forward's cache; unpacks as (rnn_cache, output_cache, dz, many_to_one).

    See the chapter :doc:`/book/chapters/04_bptt`.
    """

    rnn_cache: RNNCache  #: of the recurrence, for rnn_backward
    output_cache: tuple  #: OutputCache, or ManyToOneCache when many_to_one
    dz: np.ndarray  #: gradient of the loss with respect to the output layer's pre-activation
    many_to_one: bool  #: the output was read from the last step only


def rnn_model_forward(x, y, a0, parameters, output="softmax", mask=None, many_to_one=False):
    """Loss of an RNN with a dense output layer.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        inputs
    y
        targets: (n_y, m, T_x) one-hot (softmax) or 0/1 (sigmoid); (n_y, m) when many_to_one
    a0 : ndarray, shape (n_a, m)
        initial hidden state
    parameters : dict
        with Wax, Waa, Wya, ba, by
    output
        "softmax" (k-way output, cross-entropy) or "sigmoid" (binary tag, binary cross-entropy)
    mask
        optional (1, m, T_x) 0/1 array marking real (1) and padding (0) steps
    many_to_one
        read the output from the last step only

    Returns
    -------
    loss
        float, summed over time steps, averaged over examples
    y_pred
        predictions, shape of y
    cache : RNNModelCache
        (rnn_cache, output_cache, dz, many_to_one), for :func:`rnn_model_backward`
    """
    if output not in LOSSES:
        raise ValueError(f"output must be one of {sorted(LOSSES)}, got {output!r}")
    a, _, rnn_caches = rnn_forward(x, a0, parameters)
    if many_to_one:
        y_pred, output_cache = many_to_one_forward(a, parameters["Wya"], parameters["by"], output)
        loss, dz = LOSSES[output](y_pred, y)
    else:
        y_pred, output_cache = output_forward(a, parameters["Wya"], parameters["by"], output)
        loss, dz = LOSSES[output](y_pred, y, mask)
    return loss, y_pred, RNNModelCache(rnn_caches, output_cache, dz, many_to_one)


def rnn_model_backward(cache):
    """Gradients of rnn_model_forward's loss.

    It takes no upstream gradient: the forward pass ended in the loss, so its
    gradient dz with respect to the output layer's input is already in the cache.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    cache
        from :func:`rnn_model_forward`

    Returns
    -------
    gradients : dict
        with dWax, dWaa, dba, dWya, dby (shapes of the parameters), dx (n_x, m, T_x) and da0 (n_a, m)
    """
    backward = many_to_one_backward if cache.many_to_one else output_backward
    head = backward(cache.dz, cache.output_cache)
    grads = rnn_backward(head["da"], cache.rnn_cache)
    grads["dWya"] = head["dWya"]
    grads["dby"] = head["dby"]
    return grads
