"""The jail: a folder holding exactly what a sandbox may see, built once per grading run.

As root, each sandbox (grading.sandbox) is chrooted into it: hard links to
the interpreter, its shared libraries, the standard library (without the C
modules a graded function never needs: ctypes, ssl, shared memory, ...) and
the course environment's packages (numpy, matplotlib, tqdm, IPython's display
and ipywidgets for tqdm.notebook; torch for the torch assignment) with the
packages they require; a copy of the course code the locked cells import,
sliced by grading.course_code (:meth:`Jail.provide`); and an empty working
folder per sandbox. Nothing else: no other course file, no gradebook, no
other submission.

Without root (``jailed=False``) nothing is linked: the sandbox runs on the
host's files, and the jail only gives it a working folder, an import folder
of links to the same packages, the sliced course code and matplotlib's font
cache; the audit hook
(grading.sandbox_child) is then what keeps it to them.
"""
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

# C modules a graded function never needs and a hostile one would use. subprocess, socket and multiprocessing
# stay importable (numpy.testing, tqdm and matplotlib import them): what they would do is refused where it
# happens, by the seccomp filter (no fork, no thread), the network namespace and the audit hook.
_DENIED_EXTENSIONS = ("_ssl", "_ctypes", "_posixshmem", "mmap", "_test", "_xx", "xx", "_tkinter", "_curses",
                      "readline", "_sqlite3", "nis", "spwd", "_crypt")
# what the course environment gives a student to import, whatever the notebook's template imports
COURSE_PACKAGES = ("IPython", "ipywidgets", "matplotlib", "numpy", "tqdm")
# imported before the audit hook (their imports need what it refuses); the others load when a cell imports them
_PRELOADED = ("numpy", "torch")
# what is imported once when a jail is built, to find the files and libraries these packages load
_MEASURED_MODULES = {"numpy": ("numpy", "numpy.testing"), "matplotlib": ("matplotlib.pyplot",),
                     "tqdm": ("tqdm", "tqdm.auto", "tqdm.notebook"), "IPython": ("IPython.display",)}
_SKIPPED_STDLIB = {"site-packages", "test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3",
                   "distutils", "pydoc_data", "sqlite3", "config-3.11-x86_64-linux-gnu"}


def isolation_level():
    """'jail' when running as root (chroot + own uid + namespaces), else 'audit-hook'."""
    return "jail" if os.geteuid() == 0 else "audit-hook"


def _link_tree(source, target, skip=(), allowed_extensions=()):
    for folder, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d not in skip]
        destination = Path(target) / os.path.relpath(folder, source)
        destination.mkdir(parents=True, exist_ok=True, mode=0o755)
        os.chmod(destination, 0o755)
        for name in files:
            if name.endswith(".so") and name.startswith(_DENIED_EXTENSIONS) and "lib-dynload" in folder \
                    and name not in allowed_extensions:
                continue
            _link_file(Path(folder) / name, destination / name)


def _link_file(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(target):
        return
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def _mirror(path, jail):
    """Make ``path`` resolve inside ``jail`` as it does on the host, symlinks included."""
    current = Path("/")
    parts = Path(path).parts[1:]
    for index, part in enumerate(parts):
        current = current / part
        target = jail / str(current).lstrip("/")
        if current.is_symlink():
            if not os.path.lexists(target):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(os.readlink(current), target)
            resolved = os.path.normpath(os.path.join(current.parent, os.readlink(current), *parts[index + 1:]))
            return _mirror(resolved, jail)
    _link_file(Path(path), jail / str(path).lstrip("/"))


_MEASURE = """
import json, sys
for name in sys.argv[1].split(","):
    __import__(name)
files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
mapped = [line.split(None, 5)[-1].strip() for line in open("/proc/self/maps") if "/" in line]
print(json.dumps({"modules": [f for f in files if f], "mapped": sorted(set(mapped))}))
"""


def _measure_imports(interpreter, packages, path, matplotlib_dir):
    """Files of the modules and shared libraries that importing ``packages`` loads, in a fresh interpreter.

    matplotlib builds its font cache into ``matplotlib_dir`` meanwhile: sandboxes start from a copy of it.
    """
    environment = {"PATH": "/nonexistent", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                   "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(matplotlib_dir)}
    modules = [module for package in packages for module in _MEASURED_MODULES.get(package, (package,))]
    command = [interpreter, "-I", "-S", "-c", f"import sys; sys.path += {list(path)!r}\n{_MEASURE}", ",".join(modules)]
    finished = subprocess.run(command, capture_output=True, text=True, env=environment)
    if finished.returncode != 0:
        raise RuntimeError(f"the grader cannot import {', '.join(packages)}: {finished.stderr.strip()[-500:]}")
    return json.loads(finished.stdout)


def _distribution_roots(packages):
    """Top-level files and folders of the distributions of ``packages`` and of all they require.

    What an import loads at once is measured; this adds what the packages may
    import later (torch imports sympy when it builds an optimizer).
    """
    from importlib import metadata

    from packaging.requirements import Requirement

    providers = metadata.packages_distributions()
    pending = [name for package in packages for name in providers.get(package, [])]
    seen, roots = set(), set()
    while pending:
        name = pending.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for file in distribution.files or ():
            top = file.parts[0]
            if top not in ("..", "__pycache__") and not top.endswith((".dist-info", ".egg-info", ".pth")):
                roots.add(os.path.realpath(distribution.locate_file(top)))
        for text in distribution.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return {root for root in roots if os.path.exists(root)}


def _with_course_packages(packages):
    """The packages as a sorted tuple, with the course environment's (COURSE_PACKAGES; numpy carries the wire format's arrays)."""
    return tuple(sorted(set(packages) | set(COURSE_PACKAGES)))


class FallbackRefused(RuntimeError):
    """The audit-hook fallback cannot contain these packages: grade as root."""


def remove_tree(path):
    """Remove ``path`` and all below it, however deep, whatever its modes; never raises.

    shutil.rmtree recurses once per level (RecursionError past ~1000 levels)
    and skips folders without write or search permission. This walks down
    and back up ("..") holding one file descriptor, so neither the depth nor
    the length of the paths matters.
    """
    path = os.fspath(path)
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        os.chmod(path, 0o700, follow_symlinks=False)
        fd = os.open(path, flags)
    except OSError:
        try:
            os.unlink(path)
        except OSError:
            pass
        return
    failed, depth = set(), 0  # (device, inode) of folders that could not be entered or removed
    while True:
        subfolder = None
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    if not entry.is_dir(follow_symlinks=False):
                        try:
                            os.unlink(entry.name, dir_fd=fd)
                        except OSError:
                            pass
                    elif subfolder is None:
                        info = entry.stat(follow_symlinks=False)
                        if (info.st_dev, info.st_ino) not in failed:
                            subfolder = (entry.name, (info.st_dev, info.st_ino))
        except OSError:
            pass
        if subfolder is not None:
            name, key = subfolder
            try:
                os.chmod(name, 0o700, dir_fd=fd, follow_symlinks=False)
                child = os.open(name, flags, dir_fd=fd)
            except (OSError, NotImplementedError):
                failed.add(key)
                continue
            os.close(fd)
            fd, depth = child, depth + 1
            continue
        if depth == 0:
            os.close(fd)
            try:
                os.rmdir(path)
            except OSError:
                pass
            return
        info = os.fstat(fd)
        parent = os.open("..", flags, dir_fd=fd)
        os.close(fd)
        fd, depth = parent, depth - 1
        try:
            with os.scandir(fd) as entries:
                name = next(e.name for e in entries if e.inode() == info.st_ino)
            os.rmdir(name, dir_fd=fd)
        except (OSError, StopIteration):
            failed.add((info.st_dev, info.st_ino))


JAIL_PREFIX = "grading-jail-"
BUILDER_FILE = ".builder"  # the process that built a jail: when it is gone, nothing uses the jail any more


def _process_identity(pid):
    """'pid start-time' of a running process (the pair is never reused), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat_file:
            fields = stat_file.read().rsplit(")", 1)[1].split()
        return f"{pid} {fields[19]}"
    except (OSError, IndexError):
        return None


def remove_abandoned_jails(folder=None):
    """Remove the jails in the temporary folder whose builder process is gone (a grader killed mid-run)."""
    folder = Path(folder or tempfile.gettempdir())
    for jail in folder.glob(JAIL_PREFIX + "*"):
        try:
            builder = (jail / BUILDER_FILE).read_text().split()
        except OSError:
            continue  # not one of ours, or still being built
        if len(builder) == 2 and builder[0].isdigit() and _process_identity(int(builder[0])) != " ".join(builder):
            remove_tree(jail)


class Jail:
    """A folder holding exactly what a sandbox may see; built once, shared by sandboxes.

    ``packages`` are the third-party packages the notebook imports; the jail
    carries the course environment's (COURSE_PACKAGES: numpy, matplotlib,
    tqdm, IPython, ipywidgets) too, whatever the notebook imports. A fresh interpreter imports
    them once to see what they load: the folders of the packages (and of
    what they require in turn) are linked in, and so are the
    standard-library extension modules they load, even those that student
    code may not import itself (torch loads ``_ctypes``). The sandbox imports
    numpy (and torch) before its audit hook is installed; the others load
    when a cell imports them.

    ``jailed=False`` gives the fallback used without root (no chroot, no own
    uid); it is the default only when the grader is not root. It refuses
    torch (FallbackRefused): torch's C++ code opens files (``torch.from_file``,
    ``torch.save``, ``torch.jit.load``) without the audit events the hook sees.
    """

    def __init__(self, packages=("numpy",), root=None, jailed=None):
        self.packages = _with_course_packages(packages)
        self.preload = tuple(p for p in self.packages if p in _PRELOADED)
        self.jailed = isolation_level() == "jail" if jailed is None else jailed
        if not self.jailed and "torch" in self.packages:
            raise FallbackRefused(
                "grading a notebook that uses torch needs root: without the jail only an audit hook guards files, "
                "and torch's C++ code (torch.from_file, torch.save, torch.jit.load) opens files it does not see")
        if root is None:
            remove_abandoned_jails()
        self.root = Path(root or tempfile.mkdtemp(prefix=JAIL_PREFIX))
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        (self.root / BUILDER_FILE).write_text(_process_identity(os.getpid()) or "")
        self.interpreter = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
        stdlib = os.path.dirname(os.__file__)
        site_dirs = sorted({os.path.dirname(os.path.dirname(os.path.realpath(importlib.util.find_spec(name).origin)))
                            for name in self.packages})
        (self.root / "matplotlib").mkdir(exist_ok=True)
        loaded = _measure_imports(self.interpreter, self.packages, site_dirs, self.root / "matplotlib")
        for item in (self.root / "matplotlib").rglob("*"):
            os.chmod(item, 0o755 if item.is_dir() else 0o644)
        self.package_dirs = site_dirs
        self.allowed_extensions = {Path(f).name for f in loaded["modules"] if "lib-dynload" in f}
        roots = set()
        for file in loaded["modules"] + loaded["mapped"]:
            real = os.path.realpath(file)
            for site in site_dirs:
                if real.startswith(site + os.sep):
                    roots.add(os.path.join(site, os.path.relpath(real, site).split(os.sep)[0]))
        roots |= _distribution_roots(self.packages)
        self.mapped = [f for f in loaded["mapped"] if os.path.isfile(f)]
        # the standard library, its extension modules, then each package's top-level folder or file
        self.read_roots = [stdlib, os.path.join(stdlib, "lib-dynload"), *sorted(roots)]
        (self.root / "work").mkdir(exist_ok=True)
        os.chmod(self.root / "work", 0o711)  # sandboxes may enter their own folder, not list the others
        if self.jailed:
            self._populate()
        else:
            self._link_packages()

    def _link_packages(self):
        """The fallback's import folder: a link to each package the jail carries, so that importing
        anything else in site-packages is "no module named", as in the jail, not a refused read."""
        site = self.root / "site-packages"
        site.mkdir(exist_ok=True)
        for root in self.read_roots[2:]:
            if not os.path.lexists(site / os.path.basename(root)):
                os.symlink(root, site / os.path.basename(root))
        self.package_dirs = [str(site)]

    def _populate(self):
        inside = lambda path: self.root / str(path).lstrip("/")  # noqa: E731
        stdlib, dynload = self.read_roots[:2]
        _link_tree(stdlib, inside(stdlib), _SKIPPED_STDLIB, self.allowed_extensions)
        for root in self.read_roots[2:]:
            if os.path.isdir(root):
                _link_tree(root, inside(root))
            else:
                _mirror(root, self.root)
        _mirror(self.interpreter, self.root)
        (self.root / "dev").mkdir(exist_ok=True)
        for name, minor in (("null", 3), ("zero", 5), ("urandom", 9)):  # torch reads /dev/urandom at import
            if not (self.root / "dev" / name).exists():
                os.mknod(self.root / "dev" / name, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
                os.chmod(self.root / "dev" / name, 0o666)
        # the libraries the interpreter and the kept extension modules load, and those the packages mapped
        # (by the names the loader looks for: ldd prints the symbolic links the maps resolved)
        shared = [self.interpreter, *(str(p).replace(str(self.root), "", 1) for p in inside(dynload).glob("*.so"))]
        shared += [f for f in self.mapped if ".so" in os.path.basename(f)]
        listing = subprocess.run(["ldd", *shared], capture_output=True, text=True).stdout
        for library in [w for w in listing.split() if w.startswith("/") and not w.endswith(":")] + self.mapped:
            if os.path.exists(library):
                _mirror(library, self.root)

    def provide(self, files):
        """Put the course files a notebook's locked cells import where the sandbox can import them.

        ``files`` maps a path (``reference_impl/activations.py``) to its text
        or bytes (grading.course_code.provided_files). Returns the folder to put
        on the sandbox's sys.path, as the sandbox sees it.
        """
        import hashlib

        digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()[:16]
        folder = self.root / "provided" / digest
        if not folder.exists():
            staging = Path(tempfile.mkdtemp(dir=self.root))
            for name, content in files.items():
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content if isinstance(content, bytes) else content.encode())
            for item in [staging, *staging.rglob("*")]:
                os.chmod(item, 0o755 if item.is_dir() else 0o644)
            folder.parent.mkdir(exist_ok=True)
            os.chmod(folder.parent, 0o711)  # enter a known folder, list none
            try:
                os.rename(staging, folder)
            except OSError:  # built by another process meanwhile
                shutil.rmtree(staging, ignore_errors=True)
        return "/" + str(folder.relative_to(self.root)) if self.jailed else str(folder)

    def close(self):
        remove_tree(self.root)


_shared_jails = {}


def shared_jail(packages=("numpy",)):
    """The jail of this process for ``packages``, built on first use and removed when the process that
    built it exits (a forked worker that inherits it and exits leaves it to the others)."""
    packages = _with_course_packages(packages)
    if packages not in _shared_jails:
        import atexit

        jail = _shared_jails[packages] = Jail(packages)
        builder = os.getpid()
        atexit.register(lambda: jail.close() if os.getpid() == builder else None)
    return _shared_jails[packages]
