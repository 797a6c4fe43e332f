"""Gradient clipping and the two optimisers the course uses.

Gradients are dicts keyed "d" + parameter name (dWaa for Waa), as every
backward function returns them. Clipping returns new dicts; the update
functions change the parameter arrays in place and also return them.
"""
import numpy as np


def _require_gradients_for(parameters, gradients):
    missing = ["d" + name for name in parameters if "d" + name not in gradients]
    if missing:
        raise ValueError(f"gradients is missing {missing}; expected one 'd' + name entry per parameter")


def clip_by_value(gradients, max_value):
    """Clip every gradient entry into [-max_value, max_value] (the notes' first method).

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.

    Parameters
    ----------
    gradients : dict
        dict of gradient arrays
    max_value
        positive float

    Returns
    -------
    clipped : dict
        dict of the same keys and shapes
    """
    if not max_value > 0:
        raise ValueError(f"max_value must be positive, got {max_value}")
    return {k: np.clip(g, -max_value, max_value) for k, g in gradients.items()}


def global_norm(gradients):
    """sqrt of the sum of squares of every entry of every gradient.

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.
    """
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in gradients.values())))


def clip_by_global_norm(gradients, max_norm):
    r"""Rescale all gradients together so that their global norm is at most max_norm.

    When the global norm ||g|| is above max_norm, every gradient is scaled by
    the same factor,

    .. math::

        g \leftarrow g \, \frac{\mathrm{max\_norm}}{\lVert g \rVert},

    so the direction is kept, only the length shrinks (the notes' second method).

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.

    Returns
    -------
    clipped : dict
        dict of the same keys and shapes
    norm
        the global norm before clipping
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    norm = global_norm(gradients)
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: g * scale for k, g in gradients.items()}, norm


def sgd_update(parameters, gradients, learning_rate):
    """Plain gradient descent: W <- W - learning_rate * dW, in place.

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.
    """
    _require_gradients_for(parameters, gradients)
    for name in parameters:
        parameters[name] -= learning_rate * gradients["d" + name]
    return parameters


def initialize_adam(parameters):
    """Adam's state: zero first and second moments for every parameter, step 0.

    See the chapter :doc:`/book/chapters/05_architectures`.
    """
    return {
        "v": {name: np.zeros_like(p) for name, p in parameters.items()},
        "s": {name: np.zeros_like(p) for name, p in parameters.items()},
        "t": 0,
    }


def adam_update(parameters, gradients, state, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """One Adam step with bias correction, in place.

    See the chapter :doc:`/book/chapters/05_architectures`.

    Parameters
    ----------
    parameters : dict
        dict name -> array
    gradients : dict
        dict "d" + name -> array of the same shape
    state
        from initialize_adam, updated in place

    Returns
    -------
    parameters, state
    """
    _require_gradients_for(parameters, gradients)
    state["t"] += 1
    t = state["t"]
    for name, p in parameters.items():
        g = gradients["d" + name]
        state["v"][name] = beta1 * state["v"][name] + (1 - beta1) * g
        state["s"][name] = beta2 * state["s"][name] + (1 - beta2) * g * g
        v_hat = state["v"][name] / (1 - beta1**t)
        s_hat = state["s"][name] / (1 - beta2**t)
        p -= learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return parameters, state
