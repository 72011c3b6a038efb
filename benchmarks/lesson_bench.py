"""Lesson benchmark: walk each built-in lesson with its real step counts; seconds of compute per lesson.

Opens the main window offscreen with throw-away settings and run folders, opens each lesson from
the Lessons pane and presses Next through all its steps, as a teacher would, without reading
time. Every action is timed from its start to the start of the next one, and the seconds are
added up by kind: training, tracing, generation, evaluation, data (datasets, text files,
cleaning, tokenizers) and the rest (panels, stages, settings). It prints one line per lesson,
the longest single training action, and the total.

    python benchmarks/lesson_bench.py [--language en] [--lessons 01-tokenization 05-loss-and-training]
                                      [--max-steps N] [--threads N]

``--max-steps`` shortens every ``> train`` (a smoke run); the figures for the README are taken
without it, on a quiet machine with 2 cores. The built-in lessons promise that no training
action takes more than 3 minutes there.
"""

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = {"train": "training", "trace": "tracing", "generate": "generation", "evaluate": "evaluation",
         "dataset": "data", "file": "data", "cleaning": "data", "tokenizer": "data"}
COLUMNS = ("training", "tracing", "generation", "evaluation", "data", "other")
TRAIN_LIMIT_S = 180


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", choices=("en", "zh_CN"))
    parser.add_argument("--lessons", nargs="*", help="lesson ids (file names without .md); default: all")
    parser.add_argument("--max-steps", type=int, help="train at most this many steps per > train (smoke run)")
    parser.add_argument("--threads", type=int, help="torch threads for training (default: the app's choice)")
    return parser.parse_args()


class ActionClock:
    """Adds each action's seconds (start to the next start, or to the step's end) to its kind."""

    def __init__(self, runner):
        self.seconds = defaultdict(float)
        self.longest_train = 0.0
        self._current, self._since = None, 0.0
        self.active = True  # Qt keeps the connections; a finished clock ignores the next lessons' signals
        runner.action_started.connect(self._on_action)
        runner.step_finished.connect(lambda _i: self._close())
        runner.step_failed.connect(lambda _i, message: self._close(message))
        self.failures: list[str] = []

    def _on_action(self, text: str) -> None:
        if not self.active:
            return
        self._close()
        self._current, self._since = text.split()[0], time.perf_counter()

    def _close(self, failure: str | None = None) -> None:
        if not self.active:
            return
        if failure:
            self.failures.append(failure)
        if self._current is None:
            return
        spent = time.perf_counter() - self._since
        self.seconds[KINDS.get(self._current, "other")] += spent
        if self._current == "train":
            self.longest_train = max(self.longest_train, spent)
        self._current = None


def walk(app, window, path, max_steps):
    """Open the lesson at ``path`` and press Next until its last step is done; returns the clock."""
    from PySide6.QtCore import QEventLoop

    from playground.core.lessons import load_lesson

    dock = window.lessons
    runner = dock.runner
    runner.max_train_steps = max_steps
    clock = ActionClock(runner)

    def wait():
        while runner.is_busy():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    lesson = load_lesson(path)
    started = time.perf_counter()
    dock.open_path(str(path))
    wait()
    for _ in lesson.steps[1:]:
        dock.pane.next()
        wait()
    total = time.perf_counter() - started
    clock.active = False
    return lesson, clock, total


def main():
    args = parse_args()
    settings_dir = tempfile.mkdtemp(prefix="lesson-bench-settings-")
    os.environ["PLAYGROUND_SETTINGS_DIR"] = settings_dir
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    import torch

    from playground.app import dialogs
    from playground.app.main_window import MainWindow
    from playground.app.panels import train as train_panel
    from playground.app.widgets.lesson_pane import builtin_lessons

    runs = Path(tempfile.mkdtemp(prefix="lesson-bench-runs-"))
    train_panel.default_runs_root = lambda: runs
    dialogs.confirm_discard = lambda parent, core: True  # a lesson replaces the last one's model unasked
    dialogs.ask_unsaved = lambda parent: "discard"
    window = MainWindow()
    window.build_panels()
    window.show()
    if args.threads:
        window.panel("train").threads = args.threads
    paths = [p for p in builtin_lessons(args.language) if not args.lessons or p.stem in args.lessons]
    print(f"# {len(paths)} lessons ({args.language}), torch {torch.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}" + (f", at most {args.max_steps} steps per > train"
                                                     if args.max_steps else ", real step counts"))
    print(f"{'lesson':<24} {'minutes':>7} " + " ".join(f"{c:>10}" for c in COLUMNS)
          + f" {'compute s':>10} {'wall s':>8} {'longest train':>14}")
    totals = defaultdict(float)
    over = []
    for path in paths:
        lesson, clock, wall = walk(app, window, path, args.max_steps)
        compute = sum(clock.seconds[c] for c in COLUMNS)
        for c in COLUMNS:
            totals[c] += clock.seconds[c]
        totals["wall"] += wall
        print(f"{lesson.id:<24} {lesson.minutes:>7} " + " ".join(f"{clock.seconds[c]:>10.1f}" for c in COLUMNS)
              + f" {compute:>10.1f} {wall:>8.1f} {clock.longest_train:>14.1f}", flush=True)
        if clock.longest_train > TRAIN_LIMIT_S:
            over.append(lesson.id)
        for failure in clock.failures:
            print(f"  FAILED: {failure}")
    compute = sum(totals[c] for c in COLUMNS)
    print(f"{'total':<24} {'':>7} " + " ".join(f"{totals[c]:>10.1f}" for c in COLUMNS)
          + f" {compute:>10.1f} {totals['wall']:>8.1f}")
    print(f"training actions over {TRAIN_LIMIT_S} s: {', '.join(over) if over else 'none'}")
    window.shutdown()
    window.close()


if __name__ == "__main__":
    main()
