"""The Lens tab of Inspect and the held-out head ablation, on real tiny trained models."""

import functools
from dataclasses import asdict

import pytest
import torch
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from playground.app.panels.inspect import InspectPanel
from playground.app.qworkspace import QWorkspace
from playground.core.inspect import set_head_masks
from playground.core.lens import ablation_loss, heldout_batches, heldout_loss, logit_attribution, part_names
from playground.core.recipes import recipe_for_text
from playground.core.tokenizer import KINDS

from .layout_check import clipped_texts
from .test_layout import shoot
from .workspaces import TINY_MODEL, TINY_TRAIN, tiny_workspace

TIMEOUT = 60_000
CORPUS = "".join([
    "Alice was beginning to get very tired of sitting by her sister on the bank.\n",
    "孙悟空是一只猴子，他住在花果山。猴子们都很高兴。\n",
    "We laughed 😂 and cheered 👍 until midnight, then slept 😴.\n",
] * 30)
VOCAB_SIZES = {"char": None, "bpe": 320, "wordpiece": 150, "unigram": 150, "word": 80}
INPUTS = {"english": "Alice was", "chinese": "孙悟空是猴子", "emoji": "We cheered 👍😀 and"}


@functools.cache
def _text_recipe(kind: str):
    return recipe_for_text(CORPUS, tokenizer_kind=kind, vocab_size=VOCAB_SIZES[kind], is_text=True,
                           model=dict(TINY_MODEL, n_layer=2, block_size=48), train=TINY_TRAIN)


def _train(ws, steps: int) -> None:
    for record in ws.core.new_trainer(max_steps=steps).run():  # real training, in this thread
        ws.core.record(asdict(record))


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(ws, text, prefix="", steps=20, model=None):
        if model:
            ws.set_model_config(**model)
        _train(ws, steps)
        panel = InspectPanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1200, 800)
        panel.show()
        panel.text.setText(text)
        panel.prefix.setText(prefix)
        trace(qtbot, panel)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def trace(qtbot, panel):
    panel.trace_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    assert panel.banner.isHidden(), panel.banner.text()


def readable(tok, i: int) -> str:
    return tok.readable(tok.id_to_token(i))


@pytest.mark.parametrize("language", list(INPUTS))
@pytest.mark.parametrize("kind", KINDS)
def test_logit_lens_grid_reads_every_tokenizer_kind(qtbot, make_panel, kind, language):
    ws = QWorkspace()
    ws.set_recipe(_text_recipe(kind))
    panel = make_panel(ws, INPUTS[language])
    tok, ins = ws.core.recipe.task.tokenizer, panel.inspection
    view = panel.lens.logit_lens
    grid = view.grid
    assert (grid.rowCount(), grid.columnCount()) == (3, len(ins.ids))  # embeddings and 2 layers
    assert grid.verticalHeaderItem(0).text() == "Embeddings" and grid.verticalHeaderItem(2).text() == "Layer 2"
    for p, i in enumerate(ins.ids):  # the columns are the input tokens, as the tokenizer spells them for people
        assert readable(tok, i) in grid.horizontalHeaderItem(p).text()
    softmax = ins.trace.get("softmax").tensor
    for p in range(len(ins.ids)):
        for r in range(3):
            text = view.cell_text(r, p)
            assert text == readable(tok, int(ins.lens.top_ids[r, p, 0])) and "\ufffd" not in text
        assert int(ins.lens.top_ids[2, p, 0]) == int(softmax[p].argmax())  # the last row is the model's output
    # a click on a cell lists its top 5 with their probabilities
    grid.setCurrentCell(1, len(ins.ids) - 1)
    lines = view.top_k.text().splitlines()
    assert len(lines) == 6 and lines[0].startswith("Layer 1")
    first_id, first_p = ins.lens.top(1, len(ins.ids) - 1)[0]
    assert readable(tok, first_id) in lines[1] and f"{100 * first_p:.1f}" in lines[1]


@pytest.mark.parametrize("dataset, text, prefix", [("grammar", "the cat sees", ""), ("reversal", "abcde", "ed")])
def test_why_this_token_defaults_to_the_top_two_and_sums(qtbot, make_panel, dataset, text, prefix):
    ws = tiny_workspace(dataset)
    panel = make_panel(ws, text, prefix, steps=30)
    view, ins = panel.lens.attribution, panel.inspection
    T = len(ins.ids)
    last = ins.trace.logits[-1]
    a, b = last.topk(2).indices.tolist()
    assert view.position.value() == T - 1
    assert (view.token_a.currentData(), view.token_b.currentData()) == (a, b)
    att = view.attribution
    assert att.names == part_names(ins.model)
    assert len(view.bars.items) == len(att.names) + (att.bias != 0)  # with biases: the frozen norm's β too
    assert att.total == pytest.approx(float(last[a] - last[b]), abs=1e-4)
    # another position and pair: the view shows the core's numbers for them
    logits = ins.trace.logits[1]
    c, d = logits.topk(4).indices.tolist()[2:]
    view.choose(1, c, d)
    expected = logit_attribution(ins.model, ins.trace, 1, c, d)
    assert view.attribution.values == pytest.approx(expected.values)
    assert [v for _t, v in view.bars.items][:len(expected.values)] == pytest.approx(expected.values)
    assert f"{float(logits[c] - logits[d]):.4f}".lstrip("-") in view.summary.text().replace(",", "")


def test_why_this_token_says_post_ln_is_no_sum(qtbot, make_panel):
    panel = make_panel(tiny_workspace("grammar"), "the cat", steps=5, model=dict(norm="post"))
    view = panel.lens.attribution
    assert view.attribution is None and view.bars.items == []
    assert "pre-LN" in view.summary.text()
    assert panel.lens.logit_lens.grid.rowCount() == 2  # the logit lens works on post-LN models too


def test_attention_over_selected_rows(qtbot, make_panel):
    panel = make_panel(tiny_workspace("reversal"), "abcde", "ed", steps=10)
    view, tr = panel.lens.row_attention, panel.inspection.trace
    names = [view.module.itemData(i) for i in range(view.module.count())]
    assert names == ["encoder.0.attn", "decoder.0.attn", "decoder.0.cross_attn"]
    view.set_module("decoder.0.cross_attn")
    view.select_rows([0, 2])
    w = tr.get("decoder.0.cross_attn.weights").tensor
    assert view.heatmap.values.shape == (w.size(0), w.size(2))  # head × source token
    torch.testing.assert_close(torch.from_numpy(view.result), (w[:, 0] + w[:, 2]) / 2)
    view.sum_button.click()
    torch.testing.assert_close(torch.from_numpy(view.result), w[:, 0] + w[:, 2])
    # the encoder's queries are the source tokens
    view.set_module("encoder.0.attn")
    assert view.rows.count() == len(panel.inspection.src_ids)
    # stepping to an attention stage shows its module here
    panel.jump_to_group("decoder.0")
    panel.go_to(panel.inspection.trace.names().index("decoder.0.attn.weights"))
    assert view.module.currentData() == "decoder.0.attn"


def test_held_out_loss_with_heads_switched_off(qtbot, make_panel):
    ws = tiny_workspace("grammar")
    panel = make_panel(ws, "the cat sees", steps=30)
    panel.toggles.set_head("decoder.0.attn", 1, False)
    qtbot.waitUntil(lambda: not panel.is_tracing() and bool(panel.inspection.ablated), timeout=TIMEOUT)
    held = panel.heldout
    assert held.measure_button.isEnabled() and held.table.rowCount() == 0
    held.batches.setValue(2)
    held.measure_button.click()
    qtbot.waitUntil(lambda: held.result is not None, timeout=TIMEOUT)
    result = held.result
    model, task = ws.core.model, ws.core.recipe.task
    assert result.ablated == {"decoder.0.attn": {1}}
    expected = ablation_loss(model, task, {"decoder.0.attn": {1}}, batches=2, per_head=False)
    assert result.loss == pytest.approx(expected.loss, rel=1e-5)
    assert result.ablated_loss == pytest.approx(expected.ablated_loss, rel=1e-5)
    data = heldout_batches(task, model.cfg.block_size, 2)
    set_head_masks(model, {"decoder.0.attn": {0}})
    try:
        head0 = heldout_loss(model, data)[0] - result.loss
    finally:
        set_head_masks(model, {})
    assert held.table.rowCount() == 2
    rows = {(held.table.item(r, 1).text()): held.table.item(r, 2).text() for r in range(2)}
    assert rows["1"].replace("−", "-") == f"{head0:+.4f}"
    assert "change" in held.summary.text()
    assert all(attn.head_mask is None for _n, attn in model.attention_modules())  # the user's model untouched


# --- Chinese and the laptop sizes -----------------------------------------------------------------

def _show_lens(qtbot, window, sub: int):
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    tabs = inspect.detail.tabs
    tabs.setCurrentIndex(tabs.indexOf(inspect.lens))
    inspect.lens.setCurrentIndex(sub)
    QApplication.processEvents()
    qtbot.wait(30)


def _traced_window(qtbot, make_window, dataset, text, prefix=""):
    window = make_window(dataset)
    _train(window.workspace, 20)
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.text.setText(text)
    inspect.prefix.setText(prefix)
    trace(qtbot, inspect)
    return window, inspect


def _heads_tab(qtbot, window, inspect):
    inspect.heldout.batches.setValue(1)
    inspect.heldout.measure_button.click()
    qtbot.waitUntil(lambda: inspect.heldout.result is not None, timeout=TIMEOUT)
    tabs = inspect.detail.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.widget(i).isAncestorOf(inspect.heldout)))
    QApplication.processEvents()
    qtbot.wait(30)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_lens_views_fit_at_laptop_size_and_the_window_minimum(qtbot, make_window, request, language):
    if language == "zh":
        request.getfixturevalue("chinese_ui")
    dataset, text, prefix = ("grammar", "the cat sees", "") if language == "en" else ("numbers-zh", "1234", "一千二")
    window, inspect = _traced_window(qtbot, make_window, dataset, text, prefix)
    found = []
    for size_name, size in (("1280x720", QSize(1280, 720)), ("minimum", window.minimumSize())):
        window.resize(size)
        for sub, name in enumerate(("lens", "why", "rows")):
            _show_lens(qtbot, window, sub)
            found += [f"{name} at {size_name}: {clip}" for clip in clipped_texts(window)]
            shoot(window, f"lens-{language}-{name}-{size_name}")
        _heads_tab(qtbot, window, inspect)
        found += [f"held-out at {size_name}: {clip}" for clip in clipped_texts(window)]
        shoot(window, f"lens-{language}-heldout-{size_name}")
    assert not found, "\n" + "\n".join(found)


def test_lens_views_speak_chinese(qtbot, make_window, chinese_ui):
    window, inspect = _traced_window(qtbot, make_window, "numbers-zh", "1234", "一千二")
    lens = inspect.lens
    titles = [inspect.detail.tabs.tabText(i) for i in range(inspect.detail.tabs.count())]
    assert "透镜" in titles
    assert [lens.tabText(i) for i in range(3)] == ["Logit 透镜", "为什么是这个词元", "多行注意力"]
    grid = lens.logit_lens.grid
    assert [grid.verticalHeaderItem(r).text() for r in range(grid.rowCount())] == ["嵌入", "第 1 层"]
    assert [t for t, _v in lens.attribution.bars.items][:3] == ["词元嵌入", "位置嵌入", "第 1 层自注意力"]
    assert "各部分之和" in lens.attribution.summary.text()
    assert lens.row_attention.module.currentText().startswith("编码器")
    _heads_tab(qtbot, window, inspect)
    assert "所有头开启时的验证集损失" in inspect.heldout.summary.text()
    assert inspect.heldout.table.horizontalHeaderItem(2).text() == "关闭后的损失变化 Δ"
    window.workspace.set_model_config(norm="post")
    _train(window.workspace, 2)
    trace(qtbot, inspect)
    assert "Pre-LN" in lens.attribution.summary.text() and "层归一化" in lens.attribution.summary.text()


def test_the_logit_lens_grid_makes_one_number_locale_not_one_per_cell(qtbot, monkeypatch):
    """set_lens made two QLocales per cell (format_percent's), several times the cost of the formatting: now one a row."""
    from playground.app import numbers
    from playground.app.widgets import lens_views
    from playground.core.lens import LogitLens
    from playground.core.tokenizer import Tokenizer

    tok = Tokenizer.train("char", [CORPUS])
    rows, positions = 3, 60
    generator = torch.Generator().manual_seed(0)
    top_ids = torch.randint(0, tok.vocab_size, (rows, positions, 5), generator=generator)
    top_probs = torch.rand(rows, positions, 5, generator=generator).sort(dim=-1, descending=True).values
    lens = LogitLens(rows=["embed.sum", "decoder.0.mlp.residual", "decoder.1.mlp.residual"], top_ids=top_ids,
                     top_probs=top_probs)
    made = []
    real = numbers.number_locale

    def counted():
        made.append(1)
        return real()

    monkeypatch.setattr(numbers, "number_locale", counted)
    monkeypatch.setattr(lens_views, "number_locale", counted, raising=False)
    view = lens_views.LogitLensView()
    qtbot.addWidget(view)
    view.set_lens(lens, tok, tok.encode_ids(CORPUS[:positions]))
    assert len(made) <= rows  # once per row of 60 cells (format_percents), never once per cell
    for r, c in ((0, 0), (2, positions - 1)):
        p = float(top_probs[r, c, 0])
        assert view.grid.item(r, c).toolTip().endswith(f"{100 * p:.1f}%")
    made.clear()
    view.show_cell(1, 7)
    assert len(made) == 1 and len(view.top_k.text().splitlines()) == 6


def _grid_content(view) -> list:
    """Everything the logit lens grid shows: headers, each cell's text, tooltip and shade, the columns' widths."""
    grid = view.grid
    return [[grid.verticalHeaderItem(r).text() for r in range(grid.rowCount())],
            [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())],
            [(grid.item(r, c).text(), grid.item(r, c).toolTip(), grid.item(r, c).background().color().name(
                QColor.NameFormat.HexArgb)) for r in range(grid.rowCount()) for c in range(grid.columnCount())],
            [grid.columnWidth(c) for c in range(grid.columnCount())]]


@pytest.mark.parametrize("kind", KINDS)
def test_the_lens_views_filled_in_slices_show_what_one_go_shows(qtbot, make_panel, monkeypatch, kind):
    """The lens views are filled a step per turn of the event loop here (GPT-2 small's grid took 0.1-0.3 s of
    the window's thread in one go): the trace counts as running until they are full, and they end up as
    filling them at once makes them."""
    from playground.app.widgets import lens_views

    ws = QWorkspace()
    ws.set_recipe(_text_recipe(kind))
    panel = make_panel(ws, INPUTS["emoji"] + INPUTS["chinese"])
    lens, ins = panel.lens, panel.inspection
    tok = ws.core.recipe.task.tokenizer
    monkeypatch.setattr(lens_views, "SLICE_S", 0.0)  # one step a turn: the fill spans many turns
    turns, filling = [], []  # at each turn that filled; just after each trace's result was shown
    lens.slices._timer.timeout.connect(lambda: turns.append(lens.filling()))
    shown = panel._on_result

    def on_result(generation, inspection):
        shown(generation, inspection)
        filling.append(lens.filling() and panel.is_tracing())

    monkeypatch.setattr(panel, "_on_result", on_result)
    panel.trace_button.click()
    qtbot.waitUntil(lambda: len(filling) == 1, timeout=TIMEOUT)
    assert filling == [True]  # the result is shown, the lens views not yet filled: the trace counts as running
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    assert len(turns) > len(ins.ids)  # a turn per row of cells and per column's width, and more
    ins = panel.inspection
    whole = lens_views.LogitLensView()
    qtbot.addWidget(whole)
    whole.resize(lens.logit_lens.size())
    whole.set_lens(ins.lens, tok, ins.ids)  # in one go, and its columns as wide as Qt makes them in one go
    whole.grid.resizeColumnsToContents()
    assert _grid_content(lens.logit_lens) == _grid_content(whole)
    texts = [lens.logit_lens.cell_text(r, c) for r in range(3) for c in range(len(ins.ids))]
    assert texts == [tok.readable(tok.id_to_token(int(i))) for i in ins.lens.top_ids[..., 0].flatten()]
    last = ins.trace.logits[-1]
    a, b = last.topk(2).indices.tolist()
    assert (lens.attribution.token_a.currentData(), lens.attribution.token_b.currentData()) == (a, b)
    assert lens.attribution.attribution.total == pytest.approx(float(last[a] - last[b]), abs=1e-4)
    assert lens.row_attention.rows.count() == len(ins.ids) and lens.row_attention.selected_rows() == [len(ins.ids) - 1]
    # a new trace while the views are still being filled: the old fill is dropped, the new one completes
    panel.trace_button.click()
    qtbot.waitUntil(lambda: len(filling) == 2, timeout=TIMEOUT)
    assert filling == [True, True]
    panel.text.setText(INPUTS["english"])
    panel.trace_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing(), timeout=TIMEOUT)
    assert lens.logit_lens.grid.columnCount() == len(panel.inspection.ids) == len(tok.encode_ids(INPUTS["english"]))
    assert lens.logit_lens.cell_text(2, 0) == tok.readable(tok.id_to_token(int(panel.inspection.lens.top_ids[2, 0, 0])))
