"""The names corpus and the two synthetic tasks."""
import numpy as np
import pytest

from reference_impl import load_names, make_agreement_data, make_tagging_data


def words_of(x, vocab):
    """(m, T) array of the words that one-hot x (V, m, T) encodes."""
    return np.array(vocab.index_to_token, dtype=object)[x.argmax(axis=0)]


def test_names_corpus_has_at_least_1000_unique_lowercase_names():
    names = load_names()
    assert len(set(names)) >= 1000
    assert all(name.isalpha() and name.islower() for name in names)


@pytest.mark.parametrize("gap", [0, 3, 12])
def test_agreement_sentences_are_gap_plus_five_words_long(gap):
    x, y, vocab = make_agreement_data(40, gap, seed=0)
    assert x.shape == (len(vocab), 40, gap + 5) and y.shape == (1, 40)
    assert np.array_equal(x.sum(axis=0), np.ones((40, gap + 5)))
    words = words_of(x, vocab)
    assert (words[:, 2] == ",").all() and (words[:, 3] == "which").all() and (words[:, -1] == ",").all()


def test_agreement_label_is_the_number_of_the_subject():
    x, y, vocab = make_agreement_data(200, 6, seed=1)
    subjects = words_of(x, vocab)[:, 1]
    plural = {"cats", "dogs", "birds", "children", "mice", "teachers", "horses", "farmers"}
    assert np.array_equal(y[0], [float(s in plural) for s in subjects])


@pytest.mark.parametrize("m", [1000, 1001])
def test_agreement_classes_are_balanced(m):
    _, y, _ = make_agreement_data(m, 4, seed=2)
    assert abs(y.sum() - m / 2) <= 0.5


def test_agreement_clause_does_not_reveal_the_label():
    x, y, vocab = make_agreement_data(4000, 8, seed=3)
    clause = words_of(x, vocab)[:, 4:-1]
    words_in_some_clauses = [w for w in np.unique(clause) if not (clause == w).any(axis=1).all()]
    assert "cats" in words_in_some_clauses and "cat" in words_in_some_clauses
    for word in words_in_some_clauses:
        has_word = (clause == word).any(axis=1)
        # the share of plural subjects is the same with or without the word,
        # up to four standard errors of sampling noise
        noise = 4 * np.sqrt(0.25 / has_word.sum() + 0.25 / (~has_word).sum())
        assert abs(y[0, has_word].mean() - y[0, ~has_word].mean()) < noise, word


def test_agreement_vocabulary_does_not_depend_on_the_arguments():
    assert make_agreement_data(5, 1, seed=0)[2].index_to_token == make_agreement_data(50, 9, seed=7)[2].index_to_token


def test_tagging_shapes_and_tags_are_binary():
    x, y, vocab = make_tagging_data(30, seed=0, T=10)
    assert x.shape == (len(vocab), 30, 10) and y.shape == (1, 30, 10)
    assert set(np.unique(y)) <= {0.0, 1.0}


def test_teddy_is_tagged_by_the_word_after_it():
    x, y, vocab = make_tagging_data(2000, seed=1)
    words, tags = words_of(x, vocab), y[0]
    rows, cols = np.nonzero(words == "teddy")
    assert (cols < words.shape[1] - 1).all()
    assert np.array_equal(tags[rows, cols], words[rows, cols + 1] == "roosevelt")
    # a one-way RNN can only guess: the two tags of "teddy" are about equally common
    assert 0.45 < tags[rows, cols].mean() < 0.55


def test_teddy_tag_is_independent_of_the_words_before_it():
    x, y, vocab = make_tagging_data(4000, seed=2, T=11)
    words, tags = words_of(x, vocab), y[0]
    rows, cols = np.nonzero(words[:, 1:] == "teddy")
    cols = cols + 1
    for previous in np.unique(words[rows, cols - 1]):
        chosen = words[rows, cols - 1] == previous
        assert abs(tags[rows[chosen], cols[chosen]].mean() - 0.5) < 0.1


def test_every_other_word_is_tagged_by_the_word_itself():
    x, y, vocab = make_tagging_data(2000, seed=3)
    words, tags = words_of(x, vocab), y[0]
    for word in np.unique(words):
        if word != "teddy":
            assert len(np.unique(tags[words == word])) == 1, word


@pytest.mark.parametrize("make, kwargs", [(make_agreement_data, {"gap": 3}), (make_tagging_data, {})])
def test_generators_are_reproducible_and_seeded(make, kwargs):
    first, again, other = (make(50, seed=s, **kwargs) for s in (0, 0, 1))
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("call", [lambda: make_agreement_data(0, 3), lambda: make_agreement_data(10, -1),
                                  lambda: make_tagging_data(10, T=1), lambda: make_tagging_data(2.5)])
def test_bad_sizes_are_rejected(call):
    with pytest.raises(ValueError):
        call()
