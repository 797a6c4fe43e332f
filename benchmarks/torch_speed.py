"""Forward + backward time of the recurrent layers: NumPy reference vs torch scratch vs torch.nn.

Three implementations of the same layer, timed in the same run:
- NumPy: reference_impl.recurrent_layer (layer_forward + layer_backward), float64, CPU;
- torch scratch: reference_impl.torch_models (the cells' Python loop, autograd), float32;
- torch.nn: torch.nn.RNN/GRU/LSTM with the same weights (oneDNN on CPU, cuDNN on GPU), float32.
The GRU is the reset_after variant, the one torch.nn computes. Each time is
the best of --repeats runs after one warm-up, the three implementations
alternating so that a change in the machine's load hits all of them. A
ratio a / b above 1 means b is faster.

After the table, the scratch layers' time at T_x = 100 over their time at
T_x = 50 for every (m, n_a) measured at both lengths (linear is 2x). With
--lm-steps, a training run of the names language model with its validation
perplexity. The language model's training throughput against plain torch.nn
is benchmarks/lm_throughput.py.

Every run states the machine and records the load average before, during and
after (benchmarks/load_guard.py): on a busy machine it refuses to print a
table; --trial runs anyway to check the script, marked as such.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/torch_speed.py  # CPU sizes, one thread, a few minutes
    .venv/bin/python benchmarks/torch_speed.py --device cuda --sizes full   # every size, on a GPU (cuDNN)
    .venv/bin/python benchmarks/torch_speed.py --skip-speed --lm-steps 800  # the perplexity run
"""
import argparse
import time

import numpy as np
import torch

from load_guard import LoadGuard, add_arguments
from reference_impl.datasets import load_names
from reference_impl.recurrent_layer import initialize_layer_parameters, layer_backward, layer_forward
from reference_impl.text import Vocabulary
from reference_impl.torch_models import (
    LanguageModel,
    LanguageModelTrainer,
    make_recurrent,
    numpy_to_layer,
    resolve_device,
    split_texts,
    to_torch_nn,
)

CELLS = [("rnn", {}), ("gru", {"variant": "reset_after"}), ("lstm", {})]
SIZES = {  # (m, T_x, n_a)
    "cpu": [(64, 50, 128), (256, 50, 128), (256, 100, 128), (64, 50, 512)],
    "full": [(m, T, n_a) for m in (64, 256) for T in (50, 100) for n_a in (128, 512)],
    "cliff": [(256, 50, 128), (256, 100, 128)],  # only the T_x = 100 against T_x = 50 check
}
N_X = 64


def best_seconds(runs, repeats, device):
    """Best of `repeats` timings of each run; the runs alternate, so a change in load hits all of them."""
    def timed(run):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        run()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return time.perf_counter() - start

    for run in runs:
        timed(run)  # warm-up: allocations, kernel selection
    times = [[timed(run) for run in runs] for _ in range(repeats)]
    return [min(column) for column in zip(*times)]


def time_layer(cell, options, m, T_x, n_a, device, repeats, with_numpy):
    rng = np.random.default_rng(0)
    parameters = initialize_layer_parameters(cell, N_X, n_a, seed=0, **options)
    x = rng.standard_normal((N_X, m, T_x))
    da = rng.standard_normal((n_a, m, T_x))

    def numpy_step():
        _, cache = layer_forward(cell, x, None, parameters, **options)
        layer_backward(da, cache)

    layer = numpy_to_layer(parameters, make_recurrent(cell, N_X, n_a, device=device, **options))
    builtin = to_torch_nn(layer)
    x_t = torch.tensor(x, dtype=torch.float32, device=device)
    da_t = torch.tensor(da, dtype=torch.float32, device=device)
    x_tm, da_tm = x_t.permute(2, 1, 0).contiguous(), da_t.permute(2, 1, 0).contiguous()

    def scratch_step():
        layer.zero_grad(set_to_none=True)
        a, _ = layer(x_t)
        (a * da_t).sum().backward()

    def builtin_step():
        builtin.zero_grad(set_to_none=True)
        a, _ = builtin(x_tm)
        (a * da_tm).sum().backward()

    if not with_numpy:
        return (float("nan"), *best_seconds([scratch_step, builtin_step], repeats, device))
    return tuple(best_seconds([numpy_step, scratch_step, builtin_step], repeats, device))


def speed_table(device, sizes, repeats, with_numpy, guard):
    rows = ["| cell | m | T_x | n_a | NumPy ms | torch scratch ms | torch.nn ms | scratch / torch.nn | NumPy / scratch |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    scratch_times, notes = {}, []
    for cell, options in CELLS:
        for m, T_x, n_a in sizes:
            numpy_s, scratch_s, builtin_s = time_layer(cell, options, m, T_x, n_a, device, repeats, with_numpy)
            guard.check()
            scratch_times[cell, m, n_a, T_x] = scratch_s
            rows.append(f"| {cell} | {m} | {T_x} | {n_a} | {1e3 * numpy_s:.1f} | {1e3 * scratch_s:.1f} | "
                        f"{1e3 * builtin_s:.1f} | {scratch_s / builtin_s:.2f} | {numpy_s / scratch_s:.1f} |")
            print(rows[-1], flush=True)
    for (cell, m, n_a, T_x), seconds in scratch_times.items():
        if T_x == 100 and (cell, m, n_a, 50) in scratch_times:
            notes.append(f"scratch {cell}, m = {m}, n_a = {n_a}: T_x = 100 takes "
                         f"{seconds / scratch_times[cell, m, n_a, 50]:.2f}x the time of T_x = 50 (linear: 2x)")
    return rows, notes


def names_trainer(cell, n_a, device, batch_size, seed=0):
    """The names language model and its trainer; the train/validation split is always seed 0's, so
    that seeds differ only in the starting weights and the order of the batches."""
    names = load_names()
    vocab = Vocabulary.from_texts(names)
    train, valid = split_texts(names, valid_fraction=0.1, seed=0)
    model = LanguageModel(len(vocab), n_a, cell=cell, n_e=32, seed=seed, device=device)
    return LanguageModelTrainer(model, vocab, train, valid, batch_size=batch_size, learning_rate=0.005,
                                max_norm=5.0, seed=seed, progress=False), vocab


def spread(values):
    """'median [min, max]' of a few runs' values."""
    return f"{np.median(values):.2f} [{min(values):.2f}, {max(values):.2f}]"


def lm_perplexity_run(device, steps, cell, n_a, seeds, batch_size=64):
    histories, notes = [], []
    for seed in seeds:
        trainer, vocab = names_trainer(cell, n_a, device, batch_size, seed=seed)
        start = time.perf_counter()
        history = trainer.train(steps, eval_every=max(1, steps // 10))
        best = int(np.argmin(history["valid_perplexity"]))
        notes.append(f"seed {seed}: {steps} steps in {time.perf_counter() - start:.0f} s ({trainer.backend} backend); "
                     f"best validation perplexity {history['valid_perplexity'][best]:.2f} after "
                     f"{history['step'][best]} steps; whole training set at the end "
                     f"{trainer.perplexity(trainer.train_sequences):.2f}")
        histories.append(history)
    rows = [f"| step | train perplexity, median [min, max] of {len(seeds)} seeds | validation perplexity |",
            "|---:|---:|---:|"]
    for i, step in enumerate(histories[0]["step"]):
        rows.append(f"| {step} | {spread([h['train_perplexity'][i] for h in histories])} | "
                    f"{spread([h['valid_perplexity'][i] for h in histories])} |")
    notes.insert(0, f"{cell} n_a={n_a} n_e=32 batch={batch_size}, seeds {', '.join(map(str, seeds))} (weights and "
                    f"batch order; the split is seed 0's); uniform baseline perplexity V = {len(vocab)}")
    return rows, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--sizes", choices=sorted(SIZES), default="cpu")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-numpy", action="store_true", help="skip the (slow) NumPy column")
    parser.add_argument("--lm-steps", type=int, default=0, help="also train the names LM this many steps")
    parser.add_argument("--lm-cell", default="lstm", choices=[c for c, _ in CELLS])
    parser.add_argument("--lm-n-a", type=int, default=64)
    parser.add_argument("--lm-seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds of the LM runs")
    parser.add_argument("--skip-speed", action="store_true", help="only the language model run")
    add_arguments(parser)
    args = parser.parse_args()
    device = resolve_device(args.device)
    # Gradients that fade over 100 steps reach float32's subnormal range, where CPU arithmetic
    # is many times slower; oneDNN flushes them to zero inside torch.nn, so the scratch code does too.
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    where = (f"{torch.cuda.get_device_name(device)} (cuDNN {torch.backends.cudnn.version()})" if device.type == "cuda"
             else f"CPU, {torch.get_num_threads()} torch thread(s)")
    guard = LoadGuard.from_args(args, extra=f"torch {torch.__version__}, NumPy {np.__version__}; timed on {where}")
    rows, notes = [], []
    if not args.skip_speed:
        rows, notes = speed_table(device, SIZES[args.sizes], args.repeats, not args.no_numpy, guard)
    if args.lm_steps:
        lm_rows, lm_notes = lm_perplexity_run(device, args.lm_steps, args.lm_cell, args.lm_n_a, args.lm_seeds)
        rows, notes = rows + ([""] if rows else []) + lm_rows, notes + lm_notes
    guard.publish(rows, notes)


if __name__ == "__main__":
    main()
