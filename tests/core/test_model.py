"""Model checks: shapes, initial loss, overfitting, the causal mask, KV cache and sizes."""

import itertools
import math

import pytest
import torch

from playground.core.errors import ConfigError
from playground.core.model import (ACTIVATIONS, ARCHITECTURES, NORMS, POSITIONS, ModelConfig, build_model,
                                   count_parameters, flops_per_token, memory_estimate)

V = 37


def tiny(**kw) -> ModelConfig:
    base = dict(vocab_size=V, n_layer=2, n_head=2, d_model=16, d_ff=32, block_size=12)
    return ModelConfig(**{**base, **kw})


def inputs(cfg, B=2, T=9, S=7):
    idx = torch.randint(1, V, (B, T))
    src = None
    if cfg.architecture == "encoder-decoder":
        src = torch.randint(1, V, (B, S))
        src[1, 5:] = cfg.pad_id  # a padded source
    return idx, src


VARIANTS = list(itertools.product(ARCHITECTURES, POSITIONS, NORMS, ACTIVATIONS))


@pytest.mark.parametrize("arch,pos,norm,act", VARIANTS)
def test_shapes_cache_and_causality(arch, pos, norm, act):
    cfg = tiny(architecture=arch, position=pos, norm=norm, activation=act, bias=(act == "relu"))
    model = build_model(cfg).eval()
    idx, src = inputs(cfg)
    logits, loss = model(idx, idx, src=src)
    assert logits.shape == (2, 9, V) and loss.ndim == 0
    # KV cache: one token at a time equals the full forward
    memory, keep = model.encode(src) if src is not None else (None, None)
    cache = model.new_cache()
    steps = [model.logits(model.decode(idx[:, t:t + 1], memory, keep, cache=cache, start=t)) for t in range(9)]
    assert torch.allclose(torch.cat(steps, 1), logits, atol=1e-5)
    # causal mask: changing token 6 leaves logits at positions 0..5 unchanged, and changes 6
    changed = idx.clone()
    changed[:, 6] = (changed[:, 6] % (V - 1)) + 1
    logits2, _ = model(changed, src=src)
    assert torch.equal(logits2[:, :6], logits[:, :6])
    assert not torch.allclose(logits2[:, 6], logits[:, 6])


def test_initial_loss_is_close_to_uniform():
    cfg = tiny(vocab_size=200, d_model=32, tie_weights=False)
    model = build_model(cfg)
    idx = torch.randint(0, 200, (8, 12))
    targets = torch.randint(0, 200, (8, 12))
    _, loss = model(idx, targets)
    assert abs(loss.item() - math.log(200)) < 0.1


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_overfits_one_batch(arch):
    cfg = tiny(architecture=arch)
    model = build_model(cfg)
    idx, src = inputs(cfg)
    targets = torch.randint(1, V, idx.shape)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(300):
        opt.zero_grad()
        _, loss = model(idx, targets, src=src)
        loss.backward()
        opt.step()
    assert loss.item() < 0.1


def test_padding_in_source_is_ignored():
    cfg = tiny(architecture="encoder-decoder")
    model = build_model(cfg).eval()
    idx = torch.randint(1, V, (1, 5))
    src = torch.randint(1, V, (1, 4))
    padded = torch.cat([src, torch.zeros(1, 3, dtype=torch.long)], dim=1)
    a, _ = model(idx, src=src)
    b, _ = model(idx, src=padded)
    assert torch.allclose(a, b, atol=1e-5)


def test_weight_tying_and_counts():
    tied = build_model(tiny())
    untied = build_model(tiny(tie_weights=False))
    assert tied.lm_head.weight is tied.tok_emb.weight
    assert count_parameters(untied) - count_parameters(tied) == V * 16
    # nanoGPT's CPU recipe: N = 795,904 without position embeddings
    gpt = build_model(ModelConfig(vocab_size=65, n_layer=4, n_head=4, d_model=128, d_ff=512, block_size=64))
    assert count_parameters(gpt, non_embedding=True) == 795_904
    assert flops_per_token(gpt) == 6 * 795_904 + 12 * 4 * 64 * 128


@pytest.mark.parametrize("kw", [dict(), dict(architecture="encoder-decoder"), dict(activation="swiglu")])
def test_memory_estimate_counts_each_part_and_is_near_what_autograd_keeps(kw):
    model = build_model(ModelConfig(vocab_size=65, n_layer=2, n_head=4, d_model=64, d_ff=256, block_size=32, **kw))
    mem = memory_estimate(model, batch_size=12)
    n = count_parameters(model)
    # float32 weights and gradients; AdamW's two moments and work buffer, and the trainer's copy of the last
    # good weights and moments (to undo a divergence): 6 floats per parameter
    assert (mem["weights"], mem["gradients"], mem["optimizer"]) == (4 * n, 4 * n, 24 * n)
    assert mem["total"] == sum(v for k, v in mem.items() if k != "total")
    assert memory_estimate(model, batch_size=24)["activations"] == 2 * mem["activations"]
    # the activations: the bytes autograd really saves for backward in one training forward
    saved = {}

    def pack(t):
        saved[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    idx = torch.randint(1, 65, (12, 32))
    src = torch.randint(1, 65, (12, 32)) if model.cfg.encoder_layers else None
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(idx, idx, src=src)
    weights = {p.untyped_storage().data_ptr() for p in model.parameters()}
    kept = sum(size for ptr, size in saved.items() if ptr not in weights)
    assert 0.75 < mem["activations"] / kept < 3.0, (mem["activations"], kept)  # "rough", but the right size


def test_context_length_is_enforced():
    model = build_model(tiny())
    with pytest.raises(ConfigError, match="context length"):
        model(torch.zeros(1, 13, dtype=torch.long))


@pytest.mark.parametrize("bad, says", [
    (dict(d_model=15), ["width", "divisible", "heads"]),
    (dict(norm="middle"), ["norm", "'pre'", "'post'"]),
    (dict(position="alibi"), ["position", ", ".join(POSITIONS)]),
    (dict(activation="tanh"), ["activation", ", ".join(ACTIVATIONS)]),
    (dict(dropout=1.0), ["dropout", "[0, 1)"]),
    (dict(architecture="encoder"), ["architecture", ", ".join(ARCHITECTURES)]),
    (dict(position="rope", n_head=4, d_model=12), ["RoPE", "even head size"]),
])
def test_bad_config_says_what_to_do(bad, says):
    """The message names the setting and the values it accepts."""
    with pytest.raises(ConfigError) as e:
        tiny(**bad)
    for words in says:
        assert words in str(e.value), (words, str(e.value))


def test_config_round_trip_rejects_unknown_keys():
    cfg = tiny(architecture="encoder-decoder", n_encoder_layer=3)
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ConfigError, match="unknown"):
        ModelConfig.from_dict({**cfg.to_dict(), "evil": 1})
    assert len(build_model(cfg).encoder) == 3


def test_head_mask_ablates_and_ones_are_identity():
    model = build_model(tiny()).eval()
    idx = torch.randint(1, V, (1, 8))
    base, _ = model(idx)
    attn = model.decoder[0].attn
    attn.head_mask = torch.ones(2)
    same, _ = model(idx)
    assert torch.equal(same, base)
    attn.head_mask = torch.zeros(2)
    off, _ = model(idx)
    assert not torch.allclose(off, base)


def test_removed_dead_code_stays_removed():
    """Nothing used these; a second way to do the same thing is where bugs live."""
    import inspect as pyinspect

    from playground.core import model as model_module
    from playground.core.model import Attention
    from playground.core.optim import FlatAdamW
    from playground.core.tasks import PairTask
    from playground.core.workspace import Workspace

    assert "need_weights" not in pyinspect.signature(Attention.forward).parameters
    assert not hasattr(model_module, "LayerNorm")  # torch's nn.LayerNorm(d, bias=...) serves
    assert not hasattr(Workspace, "model_summary") and not hasattr(PairTask, "prompt_ids")
    assert not hasattr(FlatAdamW(build_model(ModelConfig(n_layer=1, d_model=8, n_head=2, d_ff=8))), "names")


def test_evaluating_restores_the_training_flag_even_after_an_error():
    from playground.core.evaluate import evaluate
    from playground.core.model import evaluating

    from .helpers import tiny_text_recipe

    recipe = tiny_text_recipe(1)
    model = build_model(recipe.model).train()
    with pytest.raises(RuntimeError), evaluating(model):
        assert not model.training
        raise RuntimeError("boom")
    assert model.training

    def stop_with_an_error():
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        evaluate(model, recipe.task, 4, model.cfg.block_size, 2, 0, 0, "cpu", should_stop=stop_with_an_error)
    assert model.training  # evaluate() puts the flag back on every path


def test_the_seed_gives_the_same_first_weights_and_leaves_the_callers_rng_alone():
    """TrainConfig's seed promises the same initial weights: in any process, whatever ran before."""
    import subprocess
    import sys

    from playground.core.model import ModelConfig, build_model

    cfg = ModelConfig(vocab_size=30, n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16)
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a = build_model(cfg, seed=7)
    assert torch.equal(torch.rand(3), before)  # the caller's random state went on untouched
    torch.rand(100)  # a different global state: the seeded weights do not care
    b = build_model(cfg, seed=7)
    c = build_model(cfg, seed=8)
    weights = [torch.cat([p.detach().flatten() for p in m.parameters()]) for m in (a, b, c)]
    assert torch.equal(weights[0], weights[1]) and not torch.equal(weights[0], weights[2])
    code = ("import torch; from playground.core.model import ModelConfig, build_model; "
            "m = build_model(ModelConfig(vocab_size=30, n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16), seed=7);"
            "print(repr(float(torch.cat([p.detach().flatten() for p in m.parameters()]).double().sum())))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert float(other) == float(weights[0].double().sum())


@pytest.mark.parametrize("arch,pos", list(itertools.product(ARCHITECTURES, POSITIONS)))
def test_a_model_built_on_the_meta_device_and_filled_from_weights_gives_the_same_logits(arch, pos):
    """hf_gpt2.empty_model builds on the meta device and fills every tensor from a file; the sinusoidal and RoPE
    tables are no file's (non-persistent buffers): they were left as uninitialised memory."""
    from playground.core.hf_gpt2 import empty_model

    cfg = tiny(architecture=arch, position=pos)
    torch.manual_seed(0)
    normal = build_model(cfg).eval()
    filled = empty_model(cfg)
    filled.load_state_dict(normal.state_dict())
    filled.eval()
    for name, buffer in normal.named_buffers():
        assert torch.equal(dict(filled.named_buffers())[name], buffer), name
    idx, src = inputs(cfg)
    assert torch.equal(filled(idx, src=src)[0], normal(idx, src=src)[0])
