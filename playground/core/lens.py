"""A lens on every layer: logit lens, direct logit attribution, attention over rows, held-out head ablation.

Everything reads a recorded forward ``Trace`` and the model's own modules (final norm, LM head):
``logit_lens(model, tr)`` puts each layer's residual stream through ``model.logits`` and
``logit_attribution(model, tr, position=-1, token_a=3, token_b=5)`` splits logit[3] − logit[5]
into the embeddings' and each sub-layer's push; the parts sum to the real difference.
"""

import math
from dataclasses import dataclass, field

import torch

from .errors import ConfigError
from .i18n import _
from .inspect import set_head_masks, snapshot
from .model import Transformer, evaluating
from .trace import Trace


# --- logit lens --------------------------------------------------------------------------
@dataclass
class LogitLens:
    """Next-token guesses read from each layer's residual stream: row 0 the embeddings, row i after layer i."""

    rows: list[str]  # the record each row reads: "embed.sum", "decoder.0.mlp.residual", ...
    top_ids: torch.Tensor  # (layers + 1, T, k) int64, most likely first
    top_probs: torch.Tensor  # (layers + 1, T, k) float32

    def top(self, row: int, position: int) -> list[tuple[int, float]]:
        """[(token id, probability)] of one cell, most likely first."""
        return list(zip(self.top_ids[row, position].tolist(), self.top_probs[row, position].tolist()))


def stream_names(model: Transformer) -> list[str]:
    """The decoder's residual stream after the embeddings and after each layer, as the trace names it.

    Pre-LN: a layer ends at its feed-forward residual; post-LN: at the norm after it.
    """
    last = "mlp.residual" if model.cfg.norm == "pre" else "norm2"
    return ["embed.sum"] + [f"decoder.{i}.{last}" for i in range(model.cfg.n_layer)]


def row_title(row: int) -> str:
    """A translated name for a lens row: 0 is the embeddings, i the output of layer i."""
    return _("Embeddings") if row == 0 else _("Layer {i}").format(i=row)


@torch.no_grad()
def lens_distribution(model: Transformer, tr: Trace, row: int) -> torch.Tensor:
    """softmax(model.logits(stream)) for one lens row (0: the embeddings, i: after layer i): (T, V) float32."""
    stream = tr.get(stream_names(model)[row]).tensor.to(model.lm_head.weight.device)  # (T, d)
    with evaluating(model):
        logits = model.logits(stream.unsqueeze(0))[0]  # the model's own final norm and LM head: (T, V)
    return torch.softmax(logits.float(), dim=-1).cpu()


def logit_lens(model: Transformer, tr: Trace, k: int = 5) -> LogitLens:
    """Apply the model's final norm and LM head (``model.logits``) to every layer's recorded stream.

    The last row is the model's own output: it equals the trace's softmax at temperature 1. Only the
    top k of each cell are kept (a whole grid of distributions would be layers × T × V floats).
    """
    if k < 1:
        raise ConfigError(_("top_k must be at least 1"))
    tops = [lens_distribution(model, tr, row).topk(min(k, model.cfg.vocab_size), dim=-1)
            for row in range(model.cfg.n_layer + 1)]
    return LogitLens(stream_names(model), torch.stack([t.indices for t in tops]),
                     torch.stack([t.values for t in tops]))


# --- direct logit attribution ---------------------------------------------------------------
@dataclass
class Attribution:
    """logit[a] − logit[b] at one position, split into what each part of the residual stream adds.

    ``sum(values) + bias == logit_difference``: the final norm is frozen at its scale σ for this
    position, so each part p contributes (w_a − w_b)·(γ ⊙ (p − mean p)/σ).
    """

    position: int
    token_a: int
    token_b: int
    names: list[str]  # the records of the parts: "embed.token", "decoder.0.attn.out", ...
    values: list[float]  # each part's push on the difference
    bias: float  # the frozen norm's β term, (w_a − w_b)·β (0 without biases)
    logit_difference: float  # the model's own logit[a] − logit[b], from the trace
    sigma: float  # the final norm's σ for this position
    layers: list[int | None] = field(default_factory=list)  # each part's layer (None: embeddings)

    @property
    def total(self) -> float:
        return sum(self.values) + self.bias


def part_names(model: Transformer) -> list[str]:
    """The records that add up to the decoder's last residual stream (pre-LN), in order."""
    cfg = model.cfg
    names = ["embed.token"] + (["embed.position"] if cfg.position != "rope" else [])
    subs = ("attn", "cross_attn", "mlp") if cfg.architecture == "encoder-decoder" else ("attn", "mlp")
    return names + [f"decoder.{i}.{s}.out" for i in range(cfg.n_layer) for s in subs]


def part_title(name: str) -> str:
    """A translated label for a part: "decoder.1.mlp.out" -> "Layer 2 feed-forward"."""
    if name == "embed.token":
        return _("Token embedding")
    if name == "embed.position":
        return _("Position embedding")
    _stack, layer, sub, _out = name.split(".")
    label = {"attn": _("attention"), "cross_attn": _("cross-attention"), "mlp": _("feed-forward")}[sub]
    return _("Layer {i} {sublayer}").format(i=int(layer) + 1, sublayer=label)


@torch.no_grad()
def logit_attribution(model: Transformer, tr: Trace, position: int, token_a: int, token_b: int) -> Attribution:
    """How much the embeddings and each layer's attention and feed-forward push logit[a] − logit[b].

    Only for pre-LN models: with post-LN every layer ends in a norm, and the output is no sum of parts.
    """
    cfg = model.cfg
    if cfg.norm != "pre":
        raise ConfigError(_("Direct logit attribution needs a pre-LN model: with post-LN every layer ends "
                            "in a layer norm, so the output is not a sum of the layers' outputs. Choose "
                            "pre-LN in the Model panel and train again to see it."))
    T = tr.get("tokens").tensor.numel()
    if not -T <= position < T:
        raise ConfigError(_("position {p} is outside the input, which has {n} tokens").format(p=position, n=T))
    position %= T
    for token in (token_a, token_b):
        if not 0 <= token < cfg.vocab_size:
            raise ConfigError(_("token ids must be between 0 and {n}; was the text encoded with this model's "
                                "tokenizer?").format(n=cfg.vocab_size - 1))
    names = part_names(model)
    parts = torch.stack([tr.get(n).tensor[position] for n in names]).double()  # (P, d)
    stream = tr.get(stream_names(model)[-1]).tensor[position].double()  # (d,)
    norm = model.final_norm
    sigma = math.sqrt(float(stream.var(unbiased=False)) + norm.eps)
    gamma = norm.weight.detach().double().cpu()
    direction = (model.lm_head.weight[token_a] - model.lm_head.weight[token_b]).detach().double().cpu()  # (d,)
    centred = parts - parts.mean(-1, keepdim=True)
    values = (centred / sigma * gamma) @ direction  # (P,)
    bias = float(norm.bias.detach().double().cpu() @ direction) if norm.bias is not None else 0.0
    logits = tr.get("logits").tensor[position]
    layers = [None if n.startswith("embed.") else int(n.split(".")[1]) for n in names]
    return Attribution(position, token_a, token_b, names, values.tolist(), bias,
                       float(logits[token_a] - logits[token_b]), sigma, layers)


# --- attention over several query rows ----------------------------------------------------
def attention_over_rows(tr: Trace, prefix: str, rows: list[int], mean: bool = True) -> torch.Tensor:
    """The attention weights of ``prefix`` ("decoder.0.attn") summed or averaged over query rows: (head, key).

    Averaged rows still sum to 1 per head: where the selected queries looked, together.
    """
    weights = tr.get(f"{prefix}.weights").tensor  # (nh, Tq, Tk)
    if not rows or not all(0 <= r < weights.size(1) for r in rows):
        raise ConfigError(_("choose query rows between 1 and {n}").format(n=weights.size(1)))
    picked = weights[:, sorted(set(rows))]  # (nh, R, Tk)
    return picked.mean(1) if mean else picked.sum(1)


# --- head ablation on held-out loss ---------------------------------------------------------
@dataclass
class AblationLoss:
    """Held-out loss with all heads on and with the chosen heads off, and each head alone off."""

    loss: float  # all heads on
    ablated_loss: float  # with ``ablated`` switched off (== loss when none are)
    ablated: dict[str, set[int]]
    per_head: dict[tuple[str, int], float]  # (module, head) -> loss with that head alone off, minus ``loss``
    tokens: int  # held-out tokens the losses average over
    batches: int

    @property
    def delta(self) -> float:
        return self.ablated_loss - self.loss


def heldout_batches(task, block_size: int, batches: int = 4, batch_size: int = 16, seed: int = 1234) -> list[dict]:
    """The same validation batches every time (seeded), as the trainer's evaluation draws them."""
    g = torch.Generator().manual_seed(seed)
    return [task.batch("val", batch_size, block_size, g) for _ in range(batches)]


@torch.no_grad()
def heldout_loss(model: Transformer, batches: list[dict]) -> tuple[float, int]:
    """(mean cross-entropy per counted token, tokens counted) of the model on the given batches."""
    device = model.lm_head.weight.device
    total, count = 0.0, 0
    with evaluating(model):
        for batch in batches:
            b = {k: v.to(device) for k, v in batch.items()}
            _logits, loss = model(b["idx"], b["targets"], src=b.get("src"))
            n = int((b["targets"] != -100).sum())
            total += float(loss) * n
            count += n
    return (total / count if count else math.nan), count


def ablation_loss(model: Transformer, task, ablated: dict[str, set[int]], batches: int = 4, batch_size: int = 16,
                  per_head: bool = True, seed: int = 1234, should_stop=lambda: False) -> AblationLoss:
    """The held-out (validation) loss with and without the ``ablated`` heads, on a snapshot of the model.

    ``per_head``: also each head alone switched off (one pass over the batches per head).
    """
    if batches < 1 or batch_size < 1:
        raise ConfigError(_("use at least one batch of at least one example"))
    ablated = {k: set(v) for k, v in ablated.items() if v}
    copy = snapshot(model)
    data = heldout_batches(task, model.cfg.block_size, batches, batch_size, seed)
    base, tokens = heldout_loss(copy, data)
    off = base
    if ablated:
        set_head_masks(copy, ablated)
        off, _n = heldout_loss(copy, data)
    table = {}
    if per_head:
        for name, attn in copy.attention_modules():
            for head in range(attn.n_head):
                if should_stop():
                    break
                set_head_masks(copy, {name: {head}})
                table[(name, head)] = heldout_loss(copy, data)[0] - base
    set_head_masks(copy, {})
    return AblationLoss(base, off, ablated, table, tokens, batches)
