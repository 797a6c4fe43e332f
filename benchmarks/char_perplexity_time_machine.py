"""Character-level perplexity on The Time Machine, in the settings of d2l's recurrent-network chapters.

d2l.ai (Dive into Deep Learning, PyTorch edition 0.17, sections 8.5 and 9.1-9.2)
trains character-level models on the same book with:
- text: each line with every run of non-letters replaced by one space, stripped and lower-cased, the
  lines joined; the first 10,000 characters (load_data_time_machine's max_tokens);
- vocabulary: 28 tokens, the 26 letters, the space and <unk>;
- sequential partitioning into batch_size = 32 rows, windows of num_steps = 35, the state carried from
  window to window (gradients cut there), a random offset each epoch;
- one-hot inputs; the RNN from scratch with 512 hidden units, the GRU and the LSTM with 256;
- SGD with learning rate 1, gradients clipped to global norm 1, 500 epochs;
- reported: the training perplexity of the last epoch (about 1.0 for the 512-unit RNN, which has
  memorised its 10,000 characters).
This script trains the course's models (reference_impl.torch_models.LanguageModel, one-hot input, the
fused backend) in exactly those settings, and reports, over seeds, the same training perplexity and
the perplexity on the next 5,000 characters of the book, which no model saw (the number that says how
well it predicts English rather than its training text).

    .venv/bin/python benchmarks/char_perplexity_time_machine.py --epochs 500 --cells rnn gru lstm \\
        --seeds 0 1 2 --output char_perplexity.md                       # the full run (half an hour on one core)
    .venv/bin/python benchmarks/char_perplexity_time_machine.py --epochs 100 --cells rnn gru lstm
                                                                        # the small run of char_perplexity_time_machine.md
Our text is Project Gutenberg's current edition of the book (reference_impl/_book_data/the_time_machine.txt), which
differs from d2l's older copy in its front matter and a few words: compare the settings, not the digits.
"""
import argparse
import math
import re
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from reference_impl._book_data import read_text  # noqa: E402
from reference_impl.torch_models import LanguageModel  # noqa: E402
from reference_impl.torch_models.stream_lm import stream_windows  # noqa: E402

HIDDEN = {"rnn": 512, "gru": 256, "lstm": 256}  # d2l's sections 8.5, 9.1, 9.2
CELL_OPTIONS = {"rnn": {}, "gru": {"variant": "reset_after"}, "lstm": {}}
SETTINGS = {"train_characters": 10_000, "held_out_characters": 5_000, "batch_size": 32, "num_steps": 35,
            "learning_rate": 1.0, "max_norm": 1.0}


def d2l_characters():
    """The book as d2l reads it: non-letters -> one space per line, stripped, lower case, lines joined."""
    lines = read_text("the_time_machine.txt").splitlines()
    return "".join(re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in lines)


def vocabulary():
    """d2l's 28 tokens: <unk>, then the space and the letters (its order is by frequency; any order will do)."""
    return ["<unk>", " "] + [chr(c) for c in range(ord("a"), ord("z") + 1)]


def windows_perplexity(model, windows):
    """exp of the mean loss over a stream read window by window, the state carried across."""
    state, total, count = None, 0.0, 0
    with torch.no_grad():
        for x, y in windows:
            logits, state = model(x.T, state0=state)
            total += float(F.cross_entropy(logits.permute(1, 2, 0).reshape(-1, logits.shape[0]), y.T.reshape(-1),
                                           reduction="sum"))
            count += y.numel()
    return math.exp(total / count)


def train(cell, seed, epochs, train_ids, held_out_ids):
    """Train one model as d2l does; its last epoch's training perplexity and its held-out perplexity."""
    V, m, T = len(vocabulary()), SETTINGS["batch_size"], SETTINGS["num_steps"]
    model = LanguageModel(V, HIDDEN[cell], cell=cell, input="one_hot", seed=seed, backend="fused",
                          **CELL_OPTIONS[cell])
    optimizer = torch.optim.SGD(model.parameters(), lr=SETTINGS["learning_rate"])
    offsets = np.random.default_rng(seed).integers(0, T, size=epochs)
    for epoch in range(epochs):
        state, total, count = None, 0.0, 0
        for x, y in stream_windows(train_ids[offsets[epoch]:], m, T):
            logits, state = model(x.T, state0=state)  # the model reads (m, T) and returns (V, m, T)
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            loss = F.cross_entropy(logits.permute(1, 2, 0).reshape(-1, V), y.T.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), SETTINGS["max_norm"])
            optimizer.step()
            total, count = total + float(loss.detach()) * y.numel(), count + y.numel()
    held_out = windows_perplexity(model, stream_windows(held_out_ids, 1, 256))
    return math.exp(total / count), held_out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", choices=sorted(HIDDEN), default=["rnn"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--output", type=Path, help="also write the markdown table to this file")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    index = {token: i for i, token in enumerate(vocabulary())}
    ids = [index.get(c, 0) for c in d2l_characters()]
    n_train, n_held = SETTINGS["train_characters"], SETTINGS["held_out_characters"]
    train_ids, held_out_ids = ids[:n_train], ids[n_train: n_train + n_held]
    rows = [f"{len(ids):,} characters after d2l's preprocessing; |V| = {len(index)}; settings {SETTINGS}; "
            f"{args.epochs} epochs; seeds {args.seeds}", "",
            "| cell | hidden | training perplexity (d2l's number), mean [min, max] | held-out perplexity, "
            "mean [min, max] | seconds per run |", "|---|---|---|---|---|"]
    for cell in args.cells:
        start, results = time.perf_counter(), [train(cell, s, args.epochs, train_ids, held_out_ids) for s in args.seeds]
        seconds = (time.perf_counter() - start) / len(args.seeds)
        train_ppl, held_ppl = np.array(results).T
        rows.append(f"| {cell} | {HIDDEN[cell]} | {train_ppl.mean():.2f} [{train_ppl.min():.2f}, {train_ppl.max():.2f}] "
                    f"| {held_ppl.mean():.2f} [{held_ppl.min():.2f}, {held_ppl.max():.2f}] | {seconds:.0f} |")
        print(rows[-1], flush=True)
    print("\n".join(rows))
    if args.output:
        args.output.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
