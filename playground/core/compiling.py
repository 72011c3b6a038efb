"""The training step's forward and backward through ``torch.compile`` (inductor), for CLI runs.

Compiled, the step's ~150 small kernels become fewer, fused ones: fewer OpenMP wake-ups and less
Python per step. The price is the compilation itself, paid once per process at the first step (inductor
caches its kernels on disk, so a second run compiles faster). What is compiled is a function that calls
the model, never the model: the module, its parameter names (checkpoints) and its recorder (the
inspector's and the training-health readings, always eager) are untouched.

Settings (``TrainConfig.compile``): "off" (the default: the app and library users train eagerly), "on",
or "auto": on for a CPU run of a Transformer long enough for the compilation to pay back, when a C++
compiler is found. Any failure to compile falls back to eager with a one-line notice.
"""

import shutil
import subprocess

from .i18n import _

SETTINGS = ("auto", "on", "off")
# "auto" compiles runs of at least this many steps still to go. Measured on the 2 shared cores (load 7-18,
# never idle) with nanoGPT's CPU recipe, 2 threads: compiling took 13-61 s with inductor's cache warm, up to
# 90 s with it empty; afterwards a step took 1.05x (median of per-round ratios) to 1.24x (ratio of medians)
# less wall time and 5% less CPU time than eager, a few ms of a ~60 ms step: it pays back after roughly
# 5,000-10,000 steps.
AUTO_MIN_STEPS = 10_000


def cxx_compiler() -> str | None:
    """The C++ compiler inductor would use (its ``cpp.cxx`` names, g++ by default, looked up on PATH) if it
    answers ``--version``; else None."""
    try:
        from torch._inductor import config

        names = config.cpp.cxx if isinstance(config.cpp.cxx, (list, tuple)) else (config.cpp.cxx,)
    except Exception:  # noqa: BLE001 - no inductor in this torch
        return None
    for name in names:
        path = shutil.which(name) if name else None
        if path is None:
            continue
        try:
            subprocess.run([path, "--version"], capture_output=True, check=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        return path
    return None


def decide(setting: str, device_type: str, family: str, steps_left: int) -> tuple[bool, str]:
    """(compile?, why not) for a setting of SETTINGS; the reason is empty when compiling."""
    if setting == "off":
        return False, ""
    if family != "transformer":  # "auto" never compiles an LSTM, so it has nothing to say about it
        return False, "" if setting == "auto" else _("the training step is not compiled: only Transformer models are")
    if setting == "auto":
        if device_type != "cpu":
            return False, ""  # measured on CPUs only
        if steps_left < AUTO_MIN_STEPS:
            return False, ""
    if cxx_compiler() is None:
        return False, "" if setting == "auto" else _("no C++ compiler found: training without compiling the step")
    return True, ""


def compiled(fn):
    """``torch.compile(fn)`` with dropout drawing from torch's own generator as in eager mode
    (``fallback_random``), so a compiled run drops the same units as an eager one."""
    import torch

    return torch.compile(fn, options={"fallback_random": True})
