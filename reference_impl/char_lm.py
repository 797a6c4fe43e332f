"""Training a character-level language model on a list of texts (names).

The model is the course's RNN with a softmax over the vocabulary at every
step. It reads a name one character at a time and at each step predicts the
next one: the input at step t is the target of step t-1 (x<t> = y<t-1>), the
input at step 1 is the zero vector, and the last target is <EOS>, so the
model also learns where names end.
"""
import numpy as np
from tqdm import tqdm

from .optim import adam_update, clip_by_global_norm, initialize_adam, sgd_update
from .rnn import initialize_rnn_parameters
from .rnn_model import rnn_model_backward, rnn_model_forward
from .text import one_hot

OPTIMIZERS = ("sgd", "adam")


def language_model_batch(sequences, vocab_size):
    """Inputs, targets and padding mask for a batch of encoded texts.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    sequences
        list of m index arrays, each ending with the <EOS> index
    vocab_size
        V

    Returns
    -------
    x : ndarray, shape (V, m, T)
        inputs: zero at t = 1, then the previous target
    y : ndarray, shape (V, m, T)
        one-hot targets; T is the longest sequence
    mask : ndarray, shape (1, m, T)
        1 on real steps, 0 on the padding after shorter sequences
    """
    if len(sequences) == 0:
        raise ValueError("sequences is empty; a batch needs at least one encoded text")
    lengths = [len(s) for s in sequences]
    if min(lengths) == 0:
        raise ValueError("every sequence needs at least one index (its <EOS>)")
    targets = np.full((len(sequences), max(lengths)), -1)  # -1 one-hot encodes as a zero column
    for i, sequence in enumerate(sequences):
        targets[i, : len(sequence)] = sequence
    inputs = np.full_like(targets, -1)
    inputs[:, 1:] = targets[:, :-1]
    mask = (targets >= 0).astype(float)[np.newaxis]
    return one_hot(inputs, vocab_size), one_hot(targets, vocab_size), mask


def loss_per_character(parameters, sequences, vocab_size):
    """Mean cross-entropy per predicted character (<EOS> included) over a set of sequences.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    parameters
        RNN parameters with n_x = n_y = vocab_size
    sequences
        list of index arrays, each ending with <EOS>

    Returns
    -------
    loss
        float in nats; ln(V) for a model that guesses uniformly
    """
    x, y, mask = language_model_batch(sequences, vocab_size)
    a0 = np.zeros((parameters["Waa"].shape[0], len(sequences)))
    loss, _, _ = rnn_model_forward(x, y, a0, parameters, "softmax", mask)
    # the model's loss is summed over steps and averaged over sequences
    return loss * len(sequences) / mask.sum()


def perplexity(loss_per_char):
    """exp(loss per character): the number of equally likely characters the model hesitates between.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    return float(np.exp(loss_per_char))


def train_char_lm(texts, vocab, n_a=50, num_iterations=2000, batch_size=1, optimizer="sgd",
                  learning_rate=0.01, max_norm=5.0, smoothing=0.99, seed=0, progress=True):
    """Train a character-level RNN language model.

    Each iteration takes the next batch_size texts of a list shuffled once
    (cycling through it), runs the model forward and backward, clips the
    gradients to a global norm of max_norm and updates the parameters.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    texts
        list of strings, e.g. load_names()
    vocab
        character-level Vocabulary of the texts (V = len(vocab))
    n_a
        number of hidden units
    num_iterations
        number of parameter updates
    batch_size
        texts per update: 1 is the classic one-name-at-a-time training; larger batches pad shorter texts and
        mask the padding out
    optimizer
        "sgd" or "adam"
    learning_rate
        step size
    max_norm
        global-norm clipping threshold
    smoothing
        weight of the past in the moving average of the loss
    seed
        seeds the initial parameters and the shuffle
    progress
        show a tqdm progress bar

    Returns
    -------
    parameters : dict
        with Wax (n_a, V), Waa (n_a, n_a), Wya (V, n_a), ba (n_a, 1), by (V, 1)
    history : dict
        dict of lists, one entry per iteration:

        - loss: batch loss, summed over characters, averaged over texts
        - smoothed_loss: exponential moving average of loss; it starts at
          ln(V) times the mean text length (with <EOS>), the loss
          of a model that guesses uniformly
        - loss_per_char: batch loss per predicted character (perplexity() turns it into a perplexity)
        - grad_norm: global gradient norm before clipping
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if not 1 <= batch_size <= len(texts):
        raise ValueError(f"batch_size must be between 1 and the number of texts ({len(texts)}), got {batch_size}")
    sequences = [vocab.encode(text, add_eos=True) for text in texts]
    V = len(vocab)
    parameters = initialize_rnn_parameters(V, n_a, V, seed=seed)
    adam_state = initialize_adam(parameters) if optimizer == "adam" else None
    order = np.random.default_rng(seed).permutation(len(sequences))
    smoothed = np.log(V) * np.mean([len(s) for s in sequences])
    history = {"loss": [], "smoothed_loss": [], "loss_per_char": [], "grad_norm": []}

    bar = tqdm(range(num_iterations), desc="training", disable=not progress)
    for step in bar:
        batch = [sequences[i] for i in order[(step * batch_size + np.arange(batch_size)) % len(order)]]
        x, y, mask = language_model_batch(batch, V)
        loss, _, cache = rnn_model_forward(x, y, np.zeros((n_a, batch_size)), parameters, "softmax", mask)
        grads = rnn_model_backward(cache)
        grads, norm = clip_by_global_norm({"d" + name: grads["d" + name] for name in parameters}, max_norm)
        if optimizer == "adam":
            adam_update(parameters, grads, adam_state, learning_rate)
        else:
            sgd_update(parameters, grads, learning_rate)
        smoothed = smoothing * smoothed + (1 - smoothing) * loss
        history["loss"].append(loss)
        history["smoothed_loss"].append(smoothed)
        history["loss_per_char"].append(loss * batch_size / mask.sum())
        history["grad_norm"].append(norm)
        if step % 100 == 0:
            bar.set_postfix(smoothed_loss=f"{smoothed:.3f}")
    return parameters, history
