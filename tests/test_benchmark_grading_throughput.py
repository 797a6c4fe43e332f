"""The grading benchmark's per-run note: the figures it derives from each run's wall and CPU time."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from grading_throughput import runs_note  # noqa: E402


def test_runs_note_gives_cpus_kept_busy_and_the_cpu_time_ratio():
    runs = {1: [(100.0, 99.0), (90.0, 90.0)], 2: [(50.0, 95.0), (60.0, 96.0)]}
    note = runs_note("gru_lstm", runs)
    assert note.startswith("gru_lstm: hardened runs, wall s (CPU s): 1 worker 100.0 (99.0 CPU), 90.0 (90.0 CPU); ")
    assert "CPUs kept busy: 1 worker 0.99, 1.00; 2 workers 1.90, 1.60; " in note
    assert note.endswith("least CPU time, 2 workers / 1 worker: 1.06")  # 95 / 90: the least of each, not the first
