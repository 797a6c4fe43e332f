"""Honest benchmark tables: the machine stated, the load recorded, no table from a busy machine.

Every benchmark script that prints a table for benchmarks/README.md goes through a LoadGuard:

    guard = LoadGuard.from_args(args, extra="torch 2.13.0")  # states the machine, checks the load first
    ... time things, calling guard.check() between measurements ...
    guard.publish(table_lines)                                # load after, then the table or a refusal

The load average is the kernel's 1-minute average of runnable processes.
Above 0.75 per logical CPU (1.5 on 2 cores) other programs share the cores
and timings drift by factors, not percent: the guard then refuses to start,
and refuses to print or write the table if the load rose above the limit at
any check. ``--trial`` runs anyway, for checking that a script works: its
output says it is a trial and nothing is written to ``--output``.
"""
import os
import platform
import sys
import time
from pathlib import Path

LOAD_PER_CPU = 0.75
REFUSED = 3  # exit status of a refused run


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine() or "unknown CPU"


def describe_machine(extra=""):
    """One line: CPU model, logical CPUs, OS, Python (and whatever extra names, such as library versions)."""
    parts = [cpu_model(), f"{os.cpu_count()} logical CPUs", f"{platform.system()} {platform.release()}",
             f"Python {platform.python_version()}"]
    return ", ".join(parts + ([extra] if extra else []))


def load_average():
    return os.getloadavg()[0]


def add_arguments(parser):
    """The guard's options on a script's argparse parser."""
    parser.add_argument("--trial", action="store_true",
                        help="run even on a busy machine, to check the script: the output is marked as a trial "
                             "and no table is written")
    parser.add_argument("--max-load", type=float, default=LOAD_PER_CPU * (os.cpu_count() or 1),
                        help="refuse a table when the 1-minute load average exceeds this "
                             "(default %(default)s: 0.75 per logical CPU)")
    parser.add_argument("--output", type=Path, default=None,
                        help="also write the table, the machine and the loads to this markdown file "
                             "(only for a quiet, non-trial run)")


class LoadGuard:
    """Records the load before, during and after a benchmark run and decides whether its table may be written."""

    def __init__(self, max_load, trial=False, output=None, extra="", command=None, out=sys.stdout):
        self.max_load, self.trial, self.output, self.out = max_load, trial, output, out
        self.machine = describe_machine(extra)
        self.command = command if command is not None else " ".join([Path(sys.executable).name] + sys.argv)
        self.started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        self.before = load_average()
        self.highest = self.before
        self.after = None
        self._print(f"machine: {self.machine}")
        self._print(f"load average before the run: {self.before:.2f} (limit {self.max_load:.2f})")
        if self.before > self.max_load and not self.trial:
            self._print(f"REFUSED: the machine is busy (load {self.before:.2f} > {self.max_load:.2f}); "
                        "timings would measure the other programs. Run again when it is quiet, or with "
                        "--trial to check the script without recording a table.")
            raise SystemExit(REFUSED)
        if self.trial:
            self._print("TRIAL RUN: the numbers below check that the script works; they are not a measurement "
                        "to record.")

    @classmethod
    def from_args(cls, args, extra=""):
        return cls(args.max_load, trial=args.trial, output=args.output, extra=extra)

    def _print(self, line=""):
        print(line, file=self.out, flush=True)

    def check(self):
        """Sample the load between measurements; returns it."""
        load = load_average()
        self.highest = max(self.highest, load)
        return load

    @property
    def quiet(self):
        return self.highest <= self.max_load

    def publish(self, table_lines, notes=()):
        """Record the load after the run; print the table and write --output only if the run stayed quiet.

        Returns True when the table was published; a busy non-trial run exits with status REFUSED.
        """
        self.after = self.check()
        loads = (f"load average before {self.before:.2f}, highest seen {self.highest:.2f}, "
                 f"after {self.after:.2f} (limit {self.max_load:.2f})")
        self._print(loads)
        if self.trial:
            self._print("TRIAL RUN, not a measurement to record:")
            for line in [*table_lines, *notes]:
                self._print(f"    {line}")
            return False
        if not self.quiet:
            self._print(f"REFUSED: the load rose above {self.max_load:.2f} during the run, so no table is written; "
                        "run again on a quiet machine.")
            raise SystemExit(REFUSED)
        self._print()
        for line in [*table_lines, *notes]:
            self._print(line)
        if self.output is not None:
            text = [f"Measured {self.started} on {self.machine}; {loads}.", "", f"    {self.command}", "",
                    *table_lines, *([""] + list(notes) if notes else [])]
            self.output.write_text("\n".join(text) + "\n")
            self._print(f"\nwritten to {self.output}")
        return True
