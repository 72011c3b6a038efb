"""The Lessons pane in the main window: a dock beside the panels, View ▸ Lessons and a Lessons menu."""

from functools import partial

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu

from ..core.lessons import LessonError, load_lesson
from .lesson_runner import LessonRunner
from .widgets.lesson_pane import LessonPane, builtin_lessons


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


class LessonsDock(QDockWidget):
    """Holds the ``LessonPane`` and its ``LessonRunner``; hidden until a lesson is chosen."""

    def __init__(self, window):
        super().__init__(translate("LessonsDock", "Lessons"), window)
        self.setObjectName("lessons-dock")
        self.runner = LessonRunner(window, self)
        self.pane = LessonPane(self.runner)
        self.pane.setMinimumWidth(420)
        self.setWidget(self.pane)
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.hide()

    def open_path(self, path) -> bool:
        self.show()
        self.raise_()
        return self.pane.open_path(path)

    def set_text_scale(self, factor: float) -> None:
        """For presentation mode: the lesson's text ``factor`` times larger."""
        self.pane.set_text_scale(factor)


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
