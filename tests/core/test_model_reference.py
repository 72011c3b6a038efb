"""The model against references written here from the formulas, with plain torch operations.

The weights are copied out of the model's own modules (``block.norm1.weight``, ``attn.qkv_proj``,
``mlp.up_proj`` ...); nothing else of the model is used by the references.
"""

import math

import pytest
import torch

from playground.core.model import ModelConfig, apply_rope, build_model

V, D, H, FF = 11, 16, 4, 24
EPS = 1e-5  # LayerNorm's epsilon, as in the 2017 paper's implementations and PyTorch's default


def random_model(**kw):
    """A tiny model whose every parameter is random, norms and biases included (none is an identity)."""
    cfg = ModelConfig(**{**dict(vocab_size=V, n_layer=2, n_head=H, d_model=D, d_ff=FF, block_size=12, bias=True),
                         **kw})
    model = build_model(cfg).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.4)
    return model


# --- the references ------------------------------------------------------------------------------
def layer_norm(x, norm):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)  # the biased variance
    return (x - mean) / torch.sqrt(var + EPS) * norm.weight + norm.bias


def linear(x, layer, rows=slice(None)):
    """x·Wᵀ + b, with only the given output rows of the layer."""
    return x @ layer.weight[rows].T + layer.bias[rows]


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def attention(q_in, kv_in, wq, wk, wv, out, causal, keep=None):
    """Multi-head attention written head by head: softmax(q·kᵀ/√hs + mask)·v, heads concatenated."""
    B, T, S, hs = q_in.size(0), q_in.size(1), kv_in.size(1), D // H
    q, k, v = wq(q_in), wk(kv_in), wv(kv_in)  # (B, T or S, D)
    heads = []
    for h in range(H):
        cols = slice(h * hs, (h + 1) * hs)
        scores = q[..., cols] @ k[..., cols].transpose(1, 2) / math.sqrt(hs)  # (B, T, S)
        allowed = torch.ones(B, T, S, dtype=torch.bool)
        if causal:
            allowed &= torch.arange(S)[None, None, :] <= torch.arange(T)[None, :, None]
        if keep is not None:
            allowed &= keep[:, None, :]
        weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
        heads.append(weights @ v[..., cols])
    return linear(torch.cat(heads, dim=-1), out)


def self_attention(x, attn, causal, keep=None):
    q, k, v = (lambda h, i=i: linear(h, attn.qkv_proj, slice(i * D, (i + 1) * D)) for i in range(3))
    return attention(x, x, q, k, v, attn.out_proj, causal, keep)


def cross_attention(x, memory, attn, keep):
    q = lambda h: linear(h, attn.q_proj)  # noqa: E731
    k, v = (lambda h, i=i: linear(h, attn.kv_proj, slice(i * D, (i + 1) * D)) for i in range(2))
    return attention(x, memory, q, k, v, attn.out_proj, causal=False, keep=keep)


def feed_forward(x, mlp):
    return linear(gelu(linear(x, mlp.up_proj)), mlp.down_proj)


def block(x, b, norm, causal, keep=None, memory=None, memory_keep=None):
    """Post-LN (2017): x = LN(x + sublayer(x)); pre-LN (GPT-2): x = x + sublayer(LN(x))."""
    steps = [(b.norm1, lambda h: self_attention(h, b.attn, causal, keep))]
    if memory is not None:
        steps.append((b.norm_cross, lambda h: cross_attention(h, memory, b.cross_attn, memory_keep)))
    steps.append((b.norm2, lambda h: feed_forward(h, b.mlp)))
    for ln, sublayer in steps:
        x = layer_norm(x + sublayer(x), ln) if norm == "post" else x + sublayer(layer_norm(x, ln))
    return x


def post_ln_forward(model, idx, src=None):
    """Logits of a post-LN model with learned positions: no final norm (each block ends with one)."""
    def embed(ids):
        return model.tok_emb.weight[ids] + model.pos_emb.weight[: ids.size(1)]

    memory = keep = None
    if src is not None:
        keep = src != model.cfg.pad_id
        memory = embed(src)
        for b in model.encoder:
            memory = block(memory, b, "post", causal=False, keep=keep)
    x = embed(idx)
    for b in model.decoder:
        x = block(x, b, "post", causal=True, memory=memory, memory_keep=keep)
    return x @ model.lm_head.weight.T


# --- the checks ----------------------------------------------------------------------------------
@pytest.mark.parametrize("norm", ["post", "pre"])
def test_block_matches_the_reference(norm):
    model = random_model(norm=norm)
    x = torch.randn(2, 7, D)
    b = model.decoder[0]
    with torch.no_grad():
        assert torch.allclose(b(x), block(x, b, norm, causal=True), atol=1e-5)


@pytest.mark.parametrize("architecture", ["decoder", "encoder-decoder"])
def test_post_ln_model_matches_the_reference(architecture):
    model = random_model(norm="post", position="learned", architecture=architecture)
    assert model.final_norm is None  # post-LN: every block already ends with a norm
    idx = torch.randint(1, V, (2, 9))
    src = None
    if architecture == "encoder-decoder":
        src = torch.randint(1, V, (2, 6))
        src[1, 4:] = model.cfg.pad_id  # padding the encoder must not attend to
    with torch.no_grad():
        logits, _ = model(idx, src=src)
        assert torch.allclose(logits, post_ln_forward(model, idx, src), atol=1e-4)


def test_swiglu_matches_the_formula():
    model = random_model(activation="swiglu")
    mlp = model.decoder[0].mlp
    x = torch.randn(3, 5, D)
    # up_proj holds both input matrices, the gate's rows first: (2·d_ff, d)
    assert mlp.up_proj.weight.shape == (2 * FF, D) and mlp.down_proj.weight.shape == (D, FF)
    gate = linear(x, mlp.up_proj, slice(0, FF))  # x·Wg
    up = linear(x, mlp.up_proj, slice(FF, 2 * FF))  # x·Wu
    silu = gate / (1.0 + torch.exp(-gate))  # silu(z) = z·sigmoid(z)
    expected = linear(silu * up, mlp.down_proj)  # W2·(silu(x·Wg) ⊙ (x·Wu))
    with torch.no_grad():
        assert torch.allclose(mlp(x), expected, atol=1e-5)


def rope_scores(model, q, k, T, start=0):
    """Scores q·k with q and k at every pair of positions (i, j): (T, T), after RoPE."""
    cos, sin = model.rope(T, start)
    rq = apply_rope(q.expand(1, 1, T, -1), cos, sin)[0, 0]  # (T, hs): the same q at each position
    rk = apply_rope(k.expand(1, 1, T, -1), cos, sin)[0, 0]
    return rq @ rk.T


def test_rope_scores_depend_only_on_the_offset():
    model = random_model(position="rope", block_size=32)
    hs = D // H
    q, k = torch.randn(hs), torch.randn(hs)
    T = 32
    scores = rope_scores(model, q, k, T)
    for s in (1, 5, 17):  # (i, j) and (i + s, j + s): the same score
        assert torch.allclose(scores[s:, s:], scores[: T - s, : T - s], atol=1e-4)
    # at offset 0 the rotations cancel: the plain dot product
    assert torch.allclose(scores.diagonal(), (q @ k).expand(T), atol=1e-4)
    # and the score does change with the offset (RoPE is not a no-op)
    by_offset = scores[0]  # offsets 0, 1, 2 ... 31
    assert (by_offset - by_offset[0]).abs().max() > 0.1 * (q.norm() * k.norm())
    # a rotation: lengths are kept
    cos, sin = model.rope(T)
    rotated = apply_rope(q.expand(1, 1, T, -1), cos, sin)[0, 0]
    assert torch.allclose(rotated.norm(dim=-1), q.norm().expand(T), atol=1e-5)
    # positions counted from a start (a KV cache) give the same relative scores
    assert torch.allclose(rope_scores(model, q, k, 16, start=10), scores[:16, :16], atol=1e-4)
