"""The Inspect panel's place in the pipeline: the step-through inspector arrives here next."""

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from ...resources import resource_path
from ..widgets.heading import HeadingLabel
from .base import Panel


class InspectPanel(Panel):
    """A placeholder until the step-through inspector: says what will be here and what to use now."""

    name = "inspect"

    def __init__(self, workspace, parent=None):
        super().__init__(workspace, parent)
        heading = HeadingLabel(self.tr("The step-through inspector arrives here"), 1.4)
        self.message = QLabel(self.tr(
            "Soon you will step through one forward pass of your model, stage by stage: the tokens, their "
            "embeddings, every attention head's weights, the feed-forward layers, the logits and the softmax "
            "that picks the next token.\n\nUntil then, the command line already shows every stage: "
            "playground inspect <run folder> --text \"the cat\"."))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        icon = QLabel()
        icon.setPixmap(QIcon(str(resource_path(self.icon_name()))).pixmap(QSize(64, 64)))
        column = QVBoxLayout()
        column.addWidget(icon, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(heading, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(12)
        column.addWidget(self.message)  # no alignment: a wrapped label needs the row's width to size itself
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(column, 3)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("InspectPanel", "Inspect")

    @classmethod
    def description(cls) -> str:
        return QCoreApplication.translate("InspectPanel", "Step through the model stage by stage (next version)")
