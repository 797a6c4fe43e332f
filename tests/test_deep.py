"""Deep (stacked) RNNs with each cell, one-way or bidirectional: finite differences and wiring."""
import numpy as np
import pytest

from recurrent_helpers import N_A, N_X, N_Y, T_X, M, assert_gradients_match, perturbed
from reference_impl.datasets import make_tagging_data
from reference_impl.deep import (
    deep_backward,
    deep_forward,
    deep_rnn_backward,
    deep_rnn_forward,
    initialize_deep_parameters,
)
from reference_impl.experiments import predict, train_classifier
from reference_impl.output import softmax_cross_entropy
from reference_impl.recurrent_layer import CELLS, layer_forward


@pytest.mark.parametrize("bidirectional", [False, True], ids=["one-way", "bidirectional"])
@pytest.mark.parametrize("cell", CELLS)
def test_deep_rnn_backward_matches_finite_differences(rng, cell, bidirectional):
    parameters = perturbed(initialize_deep_parameters(cell, N_X, N_A, N_Y, n_layers=2,
                                                      bidirectional=bidirectional, seed=6), rng)
    x = rng.normal(size=(N_X, M, T_X))
    y = np.eye(N_Y)[rng.integers(0, N_Y, size=(M, T_X))].transpose(2, 0, 1)

    def loss():
        return softmax_cross_entropy(deep_rnn_forward(cell, x, parameters)[0], y)[0]

    y_pred, cache = deep_rnn_forward(cell, x, parameters)
    grads = deep_rnn_backward(softmax_cross_entropy(y_pred, y)[1], cache)
    assert_gradients_match(loss, parameters, grads, {"x": (x, grads["dx"])})


def test_three_layer_lstm_with_peepholes_backward_matches_finite_differences(rng):
    parameters = perturbed(initialize_deep_parameters("lstm", N_X, N_A, N_Y, n_layers=3, seed=7, peepholes=True), rng)
    x, weight = rng.normal(size=(N_X, M, T_X)), rng.normal(size=(N_A, M, T_X))

    def loss():
        return np.sum(weight * deep_forward("lstm", x, parameters["layers"])[0])

    grads = deep_backward(weight, deep_forward("lstm", x, parameters["layers"])[1])
    assert_gradients_match(loss, parameters["layers"], grads["dlayers"], {"x": (x, grads["dx"])})


@pytest.mark.parametrize("cell", CELLS)
def test_each_layer_reads_the_states_of_the_layer_below(rng, cell):
    """a[2] = layer 2 applied to a[1] = layer 1 applied to x."""
    layers = initialize_deep_parameters(cell, N_X, N_A, N_Y, n_layers=2, seed=8)["layers"]
    x = rng.normal(size=(N_X, M, T_X))
    a1 = layer_forward(cell, x, None, layers[0])[0]
    a2 = layer_forward(cell, a1, None, layers[1])[0]
    np.testing.assert_allclose(deep_forward(cell, x, layers)[0], a2, rtol=1e-13)


def test_mixed_stack_of_one_way_and_bidirectional_layers(rng):
    one_way = initialize_deep_parameters("gru", N_X, N_A, N_Y, n_layers=1, seed=1)["layers"][0]
    on_top = initialize_deep_parameters("gru", N_A, N_A, N_Y, n_layers=1, bidirectional=True, seed=2)["layers"][0]
    a, _ = deep_forward("gru", rng.normal(size=(N_X, M, T_X)), [one_way, on_top])
    assert a.shape == (2 * N_A, M, T_X)


def test_deep_rejects_zero_layers():
    with pytest.raises(ValueError, match="n_layers must be a positive integer"):
        initialize_deep_parameters("rnn", N_X, N_A, N_Y, n_layers=0)
    with pytest.raises(ValueError, match="non-empty list"):
        deep_forward("rnn", np.zeros((N_X, M, T_X)), [])


def test_deep_rejects_a_layer_whose_input_size_does_not_match_the_layer_below():
    layers = initialize_deep_parameters("lstm", N_X, N_A, N_Y, n_layers=2, seed=0)["layers"]
    layers[1] = initialize_deep_parameters("lstm", N_X, N_A, N_Y, n_layers=1, seed=0)["layers"][0]
    with pytest.raises(ValueError, match=r"x must have shape \(3, \?, \?\)"):
        deep_forward("lstm", np.zeros((N_X, M, T_X)), layers)


@pytest.mark.parametrize("seed", (10, 11))
def test_three_one_way_layers_still_guess_teddy_and_one_bidirectional_layer_tags_it(seed):
    """Chapter 12's claim (seeds 0 to 4 on the page) with other seeds: depth adds no context, direction does."""
    x_train, y_train, _ = make_tagging_data(512, seed=seed)
    x_test, y_test, vocab = make_tagging_data(512, seed=seed + 1)
    is_teddy = x_test[vocab.token_to_index["teddy"]] == 1

    def teddy_accuracy(n_layers, bidirectional):
        parameters, _ = train_classifier("rnn", x_train, y_train, n_a=16, n_layers=n_layers,
                                         bidirectional=bidirectional, epochs=15, seed=seed)
        return np.mean(((predict("rnn", x_test, parameters)[0] > 0.5) == (y_test[0] > 0.5))[is_teddy])

    assert 0.35 <= teddy_accuracy(3, False) <= 0.65
    assert teddy_accuracy(1, True) >= 0.95
