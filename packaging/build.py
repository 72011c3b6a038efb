"""Build the installers: one PyInstaller one-folder bundle, then the platform's package.

    python packaging/build.py linux     # dist/: bundle folder, .tar.gz and .deb
    python packaging/build.py windows   # dist/: bundle folder, then Inno Setup's setup .exe
    python packaging/build.py macos     # dist/: Transformer Playground.app in a .dmg

Only the Linux target is built and tested by this project's CI; the Windows and macOS
targets follow the same steps (see packaging/README.md). Run it from the project's
virtual environment with ``pip install -e .[package]`` done.
"""

import argparse
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from metadata import APP  # noqa: E402  (packaging/metadata.py: name, version, description, ...)
from bundle_contents import excluded_modules, runtime_distributions  # noqa: E402
from bundle_contents import check as unexpected_in_bundle  # noqa: E402
from bundle_contents import failure_message  # noqa: E402
from trim import folder_bytes, trim_bundle  # noqa: E402

BUILD = ROOT / "build"
DIST = ROOT / "dist"
# Modules the app never imports that PyInstaller's hooks would pull in with their dependencies.
# Every other installed package outside the runtime dependencies is excluded as well, computed
# from the installed metadata (bundle_contents.excluded_modules): the test extra's, for instance.
EXCLUDES = ("tkinter", "matplotlib", "IPython", "jupyter_client", "pytest", "pytestqt", "PyInstaller",
            "pyqtgraph.opengl", "pyqtgraph.examples", "pyqtgraph.jupyter", "torch.utils.tensorboard",
            "scipy", "pandas", "PIL", "setuptools", "pip")


def pyinstaller_args(target: str) -> list[str]:
    sep = ";" if target == "windows" else ":"
    args = [str(ROOT / "packaging" / "entry.py"), "--name", APP.command, "--onedir", "--noconfirm",
            "--distpath", str(BUILD / "dist"), "--workpath", str(BUILD / "work"), "--specpath", str(BUILD),
            "--add-data", f"{ROOT / 'resources'}{sep}resources", "--add-data", f"{ROOT / 'LICENSE'}{sep}.",
            "--collect-submodules", "playground",  # the app imports its panels by name, behind the window
            "--hidden-import", "PySide6.QtSvg",  # the SVG icons: Qt's svg image and icon-engine plugins
            "--log-level", "WARN"]
    for name in (*EXCLUDES, *excluded_modules(runtime_distributions())):
        args += ["--exclude-module", name]
    if target in ("windows", "macos"):
        args += ["--windowed"]  # no console window behind the app; the CLI is for the pip install
    if target == "macos":
        args += ["--osx-bundle-identifier", APP.bundle_id]
    if target != "linux":  # PyInstaller turns the PNG into .ico / .icns (with Pillow installed)
        args += ["--icon", str(render_icon(BUILD / "playground.png"))]
    return args


def render_icon(out: Path, size: int = 512) -> Path:
    """The app's SVG icon drawn to a PNG by Qt, for the platforms whose installers want a bitmap."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841  (QImage painting needs one)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ROOT / "resources" / "icons" / "playground.svg")).render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        sys.exit(f"could not write the icon {out}")
    return out


def build_bundle(target: str) -> Path:
    """The one-folder bundle under build/dist/<command>, trimmed of what the app does not use."""
    import PyInstaller.__main__

    started = time.monotonic()
    PyInstaller.__main__.run(pyinstaller_args(target))
    bundle = BUILD / "dist" / (f"{APP.command}.app" if target == "macos" else APP.command)
    freed = trim_bundle(bundle)
    exe = bundle / "Contents" / "MacOS" / APP.command if target == "macos" else bundle / (
        APP.command + (".exe" if target == "windows" else ""))
    if found := unexpected_in_bundle(bundle, exe):
        sys.exit(failure_message(bundle, found))
    print(f"bundle: {bundle} ({folder_bytes(bundle) / 1e6:.0f} MB after trimming {freed / 1e6:.0f} MB) "
          f"in {time.monotonic() - started:.0f} s")
    return bundle


def check_bundle(bundle: Path) -> None:
    """Fail the build when the frozen app cannot import torch and print its version.

    A windowed build (Windows, macOS) has no stdout, so there only the exit code is checked.
    """
    exe = bundle / (APP.command + (".exe" if sys.platform == "win32" else ""))
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=300)
    printed = out.stdout.strip()
    if out.returncode != 0 or (sys.platform.startswith("linux") and APP.version not in printed):
        sys.exit(f"the bundle does not run: {exe} --version gave {out.returncode}\n{out.stdout}{out.stderr}")
    print(printed.splitlines()[0] if printed else f"{exe} --version: exit 0")


def build_linux(args) -> None:
    from linux.package import make_deb, make_tarball

    bundle = build_bundle("linux")
    check_bundle(bundle)
    DIST.mkdir(exist_ok=True)
    for path in (make_tarball(bundle, DIST), *([] if args.no_deb else [make_deb(bundle, DIST)])):
        print(f"{path} ({path.stat().st_size / 1e6:.0f} MB)")


def build_windows(args) -> None:
    """Bundle, then Inno Setup (iscc on PATH) makes dist/TransformerPlayground-<v>-setup.exe."""
    bundle = build_bundle("windows")
    check_bundle(bundle)
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if not iscc:
        sys.exit("Inno Setup's iscc is not on PATH: install Inno Setup 6 to make the setup .exe")
    subprocess.run([iscc, f"/DAppVersion={APP.version}", f"/DBundleDir={bundle}", f"/DOutputDir={DIST}",
                    str(ROOT / "packaging" / "windows" / "playground.iss")], check=True)


def build_macos(args) -> None:
    """Bundle as a .app, then hdiutil puts it in dist/TransformerPlayground-<v>.dmg."""
    app = build_bundle("macos")
    check_bundle(app / "Contents" / "MacOS")
    DIST.mkdir(exist_ok=True)
    dmg = DIST / f"TransformerPlayground-{APP.version}-{platform.machine()}.dmg"
    dmg.unlink(missing_ok=True)
    subprocess.run(["hdiutil", "create", "-volname", APP.title, "-srcfolder", str(app), "-ov",
                    "-format", "UDZO", str(dmg)], check=True)
    print(dmg)


TARGETS = {"linux": build_linux, "windows": build_windows, "macos": build_macos}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build Transformer Playground's installers.")
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--no-deb", action="store_true", help="linux: only the bundle and the .tar.gz")
    args = parser.parse_args(argv)
    TARGETS[args.target](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
