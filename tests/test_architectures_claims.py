"""What chapter 5 says about its two trained RNNs, re-run with initial weights the page does not use.

The page trains both networks (full-batch Adam on a sigmoid-output RNN, 300 iterations) with the seeds 0 to 4;
these tests use the seeds 10 and 11 and the page's data.
"""
import numpy as np
import pytest

from reference_impl import (
    adam_update,
    initialize_adam,
    initialize_rnn_parameters,
    rnn_model_backward,
    rnn_model_forward,
)
from reference_impl.datasets import make_agreement_data, make_tagging_data

SEEDS = (10, 11)


def train(x, y, many_to_one, seed, n_a=16, iterations=300, learning_rate=0.02):
    """The page's trainer: full-batch Adam; returns the parameters and the last loss."""
    parameters = initialize_rnn_parameters(x.shape[0], n_a, y.shape[0], seed=seed)
    state = initialize_adam(parameters)
    a0 = np.zeros((n_a, x.shape[1]))
    for _ in range(iterations):
        loss, _, cache = rnn_model_forward(x, y, a0, parameters, output="sigmoid", many_to_one=many_to_one)
        grads = rnn_model_backward(cache)
        adam_update(parameters, {name: grads[name] for name in ("dWax", "dWaa", "dba", "dWya", "dby")}, state,
                    learning_rate)
    return parameters, loss


def correct(parameters, x, y, many_to_one):
    a0 = np.zeros((parameters["Waa"].shape[0], x.shape[1]))
    return (rnn_model_forward(x, y, a0, parameters, output="sigmoid", many_to_one=many_to_one)[1] > 0.5) == y


@pytest.mark.parametrize("seed", SEEDS)
def test_many_to_one_rnn_learns_was_or_were_across_a_three_word_clause(seed):
    x_train, y_train, _ = make_agreement_data(400, gap=3, seed=0)
    x_test, y_test, _ = make_agreement_data(400, gap=3, seed=1)
    parameters, _ = train(x_train, y_train, many_to_one=True, seed=seed)
    assert correct(parameters, x_test, y_test, True).mean() >= 0.95


@pytest.mark.parametrize("seed", SEEDS)
def test_one_way_tagger_guesses_teddy_and_memorises_training_sentences(seed):
    x_train, y_train, vocab = make_tagging_data(400, seed=0, T=8)
    x_test, y_test, _ = make_tagging_data(400, seed=1, T=8)
    teddy = vocab.token_to_index["teddy"]
    is_teddy, train_is_teddy = x_test.argmax(axis=0) == teddy, x_train.argmax(axis=0) == teddy
    parameters, final_loss = train(x_train, y_train, many_to_one=False, seed=seed)
    test_correct, train_correct = correct(parameters, x_test, y_test, False)[0], correct(parameters, x_train, y_train, False)[0]
    assert test_correct[~is_teddy].mean() >= 0.95  # every other word almost perfectly
    assert 0.4 <= test_correct[is_teddy].mean() <= 0.6  # "teddy" about half the time on new sentences
    assert final_loss < train_is_teddy.sum(axis=1).mean() * np.log(2)  # below the floor of an honest tagger
    assert train_correct[train_is_teddy].mean() > test_correct[is_teddy].mean() + 0.1  # memorised
