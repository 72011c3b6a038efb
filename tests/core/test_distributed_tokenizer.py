"""Under torchrun every process trains its own tokenizer; all of them then use rank 0's.

Two real gloo processes, set up as torchrun sets up its workers; rank 1 even trains on another text, so its
own tokenizer differs, and still ends with rank 0's.
"""

import json

import torch.multiprocessing as mp

from playground.core import distributed
from playground.core.tokenizer import Tokenizer

from .test_distributed import free_port, join_as_rank, mismatch, write_seen

TEXTS = ["The cat sat on the mat. 小猫坐在垫子上。🐱🧶 The dog ran home! 狗跑回家了。🐶🏠\n" * 30,
         "A wholly other book: seventeen ravens quarrelled over marmalade. 乌鸦吵架。🐦\n" * 30]


def train_as_rank(rank: int, port: int, folder: str) -> None:
    processes = join_as_rank(rank, port)
    seen = {kind: Tokenizer.train(kind, [TEXTS[rank]], 120).to_json_str() for kind in ("wordpiece", "unigram")}
    # the tokenizers agree now; the data built from each rank's own text does not
    seen["mismatch"] = mismatch(processes, {"tokenizers": seen["wordpiece"].encode(),
                                            "training data": TEXTS[rank].encode()})
    write_seen(folder, rank, seen)
    distributed.finish(processes)


def test_every_rank_takes_rank_zeros_tokenizer(tmp_path):
    mp.spawn(train_as_rank, args=(free_port(), str(tmp_path)), nprocs=2, join=True)
    zero, one = (json.loads((tmp_path / f"rank{r}.json").read_text(encoding="utf-8")) for r in range(2))
    for kind in ("wordpiece", "unigram"):
        own = Tokenizer.train(kind, [TEXTS[1]], 120).to_json_str()
        assert one[kind] != own  # rank 1's own text gives another tokenizer...
        assert one[kind] == zero[kind] == Tokenizer.train(kind, [TEXTS[0]], 120).to_json_str()  # ...it took 0's
        assert "ravens" not in Tokenizer.from_json_str(one[kind]).decode(
            Tokenizer.from_json_str(one[kind]).encode_ids("ravens"))
    for seen in (zero, one):
        assert seen["mismatch"].startswith("the 2 processes built different training data, so")
        assert "tokenizers" not in seen["mismatch"]
