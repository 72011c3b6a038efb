"""The Train panel's metrics table shows a translation's chrF: named, as a percentage, first when it leads."""

from playground.app.widgets.metrics_table import MetricsTable


def test_chrf_is_the_headline_row(qtbot):
    table = MetricsTable()
    qtbot.addWidget(table)
    table.show_metrics(600, {"val_loss": 0.273, "exact_match": 0.485, "chrf": 0.7214}, "chrf")
    assert table.metric_keys() == ["chrf", "val_loss", "exact_match"]
    assert table.item(0, 0).text() == "chrF" and table.item(0, 0).font().bold()
    assert table.value_text("chrf") == "72.1%"  # one percent format (app.numbers)


def test_chrf_in_chinese(qtbot, chinese_ui):
    table = MetricsTable()
    qtbot.addWidget(table)
    table.show_metrics(600, {"chrf": 0.7214}, "chrf")
    assert table.item(0, 0).text() == "chrF（字符 n 元组 F 值）"
