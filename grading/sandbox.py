"""Run a student's code in a fresh, isolated, resource-limited process.

When the grader runs as root (the course machines and CI do), each sandbox is
a process that

- is chrooted into a *jail* (grading.jail): a folder holding hard links to the
  interpreter, its shared libraries, the standard library, the course
  environment's packages (NumPy, Matplotlib, tqdm, IPython's display and
  ipywidgets; PyTorch for the torch assignment) and the course code the locked
  cells import, sliced by grading.course_code; nothing else: no other course
  file, no gradebook, no other submission;
- runs under a user id of its own (``UID_BASE + pid``), so that it can read
  nothing outside the jail, write only its empty working folder, and every
  process it manages to start can be found and killed by that uid;
- has its own empty network namespace, no new privileges, and rlimits on
  address space, CPU seconds, processes, file size and open files;
- cannot start a thread or a process: a seccomp filter (grading.seccomp)
  refuses clone and fork, as root or not (OpenMP is limited to one thread, so
  ``torch.set_num_threads(4)`` computes on one, and ``torch.compile`` leaves
  its function as written);
- runs ``python -I -S`` with an audit hook (grading.sandbox_child) that
  refuses starting processes, signals, sockets, ctypes, hand-made code objects
  and opening files outside the jail, where they are tried: importing
  subprocess or socket works (numpy.testing and tqdm do), using them does not.

Without root there is no chroot, no own uid and no network namespace. What
the fallback guarantees is exactly what its parts enforce: the rlimits; the
seccomp filter on x86-64 and arm64 (no thread, no process); an interpreter
that imports only the standard library, the course environment's packages
and the handed-out course files; a working folder of its own, removed after;
and the audit hook, which refuses the actions above and any file opened for
writing outside the working folder or for reading outside the standard
library, those packages and those files. It does not see C code that opens
files without an audit event or that corrupts the interpreter; such code runs
with the grader's own user. NumPy opens files through Python; PyTorch's C++
does not (``torch.from_file``, ``torch.save``, ``torch.jit.load``), so the
fallback refuses torch (grading.jail.FallbackRefused). The tests run every
adversarial submission against the fallback too. ``isolation_level()`` says
which applies; the instructor README says to grade as root.

What crosses the process boundary is plain data (grading.sandbox_child); a
reply is read only up to the size the call accepts.

grading.session.Session builds on it: a notebook's cells and calls of the
functions they define, surviving sandboxes that die.
"""
import ctypes
import os
import select
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import sandbox_child
from .jail import FallbackRefused, Jail, isolation_level, remove_tree, shared_jail  # noqa: F401 (re-exported)
from .sandbox_child import WireError, decode, encode, frame
from .seccomp import ThreadFilter

UID_BASE = 1_000_000_000
_CHILD_SOURCE = Path(sandbox_child.__file__).read_text()
_libc = ctypes.CDLL(None, use_errno=True)
_THREAD_FILTER = ThreadFilter()  # built before any fork: the child only calls prctl


@dataclass(frozen=True)
class Limits:
    """Resources one submission may use."""

    memory_bytes: int = 2 << 30  # address space of the sandbox process
    # wall clock for one cell or one call of a student function; nbgrader_config.py's Execute.timeout reads it,
    # and course_limits() takes that value back from a course's own nbgrader_config.py
    cell_seconds: float = 120.0
    notebook_seconds: float = 300.0  # wall clock for everything one submission runs
    file_bytes: int = 16 << 20
    processes: int = 1  # counts threads too: one means no thread and no fork (numpy runs single-threaded)
    output_bytes: int = 64 << 10  # printed output kept for messages; the rest is discarded
    reply_bytes: int = 64 << 20  # the largest reply of one call the grader reads (a call may ask for another bound)


def course_limits(course_dir, **overrides):
    """Limits whose cell_seconds is the course's nbgrader_config.py ``c.Execute.timeout`` (stock nbgrader's).

    ``overrides`` (cell_seconds=..., memory_bytes=...) that are not None win.
    """
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    values = {"cell_seconds": float(config.Execute.timeout)} if "timeout" in config.Execute else {}
    values.update({name: value for name, value in overrides.items() if value is not None})
    return Limits(**values)


class ReplyTooLarge(Exception):
    """A reply larger than the call accepts: the grader read no more of it."""

class SandboxDied(Exception):
    """The sandbox process ended or was killed while running student code."""


class DeadlineExceeded(SandboxDied):
    """A cell, a call or the whole notebook ran past its time limit."""


class Sandbox:
    """One sandbox process: send it code to execute and functions to call."""

    def __init__(self, limits=Limits(), jail=None, extra_path=()):
        self.limits = limits
        self.jail = jail or shared_jail()
        self.output = bytearray()
        self.alive = False
        requests_read, self._requests = os.pipe()
        self._replies, replies_write = os.pipe()
        self._out, out_write = os.pipe()
        path = os.pathsep.join(self.jail.read_roots[:2] + self.jail.package_dirs + list(extra_path))
        roots = os.pathsep.join([os.path.realpath(r) for r in self.jail.read_roots] + list(extra_path))
        command = [self.jail.interpreter, "-I", "-S", "-B", "-X", "utf8", "-c", _CHILD_SOURCE,
                   path, roots, str(requests_read), str(replies_write), ",".join(self.jail.preload)]
        matplotlib_cache = "/matplotlib" if self.jail.jailed else str(self.jail.root / "matplotlib")
        environment = {"PATH": "/nonexistent", "HOME": "/nonexistent", "LANG": "C.UTF-8",
                       "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       # torch.set_num_threads(4) raises OpenMP's count, and OpenMP ends the process when the
                       # seccomp filter refuses its threads: the limit keeps every parallel region on one thread
                       "OMP_THREAD_LIMIT": "1",
                       # torch.compile's inductor runs a C++ compiler, a process the sandbox refuses: compiled
                       # functions run as written, which is what compiling promises to compute
                       "TORCH_COMPILE_DISABLE": "1",
                       "GRADING_MATPLOTLIB_CACHE": matplotlib_cache}
        # as root each sandbox makes its folder, owned by its uid, in _confine; the fallback gets one here
        self.workdir = None if self.jail.jailed else Path(tempfile.mkdtemp(dir=self.jail.root / "work"))
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=out_write, stderr=out_write, env=environment,
                cwd=str(self.workdir or self.jail.root / "work"), pass_fds=(requests_read, replies_write),
                preexec_fn=self._confine, start_new_session=True,
            )
        except BaseException:
            if self.workdir is not None:
                remove_tree(self.workdir)
            raise
        finally:
            for fd in (requests_read, replies_write, out_write):
                os.close(fd)
        self.alive = True
        for fd in (self._requests, self._replies, self._out):
            os.set_blocking(fd, False)
        self.uid = UID_BASE + self._process.pid if self.jail.jailed else None
        if self.jail.jailed:
            self.workdir = self.jail.root / "work" / str(self._process.pid)

    def _confine(self):
        """Runs in the child between fork and exec: limits first, then the jail and the uid."""
        import resource

        limits = self.limits
        seconds = int(limits.notebook_seconds) + 1
        for name, soft, hard in (("RLIMIT_AS", limits.memory_bytes, limits.memory_bytes),
                                 ("RLIMIT_CPU", seconds, seconds + 1),  # SIGXCPU, then SIGKILL
                                 ("RLIMIT_FSIZE", limits.file_bytes, limits.file_bytes),
                                 ("RLIMIT_NOFILE", 64, 64), ("RLIMIT_CORE", 0, 0)):
            resource.setrlimit(getattr(resource, name), (soft, hard))
        if self.jail.jailed:
            uid = UID_BASE + os.getpid()
            work = self.jail.root / "work" / str(os.getpid())
            work.mkdir(mode=0o700)
            os.chown(work, uid, uid)
            _libc.unshare(0x40000000)  # CLONE_NEWNET: no network; ignored where not permitted
            os.chroot(self.jail.root)
            os.chdir(f"/work/{os.getpid()}")
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        _libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
        if limits.processes <= 1:
            _THREAD_FILTER.install(_libc)
        _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG (after setuid, which clears it)

    def request(self, message, timeout, reply_bytes=None, reference=None, handle=None):
        """Send one request and wait for its reply; raise SandboxDied/DeadlineExceeded/ReplyTooLarge.

        reply_bytes -- the largest reply read (default ``limits.reply_bytes``): a larger one kills the
                       sandbox unread, so the grader never holds more than about twice this in memory;
                       its JSON part may take at most MAX_HEADER_BYTES, which bounds the decoding time
        reference, handle -- grading.sandbox_child.encode's and decode's, for values kept in the sandbox
        """
        if not self.alive:
            raise SandboxDied("the sandbox is not running")
        limit = min(reply_bytes or self.limits.reply_bytes, sandbox_child.MAX_FRAME_BYTES)
        outgoing = memoryview(frame(encode(message, reference=reference)))
        deadline = time.monotonic() + timeout
        incoming = bytearray()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise DeadlineExceeded(f"it did not finish within {timeout:.0f} s")
            readers, writers, _ = select.select([self._replies, self._out], [self._requests] if outgoing else [], [], min(remaining, 0.5))
            if self._out in readers:
                self._drain_output()
            if writers:
                try:
                    outgoing = outgoing[os.write(self._requests, outgoing):]
                except BrokenPipeError:
                    outgoing = memoryview(b"")
            if self._replies in readers:
                size = int.from_bytes(incoming[:8], "little") if len(incoming) >= 8 else None
                chunk = os.read(self._replies, min(1 << 20, 16 - len(incoming) if size is None else 8 + size - len(incoming)))
                if not chunk:
                    raise self._died()
                incoming += chunk
                if len(incoming) < 16:
                    continue
                size, header = int.from_bytes(incoming[:8], "little"), int.from_bytes(incoming[8:16], "little")
                if size > limit + 16 or header > sandbox_child.MAX_HEADER_BYTES:
                    self.kill()
                    raise ReplyTooLarge(f"it sent a reply of {size:,} bytes, more than the {limit:,} the grader "
                                        "accepts for this call")
                if len(incoming) >= 8 + size:
                    try:
                        return decode(memoryview(incoming)[8:8 + size], handle=handle,
                                      max_header_bytes=sandbox_child.MAX_HEADER_BYTES)
                    except WireError as error:
                        self.kill()
                        raise SandboxDied(f"its reply could not be read ({error})") from None
            elif self._process.poll() is not None and not readers:
                raise self._died()

    def _drain_output(self):
        try:
            chunk = os.read(self._out, 1 << 16)
        except BlockingIOError:
            return
        room = self.limits.output_bytes - len(self.output)
        if room > 0:
            self.output += chunk[:room]

    def _died(self):
        self.kill()
        code = self._process.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            why = {"SIGKILL": "it was killed (memory, process or CPU limit, or the grader)",
                   "SIGXCPU": "it used up its CPU time", "SIGXFSZ": "it wrote a file larger than allowed",
                   "SIGSEGV": "it crashed (segmentation fault, often running out of memory)"}.get(name, f"it ended on {name}")
        else:
            why = f"the process exited with status {code}"
        return SandboxDied(why)

    def kill(self):
        """Kill the sandbox and everything it started, even processes that ignore signals."""
        if not self.alive:
            return
        self.alive = False
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.uid is not None:
            _kill_uid(self.uid)
        self._process.wait()
        for fd in (self._requests, self._replies, self._out):
            os.close(fd)
        if self.workdir is not None:
            remove_tree(self.workdir)

    close = kill

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def _kill_uid(uid):
    """SIGKILL every process of ``uid`` until none is left (forks race the first sweeps)."""
    for _ in range(100):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/status") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
            except OSError:
                continue
            if int(fields.get("Uid", "-1 0").split()[0]) == uid and not fields.get("State", "").strip().startswith("Z"):
                found = True
                try:
                    os.kill(int(entry), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if not found:
            return
        time.sleep(0.01)
