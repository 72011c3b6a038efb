"""The Lessons pane in the main window: a dock beside the panels, View ▸ Lessons and a Lessons menu.

On a projector (presentation mode) the dock takes 30% of the screen, its title is as large
as the rest of the text, and the lesson's language and file choosers are hidden: the panels keep
the room their key views need.
"""

from functools import partial

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QMenu, QStyle, QToolButton, QWidget

from ..core.lessons import LessonError, load_lesson
from .lesson_runner import LessonRunner
from .widgets.lesson_pane import LessonPane, builtin_lessons


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")
PANE_WIDTH = 400  # the pane's least width beside the panels: the Data panel fits beside it at 1280×720
PRESENTING_SHARE = 0.3  # of the screen's width, in presentation mode: the panels keep the rest
PRESENTING_LEAST = 0.25  # narrower still, down to this share, where the panel beside it needs the room


class DockTitle(QWidget):
    """The dock's title bar: its title in the window's font (the style's own bar draws it small and does not
    follow the zoom or presentation mode), and the float and close buttons."""

    def __init__(self, dock: QDockWidget):
        super().__init__(dock)
        self.label = QLabel(dock.windowTitle())
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 2, 2)
        row.addWidget(self.label, 1)
        for icon, tip, slot in ((QStyle.StandardPixmap.SP_TitleBarNormalButton, translate("LessonsDock", "Float"),
                                 lambda: dock.setFloating(not dock.isFloating())),
                                (QStyle.StandardPixmap.SP_TitleBarCloseButton, translate("LessonsDock", "Close"),
                                 dock.close)):
            button = QToolButton()
            button.setIcon(self.style().standardIcon(icon))
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            row.addWidget(button)

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # the zoom: bold again at the new size
            font = QFont(self.font())
            font.setBold(True)
            self.label.setFont(font)


class LessonsDock(QDockWidget):
    """Holds the ``LessonPane`` and its ``LessonRunner``; hidden until a lesson is chosen."""

    def __init__(self, window):
        super().__init__(translate("LessonsDock", "Lessons"), window)
        self.setObjectName("lessons-dock")
        self.runner = LessonRunner(window, self)
        self.pane = LessonPane(self.runner)
        self.pane.setMinimumWidth(PANE_WIDTH)
        self.setWidget(self.pane)
        self.title_bar = DockTitle(self)
        self.setTitleBarWidget(self.title_bar)
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.window_ = window
        self._width_before: int | None = None  # the dock's width before presentation mode
        window.presentation_changed.connect(self._on_presentation)
        self.visibilityChanged.connect(lambda _shown: self._fit_presenting())
        self.topLevelChanged.connect(lambda _floating: self._fit_presenting())
        window.sidebar.currentRowChanged.connect(lambda _row: QTimer.singleShot(0, self._fit_presenting))
        self.hide()

    def _on_presentation(self, on: bool, _scale: float) -> None:
        if on and self._width_before is None:
            self._width_before = self.width()
        self.pane.setMinimumWidth(0 if on else PANE_WIDTH)
        if on:
            QTimer.singleShot(0, self._fit_presenting)  # once the window is full screen
        else:
            self._compact_sidebar(False)
            if self._width_before is not None:
                width, self._width_before = self._width_before, None
                self.window_.resizeDocks([self], [max(width, PANE_WIDTH)], Qt.Orientation.Horizontal)

    def _fit_presenting(self) -> None:
        """30% of the screen for the lesson (down to 25% where that lets the panel beside fit), the rest for the panel it
        drives; the panel list shows its icons
        alone (their names in tooltips, Ctrl+1…6 and the lesson pick panels), so Inspect keeps its key views."""
        presenting = self.window_.presentation.active and not self.isFloating() and self.isVisible()
        self._compact_sidebar(presenting)
        if not presenting:
            return
        least = max(round(self.window_.width() * PRESENTING_LEAST), self.pane.layout().totalMinimumSize().width())
        width = max(round(self.window_.width() * PRESENTING_SHARE), least)
        panel = self.window_.current_panel()
        if panel is not None and panel.isVisible() and panel.width() > 0:  # the panel beside keeps its least width
            spare = panel.width() + self.width() - _least_width(panel)
            if spare >= least:  # narrower only where that makes it fit: a panel that fits nowhere keeps 30%
                width = min(width, spare)
        self.pane.setMinimumWidth(min(width, PANE_WIDTH))
        self.window_.resizeDocks([self], [width], Qt.Orientation.Horizontal)

    def _compact_sidebar(self, compact: bool) -> None:
        bar = self.window_.sidebar
        panels = self.window_.panels
        if not panels or compact == (bar.item(0).text() == ""):
            return
        for i, panel in enumerate(panels):
            bar.item(i).setText("" if compact else panel.title())
            bar.item(i).setToolTip(f"{panel.title()}: {panel.description()}" if compact else panel.description())
        if compact:
            bar.setFixedWidth(bar.iconSize().width() + 28)
        else:
            self.window_._fit_sidebar()

    def open_path(self, path) -> bool:
        self.show()
        self.raise_()
        return self.pane.open_path(path)

    def set_text_scale(self, factor: float) -> None:
        """For presentation mode: the lesson's text ``factor`` times larger."""
        self.pane.set_text_scale(factor)


def _least_width(widget: QWidget) -> int:
    layout = widget.layout()
    least = layout.totalMinimumSize().width() if layout is not None else 0
    return max(least, widget.minimumSizeHint().width(), widget.minimumWidth())


def install_lessons(window) -> LessonsDock:
    """Add the dock, View ▸ Lessons (F2) and the Lessons menu (built-in lessons, then a file) to ``window``."""
    dock = LessonsDock(window)
    toggle = dock.toggleViewAction()
    toggle.setText(translate("LessonsDock", "&Lessons"))
    toggle.setShortcut(QKeySequence("F2"))
    window.addAction(toggle)
    actions = window.menu_actions
    actions.view_menu.addSeparator()
    actions.view_menu.addAction(toggle)
    menu = actions.lessons_menu = QMenu(translate("LessonsDock", "L&essons"), window)
    window.menuBar().insertMenu(actions.help_menu.menuAction(), menu)
    menu.aboutToShow.connect(partial(_fill_menu, menu, dock))
    _fill_menu(menu, dock)
    window.lessons = dock
    return dock


def _fill_menu(menu, dock: LessonsDock) -> None:
    """The built-in lessons in the pane's language (read again each time: a teacher may edit them)."""
    menu.clear()
    for path in builtin_lessons(dock.pane.language):
        try:
            title = load_lesson(path).title
        except LessonError:
            title = path.stem
        action = QAction(title, menu)
        action.triggered.connect(partial(dock.open_path, str(path)))
        menu.addAction(action)
    menu.addSeparator()
    open_file = QAction(translate("LessonsDock", "Open a lesson file…"), menu)
    open_file.triggered.connect(lambda: (dock.show(), dock.pane.open_file()))
    menu.addAction(open_file)
