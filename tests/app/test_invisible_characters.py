"""Token views mark what draws as nothing: the chips of the Tokenize panel, the vocabulary and its legend, the
merges, Generate's tokens; an ideographic space (U+3000, which starts the lines of a Chinese novel) as ⊔."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from playground.app.font_check import drawn_as_boxes
from playground.app.widgets.token_spans import TokenSpanView
from playground.app.widgets.token_stream import quoted, shown_token
from playground.app.widgets.vocabulary import MergesView, VocabularyBrowser
from playground.core.token_text import INVISIBLE_MARK, OTHER_SPACE_MARK, WIDE_SPACE_MARK, token_text
from playground.core.tokenizer import KINDS

from ..core.test_visible_whitespace import FAMILY, TEXTS, drawn_as_nothing, tokenizer_of

MARKS = (WIDE_SPACE_MARK, OTHER_SPACE_MARK, INVISIBLE_MARK)


def chip_view(qtbot, language: str, kind: str) -> tuple[TokenSpanView, str]:
    tok = tokenizer_of(language, kind)
    line = TEXTS[language].split("\n")[0] + "\n" + TEXTS[language].split("\n")[1]
    view = TokenSpanView()
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.set_tokens(line, tok.encode(line), kind=kind, special_ids=frozenset(tok.special_ids()))
    return view, line


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", TEXTS)
def test_no_chip_is_blank_and_an_ideographic_space_is_named(qtbot, language, kind):
    view, line = chip_view(qtbot, language, kind)
    for chip in view.chips:
        assert chip.text.strip(), chip  # a chip of spaces only shows "·", of an ideographic space "⊔"
        assert not drawn_as_nothing(chip.text.replace(" ", "")), chip  # a space between words stays a space
    shown = "".join(chip.text for chip in view.chips)
    assert shown.count(WIDE_SPACE_MARK) == line.count("\u3000")  # covered by a token or not (word, wordpiece)
    wide = next(chip for chip in view.chips if WIDE_SPACE_MARK in chip.text)
    assert "U+3000 ideographic space" in view.tooltip_for(wide)
    if "\u200b" in line:
        zero = next(chip for chip in view.chips if line[chip.span[0]:chip.span[1]].count("\u200b"))
        assert INVISIBLE_MARK in zero.text and "U+200B zero-width space" in view.tooltip_for(zero)
    for chip in view.chips:  # a family a chip holds whole is drawn as one emoji, its joiners unmarked
        if FAMILY in line[chip.span[0]:chip.span[1]]:
            assert FAMILY in chip.text


def test_a_chip_of_spaces_keeps_its_dots_and_tabs_their_arrow(qtbot):
    view = TokenSpanView()
    qtbot.addWidget(view)
    tok = tokenizer_of("english", "char")
    text = "a  b\tc"
    view.set_tokens(text, tok.encode(text), kind="char")
    assert [chip.text for chip in view.chips] == ["a", "·", "·", "b", "⇥", "c"]


@pytest.mark.parametrize("language", ["chinese", "emoji"])
def test_merges_of_an_ideographic_space_end_in_its_mark(qtbot, language):
    tok = tokenizer_of(language, "bpe")
    view = MergesView()
    qtbot.addWidget(view)
    view.set_merges(tok.merges(), "bpe")
    rows = [view.model.index(i).data() for i in range(view.model.rowCount())]
    assert not [row for row in rows if row.endswith("→ ")]
    merged = [i for i, (a, b) in enumerate(tok.merges()) if tok.readable(a + b) == WIDE_SPACE_MARK]
    assert merged, "the corpus starts its lines with ideographic spaces: BPE joins their three bytes"
    assert rows[merged[0]].endswith(f"→ {WIDE_SPACE_MARK}")
    assert "U+3000" in view.model.index(merged[0]).data(Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", TEXTS)
def test_the_legend_names_each_mark_the_vocabulary_shows(qtbot, language, kind):
    tok = tokenizer_of(language, kind)
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.set_tokens(tok.vocab(), kind)
    legend = browser.hint.text()
    shown = "".join(browser.model.readable(row) for row in range(len(tok.vocab())))
    used = [mark for mark in MARKS if mark in shown]
    if kind != "bpe":  # a zero-width space or a byte-order mark is not whitespace: a word of its own
        plain = (token_text(kind, token).translate({ord(c): None for c in " \n\t"}) for token in tok.vocab())
        assert bool(used) == any(map(drawn_as_nothing, plain))
    if kind == "bpe":
        used = MARKS  # a byte-level BPE spells any character: its legend names all three
    for mark in MARKS:
        named = re.search(f"x-large[^>]*>{mark}</span> (is|takes)", legend)
        assert bool(named) == (mark in used), (mark, legend)
    assert browser.hint.isVisibleTo(browser) == bool(used or kind != "word")
    for row, token in enumerate(tok.vocab()):
        if WIDE_SPACE_MARK in browser.model.readable(row) and kind != "bpe":
            assert "U+3000" in browser.model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)


def test_the_search_finds_an_ideographic_space_typed_or_drawn(qtbot):
    tok = tokenizer_of("chinese", "char")
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.set_tokens(tok.vocab(), "char")
    for typed in ("\u3000", WIDE_SPACE_MARK):
        browser.search.setText(typed)
        assert browser.shown_count() >= 1
        assert all(WIDE_SPACE_MARK in browser.proxy.index(r, 1).data() for r in range(browser.shown_count()))


def test_generated_tokens_mark_spaces_but_keep_an_emoji_whole():
    assert shown_token("\u3000\u3000第一回\n") == "⊔⊔第一回↵\n"
    assert shown_token("\u200d") == "\u200d"  # the output is one text: a family over three tokens joins again
    assert shown_token("a b\u00a0c\u200b") == "a b⍽c┊"
    assert quoted("\u3000") == WIDE_SPACE_MARK and quoted("\u200d") == INVISIBLE_MARK
    assert quoted(f" {FAMILY} <E6 82>") == f"␣{FAMILY}␣<E6 82>"


def test_the_marks_are_drawn_by_the_fonts_in_use(qtbot):
    font = QApplication.font()
    for mark in (*MARKS, "␣", "·", "↵"):
        assert drawn_as_boxes(mark, font) is None, mark


def test_the_chinese_legend_runs_its_sentences_on_without_a_space(qtbot, chinese_ui):
    """"。 ⊔ 是全角空格。": the space that goes between English sentences stood after a Chinese "。"."""
    tok = tokenizer_of("chinese", "bpe")
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.set_tokens(tok.vocab(), "bpe")
    legend = browser.hint.text()
    assert "是全角空格" in legend and legend.count("。") >= 3, legend
    assert "。 " not in legend, legend


def test_a_no_break_space_typed_reaches_the_tokenizer(qtbot, window):
    """QPlainTextEdit.toPlainText() turned U+00A0 into a plain space, so the Tokenize panel showed "·" for it."""
    panel = window.panel("tokenize")
    panel.input.setPlainText("The\u00a0cat sat\n先生\u3000说")
    assert panel.text() == "The\u00a0cat sat\n先生\u3000说"
    panel.refresh()
    assert any(OTHER_SPACE_MARK in chip.text for chip in panel.left.view.chips)
    generate = window.panel("generate")
    generate.prompt.setPlainText("The\u00a0cat")
    assert generate.ui_state()["prompt"] == "The\u00a0cat"
