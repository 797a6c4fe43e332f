"""The program that runs inside the sandbox, and the wire format of both sides.

grading.sandbox starts it as ``python -I -S -c <this file's source>`` in an
empty working folder; it can import the standard library, the packages of its
jail and the handed-out course code (grading.course_code), nothing else of this
course. It executes the student's cells in one
namespace and answers calls of the functions they define. Requests and
replies are frames of :func:`encode`, which carries only plain data (None,
bools, numbers, strings, lists, tuples, dicts, numeric NumPy arrays and
scalars, tensors as arrays; a course Vocabulary as its tokens, rebuilt here
with the notebook's own Vocabulary class): the grader never unpickles
anything the student's process wrote. Any other value a student's function returns (a
cache object, a closure, a model) stays here, in a table of kept values, and
travels as a *handle*: its number, its type's name and, for subclasses of
tuple, list and dict (namedtuples), its contents. A handle sent back as an
argument stands for the kept value.

Each call deep-copies its arguments first and compares them after the call
(:func:`find_mutations`): the reply says which arguments, and which keys or
items inside them, the student's function changed.

It is one file, longer than most, because the sandbox runs it as one source
(``python -c``) and imports nothing of this course.
"""
import json
import os
import re
import struct
import sys

MAX_DEPTH = 32
MAX_FRAME_BYTES = 1 << 30
MAX_HEADER_BYTES = 4 << 20  # the JSON part of a frame: it bounds the time and memory json.loads takes
_DTYPE = re.compile(r"^[<>|=]?[biufc][0-9]{1,2}$")
_LENGTH = struct.Struct("<Q")
_NODE_KEYS = ({"list"}, {"tuple"}, {"dict"}, {"complex"}, {"array", "dtype", "shape", "scalar", "tensor"},
              {"handle"}, {"handle", "type"}, {"handle", "type", "list"}, {"handle", "type", "tuple"},
              {"handle", "type", "dict"}, {"vocabulary"})
# A course Vocabulary (reference_impl.text) crosses as its to_dict() (tokens, level and lowercase flag): the
# samplers of assignments 2 and 5 take one, with <EOS> and <UNK> where the check puts them. The sandbox
# rebuilds it with Vocabulary.from_ordered_tokens of the course code the notebook imports.
_VOCABULARY_MODULE = "reference_impl.text"
_VOCABULARY_FIELDS = {"tokens", "level", "lowercase"}  # Vocabulary.to_dict(), what from_ordered_tokens takes


class WireError(ValueError):
    """A value that is not plain data, or a malformed frame."""


def _array_of(item):
    """(array, is_tensor) for a numeric array, scalar or tensor; None for anything else."""
    torch = sys.modules.get("torch")
    is_tensor = torch is not None and isinstance(item, torch.Tensor)
    if is_tensor:
        try:
            item = item.detach().cpu().resolve_conj().resolve_neg().numpy()
        except (TypeError, RuntimeError):  # bfloat16, sparse, quantized: not plain numbers
            return None
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(item, (numpy.ndarray, numpy.generic)) and _DTYPE.match(item.dtype.str):
        return item, is_tensor
    return None


def encode(value, keep=None, reference=None):
    """Plain data -> bytes: a JSON tree followed by the raw bytes of its arrays.

    keep -- (the sandbox's side) called with any value that is not plain data, or is a subclass of
            tuple, list or dict; returns the number it is kept under. Without it such values raise WireError.
    reference -- (the grader's side) called with each value; returns a handle number to send instead, or None.
    """
    buffers = []

    def kept(item, depth, contents=None):
        node = {"handle": keep(item), "type": type(item).__name__[:100]}
        if contents is not None:
            try:
                node.update(contents(depth))
            except WireError:
                pass
        return node

    def walk(item, depth):
        if reference is not None:
            number = reference(item)
            if number is not None:
                return {"handle": number}
        if depth > MAX_DEPTH:
            if keep is not None:
                return kept(item, depth)
            raise WireError(f"nested deeper than {MAX_DEPTH} levels")
        if item is None or isinstance(item, (bool, str, int, float)):
            return item
        if isinstance(item, complex):
            return {"complex": [item.real, item.imag]}
        if isinstance(item, (list, tuple)):
            tag = "list" if isinstance(item, list) else "tuple"
            if keep is not None and type(item) not in (list, tuple):
                return kept(item, depth, lambda d: {tag: [walk(x, d + 1) for x in item]})
            return {tag: [walk(x, depth + 1) for x in item]}
        if isinstance(item, dict):
            if keep is not None and type(item) is not dict:
                return kept(item, depth, lambda d: {"dict": [[walk(k, d + 1), walk(v, d + 1)] for k, v in item.items()]})
            return {"dict": [[walk(k, depth + 1), walk(v, depth + 1)] for k, v in item.items()]}
        found = _array_of(item)
        if found is not None:
            array, is_tensor = found
            contiguous = sys.modules["numpy"].ascontiguousarray(array)
            buffers.append(contiguous.tobytes())
            # (ascontiguousarray turns a 0-d array into shape (1,): the shape is the item's own)
            return {"array": len(buffers) - 1, "dtype": contiguous.dtype.str, "shape": list(array.shape),
                    "scalar": isinstance(array, sys.modules["numpy"].generic), "tensor": is_tensor}
        if keep is None and _is_vocabulary(item):
            return {"vocabulary": item.to_dict()}
        if keep is not None:
            return kept(item, depth)
        raise WireError(f"a value of type {type(item).__name__} (only numbers, arrays, lists, tuples and dicts can be graded)")

    header = json.dumps(walk(value, 0)).encode()
    parts = [_LENGTH.pack(len(header)), header]
    for buffer in buffers:
        parts += [_LENGTH.pack(len(buffer)), buffer]
    return b"".join(parts)


def _is_vocabulary(item):
    return type(item).__name__ == "Vocabulary" and type(item).__module__ == _VOCABULARY_MODULE


def _vocabulary(fields):
    """The Vocabulary of a "vocabulary" node, built with the course's class (WireError if it is not imported)."""
    module = sys.modules.get(_VOCABULARY_MODULE)
    cls = getattr(module, "Vocabulary", None)
    if cls is None:
        raise WireError(f"a Vocabulary is passed, but the notebook does not import {_VOCABULARY_MODULE}")
    if not (isinstance(fields, dict) and set(fields) == _VOCABULARY_FIELDS):
        raise WireError(f"bad vocabulary: expected a dict of {sorted(_VOCABULARY_FIELDS)}")
    try:
        return cls.from_ordered_tokens(fields["tokens"], fields["level"], fields["lowercase"])
    except ValueError as error:
        raise WireError(f"bad vocabulary: {error}") from None


def decode(data, handle=None, max_header_bytes=None):
    """bytes from :func:`encode` -> plain data; rejects anything else with WireError.

    handle -- called as ``handle(number, type_name, contents)`` for each handle node (contents: the
              decoded tuple, list or dict of a kept subclass, else None); returns what stands for it.
              Without it a handle is a WireError.
    max_header_bytes -- refuse a JSON header longer than this (it bounds the time json.loads takes).
    """
    import numpy

    view = memoryview(data)
    chunks, offset = [], 0
    while offset < len(view):
        if offset + 8 > len(view):
            raise WireError("truncated frame")
        (size,) = _LENGTH.unpack(view[offset:offset + 8])
        if offset + 8 + size > len(view):
            raise WireError("truncated frame")
        chunks.append(view[offset + 8:offset + 8 + size])
        offset += 8 + size
    if not chunks:
        raise WireError("empty frame")
    if max_header_bytes is not None and len(chunks[0]) > max_header_bytes:
        raise WireError(f"its structure takes {len(chunks[0])} bytes, more than the {max_header_bytes} accepted")
    try:
        tree = json.loads(bytes(chunks[0]))
    except (ValueError, RecursionError) as error:
        raise WireError(f"bad header: {error}") from None

    def walk(node, depth):
        if depth > MAX_DEPTH:
            raise WireError("nested too deeply")
        if node is None or isinstance(node, (bool, str, int, float)):
            return node
        if not isinstance(node, dict) or set(node) not in _NODE_KEYS:
            raise WireError("unknown node")
        if "handle" in node:
            number, type_name = node["handle"], node.get("type", "")
            if handle is None or not isinstance(number, int) or not isinstance(type_name, str):
                raise WireError("unexpected handle")
            contents = {k: v for k, v in node.items() if k not in ("handle", "type")}
            return handle(number, type_name[:100], walk(contents, depth) if contents else None)
        if "list" in node or "tuple" in node:
            items = [walk(x, depth + 1) for x in node.get("list", node.get("tuple"))]
            return items if "list" in node else tuple(items)
        if "dict" in node:
            result = {}
            for pair in node["dict"]:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise WireError("bad dict item")
                key = walk(pair[0], depth + 1)
                try:  # numbers (NumPy's too), strings, tuples of them, handles: an array or a list is refused
                    result[key] = walk(pair[1], depth + 1)
                except TypeError:
                    raise WireError("unhashable dict key") from None
            return result
        if "complex" in node:
            return complex(*[float(x) for x in node["complex"]])
        if "vocabulary" in node:
            return _vocabulary(node["vocabulary"])
        if not isinstance(node["dtype"], str) or not _DTYPE.match(node["dtype"]):
            raise WireError("bad dtype")
        index = node["array"]
        if not isinstance(index, int) or not 0 < index + 1 < len(chunks):
            raise WireError("bad array reference")
        dtype = numpy.dtype(node["dtype"])
        if not isinstance(node["shape"], list) or len(node["shape"]) > 32 \
                or not all(isinstance(n, int) and n >= 0 for n in node["shape"]):
            raise WireError("bad shape")
        shape = tuple(node["shape"])
        if int(numpy.prod(shape, dtype=object)) * dtype.itemsize != len(chunks[index + 1]):
            raise WireError("array size does not match its shape")
        array = numpy.frombuffer(chunks[index + 1], dtype=dtype).reshape(shape).copy()
        if node["scalar"]:
            return array[()]
        if node["tensor"]:
            torch = sys.modules.get("torch")
            return torch.from_numpy(array) if torch is not None else array
        return array

    return walk(tree, 0)


def read_frame(stream):
    """One length-prefixed frame from a binary stream, or None at end of stream."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = _LENGTH.unpack(head)
    if size > MAX_FRAME_BYTES:
        raise WireError("frame too large")
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


def frame(payload):
    return _LENGTH.pack(len(payload)) + payload


# ---- changes a call made to its arguments ------------------------------------------

_UNCOPIED = object()


def snapshot(value):
    """A deep copy of ``value`` to compare with after a call, or a marker when it cannot be copied."""
    import copy

    try:
        return copy.deepcopy(value)
    except Exception:  # a generator, a lock, a module: its changes cannot be seen
        return _UNCOPIED


def _same_scalar(before, after):
    try:
        return bool(before == after) or (before != before and after != after)  # NaN stays NaN
    except Exception:
        return True


def _same_array(before, after, numpy):
    if before.shape != after.shape or before.dtype != after.dtype:
        return False
    if before.dtype.kind in "fc":
        return bool(numpy.array_equal(before, after, equal_nan=True))
    return bool(numpy.array_equal(before, after))


def find_mutations(before, after, path=(), depth=0):
    """Paths inside ``after`` whose values differ from ``before`` (its deep copy taken before a call).

    A path is a tuple of steps ``("key", k)``, ``("index", i)`` or ``("attribute", name)``; ``()`` is
    the value itself (an array changed in place). A key added or removed is reported at its own path.
    """
    if before is _UNCOPIED or depth > MAX_DEPTH:
        return []
    numpy, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if type(before) is not type(after):
        return [path]
    if isinstance(after, dict):
        changed = []
        for key in list(before) + [k for k in after if k not in before]:
            if key not in before or key not in after:
                changed.append(path + (("key", key),))
            else:
                changed += find_mutations(before[key], after[key], path + (("key", key),), depth + 1)
        return changed
    if isinstance(after, (list, tuple)):
        if len(before) != len(after):
            return [path]
        return [p for i, (b, a) in enumerate(zip(before, after))
                for p in find_mutations(b, a, path + (("index", i),), depth + 1)]
    if numpy is not None and isinstance(after, numpy.ndarray):
        if after.dtype == object and before.dtype == object and before.shape == after.shape:  # arrays of objects
            return [p for i, (b, a) in enumerate(zip(before.flat, after.flat))
                    for p in find_mutations(b, a, path + (("index", i),), depth + 1)]
        return [] if _same_array(before, after, numpy) else [path]
    if torch is not None and isinstance(after, torch.Tensor):
        b, a = before.detach().cpu(), after.detach().cpu()
        if b.shape != a.shape or b.dtype != a.dtype:
            return [path]
        return [] if bool(((b == a) | (b.isnan() & a.isnan()) if b.is_floating_point() else b == a).all()) else [path]
    if torch is not None and isinstance(after, torch.nn.Module):
        return find_mutations(dict(before.state_dict()), dict(after.state_dict()), path, depth + 1)
    if isinstance(after, (type(None), bool, int, float, complex, str, bytes)) or \
            (numpy is not None and isinstance(after, numpy.generic)):
        return [] if _same_scalar(before, after) else [path]
    state_before, state_after = getattr(before, "__dict__", None), getattr(after, "__dict__", None)
    if isinstance(state_before, dict) and isinstance(state_after, dict):
        changed = []
        for name in sorted(set(state_before) | set(state_after), key=str):
            step = path + (("attribute", name),)
            if name not in state_before or name not in state_after:
                changed.append(step)
            else:
                changed += find_mutations(state_before[name], state_after[name], step, depth + 1)
        return changed
    return []


def _changes(before, after):
    """find_mutations, or none found where the values cannot be compared (a student's odd objects)."""
    try:
        return find_mutations(before, after)
    except Exception:
        return []


def _parameter_names(function, count):
    """The student's names of the first ``count`` positional parameters of ``function`` (None where unknown)."""
    import inspect

    names = []
    try:
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
                names.append(parameter.name)
            elif parameter.kind == parameter.VAR_POSITIONAL:
                names += [f"{parameter.name}[{i}]" for i in range(count - len(names))]
                break
    except Exception:  # a builtin or an object with a broken signature
        pass
    return (names + [None] * count)[:count]


def _leaves_for(args, kwargs, wrt):
    """Make each input named by ``wrt`` a fresh leaf tensor that requires a gradient; return the leaves.

    A path starts with a position (int) or a keyword (str), then keys or indices inside it.
    """
    leaves = []
    for path in wrt:
        container, key = (args, path[0]) if isinstance(path[0], int) else (kwargs, path[0])
        for step in path[1:]:
            container, key = container[key], step
        if isinstance(container, tuple):
            raise TypeError(f"cannot differentiate with respect to an item of a tuple ({list(path)})")
        leaf = container[key].detach().clone().requires_grad_(True)
        container[key] = leaf
        leaves.append(leaf)
    return leaves


def _gradients(value, leaves, weights):
    """d(sum of value_i * weights_i) / d(each leaf), None where the value does not depend on it."""
    torch = sys.modules["torch"]
    outputs = list(value) if isinstance(value, (tuple, list)) else [value]
    weights = [None] * len(outputs) if weights is None else list(weights) if isinstance(weights, (tuple, list)) \
        else [weights]
    total = None
    for output, weight in zip(outputs, weights):
        if isinstance(output, torch.Tensor) and output.requires_grad and (weight is not None or len(outputs) == 1):
            term = (output * weight.to(output.dtype)).sum() if weight is not None else output.sum()
            total = term if total is None else total + term
    if total is None:
        return [None] * len(leaves)
    return list(torch.autograd.grad(total, leaves, allow_unused=True))


def call_and_compare(function, args, kwargs, gradients=None):
    """Call ``function``; return (its value, the mutations it made to its arguments, gradients) as plain data.

    gradients -- None, or {"wrt": paths of input tensors, "weights": like the value, or None}: the
                 gradients of sum(value * weights) with respect to those inputs, by autograd (None for
                 an input the value does not depend on)
    """
    leaves = _leaves_for(args, kwargs, gradients["wrt"]) if gradients else []
    before_args = [snapshot(a) for a in args]
    before_kwargs = {k: snapshot(v) for k, v in kwargs.items()}
    value = function(*args, **kwargs)
    grads = _gradients(value, leaves, gradients.get("weights")) if gradients else None
    mutations = []
    names = _parameter_names(function, len(args)) if args else []
    for position, (before, after) in enumerate(zip(before_args, args)):
        mutations += [{"position": position, "keyword": None, "parameter": names[position], "path": list(path)}
                      for path in _changes(before, after)]
    for keyword, before in before_kwargs.items():
        mutations += [{"position": None, "keyword": keyword, "parameter": keyword, "path": list(path)}
                      for path in _changes(before, kwargs[keyword])]
    return value, mutations, grads


# ---- what runs inside the sandbox -------------------------------------------------

# Actions, refused where they happen: importing subprocess, socket or multiprocessing works (numpy.testing,
# tqdm and matplotlib do), starting a process, opening a socket or loading a C library does not.
_BLOCKED_EVENTS = (
    "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.system", "os.kill", "os.killpg",
    "subprocess.", "socket.", "ctypes.", "gc.get_referrers", "gc.get_referents", "gc.get_objects",
    "sys._current_frames", "signal.pthread_kill", "os.setuid", "os.chroot", "mmap.",
    "_posixshmem.", "os.startfile", "pty.", "sys.remote_exec",
)
# modules whose import itself is the danger (ctypes), or that are the grader's own
_BLOCKED_IMPORTS = frozenset(("ctypes", "_ctypes", "_testcapi", "_testinternalcapi", "_xxsubinterpreters",
                              "_posixshmem", "grading", "nbgrader"))
KEPT_VALUES = 10_000  # values a student's functions returned that stay here; the oldest are dropped beyond


def _make_guard(read_roots, write_root):
    """An audit hook that refuses what a graded function never needs.

    The jail (chroot, own uid, rlimits) is what keeps the student out; this
    hook is a second wall, and the only one where the grader cannot chroot.
    Its state lives in default arguments: rebinding the hook's own
    ``__defaults__`` or ``__code__`` raises an audited event that it refuses
    (other functions may change theirs: namedtuple sets ``__defaults__``).
    """
    import types

    # a module a package already imported (torch imports ctypes) stays importable; its events stay refused
    blocked_imports = frozenset(name for name in _BLOCKED_IMPORTS if name not in sys.modules)

    def guard(event, args, _blocked=_BLOCKED_EVENTS, _imports=blocked_imports, _reads=tuple(read_roots),
              _write=write_root, _str=str, _isinstance=isinstance, _perm=PermissionError, _len=len,
              _any=any, _realpath=os.path.realpath, _join=os.path.join, _frame=sys._getframe,
              _coroutine=types.coroutine.__code__, _me=[]):  # noqa: B006 (filled with the hook itself once made)
        if event.startswith(_blocked):
            raise _perm(f"{event} is not allowed while grading")
        # hand-made bytecode could corrupt the interpreter; types.coroutine (asyncio, which tqdm.auto imports)
        # only sets a flag on code Python compiled
        if event == "code.__new__" and _frame(1).f_code is not _coroutine:
            raise _perm(f"{event} is not allowed while grading")
        if event == "import" and _isinstance(args[0], _str) and args[0].split(".")[0] in _imports:
            raise _perm(f"importing {args[0]} is not allowed while grading")
        if event == "object.__setattr__" and _len(args) > 1 and args[0] is _me[0] \
                and args[1] in ("__code__", "__defaults__", "__kwdefaults__"):
            raise _perm("changing a function's code is not allowed while grading")
        if event == "open":
            path, mode = args[0], args[1]
            if _isinstance(path, int):
                return
            path = _realpath(_join(_write, path if _isinstance(path, _str) else path.decode(errors="replace")))
            writing = mode is not None and _any(c in _str(mode) for c in "wax+")
            if _isinstance(args[2], int) and args[2] & 3:  # os.open with O_WRONLY or O_RDWR
                writing = True
            if path == _write or path.startswith(_write + "/"):
                return
            if writing or not path.startswith(_reads):
                raise _perm(f"opening {path} is not allowed while grading")
    guard.__defaults__[-1].append(guard)
    return guard


class StaleHandle(WireError):
    """A handle to a value this process no longer keeps."""


class _Kept:
    """The values kept in the sandbox, by number; the grader holds handles to them."""

    def __init__(self):
        self.values, self.next = {}, 0

    def keep(self, value):
        self.next += 1
        self.values[self.next] = value
        while len(self.values) > KEPT_VALUES:
            del self.values[next(iter(self.values))]
        return self.next

    def resolve(self, number, type_name, contents):
        if number not in self.values:
            raise StaleHandle(f"a value one of its functions returned earlier is gone (handle {number}): "
                              "the process was restarted or kept too many values since")
        return self.values[number]


def _prepare_packages(packages, workdir):
    """Import ``packages`` before the guard: their imports open files and load modules it refuses.

    matplotlib gets the Agg backend (plots are drawn into memory, never onto a screen) and a copy of the
    font cache built with the jail; temporary files go to the working folder.
    """
    import shutil

    os.environ.update(MPLBACKEND="Agg", MPLCONFIGDIR=os.path.join(workdir, ".matplotlib"), TMPDIR=workdir)
    cache = os.environ.pop("GRADING_MATPLOTLIB_CACHE", "")
    if os.path.isdir(cache):
        shutil.copytree(cache, os.environ["MPLCONFIGDIR"], dirs_exist_ok=True)
    for package in packages:
        __import__(package)


def _notebook_builtins(builtins):
    """Give ``builtins`` what a notebook's code finds there: IPython's display, and help (from site, which
    ``python -S`` skips). Each loads its module on first use."""

    def display(*objects, **kwargs):
        from IPython.display import display as ipython_display

        return ipython_display(*objects, **kwargs)

    import _sitebuiltins

    builtins.display, builtins.help = display, _sitebuiltins._Helper()


def _future_flags():
    """The compiler flags of every ``from __future__ import`` feature."""
    import __future__

    flags = 0
    for feature in __future__.all_feature_names:
        flags |= getattr(__future__, feature).compiler_flag
    return flags


def _statements(source, filename, flags):
    """The top-level statements of a cell, each a module of its own, parsed with the __future__ ``flags``.

    IPython compiles and runs a cell statement by statement, so a ``from __future__ import`` may follow
    other statements of its cell (a magic line, which grading.magics makes ``pass``, or an import) and
    holds for the statements after it; a cell compiled as one module refuses it.
    """
    import ast

    tree = compile(source, filename, "exec", flags | ast.PyCF_ONLY_AST, True)
    return [ast.Module([statement], []) for statement in tree.body]


_UNBOUND = object()  # a name a cell had not bound


def _latest_function(namespace, functions, name):
    """What the notebook's ``name`` calls now: its value if callable, else the last function bound to it (a
    later cell may have reused the name for the value it returned: relative_error = relative_error(g, n))."""
    value = namespace.get(name)
    return value if callable(value) else functions.get(name)


def _functions_as_of(functions_after_cell, position):
    """The functions as they were when the last cell at or before ``position`` that ran ended ({} if none)."""
    if type(position) is not int:
        raise ValueError(f"as_of must be a cell position (an int), got {type(position).__name__}")
    ran = [p for p in functions_after_cell if p <= position]
    return functions_after_cell[max(ran)] if ran else {}


def serve(requests, replies, read_roots, workdir, packages=("numpy",)):
    """Answer requests until the grader closes the pipe.

    ``packages`` (numpy, torch) are imported before the guard is installed:
    importing them opens files and loads modules the guard refuses to
    student code.
    """
    import builtins
    import linecache
    import traceback

    _prepare_packages(packages, workdir)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    _notebook_builtins(builtins)
    # as IPython compiles cells, a `from __future__ import` holds for the statements and cells after it
    future_flags, all_future_flags = 0, _future_flags()
    cell_names = set()
    # the latest callable bound to each name when a cell ended: stock nbgrader calls a function at its test
    # cell, before a later cell can rebind its name to a value (relative_error = relative_error(g, n))
    functions = {}
    # the functions as they were when each cell ended, by the cell's position: a check asks for a function as
    # it stood at its test cell (stock nbgrader's), when a later cell redefined it (an unfinished rewrite)
    functions_after_cell = {}
    kept = _Kept()
    sys.addaudithook(_make_guard(read_roots, os.path.realpath(workdir)))

    def describe(error):
        try:
            text = f"{type(error).__name__}: {error}"[:2000]
            frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in cell_names]
            where = f" (in {frames[-1].filename[1:-1]}, line {frames[-1].lineno})" if frames else ""
            return {"type": type(error).__name__, "message": text + where}
        except BaseException:
            return {"type": "Exception", "message": "an exception whose message could not be printed"}

    while True:
        body = read_frame(requests)
        if body is None:
            return
        limit = MAX_FRAME_BYTES
        try:
            request = decode(body, handle=kept.resolve)
            limit = request.get("max_reply_bytes") or MAX_FRAME_BYTES
            if request["op"] == "exec":
                name = f"<{request['index']}>"
                cell_names.add(name)
                # as IPython does: inspect.getsource finds a cell's code (torch.jit.script compiles from it)
                linecache.cache[name] = (len(request["source"]), None, request["source"].splitlines(True), name)
                try:
                    for statement in _statements(request["source"], name, future_flags):
                        code = compile(statement, name, "exec", future_flags, True)
                        future_flags |= code.co_flags & all_future_flags
                        exec(code, namespace)
                finally:
                    functions.update((key, value) for key, value in list(namespace.items()) if callable(value))
                    if type(request.get("position")) is int:
                        functions_after_cell[request["position"]] = dict(functions)
                reply = {"ok": True}
            elif request["op"] == "changed_since":
                earlier = _functions_as_of(functions_after_cell, request["as_of"])
                reply = {"ok": True, "value": any(namespace.get(name) is not function
                                                  for name, function in earlier.items())}
            elif request["op"] == "call":
                as_of = request.get("as_of")
                earlier = {} if as_of is None else _functions_as_of(functions_after_cell, as_of)
                function = _latest_function(namespace, functions, request["name"]) if as_of is None \
                    else earlier.get(request["name"])
                if not callable(function):
                    reply = {"ok": False, "error": {"type": "NameError",
                             "message": f"{request['name']} is not defined by the notebook"}}
                else:
                    # as of a cell, the functions it calls by name are those of then too, as at stock's test cell
                    later = {name: namespace.get(name, _UNBOUND) for name, then in earlier.items()
                             if namespace.get(name) is not then}
                    namespace.update((name, earlier[name]) for name in later)
                    try:
                        value, mutations, gradients = call_and_compare(function, request["args"], request["kwargs"],
                                                                       request.get("gradients"))
                    finally:
                        for name, now in later.items():
                            if now is _UNBOUND:
                                namespace.pop(name, None)
                            else:
                                namespace[name] = now
                    reply = {"ok": True, "value": value, "mutations": mutations, "gradients": gradients}
            else:
                reply = {"ok": False, "error": {"type": "ValueError", "message": "unknown request"}}
            payload = encode(reply, keep=kept.keep)
            if len(payload) > limit or _LENGTH.unpack(payload[:8])[0] > MAX_HEADER_BYTES:
                payload = encode({"ok": False, "error": {"type": "ReplyTooLarge", "message": (
                    f"the value it returned takes {len(payload):,} bytes, more than the {limit:,} this check "
                    "accepts (or its lists and dicts hold too many items)")}})
        except BaseException as error:  # SystemExit and KeyboardInterrupt from student code are errors too
            payload = encode({"ok": False, "error": describe(error)})
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        replies.write(frame(payload))
        replies.flush()


if __name__ == "__main__":
    _replies = os.fdopen(int(sys.argv[4]), "wb", buffering=0)

    class _Stream:
        def __init__(self, fd):
            self._file = os.fdopen(fd, "rb", buffering=0)

        def read(self, size):
            data = b""
            while len(data) < size:
                chunk = self._file.read(size - len(data))
                if not chunk:
                    break
                data += chunk
            return data

    # the working folder first, as IPython's: a module the notebook wrote there (%%writefile) is importable
    sys.path[:] = [os.getcwd(), *sys.argv[1].split(os.pathsep)]
    serve(_Stream(int(sys.argv[3])), _replies, tuple(sys.argv[2].split(os.pathsep)), os.getcwd(), sys.argv[5].split(","))
