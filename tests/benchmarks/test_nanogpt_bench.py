"""nanogpt_bench's shared parts: the whole-split validation loss and the worker protocol, on our own model."""

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.core.model import ModelConfig, build_model

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import nanogpt_bench  # noqa: E402


def tiny_model():
    return build_model(ModelConfig(vocab_size=11, n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=8), seed=5)


@pytest.mark.parametrize("n", [8 * 25 + 1, 8 * 25 + 5, 8 * 3 + 1])
def test_full_val_loss_is_the_mean_over_every_window_position(n):
    model, ids = tiny_model(), np.random.default_rng(n).integers(0, 11, n).astype(np.uint16)
    got = nanogpt_bench.full_val_loss(model, ids, block_size=8, batch_size=4)  # batches of 4: a ragged last one
    losses = []
    with torch.no_grad():
        model.eval()
        for s in range(0, n - 8, 8):  # every window whose next-token targets fit: n - 1 - 8 >= s
            x = torch.from_numpy(ids[s:s + 8].astype(np.int64))[None]
            y = torch.from_numpy(ids[s + 1:s + 9].astype(np.int64))
            losses += F.cross_entropy(model(x)[0][0], y, reduction="none").tolist()
    assert len(losses) == 8 * ((n - 1) // 8)
    assert got == pytest.approx(sum(losses) / len(losses), rel=1e-6)


def test_full_val_loss_restores_training_mode():
    model = tiny_model()
    model.train()
    nanogpt_bench.full_val_loss(model, np.arange(40, dtype=np.uint16) % 11, block_size=8)
    assert model.training


def test_ours_worker_trains_in_blocks_and_evaluates(tmp_path):
    """The worker process for ours, spoken to as the coordinator does: ready, two blocks, eval, quit."""
    text = tmp_path / "corpus.txt"
    text.write_text(("To be, or not to be: that is the question. 生存还是毁灭 🙂\n" * 60), encoding="utf-8")
    args = argparse.Namespace(nanogpt=tmp_path, data=text, seed=3, threads=1, steps=6, health_interval=2,
                              ours_compile="off", nanogpt_compile="off", ours_batch_threads=None, ours_cpu_bf16=False)
    worker = nanogpt_bench.Worker("ours", args, ["PLAYGROUND_TEST=1"])
    try:
        assert worker.info["ready"] and worker.info["threads"] == 1
        assert worker.info["env"]["OMP_WAIT_POLICY"] == "PASSIVE"  # the playground's start-up settings
        first, second = worker.ask("train 3"), worker.ask("train 3")
        assert first["seconds"] > 0 and math.isfinite(first["loss"]) and math.isfinite(second["loss"])
        assert 0 < first["cpu_seconds"] and 0 < second["cpu_seconds"]
        val = worker.ask("eval")["val_loss"]
        assert 0 < val < 2 * math.log(65)
    finally:
        worker.close()
    assert worker.proc.returncode == 0
