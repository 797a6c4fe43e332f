"""NumPy LSTM (forward + backward) against torch.nn.LSTM on the CPU.

Baseline: torch.nn.LSTM in float64 on the CPU, forward and autograd backward
with the same upstream gradient. Both sides do the same work: hidden states
for every step, then gradients for the input, the initial state and every
weight. The printed ratio is NumPy time / torch time, measured in this run.

    .venv/bin/python benchmarks/lstm_numpy_vs_torch.py [--threads N] [--repeats R] [--trial]

The machine is stated and the load average recorded before, during and after
(benchmarks/load_guard.py); on a busy machine the script refuses to print its
table, unless --trial (a check that it works, marked as such).
"""
import argparse
import os
import sys
import time

# NumPy's BLAS reads its thread count when it loads, so it is set before the import:
# both sides get the same number of threads (default one, the fairest comparison).
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
os.environ["OPENBLAS_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(THREADS)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from load_guard import LoadGuard, add_arguments  # noqa: E402
from reference_impl.lstm import initialize_lstm_parameters, lstm_backward, lstm_forward  # noqa: E402

M, T_X, N_X, N_A = 64, 50, 64, 128


def best_time(function, repeats):
    """Fastest of ``repeats`` runs after one warm-up; the minimum is the least noisy estimate."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for both NumPy's BLAS and torch")
    parser.add_argument("--repeats", type=int, default=20)
    add_arguments(parser)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    guard = LoadGuard.from_args(args, extra=f"numpy {np.__version__}, torch {torch.__version__}, "
                                            f"threads {args.threads} (BLAS and torch)")

    rng = np.random.default_rng(0)
    parameters = initialize_lstm_parameters(N_X, N_A, seed=0)
    x = rng.normal(size=(N_X, M, T_X))
    a0 = np.zeros((N_A, M))
    da = rng.normal(size=(N_A, M, T_X))

    def numpy_step():
        _, _, _, caches = lstm_forward(x, a0, parameters)
        return lstm_backward(da, caches)

    lstm = torch.nn.LSTM(N_X, N_A, dtype=torch.float64)
    x_torch = torch.from_numpy(x.transpose(2, 1, 0).copy()).requires_grad_()  # (T, m, n_x)
    da_torch = torch.from_numpy(da.transpose(2, 1, 0).copy())

    def torch_step():
        lstm.zero_grad()
        x_torch.grad = None
        out, _ = lstm(x_torch)
        out.backward(da_torch)

    # Alternate the two so that a change in machine load hits both alike.
    t_numpy, t_torch = float("inf"), float("inf")
    for _ in range(args.repeats):
        t_numpy = min(t_numpy, best_time(numpy_step, 1))
        t_torch = min(t_torch, best_time(torch_step, 1))
        guard.check()
    guard.publish(["| torch.nn.LSTM | NumPy | NumPy / torch |", "|---:|---:|---:|",
                   f"| {1e3 * t_torch:.1f} ms | {1e3 * t_numpy:.1f} ms | {t_numpy / t_torch:.2f}x |"],
                  notes=[f"LSTM forward+backward, float64, m={M}, T={T_X}, n_x={N_X}, n_a={N_A}, "
                         f"best of {args.repeats}, alternating"])


if __name__ == "__main__":
    main()
