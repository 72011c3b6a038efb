"""The corpus counts read a book a piece at a time.

The Data and Tokenize panels count a corpus in a worker, but a regex call (re's C code) holds the GIL to its end:
counting the words of Pride and Prejudice in one call froze the window for 1-2 s each time it was opened or a
tokenizer was trained on it. Here each call of the counting regexes is watched: none reads a whole book, and the
counts stay exactly what one text gives. A book's token ids become an array, and its distinct characters a set,
a piece at a time too. (``benchmarks/corpus_stall_bench.py`` prints the window's gaps.)
"""

import random
import re
import sys
import unicodedata

import numpy as np
import pytest

from playground.core import text as text_module
from playground.core.corpus import IDS_PIECE, ids_array
from playground.core.text import STATS_PIECE_CHARS, corpus_stats
from playground.core.text import distinct_characters

LINE = "It is a truth universally acknowledged, that a single man's fortune is 10,000 a year.\n"
LINE_WORDS = 16  # It is a truth universally acknowledged that a single man's fortune is 10 000 a year
CHINESE = "滚滚长江东逝水，浪花淘尽英雄。"  # 13 characters, each a word, and 2 marks


class Watched:
    """A compiled regex that notes how many characters each call reads, and does the real work."""

    def __init__(self, pattern):
        self.pattern, self.reads = pattern, []

    def findall(self, string, pos=0, endpos=sys.maxsize):
        self.reads.append(min(endpos, len(string)) - pos)
        return self.pattern.findall(string, pos, endpos)

    def sub(self, repl, string):
        self.reads.append(len(string))
        return self.pattern.sub(repl, string)

    def subn(self, repl, string):
        self.reads.append(len(string))
        return self.pattern.subn(repl, string)


@pytest.fixture
def watched(monkeypatch):
    words, cjk = Watched(text_module._word_pattern()), Watched(text_module._CJK)
    monkeypatch.setattr(text_module, "_word_pattern", lambda: words)
    monkeypatch.setattr(text_module, "_CJK", cjk)
    return words, cjk


@pytest.mark.parametrize(("book", "words", "cjk"), [
    (LINE * 3000, 3000 * LINE_WORDS, 0),  # an English book: many short lines
    (CHINESE * 12000, 12000 * 13, 12000 * 13),  # a Chinese novel on one line
])
def test_a_book_is_counted_a_piece_at_a_time(watched, book, words, cjk):
    assert len(book) > 10 * STATS_PIECE_CHARS
    stats = corpus_stats(book)
    assert (stats["n_words"], stats["n_cjk_chars"]) == (words, cjk)
    word_reads, cjk_reads = watched
    assert word_reads.reads and cjk_reads.reads
    assert max(cjk_reads.reads) <= STATS_PIECE_CHARS
    assert max(word_reads.reads) <= STATS_PIECE_CHARS + len(LINE)  # a piece ends after the next whitespace


@pytest.mark.parametrize("piece_chars", [1, 2, 7, 100])
def test_the_counts_do_not_depend_on_where_the_pieces_end(monkeypatch, piece_chars):
    rng = random.Random(piece_chars)
    parts = ["don't", "stop", " ", "  ", "\n", "\t", ",", "'", "’", "孙悟空", "2024", "😀", "\U00010400",
             "\U00020001", "\u3000", "cafe\u0301", "हिन्दी"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randrange(1, 400))) for _ in range(200)]
    whole = [corpus_stats(text) for text in texts]
    assert [stats["n_words"] for stats in whole] == [words_one_by_one(text) for text in texts]
    monkeypatch.setattr(text_module, "STATS_PIECE_CHARS", piece_chars)
    assert [corpus_stats(text) for text in texts] == whole


def words_one_by_one(text: str) -> int:
    """``count_words`` character by character: a letter is no whitespace, punctuation, symbol, control or separator
    (every character from U+20000 on is one; a Chinese or Japanese one is a word alone); an apostrophe between two
    letters joins them."""
    def kind(c):
        if re.fullmatch(text_module._CJK.pattern, c):
            return " w "
        if c in "'’":
            return "'"
        stop = c.isspace() or ord(c) < 0x20000 and unicodedata.category(c)[0] in "PSCZ"
        return " " if stop else "w"
    return len(re.findall(r"w+(?:'w+)*", "".join(map(kind, text))))


def test_a_book_of_ids_becomes_the_same_array_a_piece_at_a_time():
    rng = random.Random(0)
    ids = [rng.randrange(1 << 16) for _ in range(3 * IDS_PIECE + 5)]
    array = ids_array(ids, np.dtype(np.uint16))
    assert array.dtype == np.uint16 and np.array_equal(array, np.asarray(ids, dtype=np.uint16))
    assert len(ids_array([], np.dtype(np.uint32))) == 0


def test_the_distinct_characters_of_a_book_are_gathered_a_piece_at_a_time():
    book = "".join(chr(0x4E00 + i % 3000) for i in range(3 * STATS_PIECE_CHARS)) + "z"
    assert distinct_characters([book, "ab"]) == set(book) | {"a", "b"}
