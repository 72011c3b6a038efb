"""Export of every view: PNG at twice the view's size, SVG with the view's text, the clipboard, and CSV of the
numbers the model computed; from the right-click menu, Ctrl+Shift+E and the file dialog; failures said clearly."""

import codecs
import csv
import io
import os
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QLocale, QPoint, Qt, QTranslator
from PySide6.QtGui import QAction, QContextMenuEvent, QCursor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QFileDialog

from playground.app import view_tables
from playground.app.export import (ACTION_NAME, SHORTCUT, ViewExporter, csv_bytes, exporter_of, file_stem,
                                   install_shortcut, make_exportable)
from playground.app.panels.inspect import InspectPanel
from playground.app.panels.train import TrainPanel
from playground.app.settings import open_settings
from playground.app.widgets.token_spans import TokenSpanView
from playground.core.errors import SaveError
from playground.core.inspect import softmax_at
from playground.core.token_text import readable_token, token_bytes
from playground.core.tokenizer import KINDS, SPECIALS, Tokenizer
from tests.faults import disk_full_after

from .workspaces import tiny_workspace

TIMEOUT = 30_000
STEPS = 40  # real training steps of the tiny model: two evaluations (every 20)


def trained(dataset: str):
    ws = tiny_workspace(dataset)
    for record in ws.core.new_trainer(max_steps=STEPS).run():
        ws.core.record(asdict(record))
    return ws


@pytest.fixture(scope="module")
def grammar(qapp):
    return trained("grammar")


@pytest.fixture(scope="module")
def numbers_zh(qapp):
    return trained("numbers-zh")


# --- checks every export goes through --------------------------------------------------------------
def exporter(view) -> ViewExporter:
    found = exporter_of(view)
    assert found is not None and found.view is view
    return found


def svg_text(path) -> str:
    return "".join(ET.parse(path).getroot().itertext())


def read_csv(path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)  # Excel reads Chinese right only with it
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return rows[0], rows[1:]


def grey(image: QImage, size) -> np.ndarray:
    """An image at ``size`` as grey levels 0..1."""
    small = image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    small = small.convertToFormat(QImage.Format.Format_Grayscale8)
    bits = np.frombuffer(small.constBits(), dtype=np.uint8).reshape(small.height(), small.bytesPerLine())
    return bits[:, : small.width()].astype(float) / 255


def sharpness(grey_levels: np.ndarray) -> float:
    """How much the picture changes from one pixel to the next: text and lines drawn at 2x are sharper than 1x
    scaled up."""
    return float(np.abs(np.diff(grey_levels, axis=1)).mean() + np.abs(np.diff(grey_levels, axis=0)).mean())


def check_pictures(view, tmp_path, texts: list[str]) -> None:
    """PNG: twice the view's size and, brought back to its size, the view as the screen shows it; SVG: draws the
    same, parses and holds ``texts``; copy: an image (and the SVG) on the clipboard; the view is as it was."""
    found = exporter(view)
    png = found.save(tmp_path / f"{found.name()}.png")  # before anything else draws the view (a plot's axes
    image = QImage(str(png))  # keep a drawing of their labels made at the first paint)
    assert not image.isNull() and image.size() == view.size() * 2
    shown = grey(view.grab().toImage(), view.size())
    assert shown.std() > 0.02  # something is drawn
    quarter = view.size() / 4  # coarse: the same drawing, whatever the antialiasing of small text
    difference = np.abs(grey(image, quarter) - grey(view.grab().toImage(), quarter)).mean()
    assert difference < 0.01, difference  # 0.017 when the axes' labels came out at twice their size
    upscaled = grey(view.grab().toImage(), image.size())
    assert sharpness(grey(image, image.size())) > 1.03 * sharpness(upscaled)  # drawn at 2x (1.06 to 1.6 here)
    svg = found.save(tmp_path / f"{found.name()}.svg")
    renderer = QSvgRenderer(str(svg))
    drawn = QImage(view.size(), QImage.Format.Format_ARGB32)
    drawn.fill(Qt.GlobalColor.white)
    painter = QPainter(drawn)
    renderer.render(painter)
    painter.end()
    assert np.abs(grey(drawn, quarter) - grey(view.grab().toImage(), quarter)).mean() < 0.01  # the same drawing
    text = svg_text(svg)
    for expected in texts:
        assert expected in text, (expected, text[:400])
    found.copy()
    copied = QGuiApplication.clipboard().image()
    assert not copied.isNull() and copied.size() == view.size() * 2
    assert np.abs(grey(view.grab().toImage(), view.size()) - shown).mean() < 0.002  # the view is as it was


def check_csv(view, tmp_path) -> tuple[list[str], list[list[str]]]:
    found = exporter(view)
    assert found.has_numbers()
    return read_csv(found.save(tmp_path / f"{found.name()}.csv"))


# --- the Train panel: loss, learning rate, gradient norm; the metrics ------------------------------------
@pytest.fixture
def train_panel(qtbot, grammar, tmp_path):
    panel = TrainPanel(grammar, runs_root=tmp_path / "runs")
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitExposed(panel)
    yield panel
    panel.shutdown()


def test_loss_plot_exports_pictures_and_its_history(train_panel, grammar, tmp_path):
    plot = train_panel.plot
    check_pictures(plot, tmp_path, ["loss", "step", "learning rate", "gradient norm", "validation loss"])
    header, rows = check_csv(plot, tmp_path)
    assert header == ["step", "training loss", "training loss (smoothed)", "validation loss", "learning rate",
                      "gradient norm"]
    steps = [r for r in grammar.core.history if r["kind"] == "step"]
    evals = {r["step"]: r["metrics"]["val_loss"] for r in grammar.core.history if r["kind"] == "eval"}
    assert len(rows) == len(steps) == STEPS and len(evals) == 2
    for row, record in zip(rows, steps):
        assert int(row[0]) == record["step"]
        assert float(row[1]) == record["loss"] and float(row[4]) == record["lr"]
        assert float(row[5]) == record["grad_norm"]
        assert (float(row[3]) == evals[record["step"]]) if record["step"] in evals else row[3] == ""
    assert float(rows[0][2]) == pytest.approx(float(rows[0][1]), rel=1e-12)  # smoothing starts at the first loss


def test_metrics_table_exports_every_evaluation(train_panel, grammar, tmp_path):
    table = train_panel.metrics
    check_pictures(table, tmp_path, ["Metric", "Validation loss"])
    header, rows = check_csv(table, tmp_path)
    evals = [r for r in grammar.core.history if r["kind"] == "eval"]
    assert header[:3] == ["step", "Validation loss", "Perplexity"]
    assert [int(r[0]) for r in rows] == [e["step"] for e in evals]
    names = {name: key for key, name in table.names().items()}
    for row, record in zip(rows, evals):
        for name, cell in zip(header[1:], row[1:]):
            assert float(cell) == record["metrics"][names[name]]
    assert table.value_text("val_loss") == f"{float(rows[-1][1]):.4g}"  # the last row is the one shown


# --- the inspector: heatmap, all heads, attention lines, next token, embedding map ----------------------
@pytest.fixture
def inspect(qtbot):
    panels = []

    def make(ws, text, prefix=""):
        panel = InspectPanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1200, 800)
        panel.show()
        panel.text.setText(text)
        panel.prefix.setText(prefix)
        panel.trace_button.click()
        qtbot.waitUntil(lambda: not panel.is_tracing() and panel.inspection is not None, timeout=TIMEOUT)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def go_to(panel, name: str, tab: int):
    panel.go_to(panel.inspection.trace.names().index(name))
    panel.detail.tabs.setCurrentIndex(tab)
    panel.detail.tabs.currentWidget().show()
    return panel.detail


CASES = {  # dataset: text, output so far, the attention stage, a token its labels show
    "grammar": ("the cat sees", "", "decoder.0.attn.weights", "␣"),
    "numbers-zh": ("1234", "一千二百", "decoder.0.cross_attn.weights", "百"),
}


@pytest.mark.parametrize("dataset", CASES)
def test_attention_views_export_the_recorded_weights(inspect, grammar, numbers_zh, tmp_path, dataset):
    text, prefix, stage, token = CASES[dataset]
    panel = inspect(grammar if dataset == "grammar" else numbers_zh, text, prefix)
    detail = go_to(panel, stage, 0)
    detail.set_head(1)
    weights = panel.inspection.trace.get(stage).tensor
    queries, keys = detail.labels_for("query", panel.inspection.trace.get(stage)), detail.labels_for(
        "key", panel.inspection.trace.get(stage))
    assert token in queries
    check_pictures(detail.heatmap, tmp_path, [token])
    header, rows = check_csv(detail.heatmap, tmp_path)
    assert header == ["query \\ key", *keys] and [r[0] for r in rows] == queries
    assert np.array_equal(np.array([[float(c) for c in r[1:]] for r in rows], dtype=np.float32), weights[1].numpy())
    title = panel.inspection.trace.get(stage).title
    name = f"Decoder layer 1 - {title} - head 2".replace(": ", " - ")  # readable, not the stage id
    assert exporter(detail.heatmap).name() == name

    go_to(panel, stage, 1)
    check_pictures(detail.head_grid, tmp_path, ["head 1", "head 2"])
    header, rows = check_csv(detail.head_grid, tmp_path)
    assert header == ["head", "query position", "query", "key position", "key", "weight"]
    assert len(rows) == weights.numel()
    for head, q, query, k, key, w in rows[:: max(1, len(rows) // 50)]:
        assert query == queries[int(q)] and key == keys[int(k)]
        assert float(w) == float(weights[int(head) - 1, int(q), int(k)])
    check_pictures(detail.lines, tmp_path, [token, "queries", "keys"])
    header, rows = check_csv(detail.lines, tmp_path)
    assert header == ["query \\ key", *keys]
    assert np.array_equal(np.array([[float(c) for c in r[1:]] for r in rows], dtype=np.float32), weights[1].numpy())


@pytest.mark.parametrize("dataset", CASES)
def test_next_token_bars_export_the_logits_table(inspect, grammar, numbers_zh, tmp_path, dataset):
    text, prefix, _stage, _token = CASES[dataset]
    panel = inspect(grammar if dataset == "grammar" else numbers_zh, text, prefix)
    detail = go_to(panel, "logits", 2)
    detail.temperature.setValue(70)
    top_token = detail.bars.items[0][0]
    check_pictures(detail.bars, tmp_path, [top_token])
    header, rows = check_csv(detail.bars, tmp_path)
    assert header == ["rank", "id", "token", "logit", "probability (T = 0.70)"]
    logits = panel.inspection.trace.logits[detail.selected_position()]
    probs = softmax_at(logits, 0.7).numpy()
    assert len(rows) == logits.numel() and rows[0][2] == top_token
    for rank, token_id, token, logit, p in rows:
        i = int(token_id)
        assert token == detail.token_text(i) and float(logit) == float(logits[i]) and float(p) == float(probs[i])
    assert [float(r[4]) for r in rows] == sorted((float(r[4]) for r in rows), reverse=True)


def test_embedding_map_exports_its_points(inspect, numbers_zh, tmp_path):
    panel = inspect(numbers_zh, "1234", "一千二百")
    detail = go_to(panel, panel.inspection.trace.names()[next(
        i for i, r in enumerate(panel.records()) if r.group == "embedding")], 3)
    plot = detail.embedding_map.plot
    labelled = next(iter(detail.embedding_map.labels.values()))
    check_pictures(plot, tmp_path, ["first principal direction", labelled])
    header, rows = check_csv(plot, tmp_path)
    assert header[:4] == ["id", "token", "x", "y"]
    xy = panel.inspection.embedding_2d.numpy()
    assert len(rows) == int(np.isfinite(xy).all(axis=1).sum())
    for row in rows:
        i = int(row[0])
        assert row[1] == detail.embedding_map.texts[i]
        assert (float(row[2]), float(row[3])) == (float(xy[i, 0]), float(xy[i, 1]))
    assert any("百" in row[1] for row in rows)


# --- tokens over every tokenizer kind and script ------------------------------------------------------
TEXTS = {
    "english": "The quick brown fox.\nHello world, hello again.",
    "chinese": "孙悟空是一只猴子。\n悟空跟着唐僧去西天取经。",
    "emoji": "I love 😀 and 👍🏽 party 🎉!\n😀 good",
}
VOCAB_SIZES = {"char": None, "bpe": 300, "wordpiece": 120, "unigram": 60, "word": 30}


@pytest.mark.parametrize("script", TEXTS)
@pytest.mark.parametrize("kind", KINDS)
def test_token_view_exports_its_token_table(qtbot, tmp_path, kind, script):
    text = TEXTS[script]
    tok = Tokenizer.train(kind, [text] * 20, VOCAB_SIZES[kind])
    view = TokenSpanView()
    qtbot.addWidget(view)
    make_exportable(view, f"tokens-{kind}", lambda: view_tables.tokens(view))  # as the Tokenize panel does
    view.resize(500, 300)
    encoding = tok.encode(text)
    view.set_tokens(text, encoding, {tok.unk_id}, kind)
    view.resize(500, view.minimumHeight())
    view.show()
    qtbot.waitExposed(view)
    shown = next(c.text for c in view.chips if c.ids and c.text.strip() and c.text not in SPECIALS)
    check_pictures(view, tmp_path, [shown])
    header, rows = check_csv(view, tmp_path)
    assert header == ["index", "id", "token", "bytes", "start", "end"]
    assert [int(r[1]) for r in rows] == encoding.ids and [int(r[0]) for r in rows] == list(range(len(rows)))
    assert [r[2] for r in rows] == [readable_token(kind, t) for t in encoding.tokens]
    assert [(int(r[4]), int(r[5])) for r in rows] == [tuple(o) for o in encoding.offsets]
    data = b"".join(bytes.fromhex(r[3]) for r in rows)
    if kind in ("char", "bpe"):  # every byte of the text is in exactly one token
        assert data == text.encode("utf-8")
    else:  # spaces between words are not tokens (word, wordpiece) or become ▁ (unigram): the rest is there
        assert data.replace(b" ", b"").replace(b"\n", b"") == text.encode("utf-8").replace(b" ", b"").replace(
            b"\n", b"")


# --- in the window: the menu, the shortcut, the dialog, failures --------------------------------------
def test_every_panel_view_has_the_menu_and_the_diagram_exports(qtbot, window, tmp_path):
    model = window.panel("model")
    window.show_panel("model")
    qtbot.waitUntil(lambda: model.diagram.isVisible() and bool(model.diagram.block_titles()), timeout=TIMEOUT)
    diagram = model.diagram
    check_pictures(diagram, tmp_path, [diagram.block_titles()[0]])
    found = exporter(diagram)
    assert not found.has_numbers()
    centre = diagram.rect().center()
    with qtbot.waitSignal(diagram.customContextMenuRequested):  # what a right click sends
        QApplication.sendEvent(diagram, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre,
                                                          diagram.mapToGlobal(centre)))
    assert found.menu is not None and found.menu.isVisible()
    names = [a.objectName() for a in found.menu.actions() if a.objectName()]
    assert names == ["export-png", "export-svg", "export-copy"]
    found.menu.close()
    for view in (window.panel("train").metrics, window.panel("train").plot):  # scroll areas: the viewport is clicked
        window.show_panel("train")
        qtbot.waitUntil(view.isVisible)
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5),
                                                                  view.viewport().mapToGlobal(QPoint(5, 5))))
        assert exporter(view).menu is not None and exporter(view).menu.isVisible()
        exporter(view).menu.close()
    for name, view in (("train", window.panel("train").plot), ("tokenize", window.panel("tokenize").left.view),
                       ("inspect", window.panel("inspect").detail.heatmap)):
        assert exporter(view).has_numbers(), name
        menu = exporter(view).build_menu()
        assert [a.text() for a in menu.actions() if a.objectName()] == [
            "Save as PNG (2× size)…", "Save as SVG…", "Copy image", "Save the numbers as CSV…"]


def test_shortcut_exports_the_view_under_the_mouse(qtbot, window, tmp_path):
    tokenize = window.panel("tokenize")
    window.show_panel("tokenize")
    tokenize.input.setPlainText("悟空 😀")
    tokenize.refresh()
    view = tokenize.left.view
    qtbot.waitUntil(view.isVisible, timeout=TIMEOUT)
    action = window.findChild(QAction, ACTION_NAME)  # put there when the first view was shown
    assert action is not None and install_shortcut(window) is action and action.shortcut().toString() == SHORTCUT
    assert not any(a is not action and a.shortcut().toString() == SHORTCUT for a in window.findChildren(QAction))
    QCursor.setPos(view.mapToGlobal(view.rect().center()))
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    found = exporter(view)
    assert found.menu is not None and found.menu.isVisible()
    copy = next(a for a in found.menu.actions() if a.objectName() == "export-copy")
    copy.trigger()
    assert QGuiApplication.clipboard().image().size() == view.size() * 2
    found.menu.close()
    largest = max((e for e in window.findChildren(ViewExporter) if e.view.isVisible()),
                  key=lambda e: e.view.width() * e.view.height())
    other = next(e for e in (exporter(tokenize.left.view), exporter(tokenize.right.view)) if e is not largest)
    QCursor.setPos(window.mapToGlobal(QPoint(-50, -50)))  # outside every view: the one with the focus
    other.view.setFocus()
    qtbot.waitUntil(other.view.hasFocus)
    action.trigger()
    assert other.menu is not None and other.menu.isVisible() and not (largest.menu and largest.menu.isVisible())
    other.menu.close()
    tokenize.input.setFocus()  # no view has it: the largest one shown
    qtbot.waitUntil(tokenize.input.hasFocus)
    action.trigger()
    assert largest.menu is not None and largest.menu.isVisible()
    largest.menu.close()


def test_dialog_suggests_the_views_name_and_remembers_the_folder(qtbot, train_panel, tmp_path):
    found = exporter(train_panel.plot)
    dialog = found.ask("png")
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith("/Loss curves.png")  # readable, in the UI language
    target = tmp_path / "slides" / "my loss.png"
    target.parent.mkdir()
    dialog.selectFile(str(target))
    dialog.accept()
    assert QImage(str(target)).size() == train_panel.plot.size() * 2
    assert open_settings().value("export/folder") == str(target.parent)
    again = found.ask("csv")
    assert again.selectedFiles()[0] == str(target.parent / "Loss curves.csv")
    again.reject()


def test_a_failed_write_says_why_and_what_to_do(qtbot, train_panel, tmp_path):
    found = exporter(train_panel.plot)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    assert not found.save_chosen(str(blocker / "loss.png"), "png")
    assert found.message is not None and found.message.isVisible()
    assert "could not be written" in found.message.text() and "Choose a folder you can write to" in found.message.text()
    found.message.close()
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root writes anywhere chmod forbids; /sys refuses even root
        locked = Path("/sys")
    assert not found.save_chosen(str(locked / "loss.svg"), "svg")
    assert "Permission denied" in found.message.text() and str(locked / "loss.svg") in found.message.text()
    found.message.close()
    existing = tmp_path / "loss.csv"
    existing.write_bytes(b"old")
    with disk_full_after(1024):
        assert not found.save_chosen(str(existing), "csv")
    assert "disk is full" in found.message.text() and existing.read_bytes() == b"old"
    found.message.close()


def test_an_empty_view_exports_in_no_format_and_says_why(qtbot, tmp_path):
    """CSV, PNG, SVG and the clipboard alike: a view of numbers that shows none yet exports nothing (a blank
    picture of it was saved before) and says what fills it."""
    view = TokenSpanView()
    qtbot.addWidget(view)
    view.resize(300, 100)
    found = make_exportable(view, "tokens", lambda: view_tables.tokens(view))
    view.show_placeholder("nothing here")
    said = "This view shows nothing yet: train, tokenize or trace something first."  # on no panel
    for fmt in ("csv", "png", "svg"):
        assert found.ask(fmt) is None and found.dialog is None
        assert found.message.text() == said
        found.message.close()
        with pytest.raises(SaveError, match="shows nothing yet"):
            found.save(tmp_path / f"tokens.{fmt}")
        assert not (tmp_path / f"tokens.{fmt}").exists()
    QGuiApplication.clipboard().clear()
    found.copy()
    assert QGuiApplication.clipboard().image().isNull() and found.message.text() == said
    found.message.close()
    tok = Tokenizer.train("char", ["the cat"] * 5)
    view.set_tokens("the cat", tok.encode("the cat"), set(), "char")
    assert QImage(str(found.save(tmp_path / "tokens.png"))).size() == view.size() * 2
    view.resize(0, 0)
    with pytest.raises(SaveError, match="no size yet"):
        found.save(tmp_path / "tokens.svg")
    assert not (tmp_path / "tokens.svg").exists()


def test_an_empty_view_names_what_fills_it_on_its_panel(qtbot, window):
    """Before any training, tokenizing of that column, trace or generation, each panel's empty view says what to do
    there; the architecture diagram, which has no numbers, is never empty."""
    views = {"train": window.panel("train").plot, "tokenize": window.panel("tokenize").right.view,
             "inspect": window.panel("inspect").detail.heatmap, "generate": window.panel("generate").token_view}
    todo = {"train": "train the model first (Start)", "tokenize": "type a text to tokenize first",
            "inspect": "trace an input first (Trace)", "generate": "generate a text first (Generate)"}
    for panel, view in views.items():
        window.show_panel(panel)
        found = exporter(view)
        assert found.is_empty(), panel
        with pytest.raises(SaveError) as error:
            found.data("png")
        assert str(error.value).startswith("This view shows nothing yet: " + todo[panel]), (panel, str(error.value))
    assert not exporter(window.panel("model").diagram).is_empty()


def test_csv_is_utf8_with_a_bom_and_names_are_safe():
    data = csv_bytes(["token", "p"], [["␣悟空", 0.5], ["↵", 1e-9], ["😀,\"x\"", 0.25]])
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["token", "p"], ["␣悟空", "0.5"], ["↵", "1e-09"], ["😀,\"x\"", "0.25"]]
    assert file_stem("Decoder layer 1 / head 2") == "Decoder layer 1 - head 2"
    assert file_stem("tokens-悟空") == "tokens-悟空" and file_stem("///") == "view"
    assert file_stem('a:b*c?"d"<e>|f\\g') == "a-b-c-d-e-f-g" and file_stem(" . x . ") == "x"


def test_token_bytes_of_every_kind():
    assert token_bytes("bpe", "ĠæĤ") == " 悟".encode()[:3]
    assert token_bytes("bpe", "ĠæĤŁç©º") == " 悟空".encode()
    assert token_bytes("char", "<0xE6>") == b"\xe6" and token_bytes("char", "悟") == "悟".encode()
    assert token_bytes("wordpiece", "##ing") == b"ing" and token_bytes("wordpiece", "##") == b"##"
    assert token_bytes("unigram", "▁the") == b" the" and token_bytes("word", "hello") == b"hello"


@pytest.fixture
def chinese_ui(qapp):
    """The app's Chinese translation, installed as ``--lang zh_CN`` does, and taken away after."""
    from playground.app.translation import install_translation
    from playground.core import i18n

    locale = QLocale()
    before = set(qapp.findChildren(QTranslator))
    install_translation(qapp, "zh_CN")
    yield
    for translator in qapp.findChildren(QTranslator):
        if translator not in before:
            qapp.removeTranslator(translator)
            translator.deleteLater()
    QLocale.setDefault(locale)
    i18n.install()


def test_menu_and_table_in_chinese(qtbot, chinese_ui, tmp_path):
    text = "孙悟空 😀"
    tok = Tokenizer.train("char", [text] * 5)
    view = TokenSpanView()
    qtbot.addWidget(view)
    found = make_exportable(view, "tokens-char", lambda: view_tables.tokens(view))
    view.set_tokens(text, tok.encode(text), set(), "char")
    assert [a.text() for a in found.build_menu().actions() if a.objectName()] == [
        "保存为 PNG（2 倍尺寸）…", "保存为 SVG…", "复制图像", "将数据保存为 CSV…"]
    assert found.name() == "词元 char"  # the file name the dialog suggests, in the UI's language
    header, rows = read_csv(found.save(tmp_path / "tokens.csv"))
    assert header == ["序号", "编号", "词元", "字节", "起始字符", "结束字符"]
    assert [r[2] for r in rows] == ["孙", "悟", "空", "␣", "😀"] and rows[-1][3] == "F0 9F 98 80"


def test_pyqtgraph_svg_exporter_still_fails_on_this_qt(qtbot):
    """Why export.py draws plots through Qt's SVG generator (pyqtgraph issue #3485). When this test fails,
    pyqtgraph's SVGExporter works here again and could draw the plots."""
    import pyqtgraph as pg
    import pyqtgraph.exporters

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.plot([0, 1, 2], [2, 0, 1])
    with pytest.raises(ValueError):
        pyqtgraph.exporters.SVGExporter(plot.plotItem).export(toBytes=True)


def test_generated_text_exports_its_tokens(qtbot, grammar, tmp_path):
    from playground.app.panels.generate import GeneratePanel

    panel = GeneratePanel(grammar)
    qtbot.addWidget(panel)
    panel.resize(1000, 600)
    panel.show()
    qtbot.waitExposed(panel)
    panel.max_tokens.setValue(12)
    panel.prompt.setPlainText("the cat")
    panel.generate_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_generating() and bool(panel.token_view.steps), timeout=TIMEOUT)
    view, steps = panel.token_view, panel.token_view.steps
    tok = grammar.core.recipe.task.tokenizer
    check_pictures(view, tmp_path, ["the cat"])
    header, rows = check_csv(view, tmp_path)
    assert header == ["position", "id", "token", "probability", "log probability", "likeliest token",
                      "its probability"]
    assert [int(r[1]) for r in rows] == [s.id for s in steps]
    assert [float(r[3]) for r in rows] == [s.probability for s in steps]
    assert [float(r[4]) for r in rows] == [s.logprob for s in steps]
    assert [r[2] for r in rows] == [tok.readable(tok.id_to_token(s.id)) for s in steps]
    assert all("\ufffd" not in r[2] and "\ufffd" not in r[5] for r in rows)  # a byte reads <E6>, never �
    names = [a.text() for a in exporter(view).build_menu().actions()]
    assert "Save the numbers as CSV…" in names and any("Copy" in n for n in names[:3])  # the text's own menu too
    panel.shutdown()


def test_inspector_views_suggest_readable_file_names_in_chinese(inspect, numbers_zh, chinese_ui):
    """Not the stage id (decoder.0.cross_attn.weights): the stage as the window titles it, in Chinese."""
    from playground.core.trace import group_title

    panel = inspect(numbers_zh, "1234", "一千二百")
    stage = "decoder.0.cross_attn.weights"
    detail = go_to(panel, stage, 0)
    detail.set_head(1)
    title = panel.inspection.trace.get(stage).title
    assert group_title("decoder.0") == "解码器第 1 层" and not title.isascii()
    title = file_stem(title)  # the title's colon, full-width or not, becomes a dash
    assert exporter(detail.heatmap).name() == f"解码器第 1 层 - {title} - 注意力头 2"
    go_to(panel, stage, 1)
    assert exporter(detail.head_grid).name() == f"解码器第 1 层 - {title} - 所有注意力头"
    assert exporter(detail.lines).name() == f"解码器第 1 层 - {title} - 注意力头 2 - 注意力连线"
    assert exporter(detail.bars).name() == "下一个词元"
