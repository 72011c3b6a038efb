"""The tracer: every stage recorded in order, and the recorded values agree with the fast forward."""

import itertools
import json
from functools import lru_cache

import pytest
import torch
import torch.nn.functional as F

from playground.core.errors import ConfigError
from playground.core.model import ACTIVATIONS, ARCHITECTURES, NORMS, POSITIONS, ModelConfig, build_model
from playground.core.trace import trace

IDS = [3, 1, 4, 1, 5]  # T = 5
SRC = [9, 2, 6, 5, 0, 0]  # S = 6, two trailing pads (pad_id 0)
N_HEAD, D, D_FF, VOCAB = 2, 8, 12, 13
COMBOS = list(itertools.product(ARCHITECTURES, NORMS, POSITIONS, ACTIVATIONS, (True, False)))


def _cfg(arch="decoder", norm="pre", position="learned", activation="gelu", bias=False, **kw):
    return ModelConfig(architecture=arch, norm=norm, position=position, activation=activation, bias=bias,
                       tie_weights=not bias, vocab_size=VOCAB, n_layer=2, n_head=N_HEAD, d_model=D, d_ff=D_FF,
                       block_size=16, **kw)


def _model(seed=0, **kw):
    torch.manual_seed(seed)
    model = build_model(_cfg(**kw))
    for p in model.parameters():  # larger than the 0.02 init so layers make a visible difference
        torch.nn.init.normal_(p, 0.0, 0.3)
    return model.eval()


@lru_cache(maxsize=None)
def _case(arch, norm, position, activation, bias):
    model = _model(arch=arch, norm=norm, position=position, activation=activation, bias=bias)
    src = SRC if arch == "encoder-decoder" else None
    return model, src, trace(model, IDS, src_ids=src, top_k=4)


def _fast_logits(model, ids, src):
    idx = torch.tensor([ids])
    with torch.no_grad():
        return model(idx, src=None if src is None else torch.tensor([src]))[0][0]


def _layer_names(model, stack, i, cross):
    p, pre, rope = f"{stack}.{i}", model.cfg.norm == "pre", model.cfg.position == "rope"

    def sublayer(norm, key, body):
        return ([f"{p}.{norm}"] + body + [f"{p}.{key}.residual"] if pre
                else body + [f"{p}.{key}.residual", f"{p}.{norm}"])

    def attention(key, use_rope):
        parts = ["q", "k", "v"] + (["q_rope", "k_rope"] if use_rope else []) + [
            "scores", "mask", "weights", "heads", "out"]
        return [f"{p}.{key}.{part}" for part in parts]

    names = sublayer("norm1", "attn", attention("attn", rope))
    if cross:
        names += sublayer("norm_cross", "cross_attn", attention("cross_attn", False))
    return names + sublayer("norm2", "mlp", [f"{p}.mlp.hidden", f"{p}.mlp.out"])


def _expected_names(model):
    cfg, enc_dec = model.cfg, model.cfg.architecture == "encoder-decoder"
    embed = ["token", "position", "sum"]
    names = (["source.tokens"] if enc_dec else []) + ["tokens"]
    names += ([f"source.embed.{e}" for e in embed] if enc_dec else []) + [f"embed.{e}" for e in embed]
    for i in range(cfg.encoder_layers):
        names += _layer_names(model, "encoder", i, cross=False)
    if model.enc_norm is not None:
        names.append("encoder.final_norm")
    for i in range(cfg.n_layer):
        names += _layer_names(model, "decoder", i, cross=enc_dec)
    return names + (["final_norm"] if model.final_norm is not None else []) + ["logits", "softmax", "top_k"]


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "-".join(map(str, c)))
def test_traced_logits_equal_the_fast_forward(combo):
    model, src, tr = _case(*combo)
    assert tr.logits.shape == (len(IDS), VOCAB)
    assert (tr.logits - _fast_logits(model, IDS, src)).abs().max() < 1e-5


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "-".join(map(str, c)))
def test_every_stage_is_recorded_in_pipeline_order(combo):
    model, src, tr = _case(*combo)
    assert tr.names() == _expected_names(model)
    groups = tr.groups()
    assert groups[:2] == ["input", "embedding"] and groups[-1] == "output"
    decoder_at = [i for i, g in enumerate(groups) if g.startswith("decoder.")]
    encoder_at = [i for i, g in enumerate(groups) if g.startswith("encoder.") or g == "memory"]
    assert decoder_at == list(range(decoder_at[0], decoder_at[0] + model.cfg.n_layer))
    assert all(e < decoder_at[0] for e in encoder_at)
    for group in groups:  # each group's records are contiguous
        at = [i for i, r in enumerate(tr.records) if r.group == group]
        assert at == list(range(at[0], at[-1] + 1))


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "-".join(map(str, c)))
def test_shapes_axes_and_attention_rules(combo):
    model, src, tr = _case(*combo)
    T, hs = len(IDS), D // N_HEAD
    for rec in tr.records:
        assert len(rec.axes) == rec.tensor.dim() and rec.tensor.dtype == torch.float32
        assert rec.title and rec.explanation and rec.formula
    assert tr.get("decoder.0.attn.q").shape == (N_HEAD, T, hs)
    assert tr.get("decoder.1.mlp.hidden").shape == (T, D_FF)
    assert tr.get("top_k").shape == (4, 2)
    causal = tr.get("decoder.1.attn.weights").tensor
    assert causal.shape == (N_HEAD, T, T)
    assert torch.allclose(causal.sum(-1), torch.ones(N_HEAD, T), atol=1e-6)
    assert torch.all(causal.triu(1) == 0)  # the future is hidden
    assert torch.equal(tr.get("decoder.0.attn.mask").tensor, torch.ones(T, T).tril())
    if src is None:
        return
    S, pads = len(SRC), SRC.index(0)
    assert tr.get("source.tokens").tensor.tolist() == SRC
    assert tr.get("decoder.0.cross_attn.k").shape == (N_HEAD, S, hs)
    assert tr.get("encoder.0.attn.mask").tensor[:, pads:].sum() == 0
    for name, Tq in (("encoder.1.attn.weights", S), ("decoder.1.cross_attn.weights", T)):
        w = tr.get(name).tensor
        assert w.shape == (N_HEAD, Tq, S)
        assert torch.allclose(w.sum(-1), torch.ones(N_HEAD, Tq), atol=1e-6)
        assert torch.all(w[..., pads:] == 0)  # padding keys get no weight


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "-".join(map(str, c)))
def test_intermediate_records_match_the_model(combo):
    model, src, tr = _case(*combo)
    idx = torch.tensor([IDS])
    with torch.no_grad():
        x = model.embed(idx)
        assert torch.equal(tr.get("embed.sum").tensor, x[0])
        memory, keep = model.encode(torch.tensor([src])) if src else (None, None)
        if src:
            last = tr.get("encoder.final_norm") if model.enc_norm is not None else tr.in_group("encoder.1")[-1]
            assert torch.allclose(last.tensor, memory[0], atol=1e-5)
        rope = model.rope(len(IDS))
        for i, block in enumerate(model.decoder):
            x = block(x, memory, memory_keep=keep, rope=rope)
            assert torch.allclose(tr.in_group(f"decoder.{i}")[-1].tensor, x[0], atol=1e-5)
    assert torch.allclose(tr.get("softmax").tensor, F.softmax(tr.logits, dim=-1), atol=1e-7)


def test_rope_records_angles_and_rotated_queries():
    model, _src, tr = _case("decoder", "pre", "rope", "gelu", False)
    assert tr.get("embed.position").shape == (len(IDS), D // N_HEAD // 2)
    assert torch.equal(tr.get("embed.sum").tensor, tr.get("embed.token").tensor)
    q, q_rot = tr.get("decoder.0.attn.q").tensor, tr.get("decoder.0.attn.q_rope").tensor
    assert torch.equal(q[:, 0], q_rot[:, 0])  # position 0 is not rotated
    assert torch.allclose(q.norm(dim=-1), q_rot.norm(dim=-1), atol=1e-5)  # rotations keep lengths


def test_temperature_and_top_k():
    model = _model()
    tr = trace(model, IDS, temperature=0.7, top_k=50)
    probs = F.softmax(tr.logits / 0.7, dim=-1)
    assert torch.allclose(tr.get("softmax").tensor, probs, atol=1e-7)
    assert len(tr.top_k) == VOCAB  # k is capped at the vocabulary
    assert [i for i, _p in tr.top_k] == probs[-1].argsort(descending=True).tolist()
    assert torch.allclose(tr.get("top_k").tensor[:, 1], torch.tensor([p for _i, p in tr.top_k]))


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_head_ablation(arch):
    model = _model(arch=arch)
    src = SRC if arch == "encoder-decoder" else None
    base = _fast_logits(model, IDS, src)
    attn = model.decoder[1].attn
    attn.head_mask = torch.ones(N_HEAD)
    assert torch.equal(_fast_logits(model, IDS, src), base)
    for head_mask in (torch.zeros(N_HEAD), torch.tensor([1.0, 0.0])):
        attn.head_mask = head_mask
        ablated = _fast_logits(model, IDS, src)
        assert (ablated - base).abs().max() > 1e-4
        tr = trace(model, IDS, src_ids=src)
        assert (tr.logits - ablated).abs().max() < 1e-5
        heads = tr.get("decoder.1.attn.heads").tensor
        assert torch.all(heads[head_mask == 0] == 0)
    if arch == "encoder-decoder":
        attn.head_mask, model.decoder[0].cross_attn.head_mask = None, torch.tensor([0.0, 1.0])
        assert (trace(model, IDS, src_ids=SRC).logits - _fast_logits(model, IDS, SRC)).abs().max() < 1e-5


def test_single_token_and_training_flag_restored():
    model = _model(arch="encoder-decoder", dropout=0.1)
    model.train()
    tr = trace(model, [7], src_ids=[4, 0])
    assert model.training
    model.eval()
    assert (tr.logits - _fast_logits(model, [7], [4, 0])).abs().max() < 1e-5
    assert tr.get("decoder.0.attn.mask").tensor.tolist() == [[1.0]]


def test_json_is_serialisable_and_honours_max_values():
    _model_, _src, tr = _case("encoder-decoder", "post", "sinusoidal", "swiglu", True)
    plain = tr.to_json()
    assert plain["names"] == tr.names() and "values" not in plain["records"][0]
    full = json.loads(json.dumps(tr.to_json(include_values=True, max_values=40)))
    by_name = {r["name"]: r for r in full["records"]}
    assert by_name["tokens"]["values"] == IDS
    assert by_name["logits"]["values"] is None  # 5 × 13 values is over the limit
    assert by_name["decoder.0.cross_attn.weights"]["shape"] == [N_HEAD, len(IDS), len(SRC)]
    assert full["group_titles"]["decoder.1"] == "Decoder layer 2" and full["top_k"][0][0] == tr.top_k[0][0]
    assert full["group_titles"]["encoder.0"] == "Encoder layer 1"  # counted from 1, as the Model panel's diagram


def test_missing_stage_suggests_close_names():
    _model_, _src, tr = _case("decoder", "pre", "learned", "gelu", False)
    with pytest.raises(KeyError, match="decoder.0.attn.weights"):
        tr.get("decoder.0.attn.weight")


@pytest.mark.parametrize("kwargs, words", [
    ({"ids": list(range(10)) * 2}, "longer than the context length 16"),
    ({"ids": []}, "no tokens"),
    ({"ids": [1, VOCAB]}, "between 0 and"),
    ({"ids": [1], "temperature": 0.0}, "temperature"),
])
def test_bad_input_is_a_clear_config_error(kwargs, words):
    with pytest.raises(ConfigError, match=words):
        trace(_model(), **kwargs)


def test_source_must_match_the_architecture():
    with pytest.raises(ConfigError, match="source"):
        trace(_model(arch="encoder-decoder"), IDS)
    with pytest.raises(ConfigError, match="source"):
        trace(_model(), IDS, src_ids=SRC)
    with pytest.raises(ConfigError, match="longer than the context"):
        trace(_model(arch="encoder-decoder"), IDS, src_ids=[1] * 17)


# --- one source for the forward pass --------------------------------------------------------
def test_the_trace_is_the_model_reporting_its_own_forward():
    """trace.py calls no stage of the model (no second copy of the forward pass), only forward()."""
    import ast
    import inspect as pyinspect

    from playground.core import trace as trace_module

    tree = ast.parse(pyinspect.getsource(trace_module))
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    stages = {"embed", "encode", "decode", "logits", "project", "attend", "merge", "mask", "hidden",
              "sublayer", "positions", "rope", "tok_emb", "final_norm", "enc_norm", "down_proj", "up_proj"}
    assert not called & stages
    assert "apply_rope" not in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_recorder_is_detached_after_recording_even_after_an_error(arch):
    model = _model(arch=arch)
    src = torch.tensor([SRC]) if arch == "encoder-decoder" else None
    seen = []

    def recorder(module, name, tensor):
        seen.append(name)
        if name == "logits":
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"), torch.no_grad():
        with model.recording(recorder):
            model(torch.tensor([IDS]), src=src)
    assert seen[-1] == "logits" and "weights" in seen and "hidden" in seen
    assert all(m.recorder is None for m in model.modules() if hasattr(m, "recorder"))
    count = len(seen)
    with torch.no_grad():
        model(torch.tensor([IDS]), src=src)  # the fast path reports to no one
    assert len(seen) == count


def test_recorded_weights_come_from_the_model_in_training_mode_too():
    """The recorder sees the model's own attention (here with dropout on): what the trace shows is
    what the forward pass computed, not a re-computation."""
    model = _model(dropout=0.5).train()
    weights = []
    with model.recording(lambda m, name, t: weights.append(t) if name == "weights" else None):
        torch.manual_seed(3)
        recorded_logits, _ = model(torch.tensor([IDS]))
    torch.manual_seed(3)
    with model.recording(lambda *a: None):
        again, _ = model(torch.tensor([IDS]))
    assert torch.equal(recorded_logits, again)
    dropped = weights[0][0]
    assert (dropped == 0).sum() > 0 and dropped.max() > 1.0  # inverted dropout: zeros and scaled-up weights


def test_norm_parameters_keep_their_checkpoint_names():
    """torch's LayerNorm replaced the hand-written one: saved checkpoints still load (same keys, same shapes)."""
    for bias in (True, False):
        model = build_model(_cfg(arch="encoder-decoder", bias=bias))
        norms = {k: tuple(v.shape) for k, v in model.state_dict().items() if "norm" in k}
        expected = {}
        for name in ["encoder.0.norm1", "encoder.0.norm2", "encoder.1.norm1", "encoder.1.norm2", "enc_norm",
                     "final_norm"] + [f"decoder.{i}.{n}" for i in (0, 1) for n in ("norm1", "norm_cross", "norm2")]:
            expected[f"{name}.weight"] = (D,)
            if bias:
                expected[f"{name}.bias"] = (D,)
        assert norms == expected
