"""The main window: the panels in pipeline order behind a sidebar, menus, a status bar.

It shows at once with a "Loading PyTorch…" page; torch, the core and the panels are imported
in a thread (``start_loading``) and the panels are built when they arrive. Nothing here imports
torch or the core at module level.
"""

import importlib
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QProgressBar,
                               QStackedWidget, QVBoxLayout, QWidget)

from ..core.runtime import freeze_long_lived_objects
from ..resources import resource_path
from . import dialogs
from .launch import UI_MODULES, ModuleLoader, probe, quit_when_ready
from .numbers import format_count, format_float, percent_text, use_number_format
from .presentation import Presentation
from .session_actions import SessionActions
from .settings import open_settings
from .theme import apply_theme, apply_zoom, next_zoom
from .widgets.banner import Banner
from .widgets.heading import HeadingLabel
from .window_actions import WindowActions
from .worker import JobOwner

DEFAULT_DATASET = "grammar"  # the same default as the core's Workspace, without importing it


class LoadingPage(QWidget):
    """What the window shows while torch loads: the app's name and a busy bar."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._painted = False
        icon = QLabel()
        icon.setPixmap(QIcon(str(resource_path("icons/playground.svg"))).pixmap(QSize(96, 96)))
        title = HeadingLabel(self.tr("Transformer Playground"), 1.8)
        self.status = QLabel(self.tr("Loading PyTorch…"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(320)
        self.bar.setTextVisible(False)
        column = QVBoxLayout(self)
        column.addStretch(2)
        for widget in (icon, title, self.status, self.bar):
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)

    def show_step(self, module: str) -> None:
        steps = {"torch": self.tr("Loading PyTorch…"), "pyqtgraph": self.tr("Loading the plots…"),
                 "playground.app.panels": self.tr("Preparing the panels…")}
        if module in steps:
            self.status.setText(steps[module])

    def show_failure(self, message: str) -> None:
        self.bar.hide()
        self.status.setText(self.tr("The playground could not start: {message}").format(message=message))
        self.status.setWordWrap(True)
        # Centred in the layout, a wrapped label keeps its one-line width and is cut: take the row, centre the text.
        self.layout().setAlignment(self.status, Qt.AlignmentFlag(0))
        self.status.setAlignment(Qt.AlignmentFlag.AlignHCenter)

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            probe("window_shown")


class MainWindow(SessionActions, JobOwner, QMainWindow):
    """Sidebar + stacked panels over one QWorkspace; status bar with device, model size and step."""

    panels_ready = Signal()
    load_failed = Signal(str)  # torch, the core or the panels could not be imported (a broken install)
    session_loaded = Signal(str)
    session_saved = Signal(str)
    presentation_changed = Signal(bool, float)  # (on, scale): a pane with text of its own scales it

    def __init__(self, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings if settings is not None else open_settings()
        self.workspace = None  # QWorkspace, once torch is loaded
        self.panels = []
        self.session_path: Path | None = None
        self.initial_file: str | None = None  # a session or text file named on the command line
        self.theme, self.zoom = "system", 1.0
        self._loader: ModuleLoader | None = None
        self._data_seen = False
        self._run_message = ""  # the last thing training said in the status bar ("Training diverged")
        self.about_dialog = None
        self.lessons = None  # the Lessons dock, once the panels exist
        self.run_watch = None  # Training ▸ Watch a run folder…, once the panels exist
        self.setWindowIcon(QIcon(str(resource_path("icons/playground.svg"))))
        self.setAcceptDrops(True)
        self.setMinimumSize(900, 600)
        self._build_central()
        self._build_status_bar()
        self.menu_actions = WindowActions(self)
        self.presentation = Presentation(self)
        self.presentation.changed.connect(self.presentation_changed)
        self._restore_settings()
        self.update_title()

    # --- building -------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.banner = Banner()
        self.loading_page = LoadingPage()
        self.sidebar = QListWidget()
        self.sidebar.setIconSize(QSize(24, 24))
        self.sidebar.setSpacing(2)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row)
        self.stack = QStackedWidget()
        self.main_page = QWidget()
        row = QHBoxLayout(self.main_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.loading_page)
        self.pages.addWidget(self.main_page)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 0)
        column.addWidget(self.banner)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.device_label, self.params_label, self.step_label = QLabel(), QLabel(), QLabel()
        for label in (self.device_label, self.params_label, self.step_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def start_loading(self) -> None:
        """Import torch and the core in a thread, then the Qt-side modules here; build the panels when done."""
        self._loader = ModuleLoader(self)
        self._loader.step.connect(self.loading_page.show_step)
        self._loader.loaded.connect(lambda: self._next_ui_module(list(UI_MODULES)))
        self._loader.failed.connect(self._on_load_failed)
        self._loader.start()

    def _next_ui_module(self, names: list[str]) -> None:
        """Say which Qt-side module comes next, then import it on the next event-loop turn."""
        if not names:
            self.build_panels()
            freeze_long_lived_objects()  # no full garbage collection walks start-up objects again (runtime.py)
            return
        self.loading_page.show_step(names[0])
        QTimer.singleShot(0, lambda: self._import_ui_module(names))

    def _import_ui_module(self, names: list[str]) -> None:
        """Import ``names[0]`` on this thread (see launch.py: Qt types must not be made in a thread)."""
        try:
            importlib.import_module(names[0])
        except Exception as e:  # a broken install must say so in the window, not vanish
            self._on_load_failed(f"{type(e).__name__}: {e}", traceback.format_exc())
            return
        self._next_ui_module(names[1:])

    def _on_load_failed(self, message: str, details: str) -> None:
        sys.stderr.write(details)
        self.loading_page.show_failure(message)
        self.load_failed.emit(message)
        self.device_label.setText("")

    def build_panels(self, core=None, load_data: bool = True) -> None:
        """Create the workspace and the panels (imports torch if it is not loaded yet)."""
        from .panels import PANELS
        from .qworkspace import QWorkspace

        self.workspace = QWorkspace(core, self)
        self.workspace.data_changed.connect(self._on_data_changed)
        self.workspace.model_changed.connect(self._on_model_changed)
        self.workspace.training_state.connect(self._on_training_state)
        self.workspace.training_record.connect(self._on_training_record)
        self.workspace.message.connect(self._show_run_message)
        self.workspace.error.connect(self.show_error)
        for cls in PANELS:
            panel = cls(self.workspace)
            use_number_format(panel)  # spin boxes group digits like the labels, in the UI language
            self.panels.append(panel)
            self.stack.addWidget(panel)
            item = QListWidgetItem(QIcon(str(resource_path(cls.icon_name()))), cls.title())
            item.setToolTip(cls.description())
            item.setSizeHint(QSize(0, 40))
            self.sidebar.addItem(item)
            summary = getattr(panel, "summary_ready", None)
            if summary is not None:
                summary.connect(self._on_summary)
        self._fit_sidebar()
        self.menu_actions.add_panel_actions(self.panels)
        from .lessons_dock import install_lessons

        install_lessons(self)
        from .watch_actions import install_run_watch

        self.run_watch = install_run_watch(self)  # Training ▸ Watch a run folder…
        self.pages.setCurrentWidget(self.main_page)
        self.show_panel(str(self.settings.value("window/panel", "data")))
        self.show_device()
        probe("panels_ready")
        self.panels_ready.emit()
        if self.workspace.core.recipe is not None:  # a workspace given ready-made: let the panels show it
            self.workspace.data_changed.emit()
            self.workspace.model_changed.emit()
        elif load_data:
            self.load_initial_data()

    def load_initial_data(self) -> None:
        """The data of the last session in this window, else the default built-in dataset."""
        data = self.panel("data")
        if self.initial_file and not self.initial_file.endswith(".playground"):
            data.open_text_file(self.initial_file, ask=False)
            return
        if self.initial_file:  # a session: if it cannot be opened, the default data follows
            QTimer.singleShot(0, lambda: self.open_session(self.initial_file))
            return
        self.load_default_data()

    def load_default_data(self) -> None:
        data = self.panel("data")
        text_file = str(self.settings.value("data/text_file", "") or "")
        if text_file and Path(text_file).is_file():
            data.open_text_file(text_file, ask=False)
        else:
            name = str(self.settings.value("data/dataset", DEFAULT_DATASET) or DEFAULT_DATASET)
            data.choose_dataset(name if name in self._dataset_names() else DEFAULT_DATASET, ask=False)

    @staticmethod
    def _dataset_names() -> list[str]:
        from ..core.datasets import DATASETS

        return list(DATASETS)

    # --- panels ---------------------------------------------------------------------------
    def panel(self, name: str):
        return next((p for p in self.panels if p.name == name), None)

    def current_panel(self):
        return self.stack.currentWidget() if self.panels else None

    def show_panel(self, name_or_index) -> None:
        if isinstance(name_or_index, int):
            index = name_or_index
        else:
            index = next((i for i, p in enumerate(self.panels) if p.name == name_or_index), 0)
        if 0 <= index < len(self.panels):
            self.sidebar.setCurrentRow(index)

    def _fit_sidebar(self) -> None:
        """Wide enough for the longest title beside its icon, at the current zoom."""
        fm = self.sidebar.fontMetrics()
        titles = [self.sidebar.item(i).text() for i in range(self.sidebar.count())]
        widest = max((fm.horizontalAdvance(t) for t in titles), default=80)
        self.sidebar.setFixedWidth(widest + self.sidebar.iconSize().width() + 44)

    def _on_sidebar_row(self, row: int) -> None:
        if 0 <= row < len(self.panels):
            self.workspace.turns.catch_up(self.panels[row])  # a model still being told: this panel hears it now
            self.stack.setCurrentIndex(row)  # remembered when the window closes (save_settings), not on every switch

    def jobs_running(self) -> bool:
        """True while the window's job runs, or a panel has yet to hear of the model it loaded (``replace_core``)."""
        return super().jobs_running() or (self.workspace is not None and self.workspace.turns.busy())

    # --- workspace signals --------------------------------------------------------------
    def _on_data_changed(self) -> None:
        from ..core.session import data_notice

        if not data_notice(self.workspace.core):
            self.banner.clear_topic("data")  # other data now: the notice about the missing data is over
        spec = self.workspace.core.recipe.spec if self.workspace.core.recipe else {}
        if spec.get("dataset"):
            self.settings.setValue("data/dataset", spec["dataset"])
            self.settings.setValue("data/text_file", "")
        elif spec.get("text_file"):
            self.settings.setValue("data/text_file", spec["text_file"])
        self.show_device()
        if not self._data_seen:
            self._data_seen = True
            probe("data_ready")
            if quit_when_ready():
                QTimer.singleShot(0, self.close)

    def _on_model_changed(self) -> None:
        self.show_model_step()
        self._clear_run_message()  # about the last model's run
        self.update_title()

    def show_model_step(self) -> None:
        """The status bar's step: the model's own (again, after a watched run's)."""
        core = self.workspace.core
        if core.pretrained:  # trained elsewhere: "Step 0" would be a count it never had
            self.step_label.setText(self.tr("Pretrained weights"))
        else:
            self._show_step(core.trained_steps)

    def _on_summary(self, summary: dict) -> None:
        millions = summary["parameters"] / 1e6
        self.params_label.setText(self.tr("{n} M parameters").format(n=format_float(millions)))

    def _on_training_record(self, row: dict) -> None:
        if row.get("kind") == "step":
            self._show_step(row["step"])
            if row.get("device"):
                self.show_device(row["device"])
        elif row.get("kind") == "event" and row.get("event") == "diverged":
            self._show_step(row["step"])  # the model went back to this step
        self.update_title()

    def _show_step(self, step: int) -> None:
        self.step_label.setText(self.tr("Step {step}").format(step=format_count(step)))

    def _show_run_message(self, text: str) -> None:
        self._run_message = text
        self.statusBar().showMessage(text, 6000)

    def _clear_run_message(self) -> None:
        """What the last run said goes when another run starts or the model changes, not only after its 6 s."""
        if self._run_message and self.statusBar().currentMessage() == self._run_message:
            self.statusBar().clearMessage()
        self._run_message = ""

    def show_device(self, device: str | None = None) -> None:
        from ..core.device import available_devices, resolve_device
        from ..core.errors import PlaygroundError

        recipe = self.workspace.core.recipe if self.workspace else None
        if device is None:
            try:
                device = str(resolve_device(recipe.train.device if recipe else "auto"))
            except PlaygroundError:
                device = "cpu"
        names = dict(available_devices())
        name = names.get(device) or names.get(f"{device}:0") or device
        self.device_label.setText(self.tr("Device: {name}").format(name=name))

    def show_error(self, message: str, details: str = "") -> None:
        """A failure, readable, in the banner above the panels (details go to the log)."""
        if details:
            sys.stderr.write(details if details.endswith("\n") else details + "\n")
        self.banner.show_message(message, "error")

    def show_notice(self, message: str, topic: str = "") -> None:
        """A warning; with a ``topic`` it is about a state, and goes when that state ends."""
        self.banner.show_message(message, "warning", topic)

    def _on_training_state(self, state: str) -> None:
        if state == "running":
            self._clear_run_message()
        if not self.workspace.training_active:
            self.banner.clear_topic("training")

    # --- view -----------------------------------------------------------------------------
    def set_theme(self, name: str, remember: bool = True) -> None:
        """``remember=False``: for a while only (presentation mode), the settings keep the user's choice."""
        self.theme = apply_theme(name)
        if remember:
            self.settings.setValue("view/theme", self.theme)
        self.menu_actions.check_theme(self.theme)

    def set_zoom(self, scale: float, remember: bool = True) -> None:
        self.zoom = apply_zoom(scale)
        if remember:
            self.settings.setValue("view/zoom", self.zoom)
        for label in self.findChildren(HeadingLabel):  # explicit fonts do not follow the application's
            label.refresh()
        if self.panels:
            self._fit_sidebar()
            QTimer.singleShot(0, self._fit_sidebar)  # again once the new font has reached the list
        QTimer.singleShot(0, self.statusBar().reformat)  # its height follows the new font
        self.statusBar().showMessage(self.tr("Zoom {percent}").format(
            percent=percent_text(format_count(round(self.zoom * 100)))), 2000)

    def zoom_in(self) -> None:
        self.set_zoom(next_zoom(self.zoom, +1))

    def zoom_out(self) -> None:
        self.set_zoom(next_zoom(self.zoom, -1))

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def show_about(self) -> dialogs.AboutDialog:
        self.about_dialog = dialogs.AboutDialog(self)
        self.about_dialog.show()
        return self.about_dialog

    # --- settings -------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        self.set_theme(str(self.settings.value("view/theme", "system")))
        try:
            zoom = float(self.settings.value("view/zoom", 1.0))
        except (TypeError, ValueError):
            zoom = 1.0
        if abs(zoom - 1.0) > 1e-6:
            self.set_zoom(zoom)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.presentation.normal_geometry())
        if self.current_panel() is not None:
            self.settings.setValue("window/panel", self.current_panel().name)
        self.settings.sync()

    # --- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event):
        if self.workspace is not None and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_dropped(paths[0])

    def open_dropped(self, path: str) -> None:
        """A session file opens as a session; any other file as the text to train on."""
        if path.endswith(".playground"):
            self.open_session(path)
        else:
            self.open_text_file(path)

    def open_text_file(self, path: str | None = None) -> None:
        data = self.panel("data")
        if data is not None:
            self.show_panel("data")
            data.open_text_file(path)

    # --- closing --------------------------------------------------------------------------
    def closeEvent(self, event):
        core = self.workspace.core if self.workspace else None
        answer = dialogs.ask_unsaved(self) if core is not None and core.dirty else "discard"
        if answer == "cancel":
            event.ignore()
            return
        self.shutdown()  # training stops first, so its weights can be saved
        if answer == "save" and not self.save_session():
            event.ignore()
            return
        self.save_settings()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every background job (training included) and wait until each has ended."""
        if self.workspace is not None:
            self.workspace.turns.finish()  # a panel told later would start its jobs after these stopped
        if self.lessons is not None:
            self.lessons.runner.cancel()
        if self.run_watch is not None:
            self.run_watch.stop()
        for panel in self.panels:
            panel.shutdown()
        for owner in (*self.panels, self):
            owner.cancel_job(wait_ms=60_000)  # a thread must not outlive the window
        if self.workspace is not None and self.workspace.state in ("running", "paused"):
            self.workspace.training_state.emit("stopped")  # no worker is left: the weights hold still
        if self._loader is not None and self._loader.isRunning():
            self._loader.wait()
