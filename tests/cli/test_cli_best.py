"""``playground train`` keeps and names the best checkpoint; ``sample`` and ``inspect`` load it with --best."""

import json
import re
import shutil

import pytest

from playground.cli import common
from playground.core.checkpoint import load_checkpoint
from playground.core.train import Trainer
from tests.hostile_sizes import CONFIG_CASES, hostile_checkpoint

from .test_cli import TINY, run, tiny_text


@pytest.fixture
def peaked_run(tmp_path, monkeypatch, capsys):
    """A real 12-step run whose evaluations (steps 4, 8, 12) report val_loss 1, 2, 3: the best is step 4."""
    real = Trainer.evaluate
    losses = iter([1.0, 2.0, 3.0])
    monkeypatch.setattr(Trainer, "evaluate", lambda self, autocast=None: {**real(self, autocast),
                                                                           "val_loss": next(losses)})
    text = tmp_path / "small.txt"
    text.write_text(tiny_text(), encoding="utf-8")
    run_dir = tmp_path / "run"
    code, out, err = run(capsys, "train", "--text", text, "--steps", 12, "--eval-interval", 4, "--context", 16,
                         *TINY, "--run-dir", run_dir)
    assert code == 0, err
    monkeypatch.setattr(Trainer, "evaluate", real)
    return run_dir, out, err


def test_train_says_the_best_so_far_and_where_the_best_is(peaked_run):
    run_dir, out, err = peaked_run
    lines = [line for line in err.splitlines() if re.match(r"step \d+: ", line)]  # evaluations, not the bar
    assert [line.endswith("(best so far)") for line in lines] == [True, False, False], err
    best = run_dir / "checkpoints" / "best"
    assert f"Best evaluation: step 4 (val_loss 1), kept in {best}" in out
    assert load_checkpoint(best).state["step"] == 4
    assert json.loads((run_dir / "checkpoints" / "latest.json").read_text())["step"] == 12  # latest stays latest


def test_sample_and_inspect_load_the_best_with_best(peaked_run, capsys):
    run_dir, _out, _err = peaked_run
    best = run_dir / "checkpoints" / "best"
    for given in (run_dir, run_dir / "checkpoints", run_dir / "checkpoints" / "step-000012", best):
        assert common.resolve_checkpoint(given, best=True) == best
    assert common.resolve_checkpoint(run_dir) == run_dir / "checkpoints" / "step-000012"
    argv = ("--prompt", "the cat", "--greedy", "--max-tokens", 12, "--show-probs")
    with_best = run(capsys, "sample", run_dir, "--best", *argv)
    assert with_best[0] == 0 and with_best == run(capsys, "sample", best, *argv)
    assert with_best != run(capsys, "sample", run_dir, *argv)  # steps 4 and 12 give other probabilities
    code, out, err = run(capsys, "inspect", run_dir, "--best", "--text", "the cat", "--json")
    assert code == 0, err
    assert out == run(capsys, "inspect", best, "--text", "the cat", "--json")[1]
    assert out != run(capsys, "inspect", run_dir, "--text", "the cat", "--json")[1]


def test_best_where_the_run_kept_none_says_so(peaked_run, tmp_path, capsys):
    run_dir, _out, _err = peaked_run
    alone = tmp_path / "alone"
    shutil.copytree(run_dir / "checkpoints" / "step-000012", alone / "step-000012")
    code, out, err = run(capsys, "sample", alone / "step-000012", "--best", "--prompt", "the")
    assert code == 2 and "has no best checkpoint" in err and "Traceback" not in out + err


@pytest.mark.parametrize("case", ["huge layers", "huge context", "fractional layers"])
def test_a_hostile_best_checkpoint_is_refused_before_any_tensor(peaked_run, tmp_path, capsys, case):
    run_dir, _out, _err = peaked_run
    best = run_dir / "checkpoints" / "best"
    spoilt = tmp_path / "spoilt"
    hostile_checkpoint(best, spoilt / "checkpoints" / "best", case)
    code, out, err = run(capsys, "sample", spoilt, "--best", "--prompt", "the")
    assert code == 2 and CONFIG_CASES[case][1] in err and "Traceback" not in out + err
