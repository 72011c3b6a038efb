"""The installers' contents check: only runtime dependencies, read from the installed metadata.

A fake bundle folder of real files stands in for PyInstaller's output; the build runs the same
function on the real bundle (packaging/build.py) and fails on what it returns.
"""

import importlib.machinery
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from bundle_contents import (  # noqa: E402
    contents_folder,
    excluded_modules,
    runtime_distributions,
    unexpected_packages,
)

# An extension module's file name on this platform, e.g. regex.cpython-311-x86_64-linux-gnu.so
EXT = next(s for s in importlib.machinery.EXTENSION_SUFFIXES if s != ".so")


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def _runtime_bundle(root: Path) -> Path:
    """A bundle folder laid out as PyInstaller lays out the app's: runtime packages only."""
    internal = root / "playground" / "_internal"
    for name in ("torch/lib/libtorch_cpu.so", "torch/__init__.pyc", "PySide6/Qt/lib/libQt6Core.so.6",
                 f"shiboken6/Shiboken{EXT}", f"tokenizers/tokenizers{EXT}", "numpy.libs/libscipy_openblas.so",
                 "torch-2.13.0+cpu.dist-info/METADATA", "pyside6_essentials-6.11.3.dist-info/METADATA",
                 f"python3.11/lib-dynload/_ssl{EXT}", "resources/icons/playground.svg", "libpython3.11.so.1.0",
                 "libz.so", "base_library.zip", "LICENSE"):
        _touch(internal / name)
    _touch(root / "playground" / "playground")
    return internal


FROZEN = ["playground", "playground.app.window", "torch.nn", "numpy", "pyqtgraph.graphicsItems", "json",
          "pyimod02_importers", "_pyi_rth_utils",
          "_sysconfigdata__linux_x86_64-linux-gnu"]


def test_a_bundle_of_runtime_packages_passes(tmp_path):
    internal = _runtime_bundle(tmp_path)
    assert contents_folder(tmp_path / "playground") == internal
    assert unexpected_packages(internal, FROZEN, runtime_distributions()) == []


def test_test_only_packages_in_the_bundle_are_each_named(tmp_path):
    internal = _runtime_bundle(tmp_path)
    _touch(internal / "transformers" / "models" / "bert" / "modeling_bert.pyc")
    _touch(internal / "transformers-5.24.0.dist-info" / "METADATA")
    _touch(internal / f"regex{EXT}")
    _touch(internal / "pytest.libs" / "libfake.so")
    found = unexpected_packages(internal, [*FROZEN, "_pytest.main", "pytestqt.plugin"], runtime_distributions())
    assert found == ["pytest.libs/ (shared libraries vendored by pytest)",
                     f"regex{EXT}",
                     "transformers/",
                     "transformers-5.24.0.dist-info/ (metadata of the distribution transformers)",
                     "_pytest (Python modules in the executable)",
                     "pytestqt (Python modules in the executable)"]


def test_the_runtime_set_follows_requirements_transitively_and_only_asked_extras():
    runtime = runtime_distributions()
    assert {"torch", "numpy", "tokenizers", "pyside6-essentials", "pyqtgraph"} <= runtime
    assert {"shiboken6", "sympy", "mpmath"} <= runtime  # PySide6's and torch's, and sympy's
    assert not {"pytest", "pytest-qt", "transformers", "regex", "pyinstaller"} & runtime
    assert "pytest" not in runtime_distributions(["huggingface-hub"])
    assert "pytest" in runtime_distributions(["huggingface-hub[testing]"])  # an extra asked for


def test_the_test_extra_is_excluded_from_the_build():
    excluded = excluded_modules(runtime_distributions())
    assert {"pytest", "_pytest", "pytestqt"} <= set(excluded)
    assert not {"torch", "numpy", "PySide6", "playground", "json"} & set(excluded)
