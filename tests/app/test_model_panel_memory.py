"""Settings that would not fit in memory are refused before anything is built, with the estimate; so is training."""

import re

from playground.core.limits import memory_needed
from playground.core.model import ModelConfig


def test_settings_too_big_to_train_are_refused_with_the_estimate(qtbot, window):
    panel = window.panel("model")
    window.show_panel("model")
    before, model = window.workspace.core.recipe.model, window.workspace.core.model
    for key, value in dict(n_layer=48, d_model=4096, n_head=64, d_ff=16384, block_size=4096).items():
        panel.w[key].setValue(value)
    assert not panel.apply()
    text = panel.banner.text()
    assert panel.banner.level == "error"
    assert re.search(r"These settings need about [\d.]+ TiB of memory to train \(batch \d+\), but this computer has "
                     r"[\d.]+ [KMGT]iB available\. Choose fewer layers", text), text
    assert window.workspace.core.recipe.model is before and window.workspace.core.model is model  # nothing changed
    shown = float(re.search(r"about ([\d.]+) TiB", text).group(1))
    cfg = ModelConfig.from_dict({**before.to_dict(), **panel.values()})
    batch = window.workspace.core.recipe.train.batch_size
    assert abs(shown - memory_needed(cfg, batch, training=True) / 1024**4) < 0.06  # shown to 0.1 TiB
    panel._load(before)  # back to settings that fit: accepted, the banner goes
    panel.w["n_layer"].setValue(before.n_layer + 1)
    assert panel.apply() and panel.banner.text() == ""


def test_training_with_a_batch_too_big_for_memory_is_refused(qtbot, window):
    window.workspace.set_train_config(batch_size=10**12)
    train = window.panel("train")
    window.show_panel("train")
    with qtbot.waitSignal(window.workspace.training_state, timeout=30_000, check_params_cb=lambda s: s != "running"):
        train.start_action.trigger()
    qtbot.waitUntil(lambda: "to train (batch 1000000000000)" in train.banner.text(), timeout=30_000)
    assert window.workspace.core.trained_steps == 0
