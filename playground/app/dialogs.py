"""The questions the app asks before losing work, and the About box.

Each question is one function, so tests can answer it (monkeypatch) without a modal dialog.
"""

import html
import platform
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout

from .. import __version__

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")



def ask_unsaved(parent) -> str:
    """Trained weights are not saved: "save", "discard" or "cancel"."""
    box = QMessageBox(QMessageBox.Icon.Warning, translate("Dialogs", "Unsaved training"),
                      translate("Dialogs", "The model has trained weights that are not saved in a session."),
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(translate("Dialogs", "Save them before going on?"))
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")


def confirm_discard(parent, core) -> bool:
    """True when nothing trained would be lost, or the user agrees to lose it."""
    if core is None or not core.dirty:
        return True
    answer = QMessageBox.question(
        parent, translate("Dialogs", "Discard the trained model?"),
        translate("Dialogs", "This replaces the model and its trained weights, which are not saved. Go on?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def about_text() -> str:
    """Rich text for the About box: versions of everything that matters, and the devices."""
    rows = [(translate("Dialogs", "Transformer Playground"), __version__),
            ("Python", f"{platform.python_version()} ({platform.system()} {platform.machine()})"),
            ("PySide6", f"{pyside_version} (Qt {qVersion()})"),
            (translate("Dialogs", "Licence"), translate("Dialogs", "MIT (free to use, change and share)")),
            (translate("Dialogs", "Installed as"), installed_as())]
    if "torch" in sys.modules:
        import torch

        from ..core.device import available_devices

        rows.append(("PyTorch", torch.__version__))
        rows.append((translate("Dialogs", "Devices"), ", ".join(name for _id, name in available_devices())))
    else:
        rows.append(("PyTorch", translate("Dialogs", "loading…")))
    table = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
    blurb = translate("Dialogs", "Tokenize text, build and train a small Transformer, look "
                                                  "inside it and sample from it.")
    title = translate("Dialogs", "Transformer Playground")
    return f"<h3>{title}</h3><p>{blurb}</p><table>{table}</table>"


def installed_as() -> str:
    """A packaged app (PyInstaller bundle) or the Python package, with where it runs from."""
    if getattr(sys, "frozen", False):
        return translate("Dialogs", "packaged app in {folder}").format(folder=html.escape(sys.executable))
    return translate("Dialogs", "Python package in {folder}").format(
        folder=html.escape(str(Path(__file__).resolve().parents[1])))


class AboutDialog(QDialog):
    """Versions and devices; shown without blocking the window."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(translate("Dialogs", "About Transformer Playground"))
        self.label = QLabel(about_text())
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
