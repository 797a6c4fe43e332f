"""Chapter 8's clipping experiments: the ReLU RNN's gradients, and what the page says about both experiments."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recurrent_helpers import GRADIENT_TOLERANCE, with_random_biases
from reference_impl.exploding import (
    initialize_relu_rnn_parameters,
    relu_rnn_loss,
    train_relu_rnn,
    train_tanh_rnn,
)
from reference_impl.gradcheck import check_gradients

N_X, N_A, M, T_X = 3, 4, 5, 6


def small_problem(seed=0):
    rng = np.random.default_rng(seed)
    # biases spread around zero: most units on, some off
    parameters = with_random_biases(initialize_relu_rnn_parameters(N_X, N_A, spectral_radius=0.9, seed=seed), rng,
                                    scale=0.5)
    x = rng.normal(size=(N_X, M, T_X))
    y = (rng.random((1, M)) < 0.5).astype(float)
    return parameters, x, y


def test_relu_rnn_gradients_match_finite_differences():
    parameters, x, y = small_problem()
    _, grads, _ = relu_rnn_loss(parameters, x, y)
    errors = check_gradients(lambda: relu_rnn_loss(parameters, x, y)[0], parameters, grads)
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_relu_rnn_equals_torch_nn_rnn_with_relu():
    torch = pytest.importorskip("torch")
    parameters, x, y = small_problem(seed=1)
    loss, grads, y_pred = relu_rnn_loss(parameters, x, y)
    rnn = torch.nn.RNN(N_X, N_A, nonlinearity="relu", dtype=torch.float64)
    head = torch.nn.Linear(N_A, 1, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(parameters["Wax"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(parameters["Waa"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(parameters["ba"][:, 0]))
        rnn.bias_hh_l0.zero_()
        head.weight.copy_(torch.from_numpy(parameters["Wya"]))
        head.bias.copy_(torch.from_numpy(parameters["by"][:, 0]))
    states, _ = rnn(torch.from_numpy(x.transpose(2, 1, 0).copy()))  # torch wants (T_x, m, n_x)
    logits = head(states[-1])[:, 0]
    torch_loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.from_numpy(y[0]))
    torch_loss.backward()
    np.testing.assert_allclose(loss, torch_loss.item(), rtol=1e-12)
    np.testing.assert_allclose(y_pred[0], torch.sigmoid(logits).detach().numpy(), rtol=1e-12)
    expected = {"dWax": rnn.weight_ih_l0.grad, "dWaa": rnn.weight_hh_l0.grad, "dba": rnn.bias_ih_l0.grad[:, None],
                "dWya": head.weight.grad, "dby": head.bias.grad[:, None]}
    for name, value in expected.items():
        np.testing.assert_allclose(grads[name], value.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_initial_recurrent_matrix_has_the_requested_spectral_radius():
    parameters = initialize_relu_rnn_parameters(5, 16, spectral_radius=2.0, seed=3)
    assert np.max(np.abs(np.linalg.eigvals(parameters["Waa"]))) == pytest.approx(2.0)


# Chapter 8, "Experiment: a gradient that really explodes", runs seeds 0-9; the claims are re-run here on 10-19.
@pytest.fixture(scope="module")
def runs():
    return {clipping: [train_relu_rnn(clipping, seed=seed) for seed in range(10, 20)]
            for clipping in (None, "value", "norm")}


def test_unclipped_runs_overflow_to_nan_in_several_seeds_and_learn_in_none(runs):
    blown = [run for run in runs[None] if run["blew_up_at"] is not None]
    assert len(blown) >= 3
    for run in blown:
        finite = run["norms"][np.isfinite(run["norms"])]
        assert finite.max() > 1e10  # a real explosion: many orders of magnitude before inf or NaN
        assert np.all(np.isnan(run["losses"][run["blew_up_at"] + 1:]))
    assert all(run["accuracy"] < 0.9 for run in runs[None])


def test_clipped_runs_never_blow_up_and_norm_clipping_learns_in_most_seeds(runs):
    for clipping in ("value", "norm"):
        assert all(run["blew_up_at"] is None for run in runs[clipping]), clipping
        assert all(np.all(np.isfinite(run["norms"])) for run in runs[clipping]), clipping
    assert sum(run["accuracy"] >= 0.9 for run in runs["norm"]) >= 8
    assert sum(run["accuracy"] >= 0.9 for run in runs["value"]) >= 6
    # clipping bounds the step, not the gradient: large gradients still occur before clipping
    assert max(run["norms"].max() for run in runs["norm"]) > 10


def test_unknown_clipping_is_rejected():
    with pytest.raises(ValueError, match="clipping must be one of"):
        train_relu_rnn("sometimes")


# Chapter 8, "Experiment: large steps with and without clipping": the tanh RNN's runs of seeds 0-9 are stored
# by scripts/clipping_runs.py; the file is reproduced here, and the page's statements are checked on it and
# re-run on seeds outside it.
CLIPPING_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "clipping_runs.py"
CLIPPING_RESULTS = CLIPPING_SCRIPT.parent.parent / "reference_impl" / "_book_data" / "clipping_runs.json"
TANH_SETTINGS = {"m": 256, "gap": 10, "n_a": 32, "learning_rate": 0.5, "steps": 300}


@pytest.fixture(scope="module")
def stored_clipping_runs():
    document = json.loads(CLIPPING_RESULTS.read_text(encoding="utf-8"))
    assert {k: v for k, v in document["settings"].items() if k != "success"} == TANH_SETTINGS
    return {run["max_norm"]: run["by_seed"] for run in document["runs"]}


def assert_clipping_claims(unclipped, clipped, learning_rate=TANH_SETTINGS["learning_rate"], max_norm=1.0):
    """What the page says: every unclipped run ends at chance, most clipped runs learn, and unclipped steps are longer."""
    assert len(unclipped) == len(clipped) >= 3
    assert all(run["accuracy"] <= 0.6 for run in unclipped), [run["accuracy"] for run in unclipped]  # chance: 0.5
    assert sum(run["accuracy"] >= 0.9 for run in clipped) >= 0.8 * len(clipped), [run["accuracy"] for run in clipped]
    # an unclipped step is longer than any clipped one in some seed: the large steps the page speaks of
    assert max(np.max(run["norms"]) for run in unclipped) * learning_rate > learning_rate * max_norm


def test_clipping_script_reproduces_the_stored_results_exactly():
    result = subprocess.run([sys.executable, str(CLIPPING_SCRIPT), "--check", "--seeds", "3"], cwd=CLIPPING_SCRIPT.parent.parent,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reproduced exactly" in result.stdout


def test_stored_clipping_runs_hold_the_pages_statements(stored_clipping_runs):
    assert len(stored_clipping_runs[None]) >= 10
    assert_clipping_claims(stored_clipping_runs[None], stored_clipping_runs[1.0])


@pytest.fixture(scope="module")
def fresh_clipping_runs():
    seeds = (10, 11, 12, 13, 14)
    return {max_norm: [train_tanh_rnn(max_norm, seed=seed, **TANH_SETTINGS) for seed in seeds] for max_norm in (None, 1.0)}


def test_clipping_statements_hold_on_seeds_outside_the_results_file(fresh_clipping_runs):
    assert_clipping_claims(fresh_clipping_runs[None], fresh_clipping_runs[1.0])


def test_clipping_claims_fail_for_runs_that_were_not_clipped(fresh_clipping_runs):
    """The claim check separates the two: unclipped runs passed off as clipped fail it."""
    with pytest.raises(AssertionError):
        assert_clipping_claims(fresh_clipping_runs[None], fresh_clipping_runs[None])


def test_clipping_to_norm_1_does_not_rescue_a_learning_rate_of_1_5():
    """The page's exercise: with learning rate 1.5 the runs clipped to norm 1 stay at chance (seeds outside 0-4)."""
    settings = dict(TANH_SETTINGS, learning_rate=1.5)
    assert all(train_tanh_rnn(1.0, seed=seed, **settings)["accuracy"] <= 0.6 for seed in (10, 11, 12))
