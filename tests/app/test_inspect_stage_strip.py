"""Inspect's stage strip: every stage of the default model in view at 1280×720, in both UI languages.

The strip names each stage in full ("Decoder layer 2") where the whole row fits, and shortens the layers'
names ("Layer 2"; "Enc. 1" and "Dec. 1" beside an encoder) where it does not, the full name on hover.
A row that does not fit even then scrolls, as before.
"""

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from playground.core.trace import group_title

TIMEOUT = 60_000


def traced(qtbot, window, n_layer, text):
    window.workspace.set_model_config(n_layer=n_layer)
    inspect = window.panel("inspect")
    window.show_panel("inspect")
    inspect.text.setText(text)
    inspect.trace_input()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=TIMEOUT)
    assert window.banner.isHidden(), window.banner.text()
    return inspect


def settle(qtbot, window, size):
    window.resize(size)
    QApplication.processEvents()
    qtbot.wait(30)
    assert window.size() == size


def titles(inspect) -> dict[str, str]:
    return {group: button.text() for group, button in inspect.group_buttons.items()}


def test_the_default_models_stages_are_all_in_view_at_1280x720(qtbot, make_window, ui_language):
    from playground.core.workspace import DEFAULT_DATASET, Workspace

    default = Workspace()
    default.use_dataset(DEFAULT_DATASET)
    n_layer = default.recipe.model.n_layer  # 4: the model a new user traces first
    window = make_window("grammar")
    inspect = traced(qtbot, window, n_layer, "the cat sees")
    settle(qtbot, window, QSize(1280, 720))
    groups = list(inspect.group_buttons)
    assert groups == ["input", "embedding", *(f"decoder.{i}" for i in range(n_layer)), "output"]
    assert inspect.stage_scroll.horizontalScrollBar().maximum() == 0, titles(inspect)
    for group, button in inspect.group_buttons.items():
        assert button.isVisible() and button.width() >= button.sizeHint().width(), group
        if button.text() != group_title(group):  # shortened: the full name on hover
            assert button.toolTip() == group_title(group)
    shortened = {g: t for g, t in titles(inspect).items() if t != group_title(g)}
    if ui_language == "en":
        assert shortened == {f"decoder.{i}": f"Layer {i + 1}" for i in range(n_layer)}


def test_full_names_where_they_fit_short_ones_where_not(qtbot, make_window, ui_language):
    window = make_window("grammar")
    inspect = traced(qtbot, window, 4, "the cat sees")
    settle(qtbot, window, QSize(1900, 900))
    assert all(t == group_title(g) for g, t in titles(inspect).items()), titles(inspect)
    assert all(not b.toolTip() for b in inspect.group_buttons.values())
    settle(qtbot, window, window.minimumSize())  # too narrow even for the short names: the strip scrolls
    assert all(t != group_title(g) for g, t in titles(inspect).items() if g.startswith("decoder."))
    assert inspect.stage_scroll.horizontalScrollBar().maximum() > 0
    inspect.jump_to_group("output")
    qtbot.waitUntil(lambda: inspect.group_buttons["output"].visibleRegion().boundingRect().width()
                    == inspect.group_buttons["output"].width(), timeout=5_000)
    settle(qtbot, window, QSize(1900, 900))  # wide again: the full names come back
    assert all(t == group_title(g) for g, t in titles(inspect).items())


def test_beside_an_encoder_the_short_names_say_whose_layer(qtbot, make_window):
    window = make_window("reversal")
    inspect = traced(qtbot, window, 3, "abcde")
    settle(qtbot, window, window.minimumSize())
    names = titles(inspect)
    assert [names[f"encoder.{i}"] for i in range(3)] == ["Enc. 1", "Enc. 2", "Enc. 3"]
    assert [names[f"decoder.{i}"] for i in range(3)] == ["Dec. 1", "Dec. 2", "Dec. 3"]
    assert names["memory"] == "Enc. output"
    assert inspect.group_buttons["decoder.0"].toolTip() == "Decoder layer 1"
