"""The agreement task over gaps, cells and seeds: the results file that chapters 9 and 10 read.

Whether a network learns to carry "singular/plural" across a long clause
depends on its initial weights and its training set, so the book never
reports one run. This script trains every cell at every gap for every seed
(reference_impl.experiments.agreement_accuracy_by_gap, the same budget for
every cell) and writes the test accuracies to reference_impl/_book_data/agreement_sweep.json:

    .venv/bin/python scripts/agreement_sweep.py             # the full sweep, a few minutes on one core
    .venv/bin/python scripts/agreement_sweep.py --check --gaps 30 --seeds 0 1
                                                            # re-run part of it and compare exactly

The runs use the kernel settings of scripts/execute_book.py (NumPy's and
OpenBLAS's AVX2 code paths, one BLAS thread), so every x86-64 machine
computes the same numbers; the script restarts itself with them if needed.
"""
import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "reference_impl" / "_book_data" / "agreement_sweep.json"  # shipped with the library
GAPS = (5, 10, 20, 30, 40, 60)
SEEDS = tuple(range(10))
# (cell, remember_bias): the three cells starting equally ready to remember (GRU bu = -1, LSTM bf = +1),
# and the GRU with bu = 0, to show what an unequal start costs
RUNS = (("rnn", 1.0), ("gru", 1.0), ("lstm", 1.0), ("gru", 0.0))
SETTINGS = {"m_train": 512, "m_test": 512, "n_a": 16, "epochs": 20, "learning_rate": 0.02}
TRAINING = "one layer, sigmoid output at the last word, binary cross-entropy, Adam, batch 32, clipping at global norm 5"
SUCCESS = 0.9  # a run has learnt the task when its test accuracy reaches this


def kernel_environment():
    """The environment the book's kernels run with, and one BLAS thread."""
    sys.path.insert(0, str(REPO / "scripts"))
    from execute_book import KERNEL_ENVIRONMENT

    return dict(KERNEL_ENVIRONMENT, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")


def add_results_options(parser, seeds, results):
    """The options every results script has: --seeds, --results, --check."""
    parser.add_argument("--seeds", type=int, nargs="+", default=list(seeds))
    parser.add_argument("--results", type=Path, default=results, help="the results file to write or check")
    parser.add_argument("--check", action="store_true", help="compare with the results file instead of writing it")


def run_as_the_book_does():
    """Restart this script with the kernel environment if it lacks it; make the repository importable."""
    environment = kernel_environment()
    if any(os.environ.get(name) != value for name, value in environment.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], dict(os.environ, **environment))
    sys.path.insert(0, str(REPO))


def check_or_write_seeds(parser, args, runs, results_document, compare, indent=None):
    """Main step of a results script over seeds, after run_as_the_book_does.

    With --check, re-run args.seeds with runs(seeds) and compare(stored, seeds, found) them with the
    results file (which must hold those seeds and the settings of results_document); otherwise run
    them with a log and write results_document(seeds, found) to the file. Returns the exit status.
    """
    if args.check:
        stored = json.loads(args.results.read_text(encoding="utf-8"))
        unknown = [s for s in args.seeds if s not in stored["seeds"]]
        if unknown:
            parser.error(f"seeds {unknown} are not in {args.results} (seeds {stored['seeds']})")
        if stored["settings"] != results_document([], [])["settings"]:
            print(f"{args.results} was made with other settings: {stored['settings']}")
            return 1
        problems = compare(stored, args.seeds, runs(args.seeds))
        print("\n".join(problems) if problems else f"{args.results}: seeds {args.seeds} reproduced exactly")
        return 1 if problems else 0
    found = runs(args.seeds, log=lambda line: print(line, flush=True))
    args.results.write_text(json.dumps(results_document(args.seeds, found), indent=indent) + "\n", encoding="utf-8")
    print(f"wrote {args.results}")
    return 0


def sweep(gaps, seeds, runs=RUNS, log=None):
    """Test accuracy of every run at every gap and seed.

    Returns:
    accuracy -- list, one entry per run, of lists (one per gap) of lists (one per seed) of floats
    """
    from reference_impl.experiments import agreement_accuracy_by_gap

    accuracy = [[[None] * len(seeds) for _ in gaps] for _ in runs]
    for j, seed in enumerate(seeds):
        for r, (cell, remember_bias) in enumerate(runs):
            by_gap = agreement_accuracy_by_gap(gaps=tuple(gaps), cells=(cell,), seed=seed,
                                               remember_bias=remember_bias, **SETTINGS)[cell]
            for g, value in enumerate(by_gap):
                accuracy[r][g][j] = value
            if log:
                log(f"seed {seed} {cell} (remember bias {remember_bias}): {[round(v, 3) for v in by_gap]}")
    return accuracy


def results_document(gaps, seeds, accuracy):
    """The JSON document written to the results file."""
    return {
        "about": "Test accuracy on the agreement task (reference_impl.datasets.make_agreement_data); chance 0.5. "
                 "Written by scripts/agreement_sweep.py; do not edit by hand.",
        "settings": dict(SETTINGS, training=TRAINING, test_set_seed="seed + 1", success=SUCCESS),
        "gaps": list(gaps),
        "seeds": list(seeds),
        "runs": [{"cell": cell, "remember_bias": bias, "accuracy": acc} for (cell, bias), acc in zip(RUNS, accuracy)],
    }


def compare(stored, gaps, seeds, accuracy):
    """Differences between a fresh partial sweep and the stored document, as readable lines."""
    problems = []
    for (cell, bias), fresh in zip(RUNS, accuracy):
        run = next((r for r in stored["runs"] if r["cell"] == cell and r["remember_bias"] == bias), None)
        if run is None:
            problems.append(f"{cell} with remember bias {bias} is missing from the stored results")
            continue
        for g, gap in enumerate(gaps):
            for j, seed in enumerate(seeds):
                kept = run["accuracy"][stored["gaps"].index(gap)][stored["seeds"].index(seed)]
                if kept != fresh[g][j]:
                    problems.append(f"{cell} (remember bias {bias}), gap {gap}, seed {seed}: "
                                    f"stored {kept}, computed {fresh[g][j]}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", type=int, nargs="+", default=list(GAPS))
    add_results_options(parser, SEEDS, RESULTS)
    args = parser.parse_args(argv)
    run_as_the_book_does()
    if args.check:
        stored = json.loads(args.results.read_text(encoding="utf-8"))
        unknown = [g for g in args.gaps if g not in stored["gaps"]] + [s for s in args.seeds if s not in stored["seeds"]]
        if unknown:
            parser.error(f"gaps/seeds {unknown} are not in {args.results} (gaps {stored['gaps']}, seeds {stored['seeds']})")
        if stored["settings"] != results_document([], [], [])["settings"]:
            print(f"{args.results} was made with other settings: {stored['settings']}")
            return 1
        problems = compare(stored, args.gaps, args.seeds, sweep(args.gaps, args.seeds))
        print("\n".join(problems) if problems else f"{args.results}: gaps {args.gaps}, seeds {args.seeds} reproduced exactly")
        return 1 if problems else 0
    accuracy = sweep(args.gaps, args.seeds, log=lambda line: print(line, flush=True))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results_document(args.gaps, args.seeds, accuracy), indent=1) + "\n",
                            encoding="utf-8")
    print(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
