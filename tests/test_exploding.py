"""The ReLU RNN of chapter 8's exploding-gradient experiment: its gradients, and what the page says about it."""
import numpy as np
import pytest

from recurrent_helpers import GRADIENT_TOLERANCE, with_random_biases
from reference_impl.exploding import initialize_relu_rnn_parameters, relu_rnn_loss, train_relu_rnn
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
