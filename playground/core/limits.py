"""Sizes a file may ask for: bounded, matched against its weights and the memory there is, before any tensor is made.

A checkpoint's ``state.json`` or a session's settings can say anything (``n_layer 100000``,
``block_size 1000000000``). Before a model is built from them:

1. every size is a whole number within a bound (``check_sizes``);
2. the weights file's safetensors header, read alone (8-byte little-endian length, then JSON),
   is well formed, within its file, and names exactly the tensors and shapes the settings imply
   (``read_header``, ``check_weights``; ``expected_shapes`` computes them without a model);
3. the memory the model needs (weights, plus the training state when it will train) fits in the
   memory this machine has available (``check_fits``).

    expected_shapes(ModelConfig(vocab_size=10, n_layer=1, n_head=2, d_model=8, d_ff=12, block_size=5))
    -> {"tok_emb.weight": (10, 8), "pos_emb.weight": (5, 8), "decoder.0.norm1.weight": (8,), ...}
"""

import json
import math
import os
import stat
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CheckpointError, ConfigError
from .i18n import _

if TYPE_CHECKING:  # the model (and torch) is not needed to bound a tokenizer file
    from .model import ModelConfig

# Far above anything the playground trains, far below what would exhaust a machine by itself.
SIZE_BOUNDS = {  # field: (smallest, largest)
    "vocab_size": (2, 1 << 22),
    "n_layer": (1, 1024),
    "n_encoder_layer": (0, 1024),
    "n_head": (1, 1024),
    "d_model": (1, 1 << 16),
    "d_ff": (1, 1 << 20),
    "block_size": (1, 1 << 20),
    "pad_id": (0, (1 << 22) - 1),
    "lstm_hidden": (1, 1 << 16),
}
MAX_HEADER_BYTES = 16 * 1024**2  # a safetensors header (JSON) of one of our models is a few hundred KB at most
MAX_TENSORS = 100_000  # 1,024 layers of 16 tensors, twice, fit
MAX_DIMENSIONS = 8
MAX_TOKENIZER_BYTES = 64 * 1024**2  # a tokenizer.json of 4 M tokens and merges is smaller
MAX_METRICS_BYTES = 256 * 1024**2  # a million steps' records (metrics.jsonl); a bigger file's records would not fit in memory
MEMORY_SHARE = 0.8  # of the memory available, what a model may take: the rest is for the app and the system
DTYPE_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
               "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}
FLOAT_DTYPES = ("F16", "BF16", "F32", "F64")


# --- what the settings imply ---------------------------------------------------------------
def expected_shapes(cfg: "ModelConfig") -> dict[str, tuple[int, ...]]:
    """The name and shape of every tensor ``weights_of(Transformer(cfg))`` saves (tied ones once).

    Computed from the settings, so no memory is used however large they are; a test checks it
    against real models over every architecture option.
    """
    if cfg.family == "lstm":
        from .lstm import lstm_shapes

        return lstm_shapes(cfg)
    d, V = cfg.d_model, cfg.vocab_size
    shapes: dict[str, tuple[int, ...]] = {"tok_emb.weight": (V, d)}
    if cfg.position == "learned":
        shapes["pos_emb.weight"] = (cfg.block_size, d)

    def linear(name: str, n_out: int, n_in: int) -> None:
        shapes[name + ".weight"] = (n_out, n_in)
        if cfg.bias:
            shapes[name + ".bias"] = (n_out,)

    def norm(name: str) -> None:
        shapes[name + ".weight"] = (d,)
        if cfg.bias:
            shapes[name + ".bias"] = (d,)

    def block(prefix: str, cross: bool) -> None:
        norm(prefix + "norm1")
        linear(prefix + "attn.qkv_proj", 3 * d, d)
        linear(prefix + "attn.out_proj", d, d)
        if cross:
            norm(prefix + "norm_cross")
            linear(prefix + "cross_attn.q_proj", d, d)
            linear(prefix + "cross_attn.kv_proj", 2 * d, d)
            linear(prefix + "cross_attn.out_proj", d, d)
        norm(prefix + "norm2")
        linear(prefix + "mlp.up_proj", 2 * cfg.d_ff if cfg.activation == "swiglu" else cfg.d_ff, d)
        linear(prefix + "mlp.down_proj", d, cfg.d_ff)

    cross = cfg.architecture == "encoder-decoder"
    for i in range(cfg.encoder_layers):
        block(f"encoder.{i}.", cross=False)
    for i in range(cfg.n_layer):
        block(f"decoder.{i}.", cross=cross)
    if cfg.norm == "pre":
        if cross:
            norm("enc_norm")
        norm("final_norm")
    if not cfg.tie_weights:
        shapes["lm_head.weight"] = (V, d)
    return shapes


def parameter_count(cfg: "ModelConfig") -> int:
    """Parameters of a model built from ``cfg`` (tied ones once), the same as ``count_parameters``."""
    return sum(math.prod(shape) for shape in expected_shapes(cfg).values())


def buffer_bytes(cfg: "ModelConfig") -> int:
    """Tables built with the model but not saved: sinusoids (T, d) or RoPE's cos and sin (T, hs/2) each."""
    if cfg.family == "lstm":
        return 0  # no positions: the LSTM reads in order
    if cfg.position == "sinusoidal":
        return 4 * cfg.block_size * cfg.d_model
    if cfg.position == "rope":
        return 4 * cfg.block_size * cfg.head_size
    return 0


def inference_bytes(cfg: "ModelConfig") -> int:
    """Weights and tables, plus one layer's activations for one sequence at full context (float32)."""
    T, d = cfg.block_size, cfg.d_model
    one_layer = T * (16 * d + 3 * cfg.d_ff + 2 * cfg.n_head * T) + T * cfg.vocab_size
    if cfg.family == "lstm":  # the embedding, one layer's gates, c and h, and the logits
        one_layer = T * (d + 8 * cfg.hidden_size + cfg.vocab_size)
    return 4 * parameter_count(cfg) + buffer_bytes(cfg) + 4 * one_layer


def memory_needed(cfg: "ModelConfig", batch_size: int | None = None, training: bool = False) -> int:
    """Bytes a model from ``cfg`` needs: to run it, or (``training``) to train it at ``batch_size``."""
    from .model import training_memory

    if not training:
        return inference_bytes(cfg)
    return training_memory(cfg, parameter_count(cfg), batch_size or 1)["total"] + buffer_bytes(cfg)


# --- bounds -------------------------------------------------------------------------------
def check_sizes(cfg: "ModelConfig", where=None) -> None:
    """Every size a whole number within SIZE_BOUNDS; else a CheckpointError (from a file) or ConfigError."""
    for name, (low, high) in SIZE_BOUNDS.items():
        value = getattr(cfg, name)
        if name in ("n_encoder_layer", "lstm_hidden") and value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            problem = _("{name} is {value!r}, not a whole number").format(name=name, value=value)
        elif not low <= value <= high:
            problem = _("{name} is {value}, outside what the playground allows ({low} to {high})").format(
                name=name, value=value, low=low, high=high)
        else:
            continue
        _refuse(problem, where)
    if cfg.d_model < cfg.n_head or not isinstance(cfg.dropout, (int, float)) or isinstance(cfg.dropout, bool):
        _refuse(_("the width, heads or dropout are not valid settings"), where)


def _refuse(problem: str, where) -> None:
    if where is None:
        raise ConfigError(problem)
    raise CheckpointError(_("The settings in {p} cannot be used: {problem}. The file is damaged or was not "
                            "written by Transformer Playground; use another one.").format(p=where, problem=problem))


def json_damage(e: ValueError) -> str:
    """Where a JSON file breaks, in the UI's language: Python's own message is English whatever the language."""
    if isinstance(e, UnicodeDecodeError):
        return _("it is not UTF-8 text")
    if isinstance(e, json.JSONDecodeError):
        return _("its JSON is broken at line {line}, column {column}").format(line=e.lineno, column=e.colno)
    return _("it is not valid JSON")


def check_file_size(path: Path, limit: int, what: str) -> int:
    """The size of a regular file no larger than ``limit``; a FIFO or device is refused unopened."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CheckpointError(_("{f} is missing: use a complete checkpoint or session").format(f=path)) from None
    except OSError as e:
        raise CheckpointError(_("cannot read {f} ({e})").format(f=path, e=e.strerror or e)) from None
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(_("{f} is not a regular file (a folder, pipe or device): it cannot be {what}").format(
            f=path, what=what))
    if info.st_size > limit:
        raise CheckpointError(_("{f} is {n} bytes, more than the {m} bytes any {what} needs: the file is not "
                                "one of ours").format(f=path, n=f"{info.st_size:,}", m=f"{limit:,}", what=what))
    return info.st_size


# --- safetensors headers --------------------------------------------------------------------
def read_header(stream, size: int, where) -> dict[str, dict]:
    """The tensors a safetensors stream of ``size`` bytes declares: name -> {dtype, shape, data_offsets}.

    Reads only the header (8-byte little-endian length, then that much JSON), refusing a length
    beyond MAX_HEADER_BYTES or the file, a malformed entry, and data beyond the end of the file.
    """
    damaged = _("{p} is damaged or not a safetensors file ({why}): use another file")
    prefix = stream.read(8)
    if len(prefix) < 8:
        raise CheckpointError(damaged.format(p=where, why=_("it is only {n} bytes long").format(n=size)))
    n = int.from_bytes(prefix, "little")
    if n > MAX_HEADER_BYTES or n > size - 8:
        raise CheckpointError(damaged.format(p=where, why=_(
            "its header says it is {n} bytes long; the file has {s} bytes and a header may have {m}").format(
            n=f"{n:,}", s=f"{size:,}", m=f"{MAX_HEADER_BYTES:,}")))
    try:
        header = json.loads(stream.read(n).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise CheckpointError(damaged.format(p=where, why=e)) from None
    if not isinstance(header, dict) or len(header) > MAX_TENSORS + 1:
        raise CheckpointError(damaged.format(p=where, why=_("its header is not a table of at most {m} tensors").format(
            m=f"{MAX_TENSORS:,}")))
    header.pop("__metadata__", None)
    data = size - 8 - n
    for name, entry in header.items():
        problem = _entry_problem(entry, data)
        if problem:
            raise CheckpointError(damaged.format(p=where, why=f"{name}: {problem}"))
    return header


def _entry_problem(entry, data_bytes: int) -> str | None:
    """What is wrong with one header entry, or None."""
    if not isinstance(entry, dict) or entry.get("dtype") not in DTYPE_BYTES:
        return _("unknown type")
    shape, offsets = entry.get("shape"), entry.get("data_offsets")
    if not _whole_numbers(shape) or len(shape) > MAX_DIMENSIONS:
        return _("bad shape")
    if not _whole_numbers(offsets) or len(offsets) != 2 or offsets[0] > offsets[1]:
        return _("bad data offsets")
    if offsets[1] - offsets[0] != math.prod(shape) * DTYPE_BYTES[entry["dtype"]]:
        return _("its shape and its number of bytes disagree")
    if offsets[1] > data_bytes:
        return _("its data lies beyond the end of the file, which is cut short")
    return None


def _whole_numbers(values) -> bool:
    return isinstance(values, list) and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values)


def header_of_file(path: Path) -> tuple[dict[str, dict], int]:
    """(header, file size) of a safetensors file, read without its tensors."""
    size = check_file_size(path, sys.maxsize, _("read as tensors"))
    try:
        with open(path, "rb") as stream:
            return read_header(stream, size, path), size
    except OSError as e:
        raise CheckpointError(_("cannot read {f} ({e})").format(f=path, e=e.strerror or e)) from None


def check_weights(header: dict[str, dict], cfg: "ModelConfig", where) -> None:
    """The header names exactly the tensors and shapes of a model built from ``cfg``, as floats."""
    expected = expected_shapes(cfg)
    missing = sorted(set(expected) - set(header))
    extra = sorted(set(header) - set(expected))
    wrong = [name for name in expected if name in header and tuple(header[name]["shape"]) != expected[name]]
    if missing or extra or wrong:
        details = [_("{n} has shape {a} in the weights but {b} in the settings").format(
            n=name, a=_shape(header[name]["shape"]), b=_shape(expected[name])) for name in wrong[:3]]
        if missing:
            details.append(_("missing: {names}").format(names=", ".join(missing[:3])))
        if extra:
            details.append(_("unexpected: {names}").format(names=", ".join(extra[:3])))
        raise CheckpointError(_("The weights in {p} do not match the model its settings describe ({details}). The settings "
                                "were changed or the file is damaged: use another one.").format(
            p=where, details="; ".join(details)))
    floats = [name for name, entry in header.items() if entry["dtype"] not in FLOAT_DTYPES]
    if floats:
        raise CheckpointError(_("tensor {n} in {p} is not made of floating-point numbers").format(n=floats[0], p=where))


def _shape(shape) -> str:
    return "×".join(map(str, shape)) or _("a scalar")


# --- memory -------------------------------------------------------------------------------
def available_memory(device=None) -> int | None:
    """Bytes this process may still allocate on ``device`` (CPU when None), or None when unknown.

    CPU: the least of MemAvailable (Linux) or the free physical pages, the cgroup's memory.max
    minus its use (a container), and the address-space limit (RLIMIT_AS) minus what is mapped.
    CUDA: the device's free memory.
    """
    if device is not None and getattr(device, "type", str(device).split(":")[0]) == "cuda":
        import torch

        return torch.cuda.mem_get_info(device)[0]
    if device is not None and getattr(device, "type", str(device)) not in ("cpu",):
        return None
    known = [v for v in (_meminfo_available(), _cgroup_available(), _address_space_left()) if v is not None]
    return min(known) if known else None


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        pass
    if sys.platform == "win32":
        return _windows_available()
    try:  # macOS has no count of available pages: half the physical memory is a cautious stand-in
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (AttributeError, ValueError, OSError):
        return None


def _windows_available() -> int | None:
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return None
    return int(status.ullAvailPhys)


def _cgroup_available() -> int | None:
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(0, int(limit) - int(Path("/sys/fs/cgroup/memory.current").read_text()))
    except (OSError, ValueError):
        return None


def _address_space_left() -> int | None:
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit == resource.RLIM_INFINITY:
            return None
        with open("/proc/self/statm", encoding="ascii") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        return max(0, limit - mapped)
    except (ImportError, OSError, ValueError, IndexError):
        return None


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB', 5.5 * 1024**3 -> '5.5 GiB'."""
    for factor, suffix in ((1024**4, "TiB"), (1024**3, "GiB"), (1024**2, "MiB"), (1024, "KiB")):
        if n >= factor:
            return f"{n / factor:.1f} {suffix}"
    return f"{n:.0f} B"


def check_fits(cfg: "ModelConfig", batch_size: int | None = None, training: bool = False, extra_bytes: int = 0,
               resident_bytes: int = 0, device=None, where=None) -> int:
    """Refuse (ConfigError, or CheckpointError for a file ``where``) a model that would not fit in memory.

    ``extra_bytes``: more that loading takes (files read whole); ``resident_bytes``: what is already
    allocated on the device and counted in the need (the model's weights, when it exists).
    Returns the bytes needed.
    """
    check_sizes(cfg, where)
    need = memory_needed(cfg, batch_size, training) + extra_bytes
    available = available_memory(device)
    if available is None or need - resident_bytes <= MEMORY_SHARE * available:
        return need
    values = dict(need=human_bytes(need), available=human_bytes(available + resident_bytes), p=where,
                  batch=batch_size or 1)
    if where is not None:
        what = _("to train it") if training else _("to load it")
        raise CheckpointError(_("The model in {p} needs about {need} of memory {what}, but this computer has "
                                "{available} available. Open it on a computer with more memory, or close other "
                                "programs and try again.").format(what=what, **values))
    if training:
        raise ConfigError(_("These settings need about {need} of memory to train (batch {batch}), but this computer "
                            "has {available} available. Choose fewer layers, a smaller width, a shorter context or "
                            "a smaller batch.").format(**values))
    raise ConfigError(_("These settings need about {need} of memory, but this computer has {available} available. "
                        "Choose fewer layers, a smaller width or a shorter context.").format(**values))


# --- the loaders' one call ------------------------------------------------------------------
def check_checkpoint(directory: Path, cfg: "ModelConfig", state: dict, training: bool = False) -> None:
    """A checkpoint folder's settings against its weights' header and the memory, reading no tensor."""
    check_sizes(cfg, directory / "state.json")
    header, size = header_of_file(directory / "model.safetensors")
    check_weights(header, cfg, directory / "model.safetensors")
    extra = size
    opt_path = directory / "optimizer.safetensors"
    if opt_path.exists():
        extra += header_of_file(opt_path)[1]
    train = state.get("train") if isinstance(state.get("train"), dict) else {}
    batch = train.get("batch_size") if isinstance(train.get("batch_size"), int) else 1
    check_fits(cfg, batch, training, extra_bytes=extra, where=directory)


def check_session(archive, members: set[str], cfg: "ModelConfig", batch_size: int, where) -> None:
    """A session's settings against its weights' header and the memory, extracting no tensor.

    Tensors are stored uncompressed, so a member's header is read straight from the zip.
    """
    check_sizes(cfg, where)
    if "model.safetensors" not in members:
        return
    extra = 0
    for name in ("model.safetensors", "optimizer.safetensors"):
        if name not in members:
            continue
        size = archive.getinfo(name).file_size
        try:
            with archive.open(name) as stream:
                header = read_header(stream, size, f"{where} ▸ {name}")
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as e:
            raise CheckpointError(_("{n} in {p} is damaged ({e}). Use another session file.").format(
                n=name, p=where, e=e)) from None
        if name == "model.safetensors":
            check_weights(header, cfg, f"{where} ▸ {name}")
        extra += size  # read whole into memory, then copied into the model
    training = "optimizer.safetensors" in members  # it was training: a trainer is made at once
    check_fits(cfg, batch_size, training, extra_bytes=extra, where=where)
