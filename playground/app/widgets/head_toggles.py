"""HeadToggles: one on/off button per attention head (ablation), with "all heads on"; and the before/after."""

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def module_title(name: str) -> str:
    """"decoder.1.cross_attn" -> "Decoder layer 2 cross-attention": layers counted from 1, as the stage titles."""
    stack, index, kind = name.split(".")
    translate = QCoreApplication.translate
    stack = (translate("HeadToggles", "Encoder layer {i}") if stack == "encoder"
             else translate("HeadToggles", "Decoder layer {i}"))
    kind = (translate("HeadToggles", "cross-attention") if kind == "cross_attn"
            else translate("HeadToggles", "self-attention"))
    return translate("HeadToggles", "{layer} {attention}").format(layer=stack.format(i=int(index) + 1), attention=kind)


class HeadToggles(QWidget):
    """A row of head buttons per attention module, labelled from 1 ("head 1" is index 0); ``changed`` says which
    heads are off, ``ablated()`` gives them as indices from 0."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.buttons: dict[tuple[str, int], QPushButton] = {}
        self.grid = QGridLayout()
        self.reset_button = QPushButton(self.tr("Switch all heads back on"))
        self.reset_button.clicked.connect(self.reset)
        caption = QLabel(self.tr("Click a head to switch it off (ablation): its output becomes zeros. "
                                 "The trace and the next-token scores are computed again."))
        caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addLayout(self.grid)
        layout.addWidget(self.reset_button)

    def set_modules(self, modules: list[tuple[str, int]]) -> None:
        """(attention module name, number of heads) per module; every head starts on."""
        if [(n, h) for (n, h) in modules] == getattr(self, "_modules", None):
            return
        self._modules = list(modules)
        for button in self.buttons.values():
            button.deleteLater()
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.buttons = {}
        for row, (name, n_head) in enumerate(modules):
            self.grid.addWidget(QLabel(module_title(name)), row, 0)
            for h in range(n_head):
                button = QPushButton(self.tr("head {i}").format(i=h + 1))  # counted from 1, as the layers
                button.setCheckable(True)
                button.setChecked(True)
                button.setToolTip(self.tr("On: the head takes part. Off: it is ablated."))
                button.toggled.connect(self._on_toggled)
                self.grid.addWidget(button, row, 1 + h)
                self.buttons[(name, h)] = button

    def set_head(self, name: str, head: int, on: bool) -> None:
        self.buttons[(name, head)].setChecked(on)

    def ablated(self) -> dict[str, set[int]]:
        off: dict[str, set[int]] = {}
        for (name, h), button in self.buttons.items():
            if not button.isChecked():
                off.setdefault(name, set()).add(h)
        return off

    def reset(self) -> None:
        changed = False
        for button in self.buttons.values():
            if not button.isChecked():
                button.blockSignals(True)
                button.setChecked(True)
                button.blockSignals(False)
                self._style(button)
                changed = True
        if changed:
            self.changed.emit()

    def _on_toggled(self, _on: bool) -> None:
        self._style(self.sender())
        self.changed.emit()

    def _style(self, button) -> None:
        button.setStyleSheet("" if button.isChecked() else "QPushButton { text-decoration: line-through; }")
