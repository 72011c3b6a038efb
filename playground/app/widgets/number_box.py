"""RateSpinBox: a spin box for quantities that span decades, such as a learning rate (1e-4 ... 1e-1)."""

import math

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox


class RateSpinBox(QDoubleSpinBox):
    """Shows ``0.001`` or ``3e-05`` compactly; the arrows step through 1, 2, 5 in each decade."""

    LADDER = (1.0, 2.0, 5.0)

    def __init__(self, minimum: float = 1e-7, maximum: float = 1e7, parent=None):
        super().__init__(parent)
        self.setDecimals(12)  # the value keeps its precision; textFromValue decides what is shown
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        return f"{value:.3g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            partial = stripped == "" or stripped[-1] in "eE.-+" or stripped.lower().endswith("e-")
            return QValidator.State.Intermediate if partial else QValidator.State.Invalid, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return QValidator.State.Acceptable if ok else QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        value = self.value()
        for _ in range(abs(steps)):
            value = self._next(value, up=steps > 0)
        self.setValue(value)

    def _next(self, value: float, up: bool) -> float:
        """The next value on the 1-2-5 ladder above or below ``value``."""
        decade = math.floor(math.log10(value))
        ladder = [m * 10.0 ** d for d in (decade - 1, decade, decade + 1) for m in self.LADDER]
        if up:
            return min((v for v in ladder if v > value * (1 + 1e-9)), default=value)
        return max((v for v in ladder if v < value * (1 - 1e-9)), default=value)
