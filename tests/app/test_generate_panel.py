"""The Generate panel: tokens stream in with their probabilities, seeds repeat, sources work."""

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor

from playground.app.panels.generate import GeneratePanel
from playground.app.widgets.token_stream import probability_color, quoted

from .layout_check import shoot
from .workspaces import tiny_workspace

TIMEOUT = 30_000


@pytest.fixture
def make_panel(qtbot):
    panels = []

    def make(dataset="grammar", **model):
        ws = tiny_workspace(dataset)
        if model:
            ws.set_model_config(**model)
        panel = GeneratePanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1000, 600)
        panels.append(panel)
        return ws, panel

    yield make
    for panel in panels:
        panel.shutdown()


def generate(qtbot, panel):
    """Press Generate and wait for the stream to end; returns the generated text."""
    with qtbot.waitSignal(panel.token_view.textChanged, timeout=TIMEOUT):
        panel.generate_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)
    return panel.output_text()


def test_generate_streams_tokens_with_probabilities(qtbot, make_panel):
    ws, panel = make_panel()
    panel.max_tokens.setValue(30)
    panel.prompt.setPlainText("the cat")
    panel.generate_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)
    tokens = panel.token_view.steps
    assert 0 < len(tokens) <= 30  # an untrained model: garbage, but no crash
    assert all(0.0 < step.probability <= 1.0 for step in tokens)
    assert panel.token_view.toPlainText().startswith("the cat")
    assert "tokens" in panel.status_label.text() and panel.banner.isHidden()
    assert panel.generate_action.isEnabled() and not panel.stop_action.isEnabled()
    # each token's span carries its tint and its index (a byte of a split character adds no text:
    # the token that completes the character shows it whole)
    shown = [i for i, step in enumerate(tokens) if step.text]
    first, second = shown[0], shown[1]
    cursor = panel.token_view.textCursor()
    cursor.setPosition(len("the cat") + 1)
    fmt = cursor.charFormat()
    assert fmt.isAnchor() and fmt.anchorHref() == f"token:{first}"
    assert fmt.background().color() != panel.token_view.palette().base().color()
    if first % 2 == 0:  # odd tokens are a shade off
        base = panel.token_view.palette().base().color()
        assert fmt.background().color() == probability_color(tokens[first].probability, base)
    cursor.setPosition(len("the cat") + len(tokens[first].text) + 1)
    assert cursor.charFormat().anchorHref() == f"token:{second}"  # the next token: its own span


def test_same_seed_same_text_and_greedy_is_deterministic(qtbot, make_panel):
    ws, panel = make_panel()
    panel.max_tokens.setValue(25)
    panel.seed.setValue(7)
    first = generate(qtbot, panel)
    assert generate(qtbot, panel) == first
    panel.seed.setValue(8)
    assert generate(qtbot, panel) != first  # 25 draws from ~300 tokens: the same text would be a fluke
    panel.greedy.setChecked(True)
    assert not panel.temperature.isEnabled()
    panel.seed.setValue(panel.seed.minimum())  # "random"
    assert panel.sample_config().seed is None
    greedy = generate(qtbot, panel)
    assert generate(qtbot, panel) == greedy


def test_encoder_decoder_source_with_expected_answer(qtbot, make_panel):
    ws, panel = make_panel("reversal")
    assert ws.core.recipe.model.architecture == "encoder-decoder"
    assert panel.source.isVisibleTo(panel) and not panel.prompt.isVisibleTo(panel)
    source, target = panel.pick_example(0)
    assert panel.expected == target and target in panel.expected_label.text()
    prompt_ids, src_ids, shown = panel.model_inputs()
    tok = ws.core.recipe.task.tokenizer
    assert prompt_ids == [tok.bos_id] and src_ids == tok.encode_ids(source) + [tok.eos_id]
    panel.greedy.setChecked(True)
    text = generate(qtbot, panel)
    assert panel.token_view.steps and panel.token_view.toPlainText().startswith(source)
    verdict = "matches" if tok.decode([s.id for s in panel.token_view.steps]) == target else "differs"
    assert verdict in panel.expected_label.text(), text
    panel.source.setText("not in the held-out set")
    assert panel.expected is None and "no expected answer" in panel.expected_label.text()


def test_decoder_only_pair_task_prompt(qtbot, make_panel):
    ws, panel = make_panel("addition")
    source, _target = panel.pick_example(3)
    prompt_ids, src_ids, _shown = panel.model_inputs()
    tok = ws.core.recipe.task.tokenizer
    assert src_ids is None and prompt_ids == [tok.bos_id, *tok.encode_ids(source), tok.sep_id]
    panel.max_tokens.setValue(5000)
    assert panel.sample_config(len(prompt_ids)).max_new_tokens == ws.core.recipe.model.block_size - len(prompt_ids)
    generate(qtbot, panel)
    assert len(panel.token_view.steps) <= ws.core.recipe.model.block_size - len(prompt_ids)


def test_alternatives_on_hover_and_click(qtbot, make_panel):
    ws, panel = make_panel()
    panel.max_tokens.setValue(10)
    generate(qtbot, panel)
    step = panel.token_view.steps[2]
    with qtbot.waitSignal(panel.token_view.token_hovered) as hovered:
        panel.token_view.highlighted.emit(QUrl("token:2"))  # what QTextBrowser says when the mouse is over it
    assert hovered.args == [2]
    rows = panel.alternative_rows()
    assert len(rows) >= 5 and rows[0][1].endswith("%")
    assert any(text.startswith("✓ ") for text, _p in rows)  # the chosen token is marked among them
    assert quoted(step.token) in panel.alternatives_caption.text()
    with qtbot.waitSignal(panel.token_view.token_clicked):
        panel.token_view.anchorClicked.emit(QUrl("token:0"))
    assert f"Position {panel.token_view.steps[0].position}" in panel.alternatives_caption.text()
    html = panel.token_view.tooltip_html(1)
    assert "probability" in html and html.count("<tr>") == len(panel.token_view.steps[1].alternatives)


def test_stop_ends_a_long_generation(qtbot, make_panel):
    ws, panel = make_panel()
    panel.max_tokens.setValue(5000)
    with qtbot.waitSignal(panel.token_view.textChanged, timeout=TIMEOUT):
        panel.generate_action.trigger()
    panel.stop_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)
    assert 0 < len(panel.token_view.steps) < 5000


def test_bad_settings_and_model_errors_are_messages(qtbot, make_panel, monkeypatch):
    ws, panel = make_panel()
    panel.top_k.setValue(0)
    assert panel.sample_config().top_k is None and panel.sample_config().top_p is None

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr("playground.app.panels.generate.sample_from_snapshot", broken)
    panel.generate_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_generating(), timeout=TIMEOUT)
    assert "out of memory" in panel.banner.text() and panel.banner.level == "error"


def test_generate_while_training_uses_a_snapshot(qtbot, make_panel):
    ws, panel = make_panel()
    model = ws.core.ensure_model()
    model.train()
    live = {id(m) for m in model.modules()}
    calls = []  # (the module is the training model's own, its mode) at every forward during generation

    def record(module, _args):
        calls.append((id(module) in live, module.training))

    # a copy of the model carries its hooks along, so the snapshot's forwards are recorded too
    hooks = [m.register_forward_pre_hook(record) for m in model.modules()]
    panel.max_tokens.setValue(10)
    generate(qtbot, panel)
    for hook in hooks:
        hook.remove()
    assert calls and not any(own for own, _mode in calls)  # only the copy ran
    assert not any(training for _own, training in calls)  # and it ran in eval mode
    assert all(m.training for m in model.modules())  # the training model's mode was never switched


def test_workspace_change_switches_the_inputs(qtbot, make_panel):
    ws, panel = make_panel()
    assert panel.prompt.isVisibleTo(panel)
    ws.use_dataset("reversal")
    assert panel.source.isVisibleTo(panel) and panel.input_box.title() == "Source"
    state = panel.ui_state()
    panel.restore_ui_state({**state, "source": "abc", "seed": 5, "greedy": True})
    assert panel.source.text() == "abc" and panel.seed.value() == 5 and panel.greedy.isChecked()


def test_probability_colour_keeps_the_theme_readable():
    light, dark = QColor("white"), QColor("#202020")
    assert probability_color(1.0, light).green() > probability_color(1.0, light).red()
    assert probability_color(0.0, light).red() > probability_color(0.0, light).green()
    assert probability_color(0.5, dark).lightnessF() < 0.5 < probability_color(0.5, light).lightnessF()


def test_the_probability_header_is_whole_at_the_smallest_window_in_chinese(qtbot, chinese_ui, make_window):
    """"概率" was cut at 900×600: an empty column sized to its contents is the style's 28 px."""
    window = make_window("numbers-zh")
    window.resize(window.minimumSize())
    window.show_panel("generate")
    panel = window.panel("generate")
    header = panel.alternatives.horizontalHeader()
    title = panel.alternatives.horizontalHeaderItem(1).text()
    assert title == "概率"
    for _ in range(2):  # empty, then with the alternatives of a generated token
        qtbot.wait(30)
        assert header.sectionSize(1) >= header.fontMetrics().horizontalAdvance(title) + 8
        panel.pick_example(0)
        panel.generate()
        qtbot.waitUntil(lambda: not panel.is_generating() and bool(panel.output_text()), timeout=30_000)
        panel.show_alternatives(0)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_refused_source_leaves_no_earlier_output_on_screen(qtbot, request, make_window, language):
    """A new user typed an input outside the translation task's words: the banner said so, but
    "the girls are not big . → 的的…" and its "10 tokens from the weights…" line stayed, and on a
    projector they read as the answer to the new input."""
    from PySide6.QtCore import Qt

    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    window = make_window("translation")
    window.show_panel("generate")
    panel = window.panel("generate")
    panel.max_tokens.setValue(10)
    panel.pick_example(0)
    generate(qtbot, panel)
    status = panel.status_label.text()
    assert panel.token_view.steps and status and panel.banner.isHidden()
    panel.source.clear()
    qtbot.keyClicks(panel.source, "hello xyzzy")
    qtbot.keyClick(panel.source, Qt.Key.Key_Return)  # as the user did: Enter in the source box
    assert not panel.banner.isHidden() and "xyzzy" in panel.banner.text()
    assert not panel.is_generating()
    assert panel.token_view.steps == [] and panel.token_view.toPlainText() == ""
    assert panel.status_label.text() == ""
    assert panel.alternative_rows() == []
    shoot(window, f"generate-refused-{language}")
    panel.pick_example(1)  # a good source again: output as before
    generate(qtbot, panel)
    assert panel.token_view.steps and panel.status_label.text() and panel.banner.isHidden()


def test_one_generated_token_is_counted_in_the_singular(qtbot, make_window):
    window = make_window("grammar")
    panel = window.panel("generate")
    panel.max_tokens.setValue(1)
    generate(qtbot, panel)
    assert len(panel.token_view.steps) == 1
    assert panel.status_label.text().startswith("1 token from the weights at step 0;"), panel.status_label.text()
    panel.max_tokens.setValue(3)
    panel.prompt.setPlainText("the")
    generate(qtbot, panel)
    n = len(panel.token_view.steps)
    assert panel.status_label.text().startswith(f"{n} token{'' if n == 1 else 's'} from the weights at step 0;")
