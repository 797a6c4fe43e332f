"""Chapter 8's clipping experiments: large steps of a tanh RNN, and a ReLU RNN whose gradient really explodes.

train_tanh_rnn trains the course's tanh RNN by plain gradient descent with a
large learning rate, with or without clipping by the global norm: its
gradients stay finite, but a few large ones make steps large enough to throw
the parameters away.

The course's tanh RNN cannot overflow: tanh keeps every state between -1 and
1, and its derivative shrinks where units saturate, so a huge step kills the
units instead of producing inf. A ReLU unit, a = max(0, z), has neither
bound. With a recurrent matrix whose spectral radius is above 1, its states
and gradients can grow geometrically with the length of the sequence, a large
gradient step makes the weights larger still, and after a few such steps a
number passes float64's largest value (about 1.8e308) and becomes inf; then
inf - inf or 0 * inf gives NaN, which spreads to every parameter. That is the
run train_relu_rnn makes, with clipping by value or by global norm, or none.
"""
import numpy as np

from .activations import sigmoid
from .datasets import make_agreement_data
from .optim import clip_by_global_norm, clip_by_value, global_norm, sgd_update
from .rnn import initialize_rnn_parameters
from .rnn_model import rnn_model_backward, rnn_model_forward

CLIPPING = (None, "value", "norm")


def initialize_relu_rnn_parameters(n_x, n_a, spectral_radius, seed=0):
    """Random parameters of a ReLU RNN with a one-unit output, Waa rescaled to a given spectral radius.

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.

    Parameters
    ----------
    n_x, n_a
        input size and number of hidden units
    spectral_radius
        largest absolute value of an eigenvalue of Waa after rescaling, float > 0
    seed
        random seed

    Returns
    -------
    parameters : dict
        Waa (n_a, n_a), Wax (n_a, n_x), ba (n_a, 1), Wya (1, n_a), by (1, 1); weights drawn with
        standard deviation 1/sqrt(fan_in), biases zero
    """
    rng = np.random.default_rng(seed)
    Waa = rng.normal(0.0, 1.0 / np.sqrt(n_a), size=(n_a, n_a))
    return {"Waa": Waa * spectral_radius / np.max(np.abs(np.linalg.eigvals(Waa))),
            "Wax": rng.normal(0.0, 1.0 / np.sqrt(n_x), size=(n_a, n_x)), "ba": np.zeros((n_a, 1)),
            "Wya": rng.normal(0.0, 1.0 / np.sqrt(n_a), size=(1, n_a)), "by": np.zeros((1, 1))}


def relu_rnn_loss(parameters, x, y):
    r"""Loss and gradients of a many-to-one ReLU RNN with a sigmoid output read at the last step.

    .. math::

        a^{<t>} = \max(0, W_{aa} a^{<t-1>} + W_{ax} x^{<t>} + b_a), \quad a^{<0>} = 0,

        \hat y = \sigma(W_{ya} a^{<T_x>} + b_y),

    and the loss is the mean over examples of the binary cross-entropy of ŷ.

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.

    Parameters
    ----------
    parameters : dict
        Waa (n_a, n_a), Wax (n_a, n_x), ba (n_a, 1), Wya (1, n_a), by (1, 1)
    x : ndarray, shape (n_x, m, T_x)
        inputs
    y : ndarray, shape (1, m)
        0/1 targets

    Returns
    -------
    loss
        float
    grads : dict
        dWaa, dWax, dba, dWya, dby, each of its parameter's shape
    y_pred : ndarray, shape (1, m)
        the sigmoid outputs
    """
    Waa, Wax, ba, Wya, by = (parameters[name] for name in ("Waa", "Wax", "ba", "Wya", "by"))
    a = [np.zeros((Waa.shape[0], x.shape[1]))]
    for t in range(x.shape[2]):
        a.append(np.maximum(0.0, Waa @ a[-1] + Wax @ x[:, :, t] + ba))  # a<t> = max(0, z<t>)
    z = Wya @ a[-1] + by
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))  # -y log σ(z) - (1 - y) log(1 - σ(z)), without overflow
    y_pred = sigmoid(z)
    dz = (y_pred - y) / x.shape[1]  # dL/dz
    grads = {"dWaa": np.zeros_like(Waa), "dWax": np.zeros_like(Wax), "dba": np.zeros_like(ba),
             "dWya": dz @ a[-1].T, "dby": dz.sum(axis=1, keepdims=True)}
    da = Wya.T @ dz  # dL/da<T_x>
    for t in range(x.shape[2], 0, -1):
        dz_a = da * (a[t] > 0)  # dz<t> = da<t> * max'(z<t>): 1 where the unit is on, 0 where it is off
        grads["dWaa"] += dz_a @ a[t - 1].T
        grads["dWax"] += dz_a @ x[:, :, t - 1].T
        grads["dba"] += dz_a.sum(axis=1, keepdims=True)
        da = Waa.T @ dz_a  # da<t-1> = Waa^T dz<t>
    return loss, grads, y_pred


def train_relu_rnn(clipping=None, seed=0, m=128, gap=10, n_a=32, spectral_radius=2.0, learning_rate=0.5,
                   steps=100, max_value=0.1, max_norm=1.0):
    """Plain gradient descent of a ReLU RNN on the agreement task, with or without clipping.

    The training set is make_agreement_data(m, gap, seed=0) for every seed;
    the seed draws the initial weights. A run stops at the first step whose
    loss or gradient is not finite: from there on everything is NaN.

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.

    Parameters
    ----------
    clipping
        None, "value" (every gradient entry clamped to [-max_value, max_value], clip_by_value)
        or "norm" (the gradients rescaled to global norm at most max_norm, clip_by_global_norm)
    seed
        seeds the initial weights
    m, gap
        number of training sentences and words between subject and verb
    n_a, spectral_radius
        hidden units and the initial spectral radius of Waa
    learning_rate, steps
        the gradient-descent step size and the number of steps

    Returns
    -------
    run : dict
        with the entries

        - losses: shape (steps,), the loss before each step (NaN after a run has blown up)
        - norms: shape (steps,), the global gradient norm before clipping (NaN after a run has blown up)
        - blew_up_at: the first step whose loss or gradient norm is inf or NaN, or None
        - accuracy: training accuracy after the last step (0.5, chance, for a run that blew up)
    """
    if clipping not in CLIPPING:
        raise ValueError(f"clipping must be one of {CLIPPING}, got {clipping!r}")
    x, y, _ = make_agreement_data(m, gap, seed=0)
    parameters = initialize_relu_rnn_parameters(x.shape[0], n_a, spectral_radius, seed)
    losses, norms = np.full(steps, np.nan), np.full(steps, np.nan)
    blew_up_at = None
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow is what this run shows
        for step in range(steps):
            losses[step], grads, _ = relu_rnn_loss(parameters, x, y)
            norms[step] = global_norm(grads)
            if not (np.isfinite(losses[step]) and np.isfinite(norms[step])):
                blew_up_at = step
                break
            if clipping == "value":
                grads = clip_by_value(grads, max_value)
            elif clipping == "norm":
                grads, _ = clip_by_global_norm(grads, max_norm)
            sgd_update(parameters, grads, learning_rate)
        _, _, y_pred = relu_rnn_loss(parameters, x, y)
    accuracy = 0.5 if blew_up_at is not None else float(np.mean((y_pred > 0.5) == (y > 0.5)))
    return {"losses": losses, "norms": norms, "blew_up_at": blew_up_at, "accuracy": accuracy}


def train_tanh_rnn(max_norm=None, seed=0, m=256, gap=10, n_a=32, learning_rate=0.5, steps=300):
    """Plain gradient descent of the course's many-to-one tanh RNN on the agreement task, clipped or not.

    The training set is make_agreement_data(m, gap, seed=0) for every seed;
    the seed draws the initial weights (initialize_rnn_parameters), so a run
    with clipping and one without that share a seed start from the same
    parameters, see the same data and take the same number of steps.

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.

    Parameters
    ----------
    max_norm
        None (no clipping) or the global norm the gradients are clipped to (clip_by_global_norm)
    seed
        seeds the initial weights
    m, gap
        number of training sentences and words between subject and verb
    n_a
        hidden units
    learning_rate, steps
        the gradient-descent step size and the number of steps

    Returns
    -------
    run : dict
        with the entries

        - losses: shape (steps,), the loss before each step
        - norms: shape (steps,), the global gradient norm before clipping
        - accuracy: training accuracy of the predictions before the last step
    """
    x, y, _ = make_agreement_data(m, gap, seed=0)
    parameters = initialize_rnn_parameters(x.shape[0], n_a, n_y=1, seed=seed)
    a0 = np.zeros((n_a, x.shape[1]))
    losses, norms = np.zeros(steps), np.zeros(steps)
    for step in range(steps):
        losses[step], y_pred, cache = rnn_model_forward(x, y, a0, parameters, output="sigmoid", many_to_one=True)
        grads = rnn_model_backward(cache)
        grads = {name: grads[name] for name in ("dWax", "dWaa", "dba", "dWya", "dby")}
        if max_norm is None:
            norms[step] = global_norm(grads)
        else:
            grads, norms[step] = clip_by_global_norm(grads, max_norm)
        sgd_update(parameters, grads, learning_rate)
    return {"losses": losses, "norms": norms, "accuracy": float(np.mean((y_pred > 0.5) == (y > 0.5)))}
