"""The base of every panel, and the one place that lists them in pipeline order."""

from PySide6.QtWidgets import QWidget

from ..worker import JobOwner


class Panel(JobOwner, QWidget):
    """A page of the main window: a view over the shared QWorkspace."""

    name = "panel"  # stable id, used in settings and sessions

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace

    @classmethod
    def title(cls) -> str:
        """Translated name shown in the sidebar."""
        raise NotImplementedError

    @classmethod
    def description(cls) -> str:
        """Translated one-line tooltip."""
        return ""

    def ui_state(self) -> dict:
        """Small JSON-able state kept in sessions (text typed, options chosen)."""
        return {}

    def restore_ui_state(self, state: dict) -> None:
        pass

    def shutdown(self) -> None:
        """Stop background work before the window closes."""
        self.cancel_job()
