"""The embedding map of a large vocabulary: a bounded number of labels, and a search that finds a token."""

from dataclasses import asdict

import numpy as np
import pyqtgraph as pg
import pytest

from playground.app.panels.inspect import InspectPanel
from playground.app.qworkspace import QWorkspace
from playground.app.widgets.embedding_map import MAX_FREQUENT, MAX_MATCHES
from playground.core.recipes import recipe_for_text

TIMEOUT = 30_000
TINY = dict(n_layer=1, n_head=2, d_model=32, d_ff=64, block_size=32, dropout=0.0)


def zipf_text(alphabet: list[str], n: int, seed: int = 0) -> str:
    """``n`` characters drawn with Zipf frequencies (the first of ``alphabet`` the most frequent), in lines."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, len(alphabet) + 1)
    picks = rng.choice(len(alphabet), size=n, p=weights / weights.sum())
    chars = [alphabet[i] for i in picks]
    return "\n".join("".join(chars[i:i + 30]) for i in range(0, n, 30)) + "\n"


CHINESE = ["的", "悟", "空", *[chr(0x4E00 + i) for i in range(1400) if chr(0x4E00 + i) not in "的悟空"]]
CORPORA = {
    "chinese": (zipf_text(CHINESE, 60_000), "char", None, "悟空", "悟"),
    "english-bpe": ("the old dog sees a small red ball near the house .\n" * 200 + "a cat , the cat , the mat\n"
                    * 200, "bpe", 400, "the cat", "the"),
    "emoji": ("I love 😀 and 👍 and 🎉 party !\n" * 300, "char", None, "love 🎉", "🎉"),
}


@pytest.fixture
def inspect_panel(qtbot):
    panels = []

    def make(corpus: str, steps: int = 0):
        text, kind, size, _typed, _search = CORPORA[corpus]
        ws = QWorkspace()
        ws.set_recipe(recipe_for_text(text, tokenizer_kind=kind, vocab_size=size, is_text=True, model=TINY,
                                      train=dict(max_steps=steps or 1, batch_size=8, eval_interval=50,
                                                 eval_batches=1, warmup_steps=1)))
        for record in ws.core.new_trainer(max_steps=steps).run() if steps else []:  # real steps, this thread
            ws.core.record(asdict(record))
        panel = InspectPanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1200, 800)
        panel.show()
        panel.text.setText(CORPORA[corpus][3])
        panel.trace_button.click()
        qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
        assert panel.banner.isHidden(), panel.banner.text()
        panel.go_to(panel.inspection.trace.names().index(next(
            r.name for r in panel.inspection.trace.records if r.group == "embedding")))
        panels.append(panel)
        return ws, panel

    yield make
    for panel in panels:
        panel.shutdown()


def drawn_labels(emap) -> list[str]:
    return [item.toPlainText() for item in emap.plot.getPlotItem().items if isinstance(item, pg.TextItem)]


def test_a_large_chinese_vocabulary_gets_a_bounded_number_of_labels(qtbot, inspect_panel):
    ws, panel = inspect_panel("chinese")
    tok = ws.core.recipe.task.tokenizer
    emap = panel.detail.embedding_map
    assert tok.vocab_size > 1000 + 256
    used = set(panel.inspection.ids)
    labels = drawn_labels(emap)
    assert len(labels) <= len(used) + MAX_FREQUENT < 100
    assert {"悟", "空"} <= set(labels)  # the input's tokens
    assert "的" in labels  # the most frequent character of the corpus
    counts = panel.inspection.token_counts
    assert set(emap.frequent()) == set(np.argsort(-counts, kind="stable")[:MAX_FREQUENT].tolist())
    rare = CHINESE[1200]
    assert rare not in labels
    emap.search.setText(rare)  # typed: found, labelled and highlighted
    assert emap.matches == [tok.token_to_id(rare)] and rare in drawn_labels(emap)
    assert "1 found" in emap.found_label.text()
    highlighted = [item for item in emap.plot.getPlotItem().items if isinstance(item, pg.ScatterPlotItem)][-1]
    x, y = panel.inspection.embedding_2d[tok.token_to_id(rare)].tolist()
    assert np.allclose(highlighted.getData(), ([x], [y]))
    panel.detail.tabs.setCurrentWidget(emap)
    panel.grab()  # draws
    emap.search.setText("不在词表")
    assert emap.matches == [] and "No token" in emap.found_label.text()


@pytest.mark.parametrize("corpus", ["english-bpe", "emoji"])
def test_search_finds_tokens_by_their_text(qtbot, inspect_panel, corpus):
    ws, panel = inspect_panel(corpus)
    tok = ws.core.recipe.task.tokenizer
    emap = panel.detail.embedding_map
    search = CORPORA[corpus][4]
    found = emap.find(search)
    assert found and len(found) <= MAX_MATCHES
    assert all(search in tok.token_text(tok.id_to_token(i)) for i in found)
    assert all(emap.labels.get(i) for i in found if np.isfinite(emap.xy[i]).all())
    if corpus == "english-bpe":  # "the" reads as "the" and "␣the": both found, neither as byte symbols
        assert {tok.readable(tok.id_to_token(i)) for i in found} >= {"␣the"}
        assert not any("Ġ" in label for label in drawn_labels(emap))


def test_map_without_training_data_counts_labels_only_the_input(qtbot):
    from playground.app.widgets.embedding_map import EmbeddingMap
    from playground.core.tokenizer import Tokenizer

    tok = Tokenizer.train("char", [zipf_text(CHINESE, 20_000)])
    emap = EmbeddingMap()
    qtbot.addWidget(emap)
    xy = np.random.default_rng(0).normal(size=(tok.vocab_size, 2))
    used = {tok.token_to_id("悟"), tok.token_to_id("空")}
    emap.set_map(xy, tok, used)
    assert sorted(emap.labels.values()) == ["悟", "空"] and emap.frequent() == []
    assert len(emap.find(CHINESE[900])) == 1 and len(emap.labels) == 3


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
def test_crowded_frequent_tokens_are_not_labelled_over_each_other(qtbot, kind):
    """Frequent tokens crowd together on the map: 40 labels drawn on one spot read as a black blot."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFontMetricsF

    from playground.app.widgets.embedding_map import EmbeddingMap
    from playground.core.tokenizer import Tokenizer

    text = zipf_text(CHINESE, 20_000) + " the cat sat on the mat 😀 " * 50
    tok = Tokenizer.train(kind, [text], None if kind == "char" else len(set(text)) + 300)  # unigram: every character
    emap = EmbeddingMap()
    qtbot.addWidget(emap)
    emap.resize(800, 500)
    emap.show()
    rng = np.random.default_rng(0)
    counts = rng.integers(1, 100, size=tok.vocab_size)
    xy = rng.normal(size=(tok.vocab_size, 2)) * 10
    crowd = np.argsort(-counts, kind="stable")[:MAX_FREQUENT]
    counts[crowd] += 1000
    xy[crowd] = rng.normal(size=(len(crowd), 2)) * 0.05  # the frequent ones, all near the centre
    used = {int(tok.encode_ids(CHINESE[0])[0])}
    emap.set_map(xy, tok, used, counts)
    box = emap.plot.getViewBox()
    rects = []
    for item in (i for i in emap.plot.getPlotItem().items if isinstance(i, pg.TextItem)):
        at = box.mapViewToScene(item.pos())
        size = QFontMetricsF(item.textItem.font())
        width = size.horizontalAdvance(item.toPlainText())
        rects.append(QRectF(at.x() - width / 2, at.y() - size.height(), width, size.height()))
    assert len(rects) >= 2  # the input's token and at least one frequent one
    overlaps = [(a, b) for n, a in enumerate(rects) for b in rects[n + 1:] if a.intersects(b)]
    assert not overlaps
    assert set(emap.labels) >= used and len(emap.labels) < len(used) + MAX_FREQUENT
