"""Output layers, losses and activations, against finite differences and torch (skipped without torch)."""
import numpy as np
import pytest

from recurrent_helpers import GRADIENT_TOLERANCE
from reference_impl import (
    binary_cross_entropy,
    check_gradients,
    many_to_one_backward,
    many_to_one_forward,
    output_backward,
    output_forward,
    sigmoid,
    softmax,
    softmax_cross_entropy,
)


@pytest.fixture
def head(rng):
    n_a, n_y, m, T = 5, 4, 3, 6
    return {
        "a": rng.normal(size=(n_a, m, T)),
        "Wya": rng.normal(size=(n_y, n_a)),
        "by": rng.normal(size=(n_y, 1)),
    }


def one_hot_targets(rng, n_y, m, T):
    return np.eye(n_y)[:, rng.integers(0, n_y, size=(m, T))]


def test_sigmoid_and_softmax_are_stable_at_extreme_inputs():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    assert np.all(np.isfinite(sigmoid(z)))
    np.testing.assert_allclose(sigmoid(z), [[0.0, 0.5, 1.0]])
    p = softmax(np.array([[1000.0], [1000.0], [-1000.0]]))
    np.testing.assert_allclose(p[:, 0], [0.5, 0.5, 0.0])


def test_activations_match_torch(rng):
    torch = pytest.importorskip("torch")
    z = rng.normal(scale=20, size=(7, 5))
    np.testing.assert_allclose(sigmoid(z), torch.sigmoid(torch.from_numpy(z)).numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(softmax(z), torch.softmax(torch.from_numpy(z), dim=0).numpy(), rtol=1e-12)


@pytest.mark.parametrize("loss_name", ["softmax", "sigmoid"])
def test_loss_and_output_layer_gradients_match_finite_differences(head, rng, loss_name):
    n_y, m, T = head["Wya"].shape[0], head["a"].shape[1], head["a"].shape[2]
    if loss_name == "softmax":
        y, loss_fn = one_hot_targets(rng, n_y, m, T), softmax_cross_entropy
    else:
        y, loss_fn = (rng.random((n_y, m, T)) > 0.5).astype(float), binary_cross_entropy
    mask = (rng.random((1, m, T)) > 0.3).astype(float)

    def loss():
        y_pred, _ = output_forward(head["a"], head["Wya"], head["by"], loss_name)
        return loss_fn(y_pred, y, mask)[0]

    y_pred, cache = output_forward(head["a"], head["Wya"], head["by"], loss_name)
    _, dz = loss_fn(y_pred, y, mask)
    errors = check_gradients(loss, head, output_backward(dz, cache))
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_softmax_cross_entropy_equals_torch_summed_over_time_averaged_over_examples(rng):
    torch = pytest.importorskip("torch")
    n_y, m, T = 6, 4, 5
    logits = rng.normal(size=(n_y, m, T))
    labels = rng.integers(0, n_y, size=(m, T))
    loss, _ = softmax_cross_entropy(softmax(logits), np.eye(n_y)[:, labels])
    expected = torch.nn.functional.cross_entropy(
        torch.from_numpy(logits.transpose(1, 0, 2)), torch.from_numpy(labels), reduction="sum"
    ).item() / m
    assert loss == pytest.approx(expected, rel=1e-12)


def test_binary_cross_entropy_equals_torch(rng):
    torch = pytest.importorskip("torch")
    logits = rng.normal(size=(1, 4, 5))
    y = (rng.random(logits.shape) > 0.5).astype(float)
    loss, _ = binary_cross_entropy(sigmoid(logits), y)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(logits), torch.from_numpy(y), reduction="sum"
    ).item() / 4
    assert loss == pytest.approx(expected, rel=1e-10)


def test_masked_steps_add_nothing_to_the_loss(rng):
    n_y, m, T = 3, 2, 4
    y_pred = softmax(rng.normal(size=(n_y, m, T)))
    y = one_hot_targets(rng, n_y, m, T)
    mask = np.ones((1, m, T))
    mask[:, 1, 2:] = 0
    loss, dz = softmax_cross_entropy(y_pred, y, mask)
    loss_real_steps, _ = softmax_cross_entropy(y_pred[:, :1], y[:, :1])
    loss_second, _ = softmax_cross_entropy(y_pred[:, 1:, :2], y[:, 1:, :2])
    assert loss == pytest.approx((loss_real_steps + loss_second) / 2)
    assert np.all(dz[:, 1, 2:] == 0)


def test_many_to_one_gradient_reaches_only_the_last_step(head, rng):
    n_y, m = head["Wya"].shape[0], head["a"].shape[1]
    y = np.eye(n_y)[:, rng.integers(0, n_y, size=m)]

    def loss():
        return softmax_cross_entropy(many_to_one_forward(head["a"], head["Wya"], head["by"])[0], y)[0]

    y_pred, cache = many_to_one_forward(head["a"], head["Wya"], head["by"])
    assert y_pred.shape == (n_y, m)
    grads = many_to_one_backward(softmax_cross_entropy(y_pred, y)[1], cache)
    assert np.all(grads["da"][:, :, :-1] == 0)
    errors = check_gradients(loss, head, grads)
    assert max(errors.values()) < GRADIENT_TOLERANCE, errors


def test_output_layer_names_the_expected_shapes(head):
    with pytest.raises(ValueError, match=r"Wya must have shape \(\?, 5\)"):
        output_forward(head["a"], head["Wya"][:, :4], head["by"])
    with pytest.raises(ValueError, match="activation must be one of"):
        output_forward(head["a"], head["Wya"], head["by"], "relu")
    with pytest.raises(ValueError, match=r"y must have shape"):
        softmax_cross_entropy(np.ones((3, 2, 4)) / 3, np.ones((3, 2, 5)))
