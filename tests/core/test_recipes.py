"""Recipes: which model architectures a task can be learnt with."""

import pytest

from playground.core.errors import ConfigError
from playground.core.model import build_model
from playground.core.recipes import recipe_for_dataset, recipe_for_text
from playground.core.train import StepRecord, Trainer

TINY = dict(n_layer=1, n_head=2, d_model=16, d_ff=32)
ONE_STEP = dict(max_steps=1, eval_interval=10**6, eval_batches=1, batch_size=2)


def test_language_modelling_refuses_an_encoder_decoder_and_says_what_to_do():
    """One text to continue has no source for an encoder: refused before a model is built (a model was
    built and its first step failed with a TypeError)."""
    model = dict(TINY, architecture="encoder-decoder")
    with pytest.raises(ConfigError, match="decoder-only") as grammar:
        recipe_for_dataset("grammar", model=model, train=ONE_STEP)
    with pytest.raises(ConfigError, match="decoder-only") as text:
        recipe_for_text("the cat sat on the mat. " * 20, model=model, train=ONE_STEP, is_text=True)
    assert str(grammar.value) == str(text.value)
    assert "translation" in str(grammar.value)  # where an encoder-decoder does belong


@pytest.mark.parametrize("architecture", ["decoder", "encoder-decoder"])
def test_a_pair_task_trains_with_either_architecture(architecture):
    recipe = recipe_for_dataset("reversal", model=dict(TINY, architecture=architecture), train=ONE_STEP)
    assert recipe.model.architecture == recipe.task.architecture == architecture
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train)
    steps = [r for r in trainer.run() if isinstance(r, StepRecord)]
    assert len(steps) == 1 and steps[0].loss > 0


def test_grammar_trains_with_a_decoder():
    recipe = recipe_for_dataset("grammar", model=dict(TINY, architecture="decoder"), train=ONE_STEP)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train)
    assert [r.step for r in trainer.run() if isinstance(r, StepRecord)] == [1]
