"""The main window's menus, toolbar and keyboard shortcuts."""

import re
from functools import partial

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

from .language import LanguageMenu
from .settings import recent_files
from .theme import THEMES, theme_label

PANEL_KEYS = "123456789"


def toolbar_text(text: str) -> str:
    """A menu item's text as a toolbar button shows it: "&Open session…" -> "Open session", "打开会话(&O)…" -> "打开会话".

    Qt drops the "&" and the "…" by itself, but would show the "(O)" of a Chinese-style mnemonic.
    """
    text = re.sub(r"\(&[^&\s]\)", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.removesuffix("…").strip()


class WindowActions(QObject):
    """Creates the actions of ``window`` and puts them in its menus and toolbar."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.theme_actions: dict[str, QAction] = {}
        self.panel_actions: list[QAction] = []
        self.train_actions: list[QAction] = []
        self._build_file_menu()
        self._build_view_menu()
        self.train_menu = None
        self._build_help_menu()
        self._build_toolbar()
        self.update_enabled()

    def _action(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if icon is not None:
            action.setIcon(self.window.style().standardIcon(icon))
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        self.window.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_file_menu(self) -> None:
        w, sp = self.window, QStyle.StandardPixmap
        menu = self.file_menu = w.menuBar().addMenu(self.tr("&File"))
        self.new_action = self._action(self.tr("&New session"), w.new_session, QKeySequence.StandardKey.New,
                                       sp.SP_FileIcon, self.tr("Start again on the default dataset"))
        self.open_action = self._action(self.tr("&Open session…"), w.open_session, QKeySequence.StandardKey.Open,
                                        sp.SP_DialogOpenButton, self.tr("Open a saved .playground session"))
        self.save_action = self._action(self.tr("&Save session"), w.save_session, QKeySequence.StandardKey.Save,
                                        sp.SP_DialogSaveButton, self.tr("Save data, model, weights and curves"))
        self.save_as_action = self._action(self.tr("Save session &as…"), w.save_session_as, "Ctrl+Shift+S")
        self.open_text_action = self._action(self.tr("Open &text file…"), w.open_text_file, "Ctrl+T",
                                             sp.SP_FileDialogStart, self.tr("Train on a text file of your own"))
        self.open_model_action = self._action(self.tr("Open a &Hugging Face model folder…"), w.open_model_folder,
                                              tip=self.tr("Inspect and generate with a GPT-2 saved by transformers "
                                                          "(config.json, model.safetensors and its tokenizer)"))
        self.recent_menu = menu.addMenu(self.tr("&Recent sessions"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.quit_action = self._action(self.tr("&Quit"), w.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        menu.addActions([self.new_action, self.open_action, self.save_action, self.save_as_action])
        menu.addSeparator()
        menu.addAction(self.open_text_action)
        menu.addAction(self.open_model_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.quit_action)

    def _build_view_menu(self) -> None:
        w = self.window
        self.view_menu = menu = w.menuBar().addMenu(self.tr("&View"))
        themes = menu.addMenu(self.tr("&Theme"))
        group = QActionGroup(self)
        for name in THEMES:
            action = QAction(theme_label(name), self.window, checkable=True)
            action.triggered.connect(partial(w.set_theme, name))
            group.addAction(action)
            themes.addAction(action)
            self.theme_actions[name] = action
        self.language_menu = LanguageMenu(w, menu)  # View ▸ Language
        menu.addSeparator()
        self.zoom_in_action = self._action(self.tr("Zoom &in"), w.zoom_in, ["Ctrl+=", "Ctrl++"])
        self.zoom_out_action = self._action(self.tr("Zoom &out"), w.zoom_out, "Ctrl+-")
        self.zoom_reset_action = self._action(self.tr("&Reset zoom"), w.zoom_reset, "Ctrl+0")
        menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        menu.addSeparator()
        self.panels_menu = menu.addMenu(self.tr("&Go to"))

    def _build_help_menu(self) -> None:
        menu = self.help_menu = self.window.menuBar().addMenu(self.tr("&Help"))
        self.about_action = self._action(self.tr("&About Transformer Playground"), self.window.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar(self.tr("Main toolbar"))
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.open_text_action, self.open_action, self.save_action])
        self.window.addToolBar(self.toolbar)
        self._plain_toolbar_texts([self.open_text_action, self.open_action, self.save_action])

    @staticmethod
    def _plain_toolbar_texts(actions) -> None:
        """Toolbar buttons without mnemonics, also after an action's text changes (Pause → Resume)."""
        def update(action):
            if action.iconText() != toolbar_text(action.text()):
                action.setIconText(toolbar_text(action.text()))  # emits changed once more: then equal, no loop

        for action in actions:
            update(action)
            action.changed.connect(partial(update, action))

    # --- after the panels exist ---------------------------------------------------------------
    def add_panel_actions(self, panels) -> None:
        """Ctrl+1… switch panels; the Train panel's start/pause/stop get a menu, the toolbar and F5."""
        for i, panel in enumerate(panels):
            shortcut = f"Ctrl+{PANEL_KEYS[i]}" if i < len(PANEL_KEYS) else None
            action = self._action(panel.title(), partial(self.window.show_panel, i), shortcut)
            self.panels_menu.addAction(action)
            self.panel_actions.append(action)
        train = next((p for p in panels if p.name == "train"), None)
        self._add_train_actions(train)
        self.update_enabled()

    def _add_train_actions(self, train) -> None:
        names = ("start_action", "pause_action", "stop_action")
        actions = [getattr(train, n, None) for n in names] if train is not None else []
        actions = [a for a in actions if isinstance(a, QAction)]
        if not actions:
            return
        defaults = {"start_action": "F5", "stop_action": "Shift+F5"}
        for name, key in defaults.items():
            action = getattr(train, name, None)
            if isinstance(action, QAction) and action.shortcut().isEmpty():
                action.setShortcut(QKeySequence(key))
        menu = self.train_menu = QMenu(self.tr("&Training"), self.window)
        self.window.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        for action in actions:
            menu.addAction(action)
            self.window.addAction(action)  # F5 works in every panel, not only in Train
        self.toolbar.addSeparator()
        self.toolbar.addActions(actions)
        self._plain_toolbar_texts(actions)
        self.train_actions = actions

    def update_enabled(self) -> None:
        ready = self.window.workspace is not None
        for action in (self.new_action, self.open_action, self.save_action, self.save_as_action,
                       self.open_text_action, self.open_model_action):
            action.setEnabled(ready)
        self.recent_menu.setEnabled(ready)

    def check_theme(self, name: str) -> None:
        if name in self.theme_actions:
            self.theme_actions[name].setChecked(True)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = recent_files(self.window.settings)
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(partial(self.window.open_session, path))
        if not files:
            empty = self.recent_menu.addAction(self.tr("No recent sessions"))
            empty.setEnabled(False)
