"""Numbers as the window shows them: one format everywhere, the UI language's, digits always grouped.

Qt's C locale (``LANG=C.UTF-8``) omits the group separator, so ``QLocale().toString(348542)``
gives ``348542`` there while a spin box shows ``3,000``. Every count, size and decimal a label,
table or status text shows goes through these helpers instead: English ``1,234``, Chinese
``1,234``, German ``1.234``; under a C locale, English.
"""

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QSpinBox, QWidget


_made: dict[str, QLocale] = {}  # the default locale's name: the locale made from it


def number_locale() -> QLocale:
    """The default locale (set from the UI language), English for C or POSIX, never omitting groups.

    Made once per default locale: the Logit lens formats a percentage for each of its ~800 cells, and making
    the locale each time was half of that (18 of 37 us a cell, the window's thread).
    """
    default = QLocale()
    key = default.bcp47Name()
    if key not in _made:
        locale = default
        if locale.language() == QLocale.Language.C:
            locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
        locale.setNumberOptions(locale.numberOptions() & ~QLocale.NumberOption.OmitGroupSeparator)
        _made[key] = locale
    return _made[key]  # read only: callers format with it, setLocale copies it


def format_count(n) -> str:
    """A whole number with grouped digits: 348542 -> "348,542"."""
    return number_locale().toString(int(n))


def format_float(x: float, decimals: int = 2, locale: QLocale | None = None) -> str:
    """A decimal with ``decimals`` places and grouped digits: 12345.678 -> "12,345.68".

    ``locale``: a ``number_locale()`` the caller made once for many numbers (a table's cells), since
    making one costs several times the formatting itself.
    """
    return (locale or number_locale()).toString(float(x), "f", decimals)


# Languages whose percentages put a (no-break) space before the sign, as CLDR writes them: German "12,3 %".
# English and Chinese write "12.3%".
_SPACED_PERCENT = {QLocale.Language.German, QLocale.Language.French, QLocale.Language.Spanish,
                   QLocale.Language.Russian, QLocale.Language.Swedish, QLocale.Language.Finnish,
                   QLocale.Language.NorwegianBokmal, QLocale.Language.Danish, QLocale.Language.Czech}


def format_percent(fraction: float, decimals: int = 1, locale: QLocale | None = None) -> str:
    """A fraction as a percentage in the UI language's way: 0.1234 -> "12.3%" (German "12,3 %")."""
    locale = locale or number_locale()
    return percent_text(format_float(100 * fraction, decimals, locale), locale)


def format_probability(p: float, decimals: int = 1, locale: QLocale | None = None) -> str:
    """A probability as a percentage that is never 0 or 100 unless it is: one that rounds to zero reads "<0.1%"
    (German "<0,1 %"), as a token drawn with probability 0.0004 was not drawn against certainty; 0.9996 ">99.9%"."""
    locale = locale or number_locale()
    text = format_percent(p, decimals, locale)
    if p > 0 and text == format_percent(0.0, decimals, locale):
        return "<" + format_percent(10.0 ** -decimals / 100, decimals, locale)
    if p < 1 and text == format_percent(1.0, decimals, locale):  # nor certain unless it is: ">99.9%"
        return ">" + format_percent(1 - 10.0 ** -decimals / 100, decimals, locale)
    return text


def format_percents(fractions, decimals: int = 1) -> list[str]:
    """``format_percent`` of each, the locale looked up once: the Logit lens shows ~800 at a time."""
    locale = number_locale()
    return [format_percent(f, decimals, locale) for f in fractions]


def percent_text(number: str, locale: QLocale | None = None) -> str:
    """An already formatted number with the percent sign, as the UI language writes it: "160" -> "160%"."""
    locale = locale or number_locale()
    space = "\u00a0" if locale.language() in _SPACED_PERCENT else ""
    return f"{number}{space}{locale.percent()}"


def format_short(n: float, unit: str = "") -> str:
    """A large count in short form: 838400 -> "838.40 k", 1.2e9 -> "1.20 G" (with ``unit`` after)."""
    for factor, suffix in ((1e12, " T"), (1e9, " G"), (1e6, " M"), (1e3, " k")):
        if n >= factor:
            return f"{format_float(n / factor, 2)}{suffix}{unit}"
    return f"{format_count(round(n))} {unit}".rstrip()


def format_bytes(n: float) -> str:
    """A size in binary units: 1536 -> "1.5 KiB", 512 -> "512 B"."""
    for factor, suffix in ((1024**4, "TiB"), (1024**3, "GiB"), (1024**2, "MiB"), (1024, "KiB")):
        if n >= factor:
            return f"{format_float(n / factor, 1)} {suffix}"
    return f"{format_count(round(n))} B"


def use_number_format(widget: QWidget) -> None:
    """Give ``widget`` and everything in it the same format: its locale, and grouped digits in spin boxes."""
    widget.setLocale(number_locale())
    for box in widget.findChildren(QAbstractSpinBox):
        box.setLocale(number_locale())
        if isinstance(box, (QSpinBox, QDoubleSpinBox)):
            box.setGroupSeparatorShown(True)
