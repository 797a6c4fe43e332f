"""Helpers shared by the tests of the GRU, LSTM, bidirectional and deep nets."""
import numpy as np

from reference_impl.gradcheck import check_gradients
from reference_impl.recurrent_layer import flatten_parameters

N_X, N_A, N_Y, M, T_X = 3, 4, 2, 2, 3  # tiny, so finite differences stay fast
TOLERANCE = 1e-7


def perturbed(parameters, rng, scale=0.5):
    """Add noise to every array of a (nested) parameter structure, in place, so that
    zero biases and a forget bias of exactly one do not hide a wrong gradient."""
    if isinstance(parameters, np.ndarray):
        parameters += rng.normal(0.0, scale, size=parameters.shape)
    elif isinstance(parameters, dict):
        for value in parameters.values():
            perturbed(value, rng, scale)
    else:
        for value in parameters:
            perturbed(value, rng, scale)
    return parameters


def gradient_errors(loss, parameters, gradients, inputs=None):
    """Relative error of every analytic gradient against centered differences.

    loss -- callable with no arguments reading the arrays
    parameters, gradients -- (nested) parameters and their "d"-prefixed gradients
    inputs -- optional dict name -> (array, analytic gradient) for x, a0, ...
    """
    flat_parameters, flat_gradients = flatten_parameters(parameters, gradients)
    for name, (array, gradient) in (inputs or {}).items():
        flat_parameters[name] = array
        flat_gradients["d" + name] = gradient
    return check_gradients(loss, flat_parameters, flat_gradients, eps=1e-5)


def assert_gradients_match(loss, parameters, gradients, inputs=None):
    errors = gradient_errors(loss, parameters, gradients, inputs)
    worst = max(errors, key=errors.get)
    assert errors[worst] < TOLERANCE, f"{worst}: relative error {errors[worst]:.2e}; all: {errors}"
