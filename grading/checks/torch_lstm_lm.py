"""Hidden checks of assignment 5, the LSTM language model in PyTorch.

Students receive CPU tensors (parameters as a dict of tensors) and int64
index tensors; the checks compare with the NumPy reference (the LSTM
equations) and with reference_impl.torch_models (loss, sampler):

- values, on problems in float64 (tight tolerances) and one in float32, where
  what comes back must be float32 on the inputs' device (no hard-coded dtype);
- gradients through autograd: the loss of the returned values is
  differentiated in the student's process with respect to the inputs and
  parameters, and compared with the reference's gradients, so a hidden state
  wrongly detached (same values, wrong gradients) fails;
- samples index for index (not as decoded text, which stops at the first
  <EOS>) with reference_impl.torch_models.sample's: the notebook's ``draw``
  helper fixes how an index is drawn from a generator seeded with the given
  seed; the sampler gets a Vocabulary whose <EOS> and <UNK> sit at drawn positions.
"""
import functools

import numpy as np
import torch

from reference_impl.lstm import (
    initialize_lstm_parameters,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
)
from reference_impl.text import one_hot
from reference_impl.torch_models import (
    LanguageModel,
    masked_cross_entropy,
    numpy_to_layer,
    pad_sequences,
    sample,
)

from . import (
    CheckFailed,
    GradedTest,
    call_student,
    call_student_with_gradients,
    check_samples,
    expect_close,
    expect_tuple,
    problem_rngs,
    sampling_problem,
    special_vocabulary,
)
from .gru_lstm import check_lstm_cell_forward

# (smallest and largest V including <EOS> and <UNK>, n_a, m, dtype of the tensors handed to the student)
SHAPES = [((5, 8), 4, 3, torch.float64), ((8, 12), 5, 1, torch.float32), ((5, 9), 3, 4, torch.float64)]
# float32 values are compared with the float64 reference at a tolerance well above float32 rounding
# (about 1e-7 relative per operation) and well below what a wrong equation changes
TOLERANCES = {torch.float64: {"rtol": 1e-6, "atol": 1e-8}, torch.float32: {"rtol": 1e-4, "atol": 1e-5}}
RECURRENT = tuple(f"{kind}{gate}" for gate in "fico" for kind in "Wb")
CELL_HINT = ("the same equations as your NumPy cell, with torch operations: concat = torch.cat([a_prev, xt]), "
             "torch.sigmoid, torch.tanh, @ for matrix products.")
GRADIENT_HINT = ("the values are right but autograd's gradients through them are not: do not detach the state "
                 "(.detach(), .item(), .numpy(), torch.no_grad() or a new tensor built from its values) between steps.")
# Samples: see checks.draw_seeds. Compared in float64, where rounding cannot move a draw. The forget
# gates start open (as in the notebook's training), so that the memory cells grow beyond where tanh(c)
# is close to c (a sampler that forgets the tanh differs early); the output layer is scaled down and
# <EOS> made rarer, so that the drawn tokens vary and sequences run long. Measured on the known wrong
# samplers (tests/test_grading_check_strictness.py), a check passes one of them with a probability
# below 1e-8 (upper confidence bound; the point estimates are below 1e-17).
DRAWS, MAX_LENGTH, EOS_LOGIT_SHIFT, FORGET_BIAS_SHIFT, OUTPUT_SCALE = 16, 40, -2.0, 1.5, 0.5


def _numpy(name, value, dtype=None):
    """A returned tensor as float64 NumPy; CheckFailed unless it is a CPU tensor of ``dtype`` (when given)."""
    if not isinstance(value, torch.Tensor):
        raise CheckFailed(f"{name} must be a torch tensor, got {type(value).__name__}.")
    if dtype is not None and value.dtype != dtype:
        raise CheckFailed(f"{name} has dtype {value.dtype}, expected {dtype}, the dtype of the inputs: create new "
                          "tensors with dtype=... and device=... of the inputs (or torch.zeros_like), not a fixed dtype.")
    if value.device.type != "cpu":
        raise CheckFailed(f"{name} is on {value.device}, expected the inputs' device, cpu.")
    return value.detach().cpu().to(torch.float64).numpy()


def _tensors(parameters, dtype=torch.float64):
    return {name: torch.tensor(value, dtype=dtype) for name, value in parameters.items()}


def _rounded(parameters, dtype):
    """The NumPy parameters as the student sees them in ``dtype`` (float32 rounding included)."""
    return {name: value.astype(np.float32).astype(np.float64) if dtype == torch.float32 else value
            for name, value in parameters.items()}


def _lm_parameters(rng, V, n_a, dtype=torch.float64):
    parameters = initialize_lstm_parameters(V, n_a, V, seed=int(rng.integers(2**31)))
    for name in parameters:
        if name.startswith("b"):
            parameters[name] = rng.normal(size=parameters[name].shape)
    parameters["Wya"] = 2 * parameters["Wya"]
    return _rounded(parameters, dtype)


def _vocabulary(rng, V_range):
    return special_vocabulary(rng, int(rng.integers(V_range[0], V_range[1] + 1)))


def _batch(rng, vocab, m):
    letters = [k for k in range(len(vocab)) if k not in (vocab.eos_index, vocab.unk_index)]
    sequences = [[int(k) for k in rng.choice(letters, size=rng.integers(1, 6))] + [vocab.eos_index] for _ in range(m)]
    return pad_sequences(sequences)


def _expect_gradients(function, names, gradients, expected, tolerance):
    """Compare autograd's gradients (aligned with ``names``) with the reference's."""
    for name, gradient in zip(names, gradients):
        if gradient is None:
            raise CheckFailed(f"the gradient of {function}'s value with respect to {name} is missing: the value does "
                              f"not depend on {name} through autograd. Likely cause: {GRADIENT_HINT}")
        expect_close(f"the gradient with respect to {name} through {function}", _numpy(name, gradient),
                     expected[name], GRADIENT_HINT, **tolerance)


def check_lstm_cell_torch(lstm_cell_torch_student, seed=None):
    """a_next and c_next of the torch cell, their dtype, and their gradients through autograd."""
    for rng, (V_range, n_a, m, dtype) in problem_rngs(SHAPES, seed):
        V = int(rng.integers(V_range[0], V_range[1] + 1))
        parameters = _lm_parameters(rng, V, n_a, dtype)
        xt, a_prev, c_prev = (_rounded({"": rng.normal(size=shape)}, dtype)[""] for shape in ((V, m), (n_a, m), (n_a, m)))
        weight_a, weight_c = rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
        a_next, c_next, _, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
        reference = lstm_cell_backward(weight_a, weight_c, cache)
        expected = {"xt": reference["dxt"], "a_prev": reference["da_prev"], "c_prev": reference["dc_prev"],
                    **{f"parameters['{name}']": reference["d" + name] for name in RECURRENT}}
        recurrent = {name: parameters[name] for name in RECURRENT}
        returned, gradients = call_student_with_gradients(
            "lstm_cell_torch", lstm_cell_torch_student,
            [torch.tensor(xt, dtype=dtype), torch.tensor(a_prev, dtype=dtype), torch.tensor(c_prev, dtype=dtype),
             _tensors(recurrent, dtype)],
            wrt=[(0,), (1,), (2,)] + [(3, name) for name in RECURRENT],
            weights=(torch.tensor(weight_a, dtype=dtype), torch.tensor(weight_c, dtype=dtype)))
        returned = expect_tuple("lstm_cell_torch", returned, 2)
        tolerance = TOLERANCES[dtype]
        expect_close("c_next (second value returned by lstm_cell_torch)", _numpy("c_next", returned[1], dtype), c_next,
                     CELL_HINT, **tolerance)
        expect_close("a_next (first value returned by lstm_cell_torch)", _numpy("a_next", returned[0], dtype), a_next,
                     CELL_HINT, **tolerance)
        _expect_gradients("lstm_cell_torch", list(expected), gradients, expected, tolerance)


def _reference_model(parameters):
    """reference_impl's LanguageModel (float64, one-hot inputs) holding ``parameters``."""
    V, n_a = parameters["Wya"].shape
    model = LanguageModel(V, n_a, "lstm", input="one_hot", device="cpu", dtype=torch.float64)
    numpy_to_layer({name: parameters[name] for name in RECURRENT}, model.recurrent)
    with torch.no_grad():
        model.Wya.copy_(torch.tensor(parameters["Wya"]))
        model.by.copy_(torch.tensor(parameters["by"]))
    return model


def _reference_gradients(model, loss):
    """d loss / d every parameter of the reference model, keyed as the student's parameters dict."""
    named = dict(model.recurrent.cell.named_parameters(), Wya=model.Wya, by=model.by)
    gradients = torch.autograd.grad(loss, list(named.values()))
    return {f"parameters['{name}']": gradient.numpy() for name, gradient in zip(named, gradients)}


def _reference_logits(parameters, x):
    inputs = one_hot(x.numpy(), parameters["Wya"].shape[0])
    a, _, _, _ = lstm_forward(inputs, np.zeros((parameters["bf"].shape[0], x.shape[0])), parameters)
    return np.einsum("vn,nmt->vmt", parameters["Wya"], a) + parameters["by"][:, :, None]


def _lm_problems(seed):
    for rng, (V_range, n_a, m, dtype) in problem_rngs(SHAPES, seed):
        vocab = _vocabulary(rng, V_range)
        parameters = _lm_parameters(rng, len(vocab), n_a, dtype)
        x, y, _ = _batch(rng, vocab, m)
        yield rng, parameters, x, y, dtype


def check_lm_forward(lm_forward_student, seed=None):
    """Logits of the language model on a padded batch, their dtype, and their gradients through autograd."""
    hint = ("x<t> is the one-hot vector of x[:, t], the zero vector where x is -1; start from a = c = 0, run "
            "lstm_cell_torch over t and return Wya a<t> + by for every t (no softmax), shape (V, m, T). "
            "(Also check lstm_cell_torch.)")
    for rng, parameters, x, _, dtype in _lm_problems(seed):
        weights = rng.normal(size=(parameters["Wya"].shape[0],) + tuple(x.shape))
        model = _reference_model(parameters)
        logits, _ = model(x)
        expected = _reference_gradients(model, (logits * torch.tensor(weights)).sum())
        returned, gradients = call_student_with_gradients(
            "lm_forward", lm_forward_student, [x, _tensors(parameters, dtype)],
            wrt=[(1, name) for name in parameters], weights=torch.tensor(weights, dtype=dtype))
        expect_close("logits returned by lm_forward", _numpy("logits", returned, dtype),
                     _reference_logits(parameters, x), hint, **TOLERANCES[dtype])
        _expect_gradients("lm_forward", [f"parameters['{name}']" for name in parameters], gradients, expected,
                          TOLERANCES[dtype])


def check_lm_loss(lm_loss_student, seed=None):
    """The masked cross-entropy (summed over steps, averaged over examples), its dtype and its gradients."""
    hint = ("sum -log softmax(logits)[target] over the real steps (targets of -1 are padding and add nothing), "
            "then divide by the number of examples m, not by the number of steps. (Also check lm_forward.)")
    for _, parameters, x, y, dtype in _lm_problems(seed):
        model = _reference_model(parameters)
        loss = masked_cross_entropy(model(x)[0], y)
        expected = _reference_gradients(model, loss)
        returned, gradients = call_student_with_gradients(
            "lm_loss", lm_loss_student, [_tensors(parameters, dtype), x, y],
            wrt=[(0, name) for name in parameters], weights=None)
        expect_close("the loss returned by lm_loss", _numpy("loss", returned, dtype), loss.item(), hint,
                     **TOLERANCES[dtype])
        _expect_gradients("lm_loss", [f"parameters['{name}']" for name in parameters], gradients, expected,
                          TOLERANCES[dtype])


def sampling_problems(seed, temperatures):
    """The (SamplingProblem, draw seeds) pairs of a sampler check (checks.check_samples)."""
    for rng, (V_range, n_a, _, _) in problem_rngs(SHAPES, seed):
        vocab = _vocabulary(rng, V_range)
        parameters = _lm_parameters(rng, len(vocab), n_a)
        parameters["Wya"] *= OUTPUT_SCALE
        parameters["by"] *= OUTPUT_SCALE
        parameters["by"][vocab.eos_index] += EOS_LOGIT_SHIFT
        parameters["bf"] += FORGET_BIAS_SHIFT
        model = _reference_model(parameters)
        for temperature in temperatures:
            yield sampling_problem(rng, (_tensors(parameters), vocab), vocab.eos_index, temperature, MAX_LENGTH,
                                   functools.partial(sample, model, vocab, temperature=temperature,
                                                     max_length=MAX_LENGTH), DRAWS)


def _samples_in_float32(sample_torch_student, seed, temperature):
    """The sampler runs on the notebook's float32 weights and returns valid indices.

    Draws are compared with the reference in float64 only (float32 rounding could move a draw), so a
    sampler whose cell computes in a fixed float64 would pass them while failing on the notebook's
    float32 model; here only the dtype is new, and what comes back must be a sequence of indices.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(len(SHAPES) + 1)[-1])  # apart from the draws' problems
    vocab = _vocabulary(rng, SHAPES[0][0])
    parameters = _tensors(_lm_parameters(rng, len(vocab), SHAPES[0][1], torch.float32), torch.float32)
    function = f"sample_torch(temperature={temperature}) on float32 weights"
    returned = call_student("sample_torch", sample_torch_student, parameters, vocab,
                            seed=int(rng.integers(2**31)), temperature=temperature, max_length=MAX_LENGTH)
    try:
        indices = [int(index) for index in returned]
    except (TypeError, ValueError):
        raise CheckFailed(f"{function} must return a list of int indices, got {type(returned).__name__}.") from None
    valid = [i for i in indices if 0 <= i < len(vocab) and i != vocab.unk_index]
    ended = bool(indices) and (indices[-1] == vocab.eos_index or len(indices) == MAX_LENGTH)
    if len(valid) != len(indices) or not ended or vocab.eos_index in indices[:-1]:
        raise CheckFailed(f"{function} returned {indices}: expected indices below {len(vocab)}, never <UNK> "
                          f"(index {vocab.unk_index}), ending with <EOS> (index {vocab.eos_index}) or at max_length.")


def check_sample_torch(sample_torch_student, seed=None):
    """Draws at temperature 1, and a run on float32 weights."""
    _samples_in_float32(sample_torch_student, seed, 1.0)
    check_samples("sample_torch", sample_torch_student, sampling_problems(seed, (1.0,)),
                   "start from x = 0 and a = c = 0; each step's scores are the logits Wya a + by (shape (1, V)) with "
                   "scores[0, vocab.unk_index] = -inf (vocab.unk_index of the vocab argument, not a fixed number); draw with "
                   "draw(scores, generator) (not argmax); feed back a fresh one-hot vector of the drawn index; "
                   "stop after <EOS> (kept in the list) or max_length. (Also check lstm_cell_torch.)")


def check_sample_torch_temperature(sample_torch_student, seed=None):
    """Draws at temperatures below and above 1, and a run on float32 weights."""
    _samples_in_float32(sample_torch_student, seed, 0.5)
    check_samples("sample_torch", sample_torch_student, sampling_problems(seed, (0.5, 2.0)),
                   "at temperature T divide the logits by T before the softmax (T < 1 sharpens, T > 1 flattens).")


GRADED_TESTS = [
    GradedTest("numpy_lstm_cell_forward", ("lstm_cell_forward",), 1, check_lstm_cell_forward),
    GradedTest("lstm_cell_torch", ("lstm_cell_torch",), 2, check_lstm_cell_torch),
    GradedTest("lm_forward", ("lm_forward",), 2, check_lm_forward),
    GradedTest("lm_loss", ("lm_loss",), 1, check_lm_loss),
    GradedTest("sample_torch", ("sample_torch",), 1, check_sample_torch),
    GradedTest("sample_torch_temperature", ("sample_torch",), 1, check_sample_torch_temperature),
]
