"""Messages about a state go when the state ends; saves that fail say why, and the window goes on."""

import math
from pathlib import Path

import pytest

from playground.app.panels.train import TrainPanel
from playground.app.widgets.banner import Banner
from tests.faults import disk_full_after

from .workspaces import tiny_workspace

TIMEOUT = 60_000


def running(window):
    return window.workspace.state == "running"


def start_long_run(qtbot, train_panel, ws):
    ws.set_train_config(max_steps=100_000, eval_interval=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        train_panel.start_action.trigger()


def stop_run(qtbot, train_panel, ws):
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "stopped"):
        train_panel.stop_action.trigger()
    qtbot.waitUntil(lambda: train_panel.run is None and not train_panel.job_running(), timeout=TIMEOUT)


def test_a_topic_message_goes_only_when_its_own_state_ends(qtbot):
    banner = Banner()
    qtbot.addWidget(banner)
    banner.show_message("Training is running", "warning", "training")
    banner.clear_topic("data")
    assert banner.text() == "Training is running"
    banner.clear_topic("training")
    assert banner.isHidden() and banner.text() == ""
    banner.show_message("The disk is full", "error")  # an event: no state ends it
    banner.clear_topic("training")
    banner.clear_topic("")
    assert banner.text() == "The disk is full"


def test_a_core_message_shown_alone_starts_with_a_capital_and_a_name_keeps_its_case(qtbot):
    """The core words its messages to be composed ("Tracing failed: input of…"); alone in a banner, a first plain
    word is capitalised, but a file name, option or identifier is not, nor a message in Chinese."""
    banner = Banner()
    qtbot.addWidget(banner)
    for shown, seen in [("input of 58 tokens is longer", "Input of 58 tokens is longer"),
                        ("cannot read a.txt (gone)", "Cannot read a.txt (gone)"),
                        ("missing: vocab.json", "Missing: vocab.json"), ("dim", "Dim"),
                        ("config.json has no n_embd", "config.json has no n_embd"),
                        ("max_new_tokens must be at least 1", "max_new_tokens must be at least 1"),
                        ("bf16 needs AMX", "bf16 needs AMX"), ("/tmp/x is gone", "/tmp/x is gone"),
                        ("输入有 58 个词元", "输入有 58 个词元"), ("", "")]:
        banner.show_message(shown, "warning")
        assert banner.text() == seen


def test_training_is_running_goes_away_when_training_stops(qtbot, window, tmp_path):
    train, ws = window.panel("train"), window.workspace
    start_long_run(qtbot, train, ws)
    assert not window.save_session_as(str(tmp_path / "x.playground"))
    assert "pause or stop" in window.banner.text()
    stop_run(qtbot, train, ws)
    assert window.banner.isHidden() and window.banner.text() == ""
    start_long_run(qtbot, train, ws)  # a new run: the old refusal does not come back
    assert window.banner.text() == ""
    stop_run(qtbot, train, ws)
    assert window.save_session_as(str(tmp_path / "x.playground"))  # and now it saves


def test_pausing_ends_the_refusal_too(qtbot, window, tmp_path):
    train, ws = window.panel("train"), window.workspace
    start_long_run(qtbot, train, ws)
    assert not window.save_session_as(str(tmp_path / "x.playground"))
    with qtbot.waitSignal(ws.training_state, check_params_cb=lambda s: s == "paused"):
        train.pause_action.trigger()
    assert window.banner.text() == ""
    assert window.save_session_as(str(tmp_path / "x.playground"))  # paused: saving is allowed
    stop_run(qtbot, train, ws)


def test_an_error_about_an_event_stays_through_state_changes(qtbot, window):
    train, ws = window.panel("train"), window.workspace
    ws.report_error("The session was not saved: something")
    start_long_run(qtbot, train, ws)
    stop_run(qtbot, train, ws)
    assert "something" in window.banner.text()


@pytest.fixture
def train_panel(qtbot, tmp_path):
    ws = tiny_workspace("grammar", max_steps=100_000, eval_interval=100_000)
    panel = TrainPanel(ws, runs_root=tmp_path / "runs")
    qtbot.addWidget(panel)
    yield ws, panel
    panel.shutdown()


def test_the_divergence_message_goes_with_the_model(qtbot, train_panel):
    ws, panel = train_panel
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        panel.start()
    def poison(trainer):
        trainer.optimizer.flat.fill_(math.nan)  # the next step's loss is NaN

    panel.run.call_between_steps(poison)
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "diverged"):
        pass
    qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)
    assert "diverged" in panel.banner.text()
    ws.set_model_config(n_layer=2)  # another model: what happened to the old one is over
    assert panel.banner.isHidden() and panel.banner.text() == ""


def test_a_settings_warning_goes_when_the_settings_are_valid_again(qtbot, train_panel):
    ws, panel = train_panel
    panel._on_setting_changed("lr", -1.0)
    assert "learning rate" in panel.banner.text()
    panel._on_setting_changed("lr", 1e-3)
    assert panel.banner.text() == "" and ws.core.recipe.train.lr == 1e-3


# --- saves that fail ---------------------------------------------------------------------------
def test_a_full_disk_during_a_session_save_is_a_message_and_the_old_file_stays(qtbot, window, tmp_path):
    path = tmp_path / "evening.playground"
    window.workspace.core.ensure_model()
    assert window.save_session_as(str(path))
    before = path.read_bytes()
    window.workspace.core.dirty = True
    with qtbot.waitSignal(window.workspace.error, timeout=TIMEOUT) as shown:
        with disk_full_after(1024):
            assert not window.save_session()
    text = window.banner.text()
    assert text.startswith("The session was not saved: The disk is full") and "previous file is unchanged" in text
    assert "Traceback" not in text and "Traceback" not in shown.args[1] and window.banner.level == "error"
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary left behind
    assert window.workspace.core.dirty  # still unsaved: closing will ask again


def test_a_session_save_into_a_folder_that_cannot_be_written_says_so(window, tmp_path):
    blocker = tmp_path / "not a folder"
    blocker.write_text("a file")
    assert not window.save_session_as(str(blocker / "evening.playground"))
    text = window.banner.text()
    assert "The session was not saved" in text and "could not be written" in text
    assert "Choose a folder you can write to" in text


def test_a_full_disk_during_a_checkpoint_save_is_a_message_and_the_old_one_stays(qtbot, train_panel, tmp_path):
    ws, panel = train_panel
    ws.set_train_config(max_steps=3)
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        panel.start()
    qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)
    [saved] = panel.checkpoint_paths()
    files = {p.name: p.read_bytes() for p in Path(saved).iterdir()}
    # the same step again, over the checkpoint of step 3, on a full disk
    with disk_full_after(1024):
        panel.save_checkpoint()
        qtbot.waitUntil(lambda: panel.banner.text() != "", timeout=TIMEOUT)
    text = panel.banner.text()
    assert text.startswith("The checkpoint was not saved: The disk is full") and "previous file is unchanged" in text
    assert {p.name: p.read_bytes() for p in Path(saved).iterdir()} == files
    assert not [p for p in Path(saved).parent.iterdir() if p.name.endswith((".tmp", ".old"))]


def test_a_model_settings_error_goes_when_other_data_resets_the_settings(qtbot, window):
    panel = window.panel("model")
    panel.w["n_head"].setValue(3)
    assert not panel.apply() and "divisible" in panel.banner.text()
    with qtbot.waitSignal(window.workspace.model_changed, timeout=TIMEOUT):
        window.panel("data").choose_dataset("reversal", ask=False)
    assert panel.w["n_head"].value() == window.workspace.core.recipe.model.n_head
    assert panel.banner.text() == ""
