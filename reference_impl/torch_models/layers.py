"""Sequence layers built from the cells: unidirectional, bidirectional and deep stacks.

Every layer takes x of shape (n_x, m, T_x), examples as columns like the
NumPy code, and optional ``lengths`` (m,) for a batch whose examples have
different T_x: each example is padded to the longest, the state stops
changing after an example's last real step (so the final state is the one
at its own end) and the outputs at padding steps are zero. Nothing at a
padding step reaches a real step's output, in either direction.

Internally the loop runs time-major, on (T_x, n, m) tensors, so that a<t>
for one t is a contiguous (n_a, m) block.
"""
import torch
from torch import nn

from .cells import make_cell
from .device import lengths_to_mask, seeded

# The input projection of many steps is one product, but in blocks of at most this many bytes:
# glibc serves an allocation above 32 MiB (its largest mmap threshold) with fresh pages from
# the kernel every time, so one projection of a long sequence for a large batch paid page
# faults on every pass that a short sequence did not.
PROJECTION_BLOCK_BYTES = 8 << 20


def _check_sequence(x, n_x):
    if not torch.is_tensor(x) or x.ndim != 3 or x.shape[0] != n_x or x.shape[2] == 0:
        shape = tuple(x.shape) if torch.is_tensor(x) else type(x).__name__
        raise ValueError(f"x must be a tensor of shape (n_x={n_x}, m, T_x) with T_x >= 1, got {shape}")


def _time_major_mask(lengths, m, T_x, device):
    if lengths is None:
        return None
    mask = lengths_to_mask(lengths, T_x, device=device)
    if mask.shape[0] != m:
        raise ValueError(f"lengths must have shape (m={m},), got {tuple(mask.shape[:1])}")
    return mask.T[:, None, :]  # (T_x, 1, m), broadcasts against (T_x, n, m)


def reverse_padded(x_tm, mask_tm):
    """Reverse each example in time within its own length; padding stays where it is.

    See the chapter :doc:`/book/chapters/11_bidirectional`.

    Parameters
    ----------
    x_tm : Tensor, shape (T_x, n, m)
        time-major sequence
    mask_tm
        None (every example has length T_x) or bool (T_x, 1, m)

    Returns
    -------
    x_reversed : Tensor, shape (T_x, n, m)
        reversed sequence; applying it twice gives x_tm back
    """
    if mask_tm is None:
        return torch.flip(x_tm, dims=(0,))
    T_x = x_tm.shape[0]
    lengths = mask_tm.sum(dim=0, keepdim=True)  # (1, 1, m)
    t = torch.arange(T_x, device=x_tm.device)[:, None, None]
    index = torch.where(t < lengths, lengths - 1 - t, t).expand(T_x, x_tm.shape[1], x_tm.shape[2])
    return torch.gather(x_tm, 0, index)


class Unidirectional(nn.Module):
    """One cell unrolled left to right.

    See the chapter :doc:`/book/chapters/09_gru`.
    """

    def __init__(self, cell):
        super().__init__()
        self.cell = cell
        self.n_x, self.n_a = cell.n_x, cell.n_a
        self.n_out = cell.n_a

    def run_time_major(self, x_tm, state, mask_tm):
        """The loop itself: x_tm (T_x, n_x, m) -> a (T_x, n_a, m), final state."""
        weights = self.cell.recurrent_weights()
        outputs = []
        steps = max(1, PROJECTION_BLOCK_BYTES // (4 * self.n_a * x_tm.shape[2] * x_tm.element_size()))  # 4 gates at most
        for start, x_block in zip(range(0, x_tm.shape[0], steps), x_tm.split(steps)):
            x_proj = self.cell.input_projection(x_block)  # the input half of many steps in one product
            # unbind, not x_proj[t]: autograd then stacks the steps' gradients once, where indexing
            # would zero-fill a gradient the size of x_proj for every step (quadratic in T_x)
            for t, x_proj_t in enumerate(x_proj.unbind(0), start):
                new_state = self.cell.step(x_proj_t, state, weights)
                if mask_tm is not None:
                    new_state = tuple(torch.where(mask_tm[t], new, old) for new, old in zip(new_state, state))
                state = new_state
                outputs.append(self.cell.hidden(state))
        a = torch.stack(outputs)
        if mask_tm is not None:
            a = a * mask_tm
        return a, state

    def forward(self, x, lengths=None, state0=None):
        """Hidden states of every step of a batch of sequences.

        Parameters
        ----------
        x : Tensor, shape (n_x, m, T_x)
            inputs
        lengths
            optional (m,) real lengths, each in 1..T_x
        state0
            optional initial state, a tuple of (n_a, m) tensors (zeros when None)

        Returns
        -------
        a : Tensor, shape (n_a, m, T_x)
            hidden states, zero at padding steps
        state
            the state after each example's last real step
        """
        _check_sequence(x, self.n_x)
        m, T_x = x.shape[1], x.shape[2]
        mask_tm = _time_major_mask(lengths, m, T_x, x.device)
        if state0 is None:
            state0 = self.cell.initial_state(m)
        self.cell.check_state(state0, m)
        a, state = self.run_time_major(x.permute(2, 0, 1), state0, mask_tm)
        return a.permute(1, 2, 0), state


class Bidirectional(nn.Module):
    """A forward cell left to right and a backward cell right to left; a<t> = [a_fwd<t>; a_bwd<t>].

    See the chapter :doc:`/book/chapters/11_bidirectional`.
    """

    def __init__(self, cell_forward, cell_backward):
        super().__init__()
        if (cell_forward.n_x, cell_forward.n_a) != (cell_backward.n_x, cell_backward.n_a):
            raise ValueError("the forward and backward cells must have the same n_x and n_a")
        self.forward_layer = Unidirectional(cell_forward)
        self.backward_layer = Unidirectional(cell_backward)
        self.n_x, self.n_a = cell_forward.n_x, cell_forward.n_a
        self.n_out = 2 * self.n_a

    def forward(self, x, lengths=None, state0=None):
        """Arguments as Unidirectional; state0 is None or (state0_forward, state0_backward).

        Returns
        -------
        a : Tensor, shape (2 n_a, m, T_x)
            rows :n_a from the forward cell, n_a: from the backward cell
        state
            (final forward state, final backward state); the backward one is at t = 1
        """
        _check_sequence(x, self.n_x)
        m, T_x = x.shape[1], x.shape[2]
        mask_tm = _time_major_mask(lengths, m, T_x, x.device)
        s_fwd, s_bwd = state0 if state0 is not None else (None, None)
        s_fwd = self.forward_layer.cell.initial_state(m) if s_fwd is None else s_fwd
        s_bwd = self.backward_layer.cell.initial_state(m) if s_bwd is None else s_bwd
        self.forward_layer.cell.check_state(s_fwd, m)
        self.backward_layer.cell.check_state(s_bwd, m)
        x_tm = x.permute(2, 0, 1)
        a_fwd, s_fwd = self.forward_layer.run_time_major(x_tm, s_fwd, mask_tm)
        a_bwd, s_bwd = self.backward_layer.run_time_major(reverse_padded(x_tm, mask_tm), s_bwd, mask_tm)
        a = torch.cat([a_fwd, reverse_padded(a_bwd, mask_tm)], dim=1)
        return a.permute(1, 2, 0), (s_fwd, s_bwd)


class Stack(nn.Module):
    """A deep RNN: layer l reads the activations a[l-1] of the layer below.

    See the chapter :doc:`/book/chapters/12_deep_rnn`.
    """

    def __init__(self, layers):
        super().__init__()
        layers = list(layers)
        if not layers:
            raise ValueError("a stack needs at least one layer")
        for below, above in zip(layers, layers[1:]):
            if above.n_x != below.n_out:
                raise ValueError(f"a layer reading {above.n_x} inputs cannot sit on one giving {below.n_out}")
        self.layers = nn.ModuleList(layers)
        self.n_x, self.n_a, self.n_out = layers[0].n_x, layers[0].n_a, layers[-1].n_out

    def forward(self, x, lengths=None, state0=None):
        """Arguments as the layers'; state0 is None or a list with one entry per layer.

        Returns
        -------
        a : Tensor, shape (n_out, m, T_x)
            the top layer's activations
        states
            list of every layer's final state, bottom first
        """
        if state0 is None:
            state0 = [None] * len(self.layers)
        if len(state0) != len(self.layers):
            raise ValueError(f"state0 must hold one entry per layer ({len(self.layers)}), got {len(state0)}")
        states = []
        for layer, s0 in zip(self.layers, state0):
            x, state = layer(x, lengths=lengths, state0=s0)
            states.append(state)
        return x, states


def make_recurrent(cell, n_x, n_a, num_layers=1, bidirectional=False, seed=None, device=None, dtype=torch.float32,
                   **options):
    """A recurrent network by description.

    See the chapter :doc:`/book/chapters/09_gru`.

    Parameters
    ----------
    cell
        "rnn", "gru" or "lstm"; options go to the cell (variant=..., peepholes=...)
    n_x, n_a
        input size and hidden size of every cell
    num_layers
        1 gives a single layer, more a Stack
    bidirectional
        every layer is Bidirectional
    seed
        the initial weights are drawn from this seed (None: torch's current generator)

    Returns
    -------
    network
        an nn.Module with forward(x, lengths=None, state0=None) -> (a, state)
    """
    if int(num_layers) < 1:
        raise ValueError(f"num_layers must be at least 1, got {num_layers}")
    layers = []
    n_in = n_x
    with seeded(seed):
        for _ in range(int(num_layers)):
            if bidirectional:
                layer = Bidirectional(
                    make_cell(cell, n_in, n_a, device=device, dtype=dtype, **options),
                    make_cell(cell, n_in, n_a, device=device, dtype=dtype, **options),
                )
            else:
                layer = Unidirectional(make_cell(cell, n_in, n_a, device=device, dtype=dtype, **options))
            layers.append(layer)
            n_in = layer.n_out
    return layers[0] if len(layers) == 1 else Stack(layers)
