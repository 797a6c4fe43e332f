"""Text to indices and back: tokenisation, the vocabulary, one-hot columns.

A language model reads and writes integers; the vocabulary is the
dictionary between those integers and the tokens (characters or words)
of a corpus. Two tokens are special: <EOS> ends a sequence (so a model can
learn where names and sentences stop) and <UNK> stands for any token the
vocabulary does not hold.
"""
import re
from collections import Counter

import numpy as np

from ._validate import require_array

EOS = "<EOS>"
UNK = "<UNK>"
LEVELS = ("char", "word")
# A word is a run of letters, digits or apostrophes; every other visible
# character (",", ".", "!") is a token of its own.
_WORD_PATTERN = re.compile(r"[\w']+|[^\w\s]")


def tokenize(text, level="char", lowercase=True):
    """Split a text into tokens.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    text
        a string
    level
        "char" (every character, spaces included, is a token) or "word" (words and punctuation marks; white
        space separates)
    lowercase
        lower-case the text first, so "The" and "the" are one token

    Returns
    -------
    tokens
        list of strings
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    if lowercase:
        text = text.lower()
    return list(text) if level == "char" else _WORD_PATTERN.findall(text)


class Vocabulary:
    """Two-way map between tokens and indices 0..V-1.

    Index 0 is <EOS> and index 1 is <UNK>; the corpus tokens follow in
    sorted order, so the indices do not depend on the order of the corpus.
    ``Vocabulary.from_ordered_tokens`` keeps a given order instead, and
    ``to_dict`` gives back what it takes.

    See the chapter :doc:`/book/chapters/02_notation`.

    Attributes
    ----------
    index_to_token : list
        index -> token
    token_to_index : dict
        token -> index
    level : str
        how texts are tokenised, "char" or "word" (see tokenize)
    lowercase : bool
        whether texts are lower-cased before they are tokenised
    """

    def __init__(self, tokens, level="char", lowercase=True):
        """Vocabulary holding <EOS>, <UNK> and the given tokens (duplicates ignored)."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
        kept = sorted(set(tokens) - {EOS, UNK})
        self._set_fields([EOS, UNK] + kept, level, lowercase)

    def _set_fields(self, index_to_token, level, lowercase):
        self.index_to_token = index_to_token
        self.token_to_index = {token: i for i, token in enumerate(index_to_token)}
        self.level = level
        self.lowercase = lowercase

    @classmethod
    def from_ordered_tokens(cls, tokens, level="char", lowercase=True):
        """Vocabulary whose token at index i is tokens[i] (<EOS> and <UNK> wherever they are in tokens).

        The inverse of to_dict: ``Vocabulary.from_ordered_tokens(**vocab.to_dict())`` is a vocabulary
        with the same indices, level and lowercase flag.

        Parameters
        ----------
        tokens
            list of distinct strings in index order, holding <EOS> and <UNK>
        level
            "char" or "word" (see tokenize)
        lowercase
            True or False: whether texts are lower-cased before they are tokenised

        Returns
        -------
        vocabulary
            a Vocabulary of len(tokens) tokens
        """
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
        if not isinstance(lowercase, bool):
            raise ValueError(f"lowercase must be True or False, got {lowercase!r}")
        if not isinstance(tokens, (list, tuple)):
            raise ValueError(f"tokens must be a list of strings in index order, got {type(tokens).__name__}")
        tokens = list(tokens)
        for i, token in enumerate(tokens):
            if not isinstance(token, str):
                raise ValueError(f"tokens must be strings, got {type(token).__name__} {token!r} at index {i}")
        seen = {}
        for i, token in enumerate(tokens):
            if token in seen:
                raise ValueError(f"tokens must be distinct, got {token!r} at indices {seen[token]} and {i}")
            seen[token] = i
        missing = [special for special in (EOS, UNK) if special not in seen]
        if missing:
            raise ValueError(f"tokens must hold {EOS} and {UNK}, missing {' and '.join(missing)}")
        vocab = cls.__new__(cls)
        vocab._set_fields(tokens, level, lowercase)
        return vocab

    def to_dict(self):
        """The vocabulary as plain data, which from_ordered_tokens takes back.

        Returns
        -------
        fields : dict
            "tokens": list of strings in index order, "level": "char" or "word", "lowercase": bool
        """
        return {"tokens": list(self.index_to_token), "level": self.level, "lowercase": bool(self.lowercase)}

    @classmethod
    def from_texts(cls, texts, level="char", lowercase=True, min_count=1, max_size=None):
        """Vocabulary of a corpus.

        Parameters
        ----------
        texts
            iterable of strings (names, sentences)
        min_count
            keep only tokens seen at least this many times
        max_size
            keep at most this many tokens, the most frequent ones, plus <EOS> and <UNK>; None keeps all

        Returns
        -------
        vocabulary
            a Vocabulary; rarer tokens will encode as <UNK>
        """
        if isinstance(texts, str):
            raise ValueError("texts must be a list of strings, not one string")
        counts = Counter()
        for text in texts:
            counts.update(tokenize(text, level, lowercase))
        if not counts:
            raise ValueError("cannot build a vocabulary from an empty corpus; texts holds no tokens")
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}")
        if max_size is not None and max_size < 1:
            raise ValueError(f"max_size must be at least 1 or None, got {max_size}")
        # most frequent first, ties broken alphabetically so the cut is deterministic
        ranked = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
        return cls(ranked[:max_size], level=level, lowercase=lowercase)

    def __len__(self):
        return len(self.index_to_token)

    def __contains__(self, token):
        return token in self.token_to_index

    @property
    def eos_index(self):
        return self.token_to_index[EOS]

    @property
    def unk_index(self):
        return self.token_to_index[UNK]

    def encode(self, text, strict=False, add_eos=False):
        """Indices of a text's tokens.

        Parameters
        ----------
        text
            a string (tokenised at the vocabulary's level) or a list of tokens
        strict
            False: unknown tokens become <UNK>; True: an unknown token raises ValueError naming it
        add_eos
            append the <EOS> index

        Returns
        -------
        indices : ndarray, shape (T,)
            int array
        """
        tokens = tokenize(text, self.level, self.lowercase) if isinstance(text, str) else list(text)
        if not tokens:
            raise ValueError("cannot encode an empty text; it must hold at least one token")
        if strict:
            unknown = sorted({t for t in tokens if t not in self.token_to_index})
            if unknown:
                raise ValueError(f"tokens not in the vocabulary: {unknown}; use strict=False to map them to {UNK}")
        indices = [self.token_to_index.get(t, self.unk_index) for t in tokens]
        if add_eos:
            indices.append(self.eos_index)
        return np.array(indices, dtype=int)

    def decode(self, indices):
        """Text of a sequence of indices, up to (not including) the first <EOS>.

        Characters are joined directly, words with single spaces; <UNK> is
        written as "<UNK>".

        Parameters
        ----------
        indices
            iterable of ints in [0, V)

        Returns
        -------
        text
            string
        """
        tokens = []
        for i in indices:
            i = int(i)
            if not 0 <= i < len(self):
                raise ValueError(f"index {i} is outside the vocabulary [0, {len(self)})")
            if i == self.eos_index:
                break
            tokens.append(self.index_to_token[i])
        return ("" if self.level == "char" else " ").join(tokens)

    def __repr__(self):
        return f"Vocabulary({len(self)} tokens, level={self.level!r})"


def one_hot(indices, vocab_size):
    """One-hot columns for a batch of index sequences.

    Index -1 gives an all-zero column: it is the "nothing yet" input x<1> = 0
    of a language model and the padding of shorter sequences in a batch.

    See the chapter :doc:`/book/chapters/02_notation`.

    Parameters
    ----------
    indices
        ints in [-1, vocab_size), shape (m, T), or (T,) for one sequence
    vocab_size
        V

    Returns
    -------
    x : ndarray, shape (V, m, T)
        float array
    """
    indices = np.asarray(indices)
    if indices.ndim == 1:
        indices = indices[np.newaxis, :]
    indices = require_array("indices", indices, 2)
    if indices.size == 0:
        raise ValueError(f"indices is empty (shape {indices.shape}); need at least one index")
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must be integers, got dtype {indices.dtype}")
    if indices.min() < -1 or indices.max() >= vocab_size:
        raise ValueError(f"indices must lie in [-1, {vocab_size}), got values in [{indices.min()}, {indices.max()}]")
    m, T = indices.shape
    x = np.zeros((vocab_size, m, T))
    rows, cols = np.nonzero(indices >= 0)
    x[indices[rows, cols], rows, cols] = 1.0
    return x
