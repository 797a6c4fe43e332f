"""A course Vocabulary crosses the sandbox's wire as its tokens (the samplers of assignments 2 and 5 take one)."""
import json
import sys

import numpy as np
import pytest

from grading.checks import special_vocabulary
from grading.sandbox_child import WireError, decode, encode
from reference_impl.text import Vocabulary


def test_a_vocabulary_arrives_with_its_special_tokens_where_they_were():
    vocab = special_vocabulary(np.random.default_rng(3), 9)
    received = decode(encode({"args": [vocab, 2]}))["args"][0]
    assert type(received) is Vocabulary and received is not vocab
    assert received.index_to_token == vocab.index_to_token and received.token_to_index == vocab.token_to_index
    assert (received.eos_index, received.unk_index) == (vocab.eos_index, vocab.unk_index) != (0, 1)
    assert received.decode(received.encode("bad", add_eos=True)) == "bad"


def test_a_vocabulary_a_student_returns_stays_in_the_sandbox():
    kept = []
    node = json.loads(encode(Vocabulary(list("ab")), keep=lambda item: kept.append(item) or len(kept))[8:])
    assert node == {"handle": 1, "type": "Vocabulary"} and isinstance(kept[0], Vocabulary)


@pytest.mark.parametrize("fields", [{"tokens": ["a", "a"], "level": "char", "lowercase": True},
                                    {"tokens": ["a", 1], "level": "char", "lowercase": True},
                                    {"tokens": ["a"], "level": "char"}, ["a", "b"]])
def test_a_malformed_vocabulary_is_refused(fields):
    header = json.dumps({"vocabulary": fields}).encode()
    with pytest.raises(WireError, match="bad vocabulary"):
        decode(len(header).to_bytes(8, "little") + header)


def test_a_vocabulary_needs_the_notebook_to_import_the_class(monkeypatch):
    data = encode(Vocabulary(list("ab")))
    monkeypatch.setitem(sys.modules, "reference_impl.text", None)
    with pytest.raises(WireError, match="does not import reference_impl.text"):
        decode(data)
