"""AdamW over one flat buffer: every parameter is a view into it, so a step is a few large ops.

On a CPU, AdamW over dozens of small tensors spends most of its time in per-tensor overhead;
here the whole model's weights, gradients and moments are four contiguous vectors, and the
update, weight decay and gradient clipping are each one vectorised operation. The update is
torch's fused AdamW kernel (one pass over the four vectors, the form ``torch.optim.AdamW(fused=True)``
runs) where this torch has it for the device; else the same formula in seven passes.
"""

import math

import torch
import torch.nn as nn


def decays(name: str, p: torch.Tensor) -> bool:
    """Weight decay on matrices (linear weights, embeddings), not on norms or biases."""
    return p.dim() >= 2


class FlatAdamW:
    """AdamW (decoupled weight decay, bias-corrected moments) over a flattened parameter set.

    Call ``zero_grad()`` before backward, then ``clip_grad_norm(max_norm)`` and ``step(lr)``.
    Numerically the same update as ``torch.optim.AdamW``.
    """

    def __init__(self, model: nn.Module, weight_decay=0.1, betas=(0.9, 0.99), eps=1e-8):
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay
        named = list(dict((id(p), (n, p)) for n, p in model.named_parameters() if p.requires_grad).values())
        named.sort(key=lambda np_: not decays(*np_))  # decayed parameters first: one slice
        self.params = [p for _, p in named]
        self.n_decay = sum(p.numel() for n, p in named if decays(n, p))
        total = sum(p.numel() for p in self.params)
        ref = self.params[0]
        self.flat = torch.empty(total, dtype=ref.dtype, device=ref.device)
        self.grad = torch.zeros_like(self.flat)
        offset = 0
        for p in self.params:
            n = p.numel()
            self.flat[offset:offset + n].copy_(p.detach().reshape(-1))
            p.data = self.flat[offset:offset + n].view_as(p)
            p.grad = self.grad[offset:offset + n].view_as(p)  # autograd accumulates in place
            offset += n
        self.exp_avg = torch.zeros_like(self.flat)
        self.exp_avg_sq = torch.zeros_like(self.flat)
        self.denom = torch.empty_like(self.flat)  # reused: a fresh multi-MB buffer per step page-faults
        self.step_count = 0
        self.fused = fused_available(self.flat.device)

    def zero_grad(self) -> None:
        self.grad.zero_()

    def grad_norm(self) -> torch.Tensor:
        return torch.linalg.vector_norm(self.grad)

    def clip_grad_norm(self, max_norm: float | None) -> torch.Tensor:
        """Scale gradients so their global L2 norm is at most max_norm; returns the norm before."""
        norm = self.grad_norm()
        if max_norm:
            self.grad.mul_(torch.clamp(max_norm / (norm + 1e-6), max=1.0))
        return norm

    def step(self, lr: float) -> None:
        self.step_count += 1
        if self.fused:
            return self._fused_step(lr)
        b1, b2 = self.betas
        t = self.step_count
        g = self.grad
        if self.weight_decay and self.n_decay:
            self.flat[: self.n_decay].mul_(1.0 - lr * self.weight_decay)
        self.exp_avg.lerp_(g, 1.0 - b1)
        self.exp_avg_sq.mul_(b2).addcmul_(g, g, value=1.0 - b2)
        torch.sqrt(self.exp_avg_sq, out=self.denom)
        self.denom.div_(math.sqrt(1.0 - b2 ** t)).add_(self.eps)
        self.flat.addcdiv_(self.exp_avg, self.denom, value=-lr / (1.0 - b1 ** t))

    def _fused_step(self, lr: float) -> None:
        """One pass: decayed parameters first, then the rest (no decay), as two slices of the same buffers."""
        b1, b2 = self.betas
        step = torch.tensor(float(self.step_count), device=self.flat.device)  # the kernel reads it as is
        cut = self.n_decay if self.weight_decay else 0
        for part, decay in ((slice(0, cut), self.weight_decay), (slice(cut, self.flat.numel()), 0.0)):
            if part.stop > part.start:
                torch._fused_adamw_([self.flat[part]], [self.grad[part]], [self.exp_avg[part]],
                                    [self.exp_avg_sq[part]], [], [step], lr=lr, beta1=b1, beta2=b2,
                                    weight_decay=decay, eps=self.eps, amsgrad=False, maximize=False)

    def denominator(self) -> torch.Tensor:
        """The last step's per-parameter √v̂ + ε (the health monitor reads it); the fused kernel keeps no copy,
        so then it is made here, on request, from the second moment."""
        if self.fused and self.step_count:
            torch.sqrt(self.exp_avg_sq, out=self.denom)
            self.denom.div_(math.sqrt(1.0 - self.betas[1] ** self.step_count)).add_(self.eps)
        return self.denom

    def state_dict(self) -> dict:
        """Tensors and scalars that resume the optimizer exactly."""
        return {"exp_avg": self.exp_avg, "exp_avg_sq": self.exp_avg_sq,
                "step": torch.tensor(self.step_count, dtype=torch.int64)}

    def load_state_dict(self, state: dict) -> None:
        self.exp_avg.copy_(state["exp_avg"])
        self.exp_avg_sq.copy_(state["exp_avg_sq"])
        self.step_count = int(state["step"])


def fused_available(device: torch.device) -> bool:
    """Whether torch's fused AdamW kernel runs on this device (CPU since torch 2.4)."""
    if not hasattr(torch, "_fused_adamw_"):
        return False
    one = torch.zeros(1, device=device)
    try:
        torch._fused_adamw_([one.clone()], [one.clone()], [one.clone()], [one.clone()], [], [one.clone() + 1],
                            lr=0.0, beta1=0.9, beta2=0.99, weight_decay=0.0, eps=1e-8, amsgrad=False, maximize=False)
    except (RuntimeError, NotImplementedError):
        return False
    return True
