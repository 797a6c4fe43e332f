"""nbgrader configuration of the course (read by every ``nbgrader`` command run
from this directory, and by ``python -m grading``)."""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from grading.sandbox import Limits

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# The course directory is the folder of this file, wherever it is copied.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The gradebook's assignments belong to this course; PostgreSQL requires its row
# to exist (nbgrader's default, "", has none), and the exchange commands need it.
c.CourseDirectory.course_id = "sequence-models"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The embedded SQLite gradebook, in the course directory; `--db URL` overrides it.
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")

# A cell that runs longer than this is stopped and its test gets no points. The one
# value for stock nbgrader and the hardened grader (which reads this line back with
# grading.sandbox.course_limits, so a course that changes it here changes both).
c.Execute.timeout = int(Limits.cell_seconds)
c.Execute.interrupt_on_timeout = True

# nbgrader gives 0 to a test cell with any output on stderr. Our tests fail by
# raising, never by writing to stderr, while warnings (NumPy overflow, deprecations)
# and progress bars do write there: drop stderr output before grading.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"

# Every nbgrader autograde the course can reach (formgrader's "Autograde" button, a plain
# `nbgrader autograde`) scores with the hardened grader instead of running the hidden
# tests in the student's kernel (grading/nbgrader_autograde.py); `python -m grading grade`
# is the same grader, parallel and resumable.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
)

from grading.gradebook_steps import SaveAutoGradesAtomically  # noqa: E402
from grading.nbgrader_autograde import HardenedExecute  # noqa: E402
from grading.repair import RepairCells  # noqa: E402

# A solution cell copied in Jupyter (its grade_id twice, or emptied metadata) becomes a
# cell the student added and a deleted test cell is restored (grading/repair.py), where
# stock nbgrader would refuse the notebook; every grade is then written in one transaction.
c.Autograde.sanitize_preprocessors = [RepairCells, ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells,
                                      CheckCellMetadata]
c.RepairCells.release_root = os.path.join(c.CourseDirectory.root, c.CourseDirectory.release_directory)
c.Autograde.autograde_preprocessors = [HardenedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGradesAtomically, AssignLatePenalties, CheckCellMetadata]

# Extra credit (a checks module's EXTRA_CREDIT) is nbgrader's own: the part's test cell is worth 0
# points in the gradebook and what it earns is its grade's extra credit (grading/gradebook_steps.py).
from nbgrader.converters import GenerateAssignment  # noqa: E402
from nbgrader.preprocessors import SaveCells  # noqa: E402

from grading.gradebook_steps import SaveCellsWithExtraCredit  # noqa: E402

c.GenerateAssignment.preprocessors = [SaveCellsWithExtraCredit if step is SaveCells else step
                                      for step in GenerateAssignment.class_traits()["preprocessors"].default()]

# Feedback shows the outcome and message of each hidden test, not its source.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Written answers are student markdown, rendered as HTML in the feedback and in formgrader
# (both use this exporter): nothing in them may run in a browser. Markdown cells go through
# grading/safe_html.py (nbgrader's templates call markdown2html without cleaning), and
# nbconvert's own sanitising covers HTML, markdown and JavaScript outputs.
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = {"markdown2html": "grading.safe_html.markdown2html"}

# Formgrader's pages typeset equations with the course's own MathJax, not nbconvert's CDN: the
# template folder grading/templates/formgrade/ comes before formgrader's own (which this setting
# must name too, as it replaces formgrader's) and holds only that macro (mathjax.html.j2).
import nbgrader  # noqa: E402

import grading  # noqa: E402

c.HTMLExporter.extra_template_basedirs = [
    os.path.join(os.path.dirname(grading.__file__), "templates"),
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates")]

# The kernel prints only the exception's type and message: a traceback with
# source context would show the lines around each hidden check call.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--InteractiveShell.xmode=Minimal"]

# Long tracebacks from student code are cut in the stored notebook and feedback.
c.LimitOutput.max_traceback = 20

# ---- The term ----------------------------------------------------------------------
# Due dates (UTC unless a zone is named). `python -m grading release`, `import`,
# `grade`, `status` and `export` copy them into the gradebook, where nbgrader's
# late-submission step compares them with each submission's timestamp.txt.
c.Term.due_dates = {}  # e.g. {"rnn_step_by_step": "2027-02-05 23:59 UTC"}
# The late-penalty rule, applied by nbgrader's autograde through this plugin
# (grading/late_penalty.py): a percentage of the score per started day late, capped,
# and 0 points after a number of days (None: never).
c.AssignLatePenalties.plugin_class = "grading.late_penalty.LatePenalty"
c.LatePenalty.percent_per_day = 10
c.LatePenalty.max_percent = 50
c.LatePenalty.zero_after_days = 7
# The time zone of the times an LMS download carries without one: a zip entry's time is the
# LMS's local time (an IANA name, e.g. "America/Toronto"; UTC when unset).
# c.Term.lms_time_zone = "UTC"
# File names of LMS downloads (`python -m grading import`), nbgrader's zip_collect setting;
# unset means Canvas's names, `--lms moodle` Moodle's (grading.submissions.LMS_PATTERNS).
# c.FileNameCollectorPlugin.named_regexp = r"^(?P<name>[^_]+)_(?P<student_id>\d+)_assignsubmission_file_(?P<file_id>.+)$"
