"""Input checks shared by every public function.

A wrong shape deep inside a matrix product gives NumPy's terse broadcasting
error; these checks turn it into a message that names the argument, the
shape it had and the shape the function expected.
"""
import numpy as np


def require_array(name, value, ndim):
    """Return ``value`` as a float array with ``ndim`` dimensions, or raise ValueError."""
    array = np.asarray(value)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must be a numeric array, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimensions, got shape {array.shape}"
        )
    return array


def require_shape(name, value, expected):
    """Raise ValueError unless ``value.shape`` matches ``expected``.

    ``expected`` is a tuple of ints or None; None accepts any size on that axis.
    """
    array = require_array(name, value, len(expected))
    for actual, wanted in zip(array.shape, expected):
        if wanted is not None and actual != wanted:
            shown = "(" + ", ".join("?" if w is None else str(w) for w in expected) + ")"
            raise ValueError(f"{name} must have shape {shown}, got {array.shape}")
    return array


def require_keys(name, mapping, keys):
    """Raise ValueError naming the missing keys of a parameter dict."""
    missing = [key for key in keys if key not in mapping]
    if missing:
        raise ValueError(f"{name} is missing keys {missing}; expected keys {list(keys)}")


def require_sequence(name, value, ndim=3):
    """A (n, m, T) array with at least one time step."""
    array = require_array(name, value, ndim)
    if array.shape[-1] == 0:
        raise ValueError(f"{name} is an empty sequence (T = 0); need at least one time step")
    return array
