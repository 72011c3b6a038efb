"""TrainSettingsForm: the training settings a student changes (device, steps, batch, learning rate...)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QSpinBox, QWidget

from ..presentation import mark_advanced
from .number_box import RateSpinBox

INT_MAX = 2**31 - 1


def _spin(minimum: int, maximum: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)  # one change when the user is done typing, not one per digit
    box.setGroupSeparatorShown(True)
    return box


class TrainSettingsForm(QWidget):
    """A form over a TrainConfig: ``load(cfg)`` shows it, ``changed(field, value)`` reports an edit."""

    changed = Signal(str, object)

    def __init__(self, devices: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.device = QComboBox()
        self.device.addItem(self.tr("Auto (best available)"), "auto")
        for device_id, name in devices:
            label = name if device_id == "cpu" else f"{name} ({device_id})"
            self.device.addItem(label, device_id)
        self.device.setToolTip(self.tr("Where the model trains. Auto picks a CUDA GPU, then an Apple GPU, then the CPU."))
        self.max_steps = _spin(1, 10_000_000, 100)
        self.max_steps.setToolTip(self.tr("Optimizer steps each press of Start adds to the training"))
        self.batch_size = _spin(1, 65_536)
        self.batch_size.setToolTip(self.tr("Examples (or text windows) in each step"))
        self.lr = RateSpinBox()
        self.lr.setToolTip(self.tr("Peak learning rate, reached after the warm-up, then decayed along a cosine"))
        self.warmup_steps = _spin(0, 10_000_000, 10)
        self.warmup_steps.setToolTip(self.tr("Steps over which the learning rate rises from 0 to its peak"))
        self.eval_interval = _spin(1, 10_000_000, 10)
        self.eval_interval.setToolTip(self.tr("Measure the validation metrics every this many steps"))
        self.seed = _spin(0, INT_MAX)
        self.seed.setToolTip(self.tr("Same seed, same data order and same run"))

        mark_advanced(self.device, self.warmup_steps, self.eval_interval, self.seed)  # presentation mode hides them
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Device"), self.device)
        form.addRow(self.tr("Steps"), self.max_steps)
        form.addRow(self.tr("Batch size"), self.batch_size)
        form.addRow(self.tr("Learning rate"), self.lr)
        form.addRow(self.tr("Warm-up steps"), self.warmup_steps)
        form.addRow(self.tr("Evaluate every"), self.eval_interval)
        form.addRow(self.tr("Seed"), self.seed)

        self.device.currentIndexChanged.connect(lambda _i: self.changed.emit("device", self.device.currentData()))
        for field in ("max_steps", "batch_size", "warmup_steps", "eval_interval", "seed", "lr"):
            box = getattr(self, field)
            box.valueChanged.connect(lambda value, f=field: self.changed.emit(f, value))

    def load(self, cfg) -> None:
        """Show ``cfg`` (a TrainConfig) without reporting it back as edits."""
        widgets = (self.device, self.max_steps, self.batch_size, self.lr, self.warmup_steps,
                   self.eval_interval, self.seed)
        for w in widgets:
            w.blockSignals(True)
        try:
            index = self.device.findData(cfg.device)
            self.device.setCurrentIndex(max(index, 0))
            for field in ("max_steps", "batch_size", "warmup_steps", "eval_interval", "seed", "lr"):
                box = getattr(self, field)  # a value set from code may lie past what a spin box holds (32 bits)
                box.setValue(min(max(getattr(cfg, field), box.minimum()), box.maximum()))
        finally:
            for w in widgets:
                w.blockSignals(False)

    def device_id(self) -> str:
        return self.device.currentData()
