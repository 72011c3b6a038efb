"""Translation of user-facing strings in the core and the command line.

The Qt layer uses Qt's own ``tr()``; plain-Python code marks strings with ``_()``.
A catalogue for a language is loaded from ``resources/locale`` when one exists.
"""

import gettext

LANG_ENV = "PLAYGROUND_LANG"  # the language asked for, for the app and the command line alike
ENGLISH = "en"
SHIPPED = (ENGLISH, "zh_CN")  # the languages with catalogues, for the window, the command line and the lessons
ALIASES = {"zh": "zh_CN", "zh_Hans": "zh_CN", "zh_Hans_CN": "zh_CN"}  # names of the one Chinese we ship
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


def language_code(value: str) -> str:
    """A locale name as gettext reads it: "zh_CN.UTF-8" -> "zh_CN", "zh_CN:en" -> "zh_CN", "C" -> "en"."""
    first = next((part for part in value.split(":") if part), "")
    code = first.partition(".")[0].partition("@")[0].replace("-", "_")
    if code in ("", "C", "POSIX"):
        return ENGLISH
    return ALIASES.get(code, code)


def shipped_language(name: str | None) -> str:
    """The shipped language for a locale name: any Chinese ("zh", "zh_CN", "zh-Hans-CN", "zh_SG") -> "zh_CN"
    (the one Chinese we ship), anything else -> "en"."""
    code = language_code(name or "")
    return "zh_CN" if code.lower().startswith("zh") else ENGLISH


def _(message: str) -> str:
    """Translate ``message`` into the installed language."""
    return _translation.gettext(message)
