"""Handouts (grading.handouts) work with nothing but their own requirements, on every Python we have.

Each handout is built from the committed release, unzipped into an empty
folder and executed, cell by cell, by a virtual environment holding only the
handout's requirements.txt (no Jupyter, no course packages): with the
reference answers pasted into its answer cells every public test passes and
check_all() reports every part passed; blank, every public test fails with
its own message (CheckFailed) and no cell fails with a NameError.

The environments are cached in .handout-venvs/ (git-ignored): the first run
installs them from the package registry (PyTorch from /opt/wheels, for Python
3.11 only), later runs reuse them. A Python version that is not installed, or
an environment that cannot be made (no registry), is skipped with the reason.
"""
import fcntl
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading import ASSIGNMENTS
from grading.handouts import build_handout, handout_name
from grading.translation import LANGUAGES

REPO = Path(__file__).resolve().parent.parent
VENVS = REPO / ".handout-venvs"
PYENV = Path("/root/.pyenv/versions")
TORCH_WHEEL_DIR = Path("/opt/wheels")
NUMPY_ASSIGNMENTS = [name for name in ASSIGNMENTS if name != "torch_lstm_lm"]
# every handout: the English one of each assignment and its translations ("rnn_step_by_step-zh")
HANDOUTS = [handout_name(name, language) for name in ASSIGNMENTS for language in ("en", *LANGUAGES)]
# the data files only the chapters read (reference_impl/_book_data): never in a handout
BOOK_DATA = {path.name for path in (REPO / "reference_impl" / "_book_data").iterdir() if path.suffix in (".txt", ".json")}

# Runs a notebook's code cells in order in one namespace, as Jupyter would, and prints, for each cell,
# its grade id and the type and message of the exception it raised (None when it ran).
CELL_RUNNER = r"""
import contextlib, io, json, os, sys
sys.path.insert(0, os.getcwd())  # Jupyter imports from the notebook's folder
import matplotlib
matplotlib.use("Agg")
notebook = json.load(open(sys.argv[1]))
namespace = {"__name__": "__main__"}
sys.modules["__main__"].__dict__.update(namespace)
namespace = sys.modules["__main__"].__dict__
report = []
for cell in notebook["cells"]:
    if cell["cell_type"] != "code":
        continue
    source = "".join(cell["source"])
    grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            exec(compile(source, f"cell {grade_id}", "exec"), namespace)
        error = None
    except BaseException as exc:
        error = [type(exc).__name__, str(exc)]
    report.append({"grade_id": grade_id, "error": error, "output": output.getvalue()[-3000:]})
print("REPORT" + json.dumps(report))
"""


def _python(version):
    path = PYENV / version / "bin" / "python"
    return path if path.exists() else None


def _venv(version, torch):
    """A cached virtual environment of Python ``version`` with the handouts' requirements; skip if impossible."""
    python = _python(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed under {PYENV}")
    folder = VENVS / f"py{version}{'-torch' if torch else ''}"
    VENVS.mkdir(exist_ok=True)
    # the two test workers may want the same environment at once: one makes it, the other waits for it
    with open(VENVS / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _make_venv(python, version, torch, folder)


def _make_venv(python, version, torch, folder):
    ready = folder / ".ready"
    if ready.exists():
        return folder / "bin" / "python"
    subprocess.run([str(python), "-m", "venv", "--clear", str(folder)], check=True)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "-q"]
    packages = ["numpy>=1.24", "matplotlib>=3.7", "tqdm>=4.60"]
    if torch:
        wheels = sorted(TORCH_WHEEL_DIR.glob(f"torch-*-cp{version.replace('.', '')[:3]}-*.whl"))
        if not wheels:
            pytest.skip(f"no PyTorch wheel for Python {version} in {TORCH_WHEEL_DIR}")
        packages.append(str(wheels[-1]))
    result = subprocess.run(pip + packages, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot install the handout requirements for Python {version}: {result.stderr[-500:]}")
    ready.write_text("")
    return folder / "bin" / "python"


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    """{handout name: its zip} of every handout (HANDOUTS), built from the committed release."""
    out = tmp_path_factory.mktemp("handouts")
    return {handout_name(name, language): build_handout(name, REPO, out, language)
            for name in ASSIGNMENTS for language in ("en", *LANGUAGES)}


def _assignment(handout):
    """The assignment of a handout's name ("rnn_step_by_step-zh" -> "rnn_step_by_step")."""
    return next(name for name in ASSIGNMENTS if handout in (name, *(f"{name}-{language}" for language in LANGUAGES)))


def _unzip(zip_path, target):
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target / zip_path.stem


def _with_reference_answers(notebook_path, assignment):
    """Paste the answer cells of the source notebook into the handout notebook, by grade id."""
    source = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source.cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[grade_id]
    nbformat.write(notebook, notebook_path)


def _execute(python, folder, notebook):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONNOUSERSITE": "1"}
    result = subprocess.run([str(python), "-I", "-c", CELL_RUNNER.replace("sys.argv[1]", repr(str(notebook)))],
                            cwd=folder, capture_output=True, text=True, env=env, timeout=900)
    line = next((line for line in result.stdout.splitlines() if line.startswith("REPORT")), None)
    assert line is not None, result.stderr[-3000:]
    return json.loads(line[len("REPORT"):])


def _public_tests(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}


def test_a_handout_holds_no_instructor_code_and_no_answer(handouts):
    for handout, zip_path in handouts.items():
        name = _assignment(handout)
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
            texts = {n: archive.read(n).decode() for n in names if n.endswith((".py", ".ipynb", ".txt"))}
        assert f"{handout}/{name}.ipynb" in names and f"{handout}/requirements.txt" in names
        assert not [n for n in names if "_book_data" in n or Path(n).name in BOOK_DATA], "the chapters' data files"
        for path, text in texts.items():
            for marker in ("reference_impl", "from grading", "import grading", "BEGIN SOLUTION", "run_hidden_check"):
                assert marker not in text, f"{path} of the {name} handout mentions {marker}"
        source = nbformat.read(REPO / "solutions" / name / f"{name}.ipynb", as_version=4)
        graded = {line.split("(")[0][4:] for cell in source.cells if cell.metadata.get("nbgrader", {}).get("solution")
                  for line in cell.source.splitlines() if line.startswith("def ")}
        for path, text in texts.items():
            if path.endswith(".py"):
                for function in graded:
                    assert f"def {function}(" not in text, f"{path} of the {name} handout defines {function}"


def test_releasing_twice_gives_the_same_zip(handouts, tmp_path):
    name = NUMPY_ASSIGNMENTS[0]
    again = build_handout(name, REPO, tmp_path)
    assert again.read_bytes() == handouts[name].read_bytes()


CASES = [(version, name) for version in ("3.10.13", "3.12.1", "3.13.0") for name in NUMPY_ASSIGNMENTS]
CASES += [("3.11.7", name) for name in ASSIGNMENTS]
# the translated handouts on the same Pythons (they add grading/messages.py, which needs only the standard library)
CASES += [(version, f"{name}-{language}") for version, name in CASES if name in ASSIGNMENTS and
          (version != "3.11.7" or name == "torch_lstm_lm") for language in LANGUAGES]
# What the public tests print, by the handout's language: a passed test, check_all()'s last line when
# all or none pass, the message of a function not written yet.
PRINTED = {"en": ("{part}: public tests passed.", "{count} of {count} parts pass their public tests.",
                  "0 of {count} parts pass their public tests. Grading runs", "is not implemented yet"),
           "zh": ("{part}：公开测试通过。", "{count} 个部分中有 {count} 个通过了公开测试。",
                  "{count} 个部分中有 0 个通过了公开测试。评分时", "还没有实现（它抛出了 NotImplementedError）")}


def _run_handout(handouts, tmp_path, handout, version=None, answers=False):
    """(public test ids, report, errors by grade id, the texts of PRINTED) of the handout run blank or with the answers."""
    name = _assignment(handout)
    python = _venv(version or ("3.11.7" if name == "torch_lstm_lm" else "3.12.1"), torch=name == "torch_lstm_lm")
    folder = _unzip(handouts[handout], tmp_path)
    notebook = folder / f"{name}.ipynb"
    public = _public_tests(notebook)
    if answers:
        _with_reference_answers(notebook, name)
    report = _execute(python, folder, notebook)
    errors = {cell["grade_id"]: cell["error"] for cell in report if cell["error"]}
    return public, report, errors, PRINTED[handout[len(name) + 1:] or "en"]


@pytest.mark.parametrize("version,name", CASES)
def test_handout_with_reference_answers_passes_every_public_test(handouts, tmp_path, version, name):
    public, report, errors, (passed_line, all_pass, _, _) = _run_handout(handouts, tmp_path, name, version, answers=True)
    assert not errors, errors
    passed = {cell["grade_id"] for cell in report if passed_line.format(part=cell["grade_id"]) in cell["output"]}
    assert passed == public
    summary = next(cell["output"] for cell in report if cell["grade_id"] == "check_all")
    assert all_pass.format(count=len(public)) in summary
    assert name == _assignment(name) or "passed" not in summary  # a translated handout says it in its language


@pytest.mark.parametrize("name", HANDOUTS)
def test_blank_handout_fails_its_public_tests_cleanly(handouts, tmp_path, name):
    public, report, errors, (_, _, none_pass, not_written) = _run_handout(handouts, tmp_path, name)
    assert {grade_id for grade_id, (kind, _) in errors.items() if kind == "CheckFailed"} == public, errors
    assert not [e for e in errors.values() if e[0] == "NameError"], errors
    for grade_id in public:
        assert not_written in errors[grade_id][1], errors[grade_id]
        assert name == _assignment(name) or "implemented" not in errors[grade_id][1]
    summary = next(cell["output"] for cell in report if cell["grade_id"] == "check_all")
    assert none_pass.format(count=len(public)) in summary


@pytest.mark.parametrize("name", HANDOUTS)
def test_committed_handout_is_what_release_makes_now(handouts, name):
    import numpy as np

    committed = REPO / "handouts" / f"{name}.zip"
    assert committed.exists(), f"run `python -m grading release {name}` and commit handouts/{name}.zip"
    with zipfile.ZipFile(committed) as old, zipfile.ZipFile(handouts[name]) as new:
        assert old.namelist() == new.namelist(), f"handouts/{name}.zip is stale: run `python -m grading release {name}`"
        for entry in new.namelist():
            if entry.endswith(".npz"):  # recorded numbers: equal up to rounding of another machine's BLAS
                with np.load(old.open(entry)) as a, np.load(new.open(entry)) as b:
                    assert sorted(a.files) == sorted(b.files)
                    for key in a.files:
                        assert a[key].shape == b[key].shape and np.allclose(a[key], b[key], rtol=1e-9, atol=1e-12)
            else:
                assert old.read(entry) == new.read(entry), (
                    f"{entry} in handouts/{name}.zip is stale: run `python -m grading release {name}` and commit it")


@pytest.mark.parametrize("version", ["3.10.13", "3.12.1", "3.13.0"])
def test_numpy_library_imports_on_another_python(version):
    """requires-python says 3.10 to 3.13: every NumPy module of reference_impl imports there."""
    python = _venv(version, torch=False)
    code = ("import importlib, pkgutil, sys; sys.path.insert(0, sys.argv[1]); import reference_impl; "
            "[importlib.import_module('reference_impl.' + m.name) for m in pkgutil.iter_modules(reference_impl.__path__) "
            "if m.name != 'torch_models']; print('imported')")
    result = subprocess.run([str(python), "-I", "-c", code, str(REPO)], capture_output=True, text=True, cwd="/")
    assert result.stdout.strip() == "imported", result.stderr[-2000:]


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_grader_gives_a_handout_notebook_with_the_reference_answers_full_marks(handouts, tmp_path, language):
    """What a student hands in is the handout's notebook, English or translated: `python -m grading grade`
    grades it like the release, with the same checks, to full marks."""
    import shutil

    from grading.checks import graded_tests

    name = NUMPY_ASSIGNMENTS[0]
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "solutions" / name, course / "solutions" / name)
    folder = _unzip(handouts[handout_name(name, language)], tmp_path)
    _with_reference_answers(folder / f"{name}.ipynb", name)
    (course / "roster.csv").write_text("id,first_name,last_name,email,lms_user_id\ns1,Ada,Lovelace,ada@example.org,1\n")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    for command in (["release", name], ["roster", "roster.csv"], ["place", "s1", name, str(folder / f"{name}.ipynb")],
                    ["grade", name]):
        result = subprocess.run([sys.executable, "-m", "grading", *command], cwd=course, capture_output=True,
                                text=True, env=env, timeout=600)
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    total = sum(test.points for test in graded_tests(name).values())
    assert f"{total:g}/{total:g}" in result.stdout, result.stdout


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_introduction_states_the_rules_of_grading(name):
    """Item 8: what may be imported, the time limits (the grader's own), and that a person reads the written answers."""
    from grading.sandbox import Limits

    first = nbformat.read(REPO / "assignments" / name / f"{name}.ipynb", as_version=4).cells[0].source
    rules = first[first.index("**How it is graded.**"):]
    limits = Limits()
    assert f"{limits.cell_seconds:g} s per cell" in rules and f"{limits.notebook_seconds:g} s for the whole notebook" in rules
    assert "NumPy, matplotlib, tqdm" in rules and ("PyTorch" in rules) == (name == "torch_lstm_lm")
    assert "a person reads the written answers" in rules


def _execute_with_one_mistake(handouts, tmp_path, grade_id, right, wrong, language="en", name=NUMPY_ASSIGNMENTS[0]):
    """Run a handout (the first one by default) with the reference answers, ``right`` replaced by ``wrong`` in cell
    ``grade_id``.

    Returns the edited cell's source, the report of every cell and the errors by grade id.
    """
    folder = _unzip(handouts[handout_name(name, language)], tmp_path)
    notebook_path = folder / f"{name}.ipynb"
    _with_reference_answers(notebook_path, name)
    notebook = nbformat.read(notebook_path, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    assert right in cell.source
    cell.source = cell.source.replace(right, wrong, 1)
    nbformat.write(notebook, notebook_path)
    report = _execute(sys.executable, folder, notebook_path)
    return cell.source, report, {c["grade_id"]: c["error"] for c in report if c["error"]}


def test_an_error_in_a_students_function_names_the_line_of_their_cell(handouts, tmp_path):
    source, _, errors = _execute_with_one_mistake(handouts, tmp_path, "rnn_cell_forward_code",
                                                  'parameters["Waa"]', 'parameters["W_aa"]')
    kind, message = errors["rnn_cell_forward_state"]
    line = next(k for k, text in enumerate(source.splitlines(), 1) if "W_aa" in text)
    assert kind == "CheckFailed" and "KeyError" in message and f"line {line} of your cell, in rnn_cell_forward" in message


def test_check_all_shows_wrong_values_beside_the_expected_ones_and_names_the_earlier_function(handouts, tmp_path):
    """A wrong cell backward: its own part shows expected and got side by side, and the sequence backward's
    failure points at it (rnn_backward calls rnn_cell_backward)."""
    _, report, errors = _execute_with_one_mistake(handouts, tmp_path, "rnn_cell_backward_code", "dba = ", "dba = 2 * ")
    message = errors["rnn_cell_backward_parameters"][1]
    assert "gradients['dba']" in message and "\n    expected [" in message and "\n    got      [" in message
    # the sequence backward's own public test cell names the function to fix first, as check_all() does
    assert errors["rnn_backward_parameters"][1].endswith("\nIt calls rnn_cell_backward, whose public test fails too: "
                                                         "fix it first.")
    assert "It calls" not in errors["rnn_cell_backward_parameters"][1]
    summary = next(c["output"] for c in report if c["grade_id"] == "check_all")
    backward_row = summary[summary.index("rnn_backward_parameters"):]
    assert "It calls rnn_cell_backward, whose public test fails too: fix it first." in " ".join(backward_row.split())
    assert "rnn_cell_forward_state" in summary and "passed" in summary.split("rnn_cell_forward_state")[1].split("\n")[0]


# ---- the Chinese handouts (issue 19, item 5) ------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_chinese_handout_has_the_code_cells_ids_and_points_of_the_english_one(handouts, tmp_path, name):
    """Only text differs: the same cells in the same order, code and metadata equal, every instruction translated."""
    english = nbformat.read(_unzip(handouts[name], tmp_path / "en") / f"{name}.ipynb", as_version=4)
    chinese = nbformat.read(_unzip(handouts[f"{name}-zh"], tmp_path / "zh") / f"{name}.ipynb", as_version=4)
    assert [(c.id, c.cell_type, c.metadata) for c in chinese.cells] == [(c.id, c.cell_type, c.metadata) for c in english.cells]
    for mine, theirs in zip(chinese.cells, english.cells):
        answer = mine.metadata.get("nbgrader", {}).get("solution")
        if mine.cell_type == "code" or answer:
            assert mine.source == theirs.source, mine.id
        else:
            assert _CJK.search(mine.source) and mine.source != theirs.source, f"cell {mine.id} is not translated"
    assert chinese.metadata["language"] == "zh-CN"


def test_a_wrong_value_in_a_chinese_handout_is_explained_in_chinese(handouts, tmp_path):
    """The English test's mistake (a doubled dba), in the Chinese handout: the same facts, in Chinese."""
    _, report, errors = _execute_with_one_mistake(handouts, tmp_path, "rnn_cell_backward_code", "dba = ", "dba = 2 * ",
                                                  language="zh")
    message = errors["rnn_cell_backward_parameters"][1]
    assert message.startswith("gradients['dba'] 的形状 (")
    assert "正确，但数值不对（最大差值为 " in message and "可能的原因：经过 tanh 的梯度是 dz = " in message
    assert "\n    应为   [" in message and "\n    实际为 [" in message and "Likely cause" not in message
    summary = next(c["output"] for c in report if c["grade_id"] == "check_all")
    backward_row = "".join(summary[summary.index("rnn_backward_parameters"):].split())
    assert "它调用了rnn_cell_backward，而后者的公开测试也没有通过：请先改好它。" in backward_row
    assert errors["rnn_backward_parameters"][1].endswith("\n它调用了 rnn_cell_backward，而后者的公开测试也没有通过：请先改好它。")


def test_an_error_in_a_chinese_handout_names_the_line_of_the_students_cell(handouts, tmp_path):
    source, _, errors = _execute_with_one_mistake(handouts, tmp_path, "rnn_cell_forward_code",
                                                  'parameters["Waa"]', 'parameters["W_aa"]', language="zh")
    kind, message = errors["rnn_cell_forward_state"]
    line = next(k for k, text in enumerate(source.splitlines(), 1) if "W_aa" in text)
    assert kind == "CheckFailed" and message.startswith("rnn_cell_forward 抛出了 KeyError: 'W_aa'")
    assert f"（出错位置：你的单元格第 {line} 行，rnn_cell_forward 中" in message


# ---- what later cells rely on (issue 14, item 7) ------------------------------------------------------
# Each mistake below passes the value checks of its function; before the public tests checked the caches and
# the inputs, the student saw no failed public test and then a later cell (rnn_backward's, the gradient
# check's) crash or give wrong numbers.

@pytest.mark.parametrize("name,grade_id,cell,right,wrong,message", [
    ("rnn_step_by_step", "rnn_forward_states", "rnn_forward_code", "cell_caches.append(cache)", "pass",
     "caches[0] must hold 3 items, got list of length 0. rnn_forward must return caches = (cell_caches, x)"),
    ("rnn_step_by_step", "rnn_cell_forward_state", "rnn_cell_forward_code", "cache = (a_next, a_prev, xt, parameters)",
     "cache = (a_next, xt, parameters)",
     "cache must hold 4 items, got tuple of length 3. rnn_cell_forward must return cache = (a_next, a_prev, xt, parameters)"),
    ("rnn_step_by_step", "rnn_forward_states", "rnn_forward_code", "a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)",
     "new_state, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)\n        a_next[:] = new_state",
     "rnn_forward changed its input a0 in place"),
    ("gru_lstm", "lstm_forward", "lstm_forward_code", "cell_caches.append(cache)", "pass",
     "caches[0] must hold 3 items, got list of length 0. lstm_forward must return caches = (cell_caches, x)"),
])
def test_a_mistake_that_would_break_a_later_cell_fails_its_public_test(handouts, tmp_path, name, grade_id, cell, right,
                                                                       wrong, message):
    _, report, errors = _execute_with_one_mistake(handouts, tmp_path, cell, right, wrong, name=name)
    assert errors.get(grade_id, [None, ""])[0] == "CheckFailed" and errors[grade_id][1].startswith(message), errors
    # the values themselves are right: the part of another output, or of the next function, passes
    passed = {c["grade_id"] for c in report if "public tests passed" in c["output"]}
    assert {"rnn_forward_predictions", "rnn_cell_forward_prediction", "lstm_cell_backward_inputs"} & passed


def test_feedback_on_a_chinese_handout_is_in_chinese_with_the_english_score(tmp_path):
    """The same mistake (a doubled dba) handed in from the English and from the Chinese handout: `grade` gives
    both the same points part by part (the same checks), and `feedback` explains it to the second student in
    Chinese, with the rows of the one messages table the Chinese public tests use (grading.translation)."""
    import csv
    import html
    import shutil

    from grading import translation
    from grading.translation import message_table, needs_translation
    from message_templates import FIELD, all_templates

    name = NUMPY_ASSIGNMENTS[0]
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "solutions" / name, course / "solutions" / name)
    (course / "roster.csv").write_text("id,first_name,last_name,email,lms_user_id\n"
                                       "en1,Ada,Lovelace,ada@example.org,1\nzh1,Li,Hua,li@example.org,2\n")
    commands = [["release", name], ["roster", "roster.csv"]]
    for student, language in (("en1", "en"), ("zh1", "zh")):
        folder = _unzip(build_handout(name, REPO, tmp_path / language, language), tmp_path / f"{language}-unzipped")
        notebook_path = folder / f"{name}.ipynb"
        _with_reference_answers(notebook_path, name)
        notebook = nbformat.read(notebook_path, as_version=4)
        cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "rnn_cell_backward_code")
        cell.source = cell.source.replace("dba = ", "dba = 2 * ", 1)
        cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "relative_error_code")
        cell.source = cell.source.replace("denominator = ", "denominator = undefined_name + ", 1)  # a NameError
        nbformat.write(notebook, notebook_path)
        commands.append(["place", student, name, str(notebook_path)])
    commands += [["grade", name], ["export", name, "--to", "grades.csv"], ["feedback", name]]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    for command in commands:
        result = subprocess.run([sys.executable, "-m", "grading", *command], cwd=course, capture_output=True,
                                text=True, env=env, timeout=600)
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    with open(course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    scores = {student: {key: value for key, value in row.items() if key.startswith(("rnn_", "auto", "total"))}
              for student, row in rows.items()}
    assert scores["en1"] == scores["zh1"] and scores["en1"]["rnn_cell_backward_parameters"] == "0", scores
    english = (course / "feedback" / "en1" / name / f"{name}.html").read_text(encoding="utf-8")
    chinese = (course / "feedback" / "zh1" / name / f"{name}.html").read_text(encoding="utf-8")
    # the check's message: the table's row for a right shape with wrong values, and the check's hint, in Chinese
    hint = next(english_row for english_row, _ in translation.message_rows("zh")
                if english_row.startswith("dz = (1 - a_next**2) * da_next is the gradient through tanh"))
    assert "has the right shape" in english and hint in english and "正确，但数值不对" not in english
    assert "正确，但数值不对（最大差值为 " in chinese and "可能的原因：" + message_table("zh").translate(hint) in chinese
    assert "Likely cause" not in chinese and hint not in chinese
    assert "部分 rnn_cell_backward_parameters" in chinese and "隐藏检查通过" in chinese
    assert "hidden checks passed" in english and "部分" not in english and "Part rnn_cell_backward_parameters" in english
    # an error of the student's code in the grader's sandbox: the grader's words around Python's own, in Chinese
    assert rows["zh1"]["relative_error"] == rows["en1"]["relative_error"] == "0"
    # (the part's message, and a grading note for the cell of the notebook that calls the function)
    error = "NameError: name 'undefined_name' is not defined"
    english_text, chinese_text = (html.unescape(re.sub(r"<[^>]+>", "", page)) for page in (english, chinese))
    assert f"relative_error raised {error} (in your cell relative_error_code, line " in english_text
    assert f"relative_error 抛出了 {error}（出错位置：你的单元格 relative_error_code 第 " in chinese_text
    assert f"the notebook's cell gradient_check_demo raised {error} (in your cell" in english_text
    assert f"笔记本中的单元格 gradient_check_demo 抛出了 {error}（出错位置：" in chinese_text
    # no English sentence of the checks (tests/message_templates.py: messages, hints, the parts' descriptions) on
    # the Chinese page; the English page shows many of them, so the search finds them where they are
    sentences = {piece.strip() for template in all_templates() for piece in template.split(FIELD)
                 if needs_translation(piece)}
    shown = [sentence for sentence in sentences if sentence in english_text]
    assert "dWax, dWaa and dba of rnn_cell_backward." in shown and message_table("zh").translate(hint) in chinese_text
    assert len(shown) >= 15, shown
    assert [sentence for sentence in sentences if sentence in chinese_text] == []
