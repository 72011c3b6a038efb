"""Gradient accumulation: 4 micro-batches of 8 make the same optimizer steps as one batch of 32."""

import copy

import pytest
import torch

from playground.core.model import build_model
from playground.core.train import StepRecord, Trainer

from .helpers import tiny_text_recipe

STEPS = 3


def train(model, **train):
    """Run STEPS real steps; returns the step records and the trained model."""
    recipe = tiny_text_recipe(steps=STEPS, grad_clip=0.0, eval_batches=1, eval_interval=10**6, **train)
    trainer = Trainer(copy.deepcopy(model), recipe.task, recipe.train)
    steps = [r for r in trainer.run() if isinstance(r, StepRecord)]
    assert len(steps) == STEPS
    return steps, trainer.model


def test_four_micro_batches_of_8_equal_one_batch_of_32():
    model = build_model(tiny_text_recipe().model)  # no dropout: the same forward in both runs
    whole_steps, whole = train(model, batch_size=32, grad_accum=1)
    accum_steps, accum = train(model, batch_size=8, grad_accum=4)
    # the same 32 windows per step (the step's generator draws them in order), the same mean loss
    assert [r.loss for r in accum_steps] == pytest.approx([r.loss for r in whole_steps], rel=1e-5)
    assert [r.grad_norm for r in accum_steps] == pytest.approx([r.grad_norm for r in whole_steps], rel=1e-4)
    # the last step's gradients (not clipped: grad_clip=0) and the weights after the three updates
    for (name, a), b in zip(accum.named_parameters(), whole.parameters()):
        assert torch.allclose(a.grad, b.grad, rtol=1e-4, atol=1e-7), name
        assert torch.allclose(a, b, rtol=0, atol=1e-6), name
    # the micro-batches do differ from one another: the first 8 alone give other gradients
    _, alone = train(model, batch_size=8, grad_accum=1)
    gap = max((a.grad - b.grad).abs().max().item() for a, b in zip(alone.parameters(), whole.parameters()))
    assert gap > 1e-2  # 1000 times the tolerance above
