"""A step-by-step trace of one forward pass: every stage a student steps through, as named records.

``trace(model, ids)`` runs the model's own submodules one stage at a time and keeps each
intermediate tensor with a title, a one-sentence explanation and a formula. A 1-layer
decoder gives: tokens, embed.token, embed.position, embed.sum, decoder.0.norm1,
decoder.0.attn.q, ..., decoder.0.mlp.residual, final_norm, logits, softmax, top_k.
The GUI stepper and ``playground inspect --json`` only display what is recorded here.
"""

import difflib
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .errors import ConfigError
from .i18n import _
from .model import Attention, Block, Transformer, apply_rope

HEADS = ("head", "position", "dim")
STREAM = ("position", "dim")
SCORES = ("head", "query", "key")


@dataclass
class StageRecord:
    name: str  # stable dotted id, e.g. "decoder.1.cross_attn.weights"
    group: str  # pipeline stage: "input", "embedding", "encoder.0", "memory", "decoder.0", "output"
    title: str  # short, translated
    explanation: str  # one sentence, translated
    formula: str  # plain-text/Unicode formula, e.g. "softmax(Q·Kᵀ/√d_k + mask)"
    tensor: torch.Tensor  # float32 on the CPU, batch dim removed
    axes: tuple[str, ...]  # one label per dim, e.g. ("head", "query", "key")
    layer: int | None = None  # index in its stack (encoder or decoder); None outside the stacks

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.tensor.shape)

    def to_json(self, include_values: bool = False, max_values: int = 4096) -> dict:
        d = {"name": self.name, "group": self.group, "title": self.title,
             "explanation": self.explanation, "formula": self.formula,
             "shape": list(self.shape), "axes": list(self.axes), "layer": self.layer}
        if include_values:
            d["values"] = _plain_values(self.tensor) if self.tensor.numel() <= max_values else None
        return d


class Trace:
    """The records of one traced forward pass, in the order a student steps through them."""

    def __init__(self, records: list[StageRecord], top_k: list[tuple[int, float]]):
        self.records = records
        self.top_k = top_k  # [(token id, probability)] for the last position, most likely first
        self._by_name = {r.name: r for r in records}

    def get(self, name: str) -> StageRecord:
        if name in self._by_name:
            return self._by_name[name]
        close = difflib.get_close_matches(name, list(self._by_name), n=5, cutoff=0.5)
        message = _("no stage named {name!r} in this trace").format(name=name)
        if close:
            message += "; " + _("did you mean: ") + ", ".join(close)
        raise KeyError(message)

    def names(self) -> list[str]:
        return [r.name for r in self.records]

    def groups(self) -> list[str]:
        return list(dict.fromkeys(r.group for r in self.records))

    def in_group(self, group: str) -> list[StageRecord]:
        return [r for r in self.records if r.group == group]

    @property
    def logits(self) -> torch.Tensor:
        """Final logits, (T, V)."""
        return self.get("logits").tensor

    def to_json(self, include_values: bool = False, max_values: int = 4096) -> dict:
        return {
            "names": self.names(),
            "groups": self.groups(),
            "group_titles": {g: group_title(g) for g in self.groups()},
            "top_k": [[i, p] for i, p in self.top_k],
            "records": [r.to_json(include_values, max_values) for r in self.records],
        }


def group_title(group: str) -> str:
    """A translated heading for a pipeline group, counted from 1 as people do: "decoder.1" -> "Decoder layer 2"."""
    stack, _dot, index = group.partition(".")
    if stack == "encoder":
        return _("Encoder layer {i}").format(i=int(index) + 1)
    if stack == "decoder":
        return _("Decoder layer {i}").format(i=int(index) + 1)
    titles = {"input": _("Input"), "embedding": _("Embedding"), "memory": _("Encoder output"),
              "output": _("Output")}
    return titles.get(group, group)


def _plain_values(t: torch.Tensor):
    """Nested lists for JSON; NaN and ±inf (never valid JSON) become None."""
    values = t.tolist()
    return values if bool(torch.isfinite(t).all()) else _none_for_nonfinite(values)


def _none_for_nonfinite(v):
    if isinstance(v, list):
        return [_none_for_nonfinite(x) for x in v]
    return v if math.isfinite(v) else None


# --- texts ------------------------------------------------------------------------------
def _texts(cfg) -> dict[str, tuple[str, str, str]]:
    """(title, explanation, formula) per kind of stage, translated now and fitted to cfg."""
    b = " + b" if cfg.bias else ""
    ln = "γ·(x − μ)/σ" + (" + β" if cfg.bias else "")
    scale = " · √d_model" if cfg.position == "sinusoidal" else ""
    texts = {
        "source.tokens": (_("Source token ids"), _("The source sequence the encoder reads, one id per position."),
                          "src = tokenize(source)"),
        "tokens": ((_("Decoder token ids"), _("The decoder's input so far (the target shifted right), one id per "
                                              "position."), "ids = tokenize(target)")
                   if cfg.architecture == "encoder-decoder" else
                   (_("Token ids"), _("The input text as token ids, one per position."), "ids = tokenize(text)")),
        "embed.token": (_("Token embeddings"),
                        _("Each id looks up its row of the embedding matrix, scaled by √d_model so the fixed "
                          "sinusoids do not drown it.") if scale else
                        _("Each id looks up its row of the embedding matrix."), "E[id]" + scale),
        "embed.position": {
            "learned": (_("Position embeddings"), _("A learned vector per position tells the model where each "
                                                    "token sits."), "P[pos]"),
            "sinusoidal": (_("Sinusoidal positions"), _("Fixed sine and cosine waves of different frequencies "
                                                        "give each position its own pattern."),
                           "PE[pos, 2i] = sin(pos/10000^(2i/d)), PE[pos, 2i+1] = cos(pos/10000^(2i/d))"),
            "rope": (_("RoPE rotation angles"), _("Nothing is added here: inside attention RoPE rotates each "
                                                  "(even, odd) pair of Q and K by these angles (shown mod 2π)."),
                     "θ[pos, i] = pos / 10000^(2i/d_head)"),
        }[cfg.position],
        "embed.sum": ((_("Input embeddings"), _("With RoPE the token embeddings enter the residual stream "
                                                "unchanged; position is applied to Q and K."), "x₀ = E[id]")
                      if cfg.position == "rope" else
                      (_("Embedding sum"), _("Token embedding plus position: the first state of the residual "
                                             "stream."), f"x₀ = E[id]{scale} + P[pos]")),
        "mlp.hidden": {
            "gelu": (_("Feed-forward hidden (GELU)"), _("Each position is widened and passed through the smooth "
                                                        "GELU non-linearity."), f"GELU(x·W₁{b})"),
            "relu": (_("Feed-forward hidden (ReLU)"), _("Each position is widened and negative values are set to "
                                                        "zero."), f"max(0, x·W₁{b})"),
            "swiglu": (_("Feed-forward hidden (SwiGLU)"), _("A SiLU-activated gate multiplies a second projection, "
                                                            "value by value."), f"SiLU(x·W_gate{b}) ⊙ (x·W_up{b})"),
        }[cfg.activation],
        "mlp.out": (_("Feed-forward output"), _("The hidden values are projected back to the width of the residual "
                                                "stream."), f"h·W₂{b}"),
        "encoder.final_norm": (_("Encoder output (memory)"), _("The encoder's final layer norm; every decoder "
                                                               "layer's cross-attention reads this memory."),
                               f"memory = {ln}"),
        "final_norm": (_("Final layer norm"), _("The last residual state is normalised before it becomes scores."),
                       f"LN(x) = {ln}"),
        "logits": (_("Logits"), _("One score per vocabulary token at each position: higher means more likely "
                                  "next."), ("z = LN(x)" if cfg.norm == "pre" else "z = x")
                   + ("·Eᵀ" if cfg.tie_weights else "·W_out")),
        "softmax": (_("Next-token probabilities"), _("Softmax of the logits divided by the temperature; each row "
                                                     "sums to 1."), "p = softmax(z / temperature)"),
        "top_k": (_("Most likely next tokens"), _("The k most likely tokens after the last position: column 0 is "
                                                  "the id, column 1 its probability."), "top-k(p[last])"),
    }
    for key, label, fn in (("attn", _("attention"), "SelfAttn"), ("cross_attn", _("cross-attention"), "CrossAttn"),
                           ("mlp", _("feed-forward"), "FFN")):
        texts.update(_sublayer_texts(cfg, key, label, fn, ln))
    texts.update(_attention_texts(cross=False, b=b))
    texts.update(_attention_texts(cross=True, b=b))
    return texts


def _sublayer_texts(cfg, key: str, label: str, fn: str, ln: str) -> dict:
    if cfg.norm == "pre":
        return {
            f"norm.{key}": (_("Norm before {sublayer}").format(sublayer=label),
                            _("Each position is rescaled to mean 0 and variance 1, then by learned weights, before "
                              "the sub-layer reads it."), f"LN(x) = {ln}"),
            f"residual.{key}": (_("Residual after {sublayer}").format(sublayer=label),
                                _("The sub-layer's output is added to its input, so earlier information flows "
                                  "past it."), f"x + {fn}(LN(x))"),
        }
    return {
        f"norm.{key}": (_("Norm after {sublayer}").format(sublayer=label),
                        _("Post-LN: the sum of input and sub-layer output is rescaled to mean 0 and variance 1, "
                          "then by learned weights."), f"LN(x + {fn}(x)), LN = {ln}"),
        f"residual.{key}": (_("Residual after {sublayer}").format(sublayer=label),
                            _("The sub-layer's output is added to its input, before the norm."), f"x + {fn}(x)"),
    }


def _attention_texts(cross: bool, b: str) -> dict:
    kind = "cross" if cross else "self"
    src = "memory" if cross else "x"

    def title(text):
        return _("Cross-attention: {title}").format(title=text) if cross else text

    kv_from = (_("computed from the encoder's output (memory)") if cross
               else _("computed from the same positions"))
    padding = (_("Padding mask"), _("1 where a query may look: every source position except padding tokens."),
               "keep[i, j] = (src[j] ≠ pad)")
    return {
        f"{kind}.q": (title(_("Queries")), _("What each position is looking for, split into heads."),
                      f"Q = x·W_Q{b}"),
        f"{kind}.k": (title(_("Keys")), _("What each position offers to the queries, {source}.").format(
            source=kv_from), f"K = {src}·W_K{b}"),
        f"{kind}.v": (title(_("Values")), _("What each position passes on when attended to, {source}.").format(
            source=kv_from), f"V = {src}·W_V{b}"),
        f"{kind}.q_rope": (title(_("Rotated queries")), _("RoPE rotates each (even, odd) pair of query dimensions "
                                                          "by its position's angle."), "Q' = rotate(Q, θ[pos])"),
        f"{kind}.k_rope": (title(_("Rotated keys")), _("RoPE rotates each (even, odd) pair of key dimensions by "
                                                       "its position's angle, so Q'·K' depends on distance."),
                           "K' = rotate(K, θ[pos])"),
        f"{kind}.scores": (title(_("Attention scores")), _("How well each query matches each key, divided by "
                                                           "√d_k, before the mask."), "S = Q·Kᵀ/√d_k"),
        f"{kind}.mask.causal": (title(_("Causal mask")), _("1 where a query may look: each position sees itself "
                                                           "and earlier positions, never the future."),
                                "keep[i, j] = (j ≤ i)"),
        f"{kind}.mask.padding": (title(padding[0]), *padding[1:]),
        f"{kind}.weights": (title(_("Attention weights")), _("Softmax of the masked scores: each row says how "
                                                             "much a query takes from each key and sums to 1."),
                            "A = softmax(Q·Kᵀ/√d_k + mask)"),
        f"{kind}.heads": (title(_("Head outputs")), _("Each head's weighted sum of the values; a switched-off "
                                                      "(ablated) head outputs zeros."), "A·V (× head mask)"),
        f"{kind}.out": (title(_("Output projection")), _("The heads are concatenated and projected back to the "
                                                         "width of the residual stream."), f"concat(heads)·W_O{b}"),
    }


# --- the walk through the model ---------------------------------------------------------
class _Recorder:
    def __init__(self, cfg):
        self.records: list[StageRecord] = []
        self.texts = _texts(cfg)

    def add(self, name, group, kind, tensor, axes, layer=None):
        title, explanation, formula = self.texts[kind]
        # a contiguous float32 copy, so later training or in-place edits cannot change the record
        t = tensor.detach().to("cpu", torch.float32).clone(memory_format=torch.contiguous_format)
        self.records.append(StageRecord(name, group, title, explanation, formula, t, axes, layer))


def trace(model: Transformer, ids: list[int], src_ids: list[int] | None = None,
          top_k: int = 10, temperature: float = 1.0) -> Trace:
    """Run one forward pass stage by stage; src_ids is the encoder input for encoder-decoder models.

    Runs in eval mode under no_grad and restores the model's training flag afterwards.
    """
    _check_inputs(model.cfg, ids, src_ids, top_k, temperature)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return _walk(model, ids, src_ids, top_k, temperature)
    finally:
        model.train(was_training)


def _check_inputs(cfg, ids, src_ids, top_k, temperature) -> None:
    encoder_decoder = cfg.architecture == "encoder-decoder"
    checks = [
        (len(ids) > 0, _("there is nothing to trace: the input has no tokens")),
        (not encoder_decoder or src_ids, _("an encoder-decoder model needs a non-empty source (src_ids)")),
        (encoder_decoder or src_ids is None, _("a decoder-only model takes no source; leave src_ids out")),
        (all(0 <= i < cfg.vocab_size for i in [*ids, *(src_ids or [])]),
         _("token ids must be between 0 and {n}; was the text encoded with this model's tokenizer?").format(
             n=cfg.vocab_size - 1)),
        (top_k >= 1, _("top_k must be at least 1")),
        (temperature > 0, _("temperature must be greater than 0")),
    ]
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)


def _walk(model: Transformer, ids, src_ids, top_k, temperature) -> Trace:
    rec = _Recorder(model.cfg)
    device = model.tok_emb.weight.device
    idx = torch.tensor([ids], dtype=torch.long, device=device)  # (1, T)
    src = None if src_ids is None else torch.tensor([src_ids], dtype=torch.long, device=device)  # (1, S)
    # groups stay contiguous: all inputs, all embeddings (source first), encoder, decoder, output
    if src is not None:
        rec.add("source.tokens", "input", "source.tokens", src[0], ("position",))
    rec.add("tokens", "input", "tokens", idx[0], ("position",))
    src_x = _embed(rec, model, src, "source.embed") if src is not None else None
    x = _embed(rec, model, idx, "embed")
    memory = memory_keep = None
    if src is not None:
        memory, memory_keep = _encode(rec, model, src, src_x)
    rope = model.rope(idx.size(1))
    for i, block in enumerate(model.decoder):
        x = _block(rec, block, x, f"decoder.{i}", i, rope, memory=memory, memory_keep=memory_keep)
    return _output(rec, model, x, top_k, temperature)


def _embed(rec: _Recorder, model: Transformer, idx, prefix: str):
    T = idx.size(1)
    pos = model.positions(T)  # raises ConfigError past the context length
    rec.add(f"{prefix}.token", "embedding", "embed.token", model.tok_emb(idx)[0] * model.embed_scale(), STREAM)
    if pos is None:
        cos, sin = model.rope(T)  # (T, hs/2) each
        rec.add(f"{prefix}.position", "embedding", "embed.position", torch.atan2(sin, cos), ("position", "pair"))
    else:
        rec.add(f"{prefix}.position", "embedding", "embed.position", pos, STREAM)
    x = model.embed(idx)
    rec.add(f"{prefix}.sum", "embedding", "embed.sum", x[0], STREAM)
    return x


def _encode(rec: _Recorder, model: Transformer, src, x):
    keep = src != model.cfg.pad_id  # (1, S), as in Transformer.encode
    rope = model.rope(src.size(1))
    for i, block in enumerate(model.encoder):
        x = _block(rec, block, x, f"encoder.{i}", i, rope, self_keep=keep)
    if model.enc_norm is not None:
        x = model.enc_norm(x)
        rec.add("encoder.final_norm", "memory", "encoder.final_norm", x[0], STREAM)
    return x, keep


def _block(rec: _Recorder, block: Block, x, group: str, layer: int, rope,
           self_keep=None, memory=None, memory_keep=None):
    """Block.forward, one recorded stage at a time."""
    def sublayer(x, norm, norm_name, key, fn):
        if block.pre:
            h = norm(x)
            rec.add(f"{group}.{norm_name}", group, f"norm.{key}", h[0], STREAM, layer)
            x = x + fn(h)
            rec.add(f"{group}.{key}.residual", group, f"residual.{key}", x[0], STREAM, layer)
            return x
        x = x + fn(x)
        rec.add(f"{group}.{key}.residual", group, f"residual.{key}", x[0], STREAM, layer)
        x = norm(x)
        rec.add(f"{group}.{norm_name}", group, f"norm.{key}", x[0], STREAM, layer)
        return x

    x = sublayer(x, block.norm1, "norm1", "attn",
                 lambda h: _attention(rec, block.attn, h, f"{group}.attn", group, layer, key_keep=self_keep, rope=rope))
    if block.cross_attn is not None:
        x = sublayer(x, block.norm_cross, "norm_cross", "cross_attn",
                     lambda h: _attention(rec, block.cross_attn, h, f"{group}.cross_attn", group, layer,
                                          memory=memory, key_keep=memory_keep))
    return sublayer(x, block.norm2, "norm2", "mlp", lambda h: _feed_forward(rec, block.mlp, h, group, layer))


def _attention(rec: _Recorder, attn: Attention, x, prefix: str, group: str, layer: int,
               memory=None, key_keep=None, rope=None):
    """Attention.forward's explicit path, recording Q, K, V, scores, mask, weights and outputs."""
    kind = "cross" if attn.cross else "self"
    q, k, v = attn.project(x, memory)  # (1, nh, T, hs); k, v over the memory for cross-attention
    for part, t in (("q", q), ("k", k), ("v", v)):
        rec.add(f"{prefix}.{part}", group, f"{kind}.{part}", t[0], HEADS, layer)
    if rope is not None:
        q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        rec.add(f"{prefix}.q_rope", group, f"{kind}.q_rope", q[0], HEADS, layer)
        rec.add(f"{prefix}.k_rope", group, f"{kind}.k_rope", k[0], HEADS, layer)
    Tq, Tk = q.size(2), k.size(2)
    keep = attn.mask(Tq, Tk, key_keep, x.device)
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(attn.head_size)  # (1, nh, Tq, Tk), as in Attention.attend
    rec.add(f"{prefix}.scores", group, f"{kind}.scores", scores[0], SCORES, layer)
    table = torch.ones(Tq, Tk, dtype=torch.bool) if keep is None else torch.broadcast_to(keep, (1, 1, Tq, Tk))[0, 0]
    mask_kind = "causal" if attn.causal else "padding"
    rec.add(f"{prefix}.mask", group, f"{kind}.mask.{mask_kind}", table, ("query", "key"), layer)
    y, weights = attn.attend(q, k, v, keep)  # (1, nh, Tq, hs), (1, nh, Tq, Tk)
    rec.add(f"{prefix}.weights", group, f"{kind}.weights", weights[0], SCORES, layer)
    heads = y if attn.head_mask is None else y * attn.head_mask.to(y.dtype).view(1, -1, 1, 1)  # as merge() does
    rec.add(f"{prefix}.heads", group, f"{kind}.heads", heads[0], HEADS, layer)
    out = attn.merge(y)  # (1, T, d)
    rec.add(f"{prefix}.out", group, f"{kind}.out", out[0], STREAM, layer)
    return out


def _feed_forward(rec: _Recorder, mlp, x, group: str, layer: int):
    h = mlp.hidden(x)  # (1, T, d_ff), after the non-linearity (SwiGLU: the gated product)
    rec.add(f"{group}.mlp.hidden", group, "mlp.hidden", h[0], ("position", "hidden"), layer)
    out = mlp.drop(mlp.down_proj(h))
    rec.add(f"{group}.mlp.out", group, "mlp.out", out[0], STREAM, layer)
    return out


def _output(rec: _Recorder, model: Transformer, x, top_k: int, temperature: float) -> Trace:
    if model.final_norm is not None:
        rec.add("final_norm", "output", "final_norm", model.final_norm(x)[0], STREAM)
    logits = model.logits(x)  # (1, T, V)
    rec.add("logits", "output", "logits", logits[0], ("position", "token"))
    probs = F.softmax(logits[0].float() / temperature, dim=-1)  # (T, V)
    rec.add("softmax", "output", "softmax", probs, ("position", "token"))
    p, i = probs[-1].topk(min(top_k, probs.size(-1)))
    rec.add("top_k", "output", "top_k", torch.stack((i.to(p.dtype), p), dim=1), ("rank", "id_probability"))
    return Trace(rec.records, list(zip(i.tolist(), p.tolist())))
