"""The Generate panel reads as the decoded text for every tokenizer kind and script, says how trained
the model is, and refuses a built-in task's bad source with what is allowed."""

import functools
import re
from dataclasses import asdict

import pytest
from PySide6.QtCore import QUrl

from playground.app.panels.generate import GeneratePanel
from playground.app.qworkspace import QWorkspace
from playground.app.widgets.token_stream import probability_color, shown_token
from playground.core.recipes import recipe_for_text
from playground.core.tokenizer import KINDS

from .workspaces import TINY_MODEL, TINY_TRAIN, tiny_workspace

TIMEOUT = 30_000
CORPUS = "".join([
    "Alice was beginning to get very tired of sitting by her sister on the bank.\n",
    "Alice would have possibly said so, but the rabbit reclining ran off.\n",
    "孙悟空是一只猴子，他住在花果山。猴子们都很高兴。\n",
    "We laughed 😂 and cheered 👍 until midnight, then slept 😴.\n",
] * 30)
VOCAB_SIZES = {"char": None, "bpe": 320, "wordpiece": 150, "unigram": 150, "word": 80}
# Each has a character the char tokenizer spells in byte tokens, but not at the end: a char
# tokenizer decodes a run of byte tokens as one, so bytes generated after a prompt's own would
# change how the prompt decodes.
PROMPTS = {"english": "Alice would", "chinese": "孙悟空说：猴子", "emoji": "We cheered 👍😀 and"}


@functools.cache
def _recipe(kind: str):
    return recipe_for_text(CORPUS, tokenizer_kind=kind, vocab_size=VOCAB_SIZES[kind], is_text=True,
                           model=dict(TINY_MODEL, block_size=64), train=TINY_TRAIN)


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(workspace):
        panel = GeneratePanel(workspace)
        qtbot.addWidget(panel)
        panel.resize(1000, 600)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def utf16_len(text: str) -> int:
    """Positions in a QTextDocument count UTF-16 units: an emoji is two."""
    return len(text.encode("utf-16-le")) // 2


def generate(qtbot, panel) -> None:
    panel.generate_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)


@pytest.mark.parametrize("language", list(PROMPTS))
@pytest.mark.parametrize("kind", KINDS)
def test_the_output_reads_as_the_decoded_text(qtbot, make_panel, kind, language):
    ws = QWorkspace()
    ws.set_recipe(_recipe(kind))
    panel = make_panel(ws)
    tok = ws.core.recipe.task.tokenizer
    typed = PROMPTS[language]
    panel.prompt.setPlainText(typed)
    panel.max_tokens.setValue(40)
    panel.seed.setValue(3)
    panel.temperature.setValue(2.0)
    generate(qtbot, panel)
    steps = panel.token_view.steps
    assert steps and panel.banner.isHidden()
    prompt_ids = tok.encode_ids(typed)
    whole, start = tok.decode(prompt_ids + [s.id for s in steps]), tok.decode(prompt_ids)
    assert whole.startswith(start)
    assert panel.output_text() == whole[len(start):]  # spaces, ## and ▁ as decode() has them
    eos = "<eos>" if steps[-1].id == tok.eos_id else ""
    assert panel.token_view.toPlainText() == typed + shown_token(panel.output_text()) + eos
    # each token with text is its own tinted span, and its alternatives still show on hover
    base = panel.token_view.palette().base().color()
    cursor, at = panel.token_view.textCursor(), utf16_len(typed)
    for index, step in enumerate(steps):
        if not step.text:
            continue
        cursor.setPosition(at + 1)
        fmt = cursor.charFormat()
        assert fmt.isAnchor() and fmt.anchorHref() == f"token:{index}"
        if index % 2 == 0:
            assert fmt.background().color() == probability_color(step.probability, base)
        at += utf16_len(shown_token(step.text))
    with qtbot.waitSignal(panel.token_view.token_hovered):
        panel.token_view.highlighted.emit(QUrl("token:0"))
    rows = panel.alternative_rows()
    assert rows and any(text.startswith("✓ ") for text, _p in rows)


def test_alice_and_would_are_two_words_for_a_word_level_tokenizer(qtbot, make_panel):
    """The issue's "Alicewould": the first generated word keeps its space from the prompt."""
    ws = QWorkspace()
    ws.set_recipe(_recipe("word"))
    panel = make_panel(ws)
    panel.prompt.setPlainText("Alice")
    panel.max_tokens.setValue(20)
    for seed in range(3):
        panel.seed.setValue(seed)
        generate(qtbot, panel)
        text = panel.token_view.toPlainText().removesuffix("<eos>")
        words = re.findall(r"\w+(?:'\w+)*", text)  # not split(): punctuation follows a word unspaced
        vocab = set(ws.core.recipe.task.tokenizer.vocab())
        # Chinese words are single characters, decoded without spaces between them ("高很空")
        assert words[0] == "Alice" and len(words) > 1 and all(w in vocab or set(w) <= vocab for w in words)


def test_the_panel_says_whether_the_model_is_untrained_or_how_many_steps_it_had(qtbot, make_panel):
    ws = tiny_workspace("grammar")
    panel = make_panel(ws)
    assert "Untrained model" in panel.model_state_label.text()
    panel.max_tokens.setValue(5)
    generate(qtbot, panel)
    assert "Untrained model" in panel.model_state_label.text()
    for record in ws.core.new_trainer(max_steps=3).run():  # real training steps
        ws.core.record(asdict(record))
    ws.training_state.emit("stopped")
    assert panel.model_state_label.text() == "Model trained for 3 steps."
    generate(qtbot, panel)
    assert panel.model_state_label.text() == "Model trained for 3 steps."
    ws.use_dataset("reversal")  # a new model: untrained again
    assert "Untrained model" in panel.model_state_label.text()


@pytest.mark.parametrize(("source", "says"), [("0", "from 1 to 99,999"), ("12a", "from 1 to 99,999"),
                                              ("99999999", "from 1 to 99,999")])
def test_a_bad_source_shows_what_is_allowed_instead_of_generating(qtbot, make_panel, source, says):
    ws = tiny_workspace("numbers-zh")
    panel = make_panel(ws)
    panel.source.setText(source)
    panel.generate_action.trigger()
    assert not panel.is_generating() and not panel.token_view.steps
    assert panel.banner.isVisibleTo(panel) and says in panel.banner.text() and f"“{source}”" in panel.banner.text()
    panel.source.setText("10010")
    panel.max_tokens.setValue(3)
    generate(qtbot, panel)
    assert panel.token_view.steps and panel.banner.isHidden()


@pytest.mark.parametrize("kind", KINDS)
def test_a_split_characters_bytes_keep_their_space_in_labels_while_a_real_space_is_drawn(kind):
    """A heatmap or table label of a token: ``<E6 82>`` is two bytes of one character, not the text "E6 82"."""
    from playground.app.widgets.token_stream import quoted
    from playground.core.token_text import readable_token, token_text

    token = {"bpe": "æĤ", "char": "<0xE6>"}.get(kind)
    if token is None:  # kinds without byte tokens: a space inside a token is drawn
        assert quoted(token_text(kind, "a b")) == "a␣b"
        return
    shown = quoted(readable_token(kind, token))
    assert shown in ("<E6 82>", "<E6>") and "␣" not in shown
    assert quoted(" <E6 82> x") == "␣<E6 82>␣x"
