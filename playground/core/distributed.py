"""Training in several processes started by torchrun: ranks, each rank's shard of a batch, DistributedDataParallel.

    torchrun --standalone --nproc_per_node=2 -m playground train --dataset reversal --batch-size 16

Every process draws the same global batch from the step's seed and keeps its own rows (rank 1 of 2
with batch 16 keeps rows 8-15), so N processes follow the data of one process. The gradient exchange
is PyTorch's own ``DistributedDataParallel`` (gloo on CPU, NCCL on CUDA): the trainer wraps its model
(``Processes.wrap``) and trains through the wrapper, whose reducer all-reduces the gradients in buckets
during backward and copies the mean back into each parameter's ``.grad`` (a view of ``FlatAdamW``'s flat
buffer, written in place). Every rank then takes the same optimizer step. Only rank 0 writes files;
checkpoints, the inspector and the app see the plain model, never the wrapper.
"""

import datetime
import inspect
import os
import re
from dataclasses import dataclass

import torch

from .errors import ConfigError, PlaygroundError
from .i18n import _

DEFAULT_TIMEOUT = 600.0  # seconds a process waits for the others in a collective before it gives up


class ProcessLost(PlaygroundError):
    """Another process of the run stopped, crashed or stopped answering; this one cannot go on."""


def launched() -> bool:
    """Whether this process was started by torchrun (or set up the same way: RANK and WORLD_SIZE)."""
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def cpu_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def threads_per_process(local_world_size: int, cores: int | None = None) -> int:
    """Cores shared evenly by the processes on this machine, at least one each: 2 cores, 2 processes -> 1."""
    return max(1, (cores or cpu_cores()) // max(1, local_world_size))


@dataclass(frozen=True)
class Processes:
    """This process's place in the run; with one process (``SINGLE``) every method does nothing."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    local_world_size: int = 1
    active: bool = False  # a process group is initialised
    timeout: float = DEFAULT_TIMEOUT

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that prints and writes metrics and checkpoints."""
        return self.rank == 0

    def describe(self) -> str:
        return _("process {r} of {n}").format(r=self.rank, n=self.world_size)

    # --- data ----------------------------------------------------------------------------
    def check_batch(self, batch_size: int) -> None:
        if batch_size % self.world_size:
            raise ConfigError(_("the batch size {b} does not split evenly over {n} processes: choose a multiple "
                                "of {n} with --batch-size").format(b=batch_size, n=self.world_size))

    def shard(self, batch: dict) -> dict:
        """This rank's rows of a global batch: rows [rank·B/N, (rank+1)·B/N) of every tensor."""
        if self.world_size == 1:
            return batch
        rows = next(iter(batch.values())).shape[0] // self.world_size
        return {k: v[self.rank * rows:(self.rank + 1) * rows] for k, v in batch.items()}

    def dropout_offset(self) -> int:
        """Added to the dropout seed, so that ranks drop different units (rank 0: 0, as one process)."""
        return 104_729 * self.rank

    def device_for(self, device: torch.device) -> torch.device:
        """Each process on a machine takes its own GPU: cuda -> cuda:LOCAL_RANK."""
        if not self.active or device.type != "cuda":
            return device
        if torch.cuda.device_count() <= self.local_rank:
            raise ConfigError(_("{p} needs GPU {i}, but this machine has {g}: start at most {g} processes per "
                                "machine (--nproc_per_node), or train on the CPU with --device cpu").format(
                p=self.describe(), i=self.local_rank, g=torch.cuda.device_count()))
        torch.cuda.set_device(self.local_rank)
        return torch.device("cuda", self.local_rank)

    def wrap(self, model: torch.nn.Module) -> torch.nn.Module:
        """``model`` inside PyTorch's DistributedDataParallel; the model itself with one process.

        Made after ``FlatAdamW`` has put the weights and gradients into its flat buffers: the wrapper first
        copies rank 0's weights into every rank (into the flat buffer, through the parameters' views), and
        its reducer then averages the gradients over the ranks during backward, copying the mean back into
        the existing ``.grad`` views in place (``gradient_as_bucket_view=False``, the default, keeps the
        flat buffer as the gradient's home). Buffers are constants (position tables, RoPE angles): not
        re-sent every step. Every parameter takes part in every step, so the wrapper need not look for unused ones.
        """
        if not self.active:
            return model
        from torch.nn.parallel import DistributedDataParallel

        device = next(model.parameters()).device
        ids = [device.index if device.index is not None else self.local_rank] if device.type == "cuda" else None
        # buffers are sent once, at the start (constants, the same on every rank anyway); torch 2.13 renamed the
        # switch that stops re-sending them before every forward (the old name warns there)
        newer = "forward_sync_buffers" in inspect.signature(DistributedDataParallel.__init__).parameters
        buffers = {"forward_sync_buffers": False} if newer else {"broadcast_buffers": False}
        try:
            return DistributedDataParallel(model, device_ids=ids, gradient_as_bucket_view=False,
                                           find_unused_parameters=False, **buffers)
        except RuntimeError as e:  # its first broadcast is a collective: a peer lost here is lost
            raise self.lost(e) from e

    def grad_scale(self) -> int:
        """DistributedDataParallel averages the ranks' gradients (divides their sum by N); a rank's loss,
        already weighted by its share of the whole step's target tokens, is multiplied by N so that the
        average is that weighted sum: the gradient of one process over the whole global batch."""
        return self.world_size if self.active else 1

    # --- collectives (no-ops with one process) ---------------------------------------------
    def _collective(self, op, *args, **kwargs):
        try:
            return op(*args, **kwargs)
        except RuntimeError as e:  # gloo and NCCL report a lost peer or a timeout as RuntimeError
            if isinstance(e, torch.OutOfMemoryError):
                raise
            raise self.lost(e) from e

    def exchanging(self, op, *args, **kwargs):
        """``op(*args)`` (a backward pass through the wrapper, whose reducer all-reduces inside it), with a
        lost peer reported as ``ProcessLost``; just ``op(*args)`` with one process."""
        if not self.active:
            return op(*args, **kwargs)
        return self._collective(op, *args, **kwargs)

    def lost(self, error: BaseException) -> ProcessLost:
        reason = re.sub(r"^\[[^\]]*\]\s*", "", str(error).strip().splitlines()[0] if str(error).strip() else "")
        return ProcessLost(_("{p} lost contact with the others ({reason}): another process stopped, crashed or did "
                             "not answer within {t:g} s, so the run stops here. The checkpoints saved so far are "
                             "intact.").format(p=self.describe(), reason=reason[:200] or type(error).__name__,
                                               t=self.timeout))

    def broadcast_(self, tensor: torch.Tensor) -> None:
        """Rank 0's values into ``tensor`` on every rank (the weights at the start: all ranks begin alike)."""
        if self.active:
            import torch.distributed as dist

            self._collective(dist.broadcast, tensor, 0)

    def sum_(self, tensor: torch.Tensor) -> None:
        """In place: the sum of ``tensor`` over all ranks (the step's totals: target tokens, loss, stop requests)."""
        if self.active:
            import torch.distributed as dist

            self._collective(dist.all_reduce, tensor, dist.ReduceOp.SUM)

    def sum_floats(self, *values: float) -> list[float]:
        """[sum over ranks of each value]; float64 on the CPU, so counts stay exact."""
        if not self.active:
            return list(values)
        t = torch.tensor(values, dtype=torch.float64)
        self.sum_(t)
        return t.tolist()

    def broadcast_text(self, text: str) -> str:
        """Rank 0's ``text`` on every rank (a run folder name chosen once), sent as UTF-8 bytes, never pickled."""
        if not self.active:
            return text
        data = _bytes_tensor(text.encode("utf-8")) if self.is_main else None
        size = torch.tensor([data.numel() if data is not None else 0], dtype=torch.int64)
        self.broadcast_(size)
        if data is None:
            data = torch.zeros(int(size.item()), dtype=torch.uint8)
        if data.numel():
            self.broadcast_(data)
        return data.numpy().tobytes().decode("utf-8")

    def check_same(self, parts: dict[str, bytes]) -> None:
        """Stop with a message naming what differs unless every rank holds the same bytes for each of ``parts``
        ({what it is, in words: its bytes}: the model settings, the tokenizer, the first batch...)."""
        if not self.active or not parts:
            return
        import hashlib

        digests = [int.from_bytes(hashlib.sha256(data).digest()[:7], "big") for data in parts.values()]
        t = torch.tensor([*digests, *(-d for d in digests)], dtype=torch.int64)  # 56 bits: fits, negated too
        import torch.distributed as dist

        self._collective(dist.all_reduce, t, dist.ReduceOp.MAX)  # the largest digest and the smallest, negated
        n = len(digests)
        differ = [what for i, what in enumerate(parts) if t[i].item() != -t[n + i].item()]
        if differ:
            raise ConfigError(_("the {n} processes built different {parts}, so they cannot train one model "
                                "together. Every process reads the text or dataset and the options itself: give "
                                "every machine the same files at the same paths, start every process with the "
                                "same command, then start the run again").format(n=self.world_size,
                                                                                   parts=_(", ").join(differ)))

    def barrier(self) -> None:
        if self.active:
            import torch.distributed as dist

            self._collective(dist.barrier)


def _bytes_tensor(data: bytes) -> torch.Tensor:
    """``data`` as a uint8 tensor, copied at once (a tokenizer's JSON is megabytes: not a list of ints)."""
    return torch.frombuffer(bytearray(data), dtype=torch.uint8) if data else torch.zeros(0, dtype=torch.uint8)


SINGLE = Processes()


def current() -> Processes:
    """The running process group as ``Processes``, or ``SINGLE`` when there is none (the app, tests)."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return SINGLE
    return Processes(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", 0)),
                     int(os.environ.get("LOCAL_WORLD_SIZE", 1)), True, _timeouts.get("seconds", DEFAULT_TIMEOUT))


_timeouts: dict = {}


def start(timeout: float = DEFAULT_TIMEOUT) -> Processes:
    """Join the run torchrun set up (its RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT): gloo for CPU tensors,
    NCCL for CUDA ones. Without torchrun's variables: ``SINGLE``."""
    import torch.distributed as dist

    if not launched():
        return SINGLE
    if not dist.is_initialized():
        backend = "cpu:gloo,cuda:nccl" if torch.cuda.is_available() else "gloo"
        try:
            dist.init_process_group(backend, init_method="env://", timeout=datetime.timedelta(seconds=timeout))
        except (RuntimeError, ValueError) as e:
            raise ProcessLost(_("could not join the other processes ({e}): start this command with torchrun, "
                                "e.g. torchrun --standalone --nproc_per_node=2 -m playground train ...").format(
                e=str(e).splitlines()[0] if str(e) else type(e).__name__)) from e
        _timeouts["seconds"] = timeout
    return current()


def finish(processes: Processes) -> None:
    """Wait for every rank (rank 0 may still be writing its last checkpoint), then leave the group."""
    if not processes.active:
        return
    import torch.distributed as dist

    try:
        processes.barrier()
    finally:
        dist.destroy_process_group()
