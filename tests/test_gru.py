"""The NumPy GRU (notes' form, torch's reset-after form, simplified): finite differences, equations, bad input."""
import numpy as np
import pytest

from recurrent_helpers import N_A, N_X, N_Y, T_X, M, assert_gradients_match, perturbed
from reference_impl.gru import (
    GRU_VARIANTS,
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    initialize_gru_parameters,
)


@pytest.fixture(params=GRU_VARIANTS)
def variant(request):
    return request.param


@pytest.fixture
def parameters(rng, variant):
    return perturbed(initialize_gru_parameters(N_X, N_A, N_Y, seed=3, variant=variant), rng)


def recurrent(parameters):
    return {k: v for k, v in parameters.items() if k not in ("Wya", "by")}


def test_gru_cell_backward_matches_finite_differences(rng, parameters, variant):
    xt, c_prev, weight = rng.normal(size=(N_X, M)), rng.normal(size=(N_A, M)), rng.normal(size=(N_A, M))

    def loss():
        return np.sum(weight * gru_cell_forward(xt, c_prev, parameters, variant)[0])

    grads = gru_cell_backward(weight, gru_cell_forward(xt, c_prev, parameters, variant)[2])
    assert_gradients_match(loss, recurrent(parameters), grads,
                           {"xt": (xt, grads["dxt"]), "c_prev": (c_prev, grads["dc_prev"])})


def test_gru_backward_matches_finite_differences(rng, parameters, variant):
    x, c0, weight = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(N_A, M)), rng.normal(size=(N_A, M, T_X))

    def loss():
        return np.sum(weight * gru_forward(x, c0, parameters, variant)[0])

    grads = gru_backward(weight, gru_forward(x, c0, parameters, variant)[2])
    assert_gradients_match(loss, recurrent(parameters), grads, {"x": (x, grads["dx"]), "c0": (c0, grads["dc0"])})


def test_gru_sequence_equals_its_cells_step_by_step(rng, parameters, variant):
    x, c0 = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(N_A, M))
    c, y, _ = gru_forward(x, c0, parameters, variant)
    c_t = c0
    for t in range(T_X):
        c_t, y_t, _ = gru_cell_forward(x[:, :, t], c_t, parameters, variant)
        np.testing.assert_allclose(c[:, :, t], c_t, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(y[:, :, t], y_t, rtol=1e-12, atol=1e-14)


def test_gru_notes_form_applies_the_relevance_gate_before_the_product(rng):
    """The notes' c̃ = tanh(Wc [Γr * c_prev; x] + bc), written out with the gates by hand."""
    parameters = perturbed(initialize_gru_parameters(N_X, N_A, seed=4), rng)
    xt, c_prev = rng.normal(size=(N_X, M)), rng.normal(size=(N_A, M))

    def sigma(z):
        return 1.0 / (1.0 + np.exp(-z))

    concat = np.vstack([c_prev, xt])
    gamma_u = sigma(parameters["Wu"] @ concat + parameters["bu"])
    gamma_r = sigma(parameters["Wr"] @ concat + parameters["br"])
    c_tilde = np.tanh(parameters["Wc"] @ np.vstack([gamma_r * c_prev, xt]) + parameters["bc"])
    expected = gamma_u * c_tilde + (1 - gamma_u) * c_prev
    np.testing.assert_allclose(gru_cell_forward(xt, c_prev, parameters)[0], expected, rtol=1e-12)


def test_gru_variants_differ_for_the_same_weights(rng):
    parameters = perturbed(initialize_gru_parameters(N_X, N_A, seed=4), rng)
    xt, c_prev = rng.normal(size=(N_X, M)), rng.normal(size=(N_A, M))
    notes = gru_cell_forward(xt, c_prev, parameters, "notes")[0]
    reset_after = gru_cell_forward(xt, c_prev, parameters, "reset_after")[0]
    assert np.max(np.abs(notes - reset_after)) > 1e-3


def test_gru_update_gate_closed_keeps_the_memory(rng):
    """Γu = 0 gives c<t> = c<t-1> exactly: the path that keeps gradients alive."""
    parameters = initialize_gru_parameters(N_X, N_A, seed=0, variant="simplified")
    parameters["bu"][:] = -60.0
    c_prev = rng.normal(size=(N_A, M))
    np.testing.assert_allclose(gru_cell_forward(rng.normal(size=(N_X, M)), c_prev, parameters, "simplified")[0],
                               c_prev, rtol=1e-12)


def test_simplified_gru_has_no_relevance_gate():
    parameters = initialize_gru_parameters(N_X, N_A, seed=0, variant="simplified")
    assert sorted(parameters) == ["Wc", "Wu", "bc", "bu"]


def test_gru_rejects_an_unknown_variant():
    parameters = initialize_gru_parameters(N_X, N_A, seed=0)
    with pytest.raises(ValueError, match="variant must be one of"):
        gru_forward(np.zeros((N_X, M, T_X)), np.zeros((N_A, M)), parameters, variant="pytorch")


def test_gru_rejects_a_wrong_initial_state_naming_the_expected_shape():
    parameters = initialize_gru_parameters(N_X, N_A, seed=0)
    with pytest.raises(ValueError, match=r"c0 must have shape \(4, 2\)"):
        gru_forward(np.zeros((N_X, M, T_X)), np.zeros((N_A, M + 1)), parameters)


def test_gru_missing_relevance_gate_is_reported():
    parameters = initialize_gru_parameters(N_X, N_A, seed=0, variant="simplified")
    with pytest.raises(ValueError, match=r"missing keys \['Wr', 'br'\]"):
        gru_cell_forward(np.zeros((N_X, M)), np.zeros((N_A, M)), parameters, "notes")


def test_gru_caches_name_the_book_quantities_and_still_unpack_in_order(variant, rng):
    parameters = initialize_gru_parameters(N_X, N_A, N_Y, seed=3, variant=variant)
    x, c0 = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(N_A, M))
    c, _, caches = gru_forward(x, c0, parameters, variant=variant)
    cell_caches, x_steps = caches  # the order callers unpack
    assert cell_caches is caches.cell_caches and x_steps is caches.x_steps
    step_cache, xt = cell_caches[1]
    assert step_cache is cell_caches[1].step
    np.testing.assert_array_equal(xt, x[:, :, 1])
    np.testing.assert_array_equal(step_cache.c_prev, c[:, :, 0])
    # c<t> = Γu * c̃ + (1 - Γu) * c<t-1>, read through the names
    np.testing.assert_allclose(
        c[:, :, 1], step_cache.gamma_u * step_cache.c_tilde + (1 - step_cache.gamma_u) * step_cache.c_prev, rtol=1e-12)
    c_prev, gamma_u, gamma_r, _, c_tilde, _ = step_cache
    assert gamma_u is step_cache.gamma_u and gamma_r is step_cache.gamma_r and c_tilde is step_cache.c_tilde
    assert gamma_r.shape == ((0, M) if variant == "simplified" else (N_A, M))
