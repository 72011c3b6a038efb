"""Snapshots of the weights during training, on disk within a budget: the model across its own training.

The trainer calls ``SnapshotStore.on_record`` with each record, in the training thread, so a
snapshot holds the weights exactly as they were at its step (at each evaluation by default).
Each one is written at once, as a safetensors file, to a temporary folder of the store's own, and
read back when it is wanted (``model_at``, the replay's embedding map, a session save): however
many are kept, resident memory does not grow. When the files outgrow the budget they thin out
evenly, always keeping the first and the newest; the folder goes when the store is cleared or
dropped, or the process exits:

    store = SnapshotStore(budget_mb=64)
    trainer.record_hooks.append(store.on_record)
    ...
    store.steps()               # [0, 100, 300, 500, 600]
    model_500 = store.model_at(model, 500)

A snapshot that cannot be written (a full disk, a temporary folder that cannot be written) is
skipped and ``skipped`` says why; training goes on and the snapshots already kept stay.

Weights are kept in float32, the dtype the trainer keeps them in: a view at step k is then the
model of step k bit for bit (float16 would halve the size but move every attention weight by
about 1e-3, so the replay would not be the model that was trained).
"""

import copy
import json
import os
import re
import shutil
import struct
import tempfile
import threading
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_torch

from .atomic import DISK_FULL, write_atomic
from .checkpoint import fill_model, unique_tensors
from .errors import PlaygroundError, SaveError
from .i18n import _

MB = 1024**2
DEFAULT_BUDGET_MB = 256  # disk space for snapshots unless the user changes it
MIN_BUDGET_MB, MAX_BUDGET_MB = 0, 64 * 1024
SESSION_CAP_MB = 256  # snapshots a session file carries at most; more are thinned evenly to fit
FOLDER_PREFIX = "playground-snapshots-"  # then the process id: a folder whose process is gone is removed
FILE_FORMAT = "transformer-playground-snapshot"


@dataclass(frozen=True)
class Snapshot:
    step: int
    path: Path  # a safetensors file in the store's folder: float32 tensors, tied weights once
    nbytes: int  # the weights' size, counted against the budget (the file adds a header of a few hundred bytes)

    @property
    def weights(self) -> dict[str, torch.Tensor]:
        """The weights read back from the file (name -> float32 CPU tensor)."""
        with open(self.path, "rb") as stream:
            return read_tensors(stream)


def weights_view(model) -> dict[str, torch.Tensor]:
    """The model's weights as float32 CPU tensors, tied ones once, copying only what must be converted."""
    return {name: t.to("cpu", torch.float32).contiguous() for name, t in unique_tensors(model).items()}


def write_tensors(stream, tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> None:
    """Write float32 ``tensors`` to ``stream`` in the safetensors layout, straight from their memory (no copy)."""
    header, offset = {"__metadata__": metadata}, 0
    for name, t in tensors.items():
        size = t.numel() * 4
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # the format's padding: the data starts 8-byte aligned
    stream.write(struct.pack("<Q", len(raw)) + raw)
    for t in tensors.values():
        if t.numel():
            stream.write(memoryview(t.numpy()).cast("B"))


def read_tensors(stream, names=None) -> dict[str, torch.Tensor]:
    """The tensors (all, or those in ``names``) of a file ``write_tensors`` wrote, reading only those."""
    size = struct.unpack("<Q", stream.read(8))[0]
    header = json.loads(stream.read(size))
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        if names is not None and name not in names:
            continue
        start, end = info["data_offsets"]
        data = bytearray(end - start)
        stream.seek(8 + size + start)
        stream.readinto(data)
        out[name] = torch.frombuffer(data, dtype=torch.float32).reshape(info["shape"]) if data \
            else torch.zeros(info["shape"], dtype=torch.float32)
    return out


def thin_evenly(steps: list[int], keep: int) -> list[int]:
    """Indices of ``keep`` of the sorted ``steps`` spread as evenly as possible, first and last kept.

    Drops, one at a time, the inner step whose removal leaves the smallest gap:
    thin_evenly([0, 1, 2, 3, 10], 3) -> [0, 3, 4] (steps 0, 3, 10).
    """
    idx = list(range(len(steps)))
    while len(idx) > max(keep, 2):
        gaps = [steps[idx[i + 1]] - steps[idx[i - 1]] for i in range(1, len(idx) - 1)]
        del idx[1 + gaps.index(min(gaps))]
    return idx


_swept: set[Path] = set()  # roots already cleared of stale folders by this process


def remove_stale_folders(root: Path) -> None:
    """Remove the snapshot folders of processes that are gone (killed before they could clean up); once a root."""
    if os.name != "posix" or root in _swept:  # os.kill(pid, 0) only asks on POSIX
        return
    _swept.add(root)
    for folder in root.glob(FOLDER_PREFIX + "*"):
        pid = folder.name[len(FOLDER_PREFIX):].partition("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # alive, someone else's


def mount_type(path: Path, mounts: str | None = None) -> str | None:
    """The file-system type of the mount that holds ``path`` ("tmpfs", "ext4"...), from /proc/mounts; None elsewhere."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    best, kind = "", None
    target = str(Path(path).resolve())
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def scratch_root(mounts: str | None = None) -> Path:
    """Where snapshot files go: the temporary folder, unless it is held in RAM (tmpfs, as on some Linux systems):
    then the user's cache folder, so that snapshots stay out of memory. ``PLAYGROUND_SCRATCH`` overrides both."""
    chosen = os.environ.get("PLAYGROUND_SCRATCH")
    if chosen:
        return Path(chosen)
    temp = Path(tempfile.gettempdir())
    if mount_type(temp, mounts) not in ("tmpfs", "ramfs"):
        return temp
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "transformer-playground" / "snapshots"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        return temp  # no cache folder to be had: RAM is better than no snapshots
    return cache


class SnapshotStore:
    """Snapshots by step, as float32 safetensors files in a temporary folder, within ``budget_mb`` of disk;
    thread-safe. ``every`` = 0 takes one at each evaluation; N > 0 one every N steps instead.
    ``root``: where the folder is made (the system's temporary folder unless given).
    """

    def __init__(self, budget_mb: float = DEFAULT_BUDGET_MB, every: int = 0, root=None):
        self._lock = threading.Lock()
        self._items: list[Snapshot] = []
        self.budget_bytes = int(budget_mb * MB)
        self.every = every
        self.root = Path(root) if root is not None else None
        self.folder: Path | None = None  # made at the first snapshot
        self._remove_folder = None
        self.notice: str | None = None  # what went wrong when snapshots were loaded from a session
        self.skipped: str | None = None  # why the latest snapshot could not be written, until one is again

    # --- reading -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._items)

    def steps(self) -> list[int]:
        with self._lock:
            return [s.step for s in self._items]

    def items(self) -> list[Snapshot]:
        with self._lock:
            return list(self._items)

    def used_bytes(self) -> int:
        with self._lock:
            return sum(s.nbytes for s in self._items)

    def get(self, step: int) -> Snapshot:
        with self._lock:
            return self._find(step)

    def _find(self, step: int) -> Snapshot:
        for s in self._items:
            if s.step == step:
                return s
        raise KeyError(_("no snapshot of the weights at step {s}").format(s=step))

    def _open(self, step: int):
        """The snapshot's file, opened under the lock: thinning may remove its name meanwhile, not its data."""
        with self._lock:
            return open(self._find(step).path, "rb")

    def read(self, step: int, names=None) -> dict[str, torch.Tensor]:
        """The weights of the snapshot at ``step`` (only ``names`` when given), read back from its file."""
        with self._open(step) as stream:
            return read_tensors(stream, names)

    def read_bytes(self, step: int) -> bytes:
        with self._open(step) as stream:
            return stream.read()

    def nearest(self, step: int) -> int | None:
        """The snapshot step closest to ``step`` (the earlier on a tie), or None when there is none."""
        steps = self.steps()
        return min(steps, key=lambda s: (abs(s - step), s)) if steps else None

    def model_near(self, model, step: int):
        """``model_at`` the snapshot closest to ``step`` (the earlier on a tie), found and opened at once, so
        training thinning the snapshots meanwhile cannot take it away; ``model`` itself when there is none."""
        with self._lock:
            if not self._items:
                return model
            near = min(self._items, key=lambda s: (abs(s.step - step), s.step))
            stream = open(near.path, "rb")
        with stream:
            return self._model_with(model, read_tensors(stream))

    def model_at(self, model, step: int):
        """A copy of ``model`` (on the CPU) holding the weights of the snapshot at ``step``."""
        return self._model_with(model, self.read(step))

    @staticmethod
    def _model_with(model, weights: dict[str, torch.Tensor]):
        copied = copy.deepcopy(model).to("cpu")
        params = copied.state_dict()
        with torch.no_grad():
            for name, t in weights.items():
                params[name].copy_(t)
        copied.eval()
        return copied

    # --- writing -----------------------------------------------------------------------------
    def set_budget_mb(self, mb: float) -> None:
        self.budget_bytes = int(max(MIN_BUDGET_MB, min(MAX_BUDGET_MB, mb)) * MB)
        with self._lock:
            self._fit()

    def capture(self, model, step: int) -> bool:
        """Write the model's weights at ``step`` (replacing a snapshot of the same step); False when skipped."""
        return self.put(step, weights_view(model))

    def put(self, step: int, weights: dict[str, torch.Tensor]) -> bool:
        """Keep ``weights`` (float32 CPU tensors) as the snapshot at ``step``; False, with ``skipped`` saying
        why, when the file cannot be written (the snapshots already kept stay)."""
        if self.budget_bytes <= 0:
            return False
        folder = None
        try:
            folder = self._folder()
            path = folder / f"{step:09d}.safetensors"
            metadata = {"format": FILE_FORMAT, "step": str(step)}
            write_atomic(path, lambda stream: write_tensors(stream, weights, metadata), durable=False)
            snap = Snapshot(step, path, sum(t.numel() * 4 for t in weights.values()))
        except (OSError, SaveError) as e:  # the atomic writer's SaveError carries the OSError as its cause
            if self.folder == folder:
                self.skipped = skipped_message(self.root_folder(), e if isinstance(e, OSError) else e.__cause__)
            else:  # the store was cleared while this one was written: not a problem of the disk
                shutil.rmtree(folder, ignore_errors=True)
            return False
        with self._lock:
            if self.folder != folder:  # cleared while this one was written: it belongs to nothing now
                shutil.rmtree(folder, ignore_errors=True)
                return False
            self._items = [s for s in self._items if s.step != step] + [snap]
            self._items.sort(key=lambda s: s.step)
            self._fit()
        self.skipped = None
        return True

    def drop_after(self, step: int) -> None:
        """Forget snapshots later than ``step`` (training went back there after diverging)."""
        with self._lock:
            self._drop([s for s in self._items if s.step > step])

    def clear(self) -> None:
        """Forget every snapshot and remove the folder."""
        with self._lock:
            self._items = []
            if self._remove_folder is not None:
                self._remove_folder()  # a weakref.finalize: runs once
            self.folder = self._remove_folder = None
        self.notice = self.skipped = None

    def on_record(self, trainer, record) -> None:
        """The trainer's record hook (training thread): snapshot at evaluations, or every ``every`` steps."""
        kind = record.kind
        if kind == "event" and record.event == "diverged":
            self.drop_after(record.step)
        elif (kind == "eval" and not self.every) or (kind == "step" and self.every and record.step % self.every == 0):
            self.capture(trainer.model, record.step)

    def root_folder(self) -> Path:
        return Path(self.root) if self.root is not None else scratch_root()

    def _folder(self) -> Path:
        with self._lock:
            if self.folder is None:
                root = self.root_folder()
                remove_stale_folders(root)
                self.folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=root))
                self._remove_folder = weakref.finalize(self, shutil.rmtree, str(self.folder), True)
            return self.folder

    def _drop(self, gone: list[Snapshot]) -> None:
        """Remove ``gone`` from the list and their files (lock held); a reader's open file keeps its data."""
        names = {id(s) for s in gone}
        self._items = [s for s in self._items if id(s) not in names]
        for s in gone:
            try:
                s.path.unlink(missing_ok=True)
            except OSError:
                pass  # held open elsewhere (Windows): the folder goes with the store

    def _fit(self) -> None:
        """Thin evenly until the snapshots fit the budget (lock held); the newest goes last of all."""
        if not self._items:
            return
        size = max(s.nbytes for s in self._items)
        keep = self.budget_bytes // size if size else len(self._items)
        if keep >= len(self._items):
            return
        if keep == 1:
            kept = self._items[-1:]
        elif keep == 0:
            kept = []
        else:
            kept = [self._items[i] for i in thin_evenly([s.step for s in self._items], keep)]
        self._drop([s for s in self._items if s not in kept])

    def capacity(self, model) -> int:
        """How many snapshots of ``model`` the budget holds."""
        size = snapshot_bytes(model)
        return self.budget_bytes // size if size else 0


def skipped_message(folder: Path, error: OSError | None) -> str:
    if getattr(error, "errno", None) in DISK_FULL:
        return _("A weight snapshot was skipped: the disk holding {folder} is full. Training goes on and the "
                 "snapshots already kept stay; free some space to keep new ones.").format(folder=folder)
    return _("A weight snapshot was skipped: {folder} cannot be written ({reason}). Training goes on and the "
             "snapshots already kept stay.").format(folder=folder, reason=getattr(error, "strerror", None) or error)


def snapshot_bytes(model) -> int:
    """The size of one snapshot of ``model`` (float32, tied weights once), copying nothing."""
    seen, total = set(), 0
    for t in model.state_dict().values():
        key = (t.data_ptr(), tuple(t.shape))
        if key not in seen:
            seen.add(key)
            total += t.numel() * 4
    return total


# --- in a session file ------------------------------------------------------------------------
MEMBER_PREFIX = "snapshots/"
MEMBER_NAME = re.compile(r"^snapshots/(\d{1,9})\.safetensors$")


def member_name(step: int) -> str:
    return f"{MEMBER_PREFIX}{step:09d}.safetensors"


def snapshot_members(store: SnapshotStore, cap_bytes: int = SESSION_CAP_MB * MB) -> dict[str, bytes]:
    """One safetensors member per snapshot (its file's bytes), thinned evenly (first and newest kept) to fit
    ``cap_bytes``."""
    items = store.items()
    if not items:
        return {}
    keep = cap_bytes // max(s.nbytes for s in items)
    if keep < len(items):
        items = [] if keep == 0 else [items[-1]] if keep == 1 else \
            [items[i] for i in thin_evenly([s.step for s in items], keep)]
    members = {}
    for s in items:
        try:
            members[member_name(s.step)] = store.read_bytes(s.step)
        except KeyError:
            pass  # thinned by training meanwhile
    return members


def read_snapshots(archive: zipfile.ZipFile, model, trained_steps: int, where, store: SnapshotStore) -> str | None:
    """Put the snapshots stored in a session's zip for ``model`` into ``store``; a damaged or absurd one is left
    out and named in the returned notice (the model, data and the other snapshots load all the same). Never
    more than the cap."""
    scratch = copy.deepcopy(model).to("cpu")
    size = snapshot_bytes(model)
    limit, room = size + MB, SESSION_CAP_MB * MB
    bad, steps = [], set()
    for info in archive.infolist():
        if not info.filename.startswith(MEMBER_PREFIX):
            continue
        match = MEMBER_NAME.match(info.filename)
        step = int(match.group(1)) if match else -1
        if not 0 <= step <= trained_steps or step in steps or info.file_size > min(limit, room) \
                or info.compress_type != zipfile.ZIP_STORED:
            bad.append(info.filename)
            continue
        try:
            with archive.open(info) as stream:
                data = stream.read(limit + 1)
            if len(data) > info.file_size:
                raise ValueError(info.filename)  # larger than its header says
            tensors = load_torch(data)
            del data
            fill_model(scratch, tensors, f"{where} ▸ {info.filename}")  # names, shapes, finite values
        except (PlaygroundError, SafetensorError, OSError, EOFError, ValueError, RuntimeError, zipfile.BadZipFile):
            bad.append(info.filename)
            continue
        room -= info.file_size
        steps.add(step)
        store.put(step, {k: v.float().contiguous() for k, v in tensors.items()})
    if not bad:
        return None
    return _("{n} of the weight snapshots in {p} are damaged or do not fit this model ({names}); they were "
             "left out. The model, its data and the other {k} snapshots loaded. Save the session again to "
             "drop them from the file.").format(n=len(bad), p=where, names=", ".join(bad[:3]), k=len(steps))


# --- replay --------------------------------------------------------------------------------------
def replay_inspection(model, store: SnapshotStore, tokenizer, ids: list[int], src_ids: list[int] | None = None,
                      ablated: dict | None = None):
    """``inspect.inspect`` of ``model`` (the workspace's model, or one made by ``store.model_at``).

    The embedding map's axes are fitted once, on the newest snapshot, and framed to hold every
    snapshot and ``model``: moving through the steps moves the embeddings, never the projection.
    """
    from .inspect import fit_projection, inspect, mapped_rows, projection_extent

    steps = store.steps()
    if not steps:
        return inspect(model, tokenizer, ids, src_ids, ablated)
    rows = mapped_rows(tokenizer, ids, src_ids)
    matrices = []
    for step in steps:
        try:
            matrices.append(store.read(step, {"tok_emb.weight"})["tok_emb.weight"])
        except KeyError:
            pass  # thinned by training meanwhile
    if not matrices:
        return inspect(model, tokenizer, ids, src_ids, ablated)
    projection = fit_projection(matrices[-1], rows)
    inspection = inspect(model, tokenizer, ids, src_ids, ablated, projection=projection)
    inspection.embedding_extent = projection_extent(matrices + [model.tok_emb.weight.detach()], projection, rows)
    return inspection
