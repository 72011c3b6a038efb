"""The tokenizer kinds, importable without loading the tokenizers library (fast CLI start)."""

from .i18n import _

KINDS = ("char", "bpe", "wordpiece", "unigram", "word")


def tokenizer_name(kind: str) -> str:
    """A kind's tokenizer as a sentence names it ("a {tokenizer}"), in the user's language: its code name
    ("word") reads as English inside a Chinese sentence."""
    names = {"char": _("char tokenizer"), "bpe": _("BPE tokenizer"), "wordpiece": _("WordPiece tokenizer"),
             "unigram": _("unigram tokenizer"), "word": _("word tokenizer")}
    return names[kind]
