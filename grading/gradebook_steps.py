"""nbgrader's saving step, made atomic: for every autograde the course can reach.

Stock ``SaveAutoGrades`` commits cell by cell and leaves alone the grade of a
cell the notebook lacks, so a regrade could keep old points and a reader
(formgrader, ``status``, an export) could see half of a grading.
:class:`SaveAutoGradesAtomically` sets every grade of the submitted notebook:
from its cell when the notebook has one, else 0 with no manual grading
pending; then commits once. ``python -m grading grade`` (grading.external)
and the course's ``nbgrader_config.py`` (formgrader's "Autograde" button, a
plain ``nbgrader autograde``) both use it. This module imports nothing of the
grader, so formgrader's process can load it.
"""
try:
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
except ImportError:  # nbgrader is in the "grading" extra
    NbGraderPreprocessor = SaveAutoGrades = object


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


class SaveAutoGradesAtomically(SaveAutoGrades):
    """SaveAutoGrades in one transaction, and every grade of the notebook written (see the module)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        with Gradebook(self.db_url) as gradebook:
            self.gradebook = gradebook
            commit, gradebook.db.commit = gradebook.db.commit, gradebook.db.flush  # the cells' commits: flushes
            try:
                nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
                present = {_nbgrader(cell).get("grade_id") for cell in nb.cells if _nbgrader(cell).get("grade")}
                notebook = gradebook.find_submission_notebook(self.notebook_id, self.assignment_id, self.student_id)
                for grade in notebook.grades:
                    if grade.name not in present:
                        grade.auto_score, grade.needs_manual_grade = 0.0, False
            finally:
                gradebook.db.commit = commit
            gradebook.db.commit()
        return nb, resources
