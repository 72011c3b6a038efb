"""The Train panel's Health tab: real training fills its curves and heatmap, warnings in words, fits the window."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from playground.app.panels.train import TrainPanel
from playground.app.widgets.health_view import HealthView

from .layout_check import clipped_texts, shoot
from .test_layout import SIZES
from .workspaces import tiny_workspace

TIMEOUT = 60_000


@pytest.fixture
def make_panel(qtbot, tmp_path):
    panels = []

    def make(dataset="grammar", **train):
        ws = tiny_workspace(dataset, **train)
        panel = TrainPanel(ws, runs_root=tmp_path / "runs")
        qtbot.addWidget(panel)
        panel.resize(1100, 700)
        panel.show()
        panels.append(panel)
        return ws, panel

    yield make
    for panel in panels:
        panel.shutdown()


def train(qtbot, panel):
    panel.start()
    qtbot.waitUntil(lambda: panel.state == "finished" and not panel.job_running(), timeout=TIMEOUT)
    panel.health.plot.refresh_all()


@pytest.mark.parametrize("dataset", ["grammar", "reversal"])
def test_training_fills_the_curves_and_the_entropy_heatmap(qtbot, make_panel, dataset):
    ws, panel = make_panel(dataset, max_steps=40, health_interval=5, eval_interval=20)
    train(qtbot, panel)
    history = ws.core.history
    health = [row for row in history if row["kind"] == "health"]
    attention = [row for row in history if row["kind"] == "attention"]
    assert [row["step"] for row in health] == list(range(5, 41, 5)) and [row["step"] for row in attention] == [20, 40]
    plot = panel.health.plot
    layers = health[-1]["layers"]
    assert list(plot.grads) == layers and layers[0] == "embedding" and layers[-1] == "head"
    for i, layer in enumerate(layers):  # each curve holds what the records said, point for point
        x, y = plot.curves[("grad", layer)].getOriginalDataset()
        assert list(x) == [row["step"] for row in health]
        assert np.allclose(y, [row["grad_norms"][i] for row in health])
        x, y = plot.curves[("ratio", layer)].getOriginalDataset()
        assert np.allclose(y, [row["update_ratios"][i] for row in health])
    assert plot.grad_plot.getAxis("left").logMode and plot.ratio_plot.getAxis("left").logMode
    heatmap = panel.health.entropy
    assert np.allclose(heatmap.values, np.array(attention[-1]["entropy"]))
    expected_rows = {"grammar": ["D1"], "reversal": ["E1", "D1", "C1"]}[dataset]
    assert [label for label in heatmap.row_labels] == expected_rows and heatmap.col_labels == ["1", "2"]
    assert "Nothing looks off" in panel.health.warnings.toPlainText()
    assert panel.views.tabText(1) == "Health"


def test_a_huge_learning_rate_is_named_with_what_to_try(qtbot, make_panel):
    ws, panel = make_panel(max_steps=30, health_interval=2, lr=1.0, min_lr=1.0, warmup_steps=1, grad_clip=0.0)
    train(qtbot, panel)
    texts = panel.health.warning_texts()
    assert any("Large updates" in t and "lower learning rate" in t for t in texts)
    assert "Large updates" in panel.health.warnings.toPlainText()
    assert panel.views.tabText(1) == f"Health ({len(texts)})" and not panel.views.tabIcon(1).isNull()


def test_the_health_tab_comes_back_from_the_history(qtbot, make_panel):
    """A loaded session or another model: the tab is redrawn from the workspace's history."""
    ws, panel = make_panel(max_steps=20, health_interval=5)
    train(qtbot, panel)
    other = TrainPanel(ws)
    qtbot.addWidget(other)
    other.health.plot.refresh_all()
    assert other.health.plot.point_count() == panel.health.plot.point_count() > 0
    assert np.allclose(other.health.entropy.values, panel.health.entropy.values)
    state = panel.ui_state()
    panel.views.setCurrentIndex(1)
    assert panel.ui_state()["health"] and not state["health"]
    other.restore_ui_state(panel.ui_state())
    assert other.views.currentWidget() is other.health
    other.shutdown()


def test_health_off_leaves_the_tab_waiting(qtbot, make_panel):
    ws, panel = make_panel(max_steps=10, health_interval=0)
    train(qtbot, panel)
    assert panel.health.plot.point_count() == 0
    assert "No measurements yet" in panel.health.warnings.toPlainText()


def test_hovering_an_entropy_cell_names_the_head(qtbot):
    view = HealthView()
    qtbot.addWidget(view)
    view.add_row({"kind": "attention", "step": 20, "modules": ["decoder.0.attn", "decoder.0.cross_attn"],
                  "entropy": [[0.5, 1.0], [1.5, 0.05]], "max_entropy": 2.5, "warnings": []})
    view.entropy.cell_hovered.emit(1, 1, 0.05)
    assert view.entropy_caption.text() == "decoder layer 1, cross-attention, head 2: 0.05 nats"


def health_tab_clips(qtbot, window, tag):
    found = []
    train_panel = window.panel("train")
    for size_name, size in SIZES.items():
        window.resize(size or window.minimumSize())
        window.show_panel("train")
        train_panel.views.setCurrentIndex(1)
        QApplication.processEvents()
        qtbot.wait(60)
        found += [f"health at {size_name}: {clip}" for clip in clipped_texts(window)]
        shoot(window, f"{tag}-health-{size_name}")
    return found


def train_in_window(qtbot, window, **changes):
    window.workspace.set_train_config(**changes)
    panel = window.panel("train")
    window.show_panel("train")
    panel.start()
    qtbot.waitUntil(lambda: panel.state == "finished" and not panel.job_running(), timeout=TIMEOUT)


def test_the_health_tab_fits_with_warnings_in_english(qtbot, make_window):
    window = make_window("reversal")
    train_in_window(qtbot, window, max_steps=30, health_interval=2, lr=1.0, min_lr=1.0, warmup_steps=1, grad_clip=0.0,
                    eval_interval=15)
    assert window.panel("train").health.current_warnings()
    found = health_tab_clips(qtbot, window, "en")
    assert not found, "\n".join(found)


def test_the_health_tab_fits_in_chinese(qtbot, chinese_ui, make_window):
    window = make_window("numbers-zh")
    train_in_window(qtbot, window, max_steps=30, health_interval=2, lr=1.0, min_lr=1.0, warmup_steps=1, grad_clip=0.0,
                    eval_interval=15)
    panel = window.panel("train")
    assert panel.views.tabText(1).startswith("健康")
    assert any("学习率" in t for t in panel.health.warning_texts())
    found = health_tab_clips(qtbot, window, "zh")
    assert not found, "\n".join(found)


def test_the_numbers_behind_both_views_export(qtbot, make_panel):
    ws, panel = make_panel(max_steps=20, health_interval=5, eval_interval=20)
    train(qtbot, panel)
    health = [row for row in ws.core.history if row["kind"] == "health"]
    header, rows = panel.health.curve_table()
    layers = health[0]["layers"]
    assert header[0] == "step" and len(header) == 1 + 2 * len(layers) and header[1] == "gradient norm, embedding"
    assert [r[0] for r in rows] == [row["step"] for row in health]
    assert rows[-1][1:] == pytest.approx(health[-1]["grad_norms"] + health[-1]["update_ratios"])
    header, rows = panel.health.entropy_table()
    attention = [row for row in ws.core.history if row["kind"] == "attention"][-1]
    assert header == ["entropy (nats)", "head 1", "head 2"]
    assert rows == [["decoder layer 1, self-attention", *attention["entropy"][0]]]


def test_both_views_export_pictures(qtbot, make_panel, tmp_path):
    from .test_export import check_pictures

    ws, panel = make_panel(max_steps=20, health_interval=5, eval_interval=20)
    train(qtbot, panel)
    panel.views.setCurrentWidget(panel.health)
    qtbot.waitUntil(panel.health.plot.isVisible)
    qtbot.wait(100)
    check_pictures(panel.health.plot, tmp_path, ["step", "‖g‖"])
    check_pictures(panel.health.entropy, tmp_path, ["D1"])
