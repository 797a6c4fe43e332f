"""The NumPy LSTM cell and sequence: backward against finite differences, shapes, bad input."""
import numpy as np
import pytest

from recurrent_helpers import N_A, N_X, N_Y, T_X, M, assert_gradients_match, perturbed
from reference_impl.lstm import (
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)


@pytest.fixture(params=[False, True], ids=["plain", "peepholes"])
def parameters(request, rng):
    return perturbed(initialize_lstm_parameters(N_X, N_A, N_Y, seed=5, peepholes=request.param), rng)


def recurrent(parameters):
    """The parameters a gradient exists for: everything but the output layer Wya, by."""
    return {k: v for k, v in parameters.items() if k not in ("Wya", "by")}


def test_lstm_cell_backward_matches_finite_differences(rng, parameters):
    xt, a_prev, c_prev = rng.normal(size=(N_X, M)), rng.normal(size=(N_A, M)), rng.normal(size=(N_A, M))
    weight_a, weight_c = rng.normal(size=(N_A, M)), rng.normal(size=(N_A, M))

    def loss():
        a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, parameters)
        return np.sum(weight_a * a_next) + np.sum(weight_c * c_next)

    grads = lstm_cell_backward(weight_a, weight_c, lstm_cell_forward(xt, a_prev, c_prev, parameters)[3])
    assert_gradients_match(loss, recurrent(parameters), grads,
                           {"xt": (xt, grads["dxt"]), "a_prev": (a_prev, grads["da_prev"]),
                            "c_prev": (c_prev, grads["dc_prev"])})


def test_lstm_backward_matches_finite_differences(rng, parameters):
    x, a0 = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(N_A, M))
    weight = rng.normal(size=(N_A, M, T_X))

    def loss():
        return np.sum(weight * lstm_forward(x, a0, parameters)[0])

    grads = lstm_backward(weight, lstm_forward(x, a0, parameters)[3])
    assert_gradients_match(loss, recurrent(parameters), grads, {"x": (x, grads["dx"]), "a0": (a0, grads["da0"])})


def test_lstm_sequence_equals_its_cells_step_by_step(rng, parameters):
    x, a0 = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(N_A, M))
    a, y, c, _ = lstm_forward(x, a0, parameters)
    a_t, c_t = a0, np.zeros((N_A, M))
    for t in range(T_X):
        a_t, c_t, y_t, _ = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        np.testing.assert_allclose(a[:, :, t], a_t, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(c[:, :, t], c_t, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(y[:, :, t], y_t, rtol=1e-12, atol=1e-14)


def test_lstm_output_is_output_gate_times_tanh_of_memory(rng):
    """a<t> = Γo * tanh(c<t>), not the notes' Γo * c<t>: with Γo forced to one, a = tanh(c)."""
    parameters = initialize_lstm_parameters(N_X, N_A, seed=1)
    parameters["bo"][:] = 50.0
    a_next, c_next, yt_pred, _ = lstm_cell_forward(rng.normal(size=(N_X, M)), np.zeros((N_A, M)),
                                                   3.0 * np.ones((N_A, M)), parameters)
    np.testing.assert_allclose(a_next, np.tanh(c_next), rtol=1e-12)
    assert yt_pred is None  # no Wya, by: no output layer


def test_lstm_forget_gate_closed_and_update_gate_open_replaces_the_memory(rng):
    parameters = initialize_lstm_parameters(N_X, N_A, seed=2)
    parameters["bf"][:], parameters["bi"][:] = -50.0, 50.0
    c_prev = rng.normal(size=(N_A, M))
    xt, a_prev = rng.normal(size=(N_X, M)), rng.normal(size=(N_A, M))
    _, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, parameters)
    candidate = np.tanh(parameters["Wc"] @ np.vstack([a_prev, xt]) + parameters["bc"])
    np.testing.assert_allclose(c_next, candidate, rtol=1e-12)


def test_lstm_rejects_a_wrong_input_size_naming_the_expected_shape(parameters):
    with pytest.raises(ValueError, match=r"x must have shape \(3, \?, \?\)"):
        lstm_forward(np.zeros((N_X + 1, M, T_X)), np.zeros((N_A, M)), parameters)


def test_lstm_rejects_an_incomplete_set_of_peepholes():
    parameters = initialize_lstm_parameters(N_X, N_A, seed=0, peepholes=True)
    del parameters["po"]
    with pytest.raises(ValueError, match="peephole"):
        lstm_cell_forward(np.zeros((N_X, M)), np.zeros((N_A, M)), np.zeros((N_A, M)), parameters)


def test_lstm_rejects_a_gate_matrix_of_the_wrong_width():
    parameters = initialize_lstm_parameters(N_X, N_A, seed=0)
    parameters["Wo"] = np.zeros((N_A, N_A + N_X + 1))
    with pytest.raises(ValueError, match=r"parameters\['Wo'\] must have shape \(4, 7\)"):
        lstm_forward(np.zeros((N_X, M, T_X)), np.zeros((N_A, M)), parameters)


def test_lstm_caches_name_the_book_quantities_and_still_unpack_in_order(parameters, rng):
    x, a0 = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(N_A, M))
    a, _, c, caches = lstm_forward(x, a0, parameters)
    cell_caches, x_steps, a_prev_steps = caches  # the order callers unpack
    assert cell_caches is caches.cell_caches and x_steps is caches.x_steps and a_prev_steps is caches.a_prev_steps
    step = cell_caches[1].step
    np.testing.assert_array_equal(step.a_prev, a[:, :, 0])
    np.testing.assert_array_equal(step.c_prev, c[:, :, 0])
    np.testing.assert_array_equal(step.c_next, c[:, :, 1])
    np.testing.assert_array_equal(cell_caches[1].xt, x[:, :, 1])
    # a<t> = Γo * tanh(c<t>) and c<t> = Γf * c<t-1> + Γu * c̃, read through the names
    np.testing.assert_allclose(a[:, :, 1], step.gamma_o * np.tanh(step.c_next), rtol=1e-12)
    np.testing.assert_allclose(step.c_next, step.gamma_f * step.c_prev + step.gamma_u * step.c_tilde, rtol=1e-12)
    a_prev, c_prev, c_next, tanh_c, gamma_f, gamma_u, c_tilde, gamma_o, _ = step
    assert (gamma_f is step.gamma_f and gamma_u is step.gamma_u and c_tilde is step.c_tilde
            and gamma_o is step.gamma_o and tanh_c is step.tanh_c)
