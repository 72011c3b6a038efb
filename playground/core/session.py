"""Session files: the whole workspace — data, tokenizer, model, optimizer, metrics, UI state — in one file.

A ``.playground`` file is a zip archive::

    session.json           format, version, task spec, model and training settings, history, UI state
    tokenizer.json         the tokenizer, Hugging Face format
    model.safetensors      the weights, when a model exists
    optimizer.safetensors  AdamW moments, when the model was trained
    data.safetensors       the token ids of a text file's corpus (train_ids, val_ids), when not too large
    snapshots/NNNNNNNNN.safetensors  the weights at step N of training (``core.snapshots``), within a cap

A built-in dataset is generated again from its name and seed, and a typed text is already in the
spec; a text file's tokens are stored, so a model trained at home opens in class without the file.
Each is tokenized with the saved tokenizer, so ids mean what they meant. The file is written by
``atomic.write_atomic`` (a temporary name, fsynced, renamed, the folder fsynced); reading checks
every size before extracting and never unpickles: JSON members are capped in size and tensors
must be stored uncompressed, so a zip bomb is refused before it unpacks.

    save_session("evening.playground", workspace, {"panel": "train"})
    workspace, ui_state = load_session("evening.playground")
"""

import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as load_numpy
from safetensors.numpy import save as save_numpy
from safetensors.torch import save as save_torch

from .atomic import write_atomic
from .checkpoint import fill_model, load_tensors, weights_of
from .errors import CheckpointError, ConfigError, PlaygroundError
from .i18n import _
from .limits import check_session
from .model import ModelConfig, build_model
from .recipes import Recipe, task_from_spec
from .snapshots import SnapshotStore, read_snapshots, snapshot_members
from .tasks import LMTask
from .tokenizer import Tokenizer
from .train import TrainConfig, Trainer
from .workspace import Workspace, match_architecture

FORMAT = "transformer-playground-session"
VERSION = 1
SUFFIX = ".playground"
MAX_EMBEDDED_TOKENS = 32 * 1024**2  # a text corpus up to this many tokens travels inside the session
# Sizes (uncompressed) beyond which a member is not one of ours: checked before anything is extracted.
LIMITS = {
    "session.json": 64 * 1024**2,
    "tokenizer.json": 64 * 1024**2,
    "model.safetensors": 16 * 1024**3,
    "optimizer.safetensors": 32 * 1024**3,
    "data.safetensors": 8 * MAX_EMBEDDED_TOKENS + 1024**2,
}
REQUIRED = ("session.json", "tokenizer.json")


@dataclass
class MissingDataTask(LMTask):
    """Stands in for a corpus the session cannot rebuild: the model loads, training asks for the data."""

    missing: str = ""  # what the user reads: which data is missing and what to do

    def check(self, block_size: int) -> None:
        raise ConfigError(self.missing)

    def batch(self, split, batch_size, block_size, generator):
        raise ConfigError(self.missing)


def data_notice(workspace: Workspace) -> str | None:
    """The message to show when the workspace's data could not be rebuilt or its file is gone, else None."""
    task = workspace.recipe.task if workspace.recipe else None
    if isinstance(task, MissingDataTask):
        return task.missing
    path = workspace.missing_text_file()
    if path is None:
        return None
    return _("The text file {path} is missing. The statistics shown are the ones saved with the session, and "
             "the model trains on the tokens stored in it. Training a new tokenizer or changing the cleaning "
             "needs the file: put it back, or open it again from where it is now.").format(path=path)


# --- saving -------------------------------------------------------------------------------
def save_session(path, workspace: Workspace, ui_state: dict | None = None) -> Path:
    """Write the workspace and ``ui_state`` (JSON-able) to ``path`` atomically; returns the path."""
    recipe = workspace.require_recipe()
    if workspace.pretrained:
        raise ConfigError(_("A pretrained model is not saved in a session: it stays in its folder, {folder}. Open "
                            "it again with File ▸ Open a Hugging Face model folder.").format(
                                folder=workspace.pretrained))
    path = Path(path)
    members = {"tokenizer.json": recipe.task.tokenizer.to_json_str().encode("utf-8")}
    if workspace.model is not None:
        members["model.safetensors"] = save_torch(weights_of(workspace.model), metadata={"format": FORMAT})
    if workspace.trainer is not None:
        state = workspace.trainer.optimizer.state_dict()
        tensors = {k: v.detach().to("cpu").contiguous() for k, v in state.items()}
        members["optimizer.safetensors"] = save_torch(tensors, metadata={"format": FORMAT})
    if workspace.model is not None:
        members.update(snapshot_members(workspace.snapshots))
    data = _embedded_tokens(recipe)
    if data is not None:
        members["data.safetensors"] = save_numpy(data, metadata={"format": FORMAT})
    meta = {"format": FORMAT, "version": VERSION, "spec": recipe.spec, "task_name": recipe.task.name,
            "model": recipe.model.to_dict(), "train": recipe.train.to_dict(), "history": workspace.history,
            "trained_steps": workspace.trained_steps, "ui_state": ui_state or {}}
    members["session.json"] = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    _write_zip(path, members)
    return path


def _embedded_tokens(recipe: Recipe) -> dict | None:
    """A text file's token streams, which the session keeps so the file may go away."""
    task = recipe.task
    if not recipe.spec.get("text_file") or not isinstance(task, LMTask) or isinstance(task, MissingDataTask):
        return None
    if len(task.train_ids) + len(task.val_ids) > MAX_EMBEDDED_TOKENS:
        return None
    return {"train_ids": np.ascontiguousarray(task.train_ids), "val_ids": np.ascontiguousarray(task.val_ids)}


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    """The zip through the one atomic writer: a kill or a full disk leaves the previous session as it was."""

    def write(stream) -> None:
        with zipfile.ZipFile(stream, "w") as archive:
            for name, data in members.items():
                # weights are float noise to deflate: store them, compress only the text
                method = zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
                archive.writestr(name, data, compress_type=method)

    write_atomic(path, write)


# --- loading ------------------------------------------------------------------------------
def load_session(path) -> tuple[Workspace, dict]:
    """Open a session file; a damaged, hostile or foreign file raises CheckpointError."""
    path = Path(path)
    with _open_zip(path) as archive, tempfile.TemporaryDirectory(prefix="playground-session-") as tmp:
        members = _checked_members(archive, path)
        meta = _read_meta(archive, path)
        tokenizer, cfg, train = _read_settings(archive, meta, path)
        check_session(archive, members, cfg, train.batch_size, path)  # before any tensor is made
        task = _rebuild_task(archive, members, meta, tokenizer, path)
        if not isinstance(task, MissingDataTask):
            try:
                task = match_architecture(task, cfg.architecture)  # the user may have switched it
            except ConfigError as e:
                raise CheckpointError(_("{p}: {e}").format(p=path, e=e)) from None
        model = optimizer = None
        if "model.safetensors" in members:
            model = build_model(cfg)
            fill_model(model, load_tensors(_extract(archive, "model.safetensors", Path(tmp))), path)
        if model is not None and "optimizer.safetensors" in members:
            optimizer = load_tensors(_extract(archive, "optimizer.safetensors", Path(tmp)))
        snapshots = SnapshotStore()
        notice = read_snapshots(archive, model, meta["trained_steps"], path, snapshots) if model is not None \
            else None
    workspace = Workspace()
    workspace.recipe = Recipe(task, cfg, train, meta["spec"])
    workspace.model = model
    workspace.history = meta["history"]
    workspace.trained_steps = meta["trained_steps"]
    workspace.snapshots = snapshots
    snapshots.notice = "\n".join(n for n in (notice, snapshots.skipped) if n) or None
    if optimizer is not None and not isinstance(task, MissingDataTask):
        workspace.trainer = _trainer_with(workspace, optimizer, path)
    return workspace, meta["ui_state"]


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise CheckpointError(_("There is no session file at {p}. Choose a .playground file.").format(p=path))
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CheckpointError(_("{p} is not a Transformer Playground session (it is damaged or another kind "
                                "of file: {e}). Choose a .playground file.").format(p=path, e=e)) from None


def _checked_members(archive: zipfile.ZipFile, path: Path) -> set[str]:
    """Our member names, every one within its size limit; refuses a zip bomb before extracting."""
    infos = {info.filename: info for info in archive.infolist()}
    missing = [name for name in REQUIRED if name not in infos]
    if missing:
        raise CheckpointError(_("{p} is not a complete session: {m} is missing. It was not saved by Transformer "
                                "Playground, or it is damaged.").format(p=path, m=", ".join(missing)))
    for name, info in infos.items():
        limit = LIMITS.get(name)
        if limit is None:
            continue  # members a newer version may add are ignored
        # tensors are stored uncompressed, so their size is bounded by the file's own size
        packed = name.endswith(".safetensors") and info.compress_type != zipfile.ZIP_STORED
        if info.file_size > limit or packed:
            raise CheckpointError(_("{p} is not a safe session file: {n} would unpack to {s} bytes. Use a "
                                    "session saved by the playground.").format(p=path, n=name, s=info.file_size))
    return set(infos) & set(LIMITS)


def _read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """The bytes of a member, never more than its limit, whatever its header says."""
    limit = LIMITS[name]
    try:
        with archive.open(name) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as e:
        raise CheckpointError(_("{n} in {p} is damaged ({e}). Use another session file.").format(
            n=name, p=path, e=e)) from None
    if len(data) > limit:
        raise CheckpointError(_("{n} in {p} is larger than it says. Use another session file.").format(n=name, p=path))
    return data


def _extract(archive: zipfile.ZipFile, name: str, folder: Path) -> Path:
    """Copy one member to a file of the same (fixed) name in ``folder``, within its size limit."""
    target = folder / name
    target.write_bytes(_read_member(archive, name, target))
    return target


def _read_meta(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        meta = json.loads(_read_member(archive, "session.json", path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(_("session.json in {p} is damaged ({e}). Use another session file.").format(
            p=path, e=e)) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(_("{p} was not written by Transformer Playground.").format(p=path))
    if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise CheckpointError(_("{p} comes from a newer version of the playground: update the app.").format(p=path))
    expected = {"spec": dict, "model": dict, "train": dict, "history": list, "trained_steps": int, "ui_state": dict}
    for key, kind in expected.items():
        if not isinstance(meta.get(key), kind):
            raise CheckpointError(_("session.json in {p} is incomplete ({k} is missing or wrong). Use another "
                                    "session file.").format(p=path, k=key))
    return meta


def _read_settings(archive: zipfile.ZipFile, meta: dict, path: Path):
    """The tokenizer and the model and training settings, checked against each other."""
    try:
        tokenizer = Tokenizer.from_json_str(_read_member(archive, "tokenizer.json", path).decode("utf-8"))
        cfg = ModelConfig.from_dict(meta["model"])
        train = TrainConfig.from_dict(meta["train"])
    except UnicodeDecodeError:
        raise CheckpointError(_("tokenizer.json in {p} is damaged. Use another session file.").format(p=path)) from None
    except TypeError as e:
        raise CheckpointError(_("the settings in {p} are damaged ({e}).").format(p=path, e=e)) from None
    except PlaygroundError as e:
        raise CheckpointError(_("{p}: {e}").format(p=path, e=e)) from None
    if cfg.vocab_size != tokenizer.vocab_size:
        raise CheckpointError(_("the model in {p} and its tokenizer disagree on the vocabulary size.").format(p=path))
    return tokenizer, cfg, train


def _rebuild_task(archive, members: set[str], meta: dict, tokenizer: Tokenizer, path: Path):
    """The task from the stored tokens, else from the spec; missing data gives a MissingDataTask."""
    spec, name = meta["spec"], str(meta.get("task_name") or "text")
    if "data.safetensors" in members:
        train_ids, val_ids = _read_tokens(archive, tokenizer, path)
        return LMTask(tokenizer, train_ids, val_ids, name=name)
    try:
        return task_from_spec(spec, tokenizer)
    except PlaygroundError as e:
        where = spec.get("text_file") or spec.get("dataset") or "?"
        message = _("The data of this session ({w}) cannot be loaded: {e} The model and tokenizer are here; "
                    "open the text file or choose a dataset again to train.").format(w=where, e=e)
        empty = np.empty(0, dtype=np.uint16)
        return MissingDataTask(tokenizer, empty, empty, name=name, missing=message)


def _read_tokens(archive, tokenizer: Tokenizer, path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        data = load_numpy(_read_member(archive, "data.safetensors", path))
    except (SafetensorError, ValueError, OSError) as e:
        raise CheckpointError(_("data.safetensors in {p} is damaged ({e}).").format(p=path, e=e)) from None
    arrays = [data.get("train_ids"), data.get("val_ids")]
    for ids in arrays:
        bad = ids is None or ids.ndim != 1 or ids.dtype.kind != "u" or len(ids) == 0
        if bad or int(ids.max()) >= tokenizer.vocab_size:
            raise CheckpointError(_("the stored corpus in {p} does not fit its tokenizer.").format(p=path))
    return arrays[0], arrays[1]


def _trainer_with(workspace: Workspace, optimizer: dict, path: Path) -> Trainer:
    """A trainer that continues where the saved one stopped (same AdamW moments)."""
    recipe = workspace.recipe
    trainer = Trainer(workspace.model, recipe.task, recipe.train, None, recipe.spec)
    expected = {k: v.shape for k, v in trainer.optimizer.state_dict().items()}
    if set(optimizer) != set(expected) or any(optimizer[k].shape != s for k, s in expected.items()):
        raise CheckpointError(_("the optimizer state in {p} does not match the model.").format(p=path))
    trainer.optimizer.load_state_dict(optimizer)
    trainer.step = workspace.trained_steps
    return trainer
