"""Gradient accumulation: 4 micro-batches of 8 make the same optimizer steps as one batch of 32."""

import copy
import functools
from dataclasses import replace

import pytest
import torch

from playground.core.model import build_model
from playground.core.recipes import recipe_for_dataset
from playground.core.train import StepRecord, Trainer

from .helpers import TINY_MODEL, tiny_text_recipe

STEPS = 3


@functools.cache
def recipe(data: str):
    """A tiny model (no dropout: the same forward in every run) on a text or a built-in pair task."""
    train = dict(max_steps=STEPS, grad_clip=0.0, eval_batches=1, eval_examples=0, eval_interval=10**6)
    if data == "text":
        return tiny_text_recipe(**train)
    return recipe_for_dataset(data, model={**TINY_MODEL, "block_size": 24, "dropout": 0.0}, train=train)


def train(model, data, **train):
    """Run STEPS real steps; returns the step records and the trained model."""
    r = recipe(data)
    trainer = Trainer(copy.deepcopy(model), r.task, replace(r.train, **train))
    steps = [rec for rec in trainer.run() if isinstance(rec, StepRecord)]
    assert len(steps) == STEPS
    return steps, trainer.model


# text: every window has as many targets; addition (decoder) and sorting (encoder-decoder): padded
# answers of different lengths, so micro-batches hold different numbers of target tokens
@pytest.mark.parametrize("data", ["text", "addition", "sorting"])
def test_four_micro_batches_of_8_equal_one_batch_of_32(data):
    model = build_model(recipe(data).model)
    whole_steps, whole = train(model, data, batch_size=32, grad_accum=1)
    accum_steps, accum = train(model, data, batch_size=8, grad_accum=4)
    # the same 32 examples per step (the step's generator draws them in order), the same mean loss
    assert [r.loss for r in accum_steps] == pytest.approx([r.loss for r in whole_steps], rel=1e-5)
    assert [r.grad_norm for r in accum_steps] == pytest.approx([r.grad_norm for r in whole_steps], rel=1e-4)
    # the last step's gradients (not clipped: grad_clip=0) and the weights after the three updates
    for (name, a), b in zip(accum.named_parameters(), whole.parameters()):
        assert torch.allclose(a.grad, b.grad, rtol=1e-4, atol=1e-7), name
        assert torch.allclose(a, b, rtol=0, atol=1e-6), name
    # the micro-batches do differ from one another: the first 8 alone give other gradients
    _, alone = train(model, data, batch_size=8, grad_accum=1)
    gap = max((a.grad - b.grad).abs().max().item() for a, b in zip(alone.parameters(), whole.parameters()))
    assert gap > 1e-2  # 1000 times the tolerance above
