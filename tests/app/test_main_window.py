"""The main window: panels in pipeline order, shortcuts, themes, About, sessions, closing, errors."""

import sys

import pytest
import torch
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QPalette

from playground.app import dialogs, install_excepthook
from playground.app.settings import recent_files
from playground.app.theme import is_dark
from playground.app.worker import Job

from .conftest import wait_ready

PIPELINE = ["data", "tokenize", "model", "train", "inspect", "generate"]


def test_panels_in_pipeline_order_with_titles(window):
    assert [p.name for p in window.panels] == PIPELINE
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["Data", "Tokenize", "Model", "Train", "Inspect", "Generate"]
    assert all(not window.sidebar.item(i).icon().isNull() for i in range(window.sidebar.count()))


def test_sidebar_and_ctrl_number_switch_panels(qtbot, window):
    item = window.sidebar.item(2)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.visualItemRect(item).center())
    assert window.current_panel().name == "model"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for i, name in enumerate(PIPELINE):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + i), Qt.KeyboardModifier.ControlModifier)
        assert window.current_panel().name == name
    window.save_settings()  # as closing the window does
    assert window.settings.value("window/panel") == "generate"


def test_train_actions_get_menu_and_f5(window):
    start, stop = window.panel("train").start_action, window.panel("train").stop_action
    assert start.shortcut().toString() == "F5" and stop.shortcut().toString() == "Shift+F5"
    assert start in window.menu_actions.train_menu.actions() and start in window.menu_actions.toolbar.actions()
    assert start in window.actions() and stop in window.actions()  # F5 works from any panel


def test_status_bar_shows_device_size_and_step(window):
    assert "CPU" in window.device_label.text() or "cuda" in window.device_label.text().lower()
    n = window.panel("model").parameter_count()
    assert window.params_label.text() == f"{n / 1e6:.2f} M parameters"
    assert window.step_label.text() == "Step 0"
    window.workspace.record({"kind": "step", "step": 7, "loss": 1.0, "lr": 1e-3, "grad_norm": 1.0,
                             "tokens_per_second": 1.0, "elapsed": 1.0, "device": "cpu"})
    assert window.step_label.text() == "Step 7" and window.isWindowModified()


@pytest.mark.parametrize("theme, dark", [("dark", True), ("light", False), ("high-contrast", True)])
def test_theme_switching(qapp, window, theme, dark):
    window.menu_actions.theme_actions[theme].trigger()
    assert window.theme == theme and window.settings.value("view/theme") == theme
    assert is_dark(qapp.palette()) is dark
    assert window.menu_actions.theme_actions[theme].isChecked()
    window.set_theme("system")
    assert qapp.palette().color(QPalette.ColorRole.Window) == qapp.style().standardPalette().color(
        QPalette.ColorRole.Window)


def test_zoom_scales_the_application_font(qapp, window):
    size = qapp.font().pointSizeF()
    heading = window.panel("model").parameter_label
    heading_size = heading.font().pointSizeF()
    window.menu_actions.zoom_in_action.trigger()
    assert qapp.font().pointSizeF() > size and window.settings.value("view/zoom") == pytest.approx(1.1)
    assert heading.font().pointSizeF() == pytest.approx(heading_size * 1.1)
    window.menu_actions.zoom_reset_action.trigger()
    assert qapp.font().pointSizeF() == pytest.approx(size)


def test_about_shows_versions_and_devices(qtbot, window):
    dialog = window.show_about()
    qtbot.addWidget(dialog)
    text = dialog.label.text()
    assert torch.__version__ in text and pyside_version in text and "CPU" in text
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in text
    assert "MIT" in text and "Python package in" in text  # the packaged app says "packaged app in"
    dialog.close()


def test_session_save_and_reopen_restores_config_weights_and_ui(qtbot, window, tmp_path):
    ws = window.workspace
    ws.set_model_config(n_layer=2)
    ws.core.ensure_model()
    weights = {k: v.clone() for k, v in ws.core.model.state_dict().items()}
    window.panel("tokenize").input.setPlainText("session text")
    window.show_panel("model")
    assert window.save_session_as(str(tmp_path / "saved"))
    path = tmp_path / "saved.playground"
    assert window.session_path == path and recent_files(window.settings)[0] == str(path)
    assert window.windowTitle().startswith("saved.playground")

    ws.set_model_config(n_layer=1)
    window.panel("tokenize").input.setPlainText("changed")
    window.show_panel("data")
    with qtbot.waitSignal(window.session_loaded, timeout=30_000):
        window.open_session(str(path))
    core = window.workspace.core
    assert core.recipe.model.n_layer == 2
    for name, tensor in core.model.state_dict().items():
        assert torch.equal(tensor, weights[name]), name
    assert window.panel("tokenize").text() == "session text"
    assert window.current_panel().name == "model"
    wait_ready(qtbot, window)
    assert window.panel("model").w["n_layer"].value() == 2


def test_damaged_session_is_a_message_not_a_crash(qtbot, window, tmp_path):
    bad = tmp_path / "bad.playground"
    bad.write_bytes(b"not a zip at all")
    before = window.workspace.core
    with qtbot.waitSignal(window.workspace.error, timeout=30_000):
        window.open_session(str(bad))
    assert "not a Transformer Playground session" in window.banner.text()
    assert window.workspace.core is before


def test_saving_while_training_is_refused(window, tmp_path):
    window.workspace.training_state.emit("running")
    assert not window.save_session_as(str(tmp_path / "x.playground"))
    assert "pause or stop" in window.banner.text()
    window.workspace.training_state.emit("stopped")


def infinite_records():
    """A fake long job: records until cancelled (the Job checks between records)."""
    import time

    step = 0
    while True:
        step += 1
        time.sleep(0.005)  # a worker doing some work; the test itself waits on signals only
        yield step


def test_closing_with_a_running_job_stops_it(qtbot, make_window):
    window = make_window()
    panel = window.panel("inspect")
    job = Job(infinite_records)
    with qtbot.waitSignal(job.progress, timeout=10_000):
        panel.run_job(job)
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        assert window.close()
    assert not job.is_running() and not panel.jobs_running()


def test_closing_with_unsaved_weights_asks(qtbot, window, monkeypatch):
    window.workspace.core.dirty = True
    asked = []
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda parent: asked.append(1) or "cancel")
    assert not window.close() and window.isVisible() and asked
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda parent: "discard")
    assert window.close()


def test_closing_while_training_stops_it_and_saves_when_asked(qtbot, make_window, monkeypatch, tmp_path):
    window = make_window()
    train = window.panel("train")
    with qtbot.waitSignal(window.workspace.training_record, timeout=60_000):
        train.start_action.trigger()
    assert window.workspace.training_active and window.workspace.core.dirty
    window.session_path = tmp_path / "evening.playground"
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda parent: "save")
    assert window.close()
    assert not train.jobs_running() and not window.workspace.training_active
    assert window.session_path.is_file() and not window.workspace.core.dirty


def test_worker_exception_is_shown_in_the_window(qtbot, window):
    panel = window.panel("inspect")
    job = Job(lambda: 1 / 0)
    job.error.connect(panel.report_error)
    with qtbot.waitSignal(window.workspace.error, timeout=10_000):
        panel.run_job(job)
    assert "Division by zero" in window.banner.text() and window.banner.level == "error"  # a sentence alone


def test_exception_in_a_slot_becomes_a_message(window, monkeypatch, capsys):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(window)
    try:
        raise ValueError("something broke")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert "something broke" in window.banner.text()
    assert "Traceback" in capsys.readouterr().err


def test_dropping_a_text_file_opens_it_as_the_corpus(qtbot, window, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("once upon a time there was a tiny model.\n" * 200, encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.workspace.data_changed, timeout=30_000):
        window.dropEvent(event)
    assert window.workspace.core.recipe.spec["text_file"] == str(path.resolve())
    assert window.current_panel().name == "data"
    assert window.settings.value("data/text_file") == str(path.resolve())


def test_settings_persist_across_windows(qtbot, make_window, settings):
    first = make_window()
    first.show_panel("model")
    first.set_theme("dark")
    first.resize(1000, 700)
    first.close()
    assert settings.value("window/panel") == "model"
    second = make_window()
    assert second.current_panel().name == "model" and second.theme == "dark"
    assert not settings.value("window/geometry").isEmpty()  # restored too (clamped to the offscreen screen)


def test_new_session_goes_back_to_the_default_dataset(qtbot, window, tmp_path):
    window.save_session_as(str(tmp_path / "s.playground"))
    with qtbot.waitSignal(window.workspace.data_changed, timeout=30_000):
        window.menu_actions.new_action.trigger()
    assert window.session_path is None and window.workspace.core.recipe.spec["dataset"] == "grammar"


def test_a_session_named_at_launch_is_opened(qtbot, make_window, tmp_path):
    first = make_window()
    first.workspace.set_model_config(n_layer=2)
    assert first.save_session_as(str(tmp_path / "class.playground"))
    first.close()
    from playground.app.main_window import MainWindow

    window = MainWindow(settings=first.settings)
    qtbot.addWidget(window)
    window.initial_file = str(tmp_path / "class.playground")
    with qtbot.waitSignal(window.session_loaded, timeout=30_000):
        window.build_panels()
    assert window.workspace.core.recipe.model.n_layer == 2 and window.session_path.name == "class.playground"
    qtbot.waitUntil(lambda: not window.panel("data").jobs_running() and not window.panel("model").jobs_running(),
                    timeout=30_000)
    window.shutdown()


def test_toolbar_buttons_read_like_their_menu_items(window):
    toolbar, actions = window.menu_actions.toolbar, window.menu_actions
    texts = [toolbar.widgetForAction(a).text() for a in (actions.open_text_action, actions.open_action,
                                                          actions.save_action)]
    assert texts == ["Open text file", "Open session", "Save session"]
    start = window.panel("train").start_action
    assert toolbar.widgetForAction(start).text() == start.text().replace("&", "")
