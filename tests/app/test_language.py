"""View ▸ Language: the menu in both languages, the saved choice, the order of precedence, the restart."""

import sys
import time

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from playground.app import dialogs, language
from playground.app.language import LANGUAGES, restart_box, restart_command, supported
from playground.app.translation import (LANG_ENV, LANGUAGE_SETTING, chosen_language, install_translation,
                                        uninstall_translation)


@pytest.fixture
def chinese(qapp):
    install_translation(qapp, "zh_CN")
    yield
    uninstall_translation(qapp)


def language_menu(window):
    menus = [a.menu() for a in window.menu_actions.view_menu.actions() if a.menu() is not None]
    return next(m for m in menus if m is window.menu_actions.language_menu.menu)


def test_the_language_menu_in_english(make_window):
    window = make_window()
    menu = language_menu(window)
    assert menu.title() == "&Language"
    assert [a.text() for a in menu.actions()] == ["English", "简体中文"]
    assert [a.isChecked() for a in menu.actions()] == [True, False]


def test_the_language_menu_in_chinese(chinese, make_window):
    window = make_window()
    menu = language_menu(window)
    assert menu.title() == "语言(&L)"
    assert [a.text() for a in menu.actions()] == ["English", "简体中文"]
    assert [a.isChecked() for a in menu.actions()] == [False, True]  # the running language is checked
    box = restart_box(window)
    assert [box.windowTitle(), box.restart_button.text(), box.later_button.text()] == \
        ["语言已更改", "立即重启", "稍后"]


def test_choosing_a_language_saves_it_and_later_keeps_the_window(make_window, monkeypatch, settings):
    window = make_window()
    asked = []
    monkeypatch.setattr(language, "ask_restart", lambda parent: asked.append(parent) or False)
    chinese = window.menu_actions.language_menu.actions["zh_CN"]
    chinese.trigger()
    assert settings.value(LANGUAGE_SETTING) == "zh_CN"
    assert QSettings(settings.fileName(), QSettings.Format.IniFormat).value(LANGUAGE_SETTING) == "zh_CN"  # on disk
    assert asked == [window] and window.isVisible() and chinese.isChecked()
    assert "next start" in window.statusBar().currentMessage()
    window.menu_actions.language_menu.actions["en"].trigger()  # back to the running language: no question
    assert settings.value(LANGUAGE_SETTING) == "en" and asked == [window]


def test_the_restart_question_answers_from_its_buttons(qtbot, make_window):
    window = make_window()
    answers = []
    for which in ("restart_button", "later_button"):
        def click(which=which):
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox) and box.text() == "The new language is used from the next start."
            getattr(box, which).click()
        QTimer.singleShot(50, click)
        answers.append(language.ask_restart(window))
    assert answers == [True, False]


def test_restart_now_when_the_user_cancels_the_unsaved_question_does_nothing(make_window, monkeypatch, tmp_path):
    window = make_window()
    window.workspace.core.dirty = True  # trained weights not saved
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda parent: "cancel")
    out = tmp_path / "started.txt"
    monkeypatch.setattr(sys, "orig_argv", [sys.executable, "-c", WRITE_ARGS, str(out)])
    assert window.menu_actions.language_menu.restart("zh_CN") is False
    assert window.isVisible()
    time.sleep(0.5)
    assert not out.exists()
    window.workspace.core.dirty = False


WRITE_ARGS = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(' '.join(sys.argv[2:]))"


def test_restart_now_closes_the_window_and_starts_the_same_command_again(qtbot, make_window, monkeypatch, tmp_path):
    """A real process is started with the command line ``restart_command`` builds (here a stand-in program)."""
    window = make_window()
    out = tmp_path / "started.txt"
    monkeypatch.setattr(sys, "orig_argv", [sys.executable, "-c", WRITE_ARGS, str(out), "--lang", "en", "x.txt"])
    qapp = QApplication.instance()
    quit_before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)  # the test's application must outlive the window
    try:
        assert window.menu_actions.language_menu.restart("zh_CN") is True
    finally:
        qapp.setQuitOnLastWindowClosed(quit_before)
    assert not window.isVisible()
    qtbot.waitUntil(lambda: out.exists() and out.read_text() != "", timeout=30_000)
    assert out.read_text() == "--lang zh_CN x.txt"


def test_restart_command_from_source_and_from_the_bundle():
    source = restart_command("zh_CN", argv=["/src/playground/__main__.py", "--lang", "en", "a.playground"],
                             orig_argv=["python3", "-m", "playground", "--lang", "en", "a.playground",
                                        "-platform", "offscreen"],
                             executable="/venv/bin/python3", frozen=False)
    assert source == ["/venv/bin/python3", "-m", "playground", "--lang", "zh_CN", "a.playground",
                      "-platform", "offscreen"]
    script = restart_command("en", argv=["/venv/bin/playground", "--lang=zh_CN"],
                             orig_argv=["/venv/bin/python3", "/venv/bin/playground", "--lang=zh_CN"],
                             executable="/venv/bin/python3", frozen=False)
    assert script == ["/venv/bin/python3", "/venv/bin/playground", "--lang=en"]
    bundle = restart_command("zh_CN", argv=["/opt/transformer-playground/playground", "notes.txt"],
                             orig_argv=["/opt/transformer-playground/playground", "notes.txt"],
                             executable="/opt/transformer-playground/playground", frozen=True)
    assert bundle == ["/opt/transformer-playground/playground", "notes.txt"]  # no --lang added: the setting rules
    unchanged = restart_command("zh_CN", orig_argv=["python", "-m", "playground"], executable="py", frozen=False)
    assert unchanged == ["py", "-m", "playground"]


def test_the_restart_keeps_the_environment_but_not_an_outranking_language(monkeypatch):
    monkeypatch.delenv(LANG_ENV, raising=False)
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    assert LANG_ENV not in language.restart_environment("zh_CN")
    assert language.restart_environment("zh_CN")["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv(LANG_ENV, "en")
    assert language.restart_environment("zh_CN")[LANG_ENV] == "zh_CN"


def test_the_order_of_precedence(monkeypatch, settings):
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert chosen_language(None, settings, system="zh_CN") == "zh_CN"  # first launch: the system's
    assert chosen_language(None, settings, system="en_GB") == "en_GB"
    assert chosen_language(None, None) == chosen_language(None, settings)  # nothing saved: QLocale.system()
    settings.setValue(LANGUAGE_SETTING, "en")
    assert chosen_language(None, settings, system="zh_CN") == "en"  # the saved choice beats the system
    monkeypatch.setenv(LANG_ENV, "zh_CN")
    assert chosen_language(None, settings, system="en_US") == "zh_CN"  # the environment beats the saved choice
    assert chosen_language("en", settings, system="zh_CN") == "en"  # --lang beats everything


def test_the_saved_choice_reaches_a_new_window(make_window, qapp, settings, monkeypatch):
    """What the menu saved is what the next start installs, and the menu checks it."""
    monkeypatch.delenv(LANG_ENV, raising=False)
    settings.setValue(LANGUAGE_SETTING, "zh_CN")
    install_translation(qapp, chosen_language(None, settings, system="en_US"))
    try:
        window = make_window()
        assert window.menu_actions.language_menu.actions["zh_CN"].isChecked()
        assert language_menu(window).title() == "语言(&L)"
    finally:
        uninstall_translation(qapp)


@pytest.mark.parametrize("name, expected", [("zh_CN", "zh_CN"), ("zh", "zh_CN"), ("zh-Hans-CN", "zh_CN"),
                                            ("en_US", "en"), ("C", "en"), ("de_DE", "en"), ("", "en")])
def test_a_locale_name_picks_a_menu_language(name, expected):
    assert supported(name) == expected and expected in LANGUAGES


def test_the_screenshot_script_photographs_the_chinese_interface(qapp, tmp_path):
    """``packaging/screenshots.py --lang zh_CN``: the interface in Chinese, into docs/screenshots/zh_CN."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "packaging"))
    try:
        import screenshots
    finally:
        sys.path.remove(str(root / "packaging"))
    shots_zh = str(root / "docs" / "screenshots" / "zh_CN")

    def parsed(argv):
        args = screenshots.parse_args(argv)
        return str(args.folder), args.lang, args.presentation

    assert parsed(["--lang", "zh_CN"]) == (shots_zh, "zh_CN", False)
    assert parsed(["--lang=zh_CN", "/tmp/shots"]) == ("/tmp/shots", "zh_CN", False)
    assert parsed(["/tmp/shots"]) == ("/tmp/shots", None, False)
    assert parsed(["--presentation"]) == (str(root / "docs" / "screenshots"), None, True)
    shots = screenshots.Photographer(tmp_path, "zh_CN")
    try:
        assert language_menu(shots.window).title() == "语言(&L)"
        shots.shoot("data-grammar", "data")
        assert (tmp_path / "data-grammar.png").stat().st_size > 10_000
    finally:
        shots.window.shutdown()
        shots.window.deleteLater()
        uninstall_translation(qapp)
