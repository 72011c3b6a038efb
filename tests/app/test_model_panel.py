"""The Model panel: settings change the model, sizes follow the core's, errors inline, the diagram."""

import torch

from playground.app import dialogs
from playground.app.numbers import format_count
from playground.core.model import ModelConfig, build_model, count_parameters


TIMEOUT = 30_000


def parameters_of(cfg: ModelConfig) -> int:
    with torch.device("meta"):
        return count_parameters(build_model(cfg))


def wait_summary(qtbot, panel, cfg):
    qtbot.waitUntil(lambda: panel.summary is not None and panel.summary["config"] == cfg, timeout=TIMEOUT)


def test_changing_width_changes_the_parameter_count(qtbot, window):
    panel = window.panel("model")
    before = panel.parameter_label.text()
    panel.w["d_model"].setValue(48)
    assert panel.apply()
    cfg = window.workspace.core.recipe.model
    assert cfg.d_model == 48
    wait_summary(qtbot, panel, cfg)
    n = parameters_of(cfg)
    assert panel.parameter_count() == n == count_parameters(build_model(cfg))
    assert panel.parameter_label.text().startswith(format_count(n)) and panel.parameter_label.text() != before
    assert window.params_label.text() == f"{n / 1e6:.2f} M parameters"


def test_edits_apply_by_themselves_after_a_pause(qtbot, window):
    panel = window.panel("model")
    panel.w["n_layer"].setValue(3)
    qtbot.waitUntil(lambda: window.workspace.core.recipe.model.n_layer == 3, timeout=5_000)


def test_width_not_divisible_by_heads_shows_the_error_and_keeps_the_config(qtbot, window):
    panel = window.panel("model")
    before = window.workspace.core.recipe.model
    panel.w["n_head"].setValue(3)
    assert not panel.apply()
    assert "divisible" in panel.banner.text() and panel.banner.level == "error"
    assert window.workspace.core.recipe.model == before
    panel.w["n_head"].setValue(4)
    assert panel.apply() and panel.banner.text() == ""


def test_context_too_short_for_the_task_is_the_cores_message(qtbot, make_window):
    window = make_window("reversal")
    panel = window.panel("model")
    panel.w["block_size"].setValue(4)
    assert not panel.apply()
    assert "context length" in panel.banner.text()


def test_diagram_has_one_block_per_layer(qtbot, window):
    panel = window.panel("model")
    cfg = window.workspace.core.recipe.model
    assert panel.diagram.block_titles() == [f"Decoder layer {i}" for i in range(1, cfg.n_layer + 1)]
    panel.w["n_layer"].setValue(3)
    panel.apply()
    wait_summary(qtbot, panel, window.workspace.core.recipe.model)
    assert len(panel.diagram.block_titles()) == 3
    decoder = panel.diagram.columns["decoder"]
    assert decoder[0].shape == "(B, T)" and decoder[-1].shape.startswith("(B, T, ")
    assert panel.diagram.minimumHeight() > 300
    panel.w["norm"].setCurrentIndex(panel.w["norm"].findData("post"))
    panel.apply()
    wait_summary(qtbot, panel, window.workspace.core.recipe.model)
    assert panel.diagram.sublayer_kinds()[0] == ["attention", "add", "norm"]  # post-LN: the norm after the sum


def test_encoder_decoder_diagram_has_both_stacks_and_cross_attention(qtbot, make_window):
    window = make_window("reversal")
    panel = window.panel("model")
    panel.w["n_encoder_layer"].setValue(2)
    panel.apply()
    wait_summary(qtbot, panel, window.workspace.core.recipe.model)
    titles = panel.diagram.block_titles()
    assert titles == ["Encoder layer 1", "Encoder layer 2", "Decoder layer 1"]
    assert panel.diagram.sublayer_kinds("decoder")[:3] == [["norm", "attention", "add"], ["norm", "cross", "add"],
                                                        ["norm", "mlp", "add"]]
    assert panel.diagram.columns["encoder"][-1].shape == "(B, S, 32)"


def test_switching_a_pair_task_to_decoder_only_widens_the_context(qtbot, make_window):
    window = make_window("reversal")
    panel = window.panel("model")
    panel.w["architecture"].setCurrentIndex(panel.w["architecture"].findData("decoder"))
    assert panel.apply()
    recipe = window.workspace.core.recipe
    assert recipe.model.architecture == recipe.task.architecture == "decoder"
    assert panel.w["block_size"].value() == recipe.model.block_size >= recipe.task.longest()


def test_language_modelling_refuses_encoder_decoder(window):
    panel = window.panel("model")
    panel.w["architecture"].setCurrentIndex(panel.w["architecture"].findData("encoder-decoder"))
    assert not panel.apply() and "decoder-only" in panel.banner.text()
    assert window.workspace.core.recipe.model.architecture == "decoder"


def test_presets(qtbot, window):
    panel = window.panel("model")
    panel.apply_preset("tiny")
    cfg = window.workspace.core.recipe.model
    assert (cfg.n_layer, cfg.n_head, cfg.d_model, cfg.d_ff) == (2, 2, 64, 256)
    panel.apply_preset("default")
    assert window.workspace.core.recipe.model.n_layer == 4  # grammar's default


def test_trained_weights_are_not_dropped_without_asking(qtbot, window, monkeypatch):
    panel = window.panel("model")
    window.workspace.core.dirty = True
    monkeypatch.setattr(dialogs, "confirm_discard", lambda parent, core: False)
    before = window.workspace.core.recipe.model
    panel.w["d_ff"].setValue(128)
    assert not panel.apply()
    assert window.workspace.core.recipe.model == before and panel.w["d_ff"].value() == before.d_ff


def test_settings_locked_while_training(window):
    panel = window.panel("model")
    window.workspace.training_state.emit("running")
    assert not panel.w["d_model"].isEnabled()
    window.workspace.training_state.emit("stopped")
    assert panel.w["d_model"].isEnabled()


def test_every_config_field_has_a_control(window):
    fields = set(ModelConfig.__dataclass_fields__) - {"vocab_size", "pad_id"}
    assert fields == set(window.panel("model").w)


def test_architecture_diagram_has_one_way_to_show_a_model():
    from playground.app.widgets.architecture import ArchitectureDiagram

    assert not hasattr(ArchitectureDiagram, "set_model")  # set_columns(architecture_of(model)) is the one way
