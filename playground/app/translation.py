"""Installing a translation: the app's own ``playground_<locale>.qm`` and Qt's, plus the core's catalogue.

A language comes from ``--lang``, ``PLAYGROUND_LANG``, the choice kept in the settings (View ▸
Language) or the system locale, in that order; English needs nothing.
How a translation is made is in the README ("Translating the app").
"""

import os

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from ..core.i18n import LANG_ENV
from ..resources import resource_path

LANGUAGE_SETTING = "view/language"  # written by View ▸ Language
_installed = {"language": "en", "translators": [], "locale": None}


def chosen_language(option: str | None = None, settings=None, system: str | None = None) -> str:
    """``--lang`` first, then the environment, then the saved choice, then the system locale, e.g. "zh_CN"."""
    saved = str(settings.value(LANGUAGE_SETTING, "") or "") if settings is not None else ""
    return option or os.environ.get(LANG_ENV) or saved or system or QLocale.system().name()


def installed_language() -> str:
    """The language last given to ``install_translation`` ("en" before any)."""
    return _installed["language"]


def install_translation(app: QApplication, language: str) -> list[str]:
    """Load every catalogue that exists for ``language``; returns the files loaded (none for English)."""
    loaded = []
    if _installed["locale"] is None:
        _installed["locale"] = QLocale()
    _installed["language"] = language
    locale = QLocale(language)
    candidates = [
        ("playground", str(resource_path("translations"))),
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            _installed["translators"].append(translator)
            loaded.append(translator.filePath())
    from ..core import i18n  # gettext only: no torch

    i18n.install(language, str(resource_path("locale")))
    if locale.language() != QLocale.Language.English:
        QLocale.setDefault(locale)
    return loaded


def uninstall_translation(app: QApplication) -> None:
    """Back to English: remove what ``install_translation`` installed (tests switch languages)."""
    from ..core import i18n

    for translator in _installed["translators"]:
        try:
            app.removeTranslator(translator)
            translator.deleteLater()
        except RuntimeError:  # already removed and deleted by its owner
            pass
    if _installed["locale"] is not None:
        QLocale.setDefault(_installed["locale"])
    _installed.update(language="en", translators=[], locale=None)
    i18n.install()
