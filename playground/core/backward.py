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
Beyond the shared contract: ``pair_example``, ``logit_gradient``, ``OptimizerDetail.m_prev``/``v_prev``, the
``BackwardTrace`` attributes ``targets``, ``lr``, ``grad_norm``, ``clip_scale``, ``train_cfg``.
"""

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .backward_records import param_views, step_records
from .errors import ConfigError
from .i18n import _
from .optim import FlatAdamW
from .tasks import IGNORE, PairTask
from .trace import Trace, _record_forward, _Recorder, check_inputs
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


def checked_targets(targets, ids) -> list[int]:
    """``targets`` as ints, or a ConfigError saying why they cannot train ``ids``: one per token, one at least."""
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
    check_inputs(model.cfg, ids, src_ids, 1, 1.0)
    targets = checked_targets(targets if targets is not None else list(ids[1:]) + [IGNORE], ids)
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
    param_grads, new_params = param_views(names, buffers, "grad"), param_views(names, buffers, "new")
    losses = torch.stack((_position_loss(forward, targets), _position_loss(after, targets)), dim=1)  # (T, 2)
    records = step_records(work, rec, forward, losses, param_grads, buffers)
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


def _position_loss(tr: Trace, targets: list[int]) -> torch.Tensor:
    """−log p(target) at each position, from the recorded logits; NaN where no loss is taken. (T,)"""
    t = torch.tensor(targets)
    loss = F.cross_entropy(tr.get("logits").tensor, t.clamp(min=0), reduction="none")
    return torch.where(t != IGNORE, loss, torch.full_like(loss, float("nan")))


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


@dataclass
class LogitGradient:
    """∂L/∂z at one position, worked: (p − onehot(target)) / N; target None (and zeros) where no loss is taken."""

    position: int
    target: int | None
    counted: int  # N, the positions with a target
    probabilities: list[float]  # softmax(z) at this position, as recorded
    gradient: list[float]  # ∂L/∂z at this position, as autograd computed it


def logit_gradient(bt: BackwardTrace, position: int) -> LogitGradient:
    """The numbers of ``grad.logits`` at ``position`` beside the softmax and the target they come from."""
    target = bt.targets[position]
    return LogitGradient(position, None if target == IGNORE else target, sum(t != IGNORE for t in bt.targets),
                         bt.forward.get("softmax").tensor[position].tolist(),
                         bt.get("grad.logits").tensor[position].tolist())


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
