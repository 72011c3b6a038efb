"""Checkpoints: round trip, atomic saves that survive crashes and kills, hostile files refused."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch

from playground.core import checkpoint as ckpt_mod
from playground.core.checkpoint import load_checkpoint, save_checkpoint
from playground.core.errors import CheckpointError
from playground.core.model import build_model

from .helpers import tiny_text_recipe


@pytest.fixture
def saved(tmp_path):
    recipe = tiny_text_recipe()
    model = build_model(recipe.model)
    path = save_checkpoint(tmp_path / "ckpt", model, recipe.task.tokenizer, {"step": 7, "task": recipe.spec})
    return path, model, recipe


def test_round_trip(saved):
    path, model, recipe = saved
    loaded = load_checkpoint(path)
    assert loaded.state["step"] == 7 and loaded.model.cfg == model.cfg
    for (name, a), b in zip(model.state_dict().items(), loaded.model.state_dict().values()):
        assert torch.equal(a, b), name
    assert loaded.model.lm_head.weight is loaded.model.tok_emb.weight  # tying survives
    assert loaded.tokenizer.vocab() == recipe.task.tokenizer.vocab()


def test_crash_mid_save_keeps_previous(saved, monkeypatch):
    path, model, recipe = saved
    monkeypatch.setattr(type(recipe.task.tokenizer), "to_json_str", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        save_checkpoint(path, model, recipe.task.tokenizer, {"step": 8})
    assert load_checkpoint(path).state["step"] == 7
    assert sorted(p.name for p in path.parent.iterdir()) == ["ckpt"]  # no temporary left behind


def test_crash_between_renames_falls_back_to_previous(saved):
    path, _model, _recipe = saved
    os.replace(path, path.with_name("ckpt.old"))  # what a kill between the two renames leaves
    assert load_checkpoint(path).state["step"] == 7


KILLER = textwrap.dedent("""
    import sys, torch
    from playground.core.checkpoint import save_checkpoint
    sys.path.insert(0, {root!r})
    from tests.core.helpers import tiny_text_recipe
    from playground.core.model import build_model
    recipe = tiny_text_recipe()
    model = build_model(recipe.model)
    step = 0
    print("ready", flush=True)
    while True:
        step += 1
        save_checkpoint({target!r}, model, recipe.task.tokenizer, {{"step": step}})
""")


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.45])
def test_killed_process_mid_save_leaves_a_loadable_checkpoint(tmp_path, delay):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    target = str(tmp_path / "ckpt")
    proc = subprocess.Popen([sys.executable, "-c", KILLER.format(root=root, target=target)],
                            stdout=subprocess.PIPE, cwd=root)
    assert proc.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 30
    while not os.path.exists(target) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert load_checkpoint(target).state["step"] >= 1


def corrupt(path, name, data: bytes):
    (path / name).write_bytes(data)


@pytest.mark.parametrize("name,data,match", [
    ("state.json", b"{not json", "damaged"),
    ("state.json", b'{"format": "something-else"}', "not written by"),
    ("state.json", json.dumps({"format": ckpt_mod.FORMAT, "version": 99}).encode(), "newer version"),
    ("model.safetensors", b"garbage bytes, not a tensor file", "damaged"),
    ("model.safetensors", b"\x80\x04\x95 pickle-like bytes", "damaged"),
    ("tokenizer.json", b"{}", "tokenizer"),
])
def test_hostile_or_corrupt_files_are_refused(saved, name, data, match):
    path = saved[0]
    corrupt(path, name, data)
    with pytest.raises(CheckpointError, match=match):
        load_checkpoint(path)


def test_unknown_model_settings_and_wrong_shapes_are_refused(saved):
    path, model, recipe = saved
    state = json.loads((path / "state.json").read_text())
    state["model"]["__class__"] = "os.system"
    (path / "state.json").write_text(json.dumps(state))
    with pytest.raises(CheckpointError, match="unknown"):
        load_checkpoint(path)
    state["model"].pop("__class__")
    state["model"]["d_model"] = 32
    state["model"]["d_ff"] = 32
    (path / "state.json").write_text(json.dumps(state))
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(path)


def test_nan_weights_are_refused(saved):
    path, model, recipe = saved
    with torch.no_grad():
        model.decoder[0].mlp.up_proj.weight[0, 0] = float("nan")
    save_checkpoint(path, model, recipe.task.tokenizer, {"step": 1})
    with pytest.raises(CheckpointError, match="NaN"):
        load_checkpoint(path)


def test_not_a_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match="not a checkpoint"):
        load_checkpoint(tmp_path)
