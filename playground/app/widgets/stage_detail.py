"""StageDetail: one recorded stage in full — heatmap, shape, explanation, formula and the worked numbers.

It shows a ``StageRecord`` of an ``Inspection`` as it was recorded. Its tabs: the numbers
(heatmap, value under the cursor), all heads of an attention stage (small multiples and
lines), the next-token bars with a temperature slider, and the embedding map (PCA).
"""

import html

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QSlider, QSpinBox, QSplitter, QTabWidget, QTextBrowser,
                               QVBoxLayout, QWidget)

from ...core.inspect import attention_row, softmax_at
from ...core.trace import axis_title
from .. import view_tables
from ..export import make_exportable
from .attention_views import AttentionLinesView, HeadGrid, ProbabilityBars
from .embedding_map import EmbeddingMap
from .heading import HeadingLabel
from .heatmap import HeatmapView
from .token_stream import quoted

SOURCE_GROUPS = ("memory",)
NEXT_TOKEN_STAGES = ("logits", "softmax")  # one row per position; the last row gives the next token
WORKED_LINES = 4  # the worked numbers' least height, in lines: a heading, the table's header and one row
HEATMAP_LINES = 5  # the heatmap's least height, in lines of its labels


def attention_prefix(name: str) -> str | None:
    """"decoder.0.cross_attn.weights" -> "decoder.0.cross_attn"; None outside attention."""
    head = name.rpartition(".")[0]
    return head if head.endswith((".attn", ".cross_attn")) else None


class StageDetail(QWidget):
    """The detail view of the current stage; ``tabs`` holds numbers, heads, next token and embeddings."""

    head_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.inspection = None
        self.record = None
        self.texts: dict[int, str] = {}  # token id -> text
        self.head = 0  # the internal head index, from 0; shown to people counted from 1
        self.row: int | None = None
        self.col: int | None = None
        self.pinned_row: int | None = None  # generation step by step: the newest output token's row
        self._build()

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = HeadingLabel("", 1.3)  # follows the zoom
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.formula = QLabel()
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setFont(QFont("monospace"))
        self.shape = QLabel()
        for label in (self.formula, self.shape):  # beside a lesson on a projector the row is narrow: they wrap
            label.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_numbers(), self.tr("Numbers"))
        self.tabs.addTab(self._build_heads(), self.tr("All heads"))
        self.tabs.addTab(self._build_next_token(), self.tr("Next token"))
        self.tabs.addTab(self._build_embedding_map(), self.tr("Embedding map"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        row = QHBoxLayout()
        row.addWidget(self.formula, 1)
        row.addWidget(self.shape)
        layout.addLayout(row)
        layout.addWidget(self.tabs, 1)

    def _build_numbers(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(4, 4, 4, 4)  # every line counts here beside a lesson on a projector
        bar = QHBoxLayout()
        self.head_caption = QLabel(self.tr("Head"))
        self.head_box = QSpinBox()  # its value is the head counted from 1, as people count; self.head is from 0
        self.head_box.setRange(1, 1)
        self.head_box.valueChanged.connect(lambda shown: self.set_head(shown - 1))
        self.hover_label = QLabel(self.tr("Point at a cell to read its value."))
        bar.addWidget(self.head_caption)
        bar.addWidget(self.head_box)
        bar.addWidget(self.hover_label, 1)
        self.heatmap = HeatmapView()
        make_exportable(self.heatmap, lambda: view_tables.stage_name(self), lambda: view_tables.stage_matrix(self))
        self.heatmap.cell_hovered.connect(self.show_value)
        self.heatmap.cell_clicked.connect(self.select_cell)
        self.worked = QTextBrowser()
        self.worked.setPlaceholderText(self.tr("Click a cell to see how its number is computed."))
        self.worked.document().setDocumentMargin(2)
        self._fit_worked()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.heatmap)
        split.addWidget(self.worked)
        split.setSizes([400, 160])
        column.addLayout(bar)
        column.addWidget(split, 1)
        return page

    def _fit_worked(self) -> None:
        """Room for the worked numbers' heading, the table's header and a row at the current font (presentation mode
        zooms it), and the heatmap's for its labels and a few rows; set again on each font change. Low enough for the
        window's 900×600 minimum: the worked numbers scroll."""
        line = self.worked.fontMetrics().lineSpacing()
        self.worked.setMinimumHeight(max(WORKED_LINES * line, 2 * self.worked.frameWidth()
                                         + self.worked.verticalScrollBar().sizeHint().height()))
        self.heatmap.setMinimumHeight(HEATMAP_LINES * self.heatmap.fontMetrics().height())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange and hasattr(self, "worked"):
            self._fit_worked()

    def _build_heads(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        self.head_grid = HeadGrid()
        make_exportable(self.head_grid, lambda: view_tables.stage_name(self, "heads"),
                        lambda: view_tables.attention_heads(self))
        self.head_grid.head_clicked.connect(self.enlarge_head)
        self.lines = AttentionLinesView()
        make_exportable(self.lines, lambda: view_tables.stage_name(self, "lines"),
                        lambda: view_tables.attention_lines(self.lines))
        row.addWidget(self.head_grid, 1)
        row.addWidget(self.lines, 1)
        return page

    def _build_next_token(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.temperature = QSlider(Qt.Orientation.Horizontal)
        self.temperature.setRange(10, 300)  # hundredths: 0.10 .. 3.00
        self.temperature.setValue(100)
        self.temperature.valueChanged.connect(self.show_probabilities)
        self.temperature_label = QLabel()
        self.position_label = QLabel()
        bar.addWidget(QLabel(self.tr("Temperature")))
        bar.addWidget(self.temperature, 1)
        bar.addWidget(self.temperature_label)
        self.bars = ProbabilityBars()
        make_exportable(self.bars, "next-token", lambda: view_tables.next_token(self))
        column.addLayout(bar)
        column.addWidget(self.position_label)
        column.addWidget(self.bars, 1)
        return page

    def _build_embedding_map(self) -> QWidget:
        self.embedding_map = EmbeddingMap()
        make_exportable(self.embedding_map.plot, "embedding-map",
                        lambda: view_tables.embedding_points(self.embedding_map))
        self.embedding_plot = self.embedding_map.plot
        return self.embedding_map

    # --- data --------------------------------------------------------------------------------
    def set_inspection(self, inspection, tokenizer) -> None:
        self.inspection = inspection
        self.texts = {}
        self._tokenizer = tokenizer
        self._embedding_drawn = False

    def token_text(self, i: int) -> str:
        if i not in self.texts:
            # the token as text, whitespace drawn and a partial character as its bytes (<E6 82>), never �
            token = self._tokenizer.id_to_token(i)
            self.texts[i] = self._tokenizer.readable(token) if token is not None else str(i)
        return self.texts[i]

    def labels_for(self, axis: str, record) -> list[str] | None:
        """Token labels along an axis of positions, from the source or the decoder input."""
        tr = self.inspection.trace
        source = self.inspection.src_ids is not None and (
            record.name.startswith("source.") or record.group.startswith("encoder") or record.group in SOURCE_GROUPS
            or (axis == "key" and ".cross_attn." in record.name))
        if axis in ("position", "query", "key"):
            ids = tr.get("source.tokens" if source else "tokens").tensor.long().tolist()
            return [f"{self.token_text(i)}" for i in ids]
        if axis == "token":
            return [self.token_text(i) for i in range(record.tensor.size(-1))]
        return None

    def show_record(self, record) -> None:
        self.record = record
        self.title.setText(record.title)
        self.explanation.setText(record.explanation)
        self.formula.setText(record.formula)
        axes = self.tr(", ", "between axis names").join(map(self.axis_name, record.axes))
        self.shape.setText(self.tr("shape {shape} · axes {axes}").format(
            shape=" × ".join(map(str, record.shape)) or "1", axes=axes))
        three = record.tensor.dim() == 3
        self.head_caption.setVisible(three)
        self.head_box.setVisible(three)
        if three:
            self.head_box.blockSignals(True)
            self.head_box.setRange(1, record.tensor.size(0))
            self.head = min(self.head, record.tensor.size(0) - 1)
            self.head_box.setValue(self.head + 1)
            self.head_box.blockSignals(False)
        self._show_matrix()
        prefix = attention_prefix(record.name)
        self.tabs.setTabVisible(1, prefix is not None)
        self.tabs.setTabVisible(2, record.group == "output")
        self.tabs.setTabVisible(3, record.group == "embedding")
        if not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentIndex(0)
        if prefix is not None:
            self._show_heads(prefix)
        if record.group == "output":
            self.show_probabilities()
        if record.group == "embedding" and not self._embedding_drawn:
            self._show_embedding_map()
        self._show_worked()

    def matrix(self) -> np.ndarray:
        """The 2-D numbers on screen: the record's tensor, one head of it when it has heads."""
        t = self.record.tensor
        t = t[self.head] if t.dim() == 3 else t
        return t.float().numpy()

    def column_scales(self, record) -> bool:
        """Whether each column of the record's matrix is coloured on its own scale (its columns differ in kind)."""
        return False

    def _masked_for(self, record) -> np.ndarray | None:
        prefix = attention_prefix(record.name)
        if prefix is None or record.axes[-2:] != ("query", "key"):
            return None
        return ~self.inspection.trace.get(f"{prefix}.mask").tensor.bool().numpy()

    def _show_matrix(self) -> None:
        record = self.record
        axes = record.axes[1:] if record.tensor.dim() == 3 else record.axes
        rows = self.labels_for(axes[0], record) if len(axes) == 2 else None
        cols = self.labels_for(axes[-1], record)
        signed, top = self.colour_scale(record)
        self.heatmap.set_matrix(self.matrix(), rows, cols, self._masked_for(record), signed, top,
                                column_scales=self.column_scales(record))
        n_rows, n_cols = self.heatmap.values.shape
        if self.pinned_row is not None and axes[0] in ("position", "query") and self.pinned_row < n_rows:
            self.row = self.pinned_row
        if self.row is not None and self.row >= n_rows:
            self.row = None
        if self.col is not None and self.col >= n_cols:
            self.col = None
        self.heatmap.select(self.highlighted_row(n_rows), self.col)

    @staticmethod
    def colour_scale(record) -> tuple[bool, float | None]:
        """(signed, top): probabilities are drawn from 0, attention weights on one scale (top 1)."""
        signed = not record.name.endswith((".weights", "softmax", ".mask"))
        return signed, 1.0 if record.name.endswith((".weights", ".mask")) else None

    def highlighted_row(self, n_rows: int) -> int | None:
        """The chosen row; on the scores and probabilities, by default the last: its distribution is the next token."""
        if self.row is None and self.record.name in NEXT_TOKEN_STAGES:
            return n_rows - 1
        return self.row

    def set_head(self, head: int) -> None:
        """Show head ``head`` (the internal index, from 0; the box shows it plus 1)."""
        self.head = head
        self.head_grid.set_current(head)
        if self.record is not None:
            self._show_matrix()
            prefix = attention_prefix(self.record.name)
            if prefix is not None:
                self._show_lines(prefix)
            self._show_worked()
        self.head_changed.emit(head)

    def enlarge_head(self, head: int) -> None:
        """A click on a small multiple (internal index ``head``): that head fills the Numbers tab."""
        self.head_box.setValue(head + 1)
        self.tabs.setCurrentIndex(0)

    def select_cell(self, row: int, col: int) -> None:
        self.row, self.col, self.pinned_row = row, col, None
        self.heatmap.select(row, col)
        prefix = self.record and attention_prefix(self.record.name)
        if prefix:
            self._show_lines(prefix)
        if self.record is not None and self.record.group == "output":
            self.show_probabilities()
        self._show_worked()

    def clear_selection(self) -> None:
        """No chosen cell: attention lines show every query, the scores their default row."""
        self.row = self.col = self.pinned_row = None
        if self.record is not None:
            self.show_record(self.record)

    def show_value(self, row: int, col: int, value: float) -> None:
        labels = self.heatmap
        rl = f" “{labels.row_labels[row]}”" if row < len(labels.row_labels) else ""
        cl = f" “{labels.col_labels[col]}”" if col < len(labels.col_labels) else ""
        axes = self.record.axes[1:] if self.record.tensor.dim() == 3 else self.record.axes
        names, comma = [self.axis_name(axis) for axis in axes], self.tr(", ", "between axis names")
        if len(axes) == 1:
            text = f"{names[0]} {col}{cl} = {value:.4g}"
        else:
            text = f"{names[0]} {row}{rl}{comma}{names[1]} {col}{cl} = {value:.4g}"
        self.hover_label.setText(text)

    @staticmethod
    def axis_name(axis: str) -> str:
        """A tensor axis as the window names it ("query" -> its translation; the core names them)."""
        return axis_title(axis)

    # --- the other tabs ------------------------------------------------------------------------
    def _show_heads(self, prefix: str) -> None:
        weights = self.inspection.trace.get(f"{prefix}.weights")
        masked = ~self.inspection.trace.get(f"{prefix}.mask").tensor.bool().numpy()
        self.head_grid.set_heads(weights.tensor.numpy(), masked, self.head)
        self._show_lines(prefix)

    def _show_lines(self, prefix: str) -> None:
        weights = self.inspection.trace.get(f"{prefix}.weights")
        head = min(self.head, weights.tensor.size(0) - 1)
        queries = self.labels_for("query", weights)
        keys = self.labels_for("key", weights)
        self.lines.set_weights(weights.tensor[head].numpy(), queries, keys, self.row)

    def selected_position(self) -> int:
        logits = self.inspection.trace.logits
        if self.record is not None and self.record.axes[:1] == ("position",) and self.row is not None:
            return min(self.row, logits.size(0) - 1)
        return logits.size(0) - 1

    def probabilities(self) -> np.ndarray:
        """softmax(recorded logits at the selected position / temperature), as the bars show."""
        t = self.temperature.value() / 100
        return softmax_at(self.inspection.trace.logits[self.selected_position()], t).numpy()

    def show_probabilities(self) -> None:
        if self.inspection is None:
            return
        t = self.temperature.value() / 100
        self.temperature_label.setText(f"T = {t:.2f}")
        probs = self.probabilities()
        top = np.argsort(-probs, kind="stable")[:10]
        pos = self.selected_position()
        ids = self.inspection.trace.get("tokens").tensor.long().tolist()
        self.position_label.setText(self.tr("After position {pos} “{token}”: the 10 most likely next tokens").format(
            pos=pos, token=quoted(self.token_text(ids[pos]))))
        self.bars.set_items([(self.token_text(int(i)), float(probs[i])) for i in top])

    def _show_embedding_map(self) -> None:
        self._embedding_drawn = True
        inspection = self.inspection
        used = set(inspection.ids) | set(inspection.src_ids or [])
        self.embedding_map.set_map(inspection.embedding_2d.numpy(), self._tokenizer, used, inspection.token_counts,
                                   inspection.embedding_extent)

    # --- worked numbers ---------------------------------------------------------------------------
    def _show_worked(self) -> None:
        if self.record is None or self.row is None or self.col is None:
            self.worked.clear()
            return
        prefix = attention_prefix(self.record.name)
        if prefix is not None and self.record.axes == ("head", "query", "key"):
            self.worked.setHtml(self.attention_html(prefix, self.head, self.row))
            return
        m = np.atleast_2d(self.matrix())  # a 1-D stage (the token ids) is drawn, and clicked, as one row
        if self.row < m.shape[0] and self.col < m.shape[-1]:
            self.worked.setHtml(html.escape(f"{self.record.formula}\n") + "<br>" + html.escape(
                self.tr("value at ({row}, {col}) = {v}").format(row=self.row, col=self.col, v=f"{m[self.row, self.col]:.6g}")))

    def attention_html(self, prefix: str, head: int, query: int) -> str:
        """The recorded numbers of one attention row: score, mask, softmax per key, and the weighted sum."""
        row = attention_row(self.inspection.trace, prefix, head, query)
        weights = self.inspection.trace.get(f"{prefix}.weights")
        queries, keys = self.labels_for("query", weights), self.labels_for("key", weights)
        esc = html.escape
        # the heading one short line, the formula after the table: the table's first rows show in a low box
        head_line = self.tr("Head {h}, query {i} “{q}”").format(h=head + 1, i=query, q=quoted(queries[query]))
        formula = f"A[i, j] = softmax_j(q·k_j/√{row.head_size}), out = Σ_j A[i, j]·v_j"
        # tr() outside the f-strings: lupdate does not look inside them
        key, softmax, first_dims = esc(self.tr("key")), esc(self.tr("softmax")), esc(self.tr("A·v (first dims)"))
        masked = esc(self.tr("masked"))
        cells = [f"<tr><th>j</th><th>{key}</th><th>q·k/√d</th><th>{softmax}</th><th>{first_dims}</th></tr>"]
        for j, (s, keep, w) in enumerate(zip(row.scores, row.keep, row.weights)):
            contribution = ", ".join(f"{w * x:+.3f}" for x in row.values[j, :4].tolist())
            score = f"{s:+.3f}" if keep else f"<span style='color:gray'>{s:+.3f} → −∞ ({masked})</span>"
            cells.append(f"<tr><td>{j}</td><td>{esc(quoted(keys[j]))}</td><td align='right'>{score}</td>"
                         f"<td align='right'>{w:.3f}</td><td>{contribution}</td></tr>")
        out = ", ".join(f"{x:+.3f}" for x in row.output[:8])
        more = " …" if len(row.output) > 8 else ""
        total = sum(row.weights)
        sums = self.tr("Σ softmax = {t}; out = Σ A·v = [{v}{more}]").format(t=f"{total:.3f}", v=out, more=more)
        return (f"<p style='margin: 0'><b>{esc(head_line)}</b></p>"
                f"<table cellspacing='2' cellpadding='2'>{''.join(cells)}</table>"
                f"<p>{esc(sums)}<br>{esc(formula)}</p>")
