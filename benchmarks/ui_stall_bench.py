"""Event-loop stall benchmark: does the window stay responsive while a model trains?

Opens the Train panel offscreen on the workspace's default dataset, starts training, and runs a
10 ms QTimer probe in the UI thread for the whole run (start-up included: the first steps are
where lazy initialisation used to freeze the window). Prints the distribution of the gaps
between probe ticks (a gap of 10 ms is perfect), the worst gaps with what was happening then,
and the training speed.

    python benchmarks/ui_stall_bench.py [--seconds 20] [--threads 1] [--no-warm-up]

Targets (issue 3): p99 gap <= 20 ms, maximum <= 50 ms.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROBE_MS = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def open_train_panel(core, panel_only: bool):
    """(Train panel, widget to show): the whole main window on its Train panel, or the panel alone."""
    from playground.app.panels.train import TrainPanel

    if not panel_only:
        os.environ.setdefault("PLAYGROUND_SETTINGS_DIR", tempfile.mkdtemp(prefix="stall-bench-settings-"))
        from playground.app.main_window import MainWindow
        from playground.app.settings import open_settings

        window = MainWindow(settings=open_settings())
        window.build_panels(core, load_data=False)
        window.resize(1280, 800)
        window.show_panel("train")
        return window.panel("train"), window
    from playground.app.qworkspace import QWorkspace

    panel = TrainPanel(QWorkspace(core))
    panel.resize(1280, 800)
    return panel, panel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to train while probing")
    parser.add_argument("--threads", type=int, default=None, help="torch threads for training (default: the app's choice)")
    parser.add_argument("--dataset", default=None, help="built-in dataset (default: the workspace's default)")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the warm-up pass before the first step")
    parser.add_argument("--switch-ms", type=float, default=None, help="Python's GIL switch interval (default 5 ms)")
    parser.add_argument("--nice", type=int, default=None, help="niceness added to the training thread (Linux; default: the app's)")
    parser.add_argument("--panel-only", action="store_true", help="the Train panel alone, not the main window")
    parser.add_argument("--hidden", action="store_true", help="do not show the panel (no painting): isolates paint cost")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from playground.app import training
    from playground.core.workspace import DEFAULT_DATASET, Workspace

    imported = time.perf_counter() - t0
    if args.switch_ms is not None:
        sys.setswitchinterval(args.switch_ms / 1000)
    if args.nice is not None:
        training.TRAINING_NICE = args.nice
    core = Workspace()
    dataset = args.dataset or DEFAULT_DATASET
    core.use_dataset(dataset)
    if args.no_warm_up:
        training.warm_up = lambda trainer: None
    panel, shown = open_train_panel(core, args.panel_only)
    ws = panel.workspace
    panel.runs_root = Path(tempfile.mkdtemp(prefix="stall-bench-"))
    panel.threads = args.threads
    if not args.hidden:
        shown.show()

    ticks: list[float] = []
    marks: list[tuple[float, str]] = []  # (time, what happened) for the worst-gap report
    steps: list[dict] = []

    def on_record(row: dict) -> None:
        if row["kind"] == "step":
            steps.append(row)
            if len(steps) == 1:
                marks.append((time.perf_counter(), "first step"))
        else:
            marks.append((time.perf_counter(), row.get("event") or row["kind"]))

    ws.training_record.connect(on_record)
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def begin() -> None:
        probe.start()
        marks.append((time.perf_counter(), "start pressed"))
        panel.start_action.trigger()
        QTimer.singleShot(int(args.seconds * 1000), end)

    def end() -> None:
        marks.append((time.perf_counter(), "stop pressed"))
        panel.stop_action.trigger()

    def on_state(state: str) -> None:
        if state in ("stopped", "finished", "diverged"):
            probe.stop()
            core.dirty = False  # nothing to save: closing must not ask
            QTimer.singleShot(200, app.quit)

    ws.training_state.connect(on_state)
    QTimer.singleShot(500, begin)  # let the window settle first
    app.exec()
    panel.shutdown()
    where = "Train panel alone" if args.panel_only else "main window on its Train panel"

    gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:])]
    if not gaps:
        print("no probe ticks recorded")
        return 1
    threads = args.threads or training.training_threads(ws.core.recipe.train.device)
    speeds = [r["tokens_per_second"] for r in steps[5:]] or [0.0]
    print(f"dataset {dataset}, model {ws.core.recipe.model.n_layer} layers x {ws.core.recipe.model.d_model}, "
          f"batch {ws.core.recipe.train.batch_size} x {ws.core.recipe.model.block_size}, "
          f"{threads} training thread(s), {os.cpu_count()} CPUs, warm-up {'off' if args.no_warm_up else 'on'}")
    print(f"{where}{', hidden' if args.hidden else ''}; imports {imported:.2f} s; load average "
          f"{os.getloadavg()[0]:.2f} (other processes share these CPUs)")
    print(f" probe every {PROBE_MS} ms for {ticks[-1] - ticks[0]:.1f} s: {len(gaps)} gaps")
    print(f"gap p50 {percentile(gaps, 50):.1f} ms, p90 {percentile(gaps, 90):.1f} ms, p99 {percentile(gaps, 99):.1f} ms, "
          f"max {max(gaps):.1f} ms; over 20 ms: {sum(g > 20 for g in gaps)}, over 50 ms: {sum(g > 50 for g in gaps)}")
    print(f"training: {len(steps)} steps, median {statistics.median(speeds):,.0f} tokens/s "
          f"({statistics.median(speeds) / (ws.core.recipe.train.batch_size * ws.core.recipe.model.block_size):.1f} "
          "steps/s)")
    pressed = next(t for t, what in marks if what == "start pressed")
    early = [g for g, t in zip(gaps, ticks[1:]) if t - pressed < 2.0]
    print(f"start-up (first 2 s after Start): max gap {max(early, default=0):.1f} ms")
    worst = sorted(range(len(gaps)), key=lambda i: gaps[i], reverse=True)[:5]
    start = ticks[0]
    for i in sorted(worst):
        at = ticks[i]
        near = min(marks, key=lambda m: abs(m[0] - at))
        print(f"  gap {gaps[i]:6.1f} ms at {at - start:6.2f} s (nearest event: {near[1]} at {near[0] - start:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
