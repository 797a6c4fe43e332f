"""Self-contained student handouts: one folder and one zip per assignment, made by the release step.

A handout holds what a student needs on any laptop or on Colab, and nothing
of the instructor's packages:

- the student notebook (the release of ``assignments/``), its course imports
  pointed at the handout's own package ``course_helpers`` instead of
  ``reference_impl`` and ``grading``;
- ``course_helpers/``: the course helpers the locked cells import, sliced by
  :func:`grading.course_code.provided_files` exactly as the grader hands them to
  the sandbox (never a graded answer), with the data files they read;
- the public tests, *recorded*: at release time every check runs on its
  public inputs (seed 0) against the reference solution, and what it did is
  written down as data (each call of a student function with its arguments,
  each comparison with its expected value, hint and tolerance). In the
  notebook ``course_helpers.public_tests`` replays that record against the
  student's functions with the checks' own comparison helpers, so a student
  gets the same messages as from ``grading.public_tests`` without the checks'
  code or the reference implementation;
- ``requirements.txt``: NumPy, matplotlib, tqdm (and PyTorch for the
  assignments that import it).

``check_all()`` (in ``course_helpers``) runs every public test of the
notebook in order and prints one table.

Each assignment also has a handout in every language of
grading.translation.LANGUAGES (``handouts/<assignment>-zh/`` and its zip):
the same notebook with its Markdown cells translated, the same code cells, grade
cells, cell ids and points (so the same checks grade it), and the public
tests' messages translated by the table of grading.messages shipped with it.
"""
import ast
import contextlib
import copy
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import numpy as np

from . import course_code, translation
from .checks import graded_tests
from .messages import Table

HELPERS = "course_helpers"
HANDOUTS = "handouts"
REQUIREMENTS = {"numpy": "numpy>=1.24", "matplotlib": "matplotlib>=3.7", "tqdm": "tqdm>=4.60",
                "torch": "torch>=2.1  # the CPU build is enough: pip install torch --index-url https://download.pytorch.org/whl/cpu"}
# Comparison helpers of grading.checks a record replays, and helpers of a checks module that turn a
# student's value into what is compared (the torch checks' ``_numpy``): they are shipped, sliced.
COMPARISONS = ("expect_close", "expect_keys", "expect_tuple", "expect_structure", "compare_indices")
CONVERSIONS = {"torch_lstm_lm": ("_numpy",)}
SHIPPED_CHECK_NAMES = ("CheckFailed", "call_student", "call_student_with_gradients") + COMPARISONS
# Locked cells a handout notebook has and the release has not (the check_all() cell and its text).
HANDOUT_ONLY_CELLS = ("check_all_text", "check_all")
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so that releasing again gives the same bytes
_RUNNER = Path(__file__).with_name("handout_runtime.py")
_MESSAGES = Path(__file__).with_name("messages.py")


class RecordError(ValueError):
    """A check does something a record cannot replay; the message names the check and what.

    A ValueError, so that `python -m grading release` reports it in one line and exits 1.
    """


# ---- the record of the public tests ------------------------------------------------------------


class _Recorder:
    """Patches the comparison helpers of the checks modules and writes down what a check does."""

    def __init__(self, modules, conversions):
        self.modules, self.conversions = modules, conversions
        self.events, self.values, self.depth = [], [], 0

    def _find(self, target, limit=5):
        """(value index, path) of ``target`` inside a value a student's function returned, or None."""
        for index in range(len(self.values) - 1, -1, -1):
            stack = [(self.values[index], ())]
            while stack:
                value, path = stack.pop()
                if value is target:
                    return index, list(path)
                if len(path) < limit and isinstance(value, (list, tuple)):
                    stack += [(item, path + (k,)) for k, item in enumerate(value)]
                elif len(path) < limit and isinstance(value, dict):
                    stack += [(item, path + (k,)) for k, item in value.items() if isinstance(k, (str, int))]
        return None

    def _with_refs(self, value):
        """``value`` with every object a student's function returned replaced by a reference to it."""
        findable = not (value is None or isinstance(value, bool) or (type(value) is int and abs(value) <= 256))
        found = self._find(value) if findable else None
        if found is not None:
            return _Ref(*found)
        if isinstance(value, (list, tuple)):  # a namedtuple (a cache) is recorded as a plain tuple
            return (list if isinstance(value, list) else tuple)(self._with_refs(item) for item in value)
        if isinstance(value, dict):
            return {key: self._with_refs(item) for key, item in value.items()}
        return value

    def wrap(self, kind, name, original, student_slot=None):
        def recorded(*args, **kwargs):
            if self.depth:
                return original(*args, **kwargs)
            event = {"kind": kind, "name": name, "args": [self._with_refs(a) for a in args],
                     "kwargs": {key: self._with_refs(v) for key, v in kwargs.items()}}
            if student_slot is not None:
                slot = args[student_slot] if len(args) > student_slot else None
                if not isinstance(event["args"][student_slot], _Ref):
                    raise RecordError(f"{name} compares a value that is not what a student's function returned "
                                      f"(type {type(slot).__name__}): add the conversion to CONVERSIONS")
            self.depth += 1
            try:
                value = original(*args, **kwargs)
            finally:
                self.depth -= 1
            self.events.append(event)
            self.values.append(value)
            return value
        return recorded

    def __enter__(self):
        self.saved = []
        for module in self.modules:
            for name in ("call_student", "call_student_with_gradients") + COMPARISONS + self.conversions:
                if name in vars(module):
                    original = vars(module)[name]
                    self.saved.append((module, name, original))
                    kind = "call" if name.startswith("call_student") else "compare"
                    slot = 1 if kind == "compare" else None
                    setattr(module, name, self.wrap(kind, name, original, slot))
        return self

    def __exit__(self, *exc):
        for module, name, original in self.saved:
            setattr(module, name, original)


class _Ref:
    def __init__(self, index, path):
        self.index, self.path = index, path


class _Encoder:
    """JSON for the structure of a record, arrays and tensors in an .npz beside it."""

    def __init__(self):
        self.arrays = {}

    def _array(self, array):
        key = f"a{len(self.arrays)}"
        self.arrays[key] = array
        return key

    def encode(self, value):
        if isinstance(value, _Ref):
            return {"ref": [value.index, value.path]}
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float)) and type(value) in (int, float):
            return {"float": repr(value)} if isinstance(value, float) else value
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                raise RecordError("an object array cannot be recorded")
            return {"array": self._array(value)}
        if isinstance(value, np.generic):
            return {"scalar": self._array(np.asarray(value))}
        if isinstance(value, tuple):
            return {"tuple": [self.encode(item) for item in value]}
        if isinstance(value, list):
            return {"list": [self.encode(item) for item in value]}
        if isinstance(value, dict):
            return {"dict": [[self.encode(key), self.encode(item)] for key, item in value.items()]}
        if type(value).__name__ == "Vocabulary" and type(value).__module__ == "reference_impl.text":
            return {"vocabulary": value.to_dict()}
        if type(value).__module__ == "torch" and type(value).__name__ == "dtype":
            return {"torch_dtype": str(value).split(".")[-1]}
        if type(value).__name__ == "Tensor":
            array = value.detach().cpu().numpy()
            return {"tensor": self._array(array), "requires_grad": bool(value.requires_grad)}
        raise RecordError(f"a value of type {type(value).__name__} cannot be recorded")


def _solution_namespace(course_dir, assignment):
    """The reference solution's functions: the source notebook's setup cells and answer cells, executed."""
    notebook = nbformat.read(Path(course_dir) / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    namespace = {"__name__": f"solution_{assignment}"}
    seen_answer = False
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        if meta.get("solution") or not seen_answer:
            seen_answer = seen_answer or bool(meta.get("solution"))
            with contextlib.redirect_stdout(io.StringIO()):  # what the setup cells print is not needed
                exec(compile(cell.source, f"{assignment}:{meta.get('grade_id')}", "exec"), namespace)
    return namespace


def record_public_tests(course_dir, assignment):
    """(record, arrays): every check of ``assignment`` run on its public inputs against the reference solution."""
    import importlib

    from . import checks
    from .public_tests import PUBLIC_SEED

    module = importlib.import_module(f"grading.checks.{assignment}")
    others = [importlib.import_module(f"grading.checks.{name}") for name in _imported_check_modules(module)]
    namespace = _solution_namespace(course_dir, assignment)
    encoder, record = _Encoder(), {}
    for grade_id, test in graded_tests(assignment).items():
        with _Recorder([checks, module, *others], CONVERSIONS.get(assignment, ())) as recorder:
            functions = [namespace[name] for name in test.functions]
            try:
                test.check(*functions, seed=PUBLIC_SEED)
            except Exception as error:
                raise RecordError(f"{assignment}: the public test {grade_id} fails on the reference solution: "
                                  f"{type(error).__name__}: {error}") from None
        events = []
        for event in recorder.events:
            args = event["args"]
            if event["kind"] == "call":  # the student's function is the second argument: name its position
                position = next(k for k, f in enumerate(functions) if f is args[1])
                args = [args[0], {"student_function": position}, *args[2:]]
            events.append({"kind": event["kind"], "name": event["name"],
                           "args": [a if isinstance(a, dict) and "student_function" in a else encoder.encode(a)
                                    for a in args],
                           "kwargs": encoder.encode(event["kwargs"])})
        record[grade_id] = {"functions": list(test.functions), "events": events}
    return record, encoder.arrays


def _imported_check_modules(module):
    """Names of the sibling checks modules ``module`` imports from (torch_lstm_lm uses gru_lstm's checks)."""
    tree = ast.parse(Path(module.__file__).read_text())
    return sorted({node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 1
                   and node.module})


# ---- the files of a handout --------------------------------------------------------------------


_COURSE_IMPORT = re.compile(rf"\b{course_code.COURSE_PACKAGE}\b")
_PUBLIC_IMPORT = re.compile(r"\bgrading\.public_tests\b")


def _renamed(text):
    return _COURSE_IMPORT.sub(HELPERS, text)


def _sliced(dotted, names, docstring):
    """The statements of module ``dotted`` that define ``names``, under a docstring of the handout's own."""
    module = course_code._Module(dotted)
    body = module.tree.body
    if ast.get_docstring(module.tree) is not None:  # its docstring speaks of the grader
        body = body[1:]
    module.tree.body = [statement for statement in body
                        if not (isinstance(statement, ast.If) and "__main__" in ast.unparse(statement.test))]
    text = module.render(module.kept(set(names)))
    return f'"""{docstring}"""\n' + re.sub(r"\n{3,}", "\n\n\n", text).lstrip("\n")


def helper_files(course_dir, assignment, template, language="en"):
    """{path inside the handout: text or bytes} of the package ``course_helpers``; its messages in ``language``."""
    files = {}
    for path, content in course_code.provided_files(template).items():
        parts = Path(path).parts
        if parts[0] != course_code.COURSE_PACKAGE:
            continue
        target = str(Path(HELPERS, *parts[1:]))
        if isinstance(content, str):  # the grader keeps line numbers with blank lines; a student reads it
            content = re.sub(r"\n{3,}", "\n\n\n", _renamed(content)).lstrip("\n")
        files[target] = content
    init = files.get(f"{HELPERS}/__init__.py", '"""Course helpers handed out with the assignment."""\n')
    files[f"{HELPERS}/__init__.py"] = init + "\nfrom .public_tests import check_all, run_public_check  # noqa: E402,F401\n"
    checks_text = _sliced("grading.checks", SHIPPED_CHECK_NAMES, "How the public tests call your functions and "
                          "compare what they return (from the course's checks).")
    checks_text = checks_text.replace("grading.sandbox_child", f"{HELPERS}._compare")
    conversions = CONVERSIONS.get(assignment, ())
    if conversions:
        extra = _sliced(f"grading.checks.{assignment}", conversions, "").split("\n", 1)[1]
        extra = re.sub(r"from \. import \([^)]*\)|from \. import [^\n]*", "", extra)
        extra = re.sub(r"from \.\w+ import [^\n]*", "", extra)
        checks_text += "\n# converting a student's value for a comparison\n" + extra
    files[f"{HELPERS}/_checks.py"] = _renamed(re.sub(r"\n{3,}", "\n\n\n", checks_text))
    files[f"{HELPERS}/_compare.py"] = _sliced("grading.sandbox_child", ("call_and_compare",),
                                              "Calls on copies of the arguments, and what a call changed in them.")
    files[f"{HELPERS}/public_tests.py"] = _RUNNER.read_text()
    record, arrays = record_public_tests(course_dir, assignment)
    if language != "en":  # the table that translates the messages, and a check that it translates them all
        rows = translation.message_rows(language)
        missing = translation.untranslated_messages(record, Table(rows))
        if missing:
            raise translation.MissingTranslation(
                f"{assignment}: messages of its public tests that "
                f"{translation.catalogue_path(language, 'messages').name} does not translate: {'; '.join(missing)}")
        files[f"{HELPERS}/_messages.py"] = _MESSAGES.read_text()
        files[f"{HELPERS}/messages.json"] = json.dumps(rows, ensure_ascii=False, indent=0) + "\n"
    order = [cell.metadata["nbgrader"]["grade_id"] for cell in template.cells
             if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
             and cell.metadata["nbgrader"]["grade_id"] in record]
    files[f"{HELPERS}/public_tests.json"] = json.dumps({"assignment": assignment, "order": order, "tests": record},
                                                       sort_keys=True) + "\n"
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    files[f"{HELPERS}/public_tests.npz"] = buffer.getvalue()
    return files


def requirements(template):
    """requirements.txt: NumPy, matplotlib, tqdm, and what the notebook and the helpers it imports need."""
    needed = set(course_code.required_packages(template, course_code.provided_files(template)))
    needed = {name for name in needed if name in REQUIREMENTS} | {"numpy", "matplotlib", "tqdm"}
    return "".join(REQUIREMENTS[name] + "\n" for name in sorted(needed))


CHECK_ALL_TEXT = """## Before you submit

The cell below runs every public test of this notebook in order and prints one line per graded part:
passed, or failed with the whole message. Run it after *Kernel > Restart & Run All*, so that it sees the
functions as they are written now. Passing every public test is a good sign, not a guarantee: grading
runs the same checks on other inputs, and the written answers are read by a person."""


def handout_notebook(template, assignment=None, language="en"):
    """The release notebook with its course imports pointed at ``course_helpers`` and a last cell running check_all().

    In another ``language`` its Markdown cells are translated (grading.translation); its code cells are the same.
    """
    notebook = copy.deepcopy(template) if language == "en" else translation.translated_notebook(template, assignment, language)
    check_all_text = CHECK_ALL_TEXT
    if language != "en":
        table = Table(translation.message_rows(language))
        if not table.matches(CHECK_ALL_TEXT):
            raise translation.MissingTranslation(f"the text of the check_all() cell has no translation in "
                                                 f"{translation.catalogue_path(language, 'messages')}")
        check_all_text = table.translate_line(CHECK_ALL_TEXT)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = _PUBLIC_IMPORT.sub(f"{HELPERS}.public_tests", _renamed(cell.source))
    locked = {"grade": False, "locked": True, "solution": False, "schema_version": 3, "task": False}
    notebook.cells.append(nbformat.v4.new_markdown_cell(
        check_all_text, metadata={"nbgrader": {**locked, "grade_id": HANDOUT_ONLY_CELLS[0]}}))
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"from {HELPERS} import check_all\ncheck_all()", metadata={"nbgrader": {**locked, "grade_id": HANDOUT_ONLY_CELLS[1]}}))
    notebook.cells[-2].id, notebook.cells[-1].id = "check-all-text", "check-all"
    return notebook


def _zip(folder, target):
    """A zip of ``folder`` under its own name, the same bytes for the same files."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(Path(folder.name) / path.relative_to(folder)), ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, path.read_bytes())


def handout_name(assignment, language="en"):
    """The handout's folder and zip name: the assignment's, with ``-<language>`` for a translation."""
    return assignment if language == "en" else f"{assignment}-{language}"


def build_handout(assignment, course_dir, out_dir=None, language="en"):
    """Write ``handouts/<name>/`` and ``handouts/<name>.zip`` from the release; return the zip's path.

    ``name`` is handout_name(assignment, language); the notebook inside keeps the assignment's file name.
    """
    course_dir = Path(course_dir)
    out_dir = Path(out_dir) if out_dir is not None else course_dir / HANDOUTS
    template = nbformat.read(course_dir / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    folder = out_dir / handout_name(assignment, language)
    notebook = handout_notebook(template, assignment, language)
    files = helper_files(course_dir, assignment, template, language)
    files["requirements.txt"] = requirements(template)
    files[f"{assignment}.ipynb"] = nbformat.writes(notebook) + "\n"
    if folder.exists():
        shutil.rmtree(folder)
    for path, content in sorted(files.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        (target.write_bytes if isinstance(content, bytes) else target.write_text)(content)
    _zip(folder, out_dir / f"{folder.name}.zip")
    return out_dir / f"{folder.name}.zip"


def build_handouts(assignments, course_dir, languages=("en", *translation.LANGUAGES)):
    """Build the handouts of each of ``assignments`` (None: every assignment released in ``course_dir``), in every language."""
    from . import ASSIGNMENTS

    course_dir = Path(course_dir)
    names = assignments or [name for name in ASSIGNMENTS
                            if (course_dir / "assignments" / name / f"{name}.ipynb").is_file()]
    # every English handout first: a translation that is missing stops the release after them
    return [build_handout(name, course_dir, language=language) for language in languages for name in names]
