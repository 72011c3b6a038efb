"""Characters that draw as nothing are marked in token texts: ⊔ an ideographic space, ⍽ another space, ┊ a
zero-width one; a joiner inside an emoji stays, so 👩‍👩‍👧 is still one emoji."""

import functools
import re
import unicodedata

import pytest

from playground.core.recipes import recipe_for_text
from playground.core.token_text import (INVISIBLE_MARK, OTHER_SPACE_MARK, WIDE_SPACE_MARK, bytes_text,
                                        character_name, marked_characters, readable_token, readable_tokens,
                                        visible_whitespace)
from playground.core.tokenizer import KINDS, Tokenizer

FAMILY = "👩\u200d👩\u200d👧"
# The first lines of a Chinese novel start with two ideographic spaces; text copied from the web carries no-break
# and thin spaces, zero-width spaces and a byte-order mark.
TEXTS = {
    "english": "\u3000\u3000Chapter one. The cat sat\u00a0on the mat,\u2009and\u200bthe dog slept.\n" * 30,
    "chinese": ("\ufeff\u3000\u3000第一回\u3000宴桃园豪杰三结义\n"
                "\u3000\u3000话说天下大势，分久必合，合久必分。\n") * 30,
    "emoji": f"\u3000\u3000we {FAMILY} wave 👋🏽 at ❤️ boats\u00a0and\u200bships.\n" * 30,
}
JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


@functools.cache
def tokenizer_of(language: str, kind: str) -> Tokenizer:
    return recipe_for_text(TEXTS[language], kind, None if kind == "char" else 300, is_text=True).task.tokenizer


def drawn_as_nothing(text: str) -> list[str]:
    """The characters of a token's readable text a person would not see: a space of any kind, a control or
    format character; a joiner only where it joins nothing (at the start, or a zero-width joiner at the end).
    The space between the hex bytes of a split character (``<E6 82>``) is not text."""
    text = re.sub(r"<[0-9A-F]{2}(?: [0-9A-F]{2})*>", "", text)
    hidden = []
    for i, ch in enumerate(text):
        if ch in JOINERS:
            if i == 0 or (ch == "\u200d" and i == len(text) - 1):
                hidden.append(ch)
        elif unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cc", "Cf"):
            hidden.append(ch)
    return hidden


@pytest.mark.parametrize("text, shown", [
    ("\u3000\u3000第一回", "⊔⊔第一回"),
    ("a b\n", "a␣b↵"),
    ("a\u00a0b\u2009c\u200ad\u202fe", "a⍽b⍽c⍽d⍽e"),
    ("\ufeffx\u200by\u2060z\u00ad", "┊x┊y┊z┊"),
    ("\x85\u2028", "┊┊"),
    (FAMILY, FAMILY),
    ("❤️", "❤️"),
    ("\u200d", "┊"),
    ("\ufe0f", "┊"),
    (f" {FAMILY}\u200d", f"␣{FAMILY}┊"),
    ("\u0600١", "\u0600١"),  # an Arabic number sign is drawn: not marked
])
def test_what_draws_as_nothing_is_marked_but_a_joiner_inside_an_emoji(text, shown):
    assert visible_whitespace(text) == shown


def test_a_text_drawn_piece_by_piece_keeps_its_joiners():
    assert visible_whitespace("\u200d", lone_joiners=False) == "\u200d"
    assert visible_whitespace("\u200b\u3000", lone_joiners=False) == "┊⊔"


def test_the_marks_are_three_characters_not_text_a_learner_types():
    assert len({WIDE_SPACE_MARK, OTHER_SPACE_MARK, INVISIBLE_MARK, "␣", "↵", "·"}) == 6
    for mark in (WIDE_SPACE_MARK, OTHER_SPACE_MARK, INVISIBLE_MARK):
        assert len(mark) == 1 and visible_whitespace(mark) == mark


def test_marked_characters_are_named_by_code_point():
    assert marked_characters("\u3000\u3000a \n\u200b\t") == ["\u3000", "\u200b", "\t"]
    assert marked_characters(FAMILY) == []
    assert character_name("\u3000") == "U+3000 ideographic space"
    assert character_name("\u00a0") == "U+00A0 no-break space"
    assert character_name("\t") == "U+0009 tab"


@pytest.mark.parametrize("data", ["\u3000", FAMILY, "\u200d", "❤️", " \u3000x", "\u00a0", "a\u200bb", "\ufeff",
                                  "\ufe0f!", "\U000e0067"])
def test_byte_level_tokens_read_the_same_all_at_once_and_one_by_one(data):
    from playground.core.token_text import _byte_of_symbol

    byte_of = _byte_of_symbol()
    symbol = {byte: ch for ch, byte in byte_of.items()}
    raw = data.encode("utf-8")
    tokens = ["".join(symbol[b] for b in raw), "".join(symbol[b] for b in raw[:2]), symbol[raw[-1]]]
    one_by_one = [bytes_text(bytes(byte_of[c] for c in t), visible=True) for t in tokens]
    assert readable_tokens("bpe", tokens) == one_by_one
    assert not drawn_as_nothing(one_by_one[0]), one_by_one[0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", TEXTS)
def test_no_token_of_any_kind_reads_as_nothing(kind, language):
    tok = tokenizer_of(language, kind)
    line = TEXTS[language].split("\n")[0]
    tokens = tok.encode(line).tokens
    for token in [*tokens, *tok.vocab()]:
        shown = readable_token(kind, token)
        assert not drawn_as_nothing(shown), (token, shown)
    if kind == "bpe":
        assert readable_tokens(kind, tok.vocab()) == [readable_token(kind, t) for t in tok.vocab()]
    # The marks stand where the text had those characters, in the tokens that hold them.
    read = "".join(readable_token(kind, t) for t in tokens)
    if kind in ("char", "bpe", "unigram"):  # the kinds that keep the text's whitespace in their tokens
        assert read.count(WIDE_SPACE_MARK) == line.count("\u3000")
    if FAMILY in line and FAMILY in (readable_token(kind, t) for t in tokens):
        assert FAMILY in read  # one token holds the family: drawn whole
