"""The run folder keeps the model of the best evaluation by the task's headline metric (checkpoints/best)."""

import json

import torch

from playground.core.checkpoint import load_checkpoint, weights_of
from playground.core.model import build_model
from playground.core.recipes import task_from_spec
from playground.core.train import BEST_FOLDER, Trainer

from .helpers import tiny_text_recipe


def scripted(trainer, losses: list[float]) -> dict[int, dict]:
    """Real training steps; the evaluations report ``losses`` in turn (val_loss, the text task's headline
    metric, lower is better). Returns {step: the weights at that evaluation}, filled as the run goes."""
    real, values, kept = trainer.evaluate, iter(losses), {}

    def evaluate(autocast=None):
        kept[trainer.step] = weights_of(trainer.model)
        return {**real(autocast), "val_loss": next(values)}

    trainer.evaluate = evaluate
    return kept


def assert_same_weights(folder, expected: dict) -> None:
    got = weights_of(load_checkpoint(folder).model)
    assert set(got) == set(expected)
    assert all(torch.equal(got[name], expected[name]) for name in expected)


def test_the_best_evaluation_keeps_its_model_and_a_resume_keeps_it(tmp_path):
    recipe = tiny_text_recipe(20, eval_interval=4, eval_batches=1)
    torch.manual_seed(0)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, tmp_path, recipe.spec)
    kept = scripted(trainer, [3.0, 2.0, 1.5, 2.5, 1.8])  # evaluations at steps 4, 8, 12, 16, 20: best at 12
    records = list(trainer.run())
    best = tmp_path / "checkpoints" / BEST_FOLDER
    assert [(r.step, r.path) for r in records if r.kind == "event" and r.event == "best"] == [
        (4, str(best)), (8, str(best)), (12, str(best))]
    assert trainer.best == {"metric": "val_loss", "value": 1.5, "step": 12}
    assert_same_weights(best, kept[12])
    assert not all(torch.equal(kept[12][k], kept[20][k]) for k in kept[12])  # the model did move after step 12
    state = load_checkpoint(best).state
    assert state["step"] == 12 and state["best"] == {"metric": "val_loss", "value": 1.5, "step": 12}
    rows = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [row["step"] for row in rows if row.get("event") == "best"] == [4, 8, 12]

    # resumed from the end: worse evaluations leave the best as it was; a better one replaces it
    ckpt = load_checkpoint(tmp_path / "checkpoints" / "step-000020", training=True)
    again = Trainer.from_checkpoint(ckpt, task_from_spec(ckpt.state["task"], ckpt.tokenizer), tmp_path, max_steps=32)
    assert again.best == trainer.best
    kept = scripted(again, [1.9, 1.6, 1.2])  # steps 24, 28, 32
    events = [r for r in again.run() if r.kind == "event" and r.event == "best"]
    assert [r.step for r in events] == [32]
    assert again.best == {"metric": "val_loss", "value": 1.2, "step": 32}
    assert_same_weights(best, kept[32])


def test_worse_evaluations_after_a_resume_keep_the_old_best(tmp_path):
    recipe = tiny_text_recipe(8, eval_interval=4, eval_batches=1)
    torch.manual_seed(0)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, tmp_path, recipe.spec)
    kept = scripted(trainer, [2.0, 1.0])
    list(trainer.run())
    ckpt = load_checkpoint(tmp_path / "checkpoints" / "step-000008", training=True)
    again = Trainer.from_checkpoint(ckpt, task_from_spec(ckpt.state["task"], ckpt.tokenizer), tmp_path, max_steps=16)
    scripted(again, [3.0, 4.0])
    assert not [r for r in again.run() if r.kind == "event" and r.event == "best"]
    assert again.best == {"metric": "val_loss", "value": 1.0, "step": 8}
    assert_same_weights(tmp_path / "checkpoints" / BEST_FOLDER, kept[8])
    assert load_checkpoint(tmp_path / "checkpoints" / "step-000016").state["best"]["step"] == 8


def test_without_a_run_folder_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recipe = tiny_text_recipe(4, eval_interval=2, eval_batches=1)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train)
    assert not [r for r in trainer.run() if r.kind == "event" and r.event == "best"]
    assert trainer.best is not None and not list(tmp_path.iterdir())

