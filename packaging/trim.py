"""Remove from a PyInstaller bundle what the app never uses: torch's tests, headers and test binaries.

Measured on the bundle these rules were written for: see packaging/README.md. ``torch_shm_manager``
stays (torch looks for it when tensors are shared between processes).
"""

import shutil
import subprocess
import sys
from pathlib import Path

# Folders under torch/ that only building extensions or running torch's own test suite reads.
TORCH_DIRS = ("include", "test", "share")
KEEP_IN_BIN = {"torch_shm_manager"}
TEST_LIBS = ("libtorchbind_test", "libjitbackend_test", "libbackend_with_compiler", "libaoti_custom_ops")
# Qt parts the app does not load (QML, Quick, the designer, virtual keyboard, ...), where a hook took them.
QT_GLOBS = ("libQt6Qml*", "libQt6Quick*", "libQt6Designer*", "libQt6Pdf*", "libQt6VirtualKeyboard*",
            "libQt6Lottie*", "libQt6Labs*", "libQt6Help*", "libQt6ShaderTools*", "libQt63D*")
# Shared libraries shipped with symbol tables or debug info only a debugger reads (measured: 89 MB of
# libtorch_cpu.so, 17 MB of a pyenv-built libpython). Not the vendored ``*.libs`` ones: auditwheel
# rewrote those with patchelf, and strip can break such files.
STRIP_GLOBS = ("torch/lib/libtorch*.so", "libpython3*.so*", "tokenizers/*.so", "yaml/*.so")
QT_PLUGIN_DIRS = ("qmltooling", "virtualkeyboard", "designer", "platforminputcontexts/libqtvirtualkeyboardplugin.so")


def trim_bundle(bundle: Path) -> int:
    """Delete the unused files under ``bundle`` and strip torch's symbol tables; returns the bytes freed."""
    internal = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    doomed: list[Path] = []
    torch = _find(internal, "torch")
    if torch is not None:
        doomed += [torch / d for d in TORCH_DIRS]
        doomed += [p for p in (torch / "bin").glob("*") if p.name not in KEEP_IN_BIN]
        doomed += [p for p in (torch / "lib").glob("*") if p.name.startswith(TEST_LIBS)]
    qt = _find(internal, "PySide6")
    if qt is not None:
        for pattern in QT_GLOBS:
            doomed += list(qt.rglob(pattern))
        plugins = qt / "Qt" / "plugins"
        doomed += [plugins / d for d in QT_PLUGIN_DIRS]
    freed = sum(_remove(p) for p in doomed)
    libraries = [p for pattern in STRIP_GLOBS for p in internal.glob(pattern) if p.is_file() and not p.is_symlink()]
    return freed + strip_symbols(sorted(set(libraries)))


def strip_symbols(libraries: list[Path]) -> int:
    """``strip --strip-unneeded`` each library; skipped where binutils' strip is missing (macOS and
    Windows bundles keep their symbols)."""
    strip = shutil.which("strip")
    if strip is None or not libraries or not sys.platform.startswith("linux"):
        return 0
    before = sum(p.stat().st_size for p in libraries)
    subprocess.run([strip, "--strip-unneeded", *map(str, libraries)], check=True)
    return before - sum(p.stat().st_size for p in libraries)


def _find(internal: Path, name: str) -> Path | None:
    for candidate in (internal / name, internal / "Contents" / "Frameworks" / name):
        if candidate.is_dir():
            return candidate
    return None


def folder_bytes(folder: Path) -> int:
    """The bytes of the files under ``folder`` (links not followed, not counted)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _remove(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        size = 0 if path.is_symlink() else path.stat().st_size
        path.unlink()
        return size
    if path.is_dir():
        size = folder_bytes(path)
        shutil.rmtree(path)
        return size
    return 0
