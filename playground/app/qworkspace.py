"""The Qt face of the core Workspace: the same object, plus signals the panels listen to."""

from contextlib import nullcontext

from PySide6.QtCore import QObject, Signal

from ..core.workspace import Workspace
from .panel_turns import PanelTurns


class QWorkspace(QObject):
    """Wraps a core ``Workspace``; panels call its methods, then it says what changed.

    Signals: ``data_changed`` (new task or tokenizer), ``model_changed`` (config or weights),
    ``train_config_changed`` (training settings, whoever set them),
    ``training_record`` (each training record as a dict, in the UI thread), ``training_state``
    ("running", "paused", "stopped", "finished", "diverged"), ``message`` (text for the status bar),
    ``error`` (message, details: a failure the window shows in its banner).
    ``turns`` tells hidden panels of a change in later event-loop turns, where asked (``replace_core``).
    """

    data_changed = Signal()
    model_changed = Signal()
    train_config_changed = Signal()
    training_record = Signal(dict)
    training_state = Signal(str)
    message = Signal(str)
    error = Signal(str, str)

    def __init__(self, workspace: Workspace | None = None, parent=None):
        super().__init__(parent)
        self.core = workspace or Workspace()
        self.turns = PanelTurns(self)
        self.state = "idle"  # the last training_state, so anyone can ask whether training runs
        self.training_state.connect(self._remember_state)

    def _remember_state(self, state: str) -> None:
        self.state = state

    @property
    def training_active(self) -> bool:
        """True while a trainer may be changing the weights (running, not paused or stopped)."""
        return self.state == "running"

    def replace_core(self, workspace: Workspace, in_turns: bool = False) -> None:
        """Adopt a whole workspace, e.g. one loaded from a session file.

        ``in_turns``: the panel being shown hears it now, the hidden ones in the turns after (a large model:
        telling them all at once held the window 20-35 ms); ``turns.all_told`` says when the last has heard it.
        """
        self.core = workspace
        with self.turns.telling() if in_turns else nullcontext():
            self.data_changed.emit()
            self.model_changed.emit()

    def set_recipe(self, recipe) -> None:
        """Adopt a recipe built in a worker (recipe_for_dataset / recipe_for_text are slow-ish)."""
        self.core.set_recipe(recipe)
        self.data_changed.emit()
        self.model_changed.emit()

    def use_dataset(self, name: str, **options):
        recipe = self.core.use_dataset(name, **options)
        self.data_changed.emit()
        self.model_changed.emit()
        return recipe

    def use_text(self, source, **options):
        recipe = self.core.use_text(source, **options)
        self.data_changed.emit()
        self.model_changed.emit()
        return recipe

    def retokenize(self, kind: str, vocab_size: int | None = None):
        recipe = self.core.retokenize(kind, vocab_size)
        self.data_changed.emit()
        self.model_changed.emit()
        return recipe

    def set_model_config(self, **changes):
        cfg = self.core.set_model_config(**changes)
        self.model_changed.emit()
        return cfg

    def set_train_config(self, **changes):
        cfg = self.core.set_train_config(**changes)
        self.train_config_changed.emit()
        return cfg

    def record(self, row: dict) -> None:
        self.core.record(row)
        self.training_record.emit(row)

    def report_error(self, message: str, details: str = "") -> None:
        self.error.emit(message, details)
