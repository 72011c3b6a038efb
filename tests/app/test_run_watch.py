"""Training ▸ Watch a run folder…: a real run written by the command line, followed live in the main window.

The curves hold exactly the records of the file; a half-written line waits for its end; a folder
that is not a run and a run that stops growing get notices that go when the state ends; the
newest checkpoint loads for Inspect and Generate, and one with hostile sizes is refused.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from playground.core.checkpoint import load_checkpoint
from playground.core.model import build_model
from playground.core.recipes import recipe_for_text
from playground.core.run_watch import newest_checkpoint
from playground.core.sample import generate
from playground.core.tokenizer_kinds import KINDS
from playground.core.trace import trace
from playground.core.train import Trainer
from tests.hostile_sizes import CONFIG_CASES, FILE_CASES, hostile_checkpoint


TIMEOUT = 60_000
ROOT = Path(__file__).resolve().parents[2]
MIXED = "the cat sat on the mat. 猫坐在垫子上。 the dog 🐶 sat on the log 🪵. 狗坐在木头上。\n" * 30
TINY = dict(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16)


def records(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]


def plotted(view) -> tuple[list, list]:
    """(step, loss) pairs of the training curve and (step, val_loss) of the validation points, as drawn."""
    view.plot.refresh()
    train = list(zip(*[a.tolist() for a in view.plot.train_raw_curve.getData()])) if view.plot.point_count() else []
    x, y = view.plot.val_curve.getData()
    return train, (list(zip(x.tolist(), y.tolist())) if x is not None else [])


def expected(rows: list[dict]) -> tuple[list, list]:
    return ([(float(r["step"]), r["loss"]) for r in rows if r["kind"] == "step"],
            [(float(r["step"]), r["metrics"]["val_loss"]) for r in rows if r["kind"] == "eval"])


def trained_run(run_dir: Path, kind: str = "char", steps: int = 6) -> Trainer:
    """A run folder written by the core trainer (what the command line runs), checkpoints every 4 steps."""
    recipe = recipe_for_text(MIXED, kind, None if kind == "char" else 300, is_text=True, model=TINY,
                             train=dict(max_steps=steps, batch_size=4, eval_interval=3, eval_batches=1,
                                        warmup_steps=1, checkpoint_interval=4, device="cpu"))
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)
    for _record in trainer.run():
        pass
    return trainer


def wait_state(qtbot, watch, state, timeout=TIMEOUT):
    qtbot.waitUntil(lambda: watch.view.state == state, timeout=timeout)


def test_a_real_command_line_run_is_followed_while_it_grows(qtbot, window, tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(MIXED, encoding="utf-8")
    run_dir = tmp_path / "cluster" / "run"
    watch = window.run_watch
    assert watch.watch(run_dir, poll_ms=50)
    train_panel = window.panel("train")
    assert window.current_panel() is train_panel and train_panel.views.currentWidget() is watch.view
    qtbot.waitUntil(lambda: "does not exist (yet)" in watch.view.banner.text(), timeout=TIMEOUT)
    counts = []
    watch.watcher.updated.connect(lambda _u: counts.append(watch.view.plot.point_count()))
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE")
    child = subprocess.Popen([sys.executable, "-m", "playground", "train", "--text", str(corpus), "--layers", "1",
                              "--heads", "2", "--width", "16", "--ff", "32", "--context", "16", "--steps", "300",
                              "--batch-size", "4", "--eval-interval", "50", "--checkpoint-interval", "100",
                              "--device", "cpu", "--threads", "1", "--run-dir", str(run_dir), "--quiet"],
                             cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=240_000)
    finally:
        child.kill()
    assert child.returncode == 0, child.stderr.read().decode()
    wait_state(qtbot, watch, "finished")
    rows = records(run_dir)
    assert watch.view.rows == rows
    assert plotted(watch.view) == expected(rows)
    assert any(0 < n < 300 for n in counts), counts  # seen while it grew, not only at the end
    assert counts == sorted(counts)  # never a point twice or taken back
    assert watch.view.banner.isHidden()  # the folder exists now: its notice went
    assert watch.view.status.progress.value() == 300 and watch.view.status.progress.maximum() == 300
    last_eval = [r for r in rows if r["kind"] == "eval"][-1]
    assert watch.view.metrics_step == last_eval["step"] and "Validation loss" in watch.view.metrics.text()
    assert watch.view.checkpoint == str(run_dir / "checkpoints" / "step-000300")
    assert watch.load_action.isEnabled() and watch.view.load_button.isEnabled()
    watch.stop()
    assert not watch.watching and not watch.stop_action.isEnabled()


def test_a_half_written_last_line_waits_for_its_end(qtbot, window, tmp_path):
    run_dir = tmp_path / "run"
    trained_run(run_dir)
    data = (run_dir / "metrics.jsonl").read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 9  # 8 bytes into a record
    (run_dir / "metrics.jsonl").write_bytes(data[:cut])
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    qtbot.waitUntil(lambda: watch.watcher.polls >= 3, timeout=TIMEOUT)
    assert watch.view.rows == [json.loads(line) for line in data[:cut].splitlines()[:-1]]
    with open(run_dir / "metrics.jsonl", "ab") as f:
        f.write(data[cut:])
    wait_state(qtbot, watch, "finished")
    rows = records(run_dir)
    assert watch.view.rows == rows and plotted(watch.view) == expected(rows)


def test_a_folder_that_is_not_a_run_gets_a_notice_that_goes_when_a_run_writes_there(qtbot, window, tmp_path):
    folder = tmp_path / "holiday photos"
    folder.mkdir()
    (folder / "beach.jpg").write_bytes(b"\xff\xd8\xff")
    watch = window.run_watch
    watch.watch(folder, poll_ms=50)
    qtbot.waitUntil(lambda: "is not a run folder" in watch.view.banner.text(), timeout=TIMEOUT)
    assert watch.view.banner.level == "warning" and str(folder) in watch.view.banner.text()
    assert not watch.view.load_button.isEnabled()
    trained_run(folder)
    wait_state(qtbot, watch, "finished")
    assert watch.view.banner.isHidden()


def test_a_run_that_stops_growing_gets_a_notice_that_clears_when_it_grows(qtbot, window, tmp_path):
    run_dir = tmp_path / "run"
    trained_run(run_dir)
    lines = (run_dir / "metrics.jsonl").read_text().splitlines(keepends=True)
    (run_dir / "metrics.jsonl").write_text("".join(lines[:4]))
    watch = window.run_watch
    watch.watch(run_dir, stall_seconds=0.6, poll_ms=50)
    wait_state(qtbot, watch, "stalled")
    assert "No new records" in watch.view.banner.text() and watch.view.banner.topic == "stalled"
    with open(run_dir / "metrics.jsonl", "a") as f:
        f.write(lines[4])
    wait_state(qtbot, watch, "running")
    assert watch.view.banner.isHidden()
    wait_state(qtbot, watch, "stalled")  # and again, as it stops once more
    with open(run_dir / "metrics.jsonl", "a") as f:
        f.writelines(lines[5:])
    wait_state(qtbot, watch, "finished")
    assert watch.view.banner.isHidden() and watch.view.rows == records(run_dir)


@pytest.mark.parametrize("kind", KINDS)
def test_load_newest_checkpoint_is_what_generate_and_inspect_use(qtbot, window, tmp_path, kind):
    run_dir = tmp_path / "run"
    trainer = trained_run(run_dir, kind, steps=6)
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    wait_state(qtbot, watch, "finished")
    window.show_panel("generate")  # one click from another panel: the toolbar's button
    assert watch.load_action.isVisible() and watch.load_action in window.menu_actions.toolbar.actions()
    owed = []  # in the turn it is loaded: the hidden panels hear of it in the turns after (it held the window 180 ms)
    watch.loaded.connect(lambda _path: owed.append(window.workspace.turns.busy()))
    with qtbot.waitSignal(watch.loaded, timeout=TIMEOUT):
        watch.load_action.trigger()
    assert owed == [True]
    core = window.workspace.core
    assert core.trained_steps == 6 and core.history == records(run_dir)
    saved = load_checkpoint(run_dir / "checkpoints" / "step-000006")
    for name, tensor in saved.model.state_dict().items():
        assert torch.equal(core.model.state_dict()[name], tensor), name
    assert "Inspect and Generate use it now" in window.statusBar().currentMessage()
    text = "the cat 猫 🐶"
    generator = window.panel("generate")
    generator.prompt.setPlainText(text)
    generator.sampling.greedy.setChecked(True)
    generator.max_tokens.setValue(12)
    generator.generate_action.trigger()
    qtbot.waitUntil(lambda: not generator.is_generating() and bool(generator.token_view.steps), timeout=TIMEOUT)
    prompt_ids, _src, _shown = generator.model_inputs()
    assert prompt_ids == trainer.task.tokenizer.encode_ids(text)
    steps = generate(saved.model.eval(), saved.tokenizer, prompt_ids, generator.sample_config(len(prompt_ids)))
    assert [s.id for s in generator.token_view.steps] == [s.id for s in steps]
    window.show_panel("inspect")
    inspector = window.panel("inspect")
    inspector.text.setText(text)
    inspector.trace_button.click()
    qtbot.waitUntil(lambda: not inspector.is_tracing() and bool(inspector.records()), timeout=TIMEOUT)
    truth = trace(saved.model, trainer.task.tokenizer.encode_ids(text)).records
    assert torch.allclose(inspector.records()[-1].tensor, truth[-1].tensor)


@pytest.mark.parametrize("case", sorted({**CONFIG_CASES, **FILE_CASES}))
def test_a_hostile_checkpoint_in_the_watched_folder_is_refused_with_the_limits_message(qtbot, window, tmp_path, case):
    run_dir = tmp_path / "run"
    trained_run(run_dir)
    bad = hostile_checkpoint(newest_checkpoint(run_dir), run_dir / "checkpoints" / "step-000099", case)
    (run_dir / "checkpoints" / "latest.json").write_text(json.dumps({"path": bad.name, "step": 99}))
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    qtbot.waitUntil(lambda: watch.view.checkpoint == str(bad), timeout=TIMEOUT)
    before = window.workspace.core
    with qtbot.waitSignal(window.workspace.error, timeout=TIMEOUT):
        watch.view.load_button.click()
    text = window.banner.text()
    words = {**CONFIG_CASES, **FILE_CASES}[case][1]
    assert text.startswith("The checkpoint was not loaded.") and words in text, text
    assert "Traceback" not in text and window.workspace.core is before
    assert watch.watching  # the watch goes on


def test_own_training_stops_the_watch_and_a_watch_is_refused_while_training(qtbot, window, tmp_path):
    run_dir = tmp_path / "run"
    trained_run(run_dir)
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    wait_state(qtbot, watch, "finished")
    train = window.panel("train")
    train.start_action.trigger()
    assert not watch.watching and "training started in this window" in watch.view.banner.text()
    assert train.views.currentIndex() == 0  # back to the window's own curves
    assert watch.view.rows == records(run_dir)  # the watched curves stay in their tab
    assert not watch.watch(run_dir)
    assert "stop it before watching" in window.banner.text()
    train.stop()
    qtbot.waitUntil(lambda: train.run is None, timeout=TIMEOUT)
    assert watch.watch(run_dir, poll_ms=50)
    wait_state(qtbot, watch, "finished")


def test_the_menus_offer_the_watch(window):
    menus = window.menu_actions
    watch = window.run_watch
    assert watch.watch_action in menus.train_menu.actions() and watch.watch_action in menus.file_menu.actions()
    assert watch.load_action in menus.train_menu.actions() and not watch.load_action.isVisible()
    assert not watch.stop_action.isEnabled()
    assert not window.panel("train").views.isTabVisible(watch.tab)


def test_a_disk_that_does_not_answer_never_stops_the_window(qtbot, window, tmp_path, monkeypatch):
    """The file system itself is made slow (the folder's stat waits), as a hung network mount is."""
    import threading
    import time

    from playground.app import run_watcher

    run_dir = tmp_path / "run"
    trained_run(run_dir)
    answer = threading.Event()
    real_is_dir = Path.is_dir

    def hung_is_dir(path, *args, **kwargs):
        if path == run_dir:
            answer.wait(30)
        return real_is_dir(path, *args, **kwargs)

    monkeypatch.setattr(run_watcher, "SLOW_SECONDS", 0.5)
    monkeypatch.setattr(Path, "is_dir", hung_is_dir)
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    ticks = []
    timer_start = time.perf_counter()
    while time.perf_counter() - timer_start < 1.5:  # the event loop goes on while the poll waits
        qtbot.wait(10)
        ticks.append(time.perf_counter())
    assert max(b - a for a, b in zip(ticks, ticks[1:])) < 0.5
    assert "has not answered" in watch.view.banner.text() and not watch.view.rows
    answer.set()
    wait_state(qtbot, watch, "finished")
    assert watch.view.banner.isHidden() and watch.view.rows == records(run_dir)
