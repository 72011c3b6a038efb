"""View ▸ Language: English or 简体中文, kept in the settings, applied by starting the app again.

The window's strings are set when its widgets are built, so a new language needs a restart:
the menu saves the choice, asks "Restart now" / "Later", and on "Restart now" closes the window
the normal way (the unsaved-work question still comes first) and starts the same command again.
"""

import os
import sys
from functools import partial

from PySide6.QtCore import QCoreApplication, QObject, QProcess
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMessageBox

from ..core.i18n import shipped_language
from .translation import LANG_ENV, LANGUAGE_SETTING, installed_language

# Each language named in its own words, as language menus do; not translated on purpose.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def supported(name: str | None) -> str:
    """The menu's language for a locale name: "zh", "zh_CN", "zh_SG" → "zh_CN"; anything else → "en"."""
    return shipped_language(name)


def current_language() -> str:
    return supported(installed_language())


def restart_box(parent) -> QMessageBox:
    """The question asked after a new language is chosen (built apart from its answer, for the tests)."""
    translate = QCoreApplication.translate
    box = QMessageBox(QMessageBox.Icon.Information, translate("LanguageMenu", "Language changed"),
                      translate("LanguageMenu", "The new language is used from the next start."),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(translate("LanguageMenu", "Restart the playground now?"))
    box.restart_button = box.addButton(translate("LanguageMenu", "Restart now"), QMessageBox.ButtonRole.AcceptRole)
    box.later_button = box.addButton(translate("LanguageMenu", "Later"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.restart_button)
    return box


def ask_restart(parent) -> bool:
    """True for "Restart now". One function, so tests can answer it without a modal dialog."""
    box = restart_box(parent)
    box.exec()
    return box.clickedButton() is box.restart_button


def restart_command(language: str, argv: list[str] | None = None, orig_argv: list[str] | None = None,
                    executable: str | None = None, frozen: bool | None = None) -> list[str]:
    """The program and arguments that start this app again, in ``language``.

    From source (``python -m playground …``, or the ``playground`` script) it is the same
    interpreter with the same options; from a PyInstaller bundle, ``sys.executable`` is the app
    itself. The arguments stay as they were, except a ``--lang`` (it would outrank the new choice),
    which now names ``language``.
    """
    argv = list(sys.argv if argv is None else argv)
    orig_argv = list(getattr(sys, "orig_argv", argv) if orig_argv is None else orig_argv)
    executable = sys.executable if executable is None else executable
    frozen = getattr(sys, "frozen", False) if frozen is None else frozen
    if frozen:
        args = argv[1:]
    else:  # orig_argv keeps "-m playground" (argv[0] would be the path of __main__.py)
        args = orig_argv[1:]
    return [executable, *_with_language(args, language)]


def _with_language(args: list[str], language: str) -> list[str]:
    out, i = [], 0
    while i < len(args):
        if args[i] == "--lang" and i + 1 < len(args):
            out += ["--lang", language]
            i += 2
            continue
        out.append(f"--lang={language}" if args[i].startswith("--lang=") else args[i])
        i += 1
    return out


def restart_environment(language: str) -> dict[str, str]:
    """This process's environment, with ``PLAYGROUND_LANG`` (which would outrank the choice) set to it."""
    env = dict(os.environ)
    if LANG_ENV in env:
        env[LANG_ENV] = language
    return env


def start_again(language: str) -> bool:
    """Start the app again as a new process, detached from this one; False if it could not start."""
    from PySide6.QtCore import QProcessEnvironment

    command = restart_command(language)
    process = QProcess()
    process.setProgram(command[0])
    process.setArguments(command[1:])
    env = QProcessEnvironment()
    for key, value in restart_environment(language).items():
        env.insert(key, value)
    process.setProcessEnvironment(env)
    return bool(process.startDetached())


class LanguageMenu(QObject):
    """The View ▸ Language submenu of ``window``: one checkable item per language."""

    def __init__(self, window, parent_menu):
        super().__init__(window)
        self.window = window
        self.menu = parent_menu.addMenu(self.tr("&Language"))
        self.actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        current = current_language()
        for code, name in LANGUAGES.items():
            action = QAction(name, window, checkable=True)
            action.setChecked(code == current)
            action.triggered.connect(partial(self.choose, code))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[code] = action
        self.current = current

    def choose(self, language: str) -> None:
        """Keep the choice; if it differs from the running language, offer to restart now."""
        self.window.settings.setValue(LANGUAGE_SETTING, language)
        self.window.settings.sync()
        self.actions[language].setChecked(True)
        if language == self.current:
            return
        if ask_restart(self.window):
            self.restart(language)
        else:
            self.window.statusBar().showMessage(self.tr("The new language is used from the next start."), 6000)

    def restart(self, language: str) -> bool:
        """Close the window the normal way (the unsaved-work question may cancel), then start again."""
        if not self.window.close():
            return False
        if not start_again(language):
            print(self.tr("Could not start the playground again: start it yourself."), file=sys.stderr)
        return True
