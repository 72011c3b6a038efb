"""File ▸ Open a Hugging Face model folder: a GPT-2 loaded off the UI thread; Tokenize, Inspect, Generate on it."""

import pytest
import torch

from tests.gpt2_folders import TEXTS, tiny_gpt2_folder

pytest.importorskip("transformers")
TIMEOUT = 60_000


@pytest.fixture(scope="module")
def gpt2_folder(tmp_path_factory):
    return tiny_gpt2_folder(tmp_path_factory.mktemp("app-gpt2"))


def open_folder(qtbot, window, folder):
    window.open_model_folder(str(folder))  # what the menu item does once the folder is chosen
    qtbot.waitUntil(lambda: window.workspace.core.pretrained is not None and not window.jobs_running(),
                    timeout=TIMEOUT)


def test_the_file_menu_has_the_item(window):
    item = next(a for a in window.menuBar().actions()[0].menu().actions()
                if a.text() == "Open a &Hugging Face model folder…")
    assert item.isEnabled() and "GPT-2" in item.statusTip()


@pytest.mark.parametrize("language", list(TEXTS))
def test_tokenize_inspect_and_generate_work_on_a_gpt2_folder(qtbot, window, gpt2_folder, language):
    from playground.core.hf_gpt2 import load_gpt2

    open_folder(qtbot, window, gpt2_folder)
    core = window.workspace.core
    reference = load_gpt2(gpt2_folder)
    assert core.model.cfg == reference.model.cfg and core.model.cfg.activation == "gelu_tanh"
    text = TEXTS[language]
    expected = reference.tokenizer.encode_ids(text)

    tokenize = window.panel("tokenize")
    tokenize.input.setPlainText(text)
    tokenize.refresh()
    assert tokenize.left.view.drawn_ids() == expected

    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.text.setText(text)
    inspect.trace_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=TIMEOUT)
    assert inspect.banner.isHidden(), inspect.banner.text()
    ins = inspect.inspection
    assert ins.ids == expected
    weights = ins.trace.get("decoder.1.attn.weights").tensor
    assert weights.shape == (2, len(expected), len(expected))  # both heads
    assert inspect.lens.logit_lens.grid.rowCount() == 3  # embeddings and both layers
    top = int(ins.trace.get("logits").tensor[-1].argmax())
    assert top == int(reference.model(torch.tensor([expected]))[0][0, -1].argmax())

    generate = window.panel("generate")
    window.show_panel("generate")
    generate.max_tokens.setValue(12)
    generate.prompt.setPlainText(text)
    generate.generate_action.trigger()
    qtbot.waitUntil(lambda: not generate.is_generating(), timeout=TIMEOUT)
    assert generate.banner.isHidden(), generate.banner.text()
    assert 1 <= len(generate.token_view.steps) <= 12
    assert generate.token_view.toPlainText().startswith(text)
    assert generate.model_state_label.text() == f"Pretrained model from {gpt2_folder.name}."
    assert generate.output_text() == "".join(step.text for step in generate.token_view.steps)
    if language == "chinese":
        window.grab().save("/tmp/gpt2_13-generate.png")
        for name in ("inspect", "data", "model", "tokenize"):
            window.show_panel(name)
            window.grab().save(f"/tmp/gpt2_13-{name}.png")


def test_backward_pass_runs_on_a_gpt2_folder(qtbot, window, gpt2_folder):
    open_folder(qtbot, window, gpt2_folder)
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.text.setText(TEXTS["english"])
    inspect.backward_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.shown() is not None, timeout=TIMEOUT)
    assert inspect.banner.isHidden(), inspect.banner.text()
    assert "grad.decoder.1.attn.weights" in inspect.backward.backward.names()


def test_training_and_saving_a_gpt2_are_refused_with_what_to_do(qtbot, window, gpt2_folder, tmp_path):
    open_folder(qtbot, window, gpt2_folder)
    model = window.workspace.core.model
    before = model.tok_emb.weight.detach().clone()
    train = window.panel("train")
    train.start()
    assert train.run is None and "pretrained model" in train.banner.text() and "open a text file" in train.banner.text()
    assert window.workspace.core.model is model and bool((model.tok_emb.weight == before).all())
    with pytest.raises(Exception, match="not train or change it"):
        window.workspace.core.new_trainer()
    assert not window.save_session_as(str(tmp_path / "s.playground"))
    assert not (tmp_path / "s.playground").exists()


def test_a_folder_that_cannot_be_opened_leaves_the_workspace_and_says_why(qtbot, window, tmp_path):
    before = window.workspace.core
    (tmp_path / "config.json").write_text('{"model_type": "llama"}')
    errors = []
    window.workspace.error.connect(lambda message, details: errors.append(message))
    window.open_model_folder(str(tmp_path))
    qtbot.waitUntil(lambda: bool(errors), timeout=TIMEOUT)
    assert "model_type" in errors[0] and window.workspace.core is before


def test_opening_a_folder_fills_the_vocabulary_once_and_traces_say_pretrained_weights(qtbot, window, gpt2_folder):
    """The 50k-token vocabulary of a real GPT-2 was refilled 4 times on the UI thread per load; the status lines
    said "from the weights at step 0" for weights trained elsewhere."""
    column = window.panel("tokenize").left
    resets = {"vocabulary": 0, "merges": 0}
    column.vocabulary.model.modelReset.connect(lambda: resets.__setitem__("vocabulary", resets["vocabulary"] + 1))
    column.merges.model.modelReset.connect(lambda: resets.__setitem__("merges", resets["merges"] + 1))
    open_folder(qtbot, window, gpt2_folder)
    tok = window.workspace.core.recipe.task.tokenizer
    assert resets == {"vocabulary": 1, "merges": 1}
    assert column.vocabulary.shown_count() == tok.vocab_size and column.merges.model.rowCount() == len(tok.merges())
    for token_id in (300, tok.vocab_size - 1):  # the search texts are made at the first search
        text = column.vocabulary.model.data(column.vocabulary.model.index(token_id, 1))
        assert text == tok.readable(tok.id_to_token(token_id))
        column.vocabulary.search.setText(text.replace("␣", " "))
        assert 1 <= column.vocabulary.shown_count() < tok.vocab_size
        assert text in [column.vocabulary.proxy.index(r, 1).data() for r in range(column.vocabulary.shown_count())]
    column.vocabulary.search.clear()
    column.refresh()  # typing, training state, showing the panel: the same tokenizer is not shown again
    window.show_panel("tokenize")
    assert resets == {"vocabulary": 1, "merges": 1}
    column.kind_box.setCurrentIndex(column.kind_box.findData("char"))  # another kind, not trained yet: emptied
    assert resets == {"vocabulary": 2, "merges": 2} and column.vocabulary.shown_count() == 0

    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.text.setText(TEXTS["chinese"])
    inspect.trace_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=TIMEOUT)
    assert inspect.status_label.full_text().endswith("stages recorded from the pretrained weights.")
    inspect.backward_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.backward is not None, timeout=TIMEOUT)
    assert inspect.status_label.full_text().endswith("backward stages from the pretrained weights.")

    generate = window.panel("generate")
    window.show_panel("generate")
    generate.max_tokens.setValue(4)
    generate.prompt.setPlainText(TEXTS["emoji"])
    generate.generate_action.trigger()
    qtbot.waitUntil(lambda: not generate.is_generating(), timeout=TIMEOUT)
    assert "tokens from the pretrained weights; mean probability" in generate.status_label.text()
    assert "step" not in generate.status_label.text()


@pytest.fixture(params=["en", "zh"])
def language(request):
    """The UI language, installed before the window is built (ask for it before ``window``)."""
    if request.param == "zh":
        request.getfixturevalue("chinese_ui")
    return request.param


def test_pretrained_weights_show_no_training_steps_or_progress(qtbot, language, window, gpt2_folder):
    """Inspect's slider said "step 0 (now)", Train's progress "step 0 of 1" and the status bar "Step 0" for
    weights trained elsewhere."""
    from tests.app.workspaces import tiny_workspace

    window.resize(1280, 720)
    open_folder(qtbot, window, gpt2_folder)
    inspect, train = window.panel("inspect"), window.panel("train")
    window.show_panel("inspect")
    slider = inspect.step_slider
    assert slider.step_label.text() == {"en": "pretrained weights", "zh": "预训练权重"}[language]
    assert not slider.slider.isVisible() and not slider.play_button.isVisible()
    inspect.text.setText(TEXTS["english"])
    inspect.trace_button.click()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=TIMEOUT)
    assert slider.step_label.text() == {"en": "pretrained weights", "zh": "预训练权重"}[language]
    window.grab().save(f"/tmp/mends-pretrained-inspect-{language}.png")
    assert window.step_label.text() == {"en": "Pretrained weights", "zh": "预训练权重"}[language]
    window.show_panel("train")
    assert not train.progress.isVisible() and "0" not in train.status.state_label.text()
    assert train.status.state_label.text() == {"en": "Pretrained weights: not trained here",
                                               "zh": "预训练权重：未在此训练"}[language]
    window.grab().save(f"/tmp/mends-pretrained-train-{language}.png")
    window.resize(900, 600)
    window.grab().save(f"/tmp/mends-pretrained-train-{language}-small.png")
    window.show_panel("inspect")
    window.grab().save(f"/tmp/mends-pretrained-inspect-{language}-small.png")

    window.workspace.replace_core(tiny_workspace("grammar").core)  # a model of its own again: steps and progress
    window.show_panel("inspect")
    assert slider.slider.isVisible()
    assert slider.step_label.text() == {"en": "step 0 (now)", "zh": "第 0 步（当前）"}[language]
    window.show_panel("train")
    assert train.progress.isVisible() and window.step_label.text() == {"en": "Step 0", "zh": "第 0 步"}[language]


def test_start_is_off_for_a_gpt2_folder_and_its_tooltip_says_why(qtbot, language, window, gpt2_folder):
    """Start stayed enabled on a pretrained model, and pressing it only put up a refusal."""
    from tests.app.workspaces import tiny_workspace

    window.resize(1280, 720)
    train = window.panel("train")
    usual_tip = train.start_action.toolTip()
    open_folder(qtbot, window, gpt2_folder)
    window.show_panel("train")
    assert not train.start_action.isEnabled() and not train.start_button.isEnabled()
    assert not train.settings.isEnabled()  # settings for a run that cannot start
    says = {"en": ("pretrained model from", "open a text file"), "zh": ("预训练模型", "打开一个文本文件")}[language]
    for tip in (train.start_action.toolTip(), train.start_button.toolTip()):
        assert str(gpt2_folder) in tip and all(words in tip for words in says), tip
    window.grab().save(f"/tmp/mends10-gpt2-start-off-{language}.png")
    window.resize(900, 600)
    window.grab().save(f"/tmp/mends10-gpt2-start-off-{language}-small.png")

    window.workspace.replace_core(tiny_workspace("grammar").core)  # a model of its own: Start and its usual tip
    assert train.start_action.isEnabled() and train.start_button.isEnabled() and train.settings.isEnabled()
    assert train.start_action.toolTip() == train.start_button.toolTip() == usual_tip


def test_tokenize_offers_no_training_on_a_gpt2_folder_and_says_whose_tokenizer_it_shows(qtbot, language, window,
                                                                                        gpt2_folder):
    """Its Train buttons were on: pressing one put up "Training failed", at once covered by "In use for training"."""
    from tests.app.workspaces import tiny_workspace

    open_folder(qtbot, window, gpt2_folder)
    window.show_panel("tokenize")
    tokenize = window.panel("tokenize")
    size = window.workspace.core.recipe.task.tokenizer.vocab_size
    says = {"en": ("pretrained model from", "open a text file"), "zh": ("预训练模型", "打开一个文本文件")}[language]
    for column in tokenize.columns():
        tip = column.train_button.toolTip()
        assert not column.train_button.isEnabled() and str(gpt2_folder) in tip and all(w in tip for w in says), tip
        for box in (column.kind_box, column.vocab_box):  # choosing a kind or size that cannot be trained: off too
            assert not box.isEnabled() and box.toolTip() == tip
        column.train()  # as a press would: refused in the worker, and that is what stays on show
        qtbot.waitUntil(lambda c=column: not c.is_training(), timeout=TIMEOUT)
        assert str(gpt2_folder) in column.state_label.text()
    tokenize.left.refresh()
    assert tokenize.left.state_label.text() == {
        "en": f"The model folder's own tokenizer · {size} tokens in the vocabulary",
        "zh": f"模型文件夹自带的分词器 · 词表中有 {size} 个词元"}[language]

    window.workspace.replace_core(tiny_workspace("grammar").core)  # data of its own: a tokenizer can be trained
    for column in tokenize.columns():
        assert column.train_button.isEnabled() and "pretrained" not in column.train_button.toolTip()
        assert column.kind_box.isEnabled() and column.vocab_box.isEnabled() == (column.kind() != "char")
        assert str(gpt2_folder) not in column.kind_box.toolTip() + column.vocab_box.toolTip()
    assert tokenize.left.state_label.text().startswith({"en": "In use for training", "zh": "正用于训练"}[language])
