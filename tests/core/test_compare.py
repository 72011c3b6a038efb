"""Runs compared: curves by step and wall time, table figures, settings that differ, same-data variants, samples."""

import json

import pytest

from playground.core.compare import (RunInfo, config_differences, curves, load_run, run_of_workspace, same_data_variant,
                                     sample_side_by_side, sample_text, summary, variant_choices, wall_times)
from playground.core.errors import ConfigError, PlaygroundError
from playground.core.model import ModelConfig
from playground.core.recipes import recipe_for_dataset, recipe_for_text
from playground.core.tokenizer_kinds import KINDS
from playground.core.workspace import Workspace

from .helpers import TINY_MODEL, tiny_text_recipe

PROMPTS = ("the cat", "猫坐在垫子上", "🐱🐶 ")
MIXED = ("the cat sat on the mat. 猫坐在垫子上。 🐱 and 🐶 sat together.\n" * 30)


def trained(recipe, steps, run_dir=None, presses=1) -> Workspace:
    """A workspace trained ``presses`` times for ``steps`` steps each, like pressing Start again."""
    ws = Workspace()
    ws.set_recipe(recipe)
    ws.set_train_config(max_steps=steps)
    for _press in range(presses):
        for record in ws.new_trainer(run_dir).run():
            ws.record(record.__dict__.copy())
    return ws


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs") / "text-run"
    trained(tiny_text_recipe(steps=6, eval_interval=3), 6, folder, presses=2)
    return folder


def test_curves_by_step_have_every_step_and_evaluation(run_dir):
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    by_step = curves(load_run(run_dir).rows, "step")
    assert by_step["train"][0] == [float(s) for s in range(1, 13)]
    assert by_step["train"][1] == [row["loss"] for row in rows if row["kind"] == "step"]
    assert by_step["val"][0] == [3.0, 6.0, 9.0, 12.0]
    assert by_step["val"][1] == [row["metrics"]["val_loss"] for row in rows if row["kind"] == "eval"]


def test_curves_by_wall_time_add_up_every_press_of_start(run_dir):
    steps = [row for row in load_run(run_dir).rows if row["kind"] == "step"]
    first, second = steps[:6], steps[6:]
    assert second[0]["elapsed"] < first[-1]["elapsed"]  # the second press's clock began again
    expected = [s["elapsed"] for s in first] + [first[-1]["elapsed"] + s["elapsed"] for s in second]
    by_time = curves(load_run(run_dir).rows, "time")
    assert by_time["train"][0] == pytest.approx(expected)
    assert by_time["val"][0] == pytest.approx([expected[2], expected[5], expected[8], expected[11]])
    assert all(b > a for a, b in zip(by_time["train"][0], by_time["train"][0][1:]))


def test_wall_times_hand_example():
    rows = [{"kind": "step", "step": i + 1, "elapsed": e} for i, e in enumerate([1.0, 2.0, 0.5])]
    assert wall_times(rows) == {1: 1.0, 2: 2.0, 3: 2.5}
    with pytest.raises(ConfigError):
        curves(rows, "tokens")


def test_summary_equals_the_runs_records(run_dir):
    run = load_run(run_dir)
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    final = [row for row in rows if row["kind"] == "eval"][-1]
    figures = summary(run)
    assert figures["val_loss"] == final["metrics"]["val_loss"]
    assert figures["eval_step"] == 12 and figures["steps"] == 12
    assert run.checkpoint is not None and run.checkpoint.name == "step-000012"
    model = run_of_workspace(trained(tiny_text_recipe(steps=1), 1), "x").weights
    unique = {id(p): p.numel() for p in model.parameters()}
    assert figures["parameters"] == sum(unique.values())
    speeds = sorted(row["tokens_per_second"] for row in rows if row["kind"] == "step")
    assert figures["tokens_per_second"] == pytest.approx((speeds[5] + speeds[6]) / 2)
    assert figures["seconds"] == pytest.approx(curves(rows, "time")["train"][0][-1])


def test_a_folder_that_is_not_a_run_says_what_to_choose(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(PlaygroundError, match="metrics.jsonl"):
        load_run(tmp_path)
    (tmp_path / "metrics.jsonl").write_text("not json\n")
    with pytest.raises(PlaygroundError, match="no training records"):
        load_run(tmp_path)


def test_config_differences_name_only_what_differs():
    ws = Workspace()
    ws.set_recipe(tiny_text_recipe(steps=2))
    a = run_of_workspace(ws, "a")
    b = run_of_workspace(same_data_variant(ws, "position", "rope"), "b")
    assert config_differences([a, b]) == [("position", ["learned", "rope"])]
    assert config_differences([a, a]) == []
    unknown = RunInfo("folder without checkpoint", a.rows)
    assert config_differences([a, unknown]) == []
    assert config_differences([a, unknown, b]) == [("position", ["learned", None, "rope"])]


@pytest.mark.parametrize("key,value", [("family", "lstm"), ("position", "sinusoidal"), ("position", "rope"),
                                       ("norm", "post")])
def test_same_data_variant_changes_one_field_on_the_same_task(key, value):
    ws = trained(tiny_text_recipe(steps=3), 3)
    variant = same_data_variant(ws, key, value)
    old, new = ws.recipe.model.to_dict(), variant.recipe.model.to_dict()
    assert [k for k in old if old[k] != new[k]] == [key] and new[key] == value
    assert variant.recipe.task is ws.recipe.task  # the same splits and ids, not a re-tokenized copy
    assert variant.recipe.train == ws.recipe.train  # same seed and settings (max_steps = the 3 trained)
    for record in variant.new_trainer().run():
        variant.record(record.__dict__.copy())
    assert variant.trained_steps == 3
    assert variant.trainer.task is ws.trainer.task and variant.trainer.cfg.seed == ws.trainer.cfg.seed


def test_same_data_lstm_from_an_encoder_decoder_keeps_the_examples_and_tokenizer():
    recipe = recipe_for_dataset("reversal", model=dict(TINY_MODEL, architecture="encoder-decoder"),
                                train=dict(max_steps=2, batch_size=4))
    ws = Workspace()
    ws.set_recipe(recipe)
    variant = same_data_variant(ws, "family", "lstm")
    task = variant.recipe.task
    assert task.tokenizer is recipe.task.tokenizer and task.train_pairs is recipe.task.train_pairs
    assert task.architecture == "decoder" and variant.recipe.model.family == "lstm"


def test_variant_choices_and_a_bad_change():
    cfg = ModelConfig()
    assert ("position", "learned") not in variant_choices(cfg) and ("family", "lstm") in variant_choices(cfg)
    assert variant_choices(ModelConfig(family="lstm")) == [("family", "transformer")]
    ws = Workspace()
    ws.set_recipe(tiny_text_recipe())
    with pytest.raises(ConfigError, match="choose one of the changes"):
        same_data_variant(ws, "n_layer", 8)


@pytest.mark.parametrize("kind", KINDS)
def test_same_config_twice_writes_the_same_text(kind):
    """Two runs of one configuration on the same data and seed: the same weights, so the same text."""
    recipe = recipe_for_text(MIXED, tokenizer_kind=kind, is_text=True, model=TINY_MODEL,
                             train=dict(max_steps=4, batch_size=4, eval_interval=4, eval_batches=1, warmup_steps=1))
    a = trained(recipe, 4)
    again = recipe_for_text(MIXED, tokenizer_kind=kind, is_text=True, model=TINY_MODEL,
                            tokenizer=recipe.task.tokenizer, train=recipe.train.to_dict())
    b = trained(again, 4)
    runs = [run_of_workspace(a, "a"), run_of_workspace(b, "b")]
    for prompt in PROMPTS:
        texts = list(sample_side_by_side(runs, prompt, seed=7, max_new_tokens=12))
        assert texts[0][2] is None and texts[0][1].text and texts[0][1] == texts[1][1]
        assert texts[0][1].text == sample_text(a.model, a.recipe.task.tokenizer, a.recipe.spec, prompt, 7, 12)
        assert texts[0][1].prompt == prompt and not texts[0][1].pairs
    other = sample_text(a.model, a.recipe.task.tokenizer, a.recipe.spec, "the cat", 8, 12)
    assert isinstance(other, str)


def test_samples_from_a_saved_run_and_from_a_run_without_checkpoint(run_dir, tmp_path):
    saved = load_run(run_dir)
    (tmp_path / "metrics.jsonl").write_text((run_dir / "metrics.jsonl").read_text())
    bare = load_run(tmp_path)
    results = list(sample_side_by_side([saved, bare], "猫 🐱", seed=3, max_new_tokens=8))
    assert results[0][2] is None and isinstance(results[0][1].text, str) and results[0][1].prompt == "猫 🐱"
    assert results[1][1] is None and "checkpoint" in results[1][2]


def test_pair_task_samples_read_the_prompt_as_the_source():
    recipe = recipe_for_dataset("reversal", model=TINY_MODEL, train=dict(max_steps=2, batch_size=4, eval_examples=4))
    ws = trained(recipe, 2)
    text = sample_text(ws.model, recipe.task.tokenizer, recipe.spec, "abc", seed=1, max_new_tokens=10)
    assert text == sample_text(ws.model, recipe.task.tokenizer, recipe.spec, "abc", seed=1, max_new_tokens=10)
    [(_index, sample, error)] = sample_side_by_side([run_of_workspace(ws, "r")], "abc", seed=1, max_new_tokens=10)
    assert error is None and sample.pairs and (sample.prompt, sample.text) == ("abc", text)
