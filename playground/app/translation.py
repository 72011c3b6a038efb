"""Installing a translation: the app's own ``playground_<locale>.qm`` and Qt's, plus the core's catalogue.

A language comes from ``--lang``, ``PLAYGROUND_LANG`` or the system locale; English needs nothing.
How a translation is made is in the README ("Translating the app").
"""

import os

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ..resources import resource_path

LANG_ENV = "PLAYGROUND_LANG"


def chosen_language(option: str | None = None) -> str:
    """``--lang`` first, then the environment, then the system locale, e.g. "zh_CN"."""
    return option or os.environ.get(LANG_ENV) or QLocale.system().name()


def install_translation(app: QApplication, language: str) -> list[str]:
    """Load every catalogue that exists for ``language``; returns the files loaded (none for English)."""
    loaded = []
    locale = QLocale(language)
    candidates = [
        ("playground", str(resource_path("translations"))),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            loaded.append(translator.filePath())
    from ..core import i18n  # gettext only: no torch

    i18n.install(language, str(resource_path("locale")))
    if locale.language() != QLocale.Language.English:
        QLocale.setDefault(locale)
    return loaded
