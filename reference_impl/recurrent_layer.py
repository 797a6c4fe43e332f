"""One interface over the three cells, so that bidirectional and deep nets take any of them.

A recurrent layer maps x of shape (n_x, m, T_x) to hidden states a of shape
(n_a, m, T_x), with no output layer. ``cell`` names the cell:

- "rnn": parameters Wax, Waa, ba (reference_impl.rnn)
- "gru": parameters Wu, Wr, Wc, bu, br, bc; option ``variant`` (reference_impl.gru)
- "lstm": parameters Wf, Wi, Wc, Wo, bf, bi, bc, bo, optional pf, pi, po (reference_impl.lstm);
  its memory cell starts at c<0> = 0 and stays inside the layer

The initial state a0 defaults to zeros. The GRU's hidden state is its memory
cell c, so its initial-state gradient comes back as da0 like the others'.
"""
from typing import NamedTuple

import numpy as np

from .gru import gru_backward, gru_forward, initialize_gru_parameters
from .lstm import initialize_lstm_parameters, lstm_backward, lstm_forward
from .rnn import RECURRENT_KEYS, initialize_rnn_parameters, rnn_backward, rnn_layer_forward

CELLS = ("rnn", "gru", "lstm")
_OPTIONS = {"rnn": (), "gru": ("variant",), "lstm": ()}


class LayerCache(NamedTuple):
    """layer_forward's cache; unpacks as (cell, caches).

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """

    cell: str  #: "rnn", "gru" or "lstm"
    caches: tuple  #: the cell's sequence cache (RNNCache, GRUCache or LSTMCache)


def _check_cell(cell, options):
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    unknown = sorted(set(options) - set(_OPTIONS[cell]))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} for cell {cell!r}; it accepts {list(_OPTIONS[cell])}")


def initialize_layer_parameters(cell, n_x, n_a, seed=0, peepholes=False, **options):
    """Random parameters of one recurrent layer (no output layer).

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    n_x, n_a
        input and hidden sizes
    seed
        random seed
    peepholes
        LSTM only: add pf, pi, po
    options
        variant="notes" | "reset_after" | "simplified" for the GRU

    Returns
    -------
    parameters : dict
        dict of the cell's recurrent parameters (shapes as in its module)
    """
    _check_cell(cell, options)
    if peepholes and cell != "lstm":
        raise ValueError(f"peepholes exist only for cell 'lstm', got cell {cell!r}")
    if cell == "rnn":
        full = initialize_rnn_parameters(n_x, n_a, 1, seed)
        return {name: full[name] for name in RECURRENT_KEYS}
    if cell == "gru":
        return initialize_gru_parameters(n_x, n_a, None, seed, **options)
    return initialize_lstm_parameters(n_x, n_a, None, seed, peepholes=peepholes)


def layer_forward(cell, x, a0, parameters, **options):
    """Hidden states of one recurrent layer over a sequence.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    x : ndarray, shape (n_x, m, T_x)
        inputs
    a0
        initial hidden state, shape (n_a, m), or None for zeros
    parameters
        the cell's recurrent parameters (an output layer Wya, by is ignored)
    options
        variant for the GRU

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        hidden states
    cache : LayerCache
        (cell, caches), for :func:`layer_backward`
    """
    _check_cell(cell, options)
    if a0 is None:
        size_key = "Waa" if cell == "rnn" else "bc"  # a parameter whose first axis is n_a
        if size_key not in parameters:
            raise ValueError(f"parameters is missing {size_key!r}, which a {cell!r} layer needs")
        n_a = np.shape(parameters[size_key])[0]
        a0 = np.zeros((n_a, np.shape(x)[1] if np.ndim(x) == 3 else 0))
    if cell == "rnn":
        a, caches = rnn_layer_forward(x, a0, parameters)
    elif cell == "gru":
        recurrent = {k: v for k, v in parameters.items() if k not in ("Wya", "by")}
        a, _, caches = gru_forward(x, a0, recurrent, **options)
    else:
        recurrent = {k: v for k, v in parameters.items() if k not in ("Wya", "by")}
        a, _, _, caches = lstm_forward(x, a0, recurrent)
    return a, LayerCache(cell, caches)


def layer_backward(da, cache):
    """Gradients of layer_forward given da, the gradient of its hidden states from above.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
    cache
        from :func:`layer_forward`

    Returns
    -------
    gradients : dict
        with dx (n_x, m, T_x), da0 (n_a, m) and "d" + name for every recurrent parameter
    """
    if cache.cell == "rnn":
        return rnn_backward(da, cache.caches)
    if cache.cell == "gru":
        grads = gru_backward(da, cache.caches)
        grads["da0"] = grads.pop("dc0")
        return grads
    return lstm_backward(da, cache.caches)


def parameter_gradients(gradients):
    """A layer's gradients without dx and da0: one "d" + name entry per parameter.

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """
    return {k: v for k, v in gradients.items() if k not in ("dx", "da0")}


def flatten_parameters(parameters, gradients):
    """Flat views of nested parameters and their gradients, for optimisers, clipping and gradient checks.

    Nested means dicts, lists and (forward, backward) pairs of arrays, as the
    deep and bidirectional nets use; the gradients mirror that structure with
    every dict key prefixed by "d" (dlayers for layers, dWf for Wf).

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    parameters
        nested structure of float arrays
    gradients
        the matching gradients

    Returns
    -------
    flat_parameters : dict
        dict path -> array (the same arrays, so in-place updates reach the nested dicts)
    flat_gradients : dict
        dict "d" + path -> array
    """
    flat_parameters, flat_gradients = {}, {}

    def walk(p, g, path):
        if isinstance(p, np.ndarray):
            flat_parameters[path] = p
            flat_gradients["d" + path] = g
        elif isinstance(p, dict):
            for name, value in p.items():
                if "d" + name not in g:
                    raise ValueError(f"gradients lack 'd{name}' (under {path or 'the top level'!r})")
                walk(value, g["d" + name], f"{path}.{name}" if path else name)
        elif isinstance(p, (list, tuple)) and len(p) == len(g):
            for k, (value, grad) in enumerate(zip(p, g)):
                walk(value, grad, f"{path}.{k}" if path else str(k))
        else:
            raise ValueError(f"cannot match parameters and gradients at {path!r}: {type(p).__name__}")

    walk(parameters, gradients, "")
    return flat_parameters, flat_gradients
