"""Weight snapshots live on disk: resident memory stays flat, a full disk skips one, the folder goes with the store."""

import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
import tempfile
from pathlib import Path

import pytest
import torch
from safetensors.torch import load as load_torch

from playground.core.model import ModelConfig, build_model
from playground.core.snapshots import (FOLDER_PREFIX, SnapshotStore, mount_type, read_tensors, scratch_root, snapshot_bytes,
                                       write_tensors)

ROOT = Path(__file__).resolve().parents[2]
BIGGER = dict(n_layer=4, n_head=4, d_model=256, d_ff=1024, vocab_size=2000, block_size=64)  # ~15 MB a snapshot


def run_child(code: str) -> dict:
    """Run ``code`` in a fresh Python (the project on its path) and return the JSON it prints last."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def folders(root: Path) -> list[Path]:
    return sorted(root.glob(FOLDER_PREFIX + "*"))


def test_the_files_are_safetensors_that_read_back_bit_for_bit():
    tensors = {"a": torch.randn(3, 5), "empty": torch.zeros(0, 4), "scalar": torch.tensor(2.5), "b": torch.randn(7)}
    import io
    stream = io.BytesIO()
    write_tensors(stream, tensors, {"step": "3"})
    data = stream.getvalue()
    theirs = load_torch(data)  # the library's own reader accepts it (a session carries these bytes as they are)
    stream.seek(0)
    ours, some = read_tensors(stream), read_tensors(io.BytesIO(data), {"b"})
    for read in (theirs, ours):
        assert read.keys() == tensors.keys()
        assert all(torch.equal(read[k], v) and read[k].dtype == torch.float32 for k, v in tensors.items())
    assert list(some) == ["b"] and torch.equal(some["b"], tensors["b"])


MEMORY = """
    import gc, json, torch
    from playground.core.model import ModelConfig, build_model
    from playground.core.snapshots import SnapshotStore, snapshot_bytes
    torch.manual_seed(0)
    model = build_model(ModelConfig(**{config!r}))

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096

    store = SnapshotStore(budget_mb=10_000, root={root!r})
    store.capture(model, 0)  # the first one warms up the writer
    gc.collect()
    before = rss()
    for step in range(1, 41):
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.01)  # training moves the weights between snapshots
        store.capture(model, step)
    gc.collect()
    after = rss()
    print(json.dumps({{"size": snapshot_bytes(model), "before": before, "after": after, "kept": len(store),
                      "used": store.used_bytes()}}))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads resident memory from /proc")
def test_resident_memory_does_not_grow_with_snapshots(tmp_path):
    out = run_child(MEMORY.format(config=BIGGER, root=str(tmp_path)))
    size, growth = out["size"], out["after"] - out["before"]
    assert size > 10 * 1024**2 and out["kept"] == 41 and out["used"] == 41 * size
    print(f"40 snapshots of {size / 1024**2:.1f} MB: resident memory {growth / 1024**2:+.1f} MB")
    assert growth < 2 * size, (growth, size)  # kept in memory they would be 40 x size


def test_a_snapshot_reads_back_as_the_weights_of_its_step(tmp_path):
    model = build_model(ModelConfig(**BIGGER))
    store = SnapshotStore(root=tmp_path)
    store.capture(model, 0)
    at_0 = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(2)  # the model moves on; the snapshot must not
    replay = store.model_at(model, 0)
    assert all(torch.equal(at_0[k], v) for k, v in replay.state_dict().items())


FULL_DISK = """
    import json, resource, signal
    from dataclasses import asdict
    from playground.core.snapshots import snapshot_bytes
    from playground.core.workspace import Workspace
    from tests.core.helpers import TEXT, TINY_MODEL

    ws = Workspace()
    ws.snapshots.root = {root!r}
    ws.use_text(TEXT, is_text=True)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(max_steps=4, batch_size=4, eval_interval=4, eval_batches=1, warmup_steps=1,
                        checkpoint_interval=0, device="cpu")
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    kept = ws.snapshots.steps()
    at_4 = {{k: v.tolist() for k, v in ws.snapshots.read(4).items()}}
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit raises EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (snapshot_bytes(ws.model) // 2, resource.RLIM_INFINITY))
    ws.set_train_config(max_steps=8)
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    still = {{k: v.tolist() for k, v in ws.snapshots.read(4).items()}}
    print(json.dumps({{"kept": kept, "after": ws.snapshots.steps(), "trained": ws.trained_steps,
                      "skipped": ws.snapshots.skipped, "same": still == at_4,
                      "events": [r.get("event") for r in ws.history if r["kind"] == "event"]}}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_skips_the_snapshot_with_a_message_and_training_goes_on(tmp_path):
    out = run_child(FULL_DISK.format(root=str(tmp_path)))
    assert out["kept"] == [0, 4]
    assert out["trained"] == 12 and out["after"] == [0, 4], out  # steps 8 and 12 skipped, nothing else lost
    assert out["same"]
    assert "disk" in out["skipped"] and "full" in out["skipped"] and "Training goes on" in out["skipped"]
    assert "diverged" not in out["events"]


def test_a_folder_that_cannot_be_written_skips_with_a_message(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    store = SnapshotStore(root=blocker)
    model = build_model(ModelConfig(**{**BIGGER, "n_layer": 1}))
    assert store.capture(model, 0) is False
    assert len(store) == 0 and str(blocker) in store.skipped and "cannot be written" in store.skipped
    store.root = tmp_path  # the user frees the way: the next one is kept and the message goes
    assert store.capture(model, 1) is True and store.steps() == [1] and store.skipped is None


def test_the_folder_goes_on_clear_when_the_store_goes_and_when_thinned_its_files(tmp_path):
    model = build_model(ModelConfig(**{**BIGGER, "n_layer": 1}))
    store = SnapshotStore(root=tmp_path)
    assert folders(tmp_path) == []  # made at the first snapshot only
    store.set_budget_mb(3.5 * snapshot_bytes(model) / 1024**2)
    for step in range(6):
        store.capture(model, step)
    (folder,) = folders(tmp_path)
    assert len(list(folder.iterdir())) == len(store) == 3  # thinned snapshots leave no file behind
    store.clear()
    assert folders(tmp_path) == [] and len(store) == 0
    store.capture(model, 0)
    assert len(folders(tmp_path)) == 1
    del store
    gc.collect()
    assert folders(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="an open file keeps its data when its name is removed on POSIX")
def test_a_reader_keeps_its_snapshot_while_training_thins_it(tmp_path):
    model = build_model(ModelConfig(**{**BIGGER, "n_layer": 1}))
    store = SnapshotStore(budget_mb=2.5 * snapshot_bytes(model) / 1024**2, root=tmp_path)  # room for two
    store.capture(model, 0)
    store.capture(model, 1)
    stream = store._open(1)  # a replay starts reading step 1 ...
    store.capture(model, 2)  # ... while training thins it away
    assert store.steps() == [0, 2] and len(list(store.folder.iterdir())) == 2
    with stream:
        assert all(torch.equal(a, b) for a, b in zip(read_tensors(stream).values(), store.read(2).values()))


EXIT = """
    import json, os, sys
    from playground.core.model import ModelConfig, build_model
    from playground.core.snapshots import SnapshotStore
    store = SnapshotStore(root={root!r})
    store.capture(build_model(ModelConfig(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=8, vocab_size=20)), 0)
    print(json.dumps({{"folder": str(store.folder), "exists": store.folder.is_dir()}}), flush=True)
    if {kill}:
        os.kill(os.getpid(), 9)
"""


@pytest.mark.skipif(os.name != "posix", reason="kill -9 and the stale folders' process ids are POSIX")
def test_the_folder_goes_at_exit_and_a_killed_processs_folder_at_the_next_start(tmp_path):
    out = run_child(EXIT.format(root=str(tmp_path), kill=False))
    assert out["exists"] and not Path(out["folder"]).exists()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(EXIT.format(root=str(tmp_path), kill=True))],
                            capture_output=True, text=True, env=env, timeout=600)
    assert killed.returncode == -signal.SIGKILL
    stale = Path(json.loads(killed.stdout.strip())["folder"])
    assert stale.is_dir()  # nothing runs after kill -9
    store = SnapshotStore(root=tmp_path)
    store.capture(build_model(ModelConfig(**{**BIGGER, "n_layer": 1})), 0)
    assert not stale.exists() and folders(tmp_path) == [store.folder]


def test_the_snapshot_nearest_a_step_is_found_and_read_at_once(tmp_path):
    model = build_model(ModelConfig(**{**BIGGER, "n_layer": 1}))
    store = SnapshotStore(root=tmp_path)
    assert store.model_near(model, 5) is model  # none yet: the model as it is
    for step in (0, 10):
        store.capture(model, step)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(1.0)
    for step, expected in ((4, 0), (5, 0), (6, 10), (99, 10)):  # the closest; the earlier on a tie
        near, at = store.model_near(model, step), store.model_at(model, expected)
        assert all(torch.equal(a, b) for a, b in zip(near.state_dict().values(), at.state_dict().values())), step


def test_a_snapshot_written_while_the_store_is_cleared_belongs_to_nothing(tmp_path):
    model = build_model(ModelConfig(**{**BIGGER, "n_layer": 1}))
    store = SnapshotStore(root=tmp_path)
    weights = {k: v.detach().clone() for k, v in model.state_dict().items() if k in ("tok_emb.weight",)}
    real = store._folder

    def folder_then_cleared():  # the UI thread clears the store (a new model) while training writes one
        folder = real()
        store.clear()
        return folder

    store._folder = folder_then_cleared
    assert store.put(3, weights) is False
    assert len(store) == 0 and store.skipped is None and folders(tmp_path) == []
    store._folder = real
    assert store.put(4, weights) is True and store.steps() == [4] and len(folders(tmp_path)) == 1


MOUNTS = """proc /proc proc rw 0 0
/dev/sda1 / ext4 rw 0 0
tmpfs /tmp tmpfs rw,nosuid 0 0
/dev/sdb1 /tmp/on\\040disk ext4 rw 0 0
"""


def test_the_mount_type_is_that_of_the_innermost_mount():
    assert mount_type(Path("/tmp/x"), MOUNTS) == "tmpfs"
    assert mount_type(Path("/tmp/on disk/x"), MOUNTS) == "ext4"
    assert mount_type(Path("/tmpfoo"), MOUNTS) == "ext4"  # a name that only begins like /tmp is on /
    assert mount_type(Path("/home/me"), MOUNTS) == "ext4"


def test_snapshots_leave_a_temporary_folder_held_in_ram_for_the_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("PLAYGROUND_SCRATCH", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    assert scratch_root(MOUNTS) == tmp_path / "cache" / "transformer-playground" / "snapshots"
    assert (tmp_path / "cache" / "transformer-playground" / "snapshots").is_dir()
    on_disk = MOUNTS.replace("tmpfs /tmp tmpfs", "/dev/sdc1 /tmp ext4")
    assert scratch_root(on_disk) == Path("/tmp")
    monkeypatch.setenv("PLAYGROUND_SCRATCH", str(tmp_path / "mine"))
    assert scratch_root(MOUNTS) == tmp_path / "mine"
