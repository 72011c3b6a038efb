"""Which visible texts are too small to read from the back of a room: ``small_texts(root, 18)``.

It reads the font each text is drawn in (``QFontInfo.pixelSize``): labels, buttons, check boxes, group box
titles, tabs, combo boxes, text boxes, list rows, table headers and cells, and the tick text, titles and legends of
pyqtgraph plots. Each finding reads like "QLabel 'Seed' is 12 px".
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QGroupBox, QHeaderView, QLabel, QListWidget, QTabBar,
                               QTableWidget, QWidget)

from .layout_check import _shown, _text_of


def pixels(font: QFont) -> int:
    return QFontInfo(font).pixelSize()


def _widget_fonts(widget: QWidget) -> list[tuple[str, QFont]]:
    """(text, font) of what ``widget`` draws itself."""
    if isinstance(widget, (QLabel, QAbstractButton, QGroupBox, QComboBox)):
        text = _text_of(widget)
        if isinstance(widget, QLabel) and widget.pixmap() is not None and not widget.pixmap().isNull():
            return []
        return [(text, widget.font())] if text.strip() else []
    if isinstance(widget, QTabBar):
        return [(widget.tabText(i), widget.font()) for i in range(widget.count()) if widget.isTabVisible(i)]
    if isinstance(widget, QHeaderView):
        model = widget.model()
        if model is None:
            return []
        count = model.columnCount() if widget.orientation().name == "Horizontal" else model.rowCount()
        return [(str(model.headerData(i, widget.orientation()) or ""), widget.font()) for i in range(count)
                if not widget.isSectionHidden(i) and str(model.headerData(i, widget.orientation()) or "").strip()]
    if isinstance(widget, QListWidget):
        rows = [widget.item(i) for i in range(widget.count())]
        return [(item.text(), item.font().resolve(widget.font())) for item in rows
                if not item.isHidden() and item.text().strip()]
    if isinstance(widget, QTableWidget):
        cells = [widget.item(r, c) for r in range(widget.rowCount()) for c in range(widget.columnCount())]
        return [(item.text(), item.font().resolve(widget.font())) for item in cells if item and item.text().strip()]
    return []


def _plot_fonts(view: pg.GraphicsView) -> list[tuple[str, QFont]]:
    """Tick text, axis titles, legend rows and text items of a pyqtgraph view, as they are drawn."""
    found = []
    for item in view.scene().items():
        if not item.isVisible():
            continue
        if isinstance(item, pg.AxisItem):
            if item.style["showValues"]:
                found.append((f"{item.orientation} axis ticks", item.style["tickFont"] or view.viewport().font()))
            if item.label.isVisible() and item.label.toPlainText().strip():
                found.append((item.label.toPlainText(), item.label.font()))
        elif isinstance(item, pg.LabelItem) and item.text:
            size = item.opts.get("size")
            font = QFont(item.item.font())
            if size:
                font.setPointSizeF(float(size.removesuffix("pt")))
            found.append((item.text, font))
        elif isinstance(item, pg.TextItem):
            found.append((item.textItem.toPlainText(), item.textItem.font()))
    return found


def small_texts(root: QWidget, min_px: int) -> list[str]:
    """'kind 'text' is N px' for every visible text under ``root`` drawn smaller than ``min_px``."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget, root):
            continue
        fonts = _plot_fonts(widget) if isinstance(widget, pg.GraphicsView) else _widget_fonts(widget)
        for text, font in fonts:
            if pixels(font) < min_px:
                found.append(f"{type(widget).__name__} {text[:40]!r} is {pixels(font)} px")
    return found


def cut_plot_titles(root: QWidget) -> list[str]:
    """Visible axis titles of pyqtgraph plots longer than their axis: pyqtgraph draws them cut at both ends."""
    found = []
    for view in root.findChildren(pg.GraphicsView):
        if not _shown(view, root):
            continue
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem) and item.isVisible() and item.label.isVisible():
                length = item.geometry().height() if item.orientation in ("left", "right") else item.geometry().width()
                if item.label.toPlainText().strip() and item.label.boundingRect().width() > length:
                    found.append(f"{item.orientation} axis title {item.label.toPlainText()!r} is "
                                 f"{item.label.boundingRect().width():.0f} px long, its axis {length:.0f} px")
    return found


def run_on_a_projector(test_file: str, flag: str, tmp_path) -> None:
    """Run ``test_file``'s tests named "projector_screen" in a subprocess whose one screen is a 1280×720 projector,
    with the environment variable ``flag`` set (the tests skip without it); fail with their output if any fails
    or skips."""
    screen = tmp_path / "projector.json"
    screen.write_text(json.dumps({"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1280, "height": 720,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", **{flag: "1"})
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "projector_screen",
                          str(Path(test_file).resolve().relative_to(root))], cwd=root, env=env, capture_output=True,
                         text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout, run.stdout[-3000:]
