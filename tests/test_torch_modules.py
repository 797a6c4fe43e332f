"""The torch layers equal torch.nn's built-ins with converted weights, and padding never leaks."""
import pytest

torch = pytest.importorskip("torch")

from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from reference_impl.torch_models import (
    LanguageModel,
    default_device,
    lengths_to_mask,
    make_recurrent,
    pad_sequences,
    reverse_padded,
    to_torch_nn,
)

N_X, N_A, M, T_X = 3, 4, 5, 7
LENGTHS = torch.tensor([7, 3, 1, 5, 7])
TORCH_FORMS = [("rnn", {}), ("gru", {"variant": "reset_after"}), ("lstm", {})]
ALL_FORMS = TORCH_FORMS + [("gru", {"variant": "notes"}), ("gru", {"variant": "simplified"}),
                           ("lstm", {"peepholes": True})]


def float64_layer(cell, options, num_layers=1, bidirectional=False, seed=0):
    return make_recurrent(cell, N_X, N_A, num_layers=num_layers, bidirectional=bidirectional, seed=seed,
                          device="cpu", dtype=torch.float64, **options)


def random_input(seed=0):
    return torch.randn(N_X, M, T_X, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("cell,options", TORCH_FORMS)
@pytest.mark.parametrize("num_layers,bidirectional", [(1, False), (1, True), (2, False), (2, True)])
def test_layer_equals_torch_nn_with_converted_weights(cell, options, num_layers, bidirectional):
    layer = float64_layer(cell, options, num_layers, bidirectional)
    builtin = to_torch_nn(layer)
    x = random_input().requires_grad_()
    x_builtin = x.detach().clone().requires_grad_()
    a, _ = layer(x)
    a_builtin, _ = builtin(x_builtin.permute(2, 1, 0))  # torch.nn reads (T_x, m, n_x)
    torch.testing.assert_close(a, a_builtin.permute(2, 1, 0), rtol=1e-12, atol=1e-12)
    weights = torch.randn(a.shape, dtype=torch.float64)
    (a * weights).sum().backward()
    (a_builtin.permute(2, 1, 0) * weights).sum().backward()
    torch.testing.assert_close(x.grad, x_builtin.grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cell,options", TORCH_FORMS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_variable_lengths_equal_torch_nn_packed_sequences(cell, options, bidirectional):
    layer = float64_layer(cell, options, num_layers=2, bidirectional=bidirectional)
    builtin = to_torch_nn(layer)
    x = random_input()
    a, states = layer(x, lengths=LENGTHS)
    packed = pack_padded_sequence(x.permute(2, 1, 0), LENGTHS, enforce_sorted=False)
    packed_out, final = builtin(packed)
    a_builtin, _ = pad_packed_sequence(packed_out, total_length=T_X)
    torch.testing.assert_close(a, a_builtin.permute(2, 1, 0), rtol=1e-12, atol=1e-12)
    h_n = final[0] if cell == "lstm" else final  # (num_layers * directions, m, n_a)
    ours = [s for layer_state in states for s in (layer_state if bidirectional else (layer_state,))]
    for k, state in enumerate(ours):
        torch.testing.assert_close(state[0], h_n[k].T, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cell,options", ALL_FORMS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_content_changes_neither_outputs_nor_gradients(cell, options, bidirectional):
    layer = float64_layer(cell, options, num_layers=2, bidirectional=bidirectional)
    padding = ~lengths_to_mask(LENGTHS, T_X)[None]  # (1, m, T_x)
    weights = torch.randn(layer.n_out, M, T_X, dtype=torch.float64)

    def outputs_and_gradients(x):
        layer.zero_grad()
        a, _ = layer(x, lengths=LENGTHS)
        (a * weights).sum().backward()
        return a.detach(), [p.grad.clone() for p in layer.parameters()]

    x = random_input(1)
    a, grads = outputs_and_gradients(x)
    a_other, grads_other = outputs_and_gradients(torch.where(padding, 100.0 * random_input(2), x))
    torch.testing.assert_close(a, a_other, rtol=0, atol=0)
    assert torch.all(a.masked_select(padding) == 0)
    for g, g_other in zip(grads, grads_other):
        torch.testing.assert_close(g, g_other, rtol=1e-13, atol=1e-13)


def test_variable_length_batch_equals_each_example_run_alone():
    layer = float64_layer("lstm", {}, bidirectional=True)
    x = random_input()
    a, _ = layer(x, lengths=LENGTHS)
    for j, length in enumerate(LENGTHS.tolist()):
        alone, _ = layer(x[:, j : j + 1, :length])
        torch.testing.assert_close(a[:, j : j + 1, :length], alone, rtol=1e-12, atol=1e-12)


def test_language_model_loss_ignores_padding_targets_and_inputs():
    model = LanguageModel(6, 4, cell="gru", seed=0, device="cpu", dtype=torch.float64)
    x, y, lengths = pad_sequences([[2, 3, 0], [4, 0], [5, 5, 2, 0]])
    loss = model.loss(x, y, lengths)
    singles = [model.loss(*pad_sequences([s])) for s in ([2, 3, 0], [4, 0], [5, 5, 2, 0])]
    torch.testing.assert_close(loss, sum(singles) / 3, rtol=1e-12, atol=1e-12)


def test_reverse_padded_reverses_within_each_length_and_is_its_own_inverse():
    x = torch.arange(T_X, dtype=torch.float64).expand(1, M, T_X).permute(2, 0, 1)  # (T_x, 1, m), value t
    mask = lengths_to_mask(LENGTHS, T_X).T[:, None, :]
    reversed_x = reverse_padded(x, mask)
    assert reversed_x[:, 0, 1].tolist() == [2, 1, 0, 3, 4, 5, 6]
    torch.testing.assert_close(reverse_padded(reversed_x, mask), x, rtol=0, atol=0)


def test_same_seed_gives_same_weights_in_every_dtype():
    a = make_recurrent("lstm", N_X, N_A, seed=3, device="cpu", dtype=torch.float64)
    b = make_recurrent("lstm", N_X, N_A, seed=3, device="cpu", dtype=torch.float32)
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p.to(torch.float32), q, rtol=0, atol=0)


def test_default_device_is_cuda_exactly_when_available():
    assert default_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.parametrize("make_bad_call,message", [
    (lambda layer: layer(torch.zeros(N_X + 1, M, T_X, dtype=torch.float64)), "n_x=3"),
    (lambda layer: layer(torch.zeros(N_X, M, 0, dtype=torch.float64)), "T_x >= 1"),
    (lambda layer: layer(random_input(), lengths=torch.tensor([8, 1, 1, 1, 1])), "lengths must lie in 1..T_x"),
    (lambda layer: layer(random_input(), lengths=torch.tensor([1, 2])), "lengths must have shape"),
    (lambda layer: layer(random_input(), state0=(torch.zeros(N_A, M + 1, dtype=torch.float64),)), "state"),
])
def test_bad_input_raises_value_error_naming_the_expectation(make_bad_call, message):
    with pytest.raises(ValueError, match=message):
        make_bad_call(float64_layer("gru", {}))


def test_unknown_cell_and_variant_are_refused():
    with pytest.raises(ValueError, match="cell must be one of"):
        make_recurrent("transformer", N_X, N_A)
    with pytest.raises(ValueError, match="variant must be one of"):
        make_recurrent("gru", N_X, N_A, variant="minimal")


def allocated_bytes(layer, T_x):
    """Bytes allocated by a forward and backward pass over a float32 sequence of length T_x."""
    from torch.profiler import ProfilerActivity, profile

    x = torch.randn(N_X, 2, T_x, generator=torch.Generator().manual_seed(0))
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as profiler:
        a, _ = layer(x)
        a.sum().backward()
    return sum(event.cpu_memory_usage for event in profiler.events() if event.cpu_memory_usage > 0)


@pytest.mark.parametrize("cell,options", ALL_FORMS)
def test_memory_of_forward_and_backward_grows_linearly_with_the_length(cell, options):
    # Indexing one step out of a tensor makes autograd zero-fill a gradient of the whole tensor
    # for every step: twice the steps then allocated 3.5 times the bytes, and ran slower still.
    layer = make_recurrent(cell, N_X, 8, seed=0, device="cpu", **options)
    assert allocated_bytes(layer, 60) < 2.2 * allocated_bytes(layer, 30)


@pytest.mark.parametrize("cell,options", ALL_FORMS)
def test_input_projection_in_blocks_gives_the_same_numbers(cell, options, monkeypatch):
    from reference_impl.torch_models import layers

    results = []
    for block_bytes in (layers.PROJECTION_BLOCK_BYTES, 1):  # whole sequence at once, then one step at a time
        monkeypatch.setattr(layers, "PROJECTION_BLOCK_BYTES", block_bytes)
        layer = float64_layer(cell, options, num_layers=2)
        x = random_input().requires_grad_()
        a, state = layer(x, lengths=LENGTHS)
        (a**2).sum().backward()
        results.append([a, *[s for layer_state in state for s in layer_state], x.grad,
                        *[p.grad for p in layer.parameters()]])
    for whole, stepwise in zip(*results):
        torch.testing.assert_close(stepwise, whole, rtol=1e-14, atol=1e-14)
