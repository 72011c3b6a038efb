"""StatsGrid: named figures in the first of three shapes that fits the box's width: four to a row, each name over
its value; two to a row, each name beside its value (the same four lines); two to a row, name over value (taller).

The Data panel's statistics took four columns whatever the room: beside the lessons dock on a 1280×720 projector
(160 % text) they needed 593 of the panel's 822 px with the dataset list, and the panel was cut on its left edge.
"""

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel

# (figures to a row, name over value): the widest first; a box narrower than four gets the next that fits
WIDE, BESIDE, TALL = (4, True), (2, False), (2, True)
SHAPES = (WIDE, BESIDE, TALL)


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
        self._shape: tuple[int, bool] | None = None
        self._lay_out(WIDE)

    def _cells(self) -> list[tuple[QLabel, QLabel]]:
        return [(self.names[key], self.values[key]) for key in self.names]

    def shape(self) -> tuple[int, bool]:
        return self._shape

    def _places(self, shape: tuple[int, bool]) -> list[tuple[tuple, tuple]]:
        """(row, column, rows, columns) of each figure's name and value; the last figure ("wordpiece, 30,000
        tokens") takes the rest of its row."""
        (per_row, stacked), places, n = shape, [], len(self.names)
        for i in range(n):
            row, col = divmod(i, per_row)
            last = i == n - 1
            if stacked:
                span = per_row - col if last else 1
                places.append(((2 * row, col, 1, span), (2 * row + 1, col, 1, span)))
            else:
                places.append(((row, 2 * col, 1, 1), (row, 2 * col + 1, 1, 2 * (per_row - col) - 1 if last else 1)))
        return places

    def width_for(self, shape: tuple[int, bool]) -> int:
        """The width the figures need in ``shape`` (the last one, which spans, left out)."""
        widths: dict[int, int] = {}
        for (name, value), places in zip(self._cells()[:-1], self._places(shape)[:-1]):
            for label, (_row, col, _rows, _cols) in zip((name, value), places):
                widths[col] = max(widths.get(col, 0), label.sizeHint().width())
        inner, frame = self._grid.contentsMargins(), self.contentsMargins()  # the layout's, and the box's frame
        spacing = max(0, self._grid.horizontalSpacing())
        return sum(widths.values()) + spacing * (len(widths) - 1) + inner.left() + inner.right() + frame.left() \
            + frame.right()

    def _lay_out(self, shape: tuple[int, bool]) -> None:
        if shape == self._shape:
            return
        cells = self._cells()
        for name, value in cells:
            self._grid.removeWidget(name)
            self._grid.removeWidget(value)
        for (name, value), (name_at, value_at) in zip(cells, self._places(shape)):
            self._grid.addWidget(name, *name_at)
            self._grid.addWidget(value, *value_at)
        for col in range(4):  # beside: the values take the room left
            self._grid.setColumnStretch(col, 1 if shape[1] or col % 2 else 0)
        self._shape = shape

    def refit(self) -> None:
        """The first shape that fits the width the box has; call after changing a name or a value."""
        self.setMinimumWidth(self.width_for(TALL))  # the box may be narrower than four to a row: it takes another
        self._lay_out(next((shape for shape in SHAPES if self.width_for(shape) <= self.width()), TALL))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.refit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom, presentation mode: the labels' widths change
            QTimer.singleShot(0, self.refit)
