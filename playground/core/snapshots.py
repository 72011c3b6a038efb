"""Snapshots of the weights during training, within a memory budget: the model across its own training.

The trainer calls ``SnapshotStore.on_record`` with each record, in the training thread, so a
snapshot holds the weights exactly as they were at its step (at each evaluation by default).
When the store outgrows its budget it thins out evenly, always keeping the first and the newest:

    store = SnapshotStore(budget_mb=64)
    trainer.record_hooks.append(store.on_record)
    ...
    store.steps()               # [0, 100, 300, 500, 600]
    model_500 = store.model_at(model, 500)

Weights are kept in float32, the dtype the trainer keeps them in: a view at step k is then the
model of step k bit for bit (float16 would halve the memory but move every attention weight by
about 1e-3, so the replay would not be the model that was trained).
"""

import copy
import functools
import re
import threading
import zipfile
from dataclasses import dataclass

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_torch
from safetensors.torch import save as save_torch

from .checkpoint import fill_model, weights_of
from .errors import PlaygroundError
from .i18n import _

MB = 1024**2
DEFAULT_BUDGET_MB = 256  # memory for snapshots unless the user changes it
MIN_BUDGET_MB, MAX_BUDGET_MB = 0, 64 * 1024
SESSION_CAP_MB = 256  # snapshots a session file carries at most; more are thinned evenly to fit


@dataclass(frozen=True)
class Snapshot:
    step: int
    weights: dict[str, torch.Tensor]  # name -> float32 CPU tensor, tied weights once (``weights_of``)

    @functools.cached_property
    def nbytes(self) -> int:
        """Counted once: the Train panel sums it over every snapshot at each evaluation, in the UI thread."""
        return sum(t.numel() * t.element_size() for t in self.weights.values())


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


class SnapshotStore:
    """Snapshots by step, in float32 on the CPU, within ``budget_mb`` megabytes; thread-safe.

    ``every`` = 0 takes one at each evaluation; N > 0 one every N steps instead.
    """

    def __init__(self, budget_mb: float = DEFAULT_BUDGET_MB, every: int = 0):
        self._lock = threading.Lock()
        self._items: list[Snapshot] = []
        self.budget_bytes = int(budget_mb * MB)
        self.every = every
        self.notice: str | None = None  # what went wrong when snapshots were loaded from a session

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
            for s in self._items:
                if s.step == step:
                    return s
        raise KeyError(_("no snapshot of the weights at step {s}").format(s=step))

    def nearest(self, step: int) -> int | None:
        """The snapshot step closest to ``step`` (the earlier on a tie), or None when there is none."""
        steps = self.steps()
        return min(steps, key=lambda s: (abs(s - step), s)) if steps else None

    def model_at(self, model, step: int):
        """A copy of ``model`` (on the CPU) holding the weights of the snapshot at ``step``."""
        snap = self.get(step)
        copied = copy.deepcopy(model).to("cpu")
        params = copied.state_dict()
        with torch.no_grad():
            for name, t in snap.weights.items():
                params[name].copy_(t)
        copied.eval()
        return copied

    # --- writing -----------------------------------------------------------------------------
    def set_budget_mb(self, mb: float) -> None:
        self.budget_bytes = int(max(MIN_BUDGET_MB, min(MAX_BUDGET_MB, mb)) * MB)
        with self._lock:
            self._fit()

    def capture(self, model, step: int) -> None:
        """Keep the model's weights at ``step`` (replacing a snapshot of the same step)."""
        self.add(Snapshot(step, {k: v.float() for k, v in weights_of(model).items()}))

    def add(self, snap: Snapshot) -> None:
        with self._lock:
            self._items = [s for s in self._items if s.step != snap.step] + [snap]
            self._items.sort(key=lambda s: s.step)
            self._fit()

    def drop_after(self, step: int) -> None:
        """Forget snapshots later than ``step`` (training went back there after diverging)."""
        with self._lock:
            self._items = [s for s in self._items if s.step <= step]

    def clear(self) -> None:
        with self._lock:
            self._items = []
        self.notice = None

    def on_record(self, trainer, record) -> None:
        """The trainer's record hook (training thread): snapshot at evaluations, or every ``every`` steps."""
        kind = record.kind
        if kind == "event" and record.event == "diverged":
            self.drop_after(record.step)
        elif (kind == "eval" and not self.every) or (kind == "step" and self.every and record.step % self.every == 0):
            self.capture(trainer.model, record.step)

    def _fit(self) -> None:
        """Thin evenly until the snapshots fit the budget (lock held); the newest goes last of all."""
        if not self._items:
            return
        size = max(s.nbytes for s in self._items)
        keep = self.budget_bytes // size if size else len(self._items)
        if keep >= len(self._items):
            return
        if keep == 1:
            self._items = self._items[-1:]
        elif keep == 0:
            self._items = []
        else:
            self._items = [self._items[i] for i in thin_evenly([s.step for s in self._items], keep)]

    def capacity(self, model) -> int:
        """How many snapshots of ``model`` the budget holds."""
        size = snapshot_bytes(model)
        return self.budget_bytes // size if size else 0


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


def snapshot_members(store: SnapshotStore, fmt: str, cap_bytes: int = SESSION_CAP_MB * MB) -> dict[str, bytes]:
    """One safetensors member per snapshot, thinned evenly (first and newest kept) to fit ``cap_bytes``."""
    items = store.items()
    if not items:
        return {}
    keep = cap_bytes // max(s.nbytes for s in items)
    if keep < len(items):
        items = [] if keep == 0 else [items[-1]] if keep == 1 else \
            [items[i] for i in thin_evenly([s.step for s in items], keep)]
    return {member_name(s.step): save_torch(s.weights, metadata={"format": fmt, "step": str(s.step)})
            for s in items}


def read_snapshots(archive: zipfile.ZipFile, model, trained_steps: int, where) -> tuple[list[Snapshot], str | None]:
    """The snapshots stored in a session's zip for ``model``; a damaged or absurd one is left out and named
    in the notice (the model, data and the other snapshots load all the same). Never more than the cap."""
    scratch = copy.deepcopy(model).to("cpu")
    size = snapshot_bytes(model)
    limit, room = size + MB, SESSION_CAP_MB * MB
    found, bad, steps = [], [], set()
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
            fill_model(scratch, tensors, f"{where} ▸ {info.filename}")  # names, shapes, finite values
        except (PlaygroundError, SafetensorError, OSError, EOFError, ValueError, RuntimeError, zipfile.BadZipFile):
            bad.append(info.filename)
            continue
        room -= info.file_size
        steps.add(step)
        found.append(Snapshot(step, {k: v.float().contiguous() for k, v in tensors.items()}))
    found.sort(key=lambda s: s.step)
    if not bad:
        return found, None
    return found, _("{n} of the weight snapshots in {p} are damaged or do not fit this model ({names}); they were "
                    "left out. The model, its data and the other {k} snapshots loaded. Save the session again to "
                    "drop them from the file.").format(n=len(bad), p=where, names=", ".join(bad[:3]), k=len(found))


# --- replay --------------------------------------------------------------------------------------
def replay_inspection(model, store: SnapshotStore, tokenizer, ids: list[int], src_ids: list[int] | None = None,
                      ablated: dict | None = None):
    """``inspect.inspect`` of ``model`` (the workspace's model, or one made by ``store.model_at``).

    The embedding map's axes are fitted once, on the newest snapshot, and framed to hold every
    snapshot and ``model``: moving through the steps moves the embeddings, never the projection.
    """
    from .inspect import fit_projection, inspect, mapped_rows, projection_extent

    items = store.items()
    if not items:
        return inspect(model, tokenizer, ids, src_ids, ablated)
    rows = mapped_rows(tokenizer, ids, src_ids)
    matrices = [s.weights["tok_emb.weight"] for s in items]
    projection = fit_projection(matrices[-1], rows)
    inspection = inspect(model, tokenizer, ids, src_ids, ablated, projection=projection)
    inspection.embedding_extent = projection_extent(matrices + [model.tok_emb.weight.detach()], projection, rows)
    return inspection
