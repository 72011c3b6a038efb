"""bf16 autocast on a CPU with AMX matrix units (TrainConfig.cpu_bf16): matrix products in bf16, attention in float32."""

import copy
import functools
from dataclasses import replace

import pytest
import torch

from playground.core.device import autocast_for, cpu_bf16, no_amx
from playground.core.model import ModelConfig, build_model
from playground.core.recipes import recipe_for_dataset, recipe_for_text
from playground.core.tokenizer_kinds import KINDS
from playground.core.train import EventRecord, StepRecord, Trainer

from .helpers import TINY_MODEL

AMX = bool(getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)())
TEXT = ("The cat sat on the mat, and the dog sat on the log. 孙悟空拔下一根毫毛，变出许多小猴。 "
        "Rain 🌧️ then sun ☀️ 🌈.\n") * 30
TRAIN = dict(max_steps=3, grad_clip=0.0, eval_batches=1, eval_examples=0, eval_interval=10**6, batch_size=8,
             warmup_steps=1, health_interval=0, device="cpu")


@functools.cache
def recipe(data: str):
    if data in KINDS:
        return recipe_for_text(TEXT, tokenizer_kind=data, vocab_size=None if data == "char" else 300, is_text=True,
                               model={**TINY_MODEL, "dropout": 0.0}, train=TRAIN)
    return recipe_for_dataset(data, model={**TINY_MODEL, "block_size": 24, "dropout": 0.0}, train=TRAIN)


def run(data, model, **changes):
    r = recipe(data)
    trainer = Trainer(copy.deepcopy(model), r.task, replace(r.train, **changes))
    records = list(trainer.run())
    return [rec.loss for rec in records if isinstance(rec, StepRecord)], records


def test_bf16_is_offered_where_the_cpu_has_amx():
    assert (cpu_bf16() is None) == AMX
    float32 = autocast_for(torch.device("cpu"), True, cpu=False)
    with float32():
        assert not torch.is_autocast_enabled("cpu")
    with autocast_for(torch.device("cpu"), True, cpu=True)():
        assert torch.is_autocast_enabled("cpu") == AMX


@pytest.mark.skipif(not AMX, reason="this CPU has no AMX: cpu_bf16 trains in float32 (next test)")
@pytest.mark.parametrize("data", [*KINDS, "sorting"])
def test_a_bf16_run_multiplies_in_bf16_keeps_attention_float32_and_learns_alike(data):
    model = build_model(recipe(data).model)
    seen = []  # (module, input dtype), recorded in whichever thread runs the forward
    hooks = [m.register_forward_pre_hook(lambda mod, args, name=name: seen.append((name, args[0].dtype)))
             for name, m in model.named_modules() if name.endswith(("mlp.down_proj", "attn.out_proj"))]
    try:
        float_losses, _ = run(data, model)
        assert {dtype for _name, dtype in seen} == {torch.float32}
        seen.clear()
        bf16_losses, records = run(data, model, cpu_bf16=True)
    finally:
        for h in hooks:
            h.remove()
    # a module's input is what the layer before it gave: down_proj's is GELU of up_proj's bf16 product, while
    # out_proj's is the attention's output, float32, made outside autocast
    assert {dtype for name, dtype in seen if name.endswith("down_proj")} == {torch.bfloat16}
    assert {dtype for name, dtype in seen if name.endswith("out_proj")} == {torch.float32}
    assert not [rec for rec in records if isinstance(rec, EventRecord) and rec.event == "compile"]
    assert bf16_losses != float_losses  # bf16 did run
    assert bf16_losses == pytest.approx(float_losses, abs=0.02)


@pytest.mark.skipif(not AMX, reason="needs AMX")
def test_an_lstm_trains_under_cpu_bf16():
    r = recipe("char")
    model = build_model(ModelConfig(family="lstm", vocab_size=r.model.vocab_size, n_layer=1, d_model=16,
                                    lstm_hidden=24, tie_weights=False, block_size=16))
    float_losses, _ = run("char", model)
    bf16_losses, _ = run("char", model, cpu_bf16=True)
    assert bf16_losses == pytest.approx(float_losses, abs=0.02)


def test_without_amx_cpu_bf16_trains_in_float32_and_says_so(monkeypatch):
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)  # as on a CPU without
    model = build_model(recipe("char").model)
    float_losses, _ = run("char", model)
    bf16_losses, records = run("char", model, cpu_bf16=True)
    assert bf16_losses == float_losses
    notices = [rec.message for rec in records if isinstance(rec, EventRecord) and rec.event == "compile"]
    assert notices == [cpu_bf16()] == [no_amx()]
