"""The RNN rung of chapter 6's perplexity ladder: word-level LSTMs on The Time Machine, over seeds.

Chapter 6 measures what a word model of The Time Machine must beat
(uniform, unigram, bigram; first 70 % of the words to train, next 10 % to
choose settings, last 20 % to test). Training word-level LSTMs over
several seeds takes minutes, more than a page may, so this script does it
and writes the test perplexities to reference_impl/_book_data/word_lm_ladder.json,
which the chapter plots:

    .venv/bin/python scripts/word_lm_ladder.py                 # every model, seeds 0 1 2: ~5 min on one core
    .venv/bin/python scripts/word_lm_ladder.py --check --seeds 0 --epochs 2
                                                               # re-train the first 2 epochs, compare with the file

Every model trains on the same budget: Adam, at most 20 passes, kept at
its best validation epoch (early stopping), the same split and vocabulary
as the chapter's baselines. The chapter's vocabulary holds every training
word, so the training words hold no <UNK> while a tenth of the test words
are <UNK>: the LSTMs train on the words with half of the once-seen word
types replaced by <UNK> (teach_unknown), and so does a fairer bigram,
written to the file beside the chapter's. Each LSTM is also mixed with that
bigram, lam * P_lstm + (1 - lam) * P_bigram, lam chosen on the validation
words as the bigram's own mix is.
"""
import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from agreement_sweep import REPO, add_results_options, run_as_the_book_does  # noqa: E402

RESULTS = REPO / "reference_impl" / "_book_data" / "word_lm_ladder.json"  # shipped with the library
SEEDS = (0, 1, 2)
SETTINGS = {"n_a": 128, "num_steps": 35, "batch_size": 16, "learning_rate": 0.003, "max_norm": 5.0, "epochs": 20,
            "patience": 3, "unknown_taught": 0.5}
# name -> model options; the same training budget for each
MODELS = {"LSTM": {"dropout": 0.0, "tie": False},
          "LSTM, dropout 0.5, tied": {"dropout": 0.5, "tie": True}}
MIXES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def split_words():
    """Chapter 6's split: lower-case words; train 70 %, validation 10 %, test 20 %; unseen words -> <UNK>."""
    from reference_impl._book_data import read_text

    words = re.findall(r"[a-z]+", read_text("the_time_machine.txt").lower())
    cut_train, cut_valid = int(0.7 * len(words)), int(0.8 * len(words))
    known = set(words[:cut_train])
    tokens = [w if w in known else "<UNK>" for w in words]
    return tokens[:cut_train], tokens[cut_train:cut_valid], tokens[cut_valid:], sorted(known) + ["<UNK>"]


class Bigram:
    """Chapter 6's bigram: counts of pairs mixed with the add-one unigram."""

    def __init__(self, train, vocab_size):
        self.unigram, self.pairs = Counter(train), Counter(zip(train[:-1], train[1:]))
        self.n, self.V = len(train), vocab_size

    def p_unigram(self, word):
        return (self.unigram[word] + 1) / (self.n + self.V)

    def probabilities(self, words, mix):
        """P(w_t | w_{t-1}) for t = 2..N."""
        return [mix * (self.pairs[(a, b)] / self.unigram[a] if self.unigram[a] else 0.0)
                + (1 - mix) * self.p_unigram(b) for a, b in zip(words[:-1], words[1:])]


def perplexity(probabilities):
    return math.exp(-sum(math.log(p) for p in probabilities) / len(probabilities))


def baselines(train, valid, test, vocab):
    """The ladder's counting models, as chapter 6 computes them, and the bigram's test probabilities."""
    bigram = Bigram(train, len(vocab))
    mix = min(MIXES, key=lambda m: perplexity(bigram.probabilities(valid, m)))
    ladder = {"uniform": float(len(vocab)), "unigram": perplexity([bigram.p_unigram(w) for w in test]),
              "bigram": perplexity(bigram.probabilities(test, mix))}
    return ladder, bigram, mix


def train_one(name, seed, data, epochs):
    """Train one model; its validation history, test perplexity, and test perplexity mixed with the bigram."""
    import torch

    from reference_impl.torch_models.stream_lm import (
        StreamLanguageModel,
        stream_log_probs,
        teach_unknown,
        train_stream_lm,
    )

    torch.set_num_threads(1)
    train, valid, test, vocab, bigram, bigram_mix = data
    index = {w: i for i, w in enumerate(vocab)}
    encoded = [[index[w] for w in part] for part in (train, valid, test)]
    encoded[0] = teach_unknown(encoded[0], index["<UNK>"], SETTINGS["unknown_taught"])
    model = StreamLanguageModel(len(vocab), SETTINGS["n_a"], seed=seed, **MODELS[name])
    history = train_stream_lm(model, encoded[0], encoded[1], epochs=epochs, batch_size=SETTINGS["batch_size"],
                              num_steps=SETTINGS["num_steps"], learning_rate=SETTINGS["learning_rate"],
                              max_norm=SETTINGS["max_norm"], seed=seed, patience=SETTINGS["patience"])
    p_valid, p_test = (stream_log_probs(model, part).exp().tolist() for part in encoded[1:])
    b_valid, b_test = bigram.probabilities(valid, bigram_mix), bigram.probabilities(test, bigram_mix)

    def mixed(p, b, lam):
        return perplexity([lam * x + (1 - lam) * y for x, y in zip(p, b)])

    lam = min(MIXES, key=lambda m: mixed(p_valid, b_valid, m))
    return {"valid_history": [round(v, 4) for v in history["valid"]], "best_epoch": history["best_epoch"],
            "test": round(perplexity(p_test), 4), "mix": lam, "test_mixed_with_bigram": round(mixed(p_test, b_test, lam), 4)}


def load_data():
    """Chapter 6's baselines, and the data the LSTMs train on: the split, and the bigram with <UNK> taught."""
    train, valid, test, vocab = split_words()
    ladder, _, _ = baselines(train, valid, test, vocab)
    bigram, bigram_mix = taught_bigram(train, valid, vocab)
    return ladder, (train, valid, test, vocab, bigram, bigram_mix)


def taught_bigram(train, valid, vocab):
    """The bigram counted on the training words with <UNK> taught as the LSTMs see them, and its mix."""
    from reference_impl.torch_models.stream_lm import teach_unknown

    index = {w: i for i, w in enumerate(vocab)}
    taught = [vocab[i] for i in teach_unknown([index[w] for w in train], index["<UNK>"], SETTINGS["unknown_taught"])]
    bigram = Bigram(taught, len(vocab))
    return bigram, min(MIXES, key=lambda m: perplexity(bigram.probabilities(valid, m)))


def results_document(seeds, ladder, bigram_mix, vocab_size, runs, bigram_taught=None):
    return {
        "about": "Test perplexity of word-level models of The Time Machine (chapter 6's split and vocabulary). "
                 "Written by scripts/word_lm_ladder.py; do not edit by hand.",
        "settings": dict(SETTINGS, models=MODELS, training="embedding (n_e = n_a) -> LSTM -> W_{ya} a + b_y; Adam; "
                         "truncated BPTT over the stream; weights of the best validation epoch kept; "
                         "gradients clipped at global norm max_norm; in the training words, "
                         "the share unknown_taught of the words seen once replaced by <UNK> (teach_unknown)", mixes=list(MIXES)),
        "vocab_size": vocab_size, "taught_bigram_mix": bigram_mix, "baselines": ladder,
        "bigram_unknown_taught": bigram_taught, "seeds": list(seeds),
        "runs": runs,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"],
                        help="with --check: re-train this many epochs and compare their validation perplexities")
    add_results_options(parser, SEEDS, RESULTS)
    args = parser.parse_args(argv)
    run_as_the_book_does()
    ladder, data = load_data()
    if args.check:
        stored = json.loads(args.results.read_text(encoding="utf-8"))
        fresh_settings = results_document([], ladder, data[5], len(data[3]), {})["settings"]
        if stored["settings"] != fresh_settings or stored["baselines"] != ladder:
            print(f"{args.results} was made with other settings or baselines: {stored['settings']} {stored['baselines']}")
            return 1
        problems = []
        for name in MODELS:
            for seed in args.seeds:
                kept = stored["runs"][name][str(seed)]["valid_history"][: args.epochs]
                fresh = train_one(name, seed, data, args.epochs)["valid_history"][: len(kept)]
                if not all(math.isclose(a, b, rel_tol=1e-4) for a, b in zip(kept, fresh)) or len(fresh) != len(kept):
                    problems.append(f"{name}, seed {seed}: stored validation perplexities {kept}, computed {fresh}")
        print("\n".join(problems) if problems else f"{args.results}: seeds {args.seeds}, {args.epochs} epochs reproduced")
        return 1 if problems else 0
    runs = {name: {} for name in MODELS}
    for seed in args.seeds:
        for name in MODELS:
            runs[name][str(seed)] = train_one(name, seed, data, SETTINGS["epochs"])
            print(f"seed {seed} {name}: {runs[name][str(seed)]}", flush=True)
    bigram_taught = perplexity(data[4].probabilities(data[2], data[5]))
    args.results.write_text(json.dumps(results_document(args.seeds, ladder, data[5], len(data[3]), runs, bigram_taught), indent=1)
                            + "\n", encoding="utf-8")
    print(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
