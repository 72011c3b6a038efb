"""Tokenizer wrapper: exact round trips, a hand-checkable BPE, offsets, files and errors."""

import json
import random

import pytest
from tokenizers import Tokenizer as HFTokenizer
from tokenizers import models

from playground.core.errors import PlaygroundError, TextFileError
from playground.core.tokenizer import BYTE_TOKENS, KINDS, SPECIALS, Tokenizer

CORPUS = [
    "The quick brown fox jumps over the lazy dog.\n",
    "Hello world, hello tokenizers! Hello again.\n",
    "  an indented line\twith a tab\n\n",
] * 20
VOCAB_SIZES = {"char": None, "bpe": 300, "wordpiece": 120, "unigram": 100, "word": 40}
ROUND_TRIP_TEXTS = [
    "",
    "a",
    "hello world",
    "  two  spaces\tand tab\n\nnewlines",
    "中文字符测试",
    "emoji 😀👍🏽 family 👨‍👩‍👧",
    "combining e\u0301 and \u00e9",
    "日本語とEnglish混在",
    "unseen in training: Ωß∂ƒ ©¿¡ \u200b\U0001F9EA ~`|\r\x07",
]
OFFSET_TEXT = "Hello, wonderful world! 中文 emoji 😀👍🏽 tab\there  end"


@pytest.fixture(scope="module")
def trained() -> dict[str, Tokenizer]:
    return {kind: Tokenizer.train(kind, CORPUS, VOCAB_SIZES[kind]) for kind in KINDS}


@pytest.mark.parametrize("text", ROUND_TRIP_TEXTS)
@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_decode_encode_round_trips_exactly(trained, kind, text):
    tokenizer = trained[kind]
    assert tokenizer.decode(tokenizer.encode(text).ids) == text
    assert tokenizer.decode(tokenizer.encode_ids(text)) == text


def test_bpe_hand_example_learns_aa_first():
    # "aaabdaaabac": the pair (a, a) occurs 4 times, more than any other pair.
    tokenizer = Tokenizer.train("bpe", ["aaabdaaabac"] * 10, vocab_size=262)
    assert tokenizer.merges() == [("a", "a")]
    assert tokenizer.encode("aaabdaaabac").tokens == ["aa", "a", "b", "d", "aa", "a", "b", "a", "c"]
    assert tokenizer.replay_merges("aaab aa", 0) == ["a", "a", "a", "b", "Ġ", "a", "a"]
    assert tokenizer.replay_merges("aaab aa", 1) == ["aa", "a", "b", "Ġ", "aa"]


def test_replaying_every_merge_gives_the_encoding(trained):
    tokenizer = trained["bpe"]
    text = "Hello world, the lazy fox 中文"
    assert tokenizer.replay_merges(text, len(tokenizer.merges())) == tokenizer.encode(text).tokens
    pieces = tokenizer.replay_merges(text, 0)
    assert len(pieces) == len(text.encode("utf-8"))  # one symbol a byte


def test_merges_only_for_bpe(trained):
    assert len(trained["bpe"].merges()) == 300 - len(SPECIALS) - 256
    for kind in ("char", "wordpiece", "unigram", "word"):
        assert trained[kind].merges() == []
    with pytest.raises(PlaygroundError, match="BPE"):
        trained["word"].replay_merges("hello", 1)


def _piece_matches(tokenizer: Tokenizer, token_id: int, token: str, piece: str) -> bool:
    """Whether ``token`` is what ``tokenizer`` makes of the text span ``piece``."""
    kind = tokenizer.kind
    if kind == "bpe":  # a byte-level token; a part of one character decodes to U+FFFD
        decoded = tokenizer.decode([token_id])
        return decoded == piece or "\ufffd" in decoded
    if token == "<unk>":
        return kind in ("wordpiece", "word")
    if kind == "char":
        return token == piece or (token in BYTE_TOKENS and len(piece) == 1)
    if kind == "wordpiece":
        return token.removeprefix("##") == piece
    if kind == "unigram":  # "▁" marks a word start; a lone prepended one spans the first char
        return token.strip("▁") == "" or token.lstrip("▁") == piece.lstrip(" ")
    return token == piece


@pytest.mark.parametrize("kind", KINDS)
def test_offsets_point_at_the_tokens_text(trained, kind):
    encoding = trained[kind].encode(OFFSET_TEXT)
    starts = [start for start, end in encoding.offsets]
    assert starts == sorted(starts)
    for token_id, token, (start, end) in zip(encoding.ids, encoding.tokens, encoding.offsets):
        assert 0 <= start <= end <= len(OFFSET_TEXT)
        piece = OFFSET_TEXT[start:end]
        assert _piece_matches(trained[kind], token_id, token, piece), (token, start, end)


def test_bpe_offsets_cover_cjk_and_emoji_in_order(trained):
    text = "中文😀👍🏽 family 👨‍👩‍👧"
    offsets = trained["bpe"].encode(text).offsets
    covered = 0
    for start, end in offsets:
        assert start <= covered <= end  # no gap; byte pieces of one char share its span
        covered = max(covered, end)
    assert covered == len(text)


@pytest.mark.parametrize("kind", KINDS)
def test_specials_have_ids_0_to_4(trained, kind):
    tokenizer = trained[kind]
    assert tokenizer.vocab()[: len(SPECIALS)] == list(SPECIALS)
    ids = (tokenizer.pad_id, tokenizer.unk_id, tokenizer.bos_id, tokenizer.eos_id, tokenizer.sep_id)
    assert ids == (0, 1, 2, 3, 4)
    assert [tokenizer.token_to_id(token) for token in SPECIALS] == [0, 1, 2, 3, 4]
    assert tokenizer.kind == kind


def test_vocab_is_in_id_order(trained):
    tokenizer = trained["bpe"]
    vocab = tokenizer.vocab()
    assert len(vocab) == tokenizer.vocab_size
    assert all(tokenizer.token_to_id(token) == i for i, token in enumerate(vocab))
    assert tokenizer.id_to_token(7) == vocab[7]
    assert tokenizer.token_to_id("not a token at all") is None
    with pytest.raises(PlaygroundError):
        tokenizer.id_to_token(tokenizer.vocab_size)


def test_special_tokens_are_skipped_when_decoding(trained):
    tokenizer = trained["char"]
    ids = [tokenizer.bos_id, *tokenizer.encode_ids("hello"), tokenizer.eos_id]
    assert tokenizer.decode(ids) == "hello"
    assert tokenizer.decode(ids, skip_special=False) == "<bos>hello<eos>"


def test_batch_ids_equal_single_ids(trained):
    tokenizer = trained["bpe"]
    texts = ["hello world", "", "中文 😀"]
    assert tokenizer.encode_batch_ids(texts) == [tokenizer.encode_ids(text) for text in texts]


def test_char_vocabulary_is_the_seen_characters(trained):
    tokenizer = trained["char"]
    seen = set("".join(CORPUS))
    assert set(tokenizer.vocab()) == set(SPECIALS) | seen | set(BYTE_TOKENS)


@pytest.mark.parametrize("kind", KINDS)
def test_save_and_load_keep_kind_vocab_and_encodings(trained, kind, tmp_path):
    tokenizer = trained[kind]
    tokenizer.save(tmp_path)
    folder_copy = Tokenizer.load(tmp_path)
    file_copy = Tokenizer.load(tokenizer.save(tmp_path / "mine.json"))
    string_copy = Tokenizer.from_json_str(tokenizer.to_json_str())
    for copy in (folder_copy, file_copy, string_copy):
        assert copy.kind == kind
        assert copy.vocab() == tokenizer.vocab()
        assert copy.encode(OFFSET_TEXT) == tokenizer.encode(OFFSET_TEXT)
        assert copy.merges() == tokenizer.merges()
    assert (tmp_path / "tokenizer.json").exists()


def _foreign_tokenizer_json() -> str:
    foreign = HFTokenizer(models.WordLevel({"[PAD]": 0, "[UNK]": 1, "hi": 2}, unk_token="[UNK]"))
    return foreign.to_str()


@pytest.mark.parametrize("content", [
    "not json at all",
    "",
    "[1, 2, 3]",
    '{"model": {"type": "BPE", "vocab": 3}}',
    '{"version": "1.0", "model": {"type": "Nonsense"}}',
    _foreign_tokenizer_json(),
])
def test_corrupt_tokenizer_file_raises_playground_error(trained, tmp_path, content):
    path = tmp_path / "tokenizer.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlaygroundError) as caught:
        Tokenizer.load(path)
    assert "tokenizer" in str(caught.value)


def test_truncated_or_missing_tokenizer_file_raises_playground_error(trained, tmp_path):
    text = trained["bpe"].to_json_str()
    with pytest.raises(PlaygroundError):
        Tokenizer.from_json_str(text[: len(text) // 2])
    with pytest.raises(PlaygroundError, match="no tokenizer file"):
        Tokenizer.load(tmp_path / "missing.json")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PlaygroundError):
        Tokenizer.load(tmp_path / "binary.json")


def test_char_stats_on_seen_and_unseen_text(trained):
    tokenizer = trained["char"]
    seen = tokenizer.stats("hello world")
    assert seen == {"vocab_size": tokenizer.vocab_size, "n_chars": 11, "n_tokens": 11,
                    "chars_per_token": 1.0, "unk_rate": 0.0}
    unseen = tokenizer.stats("ab中")  # 中 falls back to its three UTF-8 bytes
    assert unseen["n_tokens"] == 5
    assert unseen["unk_rate"] == pytest.approx(3 / 5)


def test_word_stats_count_unknown_words(trained):
    stats = trained["word"].stats("hello zebra")
    assert stats["n_tokens"] == 2
    assert stats["unk_rate"] == 0.5
    assert stats["chars_per_token"] == pytest.approx(11 / 2)
    assert trained["bpe"].stats("zebra 中文")["unk_rate"] == 0.0
    assert trained["char"].stats("")["n_tokens"] == 0


def test_unknown_kind_says_what_to_choose():
    with pytest.raises(PlaygroundError, match="Choose one of: char, bpe"):
        Tokenizer.train("sentencepiece", CORPUS)


@pytest.mark.parametrize("kind, size", [("bpe", 100), ("bpe", 261), ("word", 3), ("unigram", 0)])
def test_too_small_vocabulary_says_the_minimum(kind, size):
    with pytest.raises(PlaygroundError, match="at least"):
        Tokenizer.train(kind, CORPUS, vocab_size=size)


def many_characters() -> list[str]:
    """Lines of English-like words, Chinese and emoji (93 characters besides the space), varied enough that the
    trainer finds more pieces than the vocabularies asked for here."""
    rng = random.Random(0)
    letters, hanzi, emoji = "abcdefghijklmnopqrstuvwxyz", "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰", "😀👍🏽🎉🚀"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 7))) for _ in range(300)]
    return [" ".join(rng.choice(words) for _ in range(12)) + " " + "".join(rng.choice(hanzi) for _ in range(20))
            + rng.choice(emoji) + "。\n" for _ in range(200)]


MANY_CHARACTERS = many_characters()


def test_a_unigram_vocabulary_smaller_than_the_alphabet_grows_to_hold_it_as_wordpiece_does():
    """Asked for 10, it was refused (after a training pass on a book: a minute on a long Chinese novel); now it holds
    every character, the specials and one more, which is the least the trainer gives back as asked."""
    characters = set("".join(MANY_CHARACTERS))
    minimum = len(characters - {" "} | {"▁"}) + len(SPECIALS) + 1
    grown = Tokenizer.train("unigram", MANY_CHARACTERS, vocab_size=10)
    assert grown.vocab_size == minimum
    for text in ("".join(MANY_CHARACTERS), "天地 jumps 😀"):
        assert "<unk>" not in grown.encode(text).tokens and grown.decode(grown.encode_ids(text)) == text
    assert Tokenizer.train("unigram", MANY_CHARACTERS, vocab_size=minimum + 7).vocab_size == minimum + 7


def test_a_unigram_corpus_read_once_is_refused_with_the_least_size_that_trains_as_asked():
    """Texts that can be read only once cannot be counted first: the trainer's refusal says the minimum."""
    with pytest.raises(PlaygroundError, match="larger vocabulary: at least") as refused:
        Tokenizer.train("unigram", iter(MANY_CHARACTERS), vocab_size=10)
    minimum = int(str(refused.value).rsplit(" ", 1)[-1].rstrip(".").replace(",", ""))
    assert Tokenizer.train("unigram", iter(MANY_CHARACTERS), vocab_size=minimum).vocab_size == minimum
    with pytest.raises(PlaygroundError, match=f"at least {minimum}"):
        Tokenizer.train("unigram", iter(MANY_CHARACTERS), vocab_size=minimum - 10)


@pytest.mark.parametrize("kind", KINDS)
def test_empty_corpus_is_refused(kind):
    with pytest.raises(PlaygroundError, match="empty"):
        Tokenizer.train(kind, ["", ""])


def test_progress_hears_start_and_end():
    heard = []
    Tokenizer.train("bpe", CORPUS, 270, progress=heard.append)
    assert heard[0] == 0.0 and heard[-1] == 1.0


def test_an_error_from_the_texts_reaches_the_caller():
    def chunks():
        yield "some text"
        raise TextFileError("cannot decode")

    with pytest.raises(TextFileError, match="cannot decode"):
        Tokenizer.train("bpe", chunks(), 270)


def test_tokenizer_json_is_hugging_face_format(trained):
    config = json.loads(trained["char"].to_json_str())
    assert config["model"]["type"] == "BPE" and config["model"]["byte_fallback"] is True
    assert HFTokenizer.from_str(trained["bpe"].to_json_str()).get_vocab_size() == 300


MERGE_TEXTS = {"english": "The quick brown fox isn't lazy; the fox jumps.\n",
               "chinese": "滚滚长江东逝水，浪花淘尽英雄。长江东逝水。\n",
               "emoji": "🙂🚀 ok 🙂🚀 👩‍💻 🇨🇳 ❤️ ok!\n"}


@pytest.mark.parametrize("language", list(MERGE_TEXTS))
def test_merges_read_one_at_a_time_equal_the_whole_document_read(language):
    """stored_merges reads a GPT-2 size tokenizer merge by merge (the window runs between them)."""
    from playground.core.tokenizer import stored_merges

    tokenizer = Tokenizer.train("bpe", CORPUS + [MERGE_TEXTS[language]] * 30, vocab_size=400)
    serialized = tokenizer._backend.to_str()
    whole = json.loads(serialized)["model"]["merges"]
    assert len(whole) > 50 and stored_merges(serialized) == whole
    assert [tuple(m) for m in whole] == tokenizer.merges()
    assert tokenizer.replay_merges(MERGE_TEXTS[language], len(whole)) == tokenizer.encode(MERGE_TEXTS[language]).tokens
    document = json.loads(serialized)
    pretty = json.dumps(document, indent=2, ensure_ascii=False)
    assert stored_merges(pretty) == whole
    old_style = {**document, "model": {**document["model"], "merges": [" ".join(m) for m in whole]}}
    assert stored_merges(json.dumps(old_style)) == [" ".join(m) for m in whole]
    # another layout: the model first, a token named "merges", merges elsewhere
    reordered = {"model": {**document["model"], "vocab": {"merges": 0, **document["model"]["vocab"]}},
                 "decoder": {"merges": ["x", "y"]}, "merges": [["a", "b"]]}
    assert stored_merges(json.dumps(reordered, indent=1)) == whole
    with pytest.raises(ValueError):
        stored_merges(serialized[:-20])  # a damaged document is not read as fewer merges


@pytest.mark.parametrize("document", [{}, [], {"a": [1, [2, {"b": None}]], "c": {"d": {"e": [True, 1.5]}}},
                                      {"model": {"vocab": {"滚": 0, "🙂": 1, "\\\"": 2}, "merges": [["滚", "🙂"], "a b"]}},
                                      ["x", {"y": [[], {}]}, "长江", -3e-5],
                                      {"a,": 1, ",": [",", ", \"b\": 2,"], "c": {"d,": {"e": [1, 2, 3]}, "f": 4},
                                       "g": "1, 2", "h": [[1, 2], [3, 4]], "a": 5, "i": 6}])
def test_a_document_read_in_pieces_equals_json_loads(document):
    """Slices of items are read at once; a comma inside a string or a value never ends one (tried at every
    slice size: the first comma past each length)."""
    from playground.core.tokenizer import loads_piecewise

    for text in (json.dumps(document), json.dumps(document, indent=2, ensure_ascii=False)):
        for slice_chars in (*range(1, 40), 1 << 15):
            assert loads_piecewise(text, slice_chars) == json.loads(text), slice_chars
    if "i" in document:  # a key twice: the last value, in the first one's place
        duplicated = json.dumps(document).replace('"i"', '"a"')
        assert list(loads_piecewise(duplicated, 5).items()) == list(json.loads(duplicated).items())
    for damaged in (json.dumps(document)[:-1], json.dumps(document) + " x", "{\"a\" 1}", "[1 2]", ""):
        with pytest.raises(ValueError):
            loads_piecewise(damaged)


def test_a_gpt2_sized_tokenizer_file_read_in_slices_equals_json_loads():
    """GPT-2's size: 50,257 tokens and 50,000 merges, both layouts of merges, compact and indented."""
    from playground.core.tokenizer import loads_piecewise
    from tests.gpt2_folders import gpt2_sized_tokenizer

    document = json.loads(gpt2_sized_tokenizer().to_json_str())
    tokens = list(document["model"]["vocab"])
    pairs = [[a, b] for a, b in zip(tokens[::2], tokens[1::2])] * 2
    for merges in (pairs, [" ".join(pair) for pair in pairs]):
        changed = {**document, "model": {**document["model"], "merges": merges}}
        for text in (json.dumps(changed, ensure_ascii=False), json.dumps(changed, indent=2)):
            assert loads_piecewise(text) == json.loads(text)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "bpe"])
def test_only_bpe_has_merges(trained, kind):
    assert trained[kind].merges() == []
