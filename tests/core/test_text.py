"""Reading user text files in any common encoding, streaming them, and cleaning them."""

import codecs
import random

import pytest

from playground.core.errors import TextFileError
from playground.core.text import (
    Cleaning,
    clean,
    clean_chunks,
    corpus_stats,
    count_words,
    iter_text_chunks,
    preview,
    read_text,
)

FRENCH = "Café crème brûlée, naïve façade — “quotes” déjà vu.\nÇa va très bien, merci !\n"
# Every refusal should tell the user what to do next.
ADVICE_WORDS = ("Choose", "Check", "save", "raise")


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _bad_files(tmp_path):
    (tmp_path / "folder").mkdir()
    noise = random.Random(0).randbytes(4096)
    return {
        "missing": tmp_path / "missing.txt",
        "directory": tmp_path / "folder",
        "empty": _write(tmp_path, "empty.txt", b""),
        "whitespace": _write(tmp_path, "blank.txt", b"  \n\t\r\n  \n"),
        "bom only": _write(tmp_path, "bom.txt", codecs.BOM_UTF8),
        "nul bytes": _write(tmp_path, "nul.bin", b"text\x00with\x00nul" * 10),
        "random bytes": _write(tmp_path, "noise.bin", noise),
        "random high bytes": _write(tmp_path, "high.bin", bytes(b | 0x80 for b in noise)),
        "control chars": _write(tmp_path, "ctrl.bin", bytes(range(1, 9)) * 100 + b"abc"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "whitespace", "bom only",
                                  "nul bytes", "random bytes", "random high bytes",
                                  "control chars"])
def test_bad_files_are_refused_with_advice(tmp_path, case):
    path = _bad_files(tmp_path)[case]
    with pytest.raises(TextFileError) as caught:
        read_text(path)
    message = str(caught.value)
    assert str(path) in message
    assert any(word in message for word in ADVICE_WORDS), message


def test_too_large_file_says_size_and_limit(tmp_path):
    path = _write(tmp_path, "big.txt", b"x" * 3000)
    with pytest.raises(TextFileError) as caught:
        read_text(path, max_bytes=2048)
    message = str(caught.value)
    assert "2.9 KB" in message and "2.0 KB" in message and "limit" in message
    assert read_text(path, max_bytes=3000) == "x" * 3000


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "nul bytes"])
def test_streaming_refuses_bad_files_at_once(tmp_path, case):
    with pytest.raises(TextFileError):
        iter_text_chunks(_bad_files(tmp_path)[case])


def test_utf8_with_and_without_bom(tmp_path):
    text = "plain UTF-8: 中文 😀 é\n"
    assert read_text(_write(tmp_path, "a.txt", text.encode("utf-8"))) == text
    assert read_text(_write(tmp_path, "b.txt", codecs.BOM_UTF8 + text.encode("utf-8"))) == text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path, codec):
    text = "wide text 中文 😀\nsecond line\n"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = _write(tmp_path, "wide.txt", data)
    assert read_text(path) == text
    assert "".join(iter_text_chunks(path, chunk_chars=5)) == text


def test_cp1252_accents_are_decoded(tmp_path):
    assert read_text(_write(tmp_path, "fr.txt", FRENCH.encode("cp1252"))) == FRENCH
    short = "Café crème"
    assert read_text(_write(tmp_path, "short.txt", short.encode("cp1252"))) == short


def test_gb18030_is_decoded(tmp_path):
    text = "中文字符测试，这是一个简单的句子。我们正在测试编码检测。\n" * 3
    assert read_text(_write(tmp_path, "zh.txt", text.encode("gb18030"))) == text


def test_line_ends_become_newlines(tmp_path):
    path = _write(tmp_path, "crlf.txt", b"one\r\ntwo\r\n\r\nold mac\rend")
    assert read_text(path) == "one\ntwo\n\nold mac\nend"
    assert "".join(iter_text_chunks(path, chunk_chars=4)) == "one\ntwo\n\nold mac\nend"


def test_chunks_of_a_multi_megabyte_file_join_back_exactly(tmp_path):
    line = "第{}行：中文和English混在一起 😀👨‍👩‍👧 e\u0301\n"
    text = "".join(line.format(i) for i in range(60_000))  # about 2.5 MB of UTF-8
    path = _write(tmp_path, "big.txt", codecs.BOM_UTF8 + text.encode("utf-8"))
    chunks = list(iter_text_chunks(path, chunk_chars=100_000))
    assert len(chunks) > 5
    assert all(chunk.endswith("\n") for chunk in chunks)
    assert "".join(chunks) == text == read_text(path)


def test_a_line_longer_than_a_chunk_is_split(tmp_path):
    path = _write(tmp_path, "long.txt", ("中" * 25 + "\nab").encode("utf-8"))
    chunks = list(iter_text_chunks(path, chunk_chars=10))
    assert "".join(chunks) == "中" * 25 + "\nab"
    assert max(len(chunk) for chunk in chunks) <= 20


def test_streaming_a_cp1252_file(tmp_path):
    path = _write(tmp_path, "fr.txt", (FRENCH * 50).encode("cp1252"))
    assert "".join(iter_text_chunks(path, chunk_chars=64)) == FRENCH * 50


def test_streaming_stops_at_bytes_that_do_not_decode(tmp_path):
    path = _write(tmp_path, "bad.txt", b"good line\n" * 200_000 + b"\xff\xfe\xfa broken\n")
    with pytest.raises(TextFileError, match="UTF-8"):
        list(iter_text_chunks(path))


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_utf8_file_cut_inside_its_last_character_is_read_without_that_character(tmp_path, cut):
    """``head -c`` or a stopped download can end a file inside a character: it was refused as an encoding that
    cannot be told. Read whole or streamed (at 2 MB, past the part that guesses the encoding), the cut
    character's bytes are left out; a bad byte that is not at the end still stops the reading."""
    line = "第{}行：中文和English 😀\n"
    text = "".join(line.format(i) for i in range(80_000)) + "尾巴" + "😀"  # the last character has 4 bytes
    data = text.encode("utf-8")[:-4 + cut]  # 1, 2 or 3 of its bytes kept
    path = _write(tmp_path, "cut.txt", data)
    assert read_text(path) == text[:-1]
    assert "".join(iter_text_chunks(path, chunk_chars=100_000)) == text[:-1]
    short = _write(tmp_path, "short.txt", "你好".encode("utf-8")[:-1])
    assert read_text(short) == "你" == "".join(iter_text_chunks(short))
    bad = _write(tmp_path, "bad.txt", data[:100] + b"\xff" + data[100:])
    with pytest.raises(TextFileError, match="UTF-8"):
        read_text(bad)


@pytest.mark.parametrize("cleaning, before, after", [
    (Cleaning(nfkc=True), "ﬁne Ａ½", "fine A1⁄2"),
    (Cleaning(lowercase=True), "The ΟΔΟΣ", "the οδος"),
    (Cleaning(strip_punctuation=True), "Hi, «you»! 中文。e-mail $5", "Hi you 中文email $5"),
    (Cleaning(collapse_whitespace=True), "a \t b  \n\n\n\nc  \nd\t", "a b\n\nc\nd"),
    (Cleaning(), "Unchanged ,  TEXT\n\n\n", "Unchanged ,  TEXT\n\n\n"),
    (Cleaning(True, True, True, True), "Ｈello ,  World !\n\n\n", "hello world\n\n"),
])
def test_each_cleaning_option(cleaning, before, after):
    assert clean(before, cleaning) == after


def test_cleaning_chunks_equals_cleaning_the_whole_text():
    text = "Line ONE,  with  spaces \n\n\n\n\nΣ line two!\t\n" * 5
    chunks = [text[i:i + 7] for i in range(0, len(text), 7)]
    everything = Cleaning(True, True, True, True)
    assert "".join(clean_chunks(chunks, everything)) == clean(text, everything)


def test_preview_shows_before_and_after():
    text = "HELLO, World! " * 100
    before, after = preview(text, Cleaning(lowercase=True), n_chars=14)
    assert (before, after) == ("HELLO, World! ", "hello, world! ")


def test_corpus_stats_on_a_hand_example():
    assert corpus_stats("ab ba\ncab") == {
        "n_chars": 9, "n_lines": 2, "n_distinct_chars": 5, "n_words": 3, "n_cjk_chars": 0,
    }
    assert corpus_stats("one line\n")["n_lines"] == 1
    assert corpus_stats("")["n_lines"] == 0


@pytest.mark.parametrize(("text", "words", "cjk"), [
    ("The cat's toy, and 2024 more.\n", 6, 0),  # The, cat's, toy, and, 2024, more: "cat's" is one word
    ("孙悟空是一只猴子。", 8, 8),  # no spaces: each character is a word
    ("今日はいい天気ですね。", 10, 10),  # kana and kanji alike
    ("안녕하세요 세계", 2, 0),  # Korean puts spaces between words
    ("I love 😀 and 👍🏽!", 3, 0),  # emoji are not words
    ("😀👍🏽🎉", 0, 0),
    ("Hello, 世界! 👋 ok", 4, 2),  # mixed: Hello, 世, 界, ok
    ("cafe\u0301 हिन्दी भाषा", 3, 0),  # combining marks stay inside their word
    ("", 0, 0),
])
def test_words_are_counted_truly_in_every_script(text, words, cjk):
    assert count_words(text) == words
    stats = corpus_stats(text)
    assert (stats["n_words"], stats["n_cjk_chars"]) == (words, cjk)


def test_chinese_text_has_about_as_many_words_as_characters():
    """The issue's case: whitespace splitting gave 3,615 words for 732,152 characters of Chinese."""
    text = ("孙悟空是一只猴子，他跟着唐僧去西天取经。\n" * 200)
    assert len(text.split()) == 200
    assert corpus_stats(text)["n_words"] == 18 * 200


@pytest.mark.parametrize("sentence", ["Sentence {i} is here, and it has a few more words after it. ",
                                      "第{i}句话说的是一件很长的事情，“真有意思！”",
                                      "We laughed 😂 at line {i} and waved 👋 at the boats! "])
def test_a_passage_is_whole_sentences_from_a_third_of_the_way_in(sentence):
    from playground.core.text import passage

    text = "".join(sentence.format(i=i) for i in range(300))
    shown = passage(text)
    assert shown in text and 60 <= len(shown) <= 240
    starts = [sentence.format(i=i).strip() for i in range(100, 300)]  # a sentence of the last two thirds
    assert any(shown.startswith(s) for s in starts) and any(shown.endswith(s) for s in starts)


def test_a_passage_without_sentence_ends_is_whole_words_and_a_short_text_is_itself():
    from playground.core.text import passage

    words = " ".join(f"word{i} 😀" for i in range(400))
    shown = passage(words)
    assert shown in words and 60 <= len(shown) <= 240
    assert shown.split()[0] in words.split() and shown.split()[-1] in words.split()
    assert passage("hello 世界 😀") == "hello 世界 😀" and passage("   ") is None
