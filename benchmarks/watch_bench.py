"""How fast the app catches up with a watched run, and whether the window stays responsive meanwhile.

    python benchmarks/watch_bench.py [--steps 50000] [--live-seconds 10]

1. Backlog: a run folder whose metrics.jsonl already holds ``--steps`` step records (plus an evaluation
   every 250 steps), as a long cluster run leaves it; the core's reader alone (records/s), then the
   Watched run view catching up in the event loop (seconds until every point is plotted).
2. Live: a writer thread appends a step record every 10 ms for ``--live-seconds`` while the view follows.
In both, a 10 ms probe timer measures the event loop's gaps (p50, p99, max). Prints figures; asserts
nothing. Run it offscreen: QT_QPA_PLATFORM=offscreen.
"""

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PROBE_MS = 10


def step_row(step: int) -> dict:
    return {"step": step, "loss": 3.0 / (1 + step / 500), "lr": 1e-3, "grad_norm": 0.5, "tokens_per_second": 9000.0,
            "elapsed": step * 0.05, "device": "cpu", "kind": "step"}


def eval_row(step: int) -> dict:
    return {"step": step, "metrics": {"val_loss": 3.1 / (1 + step / 500), "perplexity": 2.0, "token_accuracy": 0.5},
            "best": True, "kind": "eval", "report": None}


def write_backlog(path: Path, steps: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for step in range(1, steps + 1):
            f.write(json.dumps(step_row(step)) + "\n")
            if step % 250 == 0:
                f.write(json.dumps(eval_row(step)) + "\n")


def gaps_of(ticks: list[float]) -> str:
    gaps = sorted((b - a) * 1000 for a, b in zip(ticks, ticks[1:]))
    if not gaps:
        return "no probe ticks"
    p99 = gaps[min(len(gaps) - 1, int(0.99 * len(gaps)))]
    return f"event-loop gaps p50 {statistics.median(gaps):.1f} ms, p99 {p99:.1f} ms, max {gaps[-1]:.1f} ms"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=50_000)
    p.add_argument("--live-seconds", type=float, default=10.0)
    args = p.parse_args()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from playground.app.run_watcher import RunWatcher
    from playground.app.widgets.run_watch_view import RunWatchView
    from playground.core.run_watch import MetricsTail

    app = QApplication.instance() or QApplication(sys.argv)
    tmp = Path(tempfile.mkdtemp(prefix="watch-bench-"))
    run_dir = tmp / "run"
    run_dir.mkdir()
    write_backlog(run_dir / "metrics.jsonl", args.steps)
    size = (run_dir / "metrics.jsonl").stat().st_size
    print(f"backlog: {args.steps:,} steps, {size / 1e6:.1f} MB")

    t0, tail, n = time.perf_counter(), MetricsTail(run_dir / "metrics.jsonl"), 0
    while True:
        n += len(tail.read()[0])
        if not tail.more:
            break
    seconds = time.perf_counter() - t0
    print(f"core reader: {n:,} records in {seconds:.2f} s ({n / seconds:,.0f} records/s)")

    view = RunWatchView()
    view.resize(1000, 600)
    view.show()
    ticks: list[float] = []
    probe = QTimer()
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    watcher = RunWatcher(run_dir)
    watcher.updated.connect(view.show_update)
    view.start(run_dir)
    probe.start()
    t0 = time.perf_counter()
    watcher.start()
    while view.plot.point_count() < args.steps:
        app.processEvents()
        time.sleep(0.001)
    caught = time.perf_counter() - t0
    print(f"window caught up with {args.steps:,} steps in {caught:.2f} s; {gaps_of(ticks)}")

    ticks.clear()
    stop = threading.Event()

    def writer():
        step = args.steps
        with open(run_dir / "metrics.jsonl", "a", encoding="utf-8") as f:
            while not stop.is_set():
                step += 1
                f.write(json.dumps(step_row(step)) + "\n")
                f.flush()
                time.sleep(0.01)

    thread = threading.Thread(target=writer)
    thread.start()
    end = time.perf_counter() + args.live_seconds
    lags = []
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    stop.set()
    thread.join()
    written = sum(1 for _ in open(run_dir / "metrics.jsonl", encoding="utf-8"))
    t_last = time.perf_counter()
    while len(view.rows) < written:
        app.processEvents()
        time.sleep(0.001)
    lags.append(time.perf_counter() - t_last)
    print(f"live: {written - args.steps - args.steps // 250:,} records in {args.live_seconds:.0f} s, all shown "
          f"{lags[0] * 1000:.0f} ms after the last was written; {gaps_of(ticks)}")
    watcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
