"""nbgrader configuration of the course (read by every ``nbgrader`` command run
from this directory, and by ``python -m grading``)."""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

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

# A cell that runs longer than this is stopped and its test gets no points.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# nbgrader gives 0 to a test cell with any output on stderr. Our tests fail by
# raising, never by writing to stderr, while warnings (NumPy overflow, deprecations)
# and progress bars do write there: drop stderr output before grading.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"

# Feedback shows the outcome and message of each hidden test, not its source.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# The kernel prints only the exception's type and message: a traceback with
# source context would show the lines around each hidden check call.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--InteractiveShell.xmode=Minimal"]

# Long tracebacks from student code are cut in the stored notebook and feedback.
c.LimitOutput.max_traceback = 20
