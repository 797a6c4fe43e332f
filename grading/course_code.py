"""The course code a sandbox may use: what the locked cells import, sliced to what it needs.

An assignment hands out helpers: its locked cells say
``from reference_impl.rnn_model import rnn_model_forward``. Handing out the
whole module (or package) would hand out its neighbours too, and some of them
are the reference answers of graded parts (``reference_impl.optim`` holds
``clip_by_global_norm`` beside ``adam_update``). So each module is *sliced*:
only the top-level statements that define an imported name, or that such a
statement uses, are kept, following imports between course modules. The
removed lines become blank lines, so line numbers in messages stay right.

:func:`provided_files` gives the files to put on the sandbox's path (also
under the handouts' package name ``course_helpers``);
:func:`required_packages` the third-party packages the notebook and those
files import, which the jail must carry.
"""
import ast
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

from .cells import nbgrader_metadata

COURSE_PACKAGE = "reference_impl"
WHOLE_MODULE = "*"


def locked_code(template):
    """Sources of the template's locked code cells that run in the student's process (not tests)."""
    return [cell.source for cell in template.cells if cell.cell_type == "code"
            and not nbgrader_metadata(cell).get("solution") and not nbgrader_metadata(cell).get("grade")]


def _parse(source):
    """Parse a cell, ignoring IPython-only lines (%magic, !shell)."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _is_course(module):
    return module == COURSE_PACKAGE or module.startswith(COURSE_PACKAGE + ".")


def _is_module(dotted):
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def _requests_of(tree, package=None):
    """{course module: names} that the import statements of ``tree`` ask for.

    ``package`` resolves relative imports of a course module. ``from m import
    sub`` where ``m.sub`` is a module asks for that whole module.
    """
    requests = defaultdict(set)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = importlib.util.resolve_name("." * node.level + (node.module or ""), package) \
                if node.level else node.module
            if not module or not _is_course(module):
                continue
            for alias in node.names:
                if _is_module(f"{module}.{alias.name}"):
                    requests[f"{module}.{alias.name}"].add(WHOLE_MODULE)
                else:
                    requests[module].add(alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _is_course(alias.name):
                    requests[alias.name].add(WHOLE_MODULE)
    return requests


def _bound_names(statement):
    """Names a top-level statement binds, or None for a statement that is always kept."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    targets = statement.targets if isinstance(statement, ast.Assign) else \
        [statement.target] if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) else None
    if targets is None:
        return None
    return {node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)}


def _used_names(statement):
    return {node.id for node in ast.walk(statement) if isinstance(node, ast.Name)}


class _Module:
    """One course module's source and the statements kept of it for ``wanted`` names."""

    def __init__(self, dotted):
        spec = importlib.util.find_spec(dotted)
        self.dotted = dotted
        self.path = Path(spec.origin)
        self.is_package = spec.submodule_search_locations is not None
        self.package = dotted if self.is_package else dotted.rpartition(".")[0]
        self.source = self.path.read_text()
        self.tree = ast.parse(self.source)

    def kept(self, wanted):
        """The top-level statements needed to define ``wanted``, each with the aliases kept of an import."""
        body = self.tree.body
        binders = defaultdict(list)
        always = []
        for index, statement in enumerate(body):
            names = _bound_names(statement)
            if names is None:
                always.append(index)
            for name in names or ():
                binders[name].append(index)
        keep = set(always) | (set(range(len(body))) if WHOLE_MODULE in wanted else set())
        needed = set(wanted) - {WHOLE_MODULE} | {n for i in keep for n in _used_names(body[i])}
        needed |= {n for i in keep for n in (_bound_names(body[i]) or ())}
        pending = list(needed)
        while pending:
            for index in binders.get(pending.pop(), ()):
                if index not in keep:
                    keep.add(index)
                    new = _used_names(body[index]) - needed
                    needed |= new
                    pending += new
        missing = set(wanted) - {WHOLE_MODULE} - set(binders)
        if missing:
            raise ImportError(f"{self.dotted} defines no {', '.join(sorted(missing))}")
        kept = []
        for index in sorted(keep):
            statement = body[index]
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                aliases = [a for a in statement.names if (a.asname or a.name).split(".")[0] in needed]
                statement = type(statement)(**{**vars(statement), "names": aliases})
            kept.append(statement)
        return kept

    def render(self, statements):
        """The module's text with only ``statements``: other lines blank, line numbers unchanged."""
        lines = [""] * len(self.source.splitlines())
        original = self.source.splitlines()
        for statement in statements:
            first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                lines[first - 1] = ast.unparse(statement)
            else:
                lines[first - 1:statement.end_lineno] = original[first - 1:statement.end_lineno]
        return "\n".join(lines) + "\n"


def provided_files(template):
    """{path relative to the sandbox's path folder: text} of the course code the locked cells import.

    Modules are sliced to the imported names and what they use; a package
    folder without wanted names of its own gets an empty ``__init__.py``;
    the data files of each folder a kept module lives in come along (a
    loader such as ``load_names`` reads them). An empty dict when the
    notebook imports no course module.
    """
    wanted = defaultdict(set)
    for source in locked_code(template):
        for module, names in _requests_of(_parse(source)).items():
            wanted[module] |= names
    modules, rendered = {}, {}
    changed = True
    while changed:
        changed = False
        for dotted in list(wanted):
            module = modules.setdefault(dotted, _Module(dotted))
            statements = module.kept(wanted[dotted])
            for other, names in _requests_of(ast.Module(body=statements, type_ignores=[]), module.package).items():
                if not names <= wanted[other]:
                    wanted[other] |= names
                    changed = True
            rendered[dotted] = module.render(statements)
    files = {}
    for dotted, text in rendered.items():
        module = modules[dotted]
        parts = dotted.split(".")
        files["/".join(parts) + ("/__init__.py" if module.is_package else ".py")] = text
        for depth in range(1, len(parts)):
            files.setdefault("/".join(parts[:depth]) + "/__init__.py", '"""Course helpers handed out by the assignment."""\n')
        folder = module.path.parent
        for data in folder.iterdir():
            if data.is_dir() and data.name != "__pycache__" and not (data / "__init__.py").exists():
                for item in data.rglob("*"):
                    if item.is_file() and item.suffix not in (".py", ".pyc"):
                        files[str(Path(*parts[:-1] if not module.is_package else parts) / item.relative_to(folder))] = \
                            item.read_bytes()
    return with_handout_names(files)


def with_handout_names(files):
    """``files`` plus each course file again under the handout's package name, its course imports renamed.

    A handout's notebook imports the helpers as ``course_helpers``
    (grading.handouts); a student who copies such a line into an answer
    imports the same sliced code when graded.
    """
    from .handouts import HELPERS, _renamed  # grading.handouts builds on this module

    aliases = {HELPERS + path[len(COURSE_PACKAGE):]: _renamed(content) if isinstance(content, str) else content
               for path, content in files.items() if path.split("/")[0] == COURSE_PACKAGE}
    return {**files, **aliases}


def required_packages(template, files):
    """Top-level third-party packages imported by the notebook's code or the provided files, sorted."""
    trees = [_parse(source) for source in locked_code(template)]
    trees += [_parse(cell.source) for cell in template.cells if nbgrader_metadata(cell).get("solution")]
    trees += [ast.parse(text) for path, text in files.items() if path.endswith(".py")]
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return sorted(n for n in names if n not in sys.stdlib_module_names and n != COURSE_PACKAGE and _is_module(n))
