"""A GPT-2-sized tokenizer opened as the window does: reading it, spelling its tokens, the UTF-8 guard (prints figures).

The folder's vocab.json + merges.txt are gpt2_bench's (50,257 tokens, byte-level BPE, random merges). Each
figure is the median of ``--repeats`` runs; the work runs in a worker thread in the app, where a long
stretch of Python or one long C call keeps the window waiting for the interpreter lock (issue 13). Two lines
time ``tokenizers``' own build apart: ``BPE(vocab, merges)``, the one call of the read that holds the lock
throughout, and ``BPE(vocab, [])``, its floor (building the vocabulary alone, about 1 µs a token).

    OMP_NUM_THREADS=1 python benchmarks/gpt2_tokenizer_bench.py [--repeats 5]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.gpt2_bench import GPT2_SMALL, byte_level_vocab  # noqa: E402
from tokenizers import models  # noqa: E402

from playground.core.hf_gpt2 import load_tokenizer, read_merges  # noqa: E402
from playground.core.token_text import readable_tokens  # noqa: E402
from playground.core.utf8_guard import ACCEPT, Utf8Guard  # noqa: E402


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_once(folder: Path) -> dict[str, float]:
    figures = {}
    figures["tokenizer read"], tok = timed(lambda: load_tokenizer(folder, GPT2_SMALL))
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    merges = read_merges(folder / "merges.txt")
    # the one call of the read that holds the interpreter lock throughout, and the part of it no merge list shortens
    figures["of which BPE(vocab, merges)"], _bpe = timed(lambda: models.BPE(vocab, merges))
    figures["BPE(vocab, []) alone"], _bpe = timed(lambda: models.BPE(vocab, []))
    figures["vocabulary listed"], vocab = timed(tok.vocab)
    figures["readable tokens"], _texts = timed(lambda: readable_tokens(tok.kind, vocab))
    figures["guard built"], guard = timed(lambda: Utf8Guard(tok))
    figures["first state's table"], _mask = timed(lambda: guard.allowed(ACCEPT))
    inside = guard.after(ACCEPT, tok.token_to_id("æ"))  # 0xE6: the first byte of 悟
    figures["second state's table"], _mask = timed(lambda: guard.allowed(inside))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs; the median is shown")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        vocab, merges = byte_level_vocab(GPT2_SMALL["vocab_size"])
        (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
        runs = [run_once(folder) for _ in range(args.repeats)]
    for name in runs[0]:
        print(f"{name:28s} {1000 * statistics.median(run[name] for run in runs):7.1f} ms")
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
