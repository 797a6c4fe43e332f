"""The torch cells compute the NumPy cells' equations: forward values and autograd
gradients equal the NumPy forward and hand-written backward to 1e-10 in float64."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from recurrent_helpers import FLOAT64_AGREEMENT, with_random_biases
from reference_impl import (
    initialize_rnn_parameters,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)
from reference_impl.bidirectional import (
    bidirectional_backward,
    bidirectional_forward,
    initialize_bidirectional_parameters,
)
from reference_impl.deep import deep_backward, deep_forward, initialize_deep_parameters
from reference_impl.gru import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    initialize_gru_parameters,
)
from reference_impl.lstm import (
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)
from reference_impl.torch_models import (
    Bidirectional,
    GRUCell,
    LSTMCell,
    RNNCell,
    Stack,
    make_recurrent,
    numpy_to_cell,
    numpy_to_layer,
)

N_X, N_A, M, T_X = 3, 5, 4, 6


def assert_equal_to_1e10(actual, expected, name):
    np.testing.assert_allclose(actual, expected, **FLOAT64_AGREEMENT, err_msg=name)


def leaf(array):
    return torch.tensor(array, dtype=torch.float64, requires_grad=True)


def parameter_gradients(module):
    return {"d" + name: p.grad.numpy() for name, p in module.named_parameters()}


def assert_gradients_match(torch_grads, numpy_grads):
    assert set(torch_grads) <= set(numpy_grads), sorted(set(torch_grads) - set(numpy_grads))
    for key, value in torch_grads.items():
        assert_equal_to_1e10(value, numpy_grads[key], key)


def test_rnn_cell_step_matches_numpy(rng):
    parameters = with_random_biases(initialize_rnn_parameters(N_X, N_A, 2, seed=1), rng)
    xt, a_prev, da_next = rng.standard_normal((N_X, M)), rng.standard_normal((N_A, M)), rng.standard_normal((N_A, M))
    cell = numpy_to_cell(parameters, RNNCell(N_X, N_A, device="cpu", dtype=torch.float64))
    xt_t, a_prev_t = leaf(xt), leaf(a_prev)
    (a_next,) = cell(xt_t, (a_prev_t,))
    (a_next * torch.tensor(da_next)).sum().backward()

    a_expected, _, cache = rnn_cell_forward(xt, a_prev, parameters)
    expected = rnn_cell_backward(da_next, cache)
    assert_equal_to_1e10(a_next.detach().numpy(), a_expected, "a_next")
    assert_gradients_match({"dxt": xt_t.grad.numpy(), "da_prev": a_prev_t.grad.numpy(), **parameter_gradients(cell)},
                           expected)


def test_rnn_sequence_matches_numpy_bptt(rng):
    parameters = with_random_biases(initialize_rnn_parameters(N_X, N_A, 2, seed=2), rng)
    x, a0, da = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M)), rng.standard_normal((N_A, M, T_X))
    layer = numpy_to_layer(parameters, make_recurrent("rnn", N_X, N_A, device="cpu", dtype=torch.float64))
    x_t, a0_t = leaf(x), leaf(a0)
    a, _ = layer(x_t, state0=(a0_t,))
    (a * torch.tensor(da)).sum().backward()

    a_expected, _, caches = rnn_forward(x, a0, parameters)
    expected = rnn_backward(da, caches)
    assert_equal_to_1e10(a.detach().numpy(), a_expected, "a")
    assert_gradients_match({"dx": x_t.grad.numpy(), "da0": a0_t.grad.numpy(), **parameter_gradients(layer.cell)},
                           expected)


@pytest.mark.parametrize("peepholes", [False, True])
def test_lstm_cell_step_matches_numpy(rng, peepholes):
    parameters = with_random_biases(initialize_lstm_parameters(N_X, N_A, seed=3, peepholes=peepholes), rng)
    xt, a_prev, c_prev = (rng.standard_normal(shape) for shape in [(N_X, M), (N_A, M), (N_A, M)])
    da_next, dc_next = rng.standard_normal((N_A, M)), rng.standard_normal((N_A, M))
    cell = numpy_to_cell(parameters, LSTMCell(N_X, N_A, peepholes=peepholes, device="cpu", dtype=torch.float64))
    xt_t, a_prev_t, c_prev_t = leaf(xt), leaf(a_prev), leaf(c_prev)
    a_next, c_next = cell(xt_t, (a_prev_t, c_prev_t))
    ((a_next * torch.tensor(da_next)).sum() + (c_next * torch.tensor(dc_next)).sum()).backward()

    a_expected, c_expected, _, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
    expected = lstm_cell_backward(da_next, dc_next, cache)
    assert_equal_to_1e10(a_next.detach().numpy(), a_expected, "a_next")
    assert_equal_to_1e10(c_next.detach().numpy(), c_expected, "c_next")
    torch_grads = {"dxt": xt_t.grad.numpy(), "da_prev": a_prev_t.grad.numpy(), "dc_prev": c_prev_t.grad.numpy(),
                   **parameter_gradients(cell)}
    assert_gradients_match(torch_grads, expected)


@pytest.mark.parametrize("peepholes", [False, True])
def test_lstm_sequence_matches_numpy_bptt(rng, peepholes):
    parameters = with_random_biases(initialize_lstm_parameters(N_X, N_A, seed=4, peepholes=peepholes), rng)
    x, a0, da = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M)), rng.standard_normal((N_A, M, T_X))
    layer = numpy_to_layer(parameters, make_recurrent("lstm", N_X, N_A, peepholes=peepholes, device="cpu",
                                                      dtype=torch.float64))
    x_t, a0_t = leaf(x), leaf(a0)
    a, _ = layer(x_t, state0=(a0_t, torch.zeros(N_A, M, dtype=torch.float64)))  # the NumPy LSTM starts at c<0> = 0
    (a * torch.tensor(da)).sum().backward()

    a_expected, _, _, caches = lstm_forward(x, a0, parameters)
    expected = lstm_backward(da, caches)
    assert_equal_to_1e10(a.detach().numpy(), a_expected, "a")
    assert_gradients_match({"dx": x_t.grad.numpy(), "da0": a0_t.grad.numpy(), **parameter_gradients(layer.cell)},
                           expected)


GRU_VARIANTS = ["notes", "reset_after", "simplified"]


@pytest.mark.parametrize("variant", GRU_VARIANTS)
def test_gru_cell_step_matches_numpy(rng, variant):
    parameters = with_random_biases(initialize_gru_parameters(N_X, N_A, seed=5, variant=variant), rng)
    xt, c_prev, dc_next = rng.standard_normal((N_X, M)), rng.standard_normal((N_A, M)), rng.standard_normal((N_A, M))
    cell = numpy_to_cell(parameters, GRUCell(N_X, N_A, variant=variant, device="cpu", dtype=torch.float64))
    xt_t, c_prev_t = leaf(xt), leaf(c_prev)
    (c_next,) = cell(xt_t, (c_prev_t,))
    (c_next * torch.tensor(dc_next)).sum().backward()

    c_expected, _, cache = gru_cell_forward(xt, c_prev, parameters, variant=variant)
    expected = gru_cell_backward(dc_next, cache)
    assert_equal_to_1e10(c_next.detach().numpy(), c_expected, "c_next")
    assert_gradients_match({"dxt": xt_t.grad.numpy(), "dc_prev": c_prev_t.grad.numpy(), **parameter_gradients(cell)},
                           expected)


@pytest.mark.parametrize("variant", GRU_VARIANTS)
def test_gru_sequence_matches_numpy_bptt(rng, variant):
    parameters = with_random_biases(initialize_gru_parameters(N_X, N_A, seed=6, variant=variant), rng)
    x, c0, dc = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M)), rng.standard_normal((N_A, M, T_X))
    layer = numpy_to_layer(parameters, make_recurrent("gru", N_X, N_A, variant=variant, device="cpu",
                                                      dtype=torch.float64))
    x_t, c0_t = leaf(x), leaf(c0)
    c, _ = layer(x_t, state0=(c0_t,))
    (c * torch.tensor(dc)).sum().backward()

    c_expected, _, caches = gru_forward(x, c0, parameters, variant=variant)
    expected = gru_backward(dc, caches)
    assert_equal_to_1e10(c.detach().numpy(), c_expected, "c")
    assert_gradients_match({"dx": x_t.grad.numpy(), "dc0": c0_t.grad.numpy(), **parameter_gradients(layer.cell)},
                           expected)


STACK_FORMS = [("rnn", {}, {}), ("gru", {"variant": "notes"}, {"variant": "notes"}),
               ("gru", {"variant": "reset_after"}, {"variant": "reset_after"}), ("lstm", {"peepholes": True}, {})]


def layer_gradients(layer):
    """Gradients of a torch layer, structured as the NumPy bidirectional/deep backward returns them."""
    def one(single):
        if isinstance(single, Bidirectional):
            return (parameter_gradients(single.forward_layer.cell), parameter_gradients(single.backward_layer.cell))
        return parameter_gradients(single.cell)
    return [one(single) for single in layer.layers] if isinstance(layer, Stack) else one(layer)


def assert_structured_gradients_match(torch_grads, numpy_grads):
    if isinstance(torch_grads, dict):
        assert_gradients_match(torch_grads, numpy_grads)
        return
    assert len(torch_grads) == len(numpy_grads)
    for ours, theirs in zip(torch_grads, numpy_grads):
        assert_structured_gradients_match(ours, theirs)


def assert_layer_matches(layer, x, da, a_expected, dx_expected, parameter_gradients_expected):
    """Run the torch layer on x with upstream gradient da and compare with the NumPy results."""
    x_t = leaf(x)
    a, _ = layer(x_t)
    (a * torch.tensor(da)).sum().backward()
    assert_equal_to_1e10(a.detach().numpy(), a_expected, "a")
    assert_equal_to_1e10(x_t.grad.numpy(), dx_expected, "dx")
    assert_structured_gradients_match(layer_gradients(layer), parameter_gradients_expected)


@pytest.mark.parametrize("cell,options,numpy_options", STACK_FORMS)
def test_bidirectional_layer_matches_numpy(rng, cell, options, numpy_options):
    parameters = initialize_bidirectional_parameters(cell, N_X, N_A, seed=7, **options)
    parameters = tuple(with_random_biases(p, rng) for p in parameters)
    x, da = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((2 * N_A, M, T_X))
    layer = numpy_to_layer(parameters, make_recurrent(cell, N_X, N_A, bidirectional=True, device="cpu",
                                                      dtype=torch.float64, **options))
    a_expected, cache = bidirectional_forward(cell, x, parameters, **numpy_options)
    expected = bidirectional_backward(da, cache)
    assert_layer_matches(layer, x, da, a_expected, expected["dx"], expected["dparameters"])


@pytest.mark.parametrize("cell,options,numpy_options", STACK_FORMS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_deep_stack_matches_numpy(rng, cell, options, numpy_options, bidirectional):
    parameters = initialize_deep_parameters(cell, N_X, N_A, 2, 3, bidirectional=bidirectional, seed=8, **options)
    layers = parameters["layers"]
    width = 2 * N_A if bidirectional else N_A
    x, da = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((width, M, T_X))
    stack = numpy_to_layer(layers, make_recurrent(cell, N_X, N_A, num_layers=3, bidirectional=bidirectional,
                                                  device="cpu", dtype=torch.float64, **options))
    a_expected, cache = deep_forward(cell, x, layers, **numpy_options)
    expected = deep_backward(da, cache)
    assert_layer_matches(stack, x, da, a_expected, expected["dx"], expected["dlayers"])
