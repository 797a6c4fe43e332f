"""A character (or word) language model in torch: input layer, recurrent layers, softmax output, sampler.

Conventions are those of the NumPy language model (reference_impl.char_lm):
a batch is a pair of (m, T) index tensors; the input at t = 1 is "nothing
yet", written -1 and read as a zero vector, the input at t > 1 is the
previous target, the last target is <EOS>, and -1 in the targets marks the
padding after a shorter sequence. The loss is summed over time steps and
averaged over the m examples, padding excluded.
"""
import numbers

import torch
from torch import nn
from torch.nn import functional as F

from ._renamed_keys import accept_old_keys
from .device import lengths_to_mask, random_normal, resolve_device, resolve_dtype, seeded
from .fused import resolve_backend, run_fused
from .layers import make_recurrent

INPUTS = ("embedding", "one_hot")


def token_nll(logits, targets):
    """Cross-entropy of every step, zero at padding.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    logits : Tensor, shape (V, m, T)
        pre-softmax scores
    targets : Tensor, shape (m, T)
        indices in [0, V), -1 at padding

    Returns
    -------
    nll : Tensor, shape (m, T)
        -log p(target) at real steps and 0 at padding
    """
    if logits.ndim != 3 or targets.shape != logits.shape[1:]:
        raise ValueError(f"logits must be (V, m, T) and targets (m, T); got {tuple(logits.shape)} and {tuple(targets.shape)}")
    V, m, T = logits.shape
    # one row of V scores per step, time-major: no copy for the fused backend's logits, which are a view
    rows = logits.permute(2, 1, 0).reshape(T * m, V)
    nll = F.cross_entropy(rows, targets.T.reshape(T * m), ignore_index=-1, reduction="none")
    return nll.view(T, m).T


def masked_cross_entropy(logits, targets):
    """The course's loss: cross-entropy summed over real steps, averaged over the m examples.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    return token_nll(logits, targets).sum() / targets.shape[0]


def pad_sequences(sequences, device=None):
    """Batch of (input, target) index tensors for a list of encoded texts.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    sequences
        list of m int sequences, each ending with the <EOS> index

    Returns
    -------
    x : Tensor, shape (m, T)
        inputs: -1 at t = 1 and at padding, else the previous target
    y : Tensor, shape (m, T)
        targets, -1 at padding; T is the longest length
    lengths : Tensor, shape (m,)
    """
    if len(sequences) == 0 or min(len(s) for s in sequences) == 0:
        raise ValueError("sequences must be a non-empty list of non-empty index sequences")
    lengths = torch.tensor([len(s) for s in sequences], device=device)
    y = torch.full((len(sequences), int(lengths.max())), -1, dtype=torch.long, device=device)
    for i, sequence in enumerate(sequences):
        y[i, : len(sequence)] = torch.as_tensor(sequence, dtype=torch.long, device=device)
    x = torch.full_like(y, -1)
    x[:, 1:] = torch.where(lengths_to_mask(lengths, y.shape[1])[:, 1:], y[:, :-1], -1)
    return x, y, lengths


class LanguageModel(nn.Module):
    """Input layer -> recurrent layer(s) -> Wya a + by -> softmax over the vocabulary.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    vocab_size
        V
    n_a
        hidden units per cell
    cell
        "rnn", "gru" or "lstm"
    num_layers
        depth of the recurrent stack
    input
        "one_hot" (x<t> is a V-vector, n_x = V) or "embedding" (a learned n_e-vector)
    n_e
        embedding size (only for input="embedding")
    seed
        the initial weights are drawn from this seed (None: torch's current generator)
    backend
        how forward computes the recurrent layers (the parameters are the same either way): "scratch", the
        course's cells step by step (the teaching path, the default); "fused", torch.nn's kernels (cuDNN on a
        GPU), for the RNN, the "reset_after" GRU and the LSTM without peepholes, a ValueError for other cells;
        "auto", fused where it exists
    cell_options
        variant=... for the GRU, peepholes=... for the LSTM
    """

    def __init__(self, vocab_size, n_a, cell="lstm", num_layers=1, input="embedding", n_e=32, seed=None,
                 device=None, dtype=torch.float32, backend="scratch", **cell_options):
        super().__init__()
        if input not in INPUTS:
            raise ValueError(f"input must be one of {INPUTS}, got {input!r}")
        if int(vocab_size) < 2:
            raise ValueError(f"vocab_size must be at least 2, got {vocab_size}")
        self.config = {"vocab_size": int(vocab_size), "n_a": int(n_a), "cell": cell, "num_layers": int(num_layers),
                       "input": input, "n_e": int(n_e) if input == "embedding" else None, **cell_options}
        factory = {"device": resolve_device(device), "dtype": resolve_dtype(dtype)}
        with seeded(seed):
            V = self.config["vocab_size"]
            n_x = V if input == "one_hot" else self.config["n_e"]
            if input == "embedding":
                self.We = nn.Parameter(random_normal((n_x, V), 1.0, **factory))
            self.recurrent = make_recurrent(cell, n_x, n_a, num_layers=num_layers, **factory, **cell_options)
            self.Wya = nn.Parameter(random_normal((V, n_a), float(n_a) ** -0.5, **factory))
            self.by = nn.Parameter(torch.zeros(V, 1, **factory))
        self.backend = backend
        accept_old_keys(self)  # weights saved before the output matrix was renamed Wya still load

    @property
    def backend(self):
        """How forward computes the recurrent layers unless told otherwise, "scratch" or "fused"."""
        return self._backend

    @backend.setter
    def backend(self, backend):
        self._backend = resolve_backend(backend, self.recurrent)

    @property
    def vocab_size(self):
        return self.config["vocab_size"]

    def inputs(self, x, time_major=False):
        """Input vectors for indices x of shape (m, T): (n_x, m, T), or (T, m, n_x) when time_major
        (torch.nn's layout); zero where x is -1.
        """
        if x.ndim != 2 or x.dtype not in (torch.int32, torch.int64):
            raise ValueError(f"x must be an integer tensor of shape (m, T), got {tuple(x.shape)} {x.dtype}")
        low, high = (int(v) for v in torch.aminmax(x))
        if low < -1 or high >= self.vocab_size:
            raise ValueError(f"x must hold indices in [-1, {self.vocab_size}), got [{low}, {high}]")
        V = self.vocab_size
        if time_major:  # -1 picks an extra, zero, vector: nothing to mask (and differentiate) afterwards
            index = torch.where(x < 0, V, x).T
            if self.config["input"] == "one_hot":
                return F.one_hot(index, V + 1)[..., :V].to(self.Wya.dtype)
            return F.embedding(index, torch.cat([self.We, self.We.new_zeros(self.We.shape[0], 1)], dim=1).T)
        present = (x >= 0).unsqueeze(0)
        index = x.clamp(min=0)
        if self.config["input"] == "one_hot":
            vectors = F.one_hot(index, V).permute(2, 0, 1).to(self.Wya.dtype)
        else:
            vectors = self.We[:, index]
        return vectors * present

    def forward(self, x, lengths=None, state0=None, backend=None, final_state=True):
        """Logits of the next token at every step.

        Parameters
        ----------
        x : Tensor, shape (m, T)
            input indices, -1 for "no input"
        lengths
            optional (m,) real lengths (steps beyond them are padding)
        state0
            optional initial state of the recurrent layers
        backend
            "scratch", "fused" or "auto" for this call (None: self.backend)
        final_state
            False returns None for the state (the fused backend then skips packing a padded batch)

        Returns
        -------
        logits : Tensor, shape (V, m, T)
            Wya a + by
        state
            final state of the recurrent layers, the same structure for both backends
        """
        backend = self.backend if backend is None else resolve_backend(backend, self.recurrent)
        if backend == "fused":
            a_tm, state = run_fused(self.recurrent, self.inputs(x, time_major=True), lengths=lengths,
                                    state0=state0, final_state=final_state)
            return F.linear(a_tm, self.Wya, self.by[:, 0]).permute(2, 1, 0), state
        a, state = self.recurrent(self.inputs(x), lengths=lengths, state0=state0)
        logits = torch.tensordot(self.Wya, a, dims=([1], [0])) + self.by.unsqueeze(-1)
        return logits, (state if final_state else None)

    def loss(self, x, y, lengths=None, backend=None):
        """masked_cross_entropy of the model's logits on targets y (m, T), -1 at padding."""
        logits, _ = self(x, lengths=lengths, backend=backend, final_state=False)
        return masked_cross_entropy(logits, y)


@torch.no_grad()
def sample(model, vocab, seed=0, temperature=1.0, max_length=50, avoid_unk=True):
    """Draw one sequence from a language model, one token at a time, feeding each draw back in.

    The same shape as reference_impl.sampling.sample (the NumPy RNN): the temperature T divides the
    logits, so p_T(k) is proportional to p(k)^(1/T); T < 1 sharpens the distribution, T > 1 flattens it.
    For several samples, call it with several seeds; vocab.decode turns one into text.

    See the chapter :doc:`/book/chapters/07_sampling`.

    Parameters
    ----------
    model
        a LanguageModel trained with vocab
    vocab
        reference_impl.text.Vocabulary of V tokens
    seed
        seed of the random draws (a torch.Generator on the model's device); the same seed gives the same
        sequence on the same device
    temperature
        positive float
    max_length
        the most tokens to draw, <EOS> included
    avoid_unk
        never draw <UNK>: its score is -inf, which is drawing from the distribution with <UNK> removed and
        the rest renormalised

    Returns
    -------
    indices
        list of the drawn token indices; it ends with the <EOS> index unless max_length stopped it first
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}; use a small value such as 0.01 for near-argmax")
    if not (isinstance(max_length, numbers.Integral) and max_length >= 1):
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}")
    if len(vocab) != model.vocab_size:
        raise ValueError(f"the vocabulary has {len(vocab)} tokens but the model was built for {model.vocab_size}")
    device = next(model.parameters()).device
    generator = torch.Generator(device=device).manual_seed(int(seed))
    x = torch.full((1, 1), -1, dtype=torch.long, device=device)  # x<1> = 0: nothing has been read yet
    state, indices = None, []
    while len(indices) < max_length:
        logits, state = model(x, state0=state)
        scores = logits[:, 0, 0] / temperature
        if avoid_unk:
            scores[vocab.unk_index] = -float("inf")
        x = torch.multinomial(torch.softmax(scores, dim=0), 1, generator=generator).view(1, 1)
        indices.append(int(x))
        if indices[-1] == vocab.eos_index:
            break
    return indices
