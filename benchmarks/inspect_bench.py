"""Step → painted stage in the Inspect panel for a 64-token input (prints figures only).

Run: OMP_WAIT_POLICY=PASSIVE QT_QPA_PLATFORM=offscreen python benchmarks/inspect_bench.py

Measures the trace (on a snapshot, with the greedy continuation and the embedding PCA, as the
panel's worker does) and, for every stage, the time from ``step`` until the panel has painted
it (``grab()`` paints the whole panel synchronously).
"""

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

T = 64  # tokens traced, the default context length


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from playground.app.panels.inspect import InspectPanel
    from playground.app.qworkspace import QWorkspace
    from playground.core.inspect import inspect
    from playground.core.recipes import recipe_for_text

    app = QApplication.instance() or QApplication([])
    text = ("the small cat sees a red ball near the old house . " * 4)[:T]
    ws = QWorkspace()
    ws.set_recipe(recipe_for_text(text * 20, is_text=True))  # the default text model: 4 layers, d_model 128
    model = ws.core.ensure_model()
    tok = ws.core.recipe.task.tokenizer
    ids = tok.encode_ids(text)
    assert len(ids) == T
    inspect(model, tok, ids)  # warm-up
    times = []
    for _ in range(5):
        start = time.perf_counter()
        inspect(model, tok, ids)
        times.append(time.perf_counter() - start)
    print(f"trace + greedy + PCA of {T} tokens: median {1000 * statistics.median(times):.1f} ms")

    panel = InspectPanel(ws)
    panel.resize(1440, 900)
    panel.show()
    panel.text.setText(text)
    start = time.perf_counter()
    panel.trace_input()
    while panel.is_tracing():
        app.processEvents()
    panel.grab()
    print(f"press Trace → first stage painted: {1000 * (time.perf_counter() - start):.1f} ms")
    steps = []
    for _ in range(len(panel.records()) - 1):
        start = time.perf_counter()
        panel.step(1)
        panel.grab()
        steps.append(time.perf_counter() - start)
    ms = sorted(1000 * s for s in steps)
    print(f"step → painted stage over {len(ms)} stages: median {statistics.median(ms):.1f} ms, "
          f"90th percentile {ms[int(0.9 * len(ms))]:.1f} ms, max {ms[-1]:.1f} ms")


if __name__ == "__main__":
    main()
