"""The sandbox is as kind to honest work as the student's own kernel, and no weaker against the rest.

Honest code that IPython and the course environment run must run when graded:
course packages imported any way (star imports, numpy.testing, matplotlib,
tqdm), IPython magics, objects of the student's own making returned by one
function and consumed by the next. The sandbox reports what each call changed
in its arguments (the checks fail a part on it), bounds what a reply may cost
the grader, always removes what a submission wrote, and the fallback without
root refuses what it cannot contain.
"""
import atexit
import copy
import dataclasses
import os
import resource
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grading import ASSIGNMENTS
from grading.checks import graded_tests
from grading.handouts import HANDOUT_ONLY_CELLS, handout_notebook
from grading.magics import translate
from grading.sandbox import (
    FallbackRefused,
    Jail,
    Limits,
    ReplyTooLarge,
    course_limits,
    isolation_level,
    remove_tree,
    shared_jail,
)
from grading.scoring import extract_cells, score_notebook
from grading.session import Handle, HandleTuple, Session, StaleHandle, mutation_message
from grading_fixtures import TEST_LIMITS
from submissions import make_submission

ROOT = Path(__file__).resolve().parent.parent
# a real run's limits, with a per-cell limit that still lets assignment 5's locked training cell finish
LIMITS = Limits(memory_bytes=3 << 30, cell_seconds=60.0, notebook_seconds=240.0)

COURSE_IMPORTS = """\
%matplotlib inline
%load_ext autoreload
%autoreload 2
from numpy import *
from builtins import abs, all, any, max, min, round, sum  # numpy's own would change the answers below
import numpy as np
import numpy.testing as npt
import matplotlib.pyplot as plt
from tqdm import tqdm
from tqdm.auto import trange
from tqdm.notebook import tqdm as notebook_tqdm
from IPython.display import clear_output, display
npt.assert_allclose(np.ones(2), np.ones(2))
plt.plot(np.arange(3), np.arange(3) ** 2)
plt.title("a plot made while graded")
plt.close("all")
for _ in tqdm(range(3)):
    pass
for _ in notebook_tqdm(range(3)):
    clear_output(wait=True)
display({"shown": True})
"""


def _notebooks(assignment):
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(ROOT / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    return source, release


def _with_ipython_habits(assignment):
    """The reference answers as a student with IPython habits writes them.

    Each solution cell starts with %%time and ends with a %time line and a
    pip install; the first one also imports the course environment in every
    common way and draws a plot.
    """
    source, release = _notebooks(assignment)
    notebook = make_submission(source, release, {})
    solution_cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")
                      and c.cell_type == "code"]
    for index, cell in enumerate(solution_cells):
        prefix = COURSE_IMPORTS if index == 0 else ""
        cell.source = f"%%time\n{prefix}{cell.source}\n%time _timed = 1 + 1\n!pip install tqdm\n"
    return source, notebook, len(solution_cells)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_course_imports_and_magics_cost_no_points(assignment):
    source, notebook, solution_count = _with_ipython_habits(assignment)
    result = score_notebook(assignment, notebook, source, LIMITS)
    scored = {part.grade_id: part.points for part in result.parts}
    assert scored == {t.grade_id: float(t.points) for t in graded_tests(assignment).values()}, \
        [part.message for part in result.parts if part.points < part.max_points]
    labels, cells = zip(*extract_cells(notebook, source))
    with Session(cells, LIMITS, labels=labels) as session:  # what it skips is known before anything runs
        notes = session.skipped_notes
    expected = [f"skipped line {cell.source.splitlines().index('!pip install tqdm') + 1} of your cell "
                f"{cell.metadata['nbgrader']['grade_id']}: !pip install tqdm (shell commands do not run while grading)"
                for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")
                and cell.cell_type == "code"]
    assert notes == expected and len(notes) == solution_count


def test_magics_run_as_ipython_would_and_every_skipped_line_is_named():
    cell = ("%time a = 1\n"
            "b = %timeit -n 3 -r 1 a + 1\n"
            "for i in range(2):\n"
            "    %time a += i\n"
            "s = ('%d'\n"
            "     % a)\n"
            "!pip install tqdm\n"
            "files = !ls\n"
            "np?\n"
            "%matplotlib inline\n"
            "%who\n")
    python, skipped = translate(cell)
    namespace = {}
    exec(compile(python, "<cell>", "exec"), namespace)
    assert (namespace["a"], namespace["b"], namespace["s"], namespace["files"]) == (2, 2, "2", None)
    assert [(number, text) for number, text, _ in skipped] == [
        (7, "!pip install tqdm"), (8, "files = !ls"), (9, "np?"), (11, "%who")]
    assert len(python.splitlines()) == len(cell.splitlines())  # errors keep pointing at the student's lines


@pytest.mark.parametrize("cell, names, skipped", [
    ("%%time\nx = 1\ny = x + 1\n", {"x": 1, "y": 2}, []),
    ("%%timeit -n 1 -r 1 x = 10\ny = x + 1\n", {"x": 10, "y": 11}, []),
    ("%%capture captured\nprint('hidden')\ny = 3\n", {"y": 3}, []),
    ("\n\n%%time\nx = 1\n!ls\n", {"x": 1}, [5]),  # IPython ignores leading blank lines; numbers stay the cell's
    ("    x = 1\n    %time y = x + 1\n", {"x": 1, "y": 2}, []),  # an indented cell is dedented
    (">>> x = 1\n>>> y = x + 1\n", {"x": 1, "y": 2}, []),  # prompts pasted with the code are removed
    ("%time \\\n  x = 1\ny = 2\n", {"y": 2}, [1]),  # a magic continued by a backslash
    ("%%bash\nls -la\n", {}, [1]),
    # magics written as the calls IPython makes of them, as in a notebook exported to a script
    ("get_ipython().run_line_magic('matplotlib', 'inline')\nx = 1\n", {"x": 1}, []),
    ("get_ipython().run_line_magic('time', 'y = 2')\nfiles = get_ipython().getoutput('ls')\n"
     "get_ipython().system('pip install tqdm')\n", {"y": 2, "files": None}, [2, 3]),
    ("# get_ipython().system('ls')\nz = 3\n", {"z": 3}, []),
])
def test_cell_magics_run_their_body_or_are_reported(cell, names, skipped):
    python, reported = translate(cell)
    namespace = {}
    exec(compile(python, "<cell>", "exec"), namespace)
    assert {k: namespace[k] for k in names} == names
    assert [number for number, _, _ in reported] == skipped


@pytest.mark.parametrize("fallback", [False, True], ids=["jail", "fallback"])
def test_course_packages_import_and_dangerous_actions_are_refused_where_they_happen(fallback, tmp_path):
    if not fallback and isolation_level() != "jail":
        pytest.skip("the jail needs root")
    code = COURSE_IMPORTS + (
        "import subprocess, socket, os\n"
        "def attempts():\n"
        "    outcomes = []\n"
        "    for attempt in (lambda: subprocess.run(['id']), lambda: os.system('id'),\n"
        "                    lambda: socket.create_connection(('127.0.0.1', 22)),\n"
        "                    lambda: open('/etc/passwd').read()):\n"
        "        try:\n"
        "            attempt()\n"
        "            outcomes.append('ran')\n"
        "        except Exception as error:\n"
        "            outcomes.append(type(error).__name__)\n"
        "    return outcomes\n"
        "def backend():\n"
        "    import matplotlib\n"
        "    return matplotlib.get_backend()\n")
    jail = Jail(jailed=False, root=tmp_path / "jail") if fallback else shared_jail()
    try:
        with Session([code], dataclasses.replace(TEST_LIMITS, cell_seconds=20.0), jail) as session:
            assert session.run_cells() == {}
            outcomes = session.call("attempts")
            assert session.call("backend").lower() == "agg"
    finally:
        if fallback:
            jail.close()
    assert outcomes[:3] == ["PermissionError"] * 3
    assert outcomes[3] in ("PermissionError", "FileNotFoundError")  # refused, or not in the jail at all


WRITTEN_MODULE = [
    "try:\n    import course_module_written_later\nexcept ImportError:\n    pass\n",  # the folder is looked in first
    "%%writefile course_module_written_later.py\ndef double(x):\n    return 2 * x\n",
    "%%writefile -a course_module_written_later.py\n\ndef triple(x):\n    return 3 * x\n",
    "from course_module_written_later import double, triple\ndef both(x):\n    return double(x), triple(x)\n",
    "%%writefile ../escaped.py\nx = 1\n",
    "%%writefile /tmp/escaped.py\nx = 1\n",
]


@pytest.mark.parametrize("fallback", [False, True], ids=["jail", "fallback"])
def test_writefile_writes_into_the_work_folder_and_a_later_cell_imports_it(fallback, tmp_path):
    """%%writefile as IPython runs it: the file lands in the working folder, which is on the path; a file
    anywhere else is refused."""
    if not fallback and isolation_level() != "jail":
        pytest.skip("the jail needs root")
    jail = Jail(jailed=False, root=tmp_path / "jail") if fallback else shared_jail()
    try:
        with Session(WRITTEN_MODULE, dataclasses.replace(TEST_LIMITS, cell_seconds=20.0), jail) as session:
            errors = session.run_cells()
            both = session.call("both", 5)
            assert session.skipped == {}
    finally:
        if fallback:
            jail.close()
    assert sorted(errors) == [4, 5] and all("PermissionError" in message for message in errors.values()), errors
    assert tuple(both) == (10, 15)
    assert not (tmp_path / "jail" / "work" / "escaped.py").exists() and not Path("/tmp/escaped.py").exists()


NOTEBOOK_HABITS = [
    # IPython runs a cell statement by statement: a future import may follow a magic (a `pass` here) or an import
    "%load_ext autoreload\nimport math\nfrom __future__ import annotations\n",
    # IPython keeps the first cell's future import: the annotation naming its own class is never evaluated
    "class Log:\n    def add(self, value: float) -> Log:\n        return self\n",
    # display and help are builtins in a notebook, used without an import
    "def shown(x):\n    display(x)\n    help(len)\n    return type(Log().add(1.0)).__name__\n",
]


@pytest.mark.parametrize("fallback", [False, True], ids=["jail", "fallback"])
def test_a_future_import_holds_for_later_cells_and_display_and_help_are_builtins(fallback, tmp_path):
    if not fallback and isolation_level() != "jail":
        pytest.skip("the jail needs root")
    jail = Jail(jailed=False, root=tmp_path / "jail") if fallback else shared_jail()
    try:
        with Session(NOTEBOOK_HABITS, dataclasses.replace(TEST_LIMITS, cell_seconds=20.0), jail) as session:
            assert session.run_cells() == {}
            assert session.call("shown", {"shown": True}) == "Log"
    finally:
        if fallback:
            jail.close()


def test_a_handout_notebook_imports_course_helpers_and_its_check_all_cell_is_not_an_added_cell():
    """A student works in the handout (grading.handouts): an answer may import ``course_helpers`` as its
    locked cells do, and its check_all() cells are the handout's own, not cells the student added."""
    assignment = "rnn_step_by_step"
    source, release = _notebooks(assignment)
    notebook = make_submission(source, handout_notebook(release), {})
    first = next(c for c in notebook.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))
    first.source = ("import numpy as np\nfrom course_helpers.activations import softmax as helper_softmax\n"
                    "assert np.allclose(helper_softmax(np.zeros((2, 1))), 0.5)\n" + first.source)
    assert HANDOUT_ONLY_CELLS[1] in [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]
    notebook.cells.append(nbformat.v4.new_code_cell("after_check_all = 1"))  # the student's, after check_all()
    labels, cells = zip(*extract_cells(notebook, source))
    assert [source for label, source in zip(labels, cells) if "added" in label] == ["after_check_all = 1"]
    result = score_notebook(assignment, notebook, source, LIMITS)
    assert result.notes == [] and result.score == result.max_score, \
        (result.notes, [part.message for part in result.parts if part.points < part.max_points])



def test_a_function_whose_name_a_later_cell_reuses_for_a_value_is_still_the_function_graded():
    """Stock nbgrader calls a function at its test cell, before a later cell can reuse its name for a value
    (``relative_error = relative_error(g, n)``): the grader calls the last function bound to that name."""
    cells = ["def relative_error(a, b):\n    return abs(a - b)\n", "relative_error = relative_error(3, 1)\n",
             "def twice(x):\n    return 2 * x\ntwice = twice(4)\n"]  # rebound in the cell that defines it
    with Session(cells, TEST_LIMITS) as session:
        assert session.run_cells() == {}
        assert session.call("relative_error", 5, 2) == 3
        with pytest.raises(NameError, match="twice is not defined"):  # never a function when a cell ended
            session.call("twice", 1)


def test_a_function_can_be_called_as_it_was_when_a_cell_ended():
    """Stock nbgrader checks a function at its test cell: a later cell that redefines it (an unfinished rewrite)
    does not change what it graded. ``as_of`` calls a function as it was when a cell ended, with the functions
    it calls by name as they were then, for that call only."""
    cells = ["def step(x):\n    return x + 1\n\ndef run(x):\n    return step(step(x))\n",
             "total = run(0)\n",
             "def step(x):  # a faster version, not finished\n    raise NotImplementedError\n",
             "def later(x):\n    return x\n"]
    with Session(cells, TEST_LIMITS) as session:
        assert session.run_cells() == {}
        with pytest.raises(NotImplementedError):
            session.call("run", 0)  # the last definition of step, looked up by name
        assert session.function("run", as_of=1)(0) == 2
        assert session.function("step", as_of=0)(5) == 6
        with pytest.raises(NotImplementedError):  # the names were put back after the call
            session.call("run", 0)
        assert session.changed_since(1) and session.changed_since(0)
        assert not session.changed_since(2) and not session.changed_since(3)  # a new function is no change
        with pytest.raises(NameError, match="later is not defined"):  # not yet defined then
            session.function("later", as_of=2)(1)


def test_a_part_keeps_stocks_points_when_a_later_cell_redefines_its_function():
    """The reference answers of assignment 1 with an unfinished rewrite of rnn_forward appended: stock nbgrader
    checks rnn_forward at its test cell and gives every point; so does the grader. A part whose function was
    wrong at its test cell and is not redefined still fails."""
    source, release = _notebooks("rnn_step_by_step")
    notebook = make_submission(source, release, {})
    notebook.cells.append(nbformat.v4.new_code_cell(
        "def rnn_forward(x, a0, parameters):\n    raise NotImplementedError('vectorised version: to do')\n"))
    result = score_notebook("rnn_step_by_step", notebook, source, LIMITS)
    assert result.score == result.max_score, [(p.grade_id, p.message) for p in result.parts if p.points < p.max_points]
    stub = make_submission(source, release, {"rnn_forward_code": "def rnn_forward(x, a0, parameters):\n    return 0\n"})
    stub.cells.append(nbformat.v4.new_code_cell("def rnn_forward(x, a0, parameters):\n    raise NotImplementedError\n"))
    scored = {part.grade_id: part.points for part in score_notebook("rnn_step_by_step", stub, source, LIMITS).parts}
    assert scored["rnn_forward_states"] == scored["rnn_forward_predictions"] == 0.0


STUDENT_CACHES = """
from collections import namedtuple
Step = namedtuple("Step", "a_next a_prev xt parameters")
class History:
    def __init__(self, steps, x):
        self.steps, self.x = steps, x
        self.window = slice(0, len(steps))
def make(a, b):
    return a + b, Step(a, b, None, {"w": 1}), History([lambda: 1], a)
def use(total, step, history):
    return total - step.a_next, len(history.steps[history.window]), history.steps[0]()
def die():
    import os
    os._exit(3)
"""


def test_objects_a_student_builds_stay_in_the_sandbox_and_reach_their_next_function():
    with Session([STUDENT_CACHES], TEST_LIMITS) as session:
        assert session.run_cells() == {}
        total, step, history = session.call("make", np.ones(2), np.zeros(2))
        assert isinstance(step, HandleTuple) and step[3] == {"w": 1} and step.handle.type_name == "Step"
        assert isinstance(history, Handle) and history.type_name == "History"
        back, length, called = session.call("use", *copy.deepcopy((total, step, history)))  # checks copy inputs
        assert np.array_equal(back, np.zeros(2)) and (length, called) == (1, 1)
        with Session([STUDENT_CACHES], TEST_LIMITS) as other:
            other.run_cells()
            with pytest.raises(ValueError, match="another"):
                other.call("use", total, step, history)
        # a call that kills the process loses what it kept: an old handle is refused, not confused with a new one
        with pytest.raises(Exception, match="stopped the process"):
            session.call("die")
        with pytest.raises(StaleHandle):
            session.call("use", total, step, history)


def test_student_caches_cost_the_forward_parts_nothing():
    # a cache of the student's own making (namedtuple steps, a class for the sequence) was "not plain data"
    source, release = _notebooks("rnn_step_by_step")
    edits = {"rnn_cell_forward_code": (
        "from collections import namedtuple\n"
        "CellCache = namedtuple('CellCache', 'a_next a_prev xt parameters')\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    a_next = np.tanh(parameters['Waa'] @ a_prev + parameters['Wax'] @ xt + parameters['ba'])\n"
        "    yt_pred = softmax(parameters['Wya'] @ a_next + parameters['by'])\n"
        "    return a_next, yt_pred, CellCache(a_next, a_prev, xt, parameters)\n"),
        "rnn_forward_code": (
        "class SequenceCache:\n"
        "    def __init__(self, steps, x):\n"
        "        self.steps, self.x = steps, x\n"
        "    def __iter__(self):\n"
        "        return iter((self.steps, self.x))\n"
        "def rnn_forward(x, a0, parameters):\n"
        "    n_x, m, T_x = x.shape\n"
        "    n_y, n_a = parameters['Wya'].shape\n"
        "    a, y_pred, steps, a_next = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), [], a0\n"
        "    for t in range(T_x):\n"
        "        a_next, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_next, parameters)\n"
        "        a[:, :, t] = a_next\n"
        "        steps.append(cache)\n"
        "    return a, y_pred, SequenceCache(steps, x)\n")}
    result = score_notebook("rnn_step_by_step", make_submission(source, release, edits), source, LIMITS)
    scored = {part.grade_id: (part.points, part.max_points) for part in result.parts}
    for grade_id in ("rnn_cell_forward_state", "rnn_cell_forward_prediction", "rnn_forward_states",
                     "rnn_forward_predictions", "rnn_numerical_gradients"):
        assert scored[grade_id][0] == scored[grade_id][1], (grade_id, [p.message for p in result.parts])
    assert result.notes == []  # the notebook's own cells, which pass the caches along, ran


MUTATIONS = """
import numpy as np
class Box:
    def __init__(self):
        self.count = 0
def in_place(da, parameters, box, scale=1.0):
    da *= 2
    parameters["W"] -= 1
    parameters["nested"]["b"][0] = 7
    del parameters["gone"]
    box.count += 1
    return 0
def clean(da, parameters, box, scale=1.0):
    da = da * 2
    parameters = dict(parameters, W=parameters["W"] - 1)
    return float(da.sum())
def nan_stays_nan(x):
    return 1
def make_ragged():
    items = np.empty(2, dtype=object)
    items[:] = [np.ones(2), np.ones(3)]
    return items
def ragged(items):
    items[1][0] = 5
    return 0
def by_keyword(da, parameters, box, scale=None):
    scale.append(1)
    return 0
"""


def test_each_call_reports_which_arguments_it_changed():
    arguments = (np.ones((2, 3)), {"W": np.ones(2), "nested": {"b": [1, 2]}, "gone": 1})
    with Session([MUTATIONS], TEST_LIMITS) as session:
        assert session.run_cells() == {}
        box = session.call("Box")
        in_place = session.function("in_place")
        in_place(*arguments, box)
        changed = {(m.position, m.parameter, m.path) for m in in_place.last_call.mutations}
        assert changed == {(0, "da", ()), (1, "parameters", ("W",)), (1, "parameters", ("nested", "b", 0)),
                           (1, "parameters", ("gone",)), (2, "box", ("count",))}
        message = mutation_message("in_place", in_place.last_call.mutations, ("da", "parameters", "box"))
        assert "da, parameters['W'], parameters['nested']['b'][0]" in message and "box.count" in message
        clean = session.function("clean")
        clean(*arguments, box)
        assert clean.last_call.mutations == []
        assert session.invoke("nan_stays_nan", (np.array([np.nan, 1.0]),)).mutations == []
        ragged = session.call("make_ragged")  # an array of arrays stays in the sandbox
        assert [m.path for m in session.invoke("ragged", (ragged,)).mutations] == [(1,)]
        keyword = session.invoke("by_keyword", arguments + (box,), {"scale": []})
        assert [(m.position, m.keyword, m.describe()) for m in keyword.mutations] == [(None, "scale", "scale")]


def _peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


FLOODS = """
import sys, os
def big_array():
    return np.zeros(100 << 20 >> 3)  # 100 MB
def big_json():
    return [0.5] * 4_000_000  # about 20 MB of JSON
def forged():
    fd = int(sys.argv[4])  # the reply pipe: a frame that claims 100 MB, then stalls
    os.write(fd, (100 << 20).to_bytes(8, "little") + (100 << 20).to_bytes(8, "little") + b"[" * 65536)
    import time
    time.sleep(60)
def small():
    return np.ones(3)
"""


def test_a_reply_larger_than_the_call_accepts_is_refused_without_the_grader_growing():
    before = _peak_rss_bytes()
    with Session(["import numpy as np\n" + FLOODS], Limits(memory_bytes=1 << 30, cell_seconds=20.0,
                                                         notebook_seconds=120.0)) as session:
        assert session.run_cells() == {}
        started = time.monotonic()
        for name in ("big_array", "big_json", "forged"):
            with pytest.raises(ReplyTooLarge, match=name):
                session.call(name)
        assert time.monotonic() - started < 15  # no decoding of what was refused, no waiting for the stall
        with pytest.raises(ReplyTooLarge):
            session.invoke("small", max_reply_bytes=8)
        assert np.array_equal(session.call("small"), np.ones(3))  # the sandbox goes on after a refusal
    assert _peak_rss_bytes() - before < 150 << 20


def test_a_work_folder_thousands_of_levels_deep_is_removed(tmp_path):
    deep = ("import os\n"
            "for _ in range(1500):\n"
            "    os.mkdir('d')\n"
            "    os.chdir('d')\n"
            "open('leaf', 'w').write('x')\n"
            "os.chmod('.', 0o500)\n")
    jail = Jail(root=tmp_path / "jail")
    before = set(os.listdir(jail.root / "work"))  # (the jail mirrors host paths: /work/... may be one)
    try:
        with Session([deep], Limits(memory_bytes=1 << 30, cell_seconds=60.0, notebook_seconds=120.0), jail) as session:
            assert session.run_cells() == {}
            workdir = session._sandbox.workdir
            assert workdir.is_dir()
        assert not workdir.exists()
        assert set(os.listdir(jail.root / "work")) == before
    finally:
        jail.close()
    assert not (tmp_path / "jail").exists()


def test_remove_tree_removes_folders_without_permissions_and_never_raises(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "file").write_text("x")
    os.chmod(tmp_path / "a" / "b", 0)
    os.chmod(tmp_path / "a", 0o500)
    remove_tree(tmp_path / "a")
    remove_tree(tmp_path / "does-not-exist")
    assert os.listdir(tmp_path) == []


def test_the_fallback_without_root_refuses_torch():
    with pytest.raises(FallbackRefused, match="torch.from_file"):
        Jail(("torch",), jailed=False)


@pytest.mark.skipif(isolation_level() != "jail", reason="the jail needs root")
def test_in_the_jail_torch_reads_no_host_file():
    probe = ("import torch\n"
             "def read(path):\n"
             "    try:\n"
             "        return int(torch.from_file(path, size=4, dtype=torch.uint8).sum())\n"
             "    except Exception as error:\n"
             "        return type(error).__name__\n")
    target = str(ROOT / "grading" / "checks" / "rnn_step_by_step.py")
    with Session([probe], LIMITS, shared_jail(["torch"])) as session:
        assert session.run_cells() == {}
        assert session.call("read", target) == "RuntimeError"  # the file is not in the jail


def test_one_cell_time_limit_for_stock_nbgrader_and_the_hardened_grader(tmp_path):
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.Execute.timeout == Limits().cell_seconds == course_limits(ROOT).cell_seconds
    text = (ROOT / "nbgrader_config.py").read_text().replace("c.Execute.timeout = int(Limits.cell_seconds)",
                                                             "c.Execute.timeout = 45")
    (tmp_path / "nbgrader_config.py").write_text(text)
    assert course_limits(tmp_path).cell_seconds == 45.0
    assert course_limits(tmp_path, cell_seconds=7.0).cell_seconds == 7.0


def test_a_cell_stopped_by_a_limit_is_named():
    cells = ["x = 1", "import time\ntime.sleep(30)", "def f():\n    import time\n    time.sleep(30)\n"]
    with Session(cells, TEST_LIMITS, labels=["your cell a", "your cell loop", "your cell f"]) as session:
        errors = session.run_cells()
        assert "your cell loop did not finish within 2 s" in errors[1]
        with pytest.raises(Exception, match="f did not return within 2 s"):
            session.call("f")
    budget = Limits(memory_bytes=768 << 20, cell_seconds=10.0, notebook_seconds=3.0)
    with Session(cells[:2], budget, labels=["your cell a", "your cell loop"]) as session:
        with pytest.raises(Exception, match="grading stopped at your cell loop: the notebook used up its time budget"):
            session.run_cells()


def test_a_forked_worker_that_exits_leaves_the_shared_jail_to_the_others():
    jail = shared_jail()
    child = os.fork()
    if child == 0:  # a worker inheriting the jail exits normally, running its exit handlers
        atexit._run_exitfuncs()
        os._exit(0)
    os.waitpid(child, 0)
    assert jail.root.is_dir() and (jail.root / "work").is_dir()


def test_a_jail_left_by_a_killed_grader_is_removed_by_the_next_one(tmp_path):
    import signal
    import subprocess
    import sys

    from grading.jail import BUILDER_FILE, JAIL_PREFIX, _process_identity, remove_abandoned_jails

    build = ("import os, sys, tempfile\n"
             "tempfile.tempdir = sys.argv[1]\n"
             "from grading.jail import Jail\n"
             "jail = Jail()\n"
             "print(jail.root, flush=True)\n"
             "os.kill(os.getpid(), 9)\n")
    killed = subprocess.run([sys.executable, "-c", build, str(tmp_path)], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL
    abandoned = Path(killed.stdout.strip())
    assert abandoned.parent == tmp_path and abandoned.name.startswith(JAIL_PREFIX) and (abandoned / BUILDER_FILE).exists()
    alive = tmp_path / (JAIL_PREFIX + "in-use")
    alive.mkdir()
    (alive / BUILDER_FILE).write_text(_process_identity(os.getpid()))  # this process: still in use
    remove_abandoned_jails(tmp_path)
    assert not abandoned.exists() and alive.exists()
