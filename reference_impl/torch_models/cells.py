"""The RNN, GRU and LSTM cells in torch: the NumPy cells' equations, autograd for the backward.

Parameters carry the NumPy names and shapes (Wax, Waa, ba for the RNN;
Wu, bu, Wr, br, Wc, bc for the GRU; Wf, bf, Wi, bi, Wc, bc, Wo, bo for the
LSTM, each gate matrix acting on the concatenation [a_prev; x] and so of
shape (n_a, n_a + n_x)). Examples are columns: one step is (n, m).

One step splits into two halves so that a sequence layer can do the first
for all time steps in a single matrix product, the way cuDNN does:
``input_projection`` (the W[:, n_a:] x + b part of every gate, which does
not depend on the previous state) and ``step`` (everything that does).
``forward`` runs both halves and is the cell's full equation for one step.
A state is a tuple: (a,) for the RNN, (c,) for the GRU (whose a is c),
(a, c) for the LSTM; ``hidden(state)`` is the a that goes up to the output.
"""
import math

import torch
from torch import nn

from .device import random_normal, resolve_device, resolve_dtype

GRU_VARIANTS = ("notes", "reset_after", "simplified")


class _Cell(nn.Module):
    """Shared plumbing: creating parameters with the NumPy shapes, zero states."""

    n_states = 1

    def __init__(self, n_x, n_a, device=None, dtype=torch.float32):
        super().__init__()
        if int(n_x) < 1 or int(n_a) < 1:
            raise ValueError(f"n_x and n_a must be positive integers, got n_x={n_x}, n_a={n_a}")
        self.n_x, self.n_a = int(n_x), int(n_a)
        self._factory = {"device": resolve_device(device), "dtype": resolve_dtype(dtype)}

    def _weight(self, name, fan_in, rows, cols):
        # 1/sqrt(fan_in) keeps the pre-activations of order one, as in the NumPy initialisers.
        value = random_normal((rows, cols), 1.0 / math.sqrt(fan_in), **self._factory)
        self.register_parameter(name, nn.Parameter(value))

    def _bias(self, name):
        self.register_parameter(name, nn.Parameter(torch.zeros(self.n_a, 1, **self._factory)))

    def initial_state(self, m):
        """Zero state for a batch of m examples: a tuple of (n_a, m) tensors."""
        p = next(self.parameters())
        return tuple(torch.zeros(self.n_a, m, device=p.device, dtype=p.dtype) for _ in range(self.n_states))

    def hidden(self, state):
        """The activation a<t> carried by a state."""
        return state[0]

    def check_input(self, x):
        if x.ndim < 2 or x.shape[-2] != self.n_x:
            raise ValueError(f"x must have shape (n_x={self.n_x}, m) per step, got {tuple(x.shape)}")

    def check_state(self, state, m):
        if not isinstance(state, tuple) or len(state) != self.n_states:
            raise ValueError(f"state must be a tuple of {self.n_states} tensor(s) of shape ({self.n_a}, {m})")
        for s in state:
            if tuple(s.shape) != (self.n_a, m):
                raise ValueError(f"every state tensor must have shape (n_a={self.n_a}, m={m}), got {tuple(s.shape)}")

    def forward(self, xt, state=None):
        """One time step.

        Parameters
        ----------
        xt : Tensor, shape (n_x, m)
            input at time t
        state
            tuple of (n_a, m) tensors, zeros when None

        Returns
        -------
        state
            the next state, same structure
        """
        self.check_input(xt)
        if state is None:
            state = self.initial_state(xt.shape[-1])
        self.check_state(state, xt.shape[-1])
        return self.step(self.input_projection(xt), state, self.recurrent_weights())


class _GatedCell(_Cell):
    """Gates g with Wg (n_a, n_a + n_x) acting on [a_prev; x] and bg (n_a, 1)."""

    gates = ()

    def _gate_parameters(self):
        for g in self.gates:
            self._weight("W" + g, self.n_a + self.n_x, self.n_a, self.n_a + self.n_x)
            self._bias("b" + g)

    def stacked_columns(self, gates, part):
        """The gates' matrices stacked row-wise, columns seeing a_prev (part 0) or x (part 1)."""
        columns = slice(0, self.n_a) if part == 0 else slice(self.n_a, None)
        return torch.cat([getattr(self, "W" + g)[:, columns] for g in gates])

    def input_projection(self, x):
        """W[:, n_a:] x + b of every gate, stacked in self.gates order: (..., k n_a, m) for x (..., n_x, m)."""
        return self.stacked_columns(self.gates, 1) @ x + torch.cat([getattr(self, "b" + g) for g in self.gates])


class RNNCell(_Cell):
    r"""The basic RNN cell, :math:`a^{<t>} = \tanh(W_{aa} a^{<t-1>} + W_{ax} x^{<t>} + b_a)`.

    See the chapter :doc:`/book/chapters/03_rnn_forward`.
    """

    def __init__(self, n_x, n_a, device=None, dtype=torch.float32):
        super().__init__(n_x, n_a, device, dtype)
        self._weight("Wax", n_x, n_a, n_x)
        self._weight("Waa", n_a, n_a, n_a)
        self._bias("ba")

    def input_projection(self, x):
        """Wax x + ba for x of shape (..., n_x, m); returns (..., n_a, m)."""
        return self.Wax @ x + self.ba

    def recurrent_weights(self):
        return self.Waa

    def step(self, x_proj, state, Waa):
        (a_prev,) = state
        return (torch.tanh(Waa @ a_prev + x_proj),)


class GRUCell(_GatedCell):
    r"""Gated recurrent unit, state c<t> (= a<t>).

    With the update gate Γu, the relevance (reset) gate Γr and the candidate c̃:

    .. math::

        \Gamma_u &= \sigma(W_u [c^{<t-1>}; x^{<t>}] + b_u) \\
        \Gamma_r &= \sigma(W_r [c^{<t-1>}; x^{<t>}] + b_r) \\
        c^{<t>} &= \Gamma_u * \tilde c^{<t>} + (1 - \Gamma_u) * c^{<t-1>}

    where the candidate depends on the variant:

    - "notes": :math:`\tilde c^{<t>} = \tanh(W_c [\Gamma_r * c^{<t-1>}; x^{<t>}] + b_c)`;
    - "reset_after" (torch.nn.GRU's form):
      :math:`\tilde c^{<t>} = \tanh(W_c[:, n_a:] x^{<t>} + b_c + \Gamma_r * (W_c[:, :n_a] c^{<t-1>}))`;
    - "simplified", without Γr: :math:`\tilde c^{<t>} = \tanh(W_c [c^{<t-1>}; x^{<t>}] + b_c)`.

    See the chapter :doc:`/book/chapters/09_gru`.
    """

    def __init__(self, n_x, n_a, variant="notes", device=None, dtype=torch.float32):
        if variant not in GRU_VARIANTS:
            raise ValueError(f"variant must be one of {GRU_VARIANTS}, got {variant!r}")
        super().__init__(n_x, n_a, device, dtype)
        self.variant = variant
        self.gates = ("u", "c") if variant == "simplified" else ("u", "r", "c")
        self._gate_parameters()

    def extra_repr(self):
        return f"n_x={self.n_x}, n_a={self.n_a}, variant={self.variant!r}"

    def recurrent_weights(self):
        """(rows of the sigmoid gates acting on c<t-1>, Wc's block acting on c<t-1>)."""
        return self.stacked_columns([g for g in self.gates if g != "c"], 0), self.stacked_columns(["c"], 0)

    def step(self, x_proj, state, weights):
        (c_prev,) = state
        W_gates_c, Wc_c = weights
        # split, not slicing: autograd joins the parts' gradients once instead of zero-filling the whole per part
        x_gates, xc = x_proj.split([W_gates_c.shape[0], self.n_a], dim=-2)
        gates = torch.sigmoid(x_gates + W_gates_c @ c_prev)
        if self.variant == "simplified":
            gamma_u = gates
        else:
            gamma_u, gamma_r = gates.split(self.n_a, dim=-2)
        if self.variant == "notes":
            c_tilde = torch.tanh(xc + Wc_c @ (gamma_r * c_prev))
        elif self.variant == "reset_after":
            c_tilde = torch.tanh(xc + gamma_r * (Wc_c @ c_prev))
        else:
            c_tilde = torch.tanh(xc + Wc_c @ c_prev)
        return (gamma_u * c_tilde + (1.0 - gamma_u) * c_prev,)


class LSTMCell(_GatedCell):
    r"""Long short-term memory, state (a<t>, c<t>).

    With the forget gate Γf, the update (input) gate Γi, the candidate c̃ and
    the output gate Γo:

    .. math::

        \Gamma_f &= \sigma(W_f [a^{<t-1>}; x^{<t>}] + b_f \;(+\, p_f * c^{<t-1>})) \\
        \Gamma_i &= \sigma(W_i [a^{<t-1>}; x^{<t>}] + b_i \;(+\, p_i * c^{<t-1>})) \\
        \tilde c^{<t>} &= \tanh(W_c [a^{<t-1>}; x^{<t>}] + b_c) \\
        c^{<t>} &= \Gamma_f * c^{<t-1>} + \Gamma_i * \tilde c^{<t>} \\
        \Gamma_o &= \sigma(W_o [a^{<t-1>}; x^{<t>}] + b_o \;(+\, p_o * c^{<t>})) \\
        a^{<t>} &= \Gamma_o * \tanh(c^{<t>})

    The bracketed peephole terms (pf, pi, po of shape (n_a, 1), elementwise)
    are there only when peepholes=True. bf starts at forget_bias.

    See the chapter :doc:`/book/chapters/10_lstm`.
    """

    n_states = 2
    gates = ("f", "i", "c", "o")

    def __init__(self, n_x, n_a, peepholes=False, forget_bias=1.0, device=None, dtype=torch.float32):
        super().__init__(n_x, n_a, device, dtype)
        self.peepholes = bool(peepholes)
        self._gate_parameters()
        if self.peepholes:
            for name in ("pf", "pi", "po"):
                self._weight(name, 1, n_a, 1)
        with torch.no_grad():
            self.bf.fill_(forget_bias)  # as the NumPy initialiser: remember by default at the start

    def extra_repr(self):
        return f"n_x={self.n_x}, n_a={self.n_a}, peepholes={self.peepholes}"

    def recurrent_weights(self):
        return self.stacked_columns(self.gates, 0)

    def step(self, x_proj, state, W_a):
        a_prev, c_prev = state
        z = x_proj + W_a @ a_prev
        z_f, z_u, z_c, z_o = z.split(self.n_a, dim=-2)  # one gradient join in backward, not four zero-filled copies
        if self.peepholes:
            z_f = z_f + self.pf * c_prev
            z_u = z_u + self.pi * c_prev
        gamma_f = torch.sigmoid(z_f)  # Γf = σ(Wf [a⟨t−1⟩, x⟨t⟩] + bf)
        gamma_u = torch.sigmoid(z_u)  # Γu = σ(Wi [a⟨t−1⟩, x⟨t⟩] + bi)
        c_tilde = torch.tanh(z_c)  # c̃⟨t⟩ = tanh(Wc [a⟨t−1⟩, x⟨t⟩] + bc)
        c_next = gamma_f * c_prev + gamma_u * c_tilde
        if self.peepholes:
            z_o = z_o + self.po * c_next
        gamma_o = torch.sigmoid(z_o)  # Γo = σ(Wo [a⟨t−1⟩, x⟨t⟩] + bo)
        a_next = gamma_o * torch.tanh(c_next)
        return (a_next, c_next)


CELLS = {"rnn": RNNCell, "gru": GRUCell, "lstm": LSTMCell}


def make_cell(cell, n_x, n_a, device=None, dtype=torch.float32, **options):
    """A cell by name: "rnn", "gru" (option variant) or "lstm" (option peepholes).

    See the chapter :doc:`/book/chapters/09_gru`.
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
    return CELLS[cell](n_x, n_a, device=device, dtype=dtype, **options)
