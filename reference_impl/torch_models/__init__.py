"""PyTorch versions of the course's models: the NumPy equations in torch, on CPU or GPU.

Importing reference_impl alone never imports this package (or torch).
"""
from .cells import GRUCell, LSTMCell, RNNCell, make_cell
from .device import default_device, lengths_to_mask, resolve_device, seeded
from .language_model import LanguageModel, masked_cross_entropy, pad_sequences, sample, token_nll
from .layers import Bidirectional, Stack, Unidirectional, make_recurrent, reverse_padded
