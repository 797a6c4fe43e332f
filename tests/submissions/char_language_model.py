"""Submissions of assignment 2 (character-level language model)."""

# the update is done with raw gradients and the clipping applied to the new parameters
CLIPPING_THE_PARAMETERS = '''
def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    loss, _, cache = rnn_model_forward(x, y, a0, parameters, "softmax")
    grads = rnn_model_backward(cache)
    gradients = {"d" + name: grads["d" + name] for name in parameters}
    parameters = {name: parameters[name] - learning_rate * gradients["d" + name] for name in parameters}
    parameters, _ = clip_by_global_norm(parameters, max_norm)
    return loss, gradients, parameters
'''


def _sample(choose_line, distribution_line):
    return f'''
def sample(parameters, vocab, seed=0, temperature=1.0, max_length=50):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    vocab_size, n_a = Wya.shape
    eos_index, unk_index = vocab.eos_index, vocab.unk_index
    rng = np.random.default_rng(seed)
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    while len(indices) < max_length:
        a_prev = np.tanh(Wax @ x + Waa @ a_prev + ba)
        y_hat = softmax(Wya @ a_prev + by)[:, 0]
        {distribution_line}
        p[unk_index] = 0.0
        p = p / p.sum()
        {choose_line}
        indices.append(index)
        if index == eos_index:
            break
        x = np.zeros((vocab_size, 1))
        x[index] = 1.0
    return indices
'''


RIGHT_DISTRIBUTION = "p = softmax(np.log(y_hat) / temperature)"
SAMPLING_WITH_ARGMAX = _sample("index = int(np.argmax(p))", RIGHT_DISTRIBUTION)
# dividing by T before renormalising cancels out: every temperature samples at T = 1
TEMPERATURE_ON_PROBABILITIES = _sample("index = int(rng.choice(vocab_size, p=p))", "p = y_hat / temperature")

WRONG = {
    "clipping_the_parameters": (
        {"optimize_code": CLIPPING_THE_PARAMETERS},
        {"optimize_gradients", "optimize_update", "train_names"},
    ),
    "sampling_with_argmax": ({"sample_code": SAMPLING_WITH_ARGMAX}, {"sample", "sample_temperature"}),
    "temperature_on_probabilities": ({"sample_code": TEMPERATURE_ON_PROBABILITIES}, {"sample_temperature"}),
}

# Loops instead of vectorised code, other names, in-place updates of a copy.
ALTERNATIVE = {
    "clip_by_global_norm_code": '''
def clip_by_global_norm(gradients, max_norm):
    total = 0.0
    for key in gradients:
        for value in np.ravel(gradients[key]):
            total += value * value
    length = total ** 0.5
    factor = 1.0
    if length > max_norm:
        factor = max_norm / length
    return {key: factor * np.array(g) for key, g in gradients.items()}, length
''',
    "sample_code": '''
def sample(parameters, vocab, seed=0, temperature=1.0, max_length=50):
    generator = np.random.default_rng(seed)
    V = parameters["by"].shape[0]
    h = np.zeros((parameters["Waa"].shape[0], 1))
    previous = None
    out = []
    for _ in range(max_length):
        inp = np.zeros((V, 1))
        if previous is not None:
            inp[previous, 0] = 1.0
        h = np.tanh(parameters["Wax"].dot(inp) + parameters["Waa"].dot(h) + parameters["ba"])
        logits = (parameters["Wya"].dot(h) + parameters["by"]).ravel()
        weights = np.exp((logits - logits.max()) / temperature)
        weights[vocab.unk_index] = 0.0
        previous = int(generator.choice(V, p=weights / weights.sum()))
        out.append(previous)
        if previous == vocab.eos_index:
            break
    return out
''',
    "optimize_code": '''
def optimize(x, y, a0, parameters, learning_rate=0.01, max_norm=5.0):
    cost, _, memory = rnn_model_forward(x, y, a0, parameters, "softmax")
    everything = rnn_model_backward(memory)
    wanted = {}
    for name in ("Wax", "Waa", "ba", "Wya", "by"):
        wanted["d" + name] = everything["d" + name]
    wanted, _ = clip_by_global_norm(wanted, max_norm)
    new = {name: value.copy() for name, value in parameters.items()}
    for name in new:
        new[name] -= learning_rate * wanted["d" + name]
    return cost, wanted, new
''',
    "train_names_code": '''
def train_names(sequences, vocab_size, n_a=50, num_iterations=2000, learning_rate=0.01, max_norm=5.0, seed=0):
    parameters = initialize_rnn_parameters(vocab_size, n_a, vocab_size, seed=seed)
    order = np.random.default_rng(seed).permutation(len(sequences))
    losses = []
    position = 0
    while len(losses) < num_iterations:
        inputs, targets, _ = language_model_batch([sequences[order[position]]], vocab_size)
        value, _, parameters = optimize(inputs, targets, np.zeros((n_a, 1)), parameters, learning_rate, max_norm)
        losses.append(value)
        position = (position + 1) % len(order)
    return parameters, losses
''',
}
