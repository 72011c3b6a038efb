"""``playground tokenize``: how a tokenizer splits a text, token by token with ids and offsets."""

import json

from playground.core.i18n import _
from playground.core.tokenizer_kinds import KINDS

from .common import display_width, non_negative_int, out, positive_int, shown, subcommand, table


def add_parser(subparsers) -> None:
    p = subcommand(subparsers, "tokenize", _("show the tokens, ids and character offsets of a text"), [
        "tokenize 'Hello, world!'",
        "tokenize --file notes.txt --kind bpe --train-on grammar --vocab-size 400 --stats",
        "tokenize 'the cat sat' --tokenizer-file runs/grammar-20250101-120000/tokenizer.json --json",
        "tokenize --kind bpe --train-on poems.txt --merges 20"])
    p.add_argument("text", nargs="?", metavar="TEXT", help=_("the text to tokenize"))
    p.add_argument("--file", metavar="F", help=_("tokenize the text of this file instead"))
    p.add_argument("--tokenizer-file", metavar="PATH",
                   help=_("a saved tokenizer.json, a run or checkpoint folder holding one, or a Hugging "
                          "Face GPT-2 folder (its own tokenizer)"))
    p.add_argument("--kind", choices=KINDS, help=_("train a tokenizer of this kind (default: char)"))
    p.add_argument("--train-on", metavar="FILE_OR_DATASET",
                   help=_("text file or built-in dataset to train on (default: the text itself)"))
    p.add_argument("--vocab-size", type=positive_int, metavar="N", help=_("vocabulary size (not for char)"))
    p.add_argument("--json", action="store_true", help=_("print JSON: ids, tokens and offsets"))
    p.add_argument("--stats", action="store_true", help=_("print sizes, characters per token and unknown rate"))
    p.add_argument("--merges", type=non_negative_int, metavar="N", help=_("print the first N BPE merges in order"))
    p.set_defaults(run=run)


def run(args) -> int:
    from playground.core.errors import ConfigError
    from playground.core.text import read_text

    if args.text is not None and args.file:
        raise ConfigError(_("give either a TEXT or --file, not both"))
    text = read_text(args.file) if args.file else args.text
    if text is None and args.merges is None:
        raise ConfigError(_("give a TEXT to tokenize (or --file F)"))
    tokenizer = get_tokenizer(args, text)
    result = {}
    if text is not None:
        enc = tokenizer.encode(text)
        result.update(ids=enc.ids, tokens=enc.tokens, offsets=[list(o) for o in enc.offsets])
    if args.stats and text is not None:
        result["stats"] = tokenizer.stats(text)
    if args.merges is not None:
        if tokenizer.kind != "bpe":
            raise ConfigError(_("a {kind} tokenizer has no merges: use --kind bpe").format(kind=tokenizer.kind))
        result["merges"] = [list(m) for m in tokenizer.merges()[:args.merges]]
    if args.json:
        out(json.dumps(result, ensure_ascii=False))
    else:
        show(result, text, tokenizer)
    return 0


def get_tokenizer(args, text: str | None):
    """The saved tokenizer, or a new one trained on --train-on (or on the text itself)."""
    from playground.core.errors import ConfigError
    from playground.core.tokenizer import Tokenizer

    if args.tokenizer_file:
        if args.kind or args.train_on or args.vocab_size:
            raise ConfigError(_("--tokenizer-file is already trained: leave out --kind, --train-on and --vocab-size"))
        return saved_tokenizer(args.tokenizer_file)
    kind = args.kind or "char"
    texts = training_texts(args.train_on) if args.train_on else [text]
    if texts == [None]:
        raise ConfigError(_("give a text, or a corpus to train the tokenizer on with --train-on"))
    return Tokenizer.train(kind, texts, args.vocab_size)


def saved_tokenizer(path: str):
    """A saved tokenizer.json (or a run or checkpoint folder holding one), or a Hugging Face model folder's own
    tokenizer (its tokenizer.json, or vocab.json and merges.txt), as ``inspect`` and ``sample`` read it."""
    from pathlib import Path

    from playground.core.hf_gpt2 import is_model_folder, load_tokenizer, read_config
    from playground.core.tokenizer import Tokenizer

    if is_model_folder(path):
        return load_tokenizer(Path(path), read_config(Path(path)))
    return Tokenizer.load(path)


def training_texts(name: str) -> list[str]:
    """A built-in dataset's training text (both sides of its pairs), or a text file's content."""
    from pathlib import Path

    from playground.core.datasets import DATASETS
    from playground.core.errors import ConfigError
    from playground.core.text import read_text

    if Path(name).exists():
        return [read_text(name)]
    if name not in DATASETS:
        raise ConfigError(_("--train-on {n}: there is no such file, nor a built-in dataset of that name ({names})")
                          .format(n=name, names=", ".join(DATASETS)))
    splits = DATASETS[name].make(0)
    if isinstance(splits.train, str):
        return [splits.train]
    return [s for s, _t in splits.train] + [t for _s, t in splits.train]


def stat_names() -> dict:
    """The keys of ``Tokenizer.stats`` as printed: the key itself in English (as in --json), translated otherwise."""
    return {"vocab_size": _("vocab_size"), "n_chars": _("n_chars"), "n_tokens": _("n_tokens"),
            "chars_per_token": _("chars_per_token"), "unk_rate": _("unk_rate")}


def show(result: dict, text: str | None, tokenizer) -> None:
    if "ids" in result:
        rows = [[n, i, shown(tokenizer.token_text(token)), f"{a}-{b}", shown(text[a:b])]
                for n, (i, token, (a, b)) in enumerate(zip(result["ids"], result["tokens"], result["offsets"]))]
        out(table(["#", _("id"), _("token"), _("offsets"), _("text")], rows))
        out(_("{n} tokens, {c} characters; {kind} tokenizer with {v} tokens").format(
            n=f"{len(rows):,}", c=f"{len(text):,}", kind=tokenizer.kind, v=f"{tokenizer.vocab_size:,}"))
    if "stats" in result:
        out()
        names = stat_names()
        width = max(display_width(name) for name in names.values())
        for key, value in result["stats"].items():
            name = names.get(key, key)
            name += " " * (width - display_width(name))
            out(f"{name}  {value:.4g}" if isinstance(value, float) else f"{name}  {value:,}" if isinstance(value, int)
                else f"{name}  {value}")
    if "merges" in result:
        out()
        out(table(["#", _("merge"), _("result")],
                  [[n + 1, f"{shown(tokenizer.token_text(a))} + {shown(tokenizer.token_text(b))}",
                    shown(tokenizer.token_text(a + b))] for n, (a, b) in enumerate(result["merges"])]))
