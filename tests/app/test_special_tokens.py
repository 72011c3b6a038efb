"""Special tokens are known by their ids (``Tokenizer.special_ids``), not by their names: the embedding map's
rows and labels and the tokens table treat a special token as one and an ordinary token named like one as text."""

import json

import numpy as np
import pytest

from playground.core.tokenizer import KINDS, Tokenizer
from tests.gpt2_folders import END_OF_TEXT, learn_bpe

TYPED = "a pad 我们 🙂🚀 "  # ordinary tokens only, in English, Chinese and emoji


@pytest.fixture(scope="module")
def gpt2_tokenizer(tmp_path_factory):
    """A GPT-2 folder's tokenizer whose vocabulary holds an ordinary token spelt "<pad>" (GPT-2's one special
    token is <|endoftext|>)."""
    from playground.core.hf_gpt2 import load_tokenizer

    folder = tmp_path_factory.mktemp("gpt2-pad")
    learn_bpe(folder)
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    end = vocab.pop(END_OF_TEXT)
    vocab["<pad>"], vocab[END_OF_TEXT] = end, end + 1
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return load_tokenizer(folder, {})


@pytest.fixture(scope="module")
def text():
    from playground.core.datasets import get_dataset

    return get_dataset("grammar").make(0).train[:20_000] + "the pad on the desk, a pad and a bos. 我们在学习分词。 🙂🚀 " * 200


def tokenizer_of(kind, text, gpt2_tokenizer):
    if kind == "gpt2":
        return gpt2_tokenizer
    return Tokenizer.train(kind, [text], None if kind == "char" else len(set(text)) + 300)  # unigram: every character


def cases(kind, tok):
    """(special ids, their text as typed, ordinary ids named like a special)."""
    if kind == "gpt2":
        return {tok.vocab_size - 1}, END_OF_TEXT, {tok.vocab_size - 2}
    named_like = {i for i, t in enumerate(tok.vocab()) if i not in tok.special_ids()
                  and len(t.strip("Ġ▁")) >= 2 and any(t.strip("Ġ▁") in name for name in ("<pad>", "<bos>"))}
    assert kind == "char" or named_like  # "pad", "bos" ("pa" for unigram): ordinary tokens spelt like a special
    return set(range(5)), "<pad>", named_like


@pytest.mark.parametrize("kind", [*KINDS, "gpt2"])
def test_special_tokens_are_known_by_id_in_the_map_and_the_tokens_table(qtbot, kind, text, gpt2_tokenizer):
    from playground.app import view_tables
    from playground.app.widgets.embedding_map import EmbeddingMap
    from playground.app.widgets.token_spans import TokenSpanView
    from playground.core.inspect import mapped_rows

    tok = tokenizer_of(kind, text, gpt2_tokenizer)
    specials, special_text, named_like = cases(kind, tok)
    assert tok.special_ids() == specials
    if kind == "gpt2":
        assert tok.id_to_token(min(named_like)) == "<pad>"
    typed = tok.encode_ids(TYPED)
    assert not specials & set(typed)

    rows = mapped_rows(tok, typed, None)  # the map leaves the specials out, keeps what the input uses
    assert rows is not None and not specials & set(rows) and set(typed) | named_like <= set(rows)

    emap = EmbeddingMap()
    qtbot.addWidget(emap)
    emap.set_map(np.random.default_rng(0).normal(size=(tok.vocab_size, 2)), tok, set(typed),
                 np.ones(tok.vocab_size, dtype=int))
    assert specials <= emap.hidden and not emap.hidden & (named_like | set(typed))

    typed_text = TYPED + special_text
    view = TokenSpanView()
    qtbot.addWidget(view)
    view.set_tokens(typed_text, tok.encode(typed_text), kind=tok.kind, special_ids=tok.special_ids())
    header, table = view_tables.tokens(view)
    byte_column = header.index("bytes")
    special_rows = [row for row in table if row[1] in specials]
    assert len(special_rows) == 1 and special_rows[0][byte_column] == ""  # a special token stands for no text
    assert all(row[byte_column] for row in table if row[1] not in specials)
    assert "".join(row[byte_column] for row in table if row[1] in typed)


def test_the_tokenize_panel_marks_a_typed_special_token(qtbot, make_window):
    from playground.app import view_tables

    window = make_window("grammar")
    tokenize = window.panel("tokenize")
    window.show_panel("tokenize")
    tokenize.input.setPlainText("the pad <pad>")
    tokenize.refresh()
    header, table = view_tables.tokens(tokenize.left.view)
    by_id = {row[1]: row[header.index("bytes")] for row in table}
    assert by_id[0] == "" and all(by_id[i] for i in by_id if i != 0)
