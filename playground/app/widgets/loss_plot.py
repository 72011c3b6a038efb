"""LossPlot: live training and validation loss against step, with learning rate and gradient norm.

Records are added as they come (cheap: appends to numpy buffers); the curves are redrawn by a
~50 ms timer only when something changed, never once per record. Long runs stay fast with
pyqtgraph's automatic downsampling (to each pixel's lowest and highest value) and clip-to-view.
"""

import math

import numpy as np
import pyqtgraph as pg
from numpy.lib.stride_tricks import sliding_window_view
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem

REDRAW_MS = 50
AXIS_WIDTH = 62  # pixels for the tick labels and title of a vertical axis
SMOOTHING = 0.8  # exponential moving average of the training loss, bias-corrected
TRAIN_COLOR, VAL_COLOR = "#1f77b4", "#e8710a"
LR_COLOR, GRAD_COLOR = "#2ca02c", "#9467bd"
OVERLAY_COLORS = ["#8c564b", "#d62728", "#17becf", "#bcbd22", "#7f7f7f"]
# Points drawn per pixel of the step axis, each pixel's lowest and highest ("peak" downsampling keeps the envelope).
# pyqtgraph's default, 5, drew ~10,000 points at 10,000 steps: a redraw took 10.6 ms there, 4.2 ms at 1.
SAMPLES_PER_PIXEL = 1.0
# The gradient norm's axis leaves out spikes: points over SPIKE_FACTOR times the median of the SPIKE_WINDOW points
# around them. A run's first norms (often 5-10x its usual one) fall smoothly and stay on show; a spike of 100x, or a
# hostile 1e308 in a watched metrics.jsonl, runs off the top instead of flattening the rest of the curve to zero.
SPIKE_FACTOR, SPIKE_WINDOW = 5.0, 9
EMPTY_RANGE = (0.0, 1.0)  # an axis with no curve on it (pyqtgraph's own default; 1 to 10 on a log axis)
REFIT_GROWTH = 0.01  # the spikes are found again when the series has grown by this share (amortised O(1))


class Series:
    """x and y values in numpy buffers that grow by doubling: appending is O(1), reading copies nothing.

    It keeps the smallest and largest y as it goes, so fitting the view never scans the data.
    """

    def __init__(self):
        self.x = np.empty(256)
        self.y = np.empty(256)
        self.n = 0
        self.y_lo, self.y_hi = math.inf, -math.inf
        self.version = 0  # bumped by every change: a curve is given its data again only when this moved

    def append(self, x: float, y: float) -> None:
        if self.n == len(self.x):
            self.x = np.resize(self.x, 2 * self.n)
            self.y = np.resize(self.y, 2 * self.n)
        self.x[self.n], self.y[self.n] = x, y
        self.n += 1
        self.version += 1
        self.y_lo, self.y_hi = min(self.y_lo, y), max(self.y_hi, y)

    def clear(self) -> None:
        self.n = 0
        self.version += 1
        self.y_lo, self.y_hi = math.inf, -math.inf

    def x_last(self) -> float:
        return float(self.x[self.n - 1]) if self.n else -math.inf

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.n], self.y[: self.n]


def spike_proof_top(values: np.ndarray) -> float:
    """The largest of ``values`` that is not a spike (see ``SPIKE_FACTOR``); -inf for none."""
    if not values.size:
        return -math.inf
    half = SPIKE_WINDOW // 2
    around = np.median(sliding_window_view(np.pad(values, half, mode="edge"), SPIKE_WINDOW), axis=1)
    with np.errstate(over="ignore"):  # a median near the float's largest, times the factor: inf, as meant
        return float(values[values <= SPIKE_FACTOR * around].max())


class Smoother:
    """Bias-corrected exponential moving average: the first value comes out unchanged."""

    def __init__(self, beta: float = SMOOTHING):
        self.beta, self.value, self.count = beta, 0.0, 0

    def add(self, y: float) -> float:
        self.count += 1
        self.value = self.beta * self.value + (1 - self.beta) * y
        return self.value / (1 - self.beta ** self.count)


def loss_curves(rows) -> dict:
    """Smoothed training loss and validation loss from history rows (dicts), as numpy arrays."""
    smoother, steps, losses, val_steps, val_losses = Smoother(), [], [], [], []
    for row in rows:
        if row.get("kind") == "step" and math.isfinite(row["loss"]):
            steps.append(row["step"])
            losses.append(smoother.add(row["loss"]))
        elif row.get("kind") == "eval" and math.isfinite(row["metrics"].get("val_loss", math.nan)):
            val_steps.append(row["step"])
            val_losses.append(row["metrics"]["val_loss"])
    return {"steps": np.array(steps, float), "losses": np.array(losses, float),
            "val_steps": np.array(val_steps, float), "val_losses": np.array(val_losses, float)}


def fit_axis(view: pg.ViewBox, axis: int, lo: float, hi: float, log: bool = False, headroom: float = 0.0,
             force: bool = False) -> None:
    """Show [lo, hi] on one axis of ``view`` (0: x, 1: y), but only when the data left the view or
    fills less than 60% of it. pyqtgraph's own auto-range refits at every paint and then paints
    again; fitting here, with this slack, leaves the axes alone for most records (half the redraws).
    ``headroom`` extends the top (as a fraction of the span) so a growing run is not refitted every step.
    """
    if log:
        lo, hi = math.log10(max(lo, 1e-12)), math.log10(max(hi, 1e-12))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        if force:  # nothing on show: not the range of curves gone (a run that blew up, then another model)
            (view.setXRange if axis == 0 else view.setYRange)(*EMPTY_RANGE, padding=0)
        return
    span = max(hi - lo, abs(hi) * 1e-3, 1e-12)
    a, b = view.viewRange()[axis]
    if not force and a <= lo and hi <= b and span >= 0.6 * (b - a):
        return
    pad = 0.05 * span if axis == 0 else 0.08 * span  # y: room for the next few records before a refit
    bounds = (lo - pad, hi + pad + headroom * span)
    if axis == 0:
        view.setXRange(*bounds, padding=0)
    else:
        view.setYRange(*bounds, padding=0)


def tick_text(value: float, spacing: float) -> str:
    """A tick as a plain number with the digits its spacing needs: 0.0004, 0.00035, 4e-5 (never "400" under a
    title scaled by "(x1e-06)", pyqtgraph's SI prefix, which a class cannot read)."""
    if value == 0 or not (math.isfinite(value) and spacing > 0):
        return "0" if value == 0 else f"{value:g}"
    digits = max(1, math.floor(math.log10(abs(value))) - math.floor(math.log10(spacing)) + 1)
    return f"{value:.{digits}g}".replace("e-0", "e-").replace("e+0", "e+")


class PlainAxis(pg.AxisItem):
    """An axis with plain tick numbers and its title as given, however small the values (a learning rate)."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        return [tick_text(v * scale, spacing * scale) for v in values]


def _fast(curve: pg.PlotDataItem) -> pg.PlotDataItem:
    curve.setDownsampling(auto=True, method="peak")
    curve.opts["autoDownsampleFactor"] = SAMPLES_PER_PIXEL  # (pyqtgraph has no setter for it)
    curve.setClipToView(True)
    return curve


def _major_ticks_only(plot: pg.PlotItem) -> None:
    """Major ticks (and grid lines) only: the minor ones tripled the time of a repaint (14 -> 5 ms).

    Each axis is also cached as a pixmap: replaying its tick labels shapes their text again at
    every paint, and the axes change far less often than the curves.
    """
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        axis.setStyle(maxTickLevel=0)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


class Overlay:
    """An earlier run drawn dashed: its two plot items and the extent of its losses."""

    def __init__(self, items: tuple, curves: dict):
        self.items = items
        ys = np.concatenate([curves["losses"], curves["val_losses"]])
        xs = np.concatenate([curves["steps"], curves["val_steps"]])
        self.lo, self.hi = (float(ys.min()), float(ys.max())) if ys.size else (math.inf, -math.inf)
        self.x = float(xs.max()) if ys.size else -math.inf


class LossPlot(pg.GraphicsLayoutWidget):
    """Two stacked plots sharing the step axis: losses on top, learning rate and gradient norm below."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.train_raw, self.train_smooth = Series(), Series()
        self.val, self.lr, self.grad_norm = Series(), Series(), Series()
        self._smoother = Smoother()
        self._dirty = False
        self._shown: dict = {}  # curve -> the version of its series it was last given
        self._overlays: list[Overlay] = []
        self._overlay_lo, self._overlay_hi, self._overlay_x = math.inf, -math.inf, -math.inf
        self._steps = (0.0, 1.0)  # the step axis shows at least this (a run's first and last step)
        self._log = False
        self._grad_top = (0, -math.inf)  # (points, the gradient norm axis' top over them): see _grad_norm_top
        self._follow = True  # False once the user pans or zooms; the A button brings it back
        self._build_loss_plot()
        self._build_rate_plot()
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 1)
        self._align_steps()
        for view in (self.loss_plot.vb, self.rate_plot.vb, self.grad_view):
            view.disableAutoRange()  # fit_axis decides, see there
        for plot in (self.loss_plot, self.rate_plot):
            plot.vb.sigRangeChangedManually.connect(self._on_user_range)
            plot.autoBtn.clicked.connect(self._on_auto_button)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.refresh)
        self.apply_palette()

    def _build_loss_plot(self) -> None:
        p = self.loss_plot = self.addPlot(row=0, col=0)
        p.setLabel("left", self.tr("loss"))
        p.showGrid(x=True, y=True, alpha=0.25)
        p.setMenuEnabled(False)
        _major_ticks_only(p)
        self.legend = p.addLegend(offset=(-10, 10))
        # Only the two headline curves get 2-pixel pens: wider lines are stroked, about 1 ms a curve per redraw.
        self.train_raw_curve = _fast(p.plot(pen=pg.mkPen(QColor(TRAIN_COLOR).lighter(150), width=1)))
        self.train_curve = _fast(p.plot(pen=pg.mkPen(TRAIN_COLOR, width=2), name=self.tr("training loss")))
        self.val_curve = _fast(p.plot(pen=pg.mkPen(VAL_COLOR, width=2), symbol="o", symbolSize=6,
                                      symbolBrush=VAL_COLOR, symbolPen=None, name=self.tr("validation loss")))
        self.train_raw_curve.setOpacity(0.6)

    def _build_rate_plot(self) -> None:
        p = self.rate_plot = self.addPlot(row=1, col=0, axisItems={"left": PlainAxis("left"),
                                                                   "right": PlainAxis("right")})
        p.setXLink(self.loss_plot)
        p.setLabel("bottom", self.tr("step"))
        # no legend here: it would cover the curves; each axis label is drawn in its curve's colour
        p.setMenuEnabled(False)
        p.showAxis("right")
        self.lr_curve = _fast(p.plot(pen=pg.mkPen(LR_COLOR, width=1)))
        # The gradient norm lives in its own view box, drawn against the right axis.
        self.grad_view = pg.ViewBox()
        p.scene().addItem(self.grad_view)
        p.getAxis("right").linkToView(self.grad_view)
        _major_ticks_only(p)
        self.grad_view.setXLink(p)
        self.grad_curve = _fast(pg.PlotDataItem(pen=pg.mkPen(GRAD_COLOR, width=1)))
        self.grad_view.addItem(self.grad_curve)
        p.vb.sigResized.connect(self._align_grad_view)

    def _align_steps(self) -> None:
        """Same axis widths in both plots, so a step sits at the same x in each (the loss plot gets an
        empty right axis to match the gradient norm's)."""
        self.loss_plot.showAxis("right")
        self.loss_plot.getAxis("right").setStyle(showValues=False)
        for plot in (self.loss_plot, self.rate_plot):
            plot.getAxis("left").setWidth(AXIS_WIDTH)
            plot.getAxis("right").setWidth(AXIS_WIDTH)

    def _align_grad_view(self) -> None:
        self.grad_view.setGeometry(self.rate_plot.vb.sceneBoundingRect())
        self.grad_view.linkedViewChanged(self.rate_plot.vb, self.grad_view.XAxis)

    # --- data ------------------------------------------------------------------------------
    def add_step(self, step: int, loss: float, lr: float, grad_norm: float) -> None:
        if math.isfinite(loss):
            self.train_raw.append(step, loss)
            self.train_smooth.append(step, self._smoother.add(loss))
        self.lr.append(step, lr)
        if math.isfinite(grad_norm):
            self.grad_norm.append(step, grad_norm)
        self._changed()

    def add_eval(self, step: int, val_loss: float) -> None:
        if math.isfinite(val_loss):
            self.val.append(step, val_loss)
            self._changed()

    def add_rows(self, rows) -> None:
        """Add history rows (dicts from the trainer's records); step and eval rows are plotted."""
        for row in rows:
            if row.get("kind") == "step":
                self.add_step(row["step"], row["loss"], row["lr"], row["grad_norm"])
            elif row.get("kind") == "eval":
                self.add_eval(row["step"], row["metrics"].get("val_loss", math.nan))

    def clear_data(self) -> None:
        # not clear(): GraphicsLayoutWidget binds clear() to its layout's, which removes the plots
        for series in (self.train_raw, self.train_smooth, self.val, self.lr, self.grad_norm):
            series.clear()
        self._smoother = Smoother()
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        """Push the buffers to the curves; the timer calls it, tests may call it directly."""
        if not self._dirty:
            self._timer.stop()
            return
        self._dirty = False
        for curve, series in ((self.train_raw_curve, self.train_raw), (self.train_curve, self.train_smooth),
                              (self.val_curve, self.val), (self.lr_curve, self.lr),
                              (self.grad_curve, self.grad_norm)):
            if self._shown.get(curve) != series.version:  # the validation curve (with its symbols) changes
                curve.setData(*series.data())             # only at evaluations: most redraws skip it
                self._shown[curve] = series.version
        if self._follow:
            self.fit()

    def fit(self, force: bool = False) -> None:
        """Fit the views to the data (with slack: see ``fit_axis``)."""
        data_last = max(self.train_raw.x_last(), self.val.x_last(), self._overlay_x)
        beyond = data_last > self._steps[1]  # past the planned end: leave room to grow into
        fit_axis(self.loss_plot.vb, 0, self._steps[0], max(self._steps[1], data_last), headroom=0.25 if beyond else 0.0,
                 force=force)
        lo = min(self.train_raw.y_lo, self.val.y_lo, self._overlay_lo)
        hi = max(self.train_raw.y_hi, self.val.y_hi, self._overlay_hi)
        fit_axis(self.loss_plot.vb, 1, lo, hi, log=self._log, force=force)
        fit_axis(self.rate_plot.vb, 1, 0.0, self.lr.y_hi, force=force)
        fit_axis(self.grad_view, 1, 0.0, self._grad_norm_top(), force=force)

    def _grad_norm_top(self) -> float:
        """``spike_proof_top`` of the gradient norms, found again only once they grew by ``REFIT_GROWTH``."""
        n, (seen, top) = self.grad_norm.n, self._grad_top
        if n < seen or n >= seen * (1 + REFIT_GROWTH) + 1:
            top = spike_proof_top(self.grad_norm.data()[1])
            self._grad_top = (n, top)
        return top

    def set_step_range(self, first: int, last: int) -> None:
        """Show a run's whole extent on the step axis from its start: the axis then stays put."""
        self._steps = (float(first), float(max(last, first + 1)))
        self._follow = True
        fit_axis(self.loss_plot.vb, 0, *self._steps, force=True)

    def follow_steps(self) -> None:
        """Fit the step axis to the data alone again (after a session is loaded, say)."""
        last = max(self.train_raw.x_last(), self.val.x_last(), 1.0)
        self._steps = (0.0, last)
        self._follow = True
        self.fit(force=True)

    def _on_user_range(self, *args) -> None:
        self._follow = False

    def _on_auto_button(self) -> None:
        for view in (self.loss_plot.vb, self.rate_plot.vb, self.grad_view):
            view.disableAutoRange()
        self._follow = True
        self.fit(force=True)

    def point_count(self) -> int:
        return self.train_raw.n

    # --- comparison with earlier runs --------------------------------------------------------
    def add_overlay(self, label: str, curves: dict) -> Overlay:
        """Draw an earlier run (``loss_curves`` output) dashed, under the current curves; ``remove_overlay`` takes
        the overlay returned."""
        color = OVERLAY_COLORS[len(self._overlays) % len(OVERLAY_COLORS)]
        train = self.loss_plot.plot(curves["steps"], curves["losses"],
                                    pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                                    name=self.tr("{label}: training").format(label=label))
        val = self.loss_plot.plot(curves["val_steps"], curves["val_losses"],
                                  pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DotLine), symbol="t",
                                  symbolSize=6, symbolBrush=color, symbolPen=None,
                                  name=self.tr("{label}: validation").format(label=label))
        for item in (train, val):
            _fast(item).setZValue(-1)
        overlay = Overlay((train, val), curves)
        self._overlays.append(overlay)
        self._overlays_changed()
        return overlay

    def remove_overlay(self, overlay: Overlay) -> None:
        """Take one overlay off the plot (the others stay); the axes fit what is left."""
        if overlay not in self._overlays:
            return
        for item in overlay.items:
            self.loss_plot.removeItem(item)
        self._overlays.remove(overlay)
        self._overlays_changed()

    def clear_overlays(self) -> None:
        for overlay in self._overlays:
            for item in overlay.items:
                self.loss_plot.removeItem(item)
        self._overlays = []
        self._overlays_changed()

    def _overlays_changed(self) -> None:
        """The overlays' extent, which the axes fit along with the current curves."""
        self._overlay_lo = min((o.lo for o in self._overlays), default=math.inf)
        self._overlay_hi = max((o.hi for o in self._overlays), default=-math.inf)
        self._overlay_x = max((o.x for o in self._overlays), default=-math.inf)
        self.fit(force=True)

    def overlay_count(self) -> int:
        return len(self._overlays)

    # --- look ----------------------------------------------------------------------------------
    def set_log_scale(self, on: bool) -> None:
        self._log = on
        self.loss_plot.setLogMode(y=on)
        self.fit(force=True)

    def apply_palette(self) -> None:
        """Follow the window's light or dark palette."""
        palette = self.palette()
        self.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for plot in (self.loss_plot, self.rate_plot):
            for name in ("left", "bottom", "right"):
                axis = plot.getAxis(name)
                axis.setTextPen(text)
                axis.setPen(pg.mkPen(text, width=1))
        self.legend.setLabelTextColor(text)
        self.legend.setBrush(pg.mkBrush(palette.color(QPalette.ColorRole.Base)))
        for _sample, label in self.legend.items:
            label.setText(label.text, color=text)
        self.rate_plot.setLabel("left", self.tr("learning rate"), color=LR_COLOR)
        self.rate_plot.setLabel("right", self.tr("gradient norm"), color=GRAD_COLOR)

    def set_presenting(self, on: bool) -> None:
        """Presentation mode: the losses alone, over the whole height (the rate plot's titles are longer than
        its axes in a projector's font); the step axis gets its title in the loss plot."""
        if on == (not self.rate_plot.isVisible()):
            return
        if on:
            self._rate_height = self.rate_plot.maximumHeight()
        self.rate_plot.setVisible(not on)
        self.grad_view.setVisible(not on)  # its own view box in the scene, not inside the rate plot
        self.rate_plot.setMaximumHeight(0 if on else self._rate_height)
        self.ci.layout.setRowStretchFactor(1, 0 if on else 1)
        if on:
            self.loss_plot.setLabel("bottom", self.tr("step"))
        else:
            self.loss_plot.getAxis("bottom").showLabel(False)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "rate_plot"):
            self.apply_palette()
        super().changeEvent(event)
