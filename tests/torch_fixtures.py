"""Fixtures of the torch language-model tests (tests/test_torch_lm.py, tests/test_torch_fused.py).

Registered for every test module by ``pytest_plugins`` in tests/conftest.py; torch is imported only
when a test asks for ``one_thread``, so the NumPy tests run without it.
"""
import pytest

from reference_impl.text import Vocabulary

# a tiny corpus: the first nine train, the last three validate
TEXTS = ["anna", "bob", "clara", "dave", "eve", "frank", "greta", "hugo", "ida", "jon", "kai", "lena"]


@pytest.fixture
def one_thread():
    """Tiny tensors: one thread per test worker avoids thread contention under pytest -n 2."""
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def vocab():
    """The vocabulary of TEXTS (tests/test_char_lm.py has its own, of the names corpus)."""
    return Vocabulary.from_texts(TEXTS)
