"""A one-line label that shortens its text in the middle with "…" when narrow; the whole text is in its tooltip."""

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel


class ElidedLabel(QLabel):
    """One line, never wrapped: a long status in a narrow window ends in "…" instead of taking two lines."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()

    def full_text(self) -> str:
        """The whole text, as set; ``text()`` is what is drawn, perhaps shortened."""
        return self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.fontMetrics().horizontalAdvance("…") * 4, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        """What is drawn now: a layout's stretch gives the label more room, and the whole text comes back."""
        return QSize(self.fontMetrics().horizontalAdvance(super().text()), super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, max(self.contentsRect().width(), 1)))
