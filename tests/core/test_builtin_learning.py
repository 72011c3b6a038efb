"""Each built-in dataset's default model learns: a short run lowers the validation loss clearly."""

import pytest

from playground.core.datasets import DATASETS
from playground.core.model import build_model
from playground.core.recipes import recipe_for_dataset
from playground.core.tasks import PairTask
from playground.core.train import EvalRecord, Trainer


@pytest.mark.parametrize("name", list(DATASETS))
def test_default_config_learns(name):
    # the default model, shortened: fewer and smaller batches, a quick warm-up
    recipe = recipe_for_dataset(name, seed=0, train=dict(max_steps=60, batch_size=16, warmup_steps=10,
                                                         eval_interval=30, eval_batches=4, eval_examples=16))
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train)
    first = trainer.evaluate()["val_loss"]
    evals = [r.metrics for r in trainer.run() if isinstance(r, EvalRecord)]
    assert evals[-1]["val_loss"] < 0.75 * first, (first, evals)
    if isinstance(recipe.task, PairTask):
        assert 0.0 <= evals[-1]["exact_match"] <= 1.0
    if recipe.task.labels:
        assert {"precision", "recall", "f1"} <= set(evals[-1])
