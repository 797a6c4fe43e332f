"""Helpers shared by the tests of the recurrent nets: small sizes, non-zero biases, gradient checks."""
import numpy as np

from reference_impl.gradcheck import check_gradients
from reference_impl.recurrent_layer import flatten_parameters

N_X, N_A, N_Y, M, T_X = 3, 4, 2, 2, 3  # tiny, so finite differences stay fast
# the largest relative error allowed between an analytic gradient and centred differences (float64, eps 1e-5)
GRADIENT_TOLERANCE = 1e-7
# two float64 computations of the same function (NumPy and torch, two backends): equal up to rounding
FLOAT64_AGREEMENT = {"rtol": 1e-10, "atol": 1e-12}


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


def with_random_biases(parameters, rng, scale=0.3):
    """A copy of a parameter dict whose biases (the keys starting with "b") get Gaussian noise, so that a
    wrong bias gradient cannot hide behind zeros (initialisers set biases to zero)."""
    return {k: v + scale * rng.standard_normal(v.shape) if k.startswith("b") else v for k, v in parameters.items()}


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
    assert errors[worst] < GRADIENT_TOLERANCE, f"{worst}: relative error {errors[worst]:.2e}; all: {errors}"
