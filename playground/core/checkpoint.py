"""Checkpoints: weights and optimizer state in safetensors, settings in JSON, written atomically.

A checkpoint is a folder::

    model.safetensors      weights (tied weights stored once)
    optimizer.safetensors  AdamW moments and step (optional)
    state.json             model config, training config, step, task description
    tokenizer.json         the tokenizer, Hugging Face format

It is written by ``atomic.write_folder_atomic`` (a temporary folder, every file fsynced, then
renamed into place), so a crash or a full disk mid-save leaves the previous checkpoint untouched.
Nothing is ever unpickled.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from safetensors.torch import save as save_torch

from .atomic import write_folder_atomic
from .errors import CheckpointError, ConfigError, PlaygroundError
from .i18n import _
from .limits import check_checkpoint, json_damage
from .model import ModelConfig, Transformer, build_model
from .tokenizer import Tokenizer

FORMAT = "transformer-playground-checkpoint"
VERSION = 1
MAX_JSON_BYTES = 10 * 1024 * 1024  # a state.json bigger than this is not one of ours


@dataclass
class Checkpoint:
    model: Transformer
    tokenizer: Tokenizer
    state: dict  # step, train config, task, anything JSON
    optimizer: dict | None  # tensors for FlatAdamW.load_state_dict, if saved


def unique_tensors(model) -> dict[str, torch.Tensor]:
    """State dict without duplicates of tied tensors (the first name kept), detached, not copied."""
    out, seen = {}, set()
    for name, t in model.state_dict().items():
        key = (t.data_ptr(), tuple(t.shape))
        if key not in seen:
            seen.add(key)
            out[name] = t.detach()
    return out


def weights_of(model: Transformer) -> dict[str, torch.Tensor]:
    """State dict without duplicates of tied tensors, each a contiguous CPU copy."""
    return {name: t.to("cpu").contiguous().clone() for name, t in unique_tensors(model).items()}


def save_checkpoint(directory, model: Transformer, tokenizer: Tokenizer, state: dict,
                    optimizer: dict | None = None) -> Path:
    """Save atomically to ``directory`` (replacing an older one there); returns the path.

    A full disk raises ``DiskFullError`` and leaves the older checkpoint as it was.
    """
    meta = {"format": FORMAT, "version": VERSION, "model": model.cfg.to_dict(), **state}
    members = [("model.safetensors", lambda: save_torch(weights_of(model), metadata={"format": FORMAT}))]
    if optimizer is not None:
        tensors = {k: v.detach().to("cpu").contiguous() for k, v in optimizer.items()}
        members.append(("optimizer.safetensors", lambda: save_torch(tensors, metadata={"format": FORMAT})))
    members.append(("tokenizer.json", lambda: tokenizer.to_json_str().encode("utf-8")))
    members.append(("state.json", lambda: json.dumps(meta, indent=1, ensure_ascii=False).encode("utf-8")))
    return write_folder_atomic(directory, members)


def read_state(directory: Path) -> dict:
    path = directory / "state.json"
    if not path.is_file():
        raise CheckpointError(_("{p} is not a checkpoint folder (no state.json): choose the folder of a "
                                "saved checkpoint").format(p=directory))
    if path.stat().st_size > MAX_JSON_BYTES:
        raise CheckpointError(_("state.json in {p} is too large to be a checkpoint").format(p=directory))
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:  # UnicodeDecodeError, JSONDecodeError: where it breaks, in the UI's language
        raise CheckpointError(_("state.json in {p} is damaged ({why}): use another checkpoint").format(
            p=directory, why=json_damage(e))) from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(_("{p} was not written by Transformer Playground").format(p=directory))
    if state.get("version", 0) > VERSION:
        raise CheckpointError(_("{p} comes from a newer version of the playground: update the app").format(
            p=directory))
    return state


def load_tensors(path: Path) -> dict[str, torch.Tensor]:
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(_("{f} is damaged or not a safetensors file ({e})").format(
            f=path.name, e=e)) from None


def fill_model(model: Transformer, weights: dict[str, torch.Tensor], where: Path) -> None:
    """Copy weights into the model, refusing missing, extra, misshapen or non-finite tensors."""
    expected = weights_of(model)
    if set(weights) != set(expected):
        missing, extra = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
        raise CheckpointError(_("the weights in {p} do not match the model (missing: {m}; unexpected: {x})").format(
            p=where, m=", ".join(missing[:5]) or "-", x=", ".join(extra[:5]) or "-"))
    params = dict(model.state_dict())
    for name, t in weights.items():
        if t.shape != expected[name].shape or not t.dtype.is_floating_point:
            raise CheckpointError(_("tensor {n} in {p} has the wrong shape or type").format(n=name, p=where))
        if not torch.isfinite(t).all():
            raise CheckpointError(_("tensor {n} in {p} contains NaN or infinite values").format(n=name, p=where))
        with torch.no_grad():
            params[name].copy_(t.to(params[name].dtype))


def load_checkpoint(directory, device: str | torch.device = "cpu", training: bool = False) -> Checkpoint:
    """Load a checkpoint folder; any damage raises CheckpointError with what to do.

    Its settings are checked against its weights' header and the memory (``training``: with the
    training state too) before any tensor is made.
    """
    directory = Path(directory)
    backup = directory.with_name(directory.name + ".old")
    if not directory.exists() and backup.is_dir():
        directory = backup  # a crash between the two renames of a save left the previous one here
    state = read_state(directory)
    try:
        cfg = ModelConfig.from_dict(state["model"])
        tokenizer = Tokenizer.load(directory / "tokenizer.json")
    except (KeyError, TypeError) as e:
        raise CheckpointError(_("state.json in {p} is incomplete ({e})").format(p=directory, e=e)) from None
    except (ConfigError, PlaygroundError) as e:
        raise CheckpointError(_("{p}: {e}").format(p=directory, e=e)) from None
    if cfg.vocab_size != tokenizer.vocab_size:
        raise CheckpointError(_("the model in {p} and its tokenizer disagree on the vocabulary size").format(
            p=directory))
    check_checkpoint(directory, cfg, state, training)
    model = build_model(cfg)
    fill_model(model, load_tensors(directory / "model.safetensors"), directory)
    opt_path = directory / "optimizer.safetensors"
    optimizer = load_tensors(opt_path) if opt_path.is_file() else None
    state = {k: v for k, v in state.items() if k not in ("format", "version", "model")}
    return Checkpoint(model.to(device), tokenizer, state, optimizer)
