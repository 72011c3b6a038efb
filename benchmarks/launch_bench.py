"""Launch time of the desktop app: process start to a visible window, to ready panels, to loaded data.

Starts ``python -m playground`` (offscreen, with fresh temporary settings, so every run is a
first launch on the default dataset) N times and reads the milestones the app writes when
PLAYGROUND_LAUNCH_PROBE names a file. Prints each run and the median.

    python benchmarks/launch_bench.py --runs 5
    python benchmarks/launch_bench.py --command build/dist/playground/playground --cold   # the bundle

``--command`` times an installed or bundled app instead; ``--cold`` empties the kernel's page
cache before every launch (Linux, as root), so each run reads the app from disk as at boot.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EVENTS = ("main", "window_shown", "torch_imported", "panels_ready", "data_ready")
ROOT = Path(__file__).resolve().parent.parent


def drop_page_cache() -> bool:
    """Empty Linux's page cache (root only); False where that is not allowed."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def launch_once(timeout: float, command: list[str], cold: bool = False) -> dict[str, float]:
    """Seconds from starting the process to each milestone of one launch."""
    with tempfile.TemporaryDirectory(prefix="playground-launch-") as tmp:
        probe = Path(tmp) / "probe.jsonl"
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   OMP_WAIT_POLICY="PASSIVE", PLAYGROUND_LAUNCH_PROBE=str(probe),
                   PLAYGROUND_QUIT_WHEN_READY="1", PLAYGROUND_SETTINGS_DIR=tmp)
        if cold and not drop_page_cache():
            raise SystemExit("--cold needs root on Linux (it writes /proc/sys/vm/drop_caches)")
        start = time.time()
        done = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the app exited with {done.returncode}:\n{done.stderr}")
        rows = [json.loads(line) for line in probe.read_text().splitlines()]
    times = {row["event"]: row["t"] - start for row in rows}
    times["torch_before_window"] = next(r["torch_imported"] for r in rows if r["event"] == "window_shown")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--command", help="the app to start (default: this Python's -m playground)")
    parser.add_argument("--cold", action="store_true", help="empty the page cache before each launch")
    args = parser.parse_args()
    command = [args.command] if args.command else [sys.executable, "-m", "playground"]
    print(f"app: {' '.join(command)}, {'cold (page cache emptied before each run)' if args.cold else 'warm'}")
    if not args.cold:
        launch_once(args.timeout, command)  # warm the disk cache: later runs measure the app, not the first read
    runs = []
    print(f"{'run':>4}" + "".join(f"{e:>16}" for e in EVENTS))
    for i in range(args.runs):
        times = launch_once(args.timeout, command, args.cold)
        runs.append(times)
        print(f"{i + 1:>4}" + "".join(f"{times.get(e, float('nan')):>15.2f}s" for e in EVENTS))
    medians = {e: statistics.median(r[e] for r in runs) for e in EVENTS}
    print("  median" + "".join(f"{medians[e]:>15.2f}s" for e in EVENTS)[4:])
    late = sum(r["torch_before_window"] for r in runs)
    print(f"window shown before torch finished importing in {args.runs - late} of {args.runs} runs")
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, platform {platform}")


if __name__ == "__main__":
    main()
