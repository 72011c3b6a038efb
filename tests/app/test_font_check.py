"""The check that Chinese is drawn with real glyphs, not boxes: a real QPainter on a QImage."""

import time

from PySide6.QtGui import QFont, QFontDatabase

from playground.app.font_check import NO_GLYPH, PACKAGE, SAMPLE, chinese_rendering_problem, drawn_as_boxes, render
from playground.app.self_test import SelfTest


def latin_only(family: str = "DejaVu Sans") -> QFont:
    """A font without Chinese, with Qt's fallback to other fonts off: what a machine with no CJK font draws."""
    assert family in QFontDatabase.families()
    font = QFont(family)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    return font


def test_the_apps_font_draws_chinese_with_ink_and_width_of_its_own(qapp):
    font = qapp.font()
    chinese, boxes = render(SAMPLE, font), render(NO_GLYPH * len(SAMPLE), font)
    assert chinese.ink > 0 and boxes.ink > 0  # the missing glyph is a box: it has ink too
    assert chinese.ink != boxes.ink and chinese.width != boxes.width
    assert chinese_rendering_problem(font) is None
    assert chinese_rendering_problem(QFont("DejaVu Sans")) is None  # Qt falls back to a CJK font


def test_a_font_with_no_chinese_is_seen_drawing_boxes(qapp):
    font = latin_only()
    chinese, boxes = render(SAMPLE, font), render(NO_GLYPH * len(SAMPLE), font)
    assert (chinese.ink, chinese.width) == (boxes.ink, boxes.width)
    problem = chinese_rendering_problem(font)
    assert problem is not None and "boxes" in problem and f"apt install {PACKAGE}" in problem
    latin = render("abc", font)
    assert latin.width == boxes.width  # the same width as three boxes, by chance...
    assert chinese_rendering_problem(font, "abc") is None  # ...but not the same ink: drawn for real


def test_emoji_are_drawn_in_the_emoji_font_the_deb_recommends(qapp):
    # the test machine installs fonts-noto-color-emoji (packaging/linux/install-test-deps.sh), as apt does with
    # the .deb's Recommends; without it, Qt draws these as boxes (seen on this machine before it was installed)
    for emoji in ("🐱", "🎉🐼", "👩‍💻"):
        assert drawn_as_boxes(emoji, qapp.font()) is None, emoji


def test_an_empty_drawing_is_a_problem_too(qapp):
    assert chinese_rendering_problem(qapp.font(), " ") is not None  # no ink at all is not Chinese


def test_the_self_test_fails_naming_the_package_when_chinese_is_boxes(qtbot, make_window, tmp_path):
    window = make_window()
    window.setFont(latin_only())
    test = SelfTest(window, tmp_path / "runs", time.monotonic(), steps=3)
    with qtbot.waitSignal(test.finished, timeout=120_000) as done:
        test.start()
    code, line = done.args
    assert code == 1 and line.startswith("playground self-test FAILED: fonts: Chinese text is drawn as boxes")
    assert f"sudo apt install {PACKAGE}" in line
    assert not (tmp_path / "runs").exists()  # it stopped before training


SELF_TEST_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SelfTest</name>
    <message><source>playground self-test FAILED: {message}</source><translation>自检失败：{message}</translation></message>
</context>
</TS>
"""


def test_the_self_test_line_is_translated_and_keeps_its_numbers(qtbot, qapp, make_window, tmp_path):
    """The line goes through tr(): the shipped zh_CN catalogue (the font message) plus a SelfTest translation."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtCore import QTranslator

    from playground.app.translation import install_translation, uninstall_translation

    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    ts, qm = tmp_path / "self_test.ts", tmp_path / "self_test.qm"
    ts.write_text(SELF_TEST_TS, encoding="utf-8")
    subprocess.run([lrelease, str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60)
    install_translation(qapp, "zh_CN")
    extra = QTranslator()
    assert extra.load(str(qm))
    qapp.installTranslator(extra)
    try:
        window = make_window()
        window.setFont(latin_only())
        font = window.font()  # what the self-test draws with
        test = SelfTest(window, tmp_path / "runs", time.monotonic(), steps=3)
        with qtbot.waitSignal(test.finished, timeout=120_000) as done:
            test.start()
        code, line = done.args
    finally:
        qapp.removeTranslator(extra)
        uninstall_translation(qapp)
    chinese = render(SAMPLE, font)
    assert code == 1 and line.startswith("自检失败：fonts: 中文显示成了方框")
    assert f"{chinese.ink} 个着墨像素，宽 {chinese.width} px" in line and f"sudo apt install {PACKAGE}" in line
