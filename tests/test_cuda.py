"""On a CUDA GPU the torch models give the CPU's numbers; skipped where torch sees no GPU."""
import warnings

import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

from reference_impl.text import Vocabulary
from reference_impl.torch_models import (
    LanguageModel,
    LanguageModelTrainer,
    default_device,
    load_checkpoint,
    make_recurrent,
    pad_sequences,
    sample,
    to_torch_nn,
)

FORMS = [("rnn", {}), ("gru", {"variant": "notes"}), ("gru", {"variant": "reset_after"}), ("lstm", {"peepholes": True})]


def test_default_device_is_the_gpu():
    assert default_device().type == "cuda"


@pytest.mark.parametrize("cell,options", FORMS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gpu_forward_and_gradients_equal_cpu_in_float64(cell, options, bidirectional):
    results = []
    for device in ("cpu", "cuda"):
        layer = make_recurrent(cell, 3, 6, num_layers=2, bidirectional=bidirectional, seed=0, device=device,
                               dtype=torch.float64, **options)
        x = torch.randn(3, 4, 9, dtype=torch.float64, generator=torch.Generator().manual_seed(1)).to(device)
        lengths = torch.tensor([9, 2, 5, 9], device=device)
        a, _ = layer(x.requires_grad_(), lengths=lengths)
        (a**2).sum().backward()
        results.append([a.detach().cpu(), x.grad.cpu()] + [p.grad.cpu() for p in layer.parameters()])
    for on_cpu, on_gpu in zip(*results):
        torch.testing.assert_close(on_gpu, on_cpu, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell,options", [("rnn", {}), ("gru", {"variant": "reset_after"}), ("lstm", {})])
def test_gpu_layer_equals_cudnn(cell, options):
    layer = make_recurrent(cell, 5, 8, num_layers=2, bidirectional=True, seed=0, device="cuda", dtype=torch.float64,
                           **options)
    builtin = to_torch_nn(layer)
    x = torch.randn(5, 3, 7, dtype=torch.float64, device="cuda")
    torch.testing.assert_close(layer(x)[0], builtin(x.permute(2, 1, 0))[0].permute(2, 1, 0), rtol=1e-10, atol=1e-12)


def test_language_model_trains_samples_and_checkpoints_on_gpu(tmp_path):
    texts = ["anna", "bob", "clara", "dave", "eve", "frank", "greta", "hugo"]
    vocab = Vocabulary.from_texts(texts)
    model = LanguageModel(len(vocab), 16, cell="lstm", seed=0, device="cuda")
    trainer = LanguageModelTrainer(model, vocab, texts[:6], texts[6:], batch_size=3, progress=False)
    history = trainer.train(20, eval_every=10)
    assert all(p.device.type == "cuda" for p in model.parameters())
    assert history["train_perplexity"][-1] < len(vocab)
    drawn = [sample(model, vocab, seed=s) for s in range(3)]  # the generator lives on the model's device
    assert drawn == [sample(model, vocab, seed=s) for s in range(3)]
    assert all(isinstance(vocab.decode(d), str) and 1 <= len(d) <= 50 for d in drawn)
    trainer.save(tmp_path / "lm.ckpt")
    loaded = load_checkpoint(tmp_path / "lm.ckpt", vocab=vocab, device="cpu")["model"]
    for p, q in zip(model.parameters(), loaded.parameters()):
        assert torch.equal(p.cpu(), q)


@pytest.mark.parametrize("cell,options", [("rnn", {}), ("gru", {"variant": "reset_after"}), ("lstm", {})])
def test_fused_backend_runs_cudnn_and_equals_the_scratch_cells(cell, options):
    from torch.profiler import ProfilerActivity, profile

    texts = ["anna", "bob", "clara", "dave", "eve"]
    vocab = Vocabulary.from_texts(texts)
    model = LanguageModel(len(vocab), 16, cell=cell, num_layers=2, seed=0, device="cuda", dtype=torch.float64,
                          **options)
    x, y, lengths = pad_sequences([vocab.encode(t, add_eos=True).tolist() for t in texts], device="cuda")
    results = []
    for backend in ("scratch", "fused"):
        model.zero_grad(set_to_none=True)
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as profiler, \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            logits, state = model(x, lengths=lengths, backend=backend)
            ((logits**2).sum() + sum((s**2).sum() for layer in state for s in layer)).backward()
        assert not [w for w in caught if "contiguous chunk" in str(w.message)]  # the weights reach cuDNN in one buffer
        calls = {event.key for event in profiler.key_averages()}
        assert ("aten::_cudnn_rnn" in calls) == (backend == "fused"), calls
        results.append([logits.detach(), *[s.detach() for layer in state for s in layer],
                        *[p.grad.clone() for p in model.parameters()]])
    for scratch, fused in zip(*results):
        torch.testing.assert_close(fused, scratch, rtol=1e-9, atol=1e-11)


def test_trainer_on_gpu_uses_the_fused_backend_by_default():
    texts = ["anna", "bob", "clara", "dave", "eve", "frank"]
    vocab = Vocabulary.from_texts(texts)
    model = LanguageModel(len(vocab), 16, cell="lstm", seed=0)  # device None: the GPU
    trainer = LanguageModelTrainer(model, vocab, texts, texts, batch_size=3, progress=False)
    assert trainer.backend == "fused" and trainer.device.type == "cuda"
    history = trainer.train(20, eval_every=10)
    assert history["train_perplexity"][-1] < len(vocab)
