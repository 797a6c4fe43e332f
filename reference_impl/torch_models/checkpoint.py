"""Saving and loading a language model's training state, exactly and with clear errors.

A checkpoint file is a header line, the SHA-256 of the payload, and the
payload written by torch.save: the model's configuration and weights, the
optimiser's state, the vocabulary's tokens, the step and the batch
generator's state, so that training resumed from it continues exactly as
if it had not stopped. A flipped byte anywhere in the payload changes the
digest, so a damaged file is refused before torch reads it.
"""
import hashlib
import io
from pathlib import Path

import torch

from .language_model import LanguageModel

MAGIC = b"sequence-models-course checkpoint v1\n"


def _vocab_tokens(vocab):
    return list(vocab.index_to_token)


def save_checkpoint(path, model, optimizer, vocab, step, generator=None, extra=None):
    """Write a checkpoint.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    path
        file to write (its folder must exist)
    model
        a LanguageModel
    optimizer
        its torch.optim optimiser, or None
    vocab
        the reference_impl.text.Vocabulary it was trained with
    step
        number of updates done so far
    generator
        the torch.Generator that draws the batches, or None
    extra
        optional dict of plain values (history, settings) stored alongside
    """
    payload = {
        "model_class": type(model).__name__,
        "config": dict(model.config),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "vocab": _vocab_tokens(vocab),
        "step": int(step),
        "generator": generator.get_state() if generator is not None else None,
        "extra": extra or {},
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    data = buffer.getvalue()
    Path(path).write_bytes(MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data)


def _read_payload(path):
    raw = Path(path).read_bytes()
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path} is not a checkpoint of this course (its first line is not {MAGIC.strip()!r})")
    digest, _, data = raw[len(MAGIC):].partition(b"\n")
    if hashlib.sha256(data).hexdigest().encode("ascii") != digest:
        raise ValueError(f"{path} is corrupt: its content does not match the SHA-256 recorded in its header "
                         "(truncated or modified file)")
    try:
        return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several kinds for unreadable data
        raise ValueError(f"{path} is corrupt: torch could not read its payload ({error})") from error


def _differences(expected, found):
    keys = sorted(set(expected) | set(found))
    return [f"{k}: expected {expected.get(k)!r}, checkpoint has {found.get(k)!r}" for k in keys
            if expected.get(k) != found.get(k)]


def load_checkpoint(path, model=None, optimizer=None, vocab=None, device=None, dtype=None):
    """Read a checkpoint written by save_checkpoint.

    Raises ValueError for a file that is not a checkpoint, is corrupt, or
    does not match the given model (naming the differing settings) or vocabulary.
    A checkpoint saved before the output weights were renamed Wya holds them
    as Wy: they load as Wya, with a FutureWarning naming the rename.

    See the chapter :doc:`/book/chapters/06_language_model`.

    Parameters
    ----------
    path
        the file
    model
        a LanguageModel to load the weights into; it must have the checkpoint's architecture. None builds one
        from the stored configuration.
    optimizer
        an optimiser over model's parameters to restore, or None
    vocab
        if given, it must hold exactly the checkpoint's tokens in the same order
    device, dtype
        where and in which precision to build the model when model is None (None: default device, the stored
        weights' dtype)

    Returns
    -------
    checkpoint : dict
        with model, vocab_tokens (list of str), step, generator_state (or None), extra
    """
    payload = _read_payload(path)
    config, state_dict = payload["config"], payload["state_dict"]
    if model is None:
        if dtype is None:
            dtype = state_dict["by"].dtype  # a key of every checkpoint, old (Wy) or new (Wya)
        model = LanguageModel(**config, device=device, dtype=dtype)
    else:
        wrong = _differences(model.config, config)
        if wrong:
            raise ValueError(f"{path} holds a different architecture: " + "; ".join(wrong))
    if vocab is not None and _vocab_tokens(vocab) != payload["vocab"]:
        ours, theirs = _vocab_tokens(vocab), payload["vocab"]
        first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        raise ValueError(f"{path} was trained with a different vocabulary: {len(theirs)} tokens there, {len(ours)} here, "
                         f"first difference at index {first}")
    try:
        model.load_state_dict(state_dict)
    except RuntimeError as error:
        raise ValueError(f"{path} does not fit the model: {error}") from error
    if optimizer is not None:
        if payload["optimizer"] is None:
            raise ValueError(f"{path} holds no optimiser state")
        optimizer.load_state_dict(payload["optimizer"])
    return {"model": model, "vocab_tokens": payload["vocab"], "step": payload["step"],
            "generator_state": payload["generator"], "extra": payload["extra"]}
