"""Several grading processes writing one SQLite gradebook: queue, never fail, hand over fast.

SQLite takes one writer at a time. A transaction that began by reading and
then tries to write while another process writes fails at once with
"database is locked", whatever the busy timeout, so every SQLite
transaction of a grading process begins with ``BEGIN IMMEDIATE``: it takes
the write lock first, or waits for it for up to ``SQLITE_WAIT_SECONDS``.

nbgrader's bookkeeping is some 60 short transactions per submission, so two
workers hand the lock back and forth constantly, and two costs decide how
well they scale:

- the commit itself: in the default rollback-journal mode each commit
  syncs the disk (about 1 ms here); in WAL mode with ``synchronous=NORMAL``
  it does not (0.02 ms). After a power cut the last commits may be missing,
  never half-written; the batch then grades those submissions again, since
  their status row (written last) is missing too. WAL needs a local disk:
  across machines use PostgreSQL;
- the wait: SQLite's busy handler polls with sleeps growing to 100 ms, so a
  waiter sleeps on long after the lock is free. Each grading process first
  takes an exclusive ``flock`` on ``<gradebook>.writer-lock``, which the
  kernel hands to a waiter the moment it is released, and releases it right
  after its COMMIT or ROLLBACK. Other programs on the gradebook (nbgrader's
  own commands) do not take it and are still covered by ``BEGIN IMMEDIATE``.

A step known to only read (nbgrader's OverwriteCells restoring the locked
cells) runs inside ``read_only()``: its transactions begin deferred and take
no lock, since a WAL reader neither waits for a writer nor fails because of
one; a write attempted there raises at once instead of risking "database is
locked".

:func:`install` puts the listeners on every SQLAlchemy engine of the
process, nbgrader's included (PostgreSQL connections are left alone); a
grading process calls it before it opens the gradebook (grading.batch does).
Importing this module changes nothing: formgrader's process, which keeps a
gradebook session open between requests, must not take the writer lock.
"""
import contextlib
import contextvars
import fcntl
import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

SQLITE_WAIT_SECONDS = 300
_LOCK = "writer_lock"
_read_only = contextvars.ContextVar("gradebook_read_only", default=False)


@contextlib.contextmanager
def read_only():
    """SQLite transactions begun inside only read: deferred, without the writer lock."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def _connect(dbapi_connection, record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # the driver's own BEGIN off: _begin emits it
    dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_WAIT_SECONDS * 1000}")
    dbapi_connection.execute("PRAGMA journal_mode = WAL")
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")
    path = dbapi_connection.execute("PRAGMA database_list").fetchone()[2]
    if path:  # an in-memory database has no path and no other writer
        record.info[_LOCK] = os.open(path + ".writer-lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def _close(dbapi_connection, record):
    lock = record.info.pop(_LOCK, None)
    if lock is not None:
        os.close(lock)


def _begin(connection):
    if connection.dialect.name != "sqlite":
        return
    if _read_only.get():
        connection.exec_driver_sql("BEGIN")
        return
    lock = connection.info.get(_LOCK)
    if lock is not None:
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release(connection)
        raise


def _finish(connection, statement):
    if connection.dialect.name != "sqlite":
        return
    try:
        # finish the transaction here, so the flock is released after it, not before;
        # the driver's own commit() or rollback() that follows finds nothing left to do
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.in_transaction:
            dbapi_connection.execute(statement)
    finally:
        _release(connection)


def _release(connection):
    lock = connection.info.get(_LOCK)
    if lock is not None:
        fcntl.flock(lock, fcntl.LOCK_UN)


def _commit(connection):
    _finish(connection, "COMMIT")


def _rollback(connection):
    _finish(connection, "ROLLBACK")


def _refuse_writes_when_read_only(connection, cursor, statement, parameters, context, executemany):
    if _read_only.get() and connection.dialect.name == "sqlite" \
            and statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
        raise RuntimeError(f"a write in a step marked read-only: {statement[:200]}")


_LISTENERS = ((Engine, "connect", _connect), (Pool, "close", _close), (Engine, "begin", _begin),
              (Engine, "commit", _commit), (Engine, "rollback", _rollback),
              (Engine, "before_cursor_execute", _refuse_writes_when_read_only))


def install():
    """Put the listeners on every SQLAlchemy engine of this process (once; calling again changes nothing)."""
    for target, name, listener in _LISTENERS:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def installed():
    """Whether :func:`install` ran in this process."""
    return all(event.contains(target, name, listener) for target, name, listener in _LISTENERS)
