"""What Inspect and Generate start from when the user typed nothing, on the user's own text files.

A tester opened a Chinese novel on one line: Inspect started empty and traced one "↵" token, its Backward
mode failed with "Running one training step…" left on the status line and a traceback on stderr, and
Generate's empty prompt started from a byte token the model never saw (a new line the novel never had).
"""

import logging
from dataclasses import asdict

import numpy as np
import pytest

from playground.app.compare_window import CompareWindow
from playground.app.panels.generate import GeneratePanel
from playground.app.panels.inspect import InspectPanel
from playground.app.qworkspace import QWorkspace
from playground.core.prompts import SNIPPET_TOKENS, empty_prompt
from playground.core.recipes import recipe_for_text

from .workspaces import TINY_MODEL, TINY_TRAIN, tiny_workspace

TIMEOUT = 60_000
KINDS = ["char", "bpe", "wordpiece", "unigram", "word"]
BOOKS = {"english": "It was a dark and stormy night. The rain fell in torrents, except at occasional intervals. " * 30,
         "chinese": "话说天下大势，分久必合，合久必分。滚滚长江东逝水，浪花淘尽英雄。" * 60,
         "emoji": "We laughed 😂 and waved 👋 at the boats. 👩‍👩‍👧 came too. " * 50}


def text_workspace(tmp_path, text: str, kind: str, steps: int = 0) -> QWorkspace:
    """A workspace on a text file (one line: no line break) with a tiny model, trained ``steps`` real steps."""
    path = tmp_path / "book.txt"
    path.write_text(text, encoding="utf-8")
    ws = QWorkspace()
    ws.set_recipe(recipe_for_text(str(path), kind, None if kind == "char" else 300,
                                  model=dict(TINY_MODEL, block_size=32), train=TINY_TRAIN))
    for record in ws.core.new_trainer(max_steps=steps).run() if steps else ():
        ws.record(asdict(record))
    return ws


def make(qtbot, panel_class, ws):
    panel = panel_class(ws)
    qtbot.addWidget(panel)
    panel.resize(1280, 720)
    panel.show()
    return panel


def wait_idle(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)


# --- Inspect ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", BOOKS)
def test_inspect_starts_from_a_short_snippet_of_the_users_text(qtbot, tmp_path, kind, language):
    ws = text_workspace(tmp_path, BOOKS[language], kind)
    panel = make(qtbot, InspectPanel, ws)
    shown, tok = panel.text.text(), ws.core.recipe.task.tokenizer
    assert shown and shown in BOOKS[language] and shown == shown.strip()
    assert 2 <= len(tok.encode_ids(shown)) <= SNIPPET_TOKENS
    if kind == "char":
        panel.trace_button.click()
        wait_idle(qtbot, panel)
        assert panel.banner.isHidden() and len(panel.inspection.ids) == len(shown)


def test_inspect_keeps_typed_text_and_the_built_in_examples(qtbot, tmp_path):
    ws = text_workspace(tmp_path, BOOKS["english"], "char")
    panel = make(qtbot, InspectPanel, ws)
    snippet = panel.text.text()
    ws.set_recipe(recipe_for_text(BOOKS["chinese"], "char", is_text=True))  # new data: a snippet of its own
    assert panel.text.text() != snippet and panel.text.text() in BOOKS["chinese"]
    panel.text.setText("my own words")
    ws.set_recipe(recipe_for_text(BOOKS["english"], "char", is_text=True))
    assert panel.text.text() == "my own words"
    grammar = make(qtbot, InspectPanel, tiny_workspace("grammar"))
    held_out = grammar.task().tokenizer.decode([int(i) for i in grammar.task().val_ids])
    shown = grammar.text.text()  # a built-in text: the start of a held-out line
    assert shown and any(line.startswith(shown) for line in held_out.split("\n")), shown
    reversal = make(qtbot, InspectPanel, tiny_workspace("reversal"))
    assert reversal.text.text() == reversal.task().val_pairs[0][0]


@pytest.mark.parametrize("ui", ["en", "zh"])
def test_tracing_an_empty_box_says_what_to_type(qtbot, tmp_path, request, ui):
    if ui == "zh":
        request.getfixturevalue("chinese_ui")
    ws = text_workspace(tmp_path, BOOKS["chinese"], "char")
    panel = make(qtbot, InspectPanel, ws)
    panel.text.clear()
    panel.trace_button.click()
    assert not panel.is_tracing() and panel.inspection is None
    assert panel.banner.isVisible() and panel.banner.text()
    panel.backward_button.click()  # the Backward mode traces the same box: the same words, no worker
    assert not panel.is_tracing() and panel.backward is None and panel.banner.isVisible()


@pytest.mark.parametrize("kind", KINDS)
def test_a_backward_step_on_one_token_is_refused_without_a_traceback(qtbot, tmp_path, caplog, kind):
    ws = text_workspace(tmp_path, BOOKS["english"], kind, steps=3)
    panel = make(qtbot, InspectPanel, ws)
    panel.text.setText("It")  # one token, or two characters; the forward pass traces it
    panel.trace_button.click()
    wait_idle(qtbot, panel)
    assert panel.banner.isHidden() and panel.inspection is not None
    tok = ws.core.recipe.task.tokenizer
    one = next((w for w in ("I", "It", "was", "a") if len(tok.encode_ids(w)) == 1), None)
    if one is None:
        pytest.skip("unigram starts every text with a word-start mark ▁: no text is one token")
    panel.text.setText(one)  # one token: no next token to learn
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        panel.backward_button.click()
        wait_idle(qtbot, panel)
    assert panel.backward is None and panel.banner.isVisible() and "target" in panel.banner.text()
    assert "…" not in panel.status_label.text() and panel.position_label.text() == ""  # no run, no stage left
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    panel.text.setText("It was")
    panel.trace_button.click()  # a longer input takes its step
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.backward is not None, timeout=TIMEOUT)
    assert panel.banner.isHidden() and panel.position_label.text()


# --- Generate -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", BOOKS)
def test_an_empty_prompt_starts_from_tokens_the_model_saw(qtbot, tmp_path, kind, language):
    ws = text_workspace(tmp_path, BOOKS[language], kind)
    panel = make(qtbot, GeneratePanel, ws)
    task = ws.core.recipe.task
    panel.prompt.setPlainText("")
    ids, src, shown = panel.model_inputs()
    assert ids and src is None and set(ids) <= set(np.unique(task.train_ids).tolist())
    assert shown and BOOKS[language].startswith(shown) and task.tokenizer.decode(ids) == shown
    assert shown.strip() in panel.prompt.placeholderText()  # the placeholder says where it starts
    panel.prompt.setPlainText("It")
    assert panel.model_inputs()[2] == "It"


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_an_empty_prompt_is_still_a_new_line_where_the_text_has_them(qtbot, tmp_path, kind):
    ws = text_workspace(tmp_path, BOOKS["english"].replace(". ", ".\n"), kind)
    panel = make(qtbot, GeneratePanel, ws)
    ids, _src, shown = panel.model_inputs()
    assert ids == ws.core.recipe.task.tokenizer.encode_ids("\n") and shown == ""
    assert "new line" in panel.prompt.placeholderText()


@pytest.mark.parametrize("ui", ["en", "zh"])
def test_generating_from_an_empty_prompt_on_a_text_with_no_line_break(qtbot, tmp_path, request, ui):
    if ui == "zh":
        request.getfixturevalue("chinese_ui")
    ws = text_workspace(tmp_path, BOOKS["chinese"], "char", steps=5)
    panel = make(qtbot, GeneratePanel, ws)
    panel.prompt.setPlainText("")
    panel.generate()
    qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)
    assert panel.banner.isHidden()
    assert panel.token_view.toPlainText().startswith("话") and panel.output_text()  # the text's start, continued
    assert "话" in panel.prompt.placeholderText()


# --- Compare ------------------------------------------------------------------------------------------
def compare_window(qtbot, ws, tmp_path) -> CompareWindow:
    window = CompareWindow(ws, tmp_path / "runs")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    return window


@pytest.mark.parametrize("ui", ["en", "zh"])
@pytest.mark.parametrize("kind", ["char", "word"])
def test_compare_samples_an_empty_prompt_from_the_texts_own_start(qtbot, tmp_path, request, ui, kind):
    """Compare's empty prompt was a new line: a token the novel on one line never had, or no token at all."""
    if ui == "zh":
        request.getfixturevalue("chinese_ui")
    ws = text_workspace(tmp_path, BOOKS["chinese"], kind, steps=2)
    window = compare_window(qtbot, ws, tmp_path)
    start = empty_prompt(ws.core.recipe.task)[0]
    assert start.startswith("话") and start in window.samples.prompt.placeholderText()
    assert "new line" not in window.samples.prompt.placeholderText()
    window.samples.prompt.setText("")
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    assert window.banner.isHidden() and window.samples.dimmed_text(0) == start
    assert window.samples.text_of(0).startswith(start) and len(window.samples.text_of(0)) > len(start)


def test_compare_says_a_new_line_where_the_text_has_them(qtbot, tmp_path):
    ws = text_workspace(tmp_path, BOOKS["english"].replace(". ", ".\n"), "char", steps=2)
    window = compare_window(qtbot, ws, tmp_path)
    assert "new line" in window.samples.prompt.placeholderText()
    with qtbot.waitSignal(window.generate().finished, timeout=TIMEOUT):
        pass
    assert window.samples.dimmed_text(0) == "" and window.samples.text_of(0)
    ws.set_recipe(recipe_for_text(BOOKS["chinese"], "char", is_text=True))  # new data: the placeholder follows it
    assert "话" in window.samples.prompt.placeholderText()
