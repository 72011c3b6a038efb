"""One generic worker: runs a core loop off the UI thread and turns its records into signals.

    job = Job(lambda: trainer.run(), stop=trainer.request_stop)
    job.progress.connect(on_record)     # each yielded record, in the UI thread
    job.start()

A function that returns a value (not an iterator) is run once and its value arrives by
``result``. An exception becomes ``error(message)``: the window shows it and carries on.

Each job has a thread of its own, unless it is given a ``WorkerThread``: one long-lived thread
that runs its jobs one after another (the Train panel's runs: see ``WorkerThread``).
"""

import queue
import threading
import traceback
import warnings
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal


class _Runner(QObject):
    started = Signal()
    progress = Signal(object)
    result = Signal(object)
    error = Signal(str, str)  # message for the user, traceback for the log
    done = Signal(bool)  # True when cancelled

    def __init__(self, fn: Callable, own_thread: bool = True):
        super().__init__()
        self.fn, self.own_thread = fn, own_thread
        self.cancelled = False  # set by Job.cancel (a flag here, not a callback: that made a cycle with the Job)
        self.ended = threading.Event()  # set when the work is over, before ``done`` reaches the UI thread

    def run(self):
        self.started.emit()
        fn, self.fn = self.fn, None  # once done, the job holds nothing of its work (a training run, its trainer)
        try:
            out = fn()
            del fn
            if hasattr(out, "__next__"):
                for item in out:
                    self.progress.emit(item)
                    if self.cancelled:
                        break
            else:
                self.result.emit(out)
        except Exception as e:  # any failure of the job must reach the window, not kill the app
            self.error.emit(str(e) or type(e).__name__, traceback.format_exc())
        out = None  # the generator, and the run it holds, go before ``done``, not with this frame
        self.ended.set()
        self.done.emit(self.cancelled)
        if self.own_thread:  # quit from here too: a UI thread blocked in Job.wait() cannot run _on_done's quit()
            self.thread().quit()


class WorkerThread:
    """One long-lived thread that runs the jobs given to it one after another, started with the first.

    The Train panel's runs go through one: a new thread per run cost each run a fresh glibc arena
    (the next thread starts before the last has given its arena back: the soak benchmark saw
    three of ~190 MB each after 20 runs), a new OpenMP pool and a new thread stack. It is a
    daemon Python thread: nothing to stop when the window closes (a job in it is cancelled as
    any other), and nothing for Qt to abort on at exit.
    """

    def __init__(self, name: str):
        self.name = name
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, fn: Callable[[], None]) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
                self._thread.start()
        self._jobs.put(fn)

    @property
    def native_id(self) -> int | None:
        return self._thread.native_id if self._thread is not None else None

    def _serve(self) -> None:
        while True:
            fn = self._jobs.get()
            fn()
            del fn  # the job's runner, until the next one comes


class Job(QObject):
    """A background job with signals: started, progress, result, error, finished, cancelled."""

    started = Signal()
    progress = Signal(object)
    result = Signal(object)
    error = Signal(str, str)
    finished = Signal()
    cancelled = Signal()

    def __init__(self, fn: Callable, stop: Callable[[], None] | None = None, parent=None,
                 thread: WorkerThread | None = None):
        super().__init__(parent)
        self._stop_fn, self._cancel = stop, False
        self._worker, self._started = thread, False
        self._runner = _Runner(fn, own_thread=thread is None)
        if thread is None:
            self._thread = QThread()
            self._runner.moveToThread(self._thread)
            self._thread.started.connect(self._runner.run)
        self._runner.started.connect(self.started)
        self._runner.progress.connect(self.progress)
        self._runner.result.connect(self.result)
        self._runner.error.connect(self.error)
        self._runner.done.connect(self._on_done)

    def start(self) -> None:
        self._started = True
        if self._worker is not None:
            self._worker.submit(self._runner.run)  # its signals reach the UI thread queued, as from a QThread
        else:
            self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next check; ``cancelled`` then ``finished`` follow."""
        self._cancel = self._runner.cancelled = True
        if self._stop_fn is not None:
            self._stop_fn()

    def is_running(self) -> bool:
        if self._worker is not None:
            return self._started and not self._runner.ended.is_set()
        return self._thread.isRunning()

    def wait(self, ms: int = 5000) -> bool:
        if self._worker is not None:
            return not self._started or self._runner.ended.wait(ms / 1000)
        return self._thread.wait(ms)

    def _on_done(self, was_cancelled: bool) -> None:
        if self._worker is None:
            self._thread.quit()
            self._thread.wait()
        self._stop_fn = None  # (a run's ``stop``: it would keep the run, and its trainer, as long as the job)
        if was_cancelled:
            self.cancelled.emit()
        self.finished.emit()
        self._release_slots()

    def _release_slots(self) -> None:
        """Drop the handlers: a slot holding this job (``partial(on_result, job)``) would keep it forever."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "failed to disconnect": nothing was connected
            for signal in (self.started, self.progress, self.result, self.error, self.finished, self.cancelled):
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass


class JobOwner:
    """Mixin for a panel that owns at most one job: starting a new one cancels the old.

    ``run_job(job)`` waits for the old job to stop (a trainer must not share its model with a
    second one). ``run_job(job, wait_old=False)`` lets a job that cannot be interrupted (a
    tokenizer being trained) finish in the background; it is kept alive until then, and
    ``is_current(job)`` tells its handlers that their result is no longer wanted.
    """

    _job: Job | None = None

    def run_job(self, job: Job, wait_old: bool = True) -> Job:
        if wait_old:
            self.cancel_job()
        else:
            self._retire_job()
        self._job = job
        job.start()
        return job

    def is_current(self, job: Job) -> bool:
        return job is self._job

    def cancel_job(self, wait_ms: int = 5000) -> None:
        """Cancel the job (and any retired one) and wait for each at most ``wait_ms``."""
        self._retire_job()
        for job in list(self._retired_jobs()):
            job.wait(wait_ms)
            if not job.is_running():
                self._forget(job)

    def job_running(self) -> bool:
        return self._job is not None and self._job.is_running()

    def jobs_running(self) -> bool:
        """True while the current job or a retired one still runs."""
        return self.job_running() or any(job.is_running() for job in self._retired_jobs())

    def _retired_jobs(self) -> list:
        if getattr(self, "_retired", None) is None:
            self._retired = []
        return self._retired

    def _retire_job(self) -> None:
        job, self._job = self._job, None
        if job is None or not job.is_running():
            return
        job.cancel()
        self._retired_jobs().append(job)  # a QThread must outlive its run: keep the Job until finished
        job.finished.connect(lambda: self._forget(job))

    def _forget(self, job: Job) -> None:
        retired = self._retired_jobs()
        if job in retired:
            retired.remove(job)
