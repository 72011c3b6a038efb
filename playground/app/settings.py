"""Where the app keeps its settings (QSettings), and the recent-files list.

``PLAYGROUND_SETTINGS_DIR`` points the app at an INI file in that folder instead of the user's
settings: the tests and the launch benchmark use it so they never touch a real user's.
"""

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "Transformer Playground"
APPLICATION = "Transformer Playground"
SETTINGS_DIR_ENV = "PLAYGROUND_SETTINGS_DIR"
MAX_RECENT = 8


def open_settings() -> QSettings:
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return QSettings(str(Path(folder) / "playground.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def read_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings; QSettings gives a str for one item and None for none."""
    value = settings.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


def recent_files(settings: QSettings) -> list[str]:
    return [p for p in read_list(settings, "recent/sessions") if p]


def add_recent_file(settings: QSettings, path) -> list[str]:
    """Put ``path`` first in the recent sessions (no duplicates, at most MAX_RECENT)."""
    path = str(Path(path).resolve())
    files = [path] + [p for p in recent_files(settings) if p != path]
    settings.setValue("recent/sessions", files[:MAX_RECENT])
    return files[:MAX_RECENT]


def remove_recent_file(settings: QSettings, path) -> None:
    settings.setValue("recent/sessions", [p for p in recent_files(settings) if p != str(path)])
