"""What a student checks about the data before training: counts, split sizes, a preview, examples.

    info = describe_data(recipe_for_dataset("reversal"))
    info["split"]  # {"train_examples": 20000, "val_examples": 1000}

Used by the Data panel; slow parts (generating a built-in dataset again, reading a file) make
it something to run off the UI thread.
"""

from .datasets import get_dataset
from .errors import PlaygroundError
from .recipes import MAX_TEXT_BYTES, Recipe
from .text import Cleaning, clean, corpus_stats, preview, read_text

PREVIEW_CHARS = 3000
EXAMPLES = 20


def describe_data(recipe: Recipe, n_chars: int = PREVIEW_CHARS, n_examples: int = EXAMPLES) -> dict:
    """Statistics of the corpus, sizes of the splits, the text before/after cleaning, example pairs.

    ``raw`` is the start of the text as read (``None`` when only tokens are left, e.g. a
    session whose text file is gone: ``before`` is then the decoded tokens). ``stats_of`` says
    where the counts come from: "corpus" (counted now), "saved" (saved with the session when the
    file was there) or "sample" (an old session without them: the first decoded tokens).
    """
    task, spec = recipe.task, recipe.spec
    tokenizer = task.tokenizer
    info = {"name": task.name, "kind": task.kind, "dataset": spec.get("dataset"), "text_file": spec.get("text_file"),
            "tokenizer": tokenizer.kind, "vocab_size": tokenizer.vocab_size,
            "vocab_parts": tokenizer.parts(), "examples": [], "raw": None,
            "stats_of": "corpus", "pretrained": spec.get("pretrained")}
    if task.kind == "pairs":
        pairs = task.train_pairs
        info["stats"] = corpus_stats("".join(f"{s}\n{t}\n" for s, t in pairs + task.val_pairs))
        info["split"] = {"train_examples": len(pairs), "val_examples": len(task.val_pairs)}
        info["longest"] = task.longest()  # tokens the model must see at once, for its context length
        info["examples"] = list(pairs[:n_examples])
        info["before"] = info["after"] = "".join(f"{s}  →  {t}\n" for s, t in pairs[:n_examples])
        return info
    info["split"] = {"train_tokens": int(len(task.train_ids)), "val_tokens": int(len(task.val_ids))}
    cleaning = Cleaning(**spec["cleaning"]) if spec.get("cleaning") else Cleaning()
    raw = raw_text(spec)
    if raw is None:  # only the tokens are left: the statistics saved with them, else those of a sample
        text = tokenizer.decode(task.train_ids[: 4 * n_chars].tolist())
        saved = saved_stats(spec)
        info["stats"] = saved or corpus_stats(text)
        info["stats_of"] = "saved" if saved else "sample"
        info["sample_chars"] = len(text)
        info["before"] = info["after"] = text[:n_chars]
        return info
    info["stats"] = stats_of_text(clean(raw, cleaning), spec)
    info["raw"] = raw[:n_chars]
    info["before"], info["after"] = preview(raw, cleaning, n_chars)
    return info


def stats_of_text(text: str, spec: dict) -> dict:
    """The counts of the cleaned text: those the recipe counted when it was built (recipe_for_text), if they are of
    a text this long (the file may have changed since), else counted now (a book: tens of ms of a worker's time)."""
    saved = saved_stats(spec)
    return saved if saved is not None and saved["n_chars"] == len(text) else corpus_stats(text)


def saved_stats(spec: dict) -> dict | None:
    """The corpus statistics a session saved in its spec, if they are well formed (counts, or None)."""
    saved = spec.get("corpus_stats")
    if not isinstance(saved, dict) or not set(corpus_stats("")) <= set(saved):
        return None

    def count(v) -> bool:
        return v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0)

    return dict(saved) if all(isinstance(k, str) and count(v) for k, v in saved.items()) else None


def raw_text(spec: dict) -> str | None:
    """The whole text a language-modelling spec was built from, before cleaning; None if it is gone."""
    if spec.get("dataset"):
        splits = get_dataset(spec["dataset"]).make(spec.get("seed", 0))
        return splits.train + splits.val
    if spec.get("text") is not None:
        return spec["text"]
    if spec.get("text_file"):
        try:
            return read_text(spec["text_file"], max_bytes=MAX_TEXT_BYTES)
        except PlaygroundError:
            return None
    return None
