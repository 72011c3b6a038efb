"""Opening a GPT-2 folder tells the shown panel at once and the hidden ones in later event-loop turns (issue 13):
every panel ends up showing the model, also when the user switches panel or opens something else meanwhile."""

import pytest

from tests.gpt2_folders import tiny_gpt2_folder

pytest.importorskip("transformers")
TIMEOUT = 60_000
PANELS = ("data", "tokenize", "model", "inspect", "generate", "train")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    return [tiny_gpt2_folder(tmp_path_factory.mktemp(name), seed) for seed, name in enumerate(("gpt2-a", "gpt2-b"))]


def loaded(folder):
    """What the window's job hands over: the workspace read from ``folder`` (in the test's thread)."""
    from playground.app.session_actions import model_folder_workspace

    return model_folder_workspace(str(folder))


def showing_pretrained(window, folder) -> set[str]:
    """The panels whose widgets show the pretrained model of ``folder`` (read off the widgets, none shown first)."""
    core = window.workspace.core
    vocab_size = core.recipe.task.tokenizer.vocab_size if core.pretrained else -1
    p = {name: window.panel(name) for name in PANELS}
    checks = {
        "data": folder.name in p["data"].heading.text() and "pretrained model" in p["data"].heading.text(),
        "tokenize": p["tokenize"].left.tokenizer is getattr(core.recipe.task, "tokenizer", None)
        and p["tokenize"].left.vocabulary.shown_count() == vocab_size,
        "model": p["model"].vocab_label.text() == f"{vocab_size} tokens (BPE tokenizer)",
        "inspect": p["inspect"].step_slider.step_label.text() == "pretrained weights",
        "generate": p["generate"].model_state_label.text() == f"Pretrained model from {folder.name}.",
        "train": p["train"].status.state_label.text() == "Pretrained weights: not trained here"
        and not p["train"].start_action.isEnabled(),
    }
    return {name for name, shows in checks.items() if shows}


def all_told(qtbot, window) -> None:
    """The panels have heard of the model (``jobs_running``), and the Data panel has counted it (its own job)."""
    qtbot.waitUntil(lambda: not window.jobs_running() and not window.panel("data").jobs_running(), timeout=TIMEOUT)


def test_opening_a_folder_tells_every_panel_through_the_menu_path(qtbot, window, folders):
    window.show_panel("data")
    window.open_model_folder(str(folders[0]))  # the menu item's path: a job, then the panels in turns
    qtbot.waitUntil(lambda: window.workspace.core.pretrained is not None and not window.jobs_running(),
                    timeout=TIMEOUT)
    assert not window.workspace.turns.busy()
    all_told(qtbot, window)
    assert showing_pretrained(window, folders[0]) == set(PANELS)
    assert window.current_panel() is window.panel("inspect")


def test_the_shown_panel_hears_first_and_the_hidden_ones_in_later_turns(qtbot, window, folders):
    told = []
    window.workspace.turns.all_told.connect(lambda: told.append(True))
    window._on_model_folder_loaded(str(folders[0]), loaded(folders[0]))
    assert showing_pretrained(window, folders[0]) == {"inspect"}  # in this turn: only the panel being shown
    assert window.jobs_running() and not told  # what the tests and the bench wait on is not true yet
    all_told(qtbot, window)
    assert told and showing_pretrained(window, folders[0]) == set(PANELS)


@pytest.mark.parametrize("switch_to", ["generate", "tokenize", "train"])
def test_a_panel_shown_while_the_others_are_told_shows_the_model_at_once(qtbot, window, folders, switch_to):
    window._on_model_folder_loaded(str(folders[0]), loaded(folders[0]))
    window.show_panel(switch_to)
    assert showing_pretrained(window, folders[0]) >= {"inspect", switch_to}
    all_told(qtbot, window)
    assert showing_pretrained(window, folders[0]) == set(PANELS)
    assert window.current_panel() is window.panel(switch_to)


def test_a_second_folder_opened_at_once_is_what_every_panel_shows(qtbot, window, folders):
    first, second = loaded(folders[0]), loaded(folders[1])
    window._on_model_folder_loaded(str(folders[0]), first)
    window.show_panel("model")
    window._on_model_folder_loaded(str(folders[1]), second)
    assert window.workspace.core is second
    all_told(qtbot, window)
    assert showing_pretrained(window, folders[1]) == set(PANELS)


def test_a_session_opened_at_once_is_what_every_panel_shows(qtbot, window, folders, tmp_path):
    from playground.core.session import load_session

    assert window.save_session_as(str(tmp_path / "own.playground"))
    session = load_session(tmp_path / "own.playground")
    window._on_model_folder_loaded(str(folders[0]), loaded(folders[0]))
    window._on_session_loaded(str(tmp_path / "own.playground"), session)  # replace_core at once, not in turns
    assert not window.workspace.turns.busy()  # what was owed ran before the session's news, in order
    all_told(qtbot, window)
    core = window.workspace.core
    assert core is session[0] and showing_pretrained(window, folders[0]) == set()
    assert window.panel("generate").model_state_label.text().startswith("⚠ Untrained model")
    assert window.panel("train").start_action.isEnabled()
    assert window.panel("tokenize").left.tokenizer is core.recipe.task.tokenizer
    window.show_panel("inspect")
    assert window.panel("inspect").step_slider.step_label.text() == "step 0 (now)"


def test_closing_the_window_while_panels_are_told_tells_them_first(qtbot, window, folders):
    window._on_model_folder_loaded(str(folders[0]), loaded(folders[0]))
    assert window.workspace.turns.busy()
    window.close()  # shutdown: every panel hears now, then every job (theirs too) is stopped
    assert not window.workspace.turns.busy() and not window.jobs_running()
    assert not any(panel.jobs_running() for panel in window.panels)
