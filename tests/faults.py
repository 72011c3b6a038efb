"""Faults for the tests: a full disk, simulated in this process without filling a real one."""

import contextlib
import resource
import signal


@contextlib.contextmanager
def disk_full_after(limit: int):
    """Writes past ``limit`` bytes of any file fail with EFBIG, in this process, for the block's length.

    RLIMIT_FSIZE is what a full disk looks like to a writer without filling a real disk;
    SIGXFSZ is ignored so the write raises instead of killing the process.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
