"""Honest benchmark tables: the machine stated, the load recorded, no table from a busy machine.

Every benchmark script that prints a table for benchmarks/README.md goes through a LoadGuard:

    guard = LoadGuard.from_args(args, extra="torch 2.13.0")  # states the machine, checks the load first
    ... time things, calling guard.check() between measurements ...
    guard.publish(table_lines)                                # load after, then the table or a refusal

Before the run the guard reads the load average, the kernel's 1-minute
average of runnable processes: above 0.75 per logical CPU (1.5 on 2 cores)
other programs share the cores and timings drift by factors, not percent, so
it refuses to start. During the run the load average counts the benchmark's
own processes too (two grading workers on two CPUs make it 2 by themselves),
so between measurements the guard asks instead how much CPU time other
programs took: the machine's busy time (/proc/stat) less the CPU time of this
process and the children it has waited for. Above 0.25 CPU per logical CPU
(0.5 on 2 cores) over any interval, it refuses to print or write the table.
Where /proc/stat cannot be read it falls back on the load average. ``--trial``
runs anyway, for checking that a script works: its output says it is a trial
and nothing is written to ``--output``.
"""
import os
import platform
import sys
import time
from pathlib import Path

LOAD_PER_CPU = 0.75
OTHERS_PER_CPU = 0.25  # CPUs' worth of other programs' work allowed during a run, per logical CPU
MIN_INTERVAL = 2.0  # seconds: a shorter interval between checks is judged together with the next one
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


def busy_cpu_seconds():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat), or None where it cannot be read."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal ...: idle and iowait are not busy
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    """CPU seconds of this process and of the children it has waited for (theirs include their own children's)."""
    return sum(os.times()[:4])


def wall_seconds():
    return time.monotonic()


def add_arguments(parser):
    """The guard's options on a script's argparse parser."""
    parser.add_argument("--trial", action="store_true",
                        help="run even on a busy machine, to check the script: the output is marked as a trial "
                             "and no table is written")
    parser.add_argument("--max-load", type=float, default=LOAD_PER_CPU * (os.cpu_count() or 1),
                        help="refuse a table when the 1-minute load average exceeds this "
                             "(default %(default)s: 0.75 per logical CPU)")
    parser.add_argument("--max-others", type=float, default=OTHERS_PER_CPU * (os.cpu_count() or 1),
                        help="refuse a table when other programs took more than this many CPUs between two "
                             "measurements (default %(default)s: 0.25 per logical CPU)")
    parser.add_argument("--output", type=Path, default=None,
                        help="also write the table, the machine and the loads to this markdown file "
                             "(only for a quiet, non-trial run)")


class LoadGuard:
    """Records the load before, during and after a benchmark run and decides whether its table may be written."""

    def __init__(self, max_load, trial=False, output=None, extra="", command=None, out=sys.stdout, max_others=None):
        self.max_load, self.trial, self.output, self.out = max_load, trial, output, out
        self.max_others = OTHERS_PER_CPU * (os.cpu_count() or 1) if max_others is None else max_others
        self.others = 0.0  # the most CPUs other programs took over one interval between checks
        self._mark = self._accounts()
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
        return cls(args.max_load, trial=args.trial, output=args.output, extra=extra,
                   max_others=getattr(args, "max_others", None))

    def _print(self, line=""):
        print(line, file=self.out, flush=True)

    @staticmethod
    def _accounts():
        busy = busy_cpu_seconds()
        return None if busy is None else (wall_seconds(), busy, own_cpu_seconds())

    def check(self):
        """Sample the load and other programs' CPU use between measurements; returns the load average."""
        load = load_average()
        self.highest = max(self.highest, load)
        now = self._accounts()
        if self._mark is not None and now is not None and now[0] - self._mark[0] >= MIN_INTERVAL:
            wall, busy, own = (b - a for a, b in zip(self._mark, now))
            self.others = max(self.others, (busy - own) / wall)
            self._mark = now
        return load

    @property
    def counts_others(self):
        return self._mark is not None

    @property
    def quiet(self):
        if self.counts_others:
            return self.others <= self.max_others
        return self.highest <= self.max_load

    def publish(self, table_lines, notes=()):
        """Record the load after the run; print the table and write --output only if the run stayed quiet.

        Returns True when the table was published; a busy non-trial run exits with status REFUSED.
        """
        self.after = self.check()
        loads = (f"load average before {self.before:.2f}, highest seen {self.highest:.2f}, "
                 f"after {self.after:.2f} (limit {self.max_load:.2f})")
        if self.counts_others:
            loads += (f"; other programs took at most {self.others:.2f} CPUs between measurements "
                      f"(limit {self.max_others:.2f})")
        else:
            loads += " (no CPU accounts here: the load average is the limit during the run too)"
        self._print(loads)
        if self.trial:
            self._print("TRIAL RUN, not a measurement to record:")
            for line in [*table_lines, *notes]:
                self._print(f"    {line}")
            return False
        if not self.quiet:
            what = (f"other programs took {self.others:.2f} CPUs" if self.counts_others
                    else f"the load rose above {self.max_load:.2f}")
            self._print(f"REFUSED: {what} during the run, so no table is written; run again on a quiet machine.")
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
