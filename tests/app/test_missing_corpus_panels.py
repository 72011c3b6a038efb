"""A session reopened without its text file, as a user sees it: the saved counts, a notice, honest buttons."""

import pytest

from playground.core.session import save_session
from playground.core.text import corpus_stats
from playground.core.workspace import Workspace
from playground.app.numbers import format_count, number_locale

from .conftest import wait_ready

TIMEOUT = 60_000
TEXTS = {
    "english": "".join(f"Line {i}: Alice was beginning to get very tired of sitting by her sister.\n"
                       for i in range(400)),
    "chinese": "".join(f"第{i}行：孙悟空一个筋斗云翻了十万八千里，来到天边。\n" for i in range(900)),
    "emoji": "".join(f"{i} 😀 cats 🐱 and dogs 🐶, family 👨‍👩‍👧 says hi 👋🏽\n" for i in range(600)),
}


def session_without_its_file(tmp_path, text: str, kind: str = "char", old=False):
    corpus = tmp_path / "novel.txt"
    corpus.write_text(text, encoding="utf-8")
    ws = Workspace()
    ws.use_text(corpus, tokenizer_kind=kind)
    ws.set_model_config(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16)
    ws.ensure_model()
    if old:  # a session saved before the statistics were kept
        del ws.recipe.spec["corpus_stats"]
    path = save_session(tmp_path / "novel.playground", ws)
    corpus.unlink()
    return path, corpus


def open_in(qtbot, window, path):
    with qtbot.waitSignal(window.session_loaded, timeout=TIMEOUT):
        window.open_session(str(path))
    wait_ready(qtbot, window)


@pytest.mark.parametrize("language, kind", [("english", "char"), ("chinese", "bpe"), ("emoji", "unigram")])
def test_the_data_panel_shows_the_saved_statistics_and_says_the_file_is_missing(qtbot, window, tmp_path,
                                                                                 language, kind):
    path, corpus = session_without_its_file(tmp_path, TEXTS[language], kind)
    open_in(qtbot, window, path)
    panel = window.panel("data")
    stats = corpus_stats(TEXTS[language])
    for key in ("n_chars", "n_lines", "n_distinct_chars"):
        assert panel.stat_values[key].text() == format_count(stats[key]), key
    assert "saved with the session" in panel.stats_box.title() and "novel.txt" in panel.stats_box.title()
    notice = window.banner.text()  # above every panel, once (not again inside the Data panel)
    assert str(corpus) in notice and "missing" in notice and "tokens stored" in notice
    assert panel.banner.text() == ""
    assert not panel.cleaning_box.isEnabled() and "missing" in panel.cleaning_box.toolTip()


def test_train_on_the_corpus_says_the_file_is_missing_and_training_still_works(qtbot, window, tmp_path):
    path, corpus = session_without_its_file(tmp_path, TEXTS["english"])
    open_in(qtbot, window, path)
    tokenize = window.panel("tokenize")
    for column in tokenize.columns():
        button = column.train_button
        assert not button.isEnabled() and str(corpus) in button.toolTip() and "is missing" in button.toolTip()
    right = tokenize.right
    assert "is missing" in right.state_label.text() and "does not exist" not in right.state_label.text()
    right.train()  # pressed anyway (e.g. by a shortcut): the same words, no job, no "does not exist"
    assert right._job is None and "is missing" in right.state_label.text()
    # the embedded tokens train
    train = window.panel("train")
    window.workspace.set_train_config(max_steps=3, eval_interval=100)
    with qtbot.waitSignal(window.workspace.training_state, timeout=TIMEOUT,
                          check_params_cb=lambda s: s == "finished"):
        train.start()
    assert window.workspace.core.trained_steps == 3
    # the file comes back: the button is offered again when the panel is shown
    corpus.write_text(TEXTS["english"], encoding="utf-8")
    window.show_panel("data")
    window.show_panel("tokenize")
    assert right.train_button.isEnabled()


def test_the_notice_goes_when_other_data_is_chosen(qtbot, window, tmp_path):
    path, _corpus = session_without_its_file(tmp_path, TEXTS["chinese"])
    open_in(qtbot, window, path)
    data = window.panel("data")
    assert "missing" in window.banner.text()
    with qtbot.waitSignal(window.workspace.data_changed, timeout=TIMEOUT):
        data.choose_dataset("reversal", ask=False)
    wait_ready(qtbot, window)
    assert data.banner.text() == "" and window.banner.text() == ""
    assert data.stats_box.title() == "Statistics" and data.cleaning_box.toolTip() != ""
    assert window.panel("tokenize").left.train_button.isEnabled()


def test_an_old_session_without_statistics_opens_and_says_its_counts_are_of_a_sample(qtbot, window, tmp_path):
    path, corpus = session_without_its_file(tmp_path, TEXTS["english"], old=True)
    open_in(qtbot, window, path)
    panel = window.panel("data")
    shown, ok = number_locale().toInt(panel.stat_values["n_chars"].text())
    assert ok
    assert shown < len(TEXTS["english"])  # a sample's count...
    assert panel.stats_box.title().startswith("Statistics of a sample")  # ...and the title says so
    assert format_count(shown) in panel.stats_box.title() and "novel.txt is missing" in panel.stats_box.title()
    assert str(corpus) in window.banner.text()
