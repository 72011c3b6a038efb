"""Weight snapshots during training: the truth test against checkpoints, the budget, sessions, hostile members."""

import zipfile
from dataclasses import asdict

import pytest
import torch
from safetensors.torch import save as save_torch

from playground.core.checkpoint import load_checkpoint
from playground.core.session import load_session, save_session
from playground.core.snapshots import (MB, Snapshot, SnapshotStore, member_name, snapshot_bytes, snapshot_members,
                                       thin_evenly)
from playground.core.tokenizer_kinds import KINDS
from playground.core.trace import trace
from playground.core.train import EventRecord
from playground.core.workspace import Workspace

from .helpers import TINY_MODEL

TEXT = ("the cat sat on the mat. 小猫坐在垫子上。 the dog 🐶 sat on the log. 狗坐在木头上 🐱.\n") * 30
INPUTS = ("the cat sat", "小猫坐在", "dog 🐶 🐱")
TRAIN = dict(max_steps=12, batch_size=4, eval_interval=4, eval_batches=1, eval_examples=2, warmup_steps=2,
             checkpoint_interval=4, device="cpu")


def trained(kind: str, run_dir=None, **train) -> Workspace:
    ws = Workspace()
    ws.use_text(TEXT, is_text=True, tokenizer_kind=kind)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(**{**TRAIN, **train})
    for record in ws.new_trainer(run_dir).run():
        ws.record(asdict(record))
    return ws


def assert_same_trace(a, b) -> None:
    assert a.names() == b.names()
    for ra, rb in zip(a.records, b.records):
        assert torch.equal(ra.tensor, rb.tensor), ra.name
    assert a.top_k == b.top_k


@pytest.mark.parametrize("kind", KINDS)
def test_view_at_step_k_equals_a_fresh_trace_of_the_checkpoint_of_step_k(kind, tmp_path):
    ws = trained(kind, tmp_path / "run")
    assert ws.snapshots.steps() == [0, 4, 8, 12]  # the start, then each evaluation
    tok = ws.recipe.task.tokenizer
    for step in (4, 8, 12):
        checkpoint = load_checkpoint(tmp_path / "run" / "checkpoints" / f"step-{step:06d}")
        replay = ws.snapshots.model_at(ws.model, step)
        for text in INPUTS:
            ids = tok.encode_ids(text)
            assert_same_trace(trace(replay, ids), trace(checkpoint.model, ids))
    # and the snapshots differ from one another: they are the weights of their own step
    first, last = ws.snapshots.model_at(ws.model, 0), ws.snapshots.model_at(ws.model, 12)
    ids = tok.encode_ids(INPUTS[0])
    assert not torch.equal(trace(first, ids).logits, trace(last, ids).logits)
    assert torch.equal(trace(last, ids).logits, trace(ws.model, ids).logits)  # the newest is the model now


def test_encoder_decoder_snapshots_replay_the_checkpoint(tmp_path):
    ws = Workspace()
    ws.use_dataset("reversal")
    ws.set_model_config(n_layer=1, n_head=2, d_model=16, d_ff=32)
    ws.set_train_config(**TRAIN)
    for record in ws.new_trainer(tmp_path / "run").run():
        ws.record(asdict(record))
    checkpoint = load_checkpoint(tmp_path / "run" / "checkpoints" / "step-000008")
    ids, src = [ws.recipe.task.tokenizer.bos_id], ws.recipe.task.tokenizer.encode_ids("abc")
    assert_same_trace(trace(ws.snapshots.model_at(ws.model, 8), ids, src), trace(checkpoint.model, ids, src))


def test_every_n_steps_instead_of_each_evaluation():
    ws = Workspace()
    ws.use_text(TEXT, is_text=True)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(**{**TRAIN, "checkpoint_interval": 0})
    ws.snapshots.every = 3
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    assert ws.snapshots.steps() == [0, 3, 6, 9, 12]


def test_thinning_keeps_first_and_newest_and_spreads_evenly():
    assert thin_evenly([0, 1, 2, 3, 10], 3) == [0, 3, 4]
    assert thin_evenly(list(range(0, 110, 10)), 6) == [0, 2, 4, 6, 8, 10]
    model = trained("char", max_steps=1, checkpoint_interval=0).model
    size = snapshot_bytes(model)
    store = SnapshotStore(budget_mb=5.5 * size / MB)  # room for five
    for step in range(0, 1000, 50):
        store.capture(model, step)
        assert store.used_bytes() <= store.budget_bytes
    steps = store.steps()
    assert len(steps) == 5 and steps[0] == 0 and steps[-1] == 950
    gaps = [b - a for a, b in zip(steps, steps[1:])]
    assert max(gaps) <= 2 * min(gaps) + 50, steps  # even, not the newest crowded together
    store.set_budget_mb(3 * size / MB)  # the user lowers the budget: thinned at once
    assert store.steps()[0] == 0 and store.steps()[-1] == 950 and len(store) == 3
    store.set_budget_mb(0.5 * size / MB)
    assert len(store) == 0 and store.capacity(model) == 0


def test_snapshots_are_float32_copies_that_training_does_not_change():
    ws = trained("char", max_steps=4, checkpoint_interval=0)
    snap = ws.snapshots.get(4)
    before = {k: v.clone() for k, v in snap.weights.items()}
    ws.set_train_config(max_steps=4)
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    assert ws.snapshots.steps() == [0, 4, 8]
    assert all(v.dtype == torch.float32 for v in snap.weights.values())
    assert all(torch.equal(before[k], v) for k, v in snap.weights.items())


def test_reset_when_the_model_changes():
    ws = trained("char", max_steps=4, checkpoint_interval=0)
    assert len(ws.snapshots)
    ws.set_model_config(n_layer=2)
    assert len(ws.snapshots) == 0 and ws.snapshots.steps() == []


def test_divergence_drops_the_snapshots_after_the_step_gone_back_to():
    store = SnapshotStore()
    ws = trained("char", max_steps=4, checkpoint_interval=0)
    for step in (0, 4, 8, 12):
        store.put(step, ws.snapshots.get(4).weights)
    store.on_record(None, EventRecord(4, "diverged", "went back to step 4"))  # the trainer's own record
    assert store.steps() == [0, 4]


# --- sessions ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def session_ws():
    return trained("char", checkpoint_interval=0)


def test_session_round_trip_keeps_every_snapshot(session_ws, tmp_path):
    path = save_session(tmp_path / "s.playground", session_ws)
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("snapshots/"))
    assert names == [member_name(s) for s in (0, 4, 8, 12)]
    ws, _ui = load_session(path)
    assert ws.snapshots.steps() == [0, 4, 8, 12] and ws.snapshots.notice is None
    for step in ws.snapshots.steps():
        a, b = ws.snapshots.get(step).weights, session_ws.snapshots.get(step).weights
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_session_cap_thins_the_snapshots_evenly(session_ws):
    size = session_ws.snapshots.get(0).nbytes
    members = snapshot_members(session_ws.snapshots, cap_bytes=3 * size)
    assert sorted(members) == [member_name(0), member_name(4), member_name(12)] or \
        sorted(members) == [member_name(0), member_name(8), member_name(12)]


def _rewrite(path, out, replace: dict[str, bytes | None], compress=()):
    """A copy of the session zip with members replaced (None: removed) or added."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info, src.read(info))
        for name, data in replace.items():
            if data is not None:
                dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED if name in compress else zipfile.ZIP_STORED)
    return out


def _hostile(session_ws, good: dict) -> dict[str, tuple[dict, tuple]]:
    wrong_shape = {k: torch.zeros(3, 3) for k in good}
    nan = {k: torch.full_like(v, float("nan")) for k, v in good.items()}
    missing = dict(list(good.items())[1:])
    return {
        "garbage bytes": ({member_name(4): b"\x00not a safetensors file" * 10}, ()),
        "truncated": ({member_name(4): save_torch(good)[:200]}, ()),
        "wrong shapes": ({member_name(4): save_torch(wrong_shape)}, ()),
        "not finite": ({member_name(4): save_torch(nan)}, ()),
        "a tensor missing": ({member_name(4): save_torch(missing)}, ()),
        "a step beyond training": ({member_name(999_999): save_torch(good)}, ()),
        "a name not ours": ({"snapshots/../../evil.safetensors": save_torch(good)}, ()),
        "compressed (a zip bomb)": ({member_name(4): b"\x00" * (64 * MB)}, (member_name(4),)),
    }


@pytest.mark.parametrize("case", ["garbage bytes", "truncated", "wrong shapes", "not finite", "a tensor missing",
                                  "a step beyond training", "a name not ours", "compressed (a zip bomb)"])
def test_a_damaged_or_absurd_snapshot_is_left_out_with_a_message_and_nothing_else_is_lost(session_ws, tmp_path, case):
    path = save_session(tmp_path / "s.playground", session_ws)
    good = session_ws.snapshots.get(4).weights
    replace, compress = _hostile(session_ws, good)[case]
    bad = _rewrite(path, tmp_path / "bad.playground", replace, compress)
    ws, _ui = load_session(bad)
    notice = ws.snapshots.notice
    assert notice and "snapshots/" in notice and "Save the session again" in notice, notice
    expected = [0, 8, 12] if member_name(4) in replace else [0, 4, 8, 12]
    assert ws.snapshots.steps() == expected
    for (name, a), b in zip(session_ws.model.state_dict().items(), ws.model.state_dict().values()):
        assert torch.equal(a, b), name  # the model itself loads whole
    assert ws.history == session_ws.history and ws.trainer is not None


def test_a_session_without_snapshots_loads_as_before(session_ws, tmp_path):
    path = save_session(tmp_path / "s.playground", session_ws)
    plain = _rewrite(path, tmp_path / "plain.playground", {member_name(s): None for s in (0, 4, 8, 12)})
    ws, _ui = load_session(plain)
    assert len(ws.snapshots) == 0 and ws.snapshots.notice is None and ws.model is not None


# --- replay: the embedding map's axes stay fixed ---------------------------------------------------
def test_replay_projects_every_step_with_the_axes_of_the_newest(session_ws):
    from playground.core.inspect import embedding_pca, fit_projection, mapped_rows, project
    from playground.core.snapshots import replay_inspection

    ws, tok = session_ws, session_ws.recipe.task.tokenizer
    ids = tok.encode_ids("the cat 小猫 🐶")
    rows = mapped_rows(tok, ids, None)
    newest = ws.snapshots.get(12).weights["tok_emb.weight"]
    first = ws.snapshots.get(0).weights["tok_emb.weight"]
    at_12 = replay_inspection(ws.snapshots.model_at(ws.model, 12), ws.snapshots, tok, ids)
    at_0 = replay_inspection(ws.snapshots.model_at(ws.model, 0), ws.snapshots, tok, ids)
    exactly = dict(rtol=0, atol=0, equal_nan=True)
    torch.testing.assert_close(at_12.embedding_2d, embedding_pca(newest, rows), **exactly)  # fitted on the newest
    torch.testing.assert_close(at_0.embedding_2d, project(first, fit_projection(newest, rows), rows), **exactly)
    assert not torch.allclose(at_0.embedding_2d.nan_to_num(), embedding_pca(first, rows).nan_to_num())
    assert at_0.embedding_extent == at_12.embedding_extent  # one frame for every step
    x0, x1, y0, y1 = at_0.embedding_extent
    for xy in (at_0.embedding_2d, at_12.embedding_2d):
        xy = xy[torch.isfinite(xy).all(1)]
        assert x0 <= xy[:, 0].min() and xy[:, 0].max() <= x1 and y0 <= xy[:, 1].min() and xy[:, 1].max() <= y1
    assert_same_trace(at_0.trace, trace(ws.snapshots.model_at(ws.model, 0), ids))


def test_a_real_divergence_drops_the_snapshots_after_the_step_training_went_back_to():
    ws = Workspace()
    ws.use_text(TEXT, is_text=True)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(**{**TRAIN, "max_steps": 30, "eval_interval": 2, "checkpoint_interval": 0})
    ws.snapshots.every = 1
    trainer = ws.new_trainer()
    for record in trainer.run():
        ws.record(asdict(record))
        if record.kind == "step" and record.step == 5:
            with torch.no_grad():
                trainer.optimizer.flat[:100] = float("nan")  # the next step's loss is NaN
    assert ws.history[-1]["event"] == "diverged" and ws.trained_steps == 4
    assert ws.snapshots.steps() == [0, 1, 2, 3, 4]  # step 5's weights are not the model's past any more
