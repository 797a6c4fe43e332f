"""Sampling from a trained character-level language model."""
import numpy as np
import pytest

from reference_impl import UNK, Vocabulary, load_names, rnn_cell_forward, sample, train_char_lm


@pytest.fixture(scope="module")
def model():
    names = load_names()
    vocab = Vocabulary.from_texts(names)
    parameters, _ = train_char_lm(names, vocab, n_a=16, num_iterations=150, batch_size=32,
                                  optimizer="adam", learning_rate=0.02, seed=0, progress=False)
    return parameters, vocab


def test_the_same_seed_gives_the_same_sample(model):
    parameters, vocab = model
    assert sample(parameters, vocab, seed=11) == sample(parameters, vocab, seed=11)


def test_different_seeds_give_different_samples(model):
    parameters, vocab = model
    assert len({tuple(sample(parameters, vocab, seed=s)) for s in range(10)}) >= 5


def test_a_sample_stops_at_eos_or_at_max_length(model):
    parameters, vocab = model
    for seed in range(20):
        indices = sample(parameters, vocab, seed=seed, max_length=5)
        assert len(indices) <= 5
        assert vocab.eos_index not in indices[:-1]
        assert indices[-1] == vocab.eos_index or len(indices) == 5


def test_avoid_unk_never_emits_unk_even_when_unk_is_the_likeliest_token(model):
    parameters, vocab = model
    biased = {k: v.copy() for k, v in parameters.items()}
    biased["by"][vocab.unk_index] += 20.0  # <UNK> now takes nearly all the probability
    assert sample(biased, vocab, seed=0, max_length=10, avoid_unk=False).count(vocab.unk_index) >= 8
    for seed in range(10):
        assert vocab.unk_index not in sample(biased, vocab, seed=seed, max_length=10)
        assert UNK not in vocab.decode(sample(biased, vocab, seed=seed, max_length=10))


def greedy_decode(parameters, vocab, max_length):
    """The most likely token at every step, computed independently of sample()."""
    V = len(vocab)
    x, a, indices = np.zeros((V, 1)), np.zeros((parameters["Waa"].shape[0], 1)), []
    while len(indices) < max_length and vocab.eos_index not in indices:
        a, y, _ = rnn_cell_forward(x, a, parameters)
        y[vocab.unk_index] = 0.0
        indices.append(int(y.argmax()))
        x = np.eye(V)[:, [indices[-1]]]
    return indices


def test_near_zero_temperature_gives_the_argmax_sequence(model):
    parameters, vocab = model
    expected = greedy_decode(parameters, vocab, max_length=20)
    for seed in range(5):
        assert sample(parameters, vocab, seed=seed, temperature=1e-3, max_length=20) == expected


def test_lower_temperature_concentrates_the_first_letter(model):
    parameters, vocab = model

    def share_of_commonest_first_letter(temperature):
        firsts = [sample(parameters, vocab, seed=s, temperature=temperature, max_length=1)[0] for s in range(400)]
        return np.bincount(firsts).max() / len(firsts)

    assert share_of_commonest_first_letter(0.2) > share_of_commonest_first_letter(1.0) > share_of_commonest_first_letter(5.0)


@pytest.mark.parametrize("temperature", [0.0, -1.0])
def test_non_positive_temperature_is_rejected(model, temperature):
    parameters, vocab = model
    with pytest.raises(ValueError, match="temperature"):
        sample(parameters, vocab, temperature=temperature)


def test_parameters_of_another_vocabulary_are_rejected(model):
    parameters, _ = model
    with pytest.raises(ValueError, match="Wya"):
        sample(parameters, Vocabulary.from_texts(["abc"]))
