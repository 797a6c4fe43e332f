"""Every English text the hidden checks and the public tests can show a student, read from their source.

A check's message is a string expression at the place it is raised or passed on (``CheckFailed(f"...")``,
``expect_close(name, ..., hint)``), or a constant of its module (a hint, a dict of hints). This module reads
those expressions from the check modules (grading/checks/*.py), the public tests' runtime
(grading/handout_runtime.py) and the grader's functions that frame a message or write a grading note
(GRADER_FUNCTIONS) with ``ast`` and turns each into a template: a value only known when the check
runs (a shape, a number, the student's error) becomes the field ``{}``; a loop variable over a tuple written
in the code, or a name of the module, takes each of its values. A template is cut into lines, as
grading.messages.Table translates line by line. The part headings of the feedback add the first line of
every check's docstring (grading.feedback.PartTitles).

Nothing here imports a check to run it; the modules are imported only to read their constants.
"""
import ast
import importlib
import itertools
import re
import types
from pathlib import Path

from grading.translation import needs_translation, strings_in

REPO = Path(__file__).resolve().parent.parent
CHECKS = sorted((REPO / "grading" / "checks").glob("*.py"))
# The grader's own words in a part's message or a grading note, by the functions that write them (the rest of
# these modules speaks to the teacher): the names of the student's cells, a cell or call that failed or ran
# out of time, a repaired notebook. The text of an error itself (Python's, or the sandbox's refusal) is the
# student's own and stays as it is. The public tests' runtime is read whole.
GRADER_FUNCTIONS = {
    "grading/handout_runtime.py": None,
    "grading/scoring.py": {"extract_cells", "add_students", "_failure_message", "_repair"},
    "grading/session.py": {"skipped_notes", "_budget_message", "_ensure_started", "invoke"},
    "grading/sandbox_child.py": {"describe"},
    "grading/repair.py": {"repair_metadata"},
    "grading/magics.py": {"_cell_magic", "_line_replacement"},  # why a line of IPython did not run
}
FIELD = "{}"
# a template that starts with a space is a piece appended to another message (" (line 3 of your cell, ...)")
_PIECE = re.compile(r"^\s")


def _module_name(path):
    return ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")


def _literal(node):
    """The value of a literal (strings, numbers, tuples and lists of them), or None."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


class _Function:
    """What the names of one function may hold: its loop variables over written tuples, its string locals."""

    def __init__(self, function, module):
        self.loops, self.locals, self.module = {}, {}, module
        for node in ast.walk(function):
            if isinstance(node, (ast.For, ast.comprehension)):
                self._loop(node.target, node.iter)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.locals.setdefault(node.targets[0].id, []).append(node.value)

    def _loop(self, target, iterable):
        """Bind the names of ``target`` to the values of a written tuple (or zip/enumerate of such)."""
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "zip" \
                and isinstance(target, ast.Tuple) and len(target.elts) == len(iterable.args):
            for item, argument in zip(target.elts, iterable.args):
                self._loop_values(item, _literal(argument))
        elif isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate" \
                and isinstance(target, ast.Tuple) and len(target.elts) == 2 and iterable.args:
            self._loop(target.elts[1], iterable.args[0])
        else:
            self._loop_values(target, _literal(iterable))

    def _loop_values(self, target, values):
        if not isinstance(values, (tuple, list)):
            return
        if isinstance(target, ast.Name):
            self.loops[target.id] = [value for value in values if isinstance(value, str)] or None
        elif isinstance(target, ast.Tuple):
            for k, item in enumerate(target.elts):
                column = [value[k] for value in values if isinstance(value, (tuple, list)) and len(value) > k]
                self._loop_values(item, column if len(column) == len(values) else None)


def _texts(node, scope, depth=0):
    """The strings ``node`` may evaluate to, runtime values as FIELD; None when it is no string expression."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append([value.value])
            else:  # a FormattedValue: a known string, or a field
                parts.append(_texts(value.value, scope, depth + 1) or [FIELD])
        return ["".join(combination) for combination in itertools.product(*parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left, scope, depth + 1), _texts(node.right, scope, depth + 1)
        if left is None and right is None:
            return None
        return [a + b for a in (left or [FIELD]) for b in (right or [FIELD])]
    if isinstance(node, ast.IfExp):
        body, orelse = _texts(node.body, scope, depth + 1), _texts(node.orelse, scope, depth + 1)
        return None if body is None and orelse is None else (body or [FIELD]) + (orelse or [FIELD])
    if isinstance(node, ast.Name) and scope is not None:
        if scope.loops.get(node.id):
            return scope.loops[node.id]
        if node.id in scope.locals:
            values = [_texts(value, scope, depth + 1) for value in scope.locals[node.id]]
            return None if all(v is None for v in values) else [t for v in values for t in (v or [FIELD])]
        constant = getattr(scope.module, node.id, None)
        return list(strings_in(constant)) or None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and scope is not None:
        constant = getattr(scope.module, node.value.id, None)  # a dict of hints: each of them
        return list(strings_in(constant)) if isinstance(constant, dict) else None
    return None


def _docstrings(tree):
    """The ids of every docstring's node: they describe the code, not a message (see check_descriptions)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _function_texts(tree, module, docstrings, functions=None):
    """(template, line number) of every string expression inside a function that is not part of a larger one.

    Module-level strings are read from the imported module instead (see source_templates): a constant
    built from pieces (a dict of hints made in a comprehension) is a message only once it is whole.
    """
    found = []

    def visit(node, scope):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = _Function(node, module) if functions is None or node.name in functions else None
        elif (scope is not None and isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
              and _texts(node.value, scope) is not None):
            return  # a string put in a local: counted where the local is used (a piece of a longer message)
        elif scope is not None and id(node) not in docstrings and isinstance(node, ast.expr):
            texts = _texts(node, scope)
            if texts is not None:
                found.extend((text, node.lineno) for text in texts)
                return
        for child in ast.iter_child_nodes(node):
            visit(child, scope)

    visit(tree, None)
    return found


def source_templates(path, functions=None):
    """{template line: 'file:line'} of every text of ``path`` that holds words, fields as FIELD.

    ``functions``: read only the functions of these names (None: every function, and for a check module
    its constants, imported: a dict of hints made in a comprehension is a message only once it is whole).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    check = path.parent.name == "checks"
    # the other modules are read by their source alone (the public tests' runtime only imports inside a handout)
    module = importlib.import_module(_module_name(path)) if check else types.ModuleType(path.stem)
    templates = {}
    for text, line_number in _function_texts(tree, module, _docstrings(tree), functions):
        for line in text.split("\n"):
            if needs_translation(line.replace(FIELD, "")):
                templates.setdefault(line, f"{path.relative_to(REPO)}:{line_number}")
    for name, value in vars(module).items() if check else ():
        if not name.startswith("_"):
            for text in strings_in(value):
                for line in text.split("\n"):
                    if needs_translation(line):
                        templates.setdefault(line, f"{path.relative_to(REPO)}:{name}")
    return templates


def check_descriptions():
    """{first line of a check's docstring: 'assignment:grade_id'}: what each part heading of the feedback says."""
    from grading import ASSIGNMENTS
    from grading.checks import graded_tests

    descriptions = {}
    for assignment in ASSIGNMENTS:
        for grade_id, test in graded_tests(assignment).items():
            lines = (test.check.__doc__ or "").strip().splitlines()
            if lines:
                descriptions.setdefault(lines[0], f"{assignment}:{grade_id}")
    return descriptions


def all_templates():
    """{template: where} of every message of the checks and the public tests, and every part description."""
    templates = {}
    for path in CHECKS:
        templates.update(source_templates(path))
    for path, functions in GRADER_FUNCTIONS.items():
        templates.update(source_templates(REPO / path, functions))
    templates.update(check_descriptions())
    return templates


def is_piece(template):
    """Whether ``template`` is a piece appended to another message (see _PIECE)."""
    return _PIECE.match(template) is not None
