"""Long sessions: the Train panel lets go of each finished run at once, not at the next garbage collection.

The soak benchmark (benchmarks/soak_bench.py) showed two or three runs alive at a time, each with
its trainer, its optimizer's moments and its gradients, until a full collection freed them minutes
later: a reference cycle through the Job kept the run's generator. These tests run with the
garbage collector off, so only reference counting can free anything.
"""

import gc
import os
import threading
import weakref

import pytest
from PySide6.QtCore import QCoreApplication

from playground.app.panels.train import TrainPanel
from playground.app.training import TRAINING_NICE, can_lower_thread_priority
from playground.app.worker import Job, WorkerThread

from .workspaces import tiny_workspace

TIMEOUT = 60_000


@pytest.fixture
def no_gc():
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was:
        gc.enable()


class Payload:
    """Something a job's function holds, as a run holds its trainer."""


def test_a_finished_job_lets_go_of_its_function_and_what_it_holds(qtbot, no_gc):
    payload = Payload()
    alive = weakref.ref(payload)

    def rows(held=payload):
        yield from range(3)

    job = Job(rows)
    got = []
    job.progress.connect(got.append)
    del payload, rows
    with qtbot.waitSignal(job.finished, timeout=TIMEOUT):
        job.start()
    assert got == [0, 1, 2]
    assert alive() is None  # the job object itself still exists: it no longer needs the function
    runner = weakref.ref(job._runner)
    del job
    QCoreApplication.processEvents()
    assert runner() is None  # and the job goes with its last reference, not at a collection


def test_starting_and_finishing_runs_does_not_keep_old_runs_trainers_or_optimizer_state(qtbot, tmp_path, no_gc):
    ws = tiny_workspace(max_steps=4, eval_interval=2)
    panel = TrainPanel(ws, runs_root=tmp_path / "runs")
    qtbot.addWidget(panel)
    runs, trainers, moments = [], [], []
    for _ in range(4):
        with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
            panel.start()
            runs.append(weakref.ref(panel.run))
        qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)
        trainer = ws.core.trainer
        trainers.append(weakref.ref(trainer))
        moments.append(weakref.ref(trainer.optimizer.exp_avg))
        del trainer
    assert [r["step"] for r in ws.core.history if r["kind"] == "step"] == list(range(1, 17))  # four real runs
    assert [t() is not None for t in trainers] == [False, False, False, True]  # the workspace keeps the newest
    assert [m() is not None for m in moments] == [False, False, False, True]
    assert [r() is not None for r in runs] == [False, False, False, False]  # a finished run is let go of
    assert not gc.isenabled()  # nothing above was freed by a collection
    panel.shutdown()


def test_a_worker_thread_runs_its_jobs_one_after_another_in_one_thread(qtbot):
    worker = WorkerThread("test")
    release = threading.Event()
    threads, results = [], []

    def first():
        threads.append(threading.get_native_id())
        release.wait(30)
        return "first"

    def second():
        threads.append(threading.get_native_id())
        return "second"

    jobs = [Job(first, thread=worker), Job(second, thread=worker)]
    for job in jobs:
        job.result.connect(results.append)
        job.start()
    assert jobs[0].is_running() and jobs[1].is_running()  # the second waits its turn
    assert not jobs[1].wait(50)
    release.set()
    assert jobs[1].wait(30_000)
    qtbot.waitUntil(lambda: results == ["first", "second"], timeout=TIMEOUT)
    assert not any(job.is_running() for job in jobs)
    assert threads == [worker.native_id] * 2 and worker.native_id != threading.get_native_id()


def test_every_run_trains_in_one_long_lived_thread_nicer_than_the_window(qtbot, tmp_path):
    ws = tiny_workspace(max_steps=4, eval_interval=100)
    panel = TrainPanel(ws, runs_root=tmp_path / "runs")
    qtbot.addWidget(panel)
    seen = []

    def where(_trainer):
        tid = threading.get_native_id()
        seen.append((tid, os.getpriority(os.PRIO_PROCESS, tid) if can_lower_thread_priority() else None))

    for _ in range(3):
        with qtbot.waitSignal(ws.training_state, timeout=TIMEOUT, check_params_cb=lambda s: s == "finished"):
            panel.start()
            panel.run.call_between_steps(where)
        qtbot.waitUntil(lambda: panel.run is None and not panel.job_running(), timeout=TIMEOUT)
    panel.shutdown()
    assert len(seen) == 3 and len({tid for tid, _ in seen}) == 1  # one thread for every run
    assert seen[0][0] != threading.get_native_id()
    if can_lower_thread_priority():  # niced once from the window's level, not once more per run
        ui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert [nice for _, nice in seen] == [min(19, ui + TRAINING_NICE)] * 3
