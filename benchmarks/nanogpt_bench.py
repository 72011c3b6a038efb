"""nanoGPT's own GPT and ours trained alternately on its CPU recipe: ms/step of each, their ratio, full validation loss.

nanoGPT's ``model.py`` is imported at run time from a folder you give (its public repository, e.g.
``git clone https://github.com/karpathy/nanoGPT /tmp/nanogpt``); none of its code is in this project.
Its training loop's essentials are reproduced here as ``train.py`` runs them: ``get_batch`` (a fresh
``np.memmap`` of ``train.bin`` per batch, ``torch.randint`` windows from the global RNG), the AdamW of
``configure_optimizers``, its warm-up + cosine learning rate, ``clip_grad_norm_`` and
``zero_grad(set_to_none=True)``. Ours trains through the playground's ``Trainer`` with its defaults
(training-health measurements every 10 steps included).

Same config for both: Tiny Shakespeare by characters (65 ids), 4 layers, 4 heads, width 128, context 64,
batch 12, dropout 0, no biases, float32, CPU, AdamW lr 1e-3 → 1e-4, betas 0.9/0.99, clip 1.0.

    python benchmarks/nanogpt_bench.py --nanogpt /tmp/nanogpt [--steps 2000] [--rounds 10] [--threads 2]
                                       [--contention]

Each model runs in a worker process of its own that stays alive for the whole run; the workers take
turns, one block of steps at a time (steps / rounds each, half that with --contention; who goes first
alternates), so both see the same machine load, with the same thread count. Both start from the caller's
environment without its OpenMP variables (OMP_WAIT_POLICY, GOMP_SPINCOUNT, OMP_NUM_THREADS...); ours
then sets what the playground's start-up sets (``runtime.openmp_environment``), as the CLI and app get
it, and by default nanoGPT gets the same (``--nanogpt-omp ours``), so the ratio is the code's;
``--nanogpt-omp libgomp`` leaves nanoGPT libgomp's defaults, as ``python train.py`` gets them in a fresh
shell (spinning ~3 ms between kernels: fast on an idle machine, many times slower on a busy one).
``--nanogpt-env``/``--ours-env KEY=VALUE`` add variables to one worker. ``--ours-compile on`` trains ours
with ``TrainConfig.compile`` (the step's forward+backward through ``torch.compile``); ``--nanogpt-compile on``
compiles nanoGPT's model as its ``train.py`` does with ``compile=True``. Ours splits each step's rows over
its threads (``TrainConfig.batch_threads``, auto); ``--ours-batch-threads 1`` turns that off, so torch's
threads split each kernel, as nanoGPT's do. ``--ours-cpu-bf16`` trains ours with bf16 autocast on a CPU
with AMX (``TrainConfig.cpu_bf16``), where nanoGPT's CPU recipe stays float32. Each worker first trains one step
on its own, timed apart (with compiling on, that step includes the compilation). ``--contention`` also runs, every
round, a block of each with a busy process (a Python spin loop pinned to one core, stopped with SIGSTOP
between those blocks) and prints that ratio too.

At the end both models are evaluated with the same code on the whole validation split (every
non-overlapping 64-token window, every position's next-token loss), not an estimate over random batches.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # this checkout's playground, in the coordinator as in the workers
DATA = next((p / "shared" / "data" / "tinyshakespeare.txt" for p in HERE.parents
             if (p / "shared" / "data" / "tinyshakespeare.txt").is_file()), HERE.parents[2] / "shared" / "data")
OPENMP_VARS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES")
RECIPE = dict(batch_size=12, block_size=64, n_layer=4, n_head=4, n_embd=128, lr=1e-3, min_lr=1e-4,
              warmup=100, decay_steps=2000, weight_decay=0.1, betas=(0.9, 0.99), grad_clip=1.0)


# --- shared by both workers ------------------------------------------------------------------
def shakespeare_ids(path: Path):
    """(train ids, val ids) as uint16 arrays: nanoGPT's shakespeare_char ids (sorted characters), 90/10 split."""
    import numpy as np

    text = path.read_text(encoding="utf-8")
    chars = sorted(set(text))
    lookup = np.zeros(max(map(ord, chars)) + 1, dtype=np.uint16)
    lookup[[ord(c) for c in chars]] = np.arange(len(chars), dtype=np.uint16)
    ids = lookup[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]
    split = int(0.9 * len(ids))
    return ids[:split], ids[split:]


def full_val_loss(model, val_ids, block_size: int, batch_size: int = 64) -> float:
    """Mean next-token cross-entropy over every position of every non-overlapping window of the split."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    starts = np.arange(0, len(val_ids) - block_size - 1 + 1, block_size)
    total, count = 0.0, 0
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for i in range(0, len(starts), batch_size):
            rows = np.stack([val_ids[s:s + block_size + 1] for s in starts[i:i + batch_size]]).astype(np.int64)
            rows = torch.from_numpy(rows)
            x, y = rows[:, :-1].contiguous(), rows[:, 1:].contiguous()
            logits, _loss = model(x, y)  # with targets both models return logits at every position
            total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    model.train(was_training)
    return total / count


# --- the two workers ---------------------------------------------------------------------------
class NanoGPTWorker:
    """nanoGPT's GPT and the essentials of its train.py loop, on the CPU recipe."""

    def __init__(self, folder: Path, data: Path, seed: int, threads: int, compile_: str = "off"):
        import numpy as np
        import torch

        sys.path.insert(0, str(folder))
        from model import GPT, GPTConfig  # nanoGPT's model.py, from the folder given

        torch.set_num_threads(threads)
        train_ids, self.val_ids = shakespeare_ids(data)
        self.tmp = tempfile.TemporaryDirectory(prefix="nanogpt-data-")
        self.train_bin = Path(self.tmp.name) / "train.bin"
        train_ids.astype(np.uint16).tofile(self.train_bin)
        r = RECIPE
        torch.manual_seed(seed)
        self.model = GPT(GPTConfig(block_size=r["block_size"], vocab_size=65, n_layer=r["n_layer"],
                                   n_head=r["n_head"], n_embd=r["n_embd"], dropout=0.0, bias=False))
        self.optimizer = self.model.configure_optimizers(r["weight_decay"], r["lr"], r["betas"], "cpu")
        self.raw_model = self.model  # evaluated eagerly, like ours
        if compile_ == "on":  # train.py's compile=True: the whole module, after the optimizer is made
            self.model = torch.compile(self.model)
        self.iter_num = 0
        self.X, self.Y = self.get_batch()

    def get_batch(self):
        import numpy as np
        import torch

        data = np.memmap(self.train_bin, dtype=np.uint16, mode="r")
        bs = RECIPE["block_size"]
        ix = torch.randint(len(data) - bs, (RECIPE["batch_size"],))
        x = torch.stack([torch.from_numpy((data[i:i + bs]).astype(np.int64)) for i in ix])
        y = torch.stack([torch.from_numpy((data[i + 1:i + 1 + bs]).astype(np.int64)) for i in ix])
        return x.to("cpu"), y.to("cpu")

    def get_lr(self, it: int) -> float:
        import math

        r = RECIPE
        if it < r["warmup"]:
            return r["lr"] * (it + 1) / (r["warmup"] + 1)
        if it > r["decay_steps"]:
            return r["min_lr"]
        ratio = (it - r["warmup"]) / (r["decay_steps"] - r["warmup"])
        return r["min_lr"] + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (r["lr"] - r["min_lr"])

    def train(self, n: int) -> float:
        """n steps; returns the last loss."""
        import torch

        for _ in range(n):
            lr = self.get_lr(self.iter_num)
            for group in self.optimizer.param_groups:
                group["lr"] = lr
            _logits, loss = self.model(self.X, self.Y)
            self.X, self.Y = self.get_batch()  # nanoGPT prefetches the next batch between forward and backward
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), RECIPE["grad_clip"])
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
            lossf = loss.item()  # train.py logs every step in the CPU recipe (log_interval=1)
            self.iter_num += 1
        return lossf


class OursWorker:
    """The playground's model and Trainer, the way the CLI trains (its runtime settings first)."""

    def __init__(self, data: Path, seed: int, threads: int, steps: int, health_interval: int, compile_: str = "off",
                 batch_threads: int | None = None, cpu_bf16: bool = False):
        from playground.core import runtime

        runtime.configure(threads)
        from playground.core.model import ModelConfig, build_model
        from playground.core.tasks import LMTask
        from playground.core.train import TrainConfig, Trainer

        import torch

        train_ids, self.val_ids = shakespeare_ids(data)
        r = RECIPE
        cfg = ModelConfig(vocab_size=65, n_layer=r["n_layer"], n_head=r["n_head"], d_model=r["n_embd"],
                          d_ff=4 * r["n_embd"], block_size=r["block_size"], dropout=0.0, activation="gelu",
                          norm="pre", position="learned", tie_weights=True, bias=False)
        train = TrainConfig(batch_size=r["batch_size"], lr=r["lr"], min_lr=r["min_lr"], warmup_steps=r["warmup"],
                            max_steps=steps + 1, lr_decay_steps=r["decay_steps"], weight_decay=r["weight_decay"],
                            beta1=r["betas"][0], beta2=r["betas"][1], grad_clip=r["grad_clip"],
                            eval_interval=10**9, device="cpu", seed=seed, threads=threads,
                            health_interval=health_interval, compile=compile_, batch_threads=batch_threads,
                            cpu_bf16=cpu_bf16)
        torch.manual_seed(seed)
        self.model = build_model(cfg)
        task = LMTask(tokenizer=None, train_ids=train_ids, val_ids=self.val_ids, name="tinyshakespeare")
        self.trainer = Trainer(self.model, task, train)
        self.records = self.trainer.run()

    def train(self, n: int) -> float:
        from playground.core.train import StepRecord

        done, loss = 0, float("nan")
        while done < n:
            record = next(self.records)
            if isinstance(record, StepRecord):
                done, loss = done + 1, record.loss
        return loss


def worker_main(args) -> int:
    """Serve the coordinator: 'train N' -> seconds and loss; 'eval' -> full validation loss; 'quit'."""
    global CHANNEL
    CHANNEL, sys.stdout = sys.stdout, sys.stderr  # what the models print goes to stderr, replies to the pipe
    if args.worker == "nanogpt":
        w = NanoGPTWorker(args.nanogpt, args.data, args.seed, args.threads, args.nanogpt_compile)
    else:
        w = OursWorker(args.data, args.seed, args.threads, args.steps, args.health_interval, args.ours_compile,
                       args.ours_batch_threads, args.ours_cpu_bf16)
    import torch

    reply({"ready": True, "threads": torch.get_num_threads(), "torch": torch.__version__,
           "env": {k: os.environ[k] for k in OPENMP_VARS if k in os.environ}})
    for line in sys.stdin:
        cmd, *rest = line.split()
        if cmd == "train":
            t, cpu = time.perf_counter(), time.process_time()
            loss = w.train(int(rest[0]))
            reply({"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - cpu, "loss": loss})
        elif cmd == "eval":
            reply({"val_loss": full_val_loss(getattr(w, "raw_model", w.model), w.val_ids, RECIPE["block_size"])})
        else:
            return 0
    return 0


CHANNEL = sys.stdout


def reply(obj: dict) -> None:
    CHANNEL.write(json.dumps(obj) + "\n")
    CHANNEL.flush()


# --- the coordinator ---------------------------------------------------------------------------
class Worker:
    def __init__(self, kind: str, args, extra_env: list[str], omp: str = "ours"):
        from playground.core.runtime import openmp_environment

        env = {k: v for k, v in os.environ.items() if k not in OPENMP_VARS}
        if omp == "ours":
            openmp_environment(env)
        elif omp == "passive":
            env["OMP_WAIT_POLICY"] = "PASSIVE"
        env.update(kv.split("=", 1) for kv in extra_env)
        env["PYTHONPATH"] = str(HERE.parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
        cmd = [sys.executable, str(HERE), "--worker", kind, "--nanogpt", str(args.nanogpt), "--data", str(args.data),
               "--seed", str(args.seed), "--threads", str(args.threads), "--steps", str(args.steps),
               "--health-interval", str(args.health_interval), "--ours-compile", args.ours_compile,
               "--nanogpt-compile", args.nanogpt_compile,
               *(["--ours-batch-threads", str(args.ours_batch_threads)] if args.ours_batch_threads else []),
               *(["--ours-cpu-bf16"] if args.ours_cpu_bf16 else [])]
        self.kind = kind
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.info = self.ask(None)

    def ask(self, line: str | None) -> dict:
        if line is not None:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        out = self.proc.stdout.readline()
        if not out:
            raise RuntimeError(f"the {self.kind} worker stopped (exit {self.proc.wait()})")
        return json.loads(out)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait()


def start_spinner() -> subprocess.Popen:
    """A busy process holding one core (the last this process may use), stopped until a contended block."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(spinner.pid, {core})
    spinner.send_signal(signal.SIGSTOP)
    return spinner


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nanogpt", type=Path, required=True, help="folder with nanoGPT's model.py")
    p.add_argument("--steps", type=int, default=2000, help="training steps of each model")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--contention", action="store_true",
                   help="every round also times a block of each with a busy process on one core ('busy core')")
    p.add_argument("--health-interval", type=int, default=10, help="ours: health measurements every N steps (0: off)")
    p.add_argument("--nanogpt-omp", choices=("ours", "passive", "libgomp"), default="ours",
                   help="nanoGPT's OpenMP settings: the playground's (default), plain passive, or libgomp's defaults")
    p.add_argument("--nanogpt-env", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--ours-env", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--ours-compile", choices=("off", "on", "auto"), default="off",
                   help="ours: TrainConfig.compile (on: the step's forward+backward through torch.compile)")
    p.add_argument("--ours-batch-threads", type=int, metavar="N",
                   help="ours: TrainConfig.batch_threads (default: auto, the rows split over --threads threads; "
                        "1: no split, torch's threads split each kernel)")
    p.add_argument("--ours-cpu-bf16", action="store_true",
                   help="ours: TrainConfig.cpu_bf16 (bf16 autocast where the CPU has AMX; nanoGPT's CPU recipe is float32)")
    p.add_argument("--nanogpt-compile", choices=("off", "on"), default="off",
                   help="nanoGPT: torch.compile(model), as its train.py's compile=True (its CPU recipe says False)")
    p.add_argument("--worker", choices=("nanogpt", "ours"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return worker_main(args)
    if not (args.nanogpt / "model.py").is_file():
        print(f"no nanoGPT model.py in {args.nanogpt}; clone https://github.com/karpathy/nanoGPT and pass its folder",
              file=sys.stderr)
        return 2
    if not args.data.is_file():
        print(f"Tiny Shakespeare not found at {args.data}; pass --data", file=sys.stderr)
        return 2
    return compare(args)


def compare(args) -> int:
    modes = ("plain", "busy core") if args.contention else ("plain",)
    block = args.steps // (args.rounds * len(modes))
    if block < 1:
        print("fewer steps than blocks: raise --steps or lower --rounds", file=sys.stderr)
        return 2
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{len(os.sched_getaffinity(0))} cores")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the workers and the spinner are ended too
    workers = {"nanogpt": Worker("nanogpt", args, args.nanogpt_env, args.nanogpt_omp),
               "ours": Worker("ours", args, args.ours_env)}
    for name, w in workers.items():
        print(f"{name:8} worker: torch {w.info['torch']}, threads {w.info['threads']}, OpenMP env {w.info['env']}")
    first = {}
    for name, w in workers.items():  # one step each first, timed apart: with --*-compile on, the compilation
        first[name] = w.ask("train 1")["seconds"]
    print(f"first step (compiling, if on): nanoGPT {first['nanogpt']:.1f} s, ours {first['ours']:.1f} s "
          f"(compile: nanoGPT {args.nanogpt_compile}, ours {args.ours_compile}; ours' batch threads: "
          f"{args.ours_batch_threads or 'auto'}; ours' CPU bf16: {'on' if args.ours_cpu_bf16 else 'off'})", flush=True)
    spinner = start_spinner() if args.contention else None
    ms = {(name, mode): [] for name in workers for mode in modes}
    cpu_ms = {(name, mode): [] for name in workers for mode in modes}  # CPU time of the worker (all its threads)
    try:
        for rnd in range(args.rounds):
            for mode in modes:
                if spinner:
                    spinner.send_signal(signal.SIGCONT if mode == "busy core" else signal.SIGSTOP)
                order = ("nanogpt", "ours") if rnd % 2 == 0 else ("ours", "nanogpt")
                losses = {}
                for name in order:
                    r = workers[name].ask(f"train {block}")
                    ms[name, mode].append(1000 * r["seconds"] / block)
                    cpu_ms[name, mode].append(1000 * r["cpu_seconds"] / block)
                    losses[name] = r["loss"]
                a, b = ms["nanogpt", mode][-1], ms["ours", mode][-1]
                print(f"round {rnd + 1:2} {mode:9} ({block} steps each): nanoGPT {a:6.1f} ms/step, "
                      f"ours {b:6.1f} ms/step, ratio {a / b:.2f}x  (loss {losses['nanogpt']:.3f} / {losses['ours']:.3f}; "
                      f"load {os.getloadavg()[0]:.1f})", flush=True)
        if spinner:
            spinner.send_signal(signal.SIGSTOP)
        val = {name: w.ask("eval")["val_loss"] for name, w in workers.items()}
    finally:
        if spinner:
            spinner.kill()
            spinner.wait()
        for w in workers.values():
            w.close()
    steps = 1 + args.rounds * len(modes) * block
    for mode in modes:
        a, b = statistics.median(ms["nanogpt", mode]), statistics.median(ms["ours", mode])
        ratios = sorted(x / y for x, y in zip(ms["nanogpt", mode], ms["ours", mode]))
        print(f"{mode}: median nanoGPT {a:.1f} ms/step, ours {b:.1f} ms/step; ratio of medians {a / b:.2f}x; "
              f"per-round ratios {ratios[0]:.2f}–{ratios[-1]:.2f}x (median {statistics.median(ratios):.2f}x)")
        print(f"{mode}: fastest block nanoGPT {min(ms['nanogpt', mode]):.1f} ms/step, ours {min(ms['ours', mode]):.1f} "
              f"ms/step; ratio {min(ms['nanogpt', mode]) / min(ms['ours', mode]):.2f}x (on a loaded machine, the "
              f"blocks least disturbed)")
        a, b = statistics.median(cpu_ms["nanogpt", mode]), statistics.median(cpu_ms["ours", mode])
        print(f"{mode}: CPU time (all threads) median nanoGPT {a:.1f} ms/step, ours {b:.1f} ms/step; ratio {a / b:.2f}x")
    print(f"validation loss after {steps} steps, whole validation split ({len(shakespeare_ids(args.data)[1]):,} "
          f"tokens): nanoGPT {val['nanogpt']:.4f}, ours {val['ours']:.4f}")
    print(f"threads {args.threads}; load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
