"""StatsGrid: named figures, each name over its value, four to a row where they fit and two where they do not.

The Data panel's statistics took four columns whatever the room: beside the lessons dock on a 1280×720 projector
(160 % text) they needed 593 of the panel's 822 px with the dataset list, and the panel was cut on its left edge.
"""

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel

WIDE, NARROW = 4, 2  # figures to a row


class StatsGrid(QGroupBox):
    def __init__(self, title: str, names: dict[str, str]):
        super().__init__(title)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        bold = QFont()  # only the weight: the size follows the zoom
        bold.setBold(True)
        for key, text in names.items():
            value = QLabel("–")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setFont(bold)
            self.names[key], self.values[key] = QLabel(text), value
        self._grid = QGridLayout(self)
        self._columns = 0
        self._lay_out(WIDE)

    def _cells(self) -> list[tuple[QLabel, QLabel]]:
        return [(self.names[key], self.values[key]) for key in self.names]

    def columns(self) -> int:
        return self._columns

    def width_for(self, columns: int) -> int:
        """The width the figures need at ``columns`` to a row; the last one takes the rest of its row."""
        cells = self._cells()
        widths = [0] * columns
        for i, (name, value) in enumerate(cells[:-1]):
            widths[i % columns] = max(widths[i % columns], name.sizeHint().width(), value.sizeHint().width())
        inner, frame = self._grid.contentsMargins(), self.contentsMargins()  # the layout's, and the box's frame
        spacing = max(0, self._grid.horizontalSpacing())
        return sum(widths) + spacing * (columns - 1) + inner.left() + inner.right() + frame.left() + frame.right()

    def _lay_out(self, columns: int) -> None:
        if columns == self._columns:
            return
        cells = self._cells()
        for name, value in cells:
            self._grid.removeWidget(name)
            self._grid.removeWidget(value)
        for i, (name, value) in enumerate(cells):
            row, col = divmod(i, columns)
            span = columns - col if i == len(cells) - 1 else 1  # the last ("wordpiece, 30,000 tokens") takes the rest
            self._grid.addWidget(name, 2 * row, col, 1, span)
            self._grid.addWidget(value, 2 * row + 1, col, 1, span)
        for col in range(max(WIDE, columns)):
            self._grid.setColumnStretch(col, 1 if col < columns else 0)
        self._columns = columns

    def refit(self) -> None:
        """Four to a row if they fit the width the box has, else two; call after changing a name or a value."""
        self.setMinimumWidth(self.width_for(NARROW))  # the box may be narrower than four: it then takes two
        self._lay_out(WIDE if self.width_for(WIDE) <= self.width() else NARROW)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.refit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom, presentation mode: the labels' widths change
            QTimer.singleShot(0, self.refit)
