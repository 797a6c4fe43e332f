"""Public tests of this assignment, and check_all(): run them on the functions your notebook defines.

Shipped as ``course_helpers/public_tests.py`` in every handout (grading.handouts
writes it; it is not imported in the instructor's package). The tests were
recorded from the course's checks on fixed inputs: each call of one of your
functions with its arguments, and each comparison of what it returned with
the expected value, its tolerance and the hint shown when it fails.
``run_public_check`` replays them in order and stops at the first failure,
with the message the course's grader would give on these inputs. Grading
runs the same checks again on other inputs.

In a notebook cell::

    from course_helpers import check_all
    check_all()

prints one line per graded part, in the notebook's order: passed, or failed
with the whole message.

A translated handout also holds ``_messages.py`` and ``messages.json`` (the
table of grading.messages): every message is then shown in its language.
"""
import functools
import json
import linecache
import sys
import sysconfig
import textwrap
from pathlib import Path

import numpy as np

from . import _checks
from ._checks import CheckFailed

_HERE = Path(__file__).resolve().parent
_RECORD = {}
try:  # a translated handout: its messages in its language
    from ._messages import Table

    _TABLE = Table.load(_HERE / "messages.json")
except ImportError:
    _TABLE = None


def _say(text):
    """``text`` in the handout's language."""
    return text if _TABLE is None else _TABLE.translate(text)


def _record():
    if not _RECORD:
        _RECORD.update(json.loads((_HERE / "public_tests.json").read_text()))
        with np.load(_HERE / "public_tests.npz") as arrays:
            _RECORD["arrays"] = {key: arrays[key] for key in arrays.files}
    return _RECORD


def _decode(data, values):
    if isinstance(data, list):  # a list of positional arguments
        return [_decode(item, values) for item in data]
    if not isinstance(data, dict):
        return data
    if "ref" in data:
        index, path = data["ref"]
        value = values[index]
        for step in path:
            value = value[step]
        return value
    if "float" in data:
        return float(data["float"])
    arrays = _record()["arrays"]
    if "array" in data:
        return arrays[data["array"]].copy()
    if "scalar" in data:
        return arrays[data["scalar"]][()]
    if "tensor" in data:
        import torch

        return torch.from_numpy(arrays[data["tensor"]].copy()).requires_grad_(data["requires_grad"])
    if "torch_dtype" in data:
        import torch

        return getattr(torch, data["torch_dtype"])
    if "vocabulary" in data:  # the course's Vocabulary, with <EOS> and <UNK> where the check put them
        from .text import Vocabulary

        return Vocabulary.from_ordered_tokens(**data["vocabulary"])
    if "tuple" in data:
        return tuple(_decode(item, values) for item in data["tuple"])
    if "list" in data:
        return [_decode(item, values) for item in data["list"]]
    if "dict" in data:
        return {_decode(key, values): _decode(item, values) for key, item in data["dict"]}
    raise ValueError(f"unknown entry in public_tests.json: {sorted(data)}")


_LIBRARIES = tuple(str(Path(p).resolve()) for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                                                     sysconfig.get_paths()["platlib"], str(_HERE)})


def _your_line(traceback):
    """'line N of your code: <the line>' for the last frame of ``traceback`` outside the libraries and these helpers."""
    found = None
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if not str(Path(filename).resolve()).startswith(_LIBRARIES) and not filename.startswith("<frozen"):
            found = (filename, traceback.tb_lineno, traceback.tb_frame.f_code.co_name)
        traceback = traceback.tb_next
    if found is None:
        return ""
    filename, line, function = found
    text = linecache.getline(filename, line).strip()
    return f" (line {line} of your cell, in {function}" + (f": {text}" if text else "") + ")"


def _pointing(name, function):
    """``function``, whose errors say where in your own cell they happened."""
    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except NotImplementedError:
            raise
        except Exception as error:
            raise CheckFailed(f"{name} raised {type(error).__name__}: {error}{_your_line(error.__traceback__)}") from None
    return call


def _replay(test, functions):
    values = []
    for event in test["events"]:
        args = [functions[arg["student_function"]] if isinstance(arg, dict) and "student_function" in arg
                else _decode(arg, values) for arg in event["args"]]
        kwargs = _decode(event["kwargs"], values)
        message = None
        try:
            values.append(getattr(_checks, event["name"])(*args, **kwargs))
        except CheckFailed as failure:
            side_by_side = _side_by_side(*args[1:3]) if event["name"] == "expect_close" else ""
            if not side_by_side:
                raise
            message = f"{failure}\n{side_by_side}"
        if message is not None:  # raised outside the except block: the traceback stays short
            raise CheckFailed(message)


def _side_by_side(actual, expected, count=4):
    """A few entries of ``expected`` and ``actual`` around their largest difference (equal shapes only)."""
    try:
        actual = np.asarray(actual.detach().cpu() if hasattr(actual, "detach") else actual, dtype=float)
        expected = np.asarray(expected.detach().cpu() if hasattr(expected, "detach") else expected, dtype=float)
    except (TypeError, ValueError):
        return ""
    if actual.shape != expected.shape or actual.size < 2 or not np.all(np.isfinite(actual)):
        return ""
    flat = int(np.argmax(np.abs(actual - expected)))
    index = np.unravel_index(flat, actual.shape)
    start = max(0, min(flat - count // 2, actual.size - count))
    with np.printoptions(precision=5, suppress=False, linewidth=200):
        return (f"  at index {tuple(int(i) for i in index)} (flattened entries {start} to {start + count - 1}):\n"
                f"    expected {expected.ravel()[start:start + count]}\n"
                f"    got      {actual.ravel()[start:start + count]}")


def _functions(test, namespace):
    functions = []
    for name in test["functions"]:
        function = namespace.get(name)
        if not callable(function):
            raise CheckFailed(f"{name} is not defined: run the cell that defines it first.")
        functions.append(function)
    return functions


def _failure(grade_id, namespace):
    """The message of the public test ``grade_id`` on the functions in ``namespace``, or None when it passes."""
    record = _record()
    if grade_id not in record["tests"]:
        raise ValueError(f"{grade_id!r} is not a graded part of {record['assignment']}; "
                         f"expected one of {list(record['tests'])}")
    test = record["tests"][grade_id]
    try:
        functions = _functions(test, namespace)
        _replay(test, [_pointing(name, function) for name, function in zip(test["functions"], functions)])
    except CheckFailed as failure:
        return str(failure)
    except Exception as error:  # what a function returned could not even be compared
        return f"the returned values could not be checked ({type(error).__name__}: {error})"
    return None


def _called(test, namespace):
    """The names that the functions ``test`` grades use (the other functions they call among them)."""
    called = set()
    for name in test["functions"]:
        code = getattr(namespace.get(name), "__code__", None)
        called |= set(code.co_names) if code is not None else set()
    return called - set(test["functions"])


def _upstream(test, namespace, failing):
    """A line 'It calls X, whose public test fails too: fix it first.' when a failing function calls another failing one."""
    earlier = sorted(_called(test, namespace) & failing)
    if not earlier:
        return ""
    return f"\nIt calls {', '.join(earlier)}, whose public test fails too: fix {'them' if len(earlier) > 1 else 'it'} first."


def _failing_callees(test, namespace):
    """The graded functions that ``test``'s functions call and whose own public tests fail (those alone are run)."""
    record, called = _record(), _called(test, namespace)
    return {name for grade_id in record["order"] for name in record["tests"][grade_id]["functions"]
            if set(record["tests"][grade_id]["functions"]) <= called and _failure(grade_id, namespace) is not None}


def run_public_check(assignment, grade_id, namespace):
    """Run the public test of one graded cell; print a line when it passes, raise CheckFailed when not.

    Arguments:
    assignment -- the assignment's name, e.g. "rnn_step_by_step"
    grade_id -- the test cell's grade id
    namespace -- where your functions live: pass globals()
    """
    if assignment != _record()["assignment"]:
        raise ValueError(f"these helpers hold the public tests of {_record()['assignment']}, not {assignment}")
    message = _failure(grade_id, namespace)
    if message is not None:
        test = _record()["tests"][grade_id]
        message += _upstream(test, namespace, _failing_callees(test, namespace))
        raise CheckFailed(_say(message))  # outside any except block: the traceback stays short
    print(_say(f"{grade_id}: public tests passed."))


def check_all(namespace=None, width=100):
    """Run every public test of the notebook in order and print one table; return True when all pass.

    Arguments:
    namespace -- where your functions live (default: the notebook's own variables)
    width -- the width of the printed table, in characters
    """
    if namespace is None:
        namespace = vars(sys.modules["__main__"])
    record = _record()
    results = [(grade_id, _failure(grade_id, namespace)) for grade_id in record["order"]]
    failing = {name for grade_id, message in results if message is not None
               for name in record["tests"][grade_id]["functions"]}
    results = [(grade_id, message if message is None
                else _say(message + _upstream(record["tests"][grade_id], namespace, failing)))
               for grade_id, message in results]
    name_width = max(len(grade_id) for grade_id in record["order"]) + 2
    failed = _say("FAILED")
    print(f"{_say('part'):<{name_width}}{_say('result')}")
    print("-" * width)
    for grade_id, message in results:
        if message is None:
            print(f"{grade_id:<{name_width}}{_say('passed')}")
            continue
        lines = [wrapped for paragraph in message.split("\n")
                 for wrapped in (textwrap.wrap(paragraph, max(40, width - name_width - 8))
                                 if paragraph.strip() else [""])] or [""]
        print(f"{grade_id:<{name_width}}{failed}  {lines[0]}")
        for line in lines[1:]:
            print(" " * (name_width + 8) + line)  # "FAILED  " and "未通过  " are both 8 columns wide
    passed = sum(message is None for _, message in results)
    print("-" * width)
    print(_say(f"{passed} of {len(results)} parts pass their public tests."
               + ("" if passed == len(results) else " Grading runs further tests on other inputs.")))
    return passed == len(results)
