"""Lessons: plain Markdown files a teacher writes, parsed into steps of text, actions and questions.

    # Tokenization                  <- the title
    language: en                    <- header lines (key: value) up to the first blank line
    minutes: 6
    dataset: grammar

    ## Characters or words?         <- a step
    Text, formulas like `p = softmax(z)`, **bold**, - lists, ``` blocks.
    > open tokenize                 <- an action that drives the app
    > tokenizer bpe 400
    ? How many tokens will BPE need?    <- predict...
    ! Fewer than characters: ...        <- ...then reveal

Any mistake raises ``LessonError`` with the file, the line and what to do. ``parse_lesson``
never imports Qt or torch: a lesson is checked before the app runs it.
"""

import html
import re
import shlex
from dataclasses import dataclass, field, fields
from pathlib import Path

from .datasets import DATASETS
from .i18n import SHIPPED, _
from .text import Cleaning
from .tokenizer_kinds import KINDS

PANEL_NAMES = ("data", "tokenize", "model", "train", "inspect", "generate")  # the app's panels, by name
PRESETS = ("tiny", "small", "default")
VIEWS = ("numbers", "heads", "next", "embeddings",  # the inspector's tabs
         "tokens", "vocabulary", "merges")  # the tabs of the Tokenize panel's "Compare with" column
LANGUAGES = SHIPPED  # a lesson is written in one of these
MAX_TRAIN_STEPS = 100_000
# which model and training settings `> model` and `> train` may set (ModelConfig / TrainConfig names)
MODEL_KEYS = {"n_layer": int, "n_encoder_layer": int, "n_head": int, "d_model": int, "d_ff": int,
              "block_size": int, "dropout": float, "activation": str, "norm": str, "position": str}
TRAIN_KEYS = {"lr": float, "batch_size": int, "warmup_steps": int, "eval_interval": int, "seed": int,
              "min_lr": float, "grad_clip": float}
CLEANING = {f.name: f.name for f in fields(Cleaning)} | {"punctuation": "strip_punctuation",
                                                          "whitespace": "collapse_whitespace"}
# actions that change the data or the model: Back/Next restore them from a snapshot instead of redoing them
STATE_ACTIONS = ("dataset", "file", "cleaning", "preset", "model", "train")

_STAGE_PLAIN = {"tokens", "source.tokens", "embed.token", "embed.position", "embed.sum", "source.embed.token",
                "source.embed.position", "source.embed.sum", "encoder.final_norm", "final_norm", "logits",
                "softmax", "top_k", "input", "embedding", "memory", "output"}
_ATTN_PARTS = "q|k|v|q_rope|k_rope|scores|mask|weights|heads|out|residual"
_STAGE_LAYER = re.compile(
    rf"^(encoder|decoder)\.\d+(\.(norm1|norm2|attn\.({_ATTN_PARTS})|mlp\.(hidden|out|residual)))?$")
_STAGE_CROSS = re.compile(rf"^decoder\.\d+\.(norm_cross|cross_attn\.({_ATTN_PARTS}))$")


class LessonError(ValueError):
    """A lesson file that cannot be used: the message names the file, the line and the problem."""

    def __init__(self, path, line: int | None, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(_("{where}: {problem}").format(where=where, problem=problem))


@dataclass
class Action:
    name: str  # e.g. "train"
    args: tuple  # converted positional arguments, e.g. (200,)
    options: dict = field(default_factory=dict)  # key=value settings, e.g. {"lr": 0.003}
    line: int = 0

    @property
    def changes_state(self) -> bool:
        return self.name in STATE_ACTIONS

    def __str__(self) -> str:
        words = [self.name, *(shlex.quote(str(a)) for a in self.args)]
        words += [f"{k}={v}" for k, v in self.options.items()]
        return " ".join(words)


@dataclass
class Step:
    title: str
    text: str  # Markdown, without the action and question lines
    actions: list[Action]
    question: str = ""
    answer: str = ""
    line: int = 0


@dataclass
class Lesson:
    title: str
    language: str
    minutes: int
    dataset: str  # the data the lesson starts from: opening it loads this, whatever was open before
    steps: list[Step]
    intro: str = ""  # Markdown between the header and the first step
    path: str = ""

    @property
    def id(self) -> str:
        """The file name without ``.md``: the same lesson in another language has the same id."""
        return Path(self.path).stem


# --- actions: one checker per name ---------------------------------------------------------------
def _int(value: str, low: int, high: int, what: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise ValueError(_("{what} must be a whole number, not {value!r}").format(what=what, value=value)) from None
    if not low <= n <= high:
        raise ValueError(_("{what} must be between {low} and {high}, not {n}").format(
            what=what, low=low, high=high, n=n))
    return n


def _float(value: str, low: float, high: float, what: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise ValueError(_("{what} must be a number, not {value!r}").format(what=what, value=value)) from None
    if not low <= x <= high:
        raise ValueError(_("{what} must be between {low} and {high}, not {x}").format(
            what=what, low=low, high=high, x=x))
    return x


def _one_of(value: str, choices, what: str) -> str:
    if value not in choices:
        raise ValueError(_("unknown {what} {value!r}; use one of: {choices}").format(
            what=what, value=value, choices=", ".join(choices)))
    return value


def is_stage_name(name: str) -> bool:
    """A record or group name of the inspector: "embed.token", "encoder.0.attn.weights", "decoder.1"…"""
    return name in _STAGE_PLAIN or bool(_STAGE_LAYER.match(name) or _STAGE_CROSS.match(name))


def _stage(value: str) -> str:
    if not is_stage_name(value):
        raise ValueError(_("unknown stage {value!r}; use a stage name such as embed.token, "
                           "encoder.0.attn.weights, decoder.0.cross_attn.weights or logits").format(value=value))
    return value


def _settings(pairs: list[str], keys: dict, what: str) -> dict:
    out = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq:
            raise ValueError(_("expected key=value after the {what}, not {pair!r}").format(what=what, pair=pair))
        kind = keys.get(_one_of(key, tuple(keys), _("setting")))
        try:
            out[key] = kind(value)
        except ValueError:
            raise ValueError(_("{key} must be a number, not {value!r}").format(key=key, value=value)) from None
    return out


# name -> (number of positional arguments (min, max), converter of (positional, rest, lesson folder))
ACTIONS = {
    "open": ((1, 1), lambda a, folder: (_one_of(a[0], PANEL_NAMES, _("panel")),)),
    "dataset": ((1, 1), lambda a, folder: (_one_of(a[0], tuple(DATASETS), _("dataset")),)),
    "file": ((1, 1), lambda a, folder: (_lesson_file(a[0], folder),)),
    "cleaning": ((1, 5), lambda a, folder: tuple(CLEANING[_one_of(x, ("none", *CLEANING), _("cleaning option"))]
                                                 for x in a if x != "none")),
    "text": ((1, 1), lambda a, folder: (a[0],)),
    "tokenizer": ((1, 2), lambda a, folder: (_one_of(a[0], KINDS, _("tokenizer kind")),
                                             *(_int(x, 30, 100_000, _("the vocabulary size")) for x in a[1:]))),
    "preset": ((1, 1), lambda a, folder: (_one_of(a[0], PRESETS, _("preset")),)),
    "model": ((0, 0), None),
    "train": ((1, 1), lambda a, folder: (_int(a[0], 1, MAX_TRAIN_STEPS, _("the number of steps")),)),
    "trace": ((1, 2), lambda a, folder: tuple(a)),  # the input, and for a source → target task the output so far
    "stage": ((1, 1), lambda a, folder: (_stage(a[0]),)),
    "head": ((1, 1), lambda a, folder: (_int(a[0], 1, 64, _("the head")),)),
    "cell": ((2, 2), lambda a, folder: (_int(a[0], 0, 4096, _("the row")), _int(a[1], 0, 100_000, _("the column")))),
    "view": ((1, 1), lambda a, folder: (_one_of(a[0], VIEWS, _("view")),)),
    "temperature": ((1, 1), lambda a, folder: (_float(a[0], 0.05, 5.0, _("the temperature")),)),
    "top-k": ((1, 1), lambda a, folder: (_int(a[0], 0, 100_000, _("top-k")),)),
    "top-p": ((1, 1), lambda a, folder: (_float(a[0], 0.01, 1.0, _("top-p")),)),
    "greedy": ((1, 1), lambda a, folder: (_one_of(a[0], ("on", "off"), _("greedy setting")) == "on",)),
    "max-tokens": ((1, 1), lambda a, folder: (_int(a[0], 1, 5000, _("the maximum number of tokens")),)),
    "seed": ((1, 1), lambda a, folder: (_int(a[0], 0, 2**31 - 1, _("the seed")),)),
    "generate": ((1, 1), lambda a, folder: (a[0],)),
    "evaluate": ((0, 1), lambda a, folder: tuple(_int(x, 1, 1000, _("the number of examples")) for x in a)),
}


def _lesson_file(name: str, folder: Path | None) -> str:
    path = (folder / name) if folder is not None else Path(name)
    if not path.is_file():
        raise ValueError(_("the file {name!r} is not beside the lesson ({path})").format(name=name, path=path))
    return str(path.resolve())


def parse_action(line: str, folder: Path | None = None) -> Action:
    """``"train 200 lr=0.003"`` -> Action("train", (200,), {"lr": 0.003}); ValueError says what is wrong."""
    try:
        words = shlex.split(line)
    except ValueError:
        raise ValueError(_("a quotation mark is not closed")) from None
    if not words:
        raise ValueError(_("an action line needs an action, e.g. > open tokenize"))
    name, rest = words[0], words[1:]
    if name not in ACTIONS:
        raise ValueError(_("unknown action {name!r}; the actions are: {names}").format(
            name=name, names=", ".join(ACTIONS)))
    options = {}
    if name in ("model", "train"):
        pairs = [w for w in rest if "=" in w]
        rest = [w for w in rest if "=" not in w]
        options = _settings(pairs, MODEL_KEYS if name == "model" else TRAIN_KEYS,
                            _("model settings") if name == "model" else _("number of steps"))
        if name == "model" and not options:
            raise ValueError(_("> model needs settings, e.g. > model n_layer=2 d_model=64"))
    (low, high), convert = ACTIONS[name]
    if not low <= len(rest) <= high:
        expected = str(low) if low == high else _("{low} to {high}").format(low=low, high=high)
        raise ValueError(_("> {name} takes {expected} argument(s), not {n}").format(
            name=name, expected=expected, n=len(rest)))
    args = convert(rest, folder) if convert else ()
    return Action(name, tuple(args), options)


# --- the file ----------------------------------------------------------------------------------------
def _header(lines: list[str], path) -> tuple[str, dict, int]:
    """The title line and the ``key: value`` lines under it; returns them and the next line's index."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines) or not lines[i].startswith("# "):
        raise LessonError(path, i + 1 if i < len(lines) else None,
                          _("a lesson starts with its title, e.g. # Tokenization"))
    title = lines[i][2:].strip()
    header: dict[str, tuple[str, int]] = {}
    i += 1
    while i < len(lines) and lines[i].strip():
        key, colon, value = lines[i].partition(":")
        key = key.strip().lower()
        if not colon or key not in ("language", "minutes", "dataset"):
            raise LessonError(path, i + 1, _("a header line is language:, minutes: or dataset:, then a blank "
                                             "line; found {line!r}").format(line=lines[i].strip()))
        header[key] = (value.strip(), i + 1)
        i += 1
    for key in ("language", "minutes", "dataset"):
        if key not in header:
            raise LessonError(path, None, _("the header has no {key}: line").format(key=key))
    return title, header, i


def _check_header(header: dict, path) -> tuple[str, int, str]:
    def checked(key, check):
        value, line = header[key]
        try:
            return check(value)
        except ValueError as e:
            raise LessonError(path, line, str(e)) from None

    language = checked("language", lambda v: _one_of(v, LANGUAGES, _("language")))
    minutes = checked("minutes", lambda v: _int(v, 1, 120, _("minutes")))
    dataset = checked("dataset", lambda v: _one_of(v, tuple(DATASETS), _("dataset")))
    return language, minutes, dataset


INSPECTOR_ACTIONS = ("stage", "head", "cell")
INSPECTOR_VIEWS = ("numbers", "heads", "next", "embeddings")


def _check_order(step: Step, path) -> None:
    """A step stands on its own (Back and Next replay it alone): what it looks at, it sets up itself.

    A stage, head, cell or inspector view needs a ``> trace`` earlier in the same step (and after any
    change of data or model); the tokenizer's vocabulary or merges need a ``> tokenizer`` line.
    """
    traced = tokenized = False
    for action in step.actions:
        if action.changes_state:
            traced = False
        if action.name == "trace":
            traced = True
        elif action.name == "tokenizer":
            tokenized = True
        elif not traced and (action.name in INSPECTOR_ACTIONS or
                             (action.name == "view" and action.args[0] in INSPECTOR_VIEWS)):
            raise LessonError(path, action.line, _("> {action} needs a > trace line above it in the same step "
                                                   "(after any change of data or model): Back and Next replay a "
                                                   "step on its own").format(action=action.name))
        elif not tokenized and action.name == "view" and action.args[0] in ("vocabulary", "merges"):
            raise LessonError(path, action.line, _("> view {view} needs a > tokenizer line above it in the same "
                                                   "step").format(view=action.args[0]))


def parse_lesson(text: str, path="<lesson>") -> Lesson:
    """A lesson from the text of its file; ``path`` names it in errors and finds files beside it."""
    folder = Path(path).parent if path != "<lesson>" else None
    lines = text.splitlines()
    title, header, i = _header(lines, path)
    language, minutes, dataset = _check_header(header, path)
    intro: list[str] = []
    steps: list[Step] = []
    body: list[str] = []
    fence = False
    for n in range(i, len(lines)):
        line, number = lines[n], n + 1
        if line.strip().startswith("```"):
            fence = not fence
        if fence or line.strip().startswith("```"):
            (body if steps else intro).append(line)
            continue
        if line.startswith("## ") or line.strip() == "##":
            steps.append(Step(line[3:].strip(), "", [], line=number))
            body = []
            if not steps[-1].title:
                raise LessonError(path, number, _("a step needs a title after ##"))
            continue
        if line.startswith("# "):
            raise LessonError(path, number, _("only the first line is a # title; a step starts with ##"))
        marker = line[:1]
        if marker in (">", "?", "!") and not steps:
            raise LessonError(path, number, _("actions and questions belong to a step: put a ## step title above"))
        if marker == ">":
            try:
                action = parse_action(line[1:], folder)
            except ValueError as e:
                raise LessonError(path, number, str(e)) from None
            action.line = number
            steps[-1].actions.append(action)
        elif marker == "?":
            step = steps[-1]
            if step.answer:
                raise LessonError(path, number, _("a step asks one question; start a new ## step for another"))
            step.question = (step.question + " " + line[1:].strip()).strip()
        elif marker == "!":
            step = steps[-1]
            if not step.question:
                raise LessonError(path, number, _("an answer (!) needs a question (?) above it"))
            step.answer = (step.answer + " " + line[1:].strip()).strip()
        else:
            (body if steps else intro).append(line)
        if steps:
            steps[-1].text = "\n".join(body).strip()
    if fence:
        raise LessonError(path, len(lines), _("a ``` block is not closed"))
    if not steps:
        raise LessonError(path, None, _("the lesson has no steps: start each with a ## title"))
    for step in steps:
        _check_order(step, path)
        if step.question and not step.answer:
            raise LessonError(path, step.line, _("the question of step {title!r} has no answer: add a line "
                                                 "starting with !").format(title=step.title))
    return Lesson(title, language, minutes, dataset, steps, "\n".join(intro).strip(), str(path))


def load_lesson(path) -> Lesson:
    """Read and check a lesson file (UTF-8)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LessonError(path, None, _("the lesson file does not exist")) from None
    except UnicodeDecodeError as e:
        raise LessonError(path, None, _("the file is not UTF-8 text (byte {n}); save it as UTF-8").format(
            n=e.start)) from None
    except OSError as e:
        raise LessonError(path, None, str(e)) from None
    return parse_lesson(text, path)


def lesson_files(folder) -> list[Path]:
    """The lesson files of a folder, in the order of their names (01-…, 02-…)."""
    folder = Path(folder)
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


# --- Markdown to simple HTML ---------------------------------------------------------------------
def inline_html(text: str) -> str:
    """One line of lesson Markdown as HTML: `code`, **bold**, *italic*, the rest escaped."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    # not \w: it matches Chinese, and *斜体* sits right beside Chinese characters
    return re.sub(r"(?<![*A-Za-z0-9_])\*([^*\s][^*]*)\*(?![A-Za-z0-9_])", r"<i>\1</i>", out)


def markdown_html(text: str) -> str:
    """The small Markdown of lessons as HTML: paragraphs, - lists, ``` blocks, `code`, **bold**, *italic*."""
    parts: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    block: list[str] | None = None

    def flush():
        if paragraph:
            parts.append("<p>" + inline_html(" ".join(paragraph)) + "</p>")
            paragraph.clear()
        if items:
            parts.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        if line.strip().startswith("```"):
            if block is None:
                flush()
                block = []
            else:
                parts.append("<pre>" + html.escape("\n".join(block), quote=False) + "</pre>")
                block = None
        elif block is not None:
            block.append(line)
        elif line.lstrip().startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(line.lstrip()[2:].strip())
        elif not line.strip():
            flush()
        elif items and line.startswith("  "):
            items[-1] += " " + line.strip()
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    if block is not None:
        parts.append("<pre>" + html.escape("\n".join(block), quote=False) + "</pre>")
    return "\n".join(parts)
