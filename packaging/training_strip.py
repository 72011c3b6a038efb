"""The model across its own training, as one image: cross-attention on the reversal task at six training steps.

Trains the built-in reversal task with its default settings (a weight snapshot is kept at each
evaluation, every 100 steps), then replays one validation example through the Inspect panel's
training-step slider and puts the cross-attention heatmap of each chosen step side by side:
the anti-diagonal (output i reads source n-1-i) forms over the first few hundred steps.

    python packaging/training_strip.py                 # docs/screenshots/training-strip-reversal.png, and zh_CN/
    python packaging/training_strip.py --steps 0,100,200,300,400,800 --threads 2

Runs offscreen with temporary settings; trains once and draws both languages (measured here: 1 min 49 s of
CPU time for training and drawing, 6 min 20 s of wall time on two cores shared with other work).
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

TILE = 250  # pixels of one step's heatmap, square
CAPTION = 28  # pixels above a tile for its step


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--steps", default="0,100,200,300,400,800", help="the training steps shown, comma-separated")
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args(argv)


def train(threads: int):
    """The reversal task trained with its defaults, its snapshots kept at each evaluation."""
    import torch

    from playground.core.workspace import Workspace

    torch.set_num_threads(threads)
    ws = Workspace()
    ws.use_dataset("reversal")
    started = time.perf_counter()
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    print(f"trained {ws.trained_steps} steps in {time.perf_counter() - started:.0f} s; snapshots at "
          f"{ws.snapshots.steps()} ({ws.snapshots.used_bytes() / 1024**2:.1f} MB)")
    return ws


def wait_until(app, predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the trace did not arrive")
        app.processEvents()
        time.sleep(0.01)


def strip(app, core, steps: list[int]):
    """One image: the last cross-attention layer's busiest head (at the last step) at each of ``steps``."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from playground.app.panels.inspect import InspectPanel
    from playground.app.qworkspace import QWorkspace
    from screenshots import busiest_head

    panel = InspectPanel(QWorkspace(core))
    panel.resize(1100, 800)
    panel.show()
    source, target = max(core.recipe.task.val_pairs[:50], key=lambda pair: len(pair[0]))
    panel.text.setText(source)
    panel.prefix.setText(target[:-1])  # the answer so far: one cross-attention row per output token
    tiles, head = [], None
    for step in reversed(steps):  # the last first: it picks the head
        panel.step_slider.choose(None if step == core.trained_steps else step)
        panel.trace_input()
        wait_until(app, lambda: not panel.is_tracing() and panel.inspection is not None)
        names = panel.inspection.trace.names()
        name = [n for n in names if n.endswith(".cross_attn.weights")][-1]
        panel.go_to(names.index(name))
        if head is None:
            head = busiest_head(panel.current_record().tensor)
        panel.detail.head_box.setValue(head + 1)
        panel.detail.clear_selection()
        app.processEvents()
        heatmap = panel.detail.heatmap
        heatmap.resize(TILE, TILE)
        tiles.append((panel.step_slider.step_label.text(), heatmap.grab().toImage()))
    panel.shutdown()
    tiles.reverse()
    image = QImage(TILE * len(tiles), TILE + CAPTION, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    font = QFont()
    font.setPointSize(11)
    font.setBold(True)
    painter.setFont(font)
    for i, (caption, tile) in enumerate(tiles):
        painter.drawText(QRect(i * TILE, 0, TILE, CAPTION), Qt.AlignmentFlag.AlignCenter, caption)
        painter.drawImage(i * TILE, CAPTION, tile.scaled(TILE, TILE))
    painter.end()
    return image


def main(argv) -> int:
    args = parse_args(argv)
    steps = [int(s) for s in args.steps.split(",")]
    with tempfile.TemporaryDirectory(prefix="playground-strip-") as tmp:
        os.environ["PLAYGROUND_SETTINGS_DIR"] = tmp
        from PySide6.QtWidgets import QApplication

        from playground.app.translation import install_translation, uninstall_translation
        from screenshots import save_png

        app = QApplication.instance() or QApplication([])
        core = train(args.threads)
        missing = [s for s in steps if s not in core.snapshots.steps()]
        if missing:
            print(f"no snapshot at steps {missing}: choose among {core.snapshots.steps()}")
            return 1
        for language, folder in (("en", args.folder), ("zh_CN", args.folder / "zh_CN")):
            if language != "en":
                install_translation(app, language)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "training-strip-reversal.png"
            save_png(strip(app, core, steps), path)
            print(path)
            uninstall_translation(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
