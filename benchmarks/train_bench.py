"""Training benchmark: nanoGPT's CPU recipe on Tiny Shakespeare, through the playground's trainer.

Character level (65 symbols, ids as in nanoGPT: sorted characters), first 90% train / last 10%
validation; GPT 4 layers, 4 heads, width 128, context 64, learned positions, GELU MLP 512,
pre-LN, no biases, tied embeddings, dropout 0; batch 12; AdamW lr 1e-3, betas 0.9/0.99,
weight decay 0.1 on matrices, clip 1.0, 100 warm-up steps then cosine to 1e-4 at step 2,000;
validation loss = mean of 20 random batches.

    python benchmarks/train_bench.py [--steps 2000] [--threads 2] [--device cpu] [--health on|off|both]
    python benchmarks/train_bench.py --nanogpt DIR [--steps 2000] [--threads 2] [--contention]

Prints ms/step, tokens/s, achieved GFLOP/s, the share of this machine's float32 matmul peak
(measured in the same run) and the validation loss at the last step. ``--health both`` instead
trains the same model from the same seed with the training-health measurements off and on, in
turns (``--pairs`` times), and prints the wall-clock tokens/s of each and their ratio: a step's own
tokens/s leaves out what happens between steps, where the health measurements run.

``--nanogpt DIR`` (a checkout of nanoGPT's public repository) instead trains nanoGPT's own GPT and ours
in turns in the same run and prints the ratio: see ``nanogpt_bench.py``, which it runs.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from playground.core import runtime  # noqa: E402
from playground.core.model import ModelConfig, build_model, count_parameters, flops_per_token  # noqa: E402
from playground.core.tasks import LMTask  # noqa: E402
from playground.core.train import StepRecord, TrainConfig, Trainer  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tinyshakespeare.txt"


def matmul_peak(threads: int, n: int = 1024, repeats: int = 20) -> float:
    """Best float32 GFLOP/s of an n×n matmul on this machine, with the same thread count."""
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    out = torch.empty(n, n)
    for _ in range(3):
        torch.mm(a, b, out=out)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        torch.mm(a, b, out=out)
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best / 1e9


def shakespeare_task(path: Path) -> LMTask:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from nanogpt_bench import shakespeare_ids  # the ids of nanoGPT's own recipe, as its bench reads them

    train_ids, val_ids = shakespeare_ids(path)
    return LMTask(tokenizer=None, train_ids=train_ids, val_ids=val_ids, name="tinyshakespeare")


def stop_latency(model, task, train: TrainConfig, trials: int) -> list[float]:
    """Seconds from request_stop() to the end of run(), with training under way in a thread."""
    import random
    import threading
    from dataclasses import replace

    out = []
    for i in range(trials):
        trainer = Trainer(model, task, replace(train, max_steps=10**6, eval_interval=200))
        stopped = []
        worker = threading.Thread(target=lambda: stopped.extend(trainer.run()))
        worker.start()
        time.sleep(0.3 + random.Random(i).random() * 0.7)
        t = time.perf_counter()
        trainer.request_stop()
        worker.join()
        out.append(time.perf_counter() - t)
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(a == "--nanogpt" or a.startswith("--nanogpt=") for a in argv):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import nanogpt_bench

        return nanogpt_bench.main(argv)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--stop-trials", type=int, default=5, help="measure stop latency this many times")
    p.add_argument("--health", choices=("on", "off", "both"), default="on",
                   help="training-health measurements (every --health-interval steps); both: compare off and on")
    p.add_argument("--health-interval", type=int, default=TrainConfig.health_interval)
    p.add_argument("--pairs", type=int, default=3, help="with --health both: off/on runs in turn, this many pairs")
    p.add_argument("--nanogpt", metavar="DIR", help="instead: nanoGPT's own GPT (from DIR) and ours in turns, "
                   "with the ratio (nanogpt_bench.py; see its --help)")
    args = p.parse_args(argv)
    if not args.data.is_file():
        print(f"reference corpus not found at {args.data}; pass --data", file=sys.stderr)
        return 2
    runtime.configure(args.threads)
    peak = matmul_peak(args.threads) if args.device == "cpu" else float("nan")
    task = shakespeare_task(args.data)
    cfg = ModelConfig(vocab_size=65, n_layer=4, n_head=4, d_model=128, d_ff=512, block_size=64, dropout=0.0,
                      activation="gelu", norm="pre", position="learned", tie_weights=True, bias=False)
    train = TrainConfig(batch_size=12, lr=1e-3, min_lr=1e-4, warmup_steps=100, max_steps=args.steps,
                        lr_decay_steps=2000, weight_decay=0.1, beta1=0.9, beta2=0.99, grad_clip=1.0,
                        eval_interval=10**9, eval_batches=20, device=args.device, seed=args.seed,
                        threads=args.threads, health_interval=args.health_interval if args.health == "on" else 0)
    if args.health == "both":
        return compare_health(cfg, task, train, args)
    torch.manual_seed(args.seed)
    model = build_model(cfg)
    trainer = Trainer(model, task, train)
    step_seconds, val_loss, started = [], None, time.perf_counter()
    for record in trainer.run():
        if isinstance(record, StepRecord):
            step_seconds.append(768 / record.tokens_per_second)
        elif record.kind == "eval":
            val_loss = record.metrics["val_loss"]
    wall = time.perf_counter() - started
    ms = 1000 * statistics.median(step_seconds[10:] or step_seconds)
    tokens_per_second = 12 * 64 / (ms / 1000)
    gflops = flops_per_token(model) * tokens_per_second / 1e9
    print(f"device {trainer.device}, torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"parameters {count_parameters(model):,} (N = {count_parameters(model, non_embedding=True):,}), "
          f"{flops_per_token(model) / 1e6:.2f} MFLOP/token")
    print(f"steps {trainer.step}, wall {wall:.1f} s")
    print(f"median {ms:.1f} ms/step, {tokens_per_second:,.0f} tokens/s")
    print(f"achieved {gflops:.1f} GFLOP/s; float32 matmul peak {peak:.1f} GFLOP/s; "
          f"{100 * gflops / peak:.0f}% of peak")
    print(f"validation loss at step {trainer.step}: {val_loss:.3f}")
    if args.stop_trials:
        waits = stop_latency(model, task, train, args.stop_trials)
        print(f"stop latency over {len(waits)} trials: median {1000 * statistics.median(waits):.0f} ms, "
              f"max {1000 * max(waits):.0f} ms")
    print("against nanoGPT in the same run: --nanogpt DIR (a checkout of github.com/karpathy/nanoGPT)")
    return 0


def timed(fn, spent: list[float]):
    """fn, adding the seconds each call takes to spent[0]."""
    def call(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t
    return call


def wall_tokens_per_second(cfg: ModelConfig, task, train: TrainConfig, seed: int) -> tuple[float, int, float]:
    """Tokens per wall-clock second of a whole run (the steps and what runs between them), its record count,
    and the share of its wall time spent in the health measurements (a ratio the machine's load cancels out of)."""
    torch.manual_seed(seed)
    trainer = Trainer(build_model(cfg), task, train)
    spent = [0.0]
    if trainer.health is not None:
        trainer.health.measure = timed(trainer.health.measure, spent)
        trainer.attention_health = timed(trainer.attention_health, spent)
    started, records = time.perf_counter(), 0
    for _record in trainer.run():
        records += 1
    wall = time.perf_counter() - started
    return train.max_steps * train.batch_size * cfg.block_size / wall, records, spent[0] / wall


def compare_health(cfg: ModelConfig, task, train: TrainConfig, args) -> int:
    from dataclasses import replace

    runs, shares = {"off": [], "on": []}, []
    for pair in range(args.pairs):
        for mode in ("off", "on") if pair % 2 == 0 else ("on", "off"):  # turns: neither always goes first
            interval = args.health_interval if mode == "on" else 0
            speed, records, share = wall_tokens_per_second(cfg, task, replace(train, health_interval=interval),
                                                           args.seed)
            runs[mode].append(speed)
            shares += [share] if mode == "on" else []
            print(f"health {mode:3}: {speed:,.0f} tokens/s ({args.steps} steps, {records} records"
                  + (f"; {100 * share:.2f}% of the wall time in health measurements)" if mode == "on" else ")"))
    off, on = statistics.median(runs["off"]), statistics.median(runs["on"])
    print(f"device {args.device}, threads {torch.get_num_threads()}, health every {args.health_interval} steps; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"median tokens/s: off {off:,.0f}, on {on:,.0f}; on/off {on / off:.3f} ({100 * (1 - on / off):+.1f}% drop)")
    ratios = [b / a for a, b in zip(runs["off"], runs["on"])]
    print("pairwise on/off: " + ", ".join(f"{r:.3f}" for r in ratios))
    print(f"time in the health measurements, same runs: median {100 * statistics.median(shares):.2f}% of the wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
