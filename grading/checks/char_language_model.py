"""Hidden checks of assignment 2, the character-level language model.

Students get plain data: encoded names (lists of indices ending with the
<EOS> index), the vocabulary size, and for sampling a Vocabulary whose <EOS>
and <UNK> sit at drawn positions, of a drawn size (special_vocabulary; it
crosses into the sandbox as its tokens, grading.sandbox_child).
Sampling is compared index for index: the notebook fixes the random generator
(``np.random.default_rng(seed)``, one ``rng.choice(V, p=p)`` per step).
"""
import functools

import numpy as np

from reference_impl import clip_by_global_norm, rnn_model_backward, rnn_model_forward, sgd_update
from reference_impl.char_lm import language_model_batch, train_char_lm
from reference_impl.rnn import initialize_rnn_parameters
from reference_impl.sampling import sample

from . import (
    GradedTest,
    call_student,
    check_samples,
    expect_close,
    expect_keys,
    expect_tuple,
    problem_rngs,
    sampling_problem,
    special_vocabulary,
)

PARAMETER_NAMES = ("Wax", "Waa", "ba", "Wya", "by")
GRADIENT_NAMES = tuple("d" + name for name in PARAMETER_NAMES)
# (smallest and largest vocabulary size V including <EOS> and <UNK>, n_a); V is drawn in the range
SHAPES = [((5, 8), 4), ((8, 14), 7), ((5, 10), 3)]
# Samples (see checks.draw_seeds): at least DRAWS sequences per temperature and problem, each of up to
# MAX_LENGTH indices, from a model with weights of moderate size (flat enough distributions that the drawn
# tokens vary) whose <EOS> is a little rarer than the other tokens, so that sequences run long. Measured
# on the known wrong samplers (tests/test_grading_check_strictness.py), a check passes one of them with a
# probability below 1e-9 (upper confidence bound; the point estimates are below 1e-20).
DRAWS, MAX_LENGTH, EOS_LOGIT_SHIFT, SAMPLING_SCALE = 16, 40, -1.0, 0.8


def _vocabulary(rng, V_range):
    return special_vocabulary(rng, int(rng.integers(V_range[0], V_range[1] + 1)))


def _parameters(rng, V, n_a, scale=1.0):
    parameters = initialize_rnn_parameters(V, n_a, V, seed=int(rng.integers(2**31)))
    parameters["ba"] = rng.normal(size=(n_a, 1))
    parameters["by"] = rng.normal(size=(V, 1))
    return {name: scale * value for name, value in parameters.items()}


def _names(rng, vocab, count):
    letters = [token for token in vocab.index_to_token if len(token) == 1]
    return ["".join(rng.choice(letters, size=rng.integers(1, 6))) for _ in range(count)]


def check_clip_by_global_norm(clip_student, seed=None):
    """Clipped gradients and the norm, for norms above and below the threshold."""
    for rng, (V_range, n_a) in problem_rngs(SHAPES, seed):
        V = len(_vocabulary(rng, V_range))
        gradients = {name: rng.normal(size=value.shape) * 3 for name, value in zip(GRADIENT_NAMES, _parameters(rng, V, n_a).values())}
        for max_norm in (0.5, 1e3):
            expected, expected_norm = clip_by_global_norm(gradients, max_norm)
            returned = expect_tuple("clip_by_global_norm", call_student("clip_by_global_norm", clip_student, gradients, max_norm), 2)
            clipped = expect_keys("the clipped gradients", returned[0], GRADIENT_NAMES)
            expect_close("norm (second value returned)", returned[1], expected_norm,
                         "the global norm is the square root of the sum of the squares of every entry of every gradient.")
            for name in GRADIENT_NAMES:
                expect_close(
                    f"clipped['{name}'] with max_norm={max_norm}", clipped[name], expected[name],
                    "when the global norm exceeds max_norm, multiply every gradient by max_norm / norm; "
                    "otherwise leave them as they are (one factor for all gradients, not one per gradient).",
                    shape_hint=SAME_SHAPE_HINT,
                )


# clipping and an SGD step scale and subtract arrays: a wrong shape has no matrix product to blame
SAME_SHAPE_HINT = "Clipping and the update W - learning_rate * dW keep the shape of each array they are given."


def sampling_problems(seed, temperatures):
    """The (SamplingProblem, draw seeds) pairs of a sampler check (checks.check_samples)."""
    for rng, (V_range, n_a) in problem_rngs(SHAPES, seed):
        vocab = _vocabulary(rng, V_range)
        parameters = _parameters(rng, len(vocab), n_a, scale=SAMPLING_SCALE)
        parameters["by"][vocab.eos_index] += EOS_LOGIT_SHIFT
        for temperature in temperatures:
            yield sampling_problem(rng, (parameters, vocab), vocab.eos_index, temperature,
                                   MAX_LENGTH, functools.partial(sample, parameters, vocab, temperature=temperature,
                                                                 max_length=MAX_LENGTH), DRAWS)


def check_sample(sample_student, seed=None):
    """Draws at temperature 1."""
    check_samples(
        "sample", sample_student, sampling_problems(seed, (1.0,)),
        "start from x = 0 and a = 0; at every step draw one index with rng.choice(V, p=p) from the softmax output "
        "(not its argmax), with p[vocab.unk_index] = 0 and renormalised (use vocab.eos_index and vocab.unk_index "
        "of the vocab argument, not fixed numbers); feed back as the next x a fresh one-hot vector of the drawn index; stop after "
        "<EOS> (kept in the list) or max_length indices.",
    )


def check_sample_temperature(sample_student, seed=None):
    """Draws at temperatures below and above 1."""
    check_samples(
        "sample", sample_student, sampling_problems(seed, (0.5, 2.0)),
        "at temperature T the distribution is p^(1/T), renormalised (softmax(log(p) / T)); dividing p by T "
        "and renormalising changes nothing.",
    )


def _optimize_problem(rng, V_range, n_a):
    vocab = _vocabulary(rng, V_range)
    V = len(vocab)
    parameters = _parameters(rng, V, n_a)
    sequence = vocab.encode(_names(rng, vocab, 1)[0], add_eos=True)
    x, y, _ = language_model_batch([sequence], V)
    return x, y, np.zeros((n_a, 1)), parameters


def _optimize_outputs(optimize_student, seed):
    for rng, (V_range, n_a) in problem_rngs(SHAPES, seed):
        x, y, a0, parameters = _optimize_problem(rng, V_range, n_a)
        learning_rate, max_norm = 0.1, 0.5
        loss, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
        gradients = rnn_model_backward(cache)
        clipped, _ = clip_by_global_norm({name: gradients[name] for name in GRADIENT_NAMES}, max_norm)
        updated = sgd_update({name: value.copy() for name, value in parameters.items()}, clipped, learning_rate)
        returned = call_student("optimize", optimize_student, x, y, a0, parameters, learning_rate, max_norm)
        yield expect_tuple("optimize", returned, 3), (loss, clipped, updated)


def check_optimize_gradients(optimize_student, seed=None):
    """Loss and clipped gradients of one optimisation step."""
    for returned, (loss, clipped, _) in _optimize_outputs(optimize_student, seed):
        expect_close("loss (first value returned by optimize)", returned[0], loss,
                     "it is the loss rnn_model_forward returns for x, y, a0 and the parameters before the update.")
        expect_keys("gradients (second value returned by optimize)", returned[1], GRADIENT_NAMES)
        for name in GRADIENT_NAMES:
            expect_close(f"gradients['{name}']", returned[1][name], clipped[name],
                         "return the gradients of rnn_model_backward after clip_by_global_norm(gradients, max_norm): "
                         "clip the gradients, not the parameters. (Also check clip_by_global_norm.)",
                         shape_hint=SAME_SHAPE_HINT)


def check_optimize_update(optimize_student, seed=None):
    """Parameters after one optimisation step."""
    for returned, (_, _, updated) in _optimize_outputs(optimize_student, seed):
        expect_keys("parameters (third value returned by optimize)", returned[2], PARAMETER_NAMES)
        for name in PARAMETER_NAMES:
            expect_close(f"parameters['{name}'] after the update", returned[2][name], updated[name],
                         "W <- W - learning_rate * dW with the clipped gradient dW; clip the gradients, "
                         "then update, and do not clip the parameters.", shape_hint=SAME_SHAPE_HINT)


def check_train_names(train_student, seed=None):
    """Parameters and losses after a few iterations of one-name-at-a-time SGD."""
    for rng, (V_range, n_a) in problem_rngs(SHAPES[:2], seed):
        vocab = _vocabulary(rng, V_range)
        V = len(vocab)
        texts = _names(rng, vocab, 7)
        train_seed, iterations = int(rng.integers(2**31)), 12
        expected, history = train_char_lm(texts, vocab, n_a=n_a, num_iterations=iterations, batch_size=1,
                                          optimizer="sgd", learning_rate=0.05, max_norm=1.0, seed=train_seed,
                                          progress=False)
        sequences = [vocab.encode(text, add_eos=True) for text in texts]
        returned = expect_tuple("train_names", call_student(
            "train_names", train_student, sequences, V, n_a=n_a, num_iterations=iterations,
            learning_rate=0.05, max_norm=1.0, seed=train_seed,
        ), 2)
        hint = ("at iteration j take sequences[order[j % len(sequences)]], build x, y with language_model_batch, "
                "start from a zero state and call optimize once. (Also check optimize.)")
        expect_close("losses (second value returned by train_names)", returned[1], history["loss"], hint,
                     shape_hint="Return one loss per iteration: a list of num_iterations numbers.")
        expect_keys("parameters (first value returned by train_names)", returned[0], PARAMETER_NAMES)
        for name in PARAMETER_NAMES:
            expect_close(f"parameters['{name}'] after training", returned[0][name], expected[name], hint,
                         shape_hint=SAME_SHAPE_HINT)


GRADED_TESTS = [
    GradedTest("clip_by_global_norm", ("clip_by_global_norm",), 2, check_clip_by_global_norm),
    GradedTest("sample", ("sample",), 2, check_sample),
    GradedTest("sample_temperature", ("sample",), 1, check_sample_temperature),
    GradedTest("optimize_gradients", ("optimize",), 2, check_optimize_gradients),
    GradedTest("optimize_update", ("optimize",), 1, check_optimize_update),
    GradedTest("train_names", ("train_names",), 2, check_train_names),
]
