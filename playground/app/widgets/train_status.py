"""TrainStatus: the line above the loss plot — state, progress bar, tokens/s, elapsed time and ETA."""

import collections
import math

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from ..numbers import format_count

RATE_WINDOW = 20  # step records used for speed and ETA: the recent pace, not the average since start


def duration(seconds: float) -> str:
    """75 -> '1:15', 3725 -> '1:02:05'; '-' when unknown."""
    if not math.isfinite(seconds) or seconds < 0:
        return "-"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class TrainStatus(QWidget):
    """``add_step(row)`` is cheap (called per record); ``show_status(...)`` updates the labels (on a timer)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._recent = collections.deque(maxlen=RATE_WINDOW)  # (step, elapsed, tokens/s)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("step {step} of {target}").format(step=0, target=0))
        self.progress.setTextVisible(True)
        self.state_label = QLabel()
        bold = self.state_label.font()
        bold.setBold(True)
        self.state_label.setFont(bold)  # a font, not a style sheet: style sheets miss later theme changes
        self.speed_label, self.elapsed_label, self.eta_label = QLabel("-"), QLabel("-"), QLabel("-")
        self._fix_widths()
        # Two rows, each only as wide as its own texts: the line fits beside the settings in a 900 px window; the
        # figures take two rows of their own where one is too narrow (a projector's large text beside a lesson).
        top = QHBoxLayout()
        top.addWidget(self.state_label)
        top.addWidget(self.progress, 1)
        self._pairs = [(QLabel(caption), label) for caption, label in (
            (self.tr("Tokens/s:"), self.speed_label), (self.tr("Elapsed:"), self.elapsed_label),
            (self.tr("Remaining:"), self.eta_label))]
        self.figures = QGridLayout()
        self._per_row = 0
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addLayout(self.figures)
        self._reflow()

    def _fix_widths(self) -> None:
        """Fixed widths: a label that grows re-lays out the panel, and the plot repaints with it."""
        for label, widest in ((self.state_label, "Stopping…"), (self.speed_label, "8,888,888"),
                              (self.elapsed_label, "8:88:88"), (self.eta_label, "8:88:88")):
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(widest) + 6)

    def _one_row_width(self) -> int:
        spacing = max(self.figures.horizontalSpacing(), 0)
        return sum(max(w.minimumSizeHint().width(), w.minimumWidth()) + spacing for pair in self._pairs for w in pair)

    def _reflow(self) -> None:
        """All three figures in one row when it fits, else two rows of pairs."""
        per_row = 3 if self._one_row_width() <= self.width() or not self.isVisible() else 2
        if per_row == self._per_row:
            return
        self._per_row = per_row
        for i, (caption, label) in enumerate(self._pairs):
            self.figures.addWidget(caption, i // per_row, 2 * (i % per_row))
            self.figures.addWidget(label, i // per_row, 2 * (i % per_row) + 1)
        self.figures.setColumnStretch(2 * per_row, 1)
        self.figures.setColumnStretch(6, 1 if per_row == 3 else 0)
        self.figures.setColumnStretch(4, 1 if per_row == 2 else 0)
        self.layout().invalidate()
        self.updateGeometry()  # one row more or less: the panel lays out again around the new height

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._reflow()

    def showEvent(self, event) -> None:
        """A panel shown after the zoom changed (a lesson opens Train in presentation mode): its resize came while
        it was hidden, when one row was assumed; the row is measured again now."""
        super().showEvent(event)
        self._reflow()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange and hasattr(self, "figures"):
            self._fix_widths()
            self._per_row = 0
            self._reflow()

    def add_step(self, row: dict) -> None:
        self._recent.append((row["step"], row["elapsed"], row["tokens_per_second"]))

    def reset_pace(self) -> None:
        self._recent.clear()

    def show_pretrained(self) -> None:
        """Weights trained elsewhere (a Hugging Face folder): no steps here, so no progress bar at "0 of 1"."""
        self.state_label.setText(self.tr("Pretrained weights: not trained here"))
        self.progress.hide()
        self._show_no_pace()

    def _show_no_pace(self) -> None:
        for label in (self.speed_label, self.elapsed_label, self.eta_label):
            label.setText("-")

    def show_status(self, state_text: str, step: int, target: int, running: bool) -> None:
        """Progress as ``step`` of ``target`` (or of ``step`` when no run is planned), both counted from 0.

        The bar and its text share one origin: a run continued from step 150 to 200 reads
        "step 170 of 200" over a bar 85 % full (Qt's ``%m`` would say "of 50", the steps in range).
        """
        self.state_label.setText(state_text)
        self.progress.show()
        target = max(target, step, 1)
        self.progress.setRange(0, target)
        self.progress.setValue(step)
        self.progress.setFormat(self.tr("step {step} of {target}").format(
            step=format_count(step), target=format_count(target)))
        self._show_pace(target, running)

    def show_without_target(self, state_text: str, step: int, busy: bool) -> None:
        """Progress of a run whose target is not known (a watched folder that does not say it, or is not there yet):
        no "of 1". ``busy`` (it trains, or waits for its first record): a busy bar; else no bar. A step taken is
        told beside the state: "Training · step 40"."""
        self.state_label.setText(self.tr("{state} · step {step}").format(state=state_text, step=format_count(step))
                                 if step else state_text)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)  # Qt draws a busy bar, and no text
        self.progress.setFormat("")
        self._show_pace(math.nan, busy)

    def _show_pace(self, target: float, running: bool) -> None:
        if not self._recent:  # a new model, or a run yet to take its first step: not the last run's pace
            self._show_no_pace()
            return
        (step0, elapsed0, _), (step1, elapsed1, _) = self._recent[0], self._recent[-1]
        speed = sum(r[2] for r in self._recent) / len(self._recent)
        per_step = (elapsed1 - elapsed0) / (step1 - step0) if step1 > step0 else math.nan
        self.speed_label.setText(format_count(round(speed)))
        self.elapsed_label.setText(duration(elapsed1))
        eta = max(target - step1, 0) * per_step if running and math.isfinite(target) else math.nan
        self.eta_label.setText(duration(eta))
