"""HeldoutAblation: the held-out loss with the switched-off heads, and each head alone off, measured in a worker."""

import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ...core.lens import ablation_loss
from ..numbers import format_count, format_float
from ..training import TRAINING_NICE, lower_thread_priority
from ..worker import Job, JobOwner
from .head_toggles import module_title


def measure_in_worker(model, task, ablated, batches, stop: threading.Event):
    lower_thread_priority(TRAINING_NICE)
    return ablation_loss(model, task, ablated, batches=batches, should_stop=stop.is_set)


class HeldoutAblation(QWidget, JobOwner):
    """A button that measures the validation loss with all heads on, with the switched-off heads, and per head."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = self.task = None
        self.ablated: dict[str, set[int]] = {}
        self.result = None
        self._stop = threading.Event()
        self.measure_button = QPushButton(self.tr("Measure the loss on held-out data"))
        self.measure_button.setToolTip(self.tr("The validation loss with all heads on, with the heads switched off, "
                                               "and with each head alone switched off (a few seconds)"))
        self.measure_button.clicked.connect(self.measure)
        self.batches = QSpinBox()
        self.batches.setRange(1, 64)
        self.batches.setValue(4)
        self.batches.setSuffix(self.tr(" batches"))
        row = QHBoxLayout()
        row.addWidget(self.measure_button)
        row.addWidget(self.batches)
        row.addStretch(1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Attention"), self.tr("Head"), self.tr("Δ loss when off")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(4 * self.table.fontMetrics().lineSpacing())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._update_enabled()

    def set_source(self, model, task, ablated: dict[str, set[int]]) -> None:
        """The traced snapshot and its task; an earlier measurement no longer applies."""
        self.cancel()
        self.model, self.task, self.ablated = model, task, {k: set(v) for k, v in ablated.items() if v}
        self.result = None
        self.summary.setText(self.tr("How much do the heads matter beyond this one input? Measure the loss on "
                                     "held-out examples."))
        self.table.setRowCount(0)
        self._update_enabled()

    def measure(self) -> None:
        if self.model is None or self.job_running():
            return
        self._stop = threading.Event()
        stop, model, task, ablated, batches = self._stop, self.model, self.task, self.ablated, self.batches.value()
        job = Job(lambda: measure_in_worker(model, task, ablated, batches, stop), stop=stop.set)
        job.result.connect(self._on_result)
        job.error.connect(lambda message, _details: self.summary.setText(
            self.tr("Measuring failed: {message}").format(message=message)))
        job.finished.connect(self._update_enabled)
        self.run_job(job)
        self.summary.setText(self.tr("Measuring…"))
        self._update_enabled()

    def cancel(self) -> None:
        self._stop.set()
        self.cancel_job()

    def is_measuring(self) -> bool:
        return self.job_running()

    def _update_enabled(self) -> None:
        self.measure_button.setEnabled(self.model is not None and not self.job_running())

    def _on_result(self, result) -> None:
        self.result = result
        loss = format_float(result.loss, 4)
        lines = [self.tr("Held-out loss with all heads on: {loss} ({n} tokens)").format(
            loss=loss, n=format_count(result.tokens))]
        if result.ablated:
            lines.append(self.tr("With the switched-off heads: {loss} (change {delta})").format(
                loss=format_float(result.ablated_loss, 4), delta=signed(result.delta)))
        self.summary.setText("\n".join(lines))
        rows = sorted(result.per_head.items(), key=lambda kv: -kv[1])  # the heads that matter most first
        self.table.setRowCount(len(rows))
        for r, ((name, head), delta) in enumerate(rows):
            items = [QTableWidgetItem(module_title(name)), QTableWidgetItem(str(head + 1)),
                     QTableWidgetItem(signed(delta))]
            items[2].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if delta > 0:
                items[2].setForeground(QBrush(QColor(210, 90, 50)))
            for c, item in enumerate(items):
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()


def signed(x: float) -> str:
    """A change with its sign: +0.0123, −0.0040."""
    return ("+" if x >= 0 else "−") + format_float(abs(x), 4)
