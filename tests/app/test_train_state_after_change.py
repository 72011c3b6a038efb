"""A run's "Finished" or "Stopped" is about the model it trained: other data or a new model brings "Ready" back,
as a divergence's "Diverged" goes (test_train_divergence.py). Real training, in English and in Chinese."""

import pytest

TIMEOUT = 60_000
WORDS = {"en": {"ready": "Ready", "finished": "Finished", "stopped": "Stopped"},
         "zh_CN": {"ready": "就绪", "finished": "已完成", "stopped": "已停止"}}
LANGS = pytest.mark.parametrize("lang", ["en", "zh_CN"])


@pytest.fixture
def open_window(request, make_window):
    def make(lang):
        if lang == "zh_CN":
            request.getfixturevalue("chinese_ui")
        return make_window()
    return make


def finish(qtbot, window, steps=6):
    ws, train = window.workspace, window.panel("train")
    window.show_panel("train")
    ws.set_train_config(max_steps=steps, eval_interval=100)
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        train.start_action.trigger()
    wait_idle(qtbot, train)
    return train


def stop(qtbot, window):
    ws, train = window.workspace, window.panel("train")
    window.show_panel("train")
    ws.set_train_config(max_steps=100_000, eval_interval=100_000)
    with qtbot.waitSignal(ws.training_record, timeout=TIMEOUT):
        train.start_action.trigger()
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "stopped"):
        train.stop_action.trigger()
    wait_idle(qtbot, train)
    return train


def wait_idle(qtbot, train):
    qtbot.waitUntil(lambda: train.run is None and not train.job_running(), timeout=TIMEOUT)


def shown(train) -> str:
    return train.status.state_label.text()


@LANGS
def test_another_dataset_after_a_finished_run_reads_ready(qtbot, open_window, lang):
    window = open_window(lang)
    words, ws = WORDS[lang], window.workspace
    train = finish(qtbot, window)
    assert shown(train) == words["finished"]
    ws.model_changed.emit()  # the same model (as after Inspect's "Apply this step"): its run's end still holds
    assert shown(train) == words["finished"]
    with qtbot.waitSignal(ws.model_changed, timeout=TIMEOUT):
        window.panel("data").choose_dataset("sentiment", ask=False)
    assert train.state == "idle" and shown(train) == train.state_text() == words["ready"]
    train = finish(qtbot, window, steps=4)  # the new data trains to its own end
    assert shown(train) == words["finished"]


@LANGS
def test_a_text_file_after_a_stopped_run_reads_ready(qtbot, open_window, lang, tmp_path):
    window = open_window(lang)
    words, ws = WORDS[lang], window.workspace
    train = stop(qtbot, window)
    assert shown(train) == words["stopped"]
    path = tmp_path / "story.txt"
    path.write_text("The cat sat on the mat. The dog saw the cat and ran away. " * 40, encoding="utf-8")
    with qtbot.waitSignal(ws.model_changed, timeout=TIMEOUT):
        window.panel("data").open_text_file(str(path), ask=False)
    assert ws.core.recipe.spec.get("text_file") == str(path)
    assert train.state == "idle" and shown(train) == words["ready"]


@pytest.mark.parametrize("end", ["finished", "stopped"])
@LANGS
def test_a_new_model_after_a_run_reads_ready(qtbot, open_window, lang, end):
    window = open_window(lang)
    words, ws = WORDS[lang], window.workspace
    train = finish(qtbot, window) if end == "finished" else stop(qtbot, window)
    assert shown(train) == words[end]
    with qtbot.waitSignal(ws.model_changed, timeout=TIMEOUT):
        window.panel("model").apply_preset("tiny")  # two layers, width 64: another model than the one trained
    assert ws.core.trained_steps == 0 and ws.core.recipe.model.n_layer == 2
    assert train.state == "idle" and shown(train) == words["ready"]
