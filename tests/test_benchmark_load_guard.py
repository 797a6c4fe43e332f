"""benchmarks/load_guard.py: no table from a busy machine, trial runs marked, the machine and loads recorded."""
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import load_guard  # noqa: E402

TABLE = ["| a | b |", "|---|---|", "| 1 | 2 |"]


def loads(monkeypatch, values):
    values = iter(values)
    monkeypatch.setattr(load_guard, "load_average", lambda: next(values))


def test_a_quiet_run_prints_and_writes_the_table_with_machine_and_loads(monkeypatch, tmp_path):
    loads(monkeypatch, [0.4, 0.9, 0.6])
    out = io.StringIO()
    guard = load_guard.LoadGuard(1.5, output=tmp_path / "table.md", extra="torch 2.13.0", out=out)
    guard.check()
    assert guard.publish(TABLE, notes=["best of 3"]) is True
    written = (tmp_path / "table.md").read_text()
    assert "| 1 | 2 |" in out.getvalue() and "| 1 | 2 |" in written
    assert "logical CPUs" in written and "torch 2.13.0" in written
    assert "before 0.40, highest seen 0.90, after 0.60" in written


def test_a_busy_machine_is_refused_before_the_run(monkeypatch):
    loads(monkeypatch, [3.2])
    with pytest.raises(SystemExit) as stop:
        load_guard.LoadGuard(1.5, out=io.StringIO())
    assert stop.value.code == load_guard.REFUSED


def test_load_rising_during_the_run_refuses_the_table(monkeypatch, tmp_path):
    loads(monkeypatch, [0.5, 2.0, 0.7])
    out = io.StringIO()
    guard = load_guard.LoadGuard(1.5, output=tmp_path / "table.md", out=out)
    guard.check()
    with pytest.raises(SystemExit):
        guard.publish(TABLE)
    assert "REFUSED" in out.getvalue() and "| 1 | 2 |" not in out.getvalue()
    assert not (tmp_path / "table.md").exists()


def test_a_trial_runs_on_a_busy_machine_but_is_marked_and_never_written(monkeypatch, tmp_path):
    loads(monkeypatch, [6.0, 6.5])
    out = io.StringIO()
    guard = load_guard.LoadGuard(1.5, trial=True, output=tmp_path / "table.md", out=out)
    assert guard.publish(TABLE) is False
    assert "TRIAL RUN" in out.getvalue() and "    | 1 | 2 |" in out.getvalue()
    assert not (tmp_path / "table.md").exists()


def test_the_default_limit_is_1_5_on_2_cores(monkeypatch):
    import argparse

    monkeypatch.setattr(load_guard.os, "cpu_count", lambda: 2)
    parser = argparse.ArgumentParser()
    load_guard.add_arguments(parser)
    assert parser.parse_args([]).max_load == 1.5
