"""The Data panel: datasets with their statistics, text files with a cleaning preview, bad files refused."""

import pytest
from PySide6.QtCore import QLocale, QSize, Qt
from PySide6.QtWidgets import QSpinBox

from playground.app.numbers import format_count

from playground.core.datasets import DATASETS, get_dataset
from playground.core.text import corpus_stats

from .conftest import wait_ready
from .layout_check import shoot

TIMEOUT = 30_000


number = format_count


def choose(qtbot, window, name):
    panel = window.panel("data")
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        panel.choose_dataset(name)
    wait_ready(qtbot, window)
    return panel


def test_datasets_listed_with_titles_and_descriptions(window):
    panel = window.panel("data")
    assert panel.dataset_list.count() == len(DATASETS)
    item = panel.dataset_list.item(0)
    assert item.text() == DATASETS["grammar"].title
    assert item.toolTip() == f"{DATASETS['grammar'].title}\n\n{DATASETS['grammar'].description}"
    assert DATASETS["grammar"].title in panel.description_label.text()


def test_language_modelling_statistics(window):
    panel, task = window.panel("data"), window.workspace.core.recipe.task
    splits = get_dataset("grammar").make(0)
    stats = corpus_stats(splits.train + splits.val)
    assert panel.stat_values["n_chars"].text() == number(stats["n_chars"])
    assert panel.stat_values["n_distinct_chars"].text() == number(stats["n_distinct_chars"])
    assert panel.stat_names["split_train"].text() == "Training tokens"
    assert panel.stat_values["split_train"].text() == number(len(task.train_ids))
    assert panel.stat_values["split_val"].text() == number(len(task.val_ids))
    assert panel.before_edit.toPlainText().startswith(splits.train[:50])


def test_choosing_a_pair_dataset_updates_statistics_and_examples(qtbot, window):
    item = window.panel("data").dataset_list.item(list(DATASETS).index("addition"))
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        qtbot.mouseClick(window.panel("data").dataset_list.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.panel("data").dataset_list.visualItemRect(item).center())
    wait_ready(qtbot, window)
    panel, task = window.panel("data"), window.workspace.core.recipe.task
    assert window.workspace.core.recipe.spec["dataset"] == "addition"
    assert panel.stat_names["split_train"].text() == "Training examples"
    assert panel.stat_values["split_train"].text() == number(len(task.train_pairs))
    assert panel.stat_values["split_val"].text() == number(len(task.val_pairs))
    assert panel.examples_table.rowCount() == 20 and panel.examples_table.isVisibleTo(panel)
    assert panel.stat_names["n_lines"].text() == "Longest example"
    assert panel.stat_values["n_lines"].text() == f"{task.longest()} tokens"
    source, target = task.train_pairs[0]
    assert (panel.examples_table.item(0, 0).text(), panel.examples_table.item(0, 1).text()) == (source, target)
    assert "Addition" in panel.heading.text()


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01\x02\x03binary\x00\xff" * 50, "binary"),
    (b"   \n\n  \t\n", "only spaces"),
])
def test_bad_file_gives_a_message_not_a_crash(qtbot, window, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    panel = window.panel("data")
    before = window.workspace.core.recipe
    panel.open_text_file(str(path))
    qtbot.waitUntil(lambda: message in panel.banner.text(), timeout=TIMEOUT)
    assert panel.banner.level == "error" and not panel.is_busy()
    assert window.workspace.core.recipe is before  # the data in use stays


def test_missing_file_gives_a_message(qtbot, window, tmp_path):
    panel = window.panel("data")
    panel.open_text_file(str(tmp_path / "nowhere.txt"))
    qtbot.waitUntil(lambda: "does not exist" in panel.banner.text(), timeout=TIMEOUT)


def test_text_file_with_cleaning_preview_side_by_side(qtbot, window, tmp_path):
    path = tmp_path / "shout.txt"
    path.write_text("HELLO,   World!!  ﬁne\n" * 300, encoding="utf-8")
    panel = window.panel("data")
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        panel.open_text_file(str(path))
    wait_ready(qtbot, window)
    assert panel.cleaning_box.isEnabled() and panel.after_edit.isVisibleTo(panel)
    assert panel.after_edit.toPlainText() == panel.before_edit.toPlainText()
    panel.cleaning_checks["lowercase"].setChecked(True)
    panel.cleaning_checks["collapse_whitespace"].setChecked(True)
    assert panel.after_edit.toPlainText().startswith("hello, world!! ﬁne\n")
    assert panel.before_edit.toPlainText().startswith("HELLO,   World!!")
    assert panel.apply_cleaning_button.isEnabled()
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        panel.apply_cleaning_button.click()
    spec = window.workspace.core.recipe.spec
    assert spec["cleaning"]["lowercase"] and spec["cleaning"]["collapse_whitespace"]
    wait_ready(qtbot, window)
    assert panel.stat_values["n_chars"].text() == number(len("hello, world!! ﬁne\n") * 300)
    assert not panel.apply_cleaning_button.isEnabled()


def test_a_gutenberg_download_trains_on_the_book_only(qtbot, window, tmp_path):
    """Seen on Pride and Prejudice: the preview began with Project Gutenberg's header, and its licence was learnt."""
    book = "It is a truth universally acknowledged. 孙悟空说 👍\n" * 50
    path = tmp_path / "pg1342.txt"
    path.write_text("The Project Gutenberg EBook of Pride and Prejudice\n\n*** START OF THIS PROJECT GUTENBERG "
                    "EBOOK PRIDE AND PREJUDICE ***\n" + book + "*** END OF THIS PROJECT GUTENBERG EBOOK ***\n"
                    "Project Gutenberg-tm License\n", encoding="utf-8")
    panel = window.panel("data")
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        panel.open_text_file(str(path))
    wait_ready(qtbot, window)
    check = panel.cleaning_checks["gutenberg"]
    assert check.isVisibleTo(panel) and "Gutenberg" in check.text()
    check.setChecked(True)
    assert panel.after_edit.toPlainText().startswith("It is a truth")
    assert panel.before_edit.toPlainText().startswith("The Project Gutenberg EBook")
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        panel.apply_cleaning_button.click()
    assert window.workspace.core.recipe.spec["cleaning"]["gutenberg"]
    wait_ready(qtbot, window)
    assert panel.stat_values["n_chars"].text() == number(len(book))


def test_cleaning_is_for_own_text_only(window):
    panel = window.panel("data")
    assert not panel.cleaning_box.isEnabled() and "already clean" in panel.cleaning_box.toolTip()


def test_data_choice_is_locked_while_training(window):
    panel = window.panel("data")
    window.workspace.training_state.emit("running")
    assert not panel.dataset_list.isEnabled() and not panel.open_button.isEnabled()
    window.workspace.training_state.emit("stopped")
    assert panel.dataset_list.isEnabled()


WORD_TEXTS = {  # text, words as counted, words marked as counted one per CJK character
    "english": ("The old dog sees a small red ball.\n" * 200, 8 * 200, False),
    "chinese": ("孙悟空是一只猴子，他跟着唐僧去西天取经。\n" * 200, 18 * 200, True),
    "emoji": ("I love 😀 and 👍🏽 a lot 🎉\n" * 200, 5 * 200, False),
    "mixed": ("Hello 世界, hello 悟空 😀\n" * 200, 6 * 200, True),
}


@pytest.mark.parametrize("name", WORD_TEXTS)
def test_words_are_counted_truly_for_text_without_spaces(qtbot, window, tmp_path, name):
    text, words, cjk = WORD_TEXTS[name]
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    panel = window.panel("data")
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        panel.open_text_file(str(path))
    wait_ready(qtbot, window)
    assert panel.stat_values["n_words"].text() == number(words)
    assert panel.stat_values["n_chars"].text() == number(len(text))
    name_label = panel.stat_names["n_words"]
    assert ("CJK" in name_label.text()) == cjk
    assert "each of their characters counts as one word" in name_label.toolTip()
    assert ("single Chinese or Japanese characters" in panel.stat_values["n_words"].toolTip()) == cjk


def test_numbers_are_grouped_even_under_the_c_locale(qtbot, make_window):
    """LANG=C.UTF-8 gives Qt's C locale, which omits group separators: the panels group anyway."""
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    try:
        window = make_window("grammar")
        panel, task = window.panel("data"), window.workspace.core.recipe.task
        shown = panel.stat_values["n_chars"].text()
        assert len(task.train_ids) > 1000 and "," in panel.stat_values["split_train"].text()
        assert shown == f"{int(shown.replace(',', '')):,}" and "," in shown
        model = window.panel("model")
        qtbot.waitUntil(lambda: model.parameter_label.text() not in ("", "…"), timeout=TIMEOUT)
        exact = model.parameter_label.text().split()[0]
        assert exact == f"{model.summary['parameters']:,}" and "," in exact
        assert model.parameter_label.text().endswith(" k)") or model.parameter_label.text().endswith(" M)")
        vocab = window.panel("tokenize").right.vocab_box  # spin boxes: the same format as the labels
        vocab.setValue(3000)
        assert vocab.text() == "3,000"
        steps = window.panel("train").findChildren(QSpinBox)[0]
        steps.setMaximum(100_000)
        steps.setValue(12345)
        assert steps.text() == "12,345"
    finally:
        QLocale.setDefault(previous)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_target_column_of_the_examples_is_visible_on_a_laptop(qtbot, request, make_window, language):
    """A new user saw only "Source" for the sentiment dataset at 1280×720 with the lessons open: the first
    column was sized to its longest sentence and positive/negative sat off to the right."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    window = make_window("sentiment")
    window.show_panel("data")
    panel = window.panel("data")
    table, header = panel.examples_table, panel.examples_table.horizontalHeader()
    targets = [table.item(row, 1).text() for row in range(table.rowCount())]
    assert {"positive", "negative"} <= set(targets)
    widest = max(table.fontMetrics().horizontalAdvance(t) for t in targets)
    sizes = [("1280x720", QSize(1280, 720), False), ("1280x720-lessons", QSize(1280, 720), True),
             ("minimum", window.minimumSize(), False)]
    for name, size, lessons in sizes:
        window.lessons.setVisible(lessons)
        window.resize(size)
        QApplication.processEvents()
        qtbot.wait(50)
        shoot(window, f"data-sentiment-{language}-{name}")
        left, width = header.sectionViewportPosition(1), header.sectionSize(1)
        assert 0 <= left and left + width <= table.viewport().width(), (name, left, width, table.viewport().width())
        assert width >= widest, (name, width, widest)  # "positive" and "negative" whole, not elided
        assert table.horizontalScrollBar().maximum() == 0, name
        assert header.sectionSize(0) >= table.viewport().width() // 3, name  # the sentences keep room
    source = table.item(3, 0)
    assert source.toolTip() == source.text()  # a sentence cut short reads whole on hover


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_statistics_of_a_text_file_fit_the_smallest_window(qtbot, request, make_window, tmp_path, language):
    """Two figures to a row, name over value, need twice the lines: at the window's minimum size they were squeezed
    into four lines and drawn over each other. There the names now sit beside their values, in the same four lines."""
    from PySide6.QtWidgets import QApplication

    from playground.app.widgets.stats_grid import BESIDE, WIDE

    from .layout_check import clipped_texts

    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    path = tmp_path / "book.txt"
    path.write_text("It was the best of times, it was the worst of times. 话说天下大势，分久必合。😀\n" * 3_000,
                    encoding="utf-8")
    window = make_window()
    window.show_panel("data")
    panel = window.panel("data")
    panel.open_text_file(str(path), ask=False)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=60_000)
    for size, shapes in ((window.minimumSize(), (BESIDE, WIDE)), (window.size().expandedTo(QSize(1280, 720)), (WIDE,))):
        window.resize(size)
        QApplication.processEvents()
        shoot(window, f"data-text-file-{language}-{size.width()}")
        assert panel.stats_box.shape() in shapes
        assert clipped_texts(panel) == []
