"""``playground train``: train on a built-in dataset or a text file, with checkpoints and resume."""

import contextlib
import itertools
import shlex
import signal
import time
from dataclasses import replace
from pathlib import Path

from playground.core.errors import CheckpointError, ConfigError
from playground.core.i18n import _
from playground.core.tokenizer_kinds import KINDS

from .common import (EXIT_DIVERGED, EXIT_INTERRUPTED, PROG, ProgressBar, architecture_name, duration, err,
                     format_metrics, fraction, non_negative_int, out, positive_float, positive_int, report_lines,
                     resolve_checkpoint, stop_on_interrupt, stop_on_signal, subcommand)

EXIT_PROCESS_LOST = 4  # under torchrun: another process of the run stopped, crashed or hung

# command-line option -> ModelConfig / TrainConfig field
MODEL_OPTIONS = {"layers": "n_layer", "heads": "n_head", "width": "d_model", "ff": "d_ff", "context": "block_size",
                 "dropout": "dropout", "activation": "activation", "norm": "norm", "position": "position",
                 "tie_weights": "tie_weights", "bias": "bias", "family": "family", "hidden": "lstm_hidden"}
TRAIN_OPTIONS = {"steps": "max_steps", "batch_size": "batch_size", "lr": "lr", "warmup": "warmup_steps",
                 "eval_interval": "eval_interval", "checkpoint_interval": "checkpoint_interval",
                 "grad_accum": "grad_accum", "device": "device", "threads": "threads", "compile": "compile",
                 "batch_threads": "batch_threads", "cpu_bf16": "cpu_bf16"}
CLEANING_OPTIONS = {"gutenberg": "gutenberg", "nfkc": "nfkc", "lower": "lowercase",
                    "strip_punctuation": "strip_punctuation", "collapse_whitespace": "collapse_whitespace"}
DATA_OPTIONS = ("dataset", "text", "tokenizer", "vocab_size", "seed", *CLEANING_OPTIONS)


def add_parser(subparsers) -> None:
    p = subcommand(subparsers, "train", _("train a model on a built-in dataset or a text file"), [
        "train --dataset reversal --steps 300",
        "train --text poems.txt --tokenizer bpe --vocab-size 2000 --layers 4 --width 256",
        "train --resume runs/reversal-20250101-120000 --steps 600"])
    data = p.add_argument_group(_("data"))
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", metavar="NAME", help=_("a built-in dataset (see 'playground datasets')"))
    source.add_argument("--text", metavar="FILE", help=_("a plain-text file to learn to continue"))
    data.add_argument("--tokenizer", choices=KINDS,
                      help=_("tokenizer kind (default: the dataset's, see 'playground datasets'; char for --text)"))
    data.add_argument("--vocab-size", type=positive_int, metavar="N", help=_("vocabulary size (not for char)"))
    data.add_argument("--seed", type=non_negative_int, metavar="N", help=_("seed of the data and the weights (default: 0)"))
    for option, helptext in (("--gutenberg", _("keep only the book of a Project Gutenberg --text: no header, "
                                               "no licence")),
                             ("--nfkc", _("fold look-alike characters (NFKC) in --text")),
                             ("--lower", _("lowercase --text")),
                             ("--strip-punctuation", _("remove punctuation from --text")),
                             ("--collapse-whitespace", _("collapse runs of spaces and blank lines in --text"))):
        data.add_argument(option, action="store_true", default=None, help=helptext)

    model = p.add_argument_group(_("model (defaults come from the dataset)"))
    model.add_argument("--family", choices=("transformer", "lstm"),
                       help=_("transformer, or lstm: a recurrent network, embedding → LSTM → linear (decoder-only)"))
    model.add_argument("--layers", type=positive_int, metavar="N", help=_("decoder (and encoder) layers"))
    model.add_argument("--heads", type=positive_int, metavar="N", help=_("attention heads per layer"))
    model.add_argument("--width", type=positive_int, metavar="N", help=_("model width d_model"))
    model.add_argument("--ff", type=positive_int, metavar="N", help=_("feed-forward hidden width"))
    model.add_argument("--hidden", type=positive_int, metavar="N",
                       help=_("hidden size of each LSTM layer (default: the width)"))
    model.add_argument("--context", type=positive_int, metavar="N", help=_("context length in tokens"))
    model.add_argument("--dropout", type=fraction, metavar="X", help=_("dropout probability"))
    model.add_argument("--activation", metavar="NAME", help=_("gelu, relu or swiglu"))
    model.add_argument("--norm", metavar="WHERE", help=_("pre or post (LayerNorm placement)"))
    model.add_argument("--position", metavar="KIND", help=_("learned, sinusoidal or rope"))
    model.add_argument("--no-tie", dest="tie_weights", action="store_false", default=None,
                       help=_("do not share the embedding matrix with the output layer"))
    model.add_argument("--bias", action="store_true", default=None, help=_("use biases in linear layers"))

    run = p.add_argument_group(_("training"))
    run.add_argument("--steps", type=positive_int, metavar="N",
                     help=_("optimizer steps in all (a warm-up longer than a fifth of them is shortened)"))
    run.add_argument("--batch-size", type=positive_int, metavar="N", help=_("examples per step"))
    run.add_argument("--lr", type=positive_float, metavar="X",
                     help=_("peak learning rate (the final one is a tenth of it)"))
    run.add_argument("--warmup", type=non_negative_int, metavar="N", help=_("warm-up steps"))
    run.add_argument("--grad-accum", type=positive_int, metavar="N", help=_("micro-batches per step"))
    run.add_argument("--eval-interval", type=positive_int, metavar="N", help=_("evaluate every N steps"))
    run.add_argument("--checkpoint-interval", type=non_negative_int, metavar="N",
                     help=_("save a checkpoint every N steps (0: only at the end)"))
    run.add_argument("--device", metavar="NAME", help=_("auto, cpu, cuda, cuda:1 or mps (default: auto)"))
    run.add_argument("--threads", type=positive_int, metavar="N", help=_("CPU threads for torch"))
    run.add_argument("--compile", choices=("auto", "on", "off"),
                     help=_("compile the training step with torch.compile; auto: for CPU runs of 10,000 steps or "
                            "more when a C++ compiler is found (default: auto)"))
    run.add_argument("--batch-threads", type=positive_int, metavar="N",
                     help=_("CPU threads each step's rows are split over, one slice each (1: no split; default: "
                            "as many as --threads, without dropout)"))
    run.add_argument("--cpu-bf16", action="store_true", default=None,
                     help=_("bf16 autocast on a CPU with AMX matrix units (attention stays float32)"))
    run.add_argument("--run-dir", metavar="DIR", help=_("folder for metrics and checkpoints "
                                                        "(default: runs/<data>-<date>-<time>)"))
    run.add_argument("--resume", metavar="CHECKPOINT_DIR",
                     help=_("continue a saved run (a checkpoint or run folder) up to --steps"))
    run.add_argument("--quiet", action="store_true", help=_("no progress bar, only the result"))
    run.add_argument("--dist-timeout", type=positive_float, metavar="SECONDS",
                     help=_("under torchrun: how long a process waits for the others before it stops the run "
                            "(default: 600)"))
    p.set_defaults(run=run_command)


def run_command(args) -> int:
    from playground.core import distributed, runtime
    from playground.core.device import resolve_device

    processes = distributed.start(args.dist_timeout or distributed.DEFAULT_TIMEOUT)  # SINGLE without torchrun
    runtime.configure(args.threads or rank_threads(processes))
    if args.device:
        resolve_device(args.device)  # fail before the data is built
    if args.resume:
        trainer, name = resumed_trainer(args)
    elif args.dataset or args.text:
        trainer, name = new_trainer(args)
    else:
        raise ConfigError(_("choose what to train on: --dataset NAME, --text FILE or --resume CHECKPOINT_DIR"))
    # the trainer leaves threads to its caller; a resumed run keeps its own, unless it is split over processes
    runtime.configure(args.threads or rank_threads(processes) or trainer.cfg.threads)
    code = train(trainer, name, args.quiet)
    distributed.finish(processes)
    return code


def rank_threads(processes) -> int | None:
    """Under torchrun, the cores of this machine shared by its processes (2 cores, 2 processes: 1 each)."""
    from playground.core.distributed import threads_per_process

    return threads_per_process(processes.local_world_size) if processes.active else None


def given(args, options) -> dict:
    """{field: value} for the options the user set, renamed through ``options``."""
    return {field: getattr(args, opt) for opt, field in options.items() if getattr(args, opt) is not None}


def train_overrides(args) -> dict:
    train = given(args, TRAIN_OPTIONS)
    if args.lr is not None:
        train["min_lr"] = args.lr / 10
    return train


def new_trainer(args):
    from playground.core.model import build_model
    from playground.core.recipes import recipe_for_dataset, recipe_for_text
    from playground.core.text import Cleaning
    from playground.core.train import Trainer, short_run_warmup

    kind, seed = args.tokenizer, args.seed or 0  # None: the dataset's own kind, char for a text file
    model, train = given(args, MODEL_OPTIONS), train_overrides(args)
    train.setdefault("compile", "auto")  # the app and the library train eagerly unless asked
    if args.dataset:
        if given(args, CLEANING_OPTIONS):
            raise ConfigError(_("the cleaning options (--gutenberg, --nfkc, --lower, --strip-punctuation, "
                                "--collapse-whitespace) are for --text; a built-in dataset is already clean"))
        recipe = recipe_for_dataset(args.dataset, seed, kind, args.vocab_size, model=model, train=train)
        name = args.dataset
    else:
        cleaning = given(args, CLEANING_OPTIONS)
        recipe = recipe_for_text(args.text, kind or "char", args.vocab_size,
                                 cleaning=Cleaning(**cleaning) if cleaning else None, seed=seed, model=model,
                                 train=train)
        name = Path(args.text).stem
    if args.warmup is None:  # as the app does: a short run is not spent warming up
        recipe.train = replace(recipe.train, warmup_steps=short_run_warmup(recipe.train.max_steps,
                                                                           recipe.train.warmup_steps))
    run_dir = agreed_run_dir(Path(args.run_dir) if args.run_dir else default_run_dir(name))
    trainer = Trainer(build_model(recipe.model, seed=recipe.train.seed), recipe.task, recipe.train, run_dir, task_spec=recipe.spec)
    return trainer, name


def resumed_trainer(args):
    from playground.core.checkpoint import load_checkpoint
    from playground.core.recipes import task_from_spec
    from playground.core.train import Trainer

    fixed = [opt for opt in (*DATA_OPTIONS, *MODEL_OPTIONS) if getattr(args, opt) is not None]
    if fixed:
        options = ", ".join("--" + opt.replace("_", "-") for opt in fixed)
        raise ConfigError(_("--resume continues a run with its own data and model; leave out {o}").format(o=options))
    folder = resolve_checkpoint(args.resume)
    checkpoint = load_checkpoint(folder, training=True)
    state = checkpoint.state
    if not isinstance(state.get("train"), dict) or "step" not in state:
        raise CheckpointError(_("{p} holds no training state, so it cannot be resumed").format(p=folder))
    task = task_from_spec(state.get("task") or {}, checkpoint.tokenizer)
    overrides = train_overrides(args)
    step, target = int(state["step"]), overrides.get("max_steps", state["train"].get("max_steps", 0))
    if target <= step:
        raise ConfigError(_("the checkpoint is already at step {s}: ask for more steps, e.g. --steps {n}").format(
            s=step, n=2 * step))
    if args.run_dir:
        run_dir = Path(args.run_dir)
    elif folder.parent.name == "checkpoints":
        run_dir = folder.parent.parent
    else:
        run_dir = default_run_dir(task.name)
    return Trainer.from_checkpoint(checkpoint, task, agreed_run_dir(run_dir), **overrides), task.name


def agreed_run_dir(run_dir: Path) -> Path:
    """Rank 0's run folder on every rank (each would pick its own default name); unchanged with one process."""
    from playground.core import distributed

    return Path(distributed.current().broadcast_text(str(run_dir)))


def default_run_dir(name: str) -> Path:
    """runs/<name>-<YYYYmmdd-HHMMSS>, with -2, -3... if that folder already exists."""
    base = Path("runs") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base, 2
    while path.exists():
        path, n = base.with_name(f"{base.name}-{n}"), n + 1
    return path


def write_run_files(trainer) -> None:
    """tokenizer.json and config.json (model, training and data settings, how many processes train) at the top
    of the run folder."""
    from playground.core.atomic import write_json_atomic

    trainer.run_dir.mkdir(parents=True, exist_ok=True)
    trainer.task.tokenizer.save(trainer.run_dir / "tokenizer.json")
    write_json_atomic(trainer.run_dir / "config.json", {"model": trainer.model.cfg.to_dict(),
                                                         "train": trainer.cfg.to_dict(), "task": trainer.task_spec,
                                                         "processes": trainer.processes.world_size})


def describe_start(trainer, name: str) -> None:
    from playground.core.model import count_parameters
    from playground.core.tokenizer import DEFAULT_VOCAB_SIZE

    cfg, tok = trainer.model.cfg, trainer.task.tokenizer
    if cfg.family == "lstm":
        out(_("Training on {name}: LSTM model (layers {l}, width {d}, hidden size {h}, context {c}; {p:,} "
              "parameters), {k} tokenizer ({v:,} tokens), device {dev}").format(
            name=name, l=cfg.n_layer, d=cfg.d_model, h=cfg.hidden_size, c=cfg.block_size,
            p=count_parameters(trainer.model), k=tok.kind, v=tok.vocab_size, dev=trainer.device))
    else:
        out(_("Training on {name}: {arch} model (layers {l}, heads {h}, width {d}, context {c}; {p:,} parameters), "
              "{k} tokenizer ({v:,} tokens), device {dev}").format(
            name=name, arch=architecture_name(cfg.architecture), l=cfg.n_layer, h=cfg.n_head, d=cfg.d_model,
            c=cfg.block_size, p=count_parameters(trainer.model), k=tok.kind, v=tok.vocab_size, dev=trainer.device))
    if tok.kind == "char":  # 346 tokens for a text of 85 distinct characters: say what the rest are
        parts = tok.parts()
        out(_("The char tokenizer's {v:,} tokens: {c:,} characters + {b:,} bytes (for characters it never saw) + "
              "{s:,} special.").format(v=tok.vocab_size, c=parts["learned"], b=parts["bytes"], s=parts["special"]))
    asked = trainer.task_spec.get("vocab_size") or DEFAULT_VOCAB_SIZE.get(tok.kind)  # none given: the default
    if asked and tok.vocab_size > asked:  # WordPiece and Unigram hold every character, whatever the size asked
        out(_("The {k} tokenizer has {v:,} tokens, more than the {a:,} asked for: every character of the training "
              "text has a token of its own.").format(k=tok.kind, v=tok.vocab_size, a=asked))
    if trainer.step:
        out(_("Resuming at step {s} of {t}").format(s=trainer.step, t=trainer.cfg.max_steps))
    processes = trainer.processes
    if processes.active:
        import torch

        from playground.core.distributed import cpu_cores

        out(_("{n} processes (DistributedDataParallel, {backend}): batch {b} = {k} per process; CPU threads per "
              "process: {t} ({c} cores, {m} processes on this machine)").format(
            n=processes.world_size, backend="nccl" if trainer.device.type == "cuda" else "gloo",
            b=trainer.cfg.batch_size, k=trainer.cfg.batch_size // processes.world_size, t=torch.get_num_threads(),
            c=cpu_cores(), m=processes.local_world_size))
    out(_("Run folder: {p}").format(p=trainer.run_dir))


def train(trainer, name: str, quiet: bool = False) -> int:
    """Run the loop with a progress bar; returns the exit code (0, 3 diverged, 4 another process lost,
    130 stopped by Ctrl-C). Under torchrun only rank 0 writes files and speaks; the others stay quiet."""
    from playground.core.distributed import ProcessLost

    main = trainer.processes.is_main
    quiet = quiet or not main
    if main:
        write_run_files(trainer)
    if not quiet:
        describe_start(trainer, name)
    bar = ProgressBar(trainer.cfg.max_steps, trainer.step, enabled=not quiet)
    started, metrics, report, ending, saved = time.perf_counter(), {}, None, None, None
    warned = set()  # the kinds of health warning already printed
    with stop_on_interrupt(trainer, speak=main), stop_on_terminate(trainer):
        try:
            for record in trainer.run():
                bar.update(record)
                if record.kind == "eval":
                    metrics, report = record.metrics, record.report
                elif record.kind == "event" and record.event in ("stopped", "diverged"):
                    ending = record
                elif record.kind == "event" and record.event == "checkpoint":
                    saved = record.path
                elif record.kind in ("health", "attention") and main:
                    for line in health_warnings(record, warned):
                        bar.note(line)
                elif record.kind == "event" and record.event == "compile" and main:
                    bar.clear()
                    err(record.message)
        except ProcessLost as e:
            bar.close()
            return process_lost(trainer, e)
        finally:
            bar.close()
    if ending is not None and ending.event == "diverged":
        if main:
            err(f"{PROG}: {ending.message}")
        return EXIT_DIVERGED
    if ending is not None and ending.event == "stopped":
        saved = trainer.save_to_run().path
        if main:
            err(_("Stopped at step {s}; checkpoint saved in {p}.").format(s=trainer.step, p=saved))
            err(_("Continue with: {cmd}").format(cmd=resume_command(trainer)))
        return EXIT_INTERRUPTED
    if not main:
        return 0
    out(_("Finished step {s} in {t}: {m}").format(s=trainer.step, t=duration(time.perf_counter() - started),
                                                  m=format_metrics(metrics) or "-"))
    for line in report_lines(report) if report else ():
        out(line)
    out(_("Checkpoint: {p}").format(p=saved))
    say_best(trainer)
    out(_("Sample from it: {cmd}").format(cmd=sample_hint(trainer)))
    return 0


def say_best(trainer) -> None:
    """Which evaluation was the best by the task's headline metric, and where its checkpoint is."""
    from playground.core.train import BEST_FOLDER

    best = trainer.best
    folder = trainer.run_dir / "checkpoints" / BEST_FOLDER
    if best is None or not (folder / "state.json").is_file():
        return
    out(_("Best evaluation: step {s} ({m}), kept in {p}; use it with --best, e.g. {cmd}").format(
        s=best["step"], m=format_metrics({best["metric"]: best["value"]}), p=folder,
        cmd=sample_hint(trainer) + " --best"))


def health_warnings(record, warned: set) -> list[str]:
    """The training-health warnings of a record (see core.health) whose kind ``warned`` does not hold yet, as
    lines: "playground: warning at step 20: Large updates in the embeddings: … Try a lower learning rate…"."""
    from playground.core.health import describe

    lines = []
    for warning in record.warnings:
        if warning["code"] in warned:
            continue
        warned.add(warning["code"])
        message, advice = describe(warning)
        lines.append(_("{prog}: warning at step {s}: {message} {advice}").format(
            prog=PROG, s=record.step, message=message, advice=advice).rstrip())
    return lines


def resume_command(trainer) -> str:
    """The command that continues this run, under torchrun when it ran under torchrun."""
    again = f"train --resume {shlex.quote(str(trainer.run_dir))} --steps {trainer.cfg.max_steps}"
    processes = trainer.processes
    if not processes.active:
        return f"{PROG} {again}"
    nodes = "--standalone " if processes.world_size == processes.local_world_size else "... "
    return f"torchrun {nodes}--nproc_per_node={processes.local_world_size} -m {PROG} {again}"


def process_lost(trainer, error) -> int:
    """Another process is gone: every rank says so; rank 0 saves the weights of the last finished step (a
    step that fails in its all-reduce has not touched them) and says how to go on."""
    err(f"{PROG}: {error}")
    if trainer.processes.is_main and trainer.run_dir:
        saved = trainer.save_to_run().path
        err(_("Checkpoint of step {s} saved in {p}.").format(s=trainer.step, p=saved))
        err(_("Continue with: {cmd}").format(cmd=resume_command(trainer)))
    return EXIT_PROCESS_LOST


@contextlib.contextmanager
def stop_on_terminate(trainer):
    """Under torchrun, SIGTERM (torchrun passing on a Ctrl-C, or stopping the run because a process failed)
    asks to stop after the step, as Ctrl-C does; all ranks agree on the step. A second SIGTERM ends at once."""
    if not trainer.processes.active:
        yield
        return
    message = _("Stopping after this step (torchrun asked this process to end)...")
    with stop_on_signal(trainer, signal.SIGTERM, message, signal.SIG_DFL, speak=trainer.processes.is_main):
        yield


def sample_hint(trainer) -> str:
    """A ready-to-run sample command for this run's kind of data."""
    folder = shlex.quote(str(trainer.run_dir))
    if trainer.task.kind == "lm":
        return f"{PROG} sample {folder} --prompt {shlex.quote(first_words(trainer.task))}"
    source = trainer.task.val_pairs[0][0] if trainer.task.val_pairs else "..."
    return f"{PROG} sample {folder} --source {shlex.quote(source)}"


def first_words(task) -> str:
    """The first two words of the validation text, a prompt in the style of the corpus.

    Chinese or Japanese has no spaces: the first characters of its second line (the first may
    start mid-sentence), up to six, before any punctuation: "却说曹操引兵，…" -> "却说曹操引兵"; a line that opens
    with punctuation from after it: "：“罢了！罢了！”" -> "罢了".
    """
    text = task.tokenizer.decode(task.val_ids[:200].tolist())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    letters = [ch for ch in text if ch.isalpha()]  # Chinese or Japanese for the most part: no spaces between words
    unspaced = sum(ord(ch) >= 0x3040 for ch in letters) > len(letters) / 2
    if unspaced and lines:
        line = lines[1] if len(lines) > 1 else lines[0]
        words = itertools.dropwhile(lambda ch: not ch.isalnum(), line)
        start = "".join(itertools.takewhile(lambda ch: ch.isalnum(), words))
        return (start or line)[:6]
    words = text.split()
    return " ".join(words[1:3]) if len(words) > 2 else "the"
