"""Watching a run folder while a real trainer writes it: every record once, half-written lines, states, checkpoints."""

import json
import threading
import time

import pytest
import torch

from playground.core.checkpoint import weights_of
from playground.core.errors import PlaygroundError
from playground.core.model import build_model
from playground.core.recipes import recipe_for_text
from playground.core.run_watch import MetricsTail, RunWatch, newest_checkpoint, workspace_from_checkpoint
from playground.core.tokenizer_kinds import KINDS
from playground.core.train import Trainer
from tests.core.helpers import TINY_MODEL, tiny_text_recipe
from tests.hostile_sizes import CONFIG_CASES, FILE_CASES, hostile_checkpoint

MIXED = "the cat sat on the mat. 猫坐在垫子上。 the dog 🐶 sat on the log 🪵. 狗坐在木头上。\n" * 30


def train_into(run_dir, steps=12, recipe=None, **train):
    recipe = recipe or tiny_text_recipe(steps=steps, eval_interval=4, checkpoint_interval=5, device="cpu", **train)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)
    return trainer, list(trainer.run())


def file_records(run_dir):
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def test_polling_while_a_real_trainer_writes_reads_every_record_once(tmp_path):
    run_dir = tmp_path / "run"
    watch = RunWatch(run_dir, stall_seconds=60)
    assert watch.poll().state == "missing"
    done = threading.Event()
    thread = threading.Thread(target=lambda: (train_into(run_dir, steps=30), done.set()))
    thread.start()
    seen, states = [], set()
    while not done.is_set() or watch.tail.more:
        update = watch.poll()
        seen += update.rows
        states.add(update.state)
        time.sleep(0.005)
    thread.join()
    update = watch.poll()
    seen += update.rows
    assert seen == file_records(run_dir)
    assert [r["step"] for r in seen if r["kind"] == "step"] == list(range(1, 31))
    assert update.state == "finished" and "running" in states
    assert update.checkpoint == str(run_dir / "checkpoints" / "step-000030")


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_a_half_written_last_line_is_neither_lost_nor_doubled(tmp_path, ensure_ascii):
    """Cut the file after every byte of a record (Chinese and emoji in it) and poll at each cut."""
    rows = [{"step": 1, "kind": "event", "event": "checkpoint", "message": "已保存检查点 🐶", "path": None},
            {"step": 2, "loss": 2.5, "lr": 1e-3, "grad_norm": 0.5, "tokens_per_second": 10.0, "elapsed": 1.0,
             "device": "cpu", "kind": "step"}]
    data = b"".join((json.dumps(r, ensure_ascii=ensure_ascii) + "\n").encode() for r in rows)
    path = tmp_path / "metrics.jsonl"
    tail, seen = MetricsTail(path), []
    path.write_bytes(b"")
    for cut in range(len(data) + 1):
        path.write_bytes(data[:cut])  # the writer appends: the earlier bytes stay as they were
        new, restarted = tail.read()
        assert not restarted
        seen += new
        assert len(seen) == data[:cut].count(b"\n")
    assert seen == rows and tail.skipped == 0


def test_reads_in_small_chunks_give_the_same_records(tmp_path):
    run_dir = tmp_path / "run"
    train_into(run_dir, steps=8)
    tail, seen = MetricsTail(run_dir / "metrics.jsonl"), []
    while True:
        rows, _restarted = tail.read(max_bytes=37)
        seen += rows
        if not tail.more:
            break
    assert seen == file_records(run_dir)


def test_damaged_foreign_and_overlong_lines_are_skipped(tmp_path, monkeypatch):
    from playground.core import run_watch

    monkeypatch.setattr(run_watch, "MAX_LINE_BYTES", 100)
    path = tmp_path / "metrics.jsonl"
    good = {"step": 3, "kind": "eval", "metrics": {"val_loss": 1.5}}
    path.write_bytes(b"not json\n" + b'{"step": "x", "kind": "step"}\n' + b"[1, 2]\n" + b"x" * 300 + b"\n"
                     + json.dumps(good).encode() + b"\n")
    tail, seen = MetricsTail(path), []
    while True:
        seen += tail.read(max_bytes=64)[0]
        if not tail.more:
            break
    assert seen == [good] and tail.skipped == 3


def test_a_folder_that_is_not_a_run_says_so_and_becomes_one_when_the_run_writes(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8")
    update = RunWatch(folder).poll()
    assert update.state == "not_run" and "is not a run folder" in update.message and "--run-dir" in update.message
    watch = RunWatch(folder)
    (folder / "config.json").write_text(json.dumps({"train": {"max_steps": 40}}))
    update = watch.poll()
    assert update.state == "waiting" and update.target == 40
    train_into(folder, steps=6)
    update = watch.poll()
    assert update.state == "finished" and len(update.rows) == len(file_records(folder))


def test_a_file_instead_of_a_folder_and_a_pipe_instead_of_records(tmp_path):
    import os

    afile = tmp_path / "notes.txt"
    afile.write_text("hello")
    assert RunWatch(afile).poll().state == "not_run"
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    os.mkfifo(run_dir / "metrics.jsonl")
    update = RunWatch(run_dir).poll()  # must not block on the pipe
    assert update.state == "unreadable" and "not a regular file" in update.message


def test_a_run_that_stops_growing_is_stalled_until_it_writes_again(tmp_path):
    run_dir = tmp_path / "run"
    trainer, records = train_into(run_dir, steps=4)
    lines = (run_dir / "metrics.jsonl").read_text().splitlines(keepends=True)
    (run_dir / "metrics.jsonl").write_text("".join(lines[:3]))  # as if it hung after its third record
    watch = RunWatch(run_dir, stall_seconds=0.3)
    assert watch.poll().state == "running"  # the file was written just now
    time.sleep(0.4)
    update = watch.poll()
    assert update.state == "stalled" and update.idle_seconds >= 0.3
    with open(run_dir / "metrics.jsonl", "a") as f:
        f.write(lines[3])
    update = watch.poll()
    assert update.state == "running" and len(update.rows) == 1


def test_an_old_unfinished_run_is_stalled_at_once_and_a_restarted_file_starts_again(tmp_path):
    import os

    run_dir = tmp_path / "run"
    train_into(run_dir, steps=4)
    path = run_dir / "metrics.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if '"finished"' not in line))
    hour_ago = time.time() - 3600
    os.utime(path, (hour_ago, hour_ago))
    watch = RunWatch(run_dir, stall_seconds=60)
    assert watch.poll().state == "stalled"
    path.write_text(lines[0])  # a new run in the same folder
    update = watch.poll()
    assert update.restarted and update.rows == [json.loads(lines[0])] and update.state == "running"


def test_a_resumed_run_goes_on_after_its_stop(tmp_path):
    run_dir = tmp_path / "run"
    watch = RunWatch(run_dir)
    recipe = tiny_text_recipe(steps=6, eval_interval=3, device="cpu")
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)
    for record in trainer.run():
        if record.kind == "step" and record.step == 3:
            trainer.request_stop()
    assert watch.poll().state == "stopped"
    trainer._stop.clear()
    list(trainer.run())
    update = watch.poll()
    assert update.state == "finished" and [r["step"] for r in update.rows if r["kind"] == "step"] == [4, 5, 6]


def test_newest_checkpoint_follows_latest_json_else_the_highest_step(tmp_path):
    run_dir = tmp_path / "run"
    train_into(run_dir, steps=12)  # checkpoints at 5, 10 and 12
    folder = run_dir / "checkpoints"
    assert newest_checkpoint(run_dir) == folder / "step-000012"
    (folder / "latest.json").write_text(json.dumps({"path": "step-000005", "step": 5}))
    assert newest_checkpoint(run_dir) == folder / "step-000005"
    (folder / "latest.json").write_text(json.dumps({"path": "../../elsewhere", "step": 5}))
    assert newest_checkpoint(run_dir) == folder / "step-000012"
    (folder / "latest.json").write_text("{damaged")
    assert newest_checkpoint(run_dir) == folder / "step-000012"
    assert newest_checkpoint(tmp_path / "nothing") is None


@pytest.mark.parametrize("kind", KINDS)
def test_the_newest_checkpoint_loads_as_a_workspace_with_its_tokenizer_and_history(tmp_path, kind):
    vocab = None if kind == "char" else 300
    recipe = recipe_for_text(MIXED, kind, vocab, is_text=True, model=TINY_MODEL,
                             train=dict(max_steps=6, batch_size=4, eval_interval=3, eval_batches=1, warmup_steps=1,
                                        checkpoint_interval=4, device="cpu"))
    run_dir = tmp_path / "run"
    trainer, _records = train_into(run_dir, recipe=recipe)
    history = file_records(run_dir)
    ws = workspace_from_checkpoint(newest_checkpoint(run_dir), history)
    assert ws.trained_steps == 6 and ws.history == [r for r in history if r["step"] <= 6]
    for name, t in weights_of(trainer.model).items():
        assert torch.equal(weights_of(ws.model)[name], t), name
    for text in ("the cat sat", "猫坐在垫子上", "the dog 🐶"):
        assert ws.recipe.task.tokenizer.encode(text) == trainer.task.tokenizer.encode(text)
    early = workspace_from_checkpoint(run_dir / "checkpoints" / "step-000004", history)
    assert early.trained_steps == 4 and max(r["step"] for r in early.history) == 4


def test_a_checkpoint_whose_data_is_elsewhere_still_loads(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(MIXED, encoding="utf-8")
    recipe = recipe_for_text(corpus, model=TINY_MODEL, train=dict(max_steps=2, batch_size=4, eval_interval=2,
                                                                   eval_batches=1, warmup_steps=1, device="cpu"))
    run_dir = tmp_path / "run"
    train_into(run_dir, recipe=recipe)
    corpus.unlink()  # the run was on another machine: its text is not here
    ws = workspace_from_checkpoint(newest_checkpoint(run_dir))
    assert ws.model is not None and "is not on this computer" in ws.recipe.task.missing


@pytest.mark.parametrize("case", sorted({**CONFIG_CASES, **FILE_CASES}))
def test_a_checkpoint_with_hostile_sizes_is_refused_with_the_limits_message(tmp_path, case):
    run_dir = tmp_path / "run"
    train_into(run_dir, steps=2)
    good = newest_checkpoint(run_dir)
    bad = hostile_checkpoint(good, run_dir / "checkpoints" / "step-000009", case)
    (run_dir / "checkpoints" / "latest.json").write_text(json.dumps({"path": bad.name, "step": 9}))
    assert newest_checkpoint(run_dir) == bad
    with pytest.raises(PlaygroundError) as e:
        workspace_from_checkpoint(bad)
    words = {**CONFIG_CASES, **FILE_CASES}[case][1]
    assert words in str(e.value)


def test_a_checkpoint_of_a_built_in_encoder_decoder_task_loads_with_its_task(tmp_path):
    from playground.core.recipes import recipe_for_dataset

    recipe = recipe_for_dataset("reversal", model=dict(n_layer=1, n_head=2, d_model=16, d_ff=32),
                                train=dict(max_steps=2, batch_size=4, eval_interval=2, eval_batches=1, eval_examples=2,
                                           warmup_steps=1, device="cpu"))
    run_dir = tmp_path / "run"
    trainer, _records = train_into(run_dir, recipe=recipe)
    ws = workspace_from_checkpoint(newest_checkpoint(run_dir), file_records(run_dir))
    assert ws.recipe.model.architecture == "encoder-decoder" == trainer.model.cfg.architecture
    assert ws.recipe.task.val_pairs == trainer.task.val_pairs and ws.recipe.spec == recipe.spec
