"""A throwaway PostgreSQL server for a gradebook shared by concurrent graders.

It uses the Debian ``postgresql`` package's binaries (installed by
scripts/install_system_packages.sh), keeps its data in a temporary folder
and listens only on a Unix socket there (no TCP port, so nothing else on the
machine can reach it). PostgreSQL refuses to run as root, so when the
grader runs as root the server runs as the ``postgres`` user the package
creates. Only the tests use it (tests/test_grading_scale.py); a course points ``--db`` at
its own server instead.
"""
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries (Debian package ``postgresql``) are not installed."""


def server_binaries():
    """The bin folder of the newest installed PostgreSQL, or raise PostgresUnavailable."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2].split(".")[0]))
    folders = [f for f in folders if os.path.exists(os.path.join(f, "initdb"))]
    if not folders:
        raise PostgresUnavailable("no /usr/lib/postgresql/*/bin/initdb: install the Debian package postgresql")
    return folders[-1]


def _as_server_user(command, user):
    prefix = ["runuser", "-u", user, "--"] if user else []
    result = subprocess.run(prefix + command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stdout[-1000:]}{result.stderr[-2000:]}")
    return result.stdout


@contextlib.contextmanager
def throwaway_server(database="gradebook"):
    """Start a fresh server with one empty database; yield its SQLAlchemy URL; stop and delete it."""
    binaries = server_binaries()
    user = None
    folder = tempfile.mkdtemp(prefix="grading-postgres-")
    if os.geteuid() == 0:
        user = "postgres"
        try:
            owner = pwd.getpwnam(user)
        except KeyError:
            raise PostgresUnavailable("running as root and there is no 'postgres' user to run the server") from None
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data = os.path.join(folder, "data")
    try:
        _as_server_user([f"{binaries}/initdb", "-D", data, "-U", "grader", "--auth=trust", "-E", "UTF8"], user)
        options = f"-c listen_addresses='' -c unix_socket_directories='{folder}' -c fsync=off -c max_connections=100"
        _as_server_user([f"{binaries}/pg_ctl", "-D", data, "-o", options, "-l", os.path.join(folder, "log"),
                         "-w", "start"], user)
        try:
            _as_server_user([f"{binaries}/createdb", "-h", folder, "-U", "grader", database], user)
            yield f"postgresql+psycopg2://grader@/{database}?host={folder}"
        finally:
            _as_server_user([f"{binaries}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], user)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
