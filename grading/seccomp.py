"""A seccomp filter that stops the sandbox from starting threads or processes.

``RLIMIT_NPROC`` does the same in the jail, where the sandbox has a uid of its
own, but it counts every process of a uid and the kernel never applies it to
root: a grader without root (or the tests, which run as root) would let a
submission start threads that spin and starve the checks of its honest parts.
The filter makes ``clone``, ``clone3``, ``fork`` and ``vfork`` fail with
EAGAIN, which Python reports as "can't start new thread" or a refused fork;
every other system call is allowed. It is installed between fork and exec,
after ``PR_SET_NO_NEW_PRIVS``, and outlives the exec into the sandbox.

Only x86-64 and arm64 are known; elsewhere ``thread_filter()`` is None and the
rlimit and the audit hook are what remain.
"""
import ctypes
import errno
import platform
import struct

# instructions of the classic BPF the kernel runs on each system call
_LOAD_WORD = 0x20  # BPF_LD | BPF_W | BPF_ABS: load 32 bits of struct seccomp_data
_JUMP_IF_EQUAL = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JUMP_IF_AT_LEAST = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RETURN = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000
_FAIL_WITH = 0x00050000  # SECCOMP_RET_ERRNO | errno
_NR, _ARCH = 0, 4  # offsets in struct seccomp_data
_X32_BIT = 0x40000000  # x32 system calls share x86-64's arch value; none is needed

# arch value in seccomp_data, then the numbers of clone, clone3, fork, vfork
_SYSCALLS = {
    "x86_64": (0xC000003E, (56, 435, 57, 58)),
    "aarch64": (0xC00000B7, (220, 435)),  # arm64 has no fork or vfork call
}

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


class _Program(ctypes.Structure):
    _fields_ = [("length", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _instruction(code, jump_true, jump_false, value):
    return struct.pack("=HBBI", code, jump_true, jump_false, value)


def thread_filter(machine=None):
    """The BPF program (bytes) for this machine, or None where it is not known."""
    known = _SYSCALLS.get(machine or platform.machine())
    if known is None:
        return None
    arch, numbers = known
    refuse = _FAIL_WITH | errno.EAGAIN
    # jump offsets count instructions after the current one
    body = [_instruction(_LOAD_WORD, 0, 0, _ARCH),
            _instruction(_JUMP_IF_EQUAL, 1, 0, arch),
            _instruction(_RETURN, 0, 0, _FAIL_WITH | errno.ENOSYS),  # a foreign ABI: refuse everything
            _instruction(_LOAD_WORD, 0, 0, _NR),
            _instruction(_JUMP_IF_AT_LEAST, len(numbers) + 1, 0, _X32_BIT)]
    for position, number in enumerate(numbers):
        body.append(_instruction(_JUMP_IF_EQUAL, len(numbers) - position, 0, number))
    body += [_instruction(_RETURN, 0, 0, _ALLOW), _instruction(_RETURN, 0, 0, refuse)]
    return b"".join(body)


class ThreadFilter:
    """Holds the program in memory made before the fork, so the child only calls prctl."""

    def __init__(self):
        program = thread_filter()
        self._buffer = ctypes.create_string_buffer(program) if program else None
        self._program = _Program(len(program) // 8, ctypes.addressof(self._buffer)) if program else None

    def install(self, libc):
        """Apply the filter to the calling process; needs PR_SET_NO_NEW_PRIVS first. False if unknown."""
        if self._program is None:
            return False
        if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(self._program), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "seccomp filter refused")
        return True
