"""The gradient checker itself: it must catch a wrong gradient, not only pass right ones."""
import numpy as np
import pytest

from reference_impl import check_gradients, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.normal(size=(3, 2))
    numeric = numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert relative_error(np.cos(x), numeric) < 1e-9


def test_check_gradients_flags_a_wrong_gradient(rng):
    W = rng.normal(size=(3, 3))
    x = rng.normal(size=(3, 1))

    def f():
        return float(np.sum(np.tanh(W @ x)))

    right = (1 - np.tanh(W @ x) ** 2) @ x.T
    wrong = (1 - np.tanh(W @ x)) @ x.T  # a classic slip: tanh' written as 1 - tanh
    assert check_gradients(f, {"W": W}, {"dW": right})["dW"] < 1e-8
    assert check_gradients(f, {"W": W}, {"dW": wrong})["dW"] > 1e-2


def test_numerical_gradient_restores_its_input(rng):
    x = rng.normal(size=(4,))
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_array_equal(x, before)


def test_relative_error_edge_cases():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"no analytic gradient 'dW'"):
        check_gradients(lambda: 0.0, {"W": np.zeros(2)}, {"db": np.zeros(2)})
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(2, dtype=np.float32))
