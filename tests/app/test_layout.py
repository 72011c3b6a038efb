"""Every panel fits a classroom laptop: no clipped text at 1280×720, 1366×768 and the window's minimum size.

The real main window is put in a realistic state (a dataset loaded, a few training steps done so
the metrics and timings are filled, a generated sample, a trace in Inspect, a second tokenizer
trained in Tokenize) and every panel is checked by ``layout_check.clipped_texts`` at each size,
in English (grammar) and in Chinese (numbers-zh, with Chinese text in Tokenize and Inspect).
Set ``PLAYGROUND_LAYOUT_SHOTS`` to a folder to also save a screenshot of each panel at each size.
"""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from .layout_check import clipped_texts, report

TIMEOUT = 120_000
SIZES = {"1280x720": QSize(1280, 720), "1366x768": QSize(1366, 768), "minimum": None}
TOKENIZE_TEXT = {"grammar": "The cat sees the dog 🐱 — and then it runs home.",
                 "numbers-en": "Ninety-nine thousand nine hundred ninety-nine 🎉",
                 "numbers-zh": "一千二百三十四 和 五万零六 🐼 是两个数字。"}
INSPECT_TEXT = {"grammar": ("the cat sees", ""), "numbers-en": ("77777", "seventy-seven thousand"),
                "numbers-zh": ("1234", "一千二")}


def train_a_few_steps(qtbot, window, steps=12):
    """Real training from the Train panel: the status line, metrics and checkpoint list get filled."""
    window.workspace.set_train_config(max_steps=steps, eval_interval=steps // 2, batch_size=8)
    train = window.panel("train")
    window.show_panel("train")
    train.start()
    qtbot.waitUntil(lambda: train.state == "finished", timeout=TIMEOUT)
    train.save_checkpoint()
    qtbot.waitUntil(lambda: not train.job_running(), timeout=TIMEOUT)


def realistic_state(qtbot, window, dataset):
    train_a_few_steps(qtbot, window)
    tokenize = window.panel("tokenize")
    tokenize.input.setPlainText(TOKENIZE_TEXT[dataset])
    right = tokenize.right
    right.vocab_box.setValue(200)
    right.train_button.click()
    qtbot.waitUntil(lambda: right.tokenizer is not None and not right.is_training(), timeout=TIMEOUT)
    generate = window.panel("generate")
    if generate.is_pair_task():  # the longest expected answer, the hardest to fit
        pairs = generate.task().val_pairs
        generate.pick_example(max(range(len(pairs)), key=lambda i: len(pairs[i][1])))
    generate.generate()
    qtbot.waitUntil(lambda: not generate.is_generating() and bool(generate.output_text()), timeout=TIMEOUT)
    inspect = window.panel("inspect")
    inspect.text.setText(INSPECT_TEXT[dataset][0])
    inspect.prefix.setText(INSPECT_TEXT[dataset][1])
    inspect.trace_input()
    qtbot.waitUntil(lambda: not inspect.is_tracing() and inspect.inspection is not None, timeout=TIMEOUT)
    assert window.banner.isHidden(), window.banner.text()


def clipping_at_every_size(qtbot, window, tag):
    """'panel at size: clip' for each clipped text; screenshots when PLAYGROUND_LAYOUT_SHOTS is set."""
    shots = os.environ.get("PLAYGROUND_LAYOUT_SHOTS")
    found = []
    for size_name, size in SIZES.items():
        window.resize(size or window.minimumSize())
        for panel in window.panels:
            window.show_panel(panel.name)
            QApplication.processEvents()
            qtbot.wait(30)  # layouts settle, timers that elide or reflow have run
            assert window.size() == (size or window.minimumSize())
            found += [f"{panel.name} at {size_name}: {clip}" for clip in clipped_texts(window)]
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                window.grab().save(str(Path(shots) / f"{tag}-{panel.name}-{size_name}.png"))
    return found


@pytest.mark.parametrize("dataset", ["grammar", "numbers-en", "numbers-zh"])
def test_no_panel_clips_its_text_at_laptop_sizes(qtbot, make_window, dataset):
    window = make_window(dataset)
    realistic_state(qtbot, window, dataset)
    found = clipping_at_every_size(qtbot, window, dataset)
    assert not found, "\n" + "\n".join(found)


# --- the detector itself: it must see a cut text, and accept one that fits or is elided with a tooltip ---

def test_the_detector_sees_cut_labels_buttons_and_wrapped_text(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    column = QVBoxLayout(page)
    cut = QLabel("Remaining: a long caption that cannot fit")
    fits = QLabel("OK")
    button = QPushButton("Compare with a run…")
    wrapped = QLabel("A caption that wraps over several lines when it is narrow " * 3)
    wrapped.setWordWrap(True)
    for widget in (cut, fits, button, wrapped):
        column.addWidget(widget)
    page.resize(800, 600)
    page.show()
    qtbot.waitExposed(page)
    for widget in (cut, button):
        widget.setFixedWidth(60)
    wrapped.setFixedSize(200, 20)
    QApplication.processEvents()
    texts = {clip.text for clip in clipped_texts(page)}
    assert texts == {cut.text(), "Compare with a run…", wrapped.text()}
    for widget in (cut, button):
        widget.setFixedWidth(widget.sizeHint().width() + 200)
    wrapped.setFixedSize(200, wrapped.heightForWidth(200))
    QApplication.processEvents()
    assert clipped_texts(page) == []
