"""The allocator settings of a launch (core/runtime.py), checked in a fresh process each (they are process-wide)."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A fresh process makes the app's settings, keeps one idle thread that has allocated (as the
# window's loader and Qt's own threads have), then a "training" thread allocates and frees
# 64 MB in 1 MB tensors, as a run's activations. Printed: how much each glibc arena took from the
# system before and after, from malloc_info.
SCRIPT = textwrap.dedent("""
    import ctypes, os, re, tempfile, threading
    import torch
    from playground.core.runtime import keep_freed_memory, release_freed_memory

    assert keep_freed_memory()
    libc = ctypes.CDLL("libc.so.6")
    libc.fopen.restype = ctypes.c_void_p

    def arenas():
        path = tempfile.mktemp()
        fp = ctypes.c_void_p(libc.fopen(path.encode(), b"w"))
        libc.malloc_info(0, fp)
        libc.fclose(fp)
        xml = open(path).read()
        os.remove(path)
        return {int(nr): int(re.search(r'<system type="current" size="(\\d+)"', body).group(1))
                for nr, body in re.findall(r'<heap nr="(\\d+)">(.*?)</heap>', xml, re.S)}

    hold = threading.Event()
    idle = threading.Thread(target=lambda: ([bytearray(1000) for _ in range(100)], hold.wait()))
    idle.start()

    def train():
        kept = [torch.ones(256 * 1024) for _ in range(64)]
        del kept

    before = arenas()
    worker = threading.Thread(target=train)
    worker.start()
    worker.join()
    after = arenas()
    hold.set()
    idle.join()
    print("main", (after[0] - before[0]) / 2**20)
    print("others", sum(after.values()) - after[0] - (sum(before.values()) - before[0]))
    print("trim", release_freed_memory())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_a_training_thread_allocates_outside_the_ui_threads_arena():
    """The UI thread's arena is the one a malloc_trim locks while the window waits: a run's memory stays out."""
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    figures = dict(line.split() for line in done.stdout.splitlines())
    assert float(figures["main"]) < 8, done.stdout  # the main arena did not take the 64 MB
    assert int(figures["others"]) >= 60 * 2**20, done.stdout  # another arena did, and keeps it for the next run
    assert figures["trim"] == "True"
