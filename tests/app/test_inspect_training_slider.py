"""Inspect's training-step slider: every view replays the snapshot of the chosen step, plays, never blocks."""

import os
from dataclasses import asdict

import pytest
import torch
from PySide6.QtWidgets import QApplication

from playground.app.panels.inspect import InspectPanel
from playground.core.trace import trace

from .layout_check import clipped_texts
from .workspaces import tiny_workspace

TIMEOUT = 30_000


def trained_panel(qtbot, dataset="reversal", text="abcde", steps=60):
    """A panel over a workspace really trained ``steps`` steps (an evaluation, so a snapshot, every 20)."""
    ws = tiny_workspace(dataset)
    for record in ws.core.new_trainer(max_steps=steps).run():
        ws.record(asdict(record))
    panel = InspectPanel(ws)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    panel.text.setText(text)
    return ws, panel


def wait_traced(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.inspection is not None, timeout=TIMEOUT)
    assert panel.banner.isHidden(), panel.banner.text()


def assert_shows(panel, model):
    """Every record the panel holds equals a fresh trace of ``model`` on the same input."""
    ins = panel.inspection
    fresh = trace(model, ins.ids, ins.src_ids)
    assert ins.trace.names() == fresh.names()
    for shown, expected in zip(ins.trace.records, fresh.records):
        assert torch.equal(shown.tensor, expected.tensor), shown.name


@pytest.fixture
def reversal(qtbot):
    ws, panel = trained_panel(qtbot)
    yield ws, panel
    panel.shutdown()


def test_every_view_replays_the_snapshot_of_the_chosen_step(qtbot, reversal):
    ws, panel = reversal
    slider = panel.step_slider
    assert ws.core.snapshots.steps() == [0, 20, 40, 60]
    assert slider.positions == [0, 20, 40, None] and slider.current() is None  # the model now, last
    panel.trace_button.click()
    wait_traced(qtbot, panel)
    assert_shows(panel, ws.core.model)
    now_attention = panel.inspection.trace.get("decoder.0.cross_attn.weights").tensor
    for step in (0, 20, 40):
        slider.choose(step)
        wait_traced(qtbot, panel)
        assert panel.inspected_step() == step
        assert_shows(panel, ws.core.snapshots.model_at(ws.core.model, step))  # attention, cross-attention, logits
        assert str(step) in slider.step_label.text() and str(step) in panel.status_label.text()
    start_attention = panel.inspection.trace.get("decoder.0.cross_attn.weights").tensor
    assert not torch.equal(start_attention, now_attention)
    # the heatmap on screen is the record of that step
    panel.jump_to_group(panel.inspection.trace.get("decoder.0.cross_attn.weights").group)
    while panel.current_record().name != "decoder.0.cross_attn.weights":
        panel.step(1)
    shown = panel.detail.heatmap.image_array()
    assert torch.equal(torch.as_tensor(shown).float(), start_attention[0].float())


def test_the_embedding_map_keeps_its_axes_across_steps(qtbot, reversal):
    ws, panel = reversal
    panel.detail.tabs.setCurrentWidget(panel.detail.embedding_map)
    ranges = []
    for step in (0, 40, None):
        panel.step_slider.choose(step)
        panel.trace_input()
        wait_traced(qtbot, panel)
        panel.jump_to_group("embedding")  # the map is drawn at the embedding stage (and stays there after)
        QApplication.processEvents()
        emb = panel.detail.embedding_map
        assert emb.extent == panel.inspection.embedding_extent is not None
        ranges.append(emb.plot.getViewBox().viewRange())
    assert ranges[0] == ranges[1] == ranges[2]  # fixed frame: the points move, not the axes
    points = [panel.inspection.embedding_2d]
    panel.step_slider.choose(0)
    wait_traced(qtbot, panel)
    assert not torch.allclose(points[0].nan_to_num(), panel.inspection.embedding_2d.nan_to_num())


def test_play_steps_through_every_snapshot_then_stops(qtbot, reversal):
    ws, panel = reversal
    panel.trace_button.click()
    wait_traced(qtbot, panel)
    chosen = []
    panel.step_slider.step_chosen.connect(chosen.append)
    play = panel.step_slider.play_button
    assert play.text() == "▶ Play"
    play.click()  # at the last position: plays from the first
    assert play.isChecked() and play.text() == "❚❚ Pause"
    qtbot.waitUntil(lambda: not play.isChecked(), timeout=TIMEOUT)
    wait_traced(qtbot, panel)
    assert chosen == [0, 20, 40, None]
    assert_shows(panel, ws.core.model)
    play.click()
    qtbot.waitUntil(lambda: panel.step_slider.current() == 20, timeout=TIMEOUT)
    play.click()  # pause
    assert not play.isChecked() and not panel.step_slider.timer.isActive()
    wait_traced(qtbot, panel)
    assert_shows(panel, ws.core.snapshots.model_at(ws.core.model, panel.step_slider.current()))


def test_moving_the_slider_while_a_trace_runs_never_waits_and_the_last_step_wins(qtbot, reversal):
    ws, panel = reversal
    panel.trace_button.click()
    running = panel._job
    assert panel.is_tracing()
    for step in (0, 20, 40):
        panel.step_slider.choose(step)
        assert panel._job is running  # no new job started, so nothing waited for the running one
    wait_traced(qtbot, panel)
    qtbot.waitUntil(lambda: panel._job is not running and not panel.is_tracing(), timeout=TIMEOUT)
    assert panel.inspected_step() == 40
    assert_shows(panel, ws.core.snapshots.model_at(ws.core.model, 40))


def test_arrow_keys_move_the_focused_slider_and_elsewhere_the_stage(qtbot, reversal):
    from PySide6.QtCore import Qt

    ws, panel = reversal
    panel.trace_button.click()
    wait_traced(qtbot, panel)
    slider = panel.step_slider.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert panel.step_slider.current() == 40 and panel.index == 0
    wait_traced(qtbot, panel)
    assert_shows(panel, ws.core.snapshots.model_at(ws.core.model, 40))
    panel.records_list.setFocus()
    qtbot.keyClick(panel.records_list, Qt.Key.Key_Right)
    assert panel.index == 1 and panel.step_slider.current() == 40


def test_a_new_model_leaves_only_the_model_now(qtbot, reversal):
    ws, panel = reversal
    ws.set_model_config(n_layer=2)
    assert panel.step_slider.positions == [None] and not panel.step_slider.slider.isEnabled()
    assert not panel.step_slider.play_button.isEnabled()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_slider_and_budget_fit_at_1280x720_and_the_minimum_size(qtbot, make_window, qapp, lang, tmp_path):
    from playground.app.translation import install_translation, uninstall_translation

    if lang == "zh_CN":
        install_translation(qapp, "zh_CN")
    try:
        window = make_window()
        window.workspace.set_train_config(max_steps=12, eval_interval=4, batch_size=8)
        train = window.panel("train")
        window.show_panel("train")
        train.start()  # real training from the Train panel
        qtbot.waitUntil(lambda: train.state == "finished", timeout=TIMEOUT)
        budget = train.snapshot_budget
        assert window.workspace.core.snapshots.steps() == [0, 4, 8, 12]
        assert ("4 kept" if lang == "en" else "4") in budget.used.text()
        inspect = window.panel("inspect")
        inspect.text.setText("the cat sees")
        window.show_panel("inspect")
        inspect.step_slider.choose(4)
        wait_traced(qtbot, inspect)
        label = inspect.step_slider.step_label.text()
        assert label == ("step 4 of 12" if lang == "en" else "第 4 步，共 12 步")
        found = []
        for size in (window.size().__class__(1280, 720), window.minimumSize()):
            window.resize(size)
            for name in ("inspect", "train"):
                window.show_panel(name)
                QApplication.processEvents()
                qtbot.wait(30)
                found += [f"{name} at {size.width()}x{size.height()}: {clip}" for clip in clipped_texts(window)]
        assert found == []
        # a snapshot that cannot be written: the panel says why, and still fits
        blocker = tmp_path / "not a folder"
        blocker.write_text("a file")
        window.workspace.core.snapshots.root = blocker
        window.workspace.core.snapshots.clear()
        window.workspace.set_train_config(max_steps=4, eval_interval=4, batch_size=8)
        train.start()
        qtbot.waitUntil(lambda: train.state == "finished" and bool(window.workspace.core.snapshots.skipped),
                        timeout=TIMEOUT)
        qtbot.waitUntil(lambda: str(blocker) in budget.used.text(), timeout=TIMEOUT)
        for size in (window.size().__class__(1280, 720), window.minimumSize()):
            window.resize(size)
            window.show_panel("train")
            QApplication.processEvents()
            qtbot.wait(30)
            found += [f"train at {size.width()}x{size.height()}: {clip}" for clip in clipped_texts(window)]
            if os.environ.get("PLAYGROUND_SHOTS"):
                window.grab().save(f"{os.environ['PLAYGROUND_SHOTS']}/train-skipped-{lang}-{size.width()}.png")
        assert found == []
        # the user lowers the budget: the snapshots are thinned at once, first and newest kept
        budget.budget.setValue(0)
        assert window.workspace.core.snapshots.steps() == []
        assert ("0 kept" if lang == "en" else "0") in budget.used.text()
    finally:
        if lang == "zh_CN":
            uninstall_translation(qapp)


def test_a_session_with_a_damaged_snapshot_opens_with_a_message_and_the_other_steps(qtbot, window, tmp_path):
    import zipfile

    from playground.core.snapshots import member_name

    ws = window.workspace
    ws.set_train_config(max_steps=12, eval_interval=4, batch_size=8)
    for record in ws.core.new_trainer().run():  # real training, in this thread
        ws.record(asdict(record))
    window.panel("train").snapshot_budget.budget.setValue(100)
    assert window.save_session_as(str(tmp_path / "saved"))
    bad = tmp_path / "bad.playground"
    with zipfile.ZipFile(tmp_path / "saved.playground") as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            damaged = info.filename == member_name(8)
            dst.writestr(info, b"\x00" * 64 if damaged else src.read(info))
    ws.set_model_config(n_layer=2)
    window.panel("train").snapshot_budget.budget.setValue(300)
    with qtbot.waitSignal(window.session_loaded, timeout=TIMEOUT):
        window.open_session(str(bad))
    assert member_name(8) in window.banner.text() and "left out" in window.banner.text()
    assert window.workspace.core.snapshots.steps() == [0, 4, 12]
    assert window.panel("inspect").step_slider.positions == [0, 4, None]
    assert window.panel("train").snapshot_budget.budget.value() == 100  # the budget travels with the session
    assert "3 kept" in window.panel("train").snapshot_budget.used.text()


def test_the_forward_or_backward_choice_travels_with_the_session(qtbot, make_window, tmp_path):
    """Inspect's Forward/Backward choice was not saved: a session reopened in the forward pass."""
    window = make_window("grammar")
    ws = window.workspace
    for record in ws.core.new_trainer(max_steps=4).run():
        ws.record(asdict(record))
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.text.setText("the cat sees")
    inspect.backward_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.backward is not None, timeout=TIMEOUT)
    assert window.save_session_as(str(tmp_path / "backward"))
    inspect.forward_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing(), timeout=TIMEOUT)
    assert window.save_session_as(str(tmp_path / "forward"))
    for name, mode in (("backward", "backward"), ("forward", "forward"), ("backward", "backward")):
        with qtbot.waitSignal(window.session_loaded, timeout=TIMEOUT):
            window.open_session(str(tmp_path / f"{name}.playground"))
        qtbot.waitUntil(lambda: not inspect.is_tracing(), timeout=TIMEOUT)
        assert inspect.mode == mode and inspect.ui_state()["inspect_mode"] == mode
        assert (inspect.backward_button if mode == "backward" else inspect.forward_button).isChecked()
        assert inspect.details.currentWidget() is inspect.active_detail()
        if mode == "backward":
            qtbot.waitUntil(lambda: inspect.backward is not None, timeout=TIMEOUT)
            assert inspect.text.text() == "the cat sees" and inspect.banner.isHidden(), inspect.banner.text()
    inspect.restore_ui_state({"inspect_text": "the cat"})  # a session saved before the choice was kept
    assert inspect.mode == "forward"
