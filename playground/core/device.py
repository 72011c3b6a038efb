"""Devices: what exists, which one ``auto`` picks, and mixed precision where it helps."""

import contextlib

import torch

from .errors import ConfigError
from .i18n import _


def available_devices() -> list[tuple[str, str]]:
    """(id, human name) for every device torch can use here, CPU first."""
    devices = [("cpu", _("CPU"))]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            devices.append((f"cuda:{i}", torch.cuda.get_device_name(i)))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append(("mps", _("Apple GPU (MPS)")))
    return devices


def auto_device(ids: list[str]) -> str:
    """The device 'auto' picks among ``ids``: CUDA, then MPS, then CPU: ["cpu", "mps"] -> "mps"."""
    if any(d.startswith("cuda") for d in ids):
        return "cuda:0"
    return "mps" if "mps" in ids else "cpu"


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA, then MPS, then CPU; a named device must exist."""
    ids = [d for d, _name in available_devices()]
    if name == "auto":
        return torch.device(auto_device(ids))
    wanted = "cuda:0" if name == "cuda" else name
    if wanted not in ids:
        raise ConfigError(_("device '{d}' is not available here; choose one of: {ids}").format(
            d=name, ids=", ".join(["auto", *ids])))
    return torch.device(wanted)


def autocast_for(device: torch.device, enabled: bool = True, cpu: bool = False):
    """A context factory: bf16 autocast on CUDA (when supported), and on a CPU with bf16 matrix units when
    ``cpu`` asks for it (``cpu_bf16``); plain float32 elsewhere."""
    if enabled and device.type == "cuda" and torch.cuda.is_bf16_supported():
        return lambda: torch.autocast("cuda", dtype=torch.bfloat16)
    if cpu and device.type == "cpu" and cpu_bf16() is None:
        return lambda: torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext


def cpu_bf16() -> str | None:
    """Why bf16 matrix products would not pay on this CPU, or None when they do: it needs AMX (Intel Xeon
    from the 4th generation on). Measured here, one thread: a (384 x 128) @ (128 x 384) product took 61 us in
    bf16 against 290-390 us in float32; without such units torch emulates bf16, slower than float32."""
    amx = getattr(torch.cpu, "_is_amx_tile_supported", None)
    if amx is not None and amx():
        return None
    return no_amx()


def no_amx() -> str:
    """What a run that asked for bf16 on a CPU without AMX is told, and the Train panel's box says."""
    return _("This CPU has no AMX matrix units: bf16 would be slower than float32 here, so training stays in "
             "float32.")
