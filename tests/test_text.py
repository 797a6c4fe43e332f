"""Tokenisation, the vocabulary and one-hot encoding."""
import json

import numpy as np
import pytest

from reference_impl import EOS, UNK, Vocabulary, one_hot, tokenize


def test_char_tokens_are_the_characters_lowercased():
    assert tokenize("Ann Lee") == ["a", "n", "n", " ", "l", "e", "e"]


def test_word_tokens_split_punctuation_from_words():
    assert tokenize("The cat, which ate, was full.", level="word") == [
        "the", "cat", ",", "which", "ate", ",", "was", "full", "."]


def test_unknown_level_is_rejected():
    with pytest.raises(ValueError, match="level"):
        tokenize("abc", level="sentence")


def test_special_tokens_come_first_and_corpus_tokens_are_sorted():
    vocab = Vocabulary.from_texts(["cab", "bad"])
    assert vocab.index_to_token == [EOS, UNK, "a", "b", "c", "d"]
    assert all(vocab.token_to_index[t] == i for i, t in enumerate(vocab.index_to_token))


@pytest.mark.parametrize("level, text", [("char", "hermione"), ("word", "harry met teddy roosevelt")])
def test_encode_then_decode_gives_the_text_back(level, text):
    vocab = Vocabulary.from_texts([text, "other words here"], level=level)
    assert vocab.decode(vocab.encode(text)) == text


def test_add_eos_appends_the_eos_index_and_decode_stops_there():
    vocab = Vocabulary.from_texts(["anna"])
    indices = vocab.encode("anna", add_eos=True)
    assert indices[-1] == vocab.eos_index and len(indices) == 5
    assert vocab.decode(list(indices) + [vocab.token_to_index["n"]]) == "anna"


def test_unknown_tokens_encode_as_unk():
    vocab = Vocabulary.from_texts(["abc"])
    assert list(vocab.encode("abz")) == [vocab.token_to_index["a"], vocab.token_to_index["b"], vocab.unk_index]
    assert vocab.decode(vocab.encode("abz")) == "ab" + UNK


def test_strict_encoding_names_the_unknown_tokens():
    vocab = Vocabulary.from_texts(["the cat"], level="word")
    with pytest.raises(ValueError, match="dog"):
        vocab.encode("the dog", strict=True)


def test_min_count_and_max_size_keep_the_frequent_tokens():
    texts = ["aaaa", "bbb", "cc", "d"]
    assert Vocabulary.from_texts(texts, min_count=2).index_to_token[2:] == ["a", "b", "c"]
    assert Vocabulary.from_texts(texts, max_size=2).index_to_token[2:] == ["a", "b"]
    assert Vocabulary.from_texts(texts, max_size=2).encode("d")[0] == 1  # <UNK>


@pytest.mark.parametrize("texts", [[], [""], ["", ""]])
def test_empty_corpus_is_an_error(texts):
    with pytest.raises(ValueError, match="empty"):
        Vocabulary.from_texts(texts)


def test_empty_text_cannot_be_encoded():
    with pytest.raises(ValueError, match="empty"):
        Vocabulary.from_texts(["abc"]).encode("")


def test_decode_rejects_indices_outside_the_vocabulary():
    vocab = Vocabulary.from_texts(["abc"])
    with pytest.raises(ValueError, match="outside"):
        vocab.decode([len(vocab)])


def test_one_hot_puts_a_single_one_in_each_column():
    indices = np.array([[0, 2, 1], [3, 3, 0]])
    x = one_hot(indices, 4)
    assert x.shape == (4, 2, 3)
    assert np.array_equal(x.sum(axis=0), np.ones((2, 3)))
    assert np.array_equal(x.argmax(axis=0), indices)


def test_one_hot_of_minus_one_is_a_zero_column():
    x = one_hot([-1, 2], 3)
    assert x.shape == (3, 1, 2)
    assert np.array_equal(x[:, 0, 0], np.zeros(3)) and x[2, 0, 1] == 1


@pytest.mark.parametrize("indices", [[[4]], [[-2]], [[0.5]], np.zeros((1, 0), dtype=int)])
def test_one_hot_rejects_bad_indices(indices):
    with pytest.raises(ValueError, match="indices"):
        one_hot(indices, 4)


def test_a_vocabulary_rebuilt_from_its_token_list_has_the_same_indices():
    vocab = Vocabulary.from_texts(["the cat sat", "a dog ran"], level="word", max_size=4)
    rebuilt = Vocabulary(vocab.index_to_token, level="word")
    assert rebuilt.index_to_token == vocab.index_to_token


def test_from_ordered_tokens_keeps_the_given_order():
    tokens = ["z", UNK, "a", EOS, " "]
    vocab = Vocabulary.from_ordered_tokens(tokens, level="char", lowercase=False)
    assert vocab.index_to_token == tokens and vocab.index_to_token is not tokens
    assert all(vocab.token_to_index[t] == i for i, t in enumerate(tokens)) and len(vocab.token_to_index) == 5
    assert (vocab.eos_index, vocab.unk_index, vocab.lowercase) == (3, 1, False)
    assert list(vocab.encode("Az", add_eos=True)) == [1, 0, 3]
    assert vocab.decode([0, 2, 4, 3, 2]) == "za "


@pytest.mark.parametrize("vocab", [
    Vocabulary.from_texts(["the cat sat", "a dog ran"], level="word", lowercase=False),
    Vocabulary.from_ordered_tokens(["b", EOS, "a", UNK]),
])
def test_to_dict_is_plain_data_that_from_ordered_tokens_takes_back(vocab):
    fields = vocab.to_dict()
    assert fields == json.loads(json.dumps(fields))  # plain data
    assert fields == {"tokens": vocab.index_to_token, "level": vocab.level, "lowercase": vocab.lowercase}
    rebuilt = Vocabulary.from_ordered_tokens(**fields)
    assert rebuilt.to_dict() == fields and rebuilt.token_to_index == vocab.token_to_index
    fields["tokens"].append("extra")  # the dict is a copy: changing it leaves the vocabulary as it was
    assert "extra" not in vocab and len(rebuilt) == len(vocab)


@pytest.mark.parametrize("tokens, level, lowercase, message", [
    ([EOS, UNK, "a", "b", "a"], "char", True, r"distinct, got 'a' at indices 2 and 4"),
    ([UNK, "a"], "char", True, f"must hold {EOS} and {UNK}, missing {EOS}$"),
    ([EOS, "a"], "char", True, f"must hold {EOS} and {UNK}, missing {UNK}$"),
    (["a"], "char", True, f"missing {EOS} and {UNK}$"),
    ([EOS, UNK, 1], "char", True, "tokens must be strings, got int 1 at index 2"),
    ([EOS, UNK, None], "word", True, "tokens must be strings, got NoneType None at index 2"),
    (EOS + UNK, "char", True, "tokens must be a list of strings in index order, got str"),
    (None, "char", True, "tokens must be a list of strings in index order, got NoneType"),
    ([EOS, UNK], "sentence", True, r"level must be one of \('char', 'word'\), got 'sentence'"),
    ([EOS, UNK], "char", "yes", "lowercase must be True or False, got 'yes'"),
])
def test_from_ordered_tokens_names_what_it_expected(tokens, level, lowercase, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary.from_ordered_tokens(tokens, level=level, lowercase=lowercase)
