"""The hardened grader as the execution step of every nbgrader autograde the course can reach.

Stock nbgrader autograde (its ``Execute`` step) runs the hidden tests inside
the student's kernel, where the student's code can tamper with them. The
course's ``nbgrader_config.py`` puts :class:`HardenedExecute` in its place, so
formgrader's "Autograde" button and a plain ``nbgrader autograde`` score the
submission as ``python -m grading grade`` does: the student's cells in the
sandbox, the hidden checks in the grader's process (grading.external), the
outcomes written into the test cells for nbgrader's SaveAutoGrades. The
grading status table is updated as by ``grade``, so ``status`` tells the truth.

``--HardenedExecute.stock=True`` restores nbgrader's own Execute: the tests
use it as an oracle (grading.pipeline.stock_autograde); no instructor command
does.
"""
from pathlib import Path

from traitlets import Bool

from .external import ExternalResults, score_file

try:
    from nbgrader.preprocessors import Execute, NbGraderPreprocessor
except ImportError:  # nbgrader is in the "grading" extra
    Execute = NbGraderPreprocessor = object


class HardenedExecute(NbGraderPreprocessor):
    """Scores the submission with the hardened grader instead of executing it in a kernel."""

    stock = Bool(False, help="run nbgrader's own Execute instead (unsafe: only the tests' oracle)").tag(config=True)

    def preprocess(self, nb, resources):
        if self.stock:
            return Execute(parent=self.parent, config=self.config).preprocess(nb, resources)
        info = resources["nbgrader"]
        course_dir = Path(self.config.CourseDirectory.root or ".")
        assignment, student = info["assignment"], info["student"]
        path = course_dir / "submitted" / student / assignment / f"{info['notebook']}.ipynb"
        result = score_file(course_dir, assignment, path, student=student)
        self._record_status(info.get("db_url"), assignment, student, result)
        external = ExternalResults(parent=self.parent, config=self.config)
        external.results_json = result.to_json()
        return external.preprocess(nb, resources)

    def _record_status(self, db_url, assignment, student, result):
        from .batch import record_status

        outcome = {"student": student, "status": "graded" if result.readable else "error", "score": result.score,
                   "max_score": result.max_score, "message": "; ".join(result.notes)[:2000],
                   "seed": getattr(result, "seed", None)}
        if db_url:
            record_status(db_url, assignment, student, outcome)
