"""The SQLite gradebook under several writers: WAL, BEGIN IMMEDIATE, a writer flock released after each transaction."""
import fcntl
import multiprocessing
import os

import pytest
from sqlalchemy import create_engine, text

from grading import sqlite_writers


def test_importing_the_grader_installs_nothing_install_does():
    import subprocess
    import sys

    script = ("import grading.batch\n"  # what the grader imports, nbgrader_config.py's imports among it
              "from grading import sqlite_writers as w\n"
              "before = w.installed()\n"
              "w.install(); w.install()\n"
              "print(before, w.installed())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


sqlite_writers.install()  # every test below runs with the listeners, as a grading process does


@pytest.fixture
def gradebook(tmp_path):
    """(path, engine) of a new SQLite database holding an empty table of grades."""
    path = tmp_path / "gradebook.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        connection.execute(text("CREATE TABLE grades (student TEXT PRIMARY KEY, score REAL)"))
    yield path, engine
    engine.dispose()


def _lock_is_free(path):
    fd = os.open(str(path) + ".writer-lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_the_writer_lock_is_held_exactly_while_a_transaction_is_open(gradebook):
    path, engine = gradebook
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO grades VALUES ('bob', 2)"))
        assert not _lock_is_free(path)
    assert _lock_is_free(path)

    with pytest.raises(RuntimeError):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO grades VALUES ('ann', 1)"))
            raise RuntimeError("the transaction rolls back")
    assert _lock_is_free(path)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT student FROM grades")).scalars().all() == ["bob"]


def _read_then_write(path, student, rounds):
    engine = create_engine(f"sqlite:///{path}")
    for index in range(rounds):
        with engine.begin() as connection:  # a read first: deferred, this is what fails with "database is locked"
            total = connection.execute(text("SELECT count(*) FROM grades")).scalar()
            connection.execute(text("INSERT INTO grades VALUES (:s, :v)"), {"s": f"{student}{index}", "v": total})
    engine.dispose()


def test_processes_that_read_then_write_all_commit(gradebook):
    path, engine = gradebook
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_read_then_write, args=(path, f"w{n}-", 200), daemon=True)
               for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    with engine.connect() as connection:
        scores = sorted(connection.execute(text("SELECT score FROM grades")).scalars())
    assert scores == list(range(600)), "every row counted the rows committed before it"


def test_a_read_only_step_takes_no_lock_and_may_not_write(gradebook):
    path, engine = gradebook
    with sqlite_writers.read_only():
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM grades")).scalar() == 0
            assert _lock_is_free(path), "a reader must not keep writers waiting"
            with pytest.raises(RuntimeError, match="read-only"):
                connection.execute(text("INSERT INTO grades VALUES ('ann', 1)"))
    with engine.begin() as connection:  # outside, writing works again
        connection.execute(text("INSERT INTO grades VALUES ('ann', 1)"))
