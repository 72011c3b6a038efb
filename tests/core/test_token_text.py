"""Tokens read as text: byte symbols decoded, partial characters as hex, ## and ▁ undone, over all kinds."""

import pytest

from playground.core.token_text import (_byte_of_symbol, bytes_text, readable_token, readable_tokens, token_bytes,
                                        token_text, visible_whitespace)
from playground.core.tokenizer import BYTE_TOKENS, KINDS, SPECIALS, Tokenizer

CORPORA = {
    "english": ["The quick brown fox jumps over the lazy dog.\nHello world, hello again.\n"] * 30,
    "chinese": ["孙悟空是一只猴子。悟空跟着唐僧去西天取经。\n唐僧骑着白马，悟空在前面开路。\n"] * 30,
    "emoji": ["I love 😀 and 👍🏽 and 🎉 party 🎉!\n😀😀 👍🏽 good\n"] * 30,
}
VOCAB_SIZES = {"char": None, "bpe": 400, "wordpiece": 150, "unigram": 60, "word": 40}


@pytest.fixture(scope="module")
def trained() -> dict[tuple[str, str], Tokenizer]:
    return {(kind, name): Tokenizer.train(kind, texts, VOCAB_SIZES[kind])
            for kind in KINDS for name, texts in CORPORA.items()}


def test_hand_examples():
    assert token_text("bpe", "ĠæĤŁç©º") == " 悟空"
    assert readable_token("bpe", "ĠæĤŁç©º") == "␣悟空"
    assert token_text("bpe", "ĠæĤ") == " <E6 82>"  # two of the three bytes of 悟
    assert token_text("bpe", "ï¼") == "<EF BC>"
    assert readable_token("bpe", "ĊĠĠ") == "↵␣␣"
    assert token_text("bpe", "<pad>") == "<pad>"
    assert token_text("char", "<0xE6>") == "<E6>" and token_text("char", "悟") == "悟"
    assert token_text("wordpiece", "##ing") == "…ing" and token_text("wordpiece", "##") == "##"
    assert readable_token("unigram", "▁the") == "␣the"
    assert token_text("word", "hello") == "hello"
    assert bytes_text("a悟".encode()[:3]) == "a<E6 82>"
    assert bytes_text(b"\x82\x9f!") == "<82 9F>!"
    assert visible_whitespace("a b\tc\r\n\x07") == "a␣b⇥c␍↵␇"


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("kind", KINDS)
def test_every_token_reads_as_its_decoded_text(trained, kind, corpus):
    tok = trained[kind, corpus]
    for i, token in enumerate(tok.vocab()):
        text = tok.token_text(token)
        decoded = tok.decode([i], skip_special=False)
        if token in SPECIALS:
            assert text == token
        elif kind == "char" and token in BYTE_TOKENS:
            assert text == f"<{token[3:5]}>"
        elif kind == "wordpiece":
            assert text == (token if not token.startswith("##") else "…" + token[2:])
        elif kind == "unigram":
            assert text.lstrip(" ") == decoded.lstrip(" ") and "▁" not in text
        elif "\ufffd" in decoded:  # bytes that are only part of a character: shown as hex
            assert "<" in text and ">" in text and "\ufffd" not in text, (token, text)
        else:
            assert text == decoded, (token, text, decoded)
        assert "Ġ" not in tok.readable(token) or kind != "bpe"


@pytest.mark.parametrize("corpus", CORPORA)
def test_bpe_tokens_of_a_text_join_back_to_it(trained, corpus):
    """Whole characters: the readable pieces of an encoding, joined, are the text with whitespace drawn."""
    tok = trained["bpe", corpus]
    text = CORPORA[corpus][0]
    tokens = tok.encode(text).tokens
    assert "".join(tok.token_text(t) for t in tokens) == text
    assert "".join(tok.readable(t) for t in tokens) == visible_whitespace(text)


@pytest.mark.parametrize("corpus", ["chinese", "emoji"])
def test_bpe_bytes_before_their_merges_read_as_hex(corpus):
    """With no merges a CJK character or emoji is several byte tokens: each one shows as its hex byte."""
    tok = Tokenizer.train("bpe", CORPORA[corpus], vocab_size=262)
    text = CORPORA[corpus][0]
    readable = [tok.readable(t) for t in tok.encode(text).tokens]
    first = next(ch for ch in text if ord(ch) > 127)
    joined = "".join(readable)
    assert first not in joined and "\ufffd" not in joined
    assert first.encode().hex().upper() in joined.translate(str.maketrans("", "", "<> "))
    assert all("␣" not in r[1:-1] for r in readable if r.startswith("<"))  # hex bytes keep a plain space
    assert tok.readable("ĠæĤ") == "␣<E6 82>"


def test_chinese_bpe_vocabulary_holds_readable_words(trained):
    readable = trained["bpe", "chinese"].vocab()
    texts = [trained["bpe", "chinese"].token_text(t) for t in readable]
    assert "悟空" in texts or " 悟空" in texts
    assert not any(ch in "".join(texts) for ch in "æĤŁç©º")


def test_char_byte_tokens_read_as_hex(trained):
    tok = trained["char", "english"]
    assert [tok.token_text(t) for t in BYTE_TOKENS[:2]] == ["<00>", "<01>"]
    assert tok.token_text("<0x41>") == "<41>" != tok.token_text("A")
    assert tok.token_text(BYTE_TOKENS[0xE6]) == "<E6>"


def spelled_one_by_one(kind: str, tokens: list[str]) -> list[str]:
    """readable_token's definition, token by token and without its cache."""
    if kind == "bpe":
        return [bytes_text(token_bytes("bpe", t), visible=True) if all(c in _byte_of_symbol() for c in t) else t
                for t in tokens]
    return [visible_whitespace(token_text(kind, t)) for t in tokens]


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("kind", KINDS)
def test_a_vocabulary_spelled_at_once_reads_as_token_by_token(trained, kind, corpus):
    vocab = trained[kind, corpus].vocab()
    assert readable_tokens(kind, vocab) == spelled_one_by_one(kind, vocab)
    assert [readable_token(kind, t) for t in vocab] == spelled_one_by_one(kind, vocab)  # as kept


def test_a_gpt2_sized_vocabulary_spelled_at_once_reads_as_token_by_token():
    from tests.gpt2_folders import gpt2_sized_tokenizer

    vocab = gpt2_sized_tokenizer().vocab()
    odd = ["a b", "é x", "<pad>", "", "Ġ", "ĠĠĊ", "æĤŁĠæĤ", "ðŁĺĤ", "\ud800", "Ã¿Ã", "ÿ", "ï¿½", "ĀĉĂ"]
    tokens = vocab + odd
    expected = spelled_one_by_one("bpe", tokens)
    assert readable_tokens("bpe", tokens) == expected
    assert expected[-13:-4] == ["a b", "é x", "<pad>", "", "␣", "␣␣↵", "悟␣<E6 82>", "😂", "\ud800"]
    assert expected[-4:] == ["ÿ<C3>", "<FF>", "\ufffd", "␀⇥␂"]
