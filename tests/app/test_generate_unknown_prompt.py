"""Generate says when the prompt (or a pair task's source) became <unk>, which the model cannot read, and draws those
pieces of the prompt as unknown; a probability that rounds to 0.0% reads "<0.1%"."""

import functools
import re

import pytest
from PySide6.QtCore import QEvent, QLocale, QSize
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from playground.app.numbers import format_percent, format_probability
from playground.app.panels.generate import GeneratePanel
from playground.app.qworkspace import QWorkspace
from playground.app.widgets.token_stream import UNKNOWN_COLOR, UNKNOWN_MARK
from playground.core.recipes import recipe_for_dataset, recipe_for_text
from playground.core.tokenizer_kinds import tokenizer_name

from .layout_check import clipped_texts, shoot
from .workspaces import TINY_MODEL, TINY_TRAIN

TIMEOUT = 30_000
ENGLISH = "It was a dark and stormy night. The rain fell in torrents at intervals. " * 30  # no z, no b, no CJK
VOCAB_SIZES = {"char": None, "bpe": 300, "wordpiece": 150, "unigram": 150, "word": 80}
PROMPTS = {"english": "The dark zebra", "chinese": "先生说：好", "emoji": "The night 😀"}
# What each kind does with each prompt, trained on ENGLISH: (unknown tokens, tokens, the text drawn as unknown).
# A char tokenizer spells an unseen character in byte tokens and a byte-level BPE knows every byte: nothing
# unknown. WordPiece and word level lose a word with an unseen character whole (and each CJK character), unigram
# only the unseen characters (a run of them as one).
EXPECTED = {
    "char": {"english": (0, 14, ""), "chinese": (0, 15, ""), "emoji": (0, 14, "")},
    "bpe": {"english": (0, 10, ""), "chinese": (0, 15, ""), "emoji": (0, 9, "")},
    "wordpiece": {"english": (1, 3, "zebra"), "chinese": (5, 5, "先生说：好"), "emoji": (1, 3, "😀")},
    "unigram": {"english": (2, 15, "zb"), "chinese": (1, 2, "先生说：好"), "emoji": (1, 12, "😀")},
    "word": {"english": (1, 3, "zebra"), "chinese": (5, 5, "先生说：好"), "emoji": (1, 3, "😀")},
}


@functools.cache
def _recipe(kind: str):
    return recipe_for_text(ENGLISH, tokenizer_kind=kind, vocab_size=VOCAB_SIZES[kind], is_text=True,
                           model=dict(TINY_MODEL, block_size=32), train=TINY_TRAIN)


def workspace(recipe) -> QWorkspace:
    ws = QWorkspace()
    ws.set_recipe(recipe)
    return ws


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(ws):
        panel = GeneratePanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1000, 600)
        panel.show()
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def generate(qtbot, panel) -> None:
    panel.generate_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)


def unknown_underlined(panel) -> bool:
    """Every character drawn as unknown has the red wave under it."""
    block = panel.token_view.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.property(UNKNOWN_MARK) and (fmt.underlineColor().name() != UNKNOWN_COLOR
                                               or fmt.underlineStyle() != fmt.UnderlineStyle.WaveUnderline):
                return False
            iterator += 1
        block = block.next()
    return True


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_unknown_prompt_tokens_are_said_and_drawn_for_every_kind(qtbot, ui_language, make_panel, kind):
    panel = make_panel(workspace(_recipe(kind)))
    panel.max_tokens.setValue(3)
    panel.seed.setValue(1)
    for name, prompt in PROMPTS.items():
        n, total, drawn = EXPECTED[kind][name]
        panel.prompt.setPlainText(prompt)
        generate(qtbot, panel)
        notice = panel.unknown_label.text()
        assert panel.token_view.toPlainText().startswith(prompt)  # still the prompt as typed
        assert "".join(panel.token_view.unknown_text()) == drawn, (kind, name)
        assert unknown_underlined(panel)
        if not n:
            assert panel.unknown_label.isHidden() and not notice, (kind, name, notice)
            continue
        assert panel.unknown_label.isVisible(), (kind, name)
        assert str(n) in notice and str(total) in notice, notice
        assert tokenizer_name(kind) in notice and "<unk>" in notice
        if ui_language == "en":
            assert f"Prompt tokens unknown to this {tokenizer_name(kind)}: {n} of {total}." in notice, notice
        else:  # the tokenizer named in Chinese
            assert any("\u4e00" <= c <= "\u9fff" for c in tokenizer_name(kind)), tokenizer_name(kind)
    panel.prompt.setPlainText("The rain fell")  # all known: the notice goes with the output it was about
    generate(qtbot, panel)
    assert panel.unknown_label.isHidden() and panel.token_view.unknown_text() == []


def test_the_book_prompt_of_the_report_is_eight_unknown_tokens_of_eight(qtbot, make_panel):
    """The report's case: a Chinese sentence with an English word and an emoji, to a word tokenizer of English."""
    panel = make_panel(workspace(_recipe("word")))
    panel.max_tokens.setValue(3)
    panel.prompt.setPlainText("先生说：“Hello 😀”")
    generate(qtbot, panel)
    assert "Prompt tokens unknown to this word tokenizer: 8 of 8" in panel.unknown_label.text()
    assert "".join(panel.token_view.unknown_text()) == "先生说：“Hello😀”"  # the space between is no token
    view = panel.token_view
    cursor = view.textCursor()
    cursor.setPosition(7)  # inside "Hello"
    at = view.cursorRect(cursor).center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at)))
    assert "<unk>" in QToolTip.text(), QToolTip.text()


def test_an_unknown_source_word_of_a_pair_task_is_said(qtbot, ui_language, make_panel):
    """Sentiment's word tokenizer knows its own sentences' words, not "wonderful"; the source is what is unknown."""
    ws = workspace(recipe_for_dataset("sentiment", seed=0, model=TINY_MODEL, train=TINY_TRAIN))
    panel = make_panel(ws)
    known = ws.core.recipe.task.val_pairs[0][0]
    panel.source.setText(known)
    generate(qtbot, panel)
    assert panel.unknown_label.isHidden() and panel.token_view.unknown_text() == []
    panel.source.setText("a wonderful film")
    generate(qtbot, panel)
    notice = panel.unknown_label.text()
    assert panel.unknown_label.isVisible()
    assert "2" in notice and "3" in notice and tokenizer_name("word") in notice, notice
    if ui_language == "en":
        assert "Source tokens unknown to this word tokenizer: 2 of 3." in notice, notice
    assert panel.token_view.unknown_text() == ["wonderful", "film"]  # the space between is known
    assert panel.token_view.toPlainText().startswith("a wonderful film → ")


def test_a_new_dataset_takes_the_notice_away(qtbot, make_panel):
    ws = workspace(_recipe("word"))
    panel = make_panel(ws)
    panel.max_tokens.setValue(3)
    panel.prompt.setPlainText("先生")
    generate(qtbot, panel)
    assert panel.unknown_label.isVisible()
    ws.set_recipe(_recipe("char"))
    qtbot.waitUntil(lambda: panel.unknown_label.isHidden(), timeout=TIMEOUT)


# --- probabilities that round to 0.0% ----------------------------------------------------------------------------
@pytest.mark.parametrize("language, small, zero", [("en", "<0.1%", "0.0%"), ("zh", "<0.1%", "0.0%"),
                                                   ("de", "<0,1\u00a0%", "0,0\u00a0%")])
def test_a_probability_never_reads_zero_unless_it_is(language, small, zero):
    locale = QLocale(language)
    assert format_probability(0.0004, locale=locale) == small
    assert format_probability(1e-9, locale=locale) == small
    assert format_probability(0.0, locale=locale) == zero
    assert format_probability(0.012, locale=locale) == format_percent(0.012, locale=locale)
    assert format_probability(0.0004, 2, locale=locale) == format_percent(0.0004, 2, locale=locale)  # 0.04%
    # nor certain unless it is: a greedy pick of 0.9996 read "100.0%"
    assert format_probability(0.9996, locale=locale) == ">" + format_percent(0.999, locale=locale)
    assert format_probability(1.0, locale=locale) == format_percent(1.0, locale=locale)
    assert format_probability(0.9994, locale=locale) == format_percent(0.999, locale=locale)


def reads_zero(text: str) -> bool:
    """A "0.0%" in ``text`` that is not the end of "10.0%"."""
    return re.search(r"(?<![\d.,])0\.0%", text) is not None


@functools.cache
def _many_words():
    """A word tokenizer of 2,000 words: an untrained model gives each about 0.05%, the drawn one too."""
    text = " ".join(f"w{i}" for i in range(2000)) + " "
    return recipe_for_text(text * 3, tokenizer_kind="word", vocab_size=3000, is_text=True,
                           model=dict(TINY_MODEL, block_size=32), train=TINY_TRAIN)


def test_a_drawn_token_below_a_thousandth_reads_below_not_zero(qtbot, ui_language, make_panel):
    panel = make_panel(workspace(_many_words()))
    panel.max_tokens.setValue(8)
    panel.seed.setValue(3)
    panel.temperature.setValue(2.0)
    panel.prompt.setPlainText("w1 w2")
    generate(qtbot, panel)
    steps = panel.token_view.steps
    tiny = [i for i, step in enumerate(steps) if format_percent(step.probability) == format_percent(0.0)]
    assert tiny, [s.probability for s in steps]  # the case of the report: a token drawn at "0.0%"
    index = tiny[0]
    panel.show_alternatives(index)
    caption = panel.alternatives_caption.text()
    assert "<0.1%" in caption and not reads_zero(caption), caption
    chosen = [p for token, p in panel.alternative_rows() if token.startswith("✓")]
    assert chosen == ["<0.1%"], panel.alternative_rows()  # the drawn token is listed after the likeliest
    assert not any(reads_zero(p) for _token, p in panel.alternative_rows()), panel.alternative_rows()
    tooltip = panel.token_view.tooltip_html(index)
    assert "&lt;0.1%" in tooltip and not reads_zero(tooltip), tooltip
    assert not reads_zero(panel.status_label.text())


# --- screenshots --------------------------------------------------------------------------------------------------
def test_the_notice_fits_at_1280x720_and_the_minimum_size(qtbot, ui_language, make_window):
    window = make_window("grammar")
    window.workspace.set_recipe(_recipe("word"))
    window.show_panel("generate")
    panel = window.panel("generate")
    qtbot.waitUntil(lambda: panel.task() is not None and panel.task().tokenizer.kind == "word", timeout=TIMEOUT)
    panel.max_tokens.setValue(20)
    panel.prompt.setPlainText("先生说：“Hello 😀” The rain")
    generate(qtbot, panel)
    assert panel.unknown_label.isVisible()
    for size_name, size in (("1280x720", QSize(1280, 720)), ("minimum", window.minimumSize())):
        window.resize(size)
        qtbot.wait(30)
        found = [clip for clip in clipped_texts(window) if clip.widget is panel.unknown_label]
        shoot(window, f"generate-unknown-{ui_language}-{size_name}")
        assert not found, "\n".join(map(str, found))
