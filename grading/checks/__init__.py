"""Hidden checks: the grading-time tests of every assignment.

Each module ``grading.checks.<assignment>`` defines check functions and a
table ``GRADED_TESTS`` of :class:`GradedTest` rows, one per autograded test
cell of the assignment's notebook (its nbgrader ``grade_id``).

A check takes the student's function(s), calls them only with plain data
(NumPy arrays, dicts and tuples of them, numbers, strings; tensors for the
torch assignment), compares what they return with ``reference_impl`` within
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

The hidden test cells of the source notebooks call :func:`run_hidden_check`.
"""
import copy
import hashlib
import importlib
from dataclasses import dataclass
from typing import Callable, Tuple

import numpy as np


class CheckFailed(AssertionError):
    """A student's function returned something wrong; the message says what and why."""


@dataclass(frozen=True)
class GradedTest:
    """One autograded test cell: its grade_id, the functions it grades, its points, its check."""

    grade_id: str
    functions: Tuple[str, ...]
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


def problem_rngs(shapes, seed=None):
    """Yield ``(rng, shape)`` for every shape in ``shapes``.

    seed None draws fresh entropy for each shape (grading time); an int gives
    the same problems every run (public tests).
    """
    seeds = np.random.SeedSequence(seed).spawn(len(shapes))
    for child, shape in zip(seeds, shapes):
        yield np.random.default_rng(child), shape


def call_student(name, function, *args, **kwargs):
    """Call a student's function on deep copies of the arguments.

    Copies keep a function that changes its inputs in place from changing the
    reference's inputs; an exception becomes a CheckFailed naming the function.
    """
    args = copy.deepcopy(args)
    kwargs = copy.deepcopy(kwargs)
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise CheckFailed(f"{name} is not implemented yet (it raises NotImplementedError).") from None
    except CheckFailed:
        raise
    except Exception as error:  # any student error is a failed check, not a crash
        raise CheckFailed(f"{name} raised {type(error).__name__}: {error}") from None


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
    if missing:
        raise CheckFailed(f"{name} is missing keys {missing}; expected keys {list(keys)}.")
    return value


def expect_close(name, actual, expected, hint, rtol=1e-5, atol=1e-7):
    """Raise CheckFailed unless ``actual`` has the shape of ``expected`` and is close to it.

    Arguments:
    name -- what the value is, as the student knows it ("a_next", "gradients['dWaa']")
    actual -- what the student's function returned
    expected -- the reference value
    hint -- the likely cause of wrong values, shown to the student
    """
    expected = np.asarray(expected, dtype=float)
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{name} must be a numeric array of shape {expected.shape}, got {type(actual).__name__}."
        ) from None
    if actual.shape != expected.shape:
        raise CheckFailed(
            f"{name} has shape {actual.shape}, expected {expected.shape}. "
            "Check the order of the factors in each matrix product and which axis you sum over."
        )
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
