"""The window in 简体中文: menus, About box, the questions, the Data, Tokenize and Model panels, the self-test line.

Each check reads what the widgets really show under the compiled ``playground_zh_CN.qm`` and fails
on any text that is still the English source of one of these modules' messages.
"""

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel,
                               QLineEdit, QPlainTextEdit, QTabBar, QTableView, QWidget)

from playground.app.dialogs import ask_unsaved as real_ask_unsaved
from playground.app.dialogs import confirm_discard as real_confirm_discard
from playground.app.self_test import SelfTest

from .layout_check import clipped_texts

TS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations" / "zh_CN"
MODULES = ("__init__", "dialogs", "main_window", "session_actions", "self_test", "window_actions", "panels.data",
           "panels.tokenize", "panels.model", "widgets.architecture", "widgets.vocabulary", "widgets.embedding_map",
           "widgets.token_spans", "widgets.banner")
KINDS = ("char", "bpe", "wordpiece", "unigram", "word")
TIMEOUT = 60_000


def english_sources() -> set[str]:
    """The English text of every message of these modules that has no placeholder (those are shown whole)."""
    sources = set()
    for module in MODULES:
        for message in ET.parse(TS_DIR / f"playground.app.{module}.ts").getroot().iter("message"):
            source = message.findtext("source")
            if "{" not in source and message.findtext("translation") != source:  # kept as it is on purpose: a name
                sources.add(source)
    return sources


def shown_texts(root: QWidget) -> list[str]:
    """Every text a user can see or hover under ``root``: labels, buttons, titles, items, tabs, headers, tips."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root):
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model, columns = widget.model(), widget.horizontalHeader().count()
            texts += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns)]
    return [t for t in texts if t.strip()]


def menu_texts(window) -> list[str]:
    texts = []
    for action in window.menuBar().actions():
        menu = action.menu()
        menu.aboutToShow.emit()  # the recent-sessions menu fills itself when shown
        texts.append(menu.title())
        for item in menu.actions():
            texts += [item.text(), item.toolTip(), item.statusTip()]
            if item.menu() is not None:
                item.menu().aboutToShow.emit()
                texts += [item.menu().title(), *(sub.text() for sub in item.menu().actions())]
    texts += [action.text() for action in window.menu_actions.toolbar.actions()]
    return [t for t in texts if t.strip()]


def english(texts: list[str], sources: set[str]) -> list[str]:
    return sorted({t for t in texts if t in sources or t.replace("&", "") in sources})


def test_menus_title_and_status_bar_are_chinese(chinese_ui, make_window):  # noqa: F811
    window = make_window("grammar")
    sources = english_sources()
    texts = menu_texts(window)
    assert not english(texts, sources), english(texts, sources)
    assert {"文件(&F)", "视图(&V)", "帮助(&H)", "没有最近的会话"} <= set(texts)
    assert window.windowTitle() == "未命名会话[*] — Transformer 游乐场"
    assert window.step_label.text() == "第 0 步" and window.device_label.text().startswith("设备：")
    assert window.params_label.text().startswith("参数量 ")


@pytest.mark.parametrize("dataset", ["grammar", "numbers-zh"])
def test_data_tokenize_and_model_panels_are_chinese_with_every_tokenizer(qtbot, chinese_ui, make_window,  # noqa: F811
                                                                          dataset):
    """English, then Chinese data; each of the five tokenizer kinds trained in Tokenize's right column."""
    window = make_window(dataset)
    sources = english_sources()
    found = []
    for name in ("data", "model"):
        window.show_panel(name)
        found += english(shown_texts(window.panel(name)), sources)
    tokenize = window.panel("tokenize")
    window.show_panel("tokenize")
    tokenize.input.setPlainText("The cat sees 一千二百三十四 🐼👩‍🔬 — twice.")
    right = tokenize.right
    for kind in KINDS:
        right.kind_box.setCurrentIndex(right.kind_box.findData(kind))
        found += [f"{kind} untrained: {t}" for t in english(shown_texts(tokenize), sources)]
        right.train_button.click()
        qtbot.waitUntil(lambda: right.tokenizer is not None and not right.is_training(), timeout=TIMEOUT)
        tokenize.refresh()
        for tab in range(right.tabs.count()):
            right.tabs.setCurrentIndex(tab)
            found += [f"{kind} tab {tab}: {t}" for t in english(shown_texts(tokenize), sources)]
        assert "个词元" in right.stats_label.text() and "词表中有" in right.state_label.text()
    assert not found, "\n".join(found)
    assert window.panel("data").stats_box.title() == "统计"
    assert window.panel("model").diagram.block_titles()[0].endswith("第 1 层")


def test_about_box_and_questions_are_chinese(qtbot, chinese_ui, make_window):  # noqa: F811
    window = make_window("grammar")
    about = window.show_about()
    qtbot.waitExposed(about)
    text = about.label.text()
    dialog_sources = {s for s in english_sources() if s in ("Licence", "Installed as", "Devices", "loading…",
                                                            "Transformer Playground")}
    assert not [s for s in dialog_sources if s in text], text
    assert "许可证" in text and "Python 包，位于" in text and about.windowTitle() == "关于 Transformer 游乐场"
    assert not clipped_texts(about)
    about.close()
    shown = []

    def answer():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer)
            return
        shown.append((box.windowTitle(), box.text(), [b.text() for b in box.buttons()]))
        box.reject()

    QTimer.singleShot(20, answer)
    assert real_ask_unsaved(window) == "cancel"
    window.workspace.core.dirty = True
    QTimer.singleShot(20, answer)
    assert real_confirm_discard(window, window.workspace.core) is False
    window.workspace.core.dirty = False
    assert [title for title, _text, _buttons in shown] == ["训练结果未保存", "放弃训练好的模型？"]
    assert all("权重" in text for _title, text, _buttons in shown)


def test_a_failed_start_shows_its_whole_message(qtbot, settings):
    """The loading page's message wraps over the window's width instead of being cut at one line's width."""
    from playground.app.main_window import MainWindow

    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    message = "ModuleNotFoundError: No module named 'torch' " + "(the installation is incomplete) " * 4
    window.loading_page.show_failure(message)
    qtbot.wait(50)
    status = window.loading_page.status
    assert message in status.text() and status.height() >= 2 * status.fontMetrics().height()
    assert not clipped_texts(window.loading_page), clipped_texts(window.loading_page)
    window.close()


def test_the_self_test_line_is_chinese(qtbot, chinese_ui, make_window, tmp_path):  # noqa: F811
    window = make_window()
    test = SelfTest(window, tmp_path / "runs", time.monotonic(), steps=3)
    with qtbot.waitSignal(test.finished, timeout=120_000) as done:
        test.start()
    code, line = done.args
    assert code == 0, line
    assert line.startswith("playground 自检通过：") and "训练 grammar 3 步" in line and line.endswith(" 秒")
    with qtbot.waitSignal(test.finished) as failed:
        test._fail("磁盘已满")
    assert failed.args == [1, "playground 自检失败：磁盘已满"]


def test_toolbar_buttons_show_no_mnemonic(chinese_ui, make_window):  # noqa: F811
    """"打开会话(&O)…" is "打开会话" on its button, and a text that changes later (Pause → Resume) follows."""
    window = make_window("grammar")
    toolbar = window.menu_actions.toolbar
    actions = window.menu_actions
    buttons = {a: toolbar.widgetForAction(a) for a in (actions.open_text_action, actions.open_action,
                                                        actions.save_action)}
    assert [b.text() for b in buttons.values()] == ["打开文本文件", "打开会话", "保存会话"]
    pause = window.panel("train").pause_action
    pause.setText("继续(&R)")
    assert toolbar.widgetForAction(pause).text() == "继续" and pause.text() == "继续(&R)"
    assert all("(" not in toolbar.widgetForAction(a).text() for a in toolbar.actions() if not a.isSeparator())


def test_the_apps_gettext_messages_are_chinese(chinese_ui, tmp_path, capsys):  # noqa: F811
    """The app's own _() strings (its --help, a refused metrics file) come from the compiled catalogue too."""
    from playground.app import parse_args
    from playground.app.training import read_metrics
    from playground.core.errors import PlaygroundError

    with pytest.raises(SystemExit):
        parse_args(["--help"])
    help_text = capsys.readouterr().out
    assert "打开 Transformer 游乐场窗口。" in help_text and "界面语言" in help_text
    (tmp_path / "metrics.jsonl").write_text('{"kind": "note"}\nnot json\n', encoding="utf-8")
    with pytest.raises(PlaygroundError, match="中没有训练记录：请选择某次训练的 metrics.jsonl"):
        read_metrics(tmp_path)
    with pytest.raises(PlaygroundError, match="无法读取 .*：请选择某次训练的 metrics.jsonl"):
        read_metrics(tmp_path / "missing")
