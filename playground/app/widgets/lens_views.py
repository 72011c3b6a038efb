"""The Lens tab of Inspect: the logit lens grid, "why this token and not that one", attention over query rows.

Each view shows what ``core.lens`` computes from the recorded trace and the traced snapshot's
own final norm and LM head (``Inspection.model``); nothing here does a stage's maths.
"""

import time

import numpy as np
from PySide6.QtCore import QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QHBoxLayout, QLabel, QListWidget,
                               QRadioButton, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from ...core.errors import PlaygroundError
from ...core.lens import attention_over_rows, logit_attribution, part_title, row_title
from ..numbers import format_float, format_probability, number_locale
from .head_toggles import module_title
from .heatmap import HeatmapView

CANDIDATES = 100  # the tokens offered as candidates at a position: the most likely first
SLICE_S = 0.008  # the most one turn of the event loop spends filling the lens views (the window's gaps stay <= 50 ms)


class Slices(QObject):
    """Runs a generator's steps a few per turn of the event loop, none past ``SLICE_S``, so that filling
    large views never holds the window: GPT-2 small's logit lens is 13 x 64 cells, ~0.1-0.3 s in one go
    on the first trace of a loaded machine. ``finish()`` runs what is left at once."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._steps = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run)

    def start(self, steps) -> None:
        """Drop what was left of the last work, and run ``steps`` (an iterator) from the next turn."""
        self._steps = steps
        self._timer.start()

    def pending(self) -> bool:
        return self._steps is not None

    def finish(self) -> None:
        self._run(budget=float("inf"))

    def _run(self, budget: float | None = None) -> None:
        end = time.perf_counter() + (SLICE_S if budget is None else budget)
        while self._steps is not None:
            try:
                next(self._steps)
            except StopIteration:
                self._steps = None
                self._timer.stop()
                return
            if time.perf_counter() >= end:
                self._timer.start()
                return


def token_texts(tokenizer, ids) -> list[str]:
    """Each id as a person reads its token: whitespace drawn, part of a character as its bytes (<E6 82>)."""
    out = []
    for i in ids:
        token = tokenizer.id_to_token(int(i))
        out.append(tokenizer.readable(token) if token is not None else str(int(i)))
    return out


class LogitLensView(QWidget):
    """A layer × position grid of the most likely next token read from each layer, shaded by its probability."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lens = None
        self.tokenizer = None
        caption = QLabel(self.tr("What each layer would predict next if the model stopped there: the final norm "
                                 "and the output layer applied to that layer's residual stream. Click a cell for "
                                 "its most likely tokens."))
        caption.setWordWrap(True)
        self.grid = QTableWidget()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.currentCellChanged.connect(lambda row, col, _r, _c: self.show_cell(row, col))
        self.top_k = QLabel(self.tr("Click a cell to see its top tokens."))
        self.top_k.setWordWrap(True)
        self.top_k.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.top_k.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        split = QSplitter()
        split.addWidget(self.grid)
        split.addWidget(self.top_k)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(split, 1)

    def set_lens(self, lens, tokenizer, ids: list[int]) -> None:
        """Rows: the embeddings, then each layer (the last is the model's output); columns: the input positions."""
        for _step in self.fill_steps(lens, tokenizer, ids):
            pass

    def fill_steps(self, lens, tokenizer, ids: list[int]):
        """``set_lens`` in steps, one row of cells or a few columns' widths each (``Slices`` runs them)."""
        self.lens, self.tokenizer = lens, tokenizer
        n_rows, n_cols = lens.top_ids.shape[:2]
        grid = self.grid
        grid.blockSignals(True)
        grid.clear()
        grid.setRowCount(n_rows)
        grid.setColumnCount(n_cols)
        grid.setVerticalHeaderLabels([row_title(r) for r in range(n_rows)])
        grid.setHorizontalHeaderLabels([f"{p} {t}" for p, t in enumerate(token_texts(tokenizer, ids))])
        grid.horizontalHeader().setMinimumSectionSize(3 * self.fontMetrics().averageCharWidth() + 12)
        self.top_k.setText(self.tr("Click a cell to see its top tokens."))
        grid.blockSignals(False)
        shade = self.palette().color(QPalette.ColorRole.Highlight)
        tops = lens.top_ids[..., 0].tolist()
        probs = lens.top_probs[..., 0].tolist()
        tip = self.tr("“{token}”: {p}")  # translated once, not per cell: 13 x 64 of them for GPT-2 small
        locale = number_locale()
        for r in range(n_rows):
            yield
            texts = token_texts(tokenizer, tops[r])
            grid.blockSignals(True)
            for c, p in enumerate(probs[r][:n_cols]):
                percent = format_probability(p, locale=locale)  # "<0.1%", never "0.0%" for a likely-enough token
                item = QTableWidgetItem(texts[c])
                colour = QColor(shade)
                colour.setAlphaF(0.1 + 0.8 * probs[r][c])
                item.setBackground(QBrush(colour))
                item.setToolTip(tip.format(token=texts[c], p=percent))
                grid.setItem(r, c, item)
            grid.blockSignals(False)
        for c in range(n_cols):  # as resizeColumnsToContents, a column at a time: the first shaping of a
            yield                # script's glyphs is slow
            grid.resizeColumnToContents(c)

    def cell_text(self, row: int, col: int) -> str:
        return self.grid.item(row, col).text()

    def show_cell(self, row: int, col: int) -> None:
        """The cell's top-k tokens and their probabilities."""
        if self.lens is None or row < 0 or col < 0 or self.grid.item(row, col) is None:
            return
        top = self.lens.top(row, col)
        texts = token_texts(self.tokenizer, [i for i, _p in top])
        lines = [self.tr("{row}, after position {pos}:").format(row=row_title(row), pos=col)]
        locale = number_locale()
        lines += [f"“{t}”  {format_probability(p, locale=locale)}" for t, (_i, p) in zip(texts, top)]
        self.top_k.setText("\n".join(lines))


def signed(value: float) -> str:
    """A push as the bars write it: its sign always, a true minus, three decimals: +0.251, −1.034."""
    return f"{value:+.3f}".replace("-", "−")


class SignedBars(QWidget):
    """Labelled horizontal bars from a centre line: positive to the right, negative to the left.

    A row is never thinner than a line of its text: when the rows do not all fit (GPT-2 small has 26 parts),
    the largest pushes are shown in their order and a last line says how many smaller ones are left out."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[tuple[str, float]] = []
        self.setMinimumHeight(3 * self.row_height())

    def set_items(self, items: list[tuple[str, float]]) -> None:
        self.items = items
        self.update()

    def row_height(self) -> float:
        return QFontMetrics(self.font()).lineSpacing() + 4.0

    def shown_items(self) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(the rows drawn, in their order; those left out): the largest |values| that fit with a line for the rest."""
        fits = max(1, int(self.height() // self.row_height()))
        if len(self.items) <= fits:
            return list(self.items), []
        by_size = sorted(range(len(self.items)), key=lambda i: -abs(self.items[i][1]))
        kept = set(by_size[:max(1, fits - 1)])
        return ([it for i, it in enumerate(self.items) if i in kept],
                [it for i, it in enumerate(self.items) if i not in kept])

    def left_out_text(self, left_out: list[tuple[str, float]]) -> str:
        total = signed(sum(v for _t, v in left_out))
        if len(left_out) == 1:  # two strings, not "%n part(s)": English ships no .qm to pick a plural form
            return self.tr("1 smaller part not shown: {sum}").format(sum=total)
        return self.tr("{n} smaller parts not shown, together {sum}").format(n=len(left_out), sum=total)

    def paintEvent(self, _event) -> None:
        if not self.items:
            return
        painter = QPainter(self)
        fm = QFontMetrics(self.font())
        items, left_out = self.shown_items()
        label_w = min(self.width() // 3, max(fm.horizontalAdvance(t) for t, _v in items) + 12)
        value_w = fm.horizontalAdvance("−00.000") + 8
        row_h = max(self.row_height(), min(26.0, self.height() / (len(items) + bool(left_out))))
        # the room for bars is shared between the two sides as the values need it
        most, least = max(0.0, *(v for _t, v in items)), min(0.0, *(v for _t, v in items))
        span = (most - least) or 1.0
        room = max(20.0, self.width() - label_w - 2 * value_w - 8)
        centre = label_w + (value_w if least < 0 else 0) + room * (-least / span)
        half, top = room, span
        text = self.palette().color(QPalette.ColorRole.WindowText)
        plus, minus = QColor(40, 120, 200), QColor(210, 90, 50)
        for i, (label, v) in enumerate(items):
            y = i * row_h
            painter.setPen(text)
            painter.drawText(QRectF(0, y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, fm.elidedText(label, Qt.TextElideMode.ElideRight,
                                                                          label_w - 6))
            w = abs(v) / top * half
            x = centre if v >= 0 else centre - w
            painter.fillRect(QRectF(x, y + 3, max(1.0, w), row_h - 6), plus if v >= 0 else minus)
            value = signed(v)
            if v >= 0:
                painter.drawText(QRectF(centre + w + 4, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter, value)
            else:
                painter.drawText(QRectF(centre - w - value_w - 4, y, value_w, row_h),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, value)
        painter.setPen(text)
        painter.drawLine(int(centre), 0, int(centre), int(row_h * len(items)))
        if left_out:
            painter.drawText(QRectF(0, len(items) * row_h, self.width(), row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(self.left_out_text(left_out), Qt.TextElideMode.ElideRight, self.width()))


class AttributionView(QWidget):
    """Why this token and not that one: each part's push on logit[a] − logit[b] at one position."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.inspection = None
        self.tokenizer = None
        self.attribution = None
        caption = QLabel(self.tr("How much the embeddings and each layer's attention and feed-forward output push "
                                 "the score of the first token above the second, with the final layer norm "
                                 "frozen at its scale. The bars add up to the real difference."))
        caption.setWordWrap(True)
        self.position = QSpinBox()
        self.position.valueChanged.connect(self._on_position)
        self.position_token = QLabel()
        self.token_a = QComboBox()
        self.token_b = QComboBox()
        for box in (self.token_a, self.token_b):
            box.setMinimumContentsLength(6)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.currentIndexChanged.connect(self.update_attribution)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("After position")))
        row.addWidget(self.position)
        row.addWidget(self.position_token)
        row.addWidget(QLabel(self.tr("why")))
        row.addWidget(self.token_a, 1)
        row.addWidget(QLabel(self.tr("and not")))
        row.addWidget(self.token_b, 1)
        self.bars = SignedBars()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addLayout(row)
        layout.addWidget(self.bars, 1)
        layout.addWidget(self.summary)

    def set_inspection(self, inspection, tokenizer) -> None:
        """Position: the last; candidates: the two most likely tokens there."""
        self.inspection, self.tokenizer = inspection, tokenizer
        T = inspection.trace.logits.size(0)
        self.position.blockSignals(True)
        self.position.setRange(0, T - 1)
        self.position.setValue(T - 1)
        self.position.blockSignals(False)
        self._on_position()

    def _on_position(self) -> None:
        position = self.position.value()
        logits = self.inspection.trace.logits[position]
        self.position_token.setText(f"“{token_texts(self.tokenizer, [self.inspection.ids[position]])[0]}”")
        ids = logits.argsort(descending=True, stable=True)[:CANDIDATES].tolist()
        texts = token_texts(self.tokenizer, ids)
        for box, index in ((self.token_a, 0), (self.token_b, 1)):
            box.blockSignals(True)
            box.clear()
            for i, t in zip(ids, texts):
                box.addItem(f"“{t}”", i)
            box.setCurrentIndex(min(index, len(ids) - 1))
            box.blockSignals(False)
        self.update_attribution()

    def choose(self, position: int, token_a: int, token_b: int) -> None:
        """Show the attribution of ``token_a`` against ``token_b`` at ``position`` (ids among the candidates)."""
        self.position.setValue(position)
        for box, token in ((self.token_a, token_a), (self.token_b, token_b)):
            box.blockSignals(True)
            box.setCurrentIndex(box.findData(token))
            box.blockSignals(False)
        self.update_attribution()

    def update_attribution(self) -> None:
        if (self.inspection is None or self.inspection.model is None or self.token_a.currentIndex() < 0
                or self.token_b.currentIndex() < 0):
            return
        a, b = self.token_a.currentData(), self.token_b.currentData()
        try:
            self.attribution = logit_attribution(self.inspection.model, self.inspection.trace,
                                                 self.position.value(), a, b)
        except PlaygroundError as e:
            self.attribution = None
            self.bars.set_items([])
            self.summary.setText(str(e))
            return
        att = self.attribution
        items = [(part_title(n), v) for n, v in zip(att.names, att.values)]
        if att.bias:
            items.append((self.tr("Final norm bias"), att.bias))
        self.bars.set_items(items)
        summary = self.tr("Sum of the parts: {total}; the model's logit difference {a} − {b}: {real}")
        self.summary.setText(summary.format(
            total=format_float(att.total, 4), a=self.token_a.currentText(), b=self.token_b.currentText(),
            real=format_float(att.logit_difference, 4)))


class RowAttentionView(QWidget):
    """Attention summed or averaged over several query rows: where the chosen tokens looked, together."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.inspection = None
        self.tokenizer = None
        self.result: np.ndarray | None = None
        caption = QLabel(self.tr("Select several query tokens (Ctrl- or Shift-click) to see where they look "
                                 "together, for every head."))
        caption.setWordWrap(True)
        self.module = QComboBox()
        self.module.currentIndexChanged.connect(self._on_module)
        self.mean_button = QRadioButton(self.tr("Average"))
        self.sum_button = QRadioButton(self.tr("Sum"))
        self.mean_button.setChecked(True)
        self.mode = QButtonGroup(self)
        for button in (self.mean_button, self.sum_button):
            self.mode.addButton(button)
            button.toggled.connect(self.update_view)
        row = QHBoxLayout()
        row.addWidget(self.module, 1)
        row.addWidget(self.mean_button)
        row.addWidget(self.sum_button)
        self.rows = QListWidget()
        self.rows.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.rows.itemSelectionChanged.connect(self.update_view)
        self.heatmap = HeatmapView()
        split = QSplitter()
        split.addWidget(self.rows)
        split.addWidget(self.heatmap)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addLayout(row)
        layout.addWidget(split, 1)

    def set_inspection(self, inspection, tokenizer) -> None:
        self.inspection, self.tokenizer = inspection, tokenizer
        names = [r.name.rpartition(".")[0] for r in inspection.trace.records if r.name.endswith(".weights")]
        current = self.module.currentData()
        self.module.blockSignals(True)
        self.module.clear()
        for name in names:
            self.module.addItem(module_title(name), name)
        self.module.setCurrentIndex(max(0, self.module.findData(current)))
        self.module.blockSignals(False)
        self._on_module()

    def set_module(self, prefix: str) -> None:
        """Show attention ``prefix`` ("decoder.0.attn"), if the trace has it."""
        index = self.module.findData(prefix)
        if index >= 0:
            self.module.setCurrentIndex(index)

    def _token_labels(self, ids) -> list[str]:
        return token_texts(self.tokenizer, ids)

    def _on_module(self) -> None:
        prefix = self.module.currentData()
        if prefix is None:
            return
        tr = self.inspection.trace
        encoder = prefix.startswith("encoder.")  # its queries are the source tokens
        queries = self._token_labels(tr.get("source.tokens" if encoder else "tokens").tensor.long().tolist())
        # the rows chosen before, where this module has them; at first the last row
        selected = [i for i in self.selected_rows() if i < len(queries)] or [len(queries) - 1]
        self.rows.blockSignals(True)
        self.rows.clear()
        self.rows.addItems([f"{i} “{t}”" for i, t in enumerate(queries)])
        for i in selected:
            self.rows.item(i).setSelected(True)
        self.rows.blockSignals(False)
        self.update_view()

    def selected_rows(self) -> list[int]:
        return sorted(i.row() for i in self.rows.selectedIndexes())

    def select_rows(self, rows: list[int]) -> None:
        self.rows.blockSignals(True)
        self.rows.clearSelection()
        for i in rows:
            self.rows.item(i).setSelected(True)
        self.rows.blockSignals(False)
        self.update_view()

    def update_view(self) -> None:
        prefix, rows = self.module.currentData(), self.selected_rows()
        if self.inspection is None or prefix is None or not rows:
            self.result = None
            self.heatmap.set_matrix(np.zeros((0, 0)))
            return
        tr = self.inspection.trace
        mean = self.mean_button.isChecked()
        self.result = attention_over_rows(tr, prefix, rows, mean=mean).numpy()
        source = prefix.endswith(".cross_attn") or prefix.startswith("encoder.")
        keys = self._token_labels(tr.get("source.tokens" if source else "tokens").tensor.long().tolist())
        self.heatmap.set_matrix(self.result, None, keys, signed=False)  # the largest value darkest
        # the heads are not tokens: their labels are plain text, not marked as the heatmap marks a token's spaces
        self.heatmap.row_labels = [self.tr("head {h}").format(h=h + 1) for h in range(self.result.shape[0])]


class LensTabs(QTabWidget):
    """The three lens views, one tab each, filled from an ``Inspection`` whose ``lens`` and ``model`` are set."""
    def __init__(self, parent=None):
        super().__init__(parent)
        self.logit_lens = LogitLensView()
        self.attribution = AttributionView()
        self.row_attention = RowAttentionView()
        self.addTab(self.logit_lens, self.tr("Logit lens"))
        self.addTab(self.attribution, self.tr("Why this token"))
        self.addTab(self.row_attention, self.tr("Attention over rows"))

        self.slices = Slices(self)
        self._module: str | None = None  # the attention module asked for while the views were being filled

    def set_inspection(self, inspection, tokenizer) -> None:
        """Fill the three views over the next turns of the event loop (``filling()`` until done; ``finish()``
        at once): GPT-2 small's views take longer than a turn may."""
        self._module = None
        self.slices.start(self._fill_steps(inspection, tokenizer))

    def _fill_steps(self, inspection, tokenizer):
        yield
        self.attribution.set_inspection(inspection, tokenizer)
        yield
        self.row_attention.set_inspection(inspection, tokenizer)
        if self._module is not None:
            self.row_attention.set_module(self._module)
        if inspection.lens is not None:
            yield from self.logit_lens.fill_steps(inspection.lens, tokenizer, inspection.ids)

    def filling(self) -> bool:
        return self.slices.pending()

    def finish(self) -> None:
        self.slices.finish()

    def set_module(self, prefix: str) -> None:
        """Show attention ``prefix`` in the rows' view, once it has the inspection being filled in."""
        self._module = prefix
        self.row_attention.set_module(prefix)
