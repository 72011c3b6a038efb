"""HealthView: per-layer gradient norm and update-to-weight ratio over steps, attention entropy per head, warnings.

It draws the trainer's "health" and "attention" records (``playground.core.health``); rows are added as
they come (appends to numpy buffers) and the curves are redrawn by a ~50 ms timer, as in LossPlot.
"""

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QBoxLayout, QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from ...core.health import EMBEDDING_LARGE_UPDATE, LARGE_UPDATE, describe, layer_title
from ..export import make_exportable
from ..numbers import format_count
from ..view_tables import matrix_rows
from .heatmap import HeatmapView
from .loss_plot import AXIS_WIDTH, REDRAW_MS, Series, _fast, _major_ticks_only, fit_axis

WARNING_LINES = 4  # the warnings box shows this many lines, then scrolls
ENTROPY_WIDTH = 190  # pixels for the entropy heatmap beside the curves
ENTROPY_HEIGHT = 120  # pixels for it below the curves, in a narrow window
CURVES_PER_REDRAW = 4  # new curves made per redraw tick (two per layer)
SIDE_BY_SIDE = 620  # from this width the heatmap stands beside the curves
UNLIMITED = 16777215  # Qt's QWIDGETSIZE_MAX
LAYER_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
                "#17becf"]


class DecadeAxis(pg.AxisItem):
    """A log axis with a tick at each power of ten only ("0.01", "1", "100"): minor labels crowd a small plot."""

    def tickValues(self, minVal, maxVal, size):
        lo, hi = math.ceil(minVal), math.floor(maxVal)
        every = max(1, math.ceil((hi - lo + 1) / max(2, size // 28)))  # about 28 px per label
        return [(1.0, [float(v) for v in range(lo, hi + 1, every)])]

    def tickStrings(self, values, scale, spacing):
        return [f"{10.0 ** v:g}" for v in values]


class HealthPlot(pg.GraphicsLayoutWidget):
    """Two stacked log-scale plots sharing the step axis: gradient norm per layer, update ratio per layer."""

    layers_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grads: dict[str, Series] = {}
        self.ratios: dict[str, Series] = {}
        self.curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self._dirty = False
        self.grad_plot = self._plot(0, "‖g‖")
        self.ratio_plot = self._plot(1, "‖Δw‖ / ‖w‖")
        self.setToolTip(self.tr("Top: each layer's gradient norm (before clipping). Bottom: how much one step "
                                "changes its weights. Dashed: 1% of the weights (5% for the embeddings); "
                                "above it for long, a warning comes."))
        self.ratio_plot.setXLink(self.grad_plot)
        self.ratio_plot.setLabel("bottom", self.tr("step"))
        for value in (LARGE_UPDATE, EMBEDDING_LARGE_UPDATE):  # the lines the warnings are drawn at
            line = pg.InfiniteLine(math.log10(value), angle=0, pen=pg.mkPen("#d62728", width=1, dash=[4, 4]))
            self.ratio_plot.addItem(line, ignoreBounds=True)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.refresh)
        self.apply_palette()

    def apply_palette(self) -> None:
        """Follow the window's light or dark palette."""
        palette = self.palette()
        self.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for plot in (self.grad_plot, self.ratio_plot):
            for name in ("left", "bottom"):
                plot.getAxis(name).setTextPen(text)
                plot.getAxis(name).setPen(pg.mkPen(text, width=1))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "ratio_plot"):
            self.apply_palette()
        super().changeEvent(event)

    def _plot(self, row: int, label: str) -> pg.PlotItem:
        p = self.addPlot(row=row, col=0, axisItems={"left": DecadeAxis("left")})
        p.setLabel("left", label)
        p.setLogMode(y=True)
        p.showGrid(x=True, y=True, alpha=0.25)
        p.setMenuEnabled(False)
        p.getAxis("left").setWidth(AXIS_WIDTH)
        p.getAxis("left").enableAutoSIPrefix(False)
        p.vb.disableAutoRange()  # fitted in refresh with slack (fit_axis): most records leave the axes alone
        _major_ticks_only(p)
        return p

    def layer_name(self, layer: str) -> str:
        """The legend's short name: "embedding", "enc 1", "dec 2", "head"."""
        kind, _dot, index = layer.partition(".")
        if kind == "embedding":
            return self.tr("embedding")
        if kind == "head":
            return self.tr("head")
        n = int(index) + 1
        return (self.tr("enc {n}") if kind == "encoder" else self.tr("dec {n}")).format(n=n)

    def add(self, row: dict) -> None:
        new = [layer for layer in row["layers"] if layer not in self.grads]
        for layer in new:
            self._add_layer(layer, len(self.grads))
        if new:
            self.layers_changed.emit()
        for i, layer in enumerate(row["layers"]):
            for series, value in ((self.grads[layer], row["grad_norms"][i]),
                                  (self.ratios[layer], row["update_ratios"][i])):
                if math.isfinite(value) and value > 0:  # a log axis has no room for 0
                    series.append(row["step"], value)
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def colour(self, layer: str) -> str:
        return LAYER_COLORS[list(self.grads).index(layer) % len(LAYER_COLORS)]

    def _add_layer(self, layer: str, index: int) -> None:
        self.grads[layer], self.ratios[layer] = Series(), Series()  # its curves come in refresh, a few at a time

    def _make_curves(self) -> bool:
        """Curves for new layers, CURVES_PER_REDRAW at a time: each takes a few ms to make, and a model's dozen at
        once would stall the window at the first record. True when every layer has its curves."""
        missing = [layer for layer in self.grads if ("grad", layer) not in self.curves]
        for layer in missing[:CURVES_PER_REDRAW // 2]:
            pen = pg.mkPen(self.colour(layer), width=1.5)
            self.curves[("grad", layer)] = _fast(self.grad_plot.plot(pen=pen))
            self.curves[("ratio", layer)] = _fast(self.ratio_plot.plot(pen=pen))
        return len(missing) <= CURVES_PER_REDRAW // 2

    def clear_data(self) -> None:
        for (which, _layer), curve in self.curves.items():
            (self.grad_plot if which == "grad" else self.ratio_plot).removeItem(curve)
        self.grads, self.ratios, self.curves = {}, {}, {}
        self._dirty = False
        self.layers_changed.emit()

    def refresh(self) -> None:
        if not self._dirty:
            self._timer.stop()
            return
        self._dirty = not self._make_curves()  # not all made yet: come back at the next tick
        for layer in self.grads:
            if ("grad", layer) in self.curves:
                self.curves[("grad", layer)].setData(*self.grads[layer].data())
                self.curves[("ratio", layer)].setData(*self.ratios[layer].data())
        steps = [s.x_last() for s in self.grads.values() if s.n]
        if steps:
            first = min(float(s.x[0]) for s in self.grads.values() if s.n)
            fit_axis(self.grad_plot.vb, 0, first, max(steps), headroom=0.25)
        self._fit(self.grad_plot, self.grads.values())
        self._fit(self.ratio_plot, self.ratios.values(), LARGE_UPDATE)

    @staticmethod
    def _fit(plot: pg.PlotItem, series, line: float | None = None) -> None:
        """The y range over the data and the warning line, at least two decades tall (so the ticks are decades)."""
        lows = [s.y_lo for s in series if s.n] + ([line] if line else [])
        highs = [s.y_hi for s in series if s.n] + ([line] if line else [])
        if not lows:
            return
        lo, hi = math.log10(max(min(lows), 1e-30)), math.log10(max(max(highs), 1e-30))
        middle, half = (lo + hi) / 2, max((hi - lo) / 2, 1.0)
        fit_axis(plot.vb, 1, 10 ** (middle - half), 10 ** (middle + half), log=True)

    def refresh_all(self) -> None:
        """Every curve made and drawn now (what the timer does over a few ticks); for tests and export."""
        while True:
            self._dirty = True
            self.refresh()
            if not self._dirty:
                return

    def point_count(self) -> int:
        return sum(s.n for s in self.grads.values())


class HealthView(QWidget):
    """The Train panel's Health tab: the curves, the entropy heatmap and what is off, in words."""

    warnings_changed = Signal(int)  # how many warnings the latest records raise

    def __init__(self, parent=None):
        super().__init__(parent)
        self.latest: dict[str, dict] = {}  # "health" and "attention": the newest record of each
        self._shown_html = ""
        self.entropy_rows: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.warnings = QTextBrowser()
        self.warnings.setOpenLinks(False)
        lines = self.warnings.fontMetrics().lineSpacing()
        scroll_bar = self.warnings.verticalScrollBar().minimumSizeHint().height()  # its arrows and a handle
        self.warnings.setFixedHeight(max(WARNING_LINES * lines + 8, scroll_bar) + 2 * self.warnings.frameWidth())
        layout.addWidget(self.warnings)
        self.plot = HealthPlot()
        self.plot.setMinimumSize(240, 180)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.plot.layers_changed.connect(self._show_legend)
        curves = QVBoxLayout()
        curves.setContentsMargins(0, 0, 0, 0)
        curves.addWidget(self.legend)
        curves.addWidget(self.plot, 1)
        row = self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.addLayout(curves, 1)
        side = QVBoxLayout()
        self.entropy_title = QLabel(self.tr("Attention entropy per head"))
        self.entropy_title.setWordWrap(True)
        self.entropy = HeatmapView()
        self.entropy.setMinimumSize(120, 60)
        self.entropy.setToolTip(self.tr("Attention entropy per head: rows are attention layers (E encoder, "
                                        "D decoder, C cross-attention), columns heads"))
        self.entropy.cell_hovered.connect(self._on_cell_hovered)
        self.entropy_caption = QLabel()
        self.entropy_caption.setWordWrap(True)
        self.entropy_caption.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        for widget in (self.entropy_title, self.entropy, self.entropy_caption):
            side.addWidget(widget)
        side.setStretch(1, 1)
        holder = self.entropy_box = QWidget()
        holder.setLayout(side)
        side.setContentsMargins(0, 0, 0, 0)
        row.addWidget(holder)
        layout.addLayout(row, 1)
        make_exportable(self.plot, "health", self.curve_table)
        make_exportable(self.entropy, "attention-entropy", self.entropy_table)
        self._arrange()
        self.clear()

    # --- numbers, for export -----------------------------------------------------------------
    def curve_table(self) -> tuple[list, list] | None:
        """One row per measured step: each layer's gradient norm, then each layer's update ratio."""
        plot = self.plot
        if not plot.point_count():
            return None
        layers = list(plot.grads)
        columns = [plot.grads[layer] for layer in layers] + [plot.ratios[layer] for layer in layers]
        by_step = [dict(zip(*(a.tolist() for a in series.data()))) for series in columns]
        header = [self.tr("step")]
        header += [self.tr("gradient norm, {layer}").format(layer=plot.layer_name(layer)) for layer in layers]
        header += [self.tr("update / weight, {layer}").format(layer=plot.layer_name(layer)) for layer in layers]
        steps = sorted(set().union(*by_step))
        return header, [[int(step)] + [column.get(step, "") for column in by_step] for step in steps]

    def entropy_table(self) -> tuple[list, list] | None:
        """The heatmap: attention layers × heads, entropy in nats."""
        if "attention" not in self.latest:
            return None
        row = self.latest["attention"]
        heads = [self.tr("head {h}").format(h=h + 1) for h in range(len(row["entropy"][0]))]
        return matrix_rows(np.array(row["entropy"]), [layer_title(m) for m in row["modules"]], heads,
                           self.tr("entropy (nats)"))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """The heatmap beside the curves in a wide window, below them in a narrow one."""
        wide = self.width() >= SIDE_BY_SIDE
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        self.row.setDirection(direction)
        self.entropy_title.setVisible(wide)  # below the curves the tooltip names it: the height goes to the cells
        if wide:
            self.entropy_box.setFixedWidth(ENTROPY_WIDTH)
            self.entropy_box.setMinimumHeight(0)
            self.entropy_box.setMaximumHeight(UNLIMITED)
        else:
            self.entropy_box.setMinimumWidth(0)
            self.entropy_box.setMaximumWidth(UNLIMITED)
            self.entropy_box.setFixedHeight(ENTROPY_HEIGHT)

    def _show_legend(self) -> None:
        names = [f"<span style='color:{self.plot.colour(layer)}'>■</span>&nbsp;"
                 f"{html.escape(self.plot.layer_name(layer))}" for layer in self.plot.grads]
        self.legend.setText("&nbsp;&nbsp; ".join(names))
        self.legend.setVisible(bool(names))

    # --- data ----------------------------------------------------------------------------
    def add_rows(self, rows) -> None:
        for row in rows:
            self.add_row(row, show=False)
        self._show_warnings()

    def add_row(self, row: dict, show: bool = True) -> None:
        kind = row.get("kind")
        if kind == "health":
            self.plot.add(row)
        elif kind == "attention":
            self._show_entropy(row)
        else:
            return
        self.latest[kind] = row
        if show:
            self._show_warnings()

    def clear(self) -> None:
        self.latest = {}
        self.plot.clear_data()
        self.entropy.set_matrix(np.zeros((0, 0)), signed=False)
        self.entropy_rows = []
        self.entropy_caption.setText(self.tr("Measured at each evaluation, on the same held-out examples."))
        self._show_warnings()

    # --- entropy ---------------------------------------------------------------------------
    def row_label(self, module: str) -> str:
        """A heatmap row: "E1" (encoder layer 1), "D2" (decoder layer 2, self-attention), "C2" (its cross-attention)."""
        parts = module.split(".")
        n = int(parts[1]) + 1
        if parts[0] == "encoder":
            return self.tr("E{n}").format(n=n)
        return (self.tr("C{n}") if parts[-1] == "cross_attn" else self.tr("D{n}")).format(n=n)

    def _show_entropy(self, row: dict) -> None:
        values = np.array(row["entropy"], dtype=np.float32)
        self.entropy_rows = list(row["modules"])
        heads = [str(h + 1) for h in range(values.shape[1] if values.ndim == 2 else 0)]
        self.entropy.set_matrix(values, [self.row_label(m) for m in row["modules"]], heads, signed=False,
                                top=row["max_entropy"])
        self._entropy_text(row)

    def _entropy_text(self, row: dict) -> None:
        self.entropy_caption.setText(
            self.tr("Step {step}. 0 nats: a head looks at one token; {top:.2f}: evenly at the whole "
                    "context.").format(step=format_count(row["step"]), top=row["max_entropy"]))

    def _on_cell_hovered(self, row: int, col: int, value: float) -> None:
        if row < 0 or row >= len(self.entropy_rows):
            if "attention" in self.latest:
                self._entropy_text(self.latest["attention"])
            return
        self.entropy_caption.setText(self.tr("{module}, head {h}: {e:.2f} nats").format(
            module=layer_title(self.entropy_rows[row]), h=col + 1, e=value))

    # --- words -----------------------------------------------------------------------------
    def current_warnings(self) -> list[dict]:
        return [w for kind in ("health", "attention") for w in self.latest.get(kind, {}).get("warnings", [])]

    def _show_warnings(self) -> None:
        warnings = self.current_warnings()
        if not self.latest:
            text = html.escape(self.tr("No measurements yet: they come every few steps while the model trains."))
        elif not warnings:
            text = html.escape(self.tr("Nothing looks off: gradients, updates and attention are in a healthy "
                                       "range."))
        else:
            items = []
            for warning in warnings:
                message, advice = describe(warning)
                items.append(f"<li><b>{html.escape(message)}</b> {html.escape(advice)}</li>")
            text = "<ul style='margin-left:-20px'>" + "".join(items) + "</ul>"
        if text != self._shown_html:  # most records change nothing here: no new layout of the text
            self._shown_html = text
            self.warnings.setHtml(text)
            self.warnings_changed.emit(len(warnings))

    def warning_texts(self) -> list[str]:
        """The warnings as shown, message and advice (for tests and export)."""
        return [" ".join(describe(w)) for w in self.current_warnings()]
