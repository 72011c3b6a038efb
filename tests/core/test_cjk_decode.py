"""Chinese decodes as it is written, with no spaces between words, for every tokenizer kind."""

import pytest

from playground.core.token_text import join_unspaced
from playground.core.tokenizer import Tokenizer
from playground.core.tokenizer_kinds import KINDS

TEXTS = {
    "chinese": "却说曹操，滚滚长江东逝水。曹操说：“我今天读了一本书。”",
    "emoji": "我笑了😂！玄德曰：“好👍🏽。”",
}
MIXED = "Hello 世界 and 刘备 said ok"


def trained(kind):
    corpus = [*TEXTS.values(), MIXED] * 3
    return Tokenizer.train(kind, corpus, vocab_size=None if kind == "char" else 300)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", TEXTS)
def test_chinese_round_trips_without_spaces(kind, language):
    tok = trained(kind)
    text = TEXTS[language]
    assert tok.decode(tok.encode_ids(text)) == text


@pytest.mark.parametrize("kind", KINDS)
def test_spaces_beside_latin_text_stay(kind):
    tok = trained(kind)
    assert tok.decode(tok.encode_ids(MIXED)) == MIXED


def test_join_unspaced_hand_example():
    assert join_unspaced("却说曹操 ， 滚滚长江 。 “ 好 ” 。 😂 ！") == "却说曹操，滚滚长江。“好”。😂！"
    assert join_unspaced("曹操 ? 玄德 !") == "曹操?玄德!"
    assert join_unspaced("Hello 世界 , ok “ yes ” a , b") == "Hello 世界, ok “ yes ” a , b"  # Latin text keeps its spaces


def test_a_unigram_vocabulary_smaller_than_the_alphabet_grows_or_says_how_large_it_must_be():
    """Chinese has thousands of characters: HF only says "The vocabulary is not large enough to contain all chars".
    A corpus that can be read twice grows the vocabulary to hold them; one read once is refused with the size."""
    from playground.core.errors import PlaygroundError

    text = "".join(chr(0x4E00 + i) for i in range(400)) + "。😀"
    grown = Tokenizer.train("unigram", [text] * 3, vocab_size=300)
    assert grown.vocab_size > 402 and grown.decode(grown.encode_ids(text)) == text
    with pytest.raises(PlaygroundError) as refused:
        Tokenizer.train("unigram", iter([text] * 3), vocab_size=300)
    assert "402 different characters" in str(refused.value) and "at least 409" in str(refused.value)
    tok = Tokenizer.train("unigram", iter([text] * 3), vocab_size=409)  # 402, "▁" and the 5 specials, and one
    assert tok.decode(tok.encode_ids(text)) == text


@pytest.mark.parametrize("kind", ["wordpiece", "word"])
def test_word_kinds_take_each_chinese_character_as_a_word(kind):
    """A clause such as 滚滚长江东逝水 has no spaces: as one "word", any new clause was <unk>."""
    tok = Tokenizer.train(kind, ["滚滚长江东逝水，浪花淘尽英雄。 the cat sat"] * 3, vocab_size=300)
    assert tok.encode("长江淘尽").tokens == ["长", "江", "淘", "尽"]
    text = "英雄东逝，长江水。the cat"  # seen characters in a new order, and English words
    ids = tok.encode_ids(text)
    assert tok.unk_id not in ids and tok.decode(ids) == text.replace("the", " the")  # "。 the": spaced as words
