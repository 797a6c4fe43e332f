"""Hidden checks of assignment 5, the LSTM language model in PyTorch.

Students receive float64 CPU tensors (parameters as a dict of tensors, a
state dict) and int64 index tensors; the checks compare with the NumPy
reference (the LSTM equations) and with reference_impl.torch_models (loss,
sampler). Sampling is compared draw for draw: the notebook's ``draw`` helper
fixes how indices are drawn from a generator seeded with the given seed.
"""
import numpy as np
import torch

from reference_impl.lstm import initialize_lstm_parameters, lstm_cell_forward, lstm_forward
from reference_impl.text import Vocabulary, one_hot
from reference_impl.torch_models import LanguageModel, masked_cross_entropy, numpy_to_layer, pad_sequences
from reference_impl.torch_models import sample as reference_sample

from . import CheckFailed, GradedTest, call_student, expect_close, expect_tuple, problem_rngs
from .gru_lstm import check_lstm_cell_forward

# (V including <EOS> and <UNK>, n_a, m)
SHAPES = [(6, 4, 3), (9, 5, 1), (5, 3, 4)]
CELL_HINT = ("the same equations as your NumPy cell, with torch operations: concat = torch.cat([a_prev, xt]), "
             "torch.sigmoid, torch.tanh, @ for matrix products.")


def _numpy(name, value):
    if not isinstance(value, torch.Tensor):
        raise CheckFailed(f"{name} must be a torch tensor, got {type(value).__name__}.")
    return value.detach().cpu().to(torch.float64).numpy()


def _tensors(parameters):
    return {name: torch.tensor(value, dtype=torch.float64) for name, value in parameters.items()}


def _lm_parameters(rng, V, n_a):
    parameters = initialize_lstm_parameters(V, n_a, V, seed=int(rng.integers(2**31)))
    for name in parameters:
        if name.startswith("b"):
            parameters[name] = rng.normal(size=parameters[name].shape)
    parameters["Wy"] = 2 * parameters["Wy"]
    return parameters


def _batch(rng, V, m):
    sequences = [list(rng.integers(2, V, size=rng.integers(1, 6))) + [0] for _ in range(m)]
    return pad_sequences(sequences)


def check_lstm_cell_torch(lstm_cell_torch_student, seed=None):
    """a_next and c_next of the torch cell."""
    for rng, (V, n_a, m) in problem_rngs(SHAPES, seed):
        parameters = _lm_parameters(rng, V, n_a)
        xt, a_prev, c_prev = rng.normal(size=(V, m)), rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
        a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, parameters)
        recurrent = {k: v for k, v in parameters.items() if k not in ("Wy", "by")}
        returned = expect_tuple("lstm_cell_torch", call_student(
            "lstm_cell_torch", lstm_cell_torch_student, torch.tensor(xt), torch.tensor(a_prev), torch.tensor(c_prev),
            _tensors(recurrent)), 2)
        expect_close("c_next (second value returned by lstm_cell_torch)", _numpy("c_next", returned[1]), c_next, CELL_HINT)
        expect_close("a_next (first value returned by lstm_cell_torch)", _numpy("a_next", returned[0]), a_next, CELL_HINT)


def _reference_logits(parameters, x):
    inputs = one_hot(x.numpy(), parameters["Wy"].shape[0])
    a, _, _, _ = lstm_forward(inputs, np.zeros((parameters["bf"].shape[0], x.shape[0])), parameters)
    return np.einsum("vn,nmt->vmt", parameters["Wy"], a) + parameters["by"][:, :, None]


def check_lm_forward(lm_forward_student, seed=None):
    """Logits of the language model on a padded batch."""
    for rng, (V, n_a, m) in problem_rngs(SHAPES, seed):
        parameters = _lm_parameters(rng, V, n_a)
        x, _, _ = _batch(rng, V, m)
        returned = call_student("lm_forward", lm_forward_student, _tensors(parameters), x)
        expect_close("logits returned by lm_forward", _numpy("logits", returned), _reference_logits(parameters, x),
                     "x<t> is the one-hot vector of x[:, t], the zero vector where x is -1; start from a = c = 0, run "
                     "lstm_cell_torch over t and return Wy a<t> + by for every t (no softmax), shape (V, m, T). "
                     "(Also check lstm_cell_torch.)")


def check_lm_loss(lm_loss_student, seed=None):
    """The masked cross-entropy, summed over steps and averaged over examples."""
    for rng, (V, n_a, m) in problem_rngs(SHAPES, seed):
        parameters = _lm_parameters(rng, V, n_a)
        x, y, _ = _batch(rng, V, m)
        expected = masked_cross_entropy(torch.tensor(_reference_logits(parameters, x)), y)
        returned = call_student("lm_loss", lm_loss_student, _tensors(parameters), x, y)
        expect_close("the loss returned by lm_loss", _numpy("loss", returned), _numpy("loss", expected),
                     "sum -log softmax(logits)[target] over the real steps (targets of -1 are padding and add "
                     "nothing), then divide by the number of examples m, not by the number of steps. "
                     "(Also check lm_forward.)")


def _check_samples(sample_student, seed, temperatures, hint):
    for rng, (V, n_a, _) in problem_rngs(SHAPES, seed):
        parameters = _lm_parameters(rng, V, n_a)
        vocab = Vocabulary([chr(ord("a") + k) for k in range(V - 2)])
        model = LanguageModel(V, n_a, "lstm", input="one_hot", device="cpu", dtype=torch.float64)
        numpy_to_layer({k: v for k, v in parameters.items() if k not in ("Wy", "by")}, model.recurrent)
        with torch.no_grad():
            model.Wy.copy_(torch.tensor(parameters["Wy"]))
            model.by.copy_(torch.tensor(parameters["by"]))
        for temperature in temperatures:
            for draw_seed in rng.integers(2**31, size=3):
                generator = torch.Generator().manual_seed(int(draw_seed))
                expected = reference_sample(model, vocab, 1, temperature, 12, generator)[0]
                returned = call_student("sample_torch", sample_student, _tensors(parameters), vocab.eos_index,
                                        vocab.unk_index, seed=int(draw_seed), temperature=temperature, max_length=12)
                try:
                    text = vocab.decode([int(index) for index in returned])
                except (TypeError, ValueError) as error:
                    raise CheckFailed(f"sample_torch must return a list of indices in [0, V): {error}") from None
                if text != expected:
                    raise CheckFailed(f"sample_torch(temperature={temperature}) drew a different sequence than the "
                                      f"model's distribution with the same generator. Likely cause: {hint}")


def check_sample_torch(sample_torch_student, seed=None):
    """Draws at temperature 1."""
    _check_samples(sample_torch_student, seed, (1.0,),
                   "start from x = 0 and a = c = 0; each step's scores are the logits Wy a + by (shape (1, V)) with "
                   "<UNK> set to -inf; draw with draw(scores, generator) (not argmax); feed the one-hot of the drawn "
                   "index back; stop after <EOS> or max_length.")


def check_sample_torch_temperature(sample_torch_student, seed=None):
    """Draws at temperatures below and above 1."""
    _check_samples(sample_torch_student, seed, (0.5, 2.0),
                   "at temperature T divide the logits by T before the softmax (T < 1 sharpens, T > 1 flattens).")


GRADED_TESTS = [
    GradedTest("numpy_lstm_cell_forward", ("lstm_cell_forward",), 1, check_lstm_cell_forward),
    GradedTest("lstm_cell_torch", ("lstm_cell_torch",), 2, check_lstm_cell_torch),
    GradedTest("lm_forward", ("lm_forward",), 2, check_lm_forward),
    GradedTest("lm_loss", ("lm_loss",), 1, check_lm_loss),
    GradedTest("sample_torch", ("sample_torch",), 1, check_sample_torch),
    GradedTest("sample_torch_temperature", ("sample_torch",), 1, check_sample_torch_temperature),
]
