"""Numerically stable activations used by every cell.

Both functions are written so that no ``exp`` ever sees a large positive
argument: ``exp(-|z|)`` is always in (0, 1].
"""
import numpy as np


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), elementwise, without overflow.

    See the chapter :doc:`/book/chapters/03_rnn_forward`.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z, axis=0):
    """Softmax along ``axis`` (the class axis, 0 for column examples).

    See the chapter :doc:`/book/chapters/03_rnn_forward`.
    """
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
