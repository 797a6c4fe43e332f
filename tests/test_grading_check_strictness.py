"""The hidden checks fail wrong work that earlier checks let through, and never fail right work.

Each mistake of tests/submissions/strict.py is graded for real (the
student's cells in the sandbox, the checks in this process) and must lose
exactly the parts it breaks. The probabilistic checks (samplers) and the
numerical-gradient check are also run in this process over many seeds: the
wrong variant must fail on every seed and the right one pass on every seed.
For the samplers this is also measured: the chance that a wrong sampler
matches every draw of a check is bounded with probe draws on the check's own
problems, and must stay below 1e-6. The numerical-gradient check picks its
inputs so that the analytic gradient and a one-sided difference fail by
construction.
Grading the same file twice gives the same points, messages and seed.
"""
import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grading.checks import (
    CheckFailed,
    char_language_model,
    graded_tests,
    special_vocabulary,
    submission_seed,
    torch_lstm_lm,
)
from grading.sandbox import Limits
from grading.scoring import score_notebook
from submissions import make_submission, submission_cases
from submissions.strict import STRICT

ROOT = Path(__file__).resolve().parent.parent
LIMITS = Limits(memory_bytes=3 << 30, cell_seconds=60.0, notebook_seconds=240.0)
CASES = [(assignment, name) for assignment, table in STRICT.items() for name in table]


def _notebooks(assignment):
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(ROOT / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    return source, release


def _functions(assignment, edits):
    """The graded functions of a submission, defined in this process (setup cell and solution cells only)."""
    source, _ = _notebooks(assignment)
    namespace = {"__name__": "submission"}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("grade_id") == "setup" or meta.get("solution")):
            exec(compile(edits.get(meta["grade_id"], cell.source), meta["grade_id"], "exec"), namespace)
    return namespace


def _outcomes(assignment, namespace, seed, grade_ids):
    """grade_id -> the failure message of its check on ``seed`` ('' when it passed)."""
    outcomes = {}
    for grade_id in grade_ids:
        test = graded_tests(assignment)[grade_id]
        try:
            test.check(*[namespace[name] for name in test.functions], seed=seed)
            outcomes[grade_id] = ""
        except CheckFailed as failure:
            outcomes[grade_id] = str(failure)
    return outcomes


@pytest.mark.parametrize("assignment, name", CASES)
def test_each_mistake_loses_exactly_its_parts_when_graded(assignment, name):
    edits, broken, why = STRICT[assignment][name]
    source, release = _notebooks(assignment)
    result = score_notebook(assignment, make_submission(source, release, edits), source, LIMITS, student=name)
    scored = {part.grade_id: part.points for part in result.parts}
    expected = {test.grade_id: 0.0 if test.grade_id in broken else float(test.points)
                for test in graded_tests(assignment).values()}
    assert scored == expected, (why, [part.message for part in result.parts if part.points < part.max_points])


# (assignment, mistake, seeds): the in-process runs, cheap because a wrong sampler fails at its first
# differing draw; the right solution is run on fewer seeds (it has to draw every sample)
SEEDED = [(assignment, name, 40) for assignment in ("rnn_step_by_step", "gru_lstm", "bidirectional_deep")
          for name in STRICT[assignment]] + \
         [("char_language_model", name, 40) for name in STRICT["char_language_model"]] + \
         [("torch_lstm_lm", name, 15) for name in STRICT["torch_lstm_lm"]]


@pytest.mark.parametrize("assignment, name, seeds", SEEDED)
def test_each_mistake_fails_its_checks_on_every_seed(assignment, name, seeds):
    edits, broken, _ = STRICT[assignment][name]
    namespace = _functions(assignment, edits)
    for seed in range(100, 100 + seeds):
        outcomes = _outcomes(assignment, namespace, seed, sorted(broken))
        assert all(outcomes.values()), (seed, outcomes)


def _upper_bound(matches, trials, confidence=0.999):
    """Clopper-Pearson upper bound of a probability seen ``matches`` times in ``trials``."""
    low, high = matches / trials, 1.0
    for _ in range(60):  # P(Binomial(trials, p) <= matches) falls as p grows: bisect where it is 1 - confidence
        middle = (low + high) / 2
        tail = sum(math.comb(trials, k) * middle**k * (1 - middle) ** (trials - k) for k in range(matches + 1))
        low, high = (middle, high) if tail > 1 - confidence else (low, middle)
    return high


def _log10_pass_bound(module, function_name, student, seed, temperatures, probes):
    """log10 of an upper bound on the chance that ``student`` matches every draw of a sampler check.

    Per problem of the check, the draws are independent given the problem: the chance that all n of them
    match is p**n, p the chance that one matches, bounded here from ``probes`` other draws.
    """
    total = 0.0
    for problem, seeds in module.sampling_problems(seed, temperatures):
        draws = len(list(seeds))
        matches = 0
        for probe in np.random.default_rng(seed).integers(2**31, size=probes):
            returned = student(*problem.arguments, seed=int(probe), temperature=problem.temperature,
                               max_length=problem.max_length)
            matches += [int(index) for index in returned] == problem.reference(int(probe))
        total += draws * math.log10(_upper_bound(matches, probes))
    return total


@pytest.mark.parametrize("assignment, name", [("char_language_model", "one_hot_not_reset"),
                                              ("torch_lstm_lm", "sampler_without_tanh"),
                                              ("torch_lstm_lm", "one_hot_not_reset")])
def test_a_wrong_sampler_passes_a_check_with_probability_below_one_in_a_million(assignment, name):
    module, function_name = {"char_language_model": (char_language_model, "sample"),
                             "torch_lstm_lm": (torch_lstm_lm, "sample_torch")}[assignment]
    student = _functions(assignment, STRICT[assignment][name][0])[function_name]
    for seed in (300, 301):
        for temperatures in ((1.0,), (0.5, 2.0)):
            assert _log10_pass_bound(module, function_name, student, seed, temperatures, probes=40) < -6


@pytest.mark.parametrize("assignment, seeds", [("rnn_step_by_step", 20), ("char_language_model", 6),
                                                ("torch_lstm_lm", 3)])
def test_right_and_alternative_solutions_pass_every_check_on_every_seed(assignment, seeds):
    _, alternative = submission_cases(assignment)
    for edits in ({}, alternative):
        namespace = _functions(assignment, edits)
        for seed in range(200, 200 + seeds):
            outcomes = _outcomes(assignment, namespace, seed, list(graded_tests(assignment)))
            assert not any(outcomes.values()), (seed, outcomes)


def test_a_changed_input_is_named_in_the_message():
    edits, _, _ = STRICT["rnn_step_by_step"]["bptt_mutates_da"]
    message = _outcomes("rnn_step_by_step", _functions("rnn_step_by_step", edits), 0, ["rnn_backward_inputs"])
    assert "rnn_backward changed its input da in place" in message["rnn_backward_inputs"]
    edits, _, _ = STRICT["char_language_model"]["sample_changes_parameters"]
    message = _outcomes("char_language_model", _functions("char_language_model", edits), 0, ["sample"])
    assert "sample changed its input parameters['by'] in place" in message["sample"]


def test_an_in_place_update_of_what_the_notebook_rebinds_is_allowed():
    """optimize may update the parameters it is given (train_names uses only the returned ones)."""
    in_place = '''
def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    loss, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
    all_gradients = rnn_model_backward(cache)
    gradients, _ = clip_by_global_norm({"d" + name: all_gradients["d" + name] for name in parameters}, max_norm)
    for name in parameters:
        parameters[name] -= learning_rate * gradients["d" + name]
    return loss, gradients, parameters
'''
    namespace = _functions("char_language_model", {"optimize_code": in_place})
    outcomes = _outcomes("char_language_model", namespace, 0, ["optimize_gradients", "optimize_update", "train_names"])
    assert not any(outcomes.values()), outcomes


def test_a_backward_pass_may_consume_the_cache_its_own_forward_pass_built():
    popping = '''
def deep_backward(da, cache):
    dlayers = []
    while cache:
        grads = rnn_backward(da, cache.pop())
        dlayers.insert(0, {k: grads[k] for k in ("dWax", "dWaa", "dba")})
        da = grads["dx"]
    return {"dx": da, "dlayers": dlayers}
'''
    namespace = _functions("bidirectional_deep", {"deep_backward_code": popping})
    assert _outcomes("bidirectional_deep", namespace, 0, ["deep_backward"]) == {"deep_backward": ""}


def test_special_tokens_move_and_vocabularies_change_size():
    rng = np.random.default_rng(0)
    places = set()
    for V in range(4, 12):
        for _ in range(200):
            vocab = special_vocabulary(rng, V)
            assert len(vocab) == V and vocab.eos_index != 0 and vocab.unk_index != 1
            assert vocab.eos_index != vocab.unk_index
            assert vocab.decode(vocab.encode("ba", add_eos=True)) == "ba"
            places.add((V, vocab.eos_index, vocab.unk_index))
    assert all(len({p[1] for p in places if p[0] == V}) == V - 1 for V in range(4, 12))


def test_grading_the_same_file_twice_gives_the_same_points_messages_and_seed():
    edits, _, _ = STRICT["rnn_step_by_step"]["one_sided_difference"]
    source, release = _notebooks("rnn_step_by_step")
    submission = make_submission(source, release, edits)
    first, second = (score_notebook("rnn_step_by_step", submission, source, LIMITS, student="s1") for _ in range(2))
    assert first.seed == second.seed == submission_seed(nbformat.writes(submission), "rnn_step_by_step", "s1")
    assert [(p.grade_id, p.points, p.message) for p in first.parts] == \
           [(p.grade_id, p.points, p.message) for p in second.parts]
    assert "largest difference" in next(p.message for p in first.parts if p.grade_id == "rnn_numerical_gradients")
    # another student (or another file) draws other inputs
    assert submission_seed(nbformat.writes(submission), "rnn_step_by_step", "s2") != first.seed
    assert 0 <= first.seed < 2**63
