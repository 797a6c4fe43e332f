"""Corpora and synthetic tasks for the course's experiments.

- load_names: about 1,900 first names, the corpus of the character-level
  language model (provenance in data/README.md).
- make_agreement_data: does the verb agree with a subject seen `gap` words
  earlier? A long-range memory test for RNN, GRU and LSTM.
- make_tagging_data: is "teddy" part of a person's name? Only the next word
  tells, so a one-way RNN cannot know and a bidirectional one can.

Every generator is seeded and vectorised, and returns its Vocabulary so that
predictions can be decoded back to words.
"""
from pathlib import Path

import numpy as np

from .text import Vocabulary, one_hot

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_names():
    """The names corpus: list of lowercase first names, one string per name.

    See the chapter :doc:`/book/chapters/02_notation`.
    """
    lines = (DATA_DIR / "names.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def _require_count(m):
    if not (isinstance(m, (int, np.integer)) and m >= 1):
        raise ValueError(f"m (number of examples) must be a positive integer, got {m!r}")


def _balanced_labels(m, rng):
    """0/1 labels, half of each (the extra one for odd m at random), shuffled."""
    return rng.permutation(np.arange(m) + rng.integers(2)) % 2


# Subject and distractor nouns: index k of _SINGULAR and _PLURAL are one noun.
_SINGULAR = np.array(["cat", "dog", "bird", "child", "mouse", "teacher", "horse", "farmer"])
_PLURAL = np.array(["cats", "dogs", "birds", "children", "mice", "teachers", "horses", "farmers"])
_CLAUSE_VERBS = np.array(["ate", "saw", "liked", "chased", "found", "met"])
_AGREEMENT_WORDS = ["the", ",", "which", "and", "was", "were", "full"]


def make_agreement_data(m, gap, seed=0):
    """Subject-verb agreement across a relative clause of `gap` words.

    Sentence i reads "the <noun> , which <gap words> ," and stops at the verb
    slot; the label says which verb fits there: 0 for "was" (singular
    subject), 1 for "were" (plural subject). The clause repeats
    "<verb> the <noun> and", cut to `gap` words; its nouns are singular or
    plural at random, independently of the label, so only the subject,
    gap + 3 steps back from the end, tells the answer.

    See the chapter :doc:`/book/chapters/05_architectures`.

    Parameters
    ----------
    m
        number of sentences
    gap
        number of clause words between "which" and the closing ","
    seed
        random seed

    Returns
    -------
    x
        one-hot words, shape (V, m, T_x) with T_x = gap + 5
    y : ndarray, shape (1, m)
        labels, half 0 and half 1
    vocab
        word-level Vocabulary (the same for every m, gap and seed)
    """
    _require_count(m)
    if not (isinstance(gap, (int, np.integer)) and gap >= 0):
        raise ValueError(f"gap must be a non-negative integer, got {gap!r}")
    vocab = Vocabulary([*_SINGULAR, *_PLURAL, *_CLAUSE_VERBS, *_AGREEMENT_WORDS], level="word")
    rng = np.random.default_rng(seed)
    labels = _balanced_labels(m, rng)
    subjects = np.where(labels == 1, _PLURAL[rng.integers(len(_PLURAL), size=m)],
                        _SINGULAR[rng.integers(len(_SINGULAR), size=m)])
    nouns = np.where(rng.integers(2, size=(m, gap)) == 1, _PLURAL[rng.integers(len(_PLURAL), size=(m, gap))],
                     _SINGULAR[rng.integers(len(_SINGULAR), size=(m, gap))])
    clause = np.empty((m, gap), dtype=object)
    position = np.arange(gap) % 4
    clause[:, position == 0] = _CLAUSE_VERBS[rng.integers(len(_CLAUSE_VERBS), size=(m, np.sum(position == 0)))]
    clause[:, position == 1] = "the"
    clause[:, position == 2] = nouns[:, position == 2]
    clause[:, position == 3] = "and"
    words = np.column_stack([np.full(m, "the"), subjects, np.full(m, ","), np.full(m, "which"), clause,
                             np.full(m, ",")])
    index = np.vectorize(vocab.token_to_index.__getitem__, otypes=[int])
    return one_hot(index(words), len(vocab)), labels.reshape(1, m).astype(float), vocab


# Two-word phrases of the tagging task and their tags (1 = part of a person's name).
_PEOPLE = [("harry", "potter"), ("hermione", "granger"), ("ron", "weasley"), ("albus", "dumbledore")]
_THINGS = [("the", "apples"), ("some", "books"), ("a", "salad"), ("the", "pears")]
_TEDDY_PERSON = ("teddy", "roosevelt")
_TEDDY_THING = ("teddy", "bears")
_CONNECTORS = np.array(["likes", "met", "and", "with", "saw", "bought"])
_END = "."


def make_tagging_data(m, seed=0, T=8):
    """Name tagging where "teddy" needs the next word.

    A sentence is a run of two-word phrases joined by one connector word:
    "harry potter likes teddy bears and teddy roosevelt". Tag 1 marks the
    words of a person's name ("harry", "potter", "teddy" and "roosevelt" in
    "teddy roosevelt"), tag 0 everything else ("teddy" and "bears" in
    "teddy bears", connectors, things). Half of the phrases start with
    "teddy", half of those name the president, independently of anything
    before, so the tag of "teddy" depends only on the word after it. Every
    other word's tag follows from the word itself. Positions 3k and 3k+1
    hold a phrase, 3k+2 a connector; when T = 3k+1 the last word is ".".

    See the chapter :doc:`/book/chapters/05_architectures`.

    Parameters
    ----------
    m
        number of sentences
    seed
        random seed
    T
        words per sentence, at least 2

    Returns
    -------
    x : ndarray, shape (V, m, T)
        one-hot words
    y : ndarray, shape (1, m, T)
        tags, 0/1
    vocab
        word-level Vocabulary (the same for every m, seed and T)
    """
    _require_count(m)
    if not (isinstance(T, (int, np.integer)) and T >= 2):
        raise ValueError(f"T must be an integer of at least 2, got {T!r}")
    phrases = [_TEDDY_PERSON, _TEDDY_THING] + _PEOPLE + _THINGS
    phrase_words = np.array(phrases)
    phrase_tags = np.array([[1, 1], [0, 0]] + [[1, 1]] * len(_PEOPLE) + [[0, 0]] * len(_THINGS))
    vocab = Vocabulary([w for p in phrases for w in p] + [*_CONNECTORS, _END], level="word")

    rng = np.random.default_rng(seed)
    n_phrases = (T + 1) // 3
    # a teddy phrase half of the time (person or bears, 50/50), otherwise any other phrase
    is_teddy = rng.random((m, n_phrases)) < 0.5
    choice = np.where(is_teddy, rng.integers(2, size=(m, n_phrases)),
                      2 + rng.integers(len(phrases) - 2, size=(m, n_phrases)))
    words = np.empty((m, T), dtype=object)
    tags = np.zeros((m, T))
    starts = 3 * np.arange(n_phrases)
    for offset in (0, 1):
        words[:, starts + offset] = phrase_words[choice, offset]
        tags[:, starts + offset] = phrase_tags[choice, offset]
    connectors = np.arange(2, T, 3)
    words[:, connectors] = _CONNECTORS[rng.integers(len(_CONNECTORS), size=(m, len(connectors)))]
    if T % 3 == 1:
        words[:, -1] = _END
    index = np.vectorize(vocab.token_to_index.__getitem__, otypes=[int])
    return one_hot(index(words), len(vocab)), tags.reshape(1, m, T), vocab
