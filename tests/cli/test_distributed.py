"""``playground train`` under the real torchrun: 2 CPU processes (gloo) follow the data of 1 process.

Tiny models (2 layers, width 32, context 32) so each torchrun run takes seconds; dropout is 0 in the
comparisons of 1 and 2 processes: ranks draw their own dropout masks, so only a run without dropout
gives the same losses with any number of processes (see README, "Training in several processes").
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from safetensors.torch import load_file

from playground.cli import main
from playground.cli.common import resolve_checkpoint
from playground.core.checkpoint import load_checkpoint, weights_of

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--layers", "2", "--heads", "2", "--width", "32", "--ff", "64", "--context", "32", "--dropout", "0"]
PAIRS = ["--dataset", "reversal", "--batch-size", "16", "--seed", "3", *TINY]


def torchrun_command(*argv, nproc: int = 2) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}",
            "-m", "playground", "train", *[str(a) for a in argv]]


def process_env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAYGROUND_LANG": "en", "OMP_NUM_THREADS": "1",
           "OMP_WAIT_POLICY": "PASSIVE", **extra}
    return env


def torchrun(*argv, nproc: int = 2, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(torchrun_command(*argv, nproc=nproc), cwd=ROOT, env=process_env(), capture_output=True,
                          text=True, timeout=timeout)


def step_losses(run_dir: Path) -> dict[int, float]:
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    steps = [r for r in rows if r["kind"] == "step"]
    by_step = {r["step"]: r["loss"] for r in steps}
    assert len(by_step) == len(steps), "a step was written twice: only rank 0 may write metrics.jsonl"
    return by_step


@pytest.fixture(scope="module")
def two_process_run(tmp_path_factory):
    """20 steps of 2 processes with global batch 16, checkpoints at steps 10 and 20: (run folder, result)."""
    run_dir = tmp_path_factory.mktemp("ddp") / "two"
    result = torchrun(*PAIRS, "--steps", 20, "--eval-interval", 20, "--checkpoint-interval", 10,
                      "--run-dir", run_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    return run_dir, result


def test_two_processes_follow_one_process_step_by_step(two_process_run, tmp_path, capsys):
    run_dir, result = two_process_run
    one = tmp_path / "one"
    assert main(["train", *PAIRS, "--steps", "20", "--eval-interval", "20", "--threads", "1", "--quiet",
                 "--run-dir", str(one)]) == 0
    capsys.readouterr()
    single, double = step_losses(one), step_losses(run_dir)
    assert sorted(double) == list(range(1, 21)) == sorted(single)
    for step in single:  # reversal pairs pad to different lengths: each rank's share of the targets differs
        assert abs(single[step] - double[step]) < 1e-4, (step, single[step], double[step])
    assert single[20] < single[1] - 0.3  # it learned: the comparison is not between two runs that stand still


def test_only_rank_zero_speaks_and_writes(two_process_run):
    run_dir, result = two_process_run
    out = result.stdout
    assert out.count("Training on reversal") == 1 and out.count("Finished step 20") == 1, out
    cores = len(os.sched_getaffinity(0))
    assert (f"2 processes (DistributedDataParallel, gloo): batch 16 = 8 per process; CPU threads per process: "
            f"{max(1, cores // 2)} ({cores} cores, 2 processes on this machine)") in out, out
    assert "Traceback" not in result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stderr  # e.g. a deprecated DDP option
    names = sorted(p.name for p in (run_dir / "checkpoints").iterdir())
    assert names == ["best", "latest.json", "step-000010", "step-000020"]  # best: the one evaluation, step 20
    # the plain model's parameter names, as one process saves them: never DistributedDataParallel's "module."
    saved = sorted(load_file(run_dir / "checkpoints" / "step-000020" / "model.safetensors"))
    assert "tok_emb.weight" in saved and not any(n.startswith("module.") for n in saved), saved
    assert saved == sorted(weights_of(load_checkpoint(run_dir / "checkpoints" / "step-000020").model))
    assert not list(run_dir.glob("**/*.tmp*")), "a temporary file of an atomic write was left behind"


def test_a_resumed_torchrun_run_continues_exactly(two_process_run, tmp_path, capsys):
    run_dir, _result = two_process_run
    uninterrupted = step_losses(run_dir)
    again = tmp_path / "again"
    result = torchrun("--resume", run_dir / "checkpoints" / "step-000010", "--steps", 20, "--run-dir", again)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Resuming at step 10 of 20" in result.stdout
    resumed = step_losses(again)
    assert sorted(resumed) == list(range(11, 21))
    assert all(resumed[s] == uninterrupted[s] for s in resumed), (resumed, uninterrupted)
    # with another number of processes: 1 process from the same checkpoint
    alone = tmp_path / "alone"
    assert main(["train", "--resume", str(run_dir / "checkpoints" / "step-000010"), "--steps", "20",
                 "--threads", "1", "--quiet", "--run-dir", str(alone)]) == 0
    capsys.readouterr()
    one = step_losses(alone)
    assert all(abs(one[s] - uninterrupted[s]) < 1e-4 for s in range(11, 21)), (one, uninterrupted)


def test_a_one_process_checkpoint_resumes_under_torchrun(two_process_run, tmp_path, capsys):
    """The other way round: 10 steps in one process, then 10 more in two (DistributedDataParallel wraps the
    resumed model); the losses follow the 2-process run that was never interrupted."""
    run_dir, _result = two_process_run
    first = tmp_path / "first"
    assert main(["train", *PAIRS, "--steps", "20", "--eval-interval", "20", "--checkpoint-interval", "10",
                 "--threads", "1", "--quiet", "--run-dir", str(first)]) == 0
    capsys.readouterr()
    result = torchrun("--resume", first / "checkpoints" / "step-000010", "--steps", 20, "--run-dir", tmp_path / "two")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Resuming at step 10 of 20" in result.stdout
    resumed, uninterrupted = step_losses(tmp_path / "two"), step_losses(run_dir)
    assert sorted(resumed) == list(range(11, 21))
    assert all(abs(resumed[s] - uninterrupted[s]) < 1e-4 for s in resumed), (resumed, uninterrupted)


def test_a_batch_that_does_not_split_is_refused_with_advice(tmp_path):
    result = torchrun(*PAIRS[:2], "--batch-size", 15, *TINY, "--steps", 2, "--run-dir", tmp_path / "odd")
    assert result.returncode != 0, result.stdout + result.stderr  # torchrun's own code for a failed process: 1
    assert "the batch size 15 does not split evenly over 2 processes: choose a multiple of 2 with --batch-size" \
        in result.stderr
    assert "this is a bug" not in result.stderr and "playground/core" not in result.stderr  # no trace of ours


MIXED = "The cat sat on the mat. 小猫坐在垫子上。🐱🧶 The dog ran home! 狗跑回家了。🐶🏠\n" * 40


def rank_pid(marker: str, rank: int) -> int | None:
    """The pid of the torchrun worker with this rank, found by the marker in its environment."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            env = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"PLAYGROUND_TEST_RUN={marker}".encode() in env and f"RANK={rank}".encode() in env:
            return int(proc.name)
    return None


def start_text_run(folder: Path, marker: str, *extra) -> subprocess.Popen:
    """A long torchrun run on a mixed English, Chinese and emoji text, checkpointing every 5 steps."""
    text = folder / "诗🙂.txt"  # a Chinese and emoji file name: the run folder's default name comes from it
    text.write_text(MIXED, encoding="utf-8")
    command = torchrun_command("--text", text, "--tokenizer", "bpe", "--vocab-size", 300, *TINY,
                               "--batch-size", 8, "--steps", 100_000, "--eval-interval", 100_000,
                               "--checkpoint-interval", 5, *extra)
    return subprocess.Popen(command, cwd=folder, env=process_env(PLAYGROUND_TEST_RUN=marker),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_checkpoint(proc: subprocess.Popen, runs: Path, step: int) -> Path:
    """The run folder once its latest checkpoint reaches ``step``."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        found = list(runs.glob("*/checkpoints/latest.json")) if runs.exists() else []
        if found and json.loads(found[0].read_text(encoding="utf-8"))["step"] >= step:
            return found[0].parent.parent
        time.sleep(0.2)
    pytest.fail(f"no checkpoint at step {step} in time: " + (proc.stdout.read() if proc.poll() is not None else ""))


def assert_resumable(run_dir: Path, folder: Path) -> None:
    """The run's last checkpoint is whole and loads; one process resumes it for two more steps."""
    checkpoint_dir = resolve_checkpoint(run_dir)
    checkpoint = load_checkpoint(checkpoint_dir, training=True)
    step = int(checkpoint.state["step"])
    assert step >= 5 and checkpoint_dir.name == f"step-{step:06d}"
    assert max(step_losses(run_dir)) >= step
    result = subprocess.run([sys.executable, "-m", "playground", "train", "--resume", str(run_dir), "--steps",
                             str(step + 2), "--quiet"], cwd=folder, env=process_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Finished step {step + 2}" in result.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the rank's process through /proc")
def test_a_rank_that_dies_stops_the_run_with_a_message_and_an_intact_checkpoint(tmp_path):
    marker = uuid.uuid4().hex
    proc = start_text_run(tmp_path, marker)
    try:
        run_dir = wait_for_checkpoint(proc, tmp_path / "runs", 10)
        assert run_dir.name.startswith("诗🙂-")
        os.kill(rank_pid(marker, 1), signal.SIGKILL)
        killed = time.monotonic()
        output, _ = proc.communicate(timeout=120)
        waited = time.monotonic() - killed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode != 0, output
    assert waited < 60, waited  # bounded: gloo sees the closed connection, torchrun stops the others
    assert "process 0 of 2 lost contact with the others" in output, output
    assert "Continue with: torchrun --standalone --nproc_per_node=2 -m playground train --resume" in output
    assert_resumable(run_dir, tmp_path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the rank's process through /proc")
def test_a_rank_that_hangs_stops_the_run_after_the_timeout(tmp_path):
    """A frozen rank (SIGSTOP: alive, silent, as a hung machine) is noticed by the others' timeout."""
    marker = uuid.uuid4().hex
    proc = start_text_run(tmp_path, marker, "--dist-timeout", 5)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    victim = None
    try:
        run_dir = wait_for_checkpoint(proc, tmp_path / "runs", 5)
        victim = rank_pid(marker, 1)
        os.kill(victim, signal.SIGSTOP)
        frozen = time.monotonic()
        while time.monotonic() - frozen < 90 and not any("lost contact" in line for line in lines):
            time.sleep(0.2)
        noticed = time.monotonic() - frozen
        os.kill(victim, signal.SIGCONT)  # torchrun's SIGTERM to it can now be handled
        proc.wait(timeout=120)
        reader.join(timeout=10)
    finally:
        if proc.poll() is None:
            if victim is not None:
                os.kill(victim, signal.SIGCONT)
            proc.kill()
            proc.wait()
    output = "".join(lines)
    assert 4 < noticed < 60, (noticed, output)  # the 5 s timeout, give or take the step it was in
    assert "process 0 of 2 lost contact with the others" in output and "did not answer within 5 s" in output, output
    assert proc.returncode != 0, output
    assert_resumable(run_dir, tmp_path)


def test_ctrl_c_under_torchrun_stops_every_rank_after_the_same_step_and_saves(tmp_path):
    """torchrun passes a Ctrl-C (SIGINT) to every rank; they agree on the step, rank 0 saves it and says so once."""
    proc = start_text_run(tmp_path, uuid.uuid4().hex)
    try:
        run_dir = wait_for_checkpoint(proc, tmp_path / "runs", 5)
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert output.count("Stopping after this step") == 1, output
    stopped = [line for line in output.splitlines() if line.startswith("Stopped at step ")]
    assert len(stopped) == 1, output
    step = int(stopped[0].split()[3].rstrip(";"))
    assert json.loads((run_dir / "checkpoints" / "latest.json").read_text(encoding="utf-8"))["step"] == step
    assert max(step_losses(run_dir)) == step  # no rank went on past the step the others stopped at
    assert "Continue with: torchrun --standalone --nproc_per_node=2 -m playground train --resume" in output
    assert_resumable(run_dir, tmp_path)
