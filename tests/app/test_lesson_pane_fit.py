"""The lessons dock's results at 1280×720, normal and in presentation mode, in English and Chinese: the lesson text
stays readable, every column of lesson 6's report and every row of lesson 7's outputs is in view (the pane scrolls
as one column, the text first, rather than each table on its own), and the panel beside the dock is not cut.

The presentation-mode checks need a 1280×720 screen: ``test_lessons_on_a_1280x720_projector`` runs the
``projector_screen`` tests of this file again in a subprocess whose offscreen screen is that size.
"""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from playground.app.widgets.lesson_pane import builtin_lessons

from .layout_check import clipped_texts
from .presentation_check import run_on_a_projector

PROJECTOR = "PLAYGROUND_LESSON_PROJECTOR"  # set in the subprocess that has a 1280×720 screen
SHOTS = os.environ.get("PLAYGROUND_LESSON_SHOTS")  # a folder: screenshots of each checked step
on_projector = pytest.mark.skipif(not os.environ.get(PROJECTOR), reason="runs in test_lessons_on_a_1280x720_projector")
TEXT_LINES = 4  # the lesson's text shows at least this many lines (or all of it), never its title alone


def _settle(qtbot):
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(40)


def _lesson(language: str, prefix: str):
    return next(p for p in builtin_lessons(language) if p.stem.startswith(prefix))


def _fully_shown_table(table) -> list[str]:
    """Every row and column of ``table`` in its own viewport: no scroll bar of its own hides one."""
    found = []
    if table.horizontalScrollBar().maximum() > 0:
        found.append(f"{table.objectName() or 'table'}: columns need a horizontal scroll "
                     f"({table.horizontalScrollBar().maximum()} px)")
    if table.verticalScrollBar().maximum() > 0:
        found.append(f"{table.objectName() or 'table'}: rows need a vertical scroll "
                     f"({table.verticalScrollBar().maximum()} px)")
    for column in range(table.columnCount()):  # a column cut at the right edge ("F1…")
        right = table.horizontalHeader().sectionViewportPosition(column) + table.columnWidth(column)
        if right > table.viewport().width() + 1:
            found.append(f"{table.objectName() or 'table'}: column {column} ends at {right}, "
                         f"the view is {table.viewport().width()} px wide")
        for row in range(table.rowCount()):
            item = table.item(row, column)
            if item is not None and item.text() and not table.wordWrap():
                needed = table.fontMetrics().horizontalAdvance(item.text())
                if needed > table.columnWidth(column):
                    found.append(f"{table.objectName() or 'table'}: cell {item.text()!r} is elided")
    return found


def _text_readable(pane) -> list[str]:
    browser = pane.browser
    lines = browser.fontMetrics().lineSpacing()
    document = browser.document().size().height()
    shown = browser.viewport().height()
    if shown < min(document, TEXT_LINES * lines) - 2:
        return [f"the lesson text shows {shown} px of {document:.0f} (a line is {lines} px)"]
    return []


def _problems(qtbot, window, where: str) -> list[str]:
    _settle(qtbot)
    pane = window.lessons.pane
    found = [f"{where}: clipped {clip}" for clip in clipped_texts(window)]
    found += [f"{where}: {p}" for p in _text_readable(pane)]
    for table in (pane.report_table, getattr(pane, "scores_table", None), pane.generation_table):
        if table is not None and table.isVisibleTo(pane):
            found += [f"{where}: {p}" for p in _fully_shown_table(table)]
    if SHOTS:
        tag = where.replace(" ", "_").replace("/", "-")
        window.grab().save(str(Path(SHOTS) / f"{tag}.png"))
    return found


def _walk(qtbot, window, language: str, prefix: str, steps: int, where: str) -> list[str]:
    dock = window.lessons
    dock.runner.max_train_steps = 2
    failures = []
    dock.runner.step_failed.connect(lambda i, m: failures.append(m))
    assert dock.open_path(str(_lesson(language, prefix)))
    found = []
    for index in range(steps):
        if index:
            assert dock.pane.next()
        qtbot.waitUntil(lambda: not dock.runner.is_busy(), timeout=300_000)
        assert failures == [], failures
        found += _problems(qtbot, window, f"{where} lesson {prefix} step {index + 1}")
    return found


def _check_results(window, prefix: str) -> None:
    pane = window.lessons.pane
    if prefix == "06":
        assert pane.report_table.isVisibleTo(pane)
        assert len(pane.report_cells()[0]) == 1 + 3 + 3  # label, negative, positive, (no label), P, R, F1
    else:
        assert len(pane.generation_rows()) == 3


@pytest.fixture
def ui_language(request, qapp):
    from PySide6.QtCore import QLocale

    from playground.app.translation import install_translation, uninstall_translation

    saved = QLocale()
    if request.param == "zh_CN":
        install_translation(qapp, "zh_CN")
    yield request.param
    if request.param == "zh_CN":
        uninstall_translation(qapp)
        QLocale.setDefault(saved)


@pytest.mark.parametrize("prefix, steps", [("06", 3), ("07", 3)])
@pytest.mark.parametrize("ui_language", ["en", "zh_CN"], indirect=True)
def test_lesson_results_fit_the_dock_at_1280x720(qtbot, make_window, ui_language, prefix, steps):
    window = make_window("grammar")
    window.resize(1280, 720)
    window.lessons.show()
    qtbot.waitUntil(lambda: window.size() == QSize(1280, 720))
    found = _walk(qtbot, window, ui_language, prefix, steps, f"normal {ui_language}")
    _check_results(window, prefix)
    assert not found, "\n" + "\n".join(found)


def test_lessons_on_a_1280x720_projector(tmp_path):
    run_on_a_projector(__file__, PROJECTOR, tmp_path)


@on_projector
@pytest.mark.parametrize("prefix, steps", [("06", 3), ("07", 3)])
@pytest.mark.parametrize("ui_language", ["en", "zh_CN"], indirect=True)
def test_projector_screen_lesson_results_fit_beside_the_panels(qtbot, make_window, ui_language, prefix, steps):
    window = make_window("grammar")
    window.presentation.enter()
    qtbot.waitUntil(lambda: window.isFullScreen() and window.size() == QSize(1280, 720))
    try:
        found = _walk(qtbot, window, ui_language, prefix, steps, f"presenting {ui_language}")
        _check_results(window, prefix)
        assert not found, "\n" + "\n".join(found)  # beside the Data panel too: its figures two to a row
    finally:
        window.presentation.leave()
