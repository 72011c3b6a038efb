"""Data parallelism inside one process: a step's rows split over CPU threads, a slice each.

torch splits every kernel of a step over its CPU threads (intra-op parallelism). The models trained
here are small, so their kernels are small, and splitting each one costs nearly what it saves: on
the 2 cores this project is measured on, nanoGPT's recipe took 57 ms for a forward and backward at
one thread and still over 50 ms at two. Giving each thread half of the batch's rows instead, with
one intra-op thread each, is what DistributedDataParallel does across processes, done with threads
over one shared model: each thread runs the forward and backward of its slice, and the trainer
adds their gradients in slice order, so a step does not depend on which thread finishes first.

Used where it is safe (``usable``): on the CPU, in one process, with the step not compiled and no
dropout. Dropout draws from torch's process-wide generator, and threads drawing from it in turn
would draw in an order no run could repeat.
"""

import queue
import threading

import torch

from .i18n import _


def usable(device: torch.device, dropout: float, compiled: bool, processes: int) -> str | None:
    """Why the rows cannot be split over threads here, or None when they can."""
    if device.type != "cpu":
        return _("splitting the batch over CPU threads is only for the CPU")
    if processes > 1:
        return _("each process of a torchrun run already trains on its own rows")
    if compiled:
        return _("a compiled step runs on torch's own threads")
    if dropout > 0:
        return _("dropout draws its random numbers in one sequence, which threads would interleave")
    return None


# "auto" gives each thread at least this much of a step's work (training FLOPs of its slice). Below it, the
# Python each slice runs (one forward and backward per thread, in turns for the interpreter lock) costs more than
# the split saves. Measured on 2 cores, 2 threads against 1 thread splitting the kernels: steps of 3, 100 and 51
# MFLOP ran 0.66x, 0.70x and 1.00x as fast; steps of 225, 369, 737 and 2,048 MFLOP 1.25x, 1.48x, 1.21x and 1.20x.
MIN_SLICE_FLOPS = 100e6


def thread_count(setting: int | None, torch_threads: int, rows: int, step_flops: float | None = None) -> int:
    """Threads for a step of ``rows`` rows and ``step_flops`` of training work (None: not known): the setting, or
    (None, auto) torch's CPU thread count, as long as each slice keeps ``MIN_SLICE_FLOPS``; never more than the
    rows; 1 means no split."""
    wanted = torch_threads if setting is None else setting
    if setting is None and step_flops is not None:
        wanted = min(wanted, int(step_flops // MIN_SLICE_FLOPS))
    return max(1, min(wanted, rows))


def split_rows(batch: dict, parts: int) -> list[dict]:
    """The batch's rows as ``parts`` slices of near-equal size (every tensor cut along its first dimension)."""
    pieces = {k: torch.tensor_split(v, parts) for k, v in batch.items()}
    return [{k: v[i] for k, v in pieces.items()} for i in range(parts)]


class BatchThreads:
    """``count`` worker threads, each with one intra-op torch thread; ``map`` runs one call on each.

    torch's ``set_num_threads`` sets the calling thread's OpenMP and MKL threads and also the default
    that new threads start with; so each worker sets 1 for itself and, once all have, the process
    default is put back as it was. Close it (or use it as a context manager) to end the threads.
    """

    def __init__(self, count: int):
        self.count = count
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._jobs = [queue.SimpleQueue() for _ in range(count)]
        previous = torch.get_num_threads()
        ready = threading.Barrier(count + 1)
        self._threads = [threading.Thread(target=self._serve, args=(jobs, ready), daemon=True,
                                          name=f"batch-thread-{i}") for i, jobs in enumerate(self._jobs)]
        for thread in self._threads:
            thread.start()
        ready.wait()
        torch.set_num_threads(previous)

    def _serve(self, jobs: queue.SimpleQueue, ready: threading.Barrier) -> None:
        torch.set_num_threads(1)
        torch.get_num_threads()  # a thread takes the process default at its first parallel kernel or this
        ready.wait()  # call, whichever comes first: now, while that default is 1
        while (job := jobs.get()) is not None:
            index, fn, args = job
            try:
                self._results.put((index, fn(*args), None))
            except BaseException as e:  # noqa: BLE001 - handed to the caller, who raises it
                self._results.put((index, None, e))

    def map(self, fn, arguments: list[tuple]) -> list:
        """``fn(*args)`` for each tuple, the i-th on thread i, results in order; the first error raises."""
        if len(arguments) > self.count:
            raise ValueError(f"{len(arguments)} calls for {self.count} threads")
        for i, args in enumerate(arguments):
            self._jobs[i].put((i, fn, args))
        out = [self._results.get() for _ in arguments]
        out.sort(key=lambda r: r[0])
        for _index, _value, error in out:
            if error is not None:
                raise error
        return [value for _index, value, _error in out]

    def close(self) -> None:
        for jobs in self._jobs:
            jobs.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
