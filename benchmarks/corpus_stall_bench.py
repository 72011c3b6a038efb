"""Window stall benchmark for a book: does the window stay responsive while a worker reads and tokenizes it?

Opens the main window offscreen, opens a text file in the Data panel, then trains each tokenizer kind on it on the
Tokenize panel ("Train on the corpus"), with a 10 ms QTimer probe in the UI thread. Prints the longest gap between
probe ticks for each step (10 ms is perfect; the target is 50 ms) and how long the step took; the "idle" step,
2 s with nothing to do, shows what the machine's load alone does to the gaps.

    python benchmarks/corpus_stall_bench.py [BOOK.txt] [--kinds char,bpe,wordpiece,unigram,word]

Without a file it writes a many-line English text of about 700,000 characters (the size of Pride and Prejudice):
counting the words of such a book in one regex call once froze the window for 1-2 s at each step. Other processes
on the machine count: the load average is printed with the figures.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PLAYGROUND_SETTINGS_DIR", tempfile.mkdtemp(prefix="corpus-stall-bench-settings-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROBE_MS = 10
WORDS = ("the", "of", "and", "to", "her", "she", "was", "in", "a", "not", "Elizabeth", "Darcy", "Bennet's",
         "could", "would", "sister", "never", "herself", "acknowledged", "fortune", "don't")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", nargs="?", help="a text file (default: a generated English book)")
    parser.add_argument("--kinds", default="char,bpe,wordpiece,unigram,word", help="tokenizer kinds to train, in order")
    return parser.parse_args()


def english_book(chars: int = 700_000) -> Path:
    """A text of short lines of English words, like a novel's, written to a temporary file."""
    rng, lines, size = random.Random(0), [], 0
    while size < chars:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 14))).capitalize() + ".\n"
        lines.append(line)
        size += len(line)
    path = Path(tempfile.mkdtemp(prefix="corpus-stall-bench-")) / "book.txt"
    path.write_text("".join(lines), encoding="utf-8")
    return path


class Probe:
    """A timer in the UI thread: the longest gap between its ticks, by step."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.step, self.last, self.worst = "start", time.monotonic(), {}
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.monotonic()
        self.worst[self.step] = max(self.worst.get(self.step, 0.0), now - self.last)
        self.last = now

    def begin(self, step: str) -> None:
        self.step, self.last = step, time.monotonic()


def wait(app, done, timeout: float = 600.0) -> float:
    start = time.monotonic()
    while not done() and time.monotonic() - start < timeout:
        app.processEvents()
        time.sleep(0.002)
    return time.monotonic() - start


def main() -> None:
    args = parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication(["corpus-stall-bench"])
    from playground.app import dialogs
    from playground.app.main_window import MainWindow

    dialogs.ask_unsaved = lambda parent: "discard"  # a benchmark: nothing to keep
    dialogs.confirm_discard = lambda parent, core: True
    book = Path(args.book) if args.book else english_book()
    window = MainWindow()
    window.resize(1280, 720)
    window.build_panels(None, load_data=False)
    window.show()
    probe = Probe()
    wait(app, lambda: False, 2.0)  # the window's own start-up is not measured
    data, model = window.panel("data"), window.panel("model")
    probe.begin("idle")  # nothing to do: the gaps the machine's load alone makes
    results = [("idle", wait(app, lambda: False, 2.0))]
    probe.begin("open")
    data.open_text_file(str(book), ask=False)
    took = wait(app, lambda: data.info is not None and not data.is_busy() and model.summary is not None
                and not window.workspace.turns.busy())  # the hidden panels hear of it in later turns
    results.append(("open", took))
    tokenize = window.panel("tokenize")
    window.show_panel("tokenize")
    column = tokenize.right
    for kind in args.kinds.split(","):
        probe.begin("choose " + kind)
        column.kind_box.setCurrentIndex(column.kind_box.findData(kind))
        wait(app, lambda: False, 0.3)
        probe.begin(kind)
        column.train_button.click()
        results.append((kind, wait(app, lambda: not column.is_training() and column.tokenizer is not None)))
        wait(app, lambda: False, 0.5)
    probe.begin("end")
    print(f"{book} ({book.stat().st_size:,} bytes); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'step':<12}{'took (s)':>10}{'longest gap (ms)':>18}")
    for step, took in results:
        print(f"{step:<12}{took:>10.2f}{probe.worst.get(step, 0) * 1000:>18.0f}")
    window.shutdown()


if __name__ == "__main__":
    main()
