"""Atomic writes: a file (or a checkpoint folder) is either the old one or the new one, never half of each.

The one recipe, used for every file the playground writes over an older one: write to a
temporary name in the same folder, flush and fsync it, rename it over the final name, fsync
the folder (so the rename itself survives a power cut). Any failure removes the temporary file
and leaves the previous file as it was; a full disk becomes a ``DiskFullError`` that says so.

    write_atomic("evening.playground", lambda stream: stream.write(data))
    write_json_atomic(run_dir / "latest.json", {"path": "step-000100", "step": 100})
"""

import contextlib
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from .errors import DiskFullError, SaveError
from .i18n import _

# errno values that mean "no room left": no space, file too large for a limit, quota exceeded
DISK_FULL = {errno.ENOSPC, errno.EFBIG} | ({errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())


def fsync_path(path: Path) -> None:
    """Flush a file or a folder (its entries: renames, new names) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno != errno.EINVAL:  # some file systems cannot fsync a folder: nothing more to do there
            raise
    finally:
        os.close(fd)


def temporary_name(path: Path) -> str:
    """The prefix of temporary files and folders next to ``path``: ``name.`` … ``.tmp``."""
    return path.name + "."


@contextlib.contextmanager
def save_errors(path: Path):
    """Turn an OSError while saving ``path`` into a message the user can act on."""
    try:
        yield
    except OSError as e:
        raise save_error(path, e) from e


def save_error(path: Path, error: OSError) -> SaveError:
    if error.errno in DISK_FULL:
        return DiskFullError(_("The disk is full: {path} could not be written. Free some space or choose another "
                               "folder; the previous file is unchanged.").format(path=path))
    return SaveError(_("{path} could not be written ({reason}). Choose a folder you can write to; the previous "
                       "file is unchanged.").format(path=path, reason=error.strerror or error))


def write_atomic(path, write: Callable[[BinaryIO], None], durable: bool = True) -> Path:
    """Call ``write(stream)`` on a temporary file beside ``path``, then put it in place atomically.

    ``durable=False`` skips the fsyncs, for scratch files nobody needs after a power cut (the weight
    snapshots in a temporary folder): readers still see the old file or the new one, never half of one.
    """
    path = Path(path)
    with save_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temporary_name(path), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                write(stream)
                stream.flush()
                if durable:
                    os.fsync(stream.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if durable:
            fsync_path(path.parent)
    return path


def write_bytes_atomic(path, data: bytes) -> Path:
    return write_atomic(path, lambda stream: stream.write(data))


def write_json_atomic(path, data) -> Path:
    text = json.dumps(data, indent=1, ensure_ascii=False)
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_folder_atomic(folder, members: Iterable[tuple[str, Callable[[], bytes]]]) -> Path:
    """Write a folder of files (name, function making its bytes) in place of ``folder``, atomically.

    The files go into a temporary folder beside it, each fsynced; then the old folder is renamed
    to ``folder.old``, the new one to ``folder``, and the old one removed. A crash between the
    two renames leaves ``folder.old``, which readers fall back on.
    """
    final = Path(folder)
    with save_errors(final):
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=temporary_name(final), suffix=".tmp"))
        old = None
        try:
            for name, make in members:
                with open(tmp / name, "wb") as stream:
                    stream.write(make())
                    stream.flush()
                    os.fsync(stream.fileno())
            fsync_path(tmp)
            if final.exists():
                old = final.with_name(final.name + ".old")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(final, old)
            os.replace(tmp, final)
            fsync_path(final.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None and old.exists() and not final.exists():
                os.replace(old, final)  # the second rename failed: put the previous folder back
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return final
