"""Inspect after training: the pass shown is of the model now, or says plainly that it is older.

Real window, real training runs from the Train panel, in English and in Chinese. A pass traced at
"now" is traced again (in a worker) when the panel is shown again or training pauses or stops; while
training runs without live refresh it stays, and the status says which step it is from and which the
model is at; a step the user chose on the slider is left alone; the Backward mode keeps up as well.
"""

import pytest
import torch
from PySide6.QtCore import QCoreApplication

from playground.core.trace import trace

TIMEOUT = 60_000
RECORDED = {"en": "{n} stages recorded from the weights at step {step}.",
            "zh": "用第 {step} 步的权重记录了 {n} 个阶段。"}
BACKWARD = {"en": "{n} backward stages from the weights at step {step}.",
            "zh": "反向传播共 {n} 个阶段，取自第 {step} 步的权重。"}
NOW = {"en": "step {step} (now)", "zh": "第 {step} 步（当前）"}
POSITION = {"en": "stage {i} of {n} · ", "zh": "第 {i}/{n} 阶段 · "}
TRAINING_NOTE = "Recorded at step {step}; the model is now at step {now}, traced again when training pauses or stops."
SHORT_NOTE = "Recorded at step {step}; the model is now at step {now}."  # where the whole note does not fit


def inspect_traced(qtbot, window, text="the cat sees"):
    """Inspect shown, the text traced at the model now."""
    window.show_panel("inspect")
    panel = window.panel("inspect")
    panel.text.setText(text)
    panel.trace_button.click()
    wait_traced(qtbot, panel)
    return panel


def wait_traced(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.shown() is not None, timeout=TIMEOUT)
    assert panel.banner.isHidden(), panel.banner.text()


def train(qtbot, window, steps, eval_interval=100):
    """``steps`` more steps from the Train panel, to the end of the run; Inspect stays where it is."""
    ws, panel = window.workspace, window.panel("train")
    ws.set_train_config(max_steps=steps, eval_interval=eval_interval)
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        panel.start_action.trigger()
    qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)


def train_and_come_back(qtbot, window, panel, steps):
    """As a user does: to the Train panel, ``steps`` steps, back to Inspect, until it has traced again."""
    window.show_panel("train")
    train(qtbot, window, steps)
    window.show_panel("inspect")
    wait_traced(qtbot, panel)


def assert_shows_model_now(panel, ws):
    """The forward pass on screen equals a fresh trace of the workspace's model as it is now."""
    shown = panel.inspection
    fresh = trace(ws.core.model, shown.ids, shown.src_ids)
    for record, expected in zip(shown.trace.records, fresh.records):
        assert torch.equal(record.tensor, expected.tensor), record.name


def status(panel) -> str:
    return panel.status_label.full_text()


def test_coming_back_after_training_traces_the_model_now(qtbot, make_window, ui_language):
    window = make_window()
    ws = window.workspace
    panel = inspect_traced(qtbot, window)
    n = len(panel.inspection.trace.records)
    assert status(panel) == RECORDED[ui_language].format(n=n, step=0)
    window.show_panel("train")
    train(qtbot, window, 30)
    assert ws.core.trained_steps == 30
    window.show_panel("inspect")  # as the user does: back to Inspect
    wait_traced(qtbot, panel)
    assert status(panel) == RECORDED[ui_language].format(n=n, step=30)
    assert panel.step_slider.step_label.text() == NOW[ui_language].format(step=30)
    assert_shows_model_now(panel, ws)


def test_the_stage_and_the_status_read_as_one_line_with_one_space(qtbot, make_window, ui_language):
    """"stage 1 of 22 · 22 stages recorded…": one space after the dot, in the text and on screen (no layout gap)."""
    window = make_window()
    panel = inspect_traced(qtbot, window)
    n = len(panel.inspection.trace.records)
    line = panel.position_label.text() + status(panel)
    assert line == POSITION[ui_language].format(i=1, n=n) + RECORDED[ui_language].format(n=n, step=0)
    assert "  " not in line
    assert panel.status_label.geometry().left() == panel.position_label.geometry().right() + 1


@pytest.mark.parametrize("end", ["paused", "stopped"])
def test_while_training_it_says_the_pass_is_older_and_traces_again_when_training_stops(qtbot, make_window,
                                                                                       ui_language, end):
    window = make_window()
    ws, trainer = window.workspace, window.panel("train")
    panel = inspect_traced(qtbot, window)  # Inspect stays on screen while the Train panel's run goes on
    n = len(panel.inspection.trace.records)
    traced = panel.inspection
    ws.set_train_config(max_steps=100_000, eval_interval=100_000)
    trainer.start_action.trigger()
    qtbot.waitUntil(lambda: ws.core.trained_steps >= 3, timeout=TIMEOUT)
    qtbot.waitSignal(ws.training_record, timeout=TIMEOUT).wait()
    assert panel.inspection is traced and not panel.live.isChecked()  # no live refresh: the old pass stays...
    note, short = (QCoreApplication.translate("InspectPanel", text).format(step=0, now=ws.core.trained_steps)
                   for text in (TRAINING_NOTE, SHORT_NOTE))
    assert status(panel) in (note, short) and panel.status_label.toolTip() == note  # ...and says how old it is
    window.resize(1600, 800)  # room for the whole note beside the stage
    qtbot.waitUntil(lambda: status(panel) == QCoreApplication.translate("InspectPanel", TRAINING_NOTE).format(
        step=0, now=ws.core.trained_steps), timeout=TIMEOUT)
    assert panel.step_slider.step_label.text() == NOW[ui_language].format(step=ws.core.trained_steps)
    action = trainer.pause_action if end == "paused" else trainer.stop_action
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == end):
        action.trigger()
    if end == "paused":
        qtbot.waitUntil(lambda: trainer.run.waiting and ws.core.trained_steps == trainer.run.trainer.step,
                        timeout=TIMEOUT)
    else:
        qtbot.waitUntil(lambda: trainer.run is None and not trainer.job_running(), timeout=TIMEOUT)
    steps = ws.core.trained_steps
    qtbot.waitUntil(lambda: status(panel) == RECORDED[ui_language].format(n=n, step=steps), timeout=TIMEOUT)
    wait_traced(qtbot, panel)
    assert panel.inspection is not traced
    assert_shows_model_now(panel, ws)
    if end == "paused":
        trainer.stop()
        qtbot.waitUntil(lambda: trainer.run is None and not trainer.job_running(), timeout=TIMEOUT)


def test_a_step_chosen_on_the_slider_is_left_alone(qtbot, make_window, ui_language):
    window = make_window()
    window.show_panel("train")
    train(qtbot, window, 40, eval_interval=20)  # snapshots at 0, 20 and 40
    panel = inspect_traced(qtbot, window)
    panel.step_slider.choose(20)
    wait_traced(qtbot, panel)
    n = len(panel.inspection.trace.records)
    chosen = panel.inspection
    assert status(panel) == RECORDED[ui_language].format(n=n, step=20)
    window.show_panel("train")
    train(qtbot, window, 20, eval_interval=20)
    window.show_panel("inspect")
    qtbot.wait(300)
    assert not panel.is_tracing() and panel.inspection is chosen and panel.inspected_step() == 20
    assert status(panel) == RECORDED[ui_language].format(n=n, step=20)


def test_the_backward_mode_keeps_up_with_training_too(qtbot, make_window, ui_language):
    window = make_window()
    panel = inspect_traced(qtbot, window)
    n = len(panel.inspection.trace.records)
    panel.backward_button.click()  # both passes recorded at step 0
    wait_traced(qtbot, panel)
    m = len(panel.backward.backward.records)
    assert status(panel) == BACKWARD[ui_language].format(n=m, step=0)
    panel.forward_button.click()
    assert status(panel) == RECORDED[ui_language].format(n=n, step=0)
    train_and_come_back(qtbot, window, panel, 30)
    assert status(panel) == RECORDED[ui_language].format(n=n, step=30)
    backward_before = panel.backward
    panel.backward_button.click()  # its step-0 pass is older than the model: recorded again
    wait_traced(qtbot, panel)
    assert panel.backward is not backward_before
    assert status(panel) == BACKWARD[ui_language].format(n=m, step=30)
    panel.forward_button.click()  # both of the model now: the forward pass as it was, with its own status
    assert not panel.is_tracing() and status(panel) == RECORDED[ui_language].format(n=n, step=30)


def test_after_a_new_tokenizer_the_new_model_is_traced_again_once_trained(qtbot, make_window, ui_language):
    """A new tokenizer rebuilds the model and Inspect traces it at step 0; trained on, it is traced again."""
    window = make_window()
    ws = window.workspace
    panel = inspect_traced(qtbot, window)
    first = panel.inspection
    ws.set_recipe(ws.core.recipe_with_tokenizer("char"))  # what the Tokenize panel's "Use for training" adopts
    qtbot.waitUntil(lambda: panel.inspection is not None and panel.inspection is not first, timeout=TIMEOUT)
    wait_traced(qtbot, panel)
    n = len(panel.inspection.trace.records)
    assert status(panel) == RECORDED[ui_language].format(n=n, step=0)
    train_and_come_back(qtbot, window, panel, 20)
    assert status(panel) == RECORDED[ui_language].format(n=n, step=20)
    assert_shows_model_now(panel, ws)


def test_coming_to_inspect_while_training_runs_traces_once_then_says_how_old(qtbot, make_window, ui_language):
    window = make_window()
    ws, trainer = window.workspace, window.panel("train")
    panel = inspect_traced(qtbot, window)
    traced = panel.inspection
    window.show_panel("train")
    ws.set_train_config(max_steps=100_000, eval_interval=100_000)
    trainer.start_action.trigger()
    qtbot.waitUntil(lambda: ws.core.trained_steps >= 5, timeout=TIMEOUT)
    window.show_panel("inspect")  # while the run goes on: the model as it is now is traced once, in a worker
    qtbot.waitUntil(lambda: panel.inspection is not traced and not panel.is_tracing(), timeout=TIMEOUT)
    assert panel.banner.isHidden(), panel.banner.text()
    recorded = panel._recorded_step["forward"]  # the step the run had reached when the trace began
    assert recorded >= 5
    qtbot.waitUntil(lambda: ws.core.trained_steps > recorded, timeout=TIMEOUT)
    qtbot.waitSignal(ws.training_record, timeout=TIMEOUT).wait()
    assert panel.status_label.toolTip() == QCoreApplication.translate("InspectPanel", TRAINING_NOTE).format(
        step=recorded, now=ws.core.trained_steps)  # no live refresh: it stays, and says how old it is
    trainer.stop()
    qtbot.waitUntil(lambda: trainer.run is None and not trainer.job_running(), timeout=TIMEOUT)
