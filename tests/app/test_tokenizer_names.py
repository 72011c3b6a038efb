"""A tokenizer kind is named in the UI's language: a Chinese sentence read "word 分词器" with the kind's code name."""

import re

import pytest

from playground.core.tokenizer import KINDS

NAMES = {"en": {"char": "char tokenizer", "bpe": "BPE tokenizer", "wordpiece": "WordPiece tokenizer",
                "unigram": "unigram tokenizer", "word": "word tokenizer"},
         "zh": {"char": "字符级分词器", "bpe": "字节级 BPE 分词器", "wordpiece": "子词级 WordPiece 分词器",
                "unigram": "子词级 Unigram 分词器", "word": "整词分词器"}}


@pytest.mark.parametrize("kind", KINDS)
def test_the_tokenize_panel_names_each_kind_in_the_ui_language(ui_language, window, kind):
    panel = window.panel("tokenize")
    right = panel.right
    right.kind_box.setCurrentIndex(right.kind_box.findData(kind))
    name = NAMES[ui_language][kind]
    assert right.tokenizer is None and name in right.state_label.text(), right.state_label.text()
    if kind != "bpe":
        assert name in panel.left.merges.none_text(kind)
    if ui_language == "zh":  # no code name left in a Chinese sentence
        assert f"{kind} 分词器" not in right.state_label.text() + panel.left.merges.none_text(kind)
        # "训练Unigram 分词器": a Latin name set against Chinese without its space
        assert not re.search(r"[\u4e00-\u9fff][A-Za-z]|[A-Za-z][\u4e00-\u9fff]", right.state_label.text())


def test_the_model_panel_names_the_tokenizer_in_the_ui_language(ui_language, window):
    kind = window.workspace.core.recipe.task.tokenizer.kind
    label = window.panel("model").vocab_label.text()
    assert f"({NAMES[ui_language][kind]})" in label or f"（{NAMES[ui_language][kind]}）" in label, label
