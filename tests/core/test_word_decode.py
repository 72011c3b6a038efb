"""Word-level and WordPiece text reads as written: no space before punctuation, contractions whole.

Seen on a novel: Generate showed (word) "a wife . My own : The vicar ' s daughter didn ' t laugh at Mr . Darcy".
"""

import pytest

from playground.core.sample import StreamText
from playground.core.tokenizer import Tokenizer

CORPUS = [
    "It is a truth universally acknowledged, that a single man must be in want of a wife.\n",
    "The vicar's daughter didn't laugh at Mr. Darcy: she smiled! Did he? I know; she does.\n",
    "孙悟空说，今天天气很好。\n",
    "We laughed 😂 and cheered 👍 until midnight.\n",
    '"Elizabeth was sure of it," said she; "Mr. Darcy smiled."\n',
] * 10


@pytest.fixture(scope="module", params=["word", "wordpiece"])
def word(request):
    return Tokenizer.train(request.param, CORPUS, vocab_size=200)


@pytest.mark.parametrize("text", [
    "The vicar's daughter didn't laugh at Mr. Darcy: she smiled! Did he? I know; she does.",
    "It is a truth universally acknowledged, that a single man must be in want of a wife.",
    'Elizabeth was sure of it," said she; and Mr. Darcy smiled."',  # a closing quote joins its mark
])
def test_english_decodes_to_the_text_as_written(word, text):
    ids = word.encode_ids(text)
    assert word.unk_id not in ids
    assert word.decode(ids) == text


def test_contractions_are_one_word(word):
    tokens = [word.id_to_token(i) for i in word.encode_ids("didn't vicar's")]
    assert "".join(t.removeprefix("##") for t in tokens) == "didn'tvicar's"
    assert len([t for t in tokens if not t.startswith("##")]) == 2


@pytest.mark.parametrize("text", ["孙悟空说，今天天气很好。", "We laughed 😂 and cheered 👍 until midnight."])
def test_chinese_and_emoji_keep_every_character(word, text):
    ids = word.encode_ids(text)
    assert word.unk_id not in ids
    assert word.decode(ids).replace(" ", "") == text.replace(" ", "")


def test_streamed_words_join_to_the_decoded_text(word):
    ids = word.encode_ids(CORPUS[1].strip())
    stream = StreamText(word, ids[:2])
    joined = "".join(stream.add(i) for i in ids[2:]) + stream.flush()
    assert word.decode(ids[:2]) + joined == word.decode(ids) == CORPUS[1].strip()


def test_a_saved_tokenizer_decodes_the_same(word):
    again = Tokenizer.from_json_str(word.to_json_str())
    ids = word.encode_ids(CORPUS[1])
    assert again.kind == word.kind and again.decode(ids) == word.decode(ids)
