"""The experiments of the GRU, LSTM, bidirectional and vanishing-gradient chapters.

Each function runs in a few seconds on one core with fixed seeds, so the book
shows, and the tests check, the very same numbers:

- agreement_accuracy_by_gap: does "was"/"were" agree with a subject seen many
  words before? A plain RNN drops to chance by a gap of 30 words, where GRU and
  LSTM still agree every time; with this training budget they too fall to
  chance at gaps of 40 or more.
- tagging_accuracy: is "teddy" part of a name? Only the next word tells, so a
  one-way RNN guesses and a bidirectional one knows.
- gradient_norms_by_distance: how much of the gradient of a loss at the last
  step reaches a<t>, d steps earlier, for each cell.

All of them train with train_classifier: any recurrent stack (reference_impl.deep)
with a sigmoid output, binary cross-entropy, Adam and gradient clipping.
"""
import numpy as np

from .datasets import make_agreement_data, make_tagging_data
from .deep import deep_backward, deep_forward, initialize_deep_parameters
from .gru import gru_cell_backward, gru_forward, initialize_gru_parameters
from .lstm import initialize_lstm_parameters, lstm_cell_backward, lstm_forward
from .optim import adam_update, clip_by_global_norm, initialize_adam
from .output import binary_cross_entropy, many_to_one_backward, many_to_one_forward, output_backward, output_forward
from .recurrent_layer import CELLS, flatten_parameters
from .rnn import initialize_rnn_parameters, rnn_cell_backward, rnn_forward


def _head_forward(a, parameters, many_to_one):
    forward = many_to_one_forward if many_to_one else output_forward
    return forward(a, parameters["Wy"], parameters["by"], "sigmoid")


def predict(cell, x, parameters, many_to_one=False, **options):
    """Sigmoid outputs of a stack trained by train_classifier: (n_y, m) if many_to_one, else (n_y, m, T_x)."""
    a, _ = deep_forward(cell, x, parameters["layers"], **options)
    return _head_forward(a, parameters, many_to_one)[0]


def train_classifier(cell, x, y, n_a=16, n_layers=1, bidirectional=False, many_to_one=False, epochs=20,
                     batch_size=32, learning_rate=0.01, max_norm=5.0, seed=0, **options):
    """Train a recurrent stack with a sigmoid output on 0/1 targets.

    Arguments:
    cell -- "rnn", "gru" or "lstm"
    x -- inputs, shape (n_x, m, T_x)
    y -- 0/1 targets: (n_y, m) when many_to_one (read from the last step), else (n_y, m, T_x)
    n_a, n_layers, bidirectional -- the stack (see reference_impl.deep)
    epochs, batch_size -- passes over the data and mini-batch size
    learning_rate, max_norm -- Adam's step size and the global-norm clipping threshold
    seed -- seeds the initial weights and the order of the mini-batches
    options -- cell options (variant for the GRU)

    Returns:
    parameters -- dict with layers, Wy, by
    losses -- mean training loss of every epoch, list of floats
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    n_x, m = x.shape[0], x.shape[1]
    if y.shape[1] != m:
        raise ValueError(f"y must have m = {m} examples on axis 1 like x, got shape {y.shape}")
    parameters = initialize_deep_parameters(cell, n_x, n_a, y.shape[0], n_layers, bidirectional, seed, **options)
    adam_state = None
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            a, stack_cache = deep_forward(cell, x[:, batch], parameters["layers"], **options)
            y_pred, head_cache = _head_forward(a, parameters, many_to_one)
            loss, dz = binary_cross_entropy(y_pred, y[:, batch])
            head = (many_to_one_backward if many_to_one else output_backward)(dz, head_cache)
            grads = deep_backward(head["da"], stack_cache)
            grads.update(dWy=head["dWya"], dby=head["dby"])
            grads.pop("dx")
            flat_parameters, flat_gradients = flatten_parameters(parameters, grads)
            if adam_state is None:
                adam_state = initialize_adam(flat_parameters)
            flat_gradients, _ = clip_by_global_norm(flat_gradients, max_norm)
            adam_update(flat_parameters, flat_gradients, adam_state, learning_rate)
            total += loss * len(batch)
        losses.append(total / m)
    return parameters, losses


def agreement_accuracy_by_gap(gaps=(5, 30), cells=CELLS, m_train=512, m_test=512, n_a=16, epochs=20,
                              learning_rate=0.02, seed=0):
    """Test accuracy on the agreement task (reference_impl.datasets.make_agreement_data) for each cell and gap.

    Each cell and gap trains a fresh one-layer net on its own training set
    and is scored on a test set drawn with another seed; chance is 0.5.

    Returns:
    accuracy -- dict cell -> list of test accuracies, one per gap
    """
    accuracy = {cell: [] for cell in cells}
    for gap in gaps:
        x_train, y_train, _ = make_agreement_data(m_train, gap, seed=seed)
        x_test, y_test, _ = make_agreement_data(m_test, gap, seed=seed + 1)
        for cell in cells:
            parameters, _ = train_classifier(cell, x_train, y_train, n_a=n_a, many_to_one=True, epochs=epochs,
                                             learning_rate=learning_rate,
                                             seed=seed)
            y_pred = predict(cell, x_test, parameters, many_to_one=True)
            accuracy[cell].append(float(np.mean((y_pred > 0.5) == (y_test > 0.5))))
    return accuracy


def tagging_accuracy(cell="rnn", m_train=512, m_test=512, T=8, n_a=16, epochs=15, seed=0):
    """One-way against bidirectional tagging on the "teddy" task (make_tagging_data).

    Returns:
    results -- dict "one-way" and "bidirectional" -> dict with
        all -- accuracy over every word of the test set
        teddy -- accuracy over the words "teddy" alone (the ones only the next word decides)
    """
    x_train, y_train, _ = make_tagging_data(m_train, seed=seed, T=T)
    x_test, y_test, vocab = make_tagging_data(m_test, seed=seed + 1, T=T)
    is_teddy = x_test[vocab.token_to_index["teddy"]] == 1  # (m, T)
    results = {}
    for name, bidirectional in (("one-way", False), ("bidirectional", True)):
        parameters, _ = train_classifier(cell, x_train, y_train, n_a=n_a, bidirectional=bidirectional,
                                         epochs=epochs, seed=seed)
        correct = (predict(cell, x_test, parameters)[0] > 0.5) == (y_test[0] > 0.5)
        results[name] = {"all": float(np.mean(correct)), "teddy": float(np.mean(correct[is_teddy]))}
    return results


def gradient_norms_by_distance(cell, T=40, n_x=8, n_a=32, m=16, remember_bias=2.0, seed=0):
    """||dL/da<t>|| against the distance d = T - t, for a loss L read at the last step only.

    The net is freshly initialised (no training) and fed random inputs;
    L = sum(g * a<T>) for a fixed random g. The gradient is carried back one
    cell backward at a time, which is exactly what BPTT does, keeping its norm
    at every step. For the LSTM, dL/da<t> is the gradient with respect to a<t>
    (its memory c<t> carries gradient too and is counted through the later steps).

    Arguments:
    cell -- "rnn", "gru" or "lstm"
    remember_bias -- gated cells start out remembering: the GRU's bu = -remember_bias
                     (Γu near 0), the LSTM's bf = +remember_bias (Γf near 1); the RNN has no gate
    Returns:
    norms -- array of shape (T,): norms[d] = mean over examples of ||dL/da<T-d>||
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_x, m, T))
    a0 = np.zeros((n_a, m))
    g = rng.normal(size=(n_a, m))
    norms = np.empty(T)
    if cell == "rnn":
        parameters = initialize_rnn_parameters(n_x, n_a, 1, seed)
        cell_caches = rnn_forward(x, a0, parameters)[2][0]
        step = lambda da, state, cache: (rnn_cell_backward(da, cache)["da_prev"], None)
    elif cell == "gru":
        parameters = initialize_gru_parameters(n_x, n_a, None, seed)
        parameters["bu"][:] = -remember_bias
        cell_caches = gru_forward(x, a0, parameters)[2][0]
        step = lambda da, state, cache: (gru_cell_backward(da, cache)["dc_prev"], None)
    elif cell == "lstm":
        parameters = initialize_lstm_parameters(n_x, n_a, None, seed, forget_bias=remember_bias)
        cell_caches = lstm_forward(x, a0, parameters)[3][0]

        def step(da, dc, cache):
            grads = lstm_cell_backward(da, dc, cache)
            return grads["da_prev"], grads["dc_prev"]
    else:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    da, dc = g, np.zeros((n_a, m))
    for d in range(T):
        norms[d] = np.mean(np.linalg.norm(da, axis=0))
        da, dc = step(da, dc, cell_caches[T - 1 - d])
    return norms
