"""The Train panel lists the run's best checkpoint first, marked, and "Load the best checkpoint" makes it the
model Inspect and Generate use."""

import torch
from PySide6.QtCore import Qt

from playground.core.checkpoint import load_checkpoint, weights_of
from playground.core.train import Trainer

TIMEOUT = 60_000


def test_the_best_checkpoint_is_listed_and_loads(qtbot, window, monkeypatch):
    real, losses, kept = Trainer.evaluate, iter([2.0, 1.0, 3.0]), {}

    def evaluate(self, autocast=None):  # real training steps; the evaluations say the best is step 8
        kept[self.step] = weights_of(self.model)
        return {**real(self, autocast), "val_loss": next(losses)}

    monkeypatch.setattr(Trainer, "evaluate", evaluate)
    ws, train = window.workspace, window.panel("train")
    ws.set_train_config(max_steps=12, eval_interval=4, eval_batches=1, eval_examples=4)
    window.show_panel("train")
    assert not train.checkpoints.load_best_button.isEnabled()
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        train.start()
    qtbot.waitUntil(lambda: train.run is None and not train.job_running(), timeout=TIMEOUT)
    best = train.run_dir / "checkpoints" / "best"
    top = train.checkpoints.list.item(0)
    assert top.text() == "★ best: step 8" and top.font().bold() and top.data(Qt.ItemDataRole.UserRole) == str(best)
    assert train.checkpoints.best_path == str(best) and str(best) not in train.checkpoint_paths()
    assert train.checkpoint_paths() == [str(train.run_dir / "checkpoints" / "step-000012")]
    assert train.checkpoints.load_best_button.isEnabled()
    with qtbot.waitSignal(window.run_watch.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(train.checkpoints.load_best_button, Qt.MouseButton.LeftButton)
    core = window.workspace.core
    assert core.trained_steps == 8 and max(row["step"] for row in core.history) == 8
    loaded = weights_of(core.model)
    assert all(torch.equal(loaded[name], kept[8][name]) for name in kept[8])
    assert not all(torch.equal(kept[8][name], kept[12][name]) for name in kept[8])
    assert load_checkpoint(best).state["best"] == {"metric": "val_loss", "value": 1.0, "step": 8}
    assert "Inspect and Generate use it now" in window.statusBar().currentMessage()
