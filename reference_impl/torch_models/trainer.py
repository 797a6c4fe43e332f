"""Training a torch language model on a list of texts: Adam, global-norm clipping, perplexity, checkpoints.

Perplexity is exp(mean cross-entropy per predicted token, <EOS> included):
the number of equally likely tokens the model hesitates between. A model
that guesses uniformly has perplexity V, the vocabulary size; that is the
baseline a trained model must beat.
"""
import math

import torch
from tqdm.auto import tqdm

from .checkpoint import load_checkpoint, save_checkpoint
from .fused import resolve_backend
from .language_model import pad_sequences, token_nll


def split_texts(texts, valid_fraction=0.1, seed=0):
    """Shuffle texts with a seed and split them into (train, valid) lists.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    if not 0 < valid_fraction < 1:
        raise ValueError(f"valid_fraction must lie strictly between 0 and 1, got {valid_fraction}")
    order = torch.randperm(len(texts), generator=torch.Generator().manual_seed(seed)).tolist()
    n_valid = max(1, round(valid_fraction * len(texts)))
    return [texts[i] for i in order[n_valid:]], [texts[i] for i in order[:n_valid]]


def adam(parameters, learning_rate):
    """torch.optim.Adam with its fused kernel (one call updates every parameter) where the device has one.

    The course's models hold a matrix and a bias per gate (11 tensors for a one-layer LSTM model where
    torch.nn has 7), and the default implementation pays a handful of small operations for each.

    See the chapter :doc:`/book/chapters/06_language_model`.
    """
    parameters = list(parameters)
    try:
        return torch.optim.Adam(parameters, lr=learning_rate, fused=True)
    except RuntimeError:  # a device or dtype without the fused kernel
        return torch.optim.Adam(parameters, lr=learning_rate)


class LanguageModelTrainer:
    """Trains a LanguageModel; resumable from its checkpoints with identical results.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    model
        a LanguageModel
    vocab
        reference_impl.text.Vocabulary of V = model.vocab_size tokens
    train_texts, valid_texts
        lists of strings
    batch_size
        texts per update, drawn at random without replacement
    learning_rate
        Adam's step size
    max_norm
        gradients are rescaled to this global norm when larger
    seed
        seeds the generator that draws the batches
    progress
        show a tqdm bar
    backend
        how training and evaluation compute the model (see LanguageModel): "auto" (the default) uses
        torch.nn's fused kernels where they compute the model's cell (cuDNN on a GPU) and the course's cells
        elsewhere; "scratch" or "fused" choose. The parameters, and so the checkpoints, are the same either
        way; self.backend says which one runs.
    """

    def __init__(self, model, vocab, train_texts, valid_texts, batch_size=32, learning_rate=3e-3, max_norm=5.0,
                 seed=0, progress=True, backend="auto"):
        if len(vocab) != model.vocab_size:
            raise ValueError(f"the vocabulary has {len(vocab)} tokens but the model was built for {model.vocab_size}")
        if not 1 <= batch_size <= len(train_texts):
            raise ValueError(f"batch_size must be between 1 and the number of training texts ({len(train_texts)})")
        if not max_norm > 0:
            raise ValueError(f"max_norm must be positive, got {max_norm}")
        self.model, self.vocab = model, vocab
        self.backend = resolve_backend(backend, model.recurrent)
        self.device = model.Wya.device
        self.train_sequences = [vocab.encode(t, add_eos=True).tolist() for t in train_texts]
        self.valid_sequences = [vocab.encode(t, add_eos=True).tolist() for t in valid_texts]
        self.batch_size, self.max_norm, self.progress = batch_size, max_norm, progress
        self.optimizer = adam(model.parameters(), learning_rate)
        self.generator = torch.Generator().manual_seed(seed)  # on the CPU: the same batches on every device
        self.step = 0
        self.best_valid_perplexity = math.inf  # of the checkpoints train() kept at best_path

    def _batch(self, sequences):
        return pad_sequences(sequences, device=self.device)

    def _logits(self, x):
        # No lengths: a step after an example's end never reaches its real steps (the layers run left to
        # right), and its target is padding, which the loss ignores. So the model need not mask, nor the
        # fused backend pack the batch, and the loss is that of model.loss(x, y, lengths).
        return self.model(x, backend=self.backend, final_state=False)[0]

    def train_step(self):
        """One update on a random batch; returns (summed token cross-entropy, token count, gradient norm)."""
        self.model.train()
        index = torch.randperm(len(self.train_sequences), generator=self.generator)[: self.batch_size].tolist()
        x, y, lengths = self._batch([self.train_sequences[i] for i in index])
        nll = token_nll(self._logits(x), y).sum()
        self.optimizer.zero_grad(set_to_none=True)
        (nll / len(index)).backward()  # the course's loss: summed over steps, averaged over examples
        norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.max_norm)
        self.optimizer.step()
        self.step += 1
        return float(nll.detach()), int(lengths.sum()), float(norm)

    @torch.no_grad()
    def perplexity(self, texts_or_sequences=None, batch_size=256):
        """Perplexity on the validation set (default) or on given index sequences."""
        sequences = self.valid_sequences if texts_or_sequences is None else texts_or_sequences
        self.model.eval()
        total, count = 0.0, 0
        for start in range(0, len(sequences), batch_size):
            x, y, lengths = self._batch(sequences[start : start + batch_size])
            total += float(token_nll(self._logits(x), y).sum())
            count += int(lengths.sum())
        return math.exp(total / count)

    def train(self, steps, eval_every=100, checkpoint_path=None, best_path=None):
        """Run `steps` updates, evaluating every eval_every updates and at the end.

        Parameters
        ----------
        checkpoint_path
            if given, the latest state is saved there at every evaluation (to resume from)
        best_path
            if given, the state with the lowest validation perplexity so far is kept there, with
            {"valid_perplexity": ...} in its extra (the model to use afterwards)

        Returns
        -------
        history : dict
            dict of lists, one entry per evaluation: step, train_perplexity (over the batches since the last
            evaluation), valid_perplexity, grad_norm (the last one)
        """
        history = {"step": [], "train_perplexity": [], "valid_perplexity": [], "grad_norm": []}
        total, count = 0.0, 0
        bar = tqdm(range(steps), desc="training", disable=not self.progress)
        for i in bar:
            nll, n_tokens, norm = self.train_step()
            total, count = total + nll, count + n_tokens
            if (i + 1) % eval_every == 0 or i + 1 == steps:
                valid = self.perplexity()
                history["step"].append(self.step)
                history["train_perplexity"].append(math.exp(total / count))
                history["valid_perplexity"].append(valid)
                history["grad_norm"].append(norm)
                bar.set_postfix(valid_perplexity=f"{valid:.2f}")
                total, count = 0.0, 0
                if checkpoint_path is not None:
                    self.save(checkpoint_path)
                if best_path is not None and valid < self.best_valid_perplexity:
                    self.best_valid_perplexity = valid
                    self.save(best_path, extra={"valid_perplexity": valid})
        return history

    def save(self, path, extra=None):
        """Checkpoint the model, the optimiser, the step and the batch generator."""
        save_checkpoint(path, self.model, self.optimizer, self.vocab, self.step, generator=self.generator, extra=extra)

    def resume(self, path):
        """Load a checkpoint written by save(); training then continues exactly where it stopped."""
        state = load_checkpoint(path, model=self.model, optimizer=self.optimizer, vocab=self.vocab)
        self.step = state["step"]
        if state["generator_state"] is not None:
            self.generator.set_state(state["generator_state"])
        return state
