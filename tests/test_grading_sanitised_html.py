"""A written answer cannot run script in the instructor's or the student's browser.

A student's markdown answer carrying ``<script>``, event handlers and
``javascript:`` links is graded with two workers, then opened in headless
Chromium as the feedback page and as formgrader's page of the submission
(a real ``jupyter server`` on the scratch course). No payload may run, and
the answer's ordinary text must still be shown.
"""
import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from grading.batch import grade_all
from grading_fixtures import ASSIGNMENT, ROOT, TEST_LIMITS, build_submission, submit

TOKEN = "sanitised-html-test"
PAYLOADS = [
    "<script>window.__pwned = 'script'</script>",
    "<img src=\"missing.png\" onerror=\"window.__pwned = 'onerror'\">",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    "<details open ontoggle=\"window.__pwned = 'ontoggle'\"><summary>s</summary></details>",
    "<iframe srcdoc=\"<script>parent.__pwned = 'iframe'</script>\"></iframe>",
    "<a id=\"pwn-link\" href=\"javascript:window.__pwned = 'href'\">a link</a>",
    "<form><button id=\"pwn-button\" formaction=\"javascript:window.__pwned = 'formaction'\">b</button></form>",
]
ANSWER = "The same weights are used at every step, *shared* over time.\n\n" + "\n\n".join(PAYLOADS)


@pytest.fixture
def graded_course(course):
    shutil.copy(ROOT / "nbgrader_config.py", course)  # this checkout's settings, whatever the shared template holds
    notebook = build_submission("honest")
    answer, = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer_shared_weights"]
    answer.source = ANSWER
    submit(course, "mallory", notebook)
    outcome, = grade_all(course, ASSIGNMENT, workers=2, limits=TEST_LIMITS, progress=False)
    assert outcome["status"] == "graded", outcome["message"]
    return course


def assert_nothing_ran(driver):
    pwned = "return window.__pwned === undefined ? null : String(window.__pwned)"
    time.sleep(1.0)  # image errors, toggles and frames fire after the load event
    assert driver.execute_script(pwned) is None
    assert "The same weights are used at every step" in driver.find_element("tag name", "body").text
    for frame in driver.find_elements("tag name", "iframe"):
        assert "__pwned" not in (frame.get_attribute("srcdoc") or "")
    for element_id in ("pwn-link", "pwn-button"):  # a click on what is left of them must run nothing either
        with contextlib.suppress(Exception):
            driver.execute_script(f"document.getElementById('{element_id}').click()")
        time.sleep(0.5)
        assert driver.execute_script(pwned) is None
        assert "The same weights are used at every step" in driver.find_element("tag name", "body").text


def test_a_script_in_a_written_answer_does_not_run_in_the_feedback_page(graded_course, driver):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grading.scoring import nbgrader_config

    config = nbgrader_config(graded_course)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    assert api.generate_feedback(ASSIGNMENT, "mallory", force=True)["success"]
    page = graded_course / "feedback" / "mallory" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    driver.get(page.as_uri())
    assert_nothing_ran(driver)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def formgrader(graded_course, tmp_path):
    """A jupyter server with nbgrader's formgrader on the graded course; yields its base URL."""
    port = _free_port()
    log = (tmp_path / "jupyter-server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={graded_course}", "--allow-root"],
        cwd=graded_course, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            if server.poll() is not None:
                pytest.fail("jupyter server stopped: " + (tmp_path / "jupyter-server.log").read_text()[-2000:])
            time.sleep(0.5)
        else:
            pytest.fail("jupyter server did not start: " + (tmp_path / "jupyter-server.log").read_text()[-2000:])
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_a_script_in_a_written_answer_does_not_run_in_formgraders_page(graded_course, formgrader, driver):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_course}/gradebook.db") as gradebook:
        submission_id = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "mallory").id
    driver.get(f"{formgrader}/formgrader/submissions/{submission_id}/?token={TOKEN}")
    assert "answer_shared_weights" in driver.page_source  # the submission's page, not a login or error page
    assert_nothing_ran(driver)
