"""Export any view: PNG at twice its size, SVG, the clipboard, and the numbers behind it as CSV.

A view opts in with one line where it is built:

    make_exportable(self.heatmap, "attention", csv=partial(view_tables.stage_matrix, self))

It then has a right-click menu (PNG, SVG, copy, CSV), and Ctrl+Shift+E in its window exports
the view under the mouse (else the focused one, else the largest one shown). The file dialog
suggests a name from the view and remembers the folder; a failed write says why.

Drawing goes through Qt: ``QWidget.render`` (or, for a pyqtgraph plot, ``QGraphicsScene.render``)
into a QImage with a device pixel ratio of 2, so text and lines are drawn at twice the
resolution, not scaled up; and into ``QSvgGenerator`` for SVG. pyqtgraph 0.14's own exporters
are not used: its SVGExporter raises on the "Z" that Qt 6.11 writes at the end of closed paths
(pyqtgraph issue #3485), and its ImageExporter at 2x draws the legend and text labels at 1x.
"""

import contextlib
import csv
import io
import re
from pathlib import Path

from PySide6.QtCore import (QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QPoint, QRect, QRectF,
                            QStandardPaths, Qt)
from PySide6.QtGui import QAction, QCursor, QGuiApplication, QImage, QKeySequence, QPainter, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (QApplication, QFileDialog, QGraphicsItem, QGraphicsView, QMainWindow, QMenu, QMessageBox,
                               QWidget)

from ..core.atomic import write_atomic
from ..core.errors import SaveError
from .settings import open_settings

SCALE = 2  # PNG pixels per screen pixel
INCH = 0.0254  # metres
SHORTCUT = "Ctrl+Shift+E"  # Ctrl+Shift+S is "Save session as…"
FOLDER_KEY = "export/folder"
ACTION_NAME = "export-view-action"
FORMATS = ("png", "svg", "csv")

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


def make_exportable(view, name, csv=None) -> "ViewExporter":
    """Give ``view`` the export menu. ``name``: the file name suggested (a str, or a callable giving one);
    ``csv``: a callable giving ``(header, rows)``, the numbers behind the view, or None."""
    return ViewExporter(view, name, csv)


def view_title(name: str) -> str:
    """The readable name, in the UI's language, of a view made exportable under an id: "loss" -> "Loss curves",
    "tokens-bpe" -> "Tokens bpe"; a name that is not such an id is returned as it is."""
    titles = {"loss": translate("ViewExporter", "Loss curves"), "metrics": translate("ViewExporter", "Metrics"),
              "architecture": translate("ViewExporter", "Architecture"),
              "generated": translate("ViewExporter", "Generated text"),
              "next-token": translate("ViewExporter", "Next token"),
              "embedding-map": translate("ViewExporter", "Embedding map"),
              "tokens": translate("ViewExporter", "Tokens"), "view": translate("ViewExporter", "View")}
    if name in titles:
        return titles[name]
    first, _dash, rest = name.partition("-")
    return f"{titles[first]} {rest}" if first in titles and rest else name


def file_stem(name: str) -> str:
    """A name for a file on any system, readable: "Decoder layer 1 / head 2" -> "Decoder layer 1 - head 2".
    Letters of any script stay ("解码器第 1 层"); what a file system forbids (/ \\ : * ? " < > |) does not."""
    stem = re.sub(r"\s*[^\w .+-]+\s*", lambda m: " - " if m[0] != m[0].strip() else "-", name)  # "a: b" -> "a - b"
    stem = re.sub(r"\s+", " ", stem).strip("-. ")
    return stem[:80].strip("-. ") or "view"


def csv_bytes(header: list, rows) -> bytes:
    """The rows as CSV, in UTF-8 with a byte-order mark: without one Excel reads the file in the local
    code page and Chinese (and ␣, ↵, emoji) turn into mojibake."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@contextlib.contextmanager
def _uncached(scene):
    """Items drawn from their pixmap cache would reach the SVG as bitmaps (pyqtgraph's axes cache theirs)."""
    items = [(item, item.cacheMode()) for item in scene.items()
             if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _mode in items:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in items:
            item.setCacheMode(mode)


def paint_view(view, painter: QPainter) -> None:
    """Draw ``view`` with ``painter`` at its own size (the painter's device scales it)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    if isinstance(view, QGraphicsView):  # a pyqtgraph plot: the scene as the view shows it
        target = QRectF(0, 0, view.width(), view.height())
        painter.fillRect(target, view.backgroundBrush())
        with _uncached(view.scene()):
            view.scene().render(painter, target, view.mapToScene(view.viewport().rect()).boundingRect())
    else:
        view.render(painter, QPoint(), QRegion(), QWidget.RenderFlag.DrawWindowBackground
                    | QWidget.RenderFlag.DrawChildren)


def render_image(view, scale: int = SCALE) -> QImage:
    """The view drawn at ``scale`` times its size; the PNG says so (its dots per metre), so a slide
    program places it at the view's size."""
    image = QImage(view.size() * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.transparent)
    # The screen's resolution while drawing: a font's points become the pixels they are on screen (pyqtgraph's
    # axes also keep what they lay out here for the screen).
    image.setDotsPerMeterX(round(view.logicalDpiX() / INCH))
    image.setDotsPerMeterY(round(view.logicalDpiY() / INCH))
    painter = QPainter(image)
    paint_view(view, painter)
    painter.end()
    image.setDotsPerMeterX(image.dotsPerMeterX() * scale)
    image.setDotsPerMeterY(image.dotsPerMeterY() * scale)
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def svg_bytes(view, title: str = "") -> bytes:
    """The view as SVG from Qt's SVG generator: text stays text, lines stay lines."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(view.size())
    generator.setViewBox(QRect(QPoint(0, 0), view.size()))
    generator.setResolution(view.logicalDpiX())  # as on screen (Qt's default, 72 dpi, shrinks every font)
    generator.setTitle(title)
    generator.setDescription("Transformer Playground")
    painter = QPainter(generator)
    paint_view(view, painter)
    painter.end()
    buffer.close()
    return bytes(data.data())


class ViewExporter(QObject):
    """The export menu of one view; a child of the view, found by ``exporter_of``."""

    def __init__(self, view, name, csv=None):
        super().__init__(view)
        self.view, self._name, self._csv = view, name, csv
        self.dialog: QFileDialog | None = None  # the last file dialog, until it closes
        self.message: QMessageBox | None = None  # the last failure shown
        self.menu: QMenu | None = None
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_menu_requested)
        view.installEventFilter(self)

    # --- what the view gives ---------------------------------------------------------------------
    def name(self) -> str:
        return file_stem(view_title(self._name() if callable(self._name) else self._name))

    def has_numbers(self) -> bool:
        return self._csv is not None

    def table(self) -> tuple[list, list] | None:
        """(header, rows) of the numbers shown, or None when the view shows none yet."""
        table = self._csv() if self._csv is not None else None
        return None if table is None else (table[0], list(table[1]))

    def is_empty(self) -> bool:
        """A view of numbers that shows none yet: its picture would be blank axes or a placeholder, so no format
        exports it (a view without numbers, such as the architecture diagram, always has something drawn)."""
        return self.has_numbers() and self.table() is None

    def image(self) -> QImage:
        return render_image(self.view)

    def svg(self) -> bytes:
        return svg_bytes(self.view, self.name())

    # --- writing ---------------------------------------------------------------------------------
    def data(self, fmt: str) -> bytes:
        if self.is_empty():
            raise SaveError(self.nothing_shown())
        if fmt in ("png", "svg") and self.view.size().isEmpty():
            raise SaveError(self.tr("This view has no size yet: show it, then export it."))
        if fmt == "png":
            return png_bytes(self.image())
        if fmt == "svg":
            return self.svg()
        return csv_bytes(*self.table())

    def nothing_shown(self) -> str:
        """Why an empty view does not export, and what fills it: said for the panel the view is on."""
        from .panels.base import Panel  # here: the panels import this module

        panel = self.view.parentWidget()
        while panel is not None and not isinstance(panel, Panel):
            panel = panel.parentWidget()
        what = {
            "train": self.tr("This view shows nothing yet: train the model first (Start), then export it."),
            "tokenize": self.tr("This view shows nothing yet: type a text to tokenize first (and train this "
                                "tokenizer if it asks), then export it."),
            "inspect": self.tr("This view shows nothing yet: trace an input first (Trace), then export it."),
            "generate": self.tr("This view shows nothing yet: generate a text first (Generate), then export it."),
        }
        return what.get(panel.name if panel is not None else "",
                        self.tr("This view shows nothing yet: train, tokenize or trace something first."))

    def save(self, path, fmt: str | None = None) -> Path:
        """Write the view in ``fmt`` (from the suffix when None) at ``path``; a failure raises SaveError."""
        path = Path(path)
        fmt = fmt or path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise ValueError(f"export format {fmt!r}: one of {', '.join(FORMATS)}")
        data = self.data(fmt)  # drawn before the file is opened: a failed write leaves the old file
        return write_atomic(path, lambda stream: stream.write(data))

    def copy(self) -> None:
        """The view onto the clipboard, as an image.

        Not as QMimeData with an SVG beside it: PySide6 6.11 crashed at exit (a segfault after the
        last line of the process) whenever a QMimeData it made was still on the clipboard.
        """
        if self.is_empty():
            self.show_failure(self.nothing_shown())
            return
        QGuiApplication.clipboard().setImage(self.image())

    # --- the menu and the dialog -----------------------------------------------------------------
    def build_menu(self) -> QMenu:
        """The export actions; under a text view's own (Copy, Select All) when it has one."""
        if hasattr(self.view, "createStandardContextMenu"):
            menu = self.view.createStandardContextMenu()
            menu.addSeparator()
        else:
            menu = QMenu(self.view)
        menu.addAction(self.tr("Save as PNG (2× size)…"), lambda: self.ask("png")).setObjectName("export-png")
        menu.addAction(self.tr("Save as SVG…"), lambda: self.ask("svg")).setObjectName("export-svg")
        menu.addAction(self.tr("Copy image"), self.copy).setObjectName("export-copy")
        if self.has_numbers():
            menu.addSeparator()
            menu.addAction(self.tr("Save the numbers as CSV…"), lambda: self.ask("csv")).setObjectName("export-csv")
        return menu

    def popup(self, global_pos: QPoint) -> QMenu:
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = self.build_menu()
        self.menu.popup(global_pos)
        return self.menu

    def _on_menu_requested(self, pos: QPoint) -> None:
        widget = self.view.viewport() if hasattr(self.view, "viewport") else self.view
        self.popup(widget.mapToGlobal(pos))

    def ask(self, fmt: str) -> QFileDialog | None:
        """A save dialog (not blocking) suggesting the view's name in the last folder used."""
        if self.is_empty():
            self.show_failure(self.nothing_shown())
            return None
        filters = {"png": self.tr("PNG image (*.png)"), "svg": self.tr("SVG drawing (*.svg)"),
                   "csv": self.tr("CSV table (*.csv)")}
        folder = Path(str(open_settings().value(FOLDER_KEY, "") or default_folder()))
        dialog = QFileDialog(self.view.window(), self.tr("Export the view"), str(folder / f"{self.name()}.{fmt}"),
                             filters[fmt])
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(fmt)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.save_chosen(path, fmt))
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def save_chosen(self, path: str, fmt: str) -> bool:
        """Save where the user chose; remember the folder; a failure is shown, with what to do."""
        try:
            self.save(path, fmt)
        except SaveError as e:
            self.show_failure(str(e))
            return False
        open_settings().setValue(FOLDER_KEY, str(Path(path).parent))
        window = self.view.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 5000)
        return True

    def show_failure(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Export failed"), text, QMessageBox.StandardButton.Ok,
                          self.view.window())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(lambda: setattr(self, "message", None))
        self.message = box
        box.open()

    # --- the window's shortcut -------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if watched is self.view and event.type() == event.Type.Show:
            install_shortcut(self.view.window())
        return False


def exporter_of(widget) -> ViewExporter | None:
    """The exporter of ``widget`` or of the nearest view around it."""
    while widget is not None:
        found = widget.findChild(ViewExporter, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if found is not None:
            return found
        widget = widget.parentWidget()
    return None


def target_exporter(window) -> ViewExporter | None:
    """The view Ctrl+Shift+E exports: under the mouse, else holding the focus, else the largest shown."""
    for widget in (QApplication.widgetAt(QCursor.pos()), QApplication.focusWidget()):
        if widget is not None and widget.window() is window:
            found = exporter_of(widget)
            if found is not None and found.view.isVisible():
                return found
    shown = [e for e in window.findChildren(ViewExporter) if e.view.isVisible()]
    return max(shown, key=lambda e: e.view.width() * e.view.height(), default=None)


def install_shortcut(window) -> QAction:
    """Ctrl+Shift+E in ``window`` (once): the export menu of the view it picks (``target_exporter``)."""
    action = window.findChild(QAction, ACTION_NAME)
    if action is None:
        action = QAction(translate("ViewExporter", "Export the view under the mouse…"), window)
        action.setObjectName(ACTION_NAME)
        action.setShortcut(QKeySequence(SHORTCUT))
        action.triggered.connect(lambda: export_menu_for(window))
        window.addAction(action)
    return action


def export_menu_for(window) -> QMenu | None:
    found = target_exporter(window)
    if found is None:
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(translate(
                "ViewExporter", "Point at a plot, heatmap or diagram, then press {key} to export it.").format(
                key=SHORTCUT), 5000)
        return None
    view = found.view
    inside = view.rect().contains(view.mapFromGlobal(QCursor.pos()))
    return found.popup(QCursor.pos() if inside else view.mapToGlobal(view.rect().center()))


def default_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation) or str(Path.home())
