"""The Data panel: datasets with their statistics, text files with a cleaning preview, bad files refused."""

import pytest
from PySide6.QtCore import QLocale, Qt

from playground.core.datasets import DATASETS, get_dataset
from playground.core.text import corpus_stats

from .conftest import wait_ready

TIMEOUT = 30_000


def number(n) -> str:
    return QLocale().toString(int(n))


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
    assert item.text() == DATASETS["grammar"].title and item.toolTip() == DATASETS["grammar"].description
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


def test_cleaning_is_for_own_text_only(window):
    panel = window.panel("data")
    assert not panel.cleaning_box.isEnabled() and "already clean" in panel.cleaning_box.toolTip()


def test_data_choice_is_locked_while_training(window):
    panel = window.panel("data")
    window.workspace.training_state.emit("running")
    assert not panel.dataset_list.isEnabled() and not panel.open_button.isEnabled()
    window.workspace.training_state.emit("stopped")
    assert panel.dataset_list.isEnabled()
