"""Realistic submissions of assignment 4 (bidirectional and deep RNNs).

The notebook leaves the caches to the student ("whatever your backward
needs"): several honest variants keep their own objects there.
"""
from . import delete_cell, honest, paste_copy, wrong

# ---- honest ---------------------------------------------------------------------------

NAMEDTUPLE_BIDIRECTIONAL_FORWARD = '''
from collections import namedtuple

BiCache = namedtuple("BiCache", ["forward", "backward", "n_a"])


def bidirectional_forward(x, parameters):
    forward_parameters, backward_parameters = parameters
    n_a, m = forward_parameters["Waa"].shape[0], x.shape[1]
    a0 = np.zeros((n_a, m))
    a_f, cache_f = rnn_layer_forward(x, a0, forward_parameters)
    a_b, cache_b = rnn_layer_forward(np.flip(x, axis=2), a0, backward_parameters)
    a = np.vstack([a_f, np.flip(a_b, axis=2)])
    return a, BiCache(cache_f, cache_b, n_a)
'''

NAMEDTUPLE_BIDIRECTIONAL_BACKWARD = '''
def bidirectional_backward(da, cache):
    n_a = cache.n_a
    g_f = rnn_backward(da[:n_a], cache.forward)
    g_b = rnn_backward(np.flip(da[n_a:], axis=2), cache.backward)
    dx = g_f["dx"] + np.flip(g_b["dx"], axis=2)
    dparameters = tuple({k: g[k] for k in ("dWax", "dWaa", "dba")} for g in (g_f, g_b))
    return {"dx": dx, "dparameters": dparameters}
'''

CLASS_DEEP_FORWARD = '''
class DeepCache:
    """What deep_backward needs: the cache of every layer, bottom first."""

    def __init__(self):
        self.layers = []

    def add(self, layer_cache):
        self.layers.append(layer_cache)

    def top_down(self):
        return list(reversed(self.layers))

    def __len__(self):
        return len(self.layers)


def deep_forward(x, layers):
    cache = DeepCache()
    a = x
    for parameters in layers:
        n_a = parameters["Waa"].shape[0]
        a, layer_cache = rnn_layer_forward(a, np.zeros((n_a, x.shape[1])), parameters)
        cache.add(layer_cache)
    return a, cache
'''

CLASS_DEEP_BACKWARD = '''
def deep_backward(da, cache):
    dlayers = []
    for layer_cache in cache.top_down():
        grads = rnn_backward(da, layer_cache)
        dlayers.insert(0, {"dWax": grads["dWax"], "dWaa": grads["dWaa"], "dba": grads["dba"]})
        da = grads["dx"]
    return {"dx": da, "dlayers": dlayers}
'''

# the cache is a closure that finishes the backward pass
CLOSURE_BIDIRECTIONAL_FORWARD = '''
def bidirectional_forward(x, parameters):
    forward_parameters, backward_parameters = parameters
    n_a, m = forward_parameters["Waa"].shape[0], x.shape[1]
    a0 = np.zeros((n_a, m))
    a_forward, forward_caches = rnn_layer_forward(x, a0, forward_parameters)
    a_reversed, backward_caches = rnn_layer_forward(x[:, :, ::-1], a0, backward_parameters)

    def backprop(da):
        forward_grads = rnn_backward(da[:n_a], forward_caches)
        backward_grads = rnn_backward(da[n_a:, :, ::-1], backward_caches)
        dx = forward_grads["dx"] + backward_grads["dx"][:, :, ::-1]
        keep = ("dWax", "dWaa", "dba")
        return dx, ({k: forward_grads[k] for k in keep}, {k: backward_grads[k] for k in keep})

    return np.concatenate([a_forward, a_reversed[:, :, ::-1]], axis=0), backprop
'''

CLOSURE_BIDIRECTIONAL_BACKWARD = '''
def bidirectional_backward(da, cache):
    dx, dparameters = cache(da)
    return {"dx": dx, "dparameters": dparameters}
'''

# every time step's cell cache kept by hand, with slices of x (views), in a dict
OWN_LOOP_DEEP_FORWARD = '''
def rnn_layer(x, parameters):
    n_a, m, T_x = parameters["Waa"].shape[0], x.shape[1], x.shape[2]
    a = np.zeros((n_a, m, T_x))
    steps = []
    a_prev = np.zeros((n_a, m))
    for t in range(T_x):
        xt = x[:, :, t]
        a_next = np.tanh(parameters["Wax"] @ xt + parameters["Waa"] @ a_prev + parameters["ba"])
        steps.append({"xt": xt, "a_prev": a_prev, "a_next": a_next})
        a[:, :, t] = a_next
        a_prev = a_next
    return a, {"steps": steps, "parameters": parameters, "x": x}


def deep_forward(x, layers):
    caches = {}
    a = x
    for l, parameters in enumerate(layers):
        a, caches[l] = rnn_layer(a, parameters)
    return a, caches
'''

OWN_LOOP_DEEP_BACKWARD = '''
def rnn_layer_backward(da, layer_cache):
    p = layer_cache["parameters"]
    dx = np.zeros(layer_cache["x"].shape)
    grads = {"dWax": np.zeros_like(p["Wax"]), "dWaa": np.zeros_like(p["Waa"]), "dba": np.zeros_like(p["ba"])}
    carried = np.zeros(da.shape[:2])
    for t in reversed(range(da.shape[2])):
        step = layer_cache["steps"][t]
        dz = (1 - step["a_next"] ** 2) * (da[:, :, t] + carried)
        dx[:, :, t] = p["Wax"].T @ dz
        carried = p["Waa"].T @ dz
        grads["dWax"] += dz @ step["xt"].T
        grads["dWaa"] += dz @ step["a_prev"].T
        grads["dba"] += dz.sum(axis=1, keepdims=True)
    return dx, grads


def deep_backward(da, cache):
    dlayers = [None] * len(cache)
    for l in sorted(cache, reverse=True):
        da, dlayers[l] = rnn_layer_backward(da, cache[l])
    return {"dx": da, "dlayers": dlayers}
'''

STAR_BIDIRECTIONAL_FORWARD = '''
from numpy import *

def bidirectional_forward(x, parameters):
    forward_parameters, backward_parameters = parameters
    n_a, m = forward_parameters["Waa"].shape[0], x.shape[1]
    a0 = zeros((n_a, m))
    a_forward, forward_caches = rnn_layer_forward(x, a0, forward_parameters)
    a_reversed, backward_caches = rnn_layer_forward(flip(x, 2), a0, backward_parameters)
    a = concatenate([a_forward, flip(a_reversed, 2)], axis=0)
    return a, [forward_caches, backward_caches]
'''

MAGICS = '''%matplotlib inline
%config InlineBackend.figure_format = "retina"
%pip install tqdm
!pip install tqdm
%time _a, _c = deep_forward(x_train[:, :16], [initialize_layer_parameters("rnn", n_x, n_a, seed=0)])
'''

TQDM_AND_PLOT = '''
from tqdm import tqdm
import matplotlib.pyplot as plt

accuracies = []
for bidirectional in tqdm([False, True], desc="taggers"):
    params, loss = train_tagger(bidirectional, iterations=20)
    a, _ = run_layers(params, x_test, bidirectional)
    y_pred, _ = output_forward(a, params["head"]["Wya"], params["head"]["by"], "sigmoid")
    accuracies.append(((y_pred[0] > 0.5) == (y_test[0] == 1)).mean())
plt.bar(["one-way", "bidirectional"], accuracies)
plt.ylabel("accuracy")
plt.show()
'''

TIMED_CELL = '''%%time
print("training both taggers once more took:")
_ = train_tagger(True, iterations=5)
'''

PRINTING_DEEP_FORWARD = '''
import warnings

def deep_forward(x, layers):
    a = x
    cache = []
    print(f"deep_forward: {len(layers)} layers, input {x.shape}")
    for depth, parameters in enumerate(layers, start=1):
        n_a = parameters["Waa"].shape[0]
        a, layer_cache = rnn_layer_forward(a, np.zeros((n_a, x.shape[1])), parameters)
        print(f"  layer {depth}: states {a.shape}, mean |a| {np.abs(a).mean():.3f}")
        if np.abs(a).max() > 0.999:
            warnings.warn(f"layer {depth} is saturated")
        cache.append(layer_cache)
    return a, cache
'''

DATACLASS_DEEP_FORWARD = '''
import logging
from dataclasses import dataclass, field

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("deep_rnn")


@dataclass
class LayerRecord:
    depth: int
    caches: tuple
    width: int = 0


@dataclass
class StackCache:
    records: list = field(default_factory=list)


def deep_forward(x, layers):
    stack = StackCache()
    a = x
    for depth, parameters in enumerate(layers):
        width = parameters["Waa"].shape[0]
        a, caches = rnn_layer_forward(a, np.zeros((width, x.shape[1])), parameters)
        stack.records.append(LayerRecord(depth, caches, width))
        log.info("layer %d: %s", depth, a.shape)
    return a, stack
'''

DATACLASS_DEEP_BACKWARD = '''
def deep_backward(da, cache):
    dlayers = {}
    for record in sorted(cache.records, key=lambda r: -r.depth):
        grads = rnn_backward(da, record.caches)
        dlayers[record.depth] = {k: grads[k] for k in ("dWax", "dWaa", "dba")}
        da = grads["dx"]
    return {"dx": da, "dlayers": [dlayers[d] for d in sorted(dlayers)]}
'''

# both directions in one loop, the caches in a dict keyed by direction, the states joined with np.r_
DIRECTION_LOOP_FORWARD = '''
def bidirectional_forward(x, parameters):
    forward_parameters, backward_parameters = parameters
    n_a, m = forward_parameters["Waa"].shape[0], x.shape[1]
    a0 = np.zeros((n_a, m))
    states, cache = [], {}
    for direction, params, inputs in (("fwd", forward_parameters, x), ("bwd", backward_parameters, np.flip(x, -1))):
        a_direction, cache[direction] = rnn_layer_forward(inputs, a0, params)
        states.append(a_direction if direction == "fwd" else np.flip(a_direction, -1))
    return np.r_[states[0], states[1]], cache
'''

DIRECTION_LOOP_BACKWARD = '''
def bidirectional_backward(da, cache):
    n_a = da.shape[0] // 2
    upstream = {"fwd": da[:n_a], "bwd": np.flip(da[n_a:], -1)}
    grads = {direction: rnn_backward(upstream[direction], cache[direction]) for direction in ("fwd", "bwd")}
    dx = grads["fwd"]["dx"] + np.flip(grads["bwd"]["dx"], -1)
    dparameters = tuple({key: grads[d][key] for key in ("dWax", "dWaa", "dba")} for d in ("fwd", "bwd"))
    return {"dx": dx, "dparameters": dparameters}
'''

# a recursion down the list of layers; the list cache, bottom first, emptied by pop in the backward pass
RECURSIVE_DEEP_FORWARD = '''
def deep_forward(x, layers):
    if len(layers) == 0:
        return x, []
    n_a = layers[0]["Waa"].shape[0]
    a, first = rnn_layer_forward(x, np.zeros((n_a, x.shape[1])), layers[0])
    top, rest = deep_forward(a, layers[1:])
    return top, [first] + rest
'''

POP_DEEP_BACKWARD = '''
def deep_backward(da, cache):
    dlayers = []
    while cache:
        grads = rnn_backward(da, cache.pop())
        dlayers.insert(0, {"dWax": grads["dWax"], "dWaa": grads["dWaa"], "dba": grads["dba"]})
        da = grads["dx"]
    return {"dx": da, "dlayers": dlayers}
'''

# IPython keeps a cell's __future__ imports for the cells after it: an annotation may name its own class
FUTURE_IMPORTS = '''from __future__ import annotations

from dataclasses import dataclass, field
'''

FUTURE_DEEP_FORWARD = '''
@dataclass
class DeepCache:
    layers: list[tuple] = field(default_factory=list)

    def push(self, layer_cache: tuple) -> DeepCache:
        self.layers.append(layer_cache)
        return self


def deep_forward(x: np.ndarray, layers: list[dict[str, np.ndarray]]) -> tuple[np.ndarray, DeepCache]:
    cache = DeepCache()
    a = x
    for parameters in layers:
        a, layer_cache = rnn_layer_forward(a, np.zeros((parameters["Waa"].shape[0], x.shape[1])), parameters)
        cache.push(layer_cache)
    return a, cache
'''

FUTURE_DEEP_BACKWARD = '''
def deep_backward(da: np.ndarray, cache: DeepCache) -> dict:
    dlayers = []
    for layer_cache in reversed(cache.layers):
        grads = rnn_backward(da, layer_cache)
        dlayers.append({k: grads[k] for k in ("dWax", "dWaa", "dba")})
        da = grads["dx"]
    return {"dx": da, "dlayers": dlayers[::-1]}
'''

# display is a builtin in Jupyter (IPython puts it there)
DISPLAY_SHAPES = '''
a_demo, _ = deep_forward(x_train[:, :4], [initialize_layer_parameters("rnn", n_x, n_a, seed=0),
                                          initialize_layer_parameters("rnn", n_a, n_a, seed=1)])
display(a_demo.shape)
'''

HONEST = [
    honest("namedtuple_cache", "a namedtuple cache consumed only by the student's own bidirectional_backward",
           {"bidirectional_forward_code": NAMEDTUPLE_BIDIRECTIONAL_FORWARD,
            "bidirectional_backward_code": NAMEDTUPLE_BIDIRECTIONAL_BACKWARD}),
    honest("class_cache", "an object of the student's own class as the cache, as the notebook allows",
           {"deep_forward_code": CLASS_DEEP_FORWARD, "deep_backward_code": CLASS_DEEP_BACKWARD}),
    honest("closure_cache", "the cache is a closure that finishes the backward pass: 'whatever your backward needs'",
           {"bidirectional_forward_code": CLOSURE_BIDIRECTIONAL_FORWARD,
            "bidirectional_backward_code": CLOSURE_BIDIRECTIONAL_BACKWARD}),
    honest("own_loops_dict_cache_with_views", "the student's own RNN loops, with a dict cache holding slices (views) of x",
           {"deep_forward_code": OWN_LOOP_DEEP_FORWARD, "deep_backward_code": OWN_LOOP_DEEP_BACKWARD}),
    honest("star_import_list_cache", "`from numpy import *`, np.flip and a list as the cache",
           {"bidirectional_forward_code": STAR_BIDIRECTIONAL_FORWARD}),
    honest("magics_tqdm_and_plots", "%matplotlib, %config, %pip, !pip, %time, %%time, tqdm and plots in cells the student added",
           added=[("tagging_experiment", MAGICS), ("tagging_experiment", TQDM_AND_PLOT),
                  ("tagging_experiment", TIMED_CELL)]),
    honest("prints_and_warnings", "prints and warnings while running change no value",
           {"deep_forward_code": PRINTING_DEEP_FORWARD}),
    honest("copied_cell_duplicate_grade_id", "deep_forward pasted twice (same grade_id), both correct",
           {"deep_forward_code": PRINTING_DEEP_FORWARD}, edit=paste_copy("deep_forward_code")),
    honest("copied_cell_without_metadata", "a pasted copy without metadata redefines the same correct pair",
           {"bidirectional_forward_code": NAMEDTUPLE_BIDIRECTIONAL_FORWARD,
            "bidirectional_backward_code": NAMEDTUPLE_BIDIRECTIONAL_BACKWARD},
           edit=paste_copy("bidirectional_backward_code", keep_metadata=False)),
    honest("deleted_public_test_cell", "the public test cell of bidirectional_forward deleted by accident",
           edit=delete_cell("bidirectional_forward")),
    honest("dataclass_cache_and_logging", "dataclass objects as the cache, and logging while running",
           {"deep_forward_code": DATACLASS_DEEP_FORWARD, "deep_backward_code": DATACLASS_DEEP_BACKWARD}),
    honest("direction_loop_dict_cache", "both directions run in one loop, np.flip on the last axis, np.r_ to "
           "stack them and a dict cache keyed by direction",
           {"bidirectional_forward_code": DIRECTION_LOOP_FORWARD,
            "bidirectional_backward_code": DIRECTION_LOOP_BACKWARD}),
    honest("recursive_stack_pop_backward", "a recursive deep_forward, and a backward pass that pops the layers' "
           "caches off its own list (the cache is used once)",
           {"deep_forward_code": RECURSIVE_DEEP_FORWARD, "deep_backward_code": POP_DEEP_BACKWARD}),
    honest("future_annotations_and_display", "`from __future__ import annotations` in the first cell holds for "
           "the later cells in Jupyter (a method annotated with its own class); display used unimported",
           {"deep_forward_code": FUTURE_DEEP_FORWARD, "deep_backward_code": FUTURE_DEEP_BACKWARD},
           added=[(None, FUTURE_IMPORTS), ("tagging_experiment", DISPLAY_SHAPES)]),
]

# ---- wrong ------------------------------------------------------------------------------

BIDIRECTIONAL_FORWARD = '''
def bidirectional_forward(x, parameters):
    forward_parameters, backward_parameters = parameters
    n_a, m = forward_parameters["Waa"].shape[0], x.shape[1]
    a0 = np.zeros((n_a, m))
    a_forward, forward_caches = rnn_layer_forward(x, a0, forward_parameters)
    {backward_run}
    a = np.concatenate([a_forward, {stacked}], axis=0)
    cache = (forward_caches, backward_caches)
    return a, cache
'''
GOOD_RUN = "a_reversed, backward_caches = rnn_layer_forward(x[:, :, ::-1], a0, backward_parameters)"
NOT_REVERSED_BACK = BIDIRECTIONAL_FORWARD.format(backward_run=GOOD_RUN, stacked="a_reversed")
SHARED_PARAMETERS = BIDIRECTIONAL_FORWARD.format(
    backward_run="a_reversed, backward_caches = rnn_layer_forward(x[:, :, ::-1], a0, forward_parameters)",
    stacked="a_reversed[:, :, ::-1]")
STARTS_FROM_LAST_FORWARD_STATE = BIDIRECTIONAL_FORWARD.format(
    backward_run="a_reversed, backward_caches = rnn_layer_forward(x[:, :, ::-1], a_forward[:, :, -1], backward_parameters)",
    stacked="a_reversed[:, :, ::-1]")

BIDIRECTIONAL_BACKWARD = '''
def bidirectional_backward(da, cache):
    n_a = da.shape[0] // 2
    forward_caches, backward_caches = cache
    forward_grads = rnn_backward(da[:n_a], forward_caches)
    backward_grads = rnn_backward({da_backward}, backward_caches)
    dx = forward_grads["dx"] + {dx_backward}
    keep = ("dWax", "dWaa", "dba")
    dparameters = ({{k: forward_grads[k] for k in keep}}, {{k: backward_grads[k] for k in keep}})
    return {{"dx": dx, "dparameters": dparameters}}
'''
DA_NOT_REVERSED = BIDIRECTIONAL_BACKWARD.format(da_backward="da[n_a:]", dx_backward='backward_grads["dx"][:, :, ::-1]')
DX_NOT_REVERSED = BIDIRECTIONAL_BACKWARD.format(da_backward="da[n_a:, :, ::-1]", dx_backward='backward_grads["dx"]')

DEEP_FORWARD = '''
def deep_forward(x, layers):
    a = x
    cache = []
    for parameters in layers:
        a, layer_cache = rnn_layer_forward({layer_input}, np.zeros(({rows}, x.shape[1])), parameters)
        cache.append(layer_cache)
    return a, cache
'''
EVERY_LAYER_READS_X = DEEP_FORWARD.format(layer_input="x", rows='parameters["Waa"].shape[0]')
STATE_SIZED_BY_INPUT = DEEP_FORWARD.format(layer_input="a", rows="x.shape[0]")
HARD_CODED_WIDTH = DEEP_FORWARD.format(layer_input="a", rows="8")

ONLY_TOP_CACHE = '''
def deep_forward(x, layers):
    a = x
    for parameters in layers:
        a, cache = rnn_layer_forward(a, np.zeros((parameters["Waa"].shape[0], x.shape[1])), parameters)
    return a, cache
'''
ONLY_TOP_BACKWARD = '''
def deep_backward(da, cache):
    grads = rnn_backward(da, cache)
    return {"dx": grads["dx"], "dlayers": [{k: grads[k] for k in ("dWax", "dWaa", "dba")}]}
'''

DEEP_BACKWARD = '''
def deep_backward(da, cache):
    dlayers = []
    upstream = da
    for layer_cache in reversed(cache):
        grads = rnn_backward(upstream, layer_cache)
        dlayers.append({{k: grads[k] for k in ("dWax", "dWaa", "dba")}})
        {next_upstream}
    {order}
    return {{"dx": grads["dx"], "dlayers": dlayers}}
'''
TOP_FIRST = DEEP_BACKWARD.format(next_upstream='upstream = grads["dx"]', order="pass")
SAME_DA_EVERY_LAYER = DEEP_BACKWARD.format(next_upstream="upstream = da", order="dlayers.reverse()")

# np.flip without an axis reverses every axis: the units and the examples too
FLIP_ALL_AXES = BIDIRECTIONAL_FORWARD.format(
    backward_run="a_reversed, backward_caches = rnn_layer_forward(np.flip(x), a0, backward_parameters)",
    stacked="np.flip(a_reversed)")
# the examples reversed instead of the time steps (the same thing when m = 1)
REVERSES_EXAMPLES = BIDIRECTIONAL_FORWARD.format(
    backward_run="a_reversed, backward_caches = rnn_layer_forward(x[:, ::-1], a0, backward_parameters)",
    stacked="a_reversed[:, ::-1]")
# dWaa transposed in the student's own loops: Waa is square, so the shape is right
DWAA_TRANSPOSED = OWN_LOOP_DEEP_BACKWARD.replace('grads["dWaa"] += dz @ step["a_prev"].T',
                                                 'grads["dWaa"] += step["a_prev"] @ dz.T')
assert DWAA_TRANSPOSED != OWN_LOOP_DEEP_BACKWARD

WRONG = [
    wrong("backward_states_not_reversed_back", {"bidirectional_forward"},
          "the backward direction's states are stacked in reversed time order; the backward pass, given that "
          "cache, is still right", {"bidirectional_forward_code": NOT_REVERSED_BACK}),
    wrong("directions_share_parameters", {"bidirectional_forward", "bidirectional_backward"},
          "the backward direction runs with the forward direction's parameters",
          {"bidirectional_forward_code": SHARED_PARAMETERS}),
    wrong("backward_direction_not_from_zero", {"bidirectional_forward", "bidirectional_backward"},
          "the backward direction starts from the forward direction's last state instead of zeros",
          {"bidirectional_forward_code": STARTS_FROM_LAST_FORWARD_STATE}),
    wrong("upstream_gradient_not_reversed", {"bidirectional_backward"},
          "off by one direction in time: da[n_a:] goes to the reversed run without being reversed",
          {"bidirectional_backward_code": DA_NOT_REVERSED}),
    wrong("dx_not_reversed_back", {"bidirectional_backward"},
          "the backward direction's dx is added in reversed time order", {"bidirectional_backward_code": DX_NOT_REVERSED}),
    wrong("every_layer_reads_x", {"deep_forward", "deep_backward"},
          "upper layers read x instead of the states of the layer below", {"deep_forward_code": EVERY_LAYER_READS_X}),
    wrong("state_sized_by_input", {"deep_forward", "deep_backward"},
          "the zero state has n_x rows: right only when n_x == n_a", {"deep_forward_code": STATE_SIZED_BY_INPUT}),
    wrong("hard_coded_width", {"deep_forward", "deep_backward"},
          "the zero state has 8 rows, the width of the notebook's tagger: right only for n_a = 8",
          {"deep_forward_code": HARD_CODED_WIDTH}),
    wrong("only_top_layer_cached", {"deep_backward"},
          "the cache keeps only the top layer, so no gradient reaches the layers below",
          {"deep_forward_code": ONLY_TOP_CACHE, "deep_backward_code": ONLY_TOP_BACKWARD}),
    wrong("dlayers_top_first", {"deep_backward"}, "dlayers is listed top first; the notebook asks for bottom first",
          {"deep_backward_code": TOP_FIRST}),
    wrong("same_da_for_every_layer", {"deep_backward"},
          "every layer gets the top layer's da instead of the dx of the layer above",
          {"deep_backward_code": SAME_DA_EVERY_LAYER}),
    wrong("flips_every_axis", {"bidirectional_forward", "bidirectional_backward"},
          "np.flip(x) without an axis reverses the features and the examples too, not only time",
          {"bidirectional_forward_code": FLIP_ALL_AXES}),
    wrong("reverses_examples_not_time", {"bidirectional_forward", "bidirectional_backward"},
          "x[:, ::-1] reverses the examples, not the time steps (right only for one example)",
          {"bidirectional_forward_code": REVERSES_EXAMPLES}),
    wrong("own_loops_dwaa_transposed", {"deep_backward"},
          "dWaa = a_prev dz^T is the transpose of dz a_prev^T: Waa is square, so only its values are wrong",
          {"deep_forward_code": OWN_LOOP_DEEP_FORWARD, "deep_backward_code": DWAA_TRANSPOSED}),
]
