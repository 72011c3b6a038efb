"""``playground --self-test``: the real app, end to end, one line and an exit code; failures are reported."""

import os
import subprocess
import sys
import time
from pathlib import Path

from playground.app.self_test import SelfTest

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_process_trains_generates_inspects_and_exits_0(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(OMP_WAIT_POLICY="PASSIVE", PLAYGROUND_LANG="en_US")  # the line is translated: read it in English
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    done = subprocess.run([sys.executable, "-m", "playground", "--self-test"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground self-test passed: "), done.stdout
    assert "trained grammar 20 steps" in lines[0] and "traced" in lines[0]
    assert list(cwd.iterdir()) == []  # no run folder or settings written where it was started


def test_self_test_prints_its_line_in_the_language_asked_for(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "PLAYGROUND_LANG")}
    env.update(OMP_WAIT_POLICY="PASSIVE", PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "playground", "--self-test", "--lang", "zh_CN"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("playground 自检通过："), done.stdout
    assert "训练 grammar 20 步" in lines[0] and "追踪" in lines[0] and lines[0].endswith(" 秒")


def test_self_test_in_a_window_reports_each_stage(qtbot, make_window, tmp_path):
    window = make_window()
    test = SelfTest(window, tmp_path / "runs", time.monotonic(), steps=3)
    with qtbot.waitSignal(test.finished, timeout=120_000) as done:
        test.start()
    code, line = done.args
    assert code == 0, line
    assert "3 steps" in line and [s.name for s in test.stages] == ["load", "fonts", "train", "generate", "inspect"]
    assert all(s.seconds > 0 for s in test.stages[1:])
    assert any((tmp_path / "runs").iterdir())  # the run went to the folder it was given


def test_an_error_in_the_window_fails_the_self_test(qtbot, make_window, tmp_path):
    window = make_window()
    test = SelfTest(window, tmp_path / "runs", time.monotonic(), steps=3)
    with qtbot.waitSignal(test.finished, timeout=120_000) as done:
        test.start()
        window.workspace.report_error("the disk is full")
    code, line = done.args
    assert code == 1 and line.startswith("playground self-test FAILED") and "the disk is full" in line


def test_a_broken_install_fails_the_self_test_at_once(tmp_path):
    """A library that cannot be imported (here pyqtgraph, shadowed by a broken copy) is reported, not waited on."""
    broken = tmp_path / "broken" / "pyqtgraph"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('this pyqtgraph is damaged')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(OMP_WAIT_POLICY="PASSIVE", PYTHONPATH=f"{broken.parent}{os.pathsep}{ROOT}", PLAYGROUND_LANG="en_US")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "playground", "--self-test"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and done.stdout == ""
    assert "self-test FAILED" in done.stderr and "this pyqtgraph is damaged" in done.stderr
    assert time.monotonic() - started < 120  # well before the 240 s a hung stage would take
