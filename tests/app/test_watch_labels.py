"""While the Train panel's Watched run tab is shown, nothing in the panel or the status bar tells the window's own run's
figures as if they were the watched run's: the Evaluation box shows the watched run's newest evaluation, the settings
(this window's) are greyed and titled so, the device and parameter count are the watched run's. The window's own tab
brings back exactly what was there."""

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel

from playground.app.widgets.metrics_table import MetricsTable, format_metric
from playground.core.checkpoint import load_checkpoint
from playground.core.model import count_parameters
from playground.core.run_watch import newest_checkpoint

from .test_run_watch import MIXED, ROOT, TIMEOUT, records, wait_state


def cli_run(tmp_path: Path, steps: int = 8) -> Path:
    """A run folder written by 'playground train' itself: its config.json, records and checkpoint."""
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(MIXED, encoding="utf-8")
    run_dir = tmp_path / "cluster-run"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE")
    subprocess.run([sys.executable, "-m", "playground", "train", "--text", str(corpus), "--layers", "2", "--heads",
                    "2", "--width", "64", "--ff", "128", "--context", "16", "--steps", str(steps), "--batch-size", "4",
                    "--eval-interval", "4", "--device", "cpu", "--threads", "1", "--run-dir", str(run_dir),
                    "--quiet"], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=240)
    return run_dir


def table_texts(table) -> list[tuple[str, str]]:
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def side_column(train, window) -> dict:
    """What the side column and the status bar say, as a class reads it (the widgets in sight only)."""
    settings_box, evaluation_box = train.settings.parentWidget(), train.metrics.parentWidget()
    return dict(settings_title=settings_box.title(), settings_enabled=train.settings.isEnabled(),
                evaluation_title=evaluation_box.title(),
                captions=[w.text() for w in evaluation_box.findChildren(QLabel) if w.isVisibleTo(train)],
                tables=[table_texts(t) for t in evaluation_box.findChildren(MetricsTable) if t.isVisibleTo(train)],
                status=(window.device_label.text(), window.params_label.text(), window.step_label.text()))


def trained_here(qtbot, window):
    train = window.panel("train")
    window.workspace.set_train_config(max_steps=6, eval_interval=3, eval_batches=1, device="cpu")
    window.show_panel("train")
    train.start()
    qtbot.waitUntil(lambda: train.state == "finished" and train.run is None, timeout=TIMEOUT)
    return train


def test_the_side_column_tells_of_the_watched_run_while_its_tab_is_shown(qtbot, window, tmp_path):
    train = trained_here(qtbot, window)
    own = side_column(train, window)
    assert own["captions"] == ["At step 6"] and len(own["tables"]) == 1 and own["settings_enabled"]
    run_dir = cli_run(tmp_path)
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    wait_state(qtbot, watch, "finished")
    last_eval = [r for r in records(run_dir) if r["kind"] == "eval"][-1]
    assert last_eval["step"] == 8
    shown = side_column(train, window)
    names = train.metrics.names()
    assert shown["evaluation_title"] == "Evaluation of the watched run"
    assert shown["captions"] == ["At step 8"]  # the window's own evaluation (step 6) is not in sight
    assert shown["tables"] == [[(names[k], format_metric(k, last_eval["metrics"][k]))
                                for k in ("val_loss", "perplexity", "token_accuracy")]]
    assert shown["settings_title"] == "Settings of this window's model" and not shown["settings_enabled"]
    watched_parameters = count_parameters(load_checkpoint(newest_checkpoint(run_dir)).model)
    assert shown["status"][0] == "Watched run's device: CPU"
    assert shown["status"][1] == f"Watched run: {watched_parameters / 1e6:.2f} M parameters"
    assert watch.view.device.text() == "Device: CPU · CPU threads: 1" and watch.view.device.isVisibleTo(watch.view)
    train.views.setCurrentIndex(0)  # the window's own curves: its own figures, exactly as before
    back = side_column(train, window)
    assert {k: v for k, v in back.items() if k != "status"} == {k: v for k, v in own.items() if k != "status"}
    assert back["status"] == shown["status"]  # the status bar tells of the watch as long as it goes on
    train.views.setCurrentWidget(watch.view)
    assert side_column(train, window) == shown
    watch.stop()
    assert side_column(train, window)["status"] == own["status"]
    train.views.setCurrentIndex(0)
    assert side_column(train, window) == own


def test_loading_the_watched_runs_checkpoint_keeps_the_status_bar_on_the_watched_run(qtbot, window, tmp_path):
    run_dir = cli_run(tmp_path)
    before = window.params_label.text()
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    wait_state(qtbot, watch, "finished")
    qtbot.waitUntil(lambda: window.step_label.text() == "Watched run: step 8", timeout=TIMEOUT)
    with qtbot.waitSignal(watch.loaded, timeout=TIMEOUT):
        watch.load_newest()
    qtbot.waitUntil(lambda: not window.workspace.turns.busy(), timeout=TIMEOUT)
    assert window.device_label.text() == "Watched run's device: CPU"
    assert window.params_label.text().startswith("Watched run: ") and window.step_label.text().startswith("Watched")
    loaded = count_parameters(window.workspace.core.model)
    watch.stop()  # the window's own model now is the loaded checkpoint: its figures, not those of before the watch
    assert window.step_label.text() == "Step 8" and window.device_label.text() == "Device: CPU"
    qtbot.waitUntil(lambda: window.params_label.text() == f"{loaded / 1e6:.2f} M parameters", timeout=TIMEOUT)
    assert window.params_label.text() != before


def test_a_run_whose_config_json_is_missing_says_its_device_is_not_known_yet(qtbot, window, tmp_path):
    run_dir = cli_run(tmp_path)
    (run_dir / "config.json").unlink()
    rows = records(run_dir)
    (run_dir / "metrics.jsonl").write_text("")  # a run that has written nothing yet
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    qtbot.waitUntil(lambda: watch.watcher.polls >= 2, timeout=TIMEOUT)
    train = window.panel("train")
    assert window.device_label.text() == "Watched run's device: not known yet"
    assert window.params_label.text() == "Watched run's parameters: not known yet"
    assert side_column(train, window)["captions"] == ["No evaluation yet"]  # not the window's own evaluation
    assert side_column(train, window)["tables"] == [[]]
    assert watch.view.device.isHidden()
    (run_dir / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    wait_state(qtbot, watch, "finished")
    assert window.device_label.text() == "Watched run's device: CPU"  # its records say, without a config.json
    assert side_column(train, window)["captions"] == ["At step 8"]
