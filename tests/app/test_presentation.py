"""Presentation mode: F11 and View ▸ Presentation mode; full screen, text and plots for a projector, high contrast,
advanced controls hidden, and everything as it was when it ends.

The projector checks need a 1280×720 screen: ``test_on_a_1280x720_projector`` runs the ``projector_screen``
tests of this file again in a subprocess whose offscreen screen is that size (``QT_QPA_PLATFORM``'s
``configfile``); in this process they are skipped.
"""

import os

import pytest
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QAction, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from playground.app.presentation import DEFAULT_SCALE, SHORTCUT, advanced_widgets
from playground.app.widgets.stage_detail import HEATMAP_LINES
from playground.app.theme import light_palette

from .layout_check import clipped_texts
from .presentation_check import cut_plot_titles, pixels, run_on_a_projector, small_texts

PROJECTOR = "PLAYGROUND_PROJECTOR_SCREEN"  # set in the subprocess that has a 1280×720 screen
READABLE = 18  # pixels


def advanced_in(window) -> dict[str, QWidget]:
    """A few controls each panel marks as advanced, by name."""
    model, train, generate = window.panel("model"), window.panel("train"), window.panel("generate")
    return {"model dropout": model.w["dropout"], "model positions": model.w["position"],
            "model tied weights": model.w["tie_weights"], "train seed": train.settings.seed,
            "train device": train.settings.device, "train cpu bf16": train.settings.cpu_bf16,
            "sampling seed": generate.sampling.seed,
            "inspect live refresh": window.panel("inspect").live}


def test_f11_toggles_full_screen_and_restores_geometry_zoom_and_theme(qtbot, qapp, make_window):
    window = make_window()
    window.set_theme("dark")
    window.set_zoom(1.25)
    window.showNormal()
    window.setGeometry(40, 60, 1000, 700)
    qtbot.waitUntil(lambda: window.geometry().size() == QSize(1000, 700))
    before = {"geometry": window.geometry(), "font": qapp.font().pointSizeF(),
              "window": qapp.palette().color(QPalette.ColorRole.Window)}
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.presentation_changed) as entered:
        qtbot.keyClick(window, Qt.Key.Key_F11)
    assert entered.args == [True, DEFAULT_SCALE]
    qtbot.waitUntil(lambda: window.isFullScreen() and window.geometry() == window.screen().geometry())
    assert window.presentation.action.isChecked()
    assert window.menu_actions.toolbar.isHidden()  # its actions are in the menus; the panels get the room
    assert qapp.font().pointSizeF() == pytest.approx(before["font"] / 1.25 * DEFAULT_SCALE)
    assert window.settings.value("view/zoom") == pytest.approx(1.25)  # the user's zoom, not the projector's
    assert window.settings.value("view/theme") == "dark"
    with qtbot.waitSignal(window.presentation_changed) as left:
        qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc leaves, as in a slide show
    assert left.args == [False, 1.0]
    qtbot.waitUntil(lambda: not window.isFullScreen() and window.geometry() == before["geometry"])
    assert window.zoom == pytest.approx(1.25) and window.theme == "dark"
    assert qapp.font().pointSizeF() == pytest.approx(before["font"])
    assert qapp.palette().color(QPalette.ColorRole.Window) == before["window"]
    assert not window.presentation.action.isChecked() and not window.menu_actions.toolbar.isHidden()
    window.presentation.action.trigger()  # the View menu's item does the same
    assert window.isFullScreen() and window.presentation.active
    window.presentation.action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen() and window.geometry() == before["geometry"])


def test_the_key_clashes_with_no_other_shortcut_and_sits_in_the_view_menu(window):
    keys = [(a, s.toString()) for a in window.findChildren(QAction) for s in a.shortcuts()]
    assert [a for a, key in keys if key == SHORTCUT] == [window.presentation.action]
    assert not [a for a, key in keys if key == "Esc"]  # Esc is bound only while presenting
    menu = window.menu_actions.view_menu
    assert window.presentation.action in menu.actions()
    assert window.presentation.scale_menu.menuAction() in menu.actions()
    assert window.presentation.contrast_menu.menuAction() in menu.actions()


def test_a_window_closed_while_presenting_keeps_its_normal_geometry(qtbot, make_window):
    window = make_window()
    window.showNormal()
    window.setGeometry(30, 40, 1000, 700)
    qtbot.waitUntil(lambda: window.geometry().size() == QSize(1000, 700))
    normal = window.saveGeometry()
    window.presentation.enter()
    window.save_settings()
    assert window.settings.value("window/geometry") == normal
    window.presentation.leave()


@pytest.mark.parametrize("contrast, window_colour, text_colour", [("dark", "#000000", "#ffffff"),
                                                                  ("light", "#ffffff", "#000000")])
def test_high_contrast_changes_the_palette_and_is_kept(qtbot, qapp, make_window, contrast, window_colour,
                                                       text_colour):
    window = make_window()
    window.set_theme("light")
    window.presentation.contrast_actions[contrast].trigger()
    assert window.settings.value("presentation/contrast") == contrast
    assert qapp.palette().color(QPalette.ColorRole.Window) == light_palette().color(QPalette.ColorRole.Window)
    window.presentation.enter()
    palette = qapp.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == window_colour
    assert palette.color(QPalette.ColorRole.WindowText).name() == text_colour
    assert palette.color(QPalette.ColorRole.Text).name() == text_colour
    assert window.settings.value("view/theme") == "light"
    window.presentation.set_contrast("off")  # while presenting: back to the user's theme at once
    assert qapp.palette().color(QPalette.ColorRole.Window) == light_palette().color(QPalette.ColorRole.Window)
    window.presentation.set_contrast(contrast)
    window.presentation.leave()
    assert window.theme == "light"
    assert qapp.palette().color(QPalette.ColorRole.Window) == light_palette().color(QPalette.ColorRole.Window)
    again = make_window()
    assert again.presentation.contrast == contrast and again.presentation.contrast_actions[contrast].isChecked()


def test_advanced_controls_are_hidden_with_their_labels_and_come_back(qtbot, make_window):
    window = make_window()
    marked = advanced_in(window)
    assert set(marked.values()) <= set(advanced_widgets(window))
    window.panel("inspect").live_steps.hide()  # hidden before: it stays hidden afterwards
    form = window.panel("model").w["dropout"].parentWidget().layout()
    label = form.labelForField(window.panel("model").w["dropout"])
    basics = [window.panel("model").preset, window.panel("train").settings.lr,
              window.panel("generate").sampling.temperature, window.panel("inspect").trace_button]
    before = {w: w.isHidden() for w in [*advanced_widgets(window), label, *basics]}
    window.presentation.enter()
    assert all(w.isHidden() for w in advanced_widgets(window))
    assert label.isHidden()  # the form row goes, not only its box
    assert not any(w.isHidden() for w in basics)
    window.presentation.leave()
    assert {w: w.isHidden() for w in before} == before
    assert window.panel("inspect").live_steps.isHidden() and not window.panel("inspect").live.isHidden()


def _axes(view: pg.GraphicsView) -> list[pg.AxisItem]:
    return [item for item in view.scene().items() if isinstance(item, pg.AxisItem) and item.isVisible()]


def test_plots_get_projector_fonts_and_pens_and_give_them_back(qtbot, make_window):
    window = make_window()
    plot = window.panel("train").plot
    curve_width = plot.train_curve.opts["pen"].widthF()
    symbol = plot.val_curve.opts["symbolSize"]
    window.presentation.enter()
    window.show_panel("train")
    for axis in _axes(plot):
        assert pixels(axis.style["tickFont"]) >= READABLE
    assert plot.train_curve.opts["pen"].widthF() == pytest.approx(curve_width * DEFAULT_SCALE)
    assert plot.val_curve.opts["symbolSize"] == pytest.approx(symbol * DEFAULT_SCALE)
    assert not small_texts(plot, READABLE), small_texts(plot, READABLE)  # ticks, titles and the legend
    assert not plot.rate_plot.isVisible() and plot.loss_plot.getAxis("bottom").label.isVisible()
    late = plot.loss_plot.plot([1, 2], [3, 4], pen=pg.mkPen("r", width=1))  # drawn while presenting
    qtbot.waitUntil(lambda: late.opts["pen"].widthF() == pytest.approx(DEFAULT_SCALE), timeout=5000)
    window.presentation.leave()
    assert plot.train_curve.opts["pen"].widthF() == pytest.approx(curve_width)
    assert plot.val_curve.opts["symbolSize"] == pytest.approx(symbol)
    assert late.opts["pen"].widthF() == pytest.approx(1)
    assert all(axis.style["tickFont"] is None for axis in _axes(plot))
    assert plot.rate_plot.isVisible() and not plot.loss_plot.getAxis("bottom").label.isVisible()
    assert small_texts(plot, READABLE)  # the legend is small again: the check sees it


def test_the_scale_is_chosen_kept_and_followed_while_presenting(qtbot, qapp, make_window):
    window = make_window()
    font = qapp.font().pointSizeF()
    window.presentation.enter()
    with qtbot.waitSignal(window.presentation_changed) as changed:
        window.presentation.scale_actions[2.0].trigger()
    assert changed.args == [True, 2.0]
    assert qapp.font().pointSizeF() == pytest.approx(font * 2.0)
    plot = window.panel("train").plot
    assert all(axis.style["tickFont"].pointSizeF() == pytest.approx(font * 2.0) for axis in _axes(plot))
    window.presentation.leave()
    assert qapp.font().pointSizeF() == pytest.approx(font)
    assert float(window.settings.value("presentation/scale")) == 2.0
    again = make_window()
    assert again.presentation.scale == 2.0 and again.presentation.scale_actions[2.0].isChecked()
    again.presentation.enter()
    assert qapp.font().pointSizeF() == pytest.approx(font * 2.0)
    again.presentation.leave()


def test_the_text_size_check_sees_small_text(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    small, large = QLabel("small"), QLabel("large")
    font = QFont(small.font())
    font.setPixelSize(12)
    small.setFont(font)
    font.setPixelSize(20)
    large.setFont(font)
    column = QVBoxLayout(page)
    column.addWidget(small)
    column.addWidget(large)
    page.show()
    qtbot.waitExposed(page)
    assert small_texts(page, READABLE) == ["QLabel 'small' is 12 px"]


# --- on a 1280×720 projector (a subprocess with a screen of that size) --------------------------------------

def test_on_a_1280x720_projector(tmp_path):
    run_on_a_projector(__file__, PROJECTOR, tmp_path)


on_projector = pytest.mark.skipif(not os.environ.get(PROJECTOR), reason="runs in test_on_a_1280x720_projector")

TOKENIZE_TEXT = {"grammar": "The cat sees the dog 🐱 — and then it runs home.",
                 "numbers-zh": "一千二百三十四 和 五万零六 🐼 是两个数字。"}


def _problems(qtbot, window, where: str) -> list[str]:
    QApplication.processEvents()
    qtbot.wait(60)  # layouts settle, timers that elide or reflow have run
    window.presentation.rescale_plots()
    return ([f"{where}: clipped {clip}" for clip in clipped_texts(window)]
            + [f"{where}: {small}" for small in small_texts(window, READABLE)]
            + [f"{where}: {cut}" for cut in cut_plot_titles(window)])


def _attention_stage(inspect) -> int:
    names = inspect.inspection.trace.names()
    return next(i for i, n in enumerate(names) if n.endswith("attn.weights"))


@on_projector
@pytest.mark.parametrize("dataset", ["grammar", "numbers-zh"])
def test_projector_screen_no_small_or_clipped_text_in_any_panel(qtbot, make_window, dataset):
    from .test_layout import realistic_state

    assert QApplication.primaryScreen().geometry().size() == QSize(1280, 720)
    window = make_window(dataset)
    realistic_state(qtbot, window, dataset)
    window.presentation.enter()
    qtbot.waitUntil(lambda: window.isFullScreen() and window.size() == QSize(1280, 720))
    assert window.geometry().topLeft() == QPoint(0, 0)
    found = []
    for panel in window.panels:
        window.show_panel(panel.name)
        found += _problems(qtbot, window, panel.name)
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.go_to(_attention_stage(inspect))
    for tab in range(inspect.detail.tabs.count()):
        if inspect.detail.tabs.isTabVisible(tab):
            inspect.detail.tabs.setCurrentIndex(tab)
            found += _problems(qtbot, window, f"inspect tab {inspect.detail.tabs.tabText(tab)!r}")
    assert not found, "\n" + "\n".join(found)
    window.presentation.leave()


@on_projector
@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
def test_projector_screen_tokenize_reads_for_every_tokenizer_kind(qtbot, make_window, kind):
    window = make_window("numbers-zh")
    tokenize = window.panel("tokenize")
    tokenize.input.setPlainText(TOKENIZE_TEXT["numbers-zh"] + "\n" + TOKENIZE_TEXT["grammar"])
    right = tokenize.right
    right.kind_box.setCurrentIndex(right.kind_box.findData(kind))
    right.vocab_box.setValue(200)
    right.train_button.click()
    qtbot.waitUntil(lambda: right.tokenizer is not None and not right.is_training(), timeout=120_000)
    window.presentation.enter()
    window.show_panel("tokenize")
    found = _problems(qtbot, window, f"tokenize {kind}")
    assert not found, "\n" + "\n".join(found)
    window.presentation.leave()


def _line_ink(view) -> int:
    """Pixels between the keys' and the queries' labels that differ from the background: the lines alone."""
    image = view.grab().toImage()
    background = image.pixelColor(image.width() - 1, image.height() - 1)
    left, right = int(image.width() * 0.3) + 10, int(image.width() * 0.7) - 10
    return sum(image.pixelColor(x, y) != background for x in range(left, right) for y in range(image.height()))


def test_custom_drawn_views_draw_wider_lines_and_readable_ids_while_presenting(qtbot, make_window):
    import numpy as np

    from playground.app.widgets.attention_views import AttentionLinesView
    from playground.app.widgets.token_spans import TokenSpanView

    window = make_window()
    lines = AttentionLinesView()
    qtbot.addWidget(lines)
    lines.resize(400, 300)
    weights = np.tril(np.ones((4, 4), dtype=np.float32))
    lines.set_weights(weights / weights.sum(-1, keepdims=True), list("abcd"), list("abcd"))
    lines.show()
    qtbot.waitExposed(lines)
    thin = _line_ink(lines)
    spans = window.panel("tokenize").left.findChild(TokenSpanView)
    window.presentation.enter()
    lines.resize(400, 300)
    assert _line_ink(lines) > thin * 1.3  # lines 1.6 times as wide
    assert pixels(spans._fonts()[1]) >= READABLE  # the ids under each token
    window.presentation.leave()
    assert pixels(spans._fonts()[1]) < READABLE


def test_generated_text_grows_with_the_presentation_scale(qtbot, make_window):
    """The output is what the class reads: it scales like the rest (it stayed at 15 px, its font explicit)."""
    from PySide6.QtGui import QFontInfo, QTextCursor, QTextFormat

    window = make_window()
    generate = window.panel("generate")
    window.show_panel("generate")
    generate.prompt.setPlainText("the cat")
    generate.generate()
    qtbot.waitUntil(lambda: not generate.is_generating() and bool(generate.output_text()), timeout=30_000)
    view = generate.token_view

    def drawn() -> int:  # the font the generated characters are drawn in: their formats set no size of their own
        cursor = QTextCursor(view.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        assert not cursor.charFormat().hasProperty(QTextFormat.Property.FontPointSize)
        return QFontInfo(view.document().defaultFont()).pixelSize()

    before = drawn()
    assert before > pixels(QApplication.font())  # larger than the window's text
    window.presentation.enter()
    qtbot.waitUntil(lambda: drawn() >= before * DEFAULT_SCALE * 0.95, timeout=5000)  # the fonts reach it posted
    assert drawn() >= READABLE
    window.presentation.set_scale(2.0)
    qtbot.waitUntil(lambda: drawn() >= before * 2.0 * 0.95, timeout=5000)
    window.presentation.leave()
    qtbot.waitUntil(lambda: drawn() == before, timeout=5000)


@on_projector
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_projector_screen_presentation_with_the_lessons_pane(qtbot, make_window, qapp, language):
    """F11 and F2 together on 1280×720: the lesson beside Inspect leaves the heatmap its rows, the worked numbers
    a row of their table, the stage list its names; the dock's title is projector-sized."""
    from PySide6.QtCore import QLocale
    from PySide6.QtGui import QFontInfo, QTextCursor

    from playground.app.translation import install_translation, uninstall_translation
    from playground.app.widgets.lesson_pane import builtin_lessons

    saved = QLocale()
    if language == "zh_CN":
        install_translation(qapp, "zh_CN")
    try:
        window = make_window()
        dock = window.lessons
        dock.runner.max_train_steps = 20
        window.presentation.enter()
        qtbot.waitUntil(lambda: window.isFullScreen() and window.size() == QSize(1280, 720))
        path = next(p for p in builtin_lessons(language) if p.stem.startswith("03"))
        assert dock.open_path(str(path))
        found = []
        for index in range(len(dock.runner.lesson.steps)):
            if index:
                assert dock.pane.next()
            qtbot.waitUntil(lambda: not dock.runner.is_busy(), timeout=300_000)
            found += _problems(qtbot, window, f"lesson 3 step {index + 1}")
        assert not found, "\n" + "\n".join(found)
        assert dock.width() <= 0.33 * window.width()  # the panel it drives keeps the rest
        assert pixels(dock.title_bar.label.font()) >= READABLE
        inspect = window.panel("inspect")
        window.show_panel("inspect")
        inspect.go_to(_attention_stage(inspect))
        detail = inspect.detail
        detail.tabs.setCurrentIndex(0)
        detail.select_cell(2, 1)
        QApplication.processEvents()
        qtbot.wait(60)
        rows = detail.heatmap.values.shape[0]
        assert detail.heatmap.height() >= HEATMAP_LINES * detail.heatmap.fontMetrics().height()
        assert detail.heatmap.cell_rect().height() / rows >= 7, "heatmap rows squashed"  # was 3 px a row
        # the worked numbers show their heading, the table's header and at least one row, unscrolled
        worked = detail.worked
        table = QTextCursor(worked.document()).document().rootFrame().childFrames()[0]
        first_row_bottom = worked.document().documentLayout().frameBoundingRect(table).top() + 2.2 * (
            worked.fontMetrics().lineSpacing())
        assert first_row_bottom <= worked.viewport().height(), (first_row_bottom, worked.viewport().height())
        for i in range(inspect.records_list.count()):  # the stage list names its records whole
            item = inspect.records_list.item(i)
            needed = inspect.records_list.fontMetrics().horizontalAdvance(item.text())
            assert needed <= inspect.records_list.viewport().width(), item.text()
        window.presentation.leave()
        assert dock.pane.language_box.isVisibleTo(dock) and window.sidebar.item(0).text()
        qtbot.waitUntil(lambda: QFontInfo(dock.title_bar.label.font()).pixelSize() < READABLE, timeout=5000)
    finally:
        if language == "zh_CN":
            uninstall_translation(qapp)
            QLocale.setDefault(saved)


@pytest.mark.parametrize("scale", [1.0, 1.6, 2.0])
def test_worked_numbers_keep_room_for_a_table_row_at_every_zoom(qtbot, make_window, scale):
    """Its least height follows the font: at 160 % it showed the table's header alone (its minimum was set once)."""
    from playground.app.widgets.stage_detail import WORKED_LINES

    window = make_window()
    detail = window.panel("inspect").detail
    window.set_zoom(scale, remember=False)
    qtbot.waitUntil(lambda: detail.worked.minimumHeight() >= WORKED_LINES * detail.worked.fontMetrics().lineSpacing(),
                    timeout=5000)
    assert detail.heatmap.minimumHeight() >= HEATMAP_LINES * detail.heatmap.fontMetrics().height()
    window.set_zoom(1.0)
