"""The Compare window: real runs overlaid by step and by time, the table, the same data with another model, samples."""

import json

import pytest
from PySide6.QtCore import Qt

from playground.app.compare_window import CompareWindow
from playground.app.export import exporter_of
from playground.app.qworkspace import QWorkspace
from playground.app.training import TrainingRun
from playground.app.widgets.metrics_table import format_metric
from playground.core.compare import HOW_IT_RAN
from playground.core.model import ModelConfig
from playground.core.recipes import recipe_for_text
from playground.core.sample import SampleConfig, continued_text, generate
from playground.core.session import save_session
from playground.core.tokenizer_kinds import KINDS
from playground.core.train import TrainConfig

from .workspaces import tiny_workspace

TIMEOUT = 120_000
PROMPTS = ("the cat", "猫坐在垫子上", "🐱🐶")
MIXED = "the cat sat on the mat. 猫坐在垫子上。 🐱 and 🐶 sat together.\n" * 30


def train(ws: QWorkspace, run_dir, steps: int) -> None:
    """Real steps, in this thread, through the same TrainingRun the Train panel uses."""
    ws.set_train_config(max_steps=steps)
    for row in TrainingRun(ws.core, run_dir, threads=1, warm_up=False).records():
        ws.record(row)


def records(run_dir) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]


def open_window(qtbot, ws, tmp_path) -> CompareWindow:
    window = CompareWindow(ws, tmp_path / "runs")
    qtbot.addWidget(window)
    window.show()
    return window


def add_folder(qtbot, window, path):
    with qtbot.waitSignal(window.add_run_folder(path).finished, timeout=TIMEOUT):
        pass


def drawn(window, label: str, curve: str) -> tuple[list, list]:
    """The x and y of a run's curve as the plot holds them (its data items, not what the window computed)."""
    colors = {run.label: i for i, run in enumerate(window.compared_runs())}
    items = window.curves.getPlotItem().listDataItems()[2 * colors[label] + (curve == "val")]
    return list(items.xData), list(items.yData)


def test_runs_overlaid_by_step_and_by_wall_time(qtbot, tmp_path):
    ws = tiny_workspace("grammar", eval_interval=4)
    train(ws, tmp_path / "first", 4)
    train(ws, tmp_path / "first", 4)  # Start pressed again: the run folder gets a second clock
    other = tiny_workspace("grammar", eval_interval=3)
    train(other, tmp_path / "second", 6)
    window = open_window(qtbot, ws, tmp_path)
    add_folder(qtbot, window, tmp_path / "second")
    assert [e.label for e in window.entries] == ["current run", "second"]
    rows = records(tmp_path / "second")
    steps = [r for r in rows if r["kind"] == "step"]
    assert drawn(window, "second", "train") == ([float(r["step"]) for r in steps], [r["loss"] for r in steps])
    val_losses = [r["metrics"]["val_loss"] for r in rows if r["kind"] == "eval"]
    assert drawn(window, "second", "val") == ([3.0, 6.0], val_losses)
    assert drawn(window, "current run", "train")[0] == [float(s) for s in range(1, 9)]
    window.x_axis.setCurrentIndex(window.x_axis.findData("time"))
    assert drawn(window, "second", "train")[0] == pytest.approx([r["elapsed"] for r in steps])
    mine = [r for r in records(tmp_path / "first") if r["kind"] == "step"]
    # the second Start began its clock at 0 (the trainer's own tests check that); the time axis adds them up
    expected = [r["elapsed"] for r in mine[:4]] + [mine[3]["elapsed"] + r["elapsed"] for r in mine[4:]]
    assert drawn(window, "current run", "train")[0] == pytest.approx(expected)
    assert drawn(window, "current run", "val")[0] == pytest.approx([expected[3], expected[7]])
    header, points = exporter_of(window.curves).table()  # the CSV export: the points drawn
    assert header[2] == "training time (s)"
    assert [p[2] for p in points if p[0] == "second" and p[1] == "train"] == pytest.approx([r["elapsed"] for r in steps])
    header, cells = exporter_of(window.table).table()
    assert header == ["", "current run", "second"] and cells[0][0] == "Validation loss"
    assert window.curves.legend.opts["brush"].color().alpha() < 255  # a curve under the legend still shows
    window.run_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert [run.label for run in window.compared_runs()] == ["second"]
    assert window.table.columnCount() == 1


def test_the_table_shows_the_runs_records(qtbot, tmp_path):
    ws = tiny_workspace("reversal", eval_interval=5)
    train(ws, tmp_path / "run", 5)
    window = open_window(qtbot, ws, tmp_path)
    add_folder(qtbot, window, tmp_path / "run")
    final = [r for r in records(tmp_path / "run") if r["kind"] == "eval"][-1]["metrics"]
    for column in (0, 1):
        assert window.table.cell("Validation loss", column) == format_metric("val_loss", final["val_loss"])
        assert window.table.cell("Exact match", column) == format_metric("exact_match", final["exact_match"])
        assert window.table.cell("Steps", column) == "5"
    params = {id(p): p.numel() for p in ws.core.model.parameters()}
    assert window.table.cell("Parameters", 1).replace(",", "") == str(sum(params.values()))
    assert window.differences.text() == "The runs have the same settings."


def test_same_data_with_another_model_trains_on_the_same_task_and_seed(qtbot, tmp_path):
    ws = tiny_workspace("grammar", eval_interval=3)
    train(ws, tmp_path / "first", 3)
    window = open_window(qtbot, ws, tmp_path)
    assert window.change.findData("position=learned") == -1  # the current model's own setting is no change
    window.change.setCurrentIndex(window.change.findData("position=rope"))
    with qtbot.waitSignal(window.train_variant().finished, timeout=TIMEOUT):
        assert not window.train_button.isEnabled() and window.stop_button.isEnabled()
    variant = window.entries[-1].workspace
    old, new = ws.core.recipe.model.to_dict(), variant.recipe.model.to_dict()
    assert [k for k in old if old[k] != new[k]] == ["position"] and new["position"] == "rope"
    assert variant.recipe.task is ws.core.recipe.task and variant.trainer.task is ws.core.trainer.task
    assert variant.recipe.train.to_dict() == ws.core.recipe.train.to_dict()  # the seed among them
    assert variant.trained_steps == 3 and window.train_button.isEnabled()
    assert [run.label for run in window.compared_runs()] == ["current run", "RoPE (same data)"]
    assert window.differences.text() == "Settings that differ: positions: learned vs RoPE"
    folders = [p for p in (tmp_path / "runs").iterdir() if p.name.startswith("grammar-position-rope")]
    assert len(folders) == 1 and [r["step"] for r in records(folders[0]) if r["kind"] == "step"] == [1, 2, 3]


def test_the_other_model_can_be_stopped(qtbot, tmp_path):
    ws = tiny_workspace("grammar", max_steps=5000, eval_interval=1000)
    window = open_window(qtbot, ws, tmp_path)
    job = window.train_variant(("family", "lstm"))
    qtbot.waitUntil(lambda: window.variant_progress.value() >= 2, timeout=TIMEOUT)
    with qtbot.waitSignal(job.finished, timeout=TIMEOUT):
        window.stop_button.click()
    variant = window.entries[-1].workspace
    assert variant.recipe.model.family == "lstm" and 2 <= variant.trained_steps < 5000
    assert variant.history[-1]["event"] == "stopped" and not window.variant_progress.isVisible()


def text_workspace(kind: str = "char") -> QWorkspace:
    ws = QWorkspace()
    model = dict(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16)
    ws.set_recipe(recipe_for_text(MIXED, tokenizer_kind=kind, is_text=True, model=model,
                                  train=dict(batch_size=4, eval_interval=4, eval_batches=1, warmup_steps=1)))
    return ws


@pytest.mark.parametrize("prompt", PROMPTS)
def test_samples_side_by_side_use_one_prompt_and_seed(qtbot, tmp_path, prompt):
    """The same configuration trained twice from the same seed: the same weights, so the same text."""
    first, second = text_workspace(), text_workspace()
    train(first, tmp_path / "a", 4)
    train(second, tmp_path / "b", 4)
    window = open_window(qtbot, first, tmp_path)
    add_folder(qtbot, window, tmp_path / "b")
    window.samples.prompt.setText(prompt)
    window.samples.length.setValue(12)
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    window.redraw()  # the same runs: their samples stay
    texts = [window.samples.text_of(i) for i in range(2)]
    assert texts[0] and texts[0] == texts[1] and "no sample" not in texts[0]
    window.samples.seed.setValue(window.samples.seed.value() + 1)
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    assert window.samples.text_of(0) == window.samples.text_of(1)


@pytest.mark.parametrize("kind", KINDS)
def test_a_sample_reads_as_the_prompt_then_its_continuation(qtbot, tmp_path, kind):
    """Each box: the prompt as typed (dimmed), then the continuation spaced to follow it, as the core's StreamText
    joins them; where the tokenizer gives the prompt back whole, the box is the decode of prompt and continuation."""
    ws = text_workspace(kind)
    train(ws, None, 2)
    window = open_window(qtbot, ws, tmp_path)
    tokenizer, model = ws.core.recipe.task.tokenizer, ws.core.model
    for prompt in PROMPTS:
        window.samples.prompt.setText(prompt)
        window.samples.length.setValue(12)
        with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
            pass
        prompt_ids = tokenizer.encode_ids(prompt)
        sampling = SampleConfig(max_new_tokens=12, temperature=0.8, seed=window.samples.seed.value(), alternatives=0)
        ids = [step.id for step in generate(model, tokenizer, prompt_ids, sampling, None, prompt)]
        shown = window.samples.text_of(0)
        assert shown == continued_text(tokenizer, prompt_ids, ids, prompt) and len(shown) > len(prompt)
        assert window.samples.dimmed_text(0) == prompt
        if tokenizer.decode(prompt_ids) == prompt:  # no <unk>, no spacing the tokenizer drops
            assert shown == tokenizer.decode(prompt_ids + ids).rstrip("\ufffd")


def test_a_task_sample_shows_the_source_then_the_target(qtbot, tmp_path):
    ws = tiny_workspace("reversal", eval_interval=2)
    train(ws, None, 2)
    window = open_window(qtbot, ws, tmp_path)
    window.samples.prompt.setText("abc")
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    assert window.samples.dimmed_text(0) == "abc → " and window.samples.text_of(0).startswith("abc → ")


def test_a_run_is_removed_and_the_others_keep_their_ticks(qtbot, tmp_path):
    ws = tiny_workspace("grammar", eval_interval=2)
    train(ws, tmp_path / "run", 2)
    window = open_window(qtbot, ws, tmp_path)
    for _twice in range(2):  # the same folder twice: two runs that the curves and the table tell apart
        add_folder(qtbot, window, tmp_path / "run")
    assert [run.label for run in window.compared_runs()] == ["current run", "run", "run (2)"]
    assert list(window.curves.plotted) == ["current run", "run", "run (2)"]
    assert exporter_of(window.table).table()[0] == ["", "current run", "run", "run (2)"]
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    samples = [window.samples.text_of(i) for i in range(3)]
    window.run_list.item(1).setCheckState(Qt.CheckState.Unchecked)  # the runs still compared keep their samples
    assert [window.samples.text_of(i) for i in range(2)] == [samples[0], samples[2]] and samples[0]
    window.run_list.item(1).setCheckState(Qt.CheckState.Checked)
    window.run_list.setCurrentRow(0)
    assert not window.remove_button.isEnabled()  # the current run is unticked, not removed
    window.run_list.item(2).setCheckState(Qt.CheckState.Unchecked)
    window.run_list.setCurrentRow(1)
    assert window.remove_button.isEnabled()
    qtbot.mouseClick(window.remove_button, Qt.MouseButton.LeftButton)
    assert [e.label for e in window.entries] == ["current run", "run (2)"]
    assert window.run_list.item(1).checkState() == Qt.CheckState.Unchecked
    assert [run.label for run in window.compared_runs()] == ["current run"] and window.table.columnCount() == 1
    assert window.samples.labels == ["current run"] and window.samples.text_of(0) == samples[0]
    add_folder(qtbot, window, tmp_path / "run")  # the label of a run removed: none of its sample
    assert window.samples.labels == ["current run", "run"] and window.samples.text_of(1) == ""


def test_a_run_training_here_cannot_be_removed_until_it_ends(qtbot, tmp_path):
    ws = tiny_workspace("grammar", max_steps=5000, eval_interval=1000)
    window = open_window(qtbot, ws, tmp_path)
    job = window.train_variant(("family", "lstm"))
    window.run_list.setCurrentRow(1)
    assert not window.remove_button.isEnabled()
    with qtbot.waitSignal(job.finished, timeout=TIMEOUT):
        window.stop_button.click()
    assert window.remove_button.isEnabled()
    window.remove_selected()
    assert [e.label for e in window.entries] == ["current run"]


def test_every_setting_that_can_differ_is_named_in_words(qtbot, tmp_path):
    window = open_window(qtbot, tiny_workspace("grammar"), tmp_path)
    keys = [*ModelConfig().to_dict(), *TrainConfig().to_dict()]
    assert [key for key in keys if key not in (*HOW_IT_RAN, *window.table.setting_names())] == []
    assert window.table.setting_name("warmup_steps") == "warm-up steps"
    assert [window.table.value_text(v) for v in (True, False, None, "rope", 3)] == ["yes", "no", "—", "RoPE", "3"]


def test_a_folder_that_is_not_a_run_gets_a_clear_message(qtbot, tmp_path):
    (tmp_path / "photos").mkdir()
    window = open_window(qtbot, tiny_workspace("grammar"), tmp_path)
    add_folder(qtbot, window, tmp_path / "photos")
    assert "is not a training run" in window.banner.text() and "metrics.jsonl" in window.banner.text()
    assert len(window.entries) == 1


def test_a_session_joins_the_comparison(qtbot, tmp_path):
    saved = tiny_workspace("grammar", eval_interval=2)
    train(saved, None, 2)
    save_session(tmp_path / "evening.playground", saved.core)
    ws = tiny_workspace("grammar", eval_interval=3)
    train(ws, None, 3)
    window = open_window(qtbot, ws, tmp_path)
    with qtbot.waitSignal(window.add_session(tmp_path / "evening.playground").finished, timeout=TIMEOUT):
        pass
    assert [run.label for run in window.compared_runs()] == ["current run", "evening"]
    assert window.table.cell("Steps", 1) == "2" and window.table.cell("Steps", 0) == "3"
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    assert all(window.samples.text_of(i) and "no sample" not in window.samples.text_of(i) for i in range(2))


def test_the_train_panel_opens_it(qtbot, window):
    panel = window.panel("train")
    compare = panel.open_compare_window()
    assert compare.isVisible() and panel.open_compare_window() is compare
    assert compare.entries[0].workspace is window.workspace.core
    window.workspace.set_train_config(max_steps=6, eval_interval=3, batch_size=8)
    panel.start()  # the Train panel's own run: the open Compare window follows it
    qtbot.waitUntil(lambda: panel.state == "finished", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: compare.curves.plotted.get("current run", {}).get("val", ([],))[0] == [3.0, 6.0],
                    timeout=TIMEOUT)
    assert compare.curves.plotted["current run"]["train"][0] == [float(s) for s in range(1, 7)]


@pytest.fixture(params=["en", "zh_CN"])
def language(request, qapp):
    from playground.app.translation import install_translation, uninstall_translation

    if request.param != "en":
        install_translation(qapp, request.param)
    yield request.param
    if request.param != "en":
        uninstall_translation(qapp)


def test_nothing_is_cut_at_1280x720_and_900x600(qtbot, tmp_path, language):
    """A current run, the same data with RoPE and with the LSTM, samples: every tab, no clipped text."""
    from .layout_check import clipped_texts, report

    ws = tiny_workspace("grammar", eval_interval=3)
    train(ws, tmp_path / "first", 3)
    window = open_window(qtbot, ws, tmp_path)
    for choice in (("position", "rope"), ("family", "lstm")):
        with qtbot.waitSignal(window.train_variant(choice).finished, timeout=TIMEOUT):
            pass
    window.samples.prompt.setText("the cat 🐱")
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    assert len(window.compared_runs()) == 3
    for width, height in ((1280, 720), (900, 600)):
        window.resize(width, height)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            qtbot.wait(20)
            clips = clipped_texts(window)
            assert not clips, f"{language} {width}×{height} tab {i}:\n{report(clips)}"
