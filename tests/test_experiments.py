"""The book's experiments give their qualitative result, reproducibly (fixed seeds)."""
import copy
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reference_impl.activations import sigmoid
from reference_impl.datasets import make_agreement_data
from reference_impl.deep import initialize_deep_parameters
from reference_impl.experiments import (
    SEPARATED,
    agreement_accuracy_by_gap,
    agreement_memory,
    gradient_flow_by_distance,
    gradient_norms_by_distance,
    memory_trace,
    predict,
    run_over_seeds,
    seed_summary,
    set_remember_bias,
    tagging_accuracy,
    train_classifier,
)
from reference_impl.gru import gru_forward
from reference_impl.lstm import lstm_forward

REPO = Path(__file__).resolve().parent.parent
SWEEP_SCRIPT = REPO / "scripts" / "agreement_sweep.py"
SWEEP_RESULTS = REPO / "reference_impl" / "_book_data" / "agreement_sweep.json"
MEMORY_SCRIPT = REPO / "scripts" / "agreement_memory.py"
MEMORY_RESULTS = REPO / "reference_impl" / "_book_data" / "agreement_memory.json"


@pytest.fixture(scope="module")
def sweep():
    return json.loads(SWEEP_RESULTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def inside():
    return json.loads(MEMORY_RESULTS.read_text(encoding="utf-8"))


def run_sweep_script(*arguments, script=SWEEP_SCRIPT):
    return subprocess.run([sys.executable, str(script), *arguments], cwd=REPO, capture_output=True, text=True,
                          timeout=600)


def test_sweep_script_reproduces_the_stored_results_exactly():
    """Re-run gap 30 (where runs differ most from seed to seed) for two seeds and compare with the file."""
    result = run_sweep_script("--check", "--gaps", "30", "--seeds", "0", "3")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sweep_check_reports_a_stored_value_that_differs(tmp_path, sweep):
    changed = copy.deepcopy(sweep)
    changed["runs"][0]["accuracy"][sweep["gaps"].index(5)][0] = 0.5  # the RNN at gap 5, seed 0 learns the task
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(changed), encoding="utf-8")
    result = run_sweep_script("--check", "--gaps", "5", "--seeds", "0", "--results", str(altered))
    assert result.returncode == 1
    assert "rnn (remember bias 1.0), gap 5, seed 0: stored 0.5" in result.stdout


def test_stored_sweep_has_every_run_at_every_gap_and_seed(sweep):
    assert len(sweep["seeds"]) >= 5
    assert {(run["cell"], run["remember_bias"]) for run in sweep["runs"]} >= {("rnn", 1.0), ("gru", 1.0), ("lstm", 1.0)}
    for run in sweep["runs"]:
        assert np.shape(run["accuracy"]) == (len(sweep["gaps"]), len(sweep["seeds"]))


# What chapters 9 and 10 say about the sweep; the pages glue the exact counts from the same file.
def _successes(sweep, cell, gap, remember_bias=1.0):
    run = next(r for r in sweep["runs"] if r["cell"] == cell and r["remember_bias"] == remember_bias)
    return int(np.sum(np.array(run["accuracy"][sweep["gaps"].index(gap)]) >= sweep["settings"]["success"]))


def test_sweep_every_cell_learns_a_short_gap_in_every_seed(sweep):
    for cell in ("rnn", "gru", "lstm"):
        assert _successes(sweep, cell, 5) == len(sweep["seeds"]), cell


def test_sweep_gated_cells_learn_a_30_word_gap_more_often_than_the_rnn(sweep):
    for cell in ("gru", "lstm"):
        assert _successes(sweep, cell, 30) > _successes(sweep, "rnn", 30), cell


def test_sweep_gru_started_remembering_beats_the_gru_started_at_bu_zero(sweep):
    assert _successes(sweep, "gru", 30) > _successes(sweep, "gru", 30, remember_bias=0.0)


def test_sweep_every_cell_fails_at_40_words_in_most_seeds_and_at_60_in_all(sweep):
    for cell in ("rnn", "gru", "lstm"):
        assert _successes(sweep, cell, 40) < len(sweep["seeds"]) / 2, cell
        assert _successes(sweep, cell, 60) == 0, cell


def test_remember_bias_gives_gru_and_lstm_the_same_share_kept():
    gru = initialize_deep_parameters("gru", 3, 4, 1, 1, seed=0)["layers"]
    lstm = initialize_deep_parameters("lstm", 3, 4, 1, 2, bidirectional=True, seed=0)["layers"]
    set_remember_bias("gru", gru, 1.5)
    set_remember_bias("lstm", lstm, 1.5)
    np.testing.assert_allclose(1 - sigmoid(gru[0]["bu"]), sigmoid(1.5))
    for forward, backward in lstm:
        np.testing.assert_allclose(sigmoid(forward["bf"]), sigmoid(1.5))
        np.testing.assert_allclose(sigmoid(backward["bf"]), sigmoid(1.5))


def test_agreement_accuracy_passes_remember_bias_on_to_training():
    x, y, _ = make_agreement_data(64, 3, seed=0)
    by_gap = {bias: agreement_accuracy_by_gap(gaps=(3,), cells=("gru",), m_train=64, m_test=64, epochs=1,
                                              remember_bias=bias)["gru"] for bias in (0.0, 4.0)}
    assert by_gap[0.0] == agreement_accuracy_by_gap(gaps=(3,), cells=("gru",), m_train=64, m_test=64, epochs=1,
                                                    remember_bias=None)["gru"]
    trained = {bias: train_classifier("gru", x, y, many_to_one=True, epochs=1, remember_bias=bias)[0]["layers"][0]["bu"]
               for bias in (0.0, 4.0)}
    assert np.all(trained[4.0] < trained[0.0] - 3)


def test_run_over_seeds_keeps_each_result_with_its_seed():
    runs = run_over_seeds(lambda seed, scale: scale * seed, seeds=range(3), scale=10)
    assert runs == {"seeds": [0, 1, 2], "results": [0, 10, 20], "settings": {"scale": 10}}
    with pytest.raises(ValueError, match="several seeds"):
        run_over_seeds(lambda seed: seed, seeds=[0])


def test_seed_summary_counts_successes_and_spread():
    summary = seed_summary([0.5, 0.95, 1.0, 0.9], success=0.9)
    assert summary == {"n": 4, "successes": 3, "mean": 0.8375, "min": 0.5, "median": 0.925, "max": 1.0}
    with pytest.raises(ValueError, match="one score per seed"):
        seed_summary([1.0])


def test_memory_trace_matches_the_forward_pass():
    x, y, _ = make_agreement_data(16, 3, seed=0)
    for cell in ("gru", "lstm"):
        parameters, _ = train_classifier(cell, x, y, many_to_one=True, epochs=1)
        trace = memory_trace(cell, x, parameters)
        layer = parameters["layers"][0]
        c = gru_forward(x, np.zeros((16, 16)), layer)[0] if cell == "gru" else lstm_forward(x, np.zeros((16, 16)), layer)[2]
        np.testing.assert_array_equal(trace["c"], c)
        assert np.all((trace["keep"] > 0) & (trace["keep"] < 1))
        if cell == "gru":
            np.testing.assert_allclose(trace["keep"] + trace["write"], 1.0)
            np.testing.assert_array_equal(trace["a"], c)
        else:
            np.testing.assert_array_equal(trace["a"], lstm_forward(x, np.zeros((16, 16)), layer)[0])
    with pytest.raises(ValueError, match="one-layer one-way"):
        memory_trace("rnn", x, train_classifier("rnn", x, y, many_to_one=True, epochs=1)[0])


# Chapters 9 and 10, "Inside a trained network": which units hold singular/plural from the subject to the verb.
def _run(inside, cell, remember_bias):
    return next(r for r in inside["runs"] if (r["cell"], r["remember_bias"]) == (cell, remember_bias))


def _learnt(inside, cell, remember_bias):
    return [b for b in _run(inside, cell, remember_bias)["by_seed"] if b["accuracy"] >= inside["settings"]["success"]]


def test_memory_script_reproduces_the_stored_results_exactly():
    result = run_sweep_script("--check", "--seeds", "1", script=MEMORY_SCRIPT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_memory_check_reports_a_stored_value_that_differs(tmp_path, inside):
    changed = copy.deepcopy(inside)
    _run(changed, "gru", 1.0)["by_seed"][1]["holding"] = []
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(changed), encoding="utf-8")
    result = run_sweep_script("--check", "--seeds", "1", "--results", str(altered), script=MEMORY_SCRIPT)
    assert result.returncode == 1
    assert "gru (remember bias 1.0), seed 1, holding: stored []" in result.stdout


def test_memory_runs_are_the_runs_of_the_sweep(inside, sweep):
    """The networks looked inside are the sweep's at a gap of 30 (same training): same test accuracies."""
    gap = sweep["gaps"].index(inside["settings"]["gap"])
    for cell in ("gru", "lstm"):
        stored = next(r for r in sweep["runs"] if (r["cell"], r["remember_bias"]) == (cell, 1.0))["accuracy"][gap]
        run = _run(inside, cell, 1.0)
        assert [b["accuracy"] for b in run["by_seed"]] == [stored[sweep["seeds"].index(s)] for s in run["seeds"]]


def test_started_to_remember_strongly_every_learnt_network_holds_the_number_in_a_unit(inside):
    for cell in ("gru", "lstm"):
        learnt = _learnt(inside, cell, 3.0)
        assert len(learnt) >= 5, cell
        for memory in learnt:
            assert memory["holding"] and memory["worst_separation"] >= SEPARATED, cell
            assert np.mean(memory["keep"][4:-1]) > 0.6, cell  # the unit's gate keeps most of it across the clause


def test_started_as_in_the_sweep_most_learnt_networks_hold_it_in_no_single_unit(inside):
    for cell in ("gru", "lstm"):
        learnt = _learnt(inside, cell, 1.0)
        assert len(learnt) >= 5, cell
        assert sum(bool(memory["holding"]) for memory in learnt) < len(learnt) / 2, cell
        for memory in learnt:
            assert bool(memory["holding"]) == (memory["worst_separation"] >= SEPARATED)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_holding_unit_found_with_seeds_outside_the_results_file(cell):
    """The strong-start claim on two new seeds: a network that learns the task holds the number in a unit."""
    learnt = 0
    for seed in (10, 11):
        memory = agreement_memory(cell, seed=seed, remember_bias=3.0)
        if memory["accuracy"] >= 0.9:
            learnt += 1
            assert memory["holding"], (cell, seed)
            separation = memory["separation"]
            assert separation[0] == 0.0  # before the subject every sentence reads "the": nothing to tell apart
            assert np.all(separation[1:] >= SEPARATED)
    assert learnt >= 1, cell


def test_started_as_in_the_sweep_few_networks_hold_it_in_a_unit_with_seeds_outside_the_results_file():
    for cell in ("gru", "lstm"):
        found = [agreement_memory(cell, seed=seed, remember_bias=1.0) for seed in range(10, 16)]
        learnt = [memory for memory in found if memory["accuracy"] >= 0.9]
        assert len(learnt) >= 2, cell
        assert sum(bool(memory["holding"]) for memory in learnt) < len(learnt) / 2, cell


def test_agreement_memory_rejects_a_plain_rnn():
    with pytest.raises(ValueError, match="'gru' or 'lstm'"):
        agreement_memory("rnn")


def test_lstm_memory_path_alone_carries_little_of_a_distant_gradient():
    """Chapter 10: the flat LSTM curve at bf = 2 does not come from the memory path, which multiplies by Γf."""
    flow = gradient_flow_by_distance("lstm", T=40, remember_bias=2.0)
    assert flow["direct"][39] < 0.05 * flow["c"][39]
    assert flow["direct"][39] <= flow["direct"][0] * 0.95**39


def test_bidirectional_rnn_tags_teddy_and_one_way_rnn_guesses():
    results = tagging_accuracy()
    assert results["bidirectional"]["teddy"] >= 0.95
    assert 0.35 <= results["one-way"]["teddy"] <= 0.65  # the next word decides, which it has not read
    assert results["bidirectional"]["all"] > results["one-way"]["all"] + 0.05


def test_training_is_reproducible_with_a_seed():
    x, y, _ = make_agreement_data(64, 3, seed=0)
    first = train_classifier("gru", x, y, many_to_one=True, epochs=2, seed=4)
    second = train_classifier("gru", x, y, many_to_one=True, epochs=2, seed=4)
    assert first[1] == second[1]
    np.testing.assert_array_equal(predict("gru", x, first[0], many_to_one=True),
                                  predict("gru", x, second[0], many_to_one=True))


def test_training_lowers_the_loss():
    x, y, _ = make_agreement_data(128, 2, seed=0)
    _, losses = train_classifier("lstm", x, y, many_to_one=True, epochs=6, learning_rate=0.02)
    assert losses[-1] < 0.5 * losses[0]


def test_rnn_gradient_vanishes_with_distance_and_gated_cells_keep_it():
    norms = {cell: gradient_norms_by_distance(cell, T=40) for cell in ("rnn", "gru", "lstm")}
    assert norms["rnn"][30] < 1e-3 * norms["rnn"][0]
    for cell in ("gru", "lstm"):
        assert norms[cell][30] > 100 * norms["rnn"][30]
        assert norms[cell][30] > 1e-2 * norms[cell][0]


def test_gradient_norms_start_at_the_loss_gradient():
    """At distance 0 the gradient is g itself, whatever the cell."""
    norms = [gradient_norms_by_distance(cell, T=5)[0] for cell in ("rnn", "gru", "lstm")]
    assert norms[0] == norms[1] == norms[2]


def test_unknown_cell_is_rejected():
    with pytest.raises(ValueError, match="cell must be one of"):
        gradient_norms_by_distance("transformer")
