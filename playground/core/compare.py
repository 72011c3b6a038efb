"""Runs compared side by side: curves by step or wall time, final figures, settings that differ, samples.

    runs = [run_of_workspace(ws, "current"), load_run("runs/grammar-20250101-120000")]
    curves(runs[1].rows, "time")      # {"train": (xs, ys), "val": (xs, ys)}, x in seconds of training
    summary(runs[1])                  # final val_loss, headline metric, parameters, tokens/s, time
    config_differences(runs)          # [("position", ["learned", "rope"])]
    variant = same_data_variant(ws, "position", "rope")   # a Workspace on the very same task object

A run's ``elapsed`` restarts at every Start; ``wall_times`` adds the earlier presses' time, so the
wall-time axis is the training time spent, e.g. elapsed [1, 2, 0.5] -> wall time [1, 2, 2.5].
"""

import copy
import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from .checkpoint import load_checkpoint, read_state
from .datasets import get_dataset
from .errors import ConfigError, PlaygroundError
from .i18n import _
from .limits import MAX_METRICS_BYTES, check_file_size, check_fits, parameter_count
from .model import ModelConfig
from .prompts import NEWLINE, empty_prompt, saved_empty_prompt
from .recipes import Recipe
from .run_watch import newest_checkpoint
from .sample import SampleConfig, generate
from .tasks import LMTask, PairTask
from .train import TrainConfig
from .workspace import Workspace, match_architecture

METRICS = ("val_loss", "exact_match", "accuracy", "chrf")  # the final figures compared, when a run has them
HOW_IT_RAN = ("threads", "device", "compile", "batch_threads")  # training settings that change how a run ran, not what it trained
# What "Run the same data with another model" may change: (field, value) pairs, one at a time.
VARIANTS = (("family", "transformer"), ("family", "lstm"), ("position", "learned"), ("position", "sinusoidal"),
            ("position", "rope"), ("norm", "pre"), ("norm", "post"))


@dataclass
class RunInfo:
    """One run to compare: its records and settings, and where its weights are for samples."""

    label: str
    rows: list[dict]  # step, eval and event records, as in metrics.jsonl
    model: dict | None = None  # ModelConfig.to_dict(); None when no checkpoint says
    train: dict | None = None  # TrainConfig.to_dict()
    spec: dict = field(default_factory=dict)  # the data: dataset name and seed, or text options
    metric: str = "val_loss"  # the task's headline metric
    checkpoint: Path | None = None  # the newest checkpoint folder, for samples
    weights: object = None  # a model in memory (current run, session), used before the checkpoint
    tokenizer: object = None
    task: object = None  # the task in memory (current run, session): an empty prompt starts from its text


def read_metrics(path) -> list[dict]:
    """The records a run wrote to its ``metrics.jsonl`` (a run folder or the file itself).

    Lines that are not JSON objects are skipped (a run killed mid-write leaves half a line).
    """
    path = Path(path)
    if path.is_dir():
        path = path / "metrics.jsonl"
    if path.exists():  # a pipe would block the window, a huge file fill the memory
        check_file_size(path, MAX_METRICS_BYTES, _("read as training records"))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise PlaygroundError(_("cannot read {p} ({e}): choose the metrics.jsonl of a run").format(p=path, e=e)) from None
    rows = []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and row.get("kind") in ("step", "eval", "event") and "step" in row:
            rows.append(row)
    if not any(row["kind"] in ("step", "eval") for row in rows):
        raise PlaygroundError(_("{p} holds no training records: choose the metrics.jsonl of a run").format(p=path))
    return rows


# --- loading runs ------------------------------------------------------------------------
def load_run(path) -> RunInfo:
    """A run folder (or its metrics.jsonl) written by the app or ``playground train``."""
    path = Path(path)
    run_dir = path.parent if path.name == "metrics.jsonl" else path
    if not (run_dir / "metrics.jsonl").is_file():
        raise PlaygroundError(_("{p} is not a training run: a run folder holds metrics.jsonl (and checkpoints/). "
                                "Choose a folder that Train or “playground train” wrote.").format(p=run_dir))
    rows = read_metrics(run_dir)
    run = RunInfo(run_dir.name, rows)
    checkpoint = newest_checkpoint(run_dir)
    if checkpoint is not None:
        try:
            state = read_state(checkpoint)
        except PlaygroundError:
            return run  # the curves still compare; the settings and samples are left out
        run.checkpoint = checkpoint
        run.model, run.train = state.get("model"), state.get("train")
        run.spec = state.get("task") or {}
        best = state.get("best")
        run.metric = best["metric"] if isinstance(best, dict) and best.get("metric") else metric_of(run.spec)
    return run


def metric_of(spec: dict) -> str:
    """The headline metric of the data a spec names: a built-in's own, val_loss for a text."""
    try:
        return get_dataset(spec["dataset"]).metric if spec.get("dataset") else "val_loss"
    except (ConfigError, KeyError):
        return "val_loss"


def run_of_workspace(workspace: Workspace, label: str) -> RunInfo:
    """The workspace's model and history as a run (the current one, or an opened session)."""
    recipe = workspace.require_recipe()
    rows = [row for row in workspace.history if row.get("kind") in ("step", "eval", "event")]
    return RunInfo(label, rows, recipe.model.to_dict(), recipe.train.to_dict(), dict(recipe.spec),
                   recipe.task.metric, weights=workspace.model, tokenizer=recipe.task.tokenizer, task=recipe.task)


# --- curves and figures --------------------------------------------------------------------
def wall_times(rows) -> dict[int, float]:
    """Training seconds spent by each step, over every Start of the run (see the module docstring)."""
    times, offset, last = {}, 0.0, 0.0
    for row in rows:
        if row.get("kind") != "step":
            continue
        elapsed = float(row.get("elapsed", 0.0))
        if elapsed < last:  # a new press of Start: its clock began at 0
            offset += last
        last = elapsed
        times[row["step"]] = offset + elapsed
    return times


def curves(rows, x: str = "step") -> dict:
    """Training loss and validation loss against ``x``: "step", or "time" (seconds of training).

    Returns {"train": (xs, ys), "val": (xs, ys)}, lists of floats; non-finite losses are left out.
    An evaluation's time is that of the step it followed.
    """
    if x not in ("step", "time"):
        raise ConfigError(_("the x axis is by step or by time"))
    times = wall_times(rows) if x == "time" else {}
    out = {"train": ([], []), "val": ([], [])}
    for row in rows:
        kind = row.get("kind")
        loss = row.get("loss") if kind == "step" else (row.get("metrics") or {}).get("val_loss") if kind == "eval" \
            else None
        if loss is None or not math.isfinite(loss):
            continue
        at = float(row["step"]) if x == "step" else times.get(row["step"])
        if at is None:
            continue
        xs, ys = out["train" if kind == "step" else "val"]
        xs.append(at)
        ys.append(float(loss))
    return out


def last_eval(rows) -> dict | None:
    evals = [row for row in rows if row.get("kind") == "eval" and isinstance(row.get("metrics"), dict)]
    return evals[-1] if evals else None


def summary(run: RunInfo) -> dict:
    """The figures of the run's table row: its last evaluation's metrics, size, speed and time.

    Keys: step, the METRICS it has, metric (the headline's name), parameters (None when unknown),
    tokens_per_second (median over steps), seconds (training time), steps.
    """
    steps = [row for row in run.rows if row.get("kind") == "step"]
    final = last_eval(run.rows)
    figures = {"metric": run.metric, "steps": steps[-1]["step"] if steps else 0}
    metrics = final["metrics"] if final else {}
    for key in dict.fromkeys((*METRICS, run.metric)):
        if key in metrics:
            figures[key] = metrics[key]
    figures["eval_step"] = final["step"] if final else None
    figures["parameters"] = parameter_count(ModelConfig.from_dict(run.model)) if run.model else None
    speeds = [row["tokens_per_second"] for row in steps if math.isfinite(row.get("tokens_per_second", math.nan))]
    figures["tokens_per_second"] = statistics.median(speeds) if speeds else None
    times = wall_times(run.rows)
    figures["seconds"] = max(times.values()) if times else None
    return figures


def config_differences(runs) -> list[tuple[str, list]]:
    """The model settings (then training settings) whose values differ between the runs that have settings.

    [("position", ["learned", "rope"])]; a run whose settings are unknown (no checkpoint) shows None
    and does not count as a difference.
    """
    out = []
    for part in ("model", "train"):
        dicts = [getattr(run, part) for run in runs]
        known = [d for d in dicts if d]
        for key in dict.fromkeys(key for d in known for key in d):
            if key in HOW_IT_RAN or key == "max_steps":
                continue  # not what was trained; the steps trained are in the table (max_steps
                # is the setting of one press of Start in a workspace, the total in a checkpoint)
            if any(d.get(key) != known[0].get(key) for d in known):
                out.append((key, [d.get(key) if d else None for d in dicts]))
    return out


# --- the same data, another model ------------------------------------------------------------
def variant_choices(cfg: ModelConfig) -> list[tuple[str, str]]:
    """The single changes that make another model of ``cfg``: the other family, position or norm."""
    if cfg.family == "lstm":
        return [("family", "transformer")]
    return [(key, value) for key, value in VARIANTS if getattr(cfg, key) != value]


def same_data_variant(workspace: Workspace, key: str, value: str) -> Workspace:
    """A new workspace that trains a model differing from the workspace's in ``key`` only, on the same task.

    The task object itself is shared (same tokenizer, same splits, same ids), as are the training
    settings and their seed; the steps are those the current model was trained for (its settings'
    max_steps if it is untrained). The LSTM is decoder-only: from an encoder-decoder model it also
    reads the task in the decoder's layout (the same examples and tokenizer).
    """
    recipe = workspace.require_recipe()
    if (key, value) not in VARIANTS:
        raise ConfigError(_("choose one of the changes offered: the model family, the positions or the norm"))
    changes = {key: value}
    if key == "family" and value == "lstm":
        changes["architecture"] = "decoder"
    cfg = ModelConfig.from_dict({**recipe.model.to_dict(), **changes})
    task = match_architecture(recipe.task, cfg.architecture)
    if task is not recipe.task and task.longest() > cfg.block_size:  # source and target in one sequence now
        cfg = ModelConfig.from_dict({**cfg.to_dict(), "block_size": task.longest()})
    task.check(cfg.block_size)
    steps = workspace.trained_steps or recipe.train.max_steps
    train = TrainConfig.from_dict({**recipe.train.to_dict(), "max_steps": steps})
    check_fits(cfg, train.batch_size, training=True)
    variant = Workspace()
    variant.set_recipe(Recipe(task, cfg, train, copy.deepcopy(recipe.spec)))
    return variant


def variant_name(key: str, value: str) -> str:
    """A short name for a change, used in run labels and folder names: "position-rope"."""
    return f"{key}-{value}"


# --- samples ----------------------------------------------------------------------------------
def model_of(run: RunInfo):
    """(model, tokenizer) to sample from: the one in memory, else the newest checkpoint; (None, None) if none."""
    if run.weights is not None:
        return copy.deepcopy(run.weights), run.tokenizer  # training may go on meanwhile: a copy is still
    if run.checkpoint is not None:
        checkpoint = load_checkpoint(run.checkpoint)
        return checkpoint.model, checkpoint.tokenizer
    return None, None


@dataclass
class Sample:
    """What one run wrote: the prompt as typed, then the model's text after it (spaced to follow it)."""

    prompt: str  # as the user typed it; for a task of examples, the source
    text: str  # the continuation (StreamText fits its first space to the typed prompt); a task's target
    pairs: bool = False  # a source → target task: ``text`` answers the prompt rather than continuing it


def sample_side_by_side(runs, prompt: str, seed: int, max_new_tokens: int = 60, temperature: float = 0.8):
    """Yield (index, Sample or None, error or None) per run: the same prompt and seed through each run's model.

    A built-in of source → target examples reads the prompt as the source; a text continues it.
    """
    for index, run in enumerate(runs):
        try:
            model, tokenizer = model_of(run)
            if model is None:
                yield index, None, _("this run saved no checkpoint, so there is no model to sample from")
                continue
            shown, text = _sample(model, tokenizer, run.spec, prompt, seed, max_new_tokens, temperature, run.task)
            yield index, Sample(shown, text, is_pairs(run.spec)), None
        except PlaygroundError as e:
            yield index, None, str(e)


def is_pairs(spec: dict) -> bool:
    """Whether the data a spec names is a built-in of source → target examples (else a text to continue)."""
    return bool(spec.get("dataset")) and get_dataset(spec["dataset"]).kind != "lm"


def sample_text(model, tokenizer, spec: dict, prompt: str, seed: int, max_new_tokens: int = 60,
                temperature: float = 0.8) -> str:
    """The text ``model`` writes after ``prompt`` with ``seed`` (the prompt not included)."""
    return _sample(model, tokenizer, spec, prompt, seed, max_new_tokens, temperature)[1]


def _sample(model, tokenizer, spec: dict, prompt: str, seed: int, max_new_tokens: int, temperature: float,
            task=None) -> tuple[str, str]:
    """(prompt as shown, text written after it): an empty prompt of a text shows what it started from, the text's
    own start where its model never saw a new line (see ``prompts.empty_prompt``), read from ``task`` when in
    memory, else from the data ``spec`` names."""
    cfg = model.cfg
    pairs = is_pairs(spec)
    src_ids = None
    if pairs:
        rows = PairTask(tokenizer, [], [], architecture=cfg.architecture).rows_prompt([tokenizer.encode_ids(prompt)])
        prompt_ids = rows["prompts"][0]
        src_ids = rows["src"][0].tolist() if "src" in rows else None
    elif prompt:
        prompt_ids = tokenizer.encode_ids(prompt)
    else:
        start, prompt_ids = empty_prompt(task) if isinstance(task, LMTask) else saved_empty_prompt(spec, tokenizer)
        prompt = "" if start == NEWLINE else start
    room = cfg.block_size - len(prompt_ids) if pairs and cfg.architecture == "decoder" else max_new_tokens
    if room < 1:
        raise ConfigError(_("the prompt fills the model's context of {b} tokens: shorten it").format(b=cfg.block_size))
    sampling = SampleConfig(max_new_tokens=min(max_new_tokens, room), temperature=temperature, seed=seed,
                            alternatives=0)
    steps = generate(model, tokenizer, prompt_ids, sampling, src_ids, None if pairs else prompt)
    return prompt, "".join(step.text for step in steps)
