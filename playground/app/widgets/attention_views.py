"""Views of attention weights: every head as a small multiple, one head as lines (bertviz), probability bars.

``HeadGrid`` shows all heads of one attention stage, titled from 1; clicking one reports its index (from 0).
``AttentionLinesView`` draws queries on the right, keys on the left, a link per pair with
its weight as opacity and width. ``ProbabilityBars`` is a horizontal bar chart of top-k tokens.
"""

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from ..numbers import format_percent
from ..theme import line_width
from .heatmap import HeatmapView
from .token_stream import quoted


class HeadGrid(QWidget):
    """All heads of a layer, each a small heatmap titled "head 1", "head 2"…; ``head_clicked(index)`` (from 0)
    enlarges one."""

    head_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.views: list[HeatmapView] = []
        self.captions: list[QLabel] = []
        self.current = 0

    def set_heads(self, weights: np.ndarray, masked: np.ndarray | None, current: int = 0) -> None:
        """weights (heads, queries, keys); masked (queries, keys) True where a query may not look."""
        n = weights.shape[0]
        while len(self.views) < n:
            self._add_cell(len(self.views))
        columns = max(1, math.ceil(math.sqrt(n)))
        for i, (view, caption) in enumerate(zip(self.views, self.captions)):
            view.setVisible(i < n)
            caption.setVisible(i < n)
            if i < n:
                self.grid.addWidget(caption, 2 * (i // columns), i % columns)
                self.grid.addWidget(view, 2 * (i // columns) + 1, i % columns)
                view.set_matrix(weights[i], masked=masked, signed=False, top=1.0)
        self.set_current(min(current, n - 1))

    def _add_cell(self, i: int) -> None:
        view = HeatmapView(compact=True)
        view.setToolTip(self.tr("Click to enlarge head {i}").format(i=i + 1))
        view.cell_clicked.connect(lambda _r, _c, i=i: self.head_clicked.emit(i))
        caption = QLabel(self.tr("head {i}").format(i=i + 1))
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.views.append(view)
        self.captions.append(caption)

    def set_current(self, head: int) -> None:
        self.current = head
        for i, caption in enumerate(self.captions):
            font = caption.font()
            font.setBold(i == head)
            caption.setFont(font)
            caption.setText(("▶ " if i == head else "") + self.tr("head {i}").format(i=i + 1))


class AttentionLinesView(QWidget):
    """One head as links from each query (right) to each key (left), drawn as strong as the weight."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.weights = np.zeros((0, 0), dtype=np.float32)
        self.queries: list[str] = []
        self.keys: list[str] = []
        self.selected: int | None = None  # a query row drawn alone, on top
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_weights(self, weights: np.ndarray, queries: list[str], keys: list[str], selected: int | None = None):
        self.weights = np.asarray(weights, dtype=np.float32)
        self.queries, self.keys = [quoted(t) for t in queries], [quoted(t) for t in keys]
        self.selected = selected
        self.update()

    def _y(self, i: int, n: int) -> float:
        top = QFontMetrics(self.font()).height() + 2  # under the "keys" and "queries" titles, at any zoom
        return top + (i + 0.5) * (self.height() - top - 8) / max(n, 1)

    def paintEvent(self, _event) -> None:
        rows, cols = self.weights.shape
        if not rows or not cols:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        text = self.palette().color(QPalette.ColorRole.WindowText)
        left_x, right_x = self.width() * 0.3, self.width() * 0.7
        painter.setPen(text)
        painter.drawText(QRectF(0, 0, left_x, fm.height()), Qt.AlignmentFlag.AlignRight, self.tr("keys"))
        painter.drawText(QRectF(right_x, 0, self.width() - right_x, fm.height()), Qt.AlignmentFlag.AlignLeft,
                         self.tr("queries"))
        line = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        for q in range(rows):
            if self.selected is not None and q != self.selected:
                continue
            for k in range(cols):
                w = float(self.weights[q, k])
                if w < 0.01:
                    continue
                line.setAlphaF(min(1.0, 0.15 + 0.85 * w))
                painter.setPen(QPen(line, line_width(0.5 + 4 * w)))
                painter.drawLine(QPointF(right_x - 6, self._y(q, rows)), QPointF(left_x + 6, self._y(k, cols)))
        painter.setPen(text)
        for k, label in enumerate(self.keys):
            painter.drawText(QRectF(0, self._y(k, cols) - fm.height(), left_x, 2 * fm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        for q, label in enumerate(self.queries):
            font = painter.font()
            font.setBold(q == self.selected)
            painter.setFont(font)
            painter.drawText(QRectF(right_x, self._y(q, rows) - fm.height(), self.width() - right_x, 2 * fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)


class ProbabilityBars(QWidget):
    """Top-k tokens as horizontal bars of their probability, most likely on top."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[tuple[str, float]] = []
        self.setMinimumHeight(160)

    def set_items(self, items: list[tuple[str, float]]) -> None:
        self.items = [(quoted(t), float(p)) for t, p in items]
        self.update()

    def paintEvent(self, _event) -> None:
        if not self.items:
            return
        painter = QPainter(self)
        fm = QFontMetrics(self.font())
        label_w = min(160, max(fm.horizontalAdvance(t) for t, _p in self.items) + 12)
        value_w = fm.horizontalAdvance(format_percent(1.0)) + 8
        row_h = min(28.0, self.height() / len(self.items))
        bar_w = max(10, self.width() - label_w - value_w - 8)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        bar = self.palette().color(QPalette.ColorRole.Highlight)
        for i, (token, p) in enumerate(self.items):
            y = i * row_h
            painter.setPen(text)
            painter.drawText(QRectF(0, y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             token)
            painter.fillRect(QRectF(label_w, y + 3, max(1.0, p * bar_w), row_h - 6), bar)
            painter.drawText(QRectF(label_w + p * bar_w + 4, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter,
                             format_percent(p))
