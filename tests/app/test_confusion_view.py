"""The Train panel's confusion matrix: filled by real training steps, in the UI's language, fitting, exported."""

import csv
import io
import os

import pytest
from PySide6.QtCore import QSize

from playground.app.export import exporter_of
from playground.app.panels.train import TrainPanel
from playground.app.widgets.confusion_view import ConfusionView, label_name, report_table
from playground.core.evaluate import report_of

from .layout_check import clipped_texts
from .workspaces import tiny_workspace

TIMEOUT = 60_000


@pytest.fixture
def make_panel(qtbot, tmp_path):
    panels = []

    def make(dataset):
        ws = tiny_workspace(dataset)
        panel = TrainPanel(ws, runs_root=tmp_path / "runs")
        qtbot.addWidget(panel)
        panel.resize(1100, 700)
        panels.append(panel)
        return ws, panel

    yield make
    for panel in panels:
        panel.shutdown()


def train(qtbot, ws, panel):
    with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        panel.start()
    qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)


def last_eval(ws) -> dict:
    return [row for row in ws.core.history if row["kind"] == "eval"][-1]


@pytest.mark.parametrize("dataset", ["sentiment", "topics"])
def test_each_evaluation_of_real_training_fills_the_matrix(qtbot, make_panel, dataset):
    ws, panel = make_panel(dataset)
    labels = ws.core.recipe.task.labels
    assert panel.views.isTabVisible(panel.views.indexOf(panel.confusion)) and not panel.confusion.matrix.isVisibleTo(panel.confusion)
    shown = []
    ws.training_record.connect(lambda row: shown.append(panel.confusion.step) if row["kind"] == "eval" else None)
    train(qtbot, ws, panel)
    assert shown == [20, 40, 60]  # updated at each evaluation
    row = last_eval(ws)
    report = row["report"]
    assert panel.confusion.step == 60 and panel.confusion.report == report
    n = ws.core.recipe.train.eval_examples
    assert sum(map(sum, report["matrix"])) == n == report["examples"]
    # the cells are the record's counts; the headers the labels, then "(no label)"
    cells = panel.confusion.matrix_cells()
    assert [[int(x) for x in r] for r in cells] == report["matrix"]
    columns, rows = panel.confusion.header_texts(panel.confusion.matrix)
    assert rows == list(labels) and columns == [*labels, "(no label)"]
    # per-class scores agree with the matrix, and their means are the metrics' macro averages
    for i, c in enumerate(report["classes"]):
        predicted = sum(r[i] for r in report["matrix"])
        assert c["precision"] == pytest.approx(report["matrix"][i][i] / predicted if predicted else 0.0)
    for key in ("precision", "recall", "f1"):
        assert row["metrics"][key] == pytest.approx(sum(c[key] for c in report["classes"]) / len(labels))
    assert row["metrics"]["accuracy"] == pytest.approx(sum(report["matrix"][i][i] for i in range(len(labels))) / n)
    _, score_rows = panel.confusion.header_texts(panel.confusion.scores)
    assert score_rows == [*labels, "Macro average"]


def test_the_matrix_is_exported_as_csv_with_a_bom(qtbot, make_panel, tmp_path):
    ws, panel = make_panel("topics")
    found = exporter_of(panel.confusion)
    assert found is not None and found.table() is None  # nothing before the first evaluation
    train(qtbot, ws, panel)
    path = found.save(tmp_path / "confusion.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    report = last_eval(ws)["report"]
    assert header == ["true label", "sports", "weather", "food", "school", "(no label)", "precision", "recall", "F1",
                      "examples"]
    assert [r[0] for r in rows] == ["sports", "weather", "food", "school", "macro average"]
    assert [[int(x) for x in r[1:6]] for r in rows[:4]] == report["matrix"]
    assert float(rows[-1][8]) == pytest.approx(report["macro"]["f1"])


def test_a_task_without_labels_has_no_classes_tab(qtbot, make_panel):
    _ws, panel = make_panel("reversal")
    assert not panel.views.isTabVisible(panel.views.indexOf(panel.confusion))


HAND = report_of(["sports", "food", "food", "school", "weather", "xx"],
                 ["sports", "sports", "food", "school", "school", "weather"], ("sports", "weather", "food", "school"))


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_classes_tab_fits_the_window_at_1280x720_and_its_minimum(qtbot, make_window, language, request):
    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    window = make_window("topics")
    window.show_panel("train")
    train = window.panel("train")
    with qtbot.waitSignal(window.workspace.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
        train.start()
    qtbot.waitUntil(lambda: not train.job_running(), timeout=TIMEOUT)
    train.views.setCurrentWidget(train.confusion)
    view = train.confusion
    assert view.step == 60
    names = ["体育", "天气", "食物", "学校"] if language == "zh_CN" else ["sports", "weather", "food", "school"]
    assert view.header_texts(view.matrix)[1] == names
    found = []
    for size in (QSize(1280, 720), window.minimumSize()):
        window.resize(size)
        qtbot.wait(100)
        found += [f"{size.width()}x{size.height()}: {clip}" for clip in clipped_texts(window)]
        for table in (view.matrix, view.scores):  # every class and score in sight, none scrolled away
            assert table.horizontalScrollBar().maximum() == 0, (size, table)
            assert table.viewport().width() >= table.horizontalHeader().length()
        shots = os.environ.get("PLAYGROUND_SHOTS")
        if shots:
            window.grab().save(f"{shots}/classes-{language}-{size.width()}.png")
    assert not found, "\n".join(found)
    if language == "zh_CN":
        assert label_name("positive") == "正面" and label_name("negative") == "负面"


def test_report_table_of_a_hand_counted_report(qtbot):
    view = ConfusionView()
    qtbot.addWidget(view)
    assert report_table(view) is None
    view.show_report(5, HAND)
    header, rows = report_table(view)
    assert rows[0][:6] == ["sports", 1, 0, 1, 0, 0]
    assert rows[3][:6] == ["school", 0, 1, 0, 1, 0]
    assert rows[1][:6] == ["weather", 0, 0, 0, 0, 1]
    assert rows[0][6:] == pytest.approx([1.0, 0.5, 2 / 3, 2])
