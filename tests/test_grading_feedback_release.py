"""``python -m grading feedback --release`` hands feedback back through nbgrader's exchange.

A course whose submissions came through the exchange: the instructor
releases, the student fetches and submits, the instructor collects, grades
with the hardened grader and releases feedback, and the student fetches a
page that typesets its equations with nothing but itself (the exchange
hands back the HTML file alone).
"""
import contextlib
import io
import shutil
import time

import nbformat

from grading import __main__ as cli
from grading.nbgrader_commands import run_nbgrader
from term_course import REPO, RNN, notebook

COURSE_ID = "sequence-models"  # c.CourseDirectory.course_id of the course file


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def test_feedback_release_reaches_the_student_through_the_exchange(tmp_path):
    exchange, course, home = tmp_path / "exchange", tmp_path / "course", tmp_path / "home_s1"
    exchange.mkdir()
    exchange.chmod(0o777)
    home.mkdir()
    shutil.copytree(REPO / "solutions" / RNN, course / "solutions" / RNN)
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text()
                                               + f"\nc.Exchange.root = {str(exchange)!r}\n")
    assert _run("release", RNN, "--course", course)[0] == 0
    run_nbgrader(["release_assignment", RNN, "--force"], course)
    student = ["--student=s1", f"--course={COURSE_ID}", f"--Exchange.root={exchange}"]
    run_nbgrader(["fetch_assignment", RNN, *student], home)
    nbformat.write(notebook(course, RNN, "s1"), home / RNN / f"{RNN}.ipynb")  # the student's answers
    run_nbgrader(["submit", RNN, *student], home)
    run_nbgrader(["collect", RNN, "--update"], course)
    assert (course / "submitted" / "s1" / RNN / "submission_secret.txt").is_file()

    status, out, err = _run("grade", RNN, "--course", course)
    assert status == 0, out + err
    status, out, err = _run("feedback", RNN, "--release", "--course", course)
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == f"-\t{RNN}\treleased through nbgrader's exchange"

    run_nbgrader(["fetch_feedback", RNN, *student], home)
    pages = list((home / RNN / "feedback").glob(f"*/{RNN}.html"))
    assert len(pages) == 1
    page = pages[0].read_text()
    assert "cdnjs" not in page and 'src="mathjax/' not in page and "Part relative_error" in page
    assert not (pages[0].parent / "mathjax").exists()  # the page is all the student gets

    from website_reader import open_browser

    with open_browser() as browser:  # no network: MathJax must come from the page itself
        browser.get(pages[0].as_uri())
        deadline = time.time() + 60
        while browser.execute_script("return document.querySelectorAll('mjx-container svg').length") == 0:
            assert time.time() < deadline, "MathJax typeset nothing"
            time.sleep(0.5)
        assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
