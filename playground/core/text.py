"""Reading the user's text files (any common encoding, streamed when large) and optional cleaning."""

from __future__ import annotations

import codecs
import re
import stat
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import charset_normalizer

from playground.core.errors import TextFileError
from playground.core.i18n import _

SNIFF_BYTES = 1 << 20  # how much of a file guesses its encoding
# Above this share of control characters a "text" is really binary data.
MAX_CONTROL_SHARE = 0.05
# charset-normalizer cannot tell Western single-byte code pages apart on short texts; cp1252
# (Windows Notepad's old default) is by far the likeliest, so it wins when it fits nearly as well.
PREFERRED_LEGACY_ENCODING = "cp1252"
LEGACY_CHAOS_TOLERANCE = 0.1
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Unicode category Cc except tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
CUT_END = "playground.cut-end"  # the decoding errors handler of UTF-8 files, registered below


def _leave_out_a_cut_last_character(error: UnicodeError) -> tuple[str, int]:
    """A UTF-8 file cut in the middle of its last character (by ``head -c``, or a download that stopped) was
    refused as "cannot tell which text encoding"; that character's one to three bytes are left out, as a text
    editor does. Any other byte that does not decode is still an error."""
    if (isinstance(error, UnicodeDecodeError) and error.end == len(error.object)
            and error.reason == "unexpected end of data"):
        return "", error.end
    raise error


codecs.register_error(CUT_END, _leave_out_a_cut_last_character)


def _errors(encoding: str) -> str:
    return CUT_END if encoding.startswith("utf-8") else "strict"


# -- reading -----------------------------------------------------------------------------


def read_text(path: str | Path, max_bytes: int | None = None) -> str:
    """The whole text of ``path`` with line ends as ``\\n``; ``TextFileError`` says what is wrong.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read directly; other
    encodings (cp1252, GB18030, ...) are guessed with charset-normalizer.
    """
    path = Path(path)
    _check_file(path, max_bytes)
    data = _read_bytes(path)
    encoding = _sniff_encoding(path, data, complete=True)
    try:
        text = data.decode(encoding, errors=_errors(encoding))
    except UnicodeDecodeError as error:
        raise TextFileError(_undecodable(path)) from error
    _check_is_text(path, text)
    text = _normalise_newlines(text)
    if not text.strip():
        raise TextFileError(_blank(path, text))
    return text


def iter_text_chunks(path: str | Path, chunk_chars: int = 1 << 20) -> Iterator[str]:
    """Stream ``path`` in pieces of about ``chunk_chars`` characters, never all in memory.

    A piece ends just after a ``\\n`` unless one line is longer than a piece; decoding is
    incremental, so a multi-byte character is never cut. The pieces join to exactly what
    ``read_text`` returns. Missing, empty and binary files are refused at once; a file
    that turns out undecodable further on raises ``TextFileError`` mid-stream.
    """
    path = Path(path)
    _check_file(path, None)
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    encoding = _sniff_encoding(path, head, complete=len(head) < SNIFF_BYTES)
    _check_is_text(path, head.decode(encoding, errors="ignore"))
    return _line_chunks(path, encoding, max(1, chunk_chars))


def _line_chunks(path: Path, encoding: str, chunk_chars: int) -> Iterator[str]:
    carry = ""
    try:
        # newline=None turns \r\n and \r into \n, also when a \r\n straddles two reads.
        with path.open("r", encoding=encoding, errors=_errors(encoding), newline=None) as stream:
            while block := stream.read(chunk_chars):
                block = carry + block
                cut = block.rfind("\n") + 1 or len(block)
                carry = block[cut:]
                yield block[:cut]
    except UnicodeDecodeError as error:
        raise TextFileError(_undecodable(path)) from error
    if carry:
        yield carry


def _check_file(path: Path, max_bytes: int | None) -> None:
    if path.is_dir():
        raise TextFileError(_("\"{path}\" is a folder, not a text file. Choose a text file "
                              "inside it.").format(path=path))
    try:
        info = path.stat()  # follows links: a link to /dev/zero is a device
    except FileNotFoundError as error:
        raise TextFileError(_("The file \"{path}\" does not exist. Check its name, or choose "
                              "another file.").format(path=path)) from error
    except OSError as error:
        raise TextFileError(_unreadable(path, error)) from error
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end: never opened
        raise TextFileError(_("\"{path}\" is not a regular file (it is a named pipe, a device or a "
                              "socket). Choose a text file saved on disk.").format(path=path))
    size = info.st_size
    if size == 0:
        raise TextFileError(_("The file \"{path}\" is empty. Choose a file with some text "
                              "in it.").format(path=path))
    if max_bytes is not None and size > max_bytes:
        raise TextFileError(_("The file \"{path}\" is {size}, more than the limit of "
                              "{limit}. Choose a smaller file, or raise the size limit.")
                            .format(path=path, **_sizes_that_differ(size, max_bytes)))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise TextFileError(_unreadable(path, error)) from error


def _sniff_encoding(path: Path, head: bytes, complete: bool) -> str:
    """The codec for a file starting with ``head`` (``complete`` when that is all of it)."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head:
        raise TextFileError(_binary(path))
    try:
        codecs.getincrementaldecoder("utf-8")(errors=CUT_END).decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy_encoding(_detection_sample(head, complete))
    if encoding is None:
        raise TextFileError(_undecodable(path))
    return encoding


def _detection_sample(head: bytes, complete: bool) -> bytes:
    """At most ``SNIFF_BYTES`` of ``head``, cut after a line so no character is split."""
    if complete and len(head) <= SNIFF_BYTES:
        return head
    sample = head[:SNIFF_BYTES]
    return sample[: sample.rfind(b"\n") + 1] or sample


def _guess_legacy_encoding(sample: bytes) -> str | None:
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        fits = match.chaos <= best.chaos + LEGACY_CHAOS_TOLERANCE
        if fits and PREFERRED_LEGACY_ENCODING in match.could_be_from_charset:
            return PREFERRED_LEGACY_ENCODING
    return best.encoding


def _check_is_text(path: Path, text: str) -> None:
    sample = text[:SNIFF_BYTES]
    controls = len(_CONTROL_CHARS.findall(sample))
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise TextFileError(_binary(path))


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _human_size(n_bytes: int) -> str:
    if n_bytes < 1024:
        return _("{n} bytes").format(n=n_bytes)
    size = float(n_bytes)
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1024
        if size < 1024 or unit == "TB":
            break
    return f"{size:.1f} {unit}"


def _sizes_that_differ(size: int, limit: int) -> dict:
    """Both sizes rounded, or in exact bytes when rounding would make them look equal."""
    rounded = {"size": _human_size(size), "limit": _human_size(limit)}
    if rounded["size"] != rounded["limit"]:
        return rounded
    return {key: _("{n} bytes").format(n=f"{n:,}") for key, n in (("size", size), ("limit", limit))}


def _blank(path: Path, text: str) -> str:
    if not text:
        return _("The file \"{path}\" is empty. Choose a file with some text in it.").format(
            path=path)
    return _("The file \"{path}\" holds only spaces and line breaks. Choose a file with "
             "some text in it.").format(path=path)


def _binary(path: Path) -> str:
    return _("The file \"{path}\" looks like binary data, not text. Choose a plain-text "
             "file, or save this one as plain text (UTF-8) and try again.").format(path=path)


def _undecodable(path: Path) -> str:
    return _("Cannot tell which text encoding the file \"{path}\" uses. Open it in a text "
             "editor, save it as UTF-8, and try again.").format(path=path)


def _unreadable(path: Path, error: OSError) -> str:
    return _("Cannot read the file \"{path}\": {reason}. Check that you may open it, or "
             "choose another file.").format(path=path, reason=error.strerror or error)


# -- cleaning ----------------------------------------------------------------------------


@dataclass
class Cleaning:
    """Optional clean-ups before tokenizing: the Gutenberg cut first, then the others in field order."""

    nfkc: bool = False  # fold look-alike forms: "ﬁ" -> "fi", full-width "Ａ" -> "A"
    lowercase: bool = False  # "The" and "the" become one token, a smaller vocabulary
    strip_punctuation: bool = False  # drop every Unicode punctuation mark (categories P*)
    collapse_whitespace: bool = False  # one space between words, at most one blank line
    gutenberg: bool = False  # only the book of a Project Gutenberg file: no header, no licence


_SPACE_RUN = re.compile(r"[ \t]+")
_LINE_END_SPACE = re.compile(r" +(?=\n|\Z)")
_BLANK_LINE_RUN = re.compile(r"\n{3,}")


def clean(text: str, cleaning: Cleaning) -> str:
    """``text`` with the clean-ups ``cleaning`` asks for.

    Example: collapse_whitespace turns ``"a \\t b  \\n\\n\\n\\nc"`` into ``"a b\\n\\nc"``.
    """
    if cleaning.gutenberg:
        text = "".join(_within_gutenberg_markers([text]))
    if cleaning.nfkc:
        text = unicodedata.normalize("NFKC", text)
    if cleaning.lowercase:
        text = text.lower()
    if cleaning.strip_punctuation:
        punctuation = [ch for ch in set(text) if unicodedata.category(ch).startswith("P")]
        text = text.translate(dict.fromkeys(map(ord, punctuation)))
    if cleaning.collapse_whitespace:
        text = _SPACE_RUN.sub(" ", text)
        text = _LINE_END_SPACE.sub("", text)
        text = _BLANK_LINE_RUN.sub("\n\n", text)
    return text


def clean_chunks(chunks: Iterable[str], cleaning: Cleaning) -> Iterator[str]:
    """Clean a stream of chunks so that the pieces join to ``clean`` of the whole text.

    Each chunk's trailing whitespace waits for the next chunk, so that runs of spaces and
    blank lines across a boundary collapse as they would in one text. Exact when chunks
    end at whitespace, as ``iter_text_chunks``' do; a chunk cut inside a word may differ
    there (NFKC of a letter and its accent, lowercasing a final Σ).
    """
    if cleaning.gutenberg:
        chunks = _within_gutenberg_markers(chunks)
        cleaning = replace(cleaning, gutenberg=False)
    held = ""
    for chunk in chunks:
        text = held + chunk
        body = text.rstrip(" \t\n")
        held = text[len(body):]
        if body:
            yield clean(body, cleaning)
    if held:
        yield clean(held, cleaning)


# Project Gutenberg's own lines around the book: "*** START OF THE PROJECT GUTENBERG EBOOK PRIDE AND
# PREJUDICE ***" (older files: "THIS PROJECT") and "*** END OF ...". Only looked for near the start.
# Older files also sign off just before the end marker ("End of the Project Gutenberg EBook of Pride and
# Prejudice, by Jane Austen"), and credit their volunteers in the book's first paragraph ("Produced by ...").
_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG EBOOK.*$\n?",
                              re.MULTILINE | re.IGNORECASE)
_GUTENBERG_END = re.compile(r"^(?:\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG EBOOK|End of (?:the )?Project Gutenberg)",
                            re.MULTILINE | re.IGNORECASE)
_GUTENBERG_CREDITS = re.compile(r"\A\s*(?:produced by|e-?text prepared by|transcribed (?:by|from))\b"
                                r"[^\n]*(?:\n[ \t]*\S[^\n]*){0,9}\n[ \t]*\n", re.IGNORECASE)  # up to 10 lines, then a blank one
GUTENBERG_HEADER_MAX = 100_000  # characters searched for the start marker; without one the text is kept whole
GUTENBERG_CREDITS_MAX = 1_000  # characters of a credits paragraph, blank line included; a longer one is the book


def _within_gutenberg_markers(chunks: Iterable[str]) -> Iterator[str]:
    """The text between Project Gutenberg's start and end markers, chunk by chunk (lines are never cut)."""
    head, chunks = "", iter(chunks)
    for chunk in chunks:  # the header: until the start marker's whole line, or GUTENBERG_HEADER_MAX characters
        head += chunk
        start = _GUTENBERG_START.search(head)
        if start and start.end() < len(head) or start and head.endswith("\n") or len(head) > GUTENBERG_HEADER_MAX:
            break
    start = _GUTENBERG_START.search(head)
    held = _without_credits(head[start.end():], chunks) if start else head
    for chunk in chunks:
        held += chunk
        end = _GUTENBERG_END.search(held)
        if end:
            yield held[:end.start()]
            return
        cut = held.rfind("\n") + 1  # a marker only begins a line: the last line waits for the next chunk
        if cut:
            yield held[:cut]
            held = held[cut:]
    end = _GUTENBERG_END.search(held)
    yield held[:end.start()] if end else held


def _without_credits(held: str, chunks: Iterator[str]) -> str:
    """The book's start less a first paragraph that credits its volunteers ("Produced by ...")."""
    while len(held) < GUTENBERG_CREDITS_MAX:  # enough text to see the whole paragraph, as one text would show it
        chunk = next(chunks, None)
        if chunk is None:
            break
        held += chunk
    credits = _GUTENBERG_CREDITS.match(held)
    return held[credits.end():] if credits and credits.end() <= GUTENBERG_CREDITS_MAX else held


def preview(text: str, cleaning: Cleaning, n_chars: int = 400) -> tuple[str, str]:
    """The first ``n_chars`` characters of ``text``, before and after cleaning."""
    before = text[:n_chars]
    return before, clean(before, cleaning)


# Characters counted at once. The counts run in a worker, but re's and set's C code holds the GIL for a whole call:
# one call over a book froze the window (2 s for the words of Pride and Prejudice); a piece takes a few ms.
STATS_PIECE_CHARS = 1 << 14


def distinct_characters(texts: Iterable[str]) -> set[str]:
    """The distinct characters of ``texts``, a piece at a time (``set(text)`` of a book is one call holding the GIL)."""
    characters: set[str] = set()
    for text in texts:
        for start in range(0, len(text), STATS_PIECE_CHARS):
            characters.update(text[start:start + STATS_PIECE_CHARS])
    return characters


def corpus_stats(text: str) -> dict:
    """Counts a student checks before training: characters, lines, distinct characters, words.

    ``n_words`` follows ``count_words``; ``n_cjk_chars`` says how many of them are single Chinese
    or Japanese characters, so a view can say how they were counted.
    """
    n_lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    n_words, n_cjk = _words_and_cjk(text)
    distinct = distinct_characters([text])
    return {
        "n_chars": len(text),
        "n_lines": n_lines,
        "n_distinct_chars": len(distinct),
        "n_words": n_words,
        "n_cjk_chars": n_cjk,
    }


# Han ideographs (with extensions and compatibility forms), kana and half-width kana: scripts
# written without spaces between words, where each character counts as one word.
_CJK = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
                  "\U00020000-\U0003134f]")


def count_words(text: str) -> int:
    """Words as a reader counts them, in any script.

    A word is a run of letters, digits and combining marks between whitespace, punctuation and
    symbols (an apostrophe inside it is kept: "don't" is one word); a Chinese or Japanese
    character is one word by itself. Emoji and other symbols are not words.
    ``count_words("don't stop, 孙悟空 2024 😀")`` is 6: don't, stop, 孙, 悟, 空, 2024.
    """
    return _words_and_cjk(text)[0]


def _words_and_cjk(text: str) -> tuple[int, int]:
    """Words and Chinese or Japanese characters, counted a piece at a time (see ``STATS_PIECE_CHARS``)."""
    spaced, n_cjk = [], 0
    for start in range(0, len(text), STATS_PIECE_CHARS):  # each CJK character is a word: a space around it
        piece, n = _CJK.subn(" ", text[start:start + STATS_PIECE_CHARS])
        spaced.append(piece)
        n_cjk += n
    spaced, n_words, start = "".join(spaced), 0, 0
    while start < len(spaced):  # a piece ends after whitespace, which no word holds
        space = _WHITESPACE.search(spaced, start + STATS_PIECE_CHARS)
        end = space.end() if space else len(spaced)
        n_words += len(_word_pattern().findall(spaced, start, end))
        start = end
    return n_cjk + n_words, n_cjk


_WHITESPACE = re.compile(r"\s")


@lru_cache(maxsize=1)
def _word_pattern() -> re.Pattern:
    """Runs of anything but whitespace, punctuation (P*), symbols (S*), controls (C*) and separators.

    re finds a BMP character in a class with one table look-up, but compares one beyond the BMP with the
    class's ranges there one by one: the 336 runs of stops beyond the BMP, tested for every letter, made
    counting an English book's words take 2 s. A character beyond the BMP is tested against them only when it
    is one (a seventh of the time, the same words).
    """
    stops = [c for c in range(0x20000) if unicodedata.category(chr(c))[0] in "PSCZ"]
    bmp_stops = _class_ranges([c for c in stops if c < 0x10000])
    beyond_stops = _class_ranges([c for c in stops if c >= 0x10000])
    beyond = "\U00010000-\U0010ffff"
    piece = f"(?:[^\\s{bmp_stops}{beyond}]+|(?=[{beyond}])[^{beyond_stops}])+"
    return re.compile(f"{piece}(?:['’]{piece})*")


def _class_ranges(codes: list[int]) -> str:
    """Sorted code points as the ranges of a regex class: [48, 49, 50, 65] -> "0-2A"."""
    ranges, start = [], codes[0]
    for prev, c in zip(codes, codes[1:] + [None]):
        if c != prev + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = c
    return "".join(ranges)


PASSAGE_CHARS = (60, 240)  # a passage of a corpus to tokenize: at least a sentence, at most a few lines
_SENTENCE_END = re.compile(r"[.!?。！？…]+[\"'”’」』)）]?")  # a closing quote with it: 。” and ." end a sentence


def passage(text: str, chars: tuple[int, int] = PASSAGE_CHARS) -> str | None:
    """A few whole sentences from a third of the way into ``text`` (past a book's front matter): from the first
    sentence start there to the first sentence end at least ``chars[0]`` characters on, at most ``chars[1]``. A
    sentence longer than that, or a text with no sentence ends, is cut between words."""
    if len(text) <= chars[1]:
        return text.strip() or None
    start = len(text) // 3
    text = text[start:start + 4 * chars[1]]
    # the third falls inside a sentence: begin with the next one (or, with no sentence ends, the next word)
    first_end = _SENTENCE_END.search(text) or re.search(r"\s", text)
    window = text[first_end.end() if first_end else 0:].lstrip()[:chars[1]]
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() >= chars[0]]
    if ends:
        return window[:ends[0]].strip() or None
    breaks = [i for i, c in enumerate(window) if c in " \n" and i >= chars[0]]
    return window[:breaks[-1] if breaks else len(window)].strip() or None
