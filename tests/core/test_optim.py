"""FlatAdamW makes the same update as torch.optim.AdamW, with clipping and resumable state."""

import pytest
import torch

from playground.core.model import ModelConfig, build_model
from playground.core.optim import FlatAdamW, fused_available


def make(bias=False):
    # no biases by default: the key bias gets a gradient that is only rounding noise (softmax ignores
    # a shift shared by all keys), which Adam amplifies, so two correct optimizers drift apart there
    torch.manual_seed(3)
    return build_model(ModelConfig(vocab_size=20, n_layer=1, n_head=2, d_model=8, d_ff=16, block_size=6, bias=bias))


def loss_of(model, seed):
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, 20, (4, 6), generator=g)
    return model(idx, idx.roll(1, 1))[1]


@pytest.mark.parametrize("fused", [True, False], ids=["fused-kernel", "seven-passes"])
def test_matches_torch_adamw(fused):
    ours, ref = make(), make()
    flat = FlatAdamW(ours, weight_decay=0.1, betas=(0.9, 0.99))
    assert flat.fused == fused_available(torch.device("cpu"))
    flat.fused = fused and flat.fused
    if fused and not flat.fused:
        pytest.skip("this torch has no fused AdamW kernel for the CPU")
    decay = [p for p in ref.parameters() if p.dim() >= 2]
    rest = [p for p in ref.parameters() if p.dim() < 2]
    torch_opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                                  lr=1e-2, betas=(0.9, 0.99), eps=1e-8)
    for step in range(10):
        flat.zero_grad()
        loss_of(ours, step).backward()
        norm = flat.clip_grad_norm(0.5)
        flat.step(1e-2)
        torch_opt.zero_grad()
        loss_of(ref, step).backward()
        ref_norm = torch.nn.utils.clip_grad_norm_(ref.parameters(), 0.5)
        torch_opt.step()
        assert torch.allclose(norm, ref_norm, rtol=1e-5)
    for (name, a), b in zip(ours.named_parameters(), ref.parameters()):
        assert torch.allclose(a, b, atol=1e-6), name


def test_parameters_are_views_and_state_round_trips():
    model = make(bias=True)
    opt = FlatAdamW(model)
    assert opt.n_decay == sum(p.numel() for p in model.parameters() if p.dim() >= 2)
    p = next(model.parameters())
    assert p.data_ptr() >= opt.flat.data_ptr()
    opt.zero_grad()
    loss_of(model, 0).backward()
    assert opt.grad.abs().sum() > 0
    opt.step(1e-3)
    state = {k: v.clone() for k, v in opt.state_dict().items()}
    other = FlatAdamW(make(bias=True))
    other.load_state_dict(state)
    assert other.step_count == 1 and torch.equal(other.exp_avg, opt.exp_avg)


def test_fused_and_seven_pass_updates_agree_without_decay_and_resume():
    """Both paths, with weight decay off (one slice) and after a state round trip, land on the same weights."""
    models = [make(), make()]  # no biases: see make()
    opts = [FlatAdamW(m, weight_decay=0.0) for m in models]
    opts[1].fused = False
    if not opts[0].fused:
        pytest.skip("this torch has no fused AdamW kernel for the CPU")
    for step in range(6):
        if step == 3:  # resume both from their own state halfway
            for i, m in enumerate(models):
                state = {k: v.clone() for k, v in opts[i].state_dict().items()}
                fused = opts[i].fused
                opts[i] = FlatAdamW(m, weight_decay=0.0)
                opts[i].load_state_dict(state)
                opts[i].fused = fused
        for m, opt in zip(models, opts):
            opt.zero_grad()
            loss_of(m, step).backward()
            opt.clip_grad_norm(1.0)
            opt.step(3e-3)
    assert opts[0].step_count == opts[1].step_count == 6
    assert torch.allclose(opts[0].flat, opts[1].flat, atol=1e-6)
    assert torch.allclose(opts[0].exp_avg_sq, opts[1].exp_avg_sq, rtol=1e-5, atol=1e-12)
