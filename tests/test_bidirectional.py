"""Bidirectional layer and BRNN with each cell: finite differences and the direction of each half."""
import numpy as np
import pytest

from recurrent_helpers import N_A, N_X, N_Y, T_X, M, assert_gradients_match, perturbed
from reference_impl.bidirectional import (
    bidirectional_backward,
    bidirectional_forward,
    brnn_backward,
    brnn_forward,
    initialize_bidirectional_parameters,
    initialize_brnn_parameters,
)
from reference_impl.output import binary_cross_entropy
from reference_impl.recurrent_layer import CELLS, layer_forward

CELL_OPTIONS = [("rnn", {}), ("gru", {}), ("gru", {"variant": "reset_after"}), ("lstm", {}),
                ("lstm", {"peepholes": True})]
IDS = ["rnn", "gru", "gru-reset-after", "lstm", "lstm-peepholes"]


def forward_options(options):
    """Peepholes live in the parameter dict; only the GRU variant is passed at run time."""
    return {k: v for k, v in options.items() if k != "peepholes"}


@pytest.mark.parametrize("cell, options", CELL_OPTIONS, ids=IDS)
def test_bidirectional_backward_matches_finite_differences(rng, cell, options):
    parameters = perturbed(initialize_bidirectional_parameters(cell, N_X, N_A, seed=2, **options), rng)
    x, weight = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(2 * N_A, M, T_X))
    run = forward_options(options)

    def loss():
        return np.sum(weight * bidirectional_forward(cell, x, parameters, **run)[0])

    grads = bidirectional_backward(weight, bidirectional_forward(cell, x, parameters, **run)[1])
    assert_gradients_match(loss, parameters, grads["dparameters"], {"x": (x, grads["dx"])})


@pytest.mark.parametrize("cell, options", CELL_OPTIONS, ids=IDS)
def test_brnn_backward_matches_finite_differences(rng, cell, options):
    parameters = perturbed(initialize_brnn_parameters(cell, N_X, N_A, N_Y, seed=3, **options), rng)
    x, y = rng.normal(size=(N_X, M, T_X)), rng.integers(0, 2, size=(N_Y, M, T_X)).astype(float)
    run = forward_options(options)

    def loss():
        return binary_cross_entropy(brnn_forward(cell, x, parameters, "sigmoid", **run)[0], y)[0]

    y_pred, cache = brnn_forward(cell, x, parameters, "sigmoid", **run)
    grads = brnn_backward(binary_cross_entropy(y_pred, y)[1], cache)
    assert_gradients_match(loss, parameters, grads, {"x": (x, grads["dx"])})


@pytest.mark.parametrize("cell", CELLS)
def test_backward_half_reads_right_to_left(rng, cell):
    """a←<1> depends on x<T_x>; a→<1> does not."""
    parameters = initialize_bidirectional_parameters(cell, N_X, N_A, seed=4)
    x = rng.normal(size=(N_X, M, T_X))
    changed = x.copy()
    changed[:, :, -1] += 1.0
    before, after = bidirectional_forward(cell, x, parameters)[0], bidirectional_forward(cell, changed, parameters)[0]
    np.testing.assert_array_equal(before[:N_A, :, 0], after[:N_A, :, 0])
    assert np.max(np.abs(before[N_A:, :, 0] - after[N_A:, :, 0])) > 1e-6


@pytest.mark.parametrize("cell", CELLS)
def test_backward_half_is_the_layer_run_on_the_reversed_sequence(rng, cell):
    forward_parameters, backward_parameters = initialize_bidirectional_parameters(cell, N_X, N_A, seed=5)
    x = rng.normal(size=(N_X, M, T_X))
    a = bidirectional_forward(cell, x, (forward_parameters, backward_parameters))[0]
    reversed_run = layer_forward(cell, x[:, :, ::-1].copy(), None, backward_parameters)[0]
    np.testing.assert_allclose(a[N_A:], reversed_run[:, :, ::-1], rtol=1e-13)
    np.testing.assert_allclose(a[:N_A], layer_forward(cell, x, None, forward_parameters)[0], rtol=1e-13)


def test_bidirectional_rejects_a_single_dict():
    parameters = initialize_bidirectional_parameters("rnn", N_X, N_A)[0]
    with pytest.raises(ValueError, match=r"\(forward dict, backward dict\)"):
        bidirectional_forward("rnn", np.zeros((N_X, M, T_X)), parameters)


def test_bidirectional_rejects_an_unknown_cell():
    parameters = initialize_bidirectional_parameters("rnn", N_X, N_A)
    with pytest.raises(ValueError, match="cell must be one of"):
        bidirectional_forward("transformer", np.zeros((N_X, M, T_X)), parameters)


def test_bidirectional_reports_a_missing_parameter():
    forward_parameters, backward_parameters = initialize_bidirectional_parameters("lstm", N_X, N_A)
    del backward_parameters["bc"]
    with pytest.raises(ValueError, match="missing 'bc'"):
        bidirectional_forward("lstm", np.zeros((N_X, M, T_X)), (forward_parameters, backward_parameters))
