"""Shared pieces of the command line: argument types, checkpoints by folder, tables, the progress bar."""

import argparse
import contextlib
import json
import math
import signal
import sys
import threading
import time
import unicodedata
from pathlib import Path

from playground.core.errors import CheckpointError
from playground.core.i18n import _

PROG = "playground"
EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


# --- output -----------------------------------------------------------------------------
def out(text: str = "", end: str = "\n") -> None:
    """Write to stdout and flush, so tokens and lines appear as they come."""
    sys.stdout.write(text + end)
    sys.stdout.flush()


def err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def error_line(message: str) -> str:
    return _("{prog}: error: {message}").format(prog=PROG, message=message)


def table(headers: list[str], rows: list[list]) -> str:
    """Left-aligned columns under a rule: table(["a", "bb"], [[1, 2]]) -> 'a  bb\\n-  --\\n1  2'."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two, combining marks and format characters (a joiner) none."""
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf") else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def padded(text: str, width: int) -> str:
    """text and spaces up to ``width`` terminal columns: a column of tokens stays in line beside Chinese or emoji."""
    return text + " " * max(0, width - display_width(text))


def shown(token: str) -> str:
    """A token as the user reads it: spaces and line breaks visible, quotes around it."""
    return json.dumps(token, ensure_ascii=False)


def probability_text(p: float) -> str:
    """A probability as a percentage that is never 0 or 100 unless it is: 0.3 -> "30.0%", 0.0004 -> "<0.1%",
    0.9996 -> ">99.9%"."""
    text = f"{p:.1%}"
    if p > 0 and text == f"{0:.1%}":
        return "<0.1%"
    return ">99.9%" if p < 1 and text == f"{1:.1%}" else text


def duration(seconds: float) -> str:
    """Clock time: 75 -> '1:15', 3725 -> '1:02:05'."""
    if not math.isfinite(seconds):
        return "?"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def rate(n: float) -> str:
    """Compact count: 950 -> '950', 12345 -> '12.3k', 2.5e6 -> '2.5M'."""
    if n >= 1e6:
        return f"{n / 1e6:.1f}M"
    if n >= 1e3:
        return f"{n / 1e3:.1f}k"
    return f"{n:.0f}"


PERCENT_METRICS = ("token_accuracy", "exact_match", "chrf", "accuracy", "precision", "recall", "f1")


def format_metrics(metrics: dict) -> str:
    """{'val_loss': 1.2345, 'exact_match': 0.5} -> 'val_loss 1.235, exact_match 50.0%'."""
    parts = []
    for key, value in metrics.items():
        name = metric_name(key)
        if isinstance(value, float) and key in PERCENT_METRICS:
            parts.append(f"{name} {100 * value:.1f}%")
        elif isinstance(value, float):
            parts.append(f"{name} {value:.4g}")
        else:
            parts.append(f"{name} {value}")
    return _(", ").join(parts)  # the separator between figures: a full-width comma in Chinese


def report_lines(report: dict) -> list[str]:
    """A classifier's evaluation as aligned lines: each class's precision, recall, F1 and examples, the
    macro averages, then the confusion matrix (a row per true label, a column per answer)."""
    labels = report["labels"]
    other = _("(no label)")
    width = max(display_width(text) for text in [*labels, other, _("macro average"), _("true \\ answer")])

    def row(name: str, cells: list[str]) -> str:
        return name + " " * (width - display_width(name)) + "".join(
            " " * max(1, 11 - display_width(c)) + c for c in cells)

    def percent(x: float) -> str:
        return f"{100 * x:.1f}%"

    lines = [row("", [metric_name("precision"), metric_name("recall"), metric_name("f1"), _("examples")])]
    for c in report["classes"]:
        lines.append(row(c["label"], [percent(c["precision"]), percent(c["recall"]), percent(c["f1"]),
                                      str(c["support"])]))
    macro = report["macro"]
    lines.append(row(_("macro average"), [percent(macro[k]) for k in ("precision", "recall", "f1")]
                     + [str(report["examples"])]))
    lines.append(_("Confusion matrix (rows: the true label; columns: the model's answer):"))
    lines.append(row(_("true \\ answer"), [*labels, other]))
    lines.extend(row(label, [str(n) for n in counts]) for label, counts in zip(labels, report["matrix"]))
    return lines


# Keys the output shows: in English the key itself (as in metrics.jsonl and --json), translated otherwise.
def metric_name(key: str) -> str:
    names = {"val_loss": _("val_loss"), "perplexity": _("perplexity"), "token_accuracy": _("token_accuracy"),
             "exact_match": _("exact_match"), "chrf": _("chrf"), "accuracy": _("accuracy"),
             "precision": _("precision"),
             "recall": _("recall"), "f1": _("f1")}
    return names.get(key, key)


def architecture_name(architecture: str) -> str:
    names = {"decoder": _("decoder"), "encoder-decoder": _("encoder-decoder")}
    return names.get(architecture, architecture)


def data_kind_name(kind: str) -> str:
    names = {"lm": _("lm"), "pairs": _("pairs")}
    return names.get(kind, kind)


# --- argument types ---------------------------------------------------------------------
def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{t}' is not a whole number").format(t=text)) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("'{t}' must be at least 1").format(t=text))
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{t}' is not a whole number").format(t=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("'{t}' must be 0 or more").format(t=text))
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{t}' is not a number").format(t=text)) from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(_("'{t}' must be a positive number").format(t=text))
    return value


def fraction(text: str) -> float:
    """A number in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{t}' is not a number").format(t=text)) from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(_("'{t}' must be at least 0 and below 1").format(t=text))
    return value


def probability(text: str) -> float:
    """A number in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{t}' is not a number").format(t=text)) from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(_("'{t}' must be above 0 and at most 1").format(t=text))
    return value


def subcommand(subparsers, name: str, summary: str, examples: list[str]) -> argparse.ArgumentParser:
    """A subparser with a one-line description and worked examples in the epilog."""
    epilog = _("examples:") + "\n" + "\n".join(f"  {PROG} {e}" for e in examples)
    return subparsers.add_parser(name, help=summary, description=summary, epilog=epilog,
                                 formatter_class=HelpFormatter)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help laid out in terminal columns, so Chinese help wraps and aligns as English does.

    argparse counts characters; a Chinese character takes two columns and Chinese has no spaces
    to break at. Text without wide characters is left to argparse, unchanged.
    """

    def _split_lines(self, text, width):
        if all(display_width(c) < 2 for c in text):
            return super()._split_lines(text, width)
        return wrap_columns(" ".join(text.split()), width)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._wide_headings = set()

    def start_section(self, heading):
        if heading and any(display_width(c) == 2 for c in heading):
            self._wide_headings.add(heading)
        super().start_section(heading)

    def format_help(self):
        """argparse puts ':' after a heading; a Chinese heading takes the full-width '：'."""
        lines = super().format_help().split("\n")
        headings = {h + ":" for h in self._wide_headings}
        return "\n".join(line[:-1] + "：" if line.strip() in headings else line for line in lines)

    def _format_usage(self, usage, actions, groups, prefix):
        text = super()._format_usage(usage, actions, groups, prefix)
        used = getattr(argparse, "_", str)("usage: ") if prefix is None else prefix  # the word argparse printed
        extra = display_width(used) - len(used)  # argparse indents the wrapped lines by len(prefix)
        first, *rest = text.split("\n")
        return "\n".join([first] + [" " * extra + line if line.startswith(" ") else line for line in rest])


OPENING, CLOSING = "（“‘《「【", "，。、；：！？）”’》」】…"


def wrap_columns(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces or between Chinese characters.

    A closing mark (，。）) never starts a line, an opening one (（“) never ends one:
    wrap_columns("用 --source TEXT 给出源文本。", 12) -> ['用 --source', 'TEXT 给出源', '文本。'].
    """
    lines, line = [], ""
    for piece in line_pieces(text):
        if piece == " ":
            line += " " if line else ""
        elif line.strip() and display_width(line + piece) > width:
            lines.append(line.rstrip())
            line = piece
        else:
            line += piece
    return lines + ([line.rstrip()] if line.strip() else [])


def line_pieces(text: str) -> list[str]:
    """What a line may not break inside: an English word, one Chinese character with its marks, a space."""
    pieces = []
    for c in text:
        last = pieces[-1] if pieces else " "
        glued = last != " " and c != " " and (
            c in CLOSING or last[-1] in OPENING or (display_width(c) < 2 and display_width(last[-1]) < 2))
        if glued:
            pieces[-1] += c
        else:
            pieces.append(c)
    return pieces


# --- checkpoints ------------------------------------------------------------------------
def resolve_checkpoint(path, best: bool = False) -> Path:
    """A checkpoint folder from itself, a run folder or its checkpoints/ folder (the latest one; with
    ``best``, the run's best one, ``checkpoints/best``)."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(_("{p} does not exist: give the folder of a run or of a checkpoint").format(p=path))
    if not path.is_dir():
        raise CheckpointError(_("{p} is a file: give the folder of a run or of a checkpoint").format(p=path))
    if best:
        return best_checkpoint(path)
    if (path / "state.json").is_file():
        return path
    from playground.core.run_watch import newest_checkpoint_in  # the one reading of latest.json

    for folder in (path / "checkpoints", path):
        newest = newest_checkpoint_in(folder)
        if newest is not None:
            return newest
    return path  # load_checkpoint explains what is missing


def best_checkpoint(path: Path) -> Path:
    """The best checkpoint of the run that ``path`` (a run folder, its checkpoints/ folder or one checkpoint
    in it) belongs to."""
    from playground.core.train import BEST_FOLDER

    if (path / "state.json").is_file():
        path = path.parent  # a checkpoint: its siblings
    for folder in (path / "checkpoints" / BEST_FOLDER, path / BEST_FOLDER):
        if (folder / "state.json").is_file():
            return folder
    raise CheckpointError(_("{p} has no best checkpoint: a run saves one (checkpoints/best) at each evaluation "
                            "that beats the earlier ones; leave out --best to use the latest checkpoint").format(p=path))



def load(path, device: str = "cpu", best: bool = False):
    """(checkpoint folder, Checkpoint) with the model in eval mode on ``device``; a Hugging Face GPT-2
    folder (config.json, model.safetensors, tokenizer) loads too. ``best``: the run's best checkpoint."""
    from playground.core.checkpoint import load_checkpoint
    from playground.core.device import resolve_device
    from playground.core.hf_gpt2 import is_model_folder, load_gpt2

    folder = resolve_checkpoint(path, best)
    if not (folder / "state.json").exists() and not (folder / "config.json").exists():
        raise CheckpointError(neither_folder(folder))
    loader = load_gpt2 if is_model_folder(folder) else load_checkpoint
    checkpoint = loader(folder, resolve_device(device))
    checkpoint.model.eval()
    return folder, checkpoint


def neither_folder(folder: Path) -> str:
    """A folder with neither a checkpoint's state.json nor a model folder's config.json: what each one holds."""
    from playground.core.hf_gpt2 import model_folder_files

    return _("{p} is neither a checkpoint folder nor a Hugging Face model folder: a saved checkpoint holds "
             "state.json (give its folder, or its run's), and a model folder holds {files}.").format(
        p=folder, files=model_folder_files())


def task_kind(checkpoint) -> str:
    """'lm' or 'pairs' for the data a checkpoint was trained on."""
    from playground.core.datasets import DATASETS

    spec = checkpoint.state.get("task") or {}
    name = spec.get("dataset")
    if name in DATASETS:
        return DATASETS[name].kind
    if spec.get("text_file") or not name:
        return "lm" if checkpoint.model.cfg.architecture == "decoder" else "pairs"
    return "pairs"


def data_name(checkpoint) -> str:
    spec = checkpoint.state.get("task") or {}
    if spec.get("dataset"):
        return spec["dataset"]
    return Path(spec["text_file"]).name if spec.get("text_file") else _("unknown data")


# --- progress ---------------------------------------------------------------------------
class ProgressBar:
    """Training progress on stderr: redrawn with '\\r' on a terminal, a line every ~10% otherwise."""

    def __init__(self, total: int, first_step: int = 0, stream=None, enabled: bool = True):
        self.total, self.first_step = total, first_step
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self.started = time.perf_counter()
        self.step, self.loss, self.val_loss, self.tokens_per_second = first_step, math.nan, None, 0.0
        self.next_line = first_step + self.line_every()
        self.drawn_at = 0.0
        self.width = 0

    def set_total(self, total: int) -> None:
        """The run got shorter or longer (the demo fits it to its time)."""
        self.total = total
        self.next_line = min(self.next_line, self.step + self.line_every())

    def line_every(self) -> int:
        return max(1, math.ceil((self.total - self.first_step) / 10))

    def update(self, record) -> None:
        """Take any trainer record; step records move the bar, evaluations set the val loss."""
        if not self.enabled:
            return
        if record.kind == "step":
            self.step, self.loss, self.tokens_per_second = record.step, record.loss, record.tokens_per_second
            self.draw(final=record.step >= self.total)
        elif record.kind == "eval":
            self.val_loss = record.metrics.get("val_loss")
            line = _("step {s}: {m}").format(s=record.step, m=format_metrics(record.metrics))
            self.note(line + (_(" (best so far)") if record.best else ""))

    def note(self, line: str) -> None:
        """A line of its own (an evaluation, a warning); on a terminal the bar is drawn again below it."""
        self.clear()
        self.stream.write(line + "\n")
        if self.tty:
            self.draw(force=True)
        self.stream.flush()

    def text(self) -> str:
        elapsed = time.perf_counter() - self.started
        done = self.step - self.first_step
        eta = elapsed / done * (self.total - self.step) if done > 0 else math.nan
        val = f"{self.val_loss:.4f}" if self.val_loss is not None else "-"
        return _("step {s}/{t} | loss {l:.4f} | val {v} | {r} tok/s | {e} elapsed | ETA {eta}").format(
            s=self.step, t=self.total, l=self.loss, v=val, r=rate(self.tokens_per_second), e=duration(elapsed),
            eta=duration(eta))

    def draw(self, final: bool = False, force: bool = False) -> None:
        now = time.perf_counter()
        if self.tty:
            if final or force or now - self.drawn_at >= 0.1:
                line = self.text()
                self.stream.write("\r" + line + " " * (self.width - display_width(line)))
                self.width = display_width(line)  # terminal columns: a Chinese character takes two
                self.drawn_at = now
        elif final or self.step >= self.next_line:
            self.stream.write(self.text() + "\n")
            self.next_line = self.step + self.line_every()
        self.stream.flush()

    def clear(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.width = 0

    def close(self) -> None:
        """End the bar's line so later output starts on a fresh one."""
        if self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()
            self.width = 0


@contextlib.contextmanager
def stop_on_signal(trainer, signum, message: str, then, speak: bool = True):
    """While inside, signal ``signum`` asks the trainer to stop after its step (saying ``message`` if
    ``speak``) and installs ``then`` for the next one. Only the main thread can handle signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ask_to_stop(signum, frame):
        if speak:
            err("\n" + message)
        trainer.request_stop()
        signal.signal(signum, then)

    previous = signal.signal(signum, ask_to_stop)
    try:
        yield
    finally:
        signal.signal(signum, previous)


def stop_on_interrupt(trainer, speak: bool = True):
    """The first Ctrl-C asks the trainer to stop after its step; a second one quits at once. Under torchrun
    every process gets the Ctrl-C; rank 0 speaks for all."""
    message = _("Stopping after this step... (press Ctrl-C again to quit at once)")
    return stop_on_signal(trainer, signal.SIGINT, message, signal.default_int_handler, speak)


# --- model inputs -----------------------------------------------------------------------
def model_inputs(checkpoint, text: str | None = None, source: str | None = None):
    """(decoder ids, encoder ids or None) for a checkpoint, from a plain text and/or a pair source.

    A source becomes ``<bos> source <sep>`` for a decoder-only pair model, or the encoder input
    ``source <eos>`` with decoder prompt ``<bos>`` for an encoder-decoder; a text given too is
    appended to the decoder ids.
    """
    from playground.core.errors import ConfigError
    from playground.core.inspect import pair_inputs
    from playground.core.tasks import PairTask

    tok, cfg, kind = checkpoint.tokenizer, checkpoint.model.cfg, task_kind(checkpoint)
    extra = tok.encode_ids(text) if text else []
    if source is None:
        if cfg.architecture == "encoder-decoder":
            raise ConfigError(_("this is an encoder-decoder model (trained on {data}): give the text for its "
                                "encoder with --source TEXT").format(data=data_name(checkpoint)))
        if kind == "pairs" and text is None:
            raise ConfigError(_("this model was trained on {data} pairs: give a source text with --source "
                                "TEXT").format(data=data_name(checkpoint)))
        return extra, None
    if kind == "lm":
        raise ConfigError(_("this model continues text ({data}); it has no source: give the start of a text "
                            "with --prompt or --text instead of --source").format(data=data_name(checkpoint)))
    return pair_inputs(PairTask(tok, [], [], architecture=cfg.architecture), source, extra)


def add_checkpoint_argument(parser) -> None:
    """The positional CHECKPOINT_DIR shared by the commands that read a trained model."""
    parser.add_argument("checkpoint", metavar="CHECKPOINT_DIR",
                        help=_("a checkpoint folder, a run folder (its latest checkpoint), or a Hugging Face "
                               "GPT-2 folder (config.json, model.safetensors, tokenizer)"))
    parser.add_argument("--best", action="store_true",
                        help=_("use the run's best checkpoint by its task's headline metric (checkpoints/best) "
                               "instead of the latest"))
