"""HeadingLabel: a label whose font is a fixed multiple of the application font, so it follows the zoom."""

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel


class HeadingLabel(QLabel):
    """``scale`` times the application font's size, bold if asked; ``refresh()`` after a zoom."""

    def __init__(self, text: str = "", scale: float = 1.0, bold: bool = True, parent=None):
        super().__init__(text, parent)
        self.scale, self.bold = scale, bold
        self.refresh()

    def wanted_font(self) -> QFont:
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * self.scale)
        font.setBold(self.bold)
        return font

    def refresh(self) -> None:
        """Size the font from the application font again (the main window calls this when zooming)."""
        font = self.wanted_font()
        if font != self.font():
            self.setFont(font)
