"""Banner: a message strip above a panel's content for errors and warnings, readable in any theme."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

# Translucent tints over the window's own background, so light and dark themes both stay readable.
LEVELS = {"error": (211, 47, 47), "warning": (237, 160, 0), "info": (25, 118, 210)}


class Banner(QFrame):
    """Hidden until ``show_message(text, level)``; the user closes it, or ``clear()`` does.

    A message about a state ("training is running", "the text file is missing") names that state
    as its ``topic``; whoever sees the state end calls ``clear_topic(topic)``, which takes the
    message away only if it is still the one shown. Messages about an event have no topic.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Close this message"))
        close.clicked.connect(self.clear)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 4, 6)
        row.addWidget(self.label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.level = self.topic = ""
        self.hide()

    def show_message(self, text: str, level: str = "info", topic: str = "") -> None:
        r, g, b = LEVELS.get(level, LEVELS["info"])
        self.level, self.topic = level, topic
        self.setObjectName("banner")
        self.setStyleSheet(f"#banner {{ background: rgba({r}, {g}, {b}, 45); border: 1px solid rgb({r}, {g}, {b});"
                           " border-radius: 4px; }")
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def clear(self) -> None:
        self.label.clear()
        self.level = self.topic = ""
        self.hide()

    def clear_topic(self, topic: str) -> None:
        """The state ``topic`` has ended: its message goes, any other stays."""
        if topic and self.topic == topic:
            self.clear()
