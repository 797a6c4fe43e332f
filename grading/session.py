"""A notebook's cells in a sandbox, and calls of the functions they define.

:class:`Session` starts a new sandbox and replays the cells that worked
whenever one dies, so a cell that loops forever, exhausts memory or exits
costs only its own part.
"""
import builtins
import time

from .sandbox import DeadlineExceeded, Limits, Sandbox, SandboxDied, shared_jail


class StudentError(Exception):
    """A student's function raised an exception of a type the grader does not know."""


_BUILTIN_ERRORS = {name: cls for name, cls in vars(builtins).items()
                   if isinstance(cls, type) and issubclass(cls, Exception)}


class Session:
    """A notebook's code cells run in a sandbox, and calls of the functions they define.

    Whenever the sandbox dies (a cell or a call ran out of time or memory,
    exited the process, or was killed), the next request starts a new one and
    replays the cells that had run without killing it; a cell that killed it
    is skipped from then on. The whole session shares ``limits.notebook_seconds``.
    """

    def __init__(self, cells, limits=Limits(), jail=None, provided=None, labels=None):
        self.cells = list(cells)
        self.labels = list(labels) if labels else [f"cell {i}" for i in range(len(self.cells))]
        self.limits = limits
        self.jail = jail or shared_jail()
        self._extra_path = [self.jail.provide(provided)] if provided else []
        self.cell_errors = {}  # index -> message, for cells that raised or killed the sandbox
        self._killers = set()
        self._fatal_calls = {}  # function name -> the error its first fatal call ended with
        self._sandbox = None
        self._started = time.monotonic()

    def _remaining(self):
        remaining = self.limits.notebook_seconds - (time.monotonic() - self._started)
        if remaining <= 0:
            raise DeadlineExceeded(
                f"grading stopped: the notebook used up its time budget of {self.limits.notebook_seconds:.0f} s")
        return remaining

    def _request(self, message):
        timeout = min(self.limits.cell_seconds, self._remaining())
        try:
            return self._sandbox.request(message, timeout)
        except DeadlineExceeded as error:
            if timeout < self.limits.cell_seconds:
                raise DeadlineExceeded(f"grading stopped: the notebook used up its time budget of "
                                       f"{self.limits.notebook_seconds:.0f} s") from None
            raise error

    def _ensure_started(self):
        if self._sandbox is not None and self._sandbox.alive:
            return
        self._sandbox = Sandbox(self.limits, self.jail, self._extra_path)
        for index, source in enumerate(self.cells):
            if index in self._killers:
                continue
            try:
                reply = self._request({"op": "exec", "index": self.labels[index], "source": source})
            except DeadlineExceeded as error:
                if "budget" in str(error):
                    raise
                self._record_killer(index, f"{self.labels[index]} did not finish within {self.limits.cell_seconds:.0f} s")
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

    def call(self, name, *args, **kwargs):
        """Call the student's ``name`` with plain data; return its plain-data result.

        Raises the builtin exception the function raised (ValueError, ...),
        StudentError for other exception types, SandboxDied or
        DeadlineExceeded when the call killed the sandbox or ran too long.
        """
        if name in self._fatal_calls:  # it already hung or killed the process once: do not wait again
            raise self._fatal_calls[name]
        self._ensure_started()
        try:
            reply = self._request({"op": "call", "name": name, "args": list(args), "kwargs": dict(kwargs)})
        except DeadlineExceeded as error:
            if "budget" in str(error):
                raise
            self._fatal_calls[name] = DeadlineExceeded(f"{name} did not return within {self.limits.cell_seconds:.0f} s")
            raise self._fatal_calls[name] from None
        except SandboxDied as error:
            self._fatal_calls[name] = SandboxDied(f"calling {name} stopped the process: {error}")
            raise self._fatal_calls[name] from None
        if reply["ok"]:
            return reply["value"]
        error_type = _BUILTIN_ERRORS.get(reply["error"]["type"], StudentError)
        raise error_type(reply["error"]["message"])

    def function(self, name):
        """A callable that forwards to the student's ``name`` in the sandbox."""
        def proxy(*args, **kwargs):
            return self.call(name, *args, **kwargs)
        proxy.__name__ = name
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
