"""The fused backend (torch.nn's kernels on the model's own parameters) computes what the course's cells compute.

Same weights, two backends: the outputs, the final states, every gradient and a whole training
trajectory agree to float64 rounding; the fused backend really runs torch's fused kernel (not
the cells' Python loop), and refuses the cells torch.nn does not compute.
"""
import pytest

torch = pytest.importorskip("torch")

from recurrent_helpers import FLOAT64_AGREEMENT
from reference_impl.torch_models import (
    LanguageModel,
    LanguageModelTrainer,
    load_checkpoint,
    make_recurrent,
    pad_sequences,
    resolve_backend,
    run_fused,
    sample,
)
from torch_fixtures import TEXTS

pytestmark = pytest.mark.usefixtures("one_thread")

FUSED_FORMS = [("rnn", {}), ("gru", {"variant": "reset_after"}), ("lstm", {})]
SCRATCH_ONLY = [("gru", {"variant": "notes"}), ("gru", {"variant": "simplified"}), ("lstm", {"peepholes": True})]
KERNELS = {"rnn": "aten::rnn_tanh", "gru": "aten::gru", "lstm": "aten::lstm"}


def float64_model(vocab, cell, options, num_layers=1, input="embedding", backend="scratch"):
    model = LanguageModel(len(vocab), 6, cell=cell, num_layers=num_layers, input=input, n_e=5, seed=0, device="cpu",
                          dtype=torch.float64, backend=backend, **options)
    with torch.no_grad():  # a nonzero output bias, so that its gradient is tested too
        model.by.copy_(torch.randn(model.by.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(1)))
    return model


def batch(vocab, texts=("anna", "bo", "clara", "ida")):
    return pad_sequences([vocab.encode(t, add_eos=True).tolist() for t in texts])


def flat_state(state):
    layers = state if isinstance(state, list) else [state]
    return [s for layer_state in layers for s in layer_state]


def outputs_and_gradients(model, x, lengths, backend, state0=None, final_state=True):
    model.zero_grad(set_to_none=True)
    logits, state = model(x, lengths=lengths, state0=state0, backend=backend, final_state=final_state)
    state = state if final_state else []
    # a loss that reaches every logit (padding ones too) and every final state tensor
    weights = torch.linspace(-1, 1, logits.numel(), dtype=logits.dtype).view(logits.shape)
    ((logits * weights).sum() + sum((s**2).sum() for s in flat_state(state))).backward()
    return {"logits": logits.detach(), **{f"state{k}": s.detach() for k, s in enumerate(flat_state(state))},
            **{"d" + name: p.grad.clone() for name, p in model.named_parameters()}}


@pytest.mark.parametrize("cell,options", FUSED_FORMS, ids=[c for c, _ in FUSED_FORMS])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("input", ["embedding", "one_hot"])
@pytest.mark.parametrize("with_lengths", [True, False], ids=["padded", "no-lengths"])
@pytest.mark.parametrize("final_state", [True, False], ids=["state", "no-state"])
def test_both_backends_give_the_same_outputs_states_and_gradients(vocab, cell, options, num_layers, input,
                                                                  with_lengths, final_state):
    model = float64_model(vocab, cell, options, num_layers, input)
    x, _, lengths = batch(vocab)
    lengths = lengths if with_lengths else None
    scratch = outputs_and_gradients(model, x, lengths, "scratch", final_state=final_state)
    fused = outputs_and_gradients(model, x, lengths, "fused", final_state=final_state)
    assert sorted(fused) == sorted(scratch)
    for name in scratch:
        torch.testing.assert_close(fused[name], scratch[name], **FLOAT64_AGREEMENT, msg=name)


@pytest.mark.parametrize("cell,options", FUSED_FORMS, ids=[c for c, _ in FUSED_FORMS])
def test_a_state_from_one_backend_continues_in_the_other(vocab, cell, options):
    model = float64_model(vocab, cell, options, num_layers=2)
    x, _, lengths = batch(vocab)
    with torch.no_grad():
        _, state = model(x, lengths=lengths, backend="scratch")
    scratch = outputs_and_gradients(model, x, None, "scratch", state0=state)
    fused = outputs_and_gradients(model, x, None, "fused", state0=state)
    for name in scratch:
        torch.testing.assert_close(fused[name], scratch[name], **FLOAT64_AGREEMENT, msg=name)


@pytest.mark.parametrize("cell,options", FUSED_FORMS, ids=[c for c, _ in FUSED_FORMS])
def test_training_trajectories_of_both_backends_agree(vocab, cell, options):
    trainers = []
    for backend in ("scratch", "fused"):
        model = float64_model(vocab, cell, options)
        trainers.append(LanguageModelTrainer(model, vocab, TEXTS[:9], TEXTS[9:], batch_size=4, learning_rate=0.02,
                                             progress=False, backend=backend))
    scratch, fused = (t.train(12, eval_every=4) for t in trainers)
    assert [t.backend for t in trainers] == ["scratch", "fused"]
    for key in scratch:
        torch.testing.assert_close(torch.tensor(fused[key]), torch.tensor(scratch[key]), rtol=1e-9, atol=1e-10,
                                   msg=key)
    for (name, p), q in zip(trainers[0].model.named_parameters(), trainers[1].model.parameters()):
        torch.testing.assert_close(q, p, rtol=1e-9, atol=1e-10, msg=name)
    assert scratch["train_perplexity"][-1] < scratch["train_perplexity"][0]  # it did learn something


@pytest.mark.parametrize("cell,options", FUSED_FORMS, ids=[c for c, _ in FUSED_FORMS])
def test_float32_training_agrees_to_float32_rounding(vocab, cell, options):
    histories = []
    for backend in ("scratch", "fused"):
        model = LanguageModel(len(vocab), 16, cell=cell, n_e=8, seed=0, device="cpu", **options)
        trainer = LanguageModelTrainer(model, vocab, TEXTS, TEXTS, batch_size=6, learning_rate=0.01, progress=False,
                                       backend=backend)
        histories.append(trainer.train(20, eval_every=5))
    torch.testing.assert_close(torch.tensor(histories[1]["valid_perplexity"]),
                               torch.tensor(histories[0]["valid_perplexity"]), rtol=1e-4, atol=0)


@pytest.mark.parametrize("cell,options", FUSED_FORMS, ids=[c for c, _ in FUSED_FORMS])
def test_the_fused_backend_runs_torch_kernel_not_the_python_loop(vocab, cell, options, monkeypatch):
    from torch.profiler import ProfilerActivity, profile

    model = float64_model(vocab, cell, options, backend="fused")
    x, y, lengths = batch(vocab)

    def no_step(*args):
        raise AssertionError("the cell's Python step ran")

    monkeypatch.setattr(type(model.recurrent.cell), "step", no_step)
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        model.loss(x, y, lengths).backward()
        model(x)
    calls = {event.key: event.count for event in profiler.key_averages()}
    assert calls.get(KERNELS[cell]) == 2
    with pytest.raises(AssertionError, match="Python step"):
        model(x, backend="scratch")


def test_auto_picks_fused_exactly_where_torch_nn_computes_the_cell():
    for cell, options in FUSED_FORMS:
        assert resolve_backend("auto", make_recurrent(cell, 3, 4, device="cpu", **options)) == "fused"
    for cell, options in SCRATCH_ONLY:
        assert resolve_backend("auto", make_recurrent(cell, 3, 4, device="cpu", **options)) == "scratch"
    assert resolve_backend("auto", make_recurrent("lstm", 3, 4, bidirectional=True, device="cpu")) == "scratch"


@pytest.mark.parametrize("cell,options,message", [
    ("gru", {"variant": "notes"}, "only the 'reset_after' GRU"),
    ("gru", {"variant": "simplified"}, "only the 'reset_after' GRU"),
    ("lstm", {"peepholes": True}, "no peephole"),
])
def test_fused_backend_for_a_cell_torch_nn_lacks_is_a_clear_error(vocab, cell, options, message):
    with pytest.raises(ValueError, match=message):
        LanguageModel(len(vocab), 4, cell=cell, device="cpu", backend="fused", **options)
    model = LanguageModel(len(vocab), 4, cell=cell, device="cpu", **options)
    with pytest.raises(ValueError, match=message):
        model(batch(vocab)[0], backend="fused")
    with pytest.raises(ValueError, match=message):
        LanguageModelTrainer(model, vocab, TEXTS, TEXTS, batch_size=4, backend="fused", progress=False)
    assert LanguageModelTrainer(model, vocab, TEXTS, TEXTS, batch_size=4, progress=False).backend == "scratch"  # auto falls back
    with pytest.raises(ValueError, match="backend must be one of"):
        LanguageModel(len(vocab), 4, cell="lstm", device="cpu", backend="cudnn")


def test_the_default_backends_are_scratch_for_the_model_and_fused_for_the_trainer(vocab):
    model = LanguageModel(len(vocab), 4, cell="lstm", device="cpu")
    assert model.backend == "scratch"
    assert LanguageModelTrainer(model, vocab, TEXTS, TEXTS, batch_size=4, progress=False).backend == "fused"
    model.backend = "auto"
    assert model.backend == "fused"


def test_checkpoints_do_not_depend_on_the_backend(vocab, tmp_path):
    model = float64_model(vocab, "lstm", {}, backend="fused")
    trainer = LanguageModelTrainer(model, vocab, TEXTS, TEXTS, batch_size=4, progress=False)
    trainer.train(3, eval_every=3)
    trainer.save(tmp_path / "lm.ckpt")
    rebuilt = load_checkpoint(tmp_path / "lm.ckpt", device="cpu")["model"]
    assert rebuilt.backend == "scratch" and set(rebuilt.state_dict()) == set(model.state_dict())
    x, _, lengths = batch(vocab)
    torch.testing.assert_close(rebuilt(x, lengths=lengths)[0], model(x, lengths=lengths)[0], **FLOAT64_AGREEMENT)

    def draw(m):
        return [sample(m, vocab, seed=s) for s in range(3)]

    assert draw(rebuilt) == draw(model)


def test_run_fused_refuses_bad_input():
    layer = make_recurrent("lstm", 3, 4, device="cpu")
    with pytest.raises(ValueError, match=r"\(T_x, m, n_x=3\)"):
        run_fused(layer, torch.zeros(5, 2, 4))
    with pytest.raises(ValueError, match="lengths must have shape"):
        run_fused(layer, torch.zeros(5, 2, 3), lengths=torch.tensor([5, 5, 5]))
    with pytest.raises(ValueError, match="state"):
        run_fused(layer, torch.zeros(5, 2, 3), state0=(torch.zeros(4, 3), torch.zeros(4, 3)))
    with pytest.raises(ValueError, match="one-directional"):
        run_fused(make_recurrent("lstm", 3, 4, bidirectional=True, device="cpu"), torch.zeros(5, 2, 3))


def test_weights_for_cudnn_are_consecutive_views_of_one_buffer_and_pass_gradients():
    from reference_impl.torch_models.fused import _one_buffer

    tensors = [torch.randn(4, 3, dtype=torch.float64, requires_grad=True), torch.randn(4, dtype=torch.float64,
                                                                                       requires_grad=True)]
    views = _one_buffer(tensors)
    assert views[0].untyped_storage().data_ptr() == views[1].untyped_storage().data_ptr()
    assert views[1].data_ptr() == views[0].data_ptr() + views[0].numel() * views[0].element_size()
    assert all(torch.equal(v, t) for v, t in zip(views, tensors))
    ((views[0] * 2).sum() + (views[1] * 3).sum()).backward()
    assert torch.equal(tensors[0].grad, torch.full((4, 3), 2.0, dtype=torch.float64))
    assert torch.equal(tensors[1].grad, torch.full((4,), 3.0, dtype=torch.float64))


@pytest.mark.parametrize("backend", ["scratch", "fused"])
def test_the_trainer_without_lengths_has_the_loss_and_gradients_of_the_masked_model(vocab, backend):
    from reference_impl.torch_models import token_nll

    model = float64_model(vocab, "lstm", {}, num_layers=2)
    trainer = LanguageModelTrainer(model, vocab, TEXTS, TEXTS, batch_size=4, progress=False, backend=backend)
    x, y, lengths = batch(vocab)
    results = []
    for loss in (lambda: model.loss(x, y, lengths, backend="scratch"),
                 lambda: token_nll(trainer._logits(x), y).sum() / x.shape[0]):
        model.zero_grad(set_to_none=True)
        value = loss()
        value.backward()
        results.append([value.detach(), *[p.grad.clone() for p in model.parameters()]])
    for masked, unmasked in zip(*results):
        torch.testing.assert_close(unmasked, masked, **FLOAT64_AGREEMENT)
