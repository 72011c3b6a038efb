"""Weight snapshots: what one costs to take (in the training thread, at an evaluation) and to replay.

For a few model sizes: the size of one snapshot (float32), the time to take it (``capture``),
to make a model of it (``model_at``) and to trace one input with that model (what the Inspect
panel's worker does when the training-step slider moves).

    python benchmarks/snapshot_bench.py [--repeat 20] [--threads 1]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from playground.core.model import ModelConfig, build_model  # noqa: E402
from playground.core.snapshots import SnapshotStore, snapshot_bytes  # noqa: E402
from playground.core.trace import trace  # noqa: E402

SIZES = {
    "reversal default (2 layers, width 128)": dict(architecture="encoder-decoder", n_layer=2, n_head=4, d_model=128,
                                                  d_ff=512, vocab_size=40, block_size=16),
    "grammar-like (4 layers, width 128)": dict(n_layer=4, n_head=4, d_model=128, d_ff=512, vocab_size=400,
                                               block_size=64),
    "larger (6 layers, width 384)": dict(n_layer=6, n_head=6, d_model=384, d_ff=1536, vocab_size=4000,
                                         block_size=128),
}


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), median of {args.repeat}")
    for name, cfg in SIZES.items():
        model = build_model(ModelConfig(**cfg))
        store = SnapshotStore()
        store.capture(model, 0)
        capture = median_ms(lambda: store.capture(model, 1), args.repeat)
        make = median_ms(lambda: store.model_at(model, 1), args.repeat)
        replay = store.model_at(model, 1)
        ids = list(range(min(12, cfg["block_size"])))
        src = ids if cfg.get("architecture") == "encoder-decoder" else None
        traced = median_ms(lambda: trace(replay, ids, src), args.repeat)
        size = snapshot_bytes(model)
        print(f"{name}: one snapshot {size / 1024**2:.2f} MB ({store.budget_bytes // size} in the default budget); "
              f"capture {capture:.2f} ms, model_at {make:.2f} ms, trace of {len(ids)} tokens {traced:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
