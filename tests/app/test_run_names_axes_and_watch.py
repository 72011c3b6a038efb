"""Small things a class reads: the run folder's name, the learning rate's axis, the Merges tab of kinds without
merges, and what the status bar and Checkpoints box say while another run is watched."""

from playground.app.panels.train import run_name
from playground.core.recipes import recipe_for_text

from .conftest import wait_ready
from .test_run_watch import TIMEOUT, trained_run, wait_state

TINY = dict(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16)
PRIDE = ("It is a truth universally acknowledged, that a single man in possession of a good fortune. "
         "傲慢与偏见。\n") * 40


def trained_on_file(qtbot, window, tmp_path, lr: float = 4e-4):
    """A real short run from the Train panel on the text file pride.txt."""
    path = tmp_path / "pride.txt"
    path.write_text(PRIDE, encoding="utf-8")
    ws = window.workspace
    ws.use_text(str(path))
    ws.set_model_config(**TINY)
    ws.set_train_config(max_steps=6, batch_size=4, lr=lr, warmup_steps=1, eval_interval=3, eval_batches=1,
                        device="cpu")
    wait_ready(qtbot, window)
    train = window.panel("train")
    window.show_panel("train")
    train.start()
    qtbot.waitUntil(lambda: train.state == "finished" and train.run is None, timeout=TIMEOUT)
    return train


def rate_axis(plot) -> tuple[str, list[str]]:
    """The learning rate axis' title and its tick texts, as drawn."""
    plot.refresh()
    plot.fit(force=True)
    axis = plot.rate_plot.getAxis("left")
    lo, hi = axis.range
    scale = axis.autoSIPrefixScale * axis.scale
    texts = [text for spacing, values in axis.tickValues(lo, hi, axis.size().height())
             for text in axis.tickStrings(values, scale, spacing)]
    return axis.labelString(), texts


def assert_plain(title: str, ticks: list[str], top: float) -> None:
    assert "learning rate" in title and "(x" not in title  # no SI factor in the title
    values = [float(t) for t in ticks]  # each tick reads as the number it is
    assert len(ticks) >= 2 and min(values) <= 0 < top <= max(values) * 1.5, ticks
    assert all(len(t) <= 7 for t in ticks), ticks  # fits the axis' width


def test_the_gui_names_a_run_folder_after_the_files_stem_as_the_command_line(qtbot, window, tmp_path):
    train = trained_on_file(qtbot, window, tmp_path)
    assert train.run_dir.name.startswith("pride-2") and train.run_dir.is_dir()  # pride-20261203-153401
    assert run_name(recipe_for_text(PRIDE, is_text=True)) == "text"
    assert run_name(window.workspace.core.recipe) == "pride"


def test_the_learning_rate_axis_reads_plain_numbers_for_a_run_and_a_watched_run(qtbot, window, tmp_path):
    train = trained_on_file(qtbot, window, tmp_path, lr=4e-4)
    title, ticks = rate_axis(train.plot)
    assert_plain(title, ticks, 4e-4)
    assert "0.0004" in ticks or "0.0002" in ticks, ticks
    run_dir = tmp_path / "watched"
    trained_run(run_dir)  # lr 1e-3 (the text recipe's)
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    wait_state(qtbot, watch, "finished")
    watched_title, watched_ticks = rate_axis(watch.view.plot)
    top = max(row["lr"] for row in watch.view.rows if row["kind"] == "step")
    assert_plain(watched_title, watched_ticks, top)
    assert watched_title == title  # the same words in both


def test_the_merges_tab_is_greyed_out_for_kinds_without_merges(qtbot, window):
    panel = window.panel("tokenize")
    window.show_panel("tokenize")
    left, right = panel.left, panel.right
    assert left.tokenizer.kind == "char"
    assert not left.tabs.isTabEnabled(left.merges_tab)
    assert "char tokenizer has none" in left.tabs.tabToolTip(left.merges_tab)
    for kind, size in (("word", 200), ("bpe", 300)):
        right.kind_box.setCurrentIndex(right.kind_box.findData(kind))
        right.vocab_box.setValue(size)
        right.train_button.click()
        qtbot.waitUntil(lambda: right.tokenizer is not None and right.tokenizer.kind == kind
                        and not right.is_training(), timeout=TIMEOUT)
        right.refresh()
        assert right.tabs.isTabEnabled(right.merges_tab) == (kind == "bpe"), kind
        assert (right.tabs.tabToolTip(right.merges_tab) == "") == (kind == "bpe"), kind
    assert right.merges.model.rowCount() > 0


def test_the_status_bar_and_checkpoints_tell_of_the_watched_run(qtbot, window, tmp_path):
    train = window.panel("train")
    window.workspace.set_train_config(max_steps=41 - window.workspace.core.trained_steps)
    train.start()
    qtbot.waitUntil(lambda: train.state == "finished" and train.run is None, timeout=TIMEOUT)
    assert window.step_label.text() == "Step 41"
    window.statusBar().showMessage("Opened sess_pride.playground", 4000)
    run_dir = tmp_path / "watched"
    trained_run(run_dir, steps=8)
    watch = window.run_watch
    watch.watch(run_dir, poll_ms=50)
    assert window.statusBar().currentMessage() == ""  # the message of before the watch went
    assert "41" not in window.step_label.text()
    assert "Load newest checkpoint" in train.checkpoints.note.text() and train.checkpoints.note.isVisibleTo(train)
    wait_state(qtbot, watch, "finished")
    qtbot.waitUntil(lambda: window.step_label.text() == "Watched run: step 8", timeout=TIMEOUT)
    watch.stop()
    assert window.step_label.text() == "Step 41" and not train.checkpoints.note.isVisibleTo(train)
