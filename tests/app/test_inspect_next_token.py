"""Inspect ▸ Next token, for every tokenizer kind: the input grows by the token's text with its spacing,
so the next trace reads the same ids ("the cat" -> "the cat sees", never "the catsees" and <unk>)."""

import functools
import re
from dataclasses import asdict

import pytest

from playground.app.panels.inspect import InspectPanel
from playground.app.qworkspace import QWorkspace
from playground.core.recipes import recipe_for_dataset
from playground.core.tokenizer import KINDS

from .workspaces import TINY_MODEL, TINY_TRAIN

TIMEOUT = 30_000
VOCAB_SIZES = {"char": None, "bpe": 320, "wordpiece": 200, "unigram": 200, "word": 200}


@functools.cache
def _recipe(kind: str):
    return recipe_for_dataset("grammar", seed=0, tokenizer_kind=kind, vocab_size=VOCAB_SIZES[kind],
                              model=dict(TINY_MODEL, block_size=32), train=dict(TINY_TRAIN, max_steps=80))


@pytest.mark.parametrize("kind", KINDS)
def test_next_token_keeps_the_spacing_and_the_ids(qtbot, kind):
    ws = QWorkspace()
    ws.set_recipe(_recipe(kind))
    for record in ws.core.new_trainer().run():  # real training steps, so the next tokens are words
        ws.core.record(asdict(record))
    panel = InspectPanel(ws)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    tok = ws.core.recipe.task.tokenizer
    panel.text.setText("the cat")
    panel.trace_input()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    try:
        for _ in range(4):
            ids, greedy, before = panel.inspection.ids, panel.inspection.greedy, panel.text.text()
            panel.next_token_button.click()
            qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
            if greedy[0] == tok.eos_id:
                assert panel.text.text() == before and "<eos>" in panel.status_label.text()
                break
            added = len(panel.inspection.ids) - len(ids)
            assert added >= 1 and panel.inspection.ids == ids + greedy[:added]  # re-tokenized to the same ids
            assert tok.unk_id not in panel.inspection.ids
            assert panel.text.text().startswith(before) and tok.decode(panel.inspection.ids) == panel.text.text()
        assert panel.text.text() != "the cat"
        if kind == "word":  # each word a token of its own, apart from the others (punctuation joins the word)
            tokens = [tok.id_to_token(i) for i in panel.inspection.ids]
            assert re.findall(r"\w+", panel.text.text()) == [t for t in tokens if t[0].isalnum()]
    finally:
        panel.shutdown()
