"""File ▸ Open session on files with hostile sizes: a message in the banner, the old session kept, no big allocation."""

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.hostile_sizes import CONFIG_CASES, FILE_CASES, hostile_session, peak_rss, trained_session

WORDS = {**{k: v[1] for k, v in CONFIG_CASES.items()}, **{k: v[1] for k, v in FILE_CASES.items()}}


@pytest.fixture(scope="module")
def good_session(tmp_path_factory):
    return trained_session(tmp_path_factory.mktemp("good") / "good.playground")


@pytest.mark.parametrize("case", sorted(WORDS))
def test_a_hostile_session_from_the_open_dialog_is_refused(qtbot, window, good_session, tmp_path, monkeypatch, case):
    bad = hostile_session(good_session, tmp_path / "bad.playground", case)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(bad), ""))
    before, rss = window.workspace.core, peak_rss()
    with qtbot.waitSignal(window.workspace.error, timeout=30_000):
        window.open_session()  # File ▸ Open session…, the dialog answering with the file
    text = window.banner.text()
    assert text.startswith("The session was not opened.") and WORDS[case] in text, text
    assert "Traceback" not in text
    assert window.workspace.core is before and window.session_path is None
    grown = peak_rss() - rss
    assert grown < 200 * 1024**2, f"resident memory grew by {grown / 1024**2:.0f} MB"
