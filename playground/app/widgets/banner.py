"""Banner: a message strip above a panel's content for errors and warnings, readable in any theme."""

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

# Translucent tints over the window's own background, so light and dark themes both stay readable.
LEVELS = {"error": (211, 47, 47), "warning": (237, 160, 0), "info": (25, 118, 210)}
# A first word of lower-case letters alone: an ordinary word, not a file name, option or identifier (config.json,
# max_new_tokens, bf16), which keeps its case.
PLAIN_FIRST_WORD = re.compile(r"[a-z]+(?=[ ,:;]|$)")


def as_sentence(text: str) -> str:
    """A message with a capital first letter. The core's messages start in lower case, so that they read right
    inside another ("Tracing failed: input of 58 tokens…"); a banner may show one alone."""
    return text[0].upper() + text[1:] if PLAIN_FIRST_WORD.match(text) else text


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
        self.label.setText(as_sentence(text))
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
