"""The Transformer: one config builds a decoder-only GPT or an encoder-decoder model.

Every stage a student steps through is a method (``embed``, ``encode``, ``decode``,
``logits``). Each stage module reports its intermediate tensors (queries, attention weights,
residuals...) to an optional recorder: ``with model.recording(fn): model(idx)`` calls
``fn(module, name, tensor)`` for each of them, and that is how the tracer in ``trace.py`` sees
a forward pass. Without a recorder a report costs one attribute test.
"""

import contextlib
import math
from dataclasses import asdict, dataclass, fields

import torch
import torch.nn as nn
import torch.nn.functional as F

from .errors import ConfigError
from .i18n import _

ARCHITECTURES = ("decoder", "encoder-decoder")
ACTIVATIONS = ("gelu", "gelu_tanh", "relu", "swiglu")
NORMS = ("pre", "post")
POSITIONS = ("learned", "sinusoidal", "rope")
FAMILIES = ("transformer", "lstm")


@dataclass
class ModelConfig:
    architecture: str = "decoder"  # "decoder" (GPT-style) or "encoder-decoder" (original Transformer)
    vocab_size: int = 256  # number of token ids, set from the tokenizer
    n_layer: int = 4  # decoder layers (and encoder layers unless n_encoder_layer is set)
    n_encoder_layer: int | None = None  # encoder layers for encoder-decoder; None means n_layer
    n_head: int = 4  # attention heads per layer
    d_model: int = 128  # width of the residual stream
    d_ff: int = 512  # hidden width of the feed-forward network
    block_size: int = 64  # longest sequence the model can see (context length)
    dropout: float = 0.0  # dropout on attention weights and residual branches
    activation: str = "gelu"  # feed-forward non-linearity: gelu, gelu_tanh (GPT-2's approximation), relu or swiglu
    norm: str = "pre"  # LayerNorm before each sub-layer (pre, GPT-2) or after the residual (post, 2017)
    position: str = "learned"  # positional encoding: learned, sinusoidal or rope
    tie_weights: bool = True  # output projection shares the token embedding matrix
    bias: bool = False  # biases in linear layers and LayerNorms
    pad_id: int = 0  # id of the padding token, masked out of encoder attention
    family: str = "transformer"  # "transformer", or "lstm": the seed's embedding → LSTM → linear (core/lstm.py)
    lstm_hidden: int | None = None  # hidden size of each LSTM layer; None means d_model

    def __post_init__(self):
        self.validate()

    @property
    def encoder_layers(self) -> int:
        if self.architecture != "encoder-decoder":
            return 0
        return self.n_layer if self.n_encoder_layer is None else self.n_encoder_layer

    @property
    def head_size(self) -> int:
        return self.d_model // self.n_head

    @property
    def hidden_size(self) -> int:
        """An LSTM layer's hidden size (its h and c); the width otherwise."""
        return self.d_model if self.lstm_hidden is None else self.lstm_hidden

    def validate(self) -> None:
        if self.family not in FAMILIES:
            raise ConfigError(_("family must be one of: ") + ", ".join(FAMILIES))
        if self.family == "lstm":
            return self._validate_lstm()
        checks = [
            (self.architecture in ARCHITECTURES, _("architecture must be one of: ") + ", ".join(ARCHITECTURES)),
            (self.activation in ACTIVATIONS, _("activation must be one of: ") + ", ".join(ACTIVATIONS)),
            (self.norm in NORMS, _("norm must be 'pre' or 'post'")),
            (self.position in POSITIONS, _("position must be one of: ") + ", ".join(POSITIONS)),
            (self.vocab_size >= 2, _("the vocabulary needs at least 2 tokens")),
            (self.n_layer >= 1 and self.n_head >= 1, _("use at least one layer and one head")),
            (self.d_model % self.n_head == 0, _("model width must be divisible by the number of heads")),
            (self.position != "rope" or self.head_size % 2 == 0, _("RoPE needs an even head size")),
            (self.d_ff >= 1 and self.block_size >= 1, _("feed-forward width and context length must be positive")),
            (0.0 <= self.dropout < 1.0, _("dropout must be in [0, 1)")),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)

    def _validate_lstm(self) -> None:
        """The LSTM reads only its own sizes; heads, feed-forward, norms and positions are Transformer settings."""
        checks = [
            (self.architecture == "decoder", _("the LSTM model is decoder-only: choose the decoder-only architecture, "
                                               "or the Transformer family for encoder-decoder")),
            (self.vocab_size >= 2, _("the vocabulary needs at least 2 tokens")),
            (self.n_layer >= 1, _("use at least one LSTM layer")),
            (self.d_model >= 1 and self.hidden_size >= 1, _("the embedding width and the LSTM hidden size must be "
                                                            "positive")),
            (self.block_size >= 1, _("the context length must be positive")),
            (0.0 <= self.dropout < 1.0, _("dropout must be in [0, 1)")),
            (not self.tie_weights or self.hidden_size == self.d_model,
             _("tied weights need the LSTM hidden size ({h}) to equal the width ({d}): make them equal, or turn off "
               "tied weights").format(h=self.hidden_size, d=self.d_model)),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "ModelConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ConfigError(_("unknown model settings: ") + ", ".join(sorted(unknown)))
        return cls(**d)


def check_length(cfg: ModelConfig, n: int) -> None:
    """A ConfigError that says what to do when ``n`` tokens are more than a Transformer reads at once."""
    if n > cfg.block_size:
        raise ConfigError(_("input of {n} tokens is longer than the context length {b}: shorten it to {b} tokens "
                            "or fewer").format(n=n, b=cfg.block_size))


def sinusoid_table(n_pos: int, dim: int) -> torch.Tensor:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(...); shape (n_pos, dim)."""
    pos = torch.arange(n_pos, dtype=torch.float32).unsqueeze(1)
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(n_pos, dim)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)[:, : dim // 2]
    return table


def position_tables(cfg: ModelConfig) -> dict[str, torch.Tensor]:
    """The fixed (not learnt) position tables of ``cfg``, by buffer name: sinusoidal ``pos_table`` (T, d),
    RoPE ``rope_cos`` and ``rope_sin`` (T, hs/2); none for learned positions."""
    if cfg.position == "sinusoidal":
        return {"pos_table": sinusoid_table(cfg.block_size, cfg.d_model)}
    if cfg.position != "rope":
        return {}
    hs = cfg.head_size
    inv_freq = 1.0 / (10000 ** (torch.arange(0, hs, 2, dtype=torch.float32) / hs))
    angles = torch.outer(torch.arange(cfg.block_size, dtype=torch.float32), inv_freq)  # (T, hs/2)
    return {"rope_cos": angles.cos(), "rope_sin": angles.sin()}


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate each (even, odd) pair of x by its position's angle; x is (B, nh, T, hs)."""
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1)
    return out.flatten(-2)


class Recorded(nn.Module):
    """A stage module that can report its intermediate tensors (the TransformerLens HookPoint idea)."""

    recorder = None  # callable(module, name, tensor) while Transformer.recording() is active

    def record(self, name: str, tensor) -> None:
        if self.recorder is not None:
            self.recorder(self, name, tensor)


class Attention(Recorded):
    """Multi-head attention: self-attention (causal or not) or cross-attention to a memory."""

    def __init__(self, cfg: ModelConfig, causal: bool, cross: bool = False):
        super().__init__()
        self.n_head, self.head_size, self.causal, self.cross = cfg.n_head, cfg.head_size, causal, cross
        d = cfg.d_model
        if cross:
            self.q_proj = nn.Linear(d, d, bias=cfg.bias)
            self.kv_proj = nn.Linear(d, 2 * d, bias=cfg.bias)
        else:
            self.qkv_proj = nn.Linear(d, 3 * d, bias=cfg.bias)
        self.out_proj = nn.Linear(d, d, bias=cfg.bias)
        self.dropout = cfg.dropout
        self.resid_drop = nn.Dropout(cfg.dropout)
        self.head_mask: torch.Tensor | None = None  # (nh,) 1 keeps a head, 0 ablates it

    def heads(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _d = x.shape
        return x.view(B, T, self.n_head, self.head_size).transpose(1, 2)  # (B, nh, T, hs)

    def project(self, x, memory=None):
        """Queries from x; keys and values from x (self) or from the encoder memory (cross)."""
        if self.cross:
            k, v = self.kv_proj(memory).split(x.size(-1), dim=2)
            return self.heads(self.q_proj(x)), self.heads(k), self.heads(v)
        q, k, v = self.qkv_proj(x).split(x.size(-1), dim=2)
        return self.heads(q), self.heads(k), self.heads(v)

    def mask(self, Tq: int, Tk: int, key_keep: torch.Tensor | None, device) -> torch.Tensor | None:
        """Boolean mask (True = may attend), broadcastable to (B, nh, Tq, Tk); None when all may."""
        keep = None
        if self.causal and Tq > 1:
            # a query at position i (of the last Tq) sees keys 0..i + (Tk - Tq)
            keep = torch.ones(Tq, Tk, dtype=torch.bool, device=device).tril(Tk - Tq)
        if key_keep is not None:
            pad = key_keep[:, None, None, :]  # (B, 1, 1, Tk)
            keep = pad if keep is None else keep & pad
        return keep

    def forward(self, x, memory=None, key_keep=None, rope=None, cache=None):
        """Attention output (B, T, d). cache is a dict updated in place. While recording, the
        explicit path runs, so the scores, mask and weights can be reported."""
        if self.cross and cache is not None and "k" in cache:
            q, k, v = self.heads(self.q_proj(x)), cache["k"], cache["v"]  # memory projected once
        else:
            q, k, v = self.project(x, memory)
        self.record("q", q)
        self.record("k", k)
        self.record("v", v)
        if rope is not None:  # rotate the new queries and keys by their positions
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
            self.record("q_rope", q)
            self.record("k_rope", k)
        if cache is not None and not self.cross and "k" in cache:
            k, v = torch.cat((cache["k"], k), dim=2), torch.cat((cache["v"], v), dim=2)
        if cache is not None:
            cache["k"], cache["v"] = k, v
        Tq, Tk = q.size(2), k.size(2)
        if self.recorder is not None:
            y = self.attend(q, k, v, self.mask(Tq, Tk, key_keep, x.device))
        else:
            y = self.fused_attention(q, k, v, key_keep)
        return self.merge(y)

    def fused_attention(self, q, k, v, key_keep):
        """torch's fused kernel for what ``attend`` spells out. Under the CPU's bf16 autocast it runs in float32:
        the matrix products around it gain from bf16, while torch's bf16 attention kernel on the CPU was 7x
        slower than its float32 one here (and softmax wants the precision)."""
        Tq, Tk = q.size(2), k.size(2)
        if q.device.type == "cpu" and torch.is_autocast_enabled("cpu"):
            with torch.autocast("cpu", enabled=False):
                return self.fused_attention(q.float(), k.float(), v.float(), key_keep)
        if self.causal and key_keep is None and Tq == Tk:
            return F.scaled_dot_product_attention(q, k, v, dropout_p=self.drop_p(), is_causal=True)
        return F.scaled_dot_product_attention(
            q, k, v, attn_mask=self.mask(Tq, Tk, key_keep, q.device), dropout_p=self.drop_p())

    def drop_p(self) -> float:
        return self.dropout if self.training else 0.0

    def attend(self, q, k, v, keep):
        """The explicit path: softmax(q·kᵀ/√hs, masked) · v -> (B, nh, Tq, hs); reports scores, mask, weights."""
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_size)  # (B, nh, Tq, Tk)
        self.record("scores", scores)
        self.record("mask", torch.ones_like(scores, dtype=torch.bool) if keep is None else keep.expand_as(scores))
        if keep is not None:
            scores = scores.masked_fill(~keep, float("-inf"))
        weights = F.softmax(scores, dim=-1)
        if self.training and self.dropout > 0:
            weights = F.dropout(weights, self.dropout)
        self.record("weights", weights)
        return weights @ v

    def merge(self, y: torch.Tensor) -> torch.Tensor:
        """Ablate masked heads, concatenate heads, project back to the residual stream."""
        if self.head_mask is not None:
            y = y * self.head_mask.to(y.dtype).view(1, -1, 1, 1)
        self.record("heads", y)
        B, _nh, T, _hs = y.shape
        y = y.transpose(1, 2).reshape(B, T, -1)  # (B, T, d)
        out = self.resid_drop(self.out_proj(y))
        self.record("out", out)
        return out


class FeedForward(Recorded):
    """Position-wise MLP: W2 · act(W1 · x), or SwiGLU: W2 · (silu(W1 · x) * (W3 · x))."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.activation = cfg.activation
        width = 2 * cfg.d_ff if cfg.activation == "swiglu" else cfg.d_ff
        self.up_proj = nn.Linear(cfg.d_model, width, bias=cfg.bias)
        self.down_proj = nn.Linear(cfg.d_ff, cfg.d_model, bias=cfg.bias)
        self.drop = nn.Dropout(cfg.dropout)

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        h = self.up_proj(x)
        if self.activation == "swiglu":
            gate, up = h.chunk(2, dim=-1)
            return F.silu(gate) * up
        if self.activation == "gelu_tanh":  # GPT-2's tanh approximation of GELU
            return F.gelu(h, approximate="tanh")
        return F.gelu(h) if self.activation == "gelu" else F.relu(h)

    def forward(self, x):
        h = self.hidden(x)  # (B, T, d_ff), after the non-linearity (SwiGLU: the gated product)
        self.record("hidden", h)
        out = self.drop(self.down_proj(h))
        self.record("out", out)
        return out


class Block(Recorded):
    """One layer: self-attention, optional cross-attention, feed-forward, each with add & norm."""

    def __init__(self, cfg: ModelConfig, causal: bool, cross: bool):
        super().__init__()
        self.pre = cfg.norm == "pre"
        self.norm1, self.attn = layer_norm(cfg), Attention(cfg, causal)
        self.norm_cross = layer_norm(cfg) if cross else None
        self.cross_attn = Attention(cfg, causal=False, cross=True) if cross else None
        self.norm2, self.mlp = layer_norm(cfg), FeedForward(cfg)

    def sublayer(self, x, norm, fn, names: tuple[str, str]):
        """x + fn(LN(x)) (pre-LN) or LN(x + fn(x)) (post-LN); reports the norm's and the sum's output."""
        norm_name, residual_name = names
        if self.pre:
            h = norm(x)
            self.record(norm_name, h)
            x = x + fn(h)
            self.record(residual_name, x)
            return x
        x = x + fn(x)
        self.record(residual_name, x)
        x = norm(x)
        self.record(norm_name, x)
        return x

    def forward(self, x, memory=None, self_keep=None, memory_keep=None, rope=None, cache=None):
        self_cache = cache.setdefault("self", {}) if cache is not None else None
        cross_cache = cache.setdefault("cross", {}) if cache is not None else None
        x = self.sublayer(x, self.norm1, lambda h: self.attn(h, key_keep=self_keep, rope=rope, cache=self_cache),
                          ("norm1", "attn.residual"))
        if self.cross_attn is not None:
            x = self.sublayer(x, self.norm_cross, lambda h: self.cross_attn(h, memory, memory_keep, cache=cross_cache),
                              ("norm_cross", "cross_attn.residual"))
        return self.sublayer(x, self.norm2, self.mlp, ("norm2", "mlp.residual"))


def layer_norm(cfg: ModelConfig) -> nn.LayerNorm:
    """LayerNorm over the model width, with a bias only when the config asks for biases."""
    return nn.LayerNorm(cfg.d_model, bias=cfg.bias)


class Transformer(Recorded):
    """Decoder-only (GPT) or encoder-decoder Transformer built from one ModelConfig."""

    # True for a pretrained model (hf_gpt2), which is never trained or changed here: its snapshots share its weights.
    weights_read_only = False

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.tok_emb = nn.Embedding(cfg.vocab_size, d)
        if cfg.position == "learned":
            self.pos_emb = nn.Embedding(cfg.block_size, d)
        for name, table in position_tables(cfg).items():  # computed, not learnt: not saved with the weights
            self.register_buffer(name, table, persistent=False)
        self.emb_drop = nn.Dropout(cfg.dropout)
        self.encoder = nn.ModuleList(Block(cfg, causal=False, cross=False) for _ in range(cfg.encoder_layers))
        cross = cfg.architecture == "encoder-decoder"
        self.decoder = nn.ModuleList(Block(cfg, causal=True, cross=cross) for _ in range(cfg.n_layer))
        final_norm = cfg.norm == "pre"  # post-LN already ends every block with a norm
        self.enc_norm = layer_norm(cfg) if final_norm and cross else None
        self.final_norm = layer_norm(cfg) if final_norm else None
        self.lm_head = nn.Linear(d, cfg.vocab_size, bias=False)
        if cfg.tie_weights:
            self.lm_head.weight = self.tok_emb.weight
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("out_proj.weight") or name.endswith("down_proj.weight"):
                # GPT-2: scale residual projections so the stream's variance does not grow with depth
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * cfg.n_layer + cfg.encoder_layers))

    def compute_position_tables(self) -> None:
        """Compute the fixed position tables again, where the buffers are: a model built on the meta device
        and then filled from a file (``hf_gpt2.empty_model``) has the weights, but empty tables."""
        for name, table in position_tables(self.cfg).items():
            buffer = getattr(self, name)
            setattr(self, name, table.to(device=buffer.device, dtype=buffer.dtype))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, 0.0, 0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    # --- the stages -------------------------------------------------------------------
    def embed_scale(self) -> float:
        """Token embeddings are scaled by √d with fixed sinusoids (as in the 2017 paper)."""
        return math.sqrt(self.cfg.d_model) if self.cfg.position == "sinusoidal" else 1.0

    def positions(self, T: int, start: int = 0) -> torch.Tensor | None:
        """Positional encoding added to the embeddings, (T, d); None for RoPE (applied in attention)."""
        check_length(self.cfg, start + T)
        if self.cfg.position == "learned":
            return self.pos_emb.weight[start:start + T]
        if self.cfg.position == "sinusoidal":
            return self.pos_table[start:start + T]
        return None

    def rope(self, T: int, start: int = 0):
        """(cos, sin) of the rotation angles for positions start..start+T, or None without RoPE."""
        if self.cfg.position != "rope":
            return None
        return self.rope_cos[start:start + T], self.rope_sin[start:start + T]

    def embed(self, idx: torch.Tensor, start: int = 0, name: str = "embed") -> torch.Tensor:
        """Token embedding (scaled) plus positional encoding; (B, T) ids -> (B, T, d).

        Reports ``{name}.token``, ``{name}.position`` (RoPE: its angles, mod 2π) and ``{name}.sum``.
        """
        x = self.tok_emb(idx)
        if self.cfg.position == "sinusoidal":
            x = x * self.embed_scale()
        pos = self.positions(idx.size(1), start)
        if self.recorder is not None:
            self.record(f"{name}.token", x)
            cos_sin = self.rope(idx.size(1), start)
            self.record(f"{name}.position", pos if pos is not None else torch.atan2(cos_sin[1], cos_sin[0]))
        x = self.emb_drop(x if pos is None else x + pos)
        self.record(f"{name}.sum", x)
        return x

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encoder stack over source ids (B, S); returns (memory (B, S, d), key_keep (B, S))."""
        keep = src != self.cfg.pad_id
        x = self.embed(src, name="source.embed")
        rope = self.rope(src.size(1))
        for block in self.encoder:
            x = block(x, self_keep=keep, rope=rope)
        if self.enc_norm is not None:
            x = self.enc_norm(x)
            self.record("encoder.final_norm", x)
        return x, keep

    def decode(self, idx, memory=None, memory_keep=None, cache: list | None = None, start: int = 0):
        """Decoder stack (causal) over ids (B, T), attending to the memory if given; -> (B, T, d)."""
        x = self.embed(idx, start)
        rope = self.rope(idx.size(1), start)
        for i, block in enumerate(self.decoder):
            layer_cache = cache[i] if cache is not None else None
            x = block(x, memory, memory_keep=memory_keep, rope=rope, cache=layer_cache)
        return x

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        """Final norm (pre-LN) and the projection to vocabulary scores; (B, T, d) -> (B, T, V)."""
        if self.final_norm is not None:
            h = self.final_norm(h)
            self.record("final_norm", h)
        logits = self.lm_head(h)
        self.record("logits", logits)
        return logits

    def forward(self, idx, targets=None, src=None):
        """Logits for ids (B, T) — given the source ids (B, S) for encoder-decoder — and the loss."""
        memory, keep = self.encode(src) if src is not None else (None, None)
        logits = self.logits(self.decode(idx, memory, keep))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    @contextlib.contextmanager
    def recording(self, recorder):
        """Within the block every stage module reports to ``recorder(module, name, tensor)``."""
        modules = [m for m in self.modules() if isinstance(m, Recorded)]
        for m in modules:
            m.recorder = recorder
        try:
            yield self
        finally:
            for m in modules:
                m.recorder = None

    def new_cache(self) -> list:
        """An empty key/value cache, one dict per decoder layer."""
        return [{} for _ in self.decoder]

    # --- sizes ------------------------------------------------------------------------
    def attention_modules(self) -> list[tuple[str, Attention]]:
        return [(name, m) for name, m in self.named_modules() if isinstance(m, Attention)]


@contextlib.contextmanager
def evaluating(model: nn.Module):
    """Run the model in eval mode, then put its training flag back, even after an error."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def count_parameters(model: Transformer, non_embedding: bool = False) -> int:
    """Parameters (shared ones counted once); non_embedding leaves out position embeddings."""
    n = sum(p.numel() for p in model.parameters())
    if non_embedding and hasattr(model, "pos_emb"):
        n -= model.pos_emb.weight.numel()
    return n


def flops_per_token(model: Transformer, training: bool = True) -> float:
    """6N + 12·L·T·d for a training step (forward + backward), 2N + 4·L·T·d for a forward.

    N excludes position embeddings; the second term is attention's scores and weighted sum.
    An LSTM counts its matrix products only (``lstm.lstm_flops_per_token``).
    """
    cfg = model.cfg
    if cfg.family == "lstm":
        from .lstm import lstm_flops_per_token

        return lstm_flops_per_token(cfg, training)
    n = count_parameters(model, non_embedding=True)
    attn_layers = cfg.n_layer + cfg.encoder_layers + (cfg.n_layer if cfg.encoder_layers else 0)
    forward = 2 * n + 4 * attn_layers * cfg.block_size * cfg.d_model
    return 3 * forward if training else forward


def memory_estimate(model: Transformer, batch_size: int) -> dict:
    """Rough training memory in bytes: weights, gradients, AdamW state, activations (float32)."""
    return training_memory(model.cfg, count_parameters(model), batch_size)


def training_memory(cfg: ModelConfig, n: int, batch_size: int) -> dict:
    """``memory_estimate`` from the settings and the parameter count ``n``, with no model built."""
    layers = cfg.n_layer + cfg.encoder_layers
    T, d = cfg.block_size, cfg.d_model
    if cfg.family == "lstm":
        from .lstm import lstm_activation_floats

        stacks = lstm_activation_floats(cfg, batch_size)
    else:
        # per layer and token: ~ 16·d (attention, norms, residuals) + 3·d_ff (MLP) floats, plus the T×T weights
        stacks = layers * batch_size * T * (16 * d + 3 * cfg.d_ff + 2 * cfg.n_head * T)
    activations = 4 * (stacks + 2 * batch_size * T * cfg.vocab_size)
    # FlatAdamW keeps two moments and a work buffer; the trainer keeps weights and moments of its last good
    # evaluation to undo a divergence: 6 floats per parameter in all
    parts = {"weights": 4 * n, "gradients": 4 * n, "optimizer": 24 * n, "activations": activations}
    parts["total"] = sum(parts.values())
    return parts


def model_for_sizes(cfg: ModelConfig, real_below: int = 20_000_000) -> Transformer:
    """A model to count and draw, not to train: built for real when small (a few ms), on the
    meta device when large (no memory). The meta device's first use imports torch._dynamo,
    which holds the GIL about 1.5 s and would freeze a GUI, so small models avoid it.
    """
    from .limits import parameter_count

    layers = cfg.n_layer * 2 + cfg.encoder_layers  # cross-attention counts like a layer
    rough = cfg.vocab_size * cfg.d_model + layers * (4 * cfg.d_model ** 2 + 3 * cfg.d_model * cfg.d_ff)
    if cfg.family == "lstm":
        rough = parameter_count(cfg)
    if rough < real_below:
        return network(cfg)
    with torch.device("meta"):
        return network(cfg)


def network(cfg: ModelConfig) -> nn.Module:
    """The module ``cfg`` describes, unchecked: a Transformer, or the seed's LSTM (``lstm.py``)."""
    if cfg.family == "lstm":
        from .lstm import LSTMLanguageModel  # lstm.py builds on this module's Recorded

        return LSTMLanguageModel(cfg)
    return Transformer(cfg)


def build_model(cfg: ModelConfig | dict, seed: int | None = None) -> Transformer:
    """Factory: a ModelConfig (or its dict) -> decoder-only or encoder-decoder Transformer, or the LSTM.

    With ``seed`` the initial weights are the same in every process (drawn from a fork of torch's
    RNG, so the caller's random state is left as it was); without, they follow torch's global RNG.
    """
    from .limits import check_fits  # limits reads this module's sizes

    if isinstance(cfg, dict):
        cfg = ModelConfig.from_dict(cfg)
    check_fits(cfg)  # refused with the estimate before any tensor is made
    if seed is None:
        return network(cfg)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return network(cfg)
