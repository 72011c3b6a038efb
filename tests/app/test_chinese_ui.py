"""The 简体中文 interface: every text a user can see is Chinese, apart from a short reviewed list.

The real window under zh_CN (as ``--lang zh_CN`` installs it) is walked through every panel, every
tab, every stage group of the inspector, every menu and the dialogs that open without a file
chooser (About, the unsaved-work question, the discard question, the language restart question),
and error banners triggered for real (an empty file, a binary file, an impossible model, a source
the task cannot read): first with an untrained model, then after a few real training steps, on an
encoder-decoder task (reversal) and on a decoder-only one (grammar). ``ui_texts`` says which
texts are still English; the coverage figure is printed, and a failure lists the leftovers by place.
"""

import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from playground.app.dialogs import ask_unsaved, confirm_discard  # the real questions (conftest answers them)
from playground.app.language import restart_box
from playground.app.translation import install_translation, uninstall_translation

from .conftest import wait_ready
from .ui_texts import Catalogue, DataTexts, TextCollector, coverage, painted_texts

TIMEOUT = 120_000


@pytest.fixture
def chinese(qapp):
    loaded = install_translation(qapp, "zh_CN")
    assert any("playground_zh_CN.qm" in path for path in loaded), loaded
    yield
    uninstall_translation(qapp)


def settle(qtbot, ms=30):
    QApplication.processEvents()
    qtbot.wait(ms)


class Walk:
    """Shows each part of the window in turn and collects what it shows."""

    def __init__(self, qtbot, window):
        self.qtbot, self.window = qtbot, window
        self.texts = TextCollector()
        self.data = DataTexts()
        for name, attrs in (("data", ("examples_table",)), ("generate", ("alternatives",))):
            panel = window.panel(name)
            self.texts.skip_cells_of.update(getattr(panel, a) for a in attrs if hasattr(panel, a))
        self.texts.data_views.add(window.panel("generate").token_view)  # the prompt and the generated tokens

    def look(self, place: str, root=None) -> None:
        """What ``root`` (the current panel, a dialog) shows, then the rest of the window around it."""
        root = root or self.window.current_panel()
        self.texts.place = place
        settle(self.qtbot)
        root.grab()  # paints, so the texts panels draw themselves are recorded
        self.texts.widget_tree(root)
        self.remember_data(root)
        self.texts.place = "the window around the panels (sidebar, toolbar, status bar, banner)"
        self.texts.widget_tree(self.window)

    def remember_data(self, root) -> None:
        """What text boxes hold (typed, generated, the corpus) is the data's, wherever else it shows up."""
        from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

        for box in root.findChildren(QPlainTextEdit):
            self.data.add(box.toPlainText())
        for box in root.findChildren(QLineEdit):
            self.data.add(box.text())

    def panels(self, phase: str) -> None:
        for panel in self.window.panels:
            self.window.show_panel(panel.name)
            place = f"{panel.title()} ({panel.name}, {phase})"
            self.look(place)
            for tabs in panel.findChildren(QTabWidget):
                if not tabs.isVisibleTo(panel):
                    continue
                for i in range(tabs.count()):
                    if tabs.isTabVisible(i):
                        tabs.setCurrentIndex(i)
                        self.look(place)
                tabs.setCurrentIndex(0)
            if panel.name == "inspect":
                self.inspector(place)

    def inspector(self, place: str) -> None:
        """Every recorded stage (so every stage group) with each of its detail tabs."""
        inspect = self.window.panel("inspect")
        if inspect.inspection is None:
            return
        tabs = inspect.detail.tabs
        for index in range(len(inspect.records())):
            inspect.go_to(index)
            for i in range(tabs.count()):
                if tabs.isTabVisible(i):
                    tabs.setCurrentIndex(i)
                    self.look(f"{place}, stage {inspect.current_record().group}")
        inspect.go_to(0)
        self.backward(place)

    def backward(self, place: str) -> None:
        """The Backward mode: every recorded stage, and each of its own tabs once, with a weight's step worked out."""
        inspect = self.window.panel("inspect")
        inspect.backward_button.click()
        self.qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.backward is not None, timeout=TIMEOUT)
        detail, seen = inspect.backward_detail, {0}
        for index, record in enumerate(inspect.records()):
            inspect.go_to(index)
            if record.name.startswith("param.") and record.tensor.dim() == 2:
                detail.select_cell(0, 0)
            detail.tabs.setCurrentIndex(0)
            self.look(f"{place}, backward stage {record.name}")
            for i in range(detail.tabs.count()):
                if detail.tabs.isTabVisible(i) and i not in seen:
                    seen.add(i)
                    detail.tabs.setCurrentIndex(i)
                    self.look(f"{place}, backward tab {i} at {record.name}")
        inspect.forward_button.click()

    def modal(self, place: str, open_it, answer: str) -> None:
        """Open a real modal question, collect it, and close it with its ``answer`` button."""
        def collect():
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox), place
            self.look(place, box)
            box.button(getattr(QMessageBox.StandardButton, answer)).click()

        QTimer.singleShot(100, collect)
        open_it()

    def dialogs(self) -> None:
        window, core = self.window, self.window.workspace.core
        about = window.show_about()
        self.look("About", about)
        about.close()
        dirty = core.dirty
        core.dirty = True
        self.modal("the unsaved-work question", lambda: ask_unsaved(window), "Cancel")
        self.modal("the discard question", lambda: confirm_discard(window, core), "No")
        core.dirty = dirty
        box = restart_box(window)
        box.show()
        self.look("the language restart question", box)
        box.close()

    def banners(self, tmp_path) -> None:
        """Error messages triggered for real, each collected from the banner that shows it."""
        window = self.window
        data = window.panel("data")
        empty, binary = tmp_path / "empty.txt", tmp_path / "binary.txt"
        empty.write_text("")
        binary.write_bytes(bytes(range(256)) * 64)
        window.show_panel("data")
        for path in (empty, binary):
            data.open_text_file(str(path), ask=False)
            self.qtbot.waitUntil(lambda: not data.is_busy() and bool(self.banners_shown()), timeout=TIMEOUT)
            self.data.add(str(path), path.name)
            for banner in self.banners_shown():
                self.look(f"the banner after opening {path.name}", banner)
                banner.clear()
        model = window.panel("model")
        window.show_panel("model")
        heads = model.w["n_head"].value()
        model.w["n_head"].setValue(3)  # the width (32) does not divide by 3
        model.apply()
        assert model.banner.isVisible()
        self.look("the Model panel's banner", model.banner)
        model.w["n_head"].setValue(heads)
        model.apply()
        generate = window.panel("generate")
        if generate.is_pair_task():
            window.show_panel("generate")
            generate.source.setText("ABC 123 !?")
            self.data.add("ABC 123 !?")
            generate.generate()
            assert generate.banner.isVisible()
            self.look("the Generate panel's banner", generate.banner)
            generate.banner.clear()

    def banners_shown(self) -> list:
        from playground.app.widgets.banner import Banner

        return [b for b in self.window.findChildren(Banner) if b.isVisible()]

    def train(self, steps: int = 8) -> None:
        """A few real steps from the Train panel, a sample and a trace: every view has something to show."""
        window = self.window
        window.workspace.set_train_config(max_steps=steps, eval_interval=steps // 2, batch_size=8)
        train = window.panel("train")
        window.show_panel("train")
        train.start()
        self.qtbot.waitUntil(lambda: train.state == "finished", timeout=TIMEOUT)
        train.save_checkpoint()
        self.qtbot.waitUntil(lambda: not train.job_running(), timeout=TIMEOUT)
        self.generate_and_trace()

    def generate_and_trace(self) -> None:
        window = self.window
        generate = window.panel("generate")
        if generate.is_pair_task():
            generate.pick_example(0)
        generate.generate()
        self.qtbot.waitUntil(lambda: not generate.is_generating(), timeout=TIMEOUT)
        self.data.add(generate.output_text())
        inspect = window.panel("inspect")
        inspect.trace_input()
        self.qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=TIMEOUT)
        task = window.workspace.core.recipe.task
        for pair in getattr(task, "val_pairs", [])[:200]:
            self.data.add(*pair)

    def everything(self, tmp_path, name: str) -> None:
        self.generate_and_trace()  # an untrained model still samples and traces
        self.panels(f"{name}, untrained")
        self.dialogs()
        self.banners(tmp_path)
        self.train()
        self.panels(f"{name}, trained")


def walk_the_window(qtbot, make_window, tmp_path) -> Walk:
    window = make_window("reversal")
    walk = Walk(qtbot, window)
    with painted_texts(walk.texts):
        walk.everything(tmp_path, "reversal")
        data = window.panel("data")
        data.choose_dataset("grammar", ask=False)
        qtbot.waitUntil(lambda: window.workspace.core.recipe.spec.get("dataset") == "grammar", timeout=TIMEOUT)
        wait_ready(qtbot, window, TIMEOUT)
        walk.everything(tmp_path, "grammar")
        walk.texts.place = "menus and actions"
        walk.texts.menus(window)
        walk.texts.add(window.windowTitle(), "window title")
    assert window.banner.isHidden() or window.banner.text(), "the walk left an unexplained banner"
    return walk


def test_every_visible_string_is_chinese(qtbot, chinese, make_window, tmp_path):
    walk = walk_the_window(qtbot, make_window, tmp_path)
    # PLAYGROUND_UI_TEXTS=<file.json>: every text seen, where, and its verdict, for the translators
    result = coverage(walk.texts, Catalogue.load(), walk.data, os.environ.get("PLAYGROUND_UI_TEXTS"))
    print(f"\nChinese UI coverage: {result.figure}")
    assert len(result.translated) + len(result.english) > 100  # the walk really saw the interface
    assert not result.english, (f"Chinese UI coverage: {result.figure}; still English, by place:\n"
                                f"{result.leftovers()}")


def test_the_check_fails_on_the_english_interface(qtbot, make_window, tmp_path):
    """Without the translation every interface text is a catalogue source shown in English: all leftovers."""
    window = make_window("grammar")
    walk = Walk(qtbot, window)
    with painted_texts(walk.texts):
        walk.panels("English")
    walk.texts.place = "menus and actions"
    walk.texts.menus(window)
    result = coverage(walk.texts, Catalogue.load(), walk.data)
    english = {seen.text for seen, _why in result.english}
    print(f"\nThe English interface, checked as if it were the Chinese one: {result.figure}")
    assert {"&File", "&View", "Data", "Train"} <= english
    assert len(result.english) > 100
    assert [seen.text for seen in result.translated] == ["简体中文"]  # the language menu names itself
    assert "Data (data, English):" in result.leftovers() and "menu File:" in result.leftovers()


TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CheckerTest</name>
    <message><source>Start training</source><translation>开始训练</translation></message>
    <message><source>Stop training</source><translation type="unfinished"></translation></message>
    <message><source>Step {step} of {steps}</source><translation>第 {step} 步，共 {steps} 步</translation></message>
    <message><source>Loss</source><translation>损失</translation></message>
    <message><source>GELU</source><translation>GELU</translation></message>
    <message><source>Text to trace, e.g. the cat sees</source><translation>要追踪的文本，例如 the cat sees</translation></message>
</context>
</TS>
"""


@pytest.fixture
def checker_translation(qapp, tmp_path):
    """A real catalogue of five messages, compiled by pyside6-lrelease and installed."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtCore import QTranslator

    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    ts, qm = tmp_path / "checker.ts", tmp_path / "checker.qm"
    ts.write_text(TS, encoding="utf-8")
    subprocess.run([lrelease, str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60)
    translator = QTranslator()
    assert translator.load(str(qm))
    qapp.installTranslator(translator)
    yield Catalogue.load([ts], [])
    qapp.removeTranslator(translator)


def test_the_check_counts_chinese_flags_english_and_leaves_the_data_out(qtbot, checker_translation):
    from PySide6.QtCore import QCoreApplication

    translate = QCoreApplication.translate
    page = QWidget()
    qtbot.addWidget(page)
    column = QVBoxLayout(page)
    shown = {
        "translated": translate("CheckerTest", "Start training"),
        "placeholder filled": translate("CheckerTest", "Step {step} of {steps}").format(step=3, steps=10),
        "left in English": translate("CheckerTest", "Stop training"),
        "English with numbers": "Step 3 of 10",  # a translated source shown in English after all
        "never wrapped": "Click here to begin",
        "one word, never wrapped": "Welcome",
        "allowed": "GELU · softmax · top-k",
        "corpus": "the little engine puffed up the hill",  # the user's text, shown in a label
        "generated": "the cat sees the dog",
        "file name": "Journey_to_the_West.txt",
        "number": "12,345",
        "kept by the translator": translate("CheckerTest", "Text to trace, e.g. the cat sees"),
        "a platform": "Python 3.11.7 (Linux x86_64)",
    }
    labels = {}
    for key, text in shown.items():
        labels[key] = QLabel(text)
        column.addWidget(labels[key])
    page.show()
    qtbot.waitExposed(page)
    texts = TextCollector(place="test page")
    texts.widget_tree(page)
    data = DataTexts()
    data.add("the little engine puffed up the hill\nand down", "the cat sees the dog")
    result = coverage(texts, checker_translation, data)
    english = {seen.text: why for seen, why in result.english}
    translated = {seen.text for seen in result.translated}
    assert translated == {"开始训练", "第 3 步，共 10 步", "要追踪的文本，例如 the cat sees"}
    assert set(english) == {"Stop training", "Step 3 of 10", "Click here to begin"}
    assert "checker.ts" in english["Stop training"] and "not from a catalogue" in english["Click here to begin"]
    assert result.figure == "3 / 6 strings translated (50.0 %)"
    assert "test page:" in result.leftovers() and "[QLabel] 'Stop training'" in result.leftovers()
