"""A token as a person reads it: the text it stands for, whatever the tokenizer kind wrote.

Byte-level BPE writes bytes as symbols (``Ġ`` a space, ``æĤŁ`` the three bytes of 悟), a char
tokenizer's byte fallback writes ``<0xE6>``, WordPiece marks a piece inside a word ``##``
and Unigram a word start ``▁``. ``token_text`` undoes that; bytes that are only part of a
character show as hex, ``<E6 82>``. ``readable_token`` also makes whitespace visible, and the characters
that draw as nothing: ``⊔`` an ideographic space, ``⍽`` another space, ``┊`` a zero-width one.

Example: ``token_text("bpe", "ĠæĤ")`` is ``" <E6 82>"``; ``readable_token("bpe", "ĠæĤŁç©º")``
is ``"␣悟空"``; ``token_text("wordpiece", "##ing")`` is ``"…ing"``.
"""

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

import numpy as np

WORD_CONTINUES = "…"  # drawn before a WordPiece piece that continues a word ("##ing" -> "…ing")
WIDE_SPACE_MARK = "⊔"  # U+3000 ideographic space, as wide as a Chinese character: a wide ␣
OTHER_SPACE_MARK = "⍽"  # another space: no-break U+00A0, en to hair U+2000–200A, narrow no-break U+202F …
INVISIBLE_MARK = "┊"  # a character that takes no room: zero-width space U+200B, byte-order mark U+FEFF …
# Drawn as part of what they follow: a zero-width joiner between two characters (👩‍👩‍👧), a variation selector
# (❤️) or an emoji tag after one; alone, or after a space, they are marked too.
_JOINERS = "\u200d\ufe00-\ufe0f\U000e0020-\U000e007f\U000e0100-\U000e01ef"
_JOINER = re.compile(f"[{_JOINERS}]")
_DRAWN_FORMAT = {*range(0x600, 0x606), 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD}  # Arabic number signs
_FILLERS = {0x34F, 0x115F, 0x1160, 0x3164, 0xFFA0}  # combining grapheme joiner, Hangul fillers: drawn as nothing


def _mark_of(code: int) -> str:
    """The mark of a character that draws as nothing (``⊔``, ``⍽``, ``┊``), else the character."""
    ch = chr(code)
    if code == 0x3000:
        return WIDE_SPACE_MARK
    category = unicodedata.category(ch)
    if category == "Zs" and code not in (0x20, 0x1680):  # U+1680 Ogham space mark is drawn, a dash
        return OTHER_SPACE_MARK
    if (category in ("Cc", "Cf", "Zl", "Zp") or code in _FILLERS) and code not in _DRAWN_FORMAT \
            and not _JOINER.match(ch):
        return INVISIBLE_MARK
    return ch


class _Marks(dict):
    """``str.translate``'s table, code point -> what is drawn; a character not met before is looked up once."""

    def __missing__(self, code: int) -> str:
        self[code] = _mark_of(code)
        return self[code]


_VISIBLE = _Marks({ord(" "): "␣", ord("\n"): "↵", ord("\t"): "⇥", ord("\r"): "␍"})
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
    out = []
    for k, part in enumerate(_STRAYS.split(decoded)):  # text, a run of stray bytes, text, …
        if k % 2:
            out.append("<" + " ".join(f"{ord(ch) - 0xDC00:02X}" for ch in part) + ">")
        else:
            out.append(visible_whitespace(part) if visible else part)
    return "".join(out)


_STRAYS = re.compile("([\udc80-\udcff]+)")


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
    spelled, odd = _byte_level_bytes(tokens)
    for i in odd:
        spelled[i] = token_bytes(kind, tokens[i])
    return spelled


def character_pieces(kind: str, tokens: list[str]) -> np.ndarray:
    """For each token, whether its bytes are not whole characters: a byte-level BPE spells a character it has no
    token for in two to four byte tokens (b"\\xe4\\xb8" is a piece of 中), however large its vocabulary."""
    pieces = np.zeros(len(tokens), dtype=bool)
    for i, data in enumerate(vocab_bytes(kind, tokens)):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pieces[i] = True
    return pieces


def _byte_level_bytes(tokens: list[str]) -> tuple[list[bytes], list[int]]:
    """The bytes of the tokens written in GPT-2's byte symbols, and the ids of the others (left empty)."""
    ends = list(accumulate(map(len, tokens)))
    odd = sorted({bisect_right(ends, m.start()) for m in _not_a_symbol().finditer("".join(tokens))})
    pieces = list(tokens)
    for i in odd:
        pieces[i] = ""
    codes = np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32)
    data = _byte_of_code()[codes].tobytes()
    starts = [0, *accumulate(map(len, pieces))]
    return [data[a:b] for a, b in zip(starts, starts[1:])], odd


def visible_whitespace(text: str, lone_joiners: bool = True) -> str:
    """Spaces, line breaks, tabs, control characters and what draws as nothing marked: "a b\\n" -> "a␣b↵",
    "\\u3000第" -> "⊔第", "a\\u200bb" -> "a┊b"; a joiner inside an emoji stays, 👩‍👩‍👧 is one emoji.

    ``lone_joiners=False`` leaves every joiner as it is: for a piece of a text drawn whole, whose emoji may
    continue in the next piece."""
    shown = text.translate(_VISIBLE)
    return _mark_lone_joiners(text, shown) if lone_joiners and _JOINER.search(text) else shown


def _mark_lone_joiners(text: str, shown: str) -> str:
    """``shown`` (``text`` with one mark for each character it marked) with the joiners that join nothing marked:
    a selector or tag after no drawn character, a zero-width joiner not between two."""
    out = list(shown)
    for i, ch in enumerate(text):
        if not _JOINER.match(ch):
            continue
        after = i > 0 and out[i - 1] == text[i - 1]  # a drawn character, or a joiner kept
        before = i + 1 < len(text) and shown[i + 1] == text[i + 1] and not _JOINER.match(text[i + 1])
        if not after or (ch == "\u200d" and not before):
            out[i] = INVISIBLE_MARK
    return "".join(out)


def marked_characters(text: str) -> list[str]:
    """The characters of ``text`` that ``visible_whitespace`` marks, but the space and the line break (whose marks
    every view explains), each once: ``marked_characters("\\u3000\\u3000a\\u200b")`` is ``["\\u3000", "\\u200b"]``."""
    shown = visible_whitespace(text)
    return list(dict.fromkeys(ch for ch, mark in zip(text, shown) if ch != mark and ch not in " \n"))


def character_name(ch: str) -> str:
    """``"U+3000 ideographic space"``: the code point and its Unicode name (a control character has none)."""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "control character").lower()
    return f"U+{ord(ch):04X} {name}"


_CONTROL_NAMES = {"\t": "tab", "\r": "carriage return", "\x85": "next line"}


_READABLE: dict[tuple[str, str], str] = {}  # (kind, token) -> readable_token; a vocabulary table shows every token
READABLE_KEPT = 1 << 17  # then forgotten all at once: GPT-2's 50,257 twice over
_HEX = np.array([ord(c) for c in "0123456789ABCDEF"], dtype=np.uint32)


def _visible_code() -> np.ndarray:
    """``visible_whitespace`` for the code points below 128, as an array (each maps to one character)."""
    table = np.arange(128, dtype=np.uint32)
    for code, shown in _VISIBLE.items():
        table[code] = ord(shown)
    return table


_VISIBLE_CODE = _visible_code()


def readable_token(kind: str, token: str) -> str:
    """``token_text`` with its whitespace visible, for tables, labels and tooltips."""
    text = _READABLE.get((kind, token))
    if text is None:
        text = _readable(kind, token)
        _keep({(kind, token): text})
    return text


def readable_tokens(kind: str, tokens: list[str]) -> list[str]:
    """``[readable_token(kind, t) for t in tokens]``, kept for later calls; a byte-level BPE's all at once.

    GPT-2's 50,257 tokens one by one took ~0.4 s of Python while the window opened a model folder.
    """
    if kind != "bpe":
        return [readable_token(kind, token) for token in tokens]
    spelled, odd = _byte_level_bytes(tokens)
    texts = _readable_bytes(spelled)
    for i in odd:  # written as themselves (a special such as "<pad>")
        texts[i] = _readable(kind, tokens[i])
    _keep(dict(zip(((kind, token) for token in tokens), texts)))
    return texts


def _keep(texts: dict[tuple[str, str], str]) -> None:
    if len(_READABLE) + len(texts) > READABLE_KEPT:
        _READABLE.clear()
    _READABLE.update(texts)


def _readable(kind: str, token: str) -> str:
    if kind == "bpe":
        return _byte_level_text(token, visible=True)
    return visible_whitespace(token_text(kind, token))


def _utf8_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per first byte: the bytes of the character it starts (0: none), and the range its second byte must be in
    (RFC 3629, as Python's decoder: no overlong form, no surrogate, nothing past U+10FFFF)."""
    size = np.zeros(256, dtype=np.int64)
    size[:0x80], size[0xC2:0xE0], size[0xE0:0xF0], size[0xF0:0xF5] = 1, 2, 3, 4
    low, high = np.full(256, 0x80, dtype=np.uint8), np.full(256, 0xBF, dtype=np.uint8)
    low[0xE0], high[0xED], low[0xF0], high[0xF4] = 0xA0, 0x9F, 0x90, 0x8F
    return size, low, high


_UTF8_SIZE, _SECOND_LOW, _SECOND_HIGH = _utf8_tables()


def _character_sizes(data: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each byte of the tokens' ``data``: the bytes of the character it starts (0: none; a character ends
    in its token), and the byte and the three after it (0 past the end). ``b"a\\xe6\\x82\\x9f"`` -> 1, 3, 0, 0."""
    n = len(data)
    left = np.repeat(np.cumsum(lengths), lengths) - np.arange(n)  # bytes left in the token, this one included
    b0, b1, b2, b3 = (np.concatenate((data[k:], np.zeros(k, np.uint8))).astype(np.uint32) for k in range(4))
    size = _UTF8_SIZE[b0]
    follows = (b1 >= _SECOND_LOW[b0]) & (b1 <= _SECOND_HIGH[b0]) & (size <= left)
    follows &= (size < 3) | ((b2 & 0xC0) == 0x80)
    follows &= (size < 4) | ((b3 & 0xC0) == 0x80)
    return np.where((size == 1) | follows, size, 0), b0, b1, b2, b3


def _readable_bytes(spelled: list[bytes]) -> list[str]:
    """``[bytes_text(data, visible=True) for data in spelled]``, UTF-8 decoded for all of them at once in numpy.

    ``[b"a b", b"\\xe6\\x82!"]`` -> ``["a␣b", "<E6 82>!"]``. A byte that starts no character and lies in none
    is a stray, written as two hex digits, a run of them between ``<`` and ``>``. (Decoding each token with
    Python took 0.17 s for the GPT-2 bench's vocabulary, 98% of whose tokens hold a stray: Python's error
    handler runs once for each.)
    """
    lengths = np.fromiter(map(len, spelled), dtype=np.int64, count=len(spelled))
    data = np.frombuffer(b"".join(spelled), dtype=np.uint8)
    n = len(data)
    ends = np.cumsum(lengths)
    size, b0, b1, b2, b3 = _character_sizes(data, lengths)
    inside = np.zeros(n + 3, dtype=bool)  # a continuation byte of a character: never a start, never a stray
    for k in range(1, 4):
        inside[np.flatnonzero(size > k) + k] = True
    inside = inside[:n]
    stray = (size == 0) & ~inside
    first, last = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    first[ends[lengths > 0] - lengths[lengths > 0]] = last[ends[lengths > 0] - 1] = True
    opens = stray & (first | ~np.concatenate(([False], stray[:-1])))  # a run's first stray byte
    closes = stray & (last | ~np.concatenate((stray[1:], [False])))  # and its last
    width = np.where(stray, 3 + opens, size > 0).astype(np.int32)  # "<" if it opens, 2 hex digits, " " or ">"
    at = np.cumsum(width, dtype=np.int32) - width
    out = np.empty(int(at[-1] + width[-1]) if n else 0, dtype=np.uint32)
    i = np.flatnonzero(size)  # the characters
    c0, c1, c2, c3 = b0[i], b1[i] & 0x3F, b2[i] & 0x3F, b3[i] & 0x3F
    code = np.select([size[i] == 1, size[i] == 2, size[i] == 3],
                     [c0, (c0 & 0x1F) << 6 | c1, (c0 & 0x0F) << 12 | c1 << 6 | c2],
                     (c0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3)
    out[at[i]] = _visible_codes(code)
    j = np.flatnonzero(stray)
    out[at[j[opens[j]]]] = ord("<")
    digits = at[j] + opens[j]
    out[digits], out[digits + 1] = _HEX[b0[j] >> 4], _HEX[b0[j] & 15]
    out[digits + 2] = np.where(closes[j], ord(">"), ord(" "))
    text = out.tobytes().decode("utf-32-le")
    bounds = [0, *np.concatenate((at, [len(out)]))[ends - lengths][1:].tolist(), len(out)]
    texts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    joiners = (code == 0x200D) | ((code >= 0xFE00) & (code <= 0xFE0F)) | ((code >= 0xE0020) & (code <= 0xE01EF))
    for token in np.unique(np.searchsorted(ends, i[joiners], side="right")).tolist():  # kept or marked by context
        texts[token] = bytes_text(spelled[token], visible=True)
    return texts


def _visible_codes(code: np.ndarray) -> np.ndarray:
    """``visible_whitespace`` of each code point: a table for ASCII, one look-up for each other one met."""
    shown = np.where(code < 128, _VISIBLE_CODE[code & 127], code)
    wide = np.flatnonzero(code >= 128)
    if wide.size:
        met, where = np.unique(code[wide], return_inverse=True)
        marks = np.fromiter((ord(_VISIBLE[c]) for c in met.tolist()), dtype=np.uint32, count=len(met))
        shown[wide] = marks[where]
    return shown


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
