"""Hidden checks of assignment 1, RNN step by step.

The backward checks hand the student's function caches built by the
reference forward pass (the notebook fixes the cache layout), so a wrong
forward pass does not also cost the backward points.
"""
import numpy as np

from reference_impl import relative_error, rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from reference_impl.rnn import initialize_rnn_parameters

from . import (
    GradedTest,
    call_student,
    expect_close,
    expect_keys,
    expect_structure,
    expect_tuple,
    problem_rngs,
)

# (n_x, n_a, n_y, m, T_x); every shape has T_x >= 2 so that errors in the
# recurrence show, and one has m = 1 to catch sums over the wrong axis.
SHAPES = [(3, 5, 2, 4, 3), (1, 4, 3, 1, 2), (4, 3, 5, 6, 4)]

FORWARD_HINT = "is it tanh(Waa a_prev + Wax xt + ba), with the bias ba added?"
# What the backward cells and the gradient check unpack: the caches of the notebook's layout.
CELL_CACHE_HINT = ("rnn_cell_forward must return cache = (a_next, a_prev, xt, parameters), the layout that "
                   "rnn_cell_backward unpacks; keep the line that builds it.")
SEQUENCE_CACHE_HINT = ("rnn_forward must return caches = (cell_caches, x), where cell_caches lists the cache of "
                       "every step in time order (append each step's cache); rnn_backward and the gradient check "
                       "unpack it.")
BACKWARD_HINT = (
    "dz = (1 - a_next**2) * da_next is the gradient through tanh (a_next already is tanh(z)); "
    "dWax = dz xt^T, dWaa = dz a_prev^T, dba sums dz over the m examples."
)


def _problem(rng, shape):
    n_x, n_a, n_y, m, T_x = shape
    # a random seed per problem, and biases that are not zero, so that a missing bias shows
    parameters = initialize_rnn_parameters(n_x, n_a, n_y, seed=int(rng.integers(2**31)))
    parameters["ba"] = rng.normal(size=(n_a, 1))
    parameters["by"] = rng.normal(size=(n_y, 1))
    x = rng.normal(size=(n_x, m, T_x))
    a0 = rng.normal(size=(n_a, m))
    da = rng.normal(size=(n_a, m, T_x))
    return x, a0, parameters, da


def _cell_outputs(rnn_cell_forward_student, seed):
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, parameters, _ = _problem(rng, shape)
        xt = x[:, :, 0]
        a_next, yt_pred, _ = rnn_cell_forward(xt, a0, parameters)
        returned = call_student("rnn_cell_forward", rnn_cell_forward_student, xt, a0, parameters)
        yield expect_tuple("rnn_cell_forward", returned, 3), (a_next, yt_pred, (a_next, a0, xt, parameters))


def check_rnn_cell_forward_state(rnn_cell_forward_student, seed=None):
    """a_next of rnn_cell_forward, and the cache that rnn_cell_backward unpacks."""
    for returned, expected in _cell_outputs(rnn_cell_forward_student, seed):
        expect_close("a_next (first value returned by rnn_cell_forward)", returned[0], expected[0], FORWARD_HINT)
        expect_structure("cache", returned[2], expected[2], CELL_CACHE_HINT)


def check_rnn_cell_forward_prediction(rnn_cell_forward_student, seed=None):
    """yt_pred of rnn_cell_forward."""
    for returned, expected in _cell_outputs(rnn_cell_forward_student, seed):
        expect_close(
            "yt_pred (second value returned by rnn_cell_forward)",
            returned[1],
            expected[1],
            "is it softmax(Wya a_next + by), with by added, the softmax taken over the n_y rows "
            "(axis 0) and a_next the new state?",
        )


def _sequence_outputs(rnn_forward_student, seed):
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, parameters, _ = _problem(rng, shape)
        a, y_pred, _ = rnn_forward(x, a0, parameters)
        states = [a0] + [a[:, :, t] for t in range(x.shape[2])]
        caches = ([(states[t + 1], states[t], x[:, :, t], parameters) for t in range(x.shape[2])], x)
        returned = call_student("rnn_forward", rnn_forward_student, x, a0, parameters)
        yield expect_tuple("rnn_forward", returned, 3), (a, y_pred, caches)


def check_rnn_forward_states(rnn_forward_student, seed=None):
    """a of rnn_forward, and the caches that rnn_backward unpacks."""
    for returned, expected in _sequence_outputs(rnn_forward_student, seed):
        expect_close(
            "a (first value returned by rnn_forward)",
            returned[0],
            expected[0],
            "does the first step start from a0, does each step start from the state the previous "
            "step returned, and is a[:, :, t] the state after step t? (Also check rnn_cell_forward.)",
        )
        expect_structure("caches", returned[2], expected[2], SEQUENCE_CACHE_HINT)


def check_rnn_forward_predictions(rnn_forward_student, seed=None):
    """y_pred of rnn_forward."""
    for returned, expected in _sequence_outputs(rnn_forward_student, seed):
        expect_close(
            "y_pred (second value returned by rnn_forward)",
            returned[1],
            expected[1],
            "is y_pred[:, :, t] the yt_pred of step t? (Also check rnn_cell_forward's yt_pred.)",
        )


CELL_GRADIENTS = ("dxt", "da_prev", "dWax", "dWaa", "dba")


def _cell_gradients(rnn_cell_backward_student, seed):
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, parameters, da = _problem(rng, shape)
        _, _, cache = rnn_cell_forward(x[:, :, 0], a0, parameters)
        expected = rnn_cell_backward(da[:, :, 0], cache)
        returned = call_student("rnn_cell_backward", rnn_cell_backward_student, da[:, :, 0], cache)
        yield expect_keys("the gradients returned by rnn_cell_backward", returned, CELL_GRADIENTS), expected


def check_rnn_cell_backward_inputs(rnn_cell_backward_student, seed=None):
    """dxt and da_prev of rnn_cell_backward."""
    for returned, expected in _cell_gradients(rnn_cell_backward_student, seed):
        for key, factor in (("dxt", "Wax"), ("da_prev", "Waa")):
            expect_close(f"gradients['{key}']", returned[key], expected[key], f"{key} = {factor}^T dz. " + BACKWARD_HINT)


def check_rnn_cell_backward_parameters(rnn_cell_backward_student, seed=None):
    """dWax, dWaa and dba of rnn_cell_backward."""
    for returned, expected in _cell_gradients(rnn_cell_backward_student, seed):
        for key in ("dWax", "dWaa", "dba"):
            expect_close(f"gradients['{key}']", returned[key], expected[key], BACKWARD_HINT)


SEQUENCE_GRADIENTS = ("dx", "da0", "dWax", "dWaa", "dba")
BPTT_HINT = (
    "go backwards in time; the gradient reaching a<t> is da[:, :, t] plus the da_prev of step t+1; "
    "add each step's dWax, dWaa, dba to running sums. (Also check rnn_cell_backward.)"
)


def _sequence_gradients(rnn_backward_student, seed):
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, parameters, da = _problem(rng, shape)
        _, _, caches = rnn_forward(x, a0, parameters)
        expected = rnn_backward(da, caches)
        returned = call_student("rnn_backward", rnn_backward_student, da, caches)
        yield expect_keys("the gradients returned by rnn_backward", returned, SEQUENCE_GRADIENTS), expected


def check_rnn_backward_inputs(rnn_backward_student, seed=None):
    """dx and da0 of rnn_backward."""
    for returned, expected in _sequence_gradients(rnn_backward_student, seed):
        for key in ("dx", "da0"):
            expect_close(f"gradients['{key}']", returned[key], expected[key], BPTT_HINT)


def check_rnn_backward_parameters(rnn_backward_student, seed=None):
    """dWax, dWaa and dba of rnn_backward."""
    for returned, expected in _sequence_gradients(rnn_backward_student, seed):
        for key in ("dWax", "dWaa", "dba"):
            expect_close(f"gradients['{key}']", returned[key], expected[key], BPTT_HINT)


def check_relative_error(relative_error_student, seed=None):
    """relative_error on random pairs, an exact match and two zero arrays."""
    for rng, shape in problem_rngs(SHAPES, seed):
        analytic = rng.normal(size=shape[:2])
        pairs = [(analytic, analytic + 1e-3 * rng.normal(size=analytic.shape)), (analytic, rng.normal(size=analytic.shape)), (analytic, analytic)]
        for first, second in pairs:
            returned = call_student("relative_error", relative_error_student, first, second)
            expect_close(
                "relative_error(analytic, numeric)",
                returned,
                relative_error(first, second),
                "it is ||analytic - numeric|| / (||analytic|| + ||numeric||) with Euclidean norms over all entries.",
            )
    zeros = np.zeros((2, 3))
    returned = call_student("relative_error", relative_error_student, zeros, zeros)
    expect_close("relative_error of two zero arrays", returned, 0.0, "return 0 when both norms are 0 (avoid 0/0).")


def _finite_differences(x, a0, parameters, da, eps, centred):
    """Finite-difference gradients of J = sum(da * a) by the reference rnn_forward: centred or one-sided."""
    inputs = {"x": x.copy(), "a0": a0.copy(), **{name: value.copy() for name, value in parameters.items()}}

    def loss():
        a, _, _ = rnn_forward(inputs["x"], inputs["a0"], {name: inputs[name] for name in parameters})
        return np.sum(da * a)

    base = None if centred else loss()
    gradients = {}
    for name in ("x", "a0", "Wax", "Waa", "ba"):
        array, grad = inputs[name], np.zeros_like(inputs[name])
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + eps
            plus = loss()
            array[index] = original - eps
            minus = loss() if centred else base
            array[index] = original
            grad[index] = (plus - minus) / (2 * eps if centred else eps)
        gradients["d" + name] = grad
    return gradients


# The steps are large enough that a centred difference differs from the analytic gradient by far more than
# the tolerance (by about eps**2 / 6 times a third derivative of J), and a one-sided difference (about
# eps / 2 times a second derivative) by more still, while rounding noise (about 1e-16 |J| / eps) stays far
# below it. Two steps catch a function that ignores its eps argument.
NUMERICAL_STEPS = (0.1, 0.03)
NUMERICAL_RTOL, NUMERICAL_ATOL = 1e-7, 1e-9


def _separates(expected, other):
    """True when ``other`` misses the tolerance around ``expected`` by 100 times the tolerance somewhere."""
    for key, value in expected.items():
        tolerance = NUMERICAL_ATOL + NUMERICAL_RTOL * np.abs(value)
        if np.any(np.abs(other[key] - value) > 101 * tolerance):
            return True
    return False


def _numerical_problems(seed):
    """Problems on which the analytic gradient and a one-sided difference both fail the check.

    A draw where either would pass (none has in practice) is replaced by the next one, so a function
    that returns the analytic gradient or a one-sided difference never passes.
    """
    for (rng, shape), eps in zip(problem_rngs(SHAPES[:2], seed), NUMERICAL_STEPS):
        for _ in range(20):
            x, a0, parameters, da = _problem(rng, shape)
            expected = _finite_differences(x, a0, parameters, da, eps, centred=True)
            _, _, caches = rnn_forward(x, a0, parameters)
            wrong = (rnn_backward(da, caches), _finite_differences(x, a0, parameters, da, eps, centred=False))
            if all(_separates(expected, other) for other in wrong):
                break
        yield (x, a0, parameters, da, eps), expected


def check_rnn_numerical_gradients(rnn_numerical_gradients_student, seed=None):
    """Centred finite differences of J = sum(da * a) at large steps, against the reference's."""
    for (x, a0, parameters, da, eps), expected in _numerical_problems(seed):
        returned = call_student("rnn_numerical_gradients", rnn_numerical_gradients_student, x, a0, parameters, da, eps)
        expect_keys("the gradients returned by rnn_numerical_gradients", returned, SEQUENCE_GRADIENTS)
        for key in SEQUENCE_GRADIENTS:
            expect_close(
                f"gradients['{key}'] at eps={eps}",
                returned[key],
                expected[key],
                f"at a step as large as eps={eps} the centred difference differs measurably from the analytic "
                "gradient: perturb one entry by +eps and by -eps (the eps argument), take "
                "(J_plus - J_minus) / (2 eps) with J = sum(da * a), and restore the entry before moving on; "
                "do not return rnn_backward's gradients or a one-sided difference. (Also check rnn_forward.)",
                rtol=NUMERICAL_RTOL,
                atol=NUMERICAL_ATOL,
            )


GRADED_TESTS = [
    GradedTest("rnn_cell_forward_state", ("rnn_cell_forward",), 2, check_rnn_cell_forward_state),
    GradedTest("rnn_cell_forward_prediction", ("rnn_cell_forward",), 1, check_rnn_cell_forward_prediction),
    GradedTest("rnn_forward_states", ("rnn_forward",), 1, check_rnn_forward_states),
    GradedTest("rnn_forward_predictions", ("rnn_forward",), 1, check_rnn_forward_predictions),
    GradedTest("rnn_cell_backward_inputs", ("rnn_cell_backward",), 1, check_rnn_cell_backward_inputs),
    GradedTest("rnn_cell_backward_parameters", ("rnn_cell_backward",), 2, check_rnn_cell_backward_parameters),
    GradedTest("rnn_backward_inputs", ("rnn_backward",), 1, check_rnn_backward_inputs),
    GradedTest("rnn_backward_parameters", ("rnn_backward",), 2, check_rnn_backward_parameters),
    GradedTest("relative_error", ("relative_error",), 1, check_relative_error),
    GradedTest("rnn_numerical_gradients", ("rnn_numerical_gradients",), 2, check_rnn_numerical_gradients),
]
