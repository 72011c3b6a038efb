"""The Train panel driven as a user would: Start, the curves fill, Pause/Resume, Stop, errors shown."""

import json
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from playground.app.panels.train import TrainPanel
from playground.app.training import TrainingRun, read_metrics, training_threads
from playground.core.errors import PlaygroundError

from .workspaces import tiny_workspace

TIMEOUT = 60_000  # ms; a tiny model trains 60 steps in a few seconds even on a busy CPU


@pytest.fixture
def make_panel(qtbot, tmp_path):
    panels = []

    def make(dataset="grammar", **train):
        ws = tiny_workspace(dataset, **train)
        panel = TrainPanel(ws, runs_root=tmp_path / "runs")
        qtbot.addWidget(panel)
        panel.resize(1100, 700)
        panels.append(panel)
        return ws, panel

    yield make
    for panel in panels:  # as the window does on close: no worker outlives its test
        panel.shutdown()


def wait_state(qtbot, ws, state, trigger=None):
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == state):
        if trigger is not None:
            trigger()


def wait_idle(qtbot, panel):
    """Until the run's worker has ended and the panel has taken its ``finished``."""
    qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)


def points(curve):
    """The (x, y) arrays a curve was given (before clipping to the view and downsampling)."""
    x, y = curve.getOriginalDataset()
    return (np.array([]), np.array([])) if x is None else (x, y)


def steps_of(ws):
    return [row for row in ws.core.history if row["kind"] == "step"]


def test_start_trains_plots_and_the_loss_falls(qtbot, make_panel):
    ws, panel = make_panel()
    assert panel.start_action.isEnabled() and not panel.stop_action.isEnabled()
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT) as first:
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert first.args[0]["kind"] == "step" and first.args[0]["step"] == 1
    assert panel.stop_action.isEnabled() and not panel.settings.isEnabled()
    wait_state(qtbot, ws, "finished")
    wait_idle(qtbot, panel)

    qtbot.waitUntil(lambda: len(points(panel.plot.train_raw_curve)[0]) == 60  # the redraw timer's work
                    and len(points(panel.plot.val_curve)[0]) == 3)
    steps, losses = points(panel.plot.train_raw_curve)
    assert len(steps) == 60 and list(steps[:3]) == [1, 2, 3]
    assert np.mean(losses[-10:]) < np.mean(losses[:10]) - 0.5  # the loss falls
    val_steps, val_losses = points(panel.plot.val_curve)
    assert list(val_steps) == [20, 40, 60] and val_losses[-1] < val_losses[0]
    assert len(points(panel.plot.lr_curve)[0]) == 60 and len(points(panel.plot.grad_curve)[0]) == 60
    assert panel.metrics.step == 60 and panel.metrics.value_text("perplexity") not in (None, "-")
    assert ws.core.trained_steps == 60 and ws.core.dirty
    assert panel.progress.value() == 60 and panel.state_text() == "Finished"
    # The run folder holds the records and the final checkpoint, which the list shows.
    [checkpoint] = panel.checkpoint_paths()
    assert checkpoint.endswith("step-000060") and (panel.run_dir / "metrics.jsonl").is_file()
    assert panel.start_action.isEnabled() and panel.settings.isEnabled()


def test_snapshots_that_cannot_be_written_are_skipped_with_a_message_and_training_goes_on(qtbot, make_panel, tmp_path):
    ws, panel = make_panel(max_steps=20, eval_interval=10)
    blocker = tmp_path / "not a folder"
    blocker.write_text("a file")
    ws.core.snapshots.root = blocker  # where the temporary folder would go cannot hold one
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    assert ws.core.trained_steps == 20 and len(ws.core.snapshots) == 0
    text = panel.snapshot_budget.used.text()
    assert "A weight snapshot was skipped" in text and str(blocker) in text and "Training goes on" in text
    assert panel.banner.text() == ws.core.snapshots.skipped and panel.banner.level == "warning"  # seen at once
    ws.core.snapshots.root = tmp_path  # the way is free again: the next run keeps them, the message goes
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    assert ws.core.snapshots.steps() == [20, 30, 40] and "skipped" not in panel.snapshot_budget.used.text()
    assert panel.banner.text() == ""  # the state is over: so is its banner
    assert "3 kept" in panel.snapshot_budget.used.text()


def test_start_again_continues_the_same_model(qtbot, make_panel):
    ws, panel = make_panel(max_steps=10, eval_interval=100)
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    wait_state(qtbot, ws, "finished", panel.start)
    assert [r["step"] for r in steps_of(ws)] == list(range(1, 21))
    assert panel.progress.minimum() == 0 and panel.progress.maximum() == 20 and panel.progress.value() == 20


def test_the_bar_and_its_label_count_from_the_same_origin_when_training_on(qtbot, make_panel):
    """Train N steps, then M more: every reading is "step N+k of N+M" over a bar at N+k of N+M."""
    ws, panel = make_panel(max_steps=10, eval_interval=100)
    readings = []

    def read():
        bar = panel.progress
        readings.append((ws.core.trained_steps, bar.minimum(), bar.value(), bar.maximum(), bar.text()))

    timer = QTimer()
    timer.timeout.connect(read)
    timer.start(5)
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    first_run = len(readings)
    ws.set_train_config(max_steps=30)
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    qtbot.waitUntil(lambda: panel.progress.value() == 40)
    timer.stop()
    read()
    second = readings[first_run:]
    assert any(10 < value < 40 for _steps, _lo, value, _hi, _text in second)  # seen mid-run, not only at the ends
    for steps, low, value, high, text in readings:
        assert text == f"step {value} of {high}" and low == 0 and 0 <= value <= high, (steps, value, high, text)
    assert all(high == 40 for _steps, _lo, _value, high, _text in second)
    assert readings[-1][2:] == (40, 40, "step 40 of 40")


def test_stop_ends_the_run_after_its_step(qtbot, make_panel):
    ws, panel = make_panel(max_steps=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        panel.start_action.trigger()
    with qtbot.waitSignals([ws.training_state, panel._job.finished], timeout=TIMEOUT):
        panel.stop_action.trigger()
    assert panel.state == "stopped" and ws.core.history[-1]["event"] == "stopped"
    assert 0 < ws.core.trained_steps < 100_000
    assert not panel.job_running() and panel.start_action.isEnabled()


def test_pause_stops_steps_and_resume_continues(qtbot, make_panel):
    ws, panel = make_panel(max_steps=100_000, eval_interval=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        panel.start_action.trigger()
    with qtbot.waitSignal(ws.training_state, check_params_cb=lambda s: s == "paused"):
        panel.pause_action.trigger()  # checkable: the first trigger pauses
    assert panel.pause_action.isChecked() and panel.pause_action.text() == "Resume"
    qtbot.waitUntil(lambda: panel.run.waiting, timeout=TIMEOUT)  # the worker sits between two steps
    qtbot.waitUntil(lambda: ws.core.trained_steps == panel.run.trainer.step)  # the last step's record is in
    paused_at = ws.core.trained_steps
    with qtbot.assertNotEmitted(ws.training_record, wait=300):
        pass
    assert ws.core.trained_steps == paused_at
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT) as resumed:
        panel.pause_action.trigger()
    assert resumed.args[0]["step"] == paused_at + 1 and panel.state == "running"
    wait_state(qtbot, ws, "stopped", panel.stop)


def test_a_diverged_run_shows_why(qtbot, make_panel):
    ws, panel = make_panel(max_steps=100_000, eval_interval=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        panel.start()
    def poison(trainer):
        trainer.optimizer.flat.fill_(math.nan)  # the next step's loss is NaN

    panel.run.call_between_steps(poison)
    wait_state(qtbot, ws, "diverged")
    assert ws.core.history[-1]["event"] == "diverged"
    assert not panel.banner.isHidden() and panel.banner.level == "error"
    assert "diverged" in panel.banner.text() and "learning rate" in panel.banner.text()
    assert panel.state_text() == "Diverged"
    # the model went back to its last good evaluation (here the start of the run): so did its history
    # and the curves, and the run that blew up stays on the plot, dashed
    back_to = ws.core.history[-1]["step"]
    assert back_to == 0 and ws.core.trained_steps == 0 and panel.plot.overlay_count() == 1
    assert not [r for r in ws.core.history if r["kind"] in ("step", "eval")] and panel.plot.point_count() == 0
    wait_idle(qtbot, panel)
    assert panel.start_action.isEnabled()
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT, check_params_cb=lambda r: r["kind"] == "step") as first:
        panel.start()  # trains on from the step it went back to, with finite weights
    assert first.args[0]["step"] == back_to + 1 and math.isfinite(first.args[0]["loss"])


def test_a_huge_learning_rate_diverges_or_ends_without_a_crash(qtbot, make_panel):
    ws, panel = make_panel(max_steps=30, lr=1e6, warmup_steps=1, eval_interval=10)
    states = []
    ws.training_state.connect(states.append)
    wait_state(qtbot, ws, "running", panel.start)
    wait_idle(qtbot, panel)
    assert states[-1] in ("diverged", "finished")
    if states[-1] == "diverged":
        assert "diverged" in panel.banner.text()


def test_a_worker_exception_becomes_a_message(qtbot, make_panel, monkeypatch):
    ws, panel = make_panel()

    def broken(*args, **kwargs):
        raise RuntimeError("the GPU caught fire")

    monkeypatch.setattr(ws.core, "new_trainer", broken)
    messages = []
    ws.message.connect(messages.append)
    wait_state(qtbot, ws, "stopped", panel.start)
    assert "the GPU caught fire" in panel.banner.text() and panel.banner.level == "error"
    assert messages and "the GPU caught fire" in messages[-1]
    assert panel.start_action.isEnabled()


def test_settings_edit_the_workspace(qtbot, make_panel):
    ws, panel = make_panel()
    panel.settings.batch_size.setValue(7)
    panel.settings.lr.setValue(2e-3)
    panel.settings.max_steps.setValue(123)
    train = ws.core.recipe.train
    assert (train.batch_size, train.lr, train.max_steps) == (7, 2e-3, 123)
    devices = [panel.settings.device.itemData(i) for i in range(panel.settings.device.count())]
    assert devices[:2] == ["auto", "cpu"]
    panel.settings.device.setCurrentIndex(1)
    assert ws.core.recipe.train.device == "cpu"


def test_a_short_run_shortens_the_warm_up_to_a_fifth_of_its_steps(qtbot, make_panel):
    """Seen on a novel: 120 steps with the default warm-up of 100 spent 100 steps raising the learning rate."""
    ws, panel = make_panel(warmup_steps=100, max_steps=1000)
    panel._load_settings()
    panel.settings.max_steps.setValue(20)
    assert ws.core.recipe.train.warmup_steps == panel.settings.warmup_steps.value() == 4
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    rates = [row["lr"] for row in steps_of(ws)]
    assert len(rates) == 20 and rates.index(max(rates)) == 3  # the peak at the end of the warm-up
    panel.settings.warmup_steps.setValue(10)  # a warm-up the user chooses is kept
    panel.settings.max_steps.setValue(100)
    assert ws.core.recipe.train.warmup_steps == 10


def test_a_50_step_run_warms_up_for_a_fifth_of_it_as_the_command_line_does(qtbot, make_panel, tmp_path, capsys):
    """Only the steps box shortened the warm-up: steps set through the workspace (the self-test, a script) kept
    the 100 warm-up steps on a 50-step run, which the command line shortens to 10. One rule now serves both."""
    import json

    from playground.cli import main

    ws, panel = make_panel(warmup_steps=100, max_steps=1000)
    ws.set_train_config(max_steps=50)  # as the self-test sets it
    assert ws.core.recipe.train.warmup_steps == panel.settings.warmup_steps.value() == 10
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    rates = [row["lr"] for row in steps_of(ws)]
    assert len(rates) == 50 and rates.index(max(rates)) == 9  # the peak at the end of the warm-up
    ws.set_train_config(warmup_steps=40)  # a warm-up the user sets is kept...
    ws.set_train_config(eval_interval=25)  # ...whatever else changes, except the steps
    assert ws.core.recipe.train.warmup_steps == 40

    from playground.core.train import short_run_warmup

    assert main(["train", "--dataset", "grammar", "--steps", "50", "--layers", "1", "--heads", "2", "--width", "32",
                 "--ff", "64", "--context", "32", "--batch-size", "4", "--eval-interval", "50", "--threads", "1",
                 "--quiet", "--run-dir", str(tmp_path / "cli")]) == 0, capsys.readouterr().err
    state = json.loads(next((tmp_path / "cli" / "checkpoints").glob("step-*/state.json")).read_text())
    assert state["train"]["warmup_steps"] == short_run_warmup(50, 100) == 10


def test_the_status_line_is_shown_and_hidden_as_any_widget(qtbot):
    """TrainStatus.show(state, step, target, running) shadowed QWidget.show: a plain show() raised a TypeError."""
    from playground.app.widgets.train_status import TrainStatus

    status = TrainStatus()
    qtbot.addWidget(status)
    status.show()
    assert status.isVisible()
    status.hide()
    assert not status.isVisible()
    status.show_status("Training", 170, 200, True)
    assert status.state_label.text() == "Training" and status.progress.text() == "step 170 of 200"
    assert not status.isVisible()  # the labels change; whether it is shown is the layout's business


def test_the_rate_box_steps_along_1_2_5(qtbot):
    from playground.app.widgets.number_box import RateSpinBox

    box = RateSpinBox()
    qtbot.addWidget(box)
    box.setValue(1e-3)
    box.stepBy(1)
    assert box.value() == pytest.approx(2e-3)
    box.stepBy(2)
    assert box.value() == pytest.approx(1e-2)
    box.stepBy(-3)
    assert box.value() == pytest.approx(1e-3)
    assert box.textFromValue(3e-5) == "3e-05"


def test_model_change_redraws_from_history(qtbot, make_panel):
    ws, panel = make_panel(max_steps=10, eval_interval=5)
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    history = list(ws.core.history)
    ws.core.history.clear()
    sixth = next(i for i, row in enumerate(history) if row["kind"] == "step" and row["step"] == 6)
    ws.core.history.extend(history[:sixth + 1])  # as if a session with 6 steps and the records of step 5 were loaded
    ws.model_changed.emit()
    assert len(points(panel.plot.train_raw_curve)[0]) == 6 and panel.metrics.step == 5
    best = next(row for row in history if row.get("event") == "best")
    assert best["step"] == 5 and panel.checkpoints.best_path == best["path"]  # step 5's best, listed again
    ws.set_model_config(d_model=16)  # a new model: no history
    assert points(panel.plot.train_raw_curve)[0].size == 0 and panel.metrics.rowCount() == 0
    assert panel.checkpoint_paths() == [] and panel.checkpoints.best_path is None


def test_keep_a_curve_and_compare_with_a_saved_run(qtbot, make_panel, tmp_path):
    ws, panel = make_panel(max_steps=10, eval_interval=5)
    wait_state(qtbot, ws, "finished", panel.start)
    wait_idle(qtbot, panel)
    panel.keep_curve()
    assert panel.plot.overlay_count() == 1
    rows = read_metrics(panel.run_dir)
    assert [r["step"] for r in rows if r["kind"] == "step"] == list(range(1, 11))
    assert panel.compare_with(panel.run_dir / "metrics.jsonl")
    assert panel.plot.overlay_count() == 2
    bad = tmp_path / "metrics.jsonl"
    bad.write_text("not json\n" + json.dumps({"kind": "event", "step": 0, "event": "x"}) + "\n")
    assert not panel.compare_with(bad)
    assert panel.banner.level == "warning" and "no training records" in panel.banner.text()
    with pytest.raises(PlaygroundError):
        read_metrics(tmp_path / "missing")
    panel.clear_overlays()
    assert panel.plot.overlay_count() == 0


def test_save_a_checkpoint_while_training_and_after(qtbot, make_panel):
    ws, panel = make_panel(max_steps=100_000, eval_interval=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        panel.start()
    is_checkpoint = lambda row: row["kind"] == "event" and row["event"] == "checkpoint"  # noqa: E731
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT, check_params_cb=is_checkpoint) as saved:
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    first = saved.args[0]["path"]
    assert (panel.run_dir / "checkpoints" / "latest.json").is_file()
    wait_state(qtbot, ws, "stopped", panel.stop)
    wait_idle(qtbot, panel)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT, check_params_cb=is_checkpoint) as saved:
        panel.save_checkpoint()
    second = saved.args[0]["path"]
    assert first in panel.checkpoint_paths() and second in panel.checkpoint_paths()
    assert saved.args[0]["step"] == ws.core.trained_steps
    from playground.core.checkpoint import load_checkpoint

    assert load_checkpoint(second).state["step"] == ws.core.trained_steps


def test_shutdown_during_training_stops_the_worker(qtbot, make_panel):
    ws, panel = make_panel(max_steps=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        panel.start()
    job = panel._job
    panel.shutdown()
    assert not job.is_running() and panel.run is None


def test_pair_task_shows_exact_match(qtbot, make_panel):
    ws, panel = make_panel("reversal", max_steps=4, eval_interval=4)
    wait_state(qtbot, ws, "finished", panel.start)
    last = [row for row in ws.core.history if row["kind"] == "eval"][-1]
    assert last["step"] == 4 and panel.metrics.step == 4
    # the row shows the final evaluation's figure, as a percentage (hand-formatted here)
    assert panel.metrics.value_text("exact_match") == f"{100 * last['metrics']['exact_match']:.1f}%"
    assert panel.metrics.value_text("token_accuracy") == f"{100 * last['metrics']['token_accuracy']:.1f}%"


def test_training_threads_and_the_window():
    assert training_threads("cpu", cpu_count=2, niced=True) == 2  # the niced trainer yields to the UI
    assert training_threads("cpu", cpu_count=2, niced=False) == 1  # else one core is left to the UI
    assert training_threads("cpu", cpu_count=1, niced=False) == 1
    assert training_threads("cpu", cpu_count=64, niced=True) == 8
    assert training_threads("cuda:0", cpu_count=16) == 1


def test_the_training_thread_is_nicer_than_the_window():
    import os
    import sys
    import threading

    from playground.app.training import TRAINING_NICE, lower_thread_priority

    if not sys.platform.startswith("linux"):
        pytest.skip("nice is per thread only on Linux")
    seen = {}

    def worker():
        lower_thread_priority(TRAINING_NICE)
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["nice"] == min(before + TRAINING_NICE, 19)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # the UI thread is untouched


def test_training_run_yields_dicts_without_qt():
    ws = tiny_workspace(max_steps=3, eval_interval=3)
    rows = list(TrainingRun(ws.core).records())
    assert [r["kind"] for r in rows] == ["step", "step", "step", "eval", "attention", "event"]
    assert rows[-1]["event"] == "finished" and isinstance(rows[3]["metrics"], dict)


def test_changing_the_model_mid_run_lets_the_old_run_go(qtbot, make_panel):
    ws, panel = make_panel(max_steps=100_000, eval_interval=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        panel.start()
    old_job = panel._job
    ws.set_model_config(d_model=16)  # e.g. the Model panel: the weights being trained are gone
    assert panel.run is None and panel.start_action.isEnabled()
    qtbot.waitUntil(lambda: not old_job.is_running(), timeout=TIMEOUT)
    assert ws.core.history == [] and points(panel.plot.train_raw_curve)[0].size == 0  # its last records ignored


def test_log_scale_and_ui_state(qtbot, make_panel):
    ws, panel = make_panel(max_steps=5, eval_interval=5)
    wait_state(qtbot, ws, "finished", panel.start)
    panel.plot.refresh()  # what the redraw timer does within 50 ms
    panel.log_scale.setChecked(True)
    assert panel.plot.loss_plot.getAxis("left").logMode
    assert panel.ui_state() == {"log_scale": True, "snapshot_budget_mb": 256, "health": False}  # the snapshots' default budget
    lo, hi = panel.plot.loss_plot.vb.viewRange()[1]
    losses = points(panel.plot.train_raw_curve)[1]
    assert lo <= np.log10(losses.min()) and np.log10(losses.max()) <= hi  # the view fits the data, in log10
    panel.restore_ui_state({"log_scale": False})
    assert not panel.log_scale.isChecked()


def test_the_run_and_its_trainer_share_one_pause(tmp_path):
    """Paused before the trainer exists: the trainer starts paused, a request is served at step 0, and the
    trainer's own resume is the run's (one switch, not two flags)."""
    from playground.app.training import save_checkpoint_row

    ws = tiny_workspace(max_steps=3, eval_interval=3)
    run = TrainingRun(ws.core, warm_up=False)
    run.pause()
    rows = run.records()
    run.call_between_steps(save_checkpoint_row(tmp_path / "checkpoints"))
    first = next(rows)
    assert first["event"] == "checkpoint" and first["step"] == 0
    assert run.trainer.paused and run.trainer.pause_switch is run.pause_switch
    assert json.loads((tmp_path / "checkpoints" / "latest.json").read_text()) == {"path": "step-000000", "step": 0}
    run.trainer.resume()
    assert not run.paused
    rest = list(rows)
    assert [r["kind"] for r in rest] == ["step", "step", "step", "eval", "attention", "event"]
    assert rest[-1]["event"] == "finished"


def test_the_headline_metric_comes_first_in_bold(qtbot, make_panel):
    ws, panel = make_panel("sentiment", max_steps=2, eval_interval=2, eval_examples=8)
    wait_state(qtbot, ws, "finished", panel.start)
    keys = panel.metrics.metric_keys()
    assert keys[0] == "accuracy" and {"val_loss", "exact_match", "f1"} <= set(keys)
    assert panel.metrics.item(0, 0).font().bold() and not panel.metrics.item(1, 0).font().bold()
    assert panel.metrics.value_text("accuracy").endswith("%")
    panel.metrics.show_metrics(3, {"f1": 0.5, "val_loss": 1.0, "accuracy": 0.5})  # no headline: the fixed order
    assert panel.metrics.metric_keys() == ["val_loss", "accuracy", "f1"]


def test_settings_set_from_code_show_in_the_form(qtbot):
    """A lesson or a script sets the training settings through the workspace: the form follows, and its own edits
    still go to the workspace."""
    ws = tiny_workspace("grammar")
    panel = TrainPanel(ws)
    qtbot.addWidget(panel)
    ws.set_train_config(max_steps=123, batch_size=7, lr=0.002)
    assert (panel.settings.max_steps.value(), panel.settings.batch_size.value()) == (123, 7)
    assert panel.settings.lr.value() == pytest.approx(0.002)
    panel.settings.batch_size.setValue(9)
    assert ws.core.recipe.train.batch_size == 9


def test_a_redraw_gives_each_curve_its_data_only_when_its_series_changed(qtbot):
    """The redraw skips curves whose series did not move (the validation curve, between evaluations), yet
    every curve shows its series after any mix of steps, evaluations and a clear."""
    from playground.app.widgets.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    given = []
    original = plot.val_curve.setData
    plot.val_curve.setData = lambda *a, **k: (given.append(len(a[0])), original(*a, **k))
    plot.add_step(1, 2.0, 1e-3, 1.0)
    plot.add_eval(1, 2.5)
    plot.refresh()
    for step in range(2, 6):
        plot.add_step(step, 2.0 - step / 10, 1e-3, 1.0)
        plot.refresh()
    assert given == [1]  # four redraws with steps only: the validation curve was left as it was
    assert list(points(plot.val_curve)[1]) == [2.5] and len(points(plot.train_raw_curve)[0]) == 5
    plot.add_eval(5, 1.9)
    plot.refresh()
    assert given == [1, 2] and list(points(plot.val_curve)[1]) == [2.5, 1.9]
    plot.clear_data()
    plot.refresh()
    assert all(len(points(curve)[0]) == 0 for curve in (plot.val_curve, plot.train_raw_curve, plot.train_curve,
                                                        plot.lr_curve, plot.grad_curve))
    plot.add_step(1, 3.0, 1e-3, 1.0)
    plot.refresh()
    assert list(points(plot.train_raw_curve)[1]) == [3.0] and len(points(plot.val_curve)[0]) == 0


def test_a_long_run_draws_about_two_points_a_pixel_and_keeps_the_envelope(qtbot):
    """20,000 noisy steps are drawn as each pixel column's lowest and highest loss: about two points a pixel of
    the step axis (pyqtgraph's default drew ten), and the curve still reaches the run's lowest and highest loss."""
    from playground.app.widgets.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(1000, 500)
    plot.show()
    qtbot.waitExposed(plot)
    steps = 20_000
    plot.set_step_range(0, steps)
    rng = np.random.default_rng(0)
    losses = 3 * np.exp(-np.arange(steps) / 5000) + rng.random(steps) * 0.2
    for step, loss in enumerate(losses, 1):
        plot.add_step(step, float(loss), 1e-3, 1.0)
    plot.refresh()
    qtbot.waitUntil(lambda: plot.train_raw_curve.getData()[0] is not None, timeout=5000)
    x, y = plot.train_raw_curve.getData()
    pixels = plot.loss_plot.vb.width()
    assert len(x) <= 2.5 * pixels, (len(x), pixels)
    assert y.min() == pytest.approx(losses.min()) and y.max() == pytest.approx(losses.max())


def test_a_gradient_norm_spike_runs_off_the_top_instead_of_flattening_the_curve(qtbot):
    """A norm of 50 in a run of ~0.5 (or a hostile 1e308 in a watched metrics.jsonl) used to set the axis' top:
    the rest lay flat at zero and the ticks read "1e+280" beside "(x1e+27)". The axis now keeps the run's first,
    larger norms on show and lets a spike run off the top; with no spike, the whole curve is shown."""
    from playground.app.widgets.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 500)
    rng = np.random.default_rng(0)
    norms = 0.5 + 5.5 * np.exp(-np.arange(600) / 40) + 0.1 * rng.random(600)  # 6.0 at the start, then ~0.55
    for step, norm in enumerate(norms, 1):
        plot.add_step(step, 2.0, 1e-3, float(norm))
    plot.refresh()
    assert plot.grad_view.viewRange()[1][1] >= norms.max()  # no spike: every point on show
    for step, norm in ((601, 50.0), (602, 1e308), *((s, 0.55) for s in range(603, 700))):
        plot.add_step(step, 2.0, 1e-3, norm)
    plot.refresh()
    lo, hi = plot.grad_view.viewRange()[1]
    assert norms.max() <= hi < 50 and lo < 0.5  # the start still shown, the spikes above the top
    axis = plot.rate_plot.getAxis("right")
    assert axis.autoSIPrefixScale == 1.0 and "e+" not in axis.labelString()  # plain numbers on the ticks
