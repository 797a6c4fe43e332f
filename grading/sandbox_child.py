"""The program that runs inside the sandbox, and the wire format of both sides.

grading.sandbox starts it as ``python -I -S -c <this file's source>`` in an
empty working folder; it can import the standard library and numpy, nothing
of this course. It executes the student's cells in one namespace and answers
calls of the functions they define. Requests and replies are frames of
:func:`encode`, which carries only plain data (None, bools, numbers, strings,
lists, tuples, dicts, numeric NumPy arrays and scalars, tensors as arrays):
the grader never unpickles anything the student's process wrote.
"""
import json
import os
import re
import struct
import sys

MAX_DEPTH = 32
MAX_FRAME_BYTES = 1 << 30
_DTYPE = re.compile(r"^[<>|=]?[biufc][0-9]{1,2}$")
_LENGTH = struct.Struct("<Q")


class WireError(ValueError):
    """A value that is not plain data, or a malformed frame."""


def encode(value):
    """Plain data -> bytes: a JSON tree followed by the raw bytes of its arrays."""
    buffers = []

    def walk(item, depth):
        if depth > MAX_DEPTH:
            raise WireError(f"nested deeper than {MAX_DEPTH} levels")
        if item is None or isinstance(item, (bool, str, int, float)):
            return item
        if isinstance(item, complex):
            return {"complex": [item.real, item.imag]}
        if isinstance(item, (list, tuple)):
            tag = "list" if isinstance(item, list) else "tuple"
            return {tag: [walk(x, depth + 1) for x in item]}
        if isinstance(item, dict):
            return {"dict": [[walk(k, depth + 1), walk(v, depth + 1)] for k, v in item.items()]}
        torch = sys.modules.get("torch")
        is_tensor = torch is not None and isinstance(item, torch.Tensor)
        if is_tensor:
            item = item.detach().cpu().numpy()
        numpy = sys.modules.get("numpy")
        if numpy is not None and isinstance(item, (numpy.ndarray, numpy.generic)):
            array = numpy.ascontiguousarray(item)
            if not _DTYPE.match(array.dtype.str):
                raise WireError(f"an array of dtype {array.dtype} (only numbers can be graded)")
            buffers.append(array.tobytes())
            # (ascontiguousarray turns a 0-d array into shape (1,): the shape is the item's own)
            return {"array": len(buffers) - 1, "dtype": array.dtype.str, "shape": list(numpy.shape(item)),
                    "scalar": isinstance(item, numpy.generic), "tensor": is_tensor}
        raise WireError(f"a value of type {type(item).__name__} (only numbers, arrays, lists, tuples and dicts can be graded)")

    header = json.dumps(walk(value, 0)).encode()
    parts = [_LENGTH.pack(len(header)), header]
    for buffer in buffers:
        parts += [_LENGTH.pack(len(buffer)), buffer]
    return b"".join(parts)


def decode(data):
    """bytes from :func:`encode` -> plain data; rejects anything else with WireError."""
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
    try:
        tree = json.loads(bytes(chunks[0]))
    except (ValueError, RecursionError) as error:
        raise WireError(f"bad header: {error}") from None

    def walk(node, depth):
        if depth > MAX_DEPTH:
            raise WireError("nested too deeply")
        if node is None or isinstance(node, (bool, str, int, float)):
            return node
        if not isinstance(node, dict) or len(node) not in (1, 5):
            raise WireError("unknown node")
        if "list" in node or "tuple" in node:
            items = [walk(x, depth + 1) for x in node.get("list", node.get("tuple"))]
            return items if "list" in node else tuple(items)
        if "dict" in node:
            result = {}
            for pair in node["dict"]:
                key = walk(pair[0], depth + 1)
                if not isinstance(key, (str, int, float, bool, tuple, type(None))):
                    raise WireError("unhashable dict key")
                result[key] = walk(pair[1], depth + 1)
            return result
        if "complex" in node:
            return complex(*[float(x) for x in node["complex"]])
        if "array" in node:
            if not isinstance(node["dtype"], str) or not _DTYPE.match(node["dtype"]):
                raise WireError("bad dtype")
            index = node["array"]
            if not isinstance(index, int) or not 0 < index + 1 < len(chunks):
                raise WireError("bad array reference")
            dtype = numpy.dtype(node["dtype"])
            shape = tuple(int(n) for n in node["shape"])
            if any(n < 0 for n in shape) or int(numpy.prod(shape)) * dtype.itemsize != len(chunks[index + 1]):
                raise WireError("array size does not match its shape")
            array = numpy.frombuffer(chunks[index + 1], dtype=dtype).reshape(shape).copy()
            if node["scalar"]:
                return array[()]
            if node["tensor"]:
                torch = sys.modules.get("torch")
                return torch.from_numpy(array) if torch is not None else array
            return array
        raise WireError("unknown node")

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


# ---- what runs inside the sandbox -------------------------------------------------

_BLOCKED_EVENTS = (
    "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.system", "os.kill", "os.killpg",
    "subprocess.", "socket.", "ctypes.", "gc.get_referrers", "gc.get_referents", "gc.get_objects",
    "code.__new__", "sys._current_frames", "signal.pthread_kill", "os.setuid", "os.chroot",
)
_BLOCKED_IMPORTS = frozenset((
    "ctypes", "_ctypes", "_posixsubprocess", "subprocess", "socket", "_socket", "multiprocessing",
    "_multiprocessing", "mmap", "_testcapi", "_testinternalcapi", "_xxsubinterpreters", "grading", "nbgrader",
))


def _make_guard(read_roots, write_root):
    """An audit hook that refuses what a graded function never needs.

    The jail (chroot, own uid, rlimits) is what keeps the student out; this
    hook is a second wall, and the only one where the grader cannot chroot.
    Its state lives in default arguments: rebinding the hook's own
    ``__defaults__`` or ``__code__`` raises an audited event that it refuses
    (other functions may change theirs: namedtuple sets ``__defaults__``).
    """
    # a module a package already imported (torch imports ctypes) stays importable; its events stay refused
    blocked_imports = frozenset(name for name in _BLOCKED_IMPORTS if name not in sys.modules)

    def guard(event, args, _blocked=_BLOCKED_EVENTS, _imports=blocked_imports, _reads=tuple(read_roots),
              _write=write_root, _str=str, _isinstance=isinstance, _perm=PermissionError, _len=len,
              _any=any, _realpath=os.path.realpath, _join=os.path.join, _me=[]):
        if event.startswith(_blocked):
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


def serve(requests, replies, read_roots, workdir, packages=("numpy",)):
    """Answer requests until the grader closes the pipe.

    ``packages`` (numpy, torch) are imported before the guard is installed:
    importing them opens files and loads modules the guard refuses to
    student code.
    """
    import builtins
    import traceback

    for package in packages:
        __import__(package)

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    cell_names = set()
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
        request = decode(body)
        try:
            if request["op"] == "exec":
                cell_names.add(f"<{request['index']}>")
                code = compile(request["source"], f"<{request['index']}>", "exec")
                exec(code, namespace)
                reply = {"ok": True}
            elif request["op"] == "call":
                function = namespace.get(request["name"])
                if not callable(function):
                    reply = {"ok": False, "error": {"type": "NameError",
                             "message": f"{request['name']} is not defined by the notebook"}}
                else:
                    reply = {"ok": True, "value": function(*request["args"], **request["kwargs"])}
            else:
                reply = {"ok": False, "error": {"type": "ValueError", "message": "unknown request"}}
            payload = encode(reply)
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

    sys.path[:] = sys.argv[1].split(os.pathsep)
    serve(_Stream(int(sys.argv[3])), _replies, tuple(sys.argv[2].split(os.pathsep)), os.getcwd(), sys.argv[5].split(","))
