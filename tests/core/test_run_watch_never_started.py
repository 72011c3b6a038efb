"""A watched run that never starts (a torchrun that failed before writing anything, or after its settings only) is
said to have failed once it has been quiet as long as a stalled run; how many processes train a run, when it says."""

import json
import os
import time

from playground.cli.train import write_run_files
from playground.core.model import build_model
from playground.core.run_watch import RunWatch, drawable_health, settings_processes
from playground.core.train import Trainer
from tests.core.helpers import tiny_text_recipe


class Clock:
    """The watch's clock, moved on by hand: minutes of waiting in no time."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def cli_trainer(run_dir, steps=3, **train):
    """A trainer and its config.json, as 'playground train' writes them before the first step."""
    recipe = tiny_text_recipe(steps=steps, eval_interval=2, device="cpu", **train)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)
    write_run_files(trainer)
    return trainer


def test_a_folder_that_never_appears_says_the_run_may_have_failed_and_where_to_look(tmp_path):
    run_dir, clock = tmp_path / "runs" / "torchrun", Clock()
    watch = RunWatch(run_dir, stall_seconds=60, clock=clock)
    first = watch.poll()
    assert first.state == "missing" and "does not exist (yet)" in first.message
    clock.now += 59
    assert "does not exist (yet)" in watch.poll().message  # not yet long enough
    clock.now += 62
    late = watch.poll()
    assert late.state == "missing" and late.idle_seconds >= 60
    assert "still does not exist after 2 min" in late.message and "terminal that started it" in late.message
    trainer = cli_trainer(run_dir)  # it starts after all
    assert watch.poll().message == ""
    for _record in trainer.run():
        pass
    update = watch.poll()
    assert update.state == "finished" and update.message == ""


def test_settings_written_but_no_record_for_long_says_so(tmp_path):
    run_dir, clock = tmp_path / "run", Clock()
    trainer = cli_trainer(run_dir)
    watch = RunWatch(run_dir, stall_seconds=60, clock=clock)
    fresh = watch.poll()
    assert fresh.state == "waiting" and fresh.message == ""  # just written: the first step is coming
    clock.now += 61
    late = watch.poll()
    assert late.state == "waiting" and "no training record since" in late.message
    assert "terminal that started it" in late.message
    for _record in trainer.run():
        pass
    update = watch.poll()
    assert update.state == "finished" and update.message == ""


def test_an_old_folder_with_settings_only_says_so_at_the_first_look(tmp_path):
    run_dir = tmp_path / "run"
    cli_trainer(run_dir)
    hour_ago = time.time() - 3600
    os.utime(run_dir / "config.json", (hour_ago, hour_ago))
    update = RunWatch(run_dir, stall_seconds=60).poll()
    assert update.state == "waiting" and "60 min ago" in update.message


def test_the_processes_a_run_records_and_one_when_it_does_not(tmp_path):
    run_dir = tmp_path / "run"
    cli_trainer(run_dir)
    watch = RunWatch(run_dir)
    assert watch.poll().processes == 1  # config.json says nothing of processes: one
    config = json.loads((run_dir / "config.json").read_text())
    config["processes"] = 2  # as a torchrun of two processes writes it
    (run_dir / "config.json").write_text(json.dumps(config))
    assert watch.poll().processes == 2
    assert settings_processes({"train": {"processes": 4}}) == 4
    for odd in (None, {}, {"processes": True}, {"processes": 0}, {"processes": "2"}, {"train": []}):
        assert settings_processes(odd) == 1


def test_health_records_of_a_real_run_are_drawable_and_damaged_ones_are_not(tmp_path):
    run_dir = tmp_path / "run"
    trainer = cli_trainer(run_dir, steps=8, health_interval=2)
    for _record in trainer.run():
        pass
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    measured = [r for r in rows if r["kind"] in ("health", "attention")]
    assert {r["kind"] for r in measured} == {"health", "attention"}
    assert all(drawable_health(r) == {**r, "warnings": r.get("warnings", [])} for r in measured)
    health = next(r for r in measured if r["kind"] == "health")
    attention = next(r for r in measured if r["kind"] == "attention")
    for damaged in ({**health, "layers": health["layers"][:-1]}, {**health, "grad_norms": "many"},
                    {**health, "layers": ["decoder.x"] * len(health["layers"])}, {k: v for k, v in health.items()
                                                                                   if k != "update_ratios"},
                    {**attention, "entropy": []}, {**attention, "entropy": [[1.0], [1.0, 2.0]]},
                    {**attention, "modules": ["../etc"]}, {**attention, "max_entropy": None}):
        assert drawable_health(damaged) is None, damaged
    odd = {**health, "warnings": [{"code": "exploding", "value": 12.0}, {"code": "collapsed", "layer": "decoder.0"},
                                  {"code": "new_kind"}, "text"]}
    assert drawable_health(odd)["warnings"] == [{"code": "exploding", "value": 12.0}]
