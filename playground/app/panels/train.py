"""The Train panel: device and settings, start/pause/stop, live curves, metrics and checkpoints.

Training runs in a ``Job`` over ``TrainingRun.records`` (the core trainer's records as dicts);
each record goes to ``QWorkspace.record`` in the UI thread, and the panel draws from the
workspace's ``training_record`` signal, so whatever trains the workspace shows up here.
"""

import logging
import math
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QMenu, QPushButton, QScrollArea,
                               QSizePolicy, QStyle, QTabWidget, QToolButton, QVBoxLayout, QWidget)

from ...core.device import available_devices, cpu_bf16
from ...core.errors import PlaygroundError
from .. import view_tables
from ..compare_window import CompareWindow
from ..export import make_exportable
from ..numbers import format_count
from ..panel_turns import told_in_turns
from ..training import (TrainingRun, read_metrics, release_memory_in_background, save_checkpoint_row,
                        training_threads, use_threads)
from ..widgets.banner import Banner
from ..widgets.checkpoint_list import CheckpointList
from ..widgets.health_view import HealthView
from ..widgets.confusion_view import ConfusionView, report_table
from ..widgets.loss_plot import LossPlot, loss_curves
from ..widgets.metrics_table import MetricsTable
from ..widgets.snapshot_budget import SnapshotBudget
from ..widgets.train_settings import TrainSettingsForm
from ..widgets.train_status import TrainStatus
from ..worker import Job, WorkerThread
from .base import Panel

log = logging.getLogger(__name__)
STATUS_MS = 100  # the text above the plot is refreshed at most this often, not per record
SIDE_WIDTH = 330  # the settings column, in pixels at the default zoom


def default_runs_root() -> Path:
    """Run folders go under the user's data folder, e.g. ~/.local/share/<app>/runs."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".transformer-playground") / "runs"


def run_name(recipe) -> str:
    """What a run folder is named after, as the command line names it: a text file's stem (pride.txt: pride),
    else the task (a built-in dataset's name)."""
    text_file = recipe.spec.get("text_file")
    return Path(text_file).stem if text_file else recipe.task.name


def new_run_dir(root: Path, name: str) -> Path:
    """A fresh run folder's path, as the command line names them: grammar-20250101-120000 (then -2, -3...)."""
    base = root / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


class TrainPanel(Panel):
    """Trains the workspace's model off the UI thread and plots its records as they arrive."""

    name = "train"

    def __init__(self, workspace, parent=None, runs_root=None):
        super().__init__(workspace, parent)
        self.runs_root = Path(runs_root) if runs_root else default_runs_root()
        self.run: TrainingRun | None = None
        self.run_dir: Path | None = None
        self.threads: int | None = None  # torch CPU threads for training; None: training_threads() decides
        self.state = "idle"  # idle, running, paused, stopping, then stopped / finished / diverged
        self._target = 0
        self._kept = 0
        self._divergence = None  # the dashed run that blew up, until the next run or another model
        self.watched_side = False  # the Watched run tab is shown: the side column tells of that run
        self._watched_evaluation: dict | None = None  # the watched run's evaluation its table shows
        self.training_thread = WorkerThread("training")  # every run in one thread: see WorkerThread
        self._build_actions()
        self._build()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_MS)
        self._status_timer.setSingleShot(True)
        self._status_timer.timeout.connect(self._show_status)
        workspace.training_record.connect(self._on_record)
        workspace.model_changed.connect(self._on_model_changed)
        workspace.data_changed.connect(self._load_settings)
        self._editing = False  # True while the form's own edit is being applied
        workspace.train_config_changed.connect(self._on_train_config_changed)
        self._on_model_changed()

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("TrainPanel", "Train")

    @classmethod
    def description(cls) -> str:
        return QCoreApplication.translate("TrainPanel", "Train the model and watch the loss fall")

    # --- building ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        style = self.style()
        self.start_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), self.tr("Start"), self)
        self.start_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self._start_tip = self.tr("Start training (F5); another press continues where it stopped")
        self.start_action.setToolTip(self._start_tip)
        self.pause_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPause), self.tr("Pause"), self)
        self.pause_action.setCheckable(True)
        self.pause_action.setToolTip(self.tr("Pause training after the current step, or resume it"))
        self.stop_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), self.tr("Stop"), self)
        self.stop_action.setShortcut(QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F5))
        self.stop_action.setToolTip(self.tr("Stop training after the current step (Shift+F5)"))
        for action in (self.start_action, self.pause_action, self.stop_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.start_action.triggered.connect(self.start)
        self.pause_action.toggled.connect(self._on_pause_toggled)
        self.stop_action.triggered.connect(self.stop)

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.addWidget(self._build_side())
        layout.addLayout(self._build_main(), 1)

    def _build_side(self) -> QScrollArea:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 6, 0)
        settings = self.settings_box = QGroupBox(self.tr("Settings"))
        self.settings = TrainSettingsForm(available_devices(), cpu_problem=cpu_bf16())
        self.settings.changed.connect(self._on_setting_changed)
        QVBoxLayout(settings).addWidget(self.settings)
        column.addWidget(settings)
        column.addLayout(self._build_buttons())
        metrics = self.evaluation_box = QGroupBox(self.tr("Evaluation"))
        box = QVBoxLayout(metrics)
        self.metrics_caption = QLabel(self.tr("No evaluation yet"))
        self.metrics = MetricsTable()
        make_exportable(self.metrics, "metrics",
                        lambda: view_tables.evaluations(self.metrics, self.workspace.core.history))
        # the watched run's newest evaluation, in the window's own table's place while its tab is shown
        self.watched_metrics_caption = QLabel(self.tr("No evaluation yet"))
        self.watched_metrics = MetricsTable()
        for widget in (self.metrics_caption, self.metrics, self.watched_metrics_caption, self.watched_metrics):
            box.addWidget(widget)
        self.watched_metrics_caption.hide()
        self.watched_metrics.hide()
        column.addWidget(metrics)
        self.checkpoints = CheckpointList()
        self.save_button = self.checkpoints.save_button
        self.save_button.clicked.connect(self.save_checkpoint)
        column.addWidget(self.checkpoints)
        self.snapshot_budget = SnapshotBudget()
        self.snapshot_budget.budget_changed.connect(self._on_snapshot_budget)
        column.addWidget(self.snapshot_budget)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side_scroll = scroll
        self._fit_side()
        return scroll

    def _fit_side(self) -> None:
        """The side column is SIDE_WIDTH wide, or wider when a zoomed font needs more for its texts."""
        scroll = self.side_scroll
        needed = scroll.widget().sizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        scroll.setFixedWidth(max(SIDE_WIDTH, needed))

    def changeEvent(self, event):
        if event.type() == QEvent.Type.FontChange and hasattr(self, "side_scroll"):
            QTimer.singleShot(0, self._fit_side)  # once the children have their new font too
        super().changeEvent(event)

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.start_button, self.pause_button, self.stop_button = (QToolButton(), QToolButton(), QToolButton())
        for button, action in ((self.start_button, self.start_action), (self.pause_button, self.pause_action),
                               (self.stop_button, self.stop_action)):
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row.addWidget(button)
        return row

    def _build_main(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.banner = Banner()
        column.addWidget(self.banner)
        # while a run folder is watched, the Loss and Health tabs (and the line above them) stay this window's own
        self.own_model_note = QLabel(self.tr("Loss, Health and Evaluation show this window's own model, not the "
                                             "watched run: that run's curves, health and evaluation are in the "
                                             "Watched run tab."))
        self.own_model_note.setWordWrap(True)
        self.own_model_note.hide()
        column.addWidget(self.own_model_note)
        self.status = TrainStatus()
        self.progress = self.status.progress
        column.addWidget(self.status)
        tools = QHBoxLayout()
        self.log_scale = QCheckBox(self.tr("Log scale"))
        self.log_scale.setToolTip(self.tr("Show the loss on a logarithmic axis"))
        self.log_scale.toggled.connect(lambda on: self.plot.set_log_scale(on))
        # The comparisons are used now and then: one menu button, so the row fits a 900 px window.
        compare_menu = QMenu(self)
        compare_menu.setToolTipsVisible(True)
        self.keep_action = compare_menu.addAction(self.tr("Keep this curve"))
        self.keep_action.setToolTip(self.tr("Keep the current curves, dashed, to compare with the next run"))
        self.keep_action.triggered.connect(self.keep_curve)
        self.compare_run_action = compare_menu.addAction(self.tr("Compare with a run…"))
        self.compare_run_action.setToolTip(self.tr("Draw the curves of a saved run (its metrics.jsonl), dashed"))
        self.compare_run_action.triggered.connect(self._choose_run_to_compare)
        self.clear_overlays_action = compare_menu.addAction(self.tr("Clear comparisons"))
        self.clear_overlays_action.triggered.connect(self.clear_overlays)
        self.compare_window = None  # opened from the menu: runs side by side, the same data with another model
        self.compare_window_action = compare_menu.addAction(self.tr("Compare runs side by side…"))
        self.compare_window_action.triggered.connect(self.open_compare_window)
        self.compare_button = QPushButton(self.tr("Compare"))
        self.compare_button.setToolTip(self.tr("Keep this curve, compare with a saved run, clear comparisons"))
        self.compare_button.setMenu(compare_menu)
        tools.addWidget(self.log_scale)
        tools.addStretch(1)
        tools.addWidget(self.compare_button)
        loss_page = QWidget()
        loss_column = QVBoxLayout(loss_page)
        loss_column.setContentsMargins(0, 0, 0, 0)
        loss_column.addLayout(tools)
        self.plot = LossPlot()
        make_exportable(self.plot, "loss", lambda: view_tables.loss_history(self.plot))
        self.plot.setMinimumSize(360, 280)
        loss_column.addWidget(self.plot, 1)
        self.health = HealthView()
        self.health.warnings_changed.connect(self._on_health_warnings)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(loss_page, self.tr("Loss"))
        self.views.addTab(self.health, self.tr("Health"))
        self.views.setTabToolTip(1, self.tr("Per layer: gradient norm and update size over steps; attention "
                                            "entropy per head; what looks off, in words"))
        self.confusion = ConfusionView()  # a classifier's confusion matrix: a tab, shown for labelled tasks
        make_exportable(self.confusion, "confusion-matrix", lambda: report_table(self.confusion))
        self.views.addTab(self.confusion, self.tr("Classes"))
        self.views.setTabToolTip(2, self.tr("Confusion matrix, precision, recall and F1 of each class"))
        column.addWidget(self.views, 1)
        return column

    def _on_health_warnings(self, count: int) -> None:
        """The Health tab says how many warnings it holds, so they are seen from the Loss tab too."""
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning) if count else QIcon()
        self.views.setTabIcon(1, icon)
        self.views.setTabText(1, self.tr("Health ({n})").format(n=count) if count else self.tr("Health"))

    # --- training control ------------------------------------------------------------------
    def start(self) -> None:
        """Start (or continue) training the workspace's model in the background."""
        core = self.workspace.core
        if self.run is not None or core.recipe is None:
            return  # (a job still running is a run let go of, or a save: run_job waits for it)
        try:
            core.refuse_pretrained()  # a Hugging Face model is shown, not trained
        except PlaygroundError as e:
            self.banner.show_message(str(e), "warning", "run")
            return
        self.banner.clear()
        self._forget_divergence()  # a new run: the axes follow it, not the run that blew up
        if self.run_dir is None or not core.history:
            self.run_dir = new_run_dir(self.runs_root, run_name(core.recipe))
        device = self.settings.device_id()
        threads = self.threads or training_threads(device)
        use_threads(threads)
        self._target = core.trained_steps + core.recipe.train.max_steps
        self.status.reset_pace()
        self.plot.set_step_range(0, self._target)
        self.run = TrainingRun(core, self.run_dir, threads)
        job = Job(self.run.records, stop=self.run.stop, thread=self.training_thread)
        job.progress.connect(self._on_row)  # bound methods: disconnected if the panel goes first
        job.error.connect(self._on_error)
        job.finished.connect(self._on_finished)
        self.run_job(job)
        self._set_state("running")

    def pause(self) -> None:
        if self.run is not None and self.state == "running":
            self.run.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self.run is not None and self.state == "paused":
            self.run.resume()
            self._set_state("running")

    def stop(self) -> None:
        """Ask the run to stop after its current step; ``training_state("stopped")`` follows."""
        if self.run is not None and self.state in ("running", "paused"):
            self.run.stop()
            self._set_state("stopping")

    def _on_pause_toggled(self, on: bool) -> None:
        self.pause() if on else self.resume()

    def shutdown(self) -> None:
        if self.run is not None:
            self.run.stop()
        self.cancel_job()
        self.run = None
        if self.compare_window is not None:
            self.compare_window.shutdown()

    # --- records from the worker --------------------------------------------------------------
    def _from_current_run(self) -> bool:
        """False for the signals of a run the panel let go of (the model changed under it)."""
        return self.run is not None and self.sender() is self._job

    def _on_row(self, row: dict) -> None:
        if not self._from_current_run():
            return
        history = self.workspace.core.history  # as it was: a divergence cuts the workspace's back
        self.workspace.record(row)
        if row["kind"] != "event":
            return
        event = row["event"]
        if event in ("stopped", "finished"):
            self._set_state(event)
        elif event == "diverged":
            self.banner.show_message(self.tr("Training diverged: {message}").format(message=row["message"]),
                                     "error", "run")
            self.workspace.message.emit(self.tr("Training diverged"))
            self._show_divergence(history)
            self._set_state("diverged")
        elif event == "error":
            self.banner.show_message(row["message"], "error", "run")

    def _show_divergence(self, history: list[dict]) -> None:
        """The curves go back to the step the model went back to; the run that blew up stays, dashed."""
        self._divergence = self.plot.add_overlay(self.tr("diverged"), loss_curves(history))
        self.plot.clear_data()
        self.plot.add_rows(self.workspace.core.history)
        self.health.clear()
        self.health.add_rows(self.workspace.core.history)

    def _forget_divergence(self) -> None:
        """The run that blew up is over: its dashed curves (which set the loss axis) and the "Diverged" go."""
        if self._divergence is not None:
            self.plot.remove_overlay(self._divergence)
            self._divergence = None
        if self.state == "diverged":
            self.state = "idle"

    def _forget_ended_run(self) -> None:
        """Another model or other data: the "Finished" or "Stopped" of the run that trained the last one goes."""
        if self.state in ("stopped", "finished"):
            self.state = "idle"

    def _on_error(self, message: str, details: str) -> None:
        if not self._from_current_run():
            return
        log.warning("training failed: %s\n%s", message, details)
        self.banner.show_message(self.tr("Training failed: {message}").format(message=message), "error", "run")
        self.workspace.message.emit(self.tr("Training failed: {message}").format(message=message))

    def _on_finished(self) -> None:
        if not self._from_current_run():
            return
        self.run = None
        release_memory_in_background()  # a window left open does not keep the run's cached activations
        if self.state not in ("stopped", "finished", "diverged"):
            self._set_state("stopped")
        self._update_enabled()

    def _on_record(self, row: dict) -> None:
        """Any record of the workspace's training (this panel's run or another driver)."""
        kind = row.get("kind")
        if kind == "step":
            self.plot.add_step(row["step"], row["loss"], row["lr"], row["grad_norm"])
            self.status.add_step(row)
        elif kind == "eval":
            self.plot.add_eval(row["step"], row["metrics"].get("val_loss", math.nan))
            self._show_metrics(row)
        elif kind in ("health", "attention"):
            self.health.add_row(row)
        elif kind == "event" and row.get("event") in ("checkpoint", "best") and row.get("path"):
            self._add_checkpoint(row)
        if kind in ("eval", "event"):  # a snapshot is taken at an evaluation, dropped when training diverges
            self._show_snapshots()
        if not self._status_timer.isActive():
            self._status_timer.start()

    def _show_snapshots(self) -> None:
        """The snapshots kept; a snapshot that could not be written also in the banner, unless it says more."""
        store = self.workspace.core.snapshots
        self.snapshot_budget.show_store(store, self.workspace.core.model)
        if store.skipped and (not self.banner.text() or self.banner.topic == "snapshots"):
            self.banner.show_message(store.skipped, "warning", "snapshots")
        elif not store.skipped:
            self.banner.clear_topic("snapshots")

    # --- state and status ----------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.state = state
        if state in ("running", "paused", "stopped", "finished", "diverged"):
            self.workspace.training_state.emit(state)
        self._update_enabled()
        self._show_status()

    def _update_enabled(self) -> None:
        has_data = self.workspace.core.recipe is not None
        active = self.run is not None
        refusal = self.workspace.core.pretrained_refusal()  # a Hugging Face model is shown, not trained
        self.start_action.setEnabled(has_data and not active and refusal is None)
        self.start_action.setToolTip(refusal or self._start_tip)
        self.pause_action.setEnabled(active and self.state in ("running", "paused"))
        self.stop_action.setEnabled(active and self.state in ("running", "paused"))
        self.pause_action.blockSignals(True)
        self.pause_action.setChecked(self.state == "paused")
        self.pause_action.setText(self.tr("Resume") if self.state == "paused" else self.tr("Pause"))
        self.pause_action.blockSignals(False)
        self.settings.setEnabled(has_data and not active and refusal is None and not self.watched_side)
        can_save = self.state in ("running", "paused") if active else self.workspace.core.trainer is not None
        self.save_button.setEnabled(can_save)
        self.keep_action.setEnabled(self.plot.point_count() > 0)

    def state_text(self) -> str:
        return {"idle": self.tr("Ready"), "running": self.tr("Training"), "paused": self.tr("Paused"),
                "stopping": self.tr("Stopping…"), "stopped": self.tr("Stopped"), "finished": self.tr("Finished"),
                "diverged": self.tr("Diverged")}.get(self.state, self.state)

    def _show_status(self) -> None:
        core = self.workspace.core
        if core.pretrained:
            self.status.show_pretrained()
            self.keep_action.setEnabled(False)
            return
        # an untrained model: the steps Start would train, not "step 0 of 1" (a trained one reads "step 9 of 9")
        planned = core.recipe.train.max_steps if core.recipe is not None and not core.trained_steps else 0
        self.status.show_status(self.state_text(), core.trained_steps, self._target or planned,
                                self.state == "running")
        self.keep_action.setEnabled(self.plot.point_count() > 0)

    def _show_metrics(self, row: dict) -> None:
        recipe = self.workspace.core.recipe
        self.metrics.show_metrics(row["step"], row["metrics"], recipe.task.metric if recipe is not None else None)
        self.metrics_caption.setText(self.tr("At step {step}").format(step=format_count(row["step"])))
        if isinstance(row.get("report"), dict):
            self.confusion.show_report(row["step"], row["report"])

    # --- a watched run ------------------------------------------------------------------------
    def show_watched_side(self, on: bool) -> None:
        """While the Watched run tab is shown (``on``), the side column tells of that run, or says it does not:
        the Evaluation box shows the watched run's newest evaluation; the Settings, which stay this window's (for
        its next Start), are greyed and titled so. Off: the window's own, exactly as before (they were only hidden).
        """
        self.watched_side = on
        self.settings_box.setTitle(self.tr("Settings of this window's model") if on else self.tr("Settings"))
        self.settings_box.setToolTip(self.tr("Not the watched run's settings: these are this window's, for its "
                                             "next Start. Show the Loss tab to change them.") if on else "")
        self.evaluation_box.setTitle(self.tr("Evaluation of the watched run") if on else self.tr("Evaluation"))
        for widget in (self.metrics_caption, self.metrics):
            widget.setVisible(not on)
        for widget in (self.watched_metrics_caption, self.watched_metrics):
            widget.setVisible(on)
        self._update_enabled()

    def show_own_model_note(self, on: bool) -> None:
        """While a run folder is watched and a tab of this window's own model is shown (``on``): a line above the
        tabs says whose model they (and the Evaluation box) show."""
        self.own_model_note.setVisible(on)

    def show_watched_evaluation(self, row: dict | None) -> None:
        """The watched run's newest evaluation record (None: it has none yet); called at each poll of the watch."""
        if row is self._watched_evaluation:
            return
        self._watched_evaluation = row
        if row is None:
            self.watched_metrics.clear_metrics()
            self.watched_metrics_caption.setText(self.tr("No evaluation yet"))
            return
        self.watched_metrics.show_metrics(row["step"], row["metrics"])
        self.watched_metrics_caption.setText(self.tr("At step {step}").format(step=format_count(row["step"])))

    # --- settings ---------------------------------------------------------------------------
    def _on_setting_changed(self, field: str, value) -> None:
        recipe = self.workspace.core.recipe
        warmup = recipe.train.warmup_steps if recipe is not None else None
        self._editing = True  # the form already shows the edit: it need not be loaded back while typing
        try:
            self.workspace.set_train_config(**{field: value})  # fewer steps may shorten the warm-up
        except PlaygroundError as e:
            self.banner.show_message(str(e), "warning", "settings")
            self._load_settings()
            return
        finally:
            self._editing = False
        if self.workspace.core.recipe.train.warmup_steps != warmup:
            self._load_settings()  # show the shortened warm-up
        self.banner.clear_topic("settings")  # the settings are valid again

    def _on_train_config_changed(self) -> None:
        """Settings changed elsewhere (a lesson, a script, the command palette): the form shows them."""
        if not self._editing:
            self._load_settings()
        if self.workspace.core.recipe is not None:
            self._show_status()  # the steps Start would train to

    @told_in_turns
    def _load_settings(self) -> None:
        recipe = self.workspace.core.recipe
        if recipe is not None:
            self.settings.load(recipe.train)
        self._update_enabled()

    # --- history ------------------------------------------------------------------------------
    @told_in_turns
    def _on_model_changed(self) -> None:
        """A new model or a loaded session: redraw everything from the workspace's history."""
        core = self.workspace.core
        if self.run is not None and core.trainer is not self.run.trainer:
            self.run.stop()  # the model it trains is gone
            self.run = None
            self.state = "idle"
        self._forget_divergence()  # what the last model's run did is over, as its banner is
        if core.trainer is None or core.trainer.run_dir != self.run_dir:
            self.run_dir = None  # another model: the next Start writes a new run folder
            self._forget_ended_run()
        # (the same trainer's model, e.g. a step applied from Inspect: its run goes on in its folder)
        self.banner.clear_topic("run")  # what went wrong with the last model's run is over
        self._target = 0
        self.status.reset_pace()
        self.plot.clear_data()
        self.metrics.clear_metrics()
        self.confusion.clear_report()
        self.views.setTabVisible(self.views.indexOf(self.confusion), bool(core.recipe is not None and core.recipe.task.labels))
        self.metrics_caption.setText(self.tr("No evaluation yet"))
        self.checkpoints.clear_list()
        self.plot.add_rows(core.history)
        self.plot.follow_steps()
        self.health.clear()
        self.health.add_rows(core.history)
        for row in core.history:
            if row.get("kind") == "eval":
                self._show_metrics(row)
            elif row.get("kind") == "event" and row.get("event") in ("checkpoint", "best") and row.get("path"):
                self._add_checkpoint(row)
        self.plot.refresh()
        self._load_settings()
        self._show_status()
        self._on_snapshot_budget(self.snapshot_budget.budget.value())

    def _on_snapshot_budget(self, mb: int) -> None:
        core = self.workspace.core
        core.snapshots.set_budget_mb(mb)
        self.snapshot_budget.show_store(core.snapshots, core.model)

    # --- sessions -------------------------------------------------------------------------------
    def ui_state(self) -> dict:
        return {"log_scale": self.log_scale.isChecked(), "snapshot_budget_mb": self.snapshot_budget.budget.value(),
                "health": self.views.currentWidget() is self.health}

    def restore_ui_state(self, state: dict) -> None:
        self.log_scale.setChecked(bool(state.get("log_scale", False)))
        budget = state.get("snapshot_budget_mb")
        if isinstance(budget, int) and not isinstance(budget, bool):
            self.snapshot_budget.budget.setValue(budget)
        self.views.setCurrentWidget(self.health if state.get("health") else self.views.widget(0))

    # --- checkpoints --------------------------------------------------------------------------
    def save_checkpoint(self) -> None:
        """Save the model now into the run folder: between two steps while training, at once otherwise."""
        core = self.workspace.core
        trainer = self.run.trainer if self.run is not None else core.trainer
        if trainer is None:
            return
        run_dir = self.run_dir = self.run_dir or new_run_dir(self.runs_root, run_name(core.recipe))
        request = save_checkpoint_row(run_dir / "checkpoints")
        if self.run is not None:
            self.run.call_between_steps(request)
            return
        job = Job(lambda: request(trainer))
        job.result.connect(self.workspace.record)
        job.error.connect(self._on_save_error)
        self.run_job(job)

    def _on_save_error(self, message: str, details: str) -> None:
        self.banner.show_message(self.tr("The checkpoint was not saved: {message}").format(message=message), "error")

    def _add_checkpoint(self, row: dict) -> None:
        if row["event"] == "best":
            self.checkpoints.set_best(row)
        else:
            self.checkpoints.add(row)

    def checkpoint_paths(self) -> list[str]:
        return self.checkpoints.paths()

    # --- comparison ---------------------------------------------------------------------------
    def keep_curve(self) -> None:
        """Keep the current curves, dashed, to compare the next run against."""
        history = self.workspace.core.history
        if not history:
            return
        self._kept += 1
        peak = max((row["lr"] for row in history if row.get("kind") == "step"), default=0.0)
        label = self.tr("run {n} (peak lr {lr})").format(n=self._kept, lr=f"{peak:.3g}")
        self.plot.add_overlay(label, loss_curves(history))

    def compare_with(self, path) -> bool:
        """Overlay the run whose metrics.jsonl is at ``path`` (or in the folder ``path``)."""
        try:
            rows = read_metrics(path)
        except PlaygroundError as e:
            self.banner.show_message(str(e), "warning")
            return False
        path = Path(path)
        self.plot.add_overlay(path.parent.name if path.is_file() else path.name, loss_curves(rows))
        return True

    def _choose_run_to_compare(self) -> None:
        start = str(self.runs_root) if self.runs_root.is_dir() else str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Compare with a run"), start,
                                                    self.tr("Training records (metrics.jsonl);;All files (*)"))
        if path:
            self.compare_with(path)

    def clear_overlays(self) -> None:
        self.plot.clear_overlays()
        self._divergence = None

    def open_compare_window(self) -> CompareWindow:
        self.compare_window = self.compare_window or CompareWindow(self.workspace, self.runs_root, self)
        self.compare_window.show()
        return self.compare_window
