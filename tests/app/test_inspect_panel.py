"""The Inspect panel: the stepper walks every stage of both model kinds and shows the tracer's own numbers."""

import copy
from dataclasses import asdict

import numpy as np
import pyqtgraph as pg
import pytest
import torch
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel

from playground.app.panels.inspect import InspectPanel
from playground.app.widgets.architecture import architecture_of
from playground.app.widgets.heatmap import HeatmapView
from playground.core.inspect import softmax_at

from .workspaces import tiny_workspace

TIMEOUT = 30_000


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(dataset="grammar", text="the cat", prefix="", model=None, steps=0):
        ws = tiny_workspace(dataset)
        if model:
            ws.set_model_config(**model)
        if steps:
            for record in ws.core.new_trainer(max_steps=steps).run():  # real training, in this thread
                ws.core.record(asdict(record))
        panel = InspectPanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1200, 800)
        panel.show()
        panel.text.setText(text)
        panel.prefix.setText(prefix)
        trace(qtbot, panel)
        panels.append(panel)
        return ws, panel

    yield make
    for panel in panels:
        panel.shutdown()


def trace(qtbot, panel):
    panel.trace_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    assert panel.banner.isHidden(), panel.banner.text()


def shown_shape(panel) -> tuple:
    record = panel.current_record()
    return tuple(record.shape[1:]) if record.tensor.dim() == 3 else record.shape


@pytest.mark.parametrize("dataset, text, prefix", [("grammar", "the cat sees", ""), ("reversal", "abcde", "ed")])
def test_stepper_walks_every_stage_both_ways(qtbot, make_panel, dataset, text, prefix):
    ws, panel = make_panel(dataset, text, prefix)
    tr = panel.inspection.trace
    if dataset == "reversal":
        assert ws.core.recipe.model.architecture == "encoder-decoder"
        assert {"encoder.0", "memory", "decoder.0"} <= set(tr.groups())
    seen = []
    while True:
        record = panel.current_record()
        seen.append(record.name)
        assert panel.group_buttons[record.group].isChecked()
        assert panel.detail.title.text() == record.title and panel.detail.formula.text() == record.formula
        heat = panel.detail.heatmap.image_array()
        assert heat.shape == (shown_shape(panel) if len(shown_shape(panel)) == 2 else (1, *shown_shape(panel)))
        assert " × ".join(map(str, record.shape)) in panel.detail.shape.text()
        if not panel.next_button.isEnabled():
            break
        panel.next_button.click()
    assert seen == tr.names()
    for _ in seen[1:]:
        qtbot.keyClick(panel.records_list, Qt.Key.Key_Left)
    assert panel.index == 0 and not panel.previous_button.isEnabled()


def test_a_deep_model_scrolls_the_stage_strip_in_one_row(qtbot, make_panel):
    ws, panel = make_panel("reversal", "abcd", "dc", model=dict(n_layer=6))
    groups = panel.inspection.trace.groups()
    buttons = [panel.group_buttons[g] for g in groups]
    viewport = panel.stage_scroll.viewport()

    def in_view(button) -> bool:
        return viewport.rect().contains(QRect(button.mapTo(viewport, QPoint(0, 0)), button.size()))

    panel.go_to(len(panel.records()) - 1)
    qtbot.waitUntil(lambda: in_view(buttons[-1]), timeout=5000)
    assert len(groups) == 16 and panel.stage_scroll.horizontalScrollBar().maximum() > 0  # wider than the panel
    assert all(b.width() >= b.sizeHint().width() and b.y() == buttons[0].y() for b in buttons)  # one row, unsqueezed
    assert not in_view(buttons[0])
    panel.go_to(0)
    qtbot.waitUntil(lambda: in_view(buttons[0]), timeout=5000)
    assert not in_view(buttons[-1])
    # layers counted from 1 and called layers, as in the Model panel's diagram (in full on hover: the strip is
    # too narrow for the full names, so the buttons say "Enc. 1"...)
    columns = architecture_of(ws.core.model)
    diagram = [s.title for side in ("encoder", "decoder") for s in columns[side] if s.kind == "block"]
    assert [b.toolTip() for g, b in zip(groups, buttons) if g.startswith(("encoder.", "decoder."))] == diagram
    assert buttons[2].text() == "Enc. 1" and buttons[-2].text() == "Dec. 6"
    assert diagram[0] == "Encoder layer 1" and diagram[-1] == "Decoder layer 6"
    assert "Decoder layer 6 cross-attention" in [label.text() for label in panel.toggles.findChildren(QLabel)]


def test_click_a_stage_and_a_record(qtbot, make_panel):
    _ws, panel = make_panel()
    panel.group_buttons["output"].click()
    assert panel.current_record().group == "output"
    panel.records_list.setCurrentRow(1)
    assert panel.current_record().name == [r.name for r in panel.inspection.trace.in_group("output")][1]


def test_numbers_shown_are_the_tracers(qtbot, make_panel):
    _ws, panel = make_panel("grammar", "the cat sees")
    tr = panel.inspection.trace
    name = "decoder.0.attn.weights"
    panel.go_to(tr.names().index(name))
    panel.detail.head_box.setValue(2)  # heads are shown counted from 1: "2" is index 1
    heat = panel.detail.heatmap
    assert np.array_equal(heat.image_array(), tr.get(name).tensor[1].numpy())
    # the causal mask greys out the future: masked cells are exactly the mask's zeros
    assert np.array_equal(heat.masked, ~tr.get("decoder.0.attn.mask").tensor.bool().numpy())
    with qtbot.waitSignal(heat.cell_hovered) as hovered:
        qtbot.mouseMove(heat, heat.cell_centre(4, 2).toPoint())
    row, col, value = hovered.args
    assert (row, col) == (4, 2) and value == pytest.approx(float(tr.get(name).tensor[1, 4, 2]))
    assert f"{value:.4g}" in panel.detail.hover_label.text()
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_centre(4, 2).toPoint())
    worked = panel.detail.worked.toPlainText()
    assert "softmax" in worked and "masked" in worked  # query 4 cannot see keys 5.. of "the cat sees"
    assert f"{float(tr.get('decoder.0.attn.scores').tensor[1, 4, 0]):+.3f}" in worked
    assert panel.detail.lines.selected == 4


def test_small_multiples_enlarge_a_head(qtbot, make_panel):
    _ws, panel = make_panel("reversal", "abcd", "dc")
    tr = panel.inspection.trace
    panel.go_to(tr.names().index("decoder.0.cross_attn.weights"))
    assert panel.detail.tabs.isTabVisible(1)
    grid = panel.detail.head_grid
    assert sum(v.isVisibleTo(grid) for v in grid.views) == tr.get("decoder.0.cross_attn.weights").shape[0]
    grid.head_clicked.emit(1)
    assert panel.detail.head == 1 and panel.detail.tabs.currentIndex() == 0
    assert panel.detail.head_box.value() == 2 and grid.captions[1].text() == "▶ head 2"
    # cross-attention: output tokens (rows) × input tokens (columns)
    assert panel.detail.heatmap.image_array().shape == (len(panel.inspection.ids), len(panel.inspection.src_ids))
    assert panel.detail.heatmap.col_labels[0] == "a"


def test_heads_are_shown_counted_from_1_and_mean_the_index_below(qtbot, make_panel):
    """People see "head 1".."head n" everywhere; the core's indices (and what is ablated) stay 0-based."""
    _ws, panel = make_panel("grammar", "the cat sees")
    tr, detail = panel.inspection.trace, panel.detail
    name, prefix = "decoder.0.attn.weights", "decoder.0.attn"
    panel.go_to(tr.names().index(name))
    box = detail.head_box
    n_head = tr.get(name).shape[0]
    assert (box.minimum(), box.maximum(), box.text()) == (1, n_head, "1") and detail.head == 0
    shown = [f"head {k}" for k in range(1, n_head + 1)]
    assert [c.text() for c in detail.head_grid.captions[:n_head]] == ["▶ " + shown[0], *shown[1:]]
    assert detail.head_grid.views[0].toolTip() == "Click to enlarge head 1"
    heat = detail.heatmap
    for k in range(1, n_head + 1):  # type head k into the box, as a person does: it shows index k - 1
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), str(k))
        qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
        assert box.text() == str(k) and detail.head == k - 1
        assert np.array_equal(heat.image_array(), tr.get(name).tensor[k - 1].numpy())
        qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_centre(4, 2).toPoint())
        worked = detail.worked.toPlainText()
        assert worked.startswith(f"Head {k}, query 4 ")  # the query is a position: still from 0
        assert f"{float(tr.get(f'{prefix}.scores').tensor[k - 1, 4, 0]):+.3f}" in worked
        assert np.array_equal(detail.lines.weights, tr.get(name).tensor[k - 1].numpy())
    # the toggle labelled "head 1" switches off index 0
    button = panel.toggles.buttons[(prefix, 0)]
    assert button.text() == "head 1"
    assert [panel.toggles.buttons[(prefix, h)].text() for h in range(n_head)] == shown
    button.setChecked(False)
    assert panel.toggles.ablated() == {prefix: {0}}
    qtbot.waitUntil(lambda: not panel.is_tracing() and bool(panel.inspection.ablated), timeout=TIMEOUT)
    assert panel.inspection.ablated == {prefix: {0}}
    assert not panel.inspection.trace.get(f"{prefix}.heads").tensor[0].any()  # index 0 outputs zeros
    assert panel.inspection.trace.get(f"{prefix}.heads").tensor[1].any()


def test_temperature_slider_changes_the_softmax(qtbot, make_panel):
    _ws, panel = make_panel()
    tr = panel.inspection.trace
    panel.go_to(tr.names().index("logits"))
    assert panel.detail.tabs.isTabVisible(2)
    last = tr.logits[-1]
    for t in (0.5, 1.0, 2.0):
        panel.detail.temperature.setValue(int(t * 100))
        expected = torch.softmax(last.double() / t, -1).float().numpy()
        assert np.allclose(panel.detail.probabilities(), expected, atol=1e-6)
        assert panel.detail.bars.items[0][1] == pytest.approx(float(expected.max()), abs=1e-6)
    assert np.allclose(softmax_at(last, 1.0).numpy(), tr.get("softmax").tensor[-1].numpy(), atol=1e-6)


def test_ablation_none_bit_equal_all_of_a_layer_changes_reset_restores(qtbot, make_panel):
    ws, panel = make_panel("reversal", "abcd", "d")
    before = panel.inspection.trace.logits.clone()
    trace(qtbot, panel)
    assert torch.equal(panel.inspection.trace.logits, before)  # no head off: bit-equal
    toggles = panel.toggles
    for h in range(ws.core.recipe.model.n_head):
        toggles.buttons[("decoder.0.cross_attn", h)].setChecked(False)
    qtbot.waitUntil(lambda: not panel.is_tracing() and bool(panel.inspection.ablated), timeout=TIMEOUT)
    assert not torch.equal(panel.inspection.trace.logits, before)
    assert torch.equal(panel.inspection.baseline.logits, before)
    assert "heads off" in panel.before_after.text()
    assert all(m.head_mask is None for _n, m in ws.core.model.attention_modules())  # the live model untouched
    toggles.reset_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing() and not panel.inspection.ablated, timeout=TIMEOUT)
    assert torch.equal(panel.inspection.trace.logits, before)


def test_next_token_appends_the_greedy_token(qtbot, make_panel):
    ws, panel = make_panel("reversal", "abcd", "", steps=40)  # untrained, it would answer in invalid bytes
    tok = ws.core.recipe.task.tokenizer
    top = panel.inspection.greedy[0]  # the sampler's greedy token: never <pad>, <unk>, <bos> or <sep>
    n = len(panel.inspection.ids)
    panel.next_token_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    if top != tok.eos_id:
        assert panel.inspection.ids[-1] == top and len(panel.inspection.ids) == n + 1
        panel.go_to(panel.inspection.trace.names().index("decoder.0.cross_attn.weights"))
        assert panel.detail.heatmap.selected_row == n  # the new output token's cross-attention row


def test_live_refresh_while_training(qtbot, make_panel):
    ws, panel = make_panel()
    panel.live.setChecked(True)
    panel.live_steps.setValue(10)
    ws.training_record.emit({"kind": "step", "step": 5})
    assert not panel.is_tracing()
    ws.training_record.emit({"kind": "step", "step": 12})
    assert panel.is_tracing()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)


def test_embedding_map_and_errors(qtbot, make_panel):
    ws, panel = make_panel()
    panel.go_to(0)
    panel.step(1)
    assert panel.current_record().group == "embedding" and panel.detail.tabs.isTabVisible(3)
    assert panel.inspection.embedding_2d.shape == (ws.core.recipe.model.vocab_size, 2)
    shown = panel.inspection
    panel.text.setText("x" * 500)  # longer than the context: said at once, as what to do, and nothing is traced
    panel.trace_button.click()
    assert not panel.is_tracing() and panel.inspection is shown
    context = ws.core.model.cfg.block_size
    assert panel.banner.text() == (f"Input of 500 tokens is longer than the context length {context}: shorten it "
                                   f"to {context} tokens or fewer")


def test_logits_highlight_the_last_position_of_a_decoder(qtbot, make_panel):
    _ws, panel = make_panel("grammar", "the cat sees")
    tr = panel.inspection.trace
    last = len(panel.inspection.ids) - 1
    for name in ("logits", "softmax"):
        panel.go_to(tr.names().index(name))
        assert panel.detail.heatmap.selected_row == last  # its distribution is the next token
    assert panel.detail.position_label.text().startswith(f"After position {last} ")
    panel.go_to(tr.names().index("decoder.0.attn.weights"))
    assert panel.detail.heatmap.selected_row is None  # only the next-token stages have a default row
    panel.go_to(tr.names().index("logits"))
    heat = panel.detail.heatmap
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_centre(2, 0).toPoint())
    assert heat.selected_row == 2 and panel.detail.selected_position() == 2  # a chosen row wins


def test_decoder_only_pair_task_steps_through_every_stage_and_the_next_token(qtbot, make_panel):
    ws, panel = make_panel("dates", "2024-03-05", "", model=dict(architecture="decoder"), steps=200)
    tok = ws.core.recipe.task.tokenizer
    assert ws.core.recipe.model.architecture == ws.core.recipe.task.architecture == "decoder"
    assert not panel.prefix.isHidden() and panel.inspection.src_ids is None
    assert panel.inspection.ids == [tok.bos_id, *tok.encode_ids("2024-03-05"), tok.sep_id]  # <bos> source <sep>
    tr = panel.inspection.trace
    assert "encoder.0" not in tr.groups() and not any(".cross_attn." in n for n in tr.names())
    seen = []
    while True:
        record = panel.current_record()
        seen.append(record.name)
        assert panel.detail.title.text() == record.title
        for tab in range(panel.detail.tabs.count()):  # draw every tab the stage shows
            if panel.detail.tabs.isTabVisible(tab):
                panel.detail.tabs.setCurrentIndex(tab)
                panel.grab()
        if not panel.next_button.isEnabled():
            break
        panel.next_button.click()
    assert seen == tr.names() and panel.banner.isHidden()
    top = tr.top_k[0][0]
    assert top != tok.eos_id  # trained (measured: never <eos> on 50 held-out dates at 100 and 200 steps)
    panel.next_token_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    assert panel.prefix.text() == tok.decode([top]) and panel.text.text() == "2024-03-05"
    assert panel.inspection.ids == [tok.bos_id, *tok.encode_ids("2024-03-05"), tok.sep_id, top]


def test_column_labels_level_when_they_fit_else_turned(qtbot):
    view = HeatmapView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.set_matrix(np.zeros((2, 3)), ["a", "b"], ["x", "y", "<eos>"])
    assert view.column_labels_level()
    assert view.cell_rect().top() == view.fontMetrics().height() + 6  # one line of room above the cells
    view.set_matrix(np.zeros((2, 60)), ["a", "b"], ["<bos>"] * 60)  # too many to fit across: turned
    assert not view.column_labels_level()
    assert view.cell_rect().top() >= view.fontMetrics().horizontalAdvance("<bos>")
    view.grab()
    # "悟空道" with "<unk>" among them: the labels that fit stay level (a Chinese character on its side is hard
    # to read), "<unk>" alone is turned
    view.set_matrix(np.zeros((2, 13)), ["a", "b"], ["悟", "空", "道", "<unk>", "来", "了"] * 2 + ["😀"])
    assert not view.column_labels_level()
    assert view.levelled_columns() == [True, True, True, False, True, True] * 2 + [True]
    view.grab()


def test_embedding_map_labels_the_input_not_the_heap_of_unused_rows(qtbot, make_panel):
    ws, panel = make_panel("grammar", "the cat")
    tok = ws.core.recipe.task.tokenizer
    panel.go_to(1)
    assert panel.current_record().group == "embedding"
    items = panel.detail.embedding_plot.getPlotItem().items
    labels = [item.toPlainText() for item in items if isinstance(item, pg.TextItem)]
    assert {"t", "h", "e", "␣", "c", "a"} <= set(labels)
    assert "↵" in labels  # a character of the text that the input does not use is labelled too
    assert len(labels) < tok.vocab_size - 256  # the byte-fallback rows are dots without labels
    byte = next(i for i in range(tok.vocab_size) if tok.id_to_token(i) == "<0x41>")
    emap = panel.detail.embedding_map
    assert {byte, tok.sep_id} <= emap.hidden and "<41>" not in labels and "<sep>" not in labels
    assert emap.find("<41>") == [byte] and "not on the map" in emap.found_label.text()  # left out, untrained


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
def test_token_labels_show_partial_characters_as_bytes_never_as_replacement_characters(qtbot, make_panel, kind):
    """Byte-level BPE splits 👋 into two byte tokens: each is labelled by its bytes (<F0 9F>), not �."""
    ws, panel = make_panel("grammar", "the cat")
    ws.core.use_text("hello 👋 world 悟空 and the cat 😀\n" * 60, is_text=True)
    ws.core.retokenize(kind, {"char": None, "bpe": 262}.get(kind, 120))  # bpe: bytes and few merges
    panel.text.setText("hello 👋 悟空 😀")
    trace(qtbot, panel)
    labels = [panel.detail.token_text(i) for i in panel.inspection.ids]
    assert labels and not any("\ufffd" in label for label in labels), labels
    if kind == "bpe":
        assert any(label.startswith("<F0") for label in labels), labels  # the emoji's first bytes, as bytes


@pytest.mark.parametrize("source", ["0", "12a", "99999999"])
def test_a_source_the_task_was_not_made_from_is_refused_with_what_is_allowed(qtbot, make_panel, source):
    ws, panel = make_panel("numbers-zh", "1234")
    panel.text.setText(source)
    panel.trace_button.click()
    assert not panel.is_tracing()
    assert panel.banner.isVisible() and source in panel.banner.text() and "1" in panel.banner.text()
    panel.text.setText("1234")
    trace(qtbot, panel)  # a good source traces again, the message gone


@pytest.mark.parametrize("dataset, text, prefix", [("grammar", "the cat", ""), ("reversal", "abcd", "dc")])
def test_a_click_on_the_token_ids_shows_the_id(qtbot, make_panel, dataset, text, prefix):
    """The input stage is 1-D, drawn as one row: a click on a cell shows that id, not an IndexError."""
    _ws, panel = make_panel(dataset, text, prefix)
    panel.jump_to_group("input")
    record = panel.current_record()
    assert record.tensor.dim() == 1
    heat = panel.detail.heatmap
    qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_centre(0, 1).toPoint())
    assert panel.detail.worked.toPlainText().endswith(f"= {int(record.tensor[1])}")


def test_a_new_task_is_traced_on_an_input_it_takes_instead_of_showing_the_old_pictures(qtbot, make_panel):
    """A lesson switches grammar → reversal: the panel never shows the old task's trace under the new one."""
    ws, panel = make_panel("grammar", "the cat sees")
    assert panel.inspection is not None
    ws.set_recipe(copy.copy(tiny_workspace("reversal").core.recipe))
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.inspection is not None, timeout=TIMEOUT)
    task = ws.core.recipe.task
    task.check_source(panel.text.text())  # a source the new task takes, not "the cat sees"
    assert panel.text.text() == task.val_pairs[0][0]
    assert panel.inspection.src_ids is not None and panel.records()  # the encoder-decoder's own trace, stepped


@pytest.mark.parametrize("dataset, beside", [("grammar", True), ("reversal", False)])
def test_the_live_refresh_leaves_the_trace_row_only_for_two_boxes(qtbot, make_window, ui_language, dataset, beside):
    """At the window's minimum size a text alone keeps the live refresh beside Trace (moved, it elided the status
    line: "Type an i…ss Trace."); a source and its output so far need the room, so it goes to the stepper's row, with a shorter label."""
    window = make_window(dataset)
    window.resize(window.minimumSize())
    window.show_panel("inspect")
    panel = window.panel("inspect")
    qtbot.waitUntil(lambda: panel.isVisible() and panel.width() > 0)
    panel.resize(panel.size())  # the fit follows the panel's width
    qtbot.wait(50)
    assert (panel.input_row.indexOf(panel.live) >= 0) == beside
    assert (panel.stepper_row.indexOf(panel.live) >= 0) == (not beside)
    if beside:
        assert panel.text.width() >= 20 * panel.text.fontMetrics().horizontalAdvance("0")
