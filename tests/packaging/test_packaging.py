"""The installer recipe's pieces that run without building: metadata, trimming, .deb texts.

The build itself (PyInstaller, dpkg-deb) and the installed app's self-test run in
``make package-test``, which .ci/run calls after the tests.
"""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import playground

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from metadata import APP  # noqa: E402
from trim import KEEP_IN_BIN, trim_bundle  # noqa: E402


def test_version_and_names_come_from_one_place():
    assert APP.version == playground.__version__ and APP.bundle_id == playground.APP_ID
    assert APP.command == "playground" and APP.package == "transformer-playground" and APP.licence == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def _touch(path: Path, size: int = 10) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


def test_trim_removes_tests_and_headers_and_keeps_what_runs(tmp_path):
    torch = tmp_path / "_internal" / "torch"
    keep = [_touch(torch / "bin" / "torch_shm_manager"), _touch(torch / "lib" / "libc10.so"),
            _touch(torch / "nn" / "functional.py"), _touch(tmp_path / "_internal" / "PySide6" / "Qt" / "lib" /
                                                            "libQt6Widgets.so.6")]
    gone = [_touch(torch / "bin" / "test_jit", 100), _touch(torch / "include" / "ATen" / "ATen.h", 100),
            _touch(torch / "test" / "x.py", 100), _touch(torch / "lib" / "libtorchbind_test.so", 100),
            _touch(tmp_path / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Quick.so.6", 100)]
    freed = trim_bundle(tmp_path)
    assert freed == 500
    assert all(p.exists() for p in keep) and not any(p.exists() for p in gone)
    assert KEEP_IN_BIN == {"torch_shm_manager"}


@pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("strip") and sys.platform.startswith("linux")),
                    reason="needs gcc and binutils' strip")
def test_torch_libraries_lose_their_symbol_tables_and_still_load(tmp_path):
    import ctypes

    lib = tmp_path / "_internal" / "torch" / "lib" / "libtorch_demo.so"
    lib.parent.mkdir(parents=True)
    source = tmp_path / "demo.c"
    source.write_text("static int helper(int x) { return x * 2; }\nint twice(int x) { return helper(x); }\n")
    subprocess.run(["gcc", "-g", "-shared", "-fPIC", "-o", str(lib), str(source)], check=True)
    before = lib.stat().st_size
    assert trim_bundle(tmp_path) == before - lib.stat().st_size > 0
    assert ctypes.CDLL(str(lib)).twice(21) == 42


def test_desktop_entry_and_control_file():
    pytest.importorskip("linux.package")
    from linux.package import control, desktop_entry

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read_string(desktop_entry())
    group = entry["Desktop Entry"]
    assert group["Exec"] == "playground %f" and group["Icon"] == playground.APP_ID
    assert group["Type"] == "Application" and group["Categories"].endswith(";")
    fields = dict(line.split(": ", 1) for line in control(1234).splitlines() if not line.startswith(" "))
    assert fields["Package"] == "transformer-playground" and fields["Version"] == playground.__version__
    assert fields["Installed-Size"] == "1234" and "libxcb-cursor0" in fields["Depends"]
    assert "fonts-noto-cjk | fonts-wqy-microhei" in fields["Depends"].split(", ")  # Chinese, not boxes
    assert fields["Recommends"] == "fonts-noto-color-emoji"  # emoji, not boxes


def test_appstream_metadata_is_well_formed_and_names_the_desktop_entry():
    import xml.etree.ElementTree as ET

    from linux.package import metainfo

    root = ET.fromstring(metainfo())
    assert root.tag == "component" and root.findtext("id") == playground.APP_ID
    assert root.findtext("launchable") == f"{playground.APP_ID}.desktop"
    assert root.find("releases/release").get("version") == playground.__version__


@pytest.mark.parametrize("target", ["linux", "windows", "macos"])
def test_pyinstaller_arguments_for_each_platform(target, tmp_path, monkeypatch, qapp):
    """The recipes that cannot be built here still get the same inputs as the tested Linux one."""
    import build

    monkeypatch.setattr(build, "BUILD", tmp_path)
    args = build.pyinstaller_args(target)
    sep = ";" if target == "windows" else ":"
    data = [args[i + 1] for i, a in enumerate(args) if a == "--add-data"]
    assert data == [f"{ROOT / 'resources'}{sep}resources", f"{ROOT / 'LICENSE'}{sep}."]
    assert args[0].endswith("entry.py") and args[args.index("--name") + 1] == "playground"
    assert ("--windowed" in args) == (target != "linux")
    assert "torch.utils.tensorboard" in args and "PySide6.QtSvg" in args
    if target == "linux":
        assert "--icon" not in args
    else:
        icon = Path(args[args.index("--icon") + 1])
        assert icon.stat().st_size > 1000  # the SVG drawn to a PNG, for .ico / .icns
    if target == "macos":
        assert args[args.index("--osx-bundle-identifier") + 1] == playground.APP_ID
