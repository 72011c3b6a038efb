"""The training loop: it reports a record per step and checks stop/pause requests; it never draws.

    trainer = Trainer(model, task, TrainConfig(max_steps=200))
    for record in trainer.run():   # StepRecord, EvalRecord, EventRecord
        print(record)
"""

import contextlib
import json
import math
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch

from . import batch_threads, compiling, distributed
from .atomic import write_json_atomic
from .checkpoint import Checkpoint, save_checkpoint
from .device import autocast_for, cpu_bf16, resolve_device
from .errors import ConfigError
from .evaluate import evaluate, is_better, split_report
from .health import AttentionRecord, HealthMonitor, attention_record, entropy_batch
from .i18n import _
from .limits import check_fits, parameter_count
from .model import Recorded, flops_per_token
from .optim import FlatAdamW
from .tasks import IGNORE

BEST_FOLDER = "best"  # checkpoints/best: the model of the run's best evaluation by the task's headline metric


@dataclass
class TrainConfig:
    batch_size: int = 32  # examples (or windows) per optimizer step, before accumulation
    lr: float = 1e-3  # peak learning rate, reached after warm-up
    min_lr: float = 1e-4  # floor of the cosine decay
    warmup_steps: int = 100  # linear warm-up from 0 to lr
    max_steps: int = 2000  # optimizer steps in the run
    lr_decay_steps: int | None = None  # the cosine reaches min_lr here; None means max_steps
    weight_decay: float = 0.1  # decoupled, on matrices only
    beta1: float = 0.9
    beta2: float = 0.99
    grad_clip: float = 1.0  # global gradient-norm clip; 0 turns it off
    grad_accum: int = 1  # micro-batches summed per optimizer step
    eval_interval: int = 250  # evaluate every N steps (and at the end)
    eval_batches: int = 20  # validation loss = mean over this many random batches
    eval_examples: int = 200  # held-out examples greedily decoded for exact match
    checkpoint_interval: int = 0  # save every N steps into the run folder; 0: only at the end
    device: str = "auto"  # auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:1, mps
    seed: int = 1337  # same seed, same data order, same initial weights, same run
    threads: int | None = None  # torch CPU threads the caller (CLI, app) sets; the trainer leaves them alone
    amp: bool = True  # bf16 autocast on CUDA
    cpu_bf16: bool = False  # bf16 autocast on a CPU with AMX matrix units (device.cpu_bf16); attention stays float32
    health_interval: int = 10  # layer health every N steps, attention entropy at evaluations; 0: off
    compile: str = "off"  # the step's forward+backward through torch.compile: auto, on, off (compiling.py)
    batch_threads: int | None = None  # CPU threads a step's rows are split over (batch_threads.py); None: torch's
    # thread count where that is safe, 1: no split (torch's threads split each kernel instead)

    def __post_init__(self):
        if self.batch_size < 1 or self.max_steps < 1 or self.grad_accum < 1:
            raise ConfigError(_("batch size, steps and accumulation must be at least 1"))
        if not (self.lr > 0 and self.min_lr >= 0):
            raise ConfigError(_("the learning rate must be positive"))
        if self.batch_threads is not None and self.batch_threads < 1:
            raise ConfigError(_("batch threads must be at least 1"))
        if self.compile not in compiling.SETTINGS:
            raise ConfigError(_("compile must be one of: ") + ", ".join(compiling.SETTINGS))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ConfigError(_("unknown training settings: ") + ", ".join(sorted(unknown)))
        return cls(**d)


@dataclass
class StepRecord:
    step: int
    loss: float
    lr: float
    grad_norm: float
    tokens_per_second: float
    elapsed: float
    device: str
    kind: str = "step"


@dataclass
class EvalRecord:
    step: int
    metrics: dict  # val_loss, perplexity, token_accuracy, exact_match, accuracy, precision, recall, f1
    best: bool = False  # the best evaluation of the run so far by the task's headline metric (Task.metric)
    kind: str = "eval"
    report: dict | None = None  # a classifier's confusion matrix and per-class scores (evaluate.report_of)


@dataclass
class EventRecord:
    step: int
    event: str  # "checkpoint", "best", "stopped", "finished", "diverged"; "paused", "compile" (yielded, never recorded)
    message: str = ""
    path: str | None = None
    kind: str = "event"


def short_run_warmup(max_steps: int, warmup_steps: int) -> int:
    """The warm-up for a run of ``max_steps``: at most a fifth of it (at least 1), so that a short run is not
    spent raising the learning rate: (50, 100) -> 10, (120, 100) -> 24, (1000, 100) -> 100, (3, 100) -> 1."""
    return warmup_steps if warmup_steps <= max_steps // 5 else max(1, max_steps // 5)


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up to lr, then cosine decay to min_lr: lr_at(0) = lr/warmup, lr_at(decay) = min_lr."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    decay = cfg.lr_decay_steps or cfg.max_steps
    if step >= decay:
        return cfg.min_lr
    progress = (step - cfg.warmup_steps) / max(1, decay - cfg.warmup_steps)
    return cfg.min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (cfg.lr - cfg.min_lr)


class PauseSwitch:
    """Pause and resume a training loop from any thread; the loop waits at a step boundary.

    One switch for a run: the app's TrainingRun holds it before the trainer exists, hands it to
    the trainer, and waits on the same condition while it serves requests between steps.
    """

    def __init__(self):
        self.condition = threading.Condition()
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        with self.condition:
            self._paused = True

    def resume(self) -> None:
        with self.condition:
            self._paused = False
            self.condition.notify_all()

    def wake(self) -> None:
        """Make waiters look again (a stop, a request), paused or not."""
        with self.condition:
            self.condition.notify_all()

    def wait(self, until=lambda: False) -> None:
        """Block while paused, unless ``until()`` is true (checked on every wake)."""
        with self.condition:
            while self._paused and not until():
                self.condition.wait()


def model_loss(model, idx, targets, src=None):
    """The step's forward: the model's mean loss over the batch (what ``compiling.compiled`` compiles). ``model``
    is the model itself, or DistributedDataParallel's wrapper of it under torchrun."""
    return model(idx, targets, src=src)[1]


class Trainer:
    """Trains a model on a task; ``run()`` yields records; stop and pause are thread-safe."""

    def __init__(self, model, task, cfg: TrainConfig, run_dir=None, task_spec: dict | None = None,
                 pause_switch: PauseSwitch | None = None):
        self.cfg, self.task, self.task_spec = cfg, task, task_spec or {}
        self.processes = distributed.current()  # SINGLE unless torchrun started several processes
        self.processes.check_batch(cfg.batch_size)
        self.device = self.processes.device_for(resolve_device(cfg.device))
        on_device = next(model.parameters()).device == self.device
        check_fits(model.cfg, cfg.batch_size, training=True, device=self.device,
                   resident_bytes=4 * parameter_count(model.cfg) if on_device else 0)
        self.model = model.to(self.device)
        self.model.train()
        task.check(model.cfg.block_size)
        self.optimizer = FlatAdamW(self.model, cfg.weight_decay, (cfg.beta1, cfg.beta2))
        if self.processes.active:
            self._check_same_run()
        # what the training steps run: under torchrun, DistributedDataParallel around the model (it starts every
        # rank from rank 0's weights and averages the gradients in backward); else the model itself. Everything
        # else (evaluation, health, checkpoints, the app) uses self.model, so never sees the wrapper
        self.wrapped = self.processes.wrap(self.model)
        self.step = 0
        self.batch_rng = torch.Generator()  # the trainer's own: the caller's global RNG is left alone
        self.run_dir = Path(run_dir) if run_dir else None
        self.last_good: dict[str, torch.Tensor] | None = None  # weights and moments of the last sound model
        self.last_good_step = 0
        self.history: list[dict] = []
        self.best: dict | None = None  # {"metric", "value", "step"} of the best evaluation by task.metric
        self._stop = threading.Event()
        self._stop_agreed = False  # with several processes: some rank asked to stop, all know it at this step
        self.pause_switch = pause_switch or PauseSwitch()
        self.record_hooks: list = []  # fn(trainer, record) for each record, in the training thread (snapshots)
        self.health = (HealthMonitor(self.model, self.optimizer, cfg.grad_clip, cfg.warmup_steps)
                       if cfg.health_interval > 0 else None)
        self._entropy_batch: dict | None = None  # made at the first evaluation
        # the step's forward; compiled at the first step if cfg.compile says so. A function of the module, not a
        # bound method: the trainer holding its own method is a reference cycle that keeps a finished run alive
        self.loss_fn = model_loss
        self.compiled = False
        self._notices: list[str] = []  # one-line messages about compiling, yielded as "compile" events
        self.batch_threads: batch_threads.BatchThreads | None = None  # while run() runs, if the rows are split

    # --- control, from any thread ------------------------------------------------------
    def request_stop(self) -> None:
        self._stop.set()
        self.pause_switch.wake()

    def pause(self) -> None:
        self.pause_switch.pause()

    def resume(self) -> None:
        self.pause_switch.resume()

    @property
    def paused(self) -> bool:
        return self.pause_switch.paused

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # --- the loop ----------------------------------------------------------------------
    def run(self):
        """Train until max_steps or a stop request, yielding records."""
        self._keep_good()
        self._start_compiling()
        self._start_batch_threads()
        why_not_bf16 = cpu_bf16() if self.cfg.cpu_bf16 and self.device.type == "cpu" else None
        if why_not_bf16:
            self._notices.append(why_not_bf16)
        try:
            yield from self._notice_events()
            yield from self._steps()
        finally:
            self._stop_batch_threads()

    def _steps(self):
        cfg, started = self.cfg, time.perf_counter()
        autocast = autocast_for(self.device, cfg.amp, cfg.cpu_bf16)
        while self.step < cfg.max_steps:
            if self.paused:  # a state, not history: not recorded; a consumer may serve requests, then go on
                yield EventRecord(self.step, "paused", _("training paused at step {s}").format(s=self.step))
                self.pause_switch.wait(self._stop.is_set)
            if self._stopping():
                yield self._record(EventRecord(self.step, "stopped", _("training stopped at step {s}").format(s=self.step)))
                return
            record = self.train_step(autocast, started)
            yield from self._notice_events()
            if record is None:
                yield from self._diverged(self.step + 1)  # the step that failed did not count
                return
            yield self._record(record)
            if self.health is not None and self.step % cfg.health_interval == 0:
                yield self._record(self.health.measure(self.step, record.lr, record.grad_norm))
            if self.step % cfg.eval_interval == 0 or self.step == cfg.max_steps:
                metrics, report = split_report(self.evaluate(autocast))
                if self._stop.is_set():
                    continue  # an evaluation cut short by a stop request is not a measurement
                better = self._track_best(metrics)
                yield self._record(EvalRecord(self.step, metrics, better, report=report))
                if self.health is not None and math.isfinite(metrics["val_loss"]):
                    yield self._record(self.attention_health())
                if not math.isfinite(metrics["val_loss"]):
                    yield from self._diverged(self.step)
                    return
                self._keep_good()
                if better and self.run_dir:
                    yield self._record(self.save_best())
            if self.run_dir and cfg.checkpoint_interval and self.step % cfg.checkpoint_interval == 0:
                yield self._record(self.save_to_run())
        if self.run_dir:
            yield self._record(self.save_to_run())
        yield self._record(EventRecord(self.step, "finished", _("training finished at step {s}").format(s=self.step)))

    def train_step(self, autocast, started: float) -> StepRecord | None:
        """One optimizer step (with accumulation); None if the loss or gradient is not finite."""
        cfg, t0 = self.cfg, time.perf_counter()
        try:
            total, tokens = self._seeded_forward_backward(autocast)
        except Exception as e:  # noqa: BLE001 - whatever breaks inside inductor, training goes on eagerly
            if not self.compiled:
                raise
            self._stop_compiling(e)
            total, tokens = self._seeded_forward_backward(autocast)  # a genuine error raises again here
        norm = self.optimizer.clip_grad_norm(cfg.grad_clip).item()
        if not (math.isfinite(total) and math.isfinite(norm)):
            return None
        lr = lr_at(self.step, cfg)
        self.optimizer.step(lr)
        self.step += 1
        seconds = time.perf_counter() - t0
        return StepRecord(self.step, total, lr, norm, tokens / seconds, time.perf_counter() - started,
                          str(self.device))

    def _seeded_forward_backward(self, autocast) -> tuple[float, int]:
        g = self.batch_rng.manual_seed(self.cfg.seed * 1_000_003 + self.step)  # data order by step: resumable
        with self._dropout_rng():
            return self._forward_backward(g, autocast)

    def _start_compiling(self) -> None:
        """Compile the step's forward+backward if ``cfg.compile`` asks for it and it can (``compiling.decide``);
        the model itself stays as it is, so evaluation, health readings and the recorder run it eagerly."""
        if self.compiled or self.cfg.compile == "off" or self.processes.active:
            return
        family = getattr(self.model.cfg, "family", "transformer")
        on, why_not = compiling.decide(self.cfg.compile, self.device.type, family, self.cfg.max_steps - self.step)
        if why_not:
            self._notices.append(why_not)
        if on:
            for module in self.model.modules():  # as model.recording() leaves them (the health readings record):
                if isinstance(module, Recorded):  # else that first recording would make inductor compile again
                    module.recorder = None
            self.loss_fn, self.compiled = compiling.compiled(model_loss), True
            self._notices.append(_("compiling the training step (torch.compile): the first step takes up to a "
                                   "few minutes"))

    def _start_batch_threads(self) -> None:
        """Split each step's rows over CPU threads (``batch_threads.py``) where that is safe; an explicit
        setting that cannot be honoured says why in a notice."""
        cfg = self.cfg
        step_flops = flops_per_token(self.model) * cfg.batch_size * self.model.cfg.block_size
        count = batch_threads.thread_count(cfg.batch_threads, torch.get_num_threads(), cfg.batch_size, step_flops)
        if count < 2 or self.batch_threads is not None:
            return
        why_not = batch_threads.usable(self.device, self.model.cfg.dropout, self.compiled,
                                       self.processes.world_size if self.processes.active else 1)
        if why_not is None:
            self.batch_threads = batch_threads.BatchThreads(count)
        elif cfg.batch_threads is not None:
            self._notices.append(_("training without splitting the batch over threads: {why}").format(why=why_not))

    def _stop_batch_threads(self) -> None:
        if self.batch_threads is not None:
            self.batch_threads.close()
            self.batch_threads = None

    def _notice_events(self):
        while self._notices:
            yield EventRecord(self.step, "compile", self._notices.pop(0))

    def _stop_compiling(self, error: Exception) -> None:
        self.loss_fn, self.compiled = model_loss, False
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        self._notices.append(_("compiling the training step failed, training without it: {e}").format(e=first))

    @contextlib.contextmanager
    def _dropout_rng(self):
        """Dropout draws from torch's global RNG (it takes no generator). Seeded by step, so a resumed run
        drops the same units, inside a fork that gives the caller its RNG state back after the step."""
        if self.model.cfg.dropout == 0:
            yield
            return
        kind = self.device.type
        devices = [] if kind == "cpu" else list(range(getattr(torch, kind).device_count()))
        with torch.random.fork_rng(devices=devices, device_type="cuda" if kind == "cpu" else kind):
            seed = self.cfg.seed + 7919 * self.step + self.processes.dropout_offset()
            if kind == "cpu":
                torch.default_generator.manual_seed(seed)
            else:
                torch.manual_seed(seed)  # the CPU and every accelerator of this kind, all forked above
            yield

    def _forward_backward(self, g: torch.Generator, autocast) -> tuple[float, int]:
        """Gradients of grad_accum micro-batches, summed; returns (mean loss, tokens)."""
        cfg = self.cfg
        self.optimizer.zero_grad()
        total, tokens = 0.0, 0
        shard = self.processes.shard  # with N processes, this rank's rows of the global batch
        batches = [{k: v.to(self.device, non_blocking=True)
                    for k, v in shard(self.task.batch("train", cfg.batch_size, self.model.cfg.block_size, g)).items()}
                   for _ in range(cfg.grad_accum)]
        # each micro-batch's mean loss weighs by its share of the target tokens, so that k micro-batches
        # of n make the step of one batch of k·n even when padding leaves them different counts
        counted = [(batch["targets"] != IGNORE).sum().item() for batch in batches]
        everyone = self._count_all(sum(counted))  # the target tokens of the whole step, on all ranks
        # under torchrun, DistributedDataParallel averages the ranks' gradients in the last micro-batch's backward
        # (the earlier ones accumulate locally, in no_sync); scaled by N, the average is the token-weighted sum
        if self.batch_threads is not None:
            return self._threaded_forward_backward(batches, everyone, autocast)
        scale, last = self.processes.grad_scale(), len(batches) - 1
        for i, (batch, n) in enumerate(zip(batches, counted)):
            share = n / everyone
            with self._no_sync(i < last):
                with autocast():
                    loss = self.loss_fn(self.wrapped, batch["idx"], batch["targets"], batch.get("src"))
                self.processes.exchanging((loss * (share * scale)).backward)
            total += loss.item() * share
            tokens += batch["idx"].numel()
        if self.processes.active:
            total = self.processes.sum_floats(total)[0]
            tokens *= self.processes.world_size
        return total, tokens

    def _threaded_forward_backward(self, batches: list[dict], everyone: float, autocast) -> tuple[float, int]:
        """As ``_forward_backward``, each micro-batch's rows split over the batch threads. The first slice's
        backward accumulates into the gradients in its own thread; the others' gradients are added after it, in
        slice order, so the sum does not depend on which thread finished first."""
        total, tokens, params = 0.0, 0, self.optimizer.params
        for batch in batches:
            slices = batch_threads.split_rows(batch, self.batch_threads.count)
            shares = [(rows["targets"] != IGNORE).sum().item() / everyone for rows in slices]
            kept = [(rows, share) for rows, share in zip(slices, shares) if share > 0]  # no targets: no loss (NaN)
            results = self.batch_threads.map(self._slice_gradients,
                                             [(rows, share, autocast, i == 0) for i, (rows, share) in enumerate(kept)])
            for (loss, grads), (_rows, share) in zip(results, kept):
                if grads is not None:
                    used = [(p.grad, g) for p, g in zip(params, grads) if g is not None]
                    torch._foreach_add_([p for p, _g in used], [g for _p, g in used])
                total += loss * share
            tokens += batch["idx"].numel()
        return total, tokens

    def _slice_gradients(self, rows: dict, share: float, autocast, accumulate: bool) -> tuple[float, tuple | None]:
        """In a batch thread: the forward and backward of some rows; (mean loss, gradients weighed by share), or
        with ``accumulate`` (mean loss, None), the gradients added into the parameters' own. Autocast is per
        thread, so it is entered here."""
        with autocast():
            loss = self.loss_fn(self.wrapped, rows["idx"], rows["targets"], rows.get("src"))
        if accumulate:
            (loss * share).backward()
            return loss.item(), None
        return loss.item(), torch.autograd.grad(loss * share, self.optimizer.params, allow_unused=True)

    def _no_sync(self, local: bool):
        """DistributedDataParallel's ``no_sync`` for a micro-batch whose gradient only accumulates here."""
        return self.wrapped.no_sync() if local and self.wrapped is not self.model else contextlib.nullcontext()

    # --- several processes (see distributed.py); with one, these change nothing --------
    def _count_all(self, count: int) -> float:
        """The step's target tokens summed over ranks; a stop request of any rank rides along, so all
        ranks stop after the same step."""
        if not self.processes.active:
            return count
        everyone, stops = self.processes.sum_floats(count, float(self._stop.is_set()))
        self._stop_agreed = self._stop_agreed or stops > 0
        return everyone

    def _stopping(self) -> bool:
        return self._stop_agreed if self.processes.active else self._stop.is_set()

    def _check_same_run(self) -> None:
        """Every rank built its data and model itself: stop at once if they differ (another folder, file
        or option), rather than train on a mixture."""
        probe = self.task.batch("train", self.cfg.batch_size, self.model.cfg.block_size,
                                torch.Generator().manual_seed(self.cfg.seed))
        self.processes.check_same({
            _("model settings"): json.dumps(self.model.cfg.to_dict(), sort_keys=True).encode("utf-8"),
            _("training settings"): json.dumps([self.cfg.max_steps, self.cfg.batch_size]).encode("utf-8"),
            _("tokenizers"): self.task.tokenizer.to_json_str().encode("utf-8"),
            _("training data"): json.dumps({k: v.tolist() for k, v in probe.items()}).encode("utf-8")})

    def _track_best(self, metrics: dict) -> bool:
        """Whether this evaluation is the best so far by the task's headline metric; if so, remember it."""
        metric = self.task.metric
        if not is_better(metric, metrics.get(metric), self.best["value"] if self.best else None):
            return False
        self.best = {"metric": metric, "value": metrics[metric], "step": self.step}
        return True

    def _keep_good(self) -> None:
        """Remember the weights, the optimizer's moments and the step of a sound model (the run's start or
        an evaluation with a finite loss), to go back to if training diverges."""
        state = {"flat": self.optimizer.flat, **self.optimizer.state_dict()}
        if self.last_good is None:
            self.last_good = {k: v.detach().clone() for k, v in state.items()}
        else:
            for k, v in state.items():
                self.last_good[k].copy_(v)
        self.last_good_step = self.step

    def _diverged(self, bad: int):
        """Go back to the last sound model (weights, moments, step) and stop with a reason; saved
        checkpoints stay as they are. The event's step is the step trained from again."""
        self.optimizer.flat.copy_(self.last_good["flat"])
        self.optimizer.load_state_dict(self.last_good)
        self.step = self.last_good_step
        message = _("the loss became NaN or infinite near step {s}; training stopped and the model went back to "
                    "step {g}, its last good evaluation. Try a lower learning rate or gradient clipping.").format(
                        s=bad, g=self.step)
        yield self._record(EventRecord(self.step, "diverged", message))

    def attention_health(self) -> AttentionRecord:
        """Entropy of every attention head on a fixed held-out batch (the same batch at every evaluation)."""
        if self._entropy_batch is None:
            batch = entropy_batch(self.task, self.model.cfg.block_size, self.cfg.seed + 2)
            self._entropy_batch = {k: v.to(self.device) for k, v in batch.items()}
        return attention_record(self.step, self.model, self._entropy_batch)

    def evaluate(self, autocast=None) -> dict:
        cfg = self.cfg
        return evaluate(self.model, self.task, cfg.batch_size, self.model.cfg.block_size, cfg.eval_batches,
                        cfg.eval_examples, cfg.seed + 1, self.device, autocast or contextlib.nullcontext,
                        self.stop_requested)

    # --- records and checkpoints --------------------------------------------------------
    def _record(self, record):
        for hook in self.record_hooks:
            hook(self, record)
        self.append_row(asdict(record))
        return record

    def count_step(self, row: dict) -> None:
        """A step taken outside the loop (Inspect's backward step, applied to the model): the next step of this
        run, in its history and metrics.jsonl; ``row`` is its step record as a dict."""
        self.step = row["step"]
        self.append_row(row)

    def append_row(self, row: dict) -> None:
        """A record into the history and the run folder's metrics.jsonl."""
        self.history.append(row)
        if self.run_dir and self.processes.is_main:  # with several processes, rank 0 writes for all
            self.run_dir.mkdir(parents=True, exist_ok=True)
            with open(self.run_dir / "metrics.jsonl", "a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")

    def state(self) -> dict:
        return {"step": self.step, "train": self.cfg.to_dict(), "task": self.task_spec, "best": self.best}

    def save(self, directory) -> Path:
        return save_checkpoint(directory, self.model, self.task.tokenizer, self.state(),
                               self.optimizer.state_dict())

    def save_to_run(self, checkpoints_dir=None) -> EventRecord:
        """Save into ``checkpoints_dir/step-NNNNNN`` (default: the run folder's ``checkpoints``) and name
        it in ``latest.json`` there; returns the "checkpoint" event."""
        directory = Path(checkpoints_dir) if checkpoints_dir is not None else self.run_dir / "checkpoints"
        if not self.processes.is_main:  # every rank holds the same weights; rank 0 saves them
            return EventRecord(self.step, "checkpoint", _("checkpoint saved"), str(directory / f"step-{self.step:06d}"))
        path = self.save(directory / f"step-{self.step:06d}")
        write_json_atomic(directory / "latest.json", {"path": path.name, "step": self.step})
        return EventRecord(self.step, "checkpoint", _("checkpoint saved"), str(path))

    def save_best(self, checkpoints_dir=None) -> EventRecord:
        """Save the model of the best evaluation so far into ``checkpoints_dir/best`` (default: the run
        folder's ``checkpoints``), replacing the older best; its ``state.json`` says the step, metric and
        value. Returns the "best" event."""
        directory = Path(checkpoints_dir) if checkpoints_dir is not None else self.run_dir / "checkpoints"
        path = directory / BEST_FOLDER
        if self.processes.is_main:  # every rank holds the same weights; rank 0 saves them
            path = self.save(path)
        message = _("best so far by {metric}: step {s}").format(metric=self.best["metric"], s=self.step)
        return EventRecord(self.step, "best", message, str(path))

    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint, task, run_dir=None, **overrides) -> "Trainer":
        """Continue a saved run exactly where it stopped (same data order, same optimizer state)."""
        cfg = TrainConfig.from_dict({**checkpoint.state["train"], **overrides})
        trainer = cls(checkpoint.model, task, cfg, run_dir, checkpoint.state.get("task"))
        if checkpoint.optimizer is not None:
            trainer.optimizer.load_state_dict(checkpoint.optimizer)
        trainer.step = int(checkpoint.state["step"])
        best = checkpoint.state.get("best")
        trainer.best = best if isinstance(best, dict) and best.get("metric") == task.metric else None
        return trainer
