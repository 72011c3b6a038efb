"""Recipes: a task with the model and training settings to learn it, from a built-in or a text.

    recipe = recipe_for_dataset("reversal", seed=0)
    model = build_model(recipe.model); Trainer(model, recipe.task, recipe.train)

``recipe.spec`` is the JSON that rebuilds the same task later (checkpoints and sessions keep it).
"""

from dataclasses import dataclass, replace
from pathlib import Path

from .corpus import encode_corpus, split_tokens
from .datasets import get_dataset
from .errors import ConfigError
from .i18n import _
from .model import ModelConfig
from .tasks import LMTask, PairTask
from .text import Cleaning, clean, corpus_stats, passage, read_text
from .tokenizer import Tokenizer
from .train import TrainConfig

MAX_TEXT_BYTES = 2 * 1024**3  # a corpus file larger than this is refused with a clear message
MAX_INLINE_TEXT = 4 * 1024**2  # a typed or pasted text up to this size is kept in the run's spec

TEXT_MODEL = dict(architecture="decoder", n_layer=4, n_head=4, d_model=128, d_ff=512, block_size=64,
                  dropout=0.0, activation="gelu", norm="pre", position="learned", tie_weights=True,
                  bias=False)
TEXT_TRAIN = dict(batch_size=32, lr=1e-3, min_lr=1e-4, warmup_steps=100, max_steps=1000,
                  eval_interval=100, eval_batches=20)


@dataclass
class Recipe:
    task: LMTask | PairTask
    model: ModelConfig
    train: TrainConfig
    spec: dict  # JSON that rebuilds the task: dataset name and seed, or text file and options


def pair_texts(pairs: list[tuple[str, str]]) -> list[str]:
    return [s for s, _ in pairs] + [t for _, t in pairs]


def match_architecture(task, architecture: str):
    """The task laid out for a decoder-only or an encoder-decoder model (examples only).

    A decoder reads ``<bos> source <sep> target``; an encoder-decoder gets the source in its
    encoder. One text to continue has no source, so it needs a decoder.
    """
    if task.kind == "lm":
        if architecture != "decoder":
            raise ConfigError(_("language modelling on one text needs a decoder-only model; an encoder-decoder "
                                "model learns source → target examples, as in the built-in translation tasks"))
        return task
    return task if task.architecture == architecture else replace(task, architecture=architecture)


def recipe_for_dataset(name: str, seed: int = 0, tokenizer_kind: str | None = None, vocab_size: int | None = None,
                       tokenizer: Tokenizer | None = None, model: dict | None = None,
                       train: dict | None = None) -> Recipe:
    """The built-in dataset ``name`` with its default model and training settings (overridable); the
    tokenizer kind defaults to the dataset's (``BuiltinDataset.tokenizer``)."""
    ds = get_dataset(name)
    splits = ds.make(seed)
    lstm = (model or {}).get("family") == "lstm"  # the seed's LSTM is decoder-only, whatever the dataset's default
    architecture = (model or {}).get("architecture", "decoder" if lstm else ds.architecture)
    tokenizer_kind = tokenizer.kind if tokenizer is not None else tokenizer_kind or ds.tokenizer
    spec = {"dataset": name, "seed": seed, "tokenizer": tokenizer_kind, "vocab_size": vocab_size}
    if ds.kind == "lm":
        tokenizer = tokenizer or Tokenizer.train(tokenizer_kind, [splits.train], vocab_size)
        task = match_architecture(LMTask(tokenizer, encode_corpus(tokenizer, [splits.train]),
                                         encode_corpus(tokenizer, [splits.val]), name=name, metric=ds.metric),
                                  architecture)
    else:
        tokenizer = tokenizer or Tokenizer.train(tokenizer_kind, pair_texts(splits.train), vocab_size)
        task = PairTask(tokenizer, splits.train, splits.val, architecture=architecture, name=name,
                        metric=ds.metric, labels=ds.labels)
    model_cfg = ModelConfig.from_dict({**ds.model, **(model or {}), "architecture": architecture,
                                       "vocab_size": tokenizer.vocab_size, "pad_id": tokenizer.pad_id})
    train_cfg = TrainConfig.from_dict({**ds.train, "seed": seed, **(train or {})})
    return fit_context(Recipe(task, model_cfg, train_cfg, spec))


def fit_context(recipe: Recipe) -> Recipe:
    """Widen the context when a non-char tokenizer makes the longest example need more tokens."""
    if isinstance(recipe.task, PairTask):
        need = recipe.task.longest()
        if need > recipe.model.block_size:
            recipe.model = replace(recipe.model, block_size=need)
    return recipe


def recipe_for_text(source: str | Path, tokenizer_kind: str = "char", vocab_size: int | None = None,
                    cleaning: Cleaning | None = None, val_fraction: float = 0.1, seed: int = 0,
                    tokenizer: Tokenizer | None = None, model: dict | None = None, train: dict | None = None,
                    is_text: bool = False) -> Recipe:
    """Language modelling on a user's text file (or a string with ``is_text=True``)."""
    if not 0.0 < val_fraction < 0.5:
        raise ConfigError(_("the validation fraction must be between 0 and 0.5"))
    text = source if is_text else read_text(source, max_bytes=MAX_TEXT_BYTES)
    if cleaning is not None:
        text = clean(text, cleaning)
    if not text.strip():
        raise ConfigError(_("the text is empty after cleaning: turn off some cleaning options"))
    tokenizer_kind = tokenizer.kind if tokenizer is not None else tokenizer_kind
    tokenizer = tokenizer or Tokenizer.train(tokenizer_kind, [text], vocab_size)
    train_ids, val_ids = split_tokens(encode_corpus(tokenizer, [text]), val_fraction)
    name = "text" if is_text else Path(source).name
    task = match_architecture(LMTask(tokenizer, train_ids, val_ids, name=name),
                              (model or {}).get("architecture", TEXT_MODEL["architecture"]))
    model_cfg = ModelConfig.from_dict({**TEXT_MODEL, **(model or {}), "vocab_size": tokenizer.vocab_size,
                                       "pad_id": tokenizer.pad_id})
    train_cfg = TrainConfig.from_dict({**TEXT_TRAIN, "seed": seed, **(train or {})})
    spec = {"text_file": None if is_text else str(Path(source).resolve()), "tokenizer": tokenizer_kind,
            "text": source if is_text and len(source) <= MAX_INLINE_TEXT else None,
            "vocab_size": vocab_size, "val_fraction": val_fraction, "seed": seed,
            "cleaning": vars(cleaning) if cleaning else None,
            "corpus_stats": corpus_stats(text),  # kept in sessions: still true when the file is gone
            "passage": passage(text)}  # what the Tokenize panel shows first
    return Recipe(task, model_cfg, train_cfg, spec)


def task_from_spec(spec: dict, tokenizer: Tokenizer):
    """Rebuild the task of a saved run with its own tokenizer (so ids mean the same)."""
    if spec.get("dataset"):
        return recipe_for_dataset(spec["dataset"], spec.get("seed", 0), tokenizer=tokenizer).task
    if spec.get("text_file") or spec.get("text"):
        cleaning = Cleaning(**spec["cleaning"]) if spec.get("cleaning") else None
        source, is_text = (spec["text"], True) if spec.get("text") else (spec["text_file"], False)
        return recipe_for_text(source, cleaning=cleaning, val_fraction=spec.get("val_fraction", 0.1),
                               tokenizer=tokenizer, is_text=is_text).task
    raise ConfigError(_("this run does not say which data it was trained on; choose the data again"))
