r"""Output layers and losses on top of any recurrent layer.

.. math::

    \hat y^{<t>} = g(W_{ya} a^{<t>} + b_y)

with g = softmax for a k-way output (language model) or sigmoid for a yes/no
tag per step (name tagging). Each loss is
summed over time steps and averaged over the m examples of the batch, and
returns its gradient with respect to the pre-activation z = Wya a + by: for
softmax with cross-entropy and for sigmoid with binary cross-entropy that
gradient is the same simple y_hat - y.
"""
from typing import NamedTuple

import numpy as np

from ._validate import require_array, require_shape
from .activations import sigmoid, softmax

ACTIVATIONS = {"softmax": softmax, "sigmoid": sigmoid}
_LOG_FLOOR = 1e-12  # keeps log() finite when a probability underflows to 0


class OutputCache(NamedTuple):
    """output_forward's cache; unpacks as (a, Wya).

    See the chapter :doc:`/book/chapters/03_rnn_forward`.
    """

    a: np.ndarray  #: the hidden states the layer read, (n_a, m) or (n_a, m, T)
    Wya: np.ndarray  #: shape (n_y, n_a)


class ManyToOneCache(NamedTuple):
    """many_to_one_forward's cache; unpacks as (output_cache, T_x).

    See the chapter :doc:`/book/chapters/05_architectures`.
    """

    output_cache: OutputCache  #: of the output layer at the last step
    T_x: int  #: sequence length, to put da back at step T_x


def output_forward(a, Wya, by, activation="softmax"):
    """Dense output layer applied at every time step.

    See the chapter :doc:`/book/chapters/03_rnn_forward`.

    Parameters
    ----------
    a
        hidden states, shape (n_a, m) for one step or (n_a, m, T) for a sequence
    Wya : ndarray, shape (n_y, n_a)
    by : ndarray, shape (n_y, 1)
    activation
        "softmax" (over the n_y classes) or "sigmoid" (each unit on its own)

    Returns
    -------
    y_pred
        shape (n_y, m) or (n_y, m, T)
    cache : OutputCache
        (a, Wya), for :func:`output_backward`
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    a = np.asarray(a, dtype=float)
    if a.ndim not in (2, 3):
        raise ValueError(f"a must have shape (n_a, m) or (n_a, m, T), got {a.shape}")
    n_a = a.shape[0]
    Wya = require_shape("Wya", Wya, (None, n_a))
    by = require_shape("by", by, (Wya.shape[0], 1))
    # z<t> = Wya a<t> + by at every step t, then ŷ<t> = g(z<t>)
    z = np.tensordot(Wya, a, axes=(1, 0)) + by.reshape(by.shape + (1,) * (a.ndim - 2))
    return ACTIVATIONS[activation](z), OutputCache(a, Wya)


def output_backward(dz, cache):
    """Gradients of output_forward given dz, the gradient with respect to Wya a + by.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    dz
        shape of y_pred: (n_y, m) or (n_y, m, T)
    cache
        from :func:`output_forward`

    Returns
    -------
    gradients : dict
        with da (shape of a), dWya (n_y, n_a), dby (n_y, 1)
    """
    a, Wya = cache
    dz = require_shape("dz", dz, (Wya.shape[0],) + a.shape[1:])
    sum_axes = tuple(range(1, a.ndim))
    return {
        "da": np.tensordot(Wya.T, dz, axes=(1, 0)),  # da<t> = Wya^T dz<t>
        "dWya": np.tensordot(dz, a, axes=(sum_axes, sum_axes)),  # dWya = sum over t of dz<t> a<t>^T
        "dby": np.sum(dz, axis=sum_axes).reshape(-1, 1),  # dby = sum over t and the examples of dz<t>
    }


def _check_targets(y_pred, y, mask):
    y_pred = require_array("y_pred", y_pred, np.ndim(y_pred))
    y = require_shape("y", y, y_pred.shape)
    if mask is None:
        mask = np.ones((1,) + y_pred.shape[1:])
    mask = require_shape("mask", mask, (1,) + y_pred.shape[1:])
    return y_pred, y, mask


def softmax_cross_entropy(y_pred, y, mask=None):
    """Cross-entropy of softmax predictions, summed over t, averaged over examples.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    y_pred
        softmax outputs, shape (n_y, m, T) (or (n_y, m) for one step)
    y
        one-hot targets, same shape
    mask : ndarray, shape (1, m, T)
        optional 0/1 array: steps with 0 (padding) add nothing

    Returns
    -------
    loss
        float
    dz
        gradient with respect to the softmax input, shape of y_pred
    """
    y_pred, y, mask = _check_targets(y_pred, y, mask)
    m = y_pred.shape[1]
    loss = -np.sum(mask * y * np.log(np.maximum(y_pred, _LOG_FLOOR))) / m
    return float(loss), mask * (y_pred - y) / m


def binary_cross_entropy(y_pred, y, mask=None):
    """Binary cross-entropy of sigmoid predictions, summed over t and units, averaged over examples.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    y_pred
        sigmoid outputs in (0, 1), shape (n_y, m, T) (or (n_y, m))
    y
        0/1 targets, same shape
    mask : ndarray, shape (1, m, T)
        optional 0/1 array: steps with 0 (padding) add nothing

    Returns
    -------
    loss
        float
    dz
        gradient with respect to the sigmoid input, shape of y_pred
    """
    y_pred, y, mask = _check_targets(y_pred, y, mask)
    m = y_pred.shape[1]
    p = np.clip(y_pred, _LOG_FLOOR, 1.0 - _LOG_FLOOR)
    loss = -np.sum(mask * (y * np.log(p) + (1.0 - y) * np.log(1.0 - p))) / m
    return float(loss), mask * (y_pred - y) / m


LOSSES = {"softmax": softmax_cross_entropy, "sigmoid": binary_cross_entropy}


def many_to_one_forward(a, Wya, by, activation="softmax"):
    """Output read from the last hidden state only (sentiment-style many-to-one).

    See the chapter :doc:`/book/chapters/05_architectures`.

    Parameters
    ----------
    a : ndarray, shape (n_a, m, T_x)
        hidden states

    Returns
    -------
    y_pred : ndarray, shape (n_y, m)
    cache : ManyToOneCache
        (output_cache, T_x), for :func:`many_to_one_backward`
    """
    a = require_array("a", a, 3)
    y_pred, cache = output_forward(a[:, :, -1], Wya, by, activation)
    return y_pred, ManyToOneCache(cache, a.shape[2])


def many_to_one_backward(dz, cache):
    """Gradients of many_to_one_forward; da is zero except at the last step.

    See the chapter :doc:`/book/chapters/05_architectures`.

    Returns
    -------
    gradients : dict
        with da (n_a, m, T_x), dWya (n_y, n_a), dby (n_y, 1)
    """
    grads = output_backward(dz, cache.output_cache)
    da_last = grads["da"]
    da = np.zeros(da_last.shape + (cache.T_x,))
    da[:, :, -1] = da_last
    grads["da"] = da
    return grads
