"""File ▸ New, Open, Save and Save as: sessions of the main window (a mixin of MainWindow).

Opening runs in a Job (a built-in dataset is generated again); saving is quick and runs at
once. The session file format lives in ``playground.core.session``.
"""

from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from . import dialogs
from .settings import add_recent_file, remove_recent_file
from .worker import Job

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")

SUFFIX = ".playground"


def model_folder_workspace(path: str):
    """A workspace showing the GPT-2 in ``path`` (run in a Job: it reads the weights)."""
    from ..core.token_text import readable_tokens
    from ..core.workspace import Workspace

    workspace = Workspace()
    workspace.use_model_folder(path)
    tokenizer = workspace.recipe.task.tokenizer
    tokenizer.merges()  # parsed once and kept; the Tokenize panel's tables then take no time in the window
    readable_tokens(tokenizer.kind, tokenizer.vocab())  # kept (see token_text): the views then spell none out
    return workspace


class SessionActions:
    """Needs ``workspace``, ``panels``, ``settings``, ``session_path`` and the banner of MainWindow."""

    def new_session(self) -> None:
        """Forget the session and start again on the default dataset."""
        if self.workspace is None or self._refuse_while_training() or not self.maybe_save():
            return
        self.session_path = None
        self.panel("data").choose_dataset(self.default_dataset(), ask=False)
        self.update_title()

    def default_dataset(self) -> str:
        from ..core.workspace import DEFAULT_DATASET

        return DEFAULT_DATASET

    def open_session(self, path: str | None = None) -> None:
        if self.workspace is None or self._refuse_while_training():
            return
        if path is None:
            kinds = translate("MainWindow", "Playground sessions (*.playground);;All files (*)")
            path, _filter = QFileDialog.getOpenFileName(self, translate("MainWindow", "Open session"),
                                                        self._session_folder(), kinds)
            if not path:
                return
        if not self.maybe_save():
            return
        from ..core.session import load_session

        self.statusBar().showMessage(translate("MainWindow", "Opening {name}…").format(name=Path(path).name))
        job = Job(partial(load_session, path))
        job.result.connect(partial(self._on_session_loaded, str(path)))
        job.error.connect(partial(self._on_session_failed, str(path)))
        self.run_job(job)

    def _on_session_loaded(self, path: str, result) -> None:
        from ..core.session import data_notice

        core, ui_state = result
        self.workspace.replace_core(core)
        self.restore_session_ui(ui_state)
        self.session_path = Path(path)
        add_recent_file(self.settings, path)
        self.update_title()
        notice = data_notice(core)
        if notice or core.snapshots.notice:  # a damaged weight snapshot was left out: say so, the rest loaded
            self.show_notice("\n".join(n for n in (notice, core.snapshots.notice) if n), "data" if notice else "")
        else:
            self.banner.clear()
        self.statusBar().showMessage(translate("MainWindow", "Opened {name}").format(name=Path(path).name), 4000)
        self.session_loaded.emit(path)

    def _on_session_failed(self, path: str, message: str, details: str) -> None:
        if not Path(path).exists():
            remove_recent_file(self.settings, path)
        self.statusBar().clearMessage()
        if self.workspace.core.recipe is None:  # the session named at launch: fall back on the default data
            self.load_default_data()
        text = translate("MainWindow", "The session was not opened. {message}").format(message=message)
        self.workspace.report_error(text, details)

    def open_model_folder(self, path: str | None = None) -> None:
        """File ▸ Open a Hugging Face model folder: a GPT-2 loaded in a Job, then shown by every panel."""
        if self.workspace is None or self._refuse_while_training():
            return
        if path is None:
            path = QFileDialog.getExistingDirectory(self, translate("MainWindow", "Open a Hugging Face model folder"),
                                                    self._session_folder())
            if not path:
                return
        if not self.maybe_save():
            return
        self.statusBar().showMessage(translate("MainWindow", "Opening {name}…").format(name=Path(path).name))
        job = Job(partial(model_folder_workspace, path))
        job.result.connect(partial(self._on_model_folder_loaded, str(path)))
        job.error.connect(self._on_model_folder_failed)
        self.run_job(job)

    def _on_model_folder_loaded(self, path: str, core) -> None:
        self.show_panel("inspect")  # first: Inspect hears of the model now, the hidden panels in the turns after
        self.workspace.replace_core(core, in_turns=True)
        self.session_path = None
        self.update_title()
        self.banner.clear()
        self.statusBar().showMessage(translate("MainWindow", "Opened the model in {name}: tokenize, inspect and "
                                               "generate with it").format(name=Path(path).name), 6000)

    def _on_model_folder_failed(self, message: str, details: str) -> None:
        self.statusBar().clearMessage()
        text = translate("MainWindow", "The model folder was not opened. {message}").format(message=message)
        self.workspace.report_error(text, details)

    def save_session(self) -> bool:
        if self.session_path is None:
            return self.save_session_as()
        return self._save_to(self.session_path)

    def save_session_as(self, path: str | None = None) -> bool:
        if path is None:
            kinds = translate("MainWindow", "Playground sessions (*.playground)")
            path, _filter = QFileDialog.getSaveFileName(self, translate("MainWindow", "Save session"),
                                                        self._session_folder(), kinds)
            if not path:
                return False
        path = Path(path)
        if path.suffix != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        from ..core.errors import PlaygroundError
        from ..core.session import save_session

        core = self.workspace.core if self.workspace else None
        if core is None or core.recipe is None or self._refuse_while_training():
            return False
        try:
            save_session(path, core, self.session_ui_state())
        except (PlaygroundError, OSError, ValueError) as e:
            self.workspace.report_error(translate("MainWindow", "The session was not saved: {reason}").format(reason=e))
            return False
        core.dirty = False
        self.session_path = path
        add_recent_file(self.settings, path)
        self.settings.setValue("recent/folder", str(path.parent))
        self.update_title()
        self.statusBar().showMessage(translate("MainWindow", "Saved {name}").format(name=path.name), 4000)
        self.session_saved.emit(str(path))
        return True

    def _session_folder(self) -> str:
        if self.session_path is not None:
            return str(self.session_path.parent)
        return str(self.settings.value("recent/folder", str(Path.home())))

    def _refuse_while_training(self) -> bool:
        if self.workspace is not None and self.workspace.training_active:
            # about a state: MainWindow takes it away when training stops (_on_training_state)
            self.show_notice(translate("MainWindow", "Training is running: pause or stop it first."), "training")
            return True
        return False

    # --- what a session keeps of the window ---------------------------------------------------
    def session_ui_state(self) -> dict:
        current = self.current_panel()
        return {"panel": current.name if current is not None else "data",
                "panels": {p.name: p.ui_state() for p in self.panels}}

    def restore_session_ui(self, state: dict) -> None:
        panels = state.get("panels") if isinstance(state.get("panels"), dict) else {}
        for panel in self.panels:
            if isinstance(panels.get(panel.name), dict):
                panel.restore_ui_state(panels[panel.name])
        if isinstance(state.get("panel"), str):
            self.show_panel(state["panel"])

    def maybe_save(self) -> bool:
        """Before trained weights are lost: save them, drop them, or cancel (False)."""
        core = self.workspace.core if self.workspace else None
        if core is None or not core.dirty:
            return True
        answer = dialogs.ask_unsaved(self)
        if answer == "save":
            return self.save_session()
        return answer == "discard"

    def update_title(self) -> None:
        core = self.workspace.core if self.workspace else None
        if self.session_path:
            name = self.session_path.name
        elif core is not None and core.pretrained:  # a model folder opened: named, not an untitled session
            name = translate("MainWindow", "{folder} (pretrained model)").format(folder=Path(core.pretrained).name)
        else:
            name = translate("MainWindow", "Untitled session")
        app_name = translate("MainWindow", "Transformer Playground")
        self.setWindowTitle(f"{name}[*] — {app_name}")
        self.setWindowModified(bool(core is not None and core.dirty))
