"""The core never imports Qt: checked on the source and by importing it with Qt blocked."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import playground.core

CORE = Path(playground.core.__file__).parent
QT = ("PySide6", "pyqtgraph", "shiboken6")


def core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(CORE)], "playground.core.")]


def test_no_qt_import_in_core_source():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in QT]
    assert offenders == []


def test_core_imports_with_qt_blocked():
    modules = core_modules()
    assert "playground.core.model" in modules and len(modules) > 10
    code = ("import sys\n"
            f"for name in {QT!r}: sys.modules[name] = None\n"
            f"import importlib\nfor m in {modules!r}: importlib.import_module(m)\n"
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
