"""MetricsTable: the latest evaluation of the task (validation loss, perplexity, accuracy, P/R/F1)."""

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ..numbers import format_percent

PERCENT = ("token_accuracy", "exact_match", "chrf", "accuracy", "precision", "recall", "f1")
ORDER = ("val_loss", "perplexity", "token_accuracy", "exact_match", "chrf", "accuracy", "precision", "recall", "f1")


class MetricsTable(QTableWidget):
    """Two columns, metric and value; ``show_metrics(step, metrics, headline)`` replaces the rows, the
    task's headline metric first and in bold."""

    def __init__(self, parent=None):
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels([self.tr("Metric"), self.tr("Value")])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.step: int | None = None
        self._fit_height()

    def names(self) -> dict:
        return {"val_loss": self.tr("Validation loss"), "perplexity": self.tr("Perplexity"),
                "token_accuracy": self.tr("Token accuracy"), "exact_match": self.tr("Exact match"),
                "chrf": self.tr("chrF"),
                "accuracy": self.tr("Accuracy"), "precision": self.tr("Precision"), "recall": self.tr("Recall"),
                "f1": self.tr("F1 score")}

    def show_metrics(self, step: int, metrics: dict, headline: str | None = None) -> None:
        self.step = step
        names = self.names()
        # a dict that crossed a Qt signal comes back with sorted keys: show them in a fixed order
        keys = sorted(metrics, key=lambda k: (k != headline, ORDER.index(k) if k in ORDER else len(ORDER)))
        self.setRowCount(len(keys))
        for row, key in enumerate(keys):
            value = metrics[key]
            items = (QTableWidgetItem(names.get(key, key)), QTableWidgetItem(format_metric(key, value)))
            items[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate(items):
                if key == headline:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(self.tr("The task's headline metric: the best evaluation is chosen by it"))
                self.setItem(row, column, item)
        self._fit_height()

    def metric_keys(self) -> list[str]:
        """The metrics' keys in the order of the rows."""
        by_name = {name: key for key, name in self.names().items()}
        return [by_name.get(self.item(row, 0).text(), self.item(row, 0).text()) for row in range(self.rowCount())]

    def value_text(self, key: str) -> str | None:
        """The shown value of a metric by its key (for tests and the status bar)."""
        name = self.names().get(key, key)
        for row in range(self.rowCount()):
            if self.item(row, 0).text() == name:
                return self.item(row, 1).text()
        return None

    def clear_metrics(self) -> None:
        self.step = None
        self.setRowCount(0)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its rows (at least three), so the panel has no empty box and no scroll bar."""
        rows = max(self.rowCount(), 3)
        row_height = self.verticalHeader().defaultSectionSize()
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + rows * row_height + 2 * self.frameWidth())


def format_metric(key: str, value) -> str:
    """0.5 as '50.0%' for rates, 1.23456 as '1.235' otherwise; NaN as '-'."""
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return "-"
    if key in PERCENT:
        return format_percent(value)
    return f"{value:.4g}"
