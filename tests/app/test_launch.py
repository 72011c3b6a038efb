"""Launching: the window shows before torch has loaded; resources and translations are found."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from playground import resources
from playground.app.translation import install_translation
from playground.core import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_window_is_shown_before_torch_is_imported(tmp_path):
    probe = tmp_path / "probe.jsonl"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAYGROUND_LAUNCH_PROBE=str(probe),
               PLAYGROUND_QUIT_WHEN_READY="1", PLAYGROUND_SETTINGS_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "playground"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in probe.read_text().splitlines()]
    events = [row["event"] for row in rows]
    assert events == ["main", "window_shown", "torch_imported", "panels_ready", "data_ready"]
    assert rows[1]["torch_imported"] is False and rows[2]["torch_imported"] is True
    # start-up objects are frozen once the panels are built: no full GC walks them during training
    assert rows[3]["gc_frozen"] == 0 and rows[4]["gc_frozen"] > 50_000
    settings = (tmp_path / "playground.ini").read_text()
    assert "dataset=grammar" in settings  # first launch: the default dataset, ready to train


def test_modules_shown_first_do_not_import_torch():
    code = ("import sys\n"
            "import playground.app, playground.app.main_window, playground.app.launch\n"
            "heavy = [m for m in ('torch', 'pyqtgraph', 'playground.core.workspace') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_loader_thread_imports_nothing_from_qt():
    """Qt types made in the loader thread while the UI thread ran crashed the app (launch.py)."""
    code = ("import sys\n"
            "from playground.app.launch import HEAVY_MODULES\n"
            "import importlib\n"
            "for name in HEAVY_MODULES: importlib.import_module(name)\n"
            "print([m for m in sys.modules if m.startswith(('PySide6.QtGui', 'PySide6.QtWidgets', 'pyqtgraph',\n"
            "                                               'playground.app.panels'))])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"  # QtCore alone, for launch.py's QThread


def test_resource_path_from_source_and_from_a_bundle(monkeypatch, tmp_path):
    assert resources.resource_path("icons/playground.svg").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("icons/data.svg") == tmp_path / "resources" / "icons" / "data.svg"


TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context><name>DataPanel</name>
<message><source>Data</source><translation>Daten</translation></message>
</context>
</TS>
"""


def test_a_compiled_translation_is_installed(qapp, tmp_path, monkeypatch):
    venv_bin = str(Path(sys.executable).parent)
    lrelease = shutil.which("pyside6-lrelease", path=venv_bin) or shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    folder = tmp_path / "resources" / "translations"
    folder.mkdir(parents=True)
    (folder / "playground_de_DE.ts").write_text(TS, encoding="utf-8")
    subprocess.run([lrelease, str(folder / "playground_de_DE.ts"), "-qm", str(folder / "playground_de_DE.qm")],
                   check=True, capture_output=True, timeout=60)
    monkeypatch.setattr(resources, "resources_root", lambda: tmp_path / "resources")
    from playground.app.panels.data import DataPanel

    locale = QLocale()
    loaded = install_translation(qapp, "de_DE")
    try:
        assert any(path.endswith("playground_de_DE.qm") for path in loaded)
        assert DataPanel.title() == "Daten"
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
            translator.deleteLater()
        QLocale.setDefault(locale)
        i18n.install(None)
    assert DataPanel.title() == "Data"
