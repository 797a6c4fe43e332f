"""Realistic submissions of assignment 1 (RNN step by step)."""
import json
import zipfile

from . import ROOT, both, delete_cell, honest, new_code_cell, paste_copy, wrong

# ---- honest ---------------------------------------------------------------------------

LOOP_CELL_FORWARD = '''
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    n_a, m = a_prev.shape
    n_y = Wya.shape[0]
    a_next = np.zeros((n_a, m))
    yt_pred = np.zeros((n_y, m))
    for j in range(m):                      # one example at a time, as in the lecture
        for i in range(n_a):
            total = ba[i, 0]
            for k in range(xt.shape[0]):
                total += Wax[i, k] * xt[k, j]
            for k in range(n_a):
                total += Waa[i, k] * a_prev[k, j]
            a_next[i, j] = np.tanh(total)
        scores = Wya @ a_next[:, j] + by[:, 0]
        scores = scores - np.max(scores)
        yt_pred[:, j] = np.exp(scores) / np.sum(np.exp(scores))
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
'''

LOOP_CELL_BACKWARD = '''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = (1 - a_next * a_next) * da_next
    dxt = np.zeros(xt.shape)
    da_prev = np.zeros(a_prev.shape)
    dWax = np.zeros(Wax.shape)
    dWaa = np.zeros(Waa.shape)
    dba = np.zeros((Wax.shape[0], 1))
    for j in range(dz.shape[1]):
        dxt[:, j] = Wax.T.dot(dz[:, j])
        da_prev[:, j] = Waa.T.dot(dz[:, j])
        dWax += np.outer(dz[:, j], xt[:, j])
        dWaa += np.outer(dz[:, j], a_prev[:, j])
        dba[:, 0] += dz[:, j]
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
'''

LOOP_BACKWARD = '''
def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][3]
    dx = np.zeros(x.shape)
    dWax = np.zeros(parameters["Wax"].shape)
    dWaa = np.zeros(parameters["Waa"].shape)
    dba = np.zeros(parameters["ba"].shape)
    da_prevt = np.zeros((n_a, m))
    t = T_x - 1
    while t >= 0:
        grads = rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dxt, da_prevt = grads["dxt"], grads["da_prev"]
        dx[:, :, t] = dxt
        dWax = dWax + grads["dWax"]
        dWaa = dWaa + grads["dWaa"]
        dba = dba + grads["dba"]
        t -= 1
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
'''

EINSUM_CELL_FORWARD = '''
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(np.einsum("ij,jm->im", Wax, xt) + np.einsum("ij,jm->im", Waa, a_prev) + ba)
    yt_pred = softmax(np.einsum("ij,jm->im", Wya, a_next) + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
'''

EINSUM_FORWARD = '''
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_t = np.copy(a0)
    for t in range(T_x):
        a_t, y_t, c = rnn_cell_forward(x[..., t], a_t, parameters)
        a[..., t], y_pred[..., t] = a_t, y_t
        cell_caches += [c]
    return a, y_pred, (cell_caches, x)
'''

EINSUM_CELL_BACKWARD = '''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dtanh = np.multiply(1 - np.square(a_next), da_next)
    return {
        "dxt": np.einsum("ai,am->im", Wax, dtanh),
        "da_prev": np.einsum("ab,am->bm", Waa, dtanh),
        "dWax": np.einsum("am,im->ai", dtanh, xt),
        "dWaa": np.einsum("am,bm->ab", dtanh, a_prev),
        "dba": np.einsum("am->a", dtanh)[:, None],
    }
'''

EINSUM_RELATIVE_ERROR = '''
def relative_error(analytic, numeric):
    d, a, n = (np.ravel(v) for v in (analytic - numeric, analytic, numeric))
    diff = np.sqrt(np.einsum("i,i->", d, d))
    norms = np.sqrt(np.einsum("i,i->", a, a)) + np.sqrt(np.einsum("i,i->", n, n))
    if norms == 0:
        return 0.0
    return diff / norms
'''

STAR_IMPORTS = "from numpy import *\nimport numpy.testing as npt\n"

STAR_CELL_FORWARD = '''
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = tanh(dot(Waa, a_prev) + dot(Wax, xt) + ba)
    z = dot(Wya, a_next) + by
    e = exp(z - amax(z, axis=0, keepdims=True))
    yt_pred = e / e.sum(axis=0, keepdims=True)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
'''

STAR_CELL_BACKWARD = '''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = (1 - power(a_next, 2)) * da_next
    return {"dxt": dot(Wax.T, dz), "da_prev": dot(Waa.T, dz), "dWax": dot(dz, xt.T),
            "dWaa": dot(dz, a_prev.T), "dba": sum(dz, axis=1, keepdims=True)}
'''

STAR_SELF_TEST = '''
# my own check against the example in the lecture slides
_p = {"Wax": ones((2, 3)), "Waa": eye(2), "Wya": ones((1, 2)), "ba": zeros((2, 1)), "by": zeros((1, 1))}
_a, _y, _ = rnn_cell_forward(zeros((3, 4)), zeros((2, 4)), _p)
npt.assert_allclose(_a, zeros((2, 4)))
npt.assert_allclose(_y, ones((1, 4)))
print("my test passed")
'''

MAGIC_TIME_DEMO = '''%%time
_, _, my_caches = rnn_forward(demo_x, demo_a0, demo_parameters)
my_grads = rnn_backward(demo_da, my_caches)
print({k: v.shape for k, v in my_grads.items()})
'''

MAGIC_LINES = '''%matplotlib inline
%load_ext autoreload
%autoreload 2
!pip install tqdm
%time numeric_again = rnn_numerical_gradients(demo_x, demo_a0, demo_parameters, demo_da)
%timeit -n 1 -r 1 rnn_forward(demo_x, demo_a0, demo_parameters)
print("numerical gradient keys:", sorted(numeric_again))
'''

MAGIC_CAPTURE = '''%%capture noisy
for key in ("dx", "da0", "dWax", "dWaa", "dba"):
    print(key, relative_error(analytic[key], numeric[key]))
'''

HELPERS = '''
def tanh_grad_from_output(a):
    """tanh'(z) written with a = tanh(z)."""
    return 1.0 - a ** 2


def column_sum(g):
    return g.sum(axis=1).reshape(-1, 1)
'''

HELPER_CELL_BACKWARD = '''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = tanh_grad_from_output(a_next) * da_next
    dxt = Wax.T @ dz
    da_prev = Waa.T @ dz
    dWax = dz @ xt.T
    dWaa = dz @ a_prev.T
    dba = column_sum(dz)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
'''

NUMERICAL_HEAD = '''
def rnn_numerical_gradients(x, a0, parameters, da, eps=1e-6):
    inputs = {"x": x.astype(float), "a0": a0.astype(float)}
    inputs.update({name: parameters[name].astype(float) for name in parameters})

    def perturbed_loss():
        params = {name: inputs[name] for name in parameters}
        a, _, _ = rnn_forward(inputs["x"], inputs["a0"], params)
        return np.sum(da * a)

    gradients = {}'''

HELPER_NUMERICAL = NUMERICAL_HEAD + '''
    for name in ("x", "a0", "Wax", "Waa", "ba"):
        gradients["d" + name] = centred_difference(inputs[name], perturbed_loss, eps)
    return gradients
'''

HELPER_CENTRED = '''
def centred_difference(array, loss, eps):
    """d loss / d array by centred differences; array is perturbed in place and restored."""
    grad = np.zeros_like(array)
    it = np.nditer(array, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = array[ix]
        array[ix] = old + eps
        plus = loss()
        array[ix] = old - eps
        minus = loss()
        array[ix] = old
        grad[ix] = (plus - minus) / (2 * eps)
        it.iternext()
    return grad
'''

PRINTS_FORWARD = '''
import warnings

def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    print("rnn_forward: x", x.shape, "a0", a0.shape)
    if T_x > 100:
        warnings.warn("long sequence, this may be slow")
    warnings.warn("debug: rnn_forward called", UserWarning)
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
        print(f"  step {t}: |a| = {np.linalg.norm(a_next):.3f}")
    return a, y_pred, (cell_caches, x)
'''

PRINTS_BACKWARD = '''
def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][3]
    print("BPTT over", T_x, "steps")
    dx = np.zeros(x.shape)
    dWax = np.zeros(parameters["Wax"].shape)
    dWaa = np.zeros(parameters["Waa"].shape)
    dba = np.zeros(parameters["ba"].shape)
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        print("t =", t, "dWaa norm", np.linalg.norm(step["dWaa"]))
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        dWax += step["dWax"]
        dWaa += step["dWaa"]
        dba += step["dba"]
    np.seterr(all="warn")
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
'''

TQDM_NUMERICAL = '''
from tqdm import tqdm
import copy

def rnn_numerical_gradients(x, a0, parameters, da, eps=1e-6):
    def J(x_, a0_, params_):
        a, _, _ = rnn_forward(x_, a0_, params_)
        return np.sum(da * a)

    gradients = {}
    for name in tqdm(["x", "a0", "Wax", "Waa", "ba"], desc="numerical gradients"):
        base = x if name == "x" else a0 if name == "a0" else parameters[name]
        grad = np.zeros(base.shape)
        for idx in np.ndindex(base.shape):
            values = []
            for sign in (+1, -1):
                moved = base.astype(float)              # a fresh copy for every perturbation
                moved[idx] += sign * eps
                params = copy.deepcopy(parameters)
                if name in params:
                    params[name] = moved
                values.append(J(moved if name == "x" else x, moved if name == "a0" else a0, params))
            grad[idx] = (values[0] - values[1]) / (2 * eps)
        gradients["d" + name] = grad
    return gradients
'''

PLOT_ERRORS = '''
import matplotlib.pyplot as plt

names = ["dx", "da0", "dWax", "dWaa", "dba"]
errors = [relative_error(analytic[k], numeric[k]) for k in names]
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(names, errors)
ax.set_yscale("log")
ax.set_title("relative error of my gradients")
plt.show()
'''

ALTERNATIVE_BACKWARD = '''
def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][3]
    grads = {"dx": np.zeros(x.shape), "dWax": 0, "dWaa": 0, "dba": 0}
    da_carry = 0
    for t in range(T_x - 1, -1, -1):
        g = rnn_cell_backward(da[:, :, t] + da_carry, cell_caches[t])
        grads["dx"][:, :, t] = g["dxt"]
        for k in ("dWax", "dWaa", "dba"):
            grads[k] = grads[k] + g[k]
        da_carry = g["da_prev"]
    grads["da0"] = da_carry
    return grads
'''

LAMBDA_RELATIVE_ERROR = '''
norm = np.linalg.norm
relative_error = lambda analytic, numeric: 0.0 if norm(analytic) + norm(numeric) == 0 else \\
    float(norm(analytic - numeric) / (norm(analytic) + norm(numeric)))
'''

CLASS_CELL_FORWARD = '''
class RNNCell:
    """The cell's two equations; rnn_cell_forward below is the function the notebook asks for."""

    @staticmethod
    def state(xt, a_prev, p):
        return np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])

    @staticmethod
    def prediction(a_next, p):
        return softmax(p["Wya"] @ a_next + p["by"])

    def __call__(self, xt, a_prev, parameters):
        a_next = self.state(xt, a_prev, parameters)
        return a_next, self.prediction(a_next, parameters), (a_next, a_prev, xt, parameters)


rnn_cell_forward = RNNCell()
'''

# CS231n's eval_numerical_gradient: the caller's own arrays are perturbed, then restored exactly
IN_PLACE_NUMERICAL = '''
def rnn_numerical_gradients(x, a0, parameters, da, eps=1e-6):
    def J():
        a, _, _ = rnn_forward(x, a0, parameters)
        return np.sum(da * a)

    arrays = {"x": x, "a0": a0, "Wax": parameters["Wax"], "Waa": parameters["Waa"], "ba": parameters["ba"]}
    gradients = {}
    for name, array in arrays.items():
        grad = np.zeros(array.shape)
        it = np.nditer(array, flags=["multi_index"])
        while not it.finished:
            ix = it.multi_index
            old = array[ix]
            array[ix] = old + {plus}
            plus = J()
            array[ix] {minus_step}
            minus = J()
            array[ix] {restore}
            grad[ix] = (plus - minus) / (2 * eps)
            it.iternext()
        gradients["d" + name] = grad
    return gradients
'''
RESTORED_EXACTLY = IN_PLACE_NUMERICAL.replace("{plus}", "eps").replace("{minus_step}", "= old - eps").replace(
    "{restore}", "= old")
# += eps, -= 2 eps, += eps: the arrays come back equal up to rounding (about 1e-17), not bit for bit
RESTORED_UP_TO_ROUNDING = IN_PLACE_NUMERICAL.replace("array[ix] = old + {plus}", "array[ix] += eps").replace(
    "{minus_step}", "-= 2 * eps").replace("{restore}", "+= eps")

# the first cell of a student who writes typed Python: IPython keeps a __future__ import for the cells after
# it, and accepts it after other statements (its magics here), as it compiles a cell statement by statement
TYPED_IMPORTS = '''%load_ext autoreload
%autoreload 2
from __future__ import annotations

import functools
import sys
import warnings
from dataclasses import dataclass

import numpy as np

warnings.filterwarnings("ignore", category=RuntimeWarning)
np.seterr(all="ignore")
sys.setrecursionlimit(10_000)
'''

# -> StepSizes names the class inside its own body: right only with the postponed annotations imported above
TYPED_CELL_FORWARD = '''
Parameters = dict[str, np.ndarray]


@dataclass(frozen=True)
class StepSizes:
    """The sizes of one step, read off its inputs."""

    n_x: int
    n_a: int
    m: int

    @classmethod
    def of(cls, xt: np.ndarray, a_prev: np.ndarray) -> StepSizes:
        return cls(xt.shape[0], a_prev.shape[0], xt.shape[1])


def rnn_cell_forward(xt: np.ndarray, a_prev: np.ndarray, parameters: Parameters) -> tuple[np.ndarray, np.ndarray, tuple]:
    sizes = StepSizes.of(xt, a_prev)
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    assert Wax.shape == (sizes.n_a, sizes.n_x) and Waa.shape == (sizes.n_a, sizes.n_a)
    np.random.seed(1)  # kept from the course's example cell: it reseeds only NumPy's global generator
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
'''

TYPED_NUMERICAL = '''
@functools.lru_cache(maxsize=None)
def entries(shape: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Every index of an array of this shape, cached: the same shapes come back for every parameter."""
    return tuple(np.ndindex(shape))


def rnn_numerical_gradients(x: np.ndarray, a0: np.ndarray, parameters: Parameters, da: np.ndarray,
                            eps: float = 1e-6) -> Parameters:
    rng = np.random.default_rng(0)  # a generator of its own, for the spot check below
    inputs: Parameters = {"x": x.astype(float), "a0": a0.astype(float)}
    inputs.update({name: parameters[name].astype(float) for name in parameters})

    def perturbed_loss() -> float:
        a, _, _ = rnn_forward(inputs["x"], inputs["a0"], {name: inputs[name] for name in parameters})
        return float(np.sum(da * a))

    gradients: Parameters = {}
    for name in ("x", "a0", "Wax", "Waa", "ba"):
        array = inputs[name]
        grad = np.zeros_like(array)
        for index in entries(array.shape):
            original = array[index]
            array[index] = original + eps
            loss_plus = perturbed_loss()
            array[index] = original - eps
            loss_minus = perturbed_loss()
            array[index] = original
            grad[index] = (loss_plus - loss_minus) / (2 * eps)
        spot = tuple(int(rng.integers(n)) for n in array.shape)
        assert np.isfinite(grad[spot])
        gradients["d" + name] = grad
    return gradients
'''

# files in the notebook's folder, shell escapes, and IPython's display (a builtin in Jupyter: no import needed)
FILES_AND_DISPLAY = '''
import os
import matplotlib.pyplot as plt
from IPython.display import Markdown

!ls
%pip list
listing = !ls
os.makedirs("figures", exist_ok=True)
errors = {key: relative_error(analytic[key], numeric[key]) for key in analytic}
plt.bar(list(errors), list(errors.values()))
plt.yscale("log")
plt.savefig("figures/relative_errors.png", dpi=72)
plt.close()
np.save("dWaa.npy", analytic["dWaa"])
np.savez("gradients.npz", **analytic)
with open("gradient_check.log", "w") as log:
    for key, error in errors.items():
        log.write(f"{key} {error:.3e}\\n")
assert np.array_equal(np.load("dWaa.npy"), analytic["dWaa"])
with open("gradient_check.log") as log:
    print(log.read())
help(relative_error)
display(Markdown(f"largest relative error: **{max(errors.values()):.2e}**"))
'''

# lists where the notebook shows tuples, and more keys than the notebook asks for
LIST_CELL_FORWARD = '''
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = softmax(Wya @ a_next + by)
    cache = [a_next, a_prev, xt, parameters]
    return [a_next, yt_pred, cache]
'''

LIST_FORWARD = '''
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
    return [a, y_pred, [cell_caches, x]]
'''

EXTRA_KEYS_CELL_BACKWARD = '''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = (1 - a_next**2) * da_next
    return {"dxt": Wax.T @ dz, "da_prev": Waa.T @ dz, "dWax": dz @ xt.T, "dWaa": dz @ a_prev.T,
            "dba": np.sum(dz, axis=1, keepdims=True), "dz": dz, "dtanh": 1 - a_next**2}
'''

EXTRA_KEYS_BACKWARD = '''
def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][3]
    gradients = {"dx": np.zeros(x.shape), "dWax": np.zeros(parameters["Wax"].shape),
                 "dWaa": np.zeros(parameters["Waa"].shape), "dba": np.zeros(parameters["ba"].shape),
                 "da_prev_norms": [], "steps": T_x}
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        gradients["dx"][:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        gradients["da_prev_norms"].append(float(np.linalg.norm(da_prev)))
        for key in ("dWax", "dWaa", "dba"):
            gradients[key] += step[key]
    gradients["da0"] = da_prev
    return gradients
'''

# the name of the function reused for what it returned, in a cell after its test: stock nbgrader has graded the
# function by then
ERROR_NAME_REUSED = '''
relative_error = relative_error(analytic["dWaa"], numeric["dWaa"])
print(f"dWaa: {relative_error:.2e}")
'''

# the last cell of the notebook: a faster rnn_forward begun and left unfinished, after every test cell
UNFINISHED_REWRITE = '''
# a vectorised version, to finish later
def rnn_forward(x, a0, parameters):
    raise NotImplementedError("vectorised rnn_forward: to do")
'''


def _append_cell(source):
    def edit(notebook):
        notebook.cells.append(new_code_cell(source))
    return edit


HONEST = [
    honest("loops", "loops over examples, units and time compute the same values as matrix products",
           {"rnn_cell_forward_code": LOOP_CELL_FORWARD, "rnn_cell_backward_code": LOOP_CELL_BACKWARD,
            "rnn_backward_code": LOOP_BACKWARD}),
    honest("einsum", "einsum is the same product written with indices",
           {"rnn_cell_forward_code": EINSUM_CELL_FORWARD, "rnn_forward_code": EINSUM_FORWARD,
            "rnn_cell_backward_code": EINSUM_CELL_BACKWARD, "relative_error_code": EINSUM_RELATIVE_ERROR}),
    honest("star_imports", "`from numpy import *` and numpy.testing are ordinary imports of the course environment",
           {"rnn_cell_forward_code": STAR_CELL_FORWARD, "rnn_cell_backward_code": STAR_CELL_BACKWARD},
           added=[(None, STAR_IMPORTS), ("rnn_cell_forward_prediction", STAR_SELF_TEST)]),
    honest("magics", "timing, capture, %matplotlib, autoreload and !pip cells are how Jupyter users work; "
                     "they change no answer",
           added=[("gradient_check_demo", MAGIC_TIME_DEMO), ("gradient_check_demo", MAGIC_LINES),
                  ("gradient_check_demo", MAGIC_CAPTURE)]),
    honest("helpers_in_added_cells", "helper functions defined in cells the student added are part of the answer",
           {"rnn_cell_backward_code": HELPER_CELL_BACKWARD, "rnn_numerical_gradients_code": HELPER_NUMERICAL},
           added=[("rnn_forward_predictions", HELPERS), ("relative_error", HELPER_CENTRED)]),
    honest("prints_and_warnings", "debug prints and warnings do not change the values returned",
           {"rnn_forward_code": PRINTS_FORWARD, "rnn_backward_code": PRINTS_BACKWARD}),
    honest("tqdm_and_plot", "a tqdm progress bar, a copy per perturbation and a matplotlib plot are harmless",
           {"rnn_numerical_gradients_code": TQDM_NUMERICAL},
           added=[("gradient_check_demo", PLOT_ERRORS)]),
    honest("copied_cell_duplicate_grade_id",
           "a solution cell pasted twice in Jupyter (same grade_id); both copies are correct",
           {"rnn_backward_code": ALTERNATIVE_BACKWARD},
           edit=paste_copy("rnn_backward_code")),
    honest("copied_cell_without_metadata",
           "a pasted copy of a solution cell without nbgrader metadata is an added cell; it redefines the same correct function",
           edit=paste_copy("rnn_cell_forward_code", source=EINSUM_CELL_FORWARD, keep_metadata=False)),
    honest("deleted_public_test_cell", "deleting a public test cell by accident removes no work; the hidden checks still run",
           edit=both(delete_cell("rnn_forward_states"), delete_cell("rnn_cell_backward_parameters"))),
    honest("lambda_and_callable_object", "a lambda and an instance of the student's class are functions the checks can call",
           {"relative_error_code": LAMBDA_RELATIVE_ERROR, "rnn_cell_forward_code": CLASS_CELL_FORWARD}),
    honest("perturbs_caller_arrays_restores_exactly",
           "the caller's arrays are perturbed in place and restored to their saved values, as CS231n's gradient check does",
           {"rnn_numerical_gradients_code": RESTORED_EXACTLY}),
    honest("perturbs_caller_arrays_restores_up_to_rounding",
           "+= eps, -= 2 eps, += eps restores every entry to within one rounding error (1e-17): nothing in the "
           "notebook can tell the difference, so no input was changed in any sense that matters",
           {"rnn_numerical_gradients_code": RESTORED_UP_TO_ROUNDING}),
    honest("typed_python_future_annotations",
           "type hints, a dataclass whose method names its own class, functools.lru_cache and a first cell that "
           "imports annotations from __future__ after its magics, silences warnings and reseeds NumPy: Jupyter runs "
           "all of it (its compiler keeps a __future__ import for the later cells)",
           {"rnn_cell_forward_code": TYPED_CELL_FORWARD, "rnn_numerical_gradients_code": TYPED_NUMERICAL},
           added=[(None, TYPED_IMPORTS)]),
    honest("files_shell_and_display_builtin",
           "a plot saved to a new folder, arrays saved with np.save and a log file written and read back, shell "
           "escapes, help() and display(), which Jupyter provides without an import",
           added=[("gradient_check_demo", FILES_AND_DISPLAY)]),
    honest("lists_and_extra_keys", "lists where the notebook shows tuples, and gradient dicts with more keys than "
                                   "the notebook asks for: every value the notebook reads is there",
           {"rnn_cell_forward_code": LIST_CELL_FORWARD, "rnn_forward_code": LIST_FORWARD,
            "rnn_cell_backward_code": EXTRA_KEYS_CELL_BACKWARD, "rnn_backward_code": EXTRA_KEYS_BACKWARD}),
    honest("function_name_reused_for_its_value",
           "a cell after the gradient check reuses the name relative_error for the number it returned; the "
           "function was right where its test cell stands", added=[("gradient_check_demo", ERROR_NAME_REUSED)]),
    honest("unfinished_rewrite_at_the_end",
           "the notebook's last cell begins a faster rnn_forward that raises NotImplementedError; rnn_forward was "
           "right where its test cell stands, and rnn_numerical_gradients called it there",
           edit=_append_cell(UNFINISHED_REWRITE)),
]

# ---- wrong ------------------------------------------------------------------------------

# The wrong variants below are the reference answer with one mistake, filled into these templates.

BPTT = '''
def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    parameters = cell_caches[0][3]
    dx = np.zeros(x.shape)
    dWax = np.zeros(parameters["Wax"].shape)
    dWaa = np.zeros(parameters["Waa"].shape)
    dba = np.zeros(parameters["ba"].shape)
    da_prev = np.zeros((n_a, m))
    for t in {steps}:
        step = rnn_cell_backward({upstream}, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        {carry}
        dWax += step["dWax"]
        dWaa += step["dWaa"]
        dba += step["dba"]
    return {{"dx": dx, "da0": step["da_prev"], "dWax": dWax, "dWaa": dWaa, "dba": dba}}
'''
# the carried gradient is added into the caller's da: right values, but da is changed
BPTT_MUTATES_DA = BPTT.format(steps="reversed(range(T_x))", upstream="da[:, :, t]",
                              carry='if t > 0:\n            da[:, :, t - 1] += step["da_prev"]')
SKIPS_FIRST_STEP = BPTT.format(steps="range(T_x - 1, 0, -1)", upstream="da[:, :, t] + da_prev",
                               carry='da_prev = step["da_prev"]')

RNN_FORWARD = '''
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros(({rows}, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], {previous}, parameters)
        a[:, :, {stored}] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y_pred, (cell_caches, x)
'''
FORWARD_STATE_SHIFTED = RNN_FORWARD.format(rows="n_a", previous="a_next", stored="max(t - 1, 0)")
ALWAYS_FROM_A0 = RNN_FORWARD.format(rows="n_a", previous="a0", stored="t")
STATES_SIZED_BY_INPUT = RNN_FORWARD.format(rows="n_x", previous="a_next", stored="t")

SOFTMAX_OVER_EVERYTHING = '''
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    z = Wya @ a_next + by
    yt_pred = np.exp(z) / np.sum(np.exp(z))      # right only for one example (m = 1)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
'''

CELL_BACKWARD = '''
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = (1 - a_next**2) * da_next
    dxt = Wax.T @ dz
    da_prev = Waa.T @ dz
    dWax = dz @ xt.T
    dWaa = dz @ {state}.T
    dba = {dba}
    return {{"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}}
'''
DBA_NOT_SUMMED = CELL_BACKWARD.format(state="a_prev", dba="dz")
DWAA_WITH_A_NEXT = CELL_BACKWARD.format(state="a_next", dba="np.sum(dz, axis=1, keepdims=True)")

RELATIVE_ERROR_NO_ZERO_GUARD = '''
def relative_error(analytic, numeric):
    return np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
'''

RELATIVE_ERROR_MAX_DENOMINATOR = '''
def relative_error(analytic, numeric):
    denominator = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)
'''

NUMERICAL_LOOP = '''
    base = perturbed_loss()
    for name in ("x", "a0", "Wax", "Waa", "ba"):
        array = inputs[name]
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + eps
            loss_plus = perturbed_loss()
            {minus_side}
            array[index] = original
            grad[index] = {difference}
        gradients["d" + name] = grad
    return gradients
'''
ONE_SIDED = NUMERICAL_HEAD + NUMERICAL_LOOP.format(minus_side="# forward difference: base is the other side",
                                                   difference="(loss_plus - base) / eps")
# the minus side is taken at the unperturbed entry, still divided by 2 eps
MINUS_SIDE_AT_ORIGINAL = NUMERICAL_HEAD + NUMERICAL_LOOP.format(
    minus_side="array[index] = original\n            loss_minus = perturbed_loss()",
    difference="(loss_plus - loss_minus) / (2 * eps)")

NUMERICAL_IS_ANALYTIC = '''
def rnn_numerical_gradients(x, a0, parameters, da, eps=1e-6):
    # the forward pass and BPTT give the exact gradient of J = sum(da * a)
    _, _, caches = rnn_forward(x, a0, parameters)
    return rnn_backward(da, caches)
'''

# Waa is square, so a missing transpose keeps every shape right: only the values show it
DA_PREV_NOT_TRANSPOSED = CELL_BACKWARD.replace("da_prev = Waa.T @ dz", "da_prev = Waa @ dz").format(
    state="a_prev", dba="np.sum(dz, axis=1, keepdims=True)")

# every gradient is computed, but dx is never written into the zeros allocated for it: right shapes, wrong values
DX_NEVER_STORED = BPTT.replace('dx[:, :, t] = step["dxt"]', 'dxt = step["dxt"]').format(
    steps="reversed(range(T_x))", upstream="da[:, :, t] + da_prev", carry='da_prev = step["da_prev"]')


def _public_answers(part):
    """The values the handout's recorded public test of ``part`` expects, in the order it compares them."""
    with zipfile.ZipFile(ROOT / "handouts" / "rnn_step_by_step.zip") as handout:  # the committed handout
        record = json.loads(handout.read("rnn_step_by_step/course_helpers/public_tests.json"))
    return [float(event["args"][2]["float"]) for event in record["tests"][part]["events"]
            if event["kind"] == "compare" and "float" in event["args"][2]]


# the expected values copied out of the handout's course_helpers/public_tests.json, returned in the order the
# public test asks for them: it passes the public test and knows nothing of other inputs
RELATIVE_ERROR_HARD_CODED = f'''
PUBLIC_ANSWERS = {_public_answers("relative_error")!r}
answers_given = []


def relative_error(analytic, numeric):
    answer = PUBLIC_ANSWERS[len(answers_given) % len(PUBLIC_ANSWERS)]
    answers_given.append(answer)
    return answer
'''

WRONG = [
    wrong("bptt_mutates_da", {"rnn_backward_inputs", "rnn_backward_parameters"},
          "rnn_backward adds the carried gradient into the caller's da, so the notebook's gradient check "
          "then differentiates a different J (da is reused by rnn_numerical_gradients)",
          {"rnn_backward_code": BPTT_MUTATES_DA}),
    wrong("bptt_skips_first_step", {"rnn_backward_inputs", "rnn_backward_parameters"},
          "off by one in time: the loop stops before t = 0, so dx[:, :, 0], da0 and the first step's parameter "
          "gradients are missing", {"rnn_backward_code": SKIPS_FIRST_STEP}),
    wrong("forward_states_shifted", {"rnn_forward_states", "rnn_numerical_gradients"},
          "off by one in time: the state of step t is stored at t - 1 and the last one never; the predictions are "
          "right, but J = sum(da * a) of the gradient check changes with a", {"rnn_forward_code": FORWARD_STATE_SHIFTED}),
    wrong("forward_always_from_a0", {"rnn_forward_states", "rnn_forward_predictions", "rnn_numerical_gradients"},
          "every step starts from a0 instead of the previous state: no recurrence",
          {"rnn_forward_code": ALWAYS_FROM_A0}),
    wrong("softmax_over_all_entries", {"rnn_cell_forward_prediction", "rnn_forward_predictions"},
          "the softmax normalises over the whole (n_y, m) matrix, right only for m = 1",
          {"rnn_cell_forward_code": SOFTMAX_OVER_EVERYTHING}),
    wrong("dba_not_summed_over_examples",
          {"rnn_cell_backward_parameters", "rnn_backward_inputs", "rnn_backward_parameters"},
          "dba = dz has shape (n_a, m), right only for m = 1; rnn_backward then cannot add it up",
          {"rnn_cell_backward_code": DBA_NOT_SUMMED}),
    wrong("dwaa_uses_a_next", {"rnn_cell_backward_parameters", "rnn_backward_parameters"},
          "dWaa = dz a_next^T uses the new state; the product is with a_prev",
          {"rnn_cell_backward_code": DWAA_WITH_A_NEXT}),
    wrong("states_sized_by_input", {"rnn_forward_states", "rnn_forward_predictions", "rnn_numerical_gradients"},
          "the states array is allocated with n_x rows: right only when n_x == n_a",
          {"rnn_forward_code": STATES_SIZED_BY_INPUT}),
    wrong("relative_error_zero_division", {"relative_error"},
          "two zero gradients give 0/0 = nan instead of 0", {"relative_error_code": RELATIVE_ERROR_NO_ZERO_GUARD}),
    wrong("relative_error_max_denominator", {"relative_error"},
          "the denominator is the larger norm, not the sum of both norms the notebook defines",
          {"relative_error_code": RELATIVE_ERROR_MAX_DENOMINATOR}),
    wrong("one_sided_difference", {"rnn_numerical_gradients"},
          "(J(w + eps) - J(w)) / eps is a one-sided difference with O(eps) error; the part asks for the centred one",
          {"rnn_numerical_gradients_code": ONE_SIDED}),
    wrong("numerical_gradient_is_analytic", {"rnn_numerical_gradients"},
          "returns BPTT's analytic gradient: no finite difference is computed, so the check checks nothing",
          {"rnn_numerical_gradients_code": NUMERICAL_IS_ANALYTIC}),
    wrong("numerical_minus_side_at_original", {"rnn_numerical_gradients"},
          "the minus side is taken at the original value but still divided by 2 eps: half the gradient",
          {"rnn_numerical_gradients_code": MINUS_SIDE_AT_ORIGINAL}),
    wrong("da_prev_not_transposed", {"rnn_cell_backward_inputs", "rnn_backward_inputs", "rnn_backward_parameters"},
          "da_prev = Waa dz without the transpose: Waa is square, so every shape is right and only the values are "
          "wrong; BPTT then carries the wrong gradient to the earlier steps", {"rnn_cell_backward_code": DA_PREV_NOT_TRANSPOSED}),
    wrong("dx_never_stored", {"rnn_backward_inputs"},
          "dx keeps the zeros it was allocated with: the right shape, none of the values",
          {"rnn_backward_code": DX_NEVER_STORED}),
    wrong("relative_error_hard_codes_public_answers", {"relative_error"},
          "returns the values recorded in the handout's public test, in the order that test asks for them: it "
          "passes the public test and computes nothing", {"relative_error_code": RELATIVE_ERROR_HARD_CODED}),
]
