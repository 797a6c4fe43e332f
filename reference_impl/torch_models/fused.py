"""The fused backend: a layer's own parameters run through torch's fused recurrent kernels.

The cells of this package are the teaching path ("scratch"): one Python
step per time step, autograd for the backward. torch.nn.RNN/GRU/LSTM compute
some of the same functions in one call per sequence: cuDNN on a CUDA GPU,
oneDNN or ATen's C++ loop on a CPU. The fused backend ("fused") hands the
layer's parameters, rearranged into torch.nn's layout by
``convert.torch_nn_parameters`` (a differentiable function of them), to the
kernels that torch.nn.RNN/GRU/LSTM call. The gradients land on the very
parameters the scratch path uses, so a model switches between the two
backends at any time and its checkpoints do not depend on the backend.

torch.nn computes, and the fused backend therefore covers

- the RNN (tanh);
- the GRU in its "reset_after" form, Γr * (Wc[:, :n_a] c<t-1>), and not the
  notes' form Wc [Γr * c<t-1>; x<t>] (the course's default) nor the
  simplified GRU: those are different functions of the same weights;
- the LSTM without peepholes;

in one-directional layers and stacks of them (what LanguageModel builds).
"""
import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from .cells import GRUCell, LSTMCell, RNNCell
from .convert import torch_nn_parameters
from .device import lengths_to_mask
from .layers import Stack, Unidirectional

BACKENDS = ("scratch", "fused", "auto")
_KERNELS = {RNNCell: torch.rnn_tanh, GRUCell: torch.gru, LSTMCell: torch.lstm}


def _cells(layer):
    """The cells of a Unidirectional layer or a Stack of them, bottom first; None for other layers."""
    layers = list(layer.layers) if isinstance(layer, Stack) else [layer]
    if not all(isinstance(one, Unidirectional) for one in layers):
        return None
    return [one.cell for one in layers]


def fused_unsupported(layer):
    """Why the fused backend cannot compute this layer (a sentence), or None when it can.

    See the chapter :doc:`/book/chapters/10_lstm`.
    """
    cells = _cells(layer)
    if cells is None:
        return "the fused backend covers one-directional layers and stacks of them"
    for cell in cells:
        if isinstance(cell, GRUCell) and cell.variant != "reset_after":
            return (f"torch.nn.GRU computes only the 'reset_after' GRU (reset gate applied after the recurrent "
                    f"product); this GRU is {cell.variant!r}, a different function of the same weights")
        if isinstance(cell, LSTMCell) and cell.peepholes:
            return "torch.nn.LSTM has no peephole connections; this LSTM has them"
    return None


def resolve_backend(backend, layer):
    """"scratch" or "fused" for a layer: "auto" is "fused" where torch.nn computes the layer, else "scratch".

    Raises ValueError for an unknown name, and for "fused" where torch.nn does not compute the layer.

    See the chapter :doc:`/book/chapters/10_lstm`.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    reason = fused_unsupported(layer)
    if backend == "auto":
        return "scratch" if reason else "fused"
    if backend == "fused" and reason:
        raise ValueError(f"backend='fused' cannot compute this model: {reason}. "
                         "Use backend='scratch' (or 'auto', which falls back to it).")
    return backend


def _torch_state(layer, cells, state0, m, like):
    """This package's state (a tuple per layer, a list of them for a Stack) as torch.nn's (L, m, n_a) tensors."""
    n_states = cells[0].n_states
    if state0 is None:
        return (like.new_zeros(len(cells), m, cells[0].n_a),) * n_states  # the kernels only read it
    per_layer = list(state0) if isinstance(layer, Stack) else [state0]
    if len(per_layer) != len(cells):
        raise ValueError(f"state0 must hold one entry per layer ({len(cells)}), got {len(per_layer)}")
    columns = []
    for cell, state in zip(cells, per_layer):
        if state is None:
            columns.append([like.new_zeros(m, cell.n_a) for _ in range(n_states)])
        else:
            cell.check_state(state, m)
            columns.append([s.T for s in state])
    return tuple(torch.stack([layer_states[j] for layer_states in columns]) for j in range(n_states))


def _one_buffer(tensors):
    """The tensors as consecutive views of one buffer (differentiably), in their order.

    cuDNN reads all the weights from one buffer; given separate tensors it copies them into
    one on every call and warns that the weights are "not part of single contiguous chunk of
    memory". torch.nn keeps its weights in such a buffer (flatten_parameters); these are
    computed from the cells' parameters at every call, so they are concatenated here.
    """
    flat = torch.cat([t.reshape(-1) for t in tensors])
    return [part.view(t.shape) for part, t in zip(flat.split([t.numel() for t in tensors]), tensors)]


def _kernel_state(hx):
    """torch.lstm takes the pair (h, c), torch.gru and torch.rnn_tanh take h alone."""
    return hx if len(hx) == 2 else hx[0]


def _package_state(layer, final):
    per_layer = [tuple(t[k].T for t in final) for k in range(final[0].shape[0])]
    return per_layer if isinstance(layer, Stack) else per_layer[0]


def run_fused(layer, x_tm, lengths=None, state0=None, final_state=True):
    """Run a layer with torch.nn's fused kernel on the layer's own parameters.

    See the chapter :doc:`/book/chapters/10_lstm`.

    Parameters
    ----------
    layer
        a Unidirectional layer or a Stack of them, of cells torch.nn computes (see fused_unsupported)
    x_tm : Tensor, shape (T_x, m, n_x)
        inputs in torch.nn's layout
    lengths
        optional (m,) real lengths, each in 1..T_x
    state0
        optional initial state, as the layer takes it
    final_state
        False skips the final state (returned as None); with padding, the exact final state needs a packed
        sequence, which is slower on a CPU

    Returns
    -------
    a_tm : Tensor, shape (T_x, m, n_a)
        hidden states of the top layer, zero at padding steps
    state
        the state after each example's last real step, as the layer returns it (or None)
    """
    reason = fused_unsupported(layer)
    if reason:
        raise ValueError(reason)
    cells = _cells(layer)
    if not torch.is_tensor(x_tm) or x_tm.ndim != 3 or x_tm.shape[2] != cells[0].n_x or x_tm.shape[0] == 0:
        shape = tuple(x_tm.shape) if torch.is_tensor(x_tm) else type(x_tm).__name__
        raise ValueError(f"x_tm must be a tensor of shape (T_x, m, n_x={cells[0].n_x}) with T_x >= 1, got {shape}")
    T_x, m = x_tm.shape[0], x_tm.shape[1]
    kernel = _KERNELS[type(cells[0])]
    weights = list(torch_nn_parameters(layer).values())
    if x_tm.is_cuda:
        weights = _one_buffer(weights)
    hx = _torch_state(layer, cells, state0, m, x_tm)  # (h,) or (h, c), as the cells' states
    train = torch.is_grad_enabled()  # cuDNN keeps what the backward pass needs only in training mode
    mask = None
    if lengths is not None:
        mask = lengths_to_mask(lengths, T_x, device=x_tm.device)
        if mask.shape[0] != m:
            raise ValueError(f"lengths must have shape (m={m},), got {tuple(mask.shape[:1])}")
        if bool(mask.all()):
            mask = None
    if mask is not None and final_state:
        packed = pack_padded_sequence(x_tm, torch.as_tensor(lengths).cpu(), enforce_sorted=False)
        hx = tuple(h.index_select(1, packed.sorted_indices) for h in hx)
        out, *final = kernel(packed.data, packed.batch_sizes, _kernel_state(hx), weights, True, len(cells), 0.0,
                             train, False)
        a_tm, _ = pad_packed_sequence(PackedSequence(out, packed.batch_sizes, packed.sorted_indices,
                                                     packed.unsorted_indices), total_length=T_x)
        final = [h.index_select(1, packed.unsorted_indices) for h in final]
    else:
        out, *final = kernel(x_tm, _kernel_state(hx), weights, True, len(cells), 0.0, train, False, False)
        # steps after an example's end only reach its padding outputs, which are zeroed as the scratch layers do
        a_tm = out if mask is None else out * mask.T.unsqueeze(-1)
    return a_tm, (_package_state(layer, final) if final_state else None)
