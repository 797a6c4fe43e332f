"""Hidden checks of assignment 4, bidirectional and deep RNNs (basic RNN cells).

Layers are dicts with Wax, Waa, ba; a bidirectional layer is a pair
(forward dict, backward dict); initial states are zero. The backward checks
run the student's own forward pass for the cache, since its layout is theirs.
"""
from reference_impl.bidirectional import bidirectional_backward, bidirectional_forward
from reference_impl.deep import deep_backward, deep_forward
from reference_impl.recurrent_layer import initialize_layer_parameters

from . import GradedTest, call_student, expect_close, expect_keys, expect_tuple, problem_rngs

# (n_x, n_a, m, T_x, L); n_x != n_a so that feeding x to an upper layer shows
SHAPES = [(3, 4, 5, 4, 2), (2, 3, 1, 3, 3), (5, 2, 3, 5, 2)]
GRADIENT_KEYS = ("dWax", "dWaa", "dba")


def _layer(rng, n_x, n_a):
    parameters = initialize_layer_parameters("rnn", n_x, n_a, seed=int(rng.integers(2**31)))
    parameters["ba"] = rng.normal(size=(n_a, 1))
    return parameters


def _bidirectional_problem(rng, shape):
    n_x, n_a, m, T_x, _ = shape
    return rng.normal(size=(n_x, m, T_x)), (_layer(rng, n_x, n_a), _layer(rng, n_x, n_a)), rng.normal(size=(2 * n_a, m, T_x))


def _deep_problem(rng, shape):
    n_x, n_a, m, T_x, n_layers = shape
    layers = [_layer(rng, n_x if l == 0 else n_a, n_a) for l in range(n_layers)]
    return rng.normal(size=(n_x, m, T_x)), layers, rng.normal(size=(n_a, m, T_x))


def check_bidirectional_forward(bidirectional_forward_student, seed=None):
    """The stacked states [a→<t>; a←<t>]."""
    for rng, shape in problem_rngs(SHAPES, seed):
        x, parameters, _ = _bidirectional_problem(rng, shape)
        expected, _ = bidirectional_forward("rnn", x, parameters)
        returned = expect_tuple("bidirectional_forward",
                                call_student("bidirectional_forward", bidirectional_forward_student, x, parameters), 2)
        expect_close(
            "a (first value returned by bidirectional_forward)", returned[0], expected,
            "the backward direction runs its own parameters on x[:, :, ::-1] from a zero state; reverse its "
            "states back in time (so that row block 2 at step t is a←<t>, which has read x<t>..x<T_x>) before "
            "stacking them under the forward states.",
        )


def check_bidirectional_backward(bidirectional_forward_student, bidirectional_backward_student, seed=None):
    """dx and both directions' parameter gradients."""
    for rng, shape in problem_rngs(SHAPES, seed):
        x, parameters, da = _bidirectional_problem(rng, shape)
        _, cache = bidirectional_forward("rnn", x, parameters)
        expected = bidirectional_backward(da, cache)
        forward_out = expect_tuple("bidirectional_forward",
                                   call_student("bidirectional_forward", bidirectional_forward_student, x, parameters), 2)
        returned = expect_keys("the gradients returned by bidirectional_backward",
                               call_student("bidirectional_backward", bidirectional_backward_student, da, forward_out[1]),
                               ("dx", "dparameters"))
        hint = ("da[:n_a] goes to the forward direction as it is; da[n_a:] must be reversed in time (da[n_a:, :, ::-1]) "
                "before BPTT of the backward direction, and that direction's dx reversed back; dx adds both.")
        expect_close("gradients['dx']", returned["dx"], expected["dx"], hint)
        pair = expect_tuple("gradients['dparameters']", returned["dparameters"], 2)
        for direction, returned_grads, expected_grads in zip(("forward", "backward"), pair, expected["dparameters"]):
            expect_keys(f"the {direction} direction's gradients", returned_grads, GRADIENT_KEYS)
            for key in GRADIENT_KEYS:
                expect_close(f"the {direction} direction's {key}", returned_grads[key], expected_grads[key], hint)


def check_deep_forward(deep_forward_student, seed=None):
    """The top layer's states of a stack of one-way layers."""
    for rng, shape in problem_rngs(SHAPES, seed):
        x, layers, _ = _deep_problem(rng, shape)
        expected, _ = deep_forward("rnn", x, layers)
        returned = expect_tuple("deep_forward", call_student("deep_forward", deep_forward_student, x, layers), 2)
        expect_close("a (first value returned by deep_forward)", returned[0], expected,
                     "layer 1 reads x; layer l reads the states of layer l - 1 (a[l-1]), each from a zero state; "
                     "return the states of the top layer.")


def check_deep_backward(deep_forward_student, deep_backward_student, seed=None):
    """dx and every layer's parameter gradients."""
    for rng, shape in problem_rngs(SHAPES, seed):
        x, layers, da = _deep_problem(rng, shape)
        _, cache = deep_forward("rnn", x, layers)
        expected = deep_backward(da, cache)
        forward_out = expect_tuple("deep_forward", call_student("deep_forward", deep_forward_student, x, layers), 2)
        returned = expect_keys("the gradients returned by deep_backward",
                               call_student("deep_backward", deep_backward_student, da, forward_out[1]), ("dx", "dlayers"))
        hint = ("go down the stack from the top layer: its da is the given da; the da of layer l - 1 is the dx of "
                "layer l; dlayers lists the layers bottom first.")
        expect_close("gradients['dx']", returned["dx"], expected["dx"], hint)
        dlayers = returned["dlayers"]
        if not isinstance(dlayers, (list, tuple)) or len(dlayers) != len(layers):
            expect_tuple("gradients['dlayers']", dlayers, len(layers))
        for l, (returned_grads, expected_grads) in enumerate(zip(dlayers, expected["dlayers"])):
            expect_keys(f"gradients['dlayers'][{l}]", returned_grads, GRADIENT_KEYS)
            for key in GRADIENT_KEYS:
                expect_close(f"gradients['dlayers'][{l}]['{key}']", returned_grads[key], expected_grads[key], hint)


GRADED_TESTS = [
    GradedTest("bidirectional_forward", ("bidirectional_forward",), 2, check_bidirectional_forward),
    GradedTest("bidirectional_backward", ("bidirectional_forward", "bidirectional_backward"), 2, check_bidirectional_backward),
    GradedTest("deep_forward", ("deep_forward",), 2, check_deep_forward),
    GradedTest("deep_backward", ("deep_forward", "deep_backward"), 2, check_deep_backward),
]
