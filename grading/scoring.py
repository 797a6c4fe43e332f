"""Scoring that the student's code cannot influence, recorded through nbgrader.

Stock nbgrader runs the hidden tests in the student's kernel, where the
student can replace ``np.allclose``, the test helpers or the checks
themselves. Here:

1. :func:`extract_cells` takes from the submitted notebook only the student's
   answers (solution cells and cells the student added); locked cells come
   from the instructor's source notebook, test cells are left out.
2. :func:`score_notebook` runs those cells in a :class:`grading.sandbox.Session`
   and, in this clean process, runs each check of
   ``grading.checks.<assignment>.GRADED_TESTS`` against proxies of the
   student's functions: the student's process only ever sees the inputs and
   returns plain data, which the check compares with ``reference_impl``.
   A part that fails, where a later cell redefined a function (an unfinished
   rewrite at the end), is checked again with the functions as they were at
   its test cell, where stock nbgrader checks them: it keeps stock's points.
3. :func:`record` runs nbgrader's own autograde (its gradebook records, the
   submission copy, locked-cell restoration, late penalties) with the kernel
   execution replaced by :class:`CheckOutcomes`, which writes each check's
   outcome into its test cell (nothing for a pass, an error with the check's
   message for a failure) and removes the hidden-test source. nbgrader's
   ``SaveAutoGrades`` then stores exactly these outcomes as the auto scores,
   in the same run, so there is no moment when the gradebook holds points
   that did not come from the checks, and feedback shows messages, not code.
"""
import copy
import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from traitlets import Unicode

from . import declared_extra_credit
from .cells import nbgrader_metadata
from .checks import CheckFailed, graded_tests, submission_seed
from .course_code import provided_files, required_packages
from .gradebook_steps import EARNED, SaveAutoGradesAtomically
from .handouts import HANDOUT_ONLY_CELLS
from .repair import RepairCells, missing_graded_cells, repair_metadata
from .sandbox import DeadlineExceeded, Limits, SandboxDied, shared_jail
from .session import Session
from .sqlite_writers import read_only
from .student_text import notes_markdown, printable
from .translation import language_of, message_table

_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


@dataclass
class PartResult:
    """The outcome of one autograded test cell."""

    grade_id: str
    points: float
    max_points: float
    message: str = ""


@dataclass
class NotebookResult:
    """The outcome of one submitted notebook: its parts, and notes on cells that failed."""

    assignment: str
    parts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    readable: bool = True  # False when the file was not a notebook at all
    seed: int = None  # the seed the checks drew their inputs from (checks.submission_seed); None if none ran
    skipped: list = field(default_factory=list)  # IPython lines (magics, shell escapes) not run when graded
    # the language of the handout the notebook came from (translation.language_of): it selects the text of
    # the feedback (CheckOutcomes), never which checks run
    language: str = None

    @property
    def score(self):
        return sum(part.points for part in self.parts)

    @property
    def max_score(self):
        return sum(part.max_points for part in self.parts)

    def to_json(self):
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        return cls(data["assignment"], [PartResult(**p) for p in data["parts"]], data["notes"], data["readable"],
                   data.get("seed"), data.get("skipped", []), data.get("language"))


def source_notebook_path(course_dir, assignment):
    return Path(course_dir) / "solutions" / assignment / f"{assignment}.ipynb"


def _handout_only(cell):
    """Whether ``cell`` is one a handout notebook adds to the release (it runs the public tests)."""
    return isinstance(nbgrader_metadata(cell), dict) and nbgrader_metadata(cell).get("grade_id") in HANDOUT_ONLY_CELLS


def extract_cells(submitted, template):
    """The code to run for a submission, in the template's order, as (label, source) pairs (see cells_and_tests)."""
    return cells_and_tests(submitted, template)[0]


def cells_and_tests(submitted, template):
    """([(label, source)] of the code to run for a submission, in the template's order, {test cell grade_id:
    position of the last of those cells before it, -1 if none}).

    Solution cells come from the submission (matched by grade_id), locked
    cells that are not tests from the template, and code cells the student
    added (no nbgrader metadata) follow the graded cell they were placed
    after. Test cells are never run in the student's process. Labels name
    the cells in messages the student reads. The cells a handout adds
    (grading.handouts.HANDOUT_ONLY_CELLS: its ``check_all()``) are left out.
    """
    answers, added, anchor = {}, {}, None
    for cell in submitted.cells:
        meta = nbgrader_metadata(cell)
        if cell.cell_type != "code" or _handout_only(cell):
            continue
        if meta.get("grade_id"):
            anchor = meta["grade_id"]
            if meta.get("solution"):
                answers[anchor] = cell.source
        else:
            added.setdefault(anchor, []).append(cell.source)
    cells, tests = [], {}

    def add_students(key):
        where = f"after cell {key}" if key else "at the top"
        cells.extend((f"your added cell {where}", source) for source in added.pop(key, []))

    for cell in template.cells:
        meta = nbgrader_metadata(cell)
        if cell.cell_type != "code":
            continue
        grade_id = meta.get("grade_id")
        if meta.get("solution"):
            cells.append((f"your cell {grade_id}", answers.get(grade_id, "")))
        elif not meta.get("grade"):
            cells.append((f"the notebook's cell {grade_id or len(cells)}", cell.source))
        else:
            tests[grade_id] = len(cells) - 1  # stock nbgrader runs this test cell here
        if grade_id:
            add_students(grade_id)
        add_students(None)  # cells added before any graded cell run after the first (imports)
    return cells, tests  # as written, IPython syntax included: the Session runs magics as IPython would (grading.magics)


MESSAGE_CHARS = 2000  # a part's message or a note is cut to this length: it quotes student values


def _failure_message(error):
    if isinstance(error, CheckFailed):
        message = str(error)
    elif isinstance(error, (DeadlineExceeded, SandboxDied)):
        message = f"your code did not finish: {error}"
    else:
        message = f"the returned values could not be checked ({type(error).__name__}: {error})"
    return _cut(message)


def _cut(text):
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + "..."


def _repair(submitted, template):
    """A copy of ``submitted`` with its grading metadata repaired (grading.repair), and notes saying what changed."""
    submitted = copy.deepcopy(submitted)
    submitted.cells = [cell for cell in submitted.cells if not _handout_only(cell)]  # not a cell the student added
    template_ids = [c.metadata["nbgrader"]["grade_id"] for c in template.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id")]
    notes = repair_metadata(submitted, template_ids)
    notes += [f"the graded cell {grade_id} was missing from your notebook: the grader restored it"
              for grade_id in missing_graded_cells(submitted, template)]
    return submitted, notes


def score_notebook(assignment, submitted, template, limits=Limits(), jail=None, student="", seed=None):
    """Run the hidden checks of ``assignment`` on a submission; return a NotebookResult.

    ``submitted`` and ``template`` are nbformat notebooks. No exception from
    the student's code escapes: each failure is a part with 0 points and a
    message saying why. The checks draw their inputs from ``seed``, by default
    checks.submission_seed of the submission's content, the assignment and
    ``student``, so grading the same file again gives the same points and
    messages; ``result.seed`` records it.
    """
    if seed is None:
        seed = submission_seed(nbformat.writes(submitted), assignment, student)
    result = NotebookResult(assignment, seed=seed, language=language_of(submitted))
    submitted, result.notes = _repair(submitted, template)
    cells, tests = cells_and_tests(submitted, template)
    labels, cells = zip(*cells)
    provided = provided_files(template)
    packages = required_packages(template, provided)
    if jail is None or not set(packages) <= set(jail.packages):
        jail = shared_jail(packages)
    with Session(cells, limits, jail, provided, labels) as session:
        result.skipped = list(session.skipped_notes)
        try:
            errors = session.run_cells()
        except DeadlineExceeded as error:
            errors = {"all": str(error)}
        result.notes += [_cut(message) for _, message in sorted(errors.items(), key=lambda item: str(item[0]))]
        for test in graded_tests(assignment).values():
            try:
                test.check(*[session.function(name) for name in test.functions], seed=seed)
            except Exception as error:  # every failure of a check, of any kind, is a failed part
                if _passes_as_at_its_test_cell(session, test, tests.get(test.grade_id), seed):
                    result.parts.append(PartResult(test.grade_id, float(test.points), float(test.points)))
                else:
                    result.parts.append(PartResult(test.grade_id, 0.0, float(test.points), _failure_message(error)))
            else:
                result.parts.append(PartResult(test.grade_id, float(test.points), float(test.points)))
    return result


def _passes_as_at_its_test_cell(session, test, position, seed):
    """Whether a failed part passes with its functions as they were at its test cell, where a later cell
    redefined one of them (an unfinished rewrite at the end of the notebook): stock nbgrader checks them
    there, so the part keeps stock's points. Only then: the check is not run twice otherwise."""
    if position is None or position < 0:
        return False
    try:
        if not session.changed_since(position):
            return False
        test.check(*[session.function(name, as_of=position) for name in test.functions], seed=seed)
    except Exception:
        return False
    return True


def unreadable_result(assignment, reason):
    """The result of a notebook that could not be read at all: every part 0, with the reason."""
    result = NotebookResult(assignment, notes=[reason], readable=False)
    for test in graded_tests(assignment).values():
        result.parts.append(PartResult(test.grade_id, 0.0, float(test.points), reason))
    return result


def assignment_packages(course_dir, assignment):
    """The third-party packages a sandbox grading ``assignment`` carries (its jail's packages)."""
    template = nbformat.read(source_notebook_path(course_dir, assignment), as_version=4)
    return required_packages(template, provided_files(template))


# Far above any honest notebook, outputs included (GitHub warns at 50 MB); reading a
# notebook costs the grader many times its size in memory and time.
MAX_NOTEBOOK_BYTES = 64 << 20


def score_file(course_dir, assignment, path, limits=Limits(), jail=None, student=""):
    """score_notebook for a notebook file; a missing, oversized or unreadable file scores 0 with the reason."""
    template = nbformat.read(source_notebook_path(course_dir, assignment), as_version=4)
    try:
        size = os.path.getsize(path)
        if size > MAX_NOTEBOOK_BYTES:
            return unreadable_result(assignment, f"the submitted notebook is {size / 2**20:.0f} MB, more than the "
                                                 f"{MAX_NOTEBOOK_BYTES >> 20} MB a notebook may have: clear its "
                                                 "largest outputs and submit it again")
        submitted = nbformat.read(path, as_version=4)
        nbformat.validate(submitted)
    except Exception as error:  # corrupt JSON, wrong format, missing file: all mean "not gradable"
        return unreadable_result(assignment, f"the submitted notebook could not be read ({type(error).__name__}: "
                                              f"{str(error)[:300]})")
    return score_notebook(assignment, submitted, template, limits, jail, student=student)


# ---- recording through nbgrader ----------------------------------------------------

try:
    from nbgrader.preprocessors import NbGraderPreprocessor
except ImportError:  # nbgrader is in the "grading" extra; scoring alone does not need it
    NbGraderPreprocessor = object


class CheckOutcomes(NbGraderPreprocessor):
    """Takes the place of nbgrader's Execute: test cells get the outcomes of :func:`score_notebook`'s checks.

    A passed part leaves its test cell without output (nbgrader: full
    points); a failed one gets an error output carrying the check's message
    (nbgrader: zero). Hidden-test regions are removed so that neither the
    autograded notebook nor the feedback shows them.
    """

    results_json = Unicode("", help="NotebookResult.to_json() of the submission being recorded").tag(config=True)

    def preprocess(self, nb, resources):
        result = NotebookResult.from_json(self.results_json)
        self._parts = {part.grade_id: part for part in result.parts}
        table = message_table(result.language)
        self._say = (lambda text: text) if table is None else table.translate
        nb, resources = super().preprocess(nb, resources)
        resources.setdefault("nbgrader", {})[EARNED] = extra_credit_earned(result)
        lines = list(result.notes)
        lines += result.skipped  # IPython lines that did not run, each with its cell, line and reason
        if result.seed is not None:
            lines.append(f"the checks drew their inputs from seed {result.seed}")
        if lines:
            lines = [self._say(line) for line in lines]
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(notes_markdown(self._say("Grading notes."), lines)))
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        meta = nbgrader_metadata(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.source = _HIDDEN.sub("# hidden checks: run by the grader, outcome below\n", cell.source)
            part = self._parts.get(meta.get("grade_id"))
            if part is None or part.points < part.max_points:
                message = printable(self._say(part.message if part else "no check is defined for this cell"))
                cell.outputs = [nbformat.v4.new_output("error", ename="CheckFailed", evalue=message,
                                                       traceback=[f"CheckFailed: {message}"])]
            else:
                passed = self._say("hidden checks passed") + "\n"
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=passed)]
        return cell, resources


def extra_credit_earned(result):
    """{grade_id: points} earned by the parts of ``result`` that its checks module declares extra credit."""
    extra = declared_extra_credit(result.assignment)
    return {part.grade_id: part.points for part in result.parts if part.grade_id in extra}


def _reading_only(preprocessor):
    """``preprocessor`` with its gradebook session in sqlite_writers.read_only(): it takes no write lock."""

    def preprocess(self, nb, resources):
        with read_only():
            return preprocessor.preprocess(self, nb, resources)

    return type(preprocessor.__name__, (preprocessor,), {"preprocess": preprocess, "__doc__": preprocessor.__doc__})


def nbgrader_config(course_dir, db_url=None, results_json=None):
    """The course's nbgrader_config.py with kernel execution replaced by CheckOutcomes."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
    )
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader creates a new gradebook by running its environment's `alembic` script by name
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    config.CourseDirectory.root = str(course_dir)
    if db_url:
        config.CourseDirectory.db_url = db_url
    # copied and deleted cells are repaired first (grading.repair), exactly as for the scoring
    release_folder = config.CourseDirectory.get("release_directory", "release")
    config.RepairCells.release_root = os.path.join(str(course_dir), release_folder)
    config.Autograde.sanitize_preprocessors = [RepairCells, ClearOutput, DeduplicateIds,
                                               _reading_only(OverwriteKernelspec), _reading_only(OverwriteCells),
                                               CheckCellMetadata]
    config.Autograde.autograde_preprocessors = [CheckOutcomes, ClearMetadataPreprocessor, LimitOutput,
                                                SaveAutoGradesAtomically, AssignLatePenalties,
                                                CheckCellMetadata]
    if results_json is not None:
        config.CheckOutcomes.results_json = results_json
    return config


def record(course_dir, assignment, student, result, db_url=None):
    """Run nbgrader's autograde for one submission, recording ``result`` as its auto scores.

    Raises RuntimeError with nbgrader's message if nbgrader refuses the submission.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(course_dir, db_url, result.to_json())
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    outcome = api.autograde(assignment, student, force=True, create=True)
    if not outcome["success"]:
        raise RuntimeError(f"nbgrader refused the notebook: {nbgrader_reason(outcome)}")


_GENERIC = ("Please see the the above traceback", "Please see the above traceback", "There was an error processing")


def nbgrader_reason(outcome):
    """The reason in a failed NbGraderAPI outcome: the last exception line of its traceback, else of its log,
    that is not one of nbgrader's generic closing lines ("Please see the above traceback ..."); else the
    last line."""
    texts = [[line.strip() for line in (outcome.get(key) or "").splitlines() if line.strip()] for key in ("error", "log")]
    specific = [[line for line in lines if not any(generic in line for generic in _GENERIC)] for lines in texts]
    raised = [[line for line in lines if re.match(r"[\w.]+(Error|Exception|Entry): ", line)] for lines in specific]
    for candidates in (*raised, *specific, *texts):
        if candidates:
            return candidates[-1][:MESSAGE_CHARS]
    return "no reason given"
