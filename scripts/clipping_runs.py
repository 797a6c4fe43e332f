"""Chapter 8's tanh RNN trained with large steps, with and without clipping, over seeds: its results file.

Whether one unclipped run with a large learning rate is thrown off course
depends on its initial weights, and a change in the last bit of one rounding
can send it elsewhere, so the book reports the runs of ten seeds. For every
seed this script trains the many-to-one tanh RNN of chapter 8 twice from the
same initial weights, on the same data, with the same learning rate and number
of steps: once as is and once with the gradients clipped to a global norm
(reference_impl.exploding.train_tanh_rnn). It writes
reference_impl/_book_data/clipping_runs.json:

    .venv/bin/python scripts/clipping_runs.py               # every run, a minute or two on one core
    .venv/bin/python scripts/clipping_runs.py --check --seeds 3
                                                            # re-run part of it and compare exactly

It runs with the kernel settings of scripts/execute_book.py, like scripts/agreement_sweep.py.
"""
import argparse
import sys

import numpy as np

from agreement_sweep import REPO, add_results_options, check_or_write_seeds, run_as_the_book_does

RESULTS = REPO / "reference_impl" / "_book_data" / "clipping_runs.json"  # shipped with the library
SEEDS = tuple(range(10))
SETTINGS = {"m": 256, "gap": 10, "n_a": 32, "learning_rate": 0.5, "steps": 300}
MAX_NORMS = (None, 1.0)  # no clipping, and clipping to global norm 1
SUCCESS = 0.9  # a run has learnt the task when its training accuracy reaches this


def clipping_runs(seeds, log=None):
    """train_tanh_rnn for every clipping setting and seed, as JSON-ready dicts (arrays as lists)."""
    from reference_impl.exploding import train_tanh_rnn

    found = []
    for max_norm in MAX_NORMS:
        by_seed = []
        for seed in seeds:
            run = train_tanh_rnn(max_norm, seed=seed, **SETTINGS)
            # six decimals are far finer than any plot or statement needs, and keep the file small
            by_seed.append({name: np.round(value, 6).tolist() if isinstance(value, np.ndarray) else value
                            for name, value in run.items()})
            if log:
                log(f"max_norm {max_norm}, seed {seed}: training accuracy {run['accuracy']:.3f}, "
                    f"largest gradient norm {run['norms'].max():.1f}")
        found.append({"max_norm": max_norm, "seeds": list(seeds), "by_seed": by_seed})
    return found


def results_document(seeds, found):
    """The JSON document written to the results file."""
    return {
        "about": "Loss, gradient norm before clipping and final training accuracy of chapter 8's tanh RNN on the "
                 "agreement task, trained by gradient descent with and without clipping "
                 "(reference_impl.exploding.train_tanh_rnn). Written by scripts/clipping_runs.py; "
                 "do not edit by hand.",
        "settings": dict(SETTINGS, success=SUCCESS),
        "seeds": list(seeds),
        "runs": found,
    }


def compare(stored, seeds, found):
    """Differences between fresh runs and the stored document, as readable lines."""
    problems = []
    for fresh in found:
        run = next((r for r in stored["runs"] if r["max_norm"] == fresh["max_norm"]), None)
        if run is None:
            problems.append(f"max_norm {fresh['max_norm']} is missing")
            continue
        for seed, computed in zip(seeds, fresh["by_seed"]):
            kept = run["by_seed"][run["seeds"].index(seed)]
            problems += [f"max_norm {fresh['max_norm']}, seed {seed}, {name}: differs from the stored value"
                         for name, value in computed.items() if kept.get(name) != value]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_results_options(parser, SEEDS, RESULTS)
    args = parser.parse_args(argv)
    run_as_the_book_does()
    return check_or_write_seeds(parser, args, clipping_runs, results_document, compare)


if __name__ == "__main__":
    sys.exit(main())
