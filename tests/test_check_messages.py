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


# ---- every text of the checks has a Chinese row (grading/locale/zh_CN/messages.po) ---------------------
# The checks' messages and the part descriptions are read from the source (tests/message_templates.py), so a
# new or changed message of any check is named here until its row follows.

# Texts of the public tests' runtime that no table translates, and why: ValueErrors of the helpers themselves
# (a corrupt handout, a call with an id or assignment the notebook does not have), raised to the caller as
# they are, not messages of a check.
NOT_MESSAGES = {
    "unknown entry in public_tests.json: {}": "a corrupt handout",
    "{} is not a graded part of {}; expected one of {}": "check() called with a grade_id the notebook lacks",
    "these helpers hold the public tests of {}, not {}": "check() called with another assignment's name",
}


def _without_a_row(rows):
    """'where: template' of every text the checks and the public tests can show that ``rows`` do not translate."""
    import re

    from grading.messages import Table
    from grading.translation import untranslated
    from message_templates import FIELD, all_templates, is_piece

    table, missing = Table(rows), []
    for template, where in all_templates().items():
        if template in NOT_MESSAGES:
            continue
        if is_piece(template):  # appended to another message: some row holds it, a field of the row at each field
            pattern = re.compile(r"\{\w+\}".join(re.escape(part) for part in template.split(FIELD)))
            covered = any(pattern.search(english) for english, _ in rows)
        else:
            covered = not untranslated(template.replace(FIELD, "x"), table)
        if not covered:
            missing.append(f"{where}: {template!r}")
    return missing


def test_every_message_and_part_description_of_the_checks_has_a_chinese_row():
    from grading.translation import message_rows

    assert _without_a_row(message_rows("zh")) == []


def test_a_message_or_description_without_a_row_is_named():
    from grading.translation import message_rows
    from message_templates import all_templates

    rows = message_rows("zh")
    dropped = ("{name} must be a torch tensor, got {type}.", "hidden test {grade_id} failed: {message}",
               "Draws at temperatures below and above 1.", "{name} raised {error} (line {line} of your cell, in {function})")
    missing = _without_a_row([row for row in rows if row[0] not in dropped])
    assert [line.split(": ", 1)[1] for line in missing] == [
        "'hidden test {} failed: {}'",
        "'hidden test {} failed: the returned values could not be checked ({}: {})'",
        "'{} must be a torch tensor, got {}.'",
        "' (line {} of your cell, in {})'",
        "'Draws at temperatures below and above 1.'",
    ]
    assert missing[0].startswith("grading/checks/__init__.py:") and missing[-1] == (
        "char_language_model:sample_temperature: 'Draws at temperatures below and above 1.'")
    # the reasons above still name texts of the runtime: none of them is stale
    assert set(NOT_MESSAGES) <= set(all_templates())


# ---- and no row of that table is stale -------------------------------------------------------------------
# A row is still needed while a text the checks, the public tests or the feedback show uses it. Two readings of
# the source find those texts: the templates (message_templates.all_templates, with the feedback's own words:
# the part headings of grading.feedback.part_heading, what grading.scoring writes around the checks' outcomes,
# the handout's check_all() cell), translated by the table as a student's message is, which credits a row that
# translates a template or one of its fields' values; and the string literals of the modules that write those
# texts, which every fixed piece of a row must occur in (the one-word headers of check_all()'s table, the lines
# of a printed difference and the sandbox's "(in cell, line)" are too short or too scattered for a template).
FEEDBACK_FUNCTIONS = {"grading/scoring.py": {"preprocess", "preprocess_cell"}}


def _producers():
    """The modules that write the texts: the checks, the grader's files the templates are read from, the feedback
    and the handouts."""
    from message_templates import CHECKS, GRADER_FUNCTIONS

    return [*CHECKS, *(REPO / path for path in GRADER_FUNCTIONS), REPO / "grading" / "feedback.py",
            REPO / "grading" / "handouts.py"]


def _shown_texts():
    """Every English text (a template: fields as message_templates.FIELD) the table may be asked to translate."""
    from grading import ASSIGNMENTS
    from grading.feedback import part_heading
    from grading.handouts import CHECK_ALL_TEXT
    from message_templates import all_templates, source_templates

    templates = set(all_templates())
    for path, functions in FEEDBACK_FUNCTIONS.items():
        templates.update(source_templates(REPO / path, functions))
    # the headings as written (their "(1 point(s))" is no template: it holds no two words in a row)
    templates.update(part_heading(test, extra_credit) for assignment in ASSIGNMENTS
                     for test in graded_tests(assignment).values() for extra_credit in (False, True))
    return templates | {CHECK_ALL_TEXT}


def _literals(paths):
    """Every string literal of ``paths``: constants, and the fixed parts of f-strings."""
    import ast

    return [node.value for path in paths for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def _rows_translating(templates, rows):
    """The English of the rows that Table.translate uses on ``templates`` (fields filled), or that a template can
    become with its fields filled in (a row for one value of a field), or that hold a piece some template appends."""
    import re

    from grading.messages import Table
    from message_templates import FIELD, is_piece

    table = Table(rows)
    english_of = {Table([(english, "")]).rows[0][1].pattern: english for english, _ in rows}
    used = set()

    def translate(text):  # as Table.translate_line, recording the rows it uses
        for _, pattern, _ in table.rows:
            match = pattern.fullmatch(text)
            if match is not None:
                used.add(english_of[pattern.pattern])
                for value in match.groupdict().values():
                    translate(value)
                return

    fillable = []
    for template in templates:
        filled = template.replace(FIELD, "x")
        for text in {filled, *filled.split("\n")}:
            translate(text)
        pattern = re.compile(r".+?".join(re.escape(part) for part in template.split(FIELD)), re.DOTALL)
        fillable.append((pattern, is_piece(template)))
    for english, _ in rows:
        filled = re.sub(r"\{\w+\}", "x", english)
        if any(pattern.search(filled) if piece else pattern.fullmatch(filled) for pattern, piece in fillable):
            used.add(english)
    return used


def _stale_rows(rows, templates, literals):
    """The English of every row that neither a template uses (_rows_translating) nor the literals hold."""
    import re

    used = _rows_translating(templates, rows)
    stale = []
    for english, _ in rows:
        pieces = [piece for piece in re.split(r"\{\w+\}", english) if re.search(r"[A-Za-z]{2,}", piece)]
        if english not in used and not all(any(piece in literal for literal in literals) for piece in pieces):
            stale.append(english)
    return stale


def test_every_row_of_the_message_table_translates_a_text_still_shown():
    from grading.translation import message_rows

    stale = _stale_rows(message_rows("zh"), _shown_texts(), _literals(_producers()))
    assert stale == [], ("rows of grading/locale/zh_CN/messages.po whose English no check, public test or "
                         "feedback shows any more (remove them):\n" + "\n".join(stale))


def test_a_row_no_check_shows_any_more_is_named_stale():
    from grading.translation import message_rows

    rows = message_rows("zh")
    retired = [("{name} is purple, expected {colour}.", "{name} 是紫色的，应为 {colour}。"),
               ("the gradients of the purple cell", "紫色单元的梯度"),
               # the row of a value of a field ("{why}"), after the check's wording changed ("final" -> "last")
               ("it left out the last <EOS> (index {index}); append it, then stop.", "漏掉了最后的 <EOS>（下标 {index}）。")]
    templates, literals = _shown_texts(), _literals(_producers())
    assert _stale_rows(rows + retired, templates, literals) == [english for english, _ in retired]
    # each way of being used counts, the templates' alone too: a row that translates a message, one that gives
    # a field's value, one that a template can become, a piece
    used = [("{name} must be a torch tensor, got {type}.", ""),
            ("{function} returned {n} indices, expected {m} drawn with the same generator (<EOS> is index {eos} "
             "here): {why}", ""),
            ("it left out the final <EOS> (index {index}); append it, then stop.", ""),
            ("Keys missing from x: {keys} (expected the keys y).", ""),
            ("{name} raised {error} (line {line} of your cell, in {function})", "")]
    assert _stale_rows(used, templates, []) == []


def test_the_templates_are_read_whole_from_the_checks():
    """Strings joined by + or f-strings, hints looked up in a dict, loop variables over written tuples."""
    from message_templates import all_templates

    templates = all_templates()
    assert ("{} returned {} indices, expected {} drawn with the same generator (<EOS> is index {} here): "
            "it left out the final <EOS> (index {}); append it, then stop.") in templates  # `why`, each of its values
    assert "dxt = Wax^T dz. " + rnn_step_by_step_backward_hint() in templates  # f"{key} = {factor}^T dz. " + HINT
    assert "the backward direction's gradients" in templates and "the {} direction's gradients" not in templates
    assert "output gate: dWo = dzo concat^T with dzo = da_next * tanh(c_next) * gamma_o * (1 - gamma_o)." in templates
    assert "It calls {}, whose public test fails too: fix them first." in templates  # after its "\n", one line
    assert "dWax, dWaa and dba of rnn_cell_backward." in templates  # a part description


def rnn_step_by_step_backward_hint():
    from grading.checks.rnn_step_by_step import BACKWARD_HINT

    return BACKWARD_HINT


def test_every_part_heading_of_chinese_feedback_is_chinese():
    """The feedback's heading of each part (grading.feedback.part_heading), its description included."""
    from grading import ASSIGNMENTS
    from grading.feedback import part_heading
    from grading.translation import message_table, needs_translation

    table = message_table("zh")
    for assignment in ASSIGNMENTS:
        for test in graded_tests(assignment).values():
            english, chinese = part_heading(test), part_heading(test, True, table)
            assert english.startswith(f"#### Part {test.grade_id}: ") and english.endswith(" point(s))")
            assert chinese.startswith(f"#### 部分 {test.grade_id}（附加分）：") and chinese.endswith(f"（{test.points:g} 分）")
            assert not needs_translation(chinese), chinese
