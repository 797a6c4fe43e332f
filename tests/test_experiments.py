"""The book's experiments give their qualitative result, reproducibly (fixed seeds)."""
import numpy as np
import pytest

from reference_impl.datasets import make_agreement_data
from reference_impl.experiments import (
    agreement_accuracy_by_gap,
    gradient_norms_by_distance,
    predict,
    tagging_accuracy,
    train_classifier,
)


# One worker runs every test that reads the agreement results, so they are computed once.
in_agreement_group = pytest.mark.xdist_group("agreement")


@pytest.fixture(scope="module")
def agreement():
    return agreement_accuracy_by_gap(gaps=(5, 30))


@in_agreement_group
def test_plain_rnn_solves_agreement_over_a_short_gap(agreement):
    assert agreement["rnn"][0] >= 0.9


@in_agreement_group
def test_plain_rnn_is_near_chance_over_a_long_gap(agreement):
    assert agreement["rnn"][1] <= 0.65


@in_agreement_group
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_gated_cells_keep_high_accuracy_over_a_long_gap(agreement, cell):
    assert agreement[cell][1] >= 0.9


def test_bidirectional_rnn_tags_teddy_and_one_way_rnn_guesses():
    results = tagging_accuracy()
    assert results["bidirectional"]["teddy"] >= 0.95
    assert 0.35 <= results["one-way"]["teddy"] <= 0.65  # the next word decides, which it has not read
    assert results["bidirectional"]["all"] > results["one-way"]["all"] + 0.05


def test_training_is_reproducible_with_a_seed():
    x, y, _ = make_agreement_data(64, 3, seed=0)
    first = train_classifier("gru", x, y, many_to_one=True, epochs=2, seed=4)
    second = train_classifier("gru", x, y, many_to_one=True, epochs=2, seed=4)
    assert first[1] == second[1]
    np.testing.assert_array_equal(predict("gru", x, first[0], many_to_one=True),
                                  predict("gru", x, second[0], many_to_one=True))


def test_training_lowers_the_loss():
    x, y, _ = make_agreement_data(128, 2, seed=0)
    _, losses = train_classifier("lstm", x, y, many_to_one=True, epochs=6, learning_rate=0.02)
    assert losses[-1] < 0.5 * losses[0]


def test_rnn_gradient_vanishes_with_distance_and_gated_cells_keep_it():
    norms = {cell: gradient_norms_by_distance(cell, T=40) for cell in ("rnn", "gru", "lstm")}
    assert norms["rnn"][30] < 1e-3 * norms["rnn"][0]
    for cell in ("gru", "lstm"):
        assert norms[cell][30] > 100 * norms["rnn"][30]
        assert norms[cell][30] > 1e-2 * norms[cell][0]


def test_gradient_norms_start_at_the_loss_gradient():
    """At distance 0 the gradient is g itself, whatever the cell."""
    norms = [gradient_norms_by_distance(cell, T=5)[0] for cell in ("rnn", "gru", "lstm")]
    assert norms[0] == norms[1] == norms[2]


def test_unknown_cell_is_rejected():
    with pytest.raises(ValueError, match="cell must be one of"):
        gradient_norms_by_distance("transformer")
