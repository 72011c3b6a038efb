"""The Tokenize panel: typed text split live into tokens, stats, training and comparing tokenizers."""

import pytest
from PySide6.QtCore import QPoint

from playground.app.numbers import format_percent
from playground.app.widgets.token_spans import build_chips
from playground.core.tokenizer import KINDS, Tokenizer

TIMEOUT = 30_000


def test_typing_shows_tokens_with_the_right_count(qtbot, window):
    panel = window.panel("tokenize")
    tok = window.workspace.core.recipe.task.tokenizer
    panel.input.clear()
    qtbot.keyClicks(panel.input, "the cat sat on the mat")
    text = "the cat sat on the mat"
    expected = tok.encode(text).ids
    qtbot.waitUntil(lambda: panel.left.token_count() == len(expected), timeout=5_000)
    assert panel.left.view.drawn_ids() == expected
    assert f"<b>{len(expected)}</b> tokens" in panel.left.stats_label.text()
    assert f"{format_percent(0)}</b> spelled in bytes" in panel.left.stats_label.text()  # the window's char kind


def test_unknown_characters_become_byte_tokens_in_one_span(qtbot, window):
    panel = window.panel("tokenize")
    panel.input.setPlainText("cat 👋")
    panel.refresh()
    tok = window.workspace.core.recipe.task.tokenizer
    encoding = tok.encode("cat 👋")
    assert panel.left.token_count() == len(encoding.ids) == 4 + 4  # 'c','a','t',' ' + four UTF-8 bytes
    chip = [c for c in panel.left.view.chips if c.ids][-1]
    assert chip.text == "👋" and len(chip.ids) == 4 and chip.unknown
    # lossless: spelled in bytes, not "unknown" as <unk> is
    assert f"{format_percent(0.5)}</b> spelled in bytes" in panel.left.stats_label.text()
    assert "unknown" not in panel.left.stats_label.text()


def test_hover_tooltip_names_id_token_and_offsets(qtbot, window):
    panel = window.panel("tokenize")
    panel.input.setPlainText("dog")
    panel.refresh()
    chip = panel.left.view.chips[0]
    assert panel.left.view.chip_at(chip.rect.center().toPoint()) is chip
    tip = panel.left.view.tooltip_for(chip)
    assert f"id {chip.ids[0]}" in tip and "'d'" in tip and "characters 0–1" in tip


def test_train_bpe_on_the_corpus_compare_and_use_it(qtbot, window):
    panel = window.panel("tokenize")
    right = panel.right
    right.kind_box.setCurrentIndex(right.kind_box.findData("bpe"))
    right.vocab_box.setValue(300)
    assert right.tokenizer is None and "Not trained yet" in right.state_label.text()
    right.train_button.click()
    qtbot.waitUntil(lambda: right.tokenizer is not None and not right.is_training(), timeout=TIMEOUT)
    assert right.tokenizer.kind == "bpe" and right.tokenizer.vocab_size == 300
    text = panel.text()
    assert right.token_count() == len(right.tokenizer.encode(text).ids) < panel.left.token_count()
    assert right.merges.model.rowCount() == len(right.tokenizer.merges()) > 0
    assert right.use_button.isEnabled()
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        right.use_button.click()
    recipe = window.workspace.core.recipe
    assert recipe.task.tokenizer is right.tokenizer and recipe.model.vocab_size == 300
    assert recipe.spec["tokenizer"] == "bpe" and recipe.spec["vocab_size"] == 300
    assert panel.left.tokenizer is right.tokenizer and panel.left.kind() == "bpe"
    assert "In use for training" in right.state_label.text() and not right.use_button.isEnabled()


def test_a_run_starting_and_ending_does_not_tokenize_the_text_again(qtbot, window, monkeypatch):
    panel, train = window.panel("tokenize"), window.panel("train")
    panel.input.setPlainText("the cat 小猫 🐶")
    panel.refresh()
    shown = panel.left.view.drawn_ids()
    drawn = []
    for column in panel.columns():
        real = column.view.set_tokens
        monkeypatch.setattr(column.view, "set_tokens", lambda *a, real=real: drawn.append(a) or real(*a))
    states = []
    window.workspace.training_state.connect(states.append)
    window.workspace.set_train_config(max_steps=3, eval_interval=100)
    train.start()
    qtbot.waitUntil(lambda: train.state == "finished", timeout=TIMEOUT)
    assert "running" in states and "finished" in states
    assert drawn == [] and panel.left.view.drawn_ids() == shown  # the tokens did not change: not drawn again
    assert "In use for training" in panel.left.state_label.text()
    panel.input.setPlainText("dog")
    panel.refresh()
    assert [a[0] for a in drawn] == ["dog"]  # a new text still is (the left column; the right has no tokenizer)


def test_vocabulary_is_searchable(window):
    panel = window.panel("tokenize")
    tok = window.workspace.core.recipe.task.tokenizer
    browser = panel.left.vocabulary
    assert browser.shown_count() == tok.vocab_size
    browser.search.setText("<E6>")  # byte tokens read as hex: <0xE6> shows as <E6>
    assert browser.shown_count() == 1
    assert browser.proxy.index(0, 0).data() == str(tok.token_to_id("<0xE6>"))
    assert "char tokenizer has none" in panel.left.merges.caption.text()


def test_too_small_vocabulary_says_why(qtbot, window):
    right = window.panel("tokenize").right
    right.kind_box.setCurrentIndex(right.kind_box.findData("word"))
    right.vocab_box.setMinimum(1)
    right.vocab_box.setValue(3)
    right.train_button.click()
    qtbot.waitUntil(lambda: "failed" in right.state_label.text(), timeout=TIMEOUT)
    assert "too small" in right.state_label.text() and right.tokenizer is None


def test_text_is_kept_in_the_session_ui_state(window):
    panel = window.panel("tokenize")
    panel.input.setPlainText("keep me")
    state = panel.ui_state()
    panel.input.setPlainText("")
    panel.restore_ui_state(state)
    assert panel.text() == "keep me" and panel.left.token_count() == 7


def test_empty_text_has_no_tokens(window):
    panel = window.panel("tokenize")
    panel.input.setPlainText("")
    panel.refresh()
    assert panel.left.token_count() == 0 and panel.left.view.chip_at(QPoint(5, 5)) is None


@pytest.mark.parametrize("kind", ["wordpiece", "unigram"])
def test_a_vocabulary_larger_than_asked_says_why(qtbot, window, kind):
    """WordPiece keeps every character: on Chinese, 3,000 asked gave 9,276 tokens with no word about it. Unigram
    does too (it refused a size below the corpus' characters, after a minute's training on a Chinese novel)."""
    from playground.app.numbers import format_count

    column = window.panel("tokenize").right
    column.kind_box.setCurrentIndex(column.kind_box.findData(kind))
    column.vocab_box.setValue(10)
    column.train()
    qtbot.waitUntil(lambda: column.tokenizer is not None and not column.is_training(), timeout=TIMEOUT)
    assert column.tokenizer.vocab_size > 10
    text = column.state_label.text()
    assert format_count(column.tokenizer.vocab_size) in text and "more than the 10 asked for" in text
    column.kind_box.setCurrentIndex(column.kind_box.findData("bpe"))
    column.vocab_box.setValue(300)
    column.train()
    qtbot.waitUntil(lambda: column.tokenizer is not None and not column.is_training(), timeout=TIMEOUT)
    assert column.tokenizer.vocab_size == 300 and "asked for" not in column.state_label.text()


PARAGRAPHS = ["It is a truth universally acknowledged.\n\nHowever little known 🐱 the feelings.\n\n",
              "话说天下大势，分久必合。\n\n合久必分 🐉 周末七国分争。\n\n"] * 30


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_of_newlines_is_one_chip_for_every_tokenizer_kind(kind):
    """A token of newlines only ("\\n\\n" between paragraphs: Unigram learns it from a book) is one ↵↵ chip;
    it was one chip per newline, two chips with the same id."""
    tok = Tokenizer.train(kind, PARAGRAPHS, **({} if kind == "char" else {"vocab_size": 400}))
    for text in ("It is a truth.\n\nHowever 🐱", "话说天下。\n\n合久必分 🐉", "end\n\n\n"):
        enc = tok.encode(text)
        tokens = [tok.id_to_token(i) for i in enc.ids]
        chips = build_chips(text, enc.ids, tokens, [tuple(o) for o in enc.offsets], set())
        for a, b in zip(chips, chips[1:]):
            assert not (a.ids and a.ids == b.ids and a.span == b.span and not b.text.strip("↵")), (kind, text, chips)
        shown = "".join(c.text for c in chips).replace("↵", "\n").replace("·", " ")
        assert shown.count("\n") == text.count("\n")  # every line break still marked


def test_a_newline_token_between_words_is_one_chip():
    chips = build_chips("a\n\nb", [1, 2, 3], ["a", "\n\n", "b"], [(0, 1), (1, 3), (3, 4)], set())
    assert [(c.text, c.ids, c.breaks) for c in chips] == [("a", [1], False), ("↵↵", [2], True), ("b", [3], False)]


def test_a_long_tokenizer_training_counts_its_seconds(qtbot, window, tmp_path):
    """HF's trainers report nothing until they finish: a unigram on a Chinese novel took a minute with one line
    saying it was training. The line now counts the seconds, and the count stops when the training ends."""
    import random

    rng = random.Random(3)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 600)]
    lines = ("".join(rng.choices(han, k=rng.randint(20, 80))) + "，" + "".join(rng.choices(han, k=30)) + "。"
             for _ in range(1_800))  # about 150,000 characters in lines that never repeat: seconds of unigram
    path = tmp_path / "novel.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    data = window.panel("data")
    data.open_text_file(str(path), ask=False)
    qtbot.waitUntil(lambda: not data.is_busy(), timeout=TIMEOUT)
    column = window.panel("tokenize").right
    column.kind_box.setCurrentIndex(column.kind_box.findData("unigram"))
    column.vocab_box.setValue(1_000)
    column.train()
    assert column.state_label.text() == "Training a unigram tokenizer on the corpus… 0:00"
    seen = []
    qtbot.waitUntil(lambda: seen.append(column.state_label.text()) or not column.is_training(), timeout=120_000)
    assert "Training a unigram tokenizer on the corpus… 0:01" in seen and "Training a unigram tokenizer on the corpus… 0:02" in seen
    assert column.tokenizer is not None and column.tokenizer.kind == "unigram"
    assert not column._clock_tick.isActive() and "Training a" not in column.state_label.text()


BOOKS = {"english": "It was a dark and stormy night. " * 40 + "The rain fell in torrents, except at occasional "
                    "intervals, when it was checked by a violent gust of wind. " * 20,
         "chinese": "话说天下大势，分久必合，合久必分。" * 40 + "滚滚长江东逝水，浪花淘尽英雄。" * 30,
         "emoji": "We laughed 😂 and waved 👋 at the boats. " * 60}


@pytest.mark.parametrize("language", BOOKS)
def test_a_text_file_puts_a_passage_of_its_own_in_the_text_box(qtbot, window, tmp_path, language):
    """The sample sentence of toy English stayed after a book was opened: 31 % unknown with the book's tokenizer.
    Now the box shows whole sentences of the book, unless the user typed their own; a built-in dataset brings the
    sample back."""
    from playground.app.panels.tokenize import SAMPLE_TEXT

    panel, data = window.panel("tokenize"), window.panel("data")
    assert panel.text() == SAMPLE_TEXT
    path = tmp_path / "book.txt"
    path.write_text(BOOKS[language], encoding="utf-8")
    data.open_text_file(str(path), ask=False)
    qtbot.waitUntil(lambda: not data.is_busy() and bool(window.workspace.core.recipe.spec.get("text_file")), timeout=TIMEOUT)
    shown = panel.text()
    assert shown != SAMPLE_TEXT and shown in BOOKS[language] and 60 <= len(shown) <= 240
    assert shown[-1] in ".。 😂👋" or shown[-1].isalpha()  # whole sentences, or whole words
    assert panel.left.token_count() == len(panel.left.tokenizer.encode(shown).ids)
    stats = panel.left.tokenizer.stats(shown)
    assert stats["unk_rate"] == 0.0  # the book's own text: every character known to its tokenizer
    panel.input.setPlainText("my own words")
    data.open_text_file(str(path), ask=False)
    qtbot.waitUntil(lambda: not data.is_busy(), timeout=TIMEOUT)
    assert panel.text() == "my own words"


def test_a_built_in_dataset_brings_the_sample_text_back(qtbot, window, tmp_path):
    from playground.app.panels.tokenize import SAMPLE_TEXT
    from playground.core.recipes import recipe_for_dataset

    panel, data = window.panel("tokenize"), window.panel("data")
    path = tmp_path / "book.txt"
    path.write_text(BOOKS["english"], encoding="utf-8")
    data.open_text_file(str(path), ask=False)
    qtbot.waitUntil(lambda: not data.is_busy() and panel.text() != SAMPLE_TEXT, timeout=TIMEOUT)
    window.workspace.set_recipe(recipe_for_dataset("grammar"))
    assert panel.text() == SAMPLE_TEXT


def test_a_lone_word_start_mark_says_why_it_shares_a_chip(window):
    """Unigram starts a Chinese line with a lone "▁" (no "▁悟" in its vocabulary): the chip of 悟 held ids "6 1091"
    with no word on why. Its tooltip now says; a chip of one token says nothing of it."""
    texts = ["悟空道：师父，我来了。", "话说天下大势，分久必合。", "Hello world 😀 again"] * 20
    column = window.panel("tokenize").right
    column.tokenizer = Tokenizer.train("unigram", texts, 200)
    column.show_tokens("悟空道 hello")
    first = column.view.chips[0]
    assert first.tokens[0] == "▁" and len(first.ids) == 2, first.tokens
    assert "mark for the start of a word" in column.view.tooltip_for(first)
    single = next(c for c in column.view.chips if len(c.ids) == 1)
    assert "mark for the start of a word" not in column.view.tooltip_for(single)


def test_a_word_tokenizer_s_unknown_words_are_still_called_unknown(qtbot, window):
    """<unk> loses the text, where a char tokenizer's bytes spell it: the line names each as what it is."""
    panel = window.panel("tokenize")
    right = panel.right
    right.kind_box.setCurrentIndex(right.kind_box.findData("word"))
    right.train_button.click()
    qtbot.waitUntil(lambda: right.tokenizer is not None and not right.is_training(), timeout=TIMEOUT)
    panel.input.setPlainText("the zyzzyva 先生")
    panel.refresh()
    assert "unknown" in right.stats_label.text() and "spelled in bytes" not in right.stats_label.text()
    assert "spelled in bytes" in panel.left.stats_label.text()
