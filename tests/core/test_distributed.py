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


def agree(rank: int, port: int, folder: str) -> None:
    """One of two processes, set up as torchrun sets up its workers, then joined by ``distributed.start``."""
    os.environ.update(RANK=str(rank), WORLD_SIZE="2", LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE="2",
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    processes = distributed.start(timeout=60)
    seen = {"rank": processes.rank, "world": processes.world_size, "main": processes.is_main,
            "text": processes.broadcast_text(f"runs/诗🙂-{rank}" if rank == 0 else "ignored"),
            "empty": processes.broadcast_text("" if rank == 0 else "x"),
            "sums": processes.sum_floats(rank + 1.0, 10.0 * rank)}
    flat = torch.full((5,), float(rank))
    processes.broadcast_(flat)
    seen["broadcast"] = flat.tolist()
    processes.check_same("data", b"same on both")
    try:
        processes.check_same("data or models", f"rank {rank}".encode())
        seen["mismatch"] = None
    except ConfigError as e:
        seen["mismatch"] = str(e)
    with open(os.path.join(folder, f"rank{rank}.json"), "w", encoding="utf-8") as f:
        json.dump(seen, f, ensure_ascii=False)
    distributed.finish(processes)


def test_two_gloo_processes_agree_on_text_sums_weights_and_differences(tmp_path):
    mp.spawn(agree, args=(free_port(), str(tmp_path)), nprocs=2, join=True)
    seen = [json.loads((tmp_path / f"rank{r}.json").read_text(encoding="utf-8")) for r in range(2)]
    assert [s["rank"] for s in seen] == [0, 1] and [s["main"] for s in seen] == [True, False]
    for s in seen:
        assert s["world"] == 2
        assert s["text"] == "runs/诗🙂-0" and s["empty"] == ""  # rank 0's, as UTF-8 bytes, never pickled
        assert s["sums"] == [3.0, 10.0]
        assert s["broadcast"] == [0.0] * 5
        assert s["mismatch"] == ("the processes built different data or models: start every process from the "
                                 "same folder, with the same files and options")
