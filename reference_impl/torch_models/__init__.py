"""PyTorch versions of the course's models: the NumPy equations in torch, on CPU or GPU.

Importing reference_impl alone never imports this package (or torch).
"""
from .cells import GRUCell, LSTMCell, RNNCell, make_cell
from .checkpoint import load_checkpoint, save_checkpoint
from .convert import (
    cell_to_numpy,
    from_torch_nn,
    layer_to_numpy,
    load_torch_nn_state_dict,
    numpy_to_cell,
    numpy_to_layer,
    to_torch_nn,
    torch_nn_parameters,
    torch_nn_state_dict,
)
from .device import default_device, lengths_to_mask, resolve_device, seeded
from .fused import BACKENDS, fused_unsupported, resolve_backend, run_fused
from .language_model import LanguageModel, masked_cross_entropy, pad_sequences, sample, token_nll
from .layers import Bidirectional, Stack, Unidirectional, make_recurrent, reverse_padded
from .trainer import LanguageModelTrainer, split_texts
