"""CheckpointList: the checkpoints of the current model, with a button to save one now."""

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QGroupBox, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from ..numbers import format_count


class CheckpointList(QGroupBox):
    """``add(row)`` lists a "checkpoint" event row; double-clicking one opens its folder."""

    def __init__(self, parent=None):
        super().__init__(self.tr("Checkpoints"), parent)
        self.list = QListWidget()
        self.list.setMinimumHeight(70)
        self.list.setMaximumHeight(140)
        self.list.setToolTip(self.tr("Double-click to open the folder"))
        self.list.itemActivated.connect(self._open)
        self.save_button = QPushButton(self.tr("Save a checkpoint now"))
        box = QVBoxLayout(self)
        box.addWidget(self.list)
        box.addWidget(self.save_button)

    def add(self, row: dict) -> None:
        path = Path(row["path"])
        run = path.parent.parent.name  # <run>/checkpoints/step-000120
        item = QListWidgetItem(self.tr("step {step}").format(step=format_count(row["step"])) + f"  ·  {run}")
        item.setToolTip(str(path))
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.list.addItem(item)
        self.list.scrollToBottom()

    def paths(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def clear_list(self) -> None:
        self.list.clear()

    def _open(self, item: QListWidgetItem) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(item.data(Qt.ItemDataRole.UserRole)))
