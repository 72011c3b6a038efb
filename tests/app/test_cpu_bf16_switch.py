"""The Train panel's switch for bf16 on a CPU with AMX (TrainConfig.cpu_bf16): the form, a run, a session."""

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from playground.app.panels.train import TrainPanel
from playground.app.widgets.train_settings import TrainSettingsForm, why_no_cpu_bf16
from playground.core.device import cpu_bf16, no_amx
from playground.core.train import TrainConfig

from .workspaces import tiny_workspace

TIMEOUT = 60_000  # ms
AMX = cpu_bf16() is None
GPU_HERE = [("cpu", "CPU"), ("cuda:0", "NVIDIA H200")]  # the device list of a computer with a CUDA GPU


@pytest.mark.parametrize("device, amx, why", [("cpu", True, None), ("cpu", False, "no AMX"),
                                              ("cuda:0", True, "only the CPU"), ("mps", True, "only the CPU"),
                                              ("cuda:1", False, "only the CPU")])
def test_the_box_can_be_ticked_only_for_a_cpu_with_amx(device, amx, why):
    text = why_no_cpu_bf16(device, None if amx else no_amx())
    if why is None:
        assert text is None
    elif why == "no AMX":
        assert text == no_amx() and "no AMX" in text and "float32" in text
    else:
        assert text.startswith("Only for training on the CPU")


def test_a_gpu_choice_turns_the_box_off_and_says_why(qtbot):
    form = TrainSettingsForm(GPU_HERE, cpu_problem=None)
    qtbot.addWidget(form)
    assert form.device_id() == "auto" and not form.cpu_bf16.isEnabled()  # auto picks the GPU here
    assert form.cpu_bf16.toolTip() == why_no_cpu_bf16("cuda:0", None)
    form.device.setCurrentIndex(form.device.findData("cpu"))
    assert form.cpu_bf16.isEnabled() and "Matrix products in bfloat16" in form.cpu_bf16.toolTip()
    assert "Inspect's stages are always float32" in form.cpu_bf16.toolTip()
    form.device.setCurrentIndex(form.device.findData("cuda:0"))
    assert not form.cpu_bf16.isEnabled() and "Only for training on the CPU" in form.cpu_bf16.toolTip()


def test_auto_on_a_computer_without_a_gpu_is_the_cpu(qtbot):
    form = TrainSettingsForm([("cpu", "CPU")], cpu_problem=None)
    qtbot.addWidget(form)
    assert form.device_id() == "auto" and form.cpu_bf16.isEnabled()


def test_a_cpu_without_amx_never_offers_it(qtbot):
    form = TrainSettingsForm([("cpu", "CPU")], cpu_problem=no_amx())
    qtbot.addWidget(form)
    for index in range(form.device.count()):
        form.device.setCurrentIndex(index)
        assert not form.cpu_bf16.isEnabled() and "no AMX" in form.cpu_bf16.toolTip()


def test_load_shows_the_setting_without_reporting_an_edit(qtbot):
    form = TrainSettingsForm(GPU_HERE, cpu_problem=None)
    qtbot.addWidget(form)
    edits = []
    form.changed.connect(lambda field, value: edits.append((field, value)))
    form.load(TrainConfig(device="cpu", cpu_bf16=True))
    assert form.cpu_bf16.isChecked() and form.cpu_bf16.isEnabled()
    form.load(TrainConfig(device="cuda:0", cpu_bf16=True))  # kept, not applied: it counts again on the CPU
    assert form.cpu_bf16.isChecked() and not form.cpu_bf16.isEnabled()
    form.load(TrainConfig(device="cpu"))
    assert not form.cpu_bf16.isChecked() and form.cpu_bf16.isEnabled()
    assert edits == []
    form.cpu_bf16.setChecked(True)
    assert edits == [("cpu_bf16", True)]


@pytest.mark.skipif(not AMX, reason="this CPU has no AMX: the box is off (test_a_cpu_without_amx_never_offers_it)")
def test_the_box_sets_cpu_bf16_and_a_run_started_from_the_panel_uses_it(qtbot, tmp_path):
    ws = tiny_workspace("grammar", max_steps=4, eval_interval=100, device="cpu")
    panel = TrainPanel(ws, runs_root=tmp_path / "runs")
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    try:
        box = panel.settings.cpu_bf16
        assert box.isEnabled() and not box.isChecked() and not ws.core.recipe.train.cpu_bf16
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))  # on its tick
        assert box.isChecked() and ws.core.recipe.train.cpu_bf16
        with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
            panel.start()
        qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)
        assert ws.core.trainer.cfg.cpu_bf16 and ws.core.trained_steps == 4
        [checkpoint] = panel.checkpoint_paths()  # what the run's own record says it trained with
        state = json.loads((Path(checkpoint) / "state.json").read_text(encoding="utf-8"))
        assert state["train"]["cpu_bf16"] is True and state["train"]["device"] == "cpu"
        box.click()
        assert not ws.core.recipe.train.cpu_bf16
    finally:
        panel.shutdown()


def test_the_setting_is_saved_and_restored_with_the_session(qtbot, window, tmp_path):
    settings = window.panel("train").settings
    window.workspace.set_train_config(cpu_bf16=True)  # as the box does (it may be off on a CPU without AMX)
    assert settings.cpu_bf16.isChecked()
    assert window.save_session_as(str(tmp_path / "saved"))
    settings.cpu_bf16.setChecked(False)
    assert not window.workspace.core.recipe.train.cpu_bf16
    with qtbot.waitSignal(window.session_loaded, timeout=30_000):
        window.open_session(str(tmp_path / "saved.playground"))
    assert window.workspace.core.recipe.train.cpu_bf16 and settings.cpu_bf16.isChecked()
