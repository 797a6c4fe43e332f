"""Inside trained agreement networks, over seeds: the results file that chapters 9 and 10 plot.

For every cell, starting bias and seed, this script trains the network of the
agreement sweep at a gap of 30 words and asks which of its memory units hold
"singular or plural" from the subject to the verb
(reference_impl.experiments.agreement_memory), keeping the gates and the
memory of the unit that holds it best. It writes
reference_impl/_book_data/agreement_memory.json:

    .venv/bin/python scripts/agreement_memory.py            # every run, about a minute on one core
    .venv/bin/python scripts/agreement_memory.py --check --seeds 0 7
                                                            # re-run part of it and compare exactly

It runs with the kernel settings of scripts/execute_book.py, like scripts/agreement_sweep.py.
"""
import argparse
import sys

import numpy as np

from agreement_sweep import (
    REPO,
    SETTINGS,
    SUCCESS,
    add_results_options,
    check_or_write_seeds,
    run_as_the_book_does,
)

RESULTS = REPO / "reference_impl" / "_book_data" / "agreement_memory.json"  # shipped with the library
GAP = 30
SEEDS = tuple(range(10))
# the sweep's start (both cells keep σ(1) ≈ 0.73 of their memory per step) and a start that keeps σ(3) ≈ 0.95
RUNS = (("gru", 1.0), ("gru", 3.0), ("lstm", 1.0), ("lstm", 3.0))


def inside_runs(seeds, runs=RUNS, log=None):
    """agreement_memory for every run and seed, as JSON-ready dicts (arrays as lists)."""
    from reference_impl.experiments import agreement_memory

    found = []
    for cell, remember_bias in runs:
        by_seed = []
        for seed in seeds:
            memory = agreement_memory(cell, gap=GAP, seed=seed, remember_bias=remember_bias, **SETTINGS)
            # six decimals are far finer than any plot or statement needs, and keep the file small
            by_seed.append({name: np.round(value, 6).tolist() if isinstance(value, np.ndarray) else value
                            for name, value in memory.items()})
            if log:
                log(f"{cell} (remember bias {remember_bias}) seed {seed}: accuracy {memory['accuracy']:.3f}, "
                    f"{len(memory['holding'])} unit(s) hold the number")
        found.append({"cell": cell, "remember_bias": remember_bias, "seeds": list(seeds), "by_seed": by_seed})
    return found


def results_document(seeds, found):
    """The JSON document written to the results file."""
    return {
        "about": "Units of trained agreement networks that hold singular/plural from the subject to the verb "
                 "(reference_impl.experiments.agreement_memory). Written by scripts/agreement_memory.py; "
                 "do not edit by hand.",
        "settings": dict(SETTINGS, gap=GAP, success=SUCCESS),
        "seeds": list(seeds),
        "runs": found,
    }


def compare(stored, seeds, found):
    """Differences between fresh runs and the stored document, as readable lines."""
    problems = []
    for fresh in found:
        run = next((r for r in stored["runs"]
                    if (r["cell"], r["remember_bias"]) == (fresh["cell"], fresh["remember_bias"])), None)
        if run is None:
            problems.append(f"{fresh['cell']} with remember bias {fresh['remember_bias']} is missing")
            continue
        for seed, computed in zip(seeds, fresh["by_seed"]):
            kept = run["by_seed"][run["seeds"].index(seed)]
            problems += [f"{fresh['cell']} (remember bias {fresh['remember_bias']}), seed {seed}, {name}: "
                         f"stored {kept.get(name)}, computed {value}"
                         for name, value in computed.items() if kept.get(name) != value]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_results_options(parser, SEEDS, RESULTS)
    args = parser.parse_args(argv)
    run_as_the_book_does()
    return check_or_write_seeds(parser, args, inside_runs, results_document, compare, indent=1)


if __name__ == "__main__":
    sys.exit(main())
