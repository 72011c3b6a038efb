"""The backward pass worked through: one training step on a copy of the model, recorded stage by stage.

``backward_trace(model, ids, targets=targets_for(task, ids, None))`` deep-copies the model, runs its
own forward pass through the tracer's recorder (the same records as ``trace()``), keeps the live
tensors' gradients (``retain_grad``), calls ``loss.backward()`` and takes one real ``FlatAdamW`` step
as the trainer does (clipping, ``lr_at(step)``, weight decay). The records come in reverse order of
the forward stages: ``loss``, ``grad.logits``, ``grad.<forward record>`` (``grad.decoder.0.attn.weights``
is ∂L/∂A), ``param.<parameter>`` at the end of its group, ``grad.stream_norms`` (and, encoder-decoder,
``grad.source_stream_norms``) in "output", ``grad.embed.rows`` in "embedding", then a last group
``update`` (``param.norms``, ``update.ratio``, ``update.loss``). The copy runs in eval mode, so dropout
is off and one step is repeatable. Only ``apply_step`` changes the caller's model.
Beyond the shared contract: ``pair_example``, ``OptimizerDetail.m_prev``/``v_prev``, and the
``BackwardTrace`` attributes ``targets``, ``lr``, ``grad_norm``, ``clip_scale``, ``train_cfg``.
"""

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .errors import ConfigError
from .i18n import _
from .optim import FlatAdamW
from .tasks import IGNORE, PairTask
from .trace import StageRecord, Trace, _check_inputs, _record_forward, _Recorder
from .train import TrainConfig, lr_at


@dataclass
class OptimizerDetail:
    """The numbers of one AdamW step for one element of one weight: new = old − decay − update."""

    g: float  # the gradient after clipping: clip_scale · ∂L/∂w
    m: float  # first moment: β1·m_prev + (1 − β1)·g
    v: float  # second moment: β2·v_prev + (1 − β2)·g²
    m_hat: float  # m / (1 − β1^step)
    v_hat: float  # v / (1 − β2^step)
    lr: float
    eps: float
    weight_decay: float
    decay: float  # lr·wd·old, exactly what the decay took off (0 for norms and biases)
    update: float  # lr·m̂/(√v̂ + ε), exactly what the Adam step took off
    old: float
    new: float
    step: int  # the optimizer's step count after this step (1 for a fresh optimizer)
    beta1: float
    beta2: float
    clip_scale: float  # min(1, max_norm / (‖g‖ + 1e-6)); 1 when clipping is off
    m_prev: float = 0.0
    v_prev: float = 0.0


class BackwardTrace(Trace):
    """The records of one training step, last forward stage first, and the step's numbers."""

    def __init__(self, records, forward: Trace, **step):
        super().__init__(records, forward.top_k)
        self.forward = forward
        self.targets: list[int] = step["targets"]
        self.loss_before: float = step["loss_before"]
        self.loss_after: float = step["loss_after"]
        self.param_grads: dict[str, torch.Tensor] = step["param_grads"]  # as loss.backward() leaves them
        self.new_params: dict[str, torch.Tensor] = step["new_params"]
        self.optimizer_state: dict = step["optimizer_state"]  # FlatAdamW.state_dict() after the step
        self.lr: float = step["lr"]
        self.grad_norm: float = step["grad_norm"]  # global norm before clipping
        self.clip_scale: float = step["clip_scale"]
        self.train_cfg: TrainConfig = step["train_cfg"]
        self._buffers: dict = step["buffers"]  # flat optimizer buffers before and after, for the detail

    @property
    def param_names(self) -> list[str]:
        return list(self.param_grads)

    def to_json(self, include_values: bool = False, max_values: int = 4096) -> dict:
        return {**super().to_json(include_values, max_values), "targets": self.targets,
                "loss_before": self.loss_before, "loss_after": self.loss_after, "lr": self.lr,
                "grad_norm": self.grad_norm, "clip_scale": self.clip_scale, "parameters": self.param_names}


# --- the inspected example's targets -------------------------------------------------------
def targets_for(task, ids: list[int], src_ids: list[int] | None = None) -> list[int]:
    """The targets the task trains ``ids`` on, IGNORE (-100) where no loss is taken; any task but a
    ``PairTask`` (None too) is a text task.

    Text: the next token ([5, 6, 7] -> [6, 7, -100]); pair task, decoder-only: the tokens after
    ``<sep>`` then ``<eos>``; encoder-decoder: the decoder's ids after ``<bos>`` then ``<eos>``.
    """
    if not isinstance(task, PairTask):
        return list(ids[1:]) + [IGNORE]
    tok = task.tokenizer
    if src_ids is None and tok.sep_id in ids:
        sep = ids.index(tok.sep_id)
        return [IGNORE] * sep + list(ids[sep + 1:]) + [tok.eos_id]
    if src_ids is not None:
        return list(ids[1:]) + [tok.eos_id]
    raise ConfigError(_("this input has no separator token: give the source and its answer as the task "
                        "trains them"))


def pair_example(task: PairTask, source: str, answer: str | None = None) -> tuple[list, list | None, list]:
    """(ids, src_ids, targets) of ``source`` and its answer, collated as the trainer collates them; the
    answer defaults to the task's own answer for that source (from its training or validation pairs)."""
    if answer is None:
        answer = next((t for s, t in (*task.train_pairs, *task.val_pairs) if s == source), None)
        if answer is None:
            raise ConfigError(_("{source!r} is not one of the task's examples: give its answer too").format(
                source=source))
    tok = task.tokenizer
    batch = task.collate([(tok.encode_ids(source), tok.encode_ids(answer))])
    src = batch["src"][0].tolist() if "src" in batch else None
    return batch["idx"][0].tolist(), src, batch["targets"][0].tolist()


def _checked_targets(targets, ids) -> list[int]:
    targets = [int(t) for t in targets]
    if len(targets) != len(ids):
        raise ConfigError(_("give one target per input token ({n} tokens, {m} targets)").format(
            n=len(ids), m=len(targets)))
    if all(t == IGNORE for t in targets):
        raise ConfigError(_("no position has a target, so there is no loss to take back: give a longer "
                            "input or the answer too"))
    return targets


# --- one recorded training step --------------------------------------------------------------
class _LiveRecorder(_Recorder):
    """The tracer's recorder that also keeps each reported tensor live and asks autograd for its gradient."""

    def __init__(self, model):
        super().__init__(model)
        self.live: dict[str, torch.Tensor] = {}

    def __call__(self, module, name, tensor):
        before = len(self.records)
        super().__call__(module, name, tensor)
        if tensor.requires_grad:
            tensor.retain_grad()
            for record in self.records[before:]:
                self.live[record.name] = tensor


def backward_trace(model, ids: list[int], src_ids: list[int] | None = None, targets: list[int] | None = None,
                   *, optimizer_state: dict | None = None, train_cfg: TrainConfig | None = None,
                   step: int | None = None) -> BackwardTrace:
    """One training step on a copy of ``model`` for one example, recorded (see the module's docstring).

    ``targets`` default to the next tokens (text); ``optimizer_state`` is ``FlatAdamW.state_dict()``
    (default: a fresh optimizer); ``step`` (the trainer's step; default: the state's step count, 0
    when fresh) picks the learning rate, ``lr_at(step, train_cfg)``. In float32, without the
    trainer's bf16 autocast on CUDA.
    """
    _check_inputs(model.cfg, ids, src_ids, 1, 1.0)
    targets = _checked_targets(targets if targets is not None else list(ids[1:]) + [IGNORE], ids)
    cfg = train_cfg or TrainConfig()
    work = copy.deepcopy(model).eval()  # eval: dropout off, so the step is the same every time
    optimizer = FlatAdamW(work, cfg.weight_decay, (cfg.beta1, cfg.beta2))
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)  # copies: the caller's tensors stay as they are
    rec = _LiveRecorder(work)
    forward = _record_forward(work, ids, src_ids, 10, 1.0, rec, targets)
    rec.loss.backward()
    step = optimizer.step_count if step is None else step
    buffers, clip_scale, grad_norm, lr = _optimizer_step(work, optimizer, cfg, step)
    with torch.no_grad():
        after_rec = _Recorder(work)
        after = _record_forward(work, ids, src_ids, 10, 1.0, after_rec, targets)
    names = [n for n, _p in work.named_parameters()]
    param_grads, new_params = _by_name(names, buffers, "grad"), _by_name(names, buffers, "new")
    losses = torch.stack((_position_loss(forward, targets), _position_loss(after, targets)), dim=1)  # (T, 2)
    records = _records(work, rec, forward, losses, param_grads, buffers)
    return BackwardTrace(records, forward, targets=targets, loss_before=rec.loss.item(),
                         loss_after=after_rec.loss.item(), param_grads=param_grads,
                         new_params=new_params, buffers=buffers, lr=lr, grad_norm=grad_norm, clip_scale=clip_scale,
                         optimizer_state={k: v.detach().clone() for k, v in optimizer.state_dict().items()},
                         train_cfg=cfg)


def _optimizer_step(work, optimizer: FlatAdamW, cfg: TrainConfig, step: int):
    """Clip and step as ``Trainer.train_step`` does; returns the flat buffers before and after."""
    names = {id(p): n for n, p in work.named_parameters()}
    offsets, at = {}, 0
    for p in optimizer.params:
        offsets[names[id(p)]] = (at, p.shape)
        at += p.numel()
    before = {"old": optimizer.flat.clone(), "m_prev": optimizer.exp_avg.clone(),
              "v_prev": optimizer.exp_avg_sq.clone(), "grad": optimizer.grad.clone()}  # grad: before clipping
    norm = optimizer.grad_norm()
    clip_scale = torch.clamp(cfg.grad_clip / (norm + 1e-6), max=1.0).item() if cfg.grad_clip else 1.0
    optimizer.clip_grad_norm(cfg.grad_clip)
    lr = lr_at(step, cfg)
    optimizer.step(lr)
    buffers = {**before, "g": optimizer.grad.clone(), "m": optimizer.exp_avg.clone(),
               "v": optimizer.exp_avg_sq.clone(), "new": optimizer.flat.clone(), "offsets": offsets,
               "n_decay": optimizer.n_decay, "step": optimizer.step_count, "betas": optimizer.betas,
               "eps": optimizer.eps, "weight_decay": optimizer.weight_decay}
    return buffers, clip_scale, norm.item(), lr


def _by_name(names, buffers, key: str) -> dict[str, torch.Tensor]:
    """Each named parameter's slice of a flat optimizer buffer, in the order of ``names`` (views: no copy)."""
    views = {}
    for name in names:
        start, shape = buffers["offsets"][name]
        views[name] = buffers[key][start:start + shape.numel()].view(shape)
    return views


def _position_loss(tr: Trace, targets: list[int]) -> torch.Tensor:
    """−log p(target) at each position, from the recorded logits; NaN where no loss is taken. (T,)"""
    t = torch.tensor(targets)
    loss = F.cross_entropy(tr.get("logits").tensor, t.clamp(min=0), reduction="none")
    return torch.where(t != IGNORE, loss, torch.full_like(loss, float("nan")))


# --- the records ------------------------------------------------------------------------------
def _records(work, rec: _LiveRecorder, forward: Trace, losses, param_grads, buffers) -> list[StageRecord]:
    """Loss, ∂L/∂logits, each recorded activation's gradient (last stage first), each group's weight
    gradients at the end of the group, then the update; groups stay contiguous for the stepper."""
    cfg, texts = work.cfg, _grad_texts(work.cfg)
    loss_rec = torch.stack((losses[:, 0], torch.exp(-losses[:, 0])), dim=1)  # (T, 2): −log p, p
    groups: dict[str, list[StageRecord]] = {"output": [
        _record("loss", "output", _("Loss at each position"), _("The cross-entropy −log p(target): column 0 is the "
                "loss, column 1 the probability the model gave the target (empty where no loss is taken)."),
                "ℓ_t = −log softmax(z_t)[y_t]", loss_rec, ("position", "loss_probability")),
        _record("grad.logits", "output", _("Gradient of the logits"), _("The softmax minus one-hot of the target, "
                "divided by the number N of positions with a target: it pushes the target's score up and every "
                "other score down."), "∂L/∂z = (softmax(z) − onehot(y)) / N", rec.live["logits"].grad[0],
                ("position", "token"))]}
    for r in reversed(forward.records):
        live = rec.live.get(r.name)
        if r.name == "logits" or live is None or live.grad is None:
            continue
        grad = live.grad[0] if live.grad.dim() == r.tensor.dim() + 1 else live.grad
        explanation, formula = texts[_kind(r.name)]
        groups.setdefault(r.group, []).append(_record(
            f"grad.{r.name}", r.group, _("Gradient: {title}").format(title=r.title), explanation, formula, grad,
            r.axes, r.layer))
    groups["output"] += _stream_norms(cfg, rec)
    for name, grad in param_grads.items():
        group, layer = _param_group(name)
        groups.setdefault(group, []).append(_param_record(work, name, grad, group, layer))
    groups.setdefault("embedding", []).append(_embed_rows(work, rec))
    groups["update"] = _update_records(param_grads, buffers, losses)
    return [r for records in groups.values() for r in records]


def _record(name, group, title, explanation, formula, tensor, axes, layer=None) -> StageRecord:
    t = tensor.detach().to("cpu", torch.float32).clone(memory_format=torch.contiguous_format)
    return StageRecord(name, group, title, explanation, formula, t, tuple(axes), layer)


def _kind(name: str) -> str:
    """The kind of a forward record for its gradient's texts: "decoder.0.attn.weights" -> "weights"."""
    parts = name.split(".")
    last = parts[-1]
    if last == "out":
        return "mlp.out" if parts[-2] == "mlp" else "attn.out"
    if last.startswith("norm"):
        return "norm"
    return {"final_norm": "memory" if parts[0] == "encoder" else "final_norm"}.get(last, last)


def _grad_texts(cfg) -> dict[str, tuple[str, str]]:
    """(explanation, formula) of an activation's gradient, per kind of forward stage, translated now."""
    rope, pre = cfg.position == "rope", cfg.norm == "pre"
    w_out = "E" if cfg.tie_weights else "W_out"
    passes = _("The addition passes the gradient of its sum to this sub-layer's output unchanged.")
    return {
        "final_norm": (_("The gradient of the scores goes back through the output projection to the last "
                         "normalised state."), f"∂L/∂LN(x) = ∂L/∂z·{w_out}"),
        "residual": (_("The residual stream's gradient: through the additions it reaches every earlier layer "
                       "directly, plus what each sub-layer adds."),
                     "∂L/∂x = ∂L/∂x′ + (∂f/∂x)ᵀ·∂L/∂x′, x′ = x + f(LN(x))" if pre else
                     "∂L/∂s = LN′(s)ᵀ·∂L/∂LN(s), s = x + f(x)"),
        "norm": (_("The gradient reaching the layer norm's output, which the norm passes on to its input."),
                 "∂L/∂LN(x)"),
        "mlp.out": (passes, "∂L/∂y = ∂L/∂(x + y)"),
        "hidden": (_("The output's gradient sent back through the down projection to each hidden unit."),
                   "∂L/∂h = ∂L/∂y·W₂ᵀ"),
        "attn.out": (passes, "∂L/∂O = ∂L/∂(x + O)"),
        "heads": (_("The output projection's gradient split back into the heads."), "∂L/∂H = ∂L/∂O·W_Oᵀ"),
        "weights": (_("How the loss would change if a query took a little more from a key: compare it with the "
                      "attention weights A."), "∂L/∂A = ∂L/∂H·Vᵀ"),
        "scores": (_("Through the softmax: a key's score gets a positive push where its ∂L/∂A is above the row's "
                     "weighted average, and masked keys get none."), "∂L/∂S = A ⊙ (∂L/∂A − Σ_j A ⊙ ∂L/∂A)"),
        "q_rope": (_("The scores' gradient sent to the rotated queries."), "∂L/∂Q′ = ∂L/∂S·K′/√d_k"),
        "k_rope": (_("The scores' gradient sent to the rotated keys."), "∂L/∂K′ = (∂L/∂S)ᵀ·Q′/√d_k"),
        "q": (_("The scores' gradient sent to the queries."),
              "∂L/∂Q = rotate(∂L/∂Q′, −θ)" if rope else "∂L/∂Q = ∂L/∂S·K/√d_k"),
        "k": (_("The scores' gradient sent to the keys."),
              "∂L/∂K = rotate(∂L/∂K′, −θ)" if rope else "∂L/∂K = (∂L/∂S)ᵀ·Q/√d_k"),
        "v": (_("Each value's gradient: the heads' output gradient, weighted by how much each query took from "
                "it."), "∂L/∂V = Aᵀ·∂L/∂H"),
        "memory": (_("Every decoder layer's cross-attention sends gradient back to the memory through its keys "
                     "and values."), "∂L/∂memory = Σ_layers (∂L/∂K·W_Kᵀ + ∂L/∂V·W_Vᵀ)"),
        "sum": (_("The gradient that reaches the first state of the residual stream."), "∂L/∂x₀"),
        "token": (_("The gradient each position's token embedding receives; it is added to its row of the "
                    "embedding matrix."), "∂L/∂E[id] = ∂L/∂x₀" + (" · √d_model" if cfg.position == "sinusoidal"
                                                                 else "")),
        "position": (_("The gradient each position's learned position vector receives."), "∂L/∂P[pos] = ∂L/∂x₀"),
    }


def _stream_norms(cfg, rec: _LiveRecorder) -> list[StageRecord]:
    """‖∂L/∂x‖ of the residual stream per layer (row 0: the embeddings) and position, decoder (and encoder)."""
    out_name = "mlp.residual" if cfg.norm == "pre" else "norm2"
    stacks = [("grad.stream_norms", "embed.sum", "decoder", cfg.n_layer)]
    if cfg.encoder_layers:
        stacks.append(("grad.source_stream_norms", "source.embed.sum", "encoder", cfg.encoder_layers))
    records = []
    for name, first, stack, n in stacks:
        rows = [rec.live[first].grad] + [rec.live[f"{stack}.{i}.{out_name}"].grad for i in range(n)]
        norms = torch.stack([torch.linalg.vector_norm(g[0], dim=-1) for g in rows])  # (layers + 1, T)
        title = _("Residual stream gradient norms") if stack == "decoder" else _(
            "Encoder residual stream gradient norms")
        records.append(_record(name, "output", title, _("How strongly the loss pulls on the residual stream at "
                               "each layer (row 0: the embeddings) and position; vanishing gradients fade "
                               "towards row 0."), "‖∂L/∂x_l[pos]‖", norms, ("layer", "position")))
    return records


def _param_group(name: str) -> tuple[str, int | None]:
    """The forward group a parameter belongs to: "decoder.1.mlp.up_proj.weight" -> ("decoder.1", 1)."""
    parts = name.split(".")
    if parts[0] in ("encoder", "decoder"):
        return f"{parts[0]}.{parts[1]}", int(parts[1])
    if parts[0] in ("tok_emb", "pos_emb"):
        return "embedding", None
    return ("memory" if parts[0] == "enc_norm" else "output"), None


def _param_record(work, name: str, grad, group: str, layer) -> StageRecord:
    module = work.get_submodule(name.rpartition(".")[0])
    title = _("Weight gradient: {name}").format(name=name)
    if isinstance(module, torch.nn.LayerNorm):
        explanation, formula, axes = (_("The norm's scale (γ) or shift (β) gradient, summed over positions."),
                                      "g = ∂L/∂β = Σ_pos ∂L/∂y" if name.endswith("bias") else
                                      "g = ∂L/∂γ = Σ_pos x̂ ⊙ ∂L/∂y", ("dim",))
    elif grad.dim() == 1:
        explanation, formula, axes = (_("A bias's gradient is its output's gradient summed over positions."),
                                      "g = ∂L/∂b = Σ_pos ∂L/∂y", ("output",))
    elif name == "tok_emb.weight" and work.cfg.tie_weights:
        explanation, formula, axes = (_("Tied weights: the rows of the input's tokens get their positions' "
                                        "gradients, and every row gets the output projection's gradient."),
                                      "g = ∂L/∂E = Σ_pos onehot(id)ᵀ·∂L/∂x₀ + (∂L/∂z)ᵀ·h", ("token", "dim"))
    elif name in ("tok_emb.weight", "pos_emb.weight"):
        token = name == "tok_emb.weight"
        explanation, formula, axes = (_("Only the rows the input looked up receive gradient: each gets the sum "
                                        "over the positions that used it."),
                                      "g = ∂L/∂E[id] = Σ_pos ∂L/∂x₀[pos]" if token else "g = ∂L/∂P[pos] = ∂L/∂x₀[pos]",
                                      ("token" if token else "position", "dim"))
    else:
        explanation, formula, axes = (_("Each weight's gradient sums, over positions, its output's gradient times "
                                        "its input; the optimizer step uses it."), "g = ∂L/∂W = (∂L/∂y)ᵀ·x",
                                      ("token", "dim") if name == "lm_head.weight" else ("output", "input"))
    return _record(f"param.{name}", group, title, explanation, formula, grad, axes, layer)


def _embed_rows(work, rec: _LiveRecorder) -> StageRecord:
    """‖∂L/∂E[row]‖ received through the lookups (source and target), per row of the embedding matrix: (V,)."""
    rows = torch.zeros_like(work.tok_emb.weight)
    scale = work.embed_scale()
    for prefix, ids in (("embed", "tokens"), ("source.embed", "source.tokens")):
        live = rec.live.get(f"{prefix}.token")
        if live is not None and live.grad is not None:
            index = rec.records[[r.name for r in rec.records].index(ids)].tensor.long().to(rows.device)
            rows.index_add_(0, index, live.grad[0] * scale)
    return _record("grad.embed.rows", "embedding", _("Embedding rows that received gradient"), _(
        "How much gradient each row of the token embedding matrix received through the input's lookups; rows of "
        "tokens not in the input get none."), "‖Σ_pos onehot(id)ᵀ·∂L/∂E[id]‖", torch.linalg.vector_norm(rows, dim=1),
        ("token",))


def _update_records(param_grads, buffers, losses) -> list[StageRecord]:
    """Per-parameter gradient norm and update-to-weight ratio; the loss before and after the step."""
    norms = torch.stack([torch.linalg.vector_norm(g) for g in param_grads.values()])
    old, new = _by_name(param_grads, buffers, "old"), _by_name(param_grads, buffers, "new")
    ratios = [torch.linalg.vector_norm(new[n] - old[n]) / torch.linalg.vector_norm(old[n]).clamp(min=1e-12)
              for n in param_grads]
    return [
        _record("param.norms", "update", _("Gradient norm of each weight"), _(
            "One number per weight matrix or vector, in the order of the parameter list: the size of its "
            "gradient."), "‖∂L/∂W‖", norms, ("parameter",)),
        _record("update.ratio", "update", _("Update size relative to each weight"), _(
            "How far this one step moved each weight, relative to its size; far above 1e-2 means the step is "
            "large."), "‖W_new − W_old‖ / ‖W_old‖", torch.stack(ratios), ("parameter",)),
        _record("update.loss", "update", _("Loss before and after the step"), _(
            "The same example's loss at each position before (column 0) and after (column 1) this one step."),
            "ℓ_t(W_old), ℓ_t(W_new)", losses, ("position", "before_after")),
    ]


# --- the optimizer step, worked through ----------------------------------------------------
def optimizer_step_detail(bt: BackwardTrace, param_name: str, index) -> OptimizerDetail:
    """The AdamW numbers of element ``index`` (an int into the flattened weight, or one index per dim)
    of ``param_name``, read from the optimizer's buffers before and after the step.

    ``old − decay − update == new`` holds exactly (decay and update are what the step took off, in
    float64, where the difference of two float32 values is exact); ``update`` agrees with
    lr·m̂/(√v̂ + ε) to float32 rounding.
    """
    b = bt._buffers
    if param_name not in b["offsets"]:
        raise KeyError(_("no weight named {name!r}; the weights are: {names}").format(
            name=param_name, names=", ".join(b["offsets"])))
    start, shape = b["offsets"][param_name]
    flat_index = int(index) if np.ndim(index) == 0 else int(np.ravel_multi_index(tuple(index), tuple(shape)))
    if not 0 <= flat_index < int(np.prod(shape)):
        raise IndexError(_("index {i} is outside {name}, which has {n} values").format(
            i=index, name=param_name, n=int(np.prod(shape))))
    at = start + flat_index
    (b1, b2), t, lr, wd = b["betas"], b["step"], bt.lr, b["weight_decay"]
    old, new = b["old"][at:at + 1], b["new"][at:at + 1]
    decayed = old.clone()
    if wd and at < b["n_decay"]:
        decayed.mul_(1.0 - lr * wd)  # the very operation FlatAdamW.step applies to the decayed slice
    m, v = b["m"][at].item(), b["v"][at].item()
    return OptimizerDetail(
        g=b["g"][at].item(), m=m, v=v, m_hat=m / (1.0 - b1 ** t), v_hat=v / (1.0 - b2 ** t), lr=lr, eps=b["eps"],
        weight_decay=wd if at < b["n_decay"] else 0.0, decay=old.item() - decayed.item(),
        update=decayed.item() - new.item(), old=old.item(), new=new.item(), step=t, beta1=b1, beta2=b2,
        clip_scale=bt.clip_scale, m_prev=b["m_prev"][at].item(), v_prev=b["v_prev"][at].item())


def apply_step(model, bt: BackwardTrace, optimizer: FlatAdamW | None = None) -> None:
    """Copy the step's new weights into ``model`` (and its moments and step count into ``optimizer``).

    The only function here that changes the caller's model.
    """
    params = dict(model.named_parameters())
    if set(params) != set(bt.new_params) or any(params[n].shape != t.shape for n, t in bt.new_params.items()):
        raise ConfigError(_("this step was worked out for another model; trace the backward pass of this one "
                            "again"))
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(bt.new_params[name])
    if optimizer is not None:
        optimizer.load_state_dict(bt.optimizer_state)
