"""``playground demo``: train a built-in task for about N seconds, then show samples and metrics."""

import contextlib
import time

from playground.core.i18n import _

from .common import PROG, ProgressBar, format_metrics, out, positive_float, stop_on_interrupt, subcommand

CALIBRATION_STEPS = 10  # steps timed before the run's length is fitted to the time allowed
EVAL_SHARE = 0.9  # of the remaining time planned for training steps; the rest is for evaluations
GRACE = 1.25  # stop anyway once the run takes this much longer than asked


def add_parser(subparsers) -> None:
    p = subcommand(subparsers, "demo", _("train a small model for a minute and show what it learned"), [
        "demo", "demo --seconds 20", "demo --dataset reversal --seconds 120"])
    p.add_argument("--seconds", type=positive_float, default=60.0, metavar="N",
                   help=_("about how long to train (default: 60)"))
    p.add_argument("--dataset", default="grammar", metavar="NAME",
                   help=_("built-in dataset (default: grammar; see 'playground datasets')"))
    p.set_defaults(run=run)


def run(args) -> int:
    from playground.core import runtime
    from playground.core.datasets import get_dataset
    from playground.core.model import build_model
    from playground.core.recipes import recipe_for_dataset
    from playground.core.train import Trainer

    runtime.configure()
    dataset = get_dataset(args.dataset)
    recipe = recipe_for_dataset(args.dataset)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train)
    out(_("Training '{title}' for about {s:.0f} seconds on {dev}. Press Ctrl-C to stop early.").format(
        title=dataset.title, s=args.seconds, dev=trainer.device))
    metrics = train_for(trainer, args.seconds)
    trainer.model.eval()
    out()
    out(_("Samples:"))
    if trainer.task.kind == "lm":
        show_text_samples(trainer)
    else:
        show_pair_samples(trainer)
    out()
    out(_("Metrics at step {s}: {m}").format(s=trainer.step, m=format_metrics(metrics)))
    out(_("Train it for longer and keep the result: {cmd}").format(cmd=f"{PROG} train --dataset {args.dataset}"))
    return 0


def train_for(trainer, seconds: float) -> dict:
    """Train until the time is up (the schedule fitted to it); returns the final evaluation."""
    bar = ProgressBar(trainer.cfg.max_steps)
    started, metrics, stopped = time.perf_counter(), {}, False
    with stop_on_interrupt(trainer):
        try:
            for record in trainer.run():
                elapsed = time.perf_counter() - started
                if record.kind == "step" and record.step == CALIBRATION_STEPS:
                    fit_steps(trainer.cfg, record.step, elapsed, seconds)
                    bar.set_total(trainer.cfg.max_steps)
                if elapsed > seconds * GRACE and not trainer.stop_requested():
                    trainer.request_stop()
                if record.kind == "eval":
                    metrics = record.metrics
                stopped |= record.kind == "event" and record.event in ("stopped", "diverged")
                bar.update(record)
        finally:
            bar.close()
    return final_metrics(trainer) if stopped or not metrics else metrics


def fit_steps(cfg, step: int, elapsed: float, seconds: float) -> None:
    """Shorten the run (and its warm-up) so that the learning-rate schedule ends when the time does.

    The trainer reads its config at every step, so the change applies to the running loop.
    """
    from playground.core.train import short_run_warmup

    per_step = elapsed / step
    planned = step + int(max(0.0, seconds - elapsed) * EVAL_SHARE / per_step)
    cfg.max_steps = max(step + 1, min(cfg.max_steps, planned))
    cfg.warmup_steps = short_run_warmup(cfg.max_steps, cfg.warmup_steps)


def final_metrics(trainer) -> dict:
    """An evaluation that ignores the stop request which ended the run."""
    from playground.core.evaluate import evaluate, split_report

    cfg = trainer.cfg
    metrics = evaluate(trainer.model, trainer.task, cfg.batch_size, trainer.model.cfg.block_size, cfg.eval_batches,
                       cfg.eval_examples, cfg.seed + 1, trainer.device, contextlib.nullcontext)
    return split_report(metrics)[0]  # the numbers; the demo prints no confusion matrix


def show_text_samples(trainer, n: int = 3) -> None:
    """Continue the first words of held-out lines, one line each."""
    from playground.core.sample import SampleConfig, stream

    task, model = trainer.task, trainer.model
    lines = [line for line in task.tokenizer.decode(task.val_ids[:4000].tolist()).splitlines() if line.split()]
    for i, line in enumerate(lines[:n]):
        prompt = " ".join(line.split()[:2]) + " "
        cfg = SampleConfig(max_new_tokens=model.cfg.block_size * 2, temperature=0.8, seed=i, alternatives=0)
        text = prompt
        for step in stream(model, task.tokenizer, task.tokenizer.encode_ids(prompt), cfg, prompt_text=prompt):
            text += step.text
            if "\n" in step.text:
                break
        out("  " + text.split("\n")[0])


def show_pair_samples(trainer, n: int = 5) -> None:
    """Greedy outputs for held-out sources next to the expected targets."""
    from playground.core.evaluate import predict

    task = trainer.task
    examples = task.val_pairs[:n]
    outputs = predict(trainer.model, task, task.tokenizer.encode_batch_ids([s for s, _t in examples]), trainer.device)
    for (source, target), ids in zip(examples, outputs):
        got = task.tokenizer.decode(ids)
        mark = "✓" if got == target else "✗"
        out("  " + _("{source} → {got}   (expected {target}) {mark}").format(
            source=source, got=got or _("(nothing)"), target=target, mark=mark))
