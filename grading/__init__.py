"""The instructor pipeline: nbgrader wrappers (``grading.pipeline``), the
hidden checks (``grading.checks``) and the public tests students run
(``grading.public_tests``).

An assignment is declared in one place: its checks module
``grading/checks/<name>.py``, whose ``GRADED_TESTS`` table states its parts and
their points and whose docstring starts "Hidden checks of assignment N, ..."
(N orders the assignments), next to its source notebook
``solutions/<name>/<name>.ipynb``. Nothing else lists assignment names.
"""
import ast
import re
from pathlib import Path

_CHECKS = Path(__file__).resolve().parent / "checks"
_NUMBER = re.compile(r"assignment\s+(\d+)", re.I)


def declared_assignments(checks_folder=_CHECKS):
    """The names of the checks modules in ``checks_folder`` that define GRADED_TESTS, in the order of
    their docstrings' "assignment N", read without importing them (the torch assignment's would load torch)."""
    found = []
    for path in Path(checks_folder).glob("*.py"):
        if path.stem.startswith("_"):
            continue
        module = ast.parse(path.read_text())
        names = {target.id for node in module.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
        if "GRADED_TESTS" not in names:
            continue
        number = _NUMBER.search(ast.get_docstring(module) or "")
        found.append((int(number.group(1)) if number else 10**6, path.stem))
    return [name for _, name in sorted(found)]


def declared_extra_credit(assignment, checks_folder=_CHECKS):
    """The grade_ids in ``EXTRA_CREDIT`` of the assignment's checks module (empty when it has none), read
    without importing it: nbgrader's steps in formgrader's process use it, where torch must not load."""
    path = Path(checks_folder) / f"{assignment}.py"
    if not path.is_file():
        return frozenset()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXTRA_CREDIT" for t in node.targets):
            return frozenset(ast.literal_eval(node.value))
    return frozenset()


# In release order (the number in each checks module's docstring).
ASSIGNMENTS = tuple(declared_assignments())
