"""NumPy reference implementation of the course's recurrent models.

Importing this package never imports torch; the PyTorch versions live in
``reference_impl.torch_models``.
"""
from .activations import sigmoid, softmax
from .bidirectional import (
    bidirectional_backward,
    bidirectional_forward,
    brnn_backward,
    brnn_forward,
    initialize_bidirectional_parameters,
    initialize_brnn_parameters,
)
from .char_lm import language_model_batch, loss_per_character, perplexity, train_char_lm
from .datasets import load_names, make_agreement_data, make_tagging_data
from .deep import deep_backward, deep_forward, deep_rnn_backward, deep_rnn_forward, initialize_deep_parameters
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .gru import gru_backward, gru_cell_backward, gru_cell_forward, gru_forward, initialize_gru_parameters
from .lstm import (
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)
from .optim import (
    adam_update,
    clip_by_global_norm,
    clip_by_value,
    global_norm,
    initialize_adam,
    sgd_update,
)
from .output import (
    binary_cross_entropy,
    many_to_one_backward,
    many_to_one_forward,
    output_backward,
    output_forward,
    softmax_cross_entropy,
)
from .recurrent_layer import (
    CELLS,
    flatten_parameters,
    initialize_layer_parameters,
    layer_backward,
    layer_forward,
)
from .rnn import (
    initialize_rnn_parameters,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_layer_forward,
)
from .rnn_model import rnn_model_backward, rnn_model_forward
from .sampling import sample
from .text import EOS, UNK, Vocabulary, one_hot, tokenize
