"""The texts of the checks (grading.checks): grammatical for any name, each error named once, a hint that fits.

Issue 14 item 6: "the gradients ... is missing keys", "NameError: NameError: ...", a wrong-shape hint about
matrix products for a function that has none, and an LSTM backward hint that recites the whole recipe when
only one output is wrong.
"""
from pathlib import Path

import numpy as np
import pytest

from grading.checks import (
    NUMBER_SHAPE_HINT,
    PRODUCT_SHAPE_HINT,
    CheckFailed,
    call_student,
    expect_close,
    expect_keys,
    graded_tests,
)
from grading.handouts import _solution_namespace

REPO = Path(__file__).resolve().parent.parent


def _message(check, *functions):
    with pytest.raises(CheckFailed) as failure:
        check(*functions, seed=0)
    return str(failure.value)


def test_missing_keys_are_named_in_a_sentence_that_fits_a_plural_name():
    with pytest.raises(CheckFailed) as failure:
        expect_keys("the gradients returned by rnn_cell_backward", {"dxt": 1}, ("dxt", "dba"))
    assert str(failure.value) == ("Keys missing from the gradients returned by rnn_cell_backward: ['dba'] "
                                  "(expected the keys ['dxt', 'dba']).")


class _SandboxProxy:
    """What grading.session hands a check: a callable with ``last_call``; its errors carry their type in the text."""

    last_call = None

    def __call__(self, *args):
        raise NameError("NameError: name 'Wax' is not defined (in cell rnn_cell_forward_code, line 3)")


def test_an_error_of_the_students_function_is_named_once():
    with pytest.raises(CheckFailed) as failure:
        call_student("rnn_cell_forward", _SandboxProxy())
    assert str(failure.value) == ("rnn_cell_forward raised NameError: name 'Wax' is not defined "
                                  "(in cell rnn_cell_forward_code, line 3)")

    def in_this_process():
        return Wax  # noqa: F821 -- the student's undefined name

    with pytest.raises(CheckFailed) as failure:
        call_student("rnn_cell_forward", in_this_process)
    assert str(failure.value) == "rnn_cell_forward raised NameError: name 'Wax' is not defined"


def test_a_wrong_shape_of_one_number_says_so_and_speaks_of_no_matrix_product():
    with pytest.raises(CheckFailed) as failure:
        expect_close("relative_error(analytic, numeric)", np.zeros(3), 0.25, "a hint")
    assert str(failure.value) == f"relative_error(analytic, numeric) has shape (3,), expected (). {NUMBER_SHAPE_HINT}"


def test_a_wrong_shape_of_a_clipped_gradient_blames_no_matrix_product_but_a_gradient_does():
    clip = graded_tests("char_language_model")["clip_by_global_norm"]
    namespace = _solution_namespace(REPO, "char_language_model")

    def transposed_clip(gradients, max_norm):
        clipped, norm = namespace["clip_by_global_norm"](gradients, max_norm)
        return {name: value.T for name, value in clipped.items()}, norm

    message = _message(clip.check, transposed_clip)
    assert "matrix product" not in message and "keep the shape of each array" in message

    backward = graded_tests("rnn_step_by_step")["rnn_cell_backward_parameters"]
    cell_backward = _solution_namespace(REPO, "rnn_step_by_step")["rnn_cell_backward"]

    def transposed_dwax(da_next, cache):
        gradients = cell_backward(da_next, cache)
        return {**gradients, "dWax": gradients["dWax"].T}

    assert _message(backward.check, transposed_dwax).endswith(PRODUCT_SHAPE_HINT)


@pytest.fixture(scope="module")
def lstm_cell_backward():
    return _solution_namespace(REPO, "gru_lstm")["lstm_cell_backward"]


@pytest.mark.parametrize("grade_id,key,says,not_says", [
    ("lstm_cell_backward_inputs", "dc_prev", "dc_prev = dc * gamma_f, where dc = dc_next", "dconcat"),
    ("lstm_cell_backward_inputs", "da_prev", "da_prev is the first n_a rows of dconcat", "dc_prev = dc * gamma_f"),
    ("lstm_cell_backward_parameters", "dbo", "output gate: dbo sums dzo over the m examples", "forget gate"),
    ("lstm_cell_backward_parameters", "dWf", "forget gate: dWf = dzf concat^T with dzf = dc * c_prev", "output gate"),
])
def test_the_lstm_backward_hint_is_the_step_of_the_one_wrong_output(lstm_cell_backward, grade_id, key, says, not_says):
    def one_wrong(da_next, dc_next, cache):
        gradients = lstm_cell_backward(da_next, dc_next, cache)
        return {**gradients, key: 2 * gradients[key]}

    message = _message(graded_tests("gru_lstm")[grade_id].check, one_wrong)
    assert message.startswith(f"gradients['{key}'] has the right shape") and says in message
    assert not_says not in message


def test_an_lstm_forward_without_its_step_caches_fails_its_check():
    """Issue 14 item 7: lstm_backward unpacks the caches of lstm_forward; a forward that keeps no step cache fails."""
    lstm_forward = _solution_namespace(REPO, "gru_lstm")["lstm_forward"]

    def no_step_caches(x, a0, parameters):
        a, y, c, (_, x_seen) = lstm_forward(x, a0, parameters)
        return a, y, c, ([], x_seen)

    message = _message(graded_tests("gru_lstm")["lstm_forward"].check, no_step_caches)
    assert message.startswith("caches[0] must hold ") and "lstm_backward unpacks it" in message
