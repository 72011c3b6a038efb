"""A GPT-2 folder open in the window: the panels tell the truth about it. Its settings are shown read-only with
why (never a training-memory error), the Tokenize panel says there is no corpus to train on and shows the folder's
vocabulary size, the Data panel has no counts of text it does not have, and the title names the folder."""

from pathlib import Path

import pytest

from tests.gpt2_folders import tiny_gpt2_folder

pytest.importorskip("transformers")
TIMEOUT = 60_000
SHOTS = Path("/tmp/hC/shots")


@pytest.fixture(scope="module")
def gpt2_folder(tmp_path_factory):
    return tiny_gpt2_folder(tmp_path_factory.mktemp("app-gpt2-panels") / "tiny-gpt2")


def open_folder(qtbot, window, folder):
    window.open_model_folder(str(folder))
    qtbot.waitUntil(lambda: window.workspace.core.pretrained is not None and not window.jobs_running()
                    and not window.workspace.turns.busy() and not window.panel("data").is_busy()
                    and bool((window.panel("data").info or {}).get("pretrained")),
                    timeout=TIMEOUT)


def test_the_model_settings_are_read_only_with_why(qtbot, window, gpt2_folder):
    open_folder(qtbot, window, gpt2_folder)
    panel = window.panel("model")
    window.show_panel("model")
    assert not any(widget.isEnabled() for widget in (*panel.w.values(), panel.preset))
    assert panel.pretrained_note.isVisible() and gpt2_folder.name in panel.pretrained_note.text()
    assert "To train a model of your own" in panel.pretrained_note.text()
    panel.w["dropout"].setValue(0.1)  # what typing did before the fields were locked
    panel.apply()
    assert panel.banner.isHidden(), panel.banner.text()
    assert panel.w["dropout"].value() == window.workspace.core.recipe.model.dropout == 0.0


def test_the_model_settings_are_editable_again_with_a_dataset(qtbot, window, gpt2_folder):
    open_folder(qtbot, window, gpt2_folder)
    window.panel("data").choose_dataset("grammar", ask=False)
    qtbot.waitUntil(lambda: window.workspace.core.pretrained is None and not window.jobs_running(), timeout=TIMEOUT)
    panel = window.panel("model")
    window.show_panel("model")
    assert panel.w["dropout"].isEnabled() and not panel.pretrained_note.isVisible()


def test_tokenize_says_there_is_no_corpus_and_shows_the_real_size(qtbot, window, gpt2_folder):
    open_folder(qtbot, window, gpt2_folder)
    panel = window.panel("tokenize")
    window.show_panel("tokenize")
    size = window.workspace.core.recipe.task.tokenizer.vocab_size
    assert panel.left.vocab_box.value() == size
    state = panel.right.state_label.text()
    assert not panel.right.train_button.isEnabled()
    assert "Train on the corpus" not in state and "no corpus" in state and "open a text file" in state, state


def test_data_shows_no_counts_of_text_it_does_not_have(qtbot, window, gpt2_folder):
    open_folder(qtbot, window, gpt2_folder)
    panel = window.panel("data")
    window.show_panel("data")
    for key in ("n_chars", "n_lines", "n_distinct_chars", "n_words", "split_train", "split_val"):
        assert panel.stat_values[key].text() == "—", key
    assert panel.preview_box.isHidden() and panel.no_text_label.isVisible()
    assert "no text" in panel.no_text_label.text() and "open a text file" in panel.no_text_label.text()


def test_the_title_names_the_folder(qtbot, window, gpt2_folder):
    open_folder(qtbot, window, gpt2_folder)
    assert window.windowTitle().startswith(f"{gpt2_folder.name} (pretrained model)")


def test_the_notes_are_whole_at_both_sizes_and_in_both_languages(qtbot, make_window, gpt2_folder, ui_language):
    """The notes are seen whole at 1280×720 and at the window's minimum size, in English and Chinese (the
    screenshots saved here are the ones a person looks at)."""
    window = make_window()
    open_folder(qtbot, window, gpt2_folder)
    SHOTS.mkdir(parents=True, exist_ok=True)
    notes = {"model": window.panel("model").pretrained_note, "tokenize": window.panel("tokenize").right.state_label,
             "data": window.panel("data").no_text_label}
    for width, height in ((1280, 720), (window.minimumWidth(), window.minimumHeight())):
        window.resize(width, height)
        for name, note in notes.items():
            window.show_panel(name)
            qtbot.wait(50)
            window.grab().save(str(SHOTS / f"{ui_language}_{width}_{name}.png"))
            assert note.isVisible() and note.text(), name
            assert note.visibleRegion().boundingRect() == note.rect(), (name, width)
            assert note.height() >= note.heightForWidth(note.width()), (name, width)  # no line cut off
