"""A notebook's cells in a sandbox, and calls of the functions they define.

:class:`Session` starts a new sandbox and replays the cells that worked
whenever one dies, so a cell that loops forever, exhausts memory or exits
costs only its own part.

What a call returns is plain data (numbers, strings, arrays, tensors, exact
lists, tuples and dicts of them). Anything else a student's function returns
stays in the sandbox and the check gets a :class:`Handle` in its place (a
namedtuple or another subclass of tuple, list or dict comes back as a
:class:`HandleTuple`, :class:`HandleList` or :class:`HandleDict`: the plain
contents, and the handle as ``.handle``). A handle passed back as an argument
of a later call gives the student's function the original object, so a cache
built of slices, namedtuples, custom classes or closures reaches the
student's own backward pass unchanged.

Every call reports the changes it made to its arguments (:class:`Mutation`,
in ``CallResult.mutations``): the sandbox deep-copies each argument before
the call and compares after it. Example::

    forward = session.function("rnn_forward")
    a, y, caches = forward(x, a0, parameters)       # caches may be a Handle
    backward = session.function("rnn_backward")
    gradients = backward(da, caches)                 # the student's own caches
    if backward.last_call.mutations:
        raise CheckFailed(mutation_message("rnn_backward", backward.last_call.mutations, ("da", "caches")))
"""
import builtins
import time
from dataclasses import dataclass, field

from .magics import translate
from .sandbox import DeadlineExceeded, Limits, ReplyTooLarge, Sandbox, SandboxDied, shared_jail


class StudentError(Exception):
    """A student's function raised an exception of a type the grader does not know."""


class StaleHandle(Exception):
    """A handle to a value that is gone: the sandbox restarted since (an earlier call stopped it)."""


_BUILTIN_ERRORS = {name: cls for name, cls in vars(builtins).items()
                   if isinstance(cls, type) and issubclass(cls, Exception)}
_GRADER_ERRORS = {"ReplyTooLarge": ReplyTooLarge, "StaleHandle": StaleHandle}


class Handle:
    """A value a student's function returned that stays in the sandbox; pass it back to use it."""

    __slots__ = ("number", "type_name", "_session", "_generation")

    def __init__(self, number, type_name, session, generation):
        self.number, self.type_name, self._session, self._generation = number, type_name, session, generation

    def __repr__(self):
        return f"<{self.type_name} kept in the sandbox>"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):  # a check's copy of its arguments still stands for the same kept value
        return self


class HandleTuple(tuple):
    """A tuple subclass (a namedtuple) a student returned: its contents here, the object in the sandbox."""

    handle = None


class HandleList(list):
    """A list subclass a student returned: its contents here, the object in the sandbox."""

    handle = None


class HandleDict(dict):
    """A dict subclass (OrderedDict, defaultdict) a student returned: its contents here, the object in the sandbox."""

    handle = None


_WITH_CONTENTS = {tuple: HandleTuple, list: HandleList, dict: HandleDict}


class Attribute(str):
    """A step into an object's attribute in a Mutation's path (``cache.x``), as opposed to a key."""


@dataclass(frozen=True)
class Mutation:
    """One argument (or a key, item or attribute inside it) that a call changed.

    position -- index among the positional arguments, None for a keyword argument
    keyword -- the keyword it was passed by, or None
    parameter -- the student's own name of that parameter (None when unknown)
    path -- keys, indices and Attribute steps inside the argument; () is the argument itself
    """

    position: object
    keyword: object
    parameter: object
    path: tuple = ()

    def describe(self, names=None):
        """'parameters['Wax']', using ``names[position]`` (the notebook's names of the arguments) when given."""
        if self.keyword is not None:
            base = self.keyword
        elif names is not None and self.position < len(names):
            base = names[self.position]
        else:
            base = self.parameter or f"argument {self.position + 1}"
        return base + "".join(f".{step}" if isinstance(step, Attribute) else f"[{step!r}]" for step in self.path)


def mutation_message(function_name, mutations, names=None):
    """A sentence naming the inputs ``function_name`` changed in place ('' when none)."""
    if not mutations:
        return ""
    changed = ", ".join(dict.fromkeys(m.describe(names) for m in mutations))
    return (f"{function_name} changed its input {changed} in place; the notebook uses that input again after the "
            "call, so work on a copy (x = x.copy() of an array, x = x.clone() of a tensor, or new arrays) instead "
            "of modifying what you were given.")


@dataclass
class CallResult:
    """What one call of a student's function returned, and the changes it made to its arguments."""

    value: object
    mutations: list = field(default_factory=list)
    gradients: object = None  # with invoke(..., gradients=...): one tensor (or None) per input asked for


class Session:
    """A notebook's code cells run in a sandbox, and calls of the functions they define.

    ``cells`` are the cells' sources as the student wrote them, IPython
    syntax included: grading.magics turns them into Python, and
    ``skipped_notes`` says which lines could not run. Whenever the sandbox
    dies (a cell or a call ran out of time or memory, exited the process, or
    was killed), the next request starts a new one and replays the cells that
    had run without killing it; a cell that killed it is skipped from then on.
    The whole session shares ``limits.notebook_seconds``.
    """

    def __init__(self, cells, limits=Limits(), jail=None, provided=None, labels=None):
        translated = [translate(source) for source in cells]
        self.cells = [python for python, _ in translated]
        self.skipped = {index: skipped for index, (_, skipped) in enumerate(translated) if skipped}
        self.labels = list(labels) if labels else [f"cell {i}" for i in range(len(self.cells))]
        self.limits = limits
        self.jail = jail or shared_jail()
        self._extra_path = [self.jail.provide(provided)] if provided else []
        self.cell_errors = {}  # index -> message, for cells that raised or killed the sandbox
        self._killers = set()
        self._fatal_calls = {}  # function name -> the error its first fatal call ended with
        self._sandbox = None
        self._generation = 0  # which sandbox process handles belong to
        self._started = time.monotonic()
        self.last_call = None

    @property
    def skipped_notes(self):
        """One line per skipped IPython line: 'skipped line 3 of your cell x: !pip install tqdm (...)'."""
        return [f"skipped line {number} of {self.labels[index]}: {text.strip()[:200]} ({why})"
                for index, lines in sorted(self.skipped.items()) for number, text, why in lines]

    def _remaining(self, where):
        remaining = self.limits.notebook_seconds - (time.monotonic() - self._started)
        if remaining <= 0:
            raise DeadlineExceeded(self._budget_message(where))
        return remaining

    def _budget_message(self, where):
        return f"grading stopped at {where}: the notebook used up its time budget of {self.limits.notebook_seconds:.0f} s"

    def _request(self, message, where, reply_bytes=None):
        timeout = min(self.limits.cell_seconds, self._remaining(where))
        try:
            return self._sandbox.request(message, timeout, reply_bytes or self.limits.reply_bytes,
                                         reference=self._reference, handle=self._handle)
        except DeadlineExceeded as error:
            if timeout < self.limits.cell_seconds:
                raise DeadlineExceeded(self._budget_message(where)) from None
            raise error

    def _reference(self, item):
        handle = item.handle if isinstance(item, (HandleTuple, HandleList, HandleDict)) else item
        if not isinstance(handle, Handle):
            return None
        if handle._session is not self:
            raise ValueError(f"a {handle.type_name} kept by another submission's sandbox cannot be passed here")
        if handle._generation != self._generation:
            raise StaleHandle(f"a {handle.type_name} returned earlier is gone: a later call stopped the process "
                              "and it was restarted")
        return handle.number

    def _handle(self, number, type_name, contents):
        handle = Handle(number, type_name, self, self._generation)
        if contents is None or type(contents) not in _WITH_CONTENTS:
            return handle
        value = _WITH_CONTENTS[type(contents)](contents)
        value.handle = handle
        return value

    def _ensure_started(self):
        if self._sandbox is not None and self._sandbox.alive:
            return
        self._sandbox = Sandbox(self.limits, self.jail, self._extra_path)
        self._generation += 1
        for index, source in enumerate(self.cells):
            if index in self._killers:
                continue
            try:
                reply = self._request({"op": "exec", "index": self.labels[index], "position": index, "source": source},
                                      self.labels[index])
            except DeadlineExceeded as error:
                if "budget" in str(error):
                    raise
                self._record_killer(index, f"{self.labels[index]} did not finish within {self.limits.cell_seconds:.0f} s "
                                           "(the time limit of one cell)")
                return self._ensure_started()
            except SandboxDied as error:
                self._record_killer(index, f"{self.labels[index]} stopped the process: {error}")
                return self._ensure_started()
            if not reply["ok"]:
                self.cell_errors[index] = f"{self.labels[index]} raised {reply['error']['message']}"

    def _record_killer(self, index, message):
        self._killers.add(index)
        self.cell_errors[index] = message

    def run_cells(self):
        """Execute every cell once; return {cell index: error message} for those that failed."""
        self._ensure_started()
        return dict(self.cell_errors)

    def invoke(self, name, args=(), kwargs=None, max_reply_bytes=None, gradients=None, as_of=None):
        """Call the student's ``name``; return a CallResult (its value, the changes made to its arguments).

        Raises the builtin exception the function raised (ValueError, ...),
        StudentError for other exception types, SandboxDied or
        DeadlineExceeded when the call killed the sandbox or ran too long,
        ReplyTooLarge when its value is larger than ``max_reply_bytes``
        (default ``limits.reply_bytes``), StaleHandle for a handle from a
        sandbox that has since died.

        ``gradients={"wrt": paths, "weights": w}`` (torch) also returns, in
        CallResult.gradients, the gradients of sum(value * w) (w like the
        value, or None for its plain sum) with respect to the inputs at
        ``paths``, computed by autograd in the sandbox: a path is a position
        or keyword, then keys or indices inside it, e.g. ``(0, "Wf")`` for
        ``args[0]["Wf"]``. None where the value does not depend on that input
        (a detached computation).

        ``as_of`` (a cell's position in ``cells``) calls ``name`` as it was
        when that cell ended, rather than the last definition, with the
        functions it calls by name as they were then too (for the call only).
        """
        key = name if as_of is None else (name, as_of)
        if key in self._fatal_calls:  # it already hung or killed the process once: do not wait again
            raise self._fatal_calls[key]
        self._ensure_started()
        message = {"op": "call", "name": name, "args": list(args), "kwargs": dict(kwargs or {}),
                   "max_reply_bytes": int(max_reply_bytes or self.limits.reply_bytes)}
        if as_of is not None:
            message["as_of"] = int(as_of)
        if gradients is not None:
            message["gradients"] = {"wrt": [tuple(path) for path in gradients["wrt"]],
                                    "weights": gradients.get("weights")}
        try:
            reply = self._request(message, f"a call of {name}", max_reply_bytes)
        except DeadlineExceeded as error:
            if "budget" in str(error):
                raise
            self._fatal_calls[key] = DeadlineExceeded(f"{name} did not return within {self.limits.cell_seconds:.0f} s "
                                                      "(the time limit of one call)")
            raise self._fatal_calls[key] from None
        except ReplyTooLarge as error:  # the sandbox was killed unread; the next call starts a new one
            raise ReplyTooLarge(f"{name}: {error}") from None
        except SandboxDied as error:
            self._fatal_calls[key] = SandboxDied(f"calling {name} stopped the process: {error}")
            raise self._fatal_calls[key] from None
        if not reply["ok"]:
            error_type = _GRADER_ERRORS.get(reply["error"]["type"]) or \
                _BUILTIN_ERRORS.get(reply["error"]["type"], StudentError)
            raise error_type(reply["error"]["message"] if error_type is not ReplyTooLarge else
                             f"{name}: {reply['error']['message']}")
        mutations = [Mutation(m["position"], m["keyword"], m["parameter"],
                              tuple(Attribute(step) if kind == "attribute" else step for kind, step in m["path"]))
                     for m in reply.get("mutations", [])]
        self.last_call = CallResult(reply["value"], mutations, reply.get("gradients"))
        return self.last_call

    def call(self, name, *args, **kwargs):
        """Call the student's ``name`` with plain data (and handles); return its value (see invoke)."""
        return self.invoke(name, args, kwargs).value

    def changed_since(self, as_of):
        """Whether a later cell bound a name that held a function when the cell at position ``as_of`` ended
        to something else (a function first defined later does not count)."""
        self._ensure_started()
        reply = self._request({"op": "changed_since", "as_of": int(as_of)}, "a look at the notebook's functions")
        return bool(reply.get("ok") and reply.get("value"))

    def function(self, name, max_reply_bytes=None, as_of=None):
        """A callable that forwards to the student's ``name`` (as it was when the cell at position ``as_of``
        ended, if given); its ``last_call`` is the latest CallResult."""
        def proxy(*args, **kwargs):
            proxy.last_call = None
            proxy.last_call = self.invoke(name, args, kwargs, max_reply_bytes, as_of=as_of)
            return proxy.last_call.value
        def with_gradients(args=(), kwargs=None, wrt=(), weights=None):
            """(value, gradients): the call, and autograd's gradients with respect to ``wrt`` (see invoke)."""
            proxy.last_call = None
            proxy.last_call = self.invoke(name, args, kwargs, max_reply_bytes, {"wrt": list(wrt), "weights": weights},
                                          as_of=as_of)
            return proxy.last_call.value, proxy.last_call.gradients
        proxy.__name__ = name
        proxy.last_call = None
        proxy.with_gradients = with_gradients
        return proxy

    @property
    def output(self):
        return bytes(self._sandbox.output) if self._sandbox else b""

    def close(self):
        if self._sandbox is not None:
            self._sandbox.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
