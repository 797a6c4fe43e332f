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
]
