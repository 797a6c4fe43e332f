"""The hardened grader on every assignment: the same submissions, the same points as nbgrader.

tests/test_grading_pipeline.py grades these submissions with stock nbgrader
(hidden tests in the student's kernel). Here each is scored by
grading.scoring: the student's cells in the sandbox, the checks in this
process. Both must give every part the same points. The sandbox gets only
the course code the locked cells import, sliced to what they use; these
tests check that it runs there and that no reference answer comes with it.
"""
import ast
import pkgutil
from pathlib import Path

import nbformat
import pytest

import reference_impl
from grading import ASSIGNMENTS
from grading.checks import graded_tests
from grading.course_code import _parse, _requests_of, locked_code, provided_files, required_packages
from grading.sandbox import Limits, shared_jail
from grading.scoring import score_notebook
from grading.session import Session
from submissions import make_submission, submission_cases

ROOT = Path(__file__).resolve().parent.parent
# the limits of a real run, but a shorter budget per cell: the slowest locked cell (assignment 5's training) takes ~10 s
LIMITS = Limits(memory_bytes=3 << 30, cell_seconds=60.0, notebook_seconds=240.0)


def _notebooks(assignment):
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(ROOT / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    return source, release


def _graded_reference_names(assignment):
    """Names the checks of ``assignment`` import from reference_impl: the answers they compare with."""
    tree = ast.parse((ROOT / "grading" / "checks" / f"{assignment}.py").read_text())
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("reference_impl") for alias in node.names}


def _handed_out(template):
    """Names the template's locked cells import from the course (helpers the student may use)."""
    return {name for source in locked_code(template) for names in _requests_of(_parse(source)).values()
            for name in names}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_submission_gets_the_points_nbgrader_gives_it(assignment):
    source, release = _notebooks(assignment)
    wrong, alternative = submission_cases(assignment)
    points = {test.grade_id: float(test.points) for test in graded_tests(assignment).values()}
    cases = {"reference": (source, set()), "blank": (release, set(points)),
             "alternative": (make_submission(source, release, alternative), set())}
    cases.update({name: (make_submission(source, release, edits), broken) for name, (edits, broken) in wrong.items()})
    for student, (notebook, broken) in cases.items():
        result = score_notebook(assignment, notebook, source, LIMITS)
        scored = {part.grade_id: part.points for part in result.parts}
        expected = {grade_id: 0.0 if grade_id in broken else value for grade_id, value in points.items()}
        assert scored == expected, (student, [part.message for part in result.parts if part.points < part.max_points])
        if not broken:
            # every cell, the locked demos and training included, runs in the sandbox as in the student's kernel
            assert result.notes == [], (student, result.notes)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_sandbox_gets_no_reference_answer(assignment):
    source, _ = _notebooks(assignment)
    files = provided_files(source)
    defined = {node.name for path, text in files.items() if path.endswith(".py")
               for node in ast.parse(text).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    answers = _graded_reference_names(assignment) - _handed_out(source)
    assert answers, "the checks compare with reference functions"
    assert defined & answers == set()
    assert _handed_out(source) - {"*"} <= defined | {path.split("/")[-1][:-3] for path in files}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_course_modules_not_handed_out_cannot_be_imported_in_the_sandbox(assignment):
    source, _ = _notebooks(assignment)
    files = provided_files(source)
    provided = {path[:-3].replace("/", ".").removesuffix(".__init__") for path in files if path.endswith(".py")}
    every_module = {f"reference_impl.{m.name}" for m in pkgutil.walk_packages(reference_impl.__path__, "")}
    absent = sorted(every_module - provided)
    probe = ("import importlib\n"
             "def importable(names):\n"
             "    found = []\n"
             "    for name in names:\n"
             "        try:\n"
             "            importlib.import_module(name)\n"
             "            found.append(name)\n"
             "        except Exception:\n"
             "            pass\n"
             "    return found\n")
    jail = shared_jail(required_packages(source, files))
    with Session([probe], LIMITS, jail, files) as session:
        assert session.run_cells() == {}
        assert absent and session.call("importable", absent) == []
        assert sorted(session.call("importable", sorted(provided))) == sorted(provided)


def test_the_books_data_files_are_never_handed_out():
    """reference_impl/_book_data (the chapters' corpus and stored results) is a package, so it does not come along
    with a reference_impl module the way data/ does: neither the sandbox nor a handout (the same files) holds it."""
    book_data = {path.name for path in (ROOT / "reference_impl" / "_book_data").iterdir() if path.suffix in (".txt", ".json")}
    handed_out = {path for assignment in ASSIGNMENTS for path in provided_files(_notebooks(assignment)[0])}
    assert "reference_impl/data/names.txt" in handed_out, "a module's data folder comes along with it"
    assert book_data and not [path for path in handed_out if "_book_data" in path or Path(path).name in book_data]


def test_a_sliced_module_keeps_its_line_numbers_and_only_what_the_import_needs():
    source, _ = _notebooks("char_language_model")
    sliced = provided_files(source)["reference_impl/char_lm.py"]
    original = (ROOT / "reference_impl" / "char_lm.py").read_text()
    assert sliced.count("\n") == original.count("\n")
    assert "def language_model_batch" in sliced and "def train_char_lm" not in sliced
    line = next(i for i, text in enumerate(original.splitlines()) if text.startswith("def language_model_batch"))
    assert sliced.splitlines()[line] == original.splitlines()[line]
    assert "tqdm" not in sliced  # the import only train_char_lm used is gone with it
