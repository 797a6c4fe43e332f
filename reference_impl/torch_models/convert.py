"""Weights between the NumPy parameter dicts, the torch layers of this package and torch.nn.

Three places hold the same numbers:

- the NumPy reference: one dict per cell, keys Wax/Waa/ba (RNN), Wu/bu/Wr/br/Wc/bc
  (GRU), Wf/bf/Wi/bi/Wc/bc/Wo/bo (LSTM), gate matrices on [a_prev; x];
- this package's cells: nn.Parameters with the very same names and shapes;
- torch.nn.RNN/GRU/LSTM state dicts: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
  bias_hh_l{k} (suffix _reverse for the backward direction), with the gates
  stacked in torch's order (GRU: r, z, n; LSTM: i, f, g, o) and two biases.

torch.nn.GRU's update gate z keeps the old state, h = (1 - z) n + z h_prev,
where the notes' Γu lets the new one in; so z = 1 - Γu = σ(-(Wu [c; x] + bu)) and the
z rows are the negated Wu rows. torch.nn has no GRU with the reset gate
before the product (the notes' form), no simplified GRU and no peepholes:
converting those raises ValueError.
"""
import numpy as np
import torch
from torch import nn

from .cells import GRUCell, LSTMCell, RNNCell
from .layers import Bidirectional, Stack, Unidirectional, make_recurrent

# Gate order of torch.nn in weight_ih/weight_hh, and the sign each block gets.
_TORCH_GATES = {RNNCell: (("a", 1.0),), GRUCell: (("r", 1.0), ("u", -1.0), ("c", 1.0)),
                LSTMCell: (("i", 1.0), ("f", 1.0), ("c", 1.0), ("o", 1.0))}
_TORCH_MODULES = {RNNCell: nn.RNN, GRUCell: nn.GRU, LSTMCell: nn.LSTM}
_CELL_NAMES = {nn.RNN: "rnn", nn.GRU: "gru", nn.LSTM: "lstm"}


# --- NumPy dicts <-> this package ------------------------------------------------------------

def cell_to_numpy(cell):
    """The cell's parameters as a NumPy dict (float64 copies), keyed as in the NumPy reference.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    return {name: p.detach().cpu().to(torch.float64).numpy().copy() for name, p in cell.named_parameters()}


def numpy_to_cell(parameters, cell):
    """Copy a NumPy parameter dict into a cell, in place; keys the cell lacks (Wya, by) are ignored.

    Raises ValueError naming a missing key or a wrong shape.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    with torch.no_grad():
        for name, p in cell.named_parameters():
            if name not in parameters:
                raise ValueError(f"parameters is missing {name!r}; a {type(cell).__name__} needs "
                                 f"{[n for n, _ in cell.named_parameters()]}")
            value = np.asarray(parameters[name])
            if value.shape != tuple(p.shape):
                raise ValueError(f"parameters[{name!r}] must have shape {tuple(p.shape)}, got {value.shape}")
            p.copy_(torch.as_tensor(value, dtype=p.dtype, device=p.device))
    return cell


def _layer_list(layer):
    if isinstance(layer, Stack):
        return list(layer.layers)
    if isinstance(layer, (Unidirectional, Bidirectional)):
        return [layer]
    raise ValueError(f"expected a Unidirectional, Bidirectional or Stack layer, got {type(layer).__name__}")


def _directions(layer):
    """The cells of one layer with torch.nn's suffix: [(cell, "")] or [(forward, ""), (backward, "_reverse")]."""
    if isinstance(layer, Bidirectional):
        return [(layer.forward_layer.cell, ""), (layer.backward_layer.cell, "_reverse")]
    return [(layer.cell, "")]


def layer_to_numpy(layer):
    """NumPy parameters of a layer: a dict (Unidirectional), a pair of dicts
    (forward, backward) for a Bidirectional layer, a list of those for a Stack.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    converted = [tuple(cell_to_numpy(c) for c, _ in _directions(one)) for one in _layer_list(layer)]
    converted = [c[0] if len(c) == 1 else c for c in converted]
    return converted if isinstance(layer, Stack) else converted[0]


def numpy_to_layer(parameters, layer):
    """Copy NumPy parameters, structured as layer_to_numpy returns them, into a layer, in place.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    layers = _layer_list(layer)
    per_layer = list(parameters) if isinstance(layer, Stack) else [parameters]
    if len(per_layer) != len(layers):
        raise ValueError(f"parameters holds {len(per_layer)} layer(s), the stack has {len(layers)}")
    for one, params in zip(layers, per_layer):
        cells = _directions(one)
        dicts = tuple(params) if len(cells) == 2 else (params,)
        if len(dicts) != len(cells) or not all(isinstance(d, dict) for d in dicts):
            raise ValueError("a Bidirectional layer takes a (forward, backward) pair of dicts, "
                             "a Unidirectional one a single dict")
        for (cell, _), d in zip(cells, dicts):
            numpy_to_cell(d, cell)
    return layer


# --- this package <-> torch.nn -----------------------------------------------------------------

def _torch_kind(cell):
    kind = type(cell)
    if kind is GRUCell and cell.variant != "reset_after":
        raise ValueError(f"torch.nn.GRU computes the reset_after variant; this GRU is {cell.variant!r}")
    if kind is LSTMCell and cell.peepholes:
        raise ValueError("torch.nn.LSTM has no peephole connections; this LSTM has them")
    return kind


def _weight_blocks(cell, name):
    """(block acting on a_prev, block acting on x, bias) of gate `name`, as used by torch.nn."""
    if isinstance(cell, RNNCell):
        return cell.Waa, cell.Wax, cell.ba
    W = getattr(cell, "W" + name)
    return W[:, : cell.n_a], W[:, cell.n_a :], getattr(cell, "b" + name)


def _torch_nn_blocks(cell):
    """(weight_ih, weight_hh, bias) of torch.nn for one cell, as differentiable functions of its parameters."""
    gates = _TORCH_GATES[_torch_kind(cell)]
    if isinstance(cell, RNNCell):
        return cell.Wax, cell.Waa, cell.ba[:, 0]
    # split, not two slices: autograd joins each matrix's two gradient halves in one step, where a
    # slice's backward zero-fills a whole matrix; cat gives the contiguous matrices the kernels want
    halves = [getattr(cell, "W" + g).split([cell.n_a, cell.n_x], dim=1) for g, _ in gates]
    biases = [getattr(cell, "b" + g) for g, _ in gates]

    def stacked(blocks):
        return torch.cat([block if sign > 0 else -block for block, (_, sign) in zip(blocks, gates)])

    return stacked([x for _, x in halves]), stacked([a for a, _ in halves]), stacked(biases).view(-1)


def torch_nn_parameters(layer):
    """The parameters torch.nn.RNN/GRU/LSTM would hold for this layer, computed from the layer's own.

    Returns a dict keyed as torch_nn_state_dict, in torch.nn's order (per layer and direction:
    weight_ih, weight_hh, bias_ih, bias_hh); autograd sees through it, so a gradient with
    respect to these tensors lands on the layer's parameters. The whole bias is bias_ih,
    bias_hh is a constant zero.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    parameters = {}
    for k, one in enumerate(_layer_list(layer)):
        for cell, suffix in _directions(one):
            w_ih, w_hh, b = _torch_nn_blocks(cell)
            parameters[f"weight_ih_l{k}{suffix}"] = w_ih
            parameters[f"weight_hh_l{k}{suffix}"] = w_hh
            parameters[f"bias_ih_l{k}{suffix}"] = b
            parameters[f"bias_hh_l{k}{suffix}"] = torch.zeros_like(b, requires_grad=False)
    return parameters


def torch_nn_state_dict(layer):
    """State dict that torch.nn.RNN/GRU/LSTM(n_x, n_a, num_layers, bidirectional=...) loads.

    The whole bias goes to bias_ih; bias_hh is zero.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    with torch.no_grad():
        return {key: value.clone(memory_format=torch.contiguous_format)
                for key, value in torch_nn_parameters(layer).items()}


def load_torch_nn_state_dict(layer, state_dict):
    """Copy a torch.nn.RNN/GRU/LSTM state dict into a layer of the same architecture, in place.

    Raises ValueError for a missing or misshapen entry, and for a GRU whose
    bias_hh n-block is not zero (torch adds it inside Γr * (...), which no
    cell of the course has).

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    expected = torch_nn_state_dict(layer)
    missing = sorted(set(expected) - set(state_dict))
    extra = sorted(set(state_dict) - set(expected))
    if missing or extra:
        raise ValueError(f"state dict does not fit this layer: missing {missing}, unexpected {extra}")
    for key, value in expected.items():
        if tuple(state_dict[key].shape) != tuple(value.shape):
            raise ValueError(f"{key} must have shape {tuple(value.shape)}, got {tuple(state_dict[key].shape)}")
    with torch.no_grad():
        for k, one in enumerate(_layer_list(layer)):
            for cell, suffix in _directions(one):
                gates = _TORCH_GATES[_torch_kind(cell)]
                n_a = cell.n_a
                w_ih, w_hh = state_dict[f"weight_ih_l{k}{suffix}"], state_dict[f"weight_hh_l{k}{suffix}"]
                b_ih, b_hh = state_dict[f"bias_ih_l{k}{suffix}"], state_dict[f"bias_hh_l{k}{suffix}"]
                for j, (g, sign) in enumerate(gates):
                    rows = slice(j * n_a, (j + 1) * n_a)
                    if isinstance(cell, GRUCell) and g == "c":
                        if torch.any(b_hh[rows] != 0):
                            raise ValueError(f"bias_hh_l{k}{suffix}'s n block (rows {2 * n_a}:{3 * n_a}) is not zero; "
                                             "torch.nn.GRU adds it inside the reset product, which the course's GRU lacks")
                        bias = b_ih[rows]
                    else:
                        bias = b_ih[rows] + b_hh[rows]
                    W_a, W_x, b = _weight_blocks(cell, g)
                    W_a.copy_(sign * w_hh[rows])
                    W_x.copy_(sign * w_ih[rows])
                    b.copy_(sign * bias[:, None])
    return layer


def to_torch_nn(layer):
    """A torch.nn.RNN/GRU/LSTM (batch_first=False) with the layer's weights, device and dtype.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    layers = _layer_list(layer)
    first_cell = _directions(layers[0])[0][0]
    module_class = _TORCH_MODULES[_torch_kind(first_cell)]
    p = first_cell.Wc if hasattr(first_cell, "Wc") else first_cell.Wax
    module = module_class(first_cell.n_x, first_cell.n_a, num_layers=len(layers),
                          bidirectional=isinstance(layers[0], Bidirectional), device=p.device, dtype=p.dtype)
    module.load_state_dict(torch_nn_state_dict(layer))
    return module


def from_torch_nn(module):
    """A layer of this package (reset_after GRU for torch.nn.GRU) with a torch.nn module's weights.

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    if type(module) not in _CELL_NAMES:
        raise ValueError(f"expected torch.nn.RNN, GRU or LSTM, got {type(module).__name__}")
    if isinstance(module, nn.RNN) and module.nonlinearity != "tanh":
        raise ValueError("only torch.nn.RNN(nonlinearity='tanh') matches the course's RNN")
    if not module.bias or module.batch_first or getattr(module, "proj_size", 0):
        raise ValueError("convert torch.nn modules built with bias=True, batch_first=False and no proj_size")
    cell = _CELL_NAMES[type(module)]
    options = {"variant": "reset_after"} if cell == "gru" else {}
    p = module.weight_ih_l0
    layer = make_recurrent(cell, module.input_size, module.hidden_size, num_layers=module.num_layers,
                           bidirectional=module.bidirectional, device=p.device, dtype=p.dtype, **options)
    return load_torch_nn_state_dict(layer, module.state_dict())
