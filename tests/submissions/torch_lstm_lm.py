"""Submissions of assignment 5 (LSTM language model in PyTorch)."""

# [xt; a_prev] instead of [a_prev; xt]: the stack has n_a + n_x rows either way, so no shape error warns
# that the columns of Wf now meet the wrong inputs
SWAPPED_CONCATENATION = '''
def lstm_cell_torch(xt, a_prev, c_prev, parameters):
    concat = torch.cat([xt, a_prev], dim=0)
    gamma_f = torch.sigmoid(parameters["Wf"] @ concat + parameters["bf"])
    gamma_u = torch.sigmoid(parameters["Wi"] @ concat + parameters["bi"])
    c_tilde = torch.tanh(parameters["Wc"] @ concat + parameters["bc"])
    c_next = gamma_f * c_prev + gamma_u * c_tilde
    gamma_o = torch.sigmoid(parameters["Wo"] @ concat + parameters["bo"])
    return gamma_o * torch.tanh(c_next), c_next
'''

# the mean over every real step instead of the sum over steps divided by m
LOSS_AVERAGED_OVER_STEPS = '''
def lm_loss(parameters, x, y):
    logits = lm_forward(x, parameters)
    return torch.nn.functional.cross_entropy(logits.permute(1, 0, 2), y, ignore_index=-1)
'''


def _sample(scores_line, choose_line):
    return f'''
@torch.no_grad()
def sample_torch(parameters, vocab, seed=0, temperature=1.0, max_length=50):
    V, n_a = parameters["Wya"].shape
    dtype, device = parameters["Wya"].dtype, parameters["Wya"].device
    eos_index, unk_index = vocab.eos_index, vocab.unk_index
    generator = torch.Generator(device=device).manual_seed(seed)
    x = torch.zeros(V, 1, dtype=dtype, device=device)
    a = torch.zeros(n_a, 1, dtype=dtype, device=device)
    c = torch.zeros_like(a)
    indices = []
    while len(indices) < max_length:
        a, c = lstm_cell_torch(x, a, c, parameters)
        {scores_line}
        scores[0, unk_index] = -float("inf")
        {choose_line}
        indices.append(index)
        if index == eos_index:
            break
        x = torch.zeros(V, 1, dtype=dtype, device=device)
        x[index] = 1.0
    return indices
'''


RIGHT_SCORES = 'scores = ((parameters["Wya"] @ a + parameters["by"]) / temperature).T'
RIGHT_DRAW = "index = int(draw(scores, generator))"
SAMPLING_WITH_ARGMAX = _sample(RIGHT_SCORES, "index = int(torch.argmax(scores))")
# multiplying by T flattens where dividing sharpens, and the other way round
TEMPERATURE_MULTIPLIED = _sample('scores = ((parameters["Wya"] @ a + parameters["by"]) * temperature).T', RIGHT_DRAW)

WRONG = {
    "swapped_concatenation": (
        {"lstm_cell_torch_code": SWAPPED_CONCATENATION},
        {"lstm_cell_torch", "lm_forward", "lm_loss", "sample_torch", "sample_torch_temperature"},
    ),
    "loss_averaged_over_steps": ({"lm_loss_code": LOSS_AVERAGED_OVER_STEPS}, {"lm_loss"}),
    "sampling_with_argmax": ({"sample_torch_code": SAMPLING_WITH_ARGMAX}, {"sample_torch", "sample_torch_temperature"}),
    "temperature_multiplied": ({"sample_torch_code": TEMPERATURE_MULTIPLIED}, {"sample_torch_temperature"}),
}

# Split weight blocks instead of concatenation, a loss written out with log_softmax and a mask.
ALTERNATIVE = {
    "lstm_cell_torch_code": '''
def lstm_cell_torch(xt, a_prev, c_prev, parameters):
    n = a_prev.shape[0]
    pre = {g: parameters["W" + g][:, :n] @ a_prev + parameters["W" + g][:, n:] @ xt + parameters["b" + g] for g in "fico"}
    memory = torch.sigmoid(pre["f"]) * c_prev + torch.sigmoid(pre["i"]) * torch.tanh(pre["c"])
    return torch.sigmoid(pre["o"]) * torch.tanh(memory), memory
''',
    "lm_forward_code": '''
def lm_forward(x, parameters):
    V, n_a = parameters["Wya"].shape
    m, T = x.shape
    h = torch.zeros(n_a, m, dtype=parameters["Wya"].dtype)
    mem = torch.zeros_like(h)
    outputs = torch.zeros(V, m, T, dtype=h.dtype)
    for t in range(T):
        inp = torch.zeros(V, m, dtype=h.dtype)
        for j in range(m):
            if x[j, t] >= 0:
                inp[x[j, t], j] = 1.0
        h, mem = lstm_cell_torch(inp, h, mem, parameters)
        outputs[:, :, t] = parameters["Wya"] @ h + parameters["by"]
    return outputs
''',
    "lm_loss_code": '''
def lm_loss(parameters, x, y):
    log_p = torch.log_softmax(lm_forward(x, parameters), dim=0)
    real = y >= 0
    picked = torch.gather(log_p, 0, y.clamp(min=0).unsqueeze(0))[0]
    return -(picked * real).sum() / y.shape[0]
''',
}
