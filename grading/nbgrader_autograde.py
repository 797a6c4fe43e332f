"""The hardened grader as the execution step of every nbgrader autograde the course can reach.

Stock nbgrader autograde (its ``Execute`` step) runs the hidden tests inside
the student's kernel, where the student's code can tamper with them. The
course's ``nbgrader_config.py`` puts :class:`HardenedExecute` in its place, so
formgrader's "Autograde" button and a plain ``nbgrader autograde`` score the
submission as ``python -m grading grade`` does: the student's cells in the
sandbox, the hidden checks in the grader's process (grading.scoring), the
outcomes written into the test cells for nbgrader's SaveAutoGrades. The
grading status table is updated as by ``grade``, so ``status`` tells the truth.

The scoring runs in a child process (``python -m grading.nbgrader_autograde``):
grading.sqlite_writers, which the grader installs before it writes the
gradebook, makes every SQLite transaction of its process take the writer
lock first, and formgrader keeps a gradebook session open between requests,
which would then hold the lock for good. This module itself imports nothing of the grader (only the package's
list of extra-credit parts, read without importing the checks).

``--HardenedExecute.stock=True`` restores nbgrader's own Execute: the tests
use it as an oracle (grading.nbgrader_commands.autograde); no instructor command does.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from traitlets import Bool

from . import declared_extra_credit
from .gradebook_steps import EARNED

try:
    from nbgrader.preprocessors import Execute, NbGraderPreprocessor
except ImportError:  # nbgrader is in the "grading" extra
    Execute = NbGraderPreprocessor = object


class HardenedExecute(NbGraderPreprocessor):
    """Scores the submission with the hardened grader instead of executing it in a kernel."""

    stock = Bool(False, help="run nbgrader's own Execute instead (unsafe: only the tests' oracle)").tag(config=True)

    def preprocess(self, nb, resources):
        if self.stock:
            return self._stock(nb, resources)
        info = resources["nbgrader"]
        course_dir = Path(self.config.CourseDirectory.root or ".").resolve()
        with tempfile.TemporaryDirectory(prefix="hardened-autograde-") as folder:
            notebook_path = Path(folder) / "notebook.ipynb"
            nbformat.write(nb, notebook_path)
            outcome_path = Path(folder) / "outcome.json"
            command = [sys.executable, "-m", "grading.nbgrader_autograde", str(course_dir), info["assignment"],
                       info["student"], info["notebook"], info.get("db_url") or "", str(notebook_path),
                       str(outcome_path)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"the hardened grader failed: {done.stderr[-2000:]}")
            outcome = json.loads(outcome_path.read_text())
            self.log.info("hardened grader: %s", json.dumps(outcome)[-500:])
            info[EARNED] = outcome["extra_credit"]
            return nbformat.read(notebook_path, as_version=4), resources

    def _stock(self, nb, resources):
        """nbgrader's Execute; a passing extra-credit part earns its points (from the checks module) as
        extra credit, as with the hardened grader, so that the tests' oracle records the same grades."""
        from .checks import graded_tests

        nb, resources = Execute(parent=self.parent, config=self.config).preprocess(nb, resources)
        info = resources["nbgrader"]
        extra, tests = declared_extra_credit(info["assignment"]), None
        earned = {}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and grade_id in extra and cell.metadata["nbgrader"].get("grade"):
                tests = tests or graded_tests(info["assignment"])
                failed = any(output.get("output_type") == "error" for output in cell.get("outputs", []))
                earned[grade_id] = 0.0 if failed else float(tests[grade_id].points)
        info[EARNED] = earned
        return nb, resources


def score_into(course_dir, assignment, student, notebook_name, db_url, notebook_path):
    """Score the submission and write the outcomes into the test cells of the notebook at ``notebook_path``."""
    from .batch import file_sha256, record_status
    from .scoring import CheckOutcomes, score_file

    path = Path(course_dir) / "submitted" / student / assignment / f"{notebook_name}.ipynb"
    result = score_file(course_dir, assignment, path, student=student)
    outcome = {"student": student, "status": "graded" if result.readable else "error", "score": result.score,
               "max_score": result.max_score, "message": "; ".join(result.notes)[:2000],
               "seed": getattr(result, "seed", None)}
    if db_url:
        record_status(db_url, assignment, student, outcome, file_sha256(path))  # `grade` then skips it
    notebook = nbformat.read(notebook_path, as_version=4)
    outcomes = CheckOutcomes(results_json=result.to_json())
    notebook, resources = outcomes.preprocess(notebook, {})
    nbformat.write(notebook, notebook_path)
    return {**outcome, "extra_credit": resources["nbgrader"][EARNED]}


if __name__ == "__main__":
    Path(sys.argv[7]).write_text(json.dumps(score_into(*sys.argv[1:7])))
