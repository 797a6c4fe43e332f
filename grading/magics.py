"""IPython syntax in a student's cell, turned into the Python that IPython would have run.

A cell may time its code (``%time``, ``%%time``, ``%timeit``, ``%%timeit``),
capture its output (``%%capture``), pick a plotting backend
(``%matplotlib inline``), reload modules (``%load_ext autoreload``,
``%autoreload 2``), install packages (``!pip install tqdm``, ``%pip``) or run
shell commands (``!ls``, ``%%bash``). While grading:

- the timing and capturing magics run their code once (IPython runs it; how
  long it took is not shown);
- the magics that only set up the notebook's display or reloading do nothing;
- ``%%writefile [-a] FILE`` writes its body to FILE in the sandbox's working
  folder, which is on the path as IPython's is (a next cell may import it);
- shell commands, package installs, non-Python cell magics and any other
  magic are skipped, and each skipped line is reported.

IPython's own input transformer finds the magics (a ``%`` that continues an
expression or sits in a string is not one); each magic line keeps its line
number, so messages about the cell point at the student's line. A line that
writes out the call IPython makes of a magic
(``get_ipython().run_line_magic("matplotlib", "inline")``, as a notebook
exported to a script has it) is that magic.
"""
import re

RUN_BODY = {"time", "timeit", "prun", "capture"}  # IPython runs the code: here it runs once
NO_OPS = {"matplotlib", "load_ext", "autoreload", "aimport", "reload_ext", "config", "pylab_off", "precision"}
_OPTIONS_WITH_VALUE = {"timeit": "nrp", "prun": "lrsTD"}  # -n 10 -r 3 ... take a value
_MAGIC_CALL = re.compile(r"get_ipython\(\)\.(run_line_magic|system|getoutput)\(")


def _code_after_options(magic, text):
    """The Python code of ``%timeit -n 10 -r 3 f(x)``: what follows the options."""
    with_value = _OPTIONS_WITH_VALUE.get(magic, "")
    words = text.split(" ")
    position = 0
    while position < len(words) and (words[position].startswith("-") or words[position] == ""):
        option = words[position]
        position += 1
        if option[1:2] in with_value and len(option) == 2:
            position += 1  # "-n 10": the value is the next word
    return " ".join(words[position:])


def _cell_magic(source):
    """(python, skipped) for a cell that starts with ``%%name``."""
    first, _, body = source.partition("\n")
    name, _, arguments = first[2:].strip().partition(" ")
    if name in RUN_BODY:
        header = _code_after_options(name, arguments.strip()) if name != "capture" else ""
        if name == "capture" and arguments.split() and not arguments.split()[-1].startswith("-"):
            # %%capture output: the captured output object, empty here (nothing is shown while grading)
            header = (f"{arguments.split()[-1]} = __import__('types').SimpleNamespace("
                      "stdout='', stderr='', outputs=[], show=lambda: None)")
        python, skipped = translate(body)
        return f"{header}\n{python}", [(number + 1, text, why) for number, text, why in skipped]
    if name == "writefile":
        return _writefile(arguments, body) + "\n" * body.count("\n"), []
    why = "a shell cell does not run while grading" if name in ("bash", "sh", "script", "system") else \
        f"the cell magic %%{name} does not run while grading"
    return "\n" * source.count("\n"), [(1, first, why)]


def _writefile(arguments, body):
    """One line of Python doing what ``%%writefile [-a] FILE`` does: write (or append) the cell's body to FILE.

    As IPython, a relative FILE is in the working folder, which is on the
    path: the next cell can import it. Import caches are cleared, so a module
    written after an import looked in that folder is found.
    """
    words = arguments.split()
    append = bool(words) and words[0] in ("-a", "--append")
    filename = arguments.strip()[len(words[0]):].strip() if append else arguments.strip()
    if re.match(r"^('.*'|\".*\")$", filename):  # IPython removes the quotes around a name
        filename = filename[1:-1]
    return (f"with open({filename!r}, {'a' if append else 'w'!r}, encoding='utf-8') as __writefile__: "
            f"__writefile__.write({body!r}); del __writefile__; __import__('importlib').invalidate_caches()")


def _line_replacement(line, original):
    """The Python for one transformed line holding a magic, and why it was skipped (None if it runs)."""
    import ast

    indent = line[: len(line) - len(line.lstrip())]
    try:
        statement = ast.parse(line.strip()).body[0]
    except (SyntaxError, IndexError):
        return indent + "pass", "this line could not be read"
    call = next(node for node in ast.walk(statement) if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute) and node.func.attr in ("run_line_magic", "system", "getoutput"))
    whole_line = isinstance(statement, ast.Expr) and statement.value is call
    stand_in = "pass" if whole_line else "None"
    if call.func.attr != "run_line_magic":
        why = "shell commands do not run while grading"
    else:
        magic, text = (argument.value for argument in call.args[:2])
        if magic in NO_OPS:
            return indent + "pass" if whole_line else _replace(line, call, "None"), None
        if magic in RUN_BODY and magic != "capture":
            code = _code_after_options(magic, text)
            if whole_line:
                return indent + code, None
            try:
                compile(code, "<magic>", "eval")
                return _replace(line, call, f"({code})"), None
            except SyntaxError:
                pass
        why = "installing packages does not work while grading" if magic in ("pip", "conda") else \
            "IPython help does not run while grading" if magic.startswith("pinfo") else \
            f"the magic %{magic} does not run while grading"
    return (indent + stand_in if whole_line else _replace(line, call, stand_in)), why


def _replace(line, call, text):
    """``line`` with the source of ``call`` (a node parsed from the stripped line) replaced by ``text``."""
    indent = len(line) - len(line.lstrip())
    return line[: indent + call.col_offset] + text + line[indent + call.end_col_offset:]


def _without_ipython(lines):
    """(python, skipped) without IPython's transformer: a line starting with % or ! is skipped (with the
    lines a trailing backslash continues it on)."""
    python, skipped, continued = [], [], False
    for number, text in enumerate(lines, 1):
        if continued:
            python.append("")
        elif text.lstrip().startswith(("%", "!")):
            python.append(text[: len(text) - len(text.lstrip())] + "pass")
            skipped.append((number, text, "IPython syntax does not run while grading"))
        else:
            python.append(text)
            continue
        continued = text.endswith("\\")
    return "\n".join(python), skipped


def translate(source):
    """(python, skipped): the Python IPython would run for ``source``, and the lines that cannot run.

    ``skipped`` lists (line number in the cell, the line as written, why) for
    every line or cell magic that was not run. As IPython does, leading blank
    lines are ignored (a cell magic may follow them), an indented cell is
    dedented and ``>>>`` or ``In [1]:`` prompts pasted with code are removed;
    line numbers stay those of the cell.
    """
    try:
        from IPython.core.inputtransformer2 import (
            TransformerManager,
            classic_prompt,
            ipython_prompt,
            leading_indent,
        )
    except ImportError:
        return _without_ipython(source.splitlines())
    written = source.splitlines()
    blank = next((i for i, line in enumerate(written) if line.strip()), len(written))
    cleaned = "".join(ipython_prompt(classic_prompt(leading_indent(source.splitlines(keepends=True)[blank:]))))
    if "%" not in cleaned and "!" not in cleaned and "?" not in cleaned and "get_ipython()" not in cleaned:
        return source if cleaned == "".join(source.splitlines(keepends=True)[blank:]) else "\n" * blank + cleaned, []
    if cleaned.startswith("%%"):
        python, skipped = _cell_magic(cleaned)
    else:
        python, skipped = _line_magics(cleaned, written[blank:], TransformerManager())
    return "\n" * blank + python, [(number + blank, text, why) for number, text, why in skipped]


def _written_magic_call(line):
    """Whether ``line`` is a whole statement calling a magic as a notebook exported to a script writes it,
    ``get_ipython().run_line_magic("matplotlib", "inline")``, with strings for arguments (the same call as
    IPython's transformer makes of ``%matplotlib inline``). Other uses of get_ipython() run as written."""
    import ast

    if not _MAGIC_CALL.search(line):
        return False
    try:
        body = ast.parse(line.strip()).body
    except SyntaxError:  # part of a longer statement
        return False
    calls = [node for node in ast.walk(body[0]) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in ("run_line_magic", "system", "getoutput")] if len(body) == 1 else []
    wanted = 2 if calls and calls[0].func.attr == "run_line_magic" else 1
    return bool(calls) and len(calls[0].args) >= wanted and not calls[0].keywords and all(
        isinstance(argument, ast.Constant) and isinstance(argument.value, str) for argument in calls[0].args)


def _line_magics(source, written, manager):
    """(python, skipped) for a cell whose line magics and shell escapes IPython's transformer finds."""
    original = source.splitlines()
    try:
        transformed = "".join(manager.do_token_transforms(source.splitlines(keepends=True)))
    except Exception:  # IPython could not read it: let Python say what is wrong
        return source, []
    lines = transformed.splitlines()
    if len(lines) != len(original):  # a magic continued over several lines
        return _without_ipython(original)
    skipped = []
    for number, (line, text) in enumerate(zip(lines, original)):
        if (line != text or _written_magic_call(line)) and _MAGIC_CALL.search(line):
            lines[number], why = _line_replacement(line, text)
            if why:
                skipped.append((number + 1, written[number], why))
        elif line != text and "get_ipython()" in line:  # help (np.dot?) and anything else IPython-only
            lines[number] = line[: len(line) - len(line.lstrip())] + "pass"
            skipped.append((number + 1, written[number], "IPython help does not run while grading"))
    return "\n".join(lines) + ("\n" if source.endswith("\n") else ""), skipped
