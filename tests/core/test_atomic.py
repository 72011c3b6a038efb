"""Saving: one atomic writer, and its faults — a kill mid-save, a full disk — leave the previous file whole."""

import errno
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from playground.core.atomic import save_error, write_atomic, write_json_atomic
from playground.core.checkpoint import load_checkpoint, save_checkpoint
from playground.core.errors import DiskFullError, SaveError
from playground.core.model import build_model
from playground.core.session import load_session, save_session
from tests.faults import disk_full_after

ROOT = Path(__file__).resolve().parents[2]

# A child process: builds a tiny trained workspace, then runs the code given to it.
CHILD = textwrap.dedent("""
    import json, resource, signal, sys
    from dataclasses import asdict
    sys.path.insert(0, {root!r})
    from playground.core.checkpoint import save_checkpoint
    from playground.core.errors import PlaygroundError
    from playground.core.session import save_session
    from playground.core.workspace import Workspace
    from tests.core.helpers import TEXT, TINY_MODEL
    ws = Workspace()
    ws.use_text(TEXT, is_text=True)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(max_steps={steps}, batch_size=4, eval_interval=100, warmup_steps=2, device="cpu")
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
""")


def child(code: str, steps: int = 3, **kwargs) -> subprocess.Popen:
    script = CHILD.format(root=str(ROOT), steps=steps) + textwrap.dedent(code)
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, **kwargs)


def trained(steps=2):
    from dataclasses import asdict

    from playground.core.workspace import Workspace

    from .helpers import TEXT, TINY_MODEL

    ws = Workspace()
    ws.use_text(TEXT, is_text=True)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(max_steps=steps, batch_size=4, eval_interval=100, warmup_steps=2, device="cpu")
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    return ws


# --- one writer ---------------------------------------------------------------------------
def test_only_the_atomic_module_renames_or_fsyncs():
    """Every save goes through playground/core/atomic.py: no second copy of the recipe to drift."""
    pattern = re.compile(r"os\.(replace|rename|fsync)\(|\.rename\(")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "playground").rglob("*.py")
                 if p.name != "atomic.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_write_atomic_replaces_and_cleans_up(tmp_path):
    target = tmp_path / "latest.json"
    write_json_atomic(target, {"step": 1, "名": "😀"})
    write_json_atomic(target, {"step": 2})
    assert json.loads(target.read_text(encoding="utf-8")) == {"step": 2}

    def fail(stream):
        stream.write(b"half a file")
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        write_atomic(target, fail)
    assert json.loads(target.read_text(encoding="utf-8")) == {"step": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["latest.json"]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EDQUOT])
def test_no_room_left_is_reported_as_a_full_disk(tmp_path, code):
    error = save_error(tmp_path / "s.playground", OSError(code, os.strerror(code)))
    assert isinstance(error, DiskFullError)
    text = str(error)
    assert text.startswith("The disk is full") and "s.playground" in text
    assert "free some space or choose another folder" in text.lower() and "previous file is unchanged" in text


def test_other_write_failures_say_what_to_do(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError) as info:
        write_json_atomic(blocker / "latest.json", {"step": 1})
    assert not isinstance(info.value, DiskFullError)
    assert "latest.json" in str(info.value) and "previous file is unchanged" in str(info.value)


# --- a full disk ----------------------------------------------------------------------------
FULL_DISK = """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit raises EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
    results = {{}}
    for name, save in (("session", lambda: save_session({session!r}, ws, {{"v": 2}})),
                       ("checkpoint", lambda: save_checkpoint({checkpoint!r}, ws.model, ws.recipe.task.tokenizer,
                                                              {{"step": 99}}))):
        try:
            save()
            results[name] = ["saved", ""]
        except PlaygroundError as e:
            results[name] = [type(e).__name__, str(e)]
    print(json.dumps(results), flush=True)
"""


def test_a_full_disk_keeps_the_previous_session_and_checkpoint(tmp_path):
    ws = trained()
    session = save_session(tmp_path / "s.playground", ws, {"v": 1})
    checkpoint = save_checkpoint(tmp_path / "ckpt", ws.model, ws.recipe.task.tokenizer, {"step": 2})
    before = session.read_bytes(), {p.name: p.read_bytes() for p in checkpoint.iterdir()}
    assert len(before[0]) > 4096 and (checkpoint / "model.safetensors").stat().st_size > 4096

    proc = child(FULL_DISK.format(session=str(session), checkpoint=str(checkpoint)), stdout=subprocess.PIPE)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0
    results = json.loads(out.decode().strip().splitlines()[-1])
    for name in ("session", "checkpoint"):
        kind, message = results[name]
        assert kind == "DiskFullError", (name, kind, message)
        assert message.startswith("The disk is full") and "previous file is unchanged" in message
    assert session.read_bytes() == before[0]
    assert {p.name: p.read_bytes() for p in checkpoint.iterdir()} == before[1]
    assert load_session(session)[1] == {"v": 1} and load_checkpoint(checkpoint).state["step"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt", "s.playground"]  # no temporary left


# --- a kill in the middle of a session save ---------------------------------------------------
KILLED = """
    step = 0
    print("ready", flush=True)
    while True:
        step += 1
        save_session({target!r}, ws, {{"save": step}})
"""


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.45])
def test_killed_process_mid_session_save_leaves_a_loadable_session(tmp_path, delay):
    target = tmp_path / "s.playground"
    proc = child(KILLED.format(target=str(target)), stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 60
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    ws, ui_state = load_session(target)
    assert ui_state["save"] >= 1 and ws.trained_steps == 3 and ws.model is not None
    # whatever the kill left is a temporary beside it, never a half-written session file
    assert all(p.name == "s.playground" or p.name.endswith(".tmp") for p in tmp_path.iterdir())


def test_a_checkpoint_folder_that_cannot_be_made_is_a_save_error(tmp_path):
    """The checkpoint path used by the trainer: a folder that cannot be made is a SaveError."""
    ws = trained()
    blocker = tmp_path / "runs"
    blocker.write_text("a file where the run folder should be")
    with pytest.raises(SaveError):
        save_checkpoint(blocker / "step-000002", build_model(ws.recipe.model), ws.recipe.task.tokenizer, {})


def test_tokenizer_and_token_files_on_a_full_disk_keep_the_previous_ones(tmp_path):
    from playground.core.corpus import encode_corpus, load_tokens

    ws = trained(steps=1)
    tokenizer = ws.recipe.task.tokenizer
    saved = tokenizer.save(tmp_path / "tokenizer.json")
    tokens = encode_corpus(tokenizer, ["the cat sat on the mat\n"], tmp_path / "tokens.bin")
    before = saved.read_bytes(), bytes(tokens), (tmp_path / "tokens.bin.json").read_bytes()
    del tokens
    with disk_full_after(1024):
        with pytest.raises(DiskFullError):
            tokenizer.save(saved)
        with pytest.raises(DiskFullError):
            encode_corpus(tokenizer, ["the dog sat on the log\n" * 500], tmp_path / "tokens.bin")
    assert saved.read_bytes() == before[0]
    assert bytes(load_tokens(tmp_path / "tokens.bin")) == before[1]
    assert (tmp_path / "tokens.bin.json").read_bytes() == before[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokenizer.json", "tokens.bin", "tokens.bin.json"]


def test_a_failed_second_rename_puts_the_previous_checkpoint_back(tmp_path, monkeypatch):
    from playground.core import atomic

    ws = trained(steps=1)
    path = save_checkpoint(tmp_path / "ckpt", ws.model, ws.recipe.task.tokenizer, {"step": 1})
    real_replace, calls = os.replace, []

    def replace(src, dst):  # the file system refuses the new folder's rename (after the old one moved aside)
        calls.append((str(src), str(dst)))
        if str(dst) == str(path) and ".tmp" in str(src):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(DiskFullError):
        save_checkpoint(path, ws.model, ws.recipe.task.tokenizer, {"step": 2})
    monkeypatch.undo()
    assert len(calls) == 3  # old aside, new refused, old back
    assert load_checkpoint(path).state["step"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt"]
