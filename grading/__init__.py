"""Grading the course's assignments: nbgrader for the bookkeeping, the student's code in a sandbox.

One submission, from the LMS download to the student's feedback page:

1. ``submissions`` imports it (or ``place`` puts it) under submitted/, with its time;
2. ``batch`` grades it as one job (``grade``; formgrader's button through ``nbgrader_autograde``);
3. ``repair`` mends what Jupyter's editing did to its cell metadata;
4. ``scoring`` keeps only the student's answer cells and scores them;
5. ``course_code`` slices the course code they may import, ``jail`` the folder the sandbox sees;
6. ``session`` runs the cells in a sandbox (``sandbox``, ``sandbox_child``, ``seccomp``);
7. the checks of ``checks/<assignment>.py`` call the student's functions through proxies;
8. nbgrader's autograde records the outcomes (``gradebook_steps``) with the late penalty (``late_penalty``);
9. ``gradebook_report`` reads where it stands (``status``, ``grades_csv``'s export);
10. ``feedback`` writes the page the student reads.

``__main__`` is the command line (``term`` its term commands), ``course_config`` reads the
course file ``nbgrader_config.py``, and ``nbgrader_commands`` runs nbgrader's own commands.

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
