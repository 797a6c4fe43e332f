"""Training throughput of the character language model: the course's trainer against plain torch.nn.

Three contestants train on the same batches of the names corpus (the same
seeded draws, padded by the same pad_sequences), each update being forward,
backward, global-norm clipping at 5 and an Adam step at 0.005 (the same
torch.optim.Adam for all, fused where the device has the kernel):
- torch.nn (the baseline): torch.nn.Embedding + torch.nn.RNN/GRU/LSTM + torch.nn.Linear, loss summed
  over real steps and averaged over examples, written as anyone would with torch.nn;
- fused: LanguageModelTrainer with backend="fused" (torch.nn's kernels on the model's own parameters);
- scratch: LanguageModelTrainer with backend="scratch" (the course's cells, one Python step per step).
The models have the same sizes (embedding n_e, n_a hidden units, V outputs).
The contestants alternate in blocks of --steps updates, so that a change in
load hits all of them; each figure is the best block of --repeats, in
characters (predicted tokens, <EOS> included) per second. The GRU is the
"reset_after" variant, the one torch.nn computes.

    .venv/bin/python benchmarks/lm_throughput.py                    # LSTM, n_a = 128, batch 64, CPU, 1 thread
    .venv/bin/python benchmarks/lm_throughput.py --cells rnn gru lstm --device cuda
    .venv/bin/python benchmarks/lm_throughput.py --trial --steps 5 --repeats 1   # check it works, no table
"""
import argparse
import time

import torch
from torch import nn
from torch.nn import functional as F

from load_guard import LoadGuard, add_arguments
from reference_impl.datasets import load_names
from reference_impl.text import Vocabulary
from reference_impl.torch_models import (
    LanguageModel,
    LanguageModelTrainer,
    pad_sequences,
    resolve_device,
    split_texts,
)
from reference_impl.torch_models.trainer import adam

CELL_OPTIONS = {"rnn": {}, "gru": {"variant": "reset_after"}, "lstm": {}}
TORCH_NN = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class TorchNNLanguageModel(nn.Module):
    """The baseline: torch.nn.Embedding + torch.nn.RNN/GRU/LSTM + torch.nn.Linear on (T, m) indices."""

    def __init__(self, cell, vocab_size, n_e, n_a, device):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size + 1, n_e, padding_idx=vocab_size, device=device)  # last: "nothing yet"
        self.recurrent = TORCH_NN[cell](n_e, n_a, device=device)
        self.output = nn.Linear(n_a, vocab_size, device=device)

    def forward(self, x):
        x_tm = torch.where(x < 0, self.vocab_size, x).T
        a, _ = self.recurrent(self.embedding(x_tm))
        return self.output(a)  # (T, m, V)


class TorchNNTrainer:
    """The same update as LanguageModelTrainer.train_step, on the baseline model, with the same batch draws."""

    def __init__(self, model, train_sequences, batch_size, learning_rate, max_norm, seed, device):
        self.model, self.sequences, self.batch_size, self.max_norm, self.device = (
            model, train_sequences, batch_size, max_norm, device)
        self.optimizer = adam(model.parameters(), learning_rate)  # the trainer's optimiser: the ratio is the models'
        self.generator = torch.Generator().manual_seed(seed)

    def train_step(self):
        self.model.train()
        index = torch.randperm(len(self.sequences), generator=self.generator)[: self.batch_size].tolist()
        x, y, lengths = pad_sequences([self.sequences[i] for i in index], device=self.device)
        logits = self.model(x)
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.T.reshape(-1), ignore_index=-1, reduction="sum")
        self.optimizer.zero_grad(set_to_none=True)
        (nll / len(index)).backward()
        norm = nn.utils.clip_grad_norm_(self.model.parameters(), self.max_norm)
        self.optimizer.step()
        return float(nll.detach()), int(lengths.sum()), float(norm)


def contestants(cell, n_a, n_e, batch_size, device, with_scratch, seed=0):
    names = load_names()
    vocab = Vocabulary.from_texts(names)
    train, valid = split_texts(names, valid_fraction=0.1, seed=seed)
    settings = {"batch_size": batch_size, "learning_rate": 0.005, "max_norm": 5.0, "seed": seed}
    backends = ["fused", "scratch"] if with_scratch else ["fused"]
    runners = {}
    torch.manual_seed(seed)
    baseline = TorchNNLanguageModel(cell, len(vocab), n_e, n_a, device)
    runners["torch.nn"] = TorchNNTrainer(baseline, [vocab.encode(t, add_eos=True).tolist() for t in train],
                                         device=device, **settings)
    for backend in backends:
        model = LanguageModel(len(vocab), n_a, cell=cell, n_e=n_e, seed=seed, device=device, **CELL_OPTIONS[cell])
        runners[backend] = LanguageModelTrainer(model, vocab, train, valid, progress=False, backend=backend, **settings)
    return runners


def characters_per_second(runner, steps, device):
    """(characters per second of wall-clock time, per second of this process's CPU time)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start, cpu_start, characters = time.perf_counter(), time.process_time(), 0
    for _ in range(steps):
        characters += runner.train_step()[1]
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return characters / (time.perf_counter() - start), characters / (time.process_time() - cpu_start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--cells", nargs="+", choices=sorted(CELL_OPTIONS), default=["lstm"])
    parser.add_argument("--n-a", type=int, default=128)
    parser.add_argument("--n-e", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=40, help="updates per timed block")
    parser.add_argument("--repeats", type=int, default=5, help="timed blocks per contestant, alternating")
    parser.add_argument("--threads", type=int, default=1, help="torch threads on the CPU")
    parser.add_argument("--no-scratch", action="store_true", help="leave out the (slow) scratch trainer")
    add_arguments(parser)
    args = parser.parse_args()
    device = resolve_device(args.device)
    torch.set_num_threads(args.threads)
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU, {args.threads} torch thread(s)"
    guard = LoadGuard.from_args(args, extra=f"torch {torch.__version__}; timed on {where}")
    rows = ["| cell | n_a | n_e | batch | device | torch.nn chars/s | fused chars/s | scratch chars/s "
            "| fused / torch.nn | scratch / torch.nn | fused / torch.nn, CPU time |",
            "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for cell in args.cells:
        runners = contestants(cell, args.n_a, args.n_e, args.batch_size, device, not args.no_scratch)
        for runner in runners.values():
            runner.train_step()  # warm-up: allocations, kernel selection
            runner.train_step()
        best = {name: 0.0 for name in runners}
        best_cpu = dict(best)
        for _ in range(args.repeats):
            for name, runner in runners.items():
                wall, cpu = characters_per_second(runner, args.steps, device)
                best[name], best_cpu[name] = max(best[name], wall), max(best_cpu[name], cpu)
                guard.check()
        scratch = best.get("scratch", float("nan"))
        # CPU time leaves out the time other programs held the core: on a quiet machine the two ratios
        # agree; on the GPU the CPU only launches kernels, so there it says nothing
        cpu_ratio = f"{best_cpu['fused'] / best_cpu['torch.nn']:.2f}" if device.type == "cpu" else "-"
        rows.append(f"| {cell} | {args.n_a} | {args.n_e} | {args.batch_size} | {device.type} | {best['torch.nn']:,.0f} "
                    f"| {best['fused']:,.0f} | {scratch:,.0f} | {best['fused'] / best['torch.nn']:.2f} "
                    f"| {scratch / best['torch.nn']:.2f} | {cpu_ratio} |")
        print(f"{cell}: fused / torch.nn {best['fused'] / best['torch.nn']:.2f}, scratch / torch.nn "
              f"{scratch / best['torch.nn']:.2f}", flush=True)
    guard.publish(rows, notes=[f"best of {args.repeats} blocks of {args.steps} updates each, contestants alternating"])


if __name__ == "__main__":
    main()
