"""One number format: grouped digits in the UI language's format, also under Qt's C locale."""

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QSpinBox, QVBoxLayout, QWidget

from playground.app.numbers import (format_bytes, format_count, format_float, format_percent, format_percents,
                                    format_short, percent_text, use_number_format)


@pytest.fixture
def ui_locale(qapp):
    previous = QLocale()

    def use(locale: QLocale) -> None:
        QLocale.setDefault(locale)

    yield use
    QLocale.setDefault(previous)


@pytest.mark.parametrize(("locale", "count", "decimal"), [
    (QLocale.c(), "348,542", "838.40"),  # LANG=C.UTF-8: English, not C's ungrouped "348542"
    (QLocale(QLocale.Language.English, QLocale.Country.UnitedStates), "348,542", "838.40"),
    (QLocale(QLocale.Language.Chinese, QLocale.Country.China), "348,542", "838.40"),
    (QLocale(QLocale.Language.German, QLocale.Country.Germany), "348.542", "838,40"),
])
def test_counts_and_decimals_follow_the_ui_language(ui_locale, locale, count, decimal):
    ui_locale(locale)
    assert format_count(348542) == count
    assert format_float(838.4) == decimal
    assert format_short(838400) == f"{decimal} k"
    assert format_count(7) == "7"


def test_short_forms_sizes_and_percentages(ui_locale):
    ui_locale(QLocale.c())
    assert format_short(1_234_567_890, "FLOP") == "1.23 GFLOP"
    assert format_short(999) == "999"
    assert format_bytes(512) == "512 B" and format_bytes(1536) == "1.5 KiB"
    assert format_bytes(3 * 1024**3) == "3.0 GiB"
    assert format_percent(0.1234) == "12.3%"


@pytest.mark.parametrize(("locale", "percent", "zoom"), [
    (QLocale.c(), "12.3%", "160%"),
    (QLocale(QLocale.Language.English, QLocale.Country.UnitedStates), "12.3%", "160%"),
    (QLocale(QLocale.Language.Chinese, QLocale.Country.China), "12.3%", "160%"),
    (QLocale(QLocale.Language.German, QLocale.Country.Germany), "12,3\u00a0%", "160\u00a0%"),
])
def test_one_percent_format_in_the_ui_language(ui_locale, locale, percent, zoom):
    ui_locale(locale)
    assert format_percent(0.1234) == percent
    assert percent_text(format_count(160)) == zoom
    fractions = [0.1234, 0.0, 1.0, 0.99996, 12.5]
    assert format_percents(fractions) == [format_percent(f) for f in fractions]
    assert format_percents(fractions, 3) == [format_percent(f, 3) for f in fractions]


def test_spin_boxes_take_the_same_format(qtbot, ui_locale):
    ui_locale(QLocale.c())
    page = QWidget()
    qtbot.addWidget(page)
    box = QSpinBox()
    box.setRange(0, 100_000)
    QVBoxLayout(page).addWidget(box)
    box.setValue(3000)
    assert box.text() == "3000"  # C: no groups, unlike the labels
    use_number_format(page)
    assert box.text() == "3,000" and box.text() == format_count(box.value())
