"""Sampling speed on the nanoGPT CPU recipe: tokens/s with and without the KV cache, 1 and 2 threads.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/sample_bench.py [--checkpoint DIR] [--tokens 500]

Reference: nanoGPT (no KV cache) makes about 240 tokens/s on the 2-core dev machine; the
target with the cache is 4x that. Then the cost of the streamed text alone (StreamText, which
decodes a few ids of context with each token) for each tokenizer kind, next to decoding the
whole output again at every token. Prints figures only; nothing is asserted.
"""

import argparse
import time
from pathlib import Path

import torch

from playground.core.model import ModelConfig, build_model
from playground.core.sample import SampleConfig, StreamText, generate
from playground.core.tokenizer import KINDS, Tokenizer

DATA = Path(__file__).resolve().parents[2] / "shared/data/tinyshakespeare.txt"
NANOGPT_CPU = ModelConfig(vocab_size=65, n_layer=4, n_head=4, d_model=128, d_ff=512, block_size=64,
                          position="learned", activation="gelu", norm="pre", bias=False, tie_weights=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", help="checkpoint folder to load the model and tokenizer from")
    parser.add_argument("--data", default=str(DATA), help="text to train the char tokenizer on")
    parser.add_argument("--tokens", type=int, default=500, help="tokens to generate per run")
    parser.add_argument("--threads", default="1,2", help="comma-separated torch thread counts to try")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per setting; the best is shown")
    return parser.parse_args()


def load(args):
    """(model, tokenizer): from the checkpoint, or a random nanoGPT-recipe model and a char tokenizer."""
    if args.checkpoint:
        from playground.core.checkpoint import load_checkpoint
        ckpt = load_checkpoint(args.checkpoint)
        return ckpt.model, ckpt.tokenizer
    tokenizer = Tokenizer.train("char", [Path(args.data).read_text(encoding="utf-8")])
    torch.manual_seed(0)
    # vocab 65 as in nanoGPT (its tokenizer has specials and byte fallbacks too: ids 0..64 all decode)
    return build_model(NANOGPT_CPU), tokenizer


def time_run(model, tokenizer, cfg: SampleConfig, repeats: int) -> tuple[float, int, str]:
    """Best wall time of repeats runs, the tokens made and the text of the last run."""
    generate(model, tokenizer, [tokenizer.bos_id], SampleConfig(20, use_cache=cfg.use_cache))  # warm-up
    best, steps = float("inf"), []
    for _ in range(repeats):
        t0 = time.perf_counter()
        steps = generate(model, tokenizer, [tokenizer.bos_id], cfg)
        best = min(best, time.perf_counter() - t0)
    return best, len(steps), "".join(s.text for s in steps)


def stream_text_cost(text: str, n_tokens: int, repeats: int) -> None:
    """µs per token of StreamText over n_tokens ids of text, per kind, and of a whole decode per token."""
    for kind in KINDS:
        tokenizer = Tokenizer.train(kind, [text[:200_000]], vocab_size=None if kind == "char" else 2000)
        ids = tokenizer.encode_ids(text[200_000:])[:n_tokens]
        best = whole = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            stream = StreamText(tokenizer, ids[:1], "")
            joined = "".join(stream.add(i) for i in ids[1:]) + stream.flush()
            best = min(best, time.perf_counter() - t0)
            t0 = time.perf_counter()
            for k in range(1, len(ids) + 1):
                tokenizer.decode(ids[:k])
            whole = min(whole, time.perf_counter() - t0)
        assert joined == tokenizer.decode(ids)[len(tokenizer.decode(ids[:1])):]
        print(f"StreamText {kind:<9} {1e6 * best / len(ids):6.1f} µs/token   "
              f"(whole decode per token: {1e6 * whole / len(ids):6.1f} µs/token) over {len(ids)} tokens")


def main():
    args = parse_args()
    model, tokenizer = load(args)
    print(f"model: {model.cfg.n_layer} layers, d_model {model.cfg.d_model}, context {model.cfg.block_size}, "
          f"vocab {model.cfg.vocab_size}; {args.tokens} tokens, temperature 0.8, top-k 200")
    sample = ""
    for threads in (int(t) for t in args.threads.split(",")):
        torch.set_num_threads(threads)
        for use_cache in (True, False):
            cfg = SampleConfig(max_new_tokens=args.tokens, temperature=0.8, top_k=200, seed=1337,
                               stop_at_eos=False, use_cache=use_cache)
            seconds, n, sample = time_run(model, tokenizer, cfg, args.repeats)
            print(f"threads={torch.get_num_threads()}  cache={'on ' if use_cache else 'off'}  "
                  f"{n / seconds:7.0f} tokens/s  {1000 * seconds / n:6.3f} ms/token")
    print("sample:", repr(sample[:120]))
    stream_text_cost(Path(args.data).read_text(encoding="utf-8"), args.tokens, args.repeats)


if __name__ == "__main__":
    main()
