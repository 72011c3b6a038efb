"""The pieces of distributed training: shards, threads per process, and two real gloo processes agreeing.

The whole loop under the real torchrun is tested in tests/cli/test_distributed.py.
"""

import json
import os
import socket

import pytest
import torch
import torch.multiprocessing as mp

from playground.core import distributed
from playground.core.distributed import SINGLE, Processes, threads_per_process
from playground.core.errors import ConfigError


def test_the_shards_of_a_batch_are_its_rows_in_rank_order():
    batch = {"idx": torch.arange(16 * 3).view(16, 3), "targets": torch.arange(16 * 3).view(16, 3) + 100}
    shards = [Processes(rank=r, world_size=4, active=True).shard(batch) for r in range(4)]
    for key in batch:
        assert [s[key].shape[0] for s in shards] == [4, 4, 4, 4]
        assert torch.equal(torch.cat([s[key] for s in shards]), batch[key])
    assert SINGLE.shard(batch) is batch


def test_a_batch_must_split_evenly():
    Processes(rank=1, world_size=4, active=True).check_batch(16)
    with pytest.raises(ConfigError, match="the batch size 18 does not split evenly over 4 processes: choose a "
                                          "multiple of 4 with --batch-size"):
        Processes(rank=1, world_size=4, active=True).check_batch(18)


@pytest.mark.parametrize("processes, cores, threads", [(1, 2, 2), (2, 2, 1), (3, 2, 1), (4, 16, 4), (3, 16, 5)])
def test_threads_share_the_cores_of_a_machine(processes, cores, threads):
    assert threads_per_process(processes, cores) == threads


def test_one_process_changes_nothing():
    assert not SINGLE.active and SINGLE.is_main and SINGLE.dropout_offset() == 0
    assert SINGLE.broadcast_text("runs/诗🙂") == "runs/诗🙂"
    assert SINGLE.sum_floats(3.0, 1.0) == [3.0, 1.0]
    assert SINGLE.device_for(torch.device("cpu")) == torch.device("cpu")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def join_as_rank(rank: int, port: int, timeout: float = 60):
    """One of two processes, set up as torchrun sets up its workers (1 thread), then joined by ``distributed.start``."""
    os.environ.update(RANK=str(rank), WORLD_SIZE="2", LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE="2",
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    return distributed.start(timeout=timeout)


def agree(rank: int, port: int, folder: str) -> None:
    """One of two processes, set up as torchrun sets up its workers, then joined by ``distributed.start``."""
    processes = join_as_rank(rank, port, timeout=60)
    seen = {"rank": processes.rank, "world": processes.world_size, "main": processes.is_main,
            "text": processes.broadcast_text(f"runs/诗🙂-{rank}" if rank == 0 else "ignored"),
            "empty": processes.broadcast_text("" if rank == 0 else "x"),
            "sums": processes.sum_floats(rank + 1.0, 10.0 * rank)}
    flat = torch.full((5,), float(rank))
    processes.broadcast_(flat)
    seen["broadcast"] = flat.tolist()
    processes.check_same({"data": b"same on both"})
    seen["mismatch"] = mismatch(processes, {"model settings": b"same", "training data": f"rank {rank}".encode()})
    write_seen(folder, rank, seen)
    distributed.finish(processes)


def mismatch(processes, parts: dict[str, bytes]) -> str | None:
    """``check_same``'s message where the ranks differ, None where they agree."""
    try:
        processes.check_same(parts)
    except ConfigError as e:
        return str(e)
    return None


def write_seen(folder: str, rank: int, seen: dict) -> None:
    """What one rank saw, as rank{rank}.json in ``folder``, for the test in the parent process to read."""
    with open(os.path.join(folder, f"rank{rank}.json"), "w", encoding="utf-8") as f:
        json.dump(seen, f, ensure_ascii=False)


def test_two_gloo_processes_agree_on_text_sums_weights_and_differences(tmp_path):
    mp.spawn(agree, args=(free_port(), str(tmp_path)), nprocs=2, join=True)
    seen = [json.loads((tmp_path / f"rank{r}.json").read_text(encoding="utf-8")) for r in range(2)]
    assert [s["rank"] for s in seen] == [0, 1] and [s["main"] for s in seen] == [True, False]
    for s in seen:
        assert s["world"] == 2
        assert s["text"] == "runs/诗🙂-0" and s["empty"] == ""  # rank 0's, as UTF-8 bytes, never pickled
        assert s["sums"] == [3.0, 10.0]
        assert s["broadcast"] == [0.0] * 5
        assert s["mismatch"].startswith("the 2 processes built different training data, so they cannot train")


TINY = dict(n_layer=2, n_head=2, d_model=32, d_ff=64, block_size=32, dropout=0.0)


def reversal_trainer(seed: int, grad_accum: int):
    """A Trainer on reversal pairs (padded: each rank's shard holds its own count of target tokens), its
    weights made from ``seed``, global batch 16 in ``grad_accum`` micro-batches of 16 each."""
    from playground.core.model import build_model
    from playground.core.recipes import recipe_for_dataset
    from playground.core.train import Trainer

    recipe = recipe_for_dataset("reversal", 3, model=TINY, train=dict(batch_size=16, grad_accum=grad_accum,
                                                                      seed=3, health_interval=0))
    return Trainer(build_model(recipe.model, seed=seed), recipe.task, recipe.train)


def first_step_gradient(trainer) -> torch.Tensor:
    import contextlib

    trainer._forward_backward(trainer.batch_rng.manual_seed(trainer.cfg.seed * 1_000_003), contextlib.nullcontext)
    return trainer.optimizer.grad.clone()


def through_ddp(rank: int, port: int, folder: str) -> None:
    """One of two ranks: its weights drawn from its own seed, then trained through DistributedDataParallel."""
    from safetensors.torch import save_file
    from torch.nn.parallel import DistributedDataParallel

    processes = join_as_rank(rank, port, timeout=60)
    trainer = reversal_trainer(seed=100 + rank, grad_accum=2)  # rank 1 starts from other weights
    flat = trainer.optimizer.flat
    seen = {"wrapped": isinstance(trainer.wrapped, DistributedDataParallel) and trainer.wrapped.module is trainer.model,
            "plain": not isinstance(trainer.model, DistributedDataParallel),
            "names": sorted(trainer.model.state_dict())}
    grad = first_step_gradient(trainer)
    # after the reducer copied the average back, every .grad is still a view of the one flat buffer
    start = trainer.optimizer.grad.data_ptr()
    end = start + grad.numel() * grad.element_size()
    seen["views"] = all(start <= p.grad.data_ptr() < end for p in trainer.optimizer.params)
    save_file({"weights": flat.clone(), "grad": grad}, os.path.join(folder, f"rank{rank}.safetensors"))
    write_seen(folder, rank, seen)
    distributed.finish(processes)


def test_every_rank_gets_the_gradient_of_one_process_over_the_global_batch(tmp_path):
    """Two gloo ranks train through DistributedDataParallel, with 2 micro-batches (the first in no_sync):
    both start from rank 0's weights, and both flat gradients equal one process's over the whole batch."""
    from safetensors.torch import load_file

    mp.spawn(through_ddp, args=(free_port(), str(tmp_path)), nprocs=2, join=True)
    ranks = [load_file(tmp_path / f"rank{r}.safetensors") for r in range(2)]
    seen = [json.loads((tmp_path / f"rank{r}.json").read_text(encoding="utf-8")) for r in range(2)]
    one = reversal_trainer(seed=100, grad_accum=2)
    expected_weights = one.optimizer.flat.clone()
    expected = first_step_gradient(one)
    assert one.wrapped is one.model  # one process: no wrapper
    for s in seen:
        assert s["wrapped"] and s["plain"] and s["views"], s
        assert s["names"] == sorted(one.model.state_dict()) and not any(n.startswith("module.") for n in s["names"])
    assert not torch.equal(reversal_trainer(seed=101, grad_accum=1).optimizer.flat, expected_weights)
    for r in ranks:
        assert torch.equal(r["weights"], expected_weights)  # rank 1's own weights were replaced by rank 0's
        assert expected.abs().max() > 0
        torch.testing.assert_close(r["grad"], expected, rtol=1e-5, atol=1e-7)
    assert torch.equal(ranks[0]["grad"], ranks[1]["grad"])  # the same average on both ranks, to the bit


def lose_the_peer_in_backward(rank: int, port: int, folder: str) -> None:
    """Rank 1 leaves after the wrapper is made; rank 0's backward then exchanges gradients with nobody."""
    from playground.core.distributed import ProcessLost

    processes = join_as_rank(rank, port, timeout=30)
    trainer = reversal_trainer(seed=100, grad_accum=1)
    if rank == 1:
        os._exit(0)  # gone, as a killed process: its connections close
    batch = processes.shard(trainer.task.batch("train", 16, 32, torch.Generator().manual_seed(0)))
    _logits, loss = trainer.wrapped(batch["idx"], batch["targets"], src=batch.get("src"))
    try:
        processes.exchanging(loss.backward)
        outcome = "no error"
    except ProcessLost as e:
        outcome = str(e)
    with open(os.path.join(folder, "rank0.txt"), "w", encoding="utf-8") as f:
        f.write(outcome)
    os._exit(0)  # the group cannot be left in order without its peer


def test_a_peer_lost_during_the_gradient_exchange_is_reported_as_lost(tmp_path):
    """DistributedDataParallel all-reduces inside backward: a lost peer there is the same clear ProcessLost."""
    import time

    started = time.monotonic()
    mp.spawn(lose_the_peer_in_backward, args=(free_port(), str(tmp_path)), nprocs=2, join=True)
    outcome = (tmp_path / "rank0.txt").read_text(encoding="utf-8")
    assert outcome.startswith("process 0 of 2 lost contact with the others ("), outcome
    assert "The checkpoints saved so far are intact." in outcome
    assert time.monotonic() - started < 60  # a closed connection, not the 30 s timeout and more
