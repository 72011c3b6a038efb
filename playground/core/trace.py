"""A step-by-step trace of one forward pass: every stage a student steps through, as named records.

``trace(model, ids)`` runs the model's own forward pass with a recorder attached
(``Transformer.recording``) and keeps each tensor the model reports with a title, a
one-sentence explanation and a formula. A 1-layer
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
from .lstm import LSTMLayer
from .model import Attention, Block, Transformer, check_length, evaluating

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

    def __init__(self, records: list[StageRecord], top_k: list[tuple[int, float]], notice: str | None = None):
        self.records = records
        self.top_k = top_k  # [(token id, probability)] for the last position, most likely first
        self.notice = notice  # what this model has no stage for (an LSTM: attention), translated; else None
        self._by_name = {r.name: r for r in records}

    def get(self, name: str) -> StageRecord:
        if name in self._by_name:
            return self._by_name[name]
        close = difflib.get_close_matches(name, list(self._by_name), n=5, cutoff=0.5)
        if close:
            raise KeyError(_("no stage named {name!r} in this trace; did you mean: {names}").format(
                name=name, names=", ".join(close)))
        raise KeyError(_("no stage named {name!r} in this trace").format(name=name))

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
            **({"notice": self.notice} if self.notice else {}),
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
    if stack == "lstm":
        return _("LSTM layer {i}").format(i=int(index) + 1)
    titles = {"input": _("Input"), "embedding": _("Embedding"), "memory": _("Encoder output"),
              "output": _("Output"), "update": _("Update step")}
    return titles.get(group, group)


def notice_for(cfg) -> str | None:
    """What the inspector cannot show for this model, said plainly; None when it shows everything."""
    if cfg.family != "lstm":
        return None
    return _("This is an LSTM: it has no attention, so there are no queries, keys, attention weights or heads to "
             "show or switch off. Its trace shows the tokens, the embeddings, each LSTM layer's hidden state at "
             "every position, and the logits.")


def axis_title(axis: str) -> str:
    """A translated name for one of a record's axis labels, which stay English ids in JSON: "dim" -> "维度"."""
    titles = {"head": _("head"), "position": _("position"), "dim": _("dim"), "query": _("query"), "key": _("key"),
              "hidden": _("hidden"), "token": _("token"), "pair": _("pair"), "rank": _("rank"),
              "id_probability": _("id / probability"), "loss_probability": _("loss / probability"),
              "layer": _("layer"), "output": _("output"), "input": _("input"), "parameter": _("parameter"),
              "before_after": _("before / after")}
    return titles.get(axis, axis)


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
            "gelu_tanh": (_("Feed-forward hidden (GELU, tanh)"), _("Each position is widened and passed through "
                                                                   "GPT-2's tanh approximation of GELU."),
                          f"GELU_tanh(x·W₁{b})"),
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
    if cfg.family == "lstm":
        texts.update(_lstm_texts(b))
    return texts


def _lstm_texts(b: str) -> dict:
    """The seed's model: no positions, no attention; each LSTM layer carries a state along the sequence."""
    return {
        "embed.token": (_("Token embeddings"), _("Each id looks up its row of the embedding matrix. Nothing marks "
                                                 "the position: the LSTM reads the tokens in order."), "x_t = E[id_t]"),
        "lstm.hidden": (_("LSTM hidden states"),
                        _("The layer's state h_t after reading positions 0 to t: its input, forget and output gates "
                          "decide what the cell c_t keeps and what it shows."),
                        "c_t = f_t⊙c_{t−1} + i_t⊙g_t, h_t = o_t⊙tanh(c_t)"),
        "logits": (_("Logits"), _("One score per vocabulary token at each position: higher means more likely "
                                  "next."), f"z = h·W_out{b}"),
    }


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
        f"{kind}.heads": (title(_("Head outputs")), _("Each head's weighted sum of the values, times its switch "
                                                      "m_h (1 on, 0 off): a switched-off (ablated) head "
                                                      "outputs zeros."), "A·V × m_h"),
        f"{kind}.out": (title(_("Output projection")), _("The heads are concatenated and projected back to the "
                                                         "width of the residual stream."), f"concat(heads)·W_O{b}"),
    }


# --- recording the model's own forward pass --------------------------------------------
class _Recorder:
    """Receives the model's reports (``Transformer.recording``) and keeps each as a StageRecord."""

    def __init__(self, model: Transformer):
        self.records: list[StageRecord] = []
        self.texts = _texts(model.cfg)
        self.paths = {m: name for name, m in model.named_modules()}  # module -> "decoder.0.attn"
        self.model = model
        self.rope = model.cfg.position == "rope"

    def add(self, name, group, kind, tensor, axes, layer=None):
        title, explanation, formula = self.texts[kind]
        # a contiguous float32 copy, so later training or in-place edits cannot change the record
        t = tensor.detach().to("cpu", torch.float32).clone(memory_format=torch.contiguous_format)
        self.records.append(StageRecord(name, group, title, explanation, formula, t, axes, layer))

    def __call__(self, module, name: str, tensor: torch.Tensor) -> None:
        """One report from the model: name it, group it and label its axes; the batch dim is dropped."""
        path = self.paths[module]
        if module is self.model:
            self._model_stage(name, tensor if name.endswith(".position") else tensor[0])  # (T, ·): no batch
            return
        if isinstance(module, LSTMLayer):  # "lstm.0": one record per layer
            self.add(f"{path}.{name}", path, f"lstm.{name}", tensor[0], ("position", "hidden"),
                     int(path.rpartition(".")[2]))
            return
        group = path if isinstance(module, Block) else path.rpartition(".")[0]  # "decoder.0"
        layer = int(group.rpartition(".")[2])
        full = f"{path}.{name}"
        if isinstance(module, Block):
            key, _dot, residual = name.partition(".")
            kind = f"residual.{key}" if residual else f"norm.{_NORM_OF[name]}"
            self.add(full, group, kind, tensor[0], STREAM, layer)
        elif isinstance(module, Attention):
            kind = "cross" if module.cross else "self"
            if name == "mask":
                kind = f"{kind}.mask.{'causal' if module.causal else 'padding'}"
                self.add(full, group, kind, tensor[0, 0], ("query", "key"), layer)
            else:
                self.add(full, group, f"{kind}.{name}", tensor[0], _ATTENTION_AXES[name], layer)
        else:  # FeedForward
            axes = ("position", "hidden") if name == "hidden" else STREAM
            self.add(full, group, f"mlp.{name}", tensor[0], axes, layer)

    def _model_stage(self, name: str, t: torch.Tensor) -> None:
        stage = name.rpartition(".")[2]
        if name.startswith(("embed.", "source.embed.")):
            axes = ("position", "pair") if stage == "position" and self.rope else STREAM  # RoPE: angles
            self.add(name, "embedding", f"embed.{stage}", t, axes)
        elif name == "encoder.final_norm":
            self.add(name, "memory", name, t, STREAM)
        else:  # final_norm, logits
            self.add(name, "output", name, t, STREAM if name == "final_norm" else ("position", "token"))

    def in_pipeline_order(self) -> list[StageRecord]:
        """Inputs, embeddings (source first), encoder, memory, decoder, output: the model embeds the
        target after the encoder has run, the stepper shows all embeddings together."""
        rank = {"input": 0, "embedding": 1, "memory": 3, "output": 5}
        return sorted(self.records, key=lambda r: rank.get(r.group, 2 if r.group.startswith("encoder") else 4))


_NORM_OF = {"norm1": "attn", "norm_cross": "cross_attn", "norm2": "mlp"}
_ATTENTION_AXES = {"q": HEADS, "k": HEADS, "v": HEADS, "q_rope": HEADS, "k_rope": HEADS, "heads": HEADS,
                   "scores": SCORES, "weights": SCORES, "out": STREAM}


def trace(model: Transformer, ids: list[int], src_ids: list[int] | None = None,
          top_k: int = 10, temperature: float = 1.0) -> Trace:
    """Run one forward pass of the model, recording every stage; src_ids is the encoder input for
    encoder-decoder models.

    Runs in eval mode under no_grad and restores the model's training flag afterwards. The recorder
    is attached to this model while it runs: trace a snapshot (``inspect.snapshot``) of a model
    that another thread is training.
    """
    check_inputs(model.cfg, ids, src_ids, top_k, temperature)
    with evaluating(model), torch.no_grad():
        return _record_forward(model, ids, src_ids, top_k, temperature)


def check_inputs(cfg, ids, src_ids=None, top_k: int = 10, temperature: float = 1.0) -> None:
    """A ConfigError saying what to do, before any work, for an input the model cannot trace (the Inspect panel
    asks before it starts a worker). An LSTM reads any length; a Transformer's input and source fit its context."""
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
    if cfg.family != "lstm":
        for n in (len(ids), len(src_ids or ())):
            check_length(cfg, n)


def _record_forward(model: Transformer, ids, src_ids, top_k, temperature, rec=None, targets=None) -> Trace:
    """The forward records; ``rec`` (a _Recorder) and ``targets`` let the backward pass reuse this one pass
    (``rec.loss`` is then the model's loss)."""
    rec = rec or _Recorder(model)
    device = model.tok_emb.weight.device
    idx = torch.tensor([ids], dtype=torch.long, device=device)  # (1, T)
    src = None if src_ids is None else torch.tensor([src_ids], dtype=torch.long, device=device)  # (1, S)
    tgt = None if targets is None else torch.tensor([targets], dtype=torch.long, device=device)  # (1, T)
    if src is not None:
        rec.add("source.tokens", "input", "source.tokens", src[0], ("position",))
    rec.add("tokens", "input", "tokens", idx[0], ("position",))
    with model.recording(rec):
        logits, rec.loss = model(idx, tgt, src=src)  # (1, T, V)
    probs = F.softmax(logits[0].float() / temperature, dim=-1)  # (T, V)
    rec.add("softmax", "output", "softmax", probs, ("position", "token"))
    p, i = probs[-1].topk(min(top_k, probs.size(-1)))
    rec.add("top_k", "output", "top_k", torch.stack((i.to(p.dtype), p), dim=1), ("rank", "id_probability"))
    return Trace(rec.in_pipeline_order(), list(zip(i.tolist(), p.tolist())), notice_for(model.cfg))
