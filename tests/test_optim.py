"""Clipping and optimisers, against their definitions and torch's own (skipped without torch)."""
import numpy as np
import pytest

from recurrent_helpers import FLOAT64_AGREEMENT
from reference_impl import (
    adam_update,
    clip_by_global_norm,
    clip_by_value,
    global_norm,
    initialize_adam,
    sgd_update,
)


@pytest.fixture
def gradients(rng):
    return {"dWaa": rng.normal(scale=10, size=(4, 4)), "dba": rng.normal(scale=10, size=(4, 1))}


def test_clip_by_value_bounds_every_entry_and_keeps_small_ones(gradients):
    clipped = clip_by_value(gradients, 5.0)
    for key, g in gradients.items():
        assert np.all(np.abs(clipped[key]) <= 5.0)
        small = np.abs(g) < 5.0
        np.testing.assert_array_equal(clipped[key][small], g[small])


def test_clip_by_global_norm_matches_torch_clip_grad_norm(gradients):
    torch = pytest.importorskip("torch")
    clipped, norm = clip_by_global_norm(gradients, 1.0)
    tensors = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in gradients.values()]
    for t, g in zip(tensors, gradients.values()):
        t.grad = torch.from_numpy(g.copy())
    torch_norm = torch.nn.utils.clip_grad_norm_(tensors, 1.0)
    assert norm == pytest.approx(torch_norm.item(), rel=1e-12)
    for t, key in zip(tensors, gradients):
        np.testing.assert_allclose(clipped[key], t.grad.numpy(), rtol=1e-6)
    assert global_norm(clipped) == pytest.approx(1.0)


def test_clip_by_global_norm_keeps_the_direction_and_leaves_small_gradients(gradients):
    clipped, norm = clip_by_global_norm(gradients, 1.0)
    ratio = clipped["dWaa"] / gradients["dWaa"]
    np.testing.assert_allclose(ratio, 1.0 / norm)
    unchanged, _ = clip_by_global_norm(gradients, 10 * norm)
    for key in gradients:
        np.testing.assert_array_equal(unchanged[key], gradients[key])


def test_clipping_rejects_non_positive_thresholds(gradients):
    with pytest.raises(ValueError, match="max_value must be positive"):
        clip_by_value(gradients, 0)
    with pytest.raises(ValueError, match="max_norm must be positive"):
        clip_by_global_norm(gradients, -1)


def test_sgd_and_adam_match_torch_optimisers(rng):
    torch = pytest.importorskip("torch")
    start = {"Waa": rng.normal(size=(3, 3)), "ba": rng.normal(size=(3, 1))}
    steps = [{"d" + k: rng.normal(size=v.shape) for k, v in start.items()} for _ in range(5)]

    ours_sgd = {k: v.copy() for k, v in start.items()}
    ours_adam = {k: v.copy() for k, v in start.items()}
    state = initialize_adam(ours_adam)
    theirs_sgd = [torch.nn.Parameter(torch.from_numpy(v.copy())) for v in start.values()]
    theirs_adam = [torch.nn.Parameter(torch.from_numpy(v.copy())) for v in start.values()]
    sgd = torch.optim.SGD(theirs_sgd, lr=0.1)
    adam = torch.optim.Adam(theirs_adam, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    for grads in steps:
        sgd_update(ours_sgd, grads, 0.1)
        adam_update(ours_adam, grads, state, learning_rate=0.01)
        for params, optimiser in ((theirs_sgd, sgd), (theirs_adam, adam)):
            for p, g in zip(params, grads.values()):
                p.grad = torch.from_numpy(g.copy())
            optimiser.step()
    for ours, theirs in ((ours_sgd, theirs_sgd), (ours_adam, theirs_adam)):
        for key, p in zip(start, theirs):
            np.testing.assert_allclose(ours[key], p.detach().numpy(), **FLOAT64_AGREEMENT)


def test_updates_name_a_missing_gradient(rng):
    parameters = {"Waa": rng.normal(size=(2, 2))}
    with pytest.raises(ValueError, match=r"missing \['dWaa'\]"):
        sgd_update(parameters, {"dWax": np.zeros((2, 2))}, 0.1)
