"""LossPlot: live training and validation loss against step, with learning rate and gradient norm.

Records are added as they come (cheap: appends to numpy buffers); the curves are redrawn by a
~50 ms timer only when something changed, never once per record. Long runs stay fast with
pyqtgraph's automatic downsampling and clip-to-view.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QPalette

REDRAW_MS = 50
SMOOTHING = 0.8  # exponential moving average of the training loss, bias-corrected
TRAIN_COLOR, VAL_COLOR = "#1f77b4", "#e8710a"
LR_COLOR, GRAD_COLOR = "#2ca02c", "#9467bd"
OVERLAY_COLORS = ["#8c564b", "#d62728", "#17becf", "#bcbd22", "#7f7f7f"]


class Series:
    """x and y values in numpy buffers that grow by doubling: appending is O(1), reading copies nothing."""

    def __init__(self):
        self.x = np.empty(256)
        self.y = np.empty(256)
        self.n = 0

    def append(self, x: float, y: float) -> None:
        if self.n == len(self.x):
            self.x = np.resize(self.x, 2 * self.n)
            self.y = np.resize(self.y, 2 * self.n)
        self.x[self.n], self.y[self.n] = x, y
        self.n += 1

    def clear(self) -> None:
        self.n = 0

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.n], self.y[: self.n]


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


def _fast(curve: pg.PlotDataItem) -> pg.PlotDataItem:
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    return curve


def _major_ticks_only(plot: pg.PlotItem) -> None:
    """Major ticks (and grid lines) only: the minor ones tripled the time of a repaint (14 -> 5 ms)."""
    for name in ("left", "bottom", "right"):
        plot.getAxis(name).setStyle(maxTickLevel=0)


class LossPlot(pg.GraphicsLayoutWidget):
    """Two stacked plots sharing the step axis: losses on top, learning rate and gradient norm below."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.train_raw, self.train_smooth = Series(), Series()
        self.val, self.lr, self.grad_norm = Series(), Series(), Series()
        self._smoother = Smoother()
        self._dirty = False
        self._overlays: list[pg.PlotDataItem] = []
        self._build_loss_plot()
        self._build_rate_plot()
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 1)
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
        p = self.rate_plot = self.addPlot(row=1, col=0)
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
            curve.setData(*series.data())
        self.grad_view.enableAutoRange(axis=pg.ViewBox.YAxis)

    def set_step_range(self, first: int, last: int) -> None:
        """Fix the step axis to a run's extent: the axes then stay put while points arrive (cheaper redraws)."""
        self.loss_plot.setXRange(first, max(last, first + 1), padding=0.02)

    def follow_steps(self) -> None:
        """Let the step axis fit the data again."""
        self.loss_plot.enableAutoRange(axis=pg.ViewBox.XAxis)

    def point_count(self) -> int:
        return self.train_raw.n

    # --- comparison with earlier runs --------------------------------------------------------
    def add_overlay(self, label: str, curves: dict) -> None:
        """Draw an earlier run (``loss_curves`` output) dashed, under the current curves."""
        color = OVERLAY_COLORS[len(self._overlays) // 2 % len(OVERLAY_COLORS)]
        train = self.loss_plot.plot(curves["steps"], curves["losses"],
                                    pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                                    name=self.tr("{label}: training").format(label=label))
        val = self.loss_plot.plot(curves["val_steps"], curves["val_losses"],
                                  pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DotLine), symbol="t",
                                  symbolSize=6, symbolBrush=color, symbolPen=None,
                                  name=self.tr("{label}: validation").format(label=label))
        for item in (train, val):
            _fast(item).setZValue(-1)
            self._overlays.append(item)

    def clear_overlays(self) -> None:
        for item in self._overlays:
            self.loss_plot.removeItem(item)
        self._overlays = []

    def overlay_count(self) -> int:
        return len(self._overlays) // 2

    # --- look ----------------------------------------------------------------------------------
    def set_log_scale(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)

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

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "rate_plot"):
            self.apply_palette()
        super().changeEvent(event)
