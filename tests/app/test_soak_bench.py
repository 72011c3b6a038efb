"""benchmarks/soak_bench.py runs: a line per interval, runs restarted when they end early, the summary vs targets."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_soak_benchmark_reports_each_interval_and_restarts_training(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE",
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "benchmarks/soak_bench.py", "--minutes", "0.2", "--report-every", "3",
                           "--steps", "3"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if re.match(r"\s+[\d.]+ min\s+\d+ steps\s+RSS", line)]
    assert len(lines) >= 3, done.stdout
    runs = int(re.search(r"over (\d+) run\(s\)", done.stdout).group(1))
    steps = int(re.search(r"(\d+) steps in", done.stdout).group(1))
    assert runs >= 2 and steps > 3, done.stdout  # the 3-step runs were started again until the time was up
    assert re.search(r"memory growth after the first minute: [+-][\d.]+ MB .*target <= 50 MB: (met|MISSED)",
                     done.stdout), done.stdout
    assert re.search(r"weight snapshots for Inspect: [1-9]\d* kept, [\d.]+ MB on disk .*not in resident memory",
                     done.stdout), done.stdout
    assert re.search(r"malloc_trim at the end of each run: \d+ times", done.stdout), done.stdout
    frozen = re.search(r"full garbage collections: \d+.*\(([\d,]+) objects frozen\); gaps over 50 ms overlapping "
                       r"one: \d+ of \d+", done.stdout)
    assert frozen and int(frozen.group(1).replace(",", "")) > 100_000, done.stdout  # frozen, as the app does
    alive = [re.search(r"alive: (.*)\)$", line).group(1) for line in lines]
    # each finished run is let go of at once: never two runs (and their trainers) alive at a report
    assert all(not re.search(r"\b([2-9]|\d\d+) (TrainingRun|Trainer)\b", a) for a in alive), alive
    assert re.search(r"worst event-loop gap overall: [\d.]+ ms \(target <= 50 ms: (met|MISSED)\)", done.stdout)
