"""A token as a person reads it: the text it stands for, whatever the tokenizer kind wrote.

Byte-level BPE writes bytes as symbols (``Ġ`` a space, ``æĤŁ`` the three bytes of 悟), a char
tokenizer's byte fallback writes ``<0xE6>``, WordPiece marks a piece inside a word ``##``
and Unigram a word start ``▁``. ``token_text`` undoes that; bytes that are only part of a
character show as hex, ``<E6 82>``. ``readable_token`` also makes whitespace visible.

Example: ``token_text("bpe", "ĠæĤ")`` is ``" <E6 82>"``; ``readable_token("bpe", "ĠæĤŁç©º")``
is ``"␣悟空"``; ``token_text("wordpiece", "##ing")`` is ``"…ing"``.
"""

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

import numpy as np

WORD_CONTINUES = "…"  # drawn before a WordPiece piece that continues a word ("##ing" -> "…ing")
_VISIBLE = {ord(" "): "␣", ord("\n"): "↵", ord("\t"): "⇥", ord("\r"): "␍"}
# Other control characters as their Unicode control pictures (U+2400 + code).
_VISIBLE.update({c: chr(0x2400 + c) for c in range(32) if c not in _VISIBLE})
_VISIBLE[0x7F] = "␡"


@lru_cache(maxsize=1)
def _byte_of_symbol() -> dict[str, int]:
    """GPT-2's byte-level alphabet reversed: symbol -> byte (``Ġ`` -> 0x20, ``Ċ`` -> 0x0A)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    symbols, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            symbols[chr(byte)] = byte
        else:
            symbols[chr(256 + extra)] = byte
            extra += 1
    return symbols


def bytes_text(data: bytes, visible: bool = False) -> str:
    """UTF-8 ``data`` as text; bytes that do not form a whole character show as hex: ``<E6 82>``.

    ``visible`` draws the whitespace of the text (not the space between hex bytes).
    """
    decoded = data.decode("utf-8", errors="surrogateescape")  # a stray byte b -> U+DC00 + b
    out, stray = [], []
    for ch in decoded:
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            stray.append(f"{ord(ch) - 0xDC00:02X}")
            continue
        if stray:
            out.append(f"<{' '.join(stray)}>")
            stray = []
        out.append(visible_whitespace(ch) if visible else ch)
    if stray:
        out.append(f"<{' '.join(stray)}>")
    return "".join(out)


def _byte_level_text(token: str, visible: bool) -> str:
    table = _byte_of_symbol()
    if any(ch not in table for ch in token):  # a special token such as "<pad>" is written as itself
        return token
    return bytes_text(bytes(table[ch] for ch in token), visible)


def _byte_fallback_text(token: str) -> str:
    """``<0xE6>`` (a char tokenizer's byte token) -> ``<E6>``, as hex even for ASCII: a byte, not a
    character (``<41>`` is not the character token ``A``); any other token is its own text."""
    if len(token) == 6 and token.startswith("<0x") and token.endswith(">"):
        return f"<{token[3:5]}>"
    return token


def token_text(kind: str, token: str) -> str:
    """The text ``token`` of a ``kind`` tokenizer stands for, whitespace as it is."""
    if kind == "bpe":
        return _byte_level_text(token, visible=False)
    if kind == "char":
        return _byte_fallback_text(token)
    if kind == "wordpiece" and token.startswith("##") and len(token) > 2:
        return WORD_CONTINUES + token[2:]
    if kind == "unigram":
        return token.replace("▁", " ")
    return token


def token_bytes(kind: str, token: str) -> bytes:
    """The UTF-8 bytes ``token`` stands for: ``token_bytes("bpe", "ĠæĤ")`` is ``b" \\xe6\\x82"``,
    ``token_bytes("char", "<0xE6>")`` is ``b"\\xe6"``; a WordPiece ``##`` or a Unigram ``▁`` mark is not text."""
    if kind == "bpe":
        table = _byte_of_symbol()
        if all(ch in table for ch in token):
            return bytes(table[ch] for ch in token)
    elif kind == "char" and len(token) == 6 and token.startswith("<0x") and token.endswith(">"):
        return bytes([int(token[3:5], 16)])
    elif kind == "wordpiece" and token.startswith("##") and len(token) > 2:
        return token[2:].encode("utf-8")
    elif kind == "unigram":
        return token.replace("▁", " ").encode("utf-8")
    return token.encode("utf-8")


@lru_cache(maxsize=1)
def _byte_of_code() -> np.ndarray:
    """``_byte_of_symbol`` as an array indexed by the symbol's code point (``ord("Ġ")`` -> 0x20)."""
    table = np.zeros(max(map(ord, _byte_of_symbol())) + 1, dtype=np.uint8)
    for symbol, byte in _byte_of_symbol().items():
        table[ord(symbol)] = byte
    return table


@lru_cache(maxsize=1)
def _not_a_symbol() -> re.Pattern:
    return re.compile("[^" + re.escape("".join(_byte_of_symbol())) + "]")


def vocab_bytes(kind: str, tokens: list[str]) -> list[bytes]:
    """``[token_bytes(kind, t) for t in tokens]``; for byte-level BPE in a few calls over the whole vocabulary.

    GPT-2's 50,257 tokens one at a time took ~0.3 s of Python; here the joined tokens' code points are looked
    up in one array (``"ĠæĤ"`` -> ``b" \\xe6\\x82"``), and only a token with some other character (``"a b"``)
    is spelled out as ``token_bytes`` does.
    """
    if kind != "bpe":
        return [token_bytes(kind, token) for token in tokens]
    ends = list(accumulate(map(len, tokens)))
    odd = sorted({bisect_right(ends, m.start()) for m in _not_a_symbol().finditer("".join(tokens))})
    pieces = list(tokens)
    for i in odd:
        pieces[i] = ""
    codes = np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32)
    data = _byte_of_code()[codes].tobytes()
    starts = [0, *accumulate(map(len, pieces))]
    spelled = [data[a:b] for a, b in zip(starts, starts[1:])]
    for i in odd:
        spelled[i] = token_bytes(kind, tokens[i])
    return spelled


def visible_whitespace(text: str) -> str:
    """Spaces, line breaks, tabs and control characters drawn: "a b\\n" -> "a␣b↵"."""
    return text.translate(_VISIBLE)


@lru_cache(maxsize=1 << 17)  # a vocabulary table shows every token: GPT-2's 50,257 take ~0.5 s to spell out
def readable_token(kind: str, token: str) -> str:
    """``token_text`` with its whitespace visible, for tables, labels and tooltips."""
    if kind == "bpe":
        return _byte_level_text(token, visible=True)
    return visible_whitespace(token_text(kind, token))


# Scripts written without spaces: Han ideographs, kana, CJK punctuation (。，“ as full-width forms
# and U+3000–303F); and what may sit against them unspaced: other non-ASCII punctuation (“ ” …)
# and emoji, and ASCII punctuation.
_UNSPACED = ("\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
             "\uff00-\uffef\U00020000-\U0003134f")
_BESIDE = "!-/:-@\\[-`{-~\u2010-\u206f\u2600-\u27bf\U0001f000-\U0001faff"  # ASCII punctuation too: 曹操 ?
_SPACE_IN_CJK = re.compile(f"(?<=[{_UNSPACED}]) (?=[{_UNSPACED}{_BESIDE}])|(?<=[{_BESIDE}]) (?=[{_UNSPACED}])")


def join_unspaced(text: str) -> str:
    """Drop the spaces a word-by-word decoder put inside Chinese or Japanese text.

    WordPiece and word-level decoders join words with a space, which is right for English and
    wrong for scripts without spaces: "却说曹操 ， 滚滚长江 。" -> "却说曹操，滚滚长江。".
    A space with Latin text on either side stays: "Hello 世界" is kept as it is.
    """
    return _SPACE_IN_CJK.sub("", text)
