"""Shared fixtures: small random problems built from a seed."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def rnn_sizes():
    """n_x, n_a, n_y, m, T_x: tiny, so finite differences stay fast."""
    return 3, 5, 4, 2, 4
