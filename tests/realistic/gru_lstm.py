"""Realistic submissions of assignment 3 (GRU and LSTM)."""
from . import delete_cell, honest, paste_copy, wrong

# ---- honest ---------------------------------------------------------------------------

# the weights split into their a/c and x blocks instead of concatenating the inputs
SPLIT_WEIGHTS_GRU_CELL = '''
def gru_cell_forward(xt, c_prev, parameters):
    Wu, Wr, Wc = parameters["Wu"], parameters["Wr"], parameters["Wc"]
    bu, br, bc = parameters["bu"], parameters["br"], parameters["bc"]
    Wya, by = parameters["Wya"], parameters["by"]
    n_a = c_prev.shape[0]
    gamma_u = sigmoid(np.einsum("ij,jm->im", Wu[:, :n_a], c_prev) + np.einsum("ij,jm->im", Wu[:, n_a:], xt) + bu)
    gamma_r = sigmoid(np.einsum("ij,jm->im", Wr[:, :n_a], c_prev) + np.einsum("ij,jm->im", Wr[:, n_a:], xt) + br)
    c_tilde = np.tanh(Wc[:, :n_a] @ (gamma_r * c_prev) + Wc[:, n_a:] @ xt + bc)
    c_next = c_prev + gamma_u * (c_tilde - c_prev)
    yt_pred = softmax(Wya @ c_next + by)
    return c_next, yt_pred, (c_next, c_prev, xt, parameters)
'''

LOOP_GRU_FORWARD = '''
def gru_forward(x, c0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    c = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    for t in range(T_x):
        previous = c0 if t == 0 else c[:, :, t - 1]
        c_t, y_t, cache_t = gru_cell_forward(x[:, :, t], previous, parameters)
        c[:, :, t] = c_t
        y_pred[:, :, t] = y_t
        cell_caches.append(cache_t)
    return c, y_pred, (cell_caches, x)
'''

STAR_LSTM_CELL = '''
from numpy import *

def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    bf, bi, bc, bo = parameters["bf"], parameters["bi"], parameters["bc"], parameters["bo"]
    Wya, by = parameters["Wya"], parameters["by"]
    concat = concatenate((a_prev, xt))
    gamma_f = 1 / (1 + exp(-(dot(Wf, concat) + bf)))
    gamma_u = 1 / (1 + exp(-(dot(Wi, concat) + bi)))
    c_tilde = tanh(dot(Wc, concat) + bc)
    c_next = multiply(gamma_f, c_prev) + multiply(gamma_u, c_tilde)
    gamma_o = 1 / (1 + exp(-(dot(Wo, concat) + bo)))
    a_next = gamma_o * tanh(c_next)
    yt_pred = softmax(dot(Wya, a_next) + by)
    cache = (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)
    return a_next, c_next, yt_pred, cache
'''

DERIVATIVE_HELPERS = '''
def dsigmoid(s):
    """sigma'(z) written with s = sigma(z)."""
    return s * (1 - s)


def dtanh(t):
    """tanh'(z) written with t = tanh(z)."""
    return 1 - t ** 2
'''

EXPLICIT_LSTM_CELL_BACKWARD = '''
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters = cache
    n_a = a_prev.shape[0]
    concat = np.concatenate([a_prev, xt], axis=0)
    dot_ = da_next * np.tanh(c_next) * dsigmoid(gamma_o)
    dc = dc_next + da_next * gamma_o * dtanh(np.tanh(c_next))
    dcct = dc * gamma_u * dtanh(c_tilde)
    dit = dc * c_tilde * dsigmoid(gamma_u)
    dft = dc * c_prev * dsigmoid(gamma_f)
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    da_prev = (Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot_)
    dxt = (Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot_)
    print("lstm_cell_backward: |dc| =", np.abs(dc).max())
    return {
        "dxt": dxt, "da_prev": da_prev, "dc_prev": dc * gamma_f,
        "dWf": dft @ concat.T, "dWi": dit @ concat.T, "dWc": dcct @ concat.T, "dWo": dot_ @ concat.T,
        "dbf": dft.sum(axis=1, keepdims=True), "dbi": dit.sum(axis=1, keepdims=True),
        "dbc": dcct.sum(axis=1, keepdims=True), "dbo": dot_.sum(axis=1, keepdims=True),
    }
'''

WHILE_LSTM_BACKWARD = '''
def lstm_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][-1]
    dx = np.zeros(x.shape)
    gradients = {"d" + name: np.zeros(parameters[name].shape) for name in
                 ("Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo")}
    carry_a, carry_c = np.zeros((n_a, m)), np.zeros((n_a, m))
    t = T_x
    while t > 0:
        t = t - 1
        g = lstm_cell_backward(da[:, :, t] + carry_a, carry_c, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        carry_a, carry_c = g["da_prev"], g["dc_prev"]
        for k in list(gradients):
            gradients[k] = gradients[k] + g[k]
    gradients["da0"] = carry_a
    gradients["dx"] = dx
    return gradients
'''

TIMING_CELLS = '''%%time
_rng = np.random.default_rng(0)
_p = {**{"W" + g: _rng.normal(size=(5, 8)) for g in "fico"}, **{"b" + g: np.zeros((5, 1)) for g in "fico"},
      "Wya": _rng.normal(size=(2, 5)), "by": np.zeros((2, 1))}
_a, _y, _c, _caches = lstm_forward(_rng.normal(size=(3, 4, 6)), np.zeros((5, 4)), _p)
print(_a.shape, _y.shape, _c.shape)
'''

TIMEIT_LINES = '''%timeit -n 2 -r 1 lstm_forward(np.ones((3, 4, 6)), np.zeros((5, 4)), _p)
%matplotlib inline
'''

CAPTURED_GRADIENTS = '''%%capture output
_grads = lstm_backward(np.ones((5, 4, 6)), _caches)
print(sorted(_grads))
'''

PEEPHOLE_SELF_TEST = '''
import numpy.testing as npt
import matplotlib.pyplot as plt

# with zero peepholes the peephole cell is the plain LSTM cell
_p0 = dict(_p, pf=np.zeros((5, 1)), pi=np.zeros((5, 1)), po=np.zeros((5, 1)))
_args = (np.ones((3, 4)), np.zeros((5, 4)), np.ones((5, 4)))
npt.assert_allclose(lstm_peephole_cell_forward(*_args, _p0)[0], lstm_cell_forward(*_args, _p)[0])
plt.plot(_a[0, 0, :], label="a")
plt.legend()
plt.close("all")
'''

PRINTING_GRU_FORWARD = '''
import warnings

def gru_forward(x, c0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    c = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    c_next = c0.copy()
    print(f"GRU over {T_x} steps, {m} examples")
    for t in range(T_x):
        c_next, yt, cache = gru_cell_forward(x[:, :, t], c_next, parameters)
        c[:, :, t] = c_next
        y_pred[:, :, t] = yt
        cell_caches.append(cache)
        if np.abs(c_next).max() > 0.99:
            warnings.warn("memory saturating")
    return c, y_pred, (cell_caches, x)
'''

DICT_LOOP_PEEPHOLE = '''
def lstm_peephole_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.vstack([a_prev, xt])
    pre = {g: parameters["W" + g] @ concat + parameters["b" + g] for g in "fico"}
    gates = {}
    gates["f"] = sigmoid(pre["f"] + parameters["pf"] * c_prev)
    gates["i"] = sigmoid(pre["i"] + parameters["pi"] * c_prev)
    gates["c"] = np.tanh(pre["c"])
    c_next = gates["f"] * c_prev + gates["i"] * gates["c"]
    gates["o"] = sigmoid(pre["o"] + parameters["po"] * c_next)
    a_next = gates["o"] * np.tanh(c_next)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, gates["f"], gates["i"], gates["c"], gates["o"], xt, parameters)
    return a_next, c_next, yt_pred, cache
'''

WRITEFILE_HELPERS = '''%%writefile lstm_helpers.py
import numpy as np


def dsigmoid(s):
    return s * (1 - s)


def dtanh(t):
    return 1 - t ** 2
'''

IMPORT_HELPERS = "from lstm_helpers import dsigmoid, dtanh\n"

# sigmoid overflow silenced, lists for the tuples, more gradient keys than asked for, and IPython's display,
# a builtin in Jupyter (no import needed)
QUIET_SIGMOID = '''
import warnings

warnings.filterwarnings("ignore", category=RuntimeWarning)


def sigmoid(z):
    """1 / (1 + e^-z); e^-z overflows to inf for very negative z, which still gives the right 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))
'''

LIST_LSTM_CELL = '''
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.vstack((a_prev, xt))
    gates = [sigmoid(parameters["Wf"] @ concat + parameters["bf"]),
             sigmoid(parameters["Wi"] @ concat + parameters["bi"]),
             np.tanh(parameters["Wc"] @ concat + parameters["bc"]),
             sigmoid(parameters["Wo"] @ concat + parameters["bo"])]
    gamma_f, gamma_u, c_tilde, gamma_o = gates
    c_next = gamma_f * c_prev + gamma_u * c_tilde
    a_next = gamma_o * np.tanh(c_next)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    cache = [a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters]
    return [a_next, c_next, yt_pred, cache]
'''

# a backward cell's start: the cache unpacked, the memory's gradient and the four gates' pre-activation gradients
LSTM_DZ_BY_GATE = '''
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters = cache
    n_a = a_prev.shape[0]
    concat = np.concatenate([a_prev, xt], axis=0)
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * gamma_o * (1 - tanh_c**2)
    dz = {"f": dc * c_prev * gamma_f * (1 - gamma_f), "i": dc * c_tilde * gamma_u * (1 - gamma_u),
          "c": dc * gamma_u * (1 - c_tilde**2), "o": da_next * tanh_c * gamma_o * (1 - gamma_o)}
'''

EXTRA_KEYS_LSTM_CELL_BACKWARD = LSTM_DZ_BY_GATE + '''    dconcat = sum(parameters["W" + g].T @ dz[g] for g in "fico")
    gradients = {"dc": dc, "dconcat": dconcat, "dz": dz}
    for g in "fico":
        gradients["dW" + g] = dz[g] @ concat.T
        gradients["db" + g] = dz[g].sum(axis=1, keepdims=True)
    gradients.update(da_prev=dconcat[:n_a], dxt=dconcat[n_a:], dc_prev=dc * gamma_f)
    return gradients
'''

SHOW_GATES = '''
from IPython.display import Markdown

_rng = np.random.default_rng(3)
_q = {**{"W" + g: _rng.normal(size=(4, 7)) for g in "fico"}, **{"b" + g: np.zeros((4, 1)) for g in "fico"},
      "Wya": _rng.normal(size=(2, 4)), "by": np.zeros((2, 1))}
_a, _y, _c, _steps = lstm_forward(_rng.normal(size=(3, 5, 6)), np.zeros((4, 5)), _q)
_g = lstm_backward(np.ones((4, 5, 6)), _steps)
display(Markdown("| gate | mean of its gradient |\\n|---|---|\\n"
                 + "\\n".join(f"| {g} | {_g['dW' + g].mean():.3f} |" for g in "fico")))
print("extra keys kept:", sorted(set(_g) - {"dx", "da0"}))
'''

HONEST = [
    honest("split_weights_and_einsum", "splitting W into its state and input blocks is the same product as W [c; x]",
           {"gru_cell_forward_code": SPLIT_WEIGHTS_GRU_CELL, "gru_forward_code": LOOP_GRU_FORWARD}),
    honest("star_import", "`from numpy import *` and a hand-written sigmoid give the same LSTM step",
           {"lstm_cell_forward_code": STAR_LSTM_CELL}),
    honest("helpers_in_added_cells", "derivative helpers defined in an added cell, gate by gate backward with prints",
           {"lstm_cell_backward_code": EXPLICIT_LSTM_CELL_BACKWARD},
           added=[("lstm_forward", DERIVATIVE_HELPERS)]),
    honest("while_loop_bptt", "a while loop backwards in time is BPTT", {"lstm_backward_code": WHILE_LSTM_BACKWARD}),
    honest("magics", "%%time, %timeit, %%capture and %matplotlib cells the student added change no answer",
           added=[("lstm_backward", TIMING_CELLS), ("lstm_backward", TIMEIT_LINES),
                  ("lstm_backward", CAPTURED_GRADIENTS)]),
    honest("numpy_testing_and_plot", "a self-test with numpy.testing and a matplotlib plot in added cells",
           {"lstm_peephole_cell_forward_code": DICT_LOOP_PEEPHOLE},
           added=[("lstm_backward", TIMING_CELLS), ("lstm_peephole_cell_forward", PEEPHOLE_SELF_TEST)]),
    honest("prints_and_warnings", "prints and warnings while running change no value", {"gru_forward_code": PRINTING_GRU_FORWARD}),
    honest("copied_cell_duplicate_grade_id", "the LSTM cell pasted twice (same grade_id), both correct",
           {"lstm_cell_forward_code": STAR_LSTM_CELL}, edit=paste_copy("lstm_cell_forward_code")),
    honest("copied_cell_without_metadata", "a pasted copy without metadata redefines the same correct function",
           edit=paste_copy("lstm_backward_code", source=WHILE_LSTM_BACKWARD, keep_metadata=False)),
    honest("deleted_public_test_cell", "the public test cell of lstm_forward deleted by accident",
           edit=delete_cell("lstm_forward")),
    honest("writefile_helper_module", "helpers written to a module with %%writefile and imported, as IPython runs it",
           {"lstm_cell_backward_code": IMPORT_HELPERS + EXPLICIT_LSTM_CELL_BACKWARD},
           added=[("lstm_forward", WRITEFILE_HELPERS)]),
    honest("lists_extra_keys_and_display_builtin",
           "a sigmoid of the student's own with its overflow warning silenced, lists where the notebook shows "
           "tuples, gradient dicts with more keys than asked for, and display(), which Jupyter provides without an import",
           {"lstm_cell_forward_code": LIST_LSTM_CELL, "lstm_cell_backward_code": EXTRA_KEYS_LSTM_CELL_BACKWARD},
           added=[("setup", QUIET_SIGMOID), ("lstm_backward", SHOW_GATES)]),
]

# ---- wrong ------------------------------------------------------------------------------

GRU_CELL = '''
def gru_cell_forward(xt, c_prev, parameters):
    Wu, Wr, Wc = parameters["Wu"], parameters["Wr"], parameters["Wc"]
    bu, br, bc = parameters["bu"], parameters["br"], parameters["bc"]
    Wya, by = parameters["Wya"], parameters["by"]
    concat = np.concatenate([c_prev, xt], axis=0)
    gamma_u = sigmoid(Wu @ concat + bu)
    gamma_r = sigmoid(Wr @ concat + br)
    {c_tilde}
    {c_next}
    yt_pred = softmax(Wya @ c_next + by)
    return c_next, yt_pred, (c_next, c_prev, xt, parameters)
'''
GOOD_C_TILDE = "c_tilde = np.tanh(Wc @ np.concatenate([gamma_r * c_prev, xt], axis=0) + bc)"
GOOD_C_NEXT = "c_next = gamma_u * c_tilde + (1 - gamma_u) * c_prev"

RESET_AFTER_PRODUCT = GRU_CELL.format(c_tilde="c_tilde = np.tanh(gamma_r * (Wc @ concat) + bc)", c_next=GOOD_C_NEXT)
UPDATE_SWAPPED = GRU_CELL.format(c_tilde=GOOD_C_TILDE, c_next="c_next = gamma_u * c_prev + (1 - gamma_u) * c_tilde")

GRU_FORWARD_FROM_C0 = '''
def gru_forward(x, c0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    c = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    for t in range(T_x):
        c[:, :, t], y_pred[:, :, t], cache = gru_cell_forward(x[:, :, t], c0, parameters)
        cell_caches.append(cache)
    return c, y_pred, (cell_caches, x)
'''

LSTM_CONCAT_SWAPPED = '''
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    bf, bi, bc, bo = parameters["bf"], parameters["bi"], parameters["bc"], parameters["bo"]
    Wya, by = parameters["Wya"], parameters["by"]
    concat = np.concatenate([xt, a_prev], axis=0)
    gamma_f = sigmoid(Wf @ concat + bf)
    gamma_u = sigmoid(Wi @ concat + bi)
    c_tilde = np.tanh(Wc @ concat + bc)
    c_next = gamma_f * c_prev + gamma_u * c_tilde
    gamma_o = sigmoid(Wo @ concat + bo)
    a_next = gamma_o * np.tanh(c_next)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)
    return a_next, c_next, yt_pred, cache
'''

LSTM_FORWARD = '''
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = a0
    {c0}
    for t in range(T_x):
        a_prev = a_next
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_prev, c_next, parameters)
        {store}
        cell_caches.append(cache)
    return a, y, c, (cell_caches, x)
'''
C0_FROM_A0 = LSTM_FORWARD.format(c0="c_next = a0", store="a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt")
STORES_PREVIOUS_STATE = LSTM_FORWARD.format(c0="c_next = np.zeros((n_a, m))",
                                            store="a[:, :, t], c[:, :, t], y[:, :, t] = a_prev, c_next, yt")

LSTM_CELL_BACKWARD = '''
def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters = cache
    n_a = a_prev.shape[0]
    n_x = xt.shape[0]
    concat = np.concatenate([a_prev, xt], axis=0)
    tanh_c = np.tanh(c_next)
    {dc}
    dz = {{
        "o": da_next * tanh_c * gamma_o * (1 - gamma_o),
        "c": dc * gamma_u * (1 - c_tilde**2),
        "i": dc * c_tilde * gamma_u * (1 - gamma_u),
        "f": dc * c_prev * gamma_f * (1 - gamma_f),
    }}
    gradients = {{}}
    dconcat = np.zeros(concat.shape)
    for gate, dz_gate in dz.items():
        gradients["dW" + gate] = dz_gate @ concat.T
        gradients["db" + gate] = {db}
        dconcat += parameters["W" + gate].T @ dz_gate
    {split}
    gradients["dc_prev"] = dc * gamma_f
    return gradients
'''
GOOD_DC = "dc = dc_next + da_next * gamma_o * (1 - tanh_c**2)"
GOOD_DB = "np.sum(dz_gate, axis=1, keepdims=True)"
GOOD_SPLIT = 'gradients["da_prev"], gradients["dxt"] = dconcat[:n_a], dconcat[n_a:]'
MISSING_TANH_PATH = LSTM_CELL_BACKWARD.format(dc="dc = dc_next", db=GOOD_DB, split=GOOD_SPLIT)
DB_NOT_SUMMED = LSTM_CELL_BACKWARD.format(dc=GOOD_DC, db="dz_gate", split=GOOD_SPLIT)
SPLIT_BY_N_X = LSTM_CELL_BACKWARD.format(
    dc=GOOD_DC, db=GOOD_DB, split='gradients["da_prev"], gradients["dxt"] = dconcat[:n_x], dconcat[n_x:]')

LSTM_BACKWARD = '''
def lstm_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][-1]
    dx = np.zeros(x.shape)
    gradients = {{"d" + name: np.zeros(parameters[name].shape) for name in
                 ("Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo")}}
    da_prev = np.zeros((n_a, m))
    dc_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward({da_in}, {dc_in}, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        for name in gradients:
            gradients[name] += step[name]
    gradients["da0"] = da_prev
    gradients["dx"] = dx
    return gradients
'''
MEMORY_GRADIENT_DROPPED = LSTM_BACKWARD.format(da_in="da[:, :, t] + da_prev", dc_in="np.zeros((n_a, m))")
STATE_GRADIENT_NOT_ADDED = LSTM_BACKWARD.format(da_in="da_prev if t < T_x - 1 else da[:, :, t]", dc_in="dc_prev")

PEEPHOLE_ON_C_PREV = '''
def lstm_peephole_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.concatenate([a_prev, xt], axis=0)
    gamma_f = sigmoid(parameters["Wf"] @ concat + parameters["bf"] + parameters["pf"] * c_prev)
    gamma_u = sigmoid(parameters["Wi"] @ concat + parameters["bi"] + parameters["pi"] * c_prev)
    c_tilde = np.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = gamma_f * c_prev + gamma_u * c_tilde
    gamma_o = sigmoid(parameters["Wo"] @ concat + parameters["bo"] + parameters["po"] * c_prev)
    a_next = gamma_o * np.tanh(c_next)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, gamma_f, gamma_u, c_tilde, gamma_o, xt, parameters)
    return a_next, c_next, yt_pred, cache
'''

SPLIT_LSTM_CELL_BACKWARD = LSTM_DZ_BY_GATE + '''    gradients = {"dc_prev": dc * gamma_f}
    da_prev, dxt = 0, 0
    for g in "fico":
        W = parameters["W" + g]
        gradients["dW" + g] = dz[g] @ concat.T
        gradients["db" + g] = np.sum(dz[g], axis=1, keepdims=True)
        da_prev = da_prev + {a_block} @ dz[g]
        dxt = dxt + W[:, n_a:].T @ dz[g]
    gradients["da_prev"], gradients["dxt"] = da_prev, dxt
    return gradients
'''
# the (n_a, n_a) block of each W is square: without its transpose da_prev keeps its shape and loses its values
A_BLOCK_NOT_TRANSPOSED = SPLIT_LSTM_CELL_BACKWARD.replace("{a_block}", "W[:, :n_a]")

PEEPHOLES_IGNORED = LSTM_CONCAT_SWAPPED.replace("lstm_cell_forward", "lstm_peephole_cell_forward").replace(
    "concatenate([xt, a_prev]", "concatenate([a_prev, xt]")

GRU_MEMORY_NOT_STORED = GRU_FORWARD_FROM_C0.replace(
    "c[:, :, t], y_pred[:, :, t], cache = gru_cell_forward(x[:, :, t], c0, parameters)",
    "c_next, y_pred[:, :, t], cache = gru_cell_forward(x[:, :, t], c_next, parameters)").replace(
    "    for t in range(T_x):", "    c_next = c0\n    for t in range(T_x):")

WRONG = [
    wrong("gru_reset_after_product", {"gru_cell_forward", "gru_forward"},
          "the reset gate scales Wc [c_prev; x] instead of c_prev inside it", {"gru_cell_forward_code": RESET_AFTER_PRODUCT}),
    wrong("gru_update_gate_swapped", {"gru_cell_forward", "gru_forward"},
          "Γu keeps the old memory and 1 - Γu takes the candidate: the gate's roles are swapped",
          {"gru_cell_forward_code": UPDATE_SWAPPED}),
    wrong("gru_forward_always_from_c0", {"gru_forward"}, "every step starts from c0: no recurrence",
          {"gru_forward_code": GRU_FORWARD_FROM_C0}),
    wrong("lstm_concat_order_swapped", {"lstm_cell_forward", "lstm_forward"},
          "concat = [x; a_prev] multiplies the weights of a_prev with x", {"lstm_cell_forward_code": LSTM_CONCAT_SWAPPED}),
    wrong("lstm_c0_from_a0", {"lstm_forward"}, "the memory starts from a0 instead of zeros",
          {"lstm_forward_code": C0_FROM_A0}),
    wrong("lstm_forward_stores_previous_state", {"lstm_forward"},
          "off by one in time: a[:, :, t] holds the state before step t", {"lstm_forward_code": STORES_PREVIOUS_STATE}),
    wrong("lstm_backward_missing_tanh_path",
          {"lstm_cell_backward_inputs", "lstm_cell_backward_parameters", "lstm_backward"},
          "the memory gradient omits da_next * gamma_o * (1 - tanh(c_next)^2)", {"lstm_cell_backward_code": MISSING_TANH_PATH}),
    wrong("lstm_bias_gradient_not_summed", {"lstm_cell_backward_parameters", "lstm_backward"},
          "db = dz has shape (n_a, m): right only for m = 1", {"lstm_cell_backward_code": DB_NOT_SUMMED}),
    wrong("lstm_split_by_input_size", {"lstm_cell_backward_inputs", "lstm_backward"},
          "dconcat is split at n_x instead of n_a: right only when n_x == n_a", {"lstm_cell_backward_code": SPLIT_BY_N_X}),
    wrong("lstm_memory_gradient_dropped", {"lstm_backward"},
          "dc_prev is not carried to the previous step", {"lstm_backward_code": MEMORY_GRADIENT_DROPPED}),
    wrong("lstm_state_gradient_not_added", {"lstm_backward"},
          "the gradient from the layer above, da[:, :, t], is used only at the last step",
          {"lstm_backward_code": STATE_GRADIENT_NOT_ADDED}),
    wrong("peephole_output_gate_on_c_prev", {"lstm_peephole_cell_forward"},
          "the output gate's peephole looks at c_prev; it looks at the new memory c_next",
          {"lstm_peephole_cell_forward_code": PEEPHOLE_ON_C_PREV}),
    wrong("lstm_a_block_not_transposed", {"lstm_cell_backward_inputs", "lstm_backward"},
          "da_prev adds W[:, :n_a] dz without the transpose: that block is square, so the shape is right and the "
          "values are not; dxt, which needs the transpose to have its shape, is right",
          {"lstm_cell_backward_code": A_BLOCK_NOT_TRANSPOSED}),
    wrong("peepholes_ignored", {"lstm_peephole_cell_forward"},
          "the peephole cell is the plain LSTM cell: pf, pi and po are never used", {"lstm_peephole_cell_forward_code": PEEPHOLES_IGNORED}),
    wrong("gru_memory_not_stored", {"gru_forward"},
          "the recurrence is right but c[:, :, t] is never written: c keeps its zeros, y_pred is right",
          {"gru_forward_code": GRU_MEMORY_NOT_STORED}),
]
