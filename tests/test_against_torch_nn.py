"""The NumPy recurrent nets equal torch.nn.RNN, GRU and LSTM (one or two layers, one-way or
bidirectional) in float64: hidden states and every gradient, equal up to float64 rounding.

Weights go from the NumPy dicts to torch.nn through reference_impl.torch_models.convert
(all of the bias in bias_ih, bias_hh zero; torch's gate order; the GRU's z rows are the
negated update-gate rows, since torch's z is 1 - Γu). torch.nn.GRU applies its reset gate
after the recurrent product, so it is compared with our GRU variant "reset_after"; the
notes' form (the default) is a different function of the same weights.
"""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from recurrent_helpers import FLOAT64_AGREEMENT, perturbed
from reference_impl.deep import deep_backward, deep_forward, initialize_deep_parameters
from reference_impl.torch_models import (
    layer_to_numpy,
    load_torch_nn_state_dict,
    make_recurrent,
    numpy_to_layer,
    to_torch_nn,
)

N_X, N_A, M, T_X = 3, 4, 2, 5
CELLS = [("rnn", {}), ("gru", {"variant": "reset_after"}), ("lstm", {})]


def torch_nn_twin(cell, options, layers, bidirectional):
    """A torch.nn module holding the NumPy layers' weights, and the torch layer used to convert back."""
    torch_layer = make_recurrent(cell, N_X, N_A, num_layers=len(layers), bidirectional=bidirectional,
                                 device="cpu", dtype=torch.float64, **options)
    numpy_to_layer(layers if len(layers) > 1 else layers[0], torch_layer)
    module = to_torch_nn(torch_layer)
    assert type(module) is {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell]
    return module, torch_layer


def torch_gradients_as_numpy(module, torch_layer):
    """The module's weight gradients in the NumPy layout. bias_hh is zero and not a NumPy
    parameter: our bias is bias_ih, whose gradient equals the sum's."""
    state = {name: (torch.zeros_like(p) if name.startswith("bias_hh") else p.grad.detach().clone())
             for name, p in module.named_parameters()}
    load_torch_nn_state_dict(torch_layer, state)
    converted = layer_to_numpy(torch_layer)
    return converted if isinstance(converted, list) else [converted]


def as_gradient_structure(layer_gradients):
    """Our dlayers use "d" + name keys; the converter's dicts use plain names."""
    if isinstance(layer_gradients, dict):
        return {k[1:]: v for k, v in layer_gradients.items()}
    return tuple(as_gradient_structure(g) for g in layer_gradients)


def assert_close(ours, theirs, where):
    if isinstance(ours, dict):
        assert sorted(ours) == sorted(theirs), where
        for name in ours:
            assert_close(ours[name], theirs[name], f"{where}.{name}")
    elif isinstance(ours, (tuple, list)):
        for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_close(a, b, f"{where}[{k}]")
    else:
        np.testing.assert_allclose(ours, theirs, **FLOAT64_AGREEMENT, err_msg=where)


@pytest.mark.parametrize("bidirectional", [False, True], ids=["one-way", "bidirectional"])
@pytest.mark.parametrize("n_layers", [1, 2], ids=["1-layer", "2-layers"])
@pytest.mark.parametrize("cell, options", CELLS, ids=[c for c, _ in CELLS])
def test_numpy_net_equals_torch_nn(rng, cell, options, n_layers, bidirectional):
    layers = perturbed(initialize_deep_parameters(cell, N_X, N_A, 1, n_layers, bidirectional, seed=11, **options)
                       ["layers"], rng)
    x, upstream = rng.normal(size=(N_X, M, T_X)), rng.normal(size=((2 if bidirectional else 1) * N_A, M, T_X))

    a, cache = deep_forward(cell, x, layers, **options)
    grads = deep_backward(upstream, cache)

    module, torch_layer = torch_nn_twin(cell, options, layers, bidirectional)
    x_torch = torch.tensor(x.transpose(2, 1, 0).copy(), requires_grad=True)  # torch.nn wants (T_x, m, n_x)
    out, _ = module(x_torch)
    out.backward(torch.from_numpy(upstream.transpose(2, 1, 0).copy()))

    np.testing.assert_allclose(a, out.detach().numpy().transpose(2, 1, 0), **FLOAT64_AGREEMENT)
    np.testing.assert_allclose(grads["dx"], x_torch.grad.numpy().transpose(2, 1, 0), **FLOAT64_AGREEMENT)
    assert_close([as_gradient_structure(g) for g in grads["dlayers"]],
                 torch_gradients_as_numpy(module, torch_layer), "dlayers")


def test_notes_gru_is_not_torch_gru(rng):
    """The default GRU (reset gate before the product) is a different function from torch.nn.GRU."""
    layers = perturbed(initialize_deep_parameters("gru", N_X, N_A, 1, 1, seed=12)["layers"], rng)
    x = rng.normal(size=(N_X, M, T_X))
    module, _ = torch_nn_twin("gru", {"variant": "reset_after"}, layers, False)
    out, _ = module(torch.from_numpy(x.transpose(2, 1, 0).copy()))
    difference = deep_forward("gru", x, layers)[0] - out.detach().numpy().transpose(2, 1, 0)
    assert np.max(np.abs(difference)) > 1e-4
