"""CheckpointList: the checkpoints of the current model, the best one first, with buttons to save one now and
to load the best."""

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from ..numbers import format_count


class CheckpointList(QGroupBox):
    """``add(row)`` lists a "checkpoint" event row, ``set_best(row)`` a "best" one (at the top, replaced by the
    next best); double-clicking one opens its folder."""

    def __init__(self, parent=None):
        super().__init__(self.tr("Checkpoints"), parent)
        self.list = QListWidget()
        self.list.setMinimumHeight(70)
        self.list.setMaximumHeight(140)
        self.list.setToolTip(self.tr("Double-click to open the folder"))
        self.list.itemActivated.connect(self._open)
        self.best_item: QListWidgetItem | None = None
        self.save_button = QPushButton(self.tr("Save a checkpoint now"))
        self.load_best_button = QPushButton(self.tr("Load the best checkpoint"))
        self.load_best_button.setToolTip(self.tr("Open the model of the best evaluation so far, by the task's "
                                                 "headline metric, in Inspect and Generate"))
        self.load_best_button.setEnabled(False)
        self.note = QLabel()  # e.g. where a watched run's checkpoints are
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        box = QVBoxLayout(self)
        box.addWidget(self.note)
        box.addWidget(self.list)
        box.addWidget(self.save_button)
        box.addWidget(self.load_best_button)

    def set_note(self, text: str) -> None:
        """A line above the list (none with an empty ``text``)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def add(self, row: dict) -> None:
        path = Path(row["path"])
        run = path.parent.parent.name  # <run>/checkpoints/step-000120
        item = QListWidgetItem(self.tr("step {step}").format(step=format_count(row["step"])) + f"  ·  {run}")
        item.setToolTip(str(path))
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.list.addItem(item)
        self.list.scrollToBottom()

    def set_best(self, row: dict) -> None:
        """The run's best checkpoint (a "best" event row): one item at the top, marked, that follows the best."""
        if self.best_item is None:
            self.best_item = QListWidgetItem()
            font = self.best_item.font()
            font.setBold(True)
            self.best_item.setFont(font)
            self.list.insertItem(0, self.best_item)
        self.best_item.setText("★ " + self.tr("best: step {step}").format(step=format_count(row["step"])))
        self.best_item.setToolTip(self.tr("The best evaluation so far by the task's headline metric") + "\n"
                                  + str(row["path"]))
        self.best_item.setData(Qt.ItemDataRole.UserRole, str(row["path"]))
        self.load_best_button.setEnabled(True)

    @property
    def best_path(self) -> str | None:
        return self.best_item.data(Qt.ItemDataRole.UserRole) if self.best_item is not None else None

    def paths(self) -> list[str]:
        """The step checkpoints, oldest first (the best one is ``best_path``)."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items if item is not self.best_item]

    def clear_list(self) -> None:
        self.list.clear()
        self.best_item = None
        self.load_best_button.setEnabled(False)

    def _open(self, item: QListWidgetItem) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(item.data(Qt.ItemDataRole.UserRole)))
