"""Translation of user-facing strings in the core and the command line.

The Qt layer uses Qt's own ``tr()``; plain-Python code marks strings with ``_()``.
A catalogue for a language is loaded from ``resources/locale`` when one exists.
"""

import gettext

_translation = gettext.NullTranslations()


def install(language: str | None = None, localedir: str | None = None) -> None:
    """Use the catalogue for ``language`` (e.g. ``"zh_CN"``); falls back to English."""
    global _translation
    if language and localedir:
        _translation = gettext.translation("playground", localedir, [language], fallback=True)
    else:
        _translation = gettext.NullTranslations()


def _(message: str) -> str:
    """Translate ``message`` into the installed language."""
    return _translation.gettext(message)
