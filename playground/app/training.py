"""A training run as the Train panel drives it, in plain Python: records as dicts, pause, work between steps.

    run = TrainingRun(workspace.core, run_dir, threads=1)
    job = Job(run.records, stop=run.stop)     # the Job runs ``records`` in its thread
    run.pause(); run.resume(); run.call_between_steps(fn)

The trainer itself is built in the worker thread: moving a model to a GPU initialises CUDA,
which takes seconds, and that must not happen in the UI thread. The run and its trainer share
one ``PauseSwitch``; the run waits on it here, between records, rather than inside
``Trainer.run``: a paused run then still serves requests such as "save a checkpoint now",
always at a step boundary, never while the weights are being written.
"""

import os
import sys
import threading
from dataclasses import asdict

import torch

from ..core.compare import read_metrics  # noqa: F401 (the Train panel's overlay reads runs with it)
from ..core.device import resolve_device
from ..core.errors import PlaygroundError
from ..core.runtime import release_freed_memory
from ..core.train import EventRecord, PauseSwitch


# Niceness added to the training thread, and so to the OpenMP threads it starts (Linux: nice is
# per thread, and inherited). The UI thread then wins every contest for a core: measured with
# benchmarks/ui_stall_bench.py on 2 shared cores, it cut the event-loop gaps over 20 ms from
# about one per step to almost none. The trainer loses nothing on an idle machine.
TRAINING_NICE = 10


def can_lower_thread_priority() -> bool:
    return sys.platform.startswith("linux")  # elsewhere a thread id is not a setpriority target


def lower_thread_priority(nice: int) -> None:
    """Make the calling thread (and the threads it starts later) ``nice`` nicer than the UI thread.

    Counted from the UI (main) thread, not added to this thread's own: a long-lived worker runs
    one training run after another and would get nicer with each.
    """
    if nice and can_lower_thread_priority():
        try:
            ui = os.getpriority(os.PRIO_PROCESS, threading.main_thread().native_id)
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, ui + nice))
        except OSError:
            pass


def training_threads(device: str, cpu_count: int | None = None, niced: bool | None = None) -> int:
    """Torch CPU threads for training, chosen with the UI thread in mind.

    torch's thread count is process-wide. With the trainer niced (Linux), it may use every core:
    the UI thread still gets one whenever it needs it. Measured on 2 shared cores (20 s of the
    default dataset, main window on its Train panel): 1 thread 8,600-10,300 tokens/s, 2 threads
    11,500-13,600 tokens/s, with the same event-loop gaps (p99 13-15 ms, max 17-24 ms).
    Without nice (macOS, Windows) one core is left to the UI. At most 8: these small models
    stop scaling before that. A GPU run needs one host thread.
    """
    if device == "auto":
        device = resolve_device("auto").type
    if device != "cpu":
        return 1
    cores = cpu_count or os.cpu_count() or 1
    niced = (TRAINING_NICE > 0 and can_lower_thread_priority()) if niced is None else niced
    return max(1, min(8, cores if niced else cores - 1))


def use_threads(threads: int) -> None:
    """Set torch's thread count from the UI thread too: OpenMP keeps one setting per thread."""
    torch.set_num_threads(threads)


class TrainingRun:
    """One press of Start: builds a trainer for the workspace and yields its records as dicts."""

    def __init__(self, workspace, run_dir=None, threads: int | None = None, warm_up: bool = True,
                 **train_changes):
        self.workspace, self.run_dir, self.threads = workspace, run_dir, threads
        self.warm_up, self.train_changes = warm_up, train_changes
        self.trainer = None
        self._stop = threading.Event()
        self.pause_switch = PauseSwitch()  # handed to the trainer: one pause for both
        self._wake = self.pause_switch.condition
        self._requests: list = []
        self.waiting = False  # True while the worker sits paused between two steps

    # --- control, from the UI thread ----------------------------------------------------
    def stop(self) -> None:
        self._stop.set()
        if self.trainer is not None:
            self.trainer.request_stop()
        self._notify()

    def pause(self) -> None:
        self.pause_switch.pause()

    def resume(self) -> None:
        self.pause_switch.resume()

    @property
    def paused(self) -> bool:
        return self.pause_switch.paused

    def call_between_steps(self, fn) -> None:
        """Run ``fn(trainer)`` in the worker at the next step boundary; a dict it returns is yielded."""
        with self._wake:
            self._requests.append(fn)
            self._wake.notify_all()

    def _notify(self) -> None:
        self.pause_switch.wake()

    # --- the worker side ----------------------------------------------------------------
    def records(self):
        """The Job's generator: every record of the run as a dict (``dataclasses.asdict``)."""
        lower_thread_priority(TRAINING_NICE)
        if self.threads:
            torch.set_num_threads(self.threads)
        changes = dict(self.train_changes, **({"threads": self.threads} if self.threads else {}))
        trainer = self.trainer = self.workspace.new_trainer(self.run_dir, self.pause_switch, **changes)
        if self._stop.is_set():
            trainer.request_stop()
        if self.warm_up:
            warm_up(trainer)
        for record in trainer.run():
            if record.kind == "event" and record.event == "paused":
                yield from self._between_steps(trainer)  # paused at a step boundary: serve requests meanwhile
                continue
            if record.kind == "eval" and trainer.stop_requested():
                continue  # an evaluation cut short by Stop: its numbers mean nothing
            yield asdict(record)
            yield from self._between_steps(trainer)

    def _between_steps(self, trainer):
        while True:
            with self._wake:
                requests, self._requests = self._requests, []
                if not requests and self.paused and not self._stop.is_set():
                    self.waiting = True
                    self._wake.wait()
                    self.waiting = False
                    continue
            for fn in requests:
                try:
                    row = fn(trainer)
                except (OSError, PlaygroundError) as e:  # a full disk must not end the training
                    row = asdict(EventRecord(trainer.step, "error", str(e)))
                if row is not None:
                    yield row
            if not self.paused or self._stop.is_set():
                return


def release_memory_in_background() -> threading.Thread:
    """Give a finished run's cached activations back to the OS (malloc_trim), off the UI thread.

    Call it once the run's last record has reached the window. The trim takes 15-420 ms (2 busy
    cores) and holds each glibc arena's lock meanwhile; the window frees blocks of the training
    thread's arena too (every record and queued signal was allocated there), so a trim in the
    training thread while its last records were being shown stalled the window, the longer as
    that thread is niced and loses its core while holding the lock. This thread starts when nothing
    of the run is left in flight (it is niced too: the window no longer waits on it, only for a core).
    """
    def release() -> None:
        lower_thread_priority(TRAINING_NICE)  # the madvise calls are CPU work: the window comes first
        release_freed_memory()

    thread = threading.Thread(target=release, name="release-memory", daemon=True)
    thread.start()
    return thread


def warm_up(trainer) -> None:
    """One forward and backward pass on a tiny batch before the first step.

    The first pass in a process initialises torch's kernels and per-thread state (the first step
    took 3x longer than the next ones here); doing it on one example keeps that cost out of the
    first step's tokens/s. It runs in the worker, where it cannot stall the window either way
    (ui_stall_bench: the same gaps with and without it). The gradients it leaves are cleared by
    the first step's ``zero_grad``; no weight changes.
    """
    model, task, cfg = trainer.model, trainer.task, trainer.cfg
    g = torch.Generator().manual_seed(cfg.seed)
    batch = {k: v.to(trainer.device) for k, v in task.batch("train", 1, model.cfg.block_size, g).items()}
    _logits, loss = model(batch["idx"], batch["targets"], src=batch.get("src"))
    loss.backward()
    trainer.optimizer.zero_grad()


def save_checkpoint_row(checkpoints_dir):
    """A request for ``call_between_steps``: the trainer's own ``save_to_run`` into ``checkpoints_dir``,
    its "checkpoint" event returned as a row."""
    return lambda trainer: asdict(trainer.save_to_run(checkpoints_dir))
