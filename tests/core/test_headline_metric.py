"""The task's headline metric (Task.metric) is computed, and it picks the best evaluation of a run."""

import contextlib
import math

import pytest
import torch

from playground.core.checkpoint import load_checkpoint
from playground.core.datasets import DATASETS
from playground.core.evaluate import evaluate, is_better, predict
from playground.core.model import build_model
from playground.core.recipes import recipe_for_dataset, task_from_spec
from playground.core.train import EvalRecord, Trainer

from .helpers import TINY_MODEL, tiny_text_recipe


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_builtin_headline_metric_is_computed(name):
    recipe = recipe_for_dataset(name, seed=0, model=TINY_MODEL)
    assert recipe.task.metric == DATASETS[name].metric
    torch.manual_seed(0)
    model = build_model(recipe.model)
    metrics = evaluate(model, recipe.task, 4, model.cfg.block_size, 1, 6, 0, "cpu", contextlib.nullcontext)
    value = metrics[recipe.task.metric]
    assert isinstance(value, float) and math.isfinite(value)


def test_sentiment_accuracy_is_the_share_of_right_labels():
    recipe = recipe_for_dataset("sentiment", seed=0, model=TINY_MODEL,
                                train=dict(max_steps=30, batch_size=16, warmup_steps=5, eval_interval=30,
                                           eval_batches=2, eval_examples=24))
    assert recipe.task.metric == "accuracy" and recipe.task.labels
    torch.manual_seed(0)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train)
    evals = [r for r in trainer.run() if isinstance(r, EvalRecord)]
    task, tok = recipe.task, recipe.task.tokenizer
    examples = task.encoded("val")[:24]
    predicted = [tok.decode(o) for o in predict(trainer.model, task, [s for s, _ in examples], "cpu")]
    actual = [t for _, t in task.val_pairs[:24]]
    right = sum(p == a for p, a in zip(predicted, actual))
    assert set(actual) <= set(task.labels)
    assert evals[-1].metrics["accuracy"] == right / 24
    assert evals[-1].best and trainer.best == {"metric": "accuracy", "value": right / 24, "step": 30}


def test_is_better_knows_the_direction():
    assert is_better("val_loss", 1.0, 2.0) and not is_better("val_loss", 2.0, 1.0)
    assert is_better("accuracy", 0.6, 0.5) and not is_better("exact_match", 0.5, 0.5)
    assert is_better("accuracy", 0.0, None) and not is_better("val_loss", float("nan"), None)


def test_best_evaluation_follows_the_headline_metric_and_survives_a_resume(tmp_path):
    recipe = tiny_text_recipe(20, eval_interval=4)  # a text task: val_loss, lower is better
    torch.manual_seed(0)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, tmp_path, recipe.spec)
    evals = [r for r in trainer.run() if isinstance(r, EvalRecord)]
    losses = [r.metrics["val_loss"] for r in evals]
    assert [r.best for r in evals] == [v < min(losses[:i], default=math.inf) for i, v in enumerate(losses)]
    best = min(range(len(losses)), key=losses.__getitem__)
    assert trainer.best == {"metric": "val_loss", "value": losses[best], "step": evals[best].step}
    assert [row["best"] for row in trainer.history if row["kind"] == "eval"] == [r.best for r in evals]
    ckpt = load_checkpoint(tmp_path / "checkpoints" / "step-000020")
    again = Trainer.from_checkpoint(ckpt, task_from_spec(ckpt.state["task"], ckpt.tokenizer))
    assert again.best == trainer.best
