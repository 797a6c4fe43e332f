"""Adversarial submissions: no trick inflates a grade, no honest answer loses points.

Each module of tests/adversarial/ is one submission with the score it must
get; the checks run in this process, the student's code in the sandbox.
"""
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading.sandbox import Jail, isolation_level
from grading.scoring import score_notebook
from grading.session import Handle, Session
from grading_fixtures import ASSIGNMENT, SOURCE, TEST_LIMITS, TRICKS, build_submission, expected_score


@pytest.mark.parametrize("name", TRICKS)
def test_trick_gets_exactly_the_points_of_its_honest_parts(name):
    result = score_notebook(ASSIGNMENT, build_submission(name), nbformat.read(SOURCE, 4), TEST_LIMITS)
    failed = {part.grade_id: part.message for part in result.parts if part.points < part.max_points}
    assert result.score == expected_score(name), failed
    assert all(message for message in failed.values()), "every failed part says why"


def test_the_grader_survives_a_submission_that_signals_everything():
    # kill_kernel sends SIGKILL to its parent and to -1 (every process it may signal): a bystander process
    # of the grader's user must outlive it, and the grader must still score the honest parts
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        result = score_notebook(ASSIGNMENT, build_submission("kill_kernel"), nbformat.read(SOURCE, 4), TEST_LIMITS)
        assert bystander.poll() is None, f"the submission killed a process of the grader's user ({bystander.returncode})"
    finally:
        bystander.kill()
        bystander.wait()
    assert result.score == expected_score("kill_kernel") > 0


@pytest.mark.skipif(isolation_level() != "jail", reason="the jail needs root; without it only the audit hook applies")
def test_the_sandbox_sees_no_course_file_no_gradebook_and_no_network():
    walk = (
        "import os\n"
        "def files():\n"
        "    return [os.path.join(d, f) for top in ('/',) for d, _, fs in os.walk(top) for f in fs]\n"
        "def identity():\n"
        "    return os.getuid(), os.getcwd()\n"
    )
    with Session([walk], TEST_LIMITS) as session:
        assert session.run_cells() == {}
        visible = session.call("files")
        uid, cwd = session.call("identity")
    leaks = [p for p in visible if any(s in p for s in ("reference_impl", "grading", "gradebook", "solutions",
                                                        "submitted", "nbgrader", ".ipynb"))]
    assert leaks == []
    assert uid != 0 and uid != os.getuid()
    assert cwd.startswith("/work/")


def test_a_function_that_returns_an_object_cannot_reach_the_grader():
    code = (
        "class Evil:\n"
        "    def __reduce__(self):\n"
        "        import os\n"
        "        return (os.system, ('touch /tmp/owned',))\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    return Evil(), Evil(), Evil()\n"
    )
    with Session([code], TEST_LIMITS) as session:
        session.run_cells()
        returned = session.call("rnn_cell_forward", 1, 2, {})
    # the objects stay in the sandbox: the grader holds opaque handles, never the objects or their pickles
    assert [type(value) for value in returned] == [Handle] * 3
    assert {value.type_name for value in returned} == {"Evil"}
    assert not os.path.exists("/tmp/owned")


@pytest.fixture(scope="module")
def fallback_jail():
    """The sandbox a grader without root gets: rlimits, the isolated interpreter and the audit hook, no chroot."""
    jail = Jail(jailed=False)
    yield jail
    jail.close()


@pytest.mark.parametrize("name", TRICKS)
def test_without_root_the_audit_hook_alone_still_stops_every_trick(name, fallback_jail):
    result = score_notebook(ASSIGNMENT, build_submission(name), nbformat.read(SOURCE, 4), TEST_LIMITS, fallback_jail)
    failed = {part.grade_id: part.message for part in result.parts if part.points < part.max_points}
    assert result.score == expected_score(name), failed


def test_without_root_the_sandbox_cannot_open_course_files(fallback_jail):
    probe = ("def read(path):\n"
             "    try:\n"
             "        with open(path, 'rb') as handle:\n"
             "            return len(handle.read())\n"
             "    except PermissionError as error:\n"
             "        return str(error)\n")
    course_file = str(Path(__file__).resolve().parent.parent / "grading" / "checks" / f"{ASSIGNMENT}.py")
    with Session([probe], TEST_LIMITS, fallback_jail) as session:
        assert session.run_cells() == {}
        assert "not allowed while grading" in session.call("read", course_file)
        assert "not allowed while grading" in session.call("read", "/etc/hostname")
        assert isinstance(session.call("read", os.__file__), int)  # the standard library stays readable


def test_without_root_the_sandbox_cannot_start_a_thread(fallback_jail):
    # RLIMIT_NPROC never binds root, and these tests run as root: only the seccomp filter stops this
    probe = ("import threading\n"
             "def start():\n"
             "    try:\n"
             "        threading.Thread(target=print).start()\n"
             "    except RuntimeError as error:\n"
             "        return str(error)\n"
             "    return 'started'\n")
    with Session([probe], TEST_LIMITS, fallback_jail) as session:
        assert session.run_cells() == {}
        assert session.call("start") == "can't start new thread"
