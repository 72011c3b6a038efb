"""TrainingStepSlider: choose the training step Inspect replays, from the weight snapshots; play steps through them."""

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from ..numbers import format_count

PLAY_MS = 600  # one training step shown this often while playing (each waits for its trace to arrive)


class TrainingStepSlider(QWidget):
    """``set_steps(snapshot_steps, now)``: one position a snapshot, the model as it is now last.

    ``pretrained=True``: weights trained elsewhere (a Hugging Face folder) have no steps to replay
    here; the slider and Play are hidden and the label says "pretrained weights", not "step 0".

    ``step_chosen(step)`` reports a snapshot's step, or None for the model now. ``busy`` (a
    callable) holds the animation back while the previous step is still being traced.
    """

    step_chosen = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.positions: list[int | None] = [None]
        self.now_step = 0
        self.pretrained = False
        self.busy = lambda: False
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(self.tr("Training step"))  # the step label beside it says it on screen
        self.slider.setMinimumWidth(12 * self.fontMetrics().horizontalAdvance("0"))
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setToolTip(self.tr("Replay every view with the weights the model had at an earlier step of "
                                       "its training (a snapshot is kept at each evaluation)"))
        self.step_label = QLabel()
        self.play_button = QPushButton()
        self.play_button.setCheckable(True)
        self.play_button.setToolTip(self.tr("Step through the training snapshots one after another"))
        self.timer = QTimer(self)
        self.timer.setInterval(PLAY_MS)
        self.timer.timeout.connect(self.advance)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(self.step_label)
        row.addWidget(self.play_button)
        self.slider.installEventFilter(self)
        self.slider.valueChanged.connect(self._on_value)
        self.play_button.toggled.connect(self._on_play)
        self._on_play(False)
        self._show()

    def eventFilter(self, watched, event) -> bool:
        """The arrow keys move the focused slider, not the stage (the panel's Left/Right shortcuts)."""
        if watched is self.slider and event.type() == QEvent.Type.ShortcutOverride \
                and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            event.accept()
            return True
        return super().eventFilter(watched, event)

    # --- positions ------------------------------------------------------------------------------
    def set_steps(self, snapshot_steps: list[int], now: int, pretrained: bool = False) -> None:
        """Snapshots before step ``now``, then the model now; the chosen step is kept when it still exists."""
        chosen = self.current()
        self.now_step = now
        self.pretrained = pretrained
        if pretrained:
            snapshot_steps = []
        self.positions = [s for s in snapshot_steps if s < now] + [None]
        if chosen is None or chosen not in self.positions:
            index = len(self.positions) - 1 if chosen is None else self._nearest(chosen)
        else:
            index = self.positions.index(chosen)
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(self.positions) - 1)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self._show()
        if self.current() != chosen:
            self.step_chosen.emit(self.current())

    def set_now(self, now: int) -> None:
        """The model's step now, between two evaluations (no new snapshot): only the label changes."""
        if now != self.now_step and not self.pretrained:
            self.now_step = now
            self._show()

    def _nearest(self, step: int) -> int:
        steps = [self.now_step if s is None else s for s in self.positions]
        return min(range(len(steps)), key=lambda i: abs(steps[i] - step))

    def current(self) -> int | None:
        """The chosen snapshot's step, or None for the model as it is now."""
        return self.positions[self.slider.value()]

    def step_number(self) -> int:
        step = self.current()
        return self.now_step if step is None else step

    def choose(self, step: int | None) -> None:
        """Move to a snapshot's step (None: the model now)."""
        self.slider.setValue(len(self.positions) - 1 if step is None else self._nearest(step))

    # --- playing ----------------------------------------------------------------------------------
    def advance(self) -> None:
        """The next position (while playing); at the last one the animation stops."""
        if self.busy():
            return  # the step before is still being traced: show each one
        if self.slider.value() >= self.slider.maximum():
            self.play_button.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)

    def _on_play(self, playing: bool) -> None:
        if playing:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)  # from the start again
            self.timer.start()
        else:
            self.timer.stop()
        self.play_button.setText(self.tr("❚❚ Pause") if playing else self.tr("▶ Play"))

    def _on_value(self, _index: int) -> None:
        self._show()
        self.step_chosen.emit(self.current())

    def _show(self) -> None:
        several = len(self.positions) > 1
        self.slider.setEnabled(several)
        self.play_button.setEnabled(several)
        self.slider.setVisible(not self.pretrained)
        self.play_button.setVisible(not self.pretrained)
        if self.pretrained:
            self.play_button.setChecked(False)
            self.step_label.setText(self.tr("pretrained weights"))
            self.step_label.setToolTip(self.tr("These weights were trained elsewhere: there are no training steps "
                                               "to replay here"))
            return
        if self.current() is None:
            text = self.tr("step {step} (now)").format(step=format_count(self.now_step))
        else:
            text = self.tr("step {step} of {now}").format(step=format_count(self.current()),
                                                          now=format_count(self.now_step))
        self.step_label.setText(text)
        self.step_label.setToolTip("" if several else self.tr("No earlier snapshot yet: train the model, and one is "
                                                              "kept at each evaluation"))
