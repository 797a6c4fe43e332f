"""Realistic submissions of assignment 5 (the LSTM language model in PyTorch).

The notebook trains in float32 (on the GPU when there is one) and the
sampler runs on the trained tensors: a function that only works in float64,
or breaks the autograd graph, or writes into the parameters, is wrong there.
"""
from . import delete_cell, honest, paste_copy, wrong

SAMPLE_HEAD = '''
@torch.no_grad()
def sample_torch(parameters, vocab, seed=0, temperature=1.0, max_length=50):
    V, n_a = parameters["Wya"].shape
    dtype, device = parameters["Wya"].dtype, parameters["Wya"].device
    eos_index, unk_index = vocab.eos_index, vocab.unk_index
    generator = torch.Generator(device=device).manual_seed(seed)
    x = torch.zeros(V, 1, dtype=dtype, device=device)
    a = torch.zeros(n_a, 1, dtype=dtype, device=device)
    c = torch.zeros_like(a)
    indices = []
'''


def _sample(body):
    return SAMPLE_HEAD + body + "    return indices\n"


LM_FORWARD_HEAD = '''
def lm_forward(x, parameters):
    V, n_a = parameters["Wya"].shape
    m, T = x.shape
    a = torch.zeros(n_a, m, dtype=parameters["Wya"].dtype, device=parameters["Wya"].device)
    c = torch.zeros_like(a)
    logits = []
'''


def _lm_forward(body):
    return LM_FORWARD_HEAD + body + "    return torch.stack(logits, dim=2)\n"


# ---- honest ---------------------------------------------------------------------------

STACKED_EINSUM_CELL = '''
def lstm_cell_torch(xt, a_prev, c_prev, parameters):
    W = torch.cat([parameters["W" + g] for g in "fico"], dim=0)      # (4 n_a, n_a + n_x)
    b = torch.cat([parameters["b" + g] for g in "fico"], dim=0)
    z = torch.einsum("ij,jm->im", W, torch.cat((a_prev, xt))) + b
    zf, zi, zc, zo = z.chunk(4, dim=0)
    c_next = torch.sigmoid(zf) * c_prev + torch.sigmoid(zi) * torch.tanh(zc)
    a_next = torch.sigmoid(zo) * torch.tanh(c_next)
    return a_next, c_next
'''

LOOP_ONE_HOT_FORWARD = _lm_forward('''
    for t in range(T):
        xt = torch.zeros(V, m, dtype=a.dtype, device=a.device)
        for j in range(m):
            if x[j, t] >= 0:
                xt[x[j, t], j] = 1.0
        a, c = lstm_cell_torch(xt, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
''')

MASKED_LOSS = '''
def lm_loss(parameters, x, y):
    logits = lm_forward(x, parameters)                    # (V, m, T)
    log_probs = torch.log_softmax(logits, dim=0)
    mask = y >= 0
    picked = log_probs.gather(0, y.clamp(min=0).unsqueeze(0)).squeeze(0)   # (m, T)
    return -(picked * mask).sum() / y.shape[0]
'''

STAR_NUMPY_CELL = '''
from numpy import *
import numpy.testing as npt

def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = vstack([a_prev, xt])
    gate = lambda g, f: f(dot(parameters["W" + g], concat) + parameters["b" + g])
    gamma_f, gamma_u, gamma_o = gate("f", sigmoid), gate("i", sigmoid), gate("o", sigmoid)
    c_tilde = gate("c", tanh)
    c_next = gamma_f * c_prev + gamma_u * c_tilde
    a_next = gamma_o * tanh(c_next)
    yt_pred = softmax(dot(parameters["Wya"], a_next) + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)

npt.assert_allclose(sigmoid(array([0.0])), [0.5])
'''

ONE_HOT_SAMPLE = _sample('''
    for _ in range(max_length):
        a, c = lstm_cell_torch(x, a, c, parameters)
        scores = (parameters["Wya"] @ a + parameters["by"]).T / temperature
        scores = scores.masked_fill(torch.arange(V, device=device) == unk_index, float("-inf"))
        index = draw(scores, generator).item()
        indices.append(index)
        if index == eos_index:
            break
        x = torch.nn.functional.one_hot(torch.tensor([index], device=device), V).T.to(dtype)
''')

MAGICS = '''%%time
x_check, y_check, _ = pad_sequences(sequences[:64], device=device)
print("loss on 64 names:", lm_loss(parameters, x_check, y_check).item())
'''

MAGIC_LINES = '''%matplotlib inline
%load_ext autoreload
%autoreload 2
!pip install tqdm
%timeit -n 1 -r 1 lm_forward(x_check, parameters)
'''

TQDM_AND_PLOT = '''
from tqdm import tqdm
import matplotlib.pyplot as plt

small = {k: v.detach().clone().requires_grad_() for k, v in parameters.items()}
small_optimizer = torch.optim.SGD(small.values(), lr=0.1)
history = []
for step in tqdm(range(5), desc="a few more steps"):
    xb, yb, _ = pad_sequences(sequences[:16], device=device)
    loss_b = lm_loss(small, xb, yb)
    small_optimizer.zero_grad()
    loss_b.backward()
    small_optimizer.step()
    history.append(loss_b.item())
plt.plot(history)
plt.title("loss")
plt.show()
'''

PRINTING_FORWARD = '''
import warnings
calls = {"lm_forward": 0}

def lm_forward(x, parameters):
    V, n_a = parameters["Wya"].shape
    m, T = x.shape
    a = torch.zeros(n_a, m, dtype=parameters["Wya"].dtype, device=parameters["Wya"].device)
    c = torch.zeros_like(a)
    logits = []
    calls["lm_forward"] += 1
    if calls["lm_forward"] % 100 == 1:
        print("lm_forward call", calls["lm_forward"], "batch", tuple(x.shape))
    if (x >= V).any():
        warnings.warn("index out of range")
    inputs = torch.nn.functional.one_hot(x.clamp(min=0), V).to(a.dtype) * (x >= 0).unsqueeze(-1)
    for t in range(T):
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
    return torch.stack(logits, dim=2)
'''

NLL_LOSS = '''
import torch.nn.functional as F

def lm_loss(parameters, x, y):
    logits = lm_forward(x, parameters)
    V, m, T = logits.shape
    flat = logits.permute(1, 2, 0).reshape(m * T, V)
    return F.nll_loss(F.log_softmax(flat, dim=1), y.reshape(-1), ignore_index=-1, reduction="sum") / m
'''

NOTEBOOK_PROGRESS_AND_DISPLAY = '''
from tqdm.notebook import tqdm
from IPython.display import Markdown, display

names_by_temperature = {}
for temperature in tqdm([0.5, 1.0], desc="temperatures"):
    names_by_temperature[temperature] = [
        vocab.decode(sample_torch({k: v.detach() for k, v in parameters.items()}, vocab,
                                  seed=s, temperature=temperature, max_length=20)) for s in range(4)]
display(Markdown("\\n".join(f"* T = {t}: {', '.join(n)}" for t, n in names_by_temperature.items())))
'''

TORCH_CELL = '''
def lstm_cell_torch(xt, a_prev, c_prev, parameters):
    concat = torch.cat([a_prev, xt], dim=0){cast}
    gamma_f = torch.sigmoid(parameters["Wf"]{cast} @ concat + parameters["bf"]{cast})
    gamma_u = torch.sigmoid(parameters["Wi"]{cast} @ concat + parameters["bi"]{cast})
    c_tilde = torch.tanh(parameters["Wc"]{cast} @ concat + parameters["bc"]{cast})
    {memory}
    gamma_o = torch.sigmoid(parameters["Wo"]{cast} @ concat + parameters["bo"]{cast})
    a_next = gamma_o * torch.tanh(c_next)
    return a_next, c_next
'''
GOOD_MEMORY = "c_next = gamma_f * c_prev + gamma_u * c_tilde"

THREADS_AND_DETERMINISM = """
torch.set_num_threads(4)               # my laptop has four cores
torch.manual_seed(0)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
torch.use_deterministic_algorithms(True)
print(torch.get_num_threads(), "threads on", device)
"""

# TorchScript compiles from the source: inspect.getsource must find the cell's code, as IPython lets it
JIT_SCRIPT_CELL = "\nfrom typing import Dict, Tuple\n\n\n@torch.jit.script" + TORCH_CELL.format(cast="", memory=GOOD_MEMORY).replace(
    "def lstm_cell_torch(xt, a_prev, c_prev, parameters):",
    "def lstm_cell_torch(xt: torch.Tensor, a_prev: torch.Tensor, c_prev: torch.Tensor,\n"
    "                    parameters: Dict[str, torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:")

DEFAULT_DTYPE_FLOAT64 = """
import torch
torch.set_default_dtype(torch.float64)   # as precise as the NumPy cell
"""

# the global generator seeded in the function: torch.multinomial draws one index as draw() does
CATEGORICAL_SAMPLER = """
@torch.inference_mode()
def sample_torch(parameters, vocab, seed=0, temperature=1.0, max_length=50):
    torch.manual_seed(seed)                     # the same seed gives the same name
    V, n_a = parameters["Wya"].shape
    dtype, device = parameters["Wya"].dtype, parameters["Wya"].device
    x = torch.zeros(V, 1, dtype=dtype, device=device)
    a = torch.zeros(n_a, 1, dtype=dtype, device=device)
    c = torch.zeros_like(a)
    indices = []
    for _ in range(max_length):
        a, c = lstm_cell_torch(x, a, c, parameters)
        logits = (parameters["Wya"] @ a + parameters["by"]).squeeze(1) / temperature
        logits[vocab.unk_index] = float("-inf")
        index = torch.distributions.Categorical(logits=logits).sample().item()
        indices.append(index)
        if index == vocab.eos_index:
            break
        x = torch.zeros(V, 1, dtype=dtype, device=device)
        x[index, 0] = 1.0
    return indices
"""

MODULE_FORWARD = """
import torch.nn as nn
import torch.nn.functional as F


class CharLSTM(nn.Module):
    # the language model as a module around the parameter dict: the tensors stay the caller's

    def __init__(self, parameters):
        super().__init__()
        self.weights = parameters          # a plain dict, not registered: autograd reaches the caller's tensors
        V = parameters["Wya"].shape[0]
        self.register_buffer("eye", torch.eye(V, dtype=parameters["Wya"].dtype, device=parameters["Wya"].device))

    def forward(self, x):
        p = self.weights
        n_a = p["Wya"].shape[1]
        m, T = x.shape
        a = x.new_zeros(n_a, m, dtype=self.eye.dtype)
        c = torch.zeros_like(a)
        inputs = self.eye[x.clamp(min=0)] * (x >= 0).unsqueeze(-1).to(self.eye.dtype)   # (m, T, V)
        logits = []
        for t in range(T):
            a, c = lstm_cell_torch(inputs[:, t].T, a, c, p)
            logits.append(F.linear(a.T, p["Wya"], p["by"].squeeze(1)).T)
        return torch.stack(logits, dim=2)


def lm_forward(x, parameters):
    model = CharLSTM(parameters).to(device)
    model.train()
    return model(x.to(device))
"""

TENSOR_LIST_SAMPLE = "import torch.nn.functional as F\n" + _sample("""
    drawn = []
    for _ in range(max_length):
        a, c = lstm_cell_torch(x, a, c, parameters)
        scores = ((parameters["Wya"] @ a + parameters["by"]) / temperature).T.clone()
        scores[0, unk_index] = -float("inf")
        index = draw(scores, generator)          # (1, 1) tensor
        drawn.append(index.view(-1))
        if index.item() == eos_index:
            break
        x = F.one_hot(index.view(-1), V).T.to(dtype)
    indices = torch.cat(drawn).detach().cpu().numpy().tolist()
""")

SAVE_AND_RELOAD = """
import os

torch.save({k: v.detach().cpu() for k, v in parameters.items()}, "lm.pt")
print(os.path.getsize("lm.pt"), "bytes saved")
restored = torch.load("lm.pt", map_location=device)
model = CharLSTM(restored)
model.eval()
with torch.no_grad():
    xb, yb, _ = pad_sequences(sequences[:8], device=device)
    print("reloaded loss:", lm_loss(restored, xb, yb).item())
model.train()
print(vocab.decode(sample_torch(restored, vocab, seed=1, max_length=20)))
"""

HONEST = [
    honest("stacked_weights_einsum", "one stacked product chunked into four gates is the same LSTM step",
           {"lstm_cell_torch_code": STACKED_EINSUM_CELL}),
    honest("loops_and_masked_loss", "a one-hot built by loops and a hand-masked log-softmax are the same logits and loss",
           {"lm_forward_code": LOOP_ONE_HOT_FORWARD, "lm_loss_code": MASKED_LOSS}),
    honest("star_import_numpy_cell", "`from numpy import *`, numpy.testing and lambdas in the NumPy cell",
           {"numpy_lstm_cell_forward_code": STAR_NUMPY_CELL}),
    honest("one_hot_and_masked_fill_sampler", "masked_fill and F.one_hot give the same draws, in the model's dtype",
           {"sample_torch_code": ONE_HOT_SAMPLE}),
    honest("magics", "%%time, %timeit, %matplotlib, autoreload and !pip cells change no answer",
           added=[("train", MAGICS), ("train", MAGIC_LINES)]),
    honest("tqdm_and_plot", "a few extra training steps with a tqdm bar and a matplotlib plot in an added cell",
           added=[("train", TQDM_AND_PLOT)]),
    honest("prints_and_warnings", "prints and warnings inside lm_forward change no value", {"lm_forward_code": PRINTING_FORWARD}),
    honest("nll_loss", "nll_loss of log_softmax with ignore_index is the masked cross-entropy", {"lm_loss_code": NLL_LOSS}),
    honest("copied_cell_duplicate_grade_id", "lm_loss pasted twice (same grade_id), both correct",
           {"lm_loss_code": NLL_LOSS}, edit=paste_copy("lm_loss_code")),
    honest("deleted_public_test_cell", "the public test cell of lm_loss deleted by accident", edit=delete_cell("lm_loss")),
    honest("notebook_progress_bar_and_display", "tqdm.notebook and IPython's display in a cell the student added",
           added=[("new_names", NOTEBOOK_PROGRESS_AND_DISPLAY)]),
    honest("threads_and_determinism", "torch.set_num_threads(4), seeds and deterministic flags in an added cell: "
           "Jupyter trains on four threads (the grader on one), the answers are the same",
           added=[("setup", THREADS_AND_DETERMINISM)]),
    honest("jit_script_cell", "@torch.jit.script on a typed cell: TorchScript reads the cell's source, as in Jupyter",
           {"lstm_cell_torch_code": JIT_SCRIPT_CELL}),
    honest("torch_compile_cell", "torch.compile on the cell computes the same values as the cell itself",
           {"lstm_cell_torch_code": TORCH_CELL.format(cast="", memory=GOOD_MEMORY)
            + "\n\nlstm_cell_torch = torch.compile(lstm_cell_torch)\n"}),
    honest("default_float64_and_categorical_sampler", "torch.set_default_dtype(float64) with code that follows its "
           "inputs' dtype, and a sampler that seeds the global generator and draws with Categorical under "
           "inference_mode (the same draws as draw(scores, generator))",
           {"sample_torch_code": CATEGORICAL_SAMPLER}, added=[(None, DEFAULT_DTYPE_FLOAT64)]),
    honest("module_with_buffer_and_saved_state", "an nn.Module around the parameter dict with a one-hot buffer, "
           "eval()/train(), torch.save and torch.load of the trained weights, a sampler that collects tensors",
           {"lm_forward_code": MODULE_FORWARD, "sample_torch_code": TENSOR_LIST_SAMPLE},
           added=[("new_names", SAVE_AND_RELOAD)]),
]

# ---- wrong ------------------------------------------------------------------------------

REFERENCE_INPUTS = "    inputs = torch.nn.functional.one_hot(x.clamp(min=0), V).to(a.dtype) * (x >= 0).unsqueeze(-1)\n"

DETACHED_STATE = _lm_forward(REFERENCE_INPUTS + '''
    for t in range(T):
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
        a, c = a.detach(), c.detach()           # "to save memory"
''')

FLOAT64_INPUTS = _lm_forward('''
    inputs = torch.nn.functional.one_hot(x.clamp(min=0), V).double() * (x >= 0).unsqueeze(-1)
    for t in range(T):
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
''')

LOGITS_BEFORE_STEP = _lm_forward(REFERENCE_INPUTS + '''
    for t in range(T):
        logits.append(parameters["Wya"] @ a + parameters["by"])
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
''')

PADDING_AS_INDEX_0 = _lm_forward('''
    inputs = torch.nn.functional.one_hot(x.clamp(min=0), V).to(a.dtype)
    for t in range(T):
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
''')

MEAN_OVER_TOKENS = '''
def lm_loss(parameters, x, y):
    logits = lm_forward(x, parameters)
    return torch.nn.functional.cross_entropy(logits.permute(1, 0, 2), y, ignore_index=-1)
'''

PADDING_AS_TARGET = '''
def lm_loss(parameters, x, y):
    logits = lm_forward(x, parameters)
    total = torch.nn.functional.cross_entropy(logits.permute(1, 0, 2), y.clamp(min=0), reduction="sum")
    return total / y.shape[0]
'''

SAMPLE_LOOP = '''
    while len(indices) < max_length:
        a, c = lstm_cell_torch(x, a, c, parameters)
        {scores}
        {unk}
        index = int(draw(scores, generator))
        {keep_and_stop}
        {next_input}
'''


def _wrong_sample(before="", scores='scores = ((parameters["Wya"] @ a + parameters["by"]) / temperature).T',
                  unk='scores[0, unk_index] = -float("inf")',
                  keep_and_stop="indices.append(index)\n        if index == eos_index:\n            break",
                  next_input="x = torch.zeros(V, 1, dtype=dtype, device=device)\n        x[index] = 1.0"):
    """The reference sampler with one mistake."""
    return _sample(before + SAMPLE_LOOP.format(scores=scores, unk=unk, keep_and_stop=keep_and_stop,
                                               next_input=next_input))


HARD_CODED_EOS = _wrong_sample(keep_and_stop="indices.append(index)\n        if index == 0:\n            break")
HARD_CODED_UNK = _wrong_sample(unk='scores[0, 1] = -float("inf")')
WRITES_INTO_PARAMETERS = _wrong_sample(before='    parameters["by"][unk_index] = -float("inf")   # never predict <UNK>\n',
                                       unk="# <UNK> is blocked in by")
PAST_EOS = _wrong_sample(keep_and_stop="indices.append(index)")
ONE_HOT_NOT_RESET = _wrong_sample(next_input="x[index] = 1.0")
# log(p / T) is log p shifted by a constant: the softmax inside draw undoes it
TEMPERATURE_ON_PROBABILITIES = _wrong_sample(
    scores='logits = (parameters["Wya"] @ a + parameters["by"]).T',
    unk='logits[0, unk_index] = -float("inf")\n        scores = torch.log(torch.softmax(logits, dim=1) / temperature)')

STATE_WITHOUT_TANH = _sample('''
    p = parameters
    while len(indices) < max_length:
        concat = torch.cat([a, x])
        f = torch.sigmoid(p["Wf"] @ concat + p["bf"])
        i = torch.sigmoid(p["Wi"] @ concat + p["bi"])
        o = torch.sigmoid(p["Wo"] @ concat + p["bo"])
        c = f * c + i * torch.tanh(p["Wc"] @ concat + p["bc"])
        a = o * c                                # tanh of the memory forgotten
        scores = ((p["Wya"] @ a + p["by"]) / temperature).T
        scores[0, unk_index] = -float("inf")
        index = int(draw(scores, generator))
        indices.append(index)
        if index == eos_index:
            break
        x = torch.zeros(V, 1, dtype=dtype, device=device)
        x[index] = 1.0
''')

NUMPY_CELL_WITHOUT_TANH = '''
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.concatenate([a_prev, xt], axis=0)
    gamma_f = sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    gamma_u = sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    c_tilde = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = gamma_f * c_prev + gamma_u * c_tilde
    gamma_o = sigmoid(parameters["Wo"] @ concat + parameters["bo"])
    a_next = gamma_o * c_next
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)
'''

# the torch cell computed by the NumPy cell: right values, but no autograd graph
THROUGH_NUMPY_CELL = '''
def lstm_cell_torch(xt, a_prev, c_prev, parameters):
    numpy_parameters = {k: v.detach().cpu().numpy() for k, v in parameters.items()}
    numpy_parameters.update(Wya=np.zeros((1, a_prev.shape[0])), by=np.zeros((1, 1)))
    a_next, c_next, _, _ = lstm_cell_forward(xt.detach().cpu().numpy(), a_prev.detach().cpu().numpy(),
                                             c_prev.detach().cpu().numpy(), numpy_parameters)
    return (torch.from_numpy(a_next).to(dtype=xt.dtype, device=xt.device),
            torch.from_numpy(c_next).to(dtype=xt.dtype, device=xt.device))
'''

# the argument renamed: the release's line eos_index, unk_index = vocab.eos_index, vocab.unk_index then reads
# the notebook's own vocabulary (a global of the training cell) instead of the one passed in
GLOBAL_VOCAB = _wrong_sample().replace("def sample_torch(parameters, vocab,", "def sample_torch(parameters, vocabulary,")
# the signature of an older release, (parameters, eos_index, unk_index, ...): called with a vocab, it fails
OLD_SIGNATURE = _wrong_sample().replace("def sample_torch(parameters, vocab,",
                                        "def sample_torch(parameters, eos_index, unk_index,").replace(
    "    eos_index, unk_index = vocab.eos_index, vocab.unk_index\n", "")

# "to save memory": the forget gate is applied to c_prev in place, overwriting the caller's tensor
IN_PLACE_MEMORY = TORCH_CELL.format(cast="", memory="c_next = c_prev.mul_(gamma_f).add_(gamma_u * c_tilde)")
# "as precise as the NumPy cell": float64 whatever the model's dtype
CELL_IN_FLOAT64 = TORCH_CELL.format(cast=".double()", memory=GOOD_MEMORY)

LOSS_AS_FLOAT = '''
def lm_loss(parameters, x, y):
    logits = lm_forward(x, parameters)
    total = torch.nn.functional.cross_entropy(logits.permute(1, 0, 2), y, ignore_index=-1, reduction="sum")
    return total.item() / y.shape[0]
'''

# relies on the default dtype, float64 here: the notebook's float32 model cannot be sampled
SAMPLER_ON_DEFAULT_DTYPE = _wrong_sample(before="    x, a, c = torch.zeros(V, 1), torch.zeros(n_a, 1), torch.zeros(n_a, 1)\n",
                                         next_input="x = torch.zeros(V, 1)\n        x[index] = 1.0")
ARGMAX_SAMPLER = _wrong_sample().replace("int(draw(scores, generator))", "int(torch.argmax(scores))")
STATE_NOT_CARRIED = _wrong_sample(scores='scores = ((parameters["Wya"] @ a_next + parameters["by"]) / temperature).T').replace(
    "a, c = lstm_cell_torch(x, a, c, parameters)", "a_next, c_next = lstm_cell_torch(x, a, c, parameters)   # a, c never updated")
CLAMPS_X_IN_PLACE = _lm_forward("""
    mask = (x >= 0).unsqueeze(-1)
    x.clamp_(min=0)                 # -1 means "no input": index 0, masked out below
    inputs = torch.nn.functional.one_hot(x, V).to(a.dtype) * mask
    for t in range(T):
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
""")
# nn.Parameter(tensor) is a new leaf sharing the storage: the gradients stop at it
PARAMETERS_WRAPPED = """
import torch.nn as nn


class CharLSTM(nn.Module):
    def __init__(self, parameters):
        super().__init__()
        self.p = nn.ParameterDict({name: nn.Parameter(value) for name, value in parameters.items()})

    def forward(self, x):
        V, n_a = self.p["Wya"].shape
        m, T = x.shape
        a = torch.zeros(n_a, m, dtype=self.p["Wya"].dtype, device=self.p["Wya"].device)
        c = torch.zeros_like(a)
        inputs = torch.nn.functional.one_hot(x.clamp(min=0), V).to(a.dtype) * (x >= 0).unsqueeze(-1)
        logits = []
        for t in range(T):
            a, c = lstm_cell_torch(inputs[:, t].T, a, c, self.p)
            logits.append(self.p["Wya"] @ a + self.p["by"])
        return torch.stack(logits, dim=2)


def lm_forward(x, parameters):
    return CharLSTM(parameters)(x)
"""
FORWARD_UNDER_NO_GRAD = "\n@torch.no_grad()" + _lm_forward(REFERENCE_INPUTS + """
    for t in range(T):
        a, c = lstm_cell_torch(inputs[:, t].T, a, c, parameters)
        logits.append(parameters["Wya"] @ a + parameters["by"])
""")

WRONG = [
    wrong("detached_hidden_state", {"lm_forward", "lm_loss"},
          "the state is detached after every step: same logits and loss, but no gradient flows back through time, "
          "so the notebook's training cannot learn long-range dependencies", {"lm_forward_code": DETACHED_STATE}),
    wrong("dtype_hard_coded_float64", {"lm_forward", "lm_loss"},
          "the one-hot inputs are hard-coded to float64: right for the float64 public test, but the "
          "notebook's float32 model cannot multiply them (its training cell fails)", {"lm_forward_code": FLOAT64_INPUTS}),
    wrong("logits_before_step", {"lm_forward", "lm_loss"},
          "off by one in time: the logits of step t come from the state before reading x<t>",
          {"lm_forward_code": LOGITS_BEFORE_STEP}),
    wrong("padding_read_as_index_0", {"lm_forward", "lm_loss"},
          "padding (-1) is clamped to a one-hot of index 0 instead of the zero vector",
          {"lm_forward_code": PADDING_AS_INDEX_0}),
    wrong("loss_mean_over_tokens", {"lm_loss"},
          "averages over the real tokens instead of summing over steps and dividing by m",
          {"lm_loss_code": MEAN_OVER_TOKENS}),
    wrong("padding_counted_as_targets", {"lm_loss"},
          "targets of -1 are clamped to index 0 and counted in the loss", {"lm_loss_code": PADDING_AS_TARGET}),
    wrong("sample_writes_into_parameters", {"sample_torch", "sample_torch_temperature"},
          "sample_torch writes -inf into the model's by: sampling changes the trained model (and the optimizer's "
          "tensors, which share its storage)", {"sample_torch_code": WRITES_INTO_PARAMETERS}),
    wrong("hard_coded_eos_index", {"sample_torch", "sample_torch_temperature"},
          "stops at index 0 instead of vocab.eos_index", {"sample_torch_code": HARD_CODED_EOS}),
    wrong("hard_coded_unk_index", {"sample_torch", "sample_torch_temperature"},
          "blocks index 1 instead of vocab.unk_index", {"sample_torch_code": HARD_CODED_UNK}),
    wrong("samples_past_eos", {"sample_torch", "sample_torch_temperature"},
          "keeps drawing after <EOS> until max_length", {"sample_torch_code": PAST_EOS}),
    wrong("one_hot_not_reset", {"sample_torch", "sample_torch_temperature"},
          "the input keeps every earlier 1: not a one-hot vector after two steps", {"sample_torch_code": ONE_HOT_NOT_RESET}),
    wrong("sampler_state_without_tanh", {"sample_torch", "sample_torch_temperature"},
          "the sampler's own LSTM step uses a = Γo * c instead of Γo * tanh(c)", {"sample_torch_code": STATE_WITHOUT_TANH}),
    wrong("temperature_divides_probabilities", {"sample_torch_temperature"},
          "log(p / T) is log p shifted: the temperature has no effect (right only at T = 1)",
          {"sample_torch_code": TEMPERATURE_ON_PROBABILITIES}),
    wrong("numpy_cell_without_tanh", {"numpy_lstm_cell_forward"}, "a_next = gamma_o * c_next forgets the tanh of the memory",
          {"numpy_lstm_cell_forward_code": NUMPY_CELL_WITHOUT_TANH}),
    wrong("torch_cell_through_numpy", {"lstm_cell_torch", "lm_forward", "lm_loss"},
          "lstm_cell_torch calls the NumPy cell and wraps the result: right values, but autograd cannot "
          "differentiate it, so no gradient reaches the LSTM's weights in the training cell",
          {"lstm_cell_torch_code": THROUGH_NUMPY_CELL}),
    wrong("sample_uses_global_vocab", {"sample_torch", "sample_torch_temperature"},
          "uses the notebook's global vocab for <EOS> and <UNK> instead of the vocabulary passed in",
          {"sample_torch_code": GLOBAL_VOCAB}),
    wrong("sample_keeps_an_old_signature", {"sample_torch", "sample_torch_temperature"},
          "sample_torch(parameters, eos_index, unk_index, ...) as in an older release: the grader calls "
          "sample_torch(parameters, vocab, seed=..., temperature=..., max_length=...)",
          {"sample_torch_code": OLD_SIGNATURE}),
    wrong("in_place_memory_update", {"lstm_cell_torch"},
          "c_prev is updated in place: the caller's memory tensor is overwritten (a caller that keeps the memory of "
          "every step sees them all change). Autograd still differentiates it (it saves the original), and "
          "lm_forward never reuses its old memory, so the parts built on the cell keep their points",
          {"lstm_cell_torch_code": IN_PLACE_MEMORY}),
    wrong("cell_computes_in_float64", {"lstm_cell_torch", "lm_forward", "lm_loss", "sample_torch", "sample_torch_temperature"},
          "the cell casts to float64: float32 in, float64 out, so the float32 model of the notebook cannot be "
          "trained or sampled (float32 weights times float64 states)", {"lstm_cell_torch_code": CELL_IN_FLOAT64}),
    wrong("loss_returned_as_float", {"lm_loss"},
          "loss.item() returns a Python float: right value, but the training cell cannot call backward() on it",
          {"lm_loss_code": LOSS_AS_FLOAT}),
    wrong("sampler_on_the_default_dtype", {"sample_torch", "sample_torch_temperature"},
          "torch.set_default_dtype(float64) and x, a, c made without dtype=: float64 states, so the notebook's "
          "float32 model cannot be sampled (its last cell fails)",
          {"sample_torch_code": SAMPLER_ON_DEFAULT_DTYPE}, added=[(None, DEFAULT_DTYPE_FLOAT64)]),
    wrong("sample_argmax", {"sample_torch", "sample_torch_temperature"},
          "takes the argmax of the scores instead of drawing: every seed gives the same name",
          {"sample_torch_code": ARGMAX_SAMPLER}),
    wrong("sampler_state_not_carried", {"sample_torch", "sample_torch_temperature"},
          "the new a and c are never fed back: every step starts from a = c = 0",
          {"sample_torch_code": STATE_NOT_CARRIED}),
    wrong("forward_clamps_x_in_place", {"lm_forward", "lm_loss"},
          "x.clamp_(min=0) overwrites the caller's indices: a second call on the same batch reads the first "
          "inputs as index 0", {"lm_forward_code": CLAMPS_X_IN_PLACE}),
    wrong("parameters_wrapped_in_nn_parameter", {"lm_forward", "lm_loss"},
          "the dict's tensors wrapped in nn.Parameter inside lm_forward: right logits, but the gradients stop at "
          "the new Parameters, so the notebook's optimizer never updates its weights",
          {"lm_forward_code": PARAMETERS_WRAPPED}),
    wrong("forward_under_no_grad", {"lm_forward", "lm_loss"},
          "lm_forward decorated with @torch.no_grad(): right logits without a graph, so the training cell "
          "cannot call backward()", {"lm_forward_code": FORWARD_UNDER_NO_GRAD}),
]
