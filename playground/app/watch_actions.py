"""Training ▸ Watch a run folder…: the main window follows a run another process writes, and loads its checkpoints
(and the Train panel's "Load the best checkpoint" of the window's own run, the same way).

The watched run has a tab of its own in the Train panel ("Watched run"); the window's own training
and the watch do not mix: Start stops the watch (it says so), and a watch is refused while the
window trains. "Load newest checkpoint" (tab, Training menu, toolbar while watching) opens the
run's newest checkpoint as the workspace Inspect and Generate use, through the same limits as a
session: a checkpoint from outside is checked before any tensor is made.
"""

from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QStyle

from ..core.run_watch import STALL_SECONDS
from .numbers import format_count, format_float
from .run_watcher import RunWatcher
from .widgets.run_watch_view import RunWatchView, device_name
from .worker import Job


class RunWatchActions(QObject):
    """Owns the watch of one run folder at a time, its tab in the Train panel, and its three actions."""

    loaded = Signal(str)  # a checkpoint became the workspace (its folder)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.watcher: RunWatcher | None = None
        self._watched_step = 0  # the watched run's last step, for the status bar
        self._watched_device: str | None = None  # where it trains, as its records or config.json say
        self._watched_parameters: int | None = None  # its model's, as its config.json describes it
        self._own_parameters = ""  # the status bar's parameter count of the window's own model, put back after
        self.train = window.panel("train")
        self.view = RunWatchView()
        self.view.load_requested.connect(self.load_newest)
        self.view.stop_requested.connect(self.stop)
        if self.train is not None:
            self.train.checkpoints.load_best_button.clicked.connect(lambda: self.load_best())
        self._build_actions()
        if self.train is not None:
            self.tab = self.train.views.addTab(self.view, self.tr("Watched run"))
            self.train.views.setTabToolTip(self.tab, self.tr("A run written by the command line or torchrun, "
                                                             "followed live"))
            self.train.views.setTabVisible(self.tab, False)
            self.train.views.currentChanged.connect(self._on_tab_changed)
        window.workspace.training_state.connect(self._on_training_state)
        # the window's own model changed (a checkpoint of the watched run loaded, say): the status bar went back to
        # the window's model; while watching it tells of the watched run again
        window.workspace.data_changed.connect(self._show_watch_labels)
        window.workspace.model_changed.connect(self._show_watch_labels)
        model_panel = window.panel("model")
        if model_panel is not None:  # the window's own model was sized again: its count, to put back after
            model_panel.summary_ready.connect(self._on_own_summary)
        self._update_enabled()

    def _build_actions(self) -> None:
        w, style = self.window, self.window.style()
        self.watch_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon),
                                    self.tr("&Watch a run folder…"), w)
        self.watch_action.setToolTip(self.tr("Follow a run written by 'playground train' or torchrun, here or on "
                                             "a mounted disk"))
        self.watch_action.triggered.connect(lambda: self.choose_folder())
        self.stop_action = QAction(self.tr("Stop &watching"), w)
        self.stop_action.triggered.connect(lambda: self.stop())
        self.load_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
                                   self.tr("&Load newest checkpoint"), w)
        self.load_action.setToolTip(self.tr("Open the watched run's newest checkpoint in Inspect and Generate"))
        self.load_action.triggered.connect(lambda: self.load_newest())
        menus = w.menu_actions
        if menus.train_menu is not None:
            menus.train_menu.addSeparator()
            menus.train_menu.addActions([self.watch_action, self.stop_action, self.load_action])
        file_menu = getattr(menus, "file_menu", None)
        if file_menu is not None:  # opening lives under File too
            file_menu.insertAction(menus.recent_menu.menuAction(), self.watch_action)
        menus.toolbar.addAction(self.load_action)
        menus._plain_toolbar_texts([self.load_action])

    # --- watching ------------------------------------------------------------------------------
    @property
    def watching(self) -> bool:
        return self.watcher is not None

    def choose_folder(self) -> None:
        start = str(self.view.folder or Path.cwd())
        folder = QFileDialog.getExistingDirectory(self.window, self.tr("Watch a run folder"), start)
        if folder:
            self.watch(folder)

    def watch(self, folder, stall_seconds: float = STALL_SECONDS, poll_ms: int | None = None) -> bool:
        """Follow ``folder`` (a run folder, or one that will become one); False if the window is training."""
        if self.window.workspace.state in ("running", "paused"):
            self.window.show_notice(self.tr("Training is running in this window: stop it before watching a run "
                                            "folder."), "training")
            return False
        self._end_watch()
        options = {} if poll_ms is None else {"poll_ms": poll_ms}
        self.watcher = RunWatcher(folder, stall_seconds, parent=self, **options)
        self.watcher.updated.connect(self.view.show_update)
        self.watcher.updated.connect(self._update_enabled)
        self.watcher.updated.connect(self._show_watched_step)
        self.watcher.updated.connect(self._show_watched_run)
        self.watcher.slow.connect(self.view.show_slow)
        self.view.start(self.watcher.folder)
        self._watched_device = self._watched_parameters = None
        self._own_parameters = self.window.params_label.text()
        self._show_watch_in_window()
        self._show_watched_run()
        if self.train is not None:
            self.train.views.setTabVisible(self.tab, True)
            self.train.views.setCurrentIndex(self.tab)
            self.window.show_panel("train")
        self.watcher.start()
        self._show_own_model_note()
        self._update_enabled()
        return True

    def stop(self, reason: str = "") -> None:
        if self._end_watch():
            self.view.stop(reason)
        self._show_own_model_note()
        self._update_enabled()

    def _end_watch(self) -> bool:
        watcher, self.watcher = self.watcher, None
        if watcher is None:
            return False
        watcher.stop()
        watcher.updated.disconnect()
        watcher.slow.disconnect()
        watcher.deleteLater()
        self.window.step_label.setToolTip("")
        if self.window.workspace is not None:
            self.window.show_model_step()  # the status bar tells of the window's own model again
            self.window.show_device()
        self.window.params_label.setText(self._own_parameters)
        if self.train is not None:
            self.train.checkpoints.set_note("")
        return True

    def _show_watch_in_window(self) -> None:
        """The status bar and the Checkpoints box tell of the watched run, not of the window's own (its step, a
        message of a session opened before)."""
        w = self.window
        w.statusBar().clearMessage()
        w.step_label.setToolTip(self.tr("The run being watched: {folder}").format(folder=self.watcher.folder))
        self._watched_step = 0
        self._show_watched_step()
        if self.train is not None:
            self.train.checkpoints.set_note(self.tr("These are this window's own checkpoints. The watched run's "
                                                    "newest one opens with “Load newest checkpoint” in its tab."))

    def _show_watched_step(self, update=None) -> None:
        steps = [row["step"] for row in (update.rows if update is not None else []) if row.get("kind") == "step"]
        if update is not None and update.restarted:
            self._watched_step = 0
        self._watched_step = steps[-1] if steps else self._watched_step
        self.window.step_label.setText(self.tr("Watched run: step {step}").format(step=format_count(self._watched_step))
                                       if self._watched_step else self.tr("Watched run: no step yet"))

    def _show_watched_run(self, update=None) -> None:
        """The watched run's newest evaluation in the Train panel's Evaluation box, its device in the status bar."""
        if update is not None and (update.restarted or update.device):
            self._watched_device = update.device
        if update is not None and (update.restarted or update.parameters):
            self._watched_parameters = update.parameters
        if self.train is not None:
            self.train.show_watched_evaluation(self.view.last_eval)
        self._show_watched_figures()

    def _show_watched_figures(self) -> None:
        """The status bar's device and parameter count: the watched run's, "not known yet" until its folder says."""
        w, unknown = self.window, self.tr("not known yet")
        device = device_name(self._watched_device) if self._watched_device else unknown
        w.device_label.setText(self.tr("Watched run's device: {name}").format(name=device))
        millions = format_float(self._watched_parameters / 1e6) if self._watched_parameters else None
        w.params_label.setText(self.tr("Watched run: {n} M parameters").format(n=millions) if millions else
                               self.tr("Watched run's parameters: {n}").format(n=unknown))

    def _show_watch_labels(self) -> None:
        if self.watching:
            self._show_watched_step()
            self._show_watched_figures()

    def _on_own_summary(self, _summary) -> None:
        if self.watching:
            self._own_parameters = self.window.params_label.text()
            self._show_watched_figures()

    def _on_tab_changed(self, index: int) -> None:
        """The Watched run tab shown: the panel's own progress line (it has its own) goes, and the side column tells
        of the watched run; another tab: the window's own, as before."""
        self.train.status.setVisible(index != self.tab)
        self.train.show_watched_side(index == self.tab)
        self._show_own_model_note()

    def _show_own_model_note(self) -> None:
        """While watching, the Train panel's other tabs say they show this window's own model, not the watched run."""
        if self.train is not None:
            self.train.show_own_model_note(self.watching and self.train.views.currentIndex() != self.tab)

    def _on_training_state(self, state: str) -> None:
        """The window's own training started: the Train panel's curves are its, so the watch stops."""
        if state == "running" and self.watching:
            self.stop(self.tr("Watching stopped: training started in this window. Watch the folder again when it "
                              "is done."))
            if self.train is not None:
                self.train.views.setCurrentIndex(0)

    def _update_enabled(self, *_args) -> None:
        self.stop_action.setEnabled(self.watching)
        self.load_action.setEnabled(self.view.checkpoint is not None)
        self.load_action.setVisible(self.watching or self.view.checkpoint is not None)

    # --- loading the newest checkpoint ---------------------------------------------------------
    def load_newest(self) -> None:
        """The watched run's newest checkpoint becomes the workspace (in a job: the data is built again)."""
        path = self.view.checkpoint
        if path is None:
            self.view.banner.show_message(self.tr("This run has saved no checkpoint yet. The trainer saves one at the "
                                                  "end, and every N steps with --checkpoint-interval N."), "info")
            return
        self.load_checkpoint(path, self.view.rows)

    def load_best(self) -> None:
        """The Train panel's "Load the best checkpoint": the window's own run's best model becomes the workspace."""
        path = self.train.checkpoints.best_path if self.train is not None else None
        if path is not None:
            self.load_checkpoint(path, self.window.workspace.core.history)

    def load_checkpoint(self, path: str, rows) -> None:
        """The checkpoint ``path`` becomes the workspace, with the records ``rows`` up to its step."""
        w = self.window
        if w._refuse_while_training() or not w.maybe_save():
            return
        from ..core.run_watch import workspace_from_checkpoint

        w.statusBar().showMessage(self.tr("Loading {name}…").format(name=Path(path).name))
        job = Job(partial(workspace_from_checkpoint, path, list(rows)))
        job.result.connect(partial(self._on_loaded, path))
        job.error.connect(self._on_load_failed)
        w.run_job(job)

    def _on_loaded(self, path: str, core) -> None:
        from ..core.session import data_notice

        w = self.window
        w.workspace.replace_core(core, in_turns=True)  # hidden panels hear of it in the turns after
        w.session_path = None
        w.update_title()
        notice = data_notice(core)
        if notice:
            w.show_notice(notice, "data")
        w.statusBar().showMessage(self.tr("Step {step} of {run} is loaded: Inspect and Generate use it now").format(
            step=core.trained_steps, run=Path(path).parent.parent.name), 8000)
        self.loaded.emit(path)

    def _on_load_failed(self, message: str, details: str) -> None:
        self.window.statusBar().clearMessage()
        self.window.workspace.report_error(self.tr("The checkpoint was not loaded. {message}").format(message=message),
                                           details)


def install_run_watch(window) -> RunWatchActions:
    return RunWatchActions(window)
