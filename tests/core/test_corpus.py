"""Token corpora: compact dtypes, memory-mapped files, splits and streaming from a file."""

import json

import numpy as np
import pytest

from playground.core.corpus import (
    corpus_from_file,
    encode_corpus,
    load_tokens,
    split_tokens,
    token_dtype,
)
from playground.core.errors import ConfigError, PlaygroundError
from playground.core.text import Cleaning, clean, read_text
from playground.core.tokenizer import Tokenizer

TEXT = "".join(f"Line {i}: hello 中文 world, 😀 again!\n" for i in range(2000))


@pytest.fixture(scope="module")
def char_tokenizer() -> Tokenizer:
    return Tokenizer.train("char", [TEXT.lower()])


def test_dtype_grows_with_the_vocabulary():
    assert token_dtype(1000) == np.uint16
    assert token_dtype(65535) == np.uint16
    assert token_dtype(65536) == np.uint32
    assert token_dtype(200_000) == np.uint32


def test_in_memory_corpus_is_uint16(char_tokenizer):
    tokens = encode_corpus(char_tokenizer, ["hello", " world"])
    assert tokens.dtype == np.uint16
    assert tokens.tolist() == char_tokenizer.encode_ids("hello world")


def test_large_vocabulary_uses_uint32():
    words = [f"w{i}" for i in range(70_000)]
    tokenizer = Tokenizer.train("word", [" ".join(words)], vocab_size=70_000)
    assert tokenizer.vocab_size > 65_536
    tokens = encode_corpus(tokenizer, ["w69990 w1"])
    assert tokens.dtype == np.uint32
    assert tokenizer.decode(tokens) == "w69990 w1"


def test_memmap_file_round_trip(char_tokenizer, tmp_path):
    chunks = TEXT.splitlines(keepends=True)
    tokens = encode_corpus(char_tokenizer, chunks, tmp_path / "tokens.bin")
    assert isinstance(tokens, np.memmap) and not tokens.flags.writeable
    header = json.loads((tmp_path / "tokens.bin.json").read_text())
    assert header == {"dtype": "uint16", "length": len(TEXT),
                      "vocab_size": char_tokenizer.vocab_size}
    assert (tmp_path / "tokens.bin").stat().st_size == 2 * len(TEXT)
    again = load_tokens(tmp_path / "tokens.bin")
    assert np.array_equal(again, encode_corpus(char_tokenizer, [TEXT]))
    assert char_tokenizer.decode(again) == TEXT


def test_damaged_token_files_raise_playground_error(char_tokenizer, tmp_path):
    path = tmp_path / "tokens.bin"
    encode_corpus(char_tokenizer, ["hello"], path)
    path.write_bytes(b"\x00" * 3)  # no longer the length the header says
    with pytest.raises(PlaygroundError, match="Encode the corpus again"):
        load_tokens(path)
    with pytest.raises(PlaygroundError):
        load_tokens(tmp_path / "missing.bin")


def test_empty_corpus_is_refused(char_tokenizer, tmp_path):
    with pytest.raises(PlaygroundError, match="no tokens"):
        encode_corpus(char_tokenizer, [])
    with pytest.raises(PlaygroundError, match="no tokens"):
        encode_corpus(char_tokenizer, [""], tmp_path / "empty.bin")


def test_split_sizes_and_views():
    tokens = np.arange(100, dtype=np.uint16)
    train, val = split_tokens(tokens, 0.1)
    assert (len(train), len(val)) == (90, 10)
    assert train[-1] == 89 and val[0] == 90
    assert np.shares_memory(train, tokens) and np.shares_memory(val, tokens)
    assert [len(part) for part in split_tokens(tokens, 0.0)] == [100, 0]
    assert [len(part) for part in split_tokens(np.arange(7), 0.25)] == [5, 2]


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 2])
def test_split_refuses_bad_fractions(fraction):
    with pytest.raises(ConfigError, match="0.1"):
        split_tokens(np.arange(10), fraction)


def test_streaming_a_file_equals_encoding_the_whole_text(char_tokenizer, tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    whole = encode_corpus(char_tokenizer, [read_text(path)])
    streamed = corpus_from_file(path, char_tokenizer, chunk_chars=1000)
    assert np.array_equal(streamed, whole)
    on_disk = corpus_from_file(path, char_tokenizer, out_dir=tmp_path / "out", chunk_chars=1000)
    assert isinstance(on_disk, np.memmap)
    assert (tmp_path / "out" / "story.tokens.bin").exists()
    assert np.array_equal(on_disk, whole)


def test_streaming_with_cleaning_equals_cleaning_the_whole_text(char_tokenizer, tmp_path):
    path = tmp_path / "messy.txt"
    path.write_bytes(("  MESSY,   text!  \r\n\r\n\r\n\r\n" * 300).encode("utf-8"))
    cleaning = Cleaning(lowercase=True, strip_punctuation=True, collapse_whitespace=True)
    expected = char_tokenizer.encode_ids(clean(read_text(path), cleaning))
    streamed = corpus_from_file(path, char_tokenizer, cleaning, chunk_chars=50)
    assert streamed.tolist() == expected
