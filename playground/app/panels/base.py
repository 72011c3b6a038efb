"""The base of every panel; ``panels/__init__.py`` is the one place that lists them in pipeline order."""

from PySide6.QtWidgets import QWidget

from ..worker import JobOwner


def typed_text(edit) -> str:
    """A QPlainTextEdit's text as typed: ``toPlainText`` turns a no-break space (U+00A0) into a plain one, which
    the tokenizer would then never see; its raw text keeps it and ends paragraphs and lines in U+2029 and U+2028."""
    return edit.document().toRawText().replace("\u2029", "\n").replace("\u2028", "\n")


class Panel(JobOwner, QWidget):
    """A page of the main window: a view over the shared QWorkspace."""

    name = "panel"  # stable id, used in settings and sessions
    icon = ""  # SVG in resources/icons for the sidebar; empty means "<name>.svg"

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

    @classmethod
    def icon_name(cls) -> str:
        return f"icons/{cls.icon or cls.name}.svg"

    def ui_state(self) -> dict:
        """Small JSON-able state kept in sessions (text typed, options chosen)."""
        return {}

    def restore_ui_state(self, state: dict) -> None:
        pass

    def report_error(self, message: str, details: str = "") -> None:
        """Show a failure in the window's message banner (a job's ``error`` can connect here)."""
        self.workspace.report_error(message, details)

    def shutdown(self) -> None:
        """Stop background work before the window closes."""
        self.cancel_job()
