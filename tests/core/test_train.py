"""Trainer: records, schedule, stop and pause, NaN handling, resume equals an uninterrupted run."""

import threading

import pytest
import torch

from playground.core.checkpoint import load_checkpoint
from playground.core.errors import ConfigError
from playground.core.model import build_model
from playground.core.recipes import task_from_spec
from playground.core.train import EvalRecord, PauseSwitch, StepRecord, TrainConfig, Trainer, lr_at, short_run_warmup

from .helpers import tiny_text_recipe


def make_trainer(steps=20, run_dir=None, **train):
    recipe = tiny_text_recipe(steps, **train)
    torch.manual_seed(0)
    return Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)


def test_records_and_learning():
    trainer = make_trainer(40)
    records = list(trainer.run())
    steps = [r for r in records if isinstance(r, StepRecord)]
    evals = [r for r in records if isinstance(r, EvalRecord)]
    assert [r.step for r in steps] == list(range(1, 41))
    assert records[-1].event == "finished"
    assert all(r.tokens_per_second > 0 and r.device == "cpu" and r.grad_norm > 0 for r in steps)
    assert evals[-1].metrics["val_loss"] < evals[0].metrics["val_loss"] - 0.3
    assert {"perplexity", "token_accuracy"} <= set(evals[-1].metrics)


@pytest.mark.parametrize("steps, warmup, expected", [(50, 100, 10), (120, 100, 24), (500, 100, 100),
                                                     (1000, 100, 100), (3, 100, 1), (50, 0, 0), (50, 7, 7)])
def test_a_short_run_warms_up_for_at_most_a_fifth_of_its_steps(steps, warmup, expected):
    assert short_run_warmup(steps, warmup) == expected


def test_learning_rate_schedule():
    cfg = TrainConfig(lr=1.0, min_lr=0.1, warmup_steps=10, max_steps=110)
    assert lr_at(0, cfg) == pytest.approx(0.1)
    assert lr_at(9, cfg) == pytest.approx(1.0)
    assert lr_at(60, cfg) == pytest.approx(0.55)
    assert lr_at(110, cfg) == pytest.approx(0.1)
    values = [lr_at(s, cfg) for s in range(10, 110)]
    assert values == sorted(values, reverse=True)


def test_stop_takes_effect_before_the_next_step():
    trainer = make_trainer(50)
    seen = []
    for record in trainer.run():
        seen.append(record)
        if isinstance(record, StepRecord) and record.step == 3:
            trainer.request_stop()
    assert seen[-1].event == "stopped" and trainer.step == 3


def test_pause_holds_the_loop_until_resume():
    trainer = make_trainer(6)
    trainer.pause()
    records = []
    worker = threading.Thread(target=lambda: records.extend(trainer.run()))
    worker.start()
    worker.join(timeout=0.3)
    assert worker.is_alive() and trainer.step == 0
    trainer.resume()
    worker.join(timeout=30)
    assert trainer.step == 6 and records[-1].event == "finished"


def test_nan_loss_stops_with_reason_and_keeps_good_weights(tmp_path):
    trainer = make_trainer(30, tmp_path, eval_interval=2, checkpoint_interval=2)
    events = []
    for record in trainer.run():
        if record.kind == "event":
            events.append(record)
        if isinstance(record, StepRecord) and record.step == 5:
            with torch.no_grad():
                trainer.optimizer.flat[:100] = float("nan")
    assert events[-1].event == "diverged" and "NaN" in events[-1].message
    assert torch.isfinite(trainer.optimizer.flat).all()
    good = load_checkpoint(tmp_path / "checkpoints" / "step-000004")
    assert good.state["step"] == 4
    assert not (tmp_path / "checkpoints" / "step-000006").exists()
    # back to step 4, its last good evaluation: the weights, the Adam moments and the step counter
    assert trainer.step == 4 and events[-1].step == 4 and "near step 6" in events[-1].message
    saved = good.model.state_dict()
    assert all(torch.equal(v, saved[k]) for k, v in trainer.model.state_dict().items())
    assert trainer.optimizer.step_count == 4 and good.optimizer is not None
    assert torch.equal(trainer.optimizer.exp_avg, good.optimizer["exp_avg"])
    assert torch.equal(trainer.optimizer.exp_avg_sq, good.optimizer["exp_avg_sq"])


def test_resume_equals_uninterrupted(tmp_path):
    straight = make_trainer(16)
    full = [r.loss for r in straight.run() if isinstance(r, StepRecord)]

    first = make_trainer(16)
    part = []
    for r in first.run():
        if isinstance(r, StepRecord):
            part.append(r.loss)
            if r.step == 7:
                first.request_stop()
    first.save(tmp_path / "ckpt")
    ckpt = load_checkpoint(tmp_path / "ckpt")
    task = task_from_spec(ckpt.state["task"], ckpt.tokenizer)
    second = Trainer.from_checkpoint(ckpt, task)
    part += [r.loss for r in second.run() if isinstance(r, StepRecord)]
    assert part == full
    assert torch.equal(second.optimizer.flat, straight.optimizer.flat)


def test_run_dir_has_metrics_and_checkpoints(tmp_path):
    trainer = make_trainer(6, tmp_path, checkpoint_interval=3)
    list(trainer.run())
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert len(lines) >= 6 and '"kind": "step"' in lines[0]
    assert (tmp_path / "checkpoints" / "step-000003" / "model.safetensors").is_file()
    assert "step-000006" in (tmp_path / "checkpoints" / "latest.json").read_text()


def test_bad_training_settings():
    with pytest.raises(ConfigError):
        TrainConfig(batch_size=0)
    with pytest.raises(ConfigError, match="unknown"):
        TrainConfig.from_dict({"learning_rate": 1})
    with pytest.raises(ConfigError, match="not available"):
        make_trainer(2, device="cuda:7")


def test_context_longer_than_text_is_refused():
    from playground.core.recipes import recipe_for_text
    recipe = recipe_for_text("short text here", is_text=True, model=dict(block_size=64))
    with pytest.raises(ConfigError, match="context"):
        Trainer(build_model(recipe.model), recipe.task, recipe.train)


def dropout_trainer(steps, run_dir=None, **train):
    from playground.core.recipes import recipe_for_text

    from .helpers import TEXT, TINY_MODEL
    recipe = recipe_for_text(TEXT, is_text=True, model={**TINY_MODEL, "dropout": 0.3},
                             train=dict(max_steps=steps, batch_size=4, eval_interval=100, eval_batches=1,
                                        warmup_steps=2, **train))
    torch.manual_seed(0)
    return Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)


def test_training_leaves_the_callers_rng_and_threads_alone():
    before_threads = torch.get_num_threads()
    trainer = dropout_trainer(6, threads=before_threads + 1)
    torch.manual_seed(123)
    state = torch.get_rng_state()
    list(trainer.run())
    assert trainer.step == 6
    assert torch.equal(torch.get_rng_state(), state)  # dropout drew from a fork, then the caller's state came back
    assert torch.get_num_threads() == before_threads  # threads are the caller's choice (CLI, app)


def test_resume_with_dropout_equals_uninterrupted(tmp_path):
    straight = dropout_trainer(10)
    full = [r.loss for r in straight.run() if isinstance(r, StepRecord)]
    torch.manual_seed(999)  # whatever the caller does with the global RNG in between
    first = dropout_trainer(10)
    part = []
    for r in first.run():
        if isinstance(r, StepRecord):
            part.append(r.loss)
            torch.rand(7)  # the caller draws between steps
            if r.step == 4:
                first.request_stop()
    first.save(tmp_path / "ckpt")
    ckpt = load_checkpoint(tmp_path / "ckpt")
    second = Trainer.from_checkpoint(ckpt, task_from_spec(ckpt.state["task"], ckpt.tokenizer))
    part += [r.loss for r in second.run() if isinstance(r, StepRecord)]
    assert part == full
    assert torch.equal(second.optimizer.flat, straight.optimizer.flat)


def test_a_shared_pause_switch_pauses_the_trainer_and_says_so():
    switch = PauseSwitch()
    switch.pause()  # e.g. the app's run, paused before its trainer was built
    recipe = tiny_text_recipe(3)
    torch.manual_seed(0)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, pause_switch=switch)
    records = trainer.run()
    first = next(records)
    assert first.event == "paused" and trainer.step == 0 and trainer.paused
    switch.resume()
    rest = list(records)
    assert trainer.step == 3 and rest[-1].event == "finished" and not trainer.paused
    assert all(row.get("event") != "paused" for row in trainer.history)  # a state, not history


def test_save_to_run_writes_the_step_and_latest(tmp_path):
    trainer = make_trainer(2)
    list(trainer.run())
    event = trainer.save_to_run(tmp_path / "elsewhere")
    assert event.event == "checkpoint" and event.path == str(tmp_path / "elsewhere" / "step-000002")
    assert load_checkpoint(event.path).state["step"] == 2
    assert "step-000002" in (tmp_path / "elsewhere" / "latest.json").read_text()
