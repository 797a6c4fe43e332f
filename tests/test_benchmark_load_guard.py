"""benchmarks/load_guard.py: no table from a busy machine, trial runs marked, the machine and loads recorded."""
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import load_guard  # noqa: E402

TABLE = ["| a | b |", "|---|---|", "| 1 | 2 |"]


def loads(monkeypatch, values):
    """Load averages in turn, on a machine without CPU accounts (the guard judges by the load average alone)."""
    values = iter(values)
    monkeypatch.setattr(load_guard, "load_average", lambda: next(values))
    monkeypatch.setattr(load_guard, "busy_cpu_seconds", lambda: None)


def accounts(monkeypatch, load, rows):
    """A machine with CPU accounts: ``rows`` of (wall seconds, machine busy CPU seconds, own CPU seconds),
    one for the start and one for each check; the load average stays at ``load``."""
    rows = iter(rows)
    current = {}

    def advance():
        current["wall"], current["busy"], current["own"] = next(rows)
        return current["busy"]

    monkeypatch.setattr(load_guard, "load_average", lambda: load)
    monkeypatch.setattr(load_guard, "busy_cpu_seconds", advance)
    monkeypatch.setattr(load_guard, "wall_seconds", lambda: current["wall"])
    monkeypatch.setattr(load_guard, "own_cpu_seconds", lambda: current["own"])


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


def test_two_workers_of_the_benchmark_itself_do_not_make_the_machine_busy(monkeypatch, tmp_path):
    # two CPUs busy for 30 s, all of it this benchmark's own work: the load average reads 2.0 all along
    accounts(monkeypatch, 0.4, [(0, 100, 10), (30, 160, 70), (60, 220, 130)])
    monkeypatch.setattr(load_guard, "load_average", iter([0.4, 2.0, 2.0]).__next__)
    out = io.StringIO()
    guard = load_guard.LoadGuard(1.5, output=tmp_path / "table.md", out=out, max_others=0.5)
    guard.check()
    assert guard.publish(TABLE) is True
    assert "other programs took at most 0.00 CPUs" in (tmp_path / "table.md").read_text()


def test_another_program_taking_a_cpu_during_the_run_refuses_the_table(monkeypatch, tmp_path):
    # the second interval: 60 busy CPU seconds in 30 s, only 30 of them this benchmark's
    accounts(monkeypatch, 0.4, [(0, 100, 10), (30, 130, 40), (60, 190, 70), (90, 220, 100)])
    out = io.StringIO()
    guard = load_guard.LoadGuard(1.5, output=tmp_path / "table.md", out=out, max_others=0.5)
    guard.check()
    guard.check()
    with pytest.raises(SystemExit) as stop:
        guard.publish(TABLE)
    assert stop.value.code == load_guard.REFUSED
    assert "other programs took 1.00 CPUs" in out.getvalue() and not (tmp_path / "table.md").exists()


def test_an_interval_too_short_to_judge_is_judged_with_the_next(monkeypatch, tmp_path):
    # 1 s with another program's full CPU, then 29 s of only this benchmark: 1 CPU-second in 30 s is quiet
    accounts(monkeypatch, 0.4, [(0, 100, 10), (1, 102, 11), (30, 131, 40), (31, 132, 41)])
    guard = load_guard.LoadGuard(1.5, out=io.StringIO(), max_others=0.5)
    guard.check()
    guard.check()
    assert guard.publish(TABLE) is True and guard.others == pytest.approx(1 / 30)


def test_the_machine_accounts_are_read_here():
    busy, own = load_guard.busy_cpu_seconds(), load_guard.own_cpu_seconds()
    assert busy is not None and busy > 0 and own > 0
