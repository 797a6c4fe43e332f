"""The language model of a token stream (truncated BPTT) and chapter 6's word-level ladder built on it."""
import copy
import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch

from reference_impl.torch_models.stream_lm import (
    StreamLanguageModel,
    sample_stream,
    stream_log_probs,
    stream_perplexity,
    stream_windows,
    teach_unknown,
    train_stream_lm,
)

REPO = Path(__file__).resolve().parent.parent
LADDER_SCRIPT = REPO / "scripts" / "word_lm_ladder.py"
LADDER_RESULTS = REPO / "reference_impl" / "_book_data" / "word_lm_ladder.json"
sys.path.insert(0, str(REPO / "scripts"))
import word_lm_ladder  # noqa: E402


@pytest.fixture(scope="module")
def ladder():
    return json.loads(LADDER_RESULTS.read_text(encoding="utf-8"))


def test_windows_cut_the_stream_into_rows_that_continue_from_window_to_window():
    windows = stream_windows(range(23), batch_size=2, num_steps=4)
    x = torch.cat([w[0] for w in windows])  # (row_length, m): each column is one row of the stream
    y = torch.cat([w[1] for w in windows])
    assert x[:, 0].tolist() == list(range(11)) and x[:, 1].tolist() == list(range(11, 22))
    assert torch.equal(y, x + 1)
    assert [tuple(w[0].shape) for w in windows] == [(4, 2), (4, 2), (3, 2)]


def test_windows_refuse_a_stream_too_short_for_the_batch():
    with pytest.raises(ValueError, match="too few"):
        stream_windows(range(3), batch_size=4, num_steps=2)


def test_teach_unknown_replaces_a_share_of_the_words_seen_once_and_nothing_else():
    stream = [0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]  # seen once: 0 and 2..8 (eight types); 9 is <UNK>
    taught = teach_unknown(stream, unk_index=9, fraction=0.5, seed=0)
    replaced = {k for k, t in zip(stream, taught) if t != k}
    assert len(replaced) == 4 and replaced <= {0, 2, 3, 4, 5, 6, 7, 8}
    assert [t for k, t in zip(stream, taught) if k not in replaced] == [k for k in stream if k not in replaced]
    assert taught == teach_unknown(stream, 9, 0.5, seed=0) and teach_unknown(stream, 9, 0.0) == stream


def test_log_probs_carry_the_state_across_windows():
    model = StreamLanguageModel(7, 5, seed=0)
    tokens = torch.randint(0, 7, (30,), generator=torch.Generator().manual_seed(1)).tolist()
    whole = stream_log_probs(model, tokens, num_steps=100)
    assert torch.allclose(stream_log_probs(model, tokens, num_steps=4), whole, atol=1e-6)
    logits, _ = model(torch.tensor(tokens[:-1]).view(-1, 1))  # by hand: one forward pass, log-softmax of the targets
    by_hand = torch.log_softmax(logits[:, 0], dim=1)[torch.arange(29), torch.tensor(tokens[1:])]
    assert torch.allclose(whole, by_hand, atol=1e-6)
    assert math.isclose(stream_perplexity(model, tokens), math.exp(-float(whole.mean())), rel_tol=1e-9)


def test_tied_model_reads_its_output_matrix_from_the_embedding():
    tied, untied = StreamLanguageModel(11, 6, tie=True, seed=0), StreamLanguageModel(11, 6, seed=0)
    assert tied.Wya is None and untied.Wya.shape == (11, 6)
    assert sum(p.numel() for p in untied.parameters()) - sum(p.numel() for p in tied.parameters()) == 11 * 6
    with torch.no_grad():
        tied.embedding[3] += 1.0  # moves the logit of word 3 too
    logits, _ = tied(torch.tensor([[0]]))
    a, _ = tied.recurrent(tied.embedding[0].view(-1, 1, 1))  # the course's layer, step by step: (n_a, m, T)
    assert torch.allclose(logits[0, 0], tied.embedding @ a[:, 0, 0] + tied.by, atol=1e-5)
    with pytest.raises(ValueError, match="n_e == n_a"):
        StreamLanguageModel(11, 6, n_e=4, tie=True)


def test_weights_saved_with_the_old_output_key_load_with_a_warning_and_a_tied_model_refuses_them():
    saved = StreamLanguageModel(11, 6, seed=0).state_dict()
    old = {("Wy" if name == "Wya" else name): tensor for name, tensor in saved.items()}
    model = StreamLanguageModel(11, 6, seed=1)
    with pytest.warns(FutureWarning, match="old key 'Wy', renamed 'Wya'"):
        model.load_state_dict(old)
    assert "Wy" in old and all(torch.equal(tensor, saved[name]) for name, tensor in model.state_dict().items())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.load_state_dict(saved)  # the current key: no warning
    with pytest.raises(RuntimeError, match="Unexpected key.*Wy"):  # a tied model has no output matrix of its own
        StreamLanguageModel(11, 6, tie=True).load_state_dict(old)


def test_dropout_acts_in_training_only():
    model = StreamLanguageModel(9, 8, dropout=0.5, seed=0)
    x = torch.tensor([[1], [2], [3]])
    model.eval()
    assert torch.equal(model(x)[0], model(x)[0])
    model.train()
    assert not torch.equal(model(x)[0], model(x)[0])


def test_training_keeps_the_weights_of_the_best_validation_epoch_and_stops_with_patience():
    generator = torch.Generator().manual_seed(0)
    train = torch.randint(0, 5, (400,), generator=generator).tolist()
    valid = torch.randint(0, 5, (100,), generator=generator).tolist()  # random: training on train overfits it
    model = StreamLanguageModel(5, 16, seed=0)
    history = train_stream_lm(model, train, valid, epochs=30, batch_size=4, num_steps=10, learning_rate=0.03,
                              seed=0, patience=2)
    assert len(history["valid"]) == history["best_epoch"] + 2 < 30
    assert math.isclose(stream_perplexity(model, valid), min(history["valid"]), rel_tol=1e-6)


def test_training_learns_a_repeating_stream():
    stream = [0, 1, 2, 3] * 100
    model = StreamLanguageModel(4, 8, seed=0)
    history = train_stream_lm(model, stream, stream, epochs=5, batch_size=4, num_steps=10, learning_rate=0.05)
    assert history["valid"][-1] < 1.2 < 2.5 < history["train"][0]  # chance is 4


def test_sampling_is_seeded_feeds_draws_back_and_never_draws_a_forbidden_token():
    model = StreamLanguageModel(6, 8, seed=0)

    def draw(seed, temperature=1.0):
        return sample_stream(model, [1, 2], 40, temperature, seed=seed, forbid=[5])

    assert draw(3) == draw(3) and draw(3) != draw(4)
    assert 5 not in draw(3) + draw(4, temperature=3.0)
    # a near-zero temperature is greedy: each draw is the argmax given the prompt and the earlier draws
    greedy = sample_stream(model, [1, 2], 5, 1e-4, seed=0)
    for t in range(5):
        logits, _ = model(torch.tensor([1, 2] + greedy[:t]).view(-1, 1))
        assert greedy[t] == int(logits[-1, 0].argmax())
    with pytest.raises(ValueError, match="temperature"):
        sample_stream(model, [1], 3, 0.0)


def test_sampling_carries_the_state_from_draw_to_draw():
    """In 0 1 0 2 0 1 0 2 ... the word after a 0 depends on the word before it: only a carried state knows it."""
    stream = [0, 1, 0, 2] * 100
    model = StreamLanguageModel(3, 8, seed=0)
    history = train_stream_lm(model, stream, stream, epochs=25, batch_size=4, num_steps=12, learning_rate=0.05)
    assert history["valid"][-1] < 1.15  # 1 is perfect; about 1.4 without context
    drawn = sample_stream(model, [0, 1], 10, temperature=0.05, seed=0)
    assert drawn == [0, 2, 0, 1, 0, 2, 0, 1, 0, 2]


# ------------------------------------------------------------ chapter 6's ladder (book/data/word_lm_ladder.json)


def run_ladder_script(*arguments):
    return subprocess.run([sys.executable, str(LADDER_SCRIPT), *arguments], cwd=REPO, capture_output=True, text=True,
                          timeout=600)


def test_ladder_script_reproduces_the_first_epochs_of_the_stored_runs():
    result = run_ladder_script("--check", "--seeds", "1", "--epochs", "2")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ladder_check_reports_a_stored_value_that_differs(tmp_path, ladder):
    changed = copy.deepcopy(ladder)
    changed["runs"]["LSTM"]["0"]["valid_history"][0] *= 1.01
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(changed), encoding="utf-8")
    result = run_ladder_script("--check", "--seeds", "0", "--epochs", "1", "--results", str(altered))
    assert result.returncode == 1
    assert "LSTM, seed 0: stored validation perplexities" in result.stdout


def test_stored_ladder_has_every_model_for_at_least_three_seeds_and_the_chapter_baselines(ladder):
    train, valid, test, vocab = word_lm_ladder.split_words()
    baselines, _, _ = word_lm_ladder.baselines(train, valid, test, vocab)
    assert ladder["baselines"] == baselines and ladder["vocab_size"] == len(vocab)
    assert len(ladder["seeds"]) >= 3 and set(ladder["runs"]) == set(word_lm_ladder.MODELS)
    for runs in ladder["runs"].values():
        assert sorted(runs) == sorted(str(s) for s in ladder["seeds"])
    # the chapter: the plain LSTM overfits within the budget (validation perplexity rises after its best pass)
    assert all(run["best_epoch"] < len(run["valid_history"]) for run in ladder["runs"]["LSTM"].values())


# What chapter 6 says: every LSTM mixed with the bigram (<UNK> taught) beats it, and every LSTM alone beats the
# chapter's bigram; the plain LSTM beats the bigram with <UNK> taught even alone.
def _claims_hold(name, run, ladder):
    taught, bigram = ladder["bigram_unknown_taught"], ladder["baselines"]["bigram"]
    claims = [run["test_mixed_with_bigram"] < min(taught, run["test"]), run["test"] < bigram]
    if name == "LSTM":
        claims.append(run["test"] < taught)
    return all(claims)


def test_stored_ladder_supports_the_chapter_for_every_seed(ladder):
    for name, runs in ladder["runs"].items():
        for seed, run in runs.items():
            assert _claims_hold(name, run, ladder), (name, seed, run)


def test_chapter_claims_hold_for_a_seed_outside_the_results_file(ladder):
    _, data = word_lm_ladder.load_data()
    run = word_lm_ladder.train_one("LSTM", 7, data, ladder["settings"]["epochs"])
    assert _claims_hold("LSTM", run, ladder), run
