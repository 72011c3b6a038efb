"""Process-wide runtime settings for fast CPU training, applied once at start-up."""

import ctypes
import gc
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc mallopt parameters
# GNU OpenMP (torch's on Linux): how many times a thread that ran out of work polls for the next
# parallel region before it sleeps (GOMP_SPINCOUNT, ~10-50 ns a poll); a sleeping thread costs a
# wake-up per kernel, ~150 a training step. libgomp's default (300,000 polls, ~3 ms) and
# OMP_WAIT_POLICY=ACTIVE keep it runnable between kernels. Measured on the 2 shared cores, ours
# alone, blocks in turns (benchmarks/nanogpt_bench.py's workers): at load ~12, 3,000 polls made steps
# 1.75x slower than none, 30,000 7x, 300,000 13x; in its quiet moments 200 and 500 gained nothing
# (60.8 and 63.6 ms/step against 59.7). So no spinning: passive waiting, and the variable set so
# that one constant changes it.
SPIN_COUNT = 0


def keep_freed_memory(limit: int = 1 << 30) -> bool:
    """Ask glibc to reuse freed blocks instead of returning them to the OS.

    Every step allocates activations of a few MB; when glibc hands them back and maps them
    again, each first touch is a page fault, which made GELU 8x slower here. Linux only.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    # glibc's arenas are left at their default number (8 per core). Capped at 2 they were shared: the
    # training thread's ~300 MB of activations landed in the UI thread's arena, so the malloc_trim at
    # the end of a run (150-400 ms on 2 busy cores) held the lock every malloc of the window waits on,
    # and every allocation of one thread contended with the other's. An arena is not kept per thread
    # ever made: a finished thread's arena goes back to glibc's free list and the next thread takes it.
    return bool(libc.mallopt(M_MMAP_THRESHOLD, limit)) and bool(libc.mallopt(M_TRIM_THRESHOLD, limit))


def release_freed_memory() -> bool:
    """Give the blocks kept for reuse back to the OS (glibc's malloc_trim), e.g. when a training run ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def freeze_long_lived_objects() -> None:
    """Move every object alive now out of the garbage collector's sight (``gc.freeze``).

    Torch, Qt's wrappers and the panels make ~220,000 objects that live as long as the app. A full
    collection walks all of them: measured 0.06-0.9 s here (quiet to loaded machine), and when it
    ran in the UI thread during training the window stalled that long (the soak benchmark's one
    206 ms gap). Frozen objects are still freed when their last reference goes; only cycles among
    them are never collected, which start-up objects do not form in any amount that matters (no
    collection first: that alone would stall the window for as long, once).
    """
    gc.freeze()


def openmp_environment(environ=None) -> dict:
    """Passive OpenMP waiting, spinning ``SPIN_COUNT`` polls first, unless the user chose either setting.

    OpenMP reads these when torch is first imported: the entry points (``python -m playground``, the
    app) call this first. Returns the variables set, or {} when the user's own settings were left as given.
    """
    environ = os.environ if environ is None else environ
    if "OMP_WAIT_POLICY" in environ or "GOMP_SPINCOUNT" in environ:
        return {}
    chosen = {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": str(SPIN_COUNT)}
    environ.update(chosen)
    return chosen


def configure(threads: int | None = None) -> None:
    """Allocator and thread settings; call before the first training step."""
    openmp_environment()  # only effective before torch starts OpenMP
    keep_freed_memory()
    if threads:
        import torch

        torch.set_num_threads(threads)
