"""Fixtures for the app tests: isolated settings, no modal questions, a main window on a tiny workspace."""

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from playground.app import dialogs
from playground.app.theme import apply_theme, apply_zoom

from .workspaces import tiny_workspace


@pytest.fixture(autouse=True)
def garbage_collected_in_the_main_thread(qapp):
    """Free the Qt objects of earlier tests here, not later in a worker thread.

    Python's cycle collector runs in whichever thread happens to allocate: a closed window
    freed from a job's thread would take its timers with it from the wrong thread, and Qt
    would later fire them on freed memory.
    """
    gc.collect()
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Settings go to an INI file in a temporary folder, never to the user's."""
    folder = tmp_path / "settings"
    folder.mkdir()
    monkeypatch.setenv("PLAYGROUND_SETTINGS_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def runs_in_tmp(tmp_path, monkeypatch):
    """Training started from a window writes its run folder here, not in the user's data folder."""
    from playground.app.panels import train

    monkeypatch.setattr(train, "default_runs_root", lambda: tmp_path / "runs")


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch):
    """A test that wants another answer patches these again; none may block on a dialog."""
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda parent: "discard")
    monkeypatch.setattr(dialogs, "confirm_discard", lambda parent, core: True)


@pytest.fixture(autouse=True)
def default_look(qapp):
    yield
    apply_theme("system", qapp)
    apply_zoom(1.0, qapp)


@pytest.fixture
def settings():
    from playground.app.settings import open_settings

    return open_settings()


@pytest.fixture
def make_window(qtbot, settings):
    """MainWindow(s) with panels built at once (torch is loaded already) over a tiny workspace."""
    from playground.app.main_window import MainWindow

    windows = []

    def make(dataset: str | None = "grammar", wait: bool = True):
        window = MainWindow(settings=settings)
        qtbot.addWidget(window)
        core = tiny_workspace(dataset).core if dataset else None
        window.build_panels(core, load_data=dataset is None)
        window.show()
        qtbot.waitExposed(window)
        if wait:
            wait_ready(qtbot, window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.shutdown()
    windows.clear()


def wait_ready(qtbot, window, timeout=30_000):
    """Until every panel has heard of the data (hidden ones in later turns), the Data panel has described it and the
    Model panel has sized the model."""
    qtbot.waitUntil(lambda: window.panel("data").info is not None and not window.panel("data").is_busy()
                    and window.panel("model").summary is not None and not window.workspace.turns.busy(),
                    timeout=timeout)


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture(params=["en", "zh"])
def ui_language(request):
    """Each test twice: in the English UI, and in the Chinese one (installed before the window is built)."""
    if request.param == "zh":
        request.getfixturevalue("chinese_ui")
    return request.param


@pytest.fixture
def chinese_ui(qapp):
    """The app's Chinese translation installed as ``--lang zh_CN`` does (the .qm ships with the app), removed after."""
    from playground.app.translation import install_translation, uninstall_translation

    loaded = install_translation(qapp, "zh_CN")
    try:
        assert any("playground_zh_CN.qm" in path for path in loaded), loaded
        yield
    finally:
        uninstall_translation(qapp)
