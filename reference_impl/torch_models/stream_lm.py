"""A language model of one long text (a book), trained by truncated backpropagation through time.

The names model of chapter 6 reads short sequences, each from its start.
A book is one stream of tokens: it is cut into batch_size equal rows read
side by side, and each row into windows of num_steps tokens; the state at
the end of a window starts the next one (its gradient is cut there:
truncated BPTT). This is the setting of d2l's chapters on The Time Machine
and of the word-level models of chapter 6.

The model is embedding -> dropout -> LSTM (the course's cell, run by
torch.nn's fused kernel) -> dropout -> Wya a + by, with the output
matrix optionally tied to the embedding (Press & Wolf 2017), which halves
the parameters a small corpus must fit.
"""
import math
import random
from collections import Counter

import torch
from torch import nn
from torch.nn import functional as F

from ._renamed_keys import accept_old_keys
from .device import seeded
from .fused import run_fused
from .layers import make_recurrent


class StreamLanguageModel(nn.Module):
    """Embedding -> dropout -> LSTM -> dropout -> logits over the vocabulary, on time-major index windows.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    vocab_size : int
        V
    n_a : int
        hidden units of the LSTM
    n_e : int or None
        embedding size (None: n_a, which tying needs)
    dropout : float
        probability of zeroing an embedding or hidden unit in training (0: none)
    tie : bool
        the output matrix Wya is the embedding matrix (needs n_e == n_a)
    seed : int or None
        the initial weights are drawn from this seed
    """

    def __init__(self, vocab_size, n_a, n_e=None, dropout=0.0, tie=False, seed=None):
        super().__init__()
        n_e = int(n_a if n_e is None else n_e)
        if int(vocab_size) < 2 or int(n_a) < 1 or n_e < 1:
            raise ValueError(f"vocab_size must be >= 2 and n_a, n_e >= 1, got {vocab_size}, {n_a}, {n_e}")
        if tie and n_e != int(n_a):
            raise ValueError(f"tying the output to the embedding needs n_e == n_a, got n_e={n_e}, n_a={n_a}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.config = {"vocab_size": int(vocab_size), "n_a": int(n_a), "n_e": n_e, "dropout": float(dropout),
                       "tie": bool(tie)}
        with seeded(seed):
            self.embedding = nn.Parameter(torch.empty(int(vocab_size), n_e).uniform_(-0.1, 0.1))
            self.recurrent = make_recurrent("lstm", n_e, int(n_a))
            self.Wya = None if tie else nn.Parameter(torch.empty(int(vocab_size), int(n_a)).uniform_(-0.1, 0.1))
            self.by = nn.Parameter(torch.zeros(int(vocab_size)))
        accept_old_keys(self)  # weights saved before the output matrix was renamed Wya still load

    def forward(self, x, state0=None):
        """Logits of the next token at every step of a window.

        Parameters
        ----------
        x : Tensor, shape (T, m)
            token indices, time-major
        state0
            the LSTM state (a, c) that ended the previous window, or None for zeros

        Returns
        -------
        logits : Tensor, shape (T, m, V)
        state
            the LSTM state after the last step
        """
        if x.ndim != 2 or x.dtype not in (torch.int32, torch.int64):
            raise ValueError(f"x must be an integer tensor of shape (T, m), got {tuple(x.shape)} {x.dtype}")
        p = self.config["dropout"]
        inputs = F.dropout(F.embedding(x, self.embedding), p, self.training)
        a, state = run_fused(self.recurrent, inputs, state0=state0)
        W_ya = self.embedding if self.Wya is None else self.Wya
        return F.linear(F.dropout(a, p, self.training), W_ya, self.by), state


def stream_windows(indices, batch_size, num_steps):
    """Cut one token stream into batch_size rows read side by side, and those into windows.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    indices : sequence of int
        the text as token indices
    batch_size : int
        m, the rows read in parallel
    num_steps : int
        T, the steps of one window (the truncation length of BPTT)

    Returns
    -------
    windows : list of (Tensor, Tensor)
        (x, y) pairs of shape (T, m); y is x shifted by one token, and row i of window k + 1 continues row i
        of window k
    """
    indices = torch.as_tensor(list(indices), dtype=torch.long)
    row_length = (len(indices) - 1) // int(batch_size)
    if row_length < 1 or num_steps < 1:
        raise ValueError(f"{len(indices)} tokens are too few for batch_size={batch_size}, num_steps={num_steps}")
    x = indices[: batch_size * row_length].view(batch_size, row_length).T
    y = indices[1: batch_size * row_length + 1].view(batch_size, row_length).T
    return [(x[s: s + num_steps], y[s: s + num_steps]) for s in range(0, row_length, int(num_steps))]


def teach_unknown(indices, unk_index, fraction=0.5, seed=0):
    """Replace a share of the words seen once in a training stream by <UNK>, so that a model learns to expect it.

    A vocabulary made of every training word leaves no <UNK> in the training stream: a model trained on it
    learns that <UNK> never comes, and pays dearly for every unseen word of new text. Words seen once
    are the training text's stand-in for unseen words; replacing some of them teaches the model how often
    those come and where.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    indices : sequence of int
        the training stream
    unk_index : int
        the index of <UNK>
    fraction : float
        share of the once-seen word types replaced (drawn with seed)
    seed : int

    Returns
    -------
    taught : list of int
        the stream with those words replaced
    """
    counts = Counter(indices)
    once = sorted(k for k, c in counts.items() if c == 1 and k != unk_index)
    chosen = set(random.Random(seed).sample(once, round(fraction * len(once))))
    return [unk_index if k in chosen else k for k in indices]


def _detach(state):
    return tuple(s.detach() for s in state)


@torch.no_grad()
def stream_log_probs(model, indices, num_steps=256):
    """log P(token t | tokens before it) for every token of a stream after the first.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    model : StreamLanguageModel
    indices : sequence of int
        the text as token indices (length N)
    num_steps : int
        the text is read in windows of this length, the state carried across (the result does not depend on it)

    Returns
    -------
    log_probs : Tensor, shape (N - 1,)
    """
    was_training = model.training
    model.eval()
    tokens = torch.as_tensor(list(indices), dtype=torch.long).view(-1, 1)
    state, out = None, []
    for s in range(0, len(tokens) - 1, num_steps):
        x, y = tokens[s: s + num_steps], tokens[s + 1: s + num_steps + 1]
        logits, state = model(x[: len(y)], state)
        out.append(torch.log_softmax(logits[:, 0], dim=1).gather(1, y).view(-1))
    model.train(was_training)
    return torch.cat(out)


def stream_perplexity(model, indices):
    """exp of the mean negative log-probability of a stream's tokens.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    return math.exp(-float(stream_log_probs(model, indices).mean()))


def train_stream_lm(model, train_indices, valid_indices, epochs, batch_size=32, num_steps=35, learning_rate=3e-3,
                    max_norm=5.0, seed=0, patience=None):
    """Adam with truncated BPTT over a token stream; keeps the weights of the best validation epoch.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    model : StreamLanguageModel
    train_indices, valid_indices : sequence of int
        training and validation streams
    epochs : int
        passes over the training stream; the model ends with the weights of the epoch whose validation
        perplexity was lowest (early stopping)
    batch_size, num_steps : int
        as in stream_windows
    learning_rate : float
        Adam's step size
    max_norm : float
        gradients are clipped to this global norm
    seed : int
        seeds dropout
    patience : int or None
        stop after this many epochs without a lower validation perplexity (None: run every epoch)

    Returns
    -------
    history : dict
        "train" and "valid": perplexity after each epoch (train: mean over the epoch's windows, dropout on);
        "best_epoch": 1-based index of the epoch kept
    """
    windows = stream_windows(train_indices, batch_size, num_steps)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    history = {"train": [], "valid": [], "best_epoch": 0}
    best = None
    with seeded(seed):
        for epoch in range(int(epochs)):
            model.train()
            state, total, count = None, 0.0, 0
            for x, y in windows:
                logits, state = model(x, state)
                state = _detach(state)
                loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), max_norm)
                optimizer.step()
                total, count = total + float(loss.detach()) * y.numel(), count + y.numel()
            history["train"].append(math.exp(total / count))
            history["valid"].append(stream_perplexity(model, valid_indices))
            if history["valid"][-1] == min(history["valid"]):
                history["best_epoch"] = epoch + 1
                best = {name: value.detach().clone() for name, value in model.state_dict().items()}
            elif patience is not None and epoch + 1 - history["best_epoch"] >= patience:
                break
    model.load_state_dict(best)
    model.eval()
    return history


@torch.no_grad()
def sample_stream(model, prompt, length, temperature=1.0, seed=0, forbid=()):
    """Continue a prompt by drawing one token at a time from p^(1/τ), feeding each draw back in.

    See the chapter :doc:`/book/chapters/07_sampling`.

    Parameters
    ----------
    model : StreamLanguageModel
    prompt : sequence of int
        at least one token index
    length : int
        tokens to draw
    temperature : float
        τ > 0: below 1 sharpens the distribution, above 1 flattens it
    seed : int
        seed of the random draws (a torch.Generator on the model's device, as reference_impl.torch_models.sample
        seeds its own); the same seed gives the same draws
    forbid : sequence of int
        indices never drawn (e.g. <UNK>)

    Returns
    -------
    drawn : list of int
        the length drawn indices
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    if len(prompt) == 0:
        raise ValueError("prompt must hold at least one token")
    model.eval()
    device = next(model.parameters()).device
    generator = torch.Generator(device=device).manual_seed(int(seed))
    logits, state = model(torch.as_tensor(list(prompt), dtype=torch.long, device=device).view(-1, 1))
    drawn = []
    for _ in range(int(length)):
        scores = logits[-1, 0] / temperature
        scores[list(forbid)] = -float("inf")
        index = int(torch.multinomial(torch.softmax(scores, dim=0), 1, generator=generator))
        drawn.append(index)
        logits, state = model(torch.tensor([[index]], device=device), state)
    return drawn
