"""The torch language model: same loss as the NumPy one, training, sampling, checkpoints."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from recurrent_helpers import FLOAT64_AGREEMENT, with_random_biases
from reference_impl import initialize_rnn_parameters, rnn_model_backward, rnn_model_forward
from reference_impl.char_lm import language_model_batch
from reference_impl.datasets import load_names
from reference_impl.text import Vocabulary
from reference_impl.torch_models import (
    LanguageModel,
    LanguageModelTrainer,
    load_checkpoint,
    numpy_to_layer,
    pad_sequences,
    sample,
    split_texts,
)
from torch_fixtures import TEXTS

pytestmark = pytest.mark.usefixtures("one_thread")


def small_trainer(vocab, seed=0, n_a=8, **options):
    model = LanguageModel(len(vocab), n_a, cell="gru", input="embedding", n_e=6, seed=seed, device="cpu", **options)
    return LanguageModelTrainer(model, vocab, TEXTS[:9], TEXTS[9:], batch_size=4, learning_rate=0.01, progress=False)


def test_one_hot_rnn_language_model_equals_numpy_loss_and_gradients(vocab, rng):
    V, n_a = len(vocab), 5
    sequences = [vocab.encode(t, add_eos=True) for t in ("anna", "bo", "clara")]
    parameters = with_random_biases(initialize_rnn_parameters(V, n_a, V, seed=0), rng, scale=1.0)
    x, y, mask = language_model_batch(sequences, V)
    loss, _, cache = rnn_model_forward(x, y, np.zeros((n_a, 3)), parameters, "softmax", mask)
    expected = rnn_model_backward(cache)

    model = LanguageModel(V, n_a, cell="rnn", input="one_hot", device="cpu", dtype=torch.float64)
    numpy_to_layer(parameters, model.recurrent)
    with torch.no_grad():
        model.Wya.copy_(torch.tensor(parameters["Wya"]))
        model.by.copy_(torch.tensor(parameters["by"]))
    torch_loss = model.loss(*pad_sequences([s.tolist() for s in sequences]))
    torch_loss.backward()
    np.testing.assert_allclose(torch_loss.item(), loss, rtol=1e-10)
    cell = model.recurrent.cell
    for name, grad in [("dWax", cell.Wax.grad), ("dWaa", cell.Waa.grad), ("dba", cell.ba.grad),
                       ("dWya", model.Wya.grad), ("dby", model.by.grad)]:
        np.testing.assert_allclose(grad.numpy(), expected[name], **FLOAT64_AGREEMENT, err_msg=name)


def test_training_on_names_beats_the_uniform_baseline():
    names = load_names()
    vocab = Vocabulary.from_texts(names)
    train, valid = split_texts(names, valid_fraction=0.1, seed=0)
    model = LanguageModel(len(vocab), 16, cell="gru", n_e=8, seed=0, device="cpu")
    trainer = LanguageModelTrainer(model, vocab, train, valid, batch_size=32, learning_rate=0.02, progress=False)
    before = trainer.perplexity()
    history = trainer.train(60, eval_every=20)
    assert before > 0.8 * len(vocab)  # an untrained model is close to uniform
    assert history["valid_perplexity"][-1] < 0.5 * len(vocab)
    assert history["step"] == [20, 40, 60]


def test_training_is_reproducible_from_the_seed(vocab):
    first, second = small_trainer(vocab), small_trainer(vocab)
    assert first.train(5, eval_every=5) == second.train(5, eval_every=5)
    for p, q in zip(first.model.parameters(), second.model.parameters()):
        assert torch.equal(p, q)


def test_checkpoint_round_trip_and_resumed_training_are_exact(vocab, tmp_path):
    path = tmp_path / "lm.ckpt"
    uninterrupted = small_trainer(vocab)
    uninterrupted.train(3, eval_every=3)
    uninterrupted.save(path)
    uninterrupted.train(3, eval_every=3)

    resumed = small_trainer(vocab, seed=7)  # other initial weights, all overwritten by the checkpoint
    state = resumed.resume(path)
    assert state["step"] == 3 and resumed.step == 3
    resumed.train(3, eval_every=3)
    for (name, p), q in zip(uninterrupted.model.named_parameters(), resumed.model.parameters()):
        assert torch.equal(p, q), name

    rebuilt = load_checkpoint(path, vocab=vocab, device="cpu")
    assert rebuilt["vocab_tokens"] == vocab.index_to_token
    assert rebuilt["model"].config == uninterrupted.model.config


def test_the_best_checkpoint_holds_the_lowest_validation_perplexity(vocab, tmp_path):
    trainer = small_trainer(vocab)
    history = trainer.train(40, eval_every=4, best_path=tmp_path / "best.ckpt", checkpoint_path=tmp_path / "last.ckpt")
    best = min(range(len(history["step"])), key=history["valid_perplexity"].__getitem__)
    assert best != len(history["step"]) - 1, "the test needs a run whose last evaluation is not its best"
    kept = load_checkpoint(tmp_path / "best.ckpt", vocab=vocab, device="cpu")
    assert kept["step"] == history["step"][best]
    assert kept["extra"]["valid_perplexity"] == history["valid_perplexity"][best]
    assert load_checkpoint(tmp_path / "last.ckpt", vocab=vocab, device="cpu")["step"] == 40
    restored = small_trainer(vocab, seed=3)
    restored.resume(tmp_path / "best.ckpt")
    assert restored.perplexity() == pytest.approx(history["valid_perplexity"][best], rel=1e-6)


def test_loaded_tensors_equal_the_saved_ones(vocab, tmp_path):
    trainer = small_trainer(vocab)
    trainer.train(2, eval_every=2)
    trainer.save(tmp_path / "lm.ckpt")
    loaded = load_checkpoint(tmp_path / "lm.ckpt", device="cpu")["model"]
    saved = trainer.model.state_dict()
    for name, tensor in loaded.state_dict().items():
        assert torch.equal(tensor, saved[name]), name


def rewrite_payload(path, change):
    """Write the checkpoint at ``path`` again, its payload changed by ``change`` (as an older version wrote it)."""
    import hashlib
    import io

    from reference_impl.torch_models.checkpoint import MAGIC

    data = path.read_bytes()[len(MAGIC):].partition(b"\n")[2]
    payload = torch.load(io.BytesIO(data), weights_only=True)
    change(payload)
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    data = buffer.getvalue()
    path.write_bytes(MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data)


def with_old_output_key(payload):
    """The state dict as saved while the output weights were called Wy (same place in the model's order)."""
    payload["state_dict"] = {("Wy" if name == "Wya" else name): value for name, value in payload["state_dict"].items()}


def test_a_checkpoint_saved_with_the_old_output_key_loads_and_resumes_exactly(vocab, tmp_path):
    path = tmp_path / "old.ckpt"
    uninterrupted = small_trainer(vocab)
    uninterrupted.train(3, eval_every=3)
    uninterrupted.save(path)
    saved = {name: tensor.clone() for name, tensor in uninterrupted.model.state_dict().items()}
    uninterrupted.train(3, eval_every=3)
    rewrite_payload(path, with_old_output_key)

    with pytest.warns(FutureWarning, match="old key 'Wy', renamed 'Wya'"):
        rebuilt = load_checkpoint(path, vocab=vocab, device="cpu")["model"]
    assert set(rebuilt.state_dict()) == set(saved)
    for name, tensor in rebuilt.state_dict().items():
        assert torch.equal(tensor, saved[name]), name

    resumed = small_trainer(vocab, seed=7)  # the optimiser's state is keyed by position: it fits as before
    with pytest.warns(FutureWarning, match="'Wy'"):
        resumed.resume(path)
    resumed.train(3, eval_every=3)
    for (name, p), q in zip(uninterrupted.model.named_parameters(), resumed.model.parameters()):
        assert torch.equal(p, q), name


def test_a_checkpoint_with_the_current_output_key_loads_without_a_warning(vocab, tmp_path):
    import warnings

    small_trainer(vocab).save(tmp_path / "lm.ckpt")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = load_checkpoint(tmp_path / "lm.ckpt", vocab=vocab, device="cpu")["model"]
    assert "Wya" in model.state_dict() and "Wy" not in model.state_dict()


def test_a_checkpoint_with_both_the_old_and_the_new_output_key_is_refused_by_name(vocab, tmp_path):
    path = tmp_path / "both.ckpt"
    small_trainer(vocab).save(path)
    rewrite_payload(path, lambda payload: payload["state_dict"].update(Wy=payload["state_dict"]["Wya"]))
    with pytest.raises(ValueError, match="holds both 'Wy', the old name of 'Wya', and 'Wya'"):
        load_checkpoint(path, vocab=vocab, device="cpu")


def test_corrupt_or_foreign_files_are_refused(vocab, tmp_path):
    path = tmp_path / "lm.ckpt"
    small_trainer(vocab).save(path)
    raw = bytearray(path.read_bytes())
    raw[-100] ^= 0xFF
    (tmp_path / "flipped.ckpt").write_bytes(bytes(raw))
    (tmp_path / "truncated.ckpt").write_bytes(path.read_bytes()[:-10])
    (tmp_path / "other.pt").write_bytes(b"not a checkpoint at all")
    for name in ("flipped.ckpt", "truncated.ckpt"):
        with pytest.raises(ValueError, match="corrupt"):
            load_checkpoint(tmp_path / name)
    with pytest.raises(ValueError, match="not a checkpoint"):
        load_checkpoint(tmp_path / "other.pt")


def test_mismatched_architecture_or_vocabulary_is_named(vocab, tmp_path):
    path = tmp_path / "lm.ckpt"
    small_trainer(vocab).save(path)
    with pytest.raises(ValueError, match="n_a: expected 9, checkpoint has 8"):
        small_trainer(vocab, n_a=9).resume(path)
    with pytest.raises(ValueError, match="different vocabulary"):
        load_checkpoint(path, vocab=Vocabulary(list("abcdefghijklmnopqrstuvwxyz")))


def test_sampling_is_reproducible_and_respects_its_limits(vocab):
    model = LanguageModel(len(vocab), 8, cell="lstm", seed=0, device="cpu")
    with torch.no_grad():  # untrained, the first step would be an exact tie between all tokens
        model.by.copy_(torch.randn(model.by.shape, generator=torch.Generator().manual_seed(0)))

    def draws(**kw):
        return [sample(model, vocab, seed=seed, **kw) for seed in range(6)]

    assert draws() == draws() and all(isinstance(i, int) for d in draws() for i in d)
    assert len({tuple(d) for d in draws()}) > 1  # the seed changes the draw
    assert all(len(d) <= 3 for d in draws(max_length=3))
    assert all(d[-1] == vocab.eos_index or len(d) == 50 for d in draws())
    assert all(vocab.eos_index not in d[:-1] for d in draws())
    assert len({tuple(d) for d in draws(temperature=1e-4, max_length=10)}) == 1  # near-argmax: every draw is the same
    assert all(vocab.unk_index not in d for d in draws(temperature=5.0))
    with pytest.raises(ValueError, match="temperature must be positive"):
        sample(model, vocab, temperature=0.0)
    with pytest.raises(ValueError, match="max_length must be a positive integer"):
        sample(model, vocab, max_length=0)


def test_sampling_draws_from_the_softmax_of_the_scaled_logits(vocab):
    """The first token of many seeds follows softmax(logits / T) with <UNK> removed, computed here by hand."""
    model = LanguageModel(len(vocab), 8, cell="gru", seed=0, device="cpu")
    with torch.no_grad():
        model.by.copy_(torch.randn(model.by.shape, generator=torch.Generator().manual_seed(1)))
        logits = model(torch.full((1, 1), -1))[0][:, 0, 0]
    for temperature, avoid_unk in ((0.5, True), (2.0, False)):
        scores = logits / temperature
        if avoid_unk:
            scores[vocab.unk_index] = -float("inf")
        expected = torch.softmax(scores, dim=0).numpy()
        firsts = [sample(model, vocab, seed=s, temperature=temperature, max_length=1, avoid_unk=avoid_unk)[0]
                  for s in range(2000)]
        drawn = np.bincount(firsts, minlength=len(vocab)) / len(firsts)
        assert 0.5 * np.abs(drawn - expected).sum() < 0.06


def test_bad_language_model_settings_are_refused(vocab):
    with pytest.raises(ValueError, match="input must be one of"):
        LanguageModel(len(vocab), 4, input="bag_of_words")
    model = LanguageModel(len(vocab), 4, device="cpu")
    with pytest.raises(ValueError, match="indices in"):
        model(torch.tensor([[len(vocab)]]))
    with pytest.raises(ValueError, match="vocabulary has"):
        LanguageModelTrainer(model, Vocabulary(list("ab")), TEXTS, TEXTS)


def test_deep_one_hot_model_samples_and_rebuilds_from_its_checkpoint(vocab, tmp_path):
    model = LanguageModel(len(vocab), 6, cell="lstm", num_layers=2, input="one_hot", seed=0, device="cpu",
                          peepholes=True)
    trainer = LanguageModelTrainer(model, vocab, TEXTS, TEXTS, batch_size=4, progress=False)
    trainer.train(2, eval_every=2)
    trainer.save(tmp_path / "deep.ckpt")
    rebuilt = load_checkpoint(tmp_path / "deep.ckpt", device="cpu")["model"]
    assert rebuilt.config == model.config
    draws = [[sample(m, vocab, seed=s) for s in range(3)] for m in (model, rebuilt)]
    assert draws[0] == draws[1] and len(draws[0]) == 3
