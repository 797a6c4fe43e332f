"""The experiments of the GRU, LSTM, bidirectional and vanishing-gradient chapters.

Each function runs in a few seconds on one core and is seeded, so a run can be
repeated exactly. One run is one draw, though: whether a network learns a
long-range task depends on its initial weights and data, so a claim rests on
run_over_seeds and seed_summary (success rate and spread over several seeds),
never on a single seed. scripts/agreement_sweep.py stores such a sweep in
reference_impl/_book_data/agreement_sweep.json, which the book reads.

- agreement_accuracy_by_gap: does "was"/"were" agree with a subject seen many
  words before? Over ten seeds at the default budget (16 units, 20 epochs of
  512 sentences) and with the GRU and the LSTM starting equally ready to
  remember (remember_bias), every cell learns a 5-word gap in every seed; the
  plain RNN fails in some seeds from 10 words on and in about half of them at
  30, where the gated cells mostly succeed; at 40 words all three fail in most
  seeds and at 60 in every seed. The exact counts are in the results file
  (and tests/test_experiments.py checks these statements against it).
- tagging_accuracy: is "teddy" part of a name? Only the next word tells, so a
  one-way RNN guesses and a bidirectional one knows.
- gradient_flow_by_distance / gradient_norms_by_distance: how much of the
  gradient of a loss at the last step reaches a<t> (and the memory c<t>),
  d steps earlier, for each cell.
- memory_trace: the gates and memory cells of a trained one-layer network,
  step by step, to see what it stores and when; agreement_memory finds the
  units of a trained agreement network that hold "singular or plural" from
  the subject to the verb (scripts/agreement_memory.py runs it over seeds).

All of them train with train_classifier: any recurrent stack (reference_impl.deep)
with a sigmoid output, binary cross-entropy, Adam and gradient clipping.
"""
import numpy as np

from .datasets import make_agreement_data, make_tagging_data
from .deep import deep_backward, deep_forward, initialize_deep_parameters
from .gru import gru_cell_backward, gru_forward, initialize_gru_parameters
from .lstm import initialize_lstm_parameters, lstm_cell_backward, lstm_forward
from .optim import adam_update, clip_by_global_norm, initialize_adam
from .output import (
    binary_cross_entropy,
    many_to_one_backward,
    many_to_one_forward,
    output_backward,
    output_forward,
)
from .recurrent_layer import CELLS, flatten_parameters
from .rnn import initialize_rnn_parameters, rnn_cell_backward, rnn_forward


def _head_forward(a, parameters, many_to_one):
    forward = many_to_one_forward if many_to_one else output_forward
    return forward(a, parameters["Wya"], parameters["by"], "sigmoid")


def predict(cell, x, parameters, many_to_one=False, **options):
    """Sigmoid outputs of a stack trained by train_classifier: (n_y, m) if many_to_one, else (n_y, m, T_x).

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """
    a, _ = deep_forward(cell, x, parameters["layers"], **options)
    return _head_forward(a, parameters, many_to_one)[0]


def set_remember_bias(cell, layers, remember_bias):
    """Start every gated layer of a stack equally ready to remember, in place.

    The GRU keeps 1 - Γu of its memory and the LSTM keeps Γf, so the GRU gets
    bu = -remember_bias and the LSTM bf = +remember_bias: both then keep
    σ(remember_bias) of the old memory per step at the start (σ(1) ≈ 0.73).
    The plain RNN has no gate and is left as it is.

    See the chapter :doc:`/book/chapters/10_lstm`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    layers
        list of layer dicts, or of (forward, backward) pairs (reference_impl.deep)
    remember_bias
        float
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    key, sign = {"rnn": (None, 0.0), "gru": ("bu", -1.0), "lstm": ("bf", 1.0)}[cell]
    if key is None:
        return
    for layer in layers:
        for direction in (layer if isinstance(layer, (tuple, list)) else (layer,)):
            direction[key][:] = sign * remember_bias


def train_classifier(cell, x, y, n_a=16, n_layers=1, bidirectional=False, many_to_one=False, epochs=20,
                     batch_size=32, learning_rate=0.01, max_norm=5.0, seed=0, remember_bias=None, **options):
    """Train a recurrent stack with a sigmoid output on 0/1 targets.

    See the chapter :doc:`/book/chapters/12_deep_rnn`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    x : ndarray, shape (n_x, m, T_x)
        inputs
    y
        0/1 targets: (n_y, m) when many_to_one (read from the last step), else (n_y, m, T_x)
    n_a, n_layers, bidirectional
        the stack (see reference_impl.deep)
    epochs, batch_size
        passes over the data and mini-batch size
    learning_rate, max_norm
        Adam's step size and the global-norm clipping threshold
    seed
        seeds the initial weights and the order of the mini-batches
    remember_bias
        None keeps each cell's own initial biases (GRU bu = 0, LSTM bf = 1); a number starts the gated cells
        equally ready to remember (set_remember_bias)
    options
        cell options (variant for the GRU)

    Returns
    -------
    parameters : dict
        with layers, Wya, by
    losses
        mean training loss of every epoch, list of floats
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    n_x, m = x.shape[0], x.shape[1]
    if y.shape[1] != m:
        raise ValueError(f"y must have m = {m} examples on axis 1 like x, got shape {y.shape}")
    parameters = initialize_deep_parameters(cell, n_x, n_a, y.shape[0], n_layers, bidirectional, seed, **options)
    if remember_bias is not None:
        set_remember_bias(cell, parameters["layers"], remember_bias)
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
            grads = deep_backward(head.pop("da"), stack_cache)
            grads.update(head)  # dWya, dby
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
                              learning_rate=0.02, seed=0, remember_bias=1.0):
    """Test accuracy on the agreement task (reference_impl.datasets.make_agreement_data) for each cell and gap.

    Each cell and gap trains a fresh one-layer net on its own training set
    and is scored on a test set drawn with another seed; chance is 0.5.
    Every cell gets the same budget (n_a, epochs, learning_rate, batch 32,
    clipping at norm 5). One call is one seed: the seed draws the training
    set, the initial weights and the batch order, and whether a long gap is
    learnt changes from seed to seed, so compare cells with run_over_seeds.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    gaps
        clause lengths to try
    cells
        any of "rnn", "gru", "lstm"
    remember_bias
        the GRU starts with bu = -remember_bias and the LSTM with bf = +remember_bias, so both keep
        σ(remember_bias) of their memory per step at the start; None keeps each cell's own initialisation (GRU
        bu = 0, LSTM bf = 1)

    Returns
    -------
    accuracy : dict
        dict cell -> list of test accuracies, one per gap
    """
    accuracy = {cell: [] for cell in cells}
    for gap in gaps:
        x_train, y_train, _ = make_agreement_data(m_train, gap, seed=seed)
        x_test, y_test, _ = make_agreement_data(m_test, gap, seed=seed + 1)
        for cell in cells:
            parameters, _ = train_classifier(cell, x_train, y_train, n_a=n_a, many_to_one=True, epochs=epochs,
                                             learning_rate=learning_rate, seed=seed,
                                             remember_bias=remember_bias)
            y_pred = predict(cell, x_test, parameters, many_to_one=True)
            accuracy[cell].append(float(np.mean((y_pred > 0.5) == (y_test > 0.5))))
    return accuracy


def tagging_accuracy(cell="rnn", m_train=512, m_test=512, T=8, n_a=16, epochs=15, seed=0):
    """One-way against bidirectional tagging on the "teddy" task (make_tagging_data).

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Returns
    -------
    results : dict
        dict "one-way" and "bidirectional" -> dict with

        - all: accuracy over every word of the test set
        - teddy: accuracy over the words "teddy" alone (the ones only the next word decides)
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


def gradient_flow_by_distance(cell, T=40, n_x=8, n_a=32, m=16, remember_bias=2.0, seed=0):
    """How much gradient reaches the state and the memory d steps before a loss read at the last step.

    The net is freshly initialised (no training) and fed random inputs;
    L = sum(g * a<T>) for a fixed random g. The gradient is carried back one
    cell backward at a time, which is exactly what BPTT does, keeping its norm
    at every step.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"
    remember_bias
        gated cells start out remembering: the GRU's bu = -remember_bias (Γu near 0), the LSTM's bf =
        +remember_bias (Γf near 1); the RNN has no gate

    Returns
    -------
    flow : dict
        with the entries

        - a: shape (T,): a[d] = mean over examples of ||dL/da<T-d>||, the full gradient of the state
        - c: shape (T,): the same for the memory cell c<T-d> (the GRU's c is its a; the RNN has none: None)
        - direct: shape (T,): the part of c's curve that travels along the memory path alone,
          multiplied by the keep factor at every step and by nothing else (None for the RNN)
        - keep: mean over units, examples and steps of that keep factor
          (1 - Γu for the GRU, Γf for the LSTM; None for the RNN)
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_x, m, T))
    a0 = np.zeros((n_a, m))
    g = rng.normal(size=(n_a, m))
    gated = cell != "rnn"
    norms = {"a": np.empty(T), "c": np.empty(T) if gated else None, "direct": np.empty(T) if gated else None,
             "keep": None}
    if cell == "rnn":
        parameters = initialize_rnn_parameters(n_x, n_a, 1, seed)
        cell_caches = rnn_forward(x, a0, parameters)[2].cell_caches
        def step(da, dc, cache):
            return rnn_cell_backward(da, cache)["da_prev"], None
    elif cell == "gru":
        parameters = initialize_gru_parameters(n_x, n_a, None, seed)
        set_remember_bias("gru", [parameters], remember_bias)
        cell_caches = gru_forward(x, a0, parameters)[2].cell_caches
        norms["keep"] = float(np.mean([1.0 - cached.step.gamma_u for cached in cell_caches]))
        def step(da, dc, cache):
            return gru_cell_backward(da, cache)["dc_prev"], None
    elif cell == "lstm":
        parameters = initialize_lstm_parameters(n_x, n_a, None, seed, forget_bias=remember_bias)
        cell_caches = lstm_forward(x, a0, parameters)[3].cell_caches
        norms["keep"] = float(np.mean([cached.step.gamma_f for cached in cell_caches]))

        def step(da, dc, cache):
            grads = lstm_cell_backward(da, dc, cache)
            return grads["da_prev"], grads["dc_prev"]
    else:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    da, dc = g, np.zeros((n_a, m))
    direct = None
    for d in range(T):
        cache = cell_caches[T - 1 - d]
        norms["a"][d] = np.mean(np.linalg.norm(da, axis=0))
        if cell == "gru":
            dc_total, keep = da, 1.0 - cache.step.gamma_u
        elif cell == "lstm":
            # everything that reaches c<t>: from step t+1 and through a<t> = Γo * tanh(c<t>)
            step_cache = cache.step
            dc_total = dc + da * step_cache.gamma_o * (1.0 - step_cache.tanh_c**2)
            keep = step_cache.gamma_f
        if gated:
            direct = dc_total if direct is None else direct
            norms["c"][d] = np.mean(np.linalg.norm(dc_total, axis=0))
            norms["direct"][d] = np.mean(np.linalg.norm(direct, axis=0))
            direct = direct * keep
        da, dc = step(da, dc, cache)
    return norms


def gradient_norms_by_distance(cell, T=40, n_x=8, n_a=32, m=16, remember_bias=2.0, seed=0):
    """||dL/da<t>|| against the distance d = T - t: the "a" curve of gradient_flow_by_distance.

    For the LSTM, dL/da<t> is the gradient with respect to a<t> (its memory
    c<t> carries gradient too and is counted through the later steps).

    See the chapter :doc:`/book/chapters/08_vanishing_gradients`.

    Returns
    -------
    norms : ndarray, shape (T,)
        norms[d] = mean over examples of ||dL/da<T-d>||
    """
    return gradient_flow_by_distance(cell, T, n_x, n_a, m, remember_bias, seed)["a"]


def run_over_seeds(experiment, seeds, **settings):
    """Run ``experiment(seed=s, **settings)`` for every seed s and keep each result with its seed.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Returns
    -------
    runs : dict
        with seeds (list of ints), results (list, one per seed) and settings
    """
    seeds = [int(s) for s in seeds]
    if len(seeds) < 2:
        raise ValueError(f"a claim needs several seeds, got {seeds}")
    return {"seeds": seeds, "results": [experiment(seed=s, **settings) for s in seeds], "settings": settings}


def seed_summary(values, success=0.9):
    """Summary of one score over seeds: how many reach `success`, and the spread.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    values
        one score per seed (for example a test accuracy), list or array
    success
        the score at which a run counts as having learnt the task

    Returns
    -------
    summary : dict
        with n, successes, mean, min, median, max
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(f"values must hold one score per seed for at least 2 seeds, got shape {values.shape}")
    return {"n": int(values.size), "successes": int(np.sum(values >= success)), "mean": float(values.mean()),
            "min": float(values.min()), "median": float(np.median(values)), "max": float(values.max())}


def agreement_sweep_summary(document):
    """Per-gap summaries of a results file written by scripts/agreement_sweep.py.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    document
        the parsed JSON (gaps, seeds, settings with success, runs with cell, remember_bias, accuracy)

    Returns
    -------
    summary : dict
        dict "cell" (remember_bias 1) or "cell, remember_bias b" -> list of seed_summary dicts, one per gap
    """
    summary = {}
    for run in document["runs"]:
        name = run["cell"] if run["remember_bias"] == 1.0 else f"{run['cell']}, remember_bias {run['remember_bias']:g}"
        summary[name] = [seed_summary(by_seed, document["settings"]["success"]) for by_seed in run["accuracy"]]
    return summary


def memory_trace(cell, x, parameters):
    """The gates and memory of a one-layer stack trained by train_classifier, at every step.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    cell
        "gru" or "lstm"
    x : ndarray, shape (n_x, m, T_x)
        inputs
    parameters
        from train_classifier with n_layers=1, one-way

    Returns
    -------
    trace : dict
        dict of arrays of shape (n_a, m, T_x):

        - keep: share of the old memory kept (1 - Γu for the GRU, Γf for the LSTM)
        - write: share of the candidate written (Γu for both)
        - c: the memory cell c<t>
        - a: the state the output layer reads (the GRU's a is its c; the LSTM's a = Γo * tanh(c))
    """
    layers = parameters["layers"]
    if cell not in ("gru", "lstm") or len(layers) != 1 or isinstance(layers[0], (tuple, list)):
        raise ValueError(f"memory_trace needs a one-layer one-way 'gru' or 'lstm' stack, got cell {cell!r} "
                         f"with {len(layers)} layer(s)")
    a0 = np.zeros((layers[0]["bc"].shape[0], x.shape[1]))
    if cell == "gru":
        c, _, cache = gru_forward(x, a0, layers[0])
        write = np.stack([cached.step.gamma_u for cached in cache.cell_caches], axis=-1)
        return {"keep": 1.0 - write, "write": write, "c": c, "a": c}
    a, _, c, cache = lstm_forward(x, a0, layers[0])
    keep = np.stack([cached.step.gamma_f for cached in cache.cell_caches], axis=-1)
    write = np.stack([cached.step.gamma_u for cached in cache.cell_caches], axis=-1)
    return {"keep": keep, "write": write, "c": c, "a": a}


SEPARATED = 1.0  # two groups of sentences count as apart when their means differ by this many pooled std devs


def agreement_memory(cell, gap=30, seed=0, remember_bias=1.0, m_train=512, m_test=512, n_a=16, epochs=20,
                     learning_rate=0.02):
    """Where a trained agreement network keeps "singular or plural" between the subject and the verb.

    Trains exactly the run of agreement_accuracy_by_gap(gaps=(gap,), cells=(cell,), seed=seed, ...)
    and reads its memory on the test sentences. For each unit j and step t,
    separation[j, t] is the plural-minus-singular difference of the mean of
    c_j<t>, in pooled standard deviations of the two groups. A unit *holds*
    the number when, from the subject (step 1) to the verb slot (the last
    step), that separation never changes sign and never drops below
    SEPARATED: the unit is written at the subject and kept across the clause.
    The output reads Wya a<T>; read[j] = Wya_j (mean a_j<T> plural - singular)
    is what unit j adds to the difference the output sees at the verb.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    cell
        "gru" or "lstm"
    gap, seed, remember_bias, m_train, m_test, n_a, epochs, learning_rate
        as agreement_accuracy_by_gap

    Returns
    -------
    memory : dict
        with the entries

        - accuracy: test accuracy (the same number agreement_accuracy_by_gap gives)
        - holding: list of the units that hold the number (may be empty)
        - read_share_holding: share of the sum of abs(read) that comes from the holding units (0 if none)
        - unit: the unit whose smallest separation over subject..verb (signed as at the verb) is largest:
          a holding unit if there is one
        - worst_separation: that smallest separation for this unit (>= SEPARATED exactly when it holds)
        - separation: shape (T_x,): the unit's separation at each step, signed positive at the verb
        - keep, write: shape (T_x,): the unit's mean share kept and share written at each step
          (1 - Γu and Γu for the GRU, Γf and Γu for the LSTM), over all test sentences
    """
    if cell not in ("gru", "lstm"):
        raise ValueError(f"cell must be 'gru' or 'lstm', got {cell!r}")
    x_train, y_train, _ = make_agreement_data(m_train, gap, seed=seed)
    x_test, y_test, _ = make_agreement_data(m_test, gap, seed=seed + 1)
    parameters, _ = train_classifier(cell, x_train, y_train, n_a=n_a, many_to_one=True, epochs=epochs,
                                     learning_rate=learning_rate, seed=seed, remember_bias=remember_bias)
    plural = y_test[0] > 0.5
    accuracy = float(np.mean((predict(cell, x_test, parameters, many_to_one=True) > 0.5) == plural))
    trace = memory_trace(cell, x_test, parameters)
    c = trace["c"]  # (n_a, m, T_x)
    difference = c[:, plural].mean(axis=1) - c[:, ~plural].mean(axis=1)
    spread = np.sqrt((c[:, plural].var(axis=1) + c[:, ~plural].var(axis=1)) / 2)
    separation = np.divide(difference, spread, out=np.zeros_like(difference), where=spread > 0)
    signed = separation * np.where(separation[:, -1:] < 0, -1.0, 1.0)  # positive at the verb slot
    worst = signed[:, 1:].min(axis=1)  # from the subject (step 1) to the verb slot
    a_last = trace["a"][:, :, -1]
    read = np.abs(parameters["Wya"][0] * (a_last[:, plural].mean(axis=1) - a_last[:, ~plural].mean(axis=1)))
    holding = np.flatnonzero(worst >= SEPARATED)
    unit = int(np.argmax(worst))
    return {"accuracy": accuracy, "holding": [int(j) for j in holding],
            "read_share_holding": float(read[holding].sum() / read.sum()) if read.sum() > 0 else 0.0,
            "unit": unit, "worst_separation": float(worst[unit]), "separation": signed[unit],
            "keep": trace["keep"][unit].mean(axis=0), "write": trace["write"][unit].mean(axis=0)}


def agreement_memory_summary(document, cell, remember_bias):
    """Counts and medians over seeds of a results file written by scripts/agreement_memory.py.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    document
        the parsed JSON (settings with success, runs with cell, remember_bias, by_seed)
    cell, remember_bias
        which run to summarise

    Returns
    -------
    summary : dict
        with the entries

        - n: number of seeds
        - learnt: seeds whose test accuracy reaches settings["success"]
        - holding: learnt seeds with at least one unit that holds the number from subject to verb
        - units: median over learnt seeds of the number of holding units
        - keep_subject: median over learnt seeds of the best unit's share kept at the subject (step 1)
        - keep_clause: median over learnt seeds of the best unit's mean share kept over the clause words
        - read_share: median over learnt seeds of the share of the output's reading that holding units give
    """
    run = next((r for r in document["runs"] if (r["cell"], r["remember_bias"]) == (cell, remember_bias)),
    None)
    if run is None:
        raise ValueError(f"no run of {cell!r} with remember_bias {remember_bias} in the results file")
    learnt = [m for m in run["by_seed"] if m["accuracy"] >= document["settings"]["success"]]
    if not learnt:
        return {"n": len(run["by_seed"]), "learnt": 0, "holding": 0, "units": 0.0, "keep_subject": float("nan"),
                "keep_clause": float("nan"),
                "read_share": float("nan")}
    # steps: "the" 0, subject 1, "," 2, "which" 3, the clause 4 .. T-2, the closing "," (verb slot) T-1
    return {"n": len(run["by_seed"]), "learnt": len(learnt), "holding": sum(bool(m["holding"]) for m in learnt),
            "units": float(np.median([len(m["holding"]) for m in learnt])),
            "keep_subject": float(np.median([m["keep"][1] for m in learnt])),
            "keep_clause": float(np.median([np.mean(m["keep"][4:-1]) for m in learnt])),
            "read_share": float(np.median([m["read_share_holding"] for m in learnt]))}
