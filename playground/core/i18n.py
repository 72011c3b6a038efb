"""Translation of user-facing strings in the core and the command line.

The Qt layer uses Qt's own ``tr()``; plain-Python code marks strings with ``_()``.
A catalogue for a language is loaded from ``resources/locale`` when one exists.
"""

import gettext

LANG_ENV = "PLAYGROUND_LANG"  # the language asked for, for the app and the command line alike
_translation = gettext.NullTranslations()


def install(language: str | None = None, localedir: str | None = None) -> None:
    """Use the catalogue for ``language`` (e.g. ``"zh_CN"``); falls back to English."""
    global _translation
    if language and localedir:
        _translation = gettext.translation("playground", localedir, catalogue_names(language), fallback=True)
    else:
        _translation = gettext.NullTranslations()


def catalogue_names(language: str) -> list[str]:
    """The catalogues to try for a language as Qt or a person writes it, so the core speaks the
    window's language: "zh-Hans-CN" -> ["zh-Hans-CN", "zh_Hans_CN", "zh_CN"]; gettext adds "zh_CN"'s own
    fallbacks. No bare "zh": gettext reads it as zh_CN, which would give zh_TW simplified Chinese."""
    tag = language.split(".")[0].split("@")[0].replace("-", "_")
    parts = tag.split("_")
    names = [language, tag]
    if len(parts) == 3:  # language_Script_COUNTRY, e.g. zh_Hans_CN
        names.append(f"{parts[0]}_{parts[2]}")
    return list(dict.fromkeys(names))


def _(message: str) -> str:
    """Translate ``message`` into the installed language."""
    return _translation.gettext(message)
