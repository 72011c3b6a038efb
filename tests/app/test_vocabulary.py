"""The vocabulary and merges views show tokens as text (stored symbols on hover) and search that text."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from playground.app.widgets.vocabulary import MergesView, VocabularyBrowser, VocabularyFilter
from playground.core.tokenizer import KINDS, Tokenizer

from ..core.test_token_text import CORPORA, VOCAB_SIZES

BYTE_SYMBOLS = set("ĠĊæĤŁç©ºïĳ¼")


@pytest.fixture(scope="module")
def tokenizers() -> dict[tuple[str, str], Tokenizer]:
    return {(kind, name): Tokenizer.train(kind, texts, VOCAB_SIZES[kind])
            for kind in KINDS for name, texts in CORPORA.items()}


def cell(browser, row: int, role=Qt.ItemDataRole.DisplayRole):
    return browser.proxy.index(row, 1).data(role)


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("kind", KINDS)
def test_tokens_show_as_their_text_with_the_stored_form_on_hover(qtbot, tokenizers, kind, corpus):
    tok = tokenizers[kind, corpus]
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.set_tokens(tok.vocab(), kind)
    assert browser.shown_count() == tok.vocab_size
    shown = [cell(browser, row) for row in range(browser.shown_count())]
    assert shown == [tok.readable(t) for t in tok.vocab()]
    if kind == "bpe":
        assert not BYTE_SYMBOLS & set("".join(shown))
    stored = {row for row, t in enumerate(tok.vocab()) if tok.readable(t) != t}
    for row in list(stored)[:20]:
        assert repr(tok.vocab()[row]) in cell(browser, row, Qt.ItemDataRole.ToolTipRole)
    # Search by a piece of a token's text: every token whose text has it is listed, and only those.
    word = {"english": "h" if kind == "char" else "he", "chinese": "悟", "emoji": "🎉"}[corpus]
    browser.search.setText(word)
    found = [cell(browser, row) for row in range(browser.shown_count())]
    assert found == [r for r in shown if word in r.casefold()]
    assert found


class CountingFilter(VocabularyFilter):
    calls = 0

    def filterAcceptsRow(self, row, parent):
        CountingFilter.calls += 1
        return super().filterAcceptsRow(row, parent)


def test_the_filter_runs_only_while_a_search_is_typed(qtbot, tokenizers):
    """The filter's Python filterAcceptsRow is called per row: new tokens with no search typed never reach it."""
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.filter = CountingFilter(browser)
    english, chinese = tokenizers["bpe", "english"], tokenizers["bpe", "chinese"]
    browser.set_tokens(english.vocab(), "bpe")
    browser.set_tokens(chinese.vocab(), "bpe")
    assert CountingFilter.calls == 0 and browser.table.model() is browser.proxy is browser.model
    assert browser.shown_count() == chinese.vocab_size
    browser.search.setText("悟")
    assert 0 < CountingFilter.calls <= chinese.vocab_size  # filtered once
    assert browser.table.model() is browser.proxy is browser.filter and 1 <= browser.shown_count() < chinese.vocab_size
    browser.search.setText("")
    calls = CountingFilter.calls
    browser.set_tokens(english.vocab(), "bpe")
    assert CountingFilter.calls == calls and browser.shown_count() == english.vocab_size
    assert browser.table.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed


def test_searching_a_chinese_character_finds_the_bpe_word_it_is_in(qtbot, tokenizers):
    tok = tokenizers["bpe", "chinese"]
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.set_tokens(tok.vocab(), "bpe")
    browser.search.setText("悟")
    found = [cell(browser, row) for row in range(browser.shown_count())]
    assert "悟空" in found or "␣悟空" in found
    browser.search.setText(" the")  # a typed space finds "␣the" as drawn
    english = tokenizers["bpe", "english"]
    browser.set_tokens(english.vocab(), "bpe")
    assert "␣the" in [cell(browser, row) for row in range(browser.shown_count())]
    browser.search.setText("7")  # an id
    assert english.readable(english.vocab()[7]) in [cell(browser, row) for row in range(browser.shown_count())]


@pytest.mark.parametrize("corpus", CORPORA)
def test_merges_read_as_text(qtbot, tokenizers, corpus):
    tok = tokenizers["bpe", corpus]
    view = MergesView()
    qtbot.addWidget(view)
    view.set_merges(tok.merges(), "bpe")
    assert view.model.rowCount() == len(tok.merges()) > 0
    rows = [view.model.index(i).data() for i in range(view.model.rowCount())]
    assert not BYTE_SYMBOLS & set("".join(rows))
    a, b = tok.merges()[-1]
    assert rows[-1].endswith(f"{tok.readable(a)} + {tok.readable(b)} → {tok.readable(a + b)}")
    assert repr(a) in view.model.index(len(rows) - 1).data(Qt.ItemDataRole.ToolTipRole)
    if corpus == "chinese":
        assert any(row.endswith("悟空") or "<E6" in row for row in rows)


@pytest.mark.parametrize("kind", KINDS)
def test_hint_draws_the_whitespace_marks_it_explains(qtbot, kind):
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.set_tokens([], kind)
    text = browser.hint.text()
    assert browser.hint.isVisibleTo(browser) == bool(text) == (kind != "word")
    if kind in ("bpe", "char"):
        assert "␣" in text and "↵" in text
    assert "Ċ" not in text.split("(")[0]  # the marks the table draws come first; stored symbols only aside
    if "␣" in text:  # drawn larger than the text around it: at the label's size the mark is a dot
        assert "x-large" in text.split("␣")[0].rsplit("<span", 1)[1]


@pytest.mark.parametrize("kind", KINDS)
def test_token_tooltips_read_as_text_with_the_stored_form(qtbot, tokenizers, kind):
    from playground.app.widgets.token_spans import TokenSpanView

    tok = tokenizers[kind, "chinese"]
    text = "悟空跟着唐僧"
    view = TokenSpanView()
    qtbot.addWidget(view)
    view.set_tokens(text, tok.encode(text), kind=kind)
    tips = "\n".join(view.tooltip_for(chip) for chip in view.chips if chip.ids)
    for token in tok.encode(text).tokens:
        assert repr(tok.readable(token)) in tips
        if tok.readable(token) != token:
            assert f"stored as {token!r}" in tips
    rows = [row.split("(stored as")[0] for row in tips.splitlines() if "token" in row]
    assert rows and not BYTE_SYMBOLS & set("".join(rows))  # the stored byte symbols only after "stored as"
    assert kind != "bpe" or "stored as" in tips


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_ids_past_a_thousand_are_shown_whole(qtbot, kind):
    """Qt sizes a column to its first 1,000 rows: a four-digit id ("1,234") was cut to "1…"."""
    from PySide6.QtWidgets import QStyle

    text = "".join(chr(0x4E00 + i) for i in range(1200)) + " the cat 😀"
    tok = Tokenizer.train(kind, [text], None if kind == "char" else 1500)
    assert tok.vocab_size > 1000
    browser = VocabularyBrowser()
    qtbot.addWidget(browser)
    browser.resize(500, 400)
    browser.show()
    browser.set_tokens(tok.vocab(), kind)
    browser.search.setText(tok.readable(tok.vocab()[-1])[:1])  # the search lists tokens of high ids
    qtbot.waitUntil(lambda: browser.shown_count() > 0)
    table = browser.table
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    widest = max(table.fontMetrics().horizontalAdvance(browser.proxy.index(row, 0).data())
                 for row in range(browser.shown_count()))
    assert table.horizontalHeader().sectionSize(0) >= widest + margin
    browser.search.setText("")
    last = browser.proxy.index(tok.vocab_size - 1, 0).data()
    assert table.horizontalHeader().sectionSize(0) >= table.fontMetrics().horizontalAdvance(last) + margin


def test_many_merges_are_laid_out_in_batches_and_all_reachable(qtbot):
    """50,000 merges (GPT-2's count) are laid out a batch per pass of the event loop; the last one is reached."""
    merges = [(f"a{i}", f"b{i}") for i in range(50_000)]
    view = MergesView()
    qtbot.addWidget(view)
    view.resize(300, 200)
    view.show()
    view.set_merges(merges, "bpe")
    last = view.model.index(len(merges) - 1)
    qtbot.waitUntil(lambda: view.list.visualRect(last).isValid(), timeout=10_000)  # every row laid out
    view.list.scrollTo(last)
    qtbot.waitUntil(lambda: view.list.indexAt(view.list.visualRect(last).center()) == last, timeout=10_000)
    assert last.data() == "50,000.  a49999 + b49999 → a49999b49999"


@pytest.mark.parametrize("size_name", ["1280x720", "minimum"])
def test_the_legend_is_whole_or_scrolls_never_cut_off(qtbot, make_window, ui_language, size_name):
    """At 900 x 600 a BPE's legend ran past the bottom of the Vocabulary tab, its last lines out of sight."""
    from PySide6.QtCore import QSize

    window = make_window("numbers-zh")
    window.show_panel("tokenize")
    right = window.panel("tokenize").right
    right.kind_box.setCurrentIndex(right.kind_box.findData("bpe"))
    right.train_button.click()
    qtbot.waitUntil(lambda: right.tokenizer is not None and not right.is_training(), timeout=60_000)
    window.resize(QSize(1280, 720) if size_name == "1280x720" else window.minimumSize())
    right.tabs.setCurrentIndex(right.tabs.indexOf(right.vocabulary))
    qtbot.wait(50)
    browser, area = right.vocabulary, right.vocabulary.hint_area
    assert area.isVisible() and area.geometry().bottom() < browser.height()  # inside the tab
    whole = area.viewport().height() >= right.vocabulary.hint.heightForWidth(area.viewport().width())
    assert whole or area.verticalScrollBar().isVisible()
    assert area.height() >= 3 * browser.hint.fontMetrics().lineSpacing()  # three lines at least, then it scrolls
    if size_name == "1280x720":
        assert whole and not area.verticalScrollBar().isVisible()
