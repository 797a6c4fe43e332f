"""Hidden checks: the grading-time tests of every assignment.

Each module ``grading.checks.<assignment>`` defines check functions and a
table ``GRADED_TESTS`` of :class:`GradedTest` rows, one per autograded test
cell of the assignment's notebook (its nbgrader ``grade_id``).

A check takes the student's function(s), calls them only with plain data
(NumPy arrays, dicts and tuples of them, numbers, strings; tensors for the
torch assignment; a reference_impl.text.Vocabulary for the samplers, which
crosses into the sandbox as its tokens), compares what they return with ``reference_impl`` within
tolerances and raises :class:`CheckFailed` with a message that names the
wrong output, its expected shape and the likely cause. The hardened grader
draws the inputs from :func:`submission_seed` (a hash of the submitted file,
the assignment and the student), so grading the same file twice gives the same
points and messages, while values printed by the public tests, which run the
same checks on seed 0, do not help.

Every check separates right from wrong with an error probability far below
1e-6 in both directions: the inputs are chosen where the known wrong variants
differ from the right answer by much more than the tolerance (and the
tolerance is far above rounding noise), and probabilistic outputs (samples)
are compared over enough draws that a wrong distribution cannot match them all
by chance.

Every call goes through :func:`call_student`: a function that changes an input
in place (one the notebook uses again) fails the part with a message naming
that input, and the torch checks differentiate through the student's
functions with :func:`call_student_with_gradients`. In the grader both happen
in the sandbox (grading.session reports the changes and runs autograd there);
in a notebook (the public tests) in the student's own process.

The hidden test cells of the source notebooks call :func:`run_hidden_check`
(stock nbgrader, fresh inputs on every run).
"""
import copy
import functools
import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from reference_impl.text import EOS, UNK, Vocabulary


class CheckFailed(AssertionError):
    """A student's function returned something wrong; the message says what and why."""


@dataclass(frozen=True)
class GradedTest:
    """One autograded test cell: its grade_id, the functions it grades, its points, its check."""

    grade_id: str
    functions: tuple[str, ...]
    points: float
    check: Callable


def submission_seed(content, assignment, student=""):
    """The seed of a submission's checks: a 63-bit int from its bytes, the assignment and the student.

    The same file graded again gets the same inputs (the same points and
    messages); another file, assignment or student gets other inputs.
    """
    if isinstance(content, str):
        content = content.encode()
    digest = hashlib.sha256()
    for part in (assignment.encode(), str(student).encode(), bytes(content)):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return int.from_bytes(digest.digest()[:8], "little") >> 1


def special_vocabulary(rng, V):
    """A character Vocabulary of V tokens whose <EOS> and <UNK> sit at drawn positions.

    <EOS> is never at index 0 and <UNK> never at index 1 (where reference_impl.text.Vocabulary puts
    them), so code that hard-codes those indices instead of using the arguments fails.
    """
    letters = iter(chr(ord("a") + k) for k in range(V - 2))
    eos_index = int(rng.integers(1, V))
    unk_index = int(rng.choice([k for k in range(V) if k not in (1, eos_index)]))
    return Vocabulary.from_ordered_tokens([EOS if k == eos_index else UNK if k == unk_index else next(letters)
                                           for k in range(V)])


def problem_rngs(shapes, seed=None):
    """Yield ``(rng, shape)`` for every shape in ``shapes``.

    seed None draws fresh entropy for each shape (grading time); an int gives
    the same problems every run (public tests).
    """
    seeds = np.random.SeedSequence(seed).spawn(len(shapes))
    for child, shape in zip(seeds, shapes):
        yield np.random.default_rng(child), shape


def draw_seeds(rng, ends_with_eos, draws):
    """Seeds of the samples drawn for one problem: ``draws`` of them, more until one ended with <EOS>.

    ``ends_with_eos(seed)`` says whether the reference's sequence drawn with ``seed`` ended with <EOS>;
    one that did makes sampling past <EOS> or leaving it out show. Samples are compared index for index
    with the reference's, drawn from the same generator: a wrong distribution or recurrence changes a
    sequence from its first differing draw on, so over many long sequences it cannot match them all.
    """
    found = False
    for count in range(4 * draws):
        seed = int(rng.integers(2**31))
        found = ends_with_eos(seed) or found
        yield seed
        if count + 1 >= draws and found:
            return


class SamplingProblem(NamedTuple):
    """One model and temperature of a sampler check.

    arguments -- what the student's sampler gets before seed=, temperature= and max_length=
    reference -- draw seed -> the indices the reference draws with it (cached)
    """

    arguments: tuple
    eos_index: int
    temperature: float
    max_length: int
    reference: Callable


def sampling_problem(rng, arguments, eos_index, temperature, max_length, reference, draws):
    """(SamplingProblem, its draw seeds) with ``reference(seed)`` cached; see draw_seeds."""
    problem = SamplingProblem(arguments, eos_index, temperature, max_length, functools.lru_cache(maxsize=None)(reference))
    return problem, draw_seeds(rng, lambda seed: problem.reference(seed)[-1] == eos_index, draws)


def check_samples(name, sample_student, problems, hint):
    """Compare the student's samples with the reference's, index for index, on (problem, seeds) pairs.

    Every sampler of the course is called as ``name(parameters, vocab, seed=, temperature=, max_length=)``;
    a TypeError (an older or other signature) gets that call named in its message.
    """
    for problem, seeds in problems:
        for draw_seed in seeds:
            try:
                returned = call_student(name, sample_student, *problem.arguments, seed=draw_seed,
                                        temperature=problem.temperature, max_length=problem.max_length)
            except CheckFailed as failure:
                if not str(failure).startswith(f"{name} raised TypeError"):
                    raise
                raise CheckFailed(f"{failure} (the check calls {name}(parameters, vocab, seed=..., "
                                  "temperature=..., max_length=...))") from None
            compare_indices(f"{name}(temperature={problem.temperature})", returned, problem.reference(draw_seed),
                            problem.eos_index, hint)


def compare_indices(function, returned, expected, eos_index, hint):
    """Raise CheckFailed unless ``returned`` is the list of ints ``expected``; say where they part."""
    try:
        returned = [int(index) for index in returned]
    except (TypeError, ValueError):
        raise CheckFailed(f"{function} must return a list of int indices, got {type(returned).__name__}.") from None
    if returned == expected:
        return
    common = next((t for t, (a, b) in enumerate(zip(returned, expected)) if a != b), min(len(returned), len(expected)))
    if common == len(expected) and expected[-1] == eos_index:
        why = f"it went on drawing after <EOS> (index {eos_index}); stop right after appending it."
    elif common == len(returned) and common < len(expected) and expected[common] == eos_index:
        why = f"it left out the final <EOS> (index {eos_index}); append it, then stop."
    else:
        why = f"index {common} of the sequence differs. Likely cause: {hint}"
    raise CheckFailed(f"{function} returned {len(returned)} indices, expected {len(expected)} drawn with the same "
                      f"generator (<EOS> is index {eos_index} here): {why}")


# Inputs that a function may change in place, by position: the notebook uses them again only through what
# the function returns (train_names rebinds the parameters optimize returns, as after an in-place SGD
# step; optimize never reads the gradients again once clip_by_global_norm has clipped them, as with
# torch's clip_grad_norm_; rnn_numerical_gradients may perturb x, a0 and the parameters in place and
# restore them: "+= eps, -= 2 eps, += eps" leaves rounding-level changes, and an entry left perturbed
# shows in the gradients themselves at the check's large steps; bidirectional_backward and deep_backward
# may consume the cache, which their own forward pass built for them alone). Every other input of every
# graded function is used again by the notebook's later cells (the upstream gradient of BPTT by the
# gradient check, the parameters after sampling, the caches of the notebook's layout by a second backward
# pass): changing it costs the part.
MAY_CHANGE_IN_PLACE = {"optimize": {3}, "clip_by_global_norm": {0}, "rnn_numerical_gradients": {0, 1, 2},
                       "bidirectional_backward": {1}, "deep_backward": {1}}


def _describe(change):
    """'parameters['Wax']' for a change reported by grading.sandbox_child.call_and_compare."""
    if change["keyword"] is not None:
        base = change["keyword"]
    else:
        base = change["parameter"] or f"argument {change['position'] + 1}"
    return base + "".join(f".{step}" if kind == "attribute" else f"[{step!r}]" for kind, step in change["path"])


def _refuse_mutations(name, changed):
    """CheckFailed naming the inputs in ``changed`` ((position, keyword, description) triples) that may not change."""
    allowed = MAY_CHANGE_IN_PLACE.get(name, set())
    names = [description for position, keyword, description in changed if keyword is not None or position not in allowed]
    if names:
        raise CheckFailed(f"{name} changed its input {', '.join(dict.fromkeys(names))} in place; the notebook uses "
                          "that input again after the call, so work on a copy (x = x.copy() of an array, x = x.clone() "
                          "of a tensor, or new arrays) instead of modifying what you were given.")


def _student_error(name, error):
    if isinstance(error, NotImplementedError):
        return CheckFailed(f"{name} is not implemented yet (it raises NotImplementedError).")
    kind, text = type(error).__name__, str(error)
    # an error of the sandbox (grading.session) arrives with its type already in front of its message
    return CheckFailed(f"{name} raised {text if text.startswith(kind + ': ') else f'{kind}: {text}'}")


def call_student(name, function, *args, **kwargs):
    """Call a student's function; CheckFailed if it raises or changes one of its inputs in place.

    In the grader ``function`` is a proxy of the sandbox (grading.session), which calls it on copies of
    the arguments and reports what the call changed (``last_call.mutations``). In a notebook (public
    tests) it is the student's own function: it gets deep copies, compared with untouched copies after
    the call, so the check's own arrays never change either way. ``name`` is the function's name
    (MAY_CHANGE_IN_PLACE lists the inputs it may change).
    """
    return _call(name, function, args, kwargs, None)


def call_student_with_gradients(name, function, args, wrt, weights):
    """(value, gradients): call_student, and autograd's gradients of sum(value * weights) w.r.t. ``wrt``.

    ``wrt`` lists paths of input tensors, a position then keys (``[(0, "Wf"), (1,)]``); ``weights`` has
    the structure of the value (a tensor, or a tuple with one tensor per item). Gradients come back in
    the order of ``wrt``, None for an input the value does not depend on through autograd (a detached
    computation). In the grader the backward pass runs in the sandbox (``proxy.with_gradients``).
    """
    return _call(name, function, args, {}, (list(wrt), weights))


def _call(name, function, args, kwargs, gradients):
    try:
        if hasattr(function, "last_call"):  # a proxy: the sandbox copies, compares and differentiates
            if gradients is None:
                value, grads = function(*args, **kwargs), None
            else:
                value, grads = function.with_gradients(args=args, kwargs=kwargs, wrt=gradients[0], weights=gradients[1])
            changed = [(m.position, m.keyword, m.describe()) for m in function.last_call.mutations]
        else:  # the student's own function, in this process (public tests): the same comparison on deep copies
            from grading.sandbox_child import call_and_compare  # (grading.session needs Linux; this does not)

            value, changes, grads = call_and_compare(
                function, list(copy.deepcopy(args)), copy.deepcopy(kwargs),
                None if gradients is None else {"wrt": gradients[0], "weights": gradients[1]})
            changed = [(m["position"], m["keyword"], _describe(m)) for m in changes]
    except CheckFailed:
        raise
    except Exception as error:  # any student error is a failed check, not a crash
        raise _student_error(name, error) from None
    _refuse_mutations(name, changed)
    return value if gradients is None else (value, grads)


def expect_tuple(name, value, length):
    """Raise CheckFailed unless ``value`` is a tuple or list of ``length`` items."""
    if not isinstance(value, (tuple, list)) or len(value) != length:
        got = f"{type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
        raise CheckFailed(f"{name} must return {length} values, got {got}.")
    return value


def expect_keys(name, value, keys):
    """Raise CheckFailed unless ``value`` is a dict holding every key in ``keys``."""
    if not isinstance(value, dict):
        raise CheckFailed(f"{name} must be a dict with keys {list(keys)}, got {type(value).__name__}.")
    missing = [key for key in keys if key not in value]
    if missing:  # worded for any name, singular or plural ("the gradients returned by ...")
        raise CheckFailed(f"Keys missing from {name}: {missing} (expected the keys {list(keys)}).")
    return value


def expect_structure(name, value, expected, hint):
    """Raise CheckFailed unless ``value`` is laid out as ``expected`` and holds its values.

    For what a later cell of the notebook unpacks, such as a cache: a tuple or list in ``expected`` needs a
    tuple or list of as many items, a dict the same keys, and an array or number a close value (the same shape
    and values). ``hint`` says what the layout is and who reads it; items are named by their index
    (``cache[3]['Wax']``).
    """
    if isinstance(expected, (tuple, list)):
        if type(value).__name__ == "Handle":
            # an object of the student's own class, kept in the grading sandbox: the later cells only pass
            # it back to the student's own functions, so its layout is theirs to choose
            return
        if not isinstance(value, (tuple, list, str, dict, np.ndarray)) and hasattr(value, "__iter__"):
            value = tuple(value)  # a class of the student's that unpacks like the tuple
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            got = f"{type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
            raise CheckFailed(f"{name} must hold {len(expected)} items, got {got}. {hint}")
        for k, (item, expected_item) in enumerate(zip(value, expected)):
            expect_structure(f"{name}[{k}]", item, expected_item, hint)
    elif isinstance(expected, dict):
        expect_keys(name, value, list(expected))
        for key, expected_item in expected.items():
            expect_structure(f"{name}[{key!r}]", value[key], expected_item, hint)
    else:
        expect_close(name, value, expected, hint, shape_hint=hint)


# The likely cause of a wrong shape, when the caller gives none: for an array, the products that make it;
# for one number, an array in its place.
PRODUCT_SHAPE_HINT = "Check the order of the factors in each matrix product and which axis you sum over."
NUMBER_SHAPE_HINT = "It should be one number (a float), not an array."


def expect_close(name, actual, expected, hint, rtol=1e-5, atol=1e-7, shape_hint=None):
    """Raise CheckFailed unless ``actual`` has the shape of ``expected`` and is close to it.

    Arguments:
    name -- what the value is, as the student knows it ("a_next", "gradients['dWaa']")
    actual -- what the student's function returned
    expected -- the reference value
    hint -- the likely cause of wrong values, shown to the student
    shape_hint -- the likely cause of a wrong shape (default: PRODUCT_SHAPE_HINT for an array, as of a layer's
                  output or a gradient; NUMBER_SHAPE_HINT for one number)
    """
    expected = np.asarray(expected, dtype=float)
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{name} must be a numeric array of shape {expected.shape}, got {type(actual).__name__}."
        ) from None
    if actual.shape != expected.shape:
        if shape_hint is None:
            shape_hint = NUMBER_SHAPE_HINT if expected.ndim == 0 else PRODUCT_SHAPE_HINT
        raise CheckFailed(f"{name} has shape {actual.shape}, expected {expected.shape}. {shape_hint}")
    if not np.all(np.isfinite(actual)):
        raise CheckFailed(f"{name} contains NaN or inf (expected shape {expected.shape}). {hint}")
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(actual - expected)))
        raise CheckFailed(
            f"{name} has the right shape {expected.shape} but wrong values "
            f"(largest difference {worst:.3g}). Likely cause: {hint}"
        )


def graded_tests(assignment):
    """The GRADED_TESTS table of ``grading.checks.<assignment>``, keyed by grade_id."""
    module = importlib.import_module(f"grading.checks.{assignment}")
    return {test.grade_id: test for test in module.GRADED_TESTS}


def student_functions(test, namespace):
    """The functions ``test`` grades, looked up by name in ``namespace``."""
    functions = []
    for name in test.functions:
        function = namespace.get(name)
        if not callable(function):
            raise CheckFailed(f"{name} is not defined: run the cell that defines it first.")
        functions.append(function)
    return functions


def run_check(assignment, grade_id, namespace, seed=None):
    """Run one graded test's check on the functions found in ``namespace``."""
    test = graded_tests(assignment)[grade_id]
    test.check(*student_functions(test, namespace), seed=seed)


def run_hidden_check(assignment, grade_id, namespace):
    """Entry point of a hidden test cell: fresh inputs, a message without the check's code.

    Raising a new exception outside the ``except`` block keeps the check's own
    frames (and so its source lines) out of the traceback that nbgrader stores
    and shows in the feedback.
    """
    message = None
    try:
        run_check(assignment, grade_id, namespace)
    except CheckFailed as failure:
        message = str(failure)
    except Exception as error:  # what the function returned could not even be compared
        message = f"the returned values could not be checked ({type(error).__name__}: {error})"
    if message is not None:
        raise CheckFailed(f"hidden test {grade_id} failed: {message}")
