"""EmbeddingMap: the token embedding matrix in 2-D (PCA) with a few labels and a search for any token.

A vocabulary of thousands of tokens labelled in full is an unreadable blob. Only these carry a
label: the input's tokens (bold), of the ``MAX_FREQUENT`` tokens most frequent in the training data
those whose label has room (frequent tokens crowd together: drawn over each other they read as
neither), and the tokens found by the search box (highlighted). Tokens read as their text (``readable``):
searching 悟 finds 悟, and “the” finds “␣the”.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..numbers import format_count
from ..theme import is_dark

MAX_FREQUENT = 40  # labels for the most frequent tokens: more would cover each other
MAX_MATCHES = 20  # tokens a search highlights at most, the most frequent first
MAX_LABEL = 12  # characters of a label before it is cut with "…"
HIGHLIGHT = "#e8590c"


class EmbeddingMap(QWidget):
    """``set_map(xy, tokenizer, used, counts)`` draws the map; the search box labels and highlights tokens."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.xy = np.zeros((0, 2))
        self.texts: list[str] = []  # each token's readable text, by id
        self.used: set[int] = set()
        self.counts: np.ndarray | None = None
        self.hidden: set[int] = set()
        self.labels: dict[int, str] = {}  # id -> label drawn, after the last redraw
        self.matches: list[int] = []
        self.query = ""  # the text searched for (typed in the box, or given to ``find``)
        self.extent: tuple[float, float, float, float] | None = None  # a frame kept across training steps
        self._build()

    def _build(self) -> None:
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setLabel("bottom", self.tr("first principal direction"))
        self.plot.setLabel("left", self.tr("second principal direction"))
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a token by its text, e.g. the or 悟…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.find)
        self.found_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Find")))
        bar.addWidget(self.search, 1)
        bar.addWidget(self.found_label, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.caption)
        column.addLayout(bar)
        column.addWidget(self.plot, 1)

    # --- data --------------------------------------------------------------------------------
    def set_map(self, xy: np.ndarray, tokenizer, used: set[int], counts: np.ndarray | None = None,
                extent: tuple[float, float, float, float] | None = None) -> None:
        """Points ``xy`` (V, 2; NaN rows are left out), labelled from ``tokenizer``; ``used``: the input's ids.

        ``extent`` (x min, x max, y min, y max): a fixed frame, so that replaying training moves the points,
        not the axes; None fits the view to the points.
        """
        self.xy = np.asarray(xy, dtype=float)
        self.extent = extent
        vocab = tokenizer.vocab()[: len(self.xy)]
        self.texts = [tokenizer.readable(t) for t in vocab]
        # never among the frequent labels: the special tokens (by id, not by name) and a char tokenizer's bytes
        fallback = tokenizer.byte_fallback_ids() if tokenizer.kind == "char" else ()
        self.hidden = set(tokenizer.special_ids()) | set(fallback)
        self.used, self.counts = set(used), counts
        self.matches = self._matching(self.query)
        self.redraw()

    def mapped(self) -> np.ndarray:
        return np.flatnonzero(np.isfinite(self.xy).all(axis=1)) if len(self.xy) else np.zeros(0, dtype=int)

    def frequent(self) -> list[int]:
        """The ``MAX_FREQUENT`` most frequent mapped tokens in the training data (none without counts)."""
        if self.counts is None:
            return []
        mapped = [i for i in self.mapped().tolist() if i not in self.hidden and self.counts[i] > 0]
        mapped.sort(key=lambda i: -int(self.counts[i]))
        return mapped[:MAX_FREQUENT]

    def find(self, text: str = "") -> list[int]:
        """Highlight and label the tokens that read ``text`` (exactly, else containing it)."""
        self.query = text
        self.matches = self._matching(text)
        self.redraw()
        return self.matches

    def _matching(self, text: str) -> list[int]:
        query = text.strip()
        if not query or not self.texts:
            return []
        plain = [t.replace("␣", " ").replace("↵", "\n").strip() for t in self.texts]
        folded = query.casefold()
        exact = [i for i, t in enumerate(plain) if t.casefold() == folded or self.texts[i] == query]
        found = exact or [i for i, t in enumerate(self.texts) if folded in t.casefold() or folded in plain[i].casefold()]
        if self.counts is not None:
            found.sort(key=lambda i: -int(self.counts[i]))
        return found[:MAX_MATCHES]

    # --- drawing -----------------------------------------------------------------------------
    def redraw(self) -> None:
        plot = self.plot
        plot.clear()
        dark = is_dark(self.palette())
        colour = "#e8e8ea" if dark else "#1d1d1f"
        plot.setBackground(self.palette().color(self.backgroundRole()))
        for side in ("left", "bottom"):
            plot.getAxis(side).setTextPen(colour)
        mapped = self.mapped()
        self.labels = {}
        if not len(mapped):
            return
        xy = self.xy
        plot.addItem(pg.ScatterPlotItem(xy[mapped, 0], xy[mapped, 1], size=5, brush=pg.mkBrush(120, 120, 140, 160),
                                        pen=None))
        if self.extent is not None:
            x0, x1, y0, y1 = self.extent
            plot.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.05)
        else:
            plot.getViewBox().autoRange()  # the view's scale now, to see which labels have room
        self._label_rects: list[QRectF] = []
        on_map = set(mapped.tolist())
        shown = [i for i in self.matches if i in on_map]
        if shown:
            plot.addItem(pg.ScatterPlotItem(xy[shown, 0], xy[shown, 1], size=13, brush=pg.mkBrush(HIGHLIGHT),
                                            pen=pg.mkPen(colour, width=1)))
        for i in shown:  # one label a token: found first, then the input's, then the frequent
            self._label(i, HIGHLIGHT, bold=True)
        for i in sorted(self.used & on_map - set(shown)):
            self._label(i, colour, bold=True)
        for i in self.frequent():
            if i not in self.labels and not self._covers(i, bold=False):
                self._label(i, (140, 140, 150), bold=False)
        self._show_caption()
        self._show_found(shown)

    def _label_text(self, i: int) -> str:
        text = self.texts[i]
        return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"

    def _label_rect(self, i: int, bold: bool) -> QRectF:
        """Where token i's label is drawn, in the scene's pixels: centred over its point."""
        font = QFont()
        font.setBold(bold)
        metrics = QFontMetricsF(font)
        at = self.plot.getViewBox().mapViewToScene(QPointF(float(self.xy[i, 0]), float(self.xy[i, 1])))
        width, height = metrics.horizontalAdvance(self._label_text(i)) + 4, metrics.height()
        return QRectF(at.x() - width / 2, at.y() - height, width, height)

    def _covers(self, i: int, bold: bool) -> bool:
        """Whether token i's label would be drawn over a label already there."""
        rect = self._label_rect(i, bold)
        return any(rect.intersects(other) for other in self._label_rects)

    def _label(self, i: int, colour, bold: bool) -> None:
        text = self._label_text(i)
        label = pg.TextItem(text, color=colour, anchor=(0.5, 1.0))
        if bold:
            font = QFont()
            font.setBold(True)
            label.setFont(font)
        label.setPos(float(self.xy[i, 0]), float(self.xy[i, 1]))
        self.plot.addItem(label)
        self.labels[i] = text
        self._label_rects.append(self._label_rect(i, bold))

    def _show_caption(self) -> None:
        n = len(self.mapped())
        if self.counts is not None:
            text = self.tr("{n} tokens projected to 2-D (PCA). Labelled: the input's tokens (bold) and those of "
                           "the {k} most frequent in the training data that have room; find any other below.")
        else:
            text = self.tr("{n} tokens projected to 2-D (PCA). Labelled: the input's tokens (bold); find any other "
                           "below.")
        self.caption.setText(text.format(n=format_count(n), k=MAX_FREQUENT))

    def _show_found(self, shown: list[int]) -> None:
        query = self.query.strip()
        if not query:
            self.found_label.setText("")
        elif not self.matches:
            self.found_label.setText(self.tr("No token reads “{text}”.").format(text=query))
        elif not shown:
            self.found_label.setText(self.tr("“{text}” is not on the map: its row is left out, never trained.").format(
                text=query))
        else:
            self.found_label.setText(self.tr("{n} found, highlighted").format(n=format_count(len(shown))))
