"""Widgets of the lesson pane that take the room their contents need, so that the pane scrolls as one column:
``ResultTable`` (as tall as its rows, its headers wrapped where a line is too wide) and ``LessonText``."""

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableWidget, QTextBrowser


class ResultTable(QTableWidget):
    """A table of results as tall as its rows and, where it can be, as narrow as the pane: never a scroll bar of
    its own (the pane scrolls as one column). Too wide in one line, its headers wrap at their spaces (and CJK
    characters) and each column is only as wide as its cells and its header's longest word ("(no label)"
    on a projector beside the panels)."""

    def __init__(self, columns: int, wrap_cells: bool = False):
        super().__init__(0, columns)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(wrap_cells)
        self.wrap_cells = wrap_cells
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)  # only when nothing else fits
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fitting = False
        self.hide()

    def _cell_width(self, column: int) -> int:
        widest = 0
        for row in range(self.rowCount()):
            item = self.item(row, column)
            if item is not None and item.text():
                metrics = QFontMetrics(item.font().resolve(self.font()))
                text = item.text()
                widest = max(widest, metrics.horizontalAdvance(text))
        return widest + 2 * self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin, None, self) + 8

    def _head_widths(self, column: int) -> tuple[int, int]:
        """(the header in one line, its longest word) in pixels, margins included."""
        item = self.horizontalHeaderItem(column)
        text = item.text() if item is not None else ""
        metrics = self.horizontalHeader().fontMetrics()
        pad = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_HeaderMargin, None, self) + 8
        words = [w for w in text.split() if w] or [text]
        longest = max(_longest_piece(w, metrics) for w in words)
        return metrics.horizontalAdvance(text) + pad, longest + pad

    def fit(self) -> None:
        """Columns to the width the pane gives, rows to their contents, the height to all rows."""
        if self._fitting or self.columnCount() == 0:
            return
        self._fitting = True
        try:
            room = self.viewport().width() if self.width() > 0 else 10_000
            header = self.horizontalHeader()
            cells = [self._cell_width(c) for c in range(self.columnCount())]
            if self.wrap_cells:
                cells[-1] = 0  # the output wraps: its length is no column's need
            heads = [self._head_widths(c) for c in range(self.columnCount())]
            one_line = [max(c, h[0]) for c, h in zip(cells, heads)]
            wrapped = sum(one_line) > room
            widths = [max(c, h[1]) for c, h in zip(cells, heads)] if wrapped else one_line
            if self.wrap_cells:  # the output wraps (anywhere in a run without spaces): it takes what is left
                widths[-1] = max(room - sum(widths[:-1]), heads[-1][1], 4 * self.fontMetrics().averageCharWidth())
            alignment = Qt.AlignmentFlag.AlignCenter | (Qt.TextFlag.TextWordWrap if wrapped else 0)
            header.setDefaultAlignment(Qt.AlignmentFlag(int(alignment)))
            for c, w in enumerate(widths):
                header.resizeSection(c, w)
            lines = 1
            if wrapped:
                metrics = header.fontMetrics()
                for c, w in enumerate(widths):
                    item = self.horizontalHeaderItem(c)
                    if item is not None and item.text():
                        rect = metrics.boundingRect(0, 0, max(w - heads[c][0] + metrics.horizontalAdvance(
                            item.text()), 1), 10_000, int(Qt.TextFlag.TextWordWrap), item.text())
                        lines = max(lines, math.ceil(rect.height() / max(metrics.lineSpacing(), 1)))
            one = header.sectionSizeFromContents(0).height() if self.columnCount() else 0
            header.setMinimumHeight(one + (lines - 1) * header.fontMetrics().lineSpacing())
            self.resizeRowsToContents()
            rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
            bar = self.horizontalScrollBar().sizeHint().height() if sum(widths) > room + 1 else 0
            self.setFixedHeight(max(header.minimumHeight(), header.sizeHint().height()) + rows + bar
                                + 2 * self.frameWidth())
        finally:
            self._fitting = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.fit()


def _longest_piece(word: str, metrics: QFontMetrics) -> int:
    """The widest piece a header wraps ``word`` into: a CJK word wraps at any character."""
    if any(ord(ch) > 0x2E80 for ch in word):
        return max(metrics.horizontalAdvance(ch) for ch in word) * 2  # at least two characters a line
    return metrics.horizontalAdvance(word)


class LessonText(QTextBrowser):
    """The lesson's text, as tall as it is: the pane around it scrolls, not the text on its own (a long step's
    formulas were left 3 lines between the question and the results)."""

    def __init__(self):
        super().__init__()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _size: self._fit_height())

    def _fit_height(self) -> None:
        margins = self.contentsMargins()
        height = math.ceil(self.document().size().height()) + margins.top() + margins.bottom()
        if height != self.height():
            self.setFixedHeight(max(height, self.fontMetrics().lineSpacing()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()
