"""ConfusionView: a classifier's latest evaluation as a confusion matrix and each class's P/R/F1."""

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSizePolicy, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ..numbers import format_count, format_percent

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")
SCORES = ("precision", "recall", "f1")


def label_name(label: str) -> str:
    """A class label of a built-in task in the UI's language ("weather" -> "天气"); another as it is."""
    names = {
        "positive": translate("ClassLabels", "positive"), "negative": translate("ClassLabels", "negative"),
        "sports": translate("ClassLabels", "sports"), "weather": translate("ClassLabels", "weather"),
        "food": translate("ClassLabels", "food"), "school": translate("ClassLabels", "school"),
    }
    return names.get(label, label)


def _table() -> QTableWidget:
    table = QTableWidget()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return table


class ConfusionView(QWidget):
    """``show_report(step, report)`` with ``evaluate.report_of``'s dict: a row per true label, a column per
    answer (the diagonal, right answers, in bold and shaded by share), then precision, recall and F1 per
    class with their macro averages."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.step: int | None = None
        self.report: dict | None = None
        layout = QVBoxLayout(self)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.matrix_title = QLabel(self.tr("Confusion matrix: a row per true label, a column per answer"))
        self.matrix_title.setWordWrap(True)
        self.matrix = _table()
        self.scores_title = QLabel(self.tr("Per class: precision, recall and F1"))
        self.scores_title.setWordWrap(True)
        self.scores = _table()
        for widget in (self.caption, self.matrix_title, self.matrix, self.scores_title, self.scores):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.clear_report()

    def clear_report(self) -> None:
        self.step = self.report = None
        self.caption.setText(self.tr("No evaluation yet: the matrix appears at the first evaluation of a "
                                     "classification task."))
        for widget in (self.matrix_title, self.matrix, self.scores_title, self.scores):
            widget.hide()

    def show_report(self, step: int, report: dict) -> None:
        self.step, self.report = step, report
        self.caption.setText(self.tr("Step {step}: accuracy {acc} on {n} held-out examples.").format(
            step=format_count(step), acc=format_percent(report["accuracy"]), n=format_count(report["examples"])))
        self._fill_matrix(report)
        self._fill_scores(report)
        for widget in (self.matrix_title, self.matrix, self.scores_title, self.scores):
            widget.show()

    def _fill_matrix(self, report: dict) -> None:
        labels = [label_name(label) for label in report["labels"]]
        table, matrix = self.matrix, report["matrix"]
        table.setRowCount(len(labels))
        table.setColumnCount(len(labels) + 1)
        table.setHorizontalHeaderLabels([*labels, self.tr("(no label)")])
        table.setVerticalHeaderLabels(labels)
        table.horizontalHeaderItem(len(labels)).setToolTip(self.tr("Answers that are no label at all"))
        for r, counts in enumerate(matrix):
            total = max(sum(counts), 1)
            for c, n in enumerate(counts):
                item = QTableWidgetItem(format_count(n))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == r:  # right answers
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if n:  # shaded by the share of the row: where the true label's examples went
                    hue = 120 if c == r else 0
                    item.setBackground(QColor.fromHsv(hue, int(30 + 120 * n / total), 255))
                    item.setForeground(QColor("black"))
                table.setItem(r, c, item)
        self._fit(table)

    def _fill_scores(self, report: dict) -> None:
        heads = [self.tr("Precision"), self.tr("Recall"), self.tr("F1"), self.tr("Examples")]
        rows = [(label_name(c["label"]), [c[k] for k in SCORES], c["support"]) for c in report["classes"]]
        rows.append((self.tr("Macro average"), [report["macro"][k] for k in SCORES], report["examples"]))
        table = self.scores
        table.setRowCount(len(rows))
        table.setColumnCount(len(heads))
        table.setHorizontalHeaderLabels(heads)
        table.setVerticalHeaderLabels([name for name, _, _ in rows])
        for r, (_name, values, support) in enumerate(rows):
            for c, text in enumerate([*(format_percent(v) for v in values), format_count(support)]):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)
        self._fit(table)

    def _fit(self, table: QTableWidget) -> None:
        """As tall as its rows, with room for a scroll bar only when the window is too narrow for the columns."""
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        wide = table.horizontalHeader().length() + table.verticalHeader().width() + 2 * table.frameWidth()
        bar = table.horizontalScrollBar().sizeHint().height() if wide > self.contentsRect().width() else 0
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows + bar + 2 * table.frameWidth())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.report is not None:
            for table in (self.matrix, self.scores):
                self._fit(table)

    # --- what it shows, for the CSV and tests -------------------------------------------------------
    def matrix_cells(self) -> list[list[str]]:
        t = self.matrix
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

    def header_texts(self, table: QTableWidget) -> tuple[list[str], list[str]]:
        return ([table.horizontalHeaderItem(c).text() for c in range(table.columnCount())],
                [table.verticalHeaderItem(r).text() for r in range(table.rowCount())])


def report_table(view: ConfusionView) -> tuple[list, list] | None:
    """The shown report as CSV: a row per true label with its counts per answer, precision, recall, F1 and
    examples, then the macro averages; None before the first evaluation."""
    report = view.report
    if report is None:
        return None
    labels = [label_name(label) for label in report["labels"]]
    header = [translate("ConfusionView", "true label"), *labels, translate("ConfusionView", "(no label)"),
              translate("ConfusionView", "precision"), translate("ConfusionView", "recall"),
              translate("ConfusionView", "F1"), translate("ConfusionView", "examples")]
    rows = [[name, *counts, *(float(c[k]) for k in SCORES), c["support"]]
            for name, counts, c in zip(labels, report["matrix"], report["classes"])]
    blank = [""] * (len(labels) + 1)
    rows.append([translate("ConfusionView", "macro average"), *blank, *(float(report["macro"][k]) for k in SCORES),
                 report["examples"]])
    return header, rows
