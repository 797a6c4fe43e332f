"""A whole RNN model: gradients end to end, and it actually learns."""
import itertools

import numpy as np
import pytest

from recurrent_helpers import GRADIENT_TOLERANCE, with_random_biases
from reference_impl import (
    adam_update,
    check_gradients,
    clip_by_global_norm,
    initialize_adam,
    initialize_rnn_parameters,
    output_backward,
    relative_error,
    rnn_cell_backward,
    rnn_forward,
    rnn_model_backward,
    rnn_model_forward,
)


@pytest.mark.parametrize(
    "output, many_to_one",
    [("softmax", False), ("sigmoid", False), ("softmax", True), ("sigmoid", True)],
)
def test_model_gradients_match_finite_differences(rng, rnn_sizes, output, many_to_one):
    n_x, n_a, n_y, m, T_x = rnn_sizes
    parameters = with_random_biases(initialize_rnn_parameters(n_x, n_a, n_y, seed=3), rng)
    x = rng.normal(size=(n_x, m, T_x))
    a0 = rng.normal(size=(n_a, m))
    shape = (n_y, m) if many_to_one else (n_y, m, T_x)
    if output == "softmax":
        y = np.eye(n_y)[:, rng.integers(0, n_y, size=shape[1:])]
    else:
        y = (rng.random(shape) > 0.5).astype(float)

    def loss():
        return rnn_model_forward(x, y, a0, parameters, output, many_to_one=many_to_one)[0]

    _, _, cache = rnn_model_forward(x, y, a0, parameters, output, many_to_one=many_to_one)
    errors = check_gradients(loss, {**parameters, "x": x, "a0": a0}, rnn_model_backward(cache))
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_model_learns_to_echo_the_previous_bit():
    """Many-to-many tagging: y<t> = x<t-1>. Needs the recurrence, so a falling
    loss shows that the whole forward/backward/update chain works."""
    rng = np.random.default_rng(0)
    m, T_x = 64, 8
    bits = (rng.random((1, m, T_x)) > 0.5).astype(float)
    x = bits
    y = np.concatenate([np.zeros((1, m, 1)), bits[:, :, :-1]], axis=2)
    parameters = initialize_rnn_parameters(1, 8, 1, seed=1)
    state = initialize_adam(parameters)
    a0 = np.zeros((8, m))
    first_loss = rnn_model_forward(x, y, a0, parameters, "sigmoid")[0]
    for _ in range(300):
        loss, _, cache = rnn_model_forward(x, y, a0, parameters, "sigmoid")
        grads, _ = clip_by_global_norm(rnn_model_backward(cache), 5.0)
        adam_update(parameters, grads, state, learning_rate=0.05)
    _, y_pred, _ = rnn_model_forward(x, y, a0, parameters, "sigmoid")
    accuracy = np.mean((y_pred > 0.5) == (y > 0.5))
    assert loss < 0.1 * first_loss
    assert accuracy > 0.99


def test_model_rejects_an_unknown_output():
    parameters = initialize_rnn_parameters(2, 3, 2)
    with pytest.raises(ValueError, match="output must be one of"):
        rnn_model_forward(np.zeros((2, 1, 2)), np.zeros((2, 1, 2)), np.zeros((3, 1)), parameters, "tanh")


def test_backward_functions_follow_the_readme_convention():
    """Every *_backward takes (dout, cache); rnn_model_backward, whose forward ends in the loss, only (cache)."""
    import inspect

    import reference_impl

    backwards = {name: f for name, f in vars(reference_impl).items() if name.endswith("_backward")}
    assert len(backwards) >= 10
    signatures = {name: list(inspect.signature(f).parameters) for name, f in backwards.items()}
    loss_level = {"rnn_model_backward"}
    wrong = {name: params for name, params in signatures.items() if name not in loss_level
             and not (len(params) in (2, 3) and params[-1] in ("cache", "caches") and params[0].startswith("d"))}
    assert not wrong, f"backward functions off the README's convention: {wrong}"
    assert {name: signatures[name] for name in loss_level} == {"rnn_model_backward": ["cache"]}


def _output_paths_only_gradients(parameters, x, y, a0):
    """dWax, dWaa, dba when each step's output loss is carried into its own step only (no path through time)."""
    cache = rnn_model_forward(x, y, a0, parameters, output="sigmoid")[2]
    da_from_outputs = output_backward(cache.dz, cache.output_cache)["da"]
    steps = [rnn_cell_backward(da_from_outputs[:, :, t], cell_cache)
             for t, cell_cache in enumerate(cache.rnn_cache.cell_caches)]
    return {name: sum(step[name] for step in steps) for name in ("dWax", "dWaa", "dba")}


@pytest.mark.parametrize("seed", range(10, 20))
def test_dropping_the_path_through_time_gives_a_wrong_gradient_for_every_seed(seed):
    """Chapter 4's claim, on seeds the page does not use: without the path through time the gradient is wrong
    (relative error of 1e-2 or more, where a correct one is below 1e-7), for all three recurrent parameters."""
    n_x, n_a, n_y, m, T_x = 4, 3, 1, 2, 6  # the page's sizes
    rng = np.random.default_rng(seed)
    parameters = initialize_rnn_parameters(n_x, n_a, n_y, seed=seed)
    x, y = rng.normal(size=(n_x, m, T_x)), (rng.random((n_y, m, T_x)) < 0.5).astype(float)
    a0 = rng.normal(size=(n_a, m))
    full = rnn_model_backward(rnn_model_forward(x, y, a0, parameters, output="sigmoid")[2])
    truncated = _output_paths_only_gradients(parameters, x, y, a0)
    for name in ("dWax", "dWaa", "dba"):
        assert relative_error(truncated[name], full[name]) >= 1e-2, name


@pytest.mark.parametrize("seed", (6, 7))
def test_every_ordering_of_six_words_gives_its_own_final_state(seed):
    """Chapter 1's claim (seeds 1 to 5 on the page) with other random weights: all 720 orderings of a six-word
    sentence give different final states, though their bags of words are equal."""
    words = "the cat which already ate was".split()
    index = {word: i for i, word in enumerate(sorted(set(words)))}
    parameters = initialize_rnn_parameters(n_x=len(index), n_a=8, n_y=2, seed=seed)
    states = [rnn_forward(np.eye(len(index))[:, [index[w] for w in ordering]][:, None, :], np.zeros((8, 1)),
                          parameters)[0][:, 0, -1] for ordering in itertools.permutations(words)]
    assert len(np.unique(np.round(states, 8), axis=0)) == 720
