"""The Inspect panel's Backward mode: one recorded training step, stepped through with the forward stepper's widgets."""

import csv
import io
from dataclasses import asdict

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication

from playground.app import view_tables
from playground.app.export import exporter_of
from playground.app.panels.inspect import InspectPanel
from playground.app.widgets import backward_views
from playground.app.widgets.token_stream import quoted
from playground.core.backward import backward_trace, optimizer_step_detail, targets_for

from .layout_check import clipped_texts
from .workspaces import tiny_workspace

TIMEOUT = 60_000
CASES = [("grammar", "the cat sees", ""), ("reversal", "abcde", "ed")]


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(dataset="grammar", text="the cat sees", prefix="", steps=8):
        ws = tiny_workspace(dataset)
        for record in ws.core.new_trainer(max_steps=steps).run() if steps else ():  # real training: moments
            ws.record(asdict(record))
        panel = InspectPanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1280, 720)
        panel.show()
        panel.text.setText(text)
        panel.prefix.setText(prefix)
        panels.append(panel)
        return ws, panel

    yield make
    for panel in panels:
        panel.shutdown()


def wait_traced(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.shown() is not None, timeout=TIMEOUT)
    assert panel.banner.isHidden(), panel.banner.text()


def backward(qtbot, panel):
    panel.backward_button.click()
    wait_traced(qtbot, panel)
    return panel.backward.backward


def weights(model) -> dict:
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[n], b[n]) for n in a)


def test_the_mode_switch_keeps_each_pass_and_its_place(qtbot, make_panel):
    _ws, panel = make_panel()
    panel.trace_button.click()
    wait_traced(qtbot, panel)
    forward_names = panel.inspection.trace.names()
    panel.go_to(5)
    bt = backward(qtbot, panel)
    assert panel.mode == "backward" and panel.backward_button.isChecked()
    assert [r.name for r in panel.records()] == bt.names() and bt.names()[:2] == ["loss", "grad.logits"]
    assert panel.details.currentWidget() is panel.backward_detail
    assert not panel.next_token_button.isEnabled()  # generation step by step belongs to the forward pass
    panel.go_to(3)
    panel.forward_button.click()
    assert not panel.is_tracing()  # nothing to trace again: both passes are recorded for this input
    assert [r.name for r in panel.records()] == forward_names and panel.index == 5
    assert panel.details.currentWidget() is panel.detail
    panel.backward_button.click()
    assert panel.index == 3 and panel.backward.backward is bt
    for button in (panel.forward_button, panel.backward_button):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus  # reachable from the keyboard
    panel.text.setText("the dog")  # another input: the other pass is traced for it
    panel.forward_button.click()
    wait_traced(qtbot, panel)
    assert panel.inspection.ids == panel.model_inputs()[0]


@pytest.mark.parametrize("dataset, text, prefix", CASES)
def test_the_stepper_walks_every_backward_record(qtbot, make_panel, dataset, text, prefix):
    ws, panel = make_panel(dataset, text, prefix)
    bt = backward(qtbot, panel)
    detail = panel.backward_detail
    if dataset == "reversal":
        assert ws.core.recipe.model.architecture == "encoder-decoder"
        assert {"encoder.0", "memory", "decoder.0", "update"} <= set(bt.groups())
        assert "grad.decoder.0.cross_attn.weights" in bt.names()
    seen = []
    while True:
        record = panel.current_record()
        seen.append(record.name)
        assert panel.group_buttons[record.group].isChecked()
        assert detail.title.text() == record.title and detail.formula.text() == record.formula
        shown = record.tensor[detail.head] if record.tensor.dim() == 3 else record.tensor
        np.testing.assert_array_equal(detail.heatmap.image_array(), np.atleast_2d(shown.numpy()))
        rows, cols = detail.heatmap.image_array().shape
        detail.select_cell(rows - 1, cols - 1)  # every stage works out a clicked cell
        assert detail.worked.toPlainText()
        if not panel.next_button.isEnabled():
            break
        panel.next_button.click()
    assert seen == bt.names()
    for _ in seen[1:]:
        qtbot.keyClick(panel.records_list, Qt.Key.Key_Left)
    assert panel.index == 0


@pytest.mark.parametrize("dataset, text, prefix", CASES)
def test_the_loss_and_the_logit_gradient_are_the_recorded_numbers(qtbot, make_panel, dataset, text, prefix):
    _ws, panel = make_panel(dataset, text, prefix)
    bt = backward(qtbot, panel)
    detail = panel.backward_detail
    loss = bt.get("loss").tensor
    table = detail.loss_table.view
    with_target = [i for i, t in enumerate(bt.targets) if t >= 0]
    assert table.rowCount() == len(with_target)
    for row, pos in enumerate(with_target):
        assert float(table.item(row, 3).text()) == pytest.approx(float(loss[pos, 1]), rel=1e-3)
        assert float(table.item(row, 4).text()) == pytest.approx(float(loss[pos, 0]), rel=1e-3)
    assert f"{bt.loss_before:.4f}" in detail.loss_table.caption.text()
    pos = with_target[-1]
    table.cellClicked.emit(len(with_target) - 1, 0)
    assert detail.logit_position == pos
    grad = bt.get("grad.logits").tensor[pos]
    probs = bt.forward.get("softmax").tensor[pos]
    logits = detail.logit_table.view
    target = bt.targets[pos]
    assert logits.item(0, 0).text() == quoted(detail.token_text(target)) and logits.item(0, 2).text() == "1"
    n = len(with_target)
    for row in range(logits.rowCount()):
        p, y, recorded = (logits.item(row, c).data(Qt.ItemDataRole.UserRole) for c in (1, 2, 4))
        assert recorded == pytest.approx((p - y) / n, abs=1e-6)  # ∂L/∂z = (softmax − one-hot) / N
    assert float(probs[target]) == pytest.approx(logits.item(0, 1).data(Qt.ItemDataRole.UserRole))
    assert float(grad[target]) == pytest.approx(logits.item(0, 4).data(Qt.ItemDataRole.UserRole))


def test_the_attention_gradient_is_drawn_beside_the_forward_weights(qtbot, make_panel, tmp_path):
    _ws, panel = make_panel()
    bt = backward(qtbot, panel)
    detail = panel.backward_detail
    panel.go_to(bt.names().index("grad.decoder.0.attn.weights"))
    assert detail.tabs.isTabVisible(detail.attention_tab)
    detail.head_box.setValue(2)
    view = detail.attention_grad
    forward = bt.forward.get("decoder.0.attn.weights").tensor[1]
    np.testing.assert_array_equal(view.forward.image_array(), forward.numpy())
    np.testing.assert_array_equal(view.gradient.image_array(), bt.get("grad.decoder.0.attn.weights").tensor[1].numpy())
    assert view.gradient.masked is not None and view.gradient.masked[0, 1]  # the future is masked in both
    exported = exporter_of(view.gradient).save(tmp_path / "gradient.csv")  # the numbers leave the app too
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    np.testing.assert_allclose(np.array([row[1:] for row in rows[1:]], dtype=float), view.gradient.values, rtol=1e-6)
    assert exporter_of(view.gradient).name() == "Decoder layer 1 - Gradient - Attention weights - head 2 - backward"
    panel.go_to(bt.names().index("grad.logits"))
    assert not detail.tabs.isTabVisible(detail.attention_tab)


@pytest.mark.parametrize("dataset, text, prefix", CASES)
def test_a_click_on_a_weight_gradient_shows_the_cores_optimizer_step(qtbot, make_panel, dataset, text, prefix):
    _ws, panel = make_panel(dataset, text, prefix)
    bt = backward(qtbot, panel)
    detail = panel.backward_detail
    name = next(n for n in bt.param_names if n.endswith("attn.qkv_proj.weight"))
    panel.go_to(bt.names().index(f"param.{name}"))
    heat = detail.heatmap
    row, col = 3, 5
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_centre(row, col).toPoint())
    d = optimizer_step_detail(bt, name, (row, col))
    worked = detail.worked.toPlainText()
    for value in (d.g, d.m, d.v, d.m_hat, d.v_hat, d.update, d.decay, d.new):
        assert f"{value:.6g}" in worked
    assert f"{name}[{row}, {col}]" in worked and f"{d.old:.6g} → {d.new:.6g}" in worked
    assert detail.optimizer.element() == (name, (row, col))  # the Optimizer tab follows the click
    assert f"{d.new:.6g}" in detail.optimizer.worked.toPlainText()
    qtbot.mouseMove(heat, QPoint(1, 1))  # the cursor may still be where an earlier test left it
    qtbot.wait(50)  # the records list fits its names after a stage change, which moves the heatmap's cells
    point = heat.cell_centre(heat.values.shape[0] // 2, heat.values.shape[1] - 2).toPoint()  # away from the click
    with qtbot.waitSignal(heat.cell_hovered) as hover:
        qtbot.mouseMove(heat, point)
    hovered = tuple(hover.args[:2])
    tip = optimizer_step_detail(bt, name, hovered)
    assert f"{name}[{hovered[0]}, {hovered[1]}]" in heat.toolTip() and f"{tip.new:.6g}" in heat.toolTip()
    bias = next(n for n in bt.param_names if n.endswith(".bias") and bt.param_grads[n].dim() == 1)
    detail.optimizer.choose(bias, (4,))  # a vector: one index
    assert f"{optimizer_step_detail(bt, bias, 4).new:.6g}" in detail.optimizer.worked.toPlainText()


def test_the_step_uses_the_trainers_optimizer_state_and_settings(qtbot, make_panel):
    ws, panel = make_panel()
    bt = backward(qtbot, panel)
    core = ws.core
    ids, src = panel.model_inputs()
    expected = backward_trace(core.model, ids, src, targets_for(core.recipe.task, ids, src),
                              optimizer_state=core.trainer.optimizer.state_dict(), train_cfg=core.trainer.cfg,
                              step=core.trained_steps)
    assert same_weights(bt.new_params, expected.new_params)
    assert optimizer_step_detail(bt, "tok_emb.weight", 0).step == core.trainer.optimizer.step_count + 1


def test_the_gradient_norms_sort_and_open_a_weight(qtbot, make_panel):
    _ws, panel = make_panel()
    bt = backward(qtbot, panel)
    norms = panel.backward_detail.norms.view
    assert norms.rowCount() == len(bt.param_names)
    norms.sortItems(2, Qt.SortOrder.DescendingOrder)
    values = [norms.item(i, 2).data(Qt.ItemDataRole.UserRole) for i in range(norms.rowCount())]
    assert values == sorted(values, reverse=True)
    recorded = dict(zip(bt.param_names, bt.get("param.norms").tensor.tolist()))
    assert values[0] == pytest.approx(max(recorded.values()))
    name = norms.item(0, 0).text()
    norms.cellClicked.emit(0, 0)
    assert panel.current_record().name == f"param.{name}"
    detail = panel.backward_detail
    assert detail.tabs.currentIndex() == 0 and detail.heatmap.image_array().size == bt.param_grads[name].numel()
    assert detail.optimizer.element()[0] == name
    panel.go_to(bt.names().index("param.norms"))
    last = len(bt.param_names) - 1
    detail.select_cell(0, last)  # a cell of the norms names its weight
    assert f"“{bt.param_names[last]}”" in detail.worked.toPlainText()


def test_only_apply_changes_the_model(qtbot, make_panel, monkeypatch):
    ws, panel = make_panel()
    core = ws.core
    before = weights(core.model)
    moments = core.trainer.optimizer.exp_avg.clone()
    bt = backward(qtbot, panel)
    for index in range(len(panel.records())):  # looking at every stage, clicking cells, choosing weights
        panel.go_to(index)
        panel.backward_detail.select_cell(0, 0)
    panel.forward_button.click()
    panel.backward_button.click()
    assert same_weights(weights(core.model), before) and torch.equal(core.trainer.optimizer.exp_avg, moments)
    dirty = core.dirty = False
    asked = []
    monkeypatch.setattr(backward_views, "confirm_apply_step", lambda parent, b, a: asked.append((b, a)) or False)
    panel.backward_detail.optimizer.apply_button.click()
    assert asked == [(bt.loss_before, bt.loss_after)]
    assert same_weights(weights(core.model), before) and core.dirty == dirty  # "No" changes nothing
    monkeypatch.setattr(backward_views, "confirm_apply_step", lambda parent, b, a: True)
    with qtbot.waitSignal(ws.model_changed):
        panel.backward_detail.optimizer.apply_button.click()
    assert same_weights(weights(core.model), bt.new_params) and core.dirty
    assert torch.equal(core.trainer.optimizer.exp_avg, bt.optimizer_state["exp_avg"])
    assert panel.banner.isVisible() and f"{bt.loss_after:.4f}" in panel.banner.text()
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.backward is not None, timeout=TIMEOUT)
    assert panel.backward.backward.loss_before == pytest.approx(bt.loss_after, abs=1e-5)  # traced from the new weights
    panel.forward_button.click()  # the forward views trace the changed model again
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.inspection is not None, timeout=TIMEOUT)


def test_apply_is_refused_while_training_runs_or_after_the_model_changed(qtbot, make_panel, monkeypatch):
    ws, panel = make_panel()
    monkeypatch.setattr(backward_views, "confirm_apply_step", lambda parent, b, a: True)
    backward(qtbot, panel)
    before = weights(ws.core.model)
    ws.training_state.emit("running")
    panel.backward_detail.optimizer.apply_button.click()
    assert "training" in panel.banner.text() and same_weights(weights(ws.core.model), before)
    ws.training_state.emit("paused")
    for record in ws.core.new_trainer(max_steps=1).run():  # the model trained on since the step was recorded
        ws.record(asdict(record))
    trained = weights(ws.core.model)
    panel.backward_detail.optimizer.apply_button.click()
    assert "Trace" in panel.banner.text() and same_weights(weights(ws.core.model), trained)


def test_an_input_without_a_target_says_what_to_do(qtbot, make_panel):
    _ws, panel = make_panel("grammar", "t")
    panel.backward_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    assert panel.banner.isVisible() and "longer input" in panel.banner.text()


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
def test_every_tokenizer_kind_on_english_chinese_and_emoji(qtbot, make_panel, kind):
    ws, panel = make_panel("grammar", steps=0)
    ws.core.use_text("hello 👋 world 悟空 and the cat 😀\n" * 60, is_text=True)
    ws.core.retokenize(kind, {"char": None, "bpe": 262}.get(kind, 120))
    panel.text.setText("hello 👋 悟空 the cat 😀")
    bt = backward(qtbot, panel)
    labels = [panel.backward_detail.token_text(i) for i in panel.backward.ids]
    assert not any("\ufffd" in label for label in labels), labels
    table = panel.backward_detail.loss_table.view
    assert table.rowCount() == len(panel.backward.ids) - 1  # text: every position but the last has a target
    assert [table.item(i, 2).text() for i in range(table.rowCount())] == [quoted(t) for t in labels[1:]]
    assert bt.loss_after < bt.loss_before


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("size", ["1280x720", "minimum"])
def test_the_backward_views_fit(qtbot, make_window, request, size, language):
    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    window = make_window("reversal")
    window.resize(window.minimumSize() if size == "minimum" else QSize(1280, 720))
    window.show_panel("inspect")
    panel = window.panel("inspect")
    panel.text.setText("abcde")
    panel.prefix.setText("ed")
    bt = backward(qtbot, panel)
    found = []
    detail = panel.backward_detail
    for name in ("loss", "grad.decoder.0.cross_attn.weights", "param.decoder.0.attn.qkv_proj.weight", "update.loss"):
        panel.go_to(bt.names().index(name))
        detail.select_cell(0, 0)
        for tab in range(detail.tabs.count()):
            if detail.tabs.isTabVisible(tab):
                detail.tabs.setCurrentIndex(tab)
                QApplication.processEvents()
                qtbot.wait(20)
                found += [f"{name}, tab {detail.tabs.tabText(tab)}: {clip}" for clip in clipped_texts(window)]
    assert not found, "\n" + "\n".join(found)


def test_the_backward_mode_in_chinese(qtbot, chinese_ui, make_panel):
    _ws, panel = make_panel("reversal", "abcde", "ed")
    assert (panel.forward_button.text(), panel.backward_button.text()) == ("前向传播", "反向传播")
    bt = backward(qtbot, panel)
    detail = panel.backward_detail
    tabs = [detail.tabs.tabText(i) for i in (detail.loss_tab, detail.norms_tab, detail.optimizer_tab)]
    assert tabs == ["每个位置的损失", "梯度范数", "优化器更新"]
    panel.go_to(bt.names().index("param.decoder.0.attn.qkv_proj.weight"))
    detail.select_cell(1, 1)
    worked = detail.worked.toPlainText()
    assert "梯度" in worked and "一阶矩" in worked and "新权重" in worked
    assert "反向" in panel.status_label.text()
    assert detail.optimizer.apply_button.text().startswith("应用")


def test_a_sources_own_answer_is_the_target_when_none_is_typed(qtbot, make_panel):
    """Reversal, source only: the step trains on the task's answer (the reversed source), not on <eos> at once."""
    ws, panel = make_panel("reversal", "", "")
    task = ws.core.recipe.task
    source, answer = task.val_pairs[0]
    panel.text.setText(source)
    bt = backward(qtbot, panel)
    tok = task.tokenizer
    wanted = [*tok.encode_ids(answer), tok.eos_id]
    assert [t for t in bt.targets if t >= 0] == wanted


def test_a_step_on_an_earlier_snapshot_is_not_applied(qtbot, make_panel, monkeypatch):
    """The slider on an earlier step: the backward pass is of that model, and Apply says to move to now."""
    ws, panel = make_panel("grammar", "the cat sees", "", steps=8)
    panel.refresh_steps()
    steps = ws.core.snapshots.steps()
    assert steps, "the trainer took no snapshot"
    panel.step_slider.choose(steps[0])
    assert panel.inspected_step() == steps[0] < ws.core.trained_steps
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    before = weights(ws.core.model)
    backward(qtbot, panel)
    assert f"step {steps[0]}." in panel.status_label.full_text()  # the weights it started from, not the newest
    monkeypatch.setattr("playground.app.widgets.backward_views.confirm_apply_step", lambda *a: True)
    panel.apply_backward_step()
    assert same_weights(before, weights(ws.core.model))
    assert "slider" in panel.banner.text()


def test_an_applied_step_counts_as_a_training_step_in_every_view(qtbot, make_window, monkeypatch):
    """Apply changed the weights but added no history row and left the step count where it was."""
    window = make_window("grammar")
    ws = window.workspace
    for record in ws.core.new_trainer(max_steps=8).run():  # real training: the step applied is the 9th
        ws.record(asdict(record))
    inspect, train = window.panel("inspect"), window.panel("train")
    window.show_panel("inspect")
    inspect.text.setText("the cat sees")
    bt = backward(qtbot, inspect)
    monkeypatch.setattr(backward_views, "confirm_apply_step", lambda parent, b, a: True)
    with qtbot.waitSignal(ws.model_changed):
        inspect.backward_detail.optimizer.apply_button.click()
    core = ws.core
    assert core.trained_steps == 9 and core.trainer.step == 9
    row = core.history[-1]
    assert (row["kind"], row["step"], row["loss"], row["lr"], row["source"]) == ("step", 9, bt.loss_before, bt.lr,
                                                                                "inspect")
    assert window.step_label.text() == "Step 9"
    assert inspect.step_slider.now_step == 9
    window.show_panel("train")
    train.plot.refresh()
    steps, losses = train.plot.train_raw.data()
    assert steps[-1] == 9 and losses[-1] == pytest.approx(bt.loss_before) and len(steps) == 9
    assert train.progress.text() == "step 9 of 9"
    qtbot.waitUntil(lambda: not inspect.is_tracing(), timeout=TIMEOUT)


def test_an_applied_step_keeps_the_train_panels_run_folder(qtbot, make_window, monkeypatch):
    """Applying Inspect's step wrote it into the run folder's metrics.jsonl, then the Train panel forgot that
    folder and the next Start wrote the same model's later steps into a second one. A changed model (the Model
    panel's Apply) still starts a folder of its own: the old one holds another model's steps."""
    from playground.app.training import read_metrics

    window = make_window("grammar")
    ws, inspect, train = window.workspace, window.panel("inspect"), window.panel("train")
    ws.set_train_config(max_steps=3, eval_interval=10**6)

    def train_three_steps():
        with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
            train.start()
        qtbot.waitUntil(lambda: train.run is None and not train.job_running(), timeout=TIMEOUT)

    train_three_steps()
    first = train.run_dir
    window.show_panel("inspect")
    inspect.text.setText("the cat sees")
    backward(qtbot, inspect)
    monkeypatch.setattr(backward_views, "confirm_apply_step", lambda parent, b, a: True)
    with qtbot.waitSignal(ws.model_changed):
        inspect.backward_detail.optimizer.apply_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing(), timeout=TIMEOUT)
    assert train.run_dir == first
    train_three_steps()
    assert train.run_dir == first and [p.name for p in train.runs_root.iterdir()] == [first.name]
    assert [r["step"] for r in read_metrics(first) if r["kind"] == "step"] == list(range(1, 8))

    ws.set_model_config(dropout=0.1)  # another model: its steps go to a new folder
    assert train.run_dir is None
    train_three_steps()
    assert train.run_dir != first
    assert [r["step"] for r in read_metrics(train.run_dir) if r["kind"] == "step"] == [1, 2, 3]


def test_the_loss_heatmap_names_its_columns_scales_each_and_leaves_out_positions_without_a_target(
        qtbot, make_panel, tmp_path):
    """The first stage holds the loss (≈6.6) beside p(target) (≈0.001): on one colour scale the probabilities were
    white, the columns were called 0 and 1 (also in the CSV) and the last position, which has no target, was drawn
    and exported as NaN."""
    _ws, panel = make_panel()  # text: the last position has no next token, so no target
    bt = backward(qtbot, panel)
    detail, heat = panel.backward_detail, panel.backward_detail.heatmap
    assert panel.current_record().name == "loss"
    loss = bt.get("loss").tensor.numpy()
    last = len(bt.targets) - 1
    assert bt.targets[last] < 0 and np.isnan(loss[last]).all() and not np.isnan(loss[:last]).any()
    assert heat.col_labels == ["loss", "p(target)"]
    np.testing.assert_array_equal(heat.image_array(), loss)  # the recorded numbers, as before
    assert heat.masked is not None and heat.masked[last].all() and not heat.masked[:last].any()

    picture = heat.grab().toImage()
    dpr = picture.devicePixelRatio()

    def colour(row, col):
        return picture.pixelColor((heat.cell_centre(row, col) * dpr).toPoint()).getRgb()[:3]

    darkest = colour(int(np.argmax(loss[:last, 0])), 0)
    assert colour(int(np.argmax(loss[:last, 1])), 1) == darkest  # each column's largest value drawn darkest
    assert colour(last, 0) == colour(last, 1) == (128, 128, 128)  # no target: grey, as a masked cell
    detail.show_value(last, 1, float(loss[last, 1]))
    assert "no target" in detail.hover_label.text() and "nan" not in detail.hover_label.text()
    detail.select_cell(last, 0)
    assert "no target" in detail.worked.toPlainText() and "nan" not in detail.worked.toPlainText()
    detail.select_cell(0, 1)
    assert "own colour scale" in detail.worked.toPlainText()

    exported = exporter_of(heat).save(tmp_path / "loss.csv")
    header, *rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert header[1:] == ["loss", "p(target)"] and len(rows) == len(bt.targets)
    assert rows[last][1:] == ["", ""]  # no target: empty cells, not "nan"
    np.testing.assert_array_equal(np.array([r[1:] for r in rows[:last]], dtype=np.float32), loss[:last])

    panel.go_to(bt.names().index("update.loss"))  # before / after: both losses, so one scale for both
    after = bt.get("update.loss").tensor.numpy()
    assert heat.col_labels == ["before", "after"] and heat.masked[last].all() and not heat.masked[:last].any()
    header, rows = view_tables.stage_matrix(detail)
    assert header[1:] == ["before", "after"] and rows[last][1:] == ["", ""]
    np.testing.assert_array_equal(np.array([r[1:] for r in rows[:last]], dtype=np.float32), after[:last])
