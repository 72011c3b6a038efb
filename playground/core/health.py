"""Training health: per-layer gradient norms, update-to-weight ratios and attention entropy, in words when off.

The monitor reads slices of ``FlatAdamW``'s flat buffers (weights, gradients, moments) after a step,
so a measurement is a few vector norms per layer, taken every ``health_interval`` steps:

    monitor = HealthMonitor(model, optimizer, grad_clip=1.0)
    record = monitor.measure(step, lr, grad_norm)      # HealthRecord: one value per layer
    record = attention_record(step, model, batch)      # AttentionRecord: entropy per head, in nats

Layers: "embedding" (token and position embeddings), "encoder.0", ..., "decoder.0", ..., "head"
(final norm, and the output projection when it is not tied to the embedding).
"""

import math
import re
from dataclasses import dataclass, field

import torch

from .i18n import _
from .model import evaluating

LARGE_UPDATE = 1e-2  # ‖Δw‖/‖w‖ of one step above this, sustained: the step moves the weights too far
# Adam moves every embedding row it sees by about lr per step whatever its size: healthy default runs here
# (grammar, reversal, the tests' tiny model) peak at 2-3e-2 in the embeddings while the blocks stay below 1e-2
EMBEDDING_LARGE_UPDATE = 5e-2
EXPLODING_GROWTH = 100.0  # the gradient norm this many times its early value: exploding
VANISHING_SHARE = 1e-4  # a layer's gradient below this share of the median layer's: vanishing
CLIPPED_SAMPLES = 20  # clipped at this many measurements in a row after warm-up: the clip does the lr's job
SUSTAINED = 10  # measurements in a row above LARGE_UPDATE before a warning (Adam's first steps are large)
HUGE = 10.0  # ten times the line: two measurements in a row are enough
EARLY = 3  # the first measurements give the baseline gradient norm
COLLAPSED_NATS = 0.1  # a row this close to 0 nats looks at one key
COLLAPSED_ROWS = 0.9  # share of the rows that must look at the same key for a head to count as collapsed
# One head resting on one position is common in healthy models (reversal's decoder parks one on <bos>);
# a warning comes when at least this share of all the model's heads did so
COLLAPSED_SHARE = 0.25


@dataclass
class HealthRecord:
    step: int
    layers: list[str]  # "embedding", "encoder.0", "decoder.0", ..., "head"
    grad_norms: list[float]  # per layer, before clipping
    update_ratios: list[float]  # per layer, ‖Δw‖ / ‖w‖ of this step's update
    clipped: bool  # the global gradient norm was above grad_clip
    warnings: list[dict] = field(default_factory=list)  # {"code", "layer", "value"}; words from describe()
    kind: str = "health"


@dataclass
class AttentionRecord:
    step: int
    modules: list[str]  # "decoder.0.attn", "decoder.0.cross_attn", "encoder.0.attn", ...
    entropy: list[list[float]]  # per module and head: mean entropy of the rows, in nats
    max_entropy: float  # log(T) of the batch: the entropy of uniform attention over the whole context
    warnings: list[dict] = field(default_factory=list)  # {"code": "collapsed", "layer", "head"}
    kind: str = "attention"


def layer_of(name: str, encoder_layers: int) -> str:
    """The layer a parameter belongs to: "decoder.1.attn.qkv_proj.weight" -> "decoder.1"."""
    if name.startswith(("tok_emb.", "pos_emb.")):
        return "embedding"
    match = re.match(r"(encoder|decoder)\.(\d+)\.", name)
    if match:
        return f"{match.group(1)}.{match.group(2)}"
    if name.startswith("enc_norm."):
        return f"encoder.{encoder_layers - 1}"  # the encoder's last step
    return "head"


def layer_order(name: str) -> tuple:
    kind, _dot, index = name.partition(".")
    rank = {"embedding": 0, "encoder": 1, "decoder": 2, "head": 3}[kind]
    return rank, int(index or 0)


def layer_slices(model, optimizer) -> dict[str, list[tuple[int, int, bool]]]:
    """Per layer, the (start, end, decayed) ranges of the optimizer's flat buffer that hold its parameters.

    Contiguous parameters merge, so a layer is about two ranges (its matrices, then its norms)."""
    base, size = optimizer.flat.data_ptr(), optimizer.flat.element_size()
    ranges: dict[str, list[list]] = {}
    seen = set()
    for name, p in model.named_parameters():
        if id(p) in seen or not p.requires_grad:
            continue
        seen.add(id(p))
        start = (p.data_ptr() - base) // size
        decayed = start < optimizer.n_decay
        rows = ranges.setdefault(layer_of(name, model.cfg.encoder_layers), [])
        rows.append([start, start + p.numel(), decayed])
    merged = {}
    for layer in sorted(ranges, key=layer_order):
        out = []
        for start, end, decayed in sorted(ranges[layer]):
            if out and out[-1][1] == start and out[-1][2] == decayed:
                out[-1][1] = end
            else:
                out.append([start, end, decayed])
        merged[layer] = [tuple(r) for r in out]
    return merged


class HealthMonitor:
    """Measures a trainer's layers after a step and keeps what it needs to tell a trend from a blip."""

    def __init__(self, model, optimizer, grad_clip: float = 0.0, warmup_steps: int = 0):
        self.optimizer, self.grad_clip, self.warmup_steps = optimizer, grad_clip, warmup_steps
        self.slices = layer_slices(model, optimizer)
        self.layers = list(self.slices)
        self.history: list[list[float]] = []  # per measurement, the layers' gradient norms
        self.large_streak: dict[str, int] = {}
        self.clipped_streak = 0
        self.early: float | None = None

    def measure(self, step: int, lr: float, grad_norm: float) -> HealthRecord:
        """Right after ``optimizer.step(lr)``: its gradients (clipped), moments and new weights are all in the
        flat buffers. ``grad_norm`` is the global norm before clipping, as the trainer reports it."""
        opt = self.optimizer
        b1, _b2 = opt.betas
        # the step was w ← w·(1 − lr·wd) − c·m/denom on decayed ranges, w ← w − c·m/denom elsewhere
        c = lr / (1.0 - b1 ** opt.step_count)
        shrink = 1.0 - lr * opt.weight_decay
        unclip = 1.0
        if self.grad_clip and grad_norm > 0:
            unclip = 1.0 / min(1.0, self.grad_clip / (grad_norm + 1e-6))
        grads, deltas, olds = [], [], []
        for ranges in self.slices.values():
            g2 = d2 = w2 = 0.0
            for start, end, decayed in ranges:
                new = opt.flat[start:end]
                adam = opt.exp_avg[start:end] / opt.denom[start:end] * c
                old = (new + adam) / shrink if decayed and opt.weight_decay else new + adam
                delta = new - old
                g2 = g2 + opt.grad[start:end].square().sum()
                d2 = d2 + delta.square().sum()
                w2 = w2 + old.square().sum()
            grads.append(g2)
            deltas.append(d2)
            olds.append(w2)
        values = torch.stack([torch.as_tensor(v, device=opt.flat.device) for v in grads + deltas + olds]).sqrt()
        values = values.double().tolist()  # one transfer from the device
        n = len(self.layers)
        grad_norms = [g * unclip for g in values[:n]]
        ratios = [d / w if w > 0 else 0.0 for d, w in zip(values[n:2 * n], values[2 * n:])]
        clipped = bool(self.grad_clip) and grad_norm > self.grad_clip
        record = HealthRecord(step, list(self.layers), grad_norms, ratios, clipped)
        record.warnings = self._judge(grad_norm, grad_norms, ratios, clipped and step > self.warmup_steps)
        return record

    def _judge(self, grad_norm: float, grad_norms: list[float], ratios: list[float], clipped: bool) -> list[dict]:
        warnings = []
        for layer, ratio in zip(self.layers, ratios):
            line = EMBEDDING_LARGE_UPDATE if layer == "embedding" else LARGE_UPDATE
            self.large_streak[layer] = self.large_streak.get(layer, 0) + 1 if ratio > line else 0
            streak = self.large_streak[layer]
            if streak >= SUSTAINED or (ratio > HUGE * line and streak >= 2):
                warnings.append({"code": "large_update", "layer": layer, "value": ratio})
        self.history.append(grad_norms)
        if len(self.history) == EARLY:
            self.early = sorted(sum(g * g for g in row) ** 0.5 for row in self.history)[EARLY // 2]
        if self.early and grad_norm > EXPLODING_GROWTH * self.early:
            warnings.append({"code": "exploding", "layer": "", "value": grad_norm / self.early})
        self.clipped_streak = self.clipped_streak + 1 if clipped else 0
        if self.clipped_streak >= CLIPPED_SAMPLES:
            warnings.append({"code": "always_clipped", "layer": "", "value": float(self.clipped_streak)})
        if len(grad_norms) > 1:
            median = sorted(grad_norms)[len(grad_norms) // 2]
            for layer, g in zip(self.layers, grad_norms):
                if median > 0 and g < VANISHING_SHARE * median:
                    warnings.append({"code": "vanishing", "layer": layer, "value": g / median})
        return warnings


def attention_record(step: int, model, batch: dict) -> AttentionRecord:
    """Entropy of each head's attention on a fixed held-out batch, in nats, averaged over its rows."""
    names = {id(m): name for name, m in model.attention_modules()}
    found: dict[str, dict] = {}

    def recorder(module, what, tensor):
        if what in ("mask", "weights") and id(module) in names:
            found.setdefault(names[id(module)], {})[what] = tensor

    idx, src = batch["idx"], batch.get("src")
    with torch.no_grad(), evaluating(model), model.recording(recorder):
        model(idx, src=src)
    pad = model.cfg.pad_id
    modules, entropy, warnings = [], [], []
    for name, _m in model.attention_modules():
        if name not in found:
            continue
        queries = (src if name.startswith("encoder") and src is not None else idx) != pad  # (B, Tq)
        heads, collapsed = head_entropy(found[name]["weights"].float(), found[name]["mask"], queries)
        modules.append(name)
        entropy.append(heads)
        warnings += [{"code": "collapsed", "layer": name, "head": h} for h in collapsed]
    total = sum(len(heads) for heads in entropy)
    if len(warnings) < COLLAPSED_SHARE * total:
        warnings = []
    for warning in warnings:
        warning.update(value=len(warnings), of=total)
    T = max(idx.size(1), src.size(1) if src is not None else 0)
    return AttentionRecord(step, modules, entropy, math.log(T), warnings)


def head_entropy(weights: torch.Tensor, mask: torch.Tensor, queries: torch.Tensor) -> tuple[list[float], list[int]]:
    """Mean row entropy per head (nats) and the heads that collapsed onto one key.

    weights and mask are (B, nh, Tq, Tk); queries (B, Tq) marks real (not padding) query tokens. A head
    collapsed when nearly every row that could look at two keys or more looks at one key only, the same
    key in every row of an example (a previous-token head looks at one key per row too, a different one).
    """
    rows = -torch.special.xlogy(weights, weights).sum(-1)  # (B, nh, Tq)
    real = queries[:, None, :].expand_as(rows)
    choice = mask.sum(-1) >= 2  # rows that had a choice; a causal first row has none
    mean = (rows * real).sum((0, 2)) / real.sum((0, 2)).clamp(min=1)
    judged = real & choice
    sharp = (rows < COLLAPSED_NATS) & judged
    top = weights.argmax(-1)  # (B, nh, Tq)
    collapsed = []
    for h in range(weights.size(1)):
        n = int(judged[:, h].sum())
        if n == 0 or int(sharp[:, h].sum()) < COLLAPSED_ROWS * n:
            continue
        same = 0
        for b in range(weights.size(0)):
            keys = top[b, h][judged[b, h]]
            if keys.numel():
                same += int((keys == keys.mode().values).sum())
        if same >= COLLAPSED_ROWS * n:
            collapsed.append(h)
    return mean.tolist(), collapsed


def describe(warning: dict) -> tuple[str, str]:
    """What is off, and what to try, in the user's language: (message, advice)."""
    code, layer, value = warning["code"], layer_title(warning.get("layer", "")), warning.get("value", 0.0)
    if code == "large_update":
        return (_("Large updates in {layer}: each step changes its weights by {r:.1%} (above about 1%).").format(
                    layer=layer, r=value),
                _("Try a lower learning rate or a longer warm-up."))
    if code == "exploding":
        return (_("Exploding gradients: the gradient norm is {x:.0f} times what it was early in the run.").format(
                    x=value),
                _("Try a lower learning rate, gradient clipping (e.g. 1.0), or pre-norm layers."))
    if code == "always_clipped":
        return (_("The gradient was clipped at every one of the last {n:.0f} measurements.").format(n=value),
                _("Clipping is doing the learning rate's job: try a lower learning rate."))
    if code == "vanishing":
        return (_("Vanishing gradient in {layer}: {x:.1e} of the median layer's, so it barely learns.").format(
                    layer=layer, x=value),
                _("Check that the layer is used (a weight stuck at zero?); try pre-norm layers or another "
                  "initialisation."))
    if code == "collapsed":
        return (_("Head {h} of {layer} collapsed: every row looks at one and the same position.").format(
                    h=warning["head"] + 1, layer=layer),
                _("{n} of the model's {total} heads do this, leaving it little attention to use: try a lower "
                  "learning rate, more warm-up or dropout. Ablate a head in Inspect to see if it matters.").format(
                    n=warning["value"], total=warning["of"]))
    return code, ""


def layer_title(name: str) -> str:
    """A layer or attention module as people say it: "decoder.1.cross_attn" -> "decoder layer 2, cross-attention"."""
    if not name:
        return ""
    if name == "embedding":
        return _("the embeddings")
    if name == "head":
        return _("the output head")
    parts = name.split(".")
    kind, index = parts[0], int(parts[1]) + 1
    title = (_("encoder layer {n}") if kind == "encoder" else _("decoder layer {n}")).format(n=index)
    if len(parts) > 2:
        title += ", " + (_("cross-attention") if parts[2] == "cross_attn" else _("self-attention"))
    return title


def entropy_batch(task, block_size: int, seed: int, size: int = 8) -> dict:
    """The fixed held-out batch the attention entropy is measured on at every evaluation."""
    g = torch.Generator().manual_seed(seed)
    return task.batch("val", size, block_size, g)
