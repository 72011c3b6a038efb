"""Soak benchmark: the main window open and training for a long time; does memory creep, does the window stall?

Opens the main window offscreen on the workspace's default dataset with throw-away settings (as
``ui_stall_bench.py`` does), presses Start on the Train panel and keeps training for ``--minutes``
(pressing Start again whenever a run ends early), with a 10 ms QTimer probe in the UI thread.
Once a minute it prints the elapsed time, the training steps so far, the resident memory (RSS)
and the worst event-loop gap of that minute; at the end, the memory growth after the first
minute and the worst gap overall, against the targets.

    python benchmarks/soak_bench.py [--minutes 30] [--dataset grammar] [--threads N] [--steps N]
                                    [--snapshot-budget MB] [--stacks MS] [--explain] [--profile N] [--no-freeze]

Each line also shows the weight snapshots kept for Inspect (on disk, in a temporary folder, not in
memory; up to the panel's budget, 256 MB by default: ~80 snapshots of the default model), glibc's
heap in use and free-but-kept (mallinfo2), and which of the runs, trainers and models made so far
are still alive. ``--stacks 30`` prints the UI thread's Python stack whenever the event loop is
stuck 30 ms, to find what stalls it, and the other threads' stacks at that moment. ``--explain`` prints, for each
gap over 40 ms, the UI thread's CPU time inside it and the events it handled (wall and CPU ms each): a long
gap with little CPU was spent waiting (for a core, the interpreter lock or another lock). The window is set up as the app sets it up, start-up objects
frozen out of the garbage collector's sight included (``--no-freeze`` leaves them, to compare); the
summary says how many full garbage collections ran, how long, and which long gaps they overlap.

Targets (issue 9): memory growth after the first minute <= 50 MB, worst gap <= 50 ms. Other
processes on the machine count: the load average is printed with the figures.
"""

import argparse
import ctypes
import gc
import os
import sys
import tempfile
import threading
import time
import traceback
import weakref
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ui_stall_bench import PROBE_MS, open_train_panel, percentile  # noqa: E402  (sets the offscreen platform)

GROWTH_TARGET_MB = 50
GAP_TARGET_MS = 50


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to keep training (default 30)")
    parser.add_argument("--dataset", help="built-in dataset (default: the workspace's default)")
    parser.add_argument("--threads", type=int, help="torch threads for training (default: the app's choice)")
    parser.add_argument("--steps", type=int, help="steps per run (default: the dataset's); short runs test restarts")
    parser.add_argument("--report-every", type=float, default=60.0, help="seconds between lines (default 60)")
    parser.add_argument("--snapshot-budget", type=int, metavar="MB",
                        help="the Train panel's snapshot budget (default: the app's); 0 keeps no weight snapshots")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="profile the UI thread (cProfile) and print its N costliest functions at the end")
    parser.add_argument("--stacks", type=float, metavar="MS",
                        help="print the UI thread's Python stack whenever the event loop is stuck this long")
    parser.add_argument("--explain", action="store_true",
                        help="for each gap over 40 ms, print the UI thread's CPU time in it and the events it handled")
    parser.add_argument("--no-freeze", action="store_true",
                        help="skip the gc.freeze the app makes once its panels are built (to see what full "
                             "garbage collections of the start-up objects cost)")
    return parser.parse_args()


def resident_bytes() -> int:
    """This process's resident memory now (Linux /proc; elsewhere the peak, from getrusage)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def heap_bytes() -> tuple[int, int] | None:
    """(in use, free but kept) bytes of glibc's heap, all arenas (mallinfo2, glibc 2.33+); None elsewhere."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
    except (OSError, AttributeError):
        return None
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd, info.fordblks


class StackSampler:
    """A thread that prints the UI thread's Python stack whenever the probe has not ticked for ``ms``."""

    def __init__(self, soak, ms: float):
        self.soak, self.ms = soak, ms
        self.ui_thread = threading.main_thread().ident
        threading.Thread(target=self.watch, daemon=True, name="stack-sampler").start()

    def watch(self) -> None:
        reported = None
        while True:
            time.sleep(0.005)
            last = self.soak.last_tick
            if last is None or last == reported or self.soak.ending:
                continue
            late = (time.perf_counter() - last) * 1000
            if late >= self.ms:
                reported = last
                frames = sys._current_frames()
                frame = frames.get(self.ui_thread)
                stack = "".join(traceback.format_stack(frame, limit=12)) if frame else "(no frame)"
                others = "".join(f"  [{names.get(ident, ident)}] " + "".join(traceback.format_stack(f, limit=4))
                                 for ident, f in frames.items()
                                 if ident not in (self.ui_thread, threading.get_ident())
                                 for names in [{t.ident: t.name for t in threading.enumerate()}])
                print(f"--- UI thread stuck {late:.0f} ms so far, at {self.soak.elapsed():.1f} s:\n{stack}"
                      f"other threads:\n{others}", flush=True)


EXPLAIN_MS = 40


def describe(receiver, event) -> str:
    """``Class<ParentClass> EventType``, and a timer's interval."""
    from PySide6.QtCore import QTimer

    parent = receiver.parent() if hasattr(receiver, "parent") else None
    what = f"{type(receiver).__name__}<{type(parent).__name__ if parent is not None else ''}> {event.type().name}"
    return what + (f" every {receiver.interval()} ms" if isinstance(receiver, QTimer) else "")


def explaining_application(argv):
    """A QApplication that notes each top-level event the UI thread handles for 1 ms or more: (start, wall ms,
    CPU ms, what). The soak's probe prints those inside each gap over ``EXPLAIN_MS``."""
    from collections import deque

    from PySide6.QtWidgets import QApplication

    class ExplainingApplication(QApplication):
        depth = 0
        events = deque(maxlen=500)

        def notify(self, receiver, event):
            if self.depth:  # only the top-level events are timed: the ones inside are part of them
                return super().notify(receiver, event)
            what = describe(receiver, event)  # now: the receiver may be deleted by the time it returns
            self.depth += 1
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return super().notify(receiver, event)
            finally:
                self.depth -= 1
                wall = (time.perf_counter() - start) * 1000
                if wall >= 1:
                    self.events.append((start, wall, (time.thread_time() - cpu) * 1000, what))

    return ExplainingApplication(argv)


class Soak:
    """Drives the Train panel for the whole time and keeps the minute-by-minute figures."""

    def __init__(self, app, panel, panels, core, minutes: float, every: float):
        from PySide6.QtCore import Qt, QTimer

        self.app, self.panel, self.panels, self.core = app, panel, panels, core
        self.seconds, self.every = minutes * 60, every
        self.started = self.last_tick = None
        self.minute_gap = self.worst_gap = 0.0
        self.gaps: list[float] = []
        self.lines: list[tuple[float, int, int, float]] = []  # elapsed, steps, rss, worst gap in the interval
        self.steps = self.runs = 0
        self.trims: list[tuple[float, float, float, float]] = []  # each run's malloc_trim: start, end, MB given back
        self.long_gaps: list[tuple[float, float]] = []  # (start, end) of the gaps over the target
        self.collections: list[tuple[float, float]] = []  # (start, end) of each full garbage collection
        self._collecting = None
        gc.callbacks.append(self.on_collection)
        self.alive = weakref.WeakSet()  # every run, trainer and model made: which of them are still alive?
        self.ending = False
        self.explain = hasattr(app, "events")
        self.last_cpu = time.thread_time()
        self.probe = QTimer()
        self.probe.setTimerType(Qt.TimerType.PreciseTimer)
        self.probe.setInterval(PROBE_MS)
        self.probe.timeout.connect(self.tick)
        self.reporter = QTimer()
        self.reporter.setInterval(int(every * 1000))
        self.reporter.timeout.connect(self.report_line)
        panel.workspace.training_record.connect(self.on_record)
        panel.workspace.training_state.connect(self.on_state)

    def tick(self) -> None:
        now = time.perf_counter()
        if self.last_tick is not None:
            gap = (now - self.last_tick) * 1000
            self.gaps.append(gap)
            if gap > GAP_TARGET_MS:
                self.long_gaps.append((self.last_tick, now))
            self.minute_gap = max(self.minute_gap, gap)
            if self.explain and gap > EXPLAIN_MS:
                self.explain_gap(gap, self.last_tick)
        self.last_tick = now
        self.last_cpu = time.thread_time()

    def explain_gap(self, gap: float, since: float) -> None:
        cpu = (time.thread_time() - self.last_cpu) * 1000
        inside = "; ".join(f"{wall:.1f}/{ms:.1f} {what}" for start, wall, ms, what in self.app.events if start >= since)
        print(f"--- gap {gap:.1f} ms at {self.elapsed():.1f} s (run {self.runs}, {self.panel.state}): UI thread CPU "
              f"{cpu:.1f} ms; events (wall/CPU ms): {inside or 'none over 1 ms'}", flush=True)

    def on_collection(self, phase: str, info: dict) -> None:
        """Time each full garbage collection (any thread: it holds the interpreter, the window's too)."""
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._collecting = time.perf_counter()
        elif self._collecting is not None:
            self.collections.append((self._collecting, time.perf_counter()))
            self._collecting = None

    def on_record(self, row: dict) -> None:
        if row.get("kind") == "step":
            self.steps += 1

    def begin_when_idle(self) -> None:
        """The window's own loading is not training: wait for its jobs, as ui_stall_bench does."""
        from PySide6.QtCore import QTimer

        if any(getattr(p, "jobs_running", p.job_running)() for p in self.panels):
            QTimer.singleShot(100, self.begin_when_idle)
            return
        self.started = time.perf_counter()
        self.probe.start()
        self.reporter.start()
        self.start_run()

    def start_run(self) -> None:
        """Press Start once the panel has let go of the last run (it says "finished" a little before)."""
        from PySide6.QtCore import QTimer

        if self.ending:
            return
        if self.panel.run is not None or self.panel.job_running():
            QTimer.singleShot(50, self.start_run)
            return
        self.runs += 1
        self.panel.start_action.trigger()
        if self.panel.run is not None:
            self.alive.add(self.panel.run)
            QTimer.singleShot(2000, self.note_trainer)

    def note_trainer(self) -> None:
        """The trainer is built in the worker thread: note it once it exists."""
        run = self.panel.run
        if run is not None and run.trainer is not None:
            self.alive.add(run.trainer)
            self.alive.add(run.trainer.model)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def report_line(self) -> None:
        rss = resident_bytes()
        snapshots = self.core.snapshots.used_bytes()
        self.lines.append((self.elapsed(), self.steps, rss, self.minute_gap, snapshots))
        self.worst_gap = max(self.worst_gap, self.minute_gap)
        heap = heap_bytes()
        heap_text = f"heap {heap[0] / 1024**2:6.1f} + free {heap[1] / 1024**2:6.1f} MB  " if heap else ""
        kinds = {}
        for obj in list(self.alive):
            kinds[type(obj).__name__] = kinds.get(type(obj).__name__, 0) + 1
        alive = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        print(f"{self.elapsed() / 60:6.1f} min  {self.steps:7d} steps  RSS {rss / 1024**2:8.1f} MB  "
              f"snapshots {snapshots / 1024**2:5.1f} MB on disk  {heap_text}"
              f"worst gap {self.minute_gap:6.1f} ms  (run {self.runs}, load {os.getloadavg()[0]:.2f}; alive: {alive})",
              flush=True)
        self.minute_gap = 0.0
        if self.elapsed() >= self.seconds - self.every / 2 and not self.ending:  # timers fire a little early
            self.ending = True
            if self.panel.state in ("running", "paused"):
                self.panel.stop_action.trigger()
            else:
                self.finish()

    def on_state(self, state: str) -> None:
        from PySide6.QtCore import QTimer

        if state not in ("stopped", "finished", "diverged"):
            return
        if self.ending:
            self.finish()
        else:  # the run ended before the time: train on
            QTimer.singleShot(0, self.start_run)

    def finish(self) -> None:
        from PySide6.QtCore import QTimer

        self.probe.stop()
        self.reporter.stop()
        self.core.dirty = False  # nothing to save: closing must not ask
        QTimer.singleShot(200, self.app.quit)


def summary(soak: Soak, core, threads: int) -> int:
    recipe = core.recipe
    print()
    print(f"dataset {recipe.spec.get('dataset')}, model {recipe.model.n_layer} layers x {recipe.model.d_model}, "
          f"batch {recipe.train.batch_size} x {recipe.model.block_size}; {threads} training thread(s); "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
    if len(soak.lines) < 2:
        print("fewer than two report lines: run longer (--minutes)")
        return 1
    last = soak.lines[-1]
    first = next((line for line in soak.lines if line[0] >= 59), soak.lines[0])  # the line at one minute
    growth = (last[2] - first[2]) / 1024**2
    worst = max(soak.gaps) if soak.gaps else 0.0
    print(f"{soak.steps} steps in {last[0] / 60:.1f} min over {soak.runs} run(s); probe gaps: {len(soak.gaps)}, "
          f"p99 {percentile(soak.gaps, 99):.1f} ms, over {GAP_TARGET_MS} ms: {sum(g > GAP_TARGET_MS for g in soak.gaps)}")
    print(f"memory growth after the first minute: {growth:+.1f} MB "
          f"({first[2] / 1024**2:.1f} -> {last[2] / 1024**2:.1f} MB; target <= {GROWTH_TARGET_MB} MB: "
          f"{'met' if growth <= GROWTH_TARGET_MB else 'MISSED'})")
    print(f"weight snapshots for Inspect: {len(core.snapshots)} kept, {last[4] / 1024**2:.1f} MB on disk "
          f"(budget {core.snapshots.budget_bytes / 1024**2:.0f} MB, in {core.snapshots.folder}), "
          "not in resident memory")
    if soak.trims:
        ms, mb = [t[2] for t in soak.trims], [t[3] for t in soak.trims]
        during = [(end - start) * 1000 for start, end in soak.long_gaps
                  if any(start < t_end and t_start < end for t_start, t_end, _ms, _mb in soak.trims)]
        print(f"malloc_trim at the end of each run: {len(ms)} times, {min(ms):.0f}-{max(ms):.0f} ms, gave back "
              f"{min(mb):.0f}-{max(mb):.0f} MB; gaps over {GAP_TARGET_MS} ms overlapping one: {len(during)} of "
              f"{len(soak.long_gaps)}" + (f" (worst {max(during):.1f} ms)" if during else ""))
    if soak.started is not None:
        full = [(start, end) for start, end in soak.collections if start >= soak.started]
        ms = [(end - start) * 1000 for start, end in full]
        during = [(end - start) * 1000 for start, end in soak.long_gaps
                  if any(start < c_end and c_start < end for c_start, c_end in full)]
        print(f"full garbage collections: {len(ms)}" + (f", {min(ms):.0f}-{max(ms):.0f} ms" if ms else "") +
              f" ({gc.get_freeze_count():,} objects frozen); gaps over {GAP_TARGET_MS} ms overlapping one: "
              f"{len(during)} of {len(soak.long_gaps)}" + (f" (worst {max(during):.1f} ms)" if during else ""))
    print(f"worst event-loop gap overall: {worst:.1f} ms (target <= {GAP_TARGET_MS} ms: "
          f"{'met' if worst <= GAP_TARGET_MS else 'MISSED'})")
    return 0


def time_trims(trims: list) -> None:
    """Note how long each run's ``malloc_trim`` takes and what it gives back: it holds each arena's lock,
    the UI thread's too, for that long."""
    from playground.app import training

    release = training.release_freed_memory

    def timed() -> bool:
        before, t = resident_bytes(), time.perf_counter()
        done = release()
        end = time.perf_counter()
        trims.append((t, end, (end - t) * 1000, (before - resident_bytes()) / 1024**2))
        return done

    training.release_freed_memory = timed


def main() -> int:
    args = parse_args()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from playground.core.runtime import keep_freed_memory

    keep_freed_memory()  # the allocator settings the app's launch makes (open_window), before any thread starts
    app = explaining_application(sys.argv[:1]) if args.explain else QApplication(sys.argv[:1])
    from playground.app import training
    from playground.core.workspace import DEFAULT_DATASET, Workspace

    core = Workspace()
    core.use_dataset(args.dataset or DEFAULT_DATASET)
    if args.steps:
        core.set_train_config(max_steps=args.steps)
    panel, shown, panels = open_train_panel(core, panel_only=False)
    if not args.no_freeze:
        from playground.core.runtime import freeze_long_lived_objects

        freeze_long_lived_objects()  # as the app does once its panels are built (main_window._next_ui_module)
    panel.runs_root = Path(tempfile.mkdtemp(prefix="soak-bench-"))
    panel.threads = args.threads
    if args.snapshot_budget is not None:
        panel.snapshot_budget.budget.setValue(args.snapshot_budget)  # as the user would, in the panel
    shown.show()
    soak = Soak(app, panel, panels, core, args.minutes, args.report_every)
    time_trims(soak.trims)
    if args.stacks:
        StackSampler(soak, args.stacks)
    QTimer.singleShot(100, soak.begin_when_idle)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.thread_time)  # CPU time of the UI thread: waiting for a core is not its cost
        profiler.enable()
    app.exec()
    if profiler is not None:
        import pstats

        profiler.disable()
        print(f"\nthe UI thread's {args.profile} costliest functions (CPU seconds, with what they call):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    panel.shutdown()
    threads = args.threads or training.training_threads(core.recipe.train.device)
    return summary(soak, core, threads)


if __name__ == "__main__":
    sys.exit(main())
