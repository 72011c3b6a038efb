"""How long a full stage-by-stage trace takes next to a plain forward pass (prints figures only).

Run: OMP_WAIT_POLICY=PASSIVE python benchmarks/trace_bench.py
"""

import statistics
import time

import torch

from playground.core.model import ModelConfig, build_model
from playground.core.trace import trace

T = 64  # tokens traced, the default context length
REPEATS = 20


def median_ms(fn, repeats: int = REPEATS) -> float:
    for _ in range(3):  # warm-up
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def bench(architecture: str) -> None:
    cfg = ModelConfig(architecture=architecture, vocab_size=65, n_layer=4, n_head=4, d_model=128, d_ff=512,
                      block_size=64)
    torch.manual_seed(0)
    model = build_model(cfg).eval()
    ids = torch.randint(1, cfg.vocab_size, (T,)).tolist()
    src = torch.randint(1, cfg.vocab_size, (T,)).tolist() if architecture == "encoder-decoder" else None
    idx = torch.tensor([ids])
    src_t = None if src is None else torch.tensor([src])

    def forward():
        with torch.no_grad():
            model(idx, src=src_t)

    traced = median_ms(lambda: trace(model, ids, src_ids=src))
    plain = median_ms(forward)
    n_records = len(trace(model, ids, src_ids=src).records)
    print(f"{architecture:16s} trace {traced:7.2f} ms ({n_records} records)   forward {plain:6.2f} ms   "
          f"ratio {traced / plain:5.1f}x")


def main() -> None:
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {T}-token input, median of {REPEATS}")
    for architecture in ("decoder", "encoder-decoder"):
        bench(architecture)


if __name__ == "__main__":
    main()
