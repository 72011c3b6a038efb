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


@pytest.mark.parametrize("kind", ["named pipe", "2 GB"])
def test_comparing_with_a_run_refuses_a_pipe_or_a_huge_metrics_file(tmp_path, kind):
    import os
    import threading

    from playground.app.training import read_metrics
    from playground.core.errors import PlaygroundError

    path = tmp_path / "metrics.jsonl"
    if kind == "named pipe":
        os.mkfifo(path)
    else:
        with open(path, "wb") as f:
            f.truncate(2 * 1024**3)  # sparse
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(refusal_of(read_metrics, tmp_path, PlaygroundError)),
                              daemon=True)
    thread.start()
    thread.join(timeout=20)
    if thread.is_alive():
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # let the blocked reader go
        pytest.fail("reading the run's records blocked")
    assert ("not a regular file" if kind == "named pipe" else "more than the 268,435,456 bytes") in outcome[0]


def refusal_of(read, path, error) -> str:
    try:
        read(path)
    except error as e:
        return str(e)
    return "accepted"
