"""Where a watched run trains: the device its records name, else its config.json's setting, and its CPU threads."""

import json

import pytest

from playground.cli.train import write_run_files
from playground.core.model import build_model, count_parameters
from playground.core.run_watch import RunWatch, recorded_device, settings_device, settings_parameters
from playground.core.train import Trainer
from tests.core.helpers import tiny_text_recipe


def test_a_run_written_as_the_command_line_writes_it_names_its_device_and_threads(tmp_path):
    run_dir = tmp_path / "run"
    recipe = tiny_text_recipe(steps=3, eval_interval=2, device="cpu", threads=2)
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir, recipe.spec)
    write_run_files(trainer)  # config.json, as 'playground train' writes it before the first step
    watch = RunWatch(run_dir)
    before = watch.poll()
    assert (before.state, before.device, before.threads) == ("waiting", "cpu", 2)  # config.json's setting
    assert before.parameters == count_parameters(trainer.model)
    config = json.loads((run_dir / "config.json").read_text())
    config["train"]["device"] = "auto"  # the default: only the records say where it went
    (run_dir / "config.json").write_text(json.dumps(config))
    assert watch.poll().device == "auto"
    for _record in trainer.run():
        pass
    update = watch.poll()
    assert update.state == "finished" and (update.device, update.threads) == ("cpu", 2)  # its records' device
    assert watch.poll().device == "cpu"  # kept when a poll brings no step record


def test_a_newer_step_record_and_a_restarted_file_change_the_device(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    step = dict(kind="step", loss=1.0, lr=0.1, grad_norm=1.0, tokens_per_second=10.0, elapsed=1.0)
    lines = [dict(step, step=1, device="cuda:0"), dict(kind="eval", step=1, metrics={"val_loss": 1.0})]
    (run_dir / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    watch = RunWatch(run_dir)
    assert watch.poll().device == "cuda:0" and watch.poll().threads is None  # no config.json: no threads
    (run_dir / "metrics.jsonl").write_text(json.dumps(dict(step, step=1, device="mps")) + "\n")  # shorter: again
    assert watch.poll().device == "mps"


@pytest.mark.parametrize("settings, expected", [
    (None, (None, None)), ({}, (None, None)), ({"train": []}, (None, None)),
    ({"train": {"device": "cuda:1", "threads": 8}}, ("cuda:1", 8)),
    ({"train": {"device": "", "threads": True}}, (None, None)),
    ({"train": {"device": 3, "threads": 0}}, (None, None)),
])
def test_settings_device_reads_only_what_config_json_says_plainly(settings, expected):
    assert settings_device(settings) == expected


def test_recorded_device_is_the_newest_step_records():
    rows = [{"kind": "step", "device": "cpu"}, {"kind": "step", "device": "cuda:0"}, {"kind": "eval"}]
    assert recorded_device(rows) == "cuda:0"
    assert recorded_device([{"kind": "eval"}], "auto") == "auto" and recorded_device([]) is None


@pytest.mark.parametrize("model", [None, [], {"n_layer": 2, "no_such_setting": 1}, {"n_layer": "two"}])
def test_a_model_config_json_does_not_describe_plainly_has_no_parameter_count(model):
    assert settings_parameters({"model": model}) is None and settings_parameters(None) is None
