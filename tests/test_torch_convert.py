"""Weights move between NumPy dicts, the torch layers and torch.nn state dicts without loss."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from reference_impl import initialize_rnn_parameters
from reference_impl.lstm import initialize_lstm_parameters
from reference_impl.torch_models import (
    from_torch_nn,
    layer_to_numpy,
    load_torch_nn_state_dict,
    make_recurrent,
    numpy_to_cell,
    numpy_to_layer,
    to_torch_nn,
    torch_nn_state_dict,
)

N_X, N_A = 3, 4


def float64_layer(cell, seed=0, **options):
    return make_recurrent(cell, N_X, N_A, seed=seed, device="cpu", dtype=torch.float64, **options)


@pytest.mark.parametrize("cell,options", [("rnn", {}), ("gru", {"variant": "notes"}), ("lstm", {"peepholes": True})])
@pytest.mark.parametrize("num_layers,bidirectional", [(1, False), (1, True), (3, True)])
def test_numpy_round_trip_is_exact(cell, options, num_layers, bidirectional):
    layer = float64_layer(cell, **options, num_layers=num_layers, bidirectional=bidirectional)
    other = float64_layer(cell, seed=1, **options, num_layers=num_layers, bidirectional=bidirectional)
    numpy_to_layer(layer_to_numpy(layer), other)
    for (name, p), q in zip(layer.named_parameters(), other.parameters()):
        assert torch.equal(p, q), name


def test_numpy_dicts_with_output_layer_load_into_cells():
    rnn = initialize_rnn_parameters(N_X, N_A, 2, seed=0)
    layer = numpy_to_layer(rnn, float64_layer("rnn"))
    np.testing.assert_array_equal(layer.cell.Waa.detach().numpy(), rnn["Waa"])
    lstm = initialize_lstm_parameters(N_X, N_A, n_y=2, seed=0)
    layer = numpy_to_layer(lstm, float64_layer("lstm"))
    assert set(layer_to_numpy(layer)) == set(lstm) - {"Wya", "by"}
    np.testing.assert_array_equal(layer.cell.bf.detach().numpy(), lstm["bf"])


@pytest.mark.parametrize("cell,options", [("rnn", {}), ("gru", {"variant": "reset_after"}), ("lstm", {})])
def test_torch_nn_state_dict_round_trip_is_exact(cell, options):
    layer = float64_layer(cell, **options, num_layers=2, bidirectional=True)
    other = float64_layer(cell, seed=1, **options, num_layers=2, bidirectional=True)
    load_torch_nn_state_dict(other, torch_nn_state_dict(layer))
    for (name, p), q in zip(layer.named_parameters(), other.parameters()):
        assert torch.equal(p, q), name


@pytest.mark.parametrize("builtin_class", [torch.nn.RNN, torch.nn.LSTM])
def test_from_torch_nn_keeps_torch_initialised_outputs(builtin_class):
    torch.manual_seed(0)
    builtin = builtin_class(N_X, N_A, num_layers=2, bidirectional=True, dtype=torch.float64)
    layer = from_torch_nn(builtin)
    x = torch.randn(N_X, 2, 5, dtype=torch.float64)
    torch.testing.assert_close(layer(x)[0], builtin(x.permute(2, 1, 0))[0].permute(2, 1, 0), rtol=1e-12, atol=1e-12)


def test_gru_with_torch_reset_bias_is_refused_and_accepted_without_it():
    torch.manual_seed(0)
    builtin = torch.nn.GRU(N_X, N_A, dtype=torch.float64)
    with pytest.raises(ValueError, match="bias_hh_l0's n block"):
        from_torch_nn(builtin)
    with torch.no_grad():
        builtin.bias_hh_l0[2 * N_A :] = 0
    x = torch.randn(N_X, 2, 5, dtype=torch.float64)
    torch.testing.assert_close(from_torch_nn(builtin)(x)[0], builtin(x.permute(2, 1, 0))[0].permute(2, 1, 0),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cell,options,message", [
    ("gru", {"variant": "notes"}, "reset_after"),
    ("gru", {"variant": "simplified"}, "reset_after"),
    ("lstm", {"peepholes": True}, "peephole"),
])
def test_forms_torch_nn_lacks_are_refused(cell, options, message):
    with pytest.raises(ValueError, match=message):
        to_torch_nn(float64_layer(cell, **options))


def test_missing_key_and_wrong_shape_are_named():
    parameters = initialize_rnn_parameters(N_X, N_A, 2, seed=0)
    layer = float64_layer("rnn")
    with pytest.raises(ValueError, match="missing 'Waa'"):
        numpy_to_cell({k: v for k, v in parameters.items() if k != "Waa"}, layer.cell)
    with pytest.raises(ValueError, match=r"parameters\['Wax'\] must have shape \(4, 3\)"):
        numpy_to_cell({**parameters, "Wax": np.zeros((4, 2))}, layer.cell)
    with pytest.raises(ValueError, match="missing"):
        load_torch_nn_state_dict(layer, {"weight_ih_l0": torch.zeros(N_A, N_X)})
