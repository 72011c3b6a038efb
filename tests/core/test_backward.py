"""The backward pass worked through: recorded gradients are autograd's, the step is the trainer's AdamW step."""

import copy
import itertools
import json
import math
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.core.backward import (apply_step, backward_trace, logit_gradient, optimizer_step_detail, pair_example,
                                      targets_for)
from playground.core.errors import ConfigError
from playground.core.model import ACTIVATIONS, ARCHITECTURES, NORMS, POSITIONS, ModelConfig, Transformer, build_model
from playground.core.optim import FlatAdamW
from playground.core.tasks import IGNORE, LMTask, PairTask
from playground.core.tokenizer import KINDS, Tokenizer
from playground.core.train import Trainer, TrainConfig, lr_at

IDS = [3, 1, 4, 1, 5]  # T = 5
SRC = [9, 2, 6, 5, 0, 0]  # S = 6, two trailing pads (pad_id 0)
COMBOS = list(itertools.product(ARCHITECTURES, NORMS, POSITIONS, ACTIVATIONS, ((False, True), (True, False))))


def _model(arch="decoder", norm="pre", position="learned", activation="gelu", bias=False, tie=True, seed=0):
    torch.manual_seed(seed)
    return build_model(ModelConfig(architecture=arch, norm=norm, position=position, activation=activation, bias=bias,
                                   tie_weights=tie, vocab_size=13, n_layer=2, n_head=2, d_model=8, d_ff=12,
                                   block_size=16))


def _example(model):
    if model.cfg.architecture == "encoder-decoder":
        return IDS, SRC, IDS[1:] + [2]
    return IDS, None, IDS[1:] + [IGNORE]


def _tensors(idx, src, targets):
    return (torch.tensor([idx]), None if src is None else torch.tensor([src]), torch.tensor([targets]))


def _activations_by_autograd(model, ids, src, targets) -> dict[str, torch.Tensor]:
    """∂L/∂(every reported tensor), by torch.autograd.grad over the model's own reports (not retain_grad)."""
    model = copy.deepcopy(model).eval()
    paths = {m: name for name, m in model.named_modules()}
    seen: dict[str, torch.Tensor] = {}

    def keep(module, name, tensor):
        full = name if isinstance(module, Transformer) else f"{paths[module]}.{name}"
        if tensor.requires_grad:
            seen[full] = tensor

    idx, src_t, tgt = _tensors(ids, src, targets)
    with model.recording(keep):
        _logits, loss = model(idx, tgt, src=src_t)
    grads = torch.autograd.grad(loss, list(seen.values()), allow_unused=True)
    return {name: g for name, g in zip(seen, grads) if g is not None}


@pytest.mark.parametrize("arch,norm,position,activation,bias_tie", COMBOS)
def test_recorded_gradients_are_autograds(arch, norm, position, activation, bias_tie):
    bias, tie = bias_tie
    model = _model(arch, norm, position, activation, bias, tie)
    ids, src, targets = _example(model)
    bt = backward_trace(model, ids, src, targets)
    # every weight: the .grad a plain loss.backward() leaves (the fast path, scaled_dot_product_attention)
    plain = copy.deepcopy(model).eval()
    idx, src_t, tgt = _tensors(ids, src, targets)
    plain(idx, tgt, src=src_t)[1].backward()
    grads = {n: p.grad for n, p in plain.named_parameters()}
    assert list(bt.param_grads) == list(grads)
    for name, g in grads.items():
        torch.testing.assert_close(bt.param_grads[name], g, rtol=0, atol=1e-6, msg=name)
        torch.testing.assert_close(bt.get(f"param.{name}").tensor, g, rtol=0, atol=1e-6, msg=name)
    # every activation: autograd.grad of the loss with respect to the tensor the model reported
    expected = _activations_by_autograd(model, ids, src, targets)
    recorded = {r.name[len("grad."):]: r for r in bt.records if r.name.startswith("grad.") and
                r.name[len("grad."):] in bt.forward.names()}
    assert set(recorded) == set(expected)
    for name, g in expected.items():
        g = g[0] if g.dim() == recorded[name].tensor.dim() + 1 else g
        torch.testing.assert_close(recorded[name].tensor, g, rtol=0, atol=1e-6, msg=name)
        assert recorded[name].axes == bt.forward.get(name).axes and recorded[name].group == bt.forward.get(name).group
    _check_formulas(bt, targets)
    _check_summaries(bt, model)


def _check_formulas(bt, targets):
    """The formulas the records show hold on the recorded numbers."""
    fwd, t = bt.forward, torch.tensor(targets)
    counted = t != IGNORE
    onehot = F.one_hot(t.clamp(min=0), fwd.logits.size(-1)).float()
    expected = (fwd.get("softmax").tensor - onehot) * counted[:, None] / counted.sum()
    torch.testing.assert_close(bt.get("grad.logits").tensor, expected, rtol=0, atol=1e-6)
    for prefix in [r.name[:-len(".weights")] for r in fwd.records if r.name.endswith(".weights")]:
        a, v = fwd.get(f"{prefix}.weights").tensor, fwd.get(f"{prefix}.v").tensor
        g_h, g_a = bt.get(f"grad.{prefix}.heads").tensor, bt.get(f"grad.{prefix}.weights").tensor
        torch.testing.assert_close(g_a, g_h @ v.transpose(-2, -1), rtol=1e-4, atol=1e-6)  # ∂L/∂A = ∂L/∂H·Vᵀ
        torch.testing.assert_close(bt.get(f"grad.{prefix}.v").tensor, a.transpose(-2, -1) @ g_h, rtol=1e-4, atol=1e-6)
        g_s = a * (g_a - (a * g_a).sum(-1, keepdim=True))  # ∂L/∂S = A ⊙ (∂L/∂A − Σ_j A ⊙ ∂L/∂A)
        torch.testing.assert_close(bt.get(f"grad.{prefix}.scores").tensor, g_s, rtol=1e-4, atol=1e-6)


def _check_summaries(bt, model):
    cfg = model.cfg
    losses = bt.get("loss").tensor
    assert bt.loss_before == pytest.approx(np.nanmean(losses[:, 0].numpy()), rel=1e-5)
    norms = bt.get("grad.stream_norms").tensor
    last = "mlp.residual" if cfg.norm == "pre" else "norm2"
    assert norms.shape == (cfg.n_layer + 1, len(IDS))
    torch.testing.assert_close(norms[0], bt.get("grad.embed.sum").tensor.norm(dim=-1))
    torch.testing.assert_close(norms[-1], bt.get(f"grad.decoder.{cfg.n_layer - 1}.{last}").tensor.norm(dim=-1))
    rows = bt.get("grad.embed.rows").tensor
    # a causal decoder: the last token reaches no target without one of its own; pad positions are masked out
    used = set(IDS) | {i for i in SRC if i != cfg.pad_id} if cfg.architecture == "encoder-decoder" else set(IDS[:-1])
    assert {i for i in range(cfg.vocab_size) if rows[i] > 0} == used
    if not cfg.tie_weights:  # then the lookups are all the token embedding's gradient
        torch.testing.assert_close(rows, bt.param_grads["tok_emb.weight"].norm(dim=1), rtol=1e-5, atol=1e-7)
    # groups stay contiguous for the stepper's group buttons, in reverse forward order, update last
    groups = [r.group for r in bt.records]
    assert groups == sorted(groups, key=bt.groups().index)
    forward_groups = [g for g in reversed(bt.forward.groups()) if g in bt.groups()]
    assert bt.groups() == forward_groups + ["update"]
    grad_names = [r.name[5:] for r in bt.records if r.name[5:] in bt.forward.names()]
    assert grad_names == [n for n in reversed(bt.forward.names()) if n in grad_names]
    json.dumps(bt.to_json(include_values=True))  # NaN (positions without a target) become null


def _state_of(model, optimizer) -> dict[str, torch.Tensor]:
    state = {f"param.{n}": p.detach().clone() for n, p in model.named_parameters()}
    state.update({f"buffer.{n}": b.clone() for n, b in model.named_buffers()})
    state.update({f"opt.{k}": getattr(optimizer, k).clone() for k in ("flat", "grad", "exp_avg", "exp_avg_sq")})
    state["opt.step"] = torch.tensor(optimizer.step_count)
    return state


def _trained(model, steps=3, cfg=None):
    """A FlatAdamW that has taken real steps on random examples, as a trainer leaves it."""
    cfg = cfg or TrainConfig(warmup_steps=1, lr=1e-2)
    optimizer = FlatAdamW(model, cfg.weight_decay, (cfg.beta1, cfg.beta2))
    g = torch.Generator().manual_seed(1)
    for step in range(steps):
        batch = torch.randint(13, (2, 6), generator=g)
        optimizer.zero_grad()
        model(batch[:, :-1], batch[:, 1:])[1].backward()
        optimizer.clip_grad_norm(cfg.grad_clip)
        optimizer.step(lr_at(step, cfg))
    return optimizer, cfg


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_the_step_is_a_trainers_optimizer_step_bit_for_bit(arch):
    model = _model(arch, bias=True, tie=False)
    optimizer, cfg = _trained(model) if arch == "decoder" else (None, TrainConfig(grad_clip=0.0))
    ids, src, targets = _example(model)
    state = optimizer.state_dict() if optimizer else None
    bt = backward_trace(model, ids, src, targets, optimizer_state=state, train_cfg=cfg, step=3)
    # the same state and gradient in another FlatAdamW, stepped as Trainer.train_step steps it
    other = copy.deepcopy(model)
    reference = FlatAdamW(other, cfg.weight_decay, (cfg.beta1, cfg.beta2))
    if state is not None:
        reference.load_state_dict(state)
    for name, p in other.named_parameters():
        p.grad.copy_(bt.param_grads[name])
    reference.clip_grad_norm(cfg.grad_clip)
    reference.step(lr_at(3, cfg))
    for name, p in other.named_parameters():
        assert torch.equal(p, bt.new_params[name]), name
    for key, value in reference.state_dict().items():
        assert torch.equal(value, bt.optimizer_state[key]), key
    assert bt.lr == lr_at(3, cfg) and bt.optimizer_state["step"].item() == (4 if optimizer else 1)
    if optimizer:  # the step defaults to the optimizer's own count
        assert backward_trace(model, ids, src, targets, optimizer_state=state, train_cfg=cfg).lr == bt.lr


def test_the_callers_model_and_optimizer_change_only_by_apply_step():
    model = _model()
    optimizer, cfg = _trained(model)
    before = _state_of(model, optimizer)
    bt = backward_trace(model, IDS, None, IDS[1:] + [IGNORE], optimizer_state=optimizer.state_dict(), train_cfg=cfg,
                        step=3)
    after = _state_of(model, optimizer)
    assert [k for k in before if not torch.equal(before[k], after[k])] == []
    assert any(not torch.equal(bt.new_params[n], p) for n, p in model.named_parameters())
    apply_step(model, bt, optimizer)
    for name, p in model.named_parameters():
        assert torch.equal(p, bt.new_params[name]), name
    for key, value in optimizer.state_dict().items():
        assert torch.equal(value, bt.optimizer_state[key]), key
    with pytest.raises(ConfigError, match="another model"):
        apply_step(_model(arch="encoder-decoder"), bt)


def test_one_step_at_a_sensible_rate_lowers_the_examples_loss():
    model = _model(position="rope", activation="swiglu")
    bt = backward_trace(model, IDS, None, IDS[1:] + [IGNORE], train_cfg=TrainConfig(lr=1e-2, warmup_steps=0))
    assert bt.loss_after < bt.loss_before
    torch.testing.assert_close(bt.get("update.loss").tensor[:, 0], bt.get("loss").tensor[:, 0], equal_nan=True)
    assert np.nanmean(bt.get("update.loss").tensor[:, 1].numpy()) == pytest.approx(bt.loss_after, rel=1e-5)
    assert bt.optimizer_state["step"].item() == 1  # a fresh optimizer's first step


@pytest.mark.parametrize("clip", [1e-3, 0.0])
def test_optimizer_detail_reproduces_the_new_value(clip):
    model = _model(bias=True, tie=False)
    optimizer, cfg = _trained(model, cfg=TrainConfig(warmup_steps=1, lr=1e-2, grad_clip=clip))
    bt = backward_trace(model, IDS, None, IDS[1:] + [IGNORE], optimizer_state=optimizer.state_dict(), train_cfg=cfg,
                        step=3)
    for name, index in (("decoder.1.attn.qkv_proj.weight", (5, 2)), ("decoder.0.norm1.weight", 3),
                        ("decoder.0.mlp.up_proj.bias", 7), ("lm_head.weight", (4, 6))):
        d = optimizer_step_detail(bt, name, index)
        flat = index if isinstance(index, int) else int(np.ravel_multi_index(index, bt.new_params[name].shape))
        assert d.old - d.decay - d.update == d.new == bt.new_params[name].reshape(-1)[flat].item()
        assert d.old == dict(model.named_parameters())[name].reshape(-1)[flat].item()
        assert d.step == 4 and d.lr == lr_at(3, cfg) and (d.beta1, d.beta2) == (cfg.beta1, cfg.beta2)
        assert d.clip_scale == (1.0 if not clip else pytest.approx(min(1.0, clip / (bt.grad_norm + 1e-6))))
        assert d.g == pytest.approx(d.clip_scale * bt.param_grads[name].reshape(-1)[flat].item(), rel=1e-5)
        assert d.m == pytest.approx(d.beta1 * d.m_prev + (1 - d.beta1) * d.g, rel=1e-5)
        assert d.v == pytest.approx(d.beta2 * d.v_prev + (1 - d.beta2) * d.g ** 2, rel=1e-5)
        assert d.update == pytest.approx(d.lr * d.m_hat / (math.sqrt(d.v_hat) + d.eps), rel=1e-4)
        decays = name.endswith("weight") and bt.new_params[name].dim() == 2
        assert d.weight_decay == (cfg.weight_decay if decays else 0.0)
        assert d.decay == pytest.approx(d.lr * d.weight_decay * d.old, rel=1e-3, abs=1e-12)
    assert optimizer_step_detail(bt, "decoder.0.attn.out_proj.weight", 9) == optimizer_step_detail(
        bt, "decoder.0.attn.out_proj.weight", (1, 1))
    with pytest.raises(KeyError, match="no weight named"):
        optimizer_step_detail(bt, "decoder.9.attn.qkv_proj.weight", 0)
    with pytest.raises(IndexError):
        optimizer_step_detail(bt, "decoder.0.norm1.weight", 8)


def test_bad_targets_get_a_clear_message():
    model = _model()
    with pytest.raises(ConfigError, match="no position has a target"):
        backward_trace(model, [3], None)
    with pytest.raises(ConfigError, match="one target per input token"):
        backward_trace(model, IDS, None, [1, 2])
    with pytest.raises(ConfigError, match="source"):
        backward_trace(_model(arch="encoder-decoder"), IDS, None, IDS)


# --- targets as the tasks train ------------------------------------------------------------
TEXTS = {"english": "the cat sat on the mat, the dog sat on the log",
         "chinese": "猫坐在垫子上，狗坐在木头上",
         "emoji": "🐱 sat 🙂 on the 🧶, 🐶 sat 🎉"}
CORPUS = [TEXTS[k] + "\n" for k in TEXTS] * 20
VOCAB = {"char": None, "bpe": 300, "wordpiece": 150, "unigram": 100, "word": 60}


@pytest.fixture(scope="module")
def tokenizers():
    return {kind: Tokenizer.train(kind, CORPUS, VOCAB[kind]) for kind in KINDS}


@pytest.mark.parametrize("language", list(TEXTS))
@pytest.mark.parametrize("kind", KINDS)
def test_text_targets_are_the_next_tokens_the_trainer_uses(tokenizers, kind, language):
    tok = tokenizers[kind]
    ids = tok.encode_ids(TEXTS[language])[:15]
    stream = np.array(ids + ids, dtype=np.int64)
    task = LMTask(tok, stream, stream)
    targets = targets_for(task, ids)
    assert targets == ids[1:] + [IGNORE]
    torch.manual_seed(0)
    model = build_model(ModelConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, d_model=8, d_ff=12,
                                    block_size=16, tie_weights=False))
    bt = backward_trace(model, ids, None, targets)
    # the trainer's window: ids[:-1] predicting ids[1:]; the causal model gives the same loss
    with torch.no_grad():
        loss = model(torch.tensor([ids[:-1]]), torch.tensor([ids[1:]]))[1].item()
    assert bt.loss_before == pytest.approx(loss, rel=1e-5)
    rows = bt.get("grad.embed.rows").tensor
    assert {i for i in range(tok.vocab_size) if rows[i] > 0} == set(ids[:-1])  # the last predicts nothing


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_pair_targets_are_the_trainers_and_so_is_its_step(tokenizers, arch):
    tok = tokenizers["char"]
    pair = ("猫🐱cat", "tac🐱猫")
    task = PairTask(tok, [pair], [pair], architecture=arch)
    batch = task.collate(task.encoded("train"))
    ids, src = batch["idx"][0].tolist(), batch["src"][0].tolist() if "src" in batch else None
    assert targets_for(task, ids, src) == batch["targets"][0].tolist()
    assert pair_example(task, pair[0]) == (ids, src, batch["targets"][0].tolist())  # the task's own answer
    other_ids, _src, other_targets = pair_example(task, "cat", "tac")
    assert other_targets == targets_for(task, other_ids, _src) and tok.decode(other_targets[-4:-1]) == "tac"
    with pytest.raises(ConfigError, match="give its answer"):
        pair_example(task, "dog")
    torch.manual_seed(0)
    model = build_model(ModelConfig(architecture=arch, vocab_size=tok.vocab_size, n_layer=1, n_head=2, d_model=8,
                                    d_ff=12, block_size=24))
    cfg = TrainConfig(batch_size=1, max_steps=5, warmup_steps=1, eval_interval=100, device="cpu", amp=False)
    trainer = Trainer(model, task, cfg)
    for _ in range(2):
        trainer.train_step(lambda: torch.autocast("cpu", enabled=False), time.perf_counter())
    bt = backward_trace(trainer.model, ids, src, targets_for(task, ids, src),
                        optimizer_state=trainer.optimizer.state_dict(), train_cfg=cfg, step=trainer.step)
    record = trainer.train_step(lambda: torch.autocast("cpu", enabled=False), time.perf_counter())
    assert bt.loss_before == pytest.approx(record.loss, rel=1e-5) and bt.lr == record.lr
    assert bt.grad_norm == pytest.approx(record.grad_norm, rel=1e-4)
    for name, p in trainer.model.named_parameters():
        torch.testing.assert_close(bt.new_params[name], p.detach(), rtol=0, atol=1e-6, msg=name)
    with pytest.raises(ConfigError, match="separator"):
        targets_for(PairTask(tok, [pair], [pair]), [tok.bos_id, 5, 6])


def test_logit_gradient_is_softmax_minus_one_hot_over_n():
    model = _model()
    bt = backward_trace(model, IDS, None, [IGNORE, 4, 1, 5, IGNORE])
    row = logit_gradient(bt, 2)
    assert (row.target, row.counted) == (1, 3)
    expected = [(p - (i == row.target)) / row.counted for i, p in enumerate(row.probabilities)]
    assert row.gradient == pytest.approx(expected, abs=1e-7)
    assert logit_gradient(bt, 0).target is None and not any(logit_gradient(bt, 0).gradient)


def test_the_seeds_lstm_steps_backward_too():
    """An LSTM: its hidden states' gradients per layer, and weight gradients equal to a plain backward pass."""
    from playground.core.model import ModelConfig, build_model

    torch.manual_seed(0)
    model = build_model(ModelConfig(vocab_size=20, family="lstm", n_layer=2, d_model=16, block_size=16))
    ids = [1, 2, 3, 4, 5]
    targets = targets_for(None, ids)
    bt = backward_trace(model, ids, None, targets)
    assert bt.groups() == ["output", "lstm.1", "lstm.0", "embedding", "update"]
    norms = bt.get("grad.stream_norms").tensor
    assert norms.shape == (3, len(ids)) and bool((norms[:, :-1] > 0).all())
    model.zero_grad()
    _logits, loss = model(torch.tensor([ids]), torch.tensor([targets]))
    loss.backward()
    for name, p in model.named_parameters():
        torch.testing.assert_close(bt.param_grads[name], p.grad, atol=1e-6, rtol=0)


def test_an_applied_step_is_the_next_step_of_the_run(tmp_path):
    """Apply added no history row and left the step count: the next training step took the same number."""
    from dataclasses import asdict

    from playground.core.workspace import Workspace
    from tests.core.helpers import tiny_text_recipe

    ws = Workspace()
    ws.set_recipe(tiny_text_recipe(steps=4))
    for record in ws.new_trainer(run_dir=tmp_path).run():
        ws.record(asdict(record))
    assert ws.trained_steps == 4
    tok = ws.recipe.task.tokenizer
    ids = tok.encode_ids("the cat sat")
    trainer = ws.trainer
    bt = backward_trace(ws.model, ids, optimizer_state=trainer.optimizer.state_dict(), train_cfg=trainer.cfg,
                        step=ws.trained_steps)
    ws.dirty = False
    row = ws.apply_backward_step(bt)
    assert row == {"step": 5, "loss": bt.loss_before, "lr": lr_at(4, trainer.cfg), "grad_norm": bt.grad_norm,
                   "tokens_per_second": 0.0, "elapsed": row["elapsed"], "device": "cpu", "kind": "step",
                   "source": "inspect"}
    last_trained = [r for r in ws.history if r["kind"] == "step"][-2]
    assert row["elapsed"] == last_trained["elapsed"] and last_trained["step"] == 4
    assert ws.trained_steps == 5 and trainer.step == 5 and ws.history[-1] == row and ws.dirty
    lines = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert lines[-1] == row  # the run folder's history too
    for name, p in ws.model.named_parameters():
        assert torch.equal(p, bt.new_params[name]), name
    for record in ws.new_trainer(max_steps=2).run():  # training goes on after it: steps 6 and 7
        ws.record(asdict(record))
    steps = [r["step"] for r in ws.history if r["kind"] == "step"]
    assert steps == [1, 2, 3, 4, 5, 6, 7] and ws.trained_steps == 7
