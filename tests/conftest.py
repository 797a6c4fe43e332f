"""Shared fixtures: small random problems built from a seed, and the fixture modules every test
module can use without importing them (``pytest_plugins``)."""
import os

# Two test workers on two cores: a BLAS thread pool per worker only makes them
# fight (several times slower), and executed notebooks inherit this setting.
# It must be set before NumPy loads its BLAS.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

# loaded after the lines above, so their BLAS setting holds for what these modules import
pytest_plugins = [
    "grading_fixtures",  # a course folder built once per session (course_template) and copied per test (course)
    "website_reader",  # the built site served on localhost, headless Chromium (driver) and a page reader
    "torch_fixtures",  # one torch thread per test worker, a tiny vocabulary
]


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def rnn_sizes():
    """n_x, n_a, n_y, m, T_x: tiny, so finite differences stay fast."""
    return 3, 5, 4, 2, 4
