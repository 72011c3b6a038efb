"""The Train panel: device, settings, start/pause/stop and live curves."""

from PySide6.QtCore import QCoreApplication

from .base import Panel


class TrainPanel(Panel):
    """Trains the workspace's model off the UI thread and plots its records."""

    name = "train"

    @classmethod
    def title(cls) -> str:
        return QCoreApplication.translate("TrainPanel", "Train")
