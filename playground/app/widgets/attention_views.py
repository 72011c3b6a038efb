"""Views of attention weights: every head as a small multiple, one head as lines (bertviz), probability bars.

``HeadGrid`` shows all heads of one attention stage, titled from 1; clicking one reports its index (from 0).
``AttentionLinesView`` draws queries on the right, keys on the left, a link per pair with
its weight as opacity and width. ``ProbabilityBars`` is a horizontal bar chart of top-k tokens.
"""

import math

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEngine, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QToolTip, QWidget

from ..numbers import format_percent, format_probability
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


def show_tooltip(widget: QWidget, event, text: str) -> bool:
    """A painted view's tooltip: ``text`` for the point under the mouse, or none where it is ""; the event handled."""
    if text:
        QToolTip.showText(event.globalPos(), text, widget)
    else:
        QToolTip.hideText()
    return True


class AttentionLinesView(QWidget):
    """One head as links from each query (right) to each key (left), drawn as strong as the weight.

    With more tokens than lines of text fit (GPT-2 traces run to hundreds), the labels are thinned evenly so that
    none overlaps; the selected query and its strongest key are always labelled, and hovering a side tells the
    token under the mouse."""

    LEVELS = 16  # link strengths drawn: links of one strength go to the painter together, thousands in GPT-2
    SMOOTH_FROM = 4  # the level from which links are antialiased: smoothing the many faint ones took ~150 ms

    def __init__(self, parent=None):
        super().__init__(parent)
        self.weights = np.zeros((0, 0), dtype=np.float32)
        self.queries: list[str] = []
        self.keys: list[str] = []
        self.selected: int | None = None  # a query row drawn alone, on top
        self._links: tuple[tuple, QPixmap] | None = None  # the links drawn on screen, and what they were drawn for
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_weights(self, weights: np.ndarray, queries: list[str], keys: list[str], selected: int | None = None):
        self.weights = np.asarray(weights, dtype=np.float32)
        self.queries, self.keys = [quoted(t) for t in queries], [quoted(t) for t in keys]
        self.selected = selected
        self._links = None
        self.update()

    def _top(self) -> float:
        return QFontMetrics(self.font()).height() + 2  # under the "keys" and "queries" titles, at any zoom

    def _y(self, i: int, n: int) -> float:
        top = self._top()
        return top + (i + 0.5) * (self.height() - top - 8) / max(n, 1)

    def _index_at(self, y: float, n: int) -> int:
        top = self._top()
        return min(n - 1, max(0, int((y - top) / max((self.height() - top - 8) / max(n, 1), 1e-6))))

    def label_y(self, i: int, n: int) -> float:
        """The centre of label ``i`` of ``n``: beside its links, or just under the titles for the first ones."""
        return max(self._y(i, n), self._top() - 2 + QFontMetrics(self.font()).height() / 2)

    def shown_labels(self, n: int, keep: int | None = None) -> list[int]:
        """The positions (of ``n``) whose labels are drawn: from the top, each a line below the last drawn, so that
        none overlaps another (an even thinning); ``keep`` always, with those too near it dropped."""
        line = QFontMetrics(self.font()).height()
        kept = keep if keep is not None and 0 <= keep < n else None
        keep_y = self.label_y(kept, n) if kept is not None else None
        shown, last = [], -math.inf
        for i in range(n):
            y = self.label_y(i, n)
            if i == kept or (y - last >= line and (keep_y is None or abs(y - keep_y) >= line)):
                shown.append(i)
                last = y
        return shown

    def strongest_key(self) -> int | None:
        if self.selected is None or not 0 <= self.selected < self.weights.shape[0] or not self.weights.shape[1]:
            return None
        return int(np.argmax(self.weights[self.selected]))

    def tooltip_at(self, x: float, y: float) -> str:
        """The token under the mouse on the keys' side (left) or the queries' (right), with its position."""
        labels = self.keys if x < self.width() / 2 else self.queries
        if not labels:
            return ""
        i = self._index_at(y, len(labels))
        return f"{i} {labels[i]}"

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            return show_tooltip(self, event, self.tooltip_at(event.pos().x(), event.pos().y()))
        return super().event(event)

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
        if painter.paintEngine().type() == QPaintEngine.Type.Raster:  # the screen, or a PNG: the links drawn once
            painter.drawPixmap(0, 0, self._links_pixmap(rows, cols, left_x, right_x))
        else:  # SVG: the links as lines
            self._paint_links(painter, rows, cols, left_x, right_x)
        painter.setPen(text)
        for k in self.shown_labels(cols, self.strongest_key()):
            painter.drawText(QRectF(0, self.label_y(k, cols) - fm.height(), left_x, 2 * fm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(self.keys[k], Qt.TextElideMode.ElideRight, int(left_x)))
        width = int(self.width() - right_x)
        for q in self.shown_labels(rows, self.selected):
            font = painter.font()
            font.setBold(q == self.selected)
            painter.setFont(font)
            painter.drawText(QRectF(right_x, self.label_y(q, rows) - fm.height(), width, 2 * fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             QFontMetrics(font).elidedText(self.queries[q], Qt.TextElideMode.ElideRight, width))

    def _links_pixmap(self, rows: int, cols: int, left_x: float, right_x: float) -> QPixmap:
        """The links as a picture of the widget's size, drawn again only when the size, the weights, the selected
        query, the line scale (presentation mode) or the colours change: showing the tab again costs nothing."""
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, self.selected, line_width(1.0), QFontMetrics(self.font()).height(),
               self.palette().color(QPalette.ColorRole.Highlight).rgba())  # the font: the titles' height, the top
        if self._links is None or self._links[0] != key:
            pixmap = QPixmap(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self._paint_links(painter, rows, cols, left_x, right_x)
            painter.end()
            self._links = (key, pixmap)
        return self._links[1]

    def _paint_links(self, painter: QPainter, rows: int, cols: int, left_x: float, right_x: float) -> None:
        """Each link of weight >= 0.01, as opaque and wide as its weight (in ``LEVELS`` steps), a step at a time."""
        weights = self.weights if self.selected is None else self.weights[self.selected:self.selected + 1]
        first = 0 if self.selected is None else self.selected
        qs, ks = np.nonzero(weights >= 0.01)
        if not len(qs):
            return
        levels = np.ceil(weights[qs, ks] * self.LEVELS).astype(int)
        top = self._top()
        q_y = top + (qs + first + 0.5) * (self.height() - top - 8) / rows
        k_y = top + (ks + 0.5) * (self.height() - top - 8) / cols
        line = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        for level in np.unique(levels):
            w = level / self.LEVELS
            line.setAlphaF(min(1.0, 0.15 + 0.85 * w))
            painter.setPen(QPen(line, line_width(0.5 + 4 * w)))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, bool(level >= self.SMOOTH_FROM))
            at = levels == level
            ends = zip(q_y[at].tolist(), k_y[at].tolist())
            painter.drawLines([QLineF(right_x - 6, a, left_x + 6, b) for a, b in ends])


class ProbabilityBars(QWidget):
    """Top-k tokens as horizontal bars of their probability, most likely on top; a label too long for its room is
    cut with "…", and its row's tooltip gives the whole token."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[tuple[str, float]] = []
        self.setMinimumHeight(160)

    def set_items(self, items: list[tuple[str, float]]) -> None:
        self.items = [(quoted(t), float(p)) for t, p in items]
        self.update()

    def _label_width(self) -> int:
        fm = QFontMetrics(self.font())
        return min(160, max(fm.horizontalAdvance(t) for t, _p in self.items) + 12)

    def _row_height(self) -> float:
        return min(28.0, self.height() / len(self.items))

    def label_text(self, i: int) -> str:
        """Row ``i``'s token as drawn: elided to the labels' room."""
        return QFontMetrics(self.font()).elidedText(self.items[i][0], Qt.TextElideMode.ElideRight,
                                                    self._label_width() - 6)

    def value_text(self, i: int) -> str:
        """Row ``i``'s probability as drawn: "<0.1%" rather than "0.0%" for a token that may still be drawn."""
        return format_probability(self.items[i][1])

    def tooltip_at(self, y: float) -> str:
        if not self.items:
            return ""
        i = int(y // self._row_height())
        if not 0 <= i < len(self.items):
            return ""
        token, p = self.items[i]
        return f"{token}  {format_probability(p)}"

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            return show_tooltip(self, event, self.tooltip_at(event.pos().y()))
        return super().event(event)

    def paintEvent(self, _event) -> None:
        if not self.items:
            return
        painter = QPainter(self)
        fm = QFontMetrics(self.font())
        label_w = self._label_width()
        value_w = max(fm.horizontalAdvance(format_percent(1.0)), fm.horizontalAdvance(format_probability(0.0001))) + 8
        row_h = self._row_height()
        bar_w = max(10, self.width() - label_w - value_w - 8)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        bar = self.palette().color(QPalette.ColorRole.Highlight)
        for i, (_token, p) in enumerate(self.items):
            y = i * row_h
            painter.setPen(text)
            painter.drawText(QRectF(0, y, label_w - 6, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.label_text(i))
            painter.fillRect(QRectF(label_w, y + 3, max(1.0, p * bar_w), row_h - 6), bar)
            painter.drawText(QRectF(label_w + p * bar_w + 4, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter,
                             self.value_text(i))
