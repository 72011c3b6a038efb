"""TrainSettingsForm: the training settings a student changes (device, steps, batch, learning rate...)."""

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QSpinBox, QWidget

from ...core.device import auto_device
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


def why_no_cpu_bf16(device: str, cpu_problem: str | None) -> str | None:
    """Why bf16 on the CPU cannot be chosen for a run on ``device`` (auto already resolved), or None when it can.
    ``cpu_problem`` is ``device.cpu_bf16()``, why this CPU would not gain (None: it has AMX): ("cpu", None) ->
    None; ("cuda:0", None) -> not the CPU; ("cpu", "This CPU has no AMX...") -> that reason."""
    if device != "cpu":
        return QCoreApplication.translate("TrainSettingsForm", "Only for training on the CPU: choose the CPU as the "
                                          "device. A CUDA GPU already trains in bf16 where it supports it.")
    return cpu_problem


class TrainSettingsForm(QWidget):
    """A form over a TrainConfig: ``load(cfg)`` shows it, ``changed(field, value)`` reports an edit.

    ``devices`` are ``device.available_devices()``; ``cpu_problem`` is ``device.cpu_bf16()``: None where this CPU
    has AMX matrix units (bf16 matrix products faster than float32), else why not."""

    changed = Signal(str, object)

    def __init__(self, devices: list[tuple[str, str]], cpu_problem: str | None, parent=None):
        super().__init__(parent)
        self._auto = auto_device([device_id for device_id, _name in devices])
        self._cpu_problem = cpu_problem
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
        self.cpu_bf16 = QCheckBox(self.tr("bf16 on the CPU (AMX)"))
        self._bf16_tip = self.tr("Matrix products in bfloat16 on this CPU's AMX units: faster steps, about the same "
                                 "loss (bfloat16 keeps about 3 significant digits). Weights and the optimizer stay "
                                 "in float32; Inspect's stages are always float32.")

        # presentation mode hides these
        mark_advanced(self.device, self.cpu_bf16, self.warmup_steps, self.eval_interval, self.seed)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Device"), self.device)
        form.addRow(self.tr("Faster maths"), self.cpu_bf16)
        form.addRow(self.tr("Steps"), self.max_steps)
        form.addRow(self.tr("Batch size"), self.batch_size)
        form.addRow(self.tr("Learning rate"), self.lr)
        form.addRow(self.tr("Warm-up steps"), self.warmup_steps)
        form.addRow(self.tr("Evaluate every"), self.eval_interval)
        form.addRow(self.tr("Seed"), self.seed)

        self.device.currentIndexChanged.connect(self._on_device_changed)
        self.cpu_bf16.toggled.connect(lambda on: self.changed.emit("cpu_bf16", on))
        for field in ("max_steps", "batch_size", "warmup_steps", "eval_interval", "seed", "lr"):
            box = getattr(self, field)
            box.valueChanged.connect(lambda value, f=field: self.changed.emit(f, value))
        self._update_cpu_bf16()

    def load(self, cfg) -> None:
        """Show ``cfg`` (a TrainConfig) without reporting it back as edits."""
        widgets = (self.device, self.cpu_bf16, self.max_steps, self.batch_size, self.lr, self.warmup_steps,
                   self.eval_interval, self.seed)
        for w in widgets:
            w.blockSignals(True)
        try:
            index = self.device.findData(cfg.device)
            self.device.setCurrentIndex(max(index, 0))
            self.cpu_bf16.setChecked(cfg.cpu_bf16)
            for field in ("max_steps", "batch_size", "warmup_steps", "eval_interval", "seed", "lr"):
                box = getattr(self, field)  # a value set from code may lie past what a spin box holds (32 bits)
                box.setValue(min(max(getattr(cfg, field), box.minimum()), box.maximum()))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._update_cpu_bf16()

    def device_id(self) -> str:
        return self.device.currentData()

    def _on_device_changed(self, _index: int) -> None:
        self._update_cpu_bf16()
        self.changed.emit("device", self.device_id())

    def _update_cpu_bf16(self) -> None:
        """The bf16 box can be ticked for a run on a CPU with AMX; elsewhere it is off, and its tooltip says why.
        (It keeps its tick: the setting applies again when the CPU is chosen again.)"""
        device = self._auto if self.device_id() == "auto" else self.device_id()
        why_not = why_no_cpu_bf16(device, self._cpu_problem)
        self.cpu_bf16.setEnabled(why_not is None)
        self.cpu_bf16.setToolTip(why_not or self._bf16_tip)
