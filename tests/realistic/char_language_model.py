"""Realistic submissions of assignment 2 (character-level language model)."""
from . import delete_cell, honest, paste_copy, wrong

SAMPLE_HEAD = '''
def sample(parameters, vocab, seed=0, temperature=1.0, max_length=50):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    vocab_size, n_a = Wya.shape
    eos_index, unk_index = vocab.eos_index, vocab.unk_index
    rng = np.random.default_rng(seed)
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
'''


def _sample(body):
    """A whole sample cell: the release's set-up lines, then the student's loop."""
    return SAMPLE_HEAD + body + "    return indices\n"


# ---- honest ---------------------------------------------------------------------------

LOOP_CLIP = '''
def clip_by_global_norm(gradients, max_norm):
    total = 0.0
    for name in gradients:
        for value in np.nditer(gradients[name]):
            total += float(value) ** 2
    norm = total ** 0.5
    clipped = {}
    for name, g in gradients.items():
        if norm > max_norm:
            clipped[name] = g * (max_norm / norm)
        else:
            clipped[name] = g.copy()
    return clipped, norm
'''

# the temperature applied to the logits: softmax(z / T) is p^(1/T) renormalised
LOGIT_TEMPERATURE_SAMPLE = _sample('''
    for step in range(max_length):
        a_prev = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + ba)
        z = (np.dot(Wya, a_prev) + by).ravel() / temperature
        z[unk_index] = -np.inf
        p = np.exp(z - z.max())
        p = p / p.sum()
        idx = rng.choice(range(vocab_size), p=p)
        indices.append(int(idx))
        if idx == eos_index:
            break
        x = np.eye(vocab_size)[:, [idx]]
''')

STAR_CLIP = '''
from numpy import *

def clip_by_global_norm(gradients, max_norm):
    norm = float(sqrt(sum([sum(square(g)) for g in gradients.values()])))
    factor = minimum(1.0, max_norm / norm) if norm > 0 else 1.0
    return {k: g * factor for k, g in gradients.items()}, norm
'''

POWER_TEMPERATURE_SAMPLE = _sample('''
    import numpy.testing
    done = False
    while not done and len(indices) < max_length:
        a_prev = np.tanh(Wax @ x + Waa @ a_prev + ba)
        y_hat = softmax(Wya @ a_prev + by)
        p = y_hat[:, 0] ** (1.0 / temperature)
        p[unk_index] = 0
        p /= np.sum(p)
        numpy.testing.assert_allclose(p.sum(), 1.0)
        index = rng.choice(vocab_size, p=p)
        indices.append(int(index))
        done = index == eos_index
        x = np.zeros_like(x)
        x[index, 0] = 1
''')

TQDM_TRAIN = '''
from tqdm import tqdm

def train_names(sequences, vocab_size, n_a=50, num_iterations=2000, learning_rate=0.01, max_norm=5.0, seed=0):
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    losses = []
    for j in tqdm(range(num_iterations), desc="training", mininterval=1.0):
        name = sequences[order[j % len(sequences)]]
        x, y, _ = language_model_batch([name], vocab_size)
        loss, grads, parameters = optimize(x, y, np.zeros((n_a, 1)), parameters, learning_rate, max_norm)
        losses.append(loss)
        if j % 1000 == 0:
            print(f"iteration {j}: loss {loss:.3f}")
    return parameters, losses
'''

PLOT_LOSSES = '''%matplotlib inline
import matplotlib.pyplot as plt

plt.figure(figsize=(6, 3))
plt.plot(np.convolve(losses, np.ones(100) / 100, mode="valid"))
plt.xlabel("iteration")
plt.ylabel("loss (moving average)")
plt.show()
'''

TIMED_SMALL_RUN = '''%%time
small_parameters, small_losses = train_names(sequences[:50], len(vocab), n_a=10, num_iterations=100)
print("first and last loss:", small_losses[0], small_losses[-1])
'''

CLOSURE_TRAIN = '''
def make_stepper(n_a, learning_rate, max_norm):
    zero_state = np.zeros((n_a, 1))

    def step(sequence, parameters, vocab_size):
        x, y, _ = language_model_batch([sequence], vocab_size)
        return optimize(x, y, zero_state, parameters, learning_rate, max_norm)

    return step


def train_names(sequences, vocab_size, n_a=50, num_iterations=2000, learning_rate=0.01, max_norm=5.0, seed=0):
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    losses = []
    step = make_stepper(n_a, learning_rate, max_norm)
    for j in range(num_iterations):
        loss, _, parameters = step(sequences[order[j % len(sequences)]], parameters, vocab_size)
        losses.append(loss)
    return parameters, losses
'''

NAMEDTUPLE_OPTIMIZE = '''
from collections import namedtuple

Step = namedtuple("Step", "loss gradients parameters")


def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    loss, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
    grads = rnn_model_backward(cache)
    wanted = {key: grads[key] for key in ("dWax", "dWaa", "dba", "dWya", "dby")}
    clipped, norm = clip_by_global_norm(wanted, max_norm)
    new_parameters = {}
    for name, value in parameters.items():
        new_parameters[name] = value - learning_rate * clipped["d" + name]
    return Step(loss, clipped, new_parameters)
'''

PRINTING_OPTIMIZE = '''
import warnings

def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    loss, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
    gradients = rnn_model_backward(cache)
    gradients = {k: v for k, v in gradients.items() if k[1:] in parameters}
    gradients, norm = clip_by_global_norm(gradients, max_norm)
    if norm > 100 * max_norm:
        warnings.warn(f"exploding gradient: norm {norm:.1f}")
    if not np.isfinite(loss):
        print("loss is not finite!")
    parameters = {k: parameters[k] - learning_rate * gradients["d" + k] for k in parameters}
    return loss, gradients, parameters
'''

# in place, as torch's clip_grad_norm_ does: the notebook never reuses the unclipped gradients
IN_PLACE_CLIP = '''
def clip_by_global_norm(gradients, max_norm):
    norm = np.linalg.norm(np.concatenate([g.ravel() for g in gradients.values()]))
    if norm > max_norm:
        for g in gradients.values():
            g *= max_norm / norm
    return gradients, float(norm)
'''

TQDM_AUTO_TRAIN = TQDM_TRAIN.replace("from tqdm import tqdm", "from tqdm.auto import tqdm")

SAVE_AND_PLOT = '''
import matplotlib.pyplot as plt

np.savez("names_model.npz", **parameters)           # keep the trained model
reloaded = dict(np.load("names_model.npz"))
assert all(np.array_equal(reloaded[k], parameters[k]) for k in parameters)
plt.plot(losses)
plt.savefig("losses.png")
'''

# rng.choice returns NumPy integers: the list holds np.int64, which are ints for every use the notebook makes
NUMPY_INT_SAMPLE = _sample('''
    eos_seen = False
    while not eos_seen and len(indices) < max_length:
        a_prev = np.tanh(Wax @ x + Waa @ a_prev + ba)
        y_hat = softmax(Wya @ a_prev + by).flatten()
        p = np.exp(np.log(y_hat + 1e-300) / temperature)
        p[unk_index] = 0.0
        p /= p.sum()
        index = rng.choice(vocab_size, p=p)
        indices.append(index)
        eos_seen = index == eos_index
        x = np.zeros((vocab_size, 1))
        x[index] = 1.0
''')

# V from the vocabulary, <UNK> and <EOS> read where they are used, x as a column of np.eye
VOCAB_SAMPLE = _sample('''
    V = len(vocab)
    for _ in range(max_length):
        a_prev = np.tanh(Wax @ x + Waa @ a_prev + ba)
        logits = (Wya @ a_prev + by)[:, 0] / temperature
        logits[vocab.unk_index] = -np.inf
        index = int(rng.choice(V, p=softmax(logits)))
        indices.append(index)
        if index == vocab.eos_index:
            break
        x = np.eye(V)[:, index:index + 1]
''')

# IPython makes display a builtin: a student who imported only clear_output calls display unimported
DISPLAY_TRAIN = '''
from IPython.display import clear_output

def train_names(sequences, vocab_size, n_a=50, num_iterations=2000, learning_rate=0.01, max_norm=5.0, seed=0):
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    losses = []
    smooth_loss = None
    for j in range(num_iterations):
        x, y, _ = language_model_batch([sequences[order[j % len(sequences)]]], vocab_size)
        loss, _, parameters = optimize(x, y, np.zeros((n_a, 1)), parameters, learning_rate, max_norm)
        losses.append(loss)
        smooth_loss = loss if smooth_loss is None else 0.99 * smooth_loss + 0.01 * loss
        if j % 500 == 0:
            clear_output(wait=True)
            display(f"iteration {j}: smoothed loss {smooth_loss:.3f}")
    return parameters, losses
'''

# IPython keeps a cell's __future__ imports for the cells after it: an annotation may name its own class
FUTURE_IMPORTS = '''from __future__ import annotations

import functools
from dataclasses import dataclass, field
'''

FUTURE_ANNOTATED_TRAIN = '''
@dataclass
class TrainingLog:
    losses: list[float] = field(default_factory=list)
    smooth: float | None = None

    def add(self, loss: float) -> TrainingLog:
        self.losses.append(float(loss))
        self.smooth = loss if self.smooth is None else 0.999 * self.smooth + 0.001 * loss
        return self


@functools.lru_cache(maxsize=None)
def zero_state(n_a: int) -> np.ndarray:
    return np.zeros((n_a, 1))


def train_names(sequences: list[np.ndarray], vocab_size: int, n_a: int = 50, num_iterations: int = 2000,
                learning_rate: float = 0.01, max_norm: float = 5.0, seed: int = 0) -> tuple[dict, list[float]]:
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    log = TrainingLog()
    for j in range(num_iterations):
        x, y, _ = language_model_batch([sequences[order[j % len(sequences)]]], vocab_size)
        loss, _, parameters = optimize(x, y, zero_state(n_a), parameters, learning_rate, max_norm)
        log.add(loss)
    return parameters, log.losses
'''

# the corpus read from the data file that the course's loader reads
READ_CORPUS_FILE = '''
from pathlib import Path
import reference_impl.datasets as datasets

corpus_file = Path(datasets.__file__).parent / "data" / "names.txt"
with open(corpus_file, encoding="utf-8") as f:
    my_names = [line.strip() for line in f if line.strip()]
print(len(my_names), "names; the longest is", max(my_names, key=len))
print("same as load_names():", my_names == datasets.load_names() == names)
print("name lengths:", np.bincount([len(name) for name in my_names]))
'''

# a checkpoint every 1000 iterations, in a folder of the student's own
CHECKPOINT_TRAIN = '''
import os
import pickle

def train_names(sequences, vocab_size, n_a=50, num_iterations=2000, learning_rate=0.01, max_norm=5.0, seed=0):
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    losses = []
    os.makedirs("checkpoints", exist_ok=True)
    for j in range(num_iterations):
        x, y, _ = language_model_batch([sequences[order[j % len(sequences)]]], vocab_size)
        loss, _, parameters = optimize(x, y, np.zeros((n_a, 1)), parameters, learning_rate, max_norm)
        losses.append(loss)
        if j % 1000 == 0:
            with open(os.path.join("checkpoints", f"names_{j:05d}.pkl"), "wb") as f:
                pickle.dump({"parameters": parameters, "losses": losses}, f)
    return parameters, losses
'''

RELOAD_CHECKPOINT = '''
import glob
import json

latest = sorted(glob.glob("checkpoints/names_*.pkl"))[-1]
with open(latest, "rb") as f:
    checkpoint = pickle.load(f)
print("reloaded", latest, "after", len(checkpoint["losses"]), "iterations")
with open("losses.json", "w") as f:
    json.dump([float(loss) for loss in losses], f)
'''

# as torch.nn.utils.clip_grad_norm_ does: the factor max_norm / (norm + 1e-6), clamped at 1
TORCH_STYLE_CLIP = '''
def clip_by_global_norm(gradients, max_norm):
    norm = np.sqrt(sum(np.vdot(g, g) for g in gradients.values()))
    clip_coef = min(max_norm / (norm + 1e-6), 1.0)
    return {name: g * clip_coef for name, g in gradients.items()}, norm
'''

# log(0) is -inf, whose softmax weight is 0: the divide warning silenced by np.errstate used as a decorator;
# the global generator is seeded too, though only the notebook's rng draws
ERRSTATE_SAMPLE = '\n@np.errstate(divide="ignore")' + _sample('''
    np.random.seed(seed)
    for _ in range(max_length):
        a_prev = np.tanh(Wax @ x + Waa @ a_prev + ba)
        p = softmax(np.log(softmax(Wya @ a_prev + by)) / temperature)
        p[unk_index] = 0.0
        p = p / np.sum(p)
        index = rng.choice(vocab_size, p=p.ravel())
        indices.append(int(index))
        if index == eos_index:
            break
        x = np.zeros((vocab_size, 1))
        x[index] = 1
''')

# the first line as a notebook exported to a script writes %matplotlib inline
IPYTHON_HABITS_TOP = '''get_ipython().run_line_magic("matplotlib", "inline")
%load_ext autoreload
%autoreload 2
import warnings
warnings.filterwarnings("ignore")
import numpy as np
np.seterr(divide="ignore", over="ignore")
np.set_printoptions(precision=3, suppress=True)
'''

IPYTHON_HABITS_CORPUS = '''
from IPython.display import Markdown, display

display(Markdown(f"**{len(names)} names**, a vocabulary of {len(vocab)} symbols"))
!head -3 names.txt
%who_ls
help(vocab.decode)
'''

HONEST = [
    honest("loops", "loops and a fresh one-hot from np.eye compute the same clipping and the same draws",
           {"clip_by_global_norm_code": LOOP_CLIP, "sample_code": LOGIT_TEMPERATURE_SAMPLE}),
    honest("star_import_and_numpy_testing", "`from numpy import *` and numpy.testing are ordinary imports; "
           "p ** (1/T) renormalised is the same distribution as softmax(log p / T)",
           {"clip_by_global_norm_code": STAR_CLIP, "sample_code": POWER_TEMPERATURE_SAMPLE}),
    honest("tqdm_plot_and_magics", "a tqdm progress bar, a %%time cell and a matplotlib plot of the losses change no answer",
           {"train_names_code": TQDM_TRAIN},
           added=[("train_names", TIMED_SMALL_RUN), ("generate_names", PLOT_LOSSES), (None, "!pip install tqdm\n")]),
    honest("closure_in_train_names", "a closure built by the student's own helper is consumed only by the student's code",
           {"train_names_code": CLOSURE_TRAIN}),
    honest("namedtuple_return", "a namedtuple is a tuple: optimize returns (loss, gradients, parameters)",
           {"optimize_code": NAMEDTUPLE_OPTIMIZE}),
    honest("prints_and_warnings", "prints and warnings on odd values change no value returned",
           {"optimize_code": PRINTING_OPTIMIZE}),
    honest("in_place_clipping", "clipping in place like torch.nn.utils.clip_grad_norm_ is correct: the notebook "
           "never reuses the unclipped gradients, and the clipped dict is returned as asked",
           {"clip_by_global_norm_code": IN_PLACE_CLIP}),
    honest("copied_cell_duplicate_grade_id", "the sample cell pasted twice (same grade_id); both copies are correct",
           {"sample_code": LOGIT_TEMPERATURE_SAMPLE}, edit=paste_copy("sample_code")),
    honest("deleted_public_test_cell", "the public test cell of sample_temperature deleted by accident",
           edit=delete_cell("sample_temperature")),
    honest("tqdm_auto_and_saved_model", "tqdm.auto, a saved and reloaded model and a saved plot in the student's own folder",
           {"train_names_code": TQDM_AUTO_TRAIN}, added=[("generate_names", SAVE_AND_PLOT)]),
    honest("sample_reads_the_vocabulary", "len(vocab), vocab.unk_index and vocab.eos_index read from the vocab "
           "argument where they are used", {"sample_code": VOCAB_SAMPLE}),
    honest("numpy_integer_indices", "the indices are NumPy integers from rng.choice: ints for decoding and comparing",
           {"sample_code": NUMPY_INT_SAMPLE}),
    honest("display_builtin_and_smoothed_loss", "display is a builtin in Jupyter (IPython puts it there): "
           "a progress line shown with it, and a running smoothed loss kept beside the recorded losses",
           {"train_names_code": DISPLAY_TRAIN}),
    honest("future_annotations_dataclass_lru_cache", "`from __future__ import annotations` in the first cell holds "
           "for the later cells in Jupyter; a dataclass log and an lru_cache'd zero state",
           {"train_names_code": FUTURE_ANNOTATED_TRAIN}, added=[(None, FUTURE_IMPORTS)]),
    honest("reads_corpus_file_and_checkpoints", "the corpus file read directly where the course's loader reads it; "
           "pickled checkpoints written while training and reloaded, losses saved as JSON",
           {"train_names_code": CHECKPOINT_TRAIN},
           added=[("corpus", READ_CORPUS_FILE), ("generate_names", RELOAD_CHECKPOINT)]),
    honest("torch_style_clip_and_errstate_sampler", "clip_grad_norm_'s factor max_norm / (norm + 1e-6) clamped at 1 "
           "is the clipping asked for (to 1e-6 relative); log(0) = -inf silenced by @np.errstate gives the same p",
           {"clip_by_global_norm_code": TORCH_STYLE_CLIP, "sample_code": ERRSTATE_SAMPLE}),
    honest("ipython_habits", "get_ipython().run_line_magic, %load_ext autoreload, warnings.filterwarnings, np.seterr, "
           "IPython.display's Markdown, a shell escape, %who_ls and help() in cells the student added",
           added=[(None, IPYTHON_HABITS_TOP), ("corpus", IPYTHON_HABITS_CORPUS)]),
]

# ---- wrong ------------------------------------------------------------------------------

SAMPLE_LOOP = '''
    while len(indices) < max_length:
        a_prev = np.tanh(Wax @ x + Waa @ a_prev + ba)
        {probabilities}
        {unk}
        p = p / p.sum()
        index = int(rng.choice(vocab_size, p=p))
        {keep_and_stop}
        {next_input}
'''


def _wrong_sample(before="", probabilities="p = softmax(np.log(np.maximum(softmax(Wya @ a_prev + by)[:, 0], 1e-300)) / temperature)",
                  unk="p[unk_index] = 0.0",
                  keep_and_stop="indices.append(index)\n        if index == eos_index:\n            break",
                  next_input="x = np.zeros((vocab_size, 1))\n        x[index] = 1.0"):
    """The reference sampler with one mistake."""
    return _sample(before + SAMPLE_LOOP.format(probabilities=probabilities, unk=unk, keep_and_stop=keep_and_stop,
                                               next_input=next_input))


HARD_CODED_EOS = _wrong_sample(keep_and_stop="indices.append(index)\n        if index == 0:\n            break")
HARD_CODED_UNK = _wrong_sample(unk="p[1] = 0.0")
# -inf in the model's own by: the softmax then gives <UNK> probability 0, and the model is changed
BLOCKS_UNK_IN_MODEL = _wrong_sample(before="    by[unk_index] = -np.inf\n", unk="# <UNK> is blocked in by")
PAST_EOS = _wrong_sample(keep_and_stop="indices.append(index)")
DROPS_EOS = _wrong_sample(keep_and_stop="if index == eos_index:\n            break\n        indices.append(index)")
ONE_HOT_NOT_RESET = _wrong_sample(next_input="x[index] = 1.0")
TEMPERATURE_ON_PROBABILITIES = _wrong_sample(probabilities="p = softmax(Wya @ a_prev + by)[:, 0] / temperature")

NORM_AFTER_CLIPPING = '''
def clip_by_global_norm(gradients, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in gradients.values())))
    if norm > max_norm:
        gradients = {name: g * max_norm / norm for name, g in gradients.items()}
        norm = float(np.sqrt(sum(np.sum(g**2) for g in gradients.values())))
    return gradients, norm
'''

CLIPS_PARAMETERS = '''
def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    loss, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
    all_gradients = rnn_model_backward(cache)
    gradients = {"d" + name: all_gradients["d" + name] for name in parameters}
    updated = {name: value - learning_rate * gradients["d" + name] for name, value in parameters.items()}
    clipped, _ = clip_by_global_norm(updated, max_norm)
    return loss, gradients, clipped
'''

LOSS_AFTER_UPDATE = '''
def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    _, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
    all_gradients = rnn_model_backward(cache)
    gradients, _ = clip_by_global_norm({"d" + name: all_gradients["d" + name] for name in parameters}, max_norm)
    parameters = {name: value - learning_rate * gradients["d" + name] for name, value in parameters.items()}
    loss, _, _ = rnn_model_forward(x, y, a0, parameters, "softmax")
    return loss, gradients, parameters
'''

GRADIENT_ASCENT = '''
def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    loss, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
    all_gradients = rnn_model_backward(cache)
    gradients, _ = clip_by_global_norm({"d" + name: all_gradients["d" + name] for name in parameters}, max_norm)
    parameters = {name: value + learning_rate * gradients["d" + name] for name, value in parameters.items()}
    return loss, gradients, parameters
'''

TRAIN_OFF_BY_ONE = '''
def train_names(sequences, vocab_size, n_a=50, num_iterations=2000, learning_rate=0.01, max_norm=5.0, seed=0):
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    losses = []
    for j in range(1, num_iterations + 1):
        x, y, _ = language_model_batch([sequences[order[j % len(sequences)]]], vocab_size)
        loss, _, parameters = optimize(x, y, np.zeros((n_a, 1)), parameters, learning_rate, max_norm)
        losses.append(loss)
    return parameters, losses
'''

# the argument renamed: the release's line eos_index, unk_index = vocab.eos_index, vocab.unk_index then reads
# the notebook's own vocabulary (a global of the corpus cell) instead of the one passed in
GLOBAL_VOCAB = _wrong_sample().replace("def sample(parameters, vocab,", "def sample(parameters, vocabulary,")
# the signature of an older release, (parameters, eos_index, unk_index, ...): called with a vocab, it fails
OLD_SIGNATURE = _wrong_sample().replace("def sample(parameters, vocab,", "def sample(parameters, eos_index, unk_index,").replace(
    "    eos_index, unk_index = vocab.eos_index, vocab.unk_index\n", "")

GLOBAL_SEQUENCES = '''
def train_names(sequences, vocab_size, n_a=50, num_iterations=2000, learning_rate=0.01, max_norm=5.0, seed=0):
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    losses = []
    for j in range(num_iterations):
        x, y, _ = language_model_batch([names_encoded[order[j % len(sequences)]]], vocab_size)
        loss, _, parameters = optimize(x, y, np.zeros((n_a, 1)), parameters, learning_rate, max_norm)
        losses.append(loss)
    return parameters, losses
'''

NAMES_ENCODED = "names_encoded = [vocab.encode(name, add_eos=True) for name in names]\n"

# a new generator at every step: every step draws with the same uniform number
RNG_EVERY_STEP = _wrong_sample(
    next_input="x = np.zeros((vocab_size, 1))\n        x[index] = 1.0\n        rng = np.random.default_rng(seed)")
# the global generator of another course (np.random.seed, np.random.choice) draws other indices than the
# notebook's rng.choice, which the text asks for: stock nbgrader gives it no points either
LEGACY_GLOBAL_SEED = _wrong_sample(before="    np.random.seed(seed)\n").replace(
    "int(rng.choice(vocab_size, p=p))", "int(np.random.choice(range(vocab_size), p=p.ravel()))")

# elementwise clipping of another course, in place: not a rescaling by the global norm
VALUE_CLIPPING = '''
def clip_by_global_norm(gradients, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in gradients.values())))
    for gradient in [gradients["dWaa"], gradients["dWax"], gradients["dWya"], gradients["dba"], gradients["dby"]]:
        np.clip(gradient, -max_norm, max_norm, out=gradient)
    return gradients, norm
'''

# the course library's own sampler imported in place of an answer (from a clone of the course's repository)
REFERENCE_SAMPLER = "from reference_impl.sampling import sample\n"

WRONG = [
    wrong("sample_writes_into_parameters", {"sample", "sample_temperature"},
          "sample writes -inf into the model's by to block <UNK>: sampling changes the trained model "
          "(the next sample or training step sees a different model)", {"sample_code": BLOCKS_UNK_IN_MODEL}),
    wrong("hard_coded_eos_index", {"sample", "sample_temperature"},
          "stops at index 0 instead of vocab.eos_index: wrong for any vocabulary where <EOS> is elsewhere",
          {"sample_code": HARD_CODED_EOS}),
    wrong("hard_coded_unk_index", {"sample", "sample_temperature"},
          "removes index 1 instead of vocab.unk_index: wrong for any vocabulary where <UNK> is elsewhere",
          {"sample_code": HARD_CODED_UNK}),
    wrong("samples_past_eos", {"sample", "sample_temperature"},
          "keeps drawing after <EOS> until max_length: the sequence must end at its first <EOS>",
          {"sample_code": PAST_EOS}),
    wrong("drops_eos", {"sample", "sample_temperature"},
          "stops at <EOS> without keeping it in the list the notebook asks for", {"sample_code": DROPS_EOS}),
    wrong("one_hot_not_reset", {"sample", "sample_temperature"},
          "the input x keeps every earlier 1: after two steps it is not a one-hot vector",
          {"sample_code": ONE_HOT_NOT_RESET}),
    wrong("temperature_divides_probabilities", {"sample_temperature"},
          "p / T renormalised is p again: the temperature has no effect (right only at T = 1)",
          {"sample_code": TEMPERATURE_ON_PROBABILITIES}),
    wrong("returns_norm_after_clipping", {"clip_by_global_norm"},
          "the norm returned is the clipped one (max_norm), not the norm before clipping",
          {"clip_by_global_norm_code": NORM_AFTER_CLIPPING}),
    wrong("clips_parameters", {"optimize_gradients", "optimize_update", "train_names"},
          "clips the updated parameters instead of the gradients", {"optimize_code": CLIPS_PARAMETERS}),
    wrong("loss_after_update", {"optimize_gradients", "train_names"},
          "returns the loss after the update instead of the loss of the step", {"optimize_code": LOSS_AFTER_UPDATE}),
    wrong("gradient_ascent", {"optimize_update", "train_names"},
          "W + lr dW climbs the loss", {"optimize_code": GRADIENT_ASCENT}),
    wrong("train_off_by_one", {"train_names"},
          "iteration j trains on name order[(j + 1) % n]: off by one in the order of the names",
          {"train_names_code": TRAIN_OFF_BY_ONE}),
    wrong("sample_uses_global_vocab", {"sample", "sample_temperature"},
          "uses the notebook's global vocab for <EOS> and <UNK> instead of the vocabulary passed in: "
          "wrong for any other vocabulary", {"sample_code": GLOBAL_VOCAB}),
    wrong("sample_keeps_an_old_signature", {"sample", "sample_temperature"},
          "sample(parameters, eos_index, unk_index, ...) as in an older release: the grader calls "
          "sample(parameters, vocab, seed=..., temperature=..., max_length=...)", {"sample_code": OLD_SIGNATURE}),
    wrong("train_uses_global_names", {"train_names"},
          "trains on the notebook's global list of names instead of the sequences passed in",
          {"train_names_code": GLOBAL_SEQUENCES}, added=[("corpus", NAMES_ENCODED)]),
    wrong("new_generator_every_step", {"sample", "sample_temperature"},
          "the generator is created again at every step, so every step draws with the same random number: "
          "the characters of a name are not drawn independently", {"sample_code": RNG_EVERY_STEP}),
    wrong("legacy_global_random_state", {"sample", "sample_temperature"},
          "np.random.seed and np.random.choice draw other indices than the rng.choice the notebook asks for "
          "(stock nbgrader gives no points either)", {"sample_code": LEGACY_GLOBAL_SEED}),
    wrong("clips_each_value", {"clip_by_global_norm", "optimize_gradients", "optimize_update", "train_names"},
          "np.clip of every entry to [-max_norm, max_norm] is not a rescaling by the global norm: the direction "
          "of the step changes", {"clip_by_global_norm_code": VALUE_CLIPPING}),
    wrong("imports_the_reference_sampler", {"sample", "sample_temperature"},
          "the course library's sampler imported instead of an answer: the grader hands out only what the "
          "notebook's own cells import", {"sample_code": REFERENCE_SAMPLER}),
]
