"""Following a run folder while another process writes it: new records, the run's state, its newest checkpoint.

    watch = RunWatch("runs/grammar-20250101-120000")
    update = watch.poll()   # call again and again (the app does, in a thread): the records written since
    update.rows             # the last poll, each exactly once, and what the folder looks like now
    update.state            # "missing", "not_run", "waiting", "running", "stalled", "finished", ...

A run folder is what ``Trainer`` writes (``metrics.jsonl``, ``checkpoints/``) and the command line
adds to (``config.json``, ``tokenizer.json``), here or on a mounted disk. The writer may be caught
half-way through a line: that line is kept back until its newline arrives, so it is neither lost
nor read twice.
"""

import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CheckpointError, ConfigError, PlaygroundError
from .i18n import _
from .limits import MAX_METRICS_BYTES, check_file_size

RECORD_KINDS = ("step", "eval", "event", "health", "attention")
ENDINGS = ("finished", "stopped", "diverged")  # events after which a run writes nothing more (until resumed)
MAX_SMALL_JSON = 1024**2  # config.json, latest.json: a few hundred bytes when ours
# bytes read per poll at most (about 400 step records): a long backlog arrives over several polls, and the
# window draws each poll's records in one go, so each must be quick (benchmarks/watch_bench.py)
READ_CHUNK = 64 * 1024
MAX_LINE_BYTES = 16 * 1024**2  # a record longer than this is not one of ours: it is skipped
STALL_SECONDS = 60.0  # a run whose records stop growing for this long gets a notice
STEP_FOLDER = re.compile(r"step-\d+")


def valid_row(row) -> bool:
    """Whether a parsed line is a record the views can draw: its kind, an integer step, its numbers."""
    if not isinstance(row, dict) or row.get("kind") not in RECORD_KINDS:
        return False
    step = row.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        return False
    number = (int, float)
    if row["kind"] == "step":
        return all(isinstance(row.get(k), number) and not isinstance(row.get(k), bool)
                   for k in ("loss", "lr", "grad_norm", "tokens_per_second", "elapsed"))
    if row["kind"] == "eval":
        metrics = row.get("metrics")
        return isinstance(metrics, dict) and all(isinstance(v, number) for v in metrics.values())
    if row["kind"] == "event":
        return isinstance(row.get("event"), str)
    return True


class MetricsTail:
    """The complete lines appended to a growing ``metrics.jsonl`` since the last ``read``.

    Lines: ``{"step": 1, ...}\\n{"step": 2, "lo`` -> the first now; the second once its newline is written.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.offset = 0  # bytes of the file consumed (complete lines, and the kept-back part below)
        self.size = 0  # the file's size at the last read
        self._partial = b""  # the start of a line whose newline has not been written yet
        self._skipping = False  # inside a line too long to be ours, until its newline
        self.skipped = 0  # lines that were not records (damaged, foreign, too long)

    @property
    def more(self) -> bool:
        """Whether the file held more than the last read took."""
        return self.offset < self.size

    def reset(self) -> None:
        self.offset, self._partial, self._skipping = 0, b"", False

    def read(self, max_bytes: int = READ_CHUNK) -> tuple[list[dict], bool]:
        """(new records, restarted): ``restarted`` when the file shrank (it was written again from the start)."""
        self.size = check_file_size(self.path, MAX_METRICS_BYTES, _("read as training records"))
        restarted = self.size < self.offset
        if restarted:
            self.reset()
        if self.size == self.offset:
            return [], restarted
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read(min(max_bytes, self.size - self.offset))
        self.offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        if self._skipping and lines:
            lines.pop(0)  # the end of the overlong line
            self._skipping = False
        if len(self._partial) > MAX_LINE_BYTES or (self._skipping and not lines):
            self._partial, self._skipping = b"", True
        rows = []
        for line in lines:
            row = parse_line(line)
            if row is None:
                self.skipped += line.strip() != b""
            else:
                rows.append(row)
        return rows, restarted


LAYER = re.compile(r"embedding|head|(encoder|decoder)\.\d{1,4}")
MODULE = re.compile(r"(encoder|decoder)\.\d{1,4}\.(attn|cross_attn)")
MAX_HEALTH_ITEMS = 4096  # layers, modules or heads in one record: far more than any model here has
WARNING_FIELDS = {"large_update": ("layer", "value"), "vanishing": ("layer", "value"), "exploding": ("value",),
                  "always_clipped": ("value",), "collapsed": ("layer", "value", "head", "of")}


def drawable_health(row: dict) -> dict | None:
    """A "health" or "attention" record as the Health view can draw it: its lists of the right kinds and lengths,
    and only the warnings it can word (a record from another program, or damaged, is None)."""
    try:
        if row["kind"] == "health":
            layers, grads, ratios = row["layers"], row["grad_norms"], row["update_ratios"]
            ok = (_names(layers, LAYER) and _numbers(grads) and _numbers(ratios) and len(grads) == len(layers)
                  and len(ratios) == len(layers))
        elif row["kind"] == "attention":
            modules, entropy, top = row["modules"], row["entropy"], row["max_entropy"]
            ok = (_names(modules, MODULE) and isinstance(entropy, list) and entropy and len(entropy) == len(modules)
                  and all(_numbers(heads) and heads and len(heads) == len(entropy[0]) for heads in entropy)
                  and _numbers([top]))
        else:
            return None
    except (KeyError, TypeError):
        return None
    warnings = row.get("warnings")
    return {**row, "warnings": [w for w in warnings if _wordable(w)] if isinstance(warnings, list) else []} if ok \
        else None


def _names(items, pattern) -> bool:
    return (isinstance(items, list) and len(items) <= MAX_HEALTH_ITEMS
            and all(isinstance(x, str) and pattern.fullmatch(x) for x in items))


def _numbers(items) -> bool:
    return (isinstance(items, list) and len(items) <= MAX_HEALTH_ITEMS
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items))


def _wordable(warning) -> bool:
    if not isinstance(warning, dict) or warning.get("code") not in WARNING_FIELDS:
        return False
    for name in WARNING_FIELDS[warning["code"]]:
        value = warning.get(name)
        if name == "layer":
            if not isinstance(value, str) or not (LAYER.fullmatch(value) or MODULE.fullmatch(value)):
                return False
        elif not _numbers([value]) or (name in ("head", "of") and not isinstance(value, int)):
            return False
    return True


def parse_line(line: bytes) -> dict | None:
    try:
        row = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return row if valid_row(row) else None


def read_small_json(path: Path) -> dict | None:
    """A small JSON object (config.json, latest.json), or None when it is missing, damaged or not ours."""
    try:
        check_file_size(path, MAX_SMALL_JSON, _("read as run settings"))
        data = json.loads(path.read_text(encoding="utf-8"))
    except (PlaygroundError, OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def newest_checkpoint(run_dir) -> Path | None:
    """The checkpoint ``checkpoints/latest.json`` names, else the highest ``step-N`` folder; None if none."""
    return newest_checkpoint_in(Path(run_dir) / "checkpoints")


def newest_checkpoint_in(folder) -> Path | None:
    """In a folder of checkpoints: the one its ``latest.json`` names, else the highest ``step-N``; None if none.

    A latest.json that is missing, damaged, too large or names a folder outside is passed over."""
    folder = Path(folder)
    latest = read_small_json(folder / "latest.json")
    name = latest.get("path") if latest else None
    if isinstance(name, str) and Path(name).name == name and (folder / name / "state.json").is_file():
        return folder / name
    try:
        steps = [p for p in folder.iterdir() if STEP_FOLDER.fullmatch(p.name) and (p / "state.json").is_file()]
    except OSError:
        return None
    return max(steps, key=lambda p: int(p.name[5:]), default=None)


def settings_device(settings: dict | None) -> tuple[str | None, int | None]:
    """(device, CPU threads) a run's config.json asks for: {"train": {"device": "auto", "threads": 4}} -> ("auto",
    4); None for what it does not say (no file, a setting missing or of the wrong type)."""
    train = settings.get("train") if settings else None
    train = train if isinstance(train, dict) else {}
    device, threads = train.get("device"), train.get("threads")
    return (device if isinstance(device, str) and device else None,
            threads if isinstance(threads, int) and not isinstance(threads, bool) and threads > 0 else None)


def settings_processes(settings: dict | None) -> int:
    """How many processes train the run (torchrun's), as its config.json says: {"processes": 2} (or under "train");
    1 when it does not say, or says it in a way this version cannot read."""
    train = settings.get("train") if settings else None
    for where in (settings or {}, train if isinstance(train, dict) else {}):
        n = where.get("processes")
        if isinstance(n, int) and not isinstance(n, bool) and n > 0:
            return n
    return 1


def settings_parameters(settings: dict | None) -> int | None:
    """The parameter count of the model a run's config.json describes ({"model": {...}}), or None when it describes
    none this version can read."""
    from .limits import parameter_count
    from .model import ModelConfig

    model = settings.get("model") if settings else None
    try:
        return parameter_count(ModelConfig.from_dict(model)) if isinstance(model, dict) else None
    except (PlaygroundError, TypeError, ValueError, AttributeError):
        return None


def recorded_device(rows, device: str | None = None) -> str | None:
    """The device the newest step record among ``rows`` names ("cuda:0"), else ``device``."""
    for row in reversed(rows):
        if row.get("kind") == "step" and isinstance(row.get("device"), str) and row["device"]:
            return row["device"]
    return device


def target_steps(settings: dict | None, checkpoint: Path | None) -> int | None:
    """The step the run trains to: its config.json's ``settings`` (the command line writes them), else the newest
    checkpoint's."""
    steps = _max_steps(settings)
    return steps if steps is not None or checkpoint is None else _max_steps(read_small_json(checkpoint / "state.json"))


def _max_steps(settings: dict | None) -> int | None:
    train = settings.get("train") if settings else None
    steps = train.get("max_steps") if isinstance(train, dict) else None
    return steps if isinstance(steps, int) and not isinstance(steps, bool) and steps > 0 else None


@dataclass
class WatchUpdate:
    """What one poll found."""

    state: str  # missing, not_run, waiting, running, stalled, finished, stopped, diverged, unreadable
    rows: list[dict] = field(default_factory=list)  # records written since the last poll
    restarted: bool = False  # metrics.jsonl was written again from its start: forget the rows before
    message: str = ""  # why, for missing, not_run and unreadable; for missing and waiting once they last too long
    idle_seconds: float = 0.0  # since the records last grew (missing, waiting: since the watch saw it so, or longer)
    target: int | None = None  # the step the run trains to, if the folder says
    checkpoint: str | None = None  # the newest checkpoint folder
    more: bool = False  # more records are waiting: poll again at once
    device: str | None = None  # where it trains: its newest step record's device ("cuda:0"), else config.json's
    threads: int | None = None  # the CPU threads its config.json gives torch, if it says
    processes: int = 1  # the processes that train it (torchrun), as its config.json says; 1 when it does not
    parameters: int | None = None  # its model's parameters, as its config.json describes the model


class RunWatch:
    """Polls a run folder; keeps only a read offset and a few facts, never the records themselves."""

    def __init__(self, folder, stall_seconds: float = STALL_SECONDS, clock=time.monotonic):
        folder = Path(folder)
        self.folder = folder.parent if folder.name == "metrics.jsonl" else folder
        self.stall_seconds, self.clock = stall_seconds, clock
        self.tail = MetricsTail(self.folder / "metrics.jsonl")
        self.ended: str | None = None  # the last ending event, until a later step says the run goes on
        self.seen_rows = 0
        self.device: str | None = None  # the device the newest step record seen names
        self._grew_at: float | None = None  # clock() when the records last grew
        self._since: tuple[str, float] | None = None  # (missing or waiting, clock() when first seen so)

    def poll(self) -> WatchUpdate:
        if not self.folder.is_dir():
            if self.folder.exists():
                return WatchUpdate("not_run", message=_("{p} is not a folder").format(p=self.folder))
            quiet = self._quiet_for("missing")
            message = (never_started_message(self.folder, quiet) if quiet >= self.stall_seconds else
                       _("{p} does not exist (yet)").format(p=self.folder))
            return WatchUpdate("missing", message=message, idle_seconds=quiet)
        checkpoint = newest_checkpoint(self.folder)
        settings = read_small_json(self.folder / "config.json")  # read once a poll: the target, device and size
        asked, threads = settings_device(settings)
        facts = dict(target=target_steps(settings, checkpoint), checkpoint=str(checkpoint) if checkpoint else None,
                     device=self.device or asked, threads=threads, parameters=settings_parameters(settings),
                     processes=settings_processes(settings))
        if not self.tail.path.exists():
            if (self.folder / "config.json").is_file() or checkpoint is not None:
                quiet = max(self._quiet_for("waiting"), self._age(self.folder / "config.json"))
                message = no_records_message(quiet) if quiet >= self.stall_seconds and checkpoint is None else ""
                return WatchUpdate("waiting", message=message, idle_seconds=quiet, **facts)
            self._since = None
            return WatchUpdate("not_run", message=not_a_run(self.folder), **facts)
        self._since = None
        size_before = self.tail.size
        try:
            rows, restarted = self.tail.read()
        except (PlaygroundError, OSError) as e:
            return WatchUpdate("unreadable", message=str(e), **facts)
        now = self.clock()
        if self._grew_at is None:  # the first look: the file's age says how long it has been quiet
            self._grew_at = now - max(0.0, time.time() - self._mtime())
        elif restarted or self.tail.size > size_before:  # written to since the last look (a backlog is not news)
            self._grew_at = now
        if restarted:
            self.ended, self.seen_rows, self.device = None, 0, None
        self._follow_endings(rows)
        self.device = recorded_device(rows, self.device)
        facts["device"] = self.device or facts["device"]
        self.seen_rows += len(rows)
        idle = now - self._grew_at
        if not self.seen_rows and not self.tail.more:
            state = "waiting"
        elif self.ended:
            state = self.ended
        else:
            state = "stalled" if idle >= self.stall_seconds and not self.tail.more else "running"
        return WatchUpdate(state, rows, restarted, idle_seconds=idle, more=self.tail.more, **facts)

    def _follow_endings(self, rows: list[dict]) -> None:
        for row in rows:
            if row["kind"] == "event" and row["event"] in ENDINGS:
                self.ended = row["event"]
            elif row["kind"] == "step":
                self.ended = None  # resumed: the same metrics.jsonl goes on

    def _quiet_for(self, state: str) -> float:
        """Seconds since the watch first saw the folder in ``state`` (missing, waiting), this time."""
        now = self.clock()
        if self._since is None or self._since[0] != state:
            self._since = (state, now)
        return now - self._since[1]

    @staticmethod
    def _age(path: Path) -> float:
        """Seconds since ``path`` was last written; 0 when it cannot be told."""
        try:
            return max(0.0, time.time() - os.stat(path).st_mtime)
        except OSError:
            return 0.0

    def _mtime(self) -> float:
        try:
            return os.stat(self.tail.path).st_mtime
        except OSError:
            return time.time()


def not_a_run(folder: Path) -> str:
    return _("{p} is not a run folder: it has no metrics.jsonl, config.json or checkpoints. Choose the folder "
             "given to 'playground train --run-dir' (or that the command printed as its run folder); the watch "
             "starts by itself when the run writes there.").format(p=folder)


def stalled_message(seconds: float) -> str:
    minutes = max(1, math.floor(seconds / 60))
    return _("No new records for {m} min: the run may have stopped or hung, or its disk may be slow. The watch goes "
             "on and the curves continue when it writes again.").format(m=minutes)


def never_started_message(folder: Path, seconds: float) -> str:
    minutes = max(1, math.floor(seconds / 60))
    return _("{p} still does not exist after {m} min: the run may have failed before writing anything. Look in the "
             "terminal that started it (torchrun or 'playground train') for its error, and check that it was given "
             "this folder with --run-dir. The watch goes on and starts when the folder appears.").format(
        p=folder, m=minutes)


def no_records_message(seconds: float) -> str:
    minutes = max(1, math.floor(seconds / 60))
    return _("The run wrote its settings {m} min ago but no training record since: it may have failed while "
             "starting, or still be preparing its data. Look in the terminal that started it (torchrun or "
             "'playground train') for an error. The watch goes on.").format(m=minutes)


def workspace_from_checkpoint(folder, history=()):
    """A Workspace over the checkpoint ``folder`` (for Inspect and Generate), with the run's records up to its step.

    The checkpoint's sizes are checked against the limits before any tensor is made (``load_checkpoint``);
    data the checkpoint names but this machine lacks leaves a task that asks for it, as a session does.
    """
    import numpy as np

    from .checkpoint import load_checkpoint
    from .recipes import Recipe, task_from_spec
    from .session import MissingDataTask
    from .train import TrainConfig
    from .workspace import Workspace, match_architecture

    folder = Path(folder)
    checkpoint = load_checkpoint(folder)
    state, tokenizer, model = checkpoint.state, checkpoint.tokenizer, checkpoint.model
    step = state.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise CheckpointError(_("state.json in {p} does not say its step: use another checkpoint").format(p=folder))
    spec = state.get("task") if isinstance(state.get("task"), dict) else {}
    try:
        task = match_architecture(task_from_spec(spec, tokenizer), model.cfg.architecture)
    except PlaygroundError as e:
        where = spec.get("text_file") or spec.get("dataset") or "?"
        message = _("The data of this run ({w}) is not on this computer: {e} The model and tokenizer are here; open "
                    "the text file or choose a dataset again to train.").format(w=where, e=e)
        empty = np.empty(0, dtype=np.uint16)
        task = MissingDataTask(tokenizer, empty, empty, name=str(spec.get("dataset") or "text"), missing=message)
    train = state.get("train") if isinstance(state.get("train"), dict) else {}
    known = set(TrainConfig.__dataclass_fields__)
    try:
        train_cfg = TrainConfig.from_dict({k: v for k, v in train.items() if k in known})
    except (ConfigError, TypeError):
        train_cfg = TrainConfig()
    workspace = Workspace()
    workspace.recipe = Recipe(task, model.cfg, train_cfg, spec)
    workspace.model = model
    workspace.history = [dict(row) for row in history if row.get("step", 0) <= step]
    workspace.trained_steps = step
    return workspace
