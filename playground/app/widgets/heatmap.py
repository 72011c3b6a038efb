"""HeatmapView: a matrix drawn as coloured cells with token labels, the value under the cursor, masked cells grey.

    view = HeatmapView()
    view.set_matrix(array, row_labels=["<bos>", "a"], col_labels=None, masked=None, signed=True)
    view.cell_hovered.connect(on_hover)      # (row, column, value)

The cells are one QImage scaled to the widget (fast for a 64 × 512 stage); labels are drawn
only when the cells are wide enough to hold them: column labels level when they fit across a
cell, else turned on their side (each label on its own: a character level beside a turned "<unk>").
"""

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..theme import is_dark, line_width
from .token_stream import quoted

MASKED_GREY = (128, 128, 128)


def colour_table(values: np.ndarray, signed: bool, dark: bool, top: float | None = None) -> np.ndarray:
    """RGB (rows, cols, 3) uint8: blue–white–red around 0 when signed, white→deep blue (or dark→light) for 0..max."""
    v = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    if signed:
        scale = float(np.abs(v).max()) or 1.0
        t = np.clip(v / scale, -1.0, 1.0)[..., None]
        red, white, blue = np.array([214, 39, 40]), np.array([247, 247, 247]), np.array([31, 119, 180])
        if dark:
            white = np.array([40, 41, 46])
        rgb = np.where(t > 0, white + t * (red - white), white + (-t) * (blue - white))
    else:
        top = top or float(v.max()) or 1.0
        t = np.clip(v / top, 0.0, 1.0)[..., None]
        low, high = (np.array([28, 29, 32]), np.array([255, 214, 92])) if dark else \
            (np.array([255, 255, 255]), np.array([8, 69, 148]))
        rgb = low + t * (high - low)
    return rgb.astype(np.uint8)


class HeatmapView(QWidget):
    """A 2-D array as cells; hovering reports (row, column, value), clicking selects a row and column."""

    cell_hovered = Signal(int, int, float)
    cell_clicked = Signal(int, int)

    def __init__(self, parent=None, compact: bool = False):
        super().__init__(parent)
        self.compact = compact  # small multiples: no labels, no margins
        self.values = np.zeros((0, 0), dtype=np.float32)
        self.masked: np.ndarray | None = None
        self.row_labels: list[str] = []
        self.col_labels: list[str] = []
        self.signed = True
        self.top: float | None = None  # see set_matrix
        self.column_scales = False
        self.selected_row: int | None = None
        self.selected_col: int | None = None
        self._image: QImage | None = None
        self._widths: tuple[list[int], list[int]] | None = None  # the labels' widths: see _label_widths
        self.setMouseTracking(True)
        self.setMinimumSize(QSize(40, 40) if compact else QSize(200, 120))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # --- data ----------------------------------------------------------------------------
    def set_matrix(self, values, row_labels=None, col_labels=None, masked=None, signed: bool = True,
                   top: float | None = None, column_scales: bool = False) -> None:
        """top: the value drawn darkest when unsigned (1 for probabilities); None: the largest value.
        column_scales: each column coloured on its own scale, for columns that hold different quantities."""
        self.top, self.column_scales = top, column_scales
        values = np.asarray(values, dtype=np.float32)
        self.values = values.reshape(1, -1) if values.ndim == 1 else values
        self.masked = None if masked is None else np.asarray(masked, dtype=bool)
        self.row_labels = [quoted(t) for t in row_labels] if row_labels else []
        self.col_labels = [quoted(t) for t in col_labels] if col_labels else []
        self.signed = signed
        if self.selected_row is not None and self.selected_row >= self.values.shape[0]:
            self.selected_row = None
        if self.selected_col is not None and self.selected_col >= self.values.shape[1]:
            self.selected_col = None
        self._image, self._widths = None, None
        self.update()

    def select(self, row: int | None, col: int | None = None) -> None:
        self.selected_row, self.selected_col = row, col
        self.update()

    def image_array(self) -> np.ndarray:
        """The numbers the cells show, (rows, columns)."""
        return self.values

    def _build_image(self) -> QImage:
        dark, top = is_dark(self.palette()), self.top
        if self.column_scales and self.values.ndim == 2:
            rgb = np.concatenate([colour_table(self.values[:, c:c + 1], self.signed, dark, top)
                                  for c in range(self.values.shape[1])], axis=1)
        else:
            rgb = colour_table(self.values, self.signed, dark, top)
        if self.masked is not None and self.masked.shape == self.values.shape:
            rgb[self.masked] = MASKED_GREY
        rgb = np.ascontiguousarray(rgb)
        h, w = rgb.shape[:2]
        image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        return image.copy()  # own the pixels: rgb is freed when this returns

    # --- geometry -------------------------------------------------------------------------
    def _label_widths(self) -> tuple[list[int], list[int]]:
        """(row, column) labels' widths in the widget's font, measured once per matrix and font: a paint asks for
        them several times (margins, which labels fit), and 512 labels took ~10 ms to measure each time."""
        if self._widths is None:
            fm = QFontMetrics(self.font())
            self._widths = ([fm.horizontalAdvance(t) for t in self.row_labels[:200]],
                            [fm.horizontalAdvance(t) for t in self.col_labels])
        return self._widths

    def _margins(self) -> tuple[int, int]:
        """(left, top) room for the row and column labels."""
        if self.compact:
            return 2, 2
        fm = QFontMetrics(self.font())
        left = self._left_margin()
        if self.column_labels_level():
            return left, fm.height() + 6
        top = max(self._label_widths()[1][:400], default=0) + 8
        return left, min(max(top, 8), 80)

    def _left_margin(self) -> int:
        return min(max(max(self._label_widths()[0], default=0) + 8, 24), 120)

    def column_labels_level(self) -> bool:
        """Column labels that fit across their cells are written level; longer ones are turned on their side."""
        cols = self.values.shape[1]
        if self.compact or not self.col_labels or not cols:
            return False
        widest = max(self._label_widths()[1][:400])
        return widest + 4 <= (self.width() - self._left_margin() - 8) / cols

    def levelled_columns(self) -> list[bool]:
        """For each column label, whether it is written level: all of them when all fit (``column_labels_level``),
        else each one that fits across its cell, so that a Chinese character is not laid on its side for a
        longer "<unk>" beside it."""
        cols = self.values.shape[1]
        if self.column_labels_level():
            return [True] * min(cols, len(self.col_labels))
        w = self.cell_rect().width() / max(cols, 1)
        return [width + 4 <= w for width in self._label_widths()[1][:cols]]

    def cell_rect(self) -> QRectF:
        left, top = self._margins()
        right = 2 if self.compact else 8
        return QRectF(left, top, max(1, self.width() - left - right), max(1, self.height() - top - right))

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(row, column) under a widget position, or None outside the cells."""
        rect, (rows, cols) = self.cell_rect(), self.values.shape
        if not rows or not cols or not rect.contains(pos):
            return None
        row = int((pos.y() - rect.top()) / rect.height() * rows)
        col = int((pos.x() - rect.left()) / rect.width() * cols)
        return min(row, rows - 1), min(col, cols - 1)

    def cell_centre(self, row: int, col: int) -> QPointF:
        rect, (rows, cols) = self.cell_rect(), self.values.shape
        return QPointF(rect.left() + (col + 0.5) * rect.width() / cols, rect.top() + (row + 0.5) * rect.height() / rows)

    # --- events ---------------------------------------------------------------------------
    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position())
        if cell is not None:
            self.cell_hovered.emit(cell[0], cell[1], float(self.values[cell]))
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event) -> None:
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.select(*cell)
            self.cell_clicked.emit(*cell)
        super().mousePressEvent(event)

    def changeEvent(self, event) -> None:
        self._image, self._widths = None, None  # a new theme needs new colours, a new font new widths
        super().changeEvent(event)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        rows, cols = self.values.shape
        if not rows or not cols:
            return
        if self._image is None:
            self._image = self._build_image()
        rect = self.cell_rect()
        painter.drawImage(rect, self._image)
        self._paint_selection(painter, rect, rows, cols)
        if not self.compact:
            self._paint_labels(painter, rect, rows, cols)

    def _paint_selection(self, painter: QPainter, rect: QRectF, rows: int, cols: int) -> None:
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), line_width(2))
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        h, w = rect.height() / rows, rect.width() / cols
        if self.selected_row is not None:
            painter.drawRect(QRectF(rect.left(), rect.top() + self.selected_row * h, rect.width(), h))
        if self.selected_row is not None and self.selected_col is not None:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), line_width(2)))
            painter.drawRect(QRectF(rect.left() + self.selected_col * w, rect.top() + self.selected_row * h, w, h))

    def _paint_labels(self, painter: QPainter, rect: QRectF, rows: int, cols: int) -> None:
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        fm = QFontMetrics(self.font())
        h = rect.height() / rows
        row_step = max(1, math.ceil(fm.height() / max(h, 1e-6)))
        for r in range(0, min(rows, len(self.row_labels)), row_step):
            box = QRectF(0, rect.top() + (r + 0.5) * h - fm.height(), rect.left() - 4, 2 * fm.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.row_labels[r])
        self._paint_column_labels(painter, rect, cols, fm)

    def _paint_column_labels(self, painter: QPainter, rect: QRectF, cols: int, fm: QFontMetrics) -> None:
        w = rect.width() / cols
        level = self.levelled_columns()
        col_step = 1 if all(level) else max(1, math.ceil(fm.height() / max(w, 1e-6)))
        for c in range(0, len(level), col_step):
            if level[c]:
                box = QRectF(rect.left() + c * w, 0, w, rect.top() - 2)
                painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, self.col_labels[c])
                continue
            painter.save()
            painter.translate(rect.left() + (c + 0.5) * w + fm.ascent() / 2 - 1, rect.top() - 4)
            painter.rotate(-90)
            painter.drawText(0, 0, self.col_labels[c])
            painter.restore()
