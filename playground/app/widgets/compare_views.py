"""The views of runs compared: their curves on the same axes, their figures and differing settings in one table.

Both take a list of ``core.compare.RunInfo`` and draw it whole (a comparison holds a few runs of
at most thousands of points: redrawing all of it takes milliseconds).
"""

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ...core.compare import config_differences, curves, summary
from ..numbers import format_count, format_float, format_short
from .metrics_table import MetricsTable, format_metric

LEGEND_ALPHA = 170  # of 255: the legend's background lets the curves under it show
RUN_COLORS = ["#1f77b4", "#e8710a", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf", "#bcbd22"]


def run_color(index: int) -> str:
    return RUN_COLORS[index % len(RUN_COLORS)]


class CompareCurves(pg.PlotWidget):
    """Each run's training loss (solid) and validation loss (dashed, with dots) in its own colour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.x_axis = "step"
        self.plotted: dict[str, dict] = {}  # label -> curves(...) as drawn, for the tests and the export
        item = self.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setMenuEnabled(False)
        self.legend = item.addLegend(offset=(-10, 10))
        self.apply_palette()

    def show_runs(self, runs, x_axis: str = "step") -> None:
        self.x_axis = x_axis
        self.clear()
        self.legend.clear()
        self.plotted = {}
        for index, run in enumerate(runs):
            data = self.plotted[run.label] = curves(run.rows, x_axis)
            color = run_color(index)
            self.plot(*data["train"], pen=pg.mkPen(color, width=2), name=run.label)
            self.plot(*data["val"], pen=pg.mkPen(color, width=1.5, style=Qt.PenStyle.DashLine), symbol="o",
                      symbolSize=6, symbolBrush=color, symbolPen=None)
        self.apply_palette()
        self.getPlotItem().enableAutoRange()

    def table(self) -> tuple[list[str], list[list]]:
        """The points drawn, for the CSV export: run, curve, x, loss."""
        rows = [[label, curve, x, y] for label, data in self.plotted.items()
                for curve in ("train", "val") for x, y in zip(*data[curve])]
        return [self.tr("run"), self.tr("curve"), self.axis_title(), self.tr("loss")], rows

    def axis_title(self) -> str:
        return self.tr("step") if self.x_axis == "step" else self.tr("training time (s)")

    def apply_palette(self) -> None:
        palette = self.palette()
        self.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        item = self.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTextPen(text)
            axis.setPen(pg.mkPen(text, width=1))
        item.setLabel("left", self.tr("loss (solid: training, dashed: validation)"), color=text)
        item.setLabel("bottom", self.axis_title(), color=text)
        self.legend.setLabelTextColor(text)
        background = palette.color(QPalette.ColorRole.Base)
        background.setAlpha(LEGEND_ALPHA)  # the curves under the legend still show (with wall time they reach it)
        self.legend.setBrush(pg.mkBrush(background))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "legend"):
            self.apply_palette()
        super().changeEvent(event)


class CompareTable(QTableWidget):
    """One column per run: final metrics, parameters, tokens/s, training time, then the settings that differ."""

    def __init__(self, parent=None):
        super().__init__(0, 0, parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.figures: list[dict] = []
        self.differences: list[tuple[str, list]] = []
        namer = MetricsTable()
        self._metric_names = namer.names()  # the metrics named as the Train panel names them
        namer.deleteLater()

    def show_runs(self, runs) -> None:
        self.figures = [summary(run) for run in runs]
        self.differences = config_differences(runs)
        names = self._metric_names
        metrics = list(dict.fromkeys([f["metric"] for f in self.figures]
                                     + [k for k in ("val_loss", "exact_match", "accuracy", "chrf")
                                        if any(k in f for f in self.figures)]))
        rows = [(names.get(key, key), [self._metric(f, key) for f in self.figures]) for key in metrics]
        rows += [(self.tr("Evaluated at step"), [self._count(f["eval_step"]) for f in self.figures]),
                 (self.tr("Parameters"), [self._count(f["parameters"]) for f in self.figures]),
                 (self.tr("Tokens/s (median)"), [self._short(f["tokens_per_second"]) for f in self.figures]),
                 (self.tr("Training time"), [self._seconds(f["seconds"]) for f in self.figures]),
                 (self.tr("Steps"), [format_count(f["steps"]) for f in self.figures])]
        rows += [(self.tr("Setting: {name}").format(name=self.setting_name(key)), [self.value_text(v) for v in values])
                 for key, values in self.differences]
        self.clear()
        self.setColumnCount(len(runs))
        self.setRowCount(len(rows))
        self.setHorizontalHeaderLabels([run.label for run in runs])
        self.setVerticalHeaderLabels([name for name, _values in rows])
        for r, (_name, values) in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        for c, run in enumerate(runs):
            self.horizontalHeaderItem(c).setForeground(pg.mkColor(run_color(c)))

    def difference_text(self) -> str:
        """The settings that differ, in a line: "position: learned vs rope"."""
        return self.tr("; ").join(self.tr("{name}: {values}").format(
            name=self.setting_name(key), values=self.tr(" vs ").join(self.value_text(v) for v in values))
            for key, values in self.differences)

    def setting_name(self, key: str) -> str:
        """A model or training setting in words; a setting not listed keeps its name in the settings file."""
        return self.setting_names().get(key, key)

    def setting_names(self) -> dict[str, str]:
        """Every model and training setting that can differ between runs, in words."""
        return {"family": self.tr("model family"), "architecture": self.tr("architecture"),
                "position": self.tr("positions"), "norm": self.tr("norm"), "n_layer": self.tr("layers"),
                "n_encoder_layer": self.tr("encoder layers"), "n_head": self.tr("heads"),
                "d_model": self.tr("width"), "d_ff": self.tr("feed-forward width"),
                "block_size": self.tr("context length"), "activation": self.tr("activation"),
                "dropout": self.tr("dropout"), "lstm_hidden": self.tr("LSTM hidden size"),
                "vocab_size": self.tr("vocabulary size"), "tie_weights": self.tr("embedding shared with the output"),
                "bias": self.tr("biases"), "pad_id": self.tr("padding id"), "lr": self.tr("learning rate"),
                "min_lr": self.tr("final learning rate"), "warmup_steps": self.tr("warm-up steps"),
                "lr_decay_steps": self.tr("learning-rate decay steps"), "weight_decay": self.tr("weight decay"),
                "beta1": self.tr("Adam β1"), "beta2": self.tr("Adam β2"), "grad_clip": self.tr("gradient clipping"),
                "grad_accum": self.tr("gradient accumulation"), "batch_size": self.tr("batch size"),
                "max_steps": self.tr("steps"), "eval_interval": self.tr("evaluate every"),
                "eval_batches": self.tr("evaluation batches"), "eval_examples": self.tr("examples evaluated"),
                "checkpoint_interval": self.tr("checkpoint every"), "amp": self.tr("mixed precision"),
                "cpu_bf16": self.tr("bf16 on the CPU (AMX)"),
                "health_interval": self.tr("health check every"), "seed": self.tr("seed")}

    def value_text(self, value) -> str:
        names = {"learned": self.tr("learned"), "sinusoidal": self.tr("sinusoidal"), "rope": self.tr("RoPE"),
                 "pre": self.tr("pre-LN"), "post": self.tr("post-LN"), "transformer": self.tr("Transformer"),
                 "lstm": self.tr("LSTM"), "decoder": self.tr("decoder-only"),
                 "encoder-decoder": self.tr("encoder-decoder")}
        if isinstance(value, bool):
            return self.tr("yes") if value else self.tr("no")
        return "—" if value is None else names.get(value, str(value)) if isinstance(value, str) else str(value)

    def cell(self, row_name: str, column: int) -> str:
        for r in range(self.rowCount()):
            if self.verticalHeaderItem(r).text() == row_name:
                return self.item(r, column).text()
        raise KeyError(row_name)

    def table(self) -> tuple[list[str], list[list]]:
        header = [""] + [self.horizontalHeaderItem(c).text() for c in range(self.columnCount())]
        rows = [[self.verticalHeaderItem(r).text()] + [self.item(r, c).text() for c in range(self.columnCount())]
                for r in range(self.rowCount())]
        return header, rows

    @staticmethod
    def _metric(figures: dict, key: str) -> str:
        value = figures.get(key)
        return "—" if value is None or not math.isfinite(value) else format_metric(key, value)

    @staticmethod
    def _count(n) -> str:
        return "—" if n is None else format_count(n)

    @staticmethod
    def _short(n) -> str:
        return "—" if n is None else format_short(n)

    def _seconds(self, seconds) -> str:
        return "—" if seconds is None else self.tr("{s} s").format(s=format_float(seconds, 1))
