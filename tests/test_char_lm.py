"""Character-level language model: batches, masking, training."""
import numpy as np
import pytest

from reference_impl import (
    Vocabulary,
    initialize_rnn_parameters,
    language_model_batch,
    load_names,
    loss_per_character,
    perplexity,
    rnn_model_backward,
    rnn_model_forward,
    train_char_lm,
)


@pytest.fixture(scope="module")
def names():
    return load_names()


@pytest.fixture(scope="module")
def vocab(names):
    return Vocabulary.from_texts(names)


def test_input_is_the_previous_target_and_starts_at_zero(vocab):
    sequences = [vocab.encode(name, add_eos=True) for name in ("ann", "bo")]
    x, y, mask = language_model_batch(sequences, len(vocab))
    assert x.shape == y.shape == (len(vocab), 2, 4) and mask.shape == (1, 2, 4)
    assert np.array_equal(x[:, :, 0], np.zeros((len(vocab), 2)))
    assert np.array_equal(x[:, 0, 1:], y[:, 0, :-1])
    assert vocab.decode(y[:, 0, :].argmax(axis=0)) == "ann" and y[vocab.eos_index, 0, 3] == 1


def test_mask_marks_the_padding_after_shorter_sequences(vocab):
    sequences = [vocab.encode(name, add_eos=True) for name in ("ann", "bo")]
    _, y, mask = language_model_batch(sequences, len(vocab))
    assert np.array_equal(mask[0], [[1, 1, 1, 1], [1, 1, 1, 0]])
    assert np.array_equal(y[:, 1, 3], np.zeros(len(vocab)))


def test_empty_batch_is_rejected():
    with pytest.raises(ValueError, match="empty"):
        language_model_batch([], 5)


def test_masked_batch_gradient_equals_the_mean_of_per_example_gradients(names, vocab):
    V, n_a = len(vocab), 6
    parameters = initialize_rnn_parameters(V, n_a, V, seed=3)
    sequences = [vocab.encode(name, add_eos=True) for name in ("al", "christopher", "eve", "maximilian")]
    x, y, mask = language_model_batch(sequences, V)
    batch_loss, _, cache = rnn_model_forward(x, y, np.zeros((n_a, 4)), parameters, "softmax", mask)
    batch_grads = rnn_model_backward(cache)
    losses, per_example = [], []
    for sequence in sequences:
        xi, yi, _ = language_model_batch([sequence], V)
        loss, _, cache = rnn_model_forward(xi, yi, np.zeros((n_a, 1)), parameters, "softmax")
        losses.append(loss)
        per_example.append(rnn_model_backward(cache))
    assert batch_loss == pytest.approx(np.mean(losses), rel=1e-12)
    for name in parameters:
        expected = np.mean([g["d" + name] for g in per_example], axis=0)
        np.testing.assert_allclose(batch_grads["d" + name], expected, rtol=1e-10, atol=1e-14)


def test_a_model_with_zero_output_weights_has_loss_ln_v_per_character(vocab):
    V = len(vocab)
    parameters = initialize_rnn_parameters(V, 8, V, seed=0)
    parameters["Wya"][:] = 0.0
    sequences = [vocab.encode(name, add_eos=True) for name in ("anna", "bob", "christina")]
    assert loss_per_character(parameters, sequences, V) == pytest.approx(np.log(V), rel=1e-12)
    assert perplexity(np.log(V)) == pytest.approx(V)


def test_training_brings_held_out_loss_per_character_well_below_uniform(names, vocab):
    shuffled = list(np.random.default_rng(0).permutation(names))
    train, held_out = shuffled[:-300], shuffled[-300:]
    parameters, history = train_char_lm(train, vocab, n_a=32, num_iterations=300, batch_size=32,
                                        optimizer="adam", learning_rate=0.02, seed=0, progress=False)
    held_out_loss = loss_per_character(parameters, [vocab.encode(n, add_eos=True) for n in held_out], len(vocab))
    assert held_out_loss < 0.75 * np.log(len(vocab))
    assert len(history["loss"]) == 300 and history["smoothed_loss"][-1] < history["smoothed_loss"][0]


def test_one_name_per_step_sgd_lowers_the_smoothed_loss(names, vocab):
    _, history = train_char_lm(names, vocab, n_a=16, num_iterations=400, progress=False)
    start = np.log(len(vocab)) * np.mean([len(n) + 1 for n in names])
    assert history["smoothed_loss"][-1] < 0.95 * start
    assert max(history["grad_norm"]) > 0


def test_clipping_bounds_the_update_of_the_first_step(names, vocab):
    # with SGD the first update is learning_rate times the clipped gradient
    initial = initialize_rnn_parameters(len(vocab), 8, len(vocab), seed=0)
    parameters, history = train_char_lm(names, vocab, n_a=8, num_iterations=1, max_norm=0.1,
                                        learning_rate=1.0, progress=False)
    step = np.sqrt(sum(np.sum((parameters[k] - initial[k]) ** 2) for k in initial))
    assert history["grad_norm"][0] > 0.1 and step == pytest.approx(0.1)


def test_training_is_reproducible_with_a_seed(names, vocab):
    runs = [train_char_lm(names, vocab, n_a=8, num_iterations=20, batch_size=4, optimizer="adam",
                          seed=seed, progress=False)[0] for seed in (5, 5, 6)]
    assert all(np.array_equal(runs[0][k], runs[1][k]) for k in runs[0])
    assert not np.array_equal(runs[0]["Waa"], runs[2]["Waa"])


def test_progress_bar_can_be_turned_off(names, vocab, capsys):
    train_char_lm(names, vocab, n_a=4, num_iterations=3, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("kwargs", [{"optimizer": "rmsprop"}, {"batch_size": 0}])
def test_bad_training_settings_are_rejected(names, vocab, kwargs):
    with pytest.raises(ValueError):
        train_char_lm(names, vocab, num_iterations=1, progress=False, **kwargs)
