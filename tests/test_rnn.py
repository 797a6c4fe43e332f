"""The NumPy RNN cell and sequence, against finite differences and torch.nn.RNN (skipped without torch)."""
import numpy as np
import pytest

from recurrent_helpers import GRADIENT_TOLERANCE, with_random_biases
from reference_impl import (
    check_gradients,
    initialize_rnn_parameters,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)


@pytest.fixture
def problem(rng, rnn_sizes):
    n_x, n_a, n_y, m, T_x = rnn_sizes
    parameters = with_random_biases(initialize_rnn_parameters(n_x, n_a, n_y, seed=7), rng)
    x = rng.normal(size=(n_x, m, T_x))
    a0 = rng.normal(size=(n_a, m))
    return parameters, x, a0


def torch_rnn_with(parameters):
    torch = pytest.importorskip("torch")
    n_a, n_x = parameters["Wax"].shape
    rnn = torch.nn.RNN(n_x, n_a, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(parameters["Wax"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(parameters["Waa"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(parameters["ba"][:, 0]))
        rnn.bias_hh_l0.zero_()
    return rnn


def test_rnn_cell_forward_matches_torch_rnn_cell(problem):
    torch = pytest.importorskip("torch")
    parameters, x, a0 = problem
    a_next, yt_pred, _ = rnn_cell_forward(x[:, :, 0], a0, parameters)
    cell = torch.nn.RNNCell(x.shape[0], a0.shape[0], dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(parameters["Wax"]))
        cell.weight_hh.copy_(torch.from_numpy(parameters["Waa"]))
        cell.bias_ih.copy_(torch.from_numpy(parameters["ba"][:, 0]))
        cell.bias_hh.zero_()
        expected = cell(torch.from_numpy(x[:, :, 0].T), torch.from_numpy(a0.T)).numpy().T
        logits = torch.from_numpy(parameters["Wya"]) @ torch.from_numpy(expected) + torch.from_numpy(parameters["by"])
        expected_y = torch.softmax(logits, dim=0).numpy()
    np.testing.assert_allclose(a_next, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(yt_pred, expected_y, rtol=0, atol=1e-12)


def test_rnn_forward_matches_torch_nn_rnn(problem):
    torch = pytest.importorskip("torch")
    parameters, x, a0 = problem
    a, y_pred, _ = rnn_forward(x, a0, parameters)
    rnn = torch_rnn_with(parameters)
    with torch.no_grad():
        # torch wants (T, m, n_x); the course keeps (n_x, m, T).
        out, h_last = rnn(torch.from_numpy(x.transpose(2, 1, 0)), torch.from_numpy(a0.T)[None])
    np.testing.assert_allclose(a, out.numpy().transpose(2, 1, 0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(a[:, :, -1], h_last[0].numpy().T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(y_pred.sum(axis=0), 1.0, atol=1e-12)


def test_rnn_cell_backward_matches_finite_differences(problem, rng):
    parameters, x, a0 = problem
    xt = x[:, :, 0].copy()
    da_next = rng.normal(size=a0.shape)
    _, _, cache = rnn_cell_forward(xt, a0, parameters)
    grads = rnn_cell_backward(da_next, cache)

    def projected_output():
        return float(np.sum(rnn_cell_forward(xt, a0, parameters)[0] * da_next))

    errors = check_gradients(
        projected_output,
        {"xt": xt, "a_prev": a0, "Wax": parameters["Wax"], "Waa": parameters["Waa"], "ba": parameters["ba"]},
        grads,
    )
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_rnn_backward_matches_finite_differences(problem, rng):
    parameters, x, a0 = problem
    a, _, caches = rnn_forward(x, a0, parameters)
    da = rng.normal(size=a.shape)
    grads = rnn_backward(da, caches)

    def projected_output():
        return float(np.sum(rnn_forward(x, a0, parameters)[0] * da))

    errors = check_gradients(
        projected_output,
        {"x": x, "a0": a0, "Wax": parameters["Wax"], "Waa": parameters["Waa"], "ba": parameters["ba"]},
        grads,
    )
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_rnn_backward_matches_torch_autograd(problem, rng):
    torch = pytest.importorskip("torch")
    parameters, x, a0 = problem
    a, _, caches = rnn_forward(x, a0, parameters)
    da = rng.normal(size=a.shape)
    grads = rnn_backward(da, caches)

    rnn = torch_rnn_with(parameters)
    x_t = torch.from_numpy(x.transpose(2, 1, 0)).requires_grad_()
    h0 = torch.from_numpy(a0.T)[None].requires_grad_()
    out, _ = rnn(x_t, h0)
    out.backward(torch.from_numpy(da.transpose(2, 1, 0)))
    np.testing.assert_allclose(grads["dWax"], rnn.weight_ih_l0.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["dWaa"], rnn.weight_hh_l0.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["dba"][:, 0], rnn.bias_ih_l0.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["dx"], x_t.grad.numpy().transpose(2, 1, 0), atol=1e-12)
    np.testing.assert_allclose(grads["da0"], h0.grad[0].numpy().T, atol=1e-12)


def test_rnn_backward_accumulates_the_recurrent_gradient(problem):
    """A gradient on the last state only must still reach the first input."""
    parameters, x, a0 = problem
    a, _, caches = rnn_forward(x, a0, parameters)
    da = np.zeros_like(a)
    da[:, :, -1] = 1.0
    grads = rnn_backward(da, caches)
    assert np.all(np.abs(grads["dx"][:, :, 0]) > 0)


def test_rnn_gradients_have_the_parameter_shapes(problem, rng):
    parameters, x, a0 = problem
    a, _, caches = rnn_forward(x, a0, parameters)
    grads = rnn_backward(rng.normal(size=a.shape), caches)
    for name in ("Wax", "Waa", "ba"):
        assert grads["d" + name].shape == parameters[name].shape
    assert grads["dx"].shape == x.shape and grads["da0"].shape == a0.shape


@pytest.mark.parametrize(
    "bad_input, message",
    [
        (lambda p, x, a0: (x[:2], a0, p), r"x must have shape \(3, \?, \?\)"),
        (lambda p, x, a0: (x, a0[:, :1], p), r"a0 must have shape \(5, 2\)"),
        (lambda p, x, a0: (x[:, :, 0], a0, p), r"x must have 3 dimensions"),
        (lambda p, x, a0: (x[:, :, :0], a0, p), r"empty sequence"),
        (lambda p, x, a0: (x, a0, {k: v for k, v in p.items() if k != "Waa"}), r"missing keys \['Waa'\]"),
        (lambda p, x, a0: (x, a0, {**p, "ba": p["ba"].ravel()}), r"parameters\['ba'\] must have 2 dimensions"),
    ],
)
def test_rnn_forward_rejects_bad_input_with_the_expected_shape(problem, bad_input, message):
    with pytest.raises(ValueError, match=message):
        rnn_forward(*bad_input(*problem))


def test_rnn_cell_backward_rejects_a_gradient_of_the_wrong_shape(problem):
    parameters, x, a0 = problem
    _, _, cache = rnn_cell_forward(x[:, :, 0], a0, parameters)
    with pytest.raises(ValueError, match=r"da_next must have shape \(5, 2\)"):
        rnn_cell_backward(np.zeros((5, 3)), cache)


def test_rnn_caches_are_named_and_unpack_in_order(problem):
    parameters, x, a0 = problem
    a, _, caches = rnn_forward(x, a0, parameters)
    cell_caches, x_cached = caches  # the order callers unpack
    assert cell_caches is caches.cell_caches and x_cached is caches.x
    a_next, a_prev, xt, step_parameters = cell_caches[1]
    assert a_prev is cell_caches[1].a_prev and step_parameters is parameters
    np.testing.assert_array_equal(cell_caches[0].a_prev, a0)
    np.testing.assert_array_equal(a_prev, a[:, :, 0])
    np.testing.assert_array_equal(a_next, a[:, :, 1])
    np.testing.assert_array_equal(xt, x[:, :, 1])
