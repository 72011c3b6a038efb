"""After a run diverges (lesson 5, "A learning rate far too high"): the window shows the step the model went back
to, and a new model or the next run starts clean: no dashed blown-up curve, no "Diverged", no axis in 1e+09."""

import numpy as np

from playground.app.numbers import format_count

TIMEOUT = 60_000


def diverge(qtbot, window):
    """Train the grammar model with a learning rate of 1000 (its loss reaches ~1e11 by step 4) until it diverges."""
    ws, train = window.workspace, window.panel("train")
    window.show_panel("train")
    ws.set_train_config(max_steps=30, lr=1000.0, warmup_steps=1, eval_interval=5)
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "diverged"):
        train.start_action.trigger()
    qtbot.waitUntil(lambda: train.run is None and not train.job_running(), timeout=TIMEOUT)
    train.plot.refresh()
    assert loss_top(train) > 1e6  # the run that blew up, dashed
    return ws, train


def loss_top(train) -> float:
    return train.plot.loss_plot.vb.viewRange()[1][1]


def test_the_status_bar_shows_the_step_the_model_went_back_to(qtbot, window):
    steps_seen = []
    window.workspace.training_record.connect(lambda r: r["kind"] == "step" and steps_seen.append(r["step"]))
    ws, train = diverge(qtbot, window)
    back_to = ws.core.history[-1]["step"]
    assert ws.core.history[-1]["event"] == "diverged" and ws.core.trained_steps == back_to
    assert max(steps_seen) > back_to  # the last step shown was past the step it went back to
    assert window.step_label.text() == f"Step {format_count(back_to)}"


def test_other_data_after_a_divergence_starts_with_a_clean_train_panel(qtbot, window):
    ws, train = diverge(qtbot, window)
    assert window.statusBar().currentMessage() == "Training diverged" and train.plot.overlay_count() == 1
    with qtbot.waitSignal(ws.model_changed, timeout=TIMEOUT):
        window.panel("data").choose_dataset("sentiment", ask=False)
    train.plot.refresh()
    assert train.plot.overlay_count() == 0  # the blown-up run was the old model's
    assert train.state_text() == "Ready" and train.status.state_label.text() == "Ready"
    assert train.status.speed_label.text() == "-"  # not the pace of the run that blew up
    assert window.statusBar().currentMessage() == ""
    assert loss_top(train) < 100 and "e+" not in train.plot.loss_plot.getAxis("left").labelString()
    # nor do the learning rate's (1000) and the gradient norm's (3e+07) axes: nothing on them, 0 to 1
    assert train.plot.rate_plot.vb.viewRange()[1] == [0.0, 1.0] and train.plot.grad_view.viewRange()[1] == [0.0, 1.0]
    assert window.step_label.text() == "Step 0"


def test_training_on_after_a_divergence_fits_the_axis_to_the_new_curve(qtbot, window):
    """"Back on track": the same model with a sensible learning rate; comparisons the user kept stay."""
    train = window.panel("train")
    kept = {"steps": np.array([1.0, 2.0]), "losses": np.array([4.0, 3.5]), "val_steps": np.array([]),
            "val_losses": np.array([])}
    train.plot.add_overlay("kept", kept)
    ws, train = diverge(qtbot, window)
    assert train.plot.overlay_count() == 2
    ws.set_train_config(max_steps=8, lr=3e-3, warmup_steps=2)
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "running"):
        train.start_action.trigger()
    assert window.statusBar().currentMessage() == ""  # the divergence is the last run's
    qtbot.waitUntil(lambda: train.run is None and not train.job_running(), timeout=TIMEOUT)
    train.plot.refresh()
    assert train.state == "finished" and train.plot.overlay_count() == 1  # the kept curve, not the blown-up run
    losses = [row["loss"] for row in ws.core.history if row["kind"] == "step"]
    assert losses and loss_top(train) < 2 * max(losses + [4.0])
    assert "e+" not in train.plot.loss_plot.getAxis("left").labelString()
    assert window.step_label.text() == f"Step {format_count(ws.core.trained_steps)}"
