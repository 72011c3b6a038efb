"""The Inspect panel's own words in the Chinese UI: what lupdate used to miss (module-level and f-string tr())."""

from PySide6.QtCore import Qt

from playground.app.panels.inspect import InspectPanel
from playground.app.theme import THEMES, theme_label

from .workspaces import tiny_workspace

TIMEOUT = 30_000


def traced(qtbot, dataset, text, prefix=""):
    panel = InspectPanel(tiny_workspace(dataset))
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    panel.text.setText(text)
    panel.prefix.setText(prefix)
    panel.trace_button.click()
    qtbot.waitUntil(lambda: not panel.is_tracing() and panel.inspection is not None, timeout=TIMEOUT)
    return panel


def test_head_toggles_name_their_layers_in_chinese(qtbot, chinese_ui):
    panel = traced(qtbot, "reversal", "abcd", "dc")
    try:
        grid = panel.toggles.grid
        rows = [grid.itemAtPosition(row, 0).widget().text() for row in range(grid.rowCount())]
        assert rows == ["编码器第 1 层自注意力", "解码器第 1 层自注意力", "解码器第 1 层交叉注意力"]
        assert {b.text() for b in panel.toggles.buttons.values()} == {"头 1", "头 2"}
    finally:
        panel.shutdown()


def test_axes_and_the_worked_attention_row_in_chinese(qtbot, chinese_ui):
    panel = traced(qtbot, "grammar", "the cat sees")
    try:
        panel.go_to(panel.inspection.trace.names().index("decoder.0.attn.weights"))
        detail = panel.detail
        assert detail.shape.text().endswith("轴：头，查询，键")
        heat = detail.heatmap
        qtbot.wait(50)  # the stage list fits its names: the panel lays out again before the cells are where they stay
        with qtbot.waitSignal(heat.cell_hovered):
            qtbot.mouseMove(heat, heat.cell_centre(2, 1).toPoint())
        assert detail.hover_label.text().startswith("查询 2 ") and "，键 1 " in detail.hover_label.text()
        qtbot.mouseClick(heat, Qt.MouseButton.LeftButton, pos=heat.cell_centre(2, 1).toPoint())
        worked = detail.worked.toPlainText()
        assert "注意力头 1，查询 2" in worked and "A·v（前几维）" in worked and "已掩码" in worked  # keys 3.. are the future
        panel.go_to(panel.inspection.trace.names().index("decoder.0.mlp.hidden"))
        assert detail.shape.text().endswith("轴：位置，隐藏单元")
    finally:
        panel.shutdown()


def test_theme_names_in_chinese(chinese_ui):
    assert [theme_label(name) for name in THEMES] == ["跟随系统", "浅色", "深色", "高对比度", "高对比度（白底黑字）"]
