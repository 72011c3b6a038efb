"""RunWatchView: a run folder followed live — its curves, latest evaluation, progress, and what is wrong with it."""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QStyle, QTabWidget, QVBoxLayout, QWidget

from ...core.run_watch import drawable_health, stalled_message
from ..numbers import format_count
from .banner import Banner
from .elided_label import ElidedLabel
from .health_view import HealthView
from .loss_plot import LossPlot
from .metrics_table import ORDER, MetricsTable, format_metric
from .train_status import TrainStatus


class RunWatchView(QWidget):
    """Shows ``WatchUpdate``s as they come (``show_update``); keeps the records it was given in ``rows``.

    Its two buttons only ask (``load_requested``, ``stop_requested``): whoever owns the watch acts.
    """

    load_requested = Signal()
    stop_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self.state = "idle"
        self.checkpoint: str | None = None  # the run's newest checkpoint folder, when it has one
        self.target: int | None = None
        self.folder: str | None = None
        self._last_step = 0
        self._step_range = 0  # the step axis shows 0 .. this (the run's target) once known
        self.title = ElidedLabel(self.tr("Not watching a run folder"))
        self._metric_names = MetricsTable(self)  # never shown: the metrics' names as the Train panel's table says them
        self._metric_names.hide()
        self.load_button = QPushButton(self.tr("Load newest checkpoint"))
        self.load_button.setToolTip(self.tr("Open the run's newest checkpoint in Inspect and Generate"))
        self.load_button.clicked.connect(self.load_requested)
        self.stop_button = QPushButton(self.tr("Stop watching"))
        self.stop_button.clicked.connect(self.stop_requested)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.load_button)
        header.addWidget(self.stop_button)
        self.banner = Banner()
        self.status = TrainStatus()
        self.plot = LossPlot()
        self.plot.setMinimumSize(300, 220)
        # the latest evaluation in a line or two under the progress, so the plot keeps the whole width
        self.metrics = QLabel(self.tr("No evaluation yet"))
        self.metrics.setWordWrap(True)
        self.metrics.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.metrics_step: int | None = None
        self.last_eval: dict | None = None  # the run's newest evaluation record
        # where the run trains, as its records or config.json say: not this window's device
        self.device = QLabel()
        self.device.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.device.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addLayout(header)
        column.addWidget(self.banner)
        column.addWidget(self.status)
        column.addWidget(self.device)
        column.addWidget(self.metrics)
        # the watched run's own curves and health records (its metrics.jsonl), not this window's model's
        self.health = HealthView()
        self.health.warnings_changed.connect(self._on_health_warnings)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.plot, self.tr("Loss"))
        health_scroll = QScrollArea()  # in a small window the page scrolls, rather than its parts overlapping
        health_scroll.setWidget(FitPage(self.health))
        health_scroll.setWidgetResizable(True)
        health_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        health_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages.addTab(health_scroll, self.tr("Health"))
        self.pages.setTabToolTip(1, self.tr("The watched run's health records: gradient norm and update size per "
                                            "layer, attention entropy per head, what looks off"))
        column.addWidget(self.pages, 1)
        self._update_buttons()

    # --- what the owner calls ----------------------------------------------------------------
    def start(self, folder) -> None:
        """A new watch: empty curves, the folder's name on top."""
        self._clear()
        self.banner.clear()
        self.state, self.folder = "waiting", str(folder)
        self.title.setText(self.tr("Watching {folder}").format(folder=Path(self.folder).name))
        self.title.setToolTip(self.folder)
        self._show_status()

    def stop(self, reason: str = "") -> None:
        """The watch ended: the curves stay; ``reason`` (if any) in the banner."""
        self.state = "idle"
        for topic in ("folder", "stalled", "slow"):
            self.banner.clear_topic(topic)
        if reason:
            self.banner.show_message(reason, "info", "stopped")
        self.title.setText(self.tr("Not watching any more: {folder}").format(folder=Path(self.folder).name)
                           if self.folder else self.tr("Not watching a run folder"))
        self.title.setToolTip(self.folder or "")
        self._show_status()

    def show_update(self, update) -> None:
        if update.restarted:
            self._clear()
        self.rows += update.rows
        self.plot.add_rows(update.rows)
        for row in update.rows:
            if row["kind"] == "step":
                self.status.add_step(row)
                self._last_step = row["step"]
            elif row["kind"] == "eval":
                self._show_metrics(row)
        self.health.add_rows(filter(None, (drawable_health(row) for row in update.rows
                                           if row["kind"] in ("health", "attention"))))
        self.state, self.checkpoint = update.state, update.checkpoint
        self.target = update.target or self.target
        self._show_device(update.device, update.threads, update.processes)
        self._show_notices(update)
        self._show_status()

    def show_slow(self, seconds: float) -> None:
        self.banner.show_message(self.tr("The disk of this run has not answered for {s} s. The window goes on; the "
                                         "curves continue when the disk answers.").format(s=format_count(int(seconds))),
                                 "warning", "slow")

    # --- inside ------------------------------------------------------------------------------
    def _clear(self) -> None:
        self.rows, self.checkpoint, self.target, self._last_step, self._step_range = [], None, None, 0, 0
        self.plot.clear_data()
        self.plot.follow_steps()
        self.health.clear()
        self.status.reset_pace()
        self.metrics_step = self.last_eval = None
        self._show_device(None, None, 1)
        self.metrics.setText(self.tr("No evaluation yet"))
        self.banner.clear_topic("stopped")

    def _on_health_warnings(self, count: int) -> None:
        """The Health page says how many warnings the watched run's newest records raise, seen from Loss too."""
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning) if count else QIcon()
        self.pages.setTabIcon(1, icon)
        self.pages.setTabText(1, self.tr("Health ({n})").format(n=count) if count else self.tr("Health"))

    def _show_notices(self, update) -> None:
        """A notice per bad state, taken away when the state ends."""
        self.banner.clear_topic("slow")  # the disk answered
        self.banner.clear_topic("stopped")
        if update.state in ("missing", "not_run", "unreadable"):
            self.banner.show_message(update.message, "warning", "folder")
        else:
            self.banner.clear_topic("folder")
        if update.state == "stalled":
            self.banner.show_message(stalled_message(update.idle_seconds), "warning", "stalled")
        elif update.state == "waiting" and update.message:  # settings written long ago, and no record since
            self.banner.show_message(update.message, "warning", "stalled")
        else:
            self.banner.clear_topic("stalled")

    def _show_metrics(self, row: dict) -> None:
        """"At step 200: Validation loss 1.492 · Perplexity 4.445 · Token accuracy 60.4%", in the table's words."""
        names = self._metric_names.names()
        values = sorted(row["metrics"].items(), key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER))
        parts = [f"{names.get(k, k)} {format_metric(k, v)}" for k, v in values]
        self.metrics_step, self.last_eval = row["step"], row
        self.metrics.setText(self.tr("At step {step}: {metrics}").format(step=format_count(row["step"]),
                                                                       metrics=" · ".join(parts)))

    def _show_device(self, device: str | None, threads: int | None, processes: int) -> None:
        """"Device: cuda:0 · CPU threads: 8 · Processes: 2", as the run names them (a cluster's cuda:0 is not this
        computer's); the processes only when there are several (torchrun)."""
        parts = [self.tr("Device: {name}").format(name=device_name(device))] if device else []
        if threads:
            parts.append(self.tr("CPU threads: {n}").format(n=format_count(threads)))
        if processes > 1:
            parts.append(self.tr("Processes: {n}").format(n=format_count(processes)))
        self.device.setText(" · ".join(parts))
        self.device.setVisible(bool(parts))

    def state_text(self) -> str:
        return {"idle": self.tr("Not watching"), "missing": self.tr("No folder"), "not_run": self.tr("Not a run"),
                "waiting": self.tr("Waiting"), "running": self.tr("Training"), "stalled": self.tr("No news"),
                "finished": self.tr("Finished"), "stopped": self.tr("Stopped"), "diverged": self.tr("Diverged"),
                "unreadable": self.tr("Unreadable")}.get(self.state, self.state)

    def _show_status(self) -> None:
        if self.target:
            self.status.show_status(self.state_text(), self._last_step, self.target, self.state == "running")
        else:  # the folder does not say where the run goes (or is not there): no "step 0 of 1"
            self.status.show_without_target(self.state_text(), self._last_step, self.state in ("running", "waiting"))
        if self.target and self.target != self._step_range:
            self._step_range = self.target
            self.plot.set_step_range(0, self.target)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.load_button.setEnabled(self.checkpoint is not None)
        self.load_button.setToolTip(self.tr("Open {path} in Inspect and Generate").format(path=self.checkpoint)
                                    if self.checkpoint else self.tr("The run has saved no checkpoint yet"))
        self.stop_button.setEnabled(self.state != "idle")


class FitPage(QWidget):
    """Holds ``child`` in a scroll area at the viewport's height, scrolling only below the child's minimum: its
    wrapped labels would otherwise make the scroll area give it the height it prefers, not the one there is."""

    def __init__(self, child: QWidget):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(child)

    def heightForWidth(self, _width: int) -> int:
        return self.minimumSizeHint().height()


def device_name(device: str) -> str:
    """A device as the watched run names it: "cpu" -> "CPU", "auto" -> "auto (the run chooses)", "cuda:0" as is."""
    if device == "cpu":
        return QCoreApplication.translate("RunWatchView", "CPU")
    if device == "auto":
        return QCoreApplication.translate("RunWatchView", "auto (the run chooses)")
    return device
