"""The records of a backward trace: each gradient as a stage, with its title, explanation and formula.

``step_records`` turns one recorded training step (``backward.backward_trace``) into StageRecords,
last forward stage first, grouped as the forward trace groups them; ``param_views`` names the
slices of a flat optimizer buffer.
"""

import torch

from .i18n import _
from .trace import StageRecord, Trace


def param_views(names, buffers, key: str) -> dict[str, torch.Tensor]:
    """Each named parameter's slice of a flat optimizer buffer, in the order of ``names`` (views: no copy)."""
    views = {}
    for name in names:
        start, shape = buffers["offsets"][name]
        views[name] = buffers[key][start:start + shape.numel()].view(shape)
    return views


def step_records(work, rec, forward: Trace, losses, param_grads, buffers) -> list[StageRecord]:
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


def _stream_norms(cfg, rec) -> list[StageRecord]:
    """‖∂L/∂x‖ of the residual stream per layer (row 0: the embeddings) and position, decoder (and encoder)."""
    if cfg.family == "lstm":  # no residual stream: the hidden state each LSTM layer passes up
        rows = [rec.live["embed.token"].grad] + [rec.live[f"lstm.{i}.hidden"].grad for i in range(cfg.n_layer)]
        norms = torch.stack([torch.linalg.vector_norm(g[0], dim=-1) for g in rows])
        return [_record("grad.stream_norms", "output", _("Hidden state gradient norms"),
                        _("How strongly the loss pulls on each LSTM layer's output (row 0: the embeddings) at each "
                          "position; vanishing gradients fade towards row 0 and towards early positions."),
                        "‖∂L/∂h_l[pos]‖", norms, ("layer", "position"))]
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
    if parts[0] in ("encoder", "decoder", "lstm"):
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


def _embed_rows(work, rec) -> StageRecord:
    """‖∂L/∂E[row]‖ received through the lookups (source and target), per row of the embedding matrix: (V,)."""
    rows = torch.zeros_like(work.tok_emb.weight)
    scale = work.embed_scale() if hasattr(work, "embed_scale") else 1.0  # an LSTM looks its rows up unscaled
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
    old, new = param_views(param_grads, buffers, "old"), param_views(param_grads, buffers, "new")
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
