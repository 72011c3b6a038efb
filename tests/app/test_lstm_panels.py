"""The seed's LSTM in the window: chosen in the Model panel and drawn with its shapes, trained, sampled, inspected."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.app.panels.generate import GeneratePanel
from playground.app.panels.inspect import InspectPanel
from playground.app.panels.train import TrainPanel
from playground.core.lstm import LSTMLanguageModel
from playground.core.model import build_model, count_parameters

from .workspaces import tiny_workspace

TIMEOUT = 60_000
LSTM = dict(family="lstm", n_layer=2, d_model=32, lstm_hidden=48, tie_weights=False)


def lstm_workspace(dataset="grammar", **train):
    ws = tiny_workspace(dataset, **train)
    ws.set_model_config(**LSTM)
    return ws


def test_the_model_panel_chooses_the_lstm_and_draws_the_seeds_picture(qtbot, window):
    panel = window.panel("model")
    panel.w["family"].setCurrentIndex(panel.w["family"].findData("lstm"))
    panel.w["n_layer"].setValue(2)
    panel.w["lstm_hidden"].setValue(48)
    panel.w["tie_weights"].setChecked(False)
    assert panel.apply(), panel.banner.text()
    cfg = window.workspace.core.recipe.model
    assert (cfg.family, cfg.n_layer, cfg.hidden_size, cfg.architecture) == ("lstm", 2, 48, "decoder")
    qtbot.waitUntil(lambda: panel.summary is not None and panel.summary["config"] == cfg, timeout=TIMEOUT)
    model = build_model(cfg)
    assert isinstance(model, LSTMLanguageModel) and panel.parameter_count() == count_parameters(model)
    stages = panel.diagram.columns["decoder"]
    d, V = cfg.d_model, cfg.vocab_size
    assert [(s.title, s.shape) for s in stages] == [
        ("Token ids", "(B, T)"), ("Token embedding", f"(B, T, {d})"), ("LSTM layer 1", "(B, T, 48)"),
        ("LSTM layer 2", "(B, T, 48)"), ("Dense (linear) layer", f"(B, T, {V})"),
        ("Logits → softmax → next-token probabilities", f"(B, T, {V})")]
    assert f"{d} → 48" in stages[2].detail and "48 → 48" in stages[3].detail
    assert not panel.diagram.columns["encoder"]
    for key in ("n_head", "d_ff", "activation", "norm", "position", "architecture", "n_encoder_layer"):
        assert not panel.w[key].isVisibleTo(panel), key  # Transformer settings the LSTM does not read
    assert panel.w["lstm_hidden"].isVisibleTo(panel)
    assert panel.form.labelForField(panel.w["n_layer"]).text() == "LSTM layers"
    panel.diagram.resize(panel.diagram.sizeHint())
    assert not panel.diagram.grab().toImage().isNull()
    panel.w["family"].setCurrentIndex(panel.w["family"].findData("transformer"))
    assert panel.apply() and window.workspace.core.recipe.model.family == "transformer"
    assert panel.w["n_head"].isVisibleTo(panel) and not panel.w["lstm_hidden"].isVisibleTo(panel)


def test_choosing_the_lstm_on_an_encoder_decoder_task_lays_it_out_for_a_decoder(qtbot, make_window):
    window = make_window("reversal")
    panel = window.panel("model")
    panel.w["family"].setCurrentIndex(panel.w["family"].findData("lstm"))
    assert panel.apply(), panel.banner.text()
    core = window.workspace.core
    assert core.recipe.model.architecture == "decoder" and core.recipe.task.architecture == "decoder"


def test_tied_weights_with_another_hidden_size_is_the_cores_message(qtbot, window):
    panel = window.panel("model")
    panel.w["family"].setCurrentIndex(panel.w["family"].findData("lstm"))
    panel.w["tie_weights"].setChecked(True)
    panel.w["lstm_hidden"].setValue(panel.w["d_model"].value() + 8)
    assert not panel.apply()
    assert "tied weights" in panel.banner.text() and panel.banner.level == "error"


def test_the_train_panel_trains_the_lstm_and_the_loss_falls(qtbot, tmp_path):
    ws = lstm_workspace(max_steps=40, eval_interval=20, lr=1e-2)
    panel = TrainPanel(ws, runs_root=tmp_path / "runs")
    qtbot.addWidget(panel)
    try:
        with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
            qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)
        losses = [row["loss"] for row in ws.core.history if row["kind"] == "step"]
        assert len(losses) == 40 and np.mean(losses[-8:]) < np.mean(losses[:8]) - 0.5
        assert isinstance(ws.core.model, LSTMLanguageModel)
        [checkpoint] = panel.checkpoint_paths()
        assert checkpoint.endswith("step-000040")
    finally:
        panel.shutdown()


def test_the_generate_panel_samples_from_the_lstm(qtbot):
    ws = lstm_workspace()
    panel = GeneratePanel(ws)
    qtbot.addWidget(panel)
    try:
        panel.max_tokens.setValue(20)
        panel.prompt.setPlainText("the cat")
        panel.generate_action.trigger()
        qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)
        steps = panel.token_view.steps
        assert 0 < len(steps) <= 20 and all(0.0 < s.probability <= 1.0 for s in steps)
        assert panel.token_view.toPlainText().startswith("the cat") and panel.banner.isHidden()
    finally:
        panel.shutdown()


@pytest.mark.parametrize("dataset, text", [("grammar", "the cat sees"), ("sentiment", "a good film")])
def test_the_inspector_says_what_it_cannot_show_and_steps_through_the_rest(qtbot, dataset, text):
    ws = lstm_workspace(dataset)
    panel = InspectPanel(ws)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    try:
        panel.text.setText(text)
        panel.trace_button.click()
        qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
        assert panel.banner.isHidden(), panel.banner.text()
        assert panel.notice.isVisible() and "no attention" in panel.notice.text()
        assert "no attention" in panel.before_after.text() and "Next token" in panel.before_after.text()
        assert panel.toggles.buttons == {}
        tr = panel.inspection.trace
        assert tr.groups() == ["input", "embedding", "lstm.0", "lstm.1", "output"]
        assert [panel.group_buttons[g].text() for g in ("lstm.0", "lstm.1")] == ["LSTM layer 1", "LSTM layer 2"]
        seen = []
        while True:
            record = panel.current_record()
            seen.append(record.name)
            assert panel.detail.title.text() == record.title and panel.detail.formula.text() == record.formula
            if not panel.next_button.isEnabled():
                break
            panel.next_button.click()
        assert seen == tr.names() and "lstm.1.hidden" in seen
        panel.jump_to_group("lstm.1")
        hidden = panel.current_record()
        assert hidden.shape == (len(panel.inspection.ids), 48)
        assert panel.detail.heatmap.image_array().shape == hidden.shape
    finally:
        panel.shutdown()


def test_the_lstm_window_in_chinese_is_all_chinese(qtbot, chinese_ui, make_window):
    from .test_chinese_ui import Walk
    from .ui_texts import Catalogue, coverage, painted_texts

    window = make_window("grammar")
    model = window.panel("model")
    window.show_panel("model")
    model.w["family"].setCurrentIndex(model.w["family"].findData("lstm"))
    assert model.apply(), model.banner.text()
    qtbot.waitUntil(lambda: model.summary is not None and model.summary["config"].family == "lstm", timeout=TIMEOUT)
    assert [s.title for s in model.diagram.columns["decoder"]][2] == "LSTM 第 1 层"
    walk = Walk(qtbot, window)
    window.panel("inspect").text.setText("the cat sees")  # two tokens at least: the backward pass needs a target
    with painted_texts(walk.texts):
        walk.generate_and_trace()
        walk.panels("LSTM, untrained")
        walk.train()
        walk.panels("LSTM, trained")
    inspect = window.panel("inspect")
    assert "没有注意力" in inspect.notice.text() and {r.group for r in inspect.records()} >= {"lstm.0"}
    result = coverage(walk.texts, Catalogue.load(), walk.data)
    print(f"\nChinese UI coverage with the LSTM: {result.figure}")
    assert len(result.translated) > 100
    assert not result.english, f"still English, by place:\n{result.leftovers()}"
