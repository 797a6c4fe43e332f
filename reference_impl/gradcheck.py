"""Gradient checking by centered finite differences.

The book and every assignment check a hand-written backward pass the same
way: perturb one entry of an input by +eps and -eps, take the slope of a
scalar function, and compare with the analytic gradient by relative error.
"""
import numpy as np


def relative_error(analytic, numeric):
    """||analytic - numeric|| / (||analytic|| + ||numeric||), 0 when both are 0.

    See the chapter :doc:`/book/chapters/04_bptt`.
    """
    analytic = np.asarray(analytic, dtype=float)
    numeric = np.asarray(numeric, dtype=float)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"analytic and numeric gradients must have the same shape, "
            f"got {analytic.shape} and {numeric.shape}"
        )
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


def numerical_gradient(f, x, eps=1e-6):
    """Centered-difference gradient of the scalar ``f()`` with respect to array ``x``.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    f
        callable with no arguments returning a float; it must read ``x``
    x
        float array, perturbed in place and restored entry by entry
    eps
        step size

    Returns
    -------
    grad
        array of the shape of x
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError("numerical_gradient needs a float64 NumPy array to perturb in place")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = f()
        x[index] = original - eps
        f_minus = f()
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def check_gradients(f, inputs, analytic, eps=1e-6):
    """Relative error of each analytic gradient against finite differences.

    See the chapter :doc:`/book/chapters/04_bptt`.

    Parameters
    ----------
    f
        callable with no arguments returning a float; it reads the arrays in ``inputs``
    inputs : dict
        dict name -> float64 array that ``f`` depends on
    analytic : dict
        dict name -> gradient; the gradient of ``name`` is ``analytic["d" + name]``
    eps
        step size

    Returns
    -------
    errors : dict
        dict "d" + name -> relative error
    """
    errors = {}
    for name, x in inputs.items():
        key = "d" + name
        if key not in analytic:
            raise ValueError(f"no analytic gradient {key!r}; got keys {sorted(analytic)}")
        numeric = numerical_gradient(f, x, eps)
        errors[key] = relative_error(analytic[key], numeric)
    return errors
