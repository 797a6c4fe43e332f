"""Where tensors live and in which precision.

Every public constructor and trainer of the torch part takes ``device=None``
and ``dtype=torch.float32``; ``None`` means "the GPU if there is one", so the
same call runs on a laptop and on a CUDA machine without edits.
"""
import contextlib

import torch

FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def default_device():
    """torch.device("cuda") when a CUDA GPU is visible, else torch.device("cpu").

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def resolve_device(device=None):
    """Turn None, a string or a torch.device into a torch.device (None -> default_device()).

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    if device is None:
        return default_device()
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"device must be None, 'cpu', 'cuda' or a torch.device, got {device!r}") from error
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device} was asked for but torch sees no CUDA GPU")
    return device


def resolve_dtype(dtype):
    """Check that dtype is a floating torch dtype and return it.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    if dtype not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be one of {FLOAT_DTYPES}, got {dtype!r}")
    return dtype


def lengths_to_mask(lengths, T_x, device=None):
    """Boolean mask of real (True) and padding (False) steps.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    lengths : Tensor, shape (m,)
        int tensor or sequence, every value in 1..T_x
    T_x
        padded length

    Returns
    -------
    mask : Tensor, shape (m, T_x)
        bool tensor
    """
    lengths = torch.as_tensor(lengths, device=device)
    if lengths.ndim != 1 or lengths.dtype.is_floating_point or lengths.dtype == torch.bool:
        raise ValueError(f"lengths must be a 1-D integer tensor of shape (m,), got {tuple(lengths.shape)} {lengths.dtype}")
    if lengths.numel() and (int(lengths.min()) < 1 or int(lengths.max()) > T_x):
        raise ValueError(f"lengths must lie in 1..T_x = {T_x}, got min {int(lengths.min())} max {int(lengths.max())}")
    return torch.arange(T_x, device=lengths.device)[None, :] < lengths[:, None]


@contextlib.contextmanager
def seeded(seed):
    """Draw from torch's CPU generator started at ``seed``, restoring its state afterwards.

    Initial weights are drawn on the CPU in float64 and then moved, so one
    seed gives the same model on every device and in every dtype. None
    leaves the generator alone.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    with torch.random.fork_rng(devices=[], enabled=seed is not None):
        if seed is not None:
            torch.manual_seed(seed)
        yield


def random_normal(shape, std, device, dtype):
    """N(0, std^2) tensor drawn on the CPU in float64 (see seeded), then moved to device and dtype.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    return (torch.randn(*shape, dtype=torch.float64) * std).to(device=device, dtype=dtype)
