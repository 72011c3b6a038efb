"""The seed's example model: token embedding → LSTM layers → linear → softmax, decoder-only.

The seed's "GPT-2" code is Keras ``Embedding → LSTM(return_sequences=True) → Dense(softmax)``.
``LSTMLanguageModel`` is that network with the Transformer's interface (``embed``, ``decode``,
``logits``, ``forward(idx, targets)``, ``recording``, ``new_cache``), so the same trainer, sampler,
checkpoints and inspector work on it. Its cache holds each layer's state (h, c) instead of keys
and values: a new token costs one LSTM step, not a pass over the whole prefix.

    LSTMLanguageModel(ModelConfig(family="lstm", vocab_size=10, n_layer=1, d_model=8, lstm_hidden=16))
    ids (B, T) -> embed (B, T, 8) -> lstm.0 (B, T, 16) -> lm_head (B, T, 10)
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from .model import ModelConfig, Recorded, Transformer


class LSTMLayer(Recorded):
    """One LSTM layer over a sequence; reports its hidden state h_t at every position as ``hidden``.

    i, f, g, o = σ(x·W_iᵀ + h·U_iᵀ + b_i), σ(…f), tanh(…g), σ(…o)
    c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t)
    """

    def __init__(self, n_in: int, n_hidden: int, dropout: float):
        super().__init__()
        self.rnn = nn.LSTM(n_in, n_hidden, batch_first=True)  # gate biases always, as in Keras's LSTM
        self.drop = nn.Dropout(dropout)

    @property
    def hidden_size(self) -> int:
        return self.rnn.hidden_size

    def forward(self, x: torch.Tensor, cache: dict | None = None) -> torch.Tensor:
        """(B, T, n_in) -> (B, T, hidden); with a cache, start from its (h, c) and leave the new ones there."""
        state = (cache["h"], cache["c"]) if cache is not None and "h" in cache else None
        out, (h, c) = self.rnn(x, state)  # out: (B, T, hidden), h and c: (1, B, hidden)
        if cache is not None:
            cache["h"], cache["c"] = h, c
        self.record("hidden", out)
        return self.drop(out)


class LSTMLanguageModel(Recorded):
    """Embedding → LSTM × n_layer → linear to the vocabulary; the softmax is in the loss and the sampler."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d, h = cfg.d_model, cfg.hidden_size
        self.tok_emb = nn.Embedding(cfg.vocab_size, d)
        self.emb_drop = nn.Dropout(cfg.dropout)
        self.encoder = nn.ModuleList()  # none: decoder-only, like the seed's model
        self.lstm = nn.ModuleList(LSTMLayer(d if i == 0 else h, h, cfg.dropout) for i in range(cfg.n_layer))
        self.lm_head = nn.Linear(h, cfg.vocab_size, bias=cfg.bias)
        nn.init.normal_(self.tok_emb.weight, 0.0, 0.02)
        nn.init.normal_(self.lm_head.weight, 0.0, 0.02)
        if cfg.tie_weights:  # validate() made sure h == d
            self.lm_head.weight = self.tok_emb.weight
        if cfg.bias:
            nn.init.zeros_(self.lm_head.bias)
        for layer in self.lstm:  # forget-gate bias 1 (Keras's unit_forget_bias): remember by default
            for name, p in layer.rnn.named_parameters():
                if name.startswith("bias_ih"):
                    with torch.no_grad():
                        p.zero_()
                        p[h:2 * h].fill_(1.0)  # gate order in torch: input, forget, cell, output
                elif name.startswith("bias_hh"):
                    nn.init.zeros_(p)

    # --- the stages -------------------------------------------------------------------
    def embed(self, idx: torch.Tensor, start: int = 0, name: str = "embed") -> torch.Tensor:
        """Token embedding, no positions (the LSTM reads in order); (B, T) -> (B, T, d). Reports ``embed.token``."""
        x = self.tok_emb(idx)
        self.record(f"{name}.token", x)
        return self.emb_drop(x)

    def decode(self, idx, memory=None, memory_keep=None, cache: list | None = None, start: int = 0):
        """The LSTM stack over ids (B, T), from the states in ``cache`` if given; -> (B, T, hidden)."""
        x = self.embed(idx, start)
        for i, layer in enumerate(self.lstm):
            x = layer(x, cache[i] if cache is not None else None)
        return x

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        """The linear layer to vocabulary scores (the seed's Dense); (B, T, hidden) -> (B, T, V)."""
        logits = self.lm_head(h)
        self.record("logits", logits)
        return logits

    def forward(self, idx, targets=None, src=None):
        """Logits for ids (B, T) and, given targets, the cross-entropy loss; ``src`` must be None."""
        logits = self.logits(self.decode(idx))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    recording = Transformer.recording  # the same recorder switch: every Recorded module reports

    def new_cache(self) -> list:
        """An empty state cache, one dict per LSTM layer (filled with its h and c)."""
        return [{} for _ in self.lstm]

    def attention_modules(self) -> list:
        return []  # an LSTM has no attention


def lstm_shapes(cfg: ModelConfig) -> dict[str, tuple[int, ...]]:
    """The name and shape of every tensor an LSTMLanguageModel saves (tied ones once), without building it."""
    d, h, V = cfg.d_model, cfg.hidden_size, cfg.vocab_size
    shapes: dict[str, tuple[int, ...]] = {"tok_emb.weight": (V, d)}
    for i in range(cfg.n_layer):
        n_in = d if i == 0 else h
        prefix = f"lstm.{i}.rnn."
        shapes.update({prefix + "weight_ih_l0": (4 * h, n_in), prefix + "weight_hh_l0": (4 * h, h),
                       prefix + "bias_ih_l0": (4 * h,), prefix + "bias_hh_l0": (4 * h,)})
    if not cfg.tie_weights:
        shapes["lm_head.weight"] = (V, h)
    if cfg.bias:
        shapes["lm_head.bias"] = (V,)
    return shapes


def lstm_flops_per_token(cfg: ModelConfig, training: bool = True) -> float:
    """2 FLOPs per weight of every matrix product (LSTM gates and the output layer) per token; ×3 to train.

    The embedding is a lookup, not a product; the gates' element-wise work (~10·hidden) is left out.
    """
    d, h, V = cfg.d_model, cfg.hidden_size, cfg.vocab_size
    gates = sum(4 * h * ((d if i == 0 else h) + h) for i in range(cfg.n_layer))
    forward = 2 * (gates + h * V)
    return 3 * forward if training else forward


def lstm_activation_floats(cfg: ModelConfig, batch_size: int) -> int:
    """Floats kept for the backward pass: per layer and token the 4 gates, c, tanh(c) and h; the embedding."""
    T, h = cfg.block_size, cfg.hidden_size
    return batch_size * T * (cfg.d_model + cfg.n_layer * 8 * h)
