"""Inspect's views stay readable on long traces and many layers: bar rows never thinner than their text, labels that
do not overlap or get cut without "…", head labels as plain text, and probabilities never "0.0%" or "100.0%"."""

import functools
from dataclasses import asdict

import pytest
import torch
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from playground.app.numbers import format_probability
from playground.app.panels.inspect import InspectPanel
from playground.app.qworkspace import QWorkspace
from playground.app.widgets.attention_views import AttentionLinesView, ProbabilityBars
from playground.app.widgets.lens_views import RowAttentionView, SignedBars, token_texts
from playground.core.lens import logit_attribution, part_title
from playground.core.recipes import recipe_for_text

from .workspaces import TINY_MODEL, TINY_TRAIN

TIMEOUT = 60_000


@functools.cache
def _sure_recipe():
    """A text the model learns to continue with near certainty: its likeliest tokens pass 99.95%, others fall
    under 0.05%, the two ends of the percentages."""
    return recipe_for_text("abcd" * 400 + "\n", tokenizer_kind="char", is_text=True,
                           model=dict(TINY_MODEL, n_layer=2, block_size=16),
                           train=dict(TINY_TRAIN, max_steps=600, lr=1e-2))


@pytest.fixture
def sure_panel(qtbot):
    ws = QWorkspace()
    ws.set_recipe(_sure_recipe())
    for record in ws.core.new_trainer().run():  # real training steps, in this thread
        ws.core.record(asdict(record))
    panel = InspectPanel(ws)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    panel.text.setText("abcdabcd")
    panel.trace_input()
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.inspection is not None, timeout=TIMEOUT)
    panel.lens.finish()
    yield panel
    panel.shutdown()


def _edge_probabilities(values) -> tuple[bool, bool]:
    values = [float(v) for v in values]
    return any(0 < v < 0.0005 for v in values), any(0.9995 <= v < 1 for v in values)


def test_logit_lens_cells_and_top_k_use_the_probability_format(sure_panel):
    view = sure_panel.lens.logit_lens
    lens = sure_panel.inspection.lens
    probs = lens.top_probs[..., 0]
    assert _edge_probabilities(probs.flatten())[1]  # the case that read "100.0%"
    for r in range(probs.size(0)):
        for c in range(probs.size(1)):
            assert view.grid.item(r, c).toolTip().endswith(format_probability(float(probs[r, c])))
    assert any(">99.9%" in view.grid.item(r, c).toolTip() for r in range(probs.size(0)) for c in range(probs.size(1)))
    last = probs.size(0) - 1, probs.size(1) - 1
    view.show_cell(*last)
    shown = view.top_k.text()
    assert "<0.1%" in shown and "0.0%" not in shown.replace("<0.1%", "")
    assert [p for _i, p in lens.top(*last)][-1] < 0.0005


def test_next_token_bars_use_the_probability_format(qtbot, sure_panel):
    sure_panel.go_to(sure_panel.inspection.trace.names().index("logits"))
    detail = sure_panel.detail
    detail.temperature.setValue(100)
    p = detail.probabilities()
    top = torch.from_numpy(p).sort(descending=True).values[:len(detail.bars.items)]
    assert _edge_probabilities(top) == (True, True)
    values = [detail.bars.value_text(i) for i in range(len(detail.bars.items))]
    assert values[0] == ">99.9%" and "<0.1%" in values
    assert "0.0%" not in values and "100.0%" not in values


def test_switch_heads_off_caption_uses_the_probability_format(qtbot, sure_panel):
    baseline = [p for _i, p in sure_panel.inspection.baseline.top_k[:5]]
    assert _edge_probabilities(baseline) == (True, True)
    sure_panel.toggles.set_head("decoder.0.attn", 1, False)
    qtbot.waitUntil(lambda: not sure_panel.is_tracing() and bool(sure_panel.inspection.ablated), timeout=TIMEOUT)
    text = sure_panel.before_after.text()
    assert ">99.9%" in text and "<0.1%" in text
    assert "100.0%" not in text and " 0.0%" not in text


def test_row_attention_head_labels_are_plain_text(sure_panel):
    view: RowAttentionView = sure_panel.lens.row_attention
    labels = view.heatmap.row_labels
    assert labels == [view.tr("head {h}").format(h=h + 1) for h in range(len(labels))] and len(labels) == 2
    assert all("⍽" not in t and "␣" not in t for t in labels)


# --- GPT-2 small's 26 parts in a short view ------------------------------------------------------------------

def _gpt2_sized_items(sure_panel) -> list[tuple[str, float]]:
    """The real attribution of the tiny model's parts, its names written as GPT-2 small's 12 layers have them."""
    ins = sure_panel.inspection
    att = logit_attribution(ins.model, ins.trace, 3, *ins.trace.logits[3].argsort(descending=True)[:2].tolist())
    values = list(att.values) * 12
    layers = [f"decoder.{i}.{part}.out" for i in range(12) for part in ("attn", "mlp")]
    names = ["embed.token", "embed.position", *layers]
    return [(part_title(n), v * (1 + i / 10)) for i, (n, v) in enumerate(zip(names, values))]


@pytest.mark.parametrize("height", [240, 150])
def test_signed_bars_rows_never_thinner_than_their_text(qtbot, ui_language, sure_panel, height):
    bars = SignedBars()
    qtbot.addWidget(bars)
    items = _gpt2_sized_items(sure_panel)
    assert len(items) == 26
    bars.resize(700, height)
    bars.set_items(items)
    bars.show()
    shown, left_out = bars.shown_items()
    line = QFontMetrics(bars.font()).lineSpacing()
    rows = len(shown) + bool(left_out)
    assert rows * line <= height and len(shown) + len(left_out) == 26 and left_out
    # the largest pushes are the ones shown, in the parts' order
    assert min(abs(v) for _t, v in shown) >= max(abs(v) for _t, v in left_out)
    assert shown == [it for it in items if it in shown]
    assert str(len(left_out)) in bars.left_out_text(left_out)
    bars.resize(700, 26 * 30)
    assert bars.shown_items() == (items, [])


# --- labels on a long trace --------------------------------------------------------------------------------------

def test_attention_lines_labels_do_not_overlap_and_keep_the_selected(qtbot, sure_panel):
    ins = sure_panel.inspection
    tok = sure_panel.workspace.core.recipe.task.tokenizer
    weights = ins.trace.get("decoder.0.attn.weights").tensor[0].numpy()
    n = 156  # a GPT-2 paragraph's length: the tiny trace tiled
    tiled = weights[[i % weights.shape[0] for i in range(n)]][:, [i % weights.shape[1] for i in range(n)]]
    texts = token_texts(tok, [ins.ids[i % len(ins.ids)] for i in range(n)])
    view = AttentionLinesView()
    qtbot.addWidget(view)
    view.resize(360, 420)
    view.show()
    view.set_weights(tiled, texts, texts, selected=77)
    line = QFontMetrics(view.font()).height()
    for n_labels, keep in ((n, 77), (n, view.strongest_key())):
        shown = view.shown_labels(n_labels, keep)
        ys = [view.label_y(i, n_labels) for i in shown]
        assert keep in shown and len(shown) > 5
        assert all(b - a >= line - 0.01 for a, b in zip(ys, ys[1:]))  # no two labels overlap
        assert ys[0] - line / 2 >= view._top() - 2.01  # nor the "keys" and "queries" titles above them
    view.set_weights(weights, texts[:len(ins.ids)], texts[:len(ins.ids)])
    assert view.shown_labels(len(ins.ids)) == list(range(len(ins.ids)))  # a short trace: every label
    y = round(view._y(3, len(ins.ids)))
    assert view.tooltip_at(view.width() - 5, y) == f"3 {view.queries[3]}"
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, QPoint(5, y), view.mapToGlobal(QPoint(5, y))))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == f"3 {view.keys[3]}")
    QToolTip.hideText()


def test_next_token_labels_are_elided_with_the_whole_token_in_the_tooltip(qtbot):
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.resize(500, 300)
    bars.show()
    long = "<BA FC>&<BC C5 D0>VqA[ and a long tail of text"
    bars.set_items([(long, 0.6), ("a", 0.3), ("b", 0.0001)])
    drawn = bars.label_text(0)
    fm = QFontMetrics(bars.font())
    shown_long = bars.items[0][0]  # its spaces drawn as ␣, as everywhere a token is shown
    assert drawn.endswith("…") and drawn[:-1] == shown_long[:len(drawn) - 1]
    assert fm.horizontalAdvance(drawn) <= 160
    assert bars.label_text(1) == "a"
    assert bars.tooltip_at(5) == f"{shown_long}  {format_probability(0.6)}"
    assert bars.tooltip_at(bars.height() - 1) == ""
    QApplication.sendEvent(bars, QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5), bars.mapToGlobal(QPoint(5, 5))))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == bars.tooltip_at(5))
    QToolTip.hideText()
