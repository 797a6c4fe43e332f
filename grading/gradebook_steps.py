"""nbgrader's saving steps for every release and autograde the course can reach.

Stock ``SaveAutoGrades`` commits cell by cell and leaves alone the grade of a
cell the notebook lacks, so a regrade could keep old points and a reader
(formgrader, ``status``, an export) could see half of a grading.
:class:`SaveAutoGradesAtomically` sets every grade of the submitted notebook:
from its cell when the notebook has one, else 0 with no manual grading
pending; then commits once. ``python -m grading grade`` (grading.scoring)
and the course's ``nbgrader_config.py`` (formgrader's "Autograde" button, a
plain ``nbgrader autograde``) both use it.

Extra credit is nbgrader's own: a part in ``EXTRA_CREDIT`` of its checks
module is a test cell worth 0 points in the gradebook
(:class:`SaveCellsWithExtraCredit`, the release's saving step; the notebooks
keep their points, so students see what the part is worth), and the points it
earns are its grade's ``extra_credit``, which nbgrader adds to the score but
not to the maximum (formgrader's totals, ``nbgrader export``, late penalties).
The scoring step says what each extra-credit part earned in
``resources["nbgrader"]["extra_credit"]`` ({grade_id: points}).

This module imports nothing of the grader, so formgrader's process can load it.
"""
import copy

try:
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades, SaveCells
except ImportError:  # nbgrader is in the "grading" extra
    NbGraderPreprocessor = SaveAutoGrades = SaveCells = object

EARNED = "extra_credit"  # the key of resources["nbgrader"] holding {grade_id: extra-credit points earned}


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


class SaveCellsWithExtraCredit(SaveCells):
    """SaveCells, with the test cells of the assignment's ``EXTRA_CREDIT`` parts worth 0 in the gradebook.

    A locked cell's checksum covers its points: the gradebook keeps the checksum of the cell worth 0, which
    is what nbgrader's OverwriteCells computes once it has set a submitted cell's points from the gradebook.
    """

    def _extra_credit(self, cell):
        from . import declared_extra_credit

        return cell.cell_type == "code" and cell.metadata.nbgrader.get("grade") and \
            cell.metadata.nbgrader["grade_id"] in declared_extra_credit(self.assignment_id)

    def _create_grade_cell(self, cell):
        super()._create_grade_cell(cell)
        if self._extra_credit(cell):
            self.new_grade_cells[cell.metadata.nbgrader["grade_id"]]["max_score"] = 0.0

    def _create_source_cell(self, cell):
        from nbgrader.utils import compute_checksum

        super()._create_source_cell(cell)
        if self._extra_credit(cell) and cell.metadata.nbgrader.get("checksum"):
            worth_nothing = copy.deepcopy(cell)
            worth_nothing.metadata.nbgrader["points"] = 0.0
            self.new_source_cells[cell.metadata.nbgrader["grade_id"]]["checksum"] = compute_checksum(worth_nothing)


class SaveAutoGradesAtomically(SaveAutoGrades):
    """SaveAutoGrades in one transaction, every grade of the notebook written, extra credit recorded as such
    (see the module)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        earned = info.get(EARNED) or {}
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
                    if grade.name in earned:  # what the part earned is extra credit, none of it automatic points
                        grade.auto_score, grade.extra_credit = 0.0, float(earned[grade.name])
            finally:
                gradebook.db.commit = commit
            gradebook.db.commit()
        return nb, resources
