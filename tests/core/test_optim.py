"""FlatAdamW makes the same update as torch.optim.AdamW, with clipping and resumable state."""

import torch

from playground.core.model import ModelConfig, build_model
from playground.core.optim import FlatAdamW


def make(bias=False):
    # no biases by default: the key bias gets a gradient that is only rounding noise (softmax ignores
    # a shift shared by all keys), which Adam amplifies, so two correct optimizers drift apart there
    torch.manual_seed(3)
    return build_model(ModelConfig(vocab_size=20, n_layer=1, n_head=2, d_model=8, d_ff=16, block_size=6, bias=bias))


def loss_of(model, seed):
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, 20, (4, 6), generator=g)
    return model(idx, idx.roll(1, 1))[1]


def test_matches_torch_adamw():
    ours, ref = make(), make()
    flat = FlatAdamW(ours, weight_decay=0.1, betas=(0.9, 0.99))
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
