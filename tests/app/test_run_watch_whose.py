"""Watch a run folder: the progress line says only what the folder tells (no "step 0 of 1" while there is no target),
a run that never starts is said to have failed, the Train panel's other tabs say they show this window's own model,
and a run trained by several processes says how many."""

import json

import pytest

from playground.cli.train import write_run_files
from playground.core.model import build_model
from playground.core.train import Trainer
from tests.core.helpers import tiny_text_recipe

TIMEOUT = 60_000


def cli_run(run_dir, steps=3, train=True, processes=None, **settings):
    """A run folder as 'playground train' writes it (config.json, then the records); ``processes`` as torchrun's."""
    recipe = tiny_text_recipe(steps=steps, eval_interval=2, device="cpu", **settings)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)
    write_run_files(trainer)
    if processes is not None:
        config = json.loads((run_dir / "config.json").read_text())
        config["processes"] = processes
        (run_dir / "config.json").write_text(json.dumps(config))
    if train:
        for _record in trainer.run():
            pass
    return trainer


def progress_words(view) -> str:
    status = view.status
    bar = status.progress.text() if status.progress.isVisible() else ""
    return f"{status.state_label.text()} | {bar}"


@pytest.mark.parametrize("make", ["missing", "not_run"])
def test_no_step_of_1_while_the_folder_gives_no_target(qtbot, window, tmp_path, make):
    folder = tmp_path / "run"
    if make == "not_run":
        folder.mkdir()
    watch = window.run_watch
    watch.watch(folder, poll_ms=50)
    qtbot.waitUntil(lambda: watch.view.state == make, timeout=TIMEOUT)
    words = progress_words(watch.view)
    assert " of " not in words and "step" not in words, words
    assert not watch.view.status.progress.isVisible()
    assert window.step_label.text() == "Watched run: no step yet"  # not "step 0" of a run that has none
    cli_run(folder)  # the run comes: its target is known, and the bar says it
    qtbot.waitUntil(lambda: watch.view.state == "finished", timeout=TIMEOUT)
    assert watch.view.status.progress.isVisible() and watch.view.status.progress.text() == "step 3 of 3"


def test_a_folder_that_never_appears_is_said_to_have_failed(qtbot, window, tmp_path):
    watch = window.run_watch
    watch.watch(tmp_path / "torchrun-run", stall_seconds=0.5, poll_ms=50)
    qtbot.waitUntil(lambda: "does not exist (yet)" in watch.view.banner.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "still does not exist" in watch.view.banner.text(), timeout=TIMEOUT)
    assert "terminal that started it" in watch.view.banner.text() and watch.view.banner.level == "warning"


def test_settings_without_records_for_long_are_said_and_go_when_it_trains(qtbot, window, tmp_path):
    run_dir = tmp_path / "run"
    trainer = cli_run(run_dir, train=False)
    watch = window.run_watch
    watch.watch(run_dir, stall_seconds=0.5, poll_ms=50)
    qtbot.waitUntil(lambda: "no training record since" in watch.view.banner.text(), timeout=TIMEOUT)
    assert watch.view.state == "waiting" and watch.view.status.progress.text() == "step 0 of 3"
    for _record in trainer.run():
        pass
    qtbot.waitUntil(lambda: watch.view.state == "finished", timeout=TIMEOUT)
    assert watch.view.banner.isHidden()


def test_the_other_tabs_say_they_show_this_windows_model_while_watching(qtbot, window, tmp_path):
    run_dir = tmp_path / "run"
    cli_run(run_dir)
    train = window.panel("train")
    watch = window.run_watch
    assert train.own_model_note.isHidden()
    watch.watch(run_dir, poll_ms=50)
    qtbot.waitUntil(lambda: watch.view.state == "finished", timeout=TIMEOUT)
    assert train.own_model_note.isHidden()  # the Watched run tab is shown: it is the watched run's
    for tab in (train.health, train.views.widget(0)):
        train.views.setCurrentWidget(tab)
        assert train.own_model_note.isVisible() and "not the watched run" in train.own_model_note.text()
        assert train.evaluation_box.title() == "Evaluation"  # and the note says it is this window's
    train.views.setCurrentWidget(watch.view)
    assert train.own_model_note.isHidden() and train.evaluation_box.title() == "Evaluation of the watched run"
    train.views.setCurrentIndex(0)
    watch.stop()
    assert train.own_model_note.isHidden() and train.evaluation_box.title() == "Evaluation"


@pytest.mark.parametrize("processes, shown", [(None, None), (1, None), (2, "Processes: 2")])
def test_the_processes_of_a_torchrun_are_shown_when_the_run_records_them(qtbot, window, tmp_path, processes, shown):
    run_dir = tmp_path / "run"
    cli_run(run_dir, processes=processes)
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    qtbot.waitUntil(lambda: watch.view.state == "finished", timeout=TIMEOUT)
    text = watch.view.device.text()
    assert text.startswith("Device: CPU")
    assert (shown in text) if shown else ("Processes" not in text), text


def test_the_watched_runs_own_health_records_are_in_its_tab(qtbot, window, tmp_path):
    run_dir = tmp_path / "run"
    cli_run(run_dir, steps=8, health_interval=2)
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    health = [r for r in rows if r["kind"] == "health"]
    attention = [r for r in rows if r["kind"] == "attention"]
    assert health and attention
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    qtbot.waitUntil(lambda: watch.view.state == "finished", timeout=TIMEOUT)
    view = watch.view.health
    assert view is not window.panel("train").health  # the run's own, not this window's model's
    assert view.latest["health"] == health[-1] and view.latest["attention"] == attention[-1]
    view.plot.refresh()
    assert view.plot.point_count() > 0
    assert watch.view.pages.widget(1).isAncestorOf(view) and watch.view.pages.tabText(1).startswith("Health")
    watch.watch(tmp_path / "elsewhere", poll_ms=50)  # another watch: the last run's health goes
    qtbot.waitUntil(lambda: watch.view.state == "missing", timeout=TIMEOUT)
    assert view.latest == {} and view.plot.point_count() == 0


def test_before_any_run_the_progress_reads_the_planned_steps_not_of_1(qtbot, make_window):
    """An untrained window said "Ready · step 0 of 1" while its Steps box said 900; a watched folder with no step
    yet said "Watched run: step 0" in the status bar."""
    window = make_window("grammar")
    train = window.panel("train")
    window.workspace.set_train_config(max_steps=900)
    qtbot.waitUntil(lambda: train.progress.format().endswith("of 900"), timeout=10_000)
    assert train.progress.format() == "step 0 of 900"
    window.workspace.set_train_config(max_steps=120)
    qtbot.waitUntil(lambda: train.progress.format() == "step 0 of 120", timeout=10_000)
