r"""Drawing new sequences from a trained language model.

At each step the model gives a distribution over the vocabulary; we draw a
token from it and feed that token back as the next input, until <EOS> (or a
length limit). The temperature T reshapes the distribution before the
draw,

.. math::

    p_T(k) \propto p(k)^{1/T},

T = 1 samples the model as it
is, T < 1 sharpens it towards the most likely token (T -> 0 is argmax),
T > 1 flattens it towards uniform.
"""
import numpy as np

from .activations import softmax
from .rnn import rnn_cell_forward
from .text import one_hot

# log() of a probability that underflowed to 0 would be -inf; this keeps it finite
_TINY = np.finfo(float).tiny


def sample(parameters, vocab, seed=0, temperature=1.0, max_length=50, avoid_unk=True):
    """Sample one sequence from an RNN language model.

    See the chapter :doc:`/book/chapters/07_sampling`.

    Parameters
    ----------
    parameters
        RNN parameters with Wax (n_a, V), Waa (n_a, n_a), Wya (V, n_a), ba (n_a, 1), by (V, 1)
    vocab
        the Vocabulary the model was trained with (V = len(vocab))
    seed
        seed of the random draws; the same seed gives the same sequence
    temperature
        positive float, see the module docstring
    max_length
        the most tokens to draw, <EOS> included
    avoid_unk
        never emit <UNK>: a draw of <UNK> is redrawn, which is the same as drawing from the distribution with
        <UNK> removed and the rest renormalised

    Returns
    -------
    indices
        list of the drawn token indices; it ends with the <EOS> index unless max_length stopped it first
        (vocab.decode turns it into text)
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}; use a small value such as 0.01 for near-argmax")
    if not (isinstance(max_length, (int, np.integer)) and max_length >= 1):
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}")
    V = len(vocab)
    if parameters["Wya"].shape[0] != V:
        raise ValueError(f"parameters['Wya'] must have {V} rows (one per vocabulary token), got {parameters['Wya'].shape}")
    rng = np.random.default_rng(seed)
    x = np.zeros((V, 1))  # x<1> = 0: nothing has been read yet
    a = np.zeros((parameters["Waa"].shape[0], 1))
    indices = []
    while len(indices) < max_length:
        a, y, _ = rnn_cell_forward(x, a, parameters)
        # log p / T, renormalised by softmax, is p^(1/T) renormalised
        scores = np.log(np.maximum(y[:, 0], _TINY)) / temperature
        if avoid_unk:
            scores[vocab.unk_index] = -np.inf
        p = softmax(scores)
        index = int(rng.choice(V, p=p))
        indices.append(index)
        if index == vocab.eos_index:
            break
        x = one_hot([index], V)[:, :, 0]
    return indices
