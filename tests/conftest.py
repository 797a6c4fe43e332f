"""Shared fixtures: small random problems built from a seed."""
import os

# Two test workers on two cores: a BLAS thread pool per worker only makes them
# fight (several times slower), and executed notebooks inherit this setting.
# It must be set before NumPy loads its BLAS.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def rnn_sizes():
    """n_x, n_a, n_y, m, T_x: tiny, so finite differences stay fast."""
    return 3, 5, 4, 2, 4
