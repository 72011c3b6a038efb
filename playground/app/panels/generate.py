"""The Generate panel: sample from the model token by token."""

from PySide6.QtCore import QCoreApplication

from .base import Panel


class GeneratePanel(Panel):
    """Streams generated tokens, each tinted by its probability."""

    name = "generate"

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("GeneratePanel", "Generate")
