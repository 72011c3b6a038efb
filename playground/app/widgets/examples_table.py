"""ExamplesTable: a dataset's source → target examples in the Data panel."""

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem


class ExamplesTable(QTableWidget):
    """Source → target examples: the target column whole, the source in the rest of the width.

    Sized to its contents, the source column took the width of its longest sentence and pushed the
    labels (positive/negative) out of sight beside the lessons pane; now a long source is elided and
    its cell's tooltip holds it whole.
    """

    def __init__(self, parent=None):
        super().__init__(0, 2, parent)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def set_examples(self, examples) -> None:
        self.setRowCount(len(examples))
        for row, pair in enumerate(examples):
            for column, text in enumerate(pair):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.setItem(row, column, item)
        self.fit_columns()

    def fit_columns(self) -> None:
        """The target column as wide as its widest target or title, at most half the table; the source the rest."""
        header = self.horizontalHeader()
        wanted = max(self.sizeHintForColumn(1), header.sectionSizeHint(1))
        width = max(header.minimumSectionSize(), min(wanted, self.viewport().width() // 2))
        if header.sectionSize(1) != width:
            header.resizeSection(1, width)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.Resize:  # the window, the lessons pane or a scroll bar changed the width
            self.fit_columns()
        return super().viewportEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:  # zoom: the texts' widths change
            QTimer.singleShot(0, self.fit_columns)
        super().changeEvent(event)
