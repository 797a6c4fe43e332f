"""Hidden checks of assignment 3, GRU and LSTM from scratch.

The reference keeps its own cache layout, so the LSTM backward checks build
the cache layout the notebook prescribes,
``(a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)`` per
step and ``(list of step caches, x)`` for a sequence, from the reference
forward pass: a wrong forward pass does not also cost the backward points.
"""
from reference_impl.gru import gru_cell_forward, gru_forward, initialize_gru_parameters
from reference_impl.lstm import (
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)

from . import (
    GradedTest,
    call_student,
    expect_close,
    expect_keys,
    expect_structure,
    expect_tuple,
    problem_rngs,
)

# (n_x, n_a, n_y, m, T_x)
SHAPES = [(3, 5, 2, 4, 3), (2, 3, 4, 1, 2), (4, 2, 3, 5, 4)]
GATES = ("f", "i", "c", "o")
LSTM_FORWARD_HINT = (
    "with concat = [a_prev; xt] (a_prev on top): gamma_f = σ(Wf concat + bf), gamma_u = σ(Wi concat + bi), "
    "c_tilde = tanh(Wc concat + bc), c_next = gamma_f * c_prev + gamma_u * c_tilde, "
    "gamma_o = σ(Wo concat + bo), "
    "a_next = gamma_o * tanh(c_next)."
)


def _random_biases(rng, parameters):
    for name in parameters:
        if name.startswith("b") or name.startswith("p"):
            parameters[name] = rng.normal(size=parameters[name].shape)
    return parameters


def _lstm_problem(rng, shape, peepholes=False):
    n_x, n_a, n_y, m, T_x = shape
    parameters = initialize_lstm_parameters(n_x, n_a, n_y, seed=int(rng.integers(2**31)), peepholes=peepholes)
    parameters = _random_biases(rng, parameters)
    x = rng.normal(size=(n_x, m, T_x))
    a0, c0 = rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
    return x, a0, c0, parameters, rng.normal(size=(n_a, m, T_x)), rng.normal(size=(n_a, m))


def _gru_problem(rng, shape):
    n_x, n_a, n_y, m, T_x = shape
    parameters = _random_biases(rng, initialize_gru_parameters(n_x, n_a, n_y, seed=int(rng.integers(2**31))))
    return rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m)), parameters


def check_gru_cell_forward(gru_cell_forward_student, seed=None):
    """c_next and yt_pred of one GRU step."""
    for rng, shape in problem_rngs(SHAPES, seed):
        x, c0, parameters = _gru_problem(rng, shape)
        c_next, yt_pred, _ = gru_cell_forward(x[:, :, 0], c0, parameters)
        returned = expect_tuple("gru_cell_forward", call_student("gru_cell_forward", gru_cell_forward_student, x[:, :, 0], c0, parameters), 3)
        expect_close("c_next (first value returned by gru_cell_forward)", returned[0], c_next,
                     "with concat = [c_prev; xt]: Γu = σ(Wu concat + bu), Γr = σ(Wr concat + br), "
                     "c̃ = tanh(Wc [Γr * c_prev; xt] + bc) (Γr scales c_prev before the product), "
                     "c_next = Γu * c̃ + (1 - Γu) * c_prev.")
        expect_close("yt_pred (second value returned by gru_cell_forward)", returned[1], yt_pred,
                     "yt_pred = softmax(Wya c_next + by) over the rows. (Also check c_next.)")


def check_gru_forward(gru_forward_student, seed=None):
    """c and y_pred of the GRU over a sequence.

    Its caches, (cell caches, x) like lstm_forward's, are not compared: no later part reads them (the
    assignment has no GRU backward pass), so their layout costs no point.
    """
    for rng, shape in problem_rngs(SHAPES, seed):
        x, c0, parameters = _gru_problem(rng, shape)
        c, y_pred, _ = gru_forward(x, c0, parameters)
        returned = expect_tuple("gru_forward", call_student("gru_forward", gru_forward_student, x, c0, parameters), 3)
        hint = ("start from c0, feed each step the c_next of the previous one, and store step t in [:, :, t]. "
                "(Also check gru_cell_forward.)")
        expect_close("c (first value returned by gru_forward)", returned[0], c, hint)
        expect_close("y_pred (second value returned by gru_forward)", returned[1], y_pred, hint)


# What lstm_cell_backward and lstm_backward unpack: the caches of the notebook's layout.
CELL_CACHE_HINT = ("lstm_cell_forward must return cache = (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, "
                   "c_tilde, gamma_o, xt, parameters), the layout that lstm_cell_backward unpacks; keep the line that builds it.")
SEQUENCE_CACHE_HINT = ("lstm_forward must return caches = (cell_caches, x), where cell_caches lists the cache of "
                       "every step in time order (append each step's cache); lstm_backward unpacks it.")


def _check_lstm_cell(lstm_cell_forward_student, seed, peepholes, name, hint):
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, c0, parameters, _, _ = _lstm_problem(rng, shape, peepholes)
        a_next, c_next, yt_pred, cache = lstm_cell_forward(x[:, :, 0], a0, c0, parameters)
        returned = expect_tuple(name, call_student(name, lstm_cell_forward_student, x[:, :, 0], a0, c0, parameters), 4)
        expect_close(f"c_next (second value returned by {name})", returned[1], c_next, hint)
        expect_close(f"a_next (first value returned by {name})", returned[0], a_next, hint)
        expect_close(f"yt_pred (third value returned by {name})", returned[2], yt_pred,
                     "yt_pred = softmax(Wya a_next + by) over the rows. (Also check a_next.)")
        if not peepholes:  # the peephole cell's cache is read by no later cell
            expect_structure("cache", returned[3], _student_step_cache(cache, a_next, parameters), CELL_CACHE_HINT)


def check_lstm_cell_forward(lstm_cell_forward_student, seed=None):
    """a_next, c_next and yt_pred of one LSTM step."""
    _check_lstm_cell(lstm_cell_forward_student, seed, False, "lstm_cell_forward", LSTM_FORWARD_HINT)


def check_lstm_peephole_cell_forward(lstm_peephole_cell_forward_student, seed=None):
    """One LSTM step with peephole weights pf, pi, po."""
    _check_lstm_cell(
        lstm_peephole_cell_forward_student, seed, True, "lstm_peephole_cell_forward",
        "pf * c_prev is added inside gamma_f, pi * c_prev inside gamma_u, and po * c_next (the new memory) "
        "inside gamma_o. "
        + LSTM_FORWARD_HINT,
    )


def check_lstm_forward(lstm_forward_student, seed=None):
    """a, y and c of the LSTM over a sequence."""
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, _, parameters, _, _ = _lstm_problem(rng, shape)
        a, y, c, caches = lstm_forward(x, a0, parameters)
        returned = expect_tuple("lstm_forward", call_student("lstm_forward", lstm_forward_student, x, a0, parameters), 4)
        hint = ("start from a0 and a zero memory cell c<0>, feed each step the a_next and c_next of the previous one, "
                "and store step t in [:, :, t]. (Also check lstm_cell_forward.)")
        for index, (label, expected) in enumerate((("a", a), ("y", y), ("c", c))):
            expect_close(f"{label} (value {index + 1} returned by lstm_forward)", returned[index], expected, hint)
        step_caches = [_student_step_cache(cache, a[:, :, t], parameters) for t, cache in enumerate(caches[0])]
        expect_structure("caches", returned[3], (step_caches, x), SEQUENCE_CACHE_HINT)


def _student_step_cache(reference_cache, a_next, parameters):
    """The notebook's cache layout, from the reference cell cache."""
    (a_prev, c_prev, c_next, _, gamma_f, gamma_u, c_tilde, gamma_o, _), xt = reference_cache
    return (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)


CELL_INPUT_GRADIENTS = ("dxt", "da_prev", "dc_prev")
PARAMETER_GRADIENTS = tuple(f"d{kind}{g}" for kind in ("W", "b") for g in GATES)
# The hint of one LSTM gradient: only the step of the recipe that gives it. dc is the memory's gradient.
_MEMORY = "dc = dc_next + da_next * gamma_o * (1 - tanh(c_next)**2) is the memory's gradient"
_GATE_DZ = {"f": "dzf = dc * c_prev * gamma_f * (1 - gamma_f)",
            "i": "dzi = dc * c_tilde * gamma_u * (1 - gamma_u)",
            "c": "dzc = dc * gamma_u * (1 - c_tilde**2)", "o": "dzo = da_next * tanh(c_next) * gamma_o * (1 - gamma_o)"}
_GATE_NAMES = {"f": "forget gate", "i": "update (input) gate", "c": "candidate value", "o": "output gate"}
LSTM_GRADIENT_HINTS = {
    "dc_prev": f"dc_prev = dc * gamma_f, where {_MEMORY}.",
    "da_prev": ("da_prev is the first n_a rows of dconcat = Wf^T dzf + Wi^T dzi + Wc^T dzc + Wo^T dzo "
                f"(the four gates' pre-activation gradients; {_MEMORY})."),
    "dxt": ("dxt is the rows below the first n_a of dconcat = Wf^T dzf + Wi^T dzi + Wc^T dzc + Wo^T dzo "
            f"(the four gates' pre-activation gradients; {_MEMORY})."),
    **{f"dW{g}": f"{_GATE_NAMES[g]}: dW{g} = dz{g} concat^T with {_GATE_DZ[g]}" + ("" if g == "o" else f" and {_MEMORY}") + "."
       for g in GATES},
    **{f"db{g}": f"{_GATE_NAMES[g]}: db{g} sums dz{g} over the m examples, with {_GATE_DZ[g]}" + ("" if g == "o" else f" and {_MEMORY}") + "."
       for g in GATES},
}


def _cell_gradients(lstm_cell_backward_student, seed):
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, c0, parameters, da, dc = _lstm_problem(rng, shape)
        a_next, _, _, cache = lstm_cell_forward(x[:, :, 0], a0, c0, parameters)
        expected = lstm_cell_backward(da[:, :, 0], dc, cache)
        returned = call_student("lstm_cell_backward", lstm_cell_backward_student, da[:, :, 0], dc,
                                _student_step_cache(cache, a_next, parameters))
        yield expect_keys("the gradients returned by lstm_cell_backward", returned, CELL_INPUT_GRADIENTS + PARAMETER_GRADIENTS), expected


def check_lstm_cell_backward_inputs(lstm_cell_backward_student, seed=None):
    """dxt, da_prev and dc_prev of one LSTM step."""
    for returned, expected in _cell_gradients(lstm_cell_backward_student, seed):
        for key in CELL_INPUT_GRADIENTS:
            expect_close(f"gradients['{key}']", returned[key], expected[key], LSTM_GRADIENT_HINTS[key])


def check_lstm_cell_backward_parameters(lstm_cell_backward_student, seed=None):
    """Gate weight and bias gradients of one LSTM step."""
    for returned, expected in _cell_gradients(lstm_cell_backward_student, seed):
        for key in PARAMETER_GRADIENTS:
            expect_close(f"gradients['{key}']", returned[key], expected[key], LSTM_GRADIENT_HINTS[key])


def check_lstm_backward(lstm_backward_student, seed=None):
    """Every gradient of the LSTM over a sequence."""
    for rng, shape in problem_rngs(SHAPES, seed):
        x, a0, _, parameters, da, _ = _lstm_problem(rng, shape)
        a, _, _, caches = lstm_forward(x, a0, parameters)
        expected = lstm_backward(da, caches)
        step_caches = [_student_step_cache(cache, a[:, :, t], parameters) for t, cache in enumerate(caches[0])]
        returned = call_student("lstm_backward", lstm_backward_student, da, (step_caches, x))
        keys = ("dx", "da0") + PARAMETER_GRADIENTS
        expect_keys("the gradients returned by lstm_backward", returned, keys)
        for key in keys:
            expect_close(
                f"gradients['{key}']", returned[key], expected[key],
                "go backwards in time with da_prev and dc_prev starting at zero; the hidden-state gradient "
                "of step t is da[:, :, t] + da_prev, the memory gradient is the dc_prev of step t+1; "
                "add up the parameter gradients of all steps. (Also check lstm_cell_backward.)",
            )


GRADED_TESTS = [
    GradedTest("gru_cell_forward", ("gru_cell_forward",), 2, check_gru_cell_forward),
    GradedTest("gru_forward", ("gru_forward",), 1, check_gru_forward),
    GradedTest("lstm_cell_forward", ("lstm_cell_forward",), 2, check_lstm_cell_forward),
    GradedTest("lstm_forward", ("lstm_forward",), 1, check_lstm_forward),
    GradedTest("lstm_cell_backward_inputs", ("lstm_cell_backward",), 1, check_lstm_cell_backward_inputs),
    GradedTest("lstm_cell_backward_parameters", ("lstm_cell_backward",), 2, check_lstm_cell_backward_parameters),
    GradedTest("lstm_backward", ("lstm_backward",), 2, check_lstm_backward),
    GradedTest("lstm_peephole_cell_forward", ("lstm_peephole_cell_forward",), 1, check_lstm_peephole_cell_forward),
]
# Parts that add to a student's score but not to the assignment's maximum (status, export, feedback).
EXTRA_CREDIT = ("lstm_peephole_cell_forward",)
