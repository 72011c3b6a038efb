"""TrainConfig.compile: the compiled step trains like the eager one; the model, its checkpoints and its recorder
stay the plain module's; no compiler or a failing one falls back to eager with a notice."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from playground.core import compiling
from playground.core.checkpoint import load_checkpoint
from playground.core.errors import ConfigError
from playground.core.model import build_model
from playground.core.train import EventRecord, StepRecord, TrainConfig, Trainer
from playground.core.workspace import Workspace

from .helpers import tiny_text_recipe

ROOT = Path(__file__).resolve().parents[2]
needs_compiler = pytest.mark.skipif(compiling.cxx_compiler() is None, reason="no C++ compiler for inductor")


def trained(compile_: str, steps: int, run_dir=None, **train):
    recipe = tiny_text_recipe(steps, eval_interval=10, health_interval=5, compile=compile_, **train)
    trainer = Trainer(build_model(recipe.model, seed=3), recipe.task, recipe.train, run_dir, recipe.spec)
    return trainer, list(trainer.run())


def losses(records) -> list[float]:
    return [r.loss for r in records if isinstance(r, StepRecord)]


@pytest.fixture(scope="module")
def compiled_run(tmp_path_factory):
    from torch._dynamo.utils import counters

    run_dir = tmp_path_factory.mktemp("compiled")
    before = counters["stats"]["unique_graphs"]
    trainer, records = trained("on", 30, run_dir)
    trainer.graphs_compiled = counters["stats"]["unique_graphs"] - before
    return run_dir, trainer, records


@needs_compiler
def test_compiled_step_trains_like_the_eager_one(compiled_run):
    _run_dir, trainer, records = compiled_run
    assert trainer.compiled
    assert trainer.graphs_compiled == 1  # once: the evaluations and health readings between steps do not recompile
    notices = [r for r in records if isinstance(r, EventRecord) and r.event == "compile"]
    assert len(notices) == 1 and "torch.compile" in notices[0].message
    _eager_trainer, eager = trained("off", 30)
    assert len(losses(records)) == 30
    assert losses(records) == pytest.approx(losses(eager), abs=1e-4)  # evaluations and health readings between
    assert losses(records)[-1] < losses(records)[0] - 0.3


@needs_compiler
def test_the_compiled_run_keeps_the_plain_model(compiled_run):
    run_dir, trainer, _records = compiled_run
    assert type(trainer.model).__name__ == "Transformer"
    checkpoint = load_checkpoint(run_dir / "checkpoints" / "step-000030")
    names = set(checkpoint.model.state_dict())
    assert names == set(trainer.model.state_dict()) and not any("_orig_mod" in n for n in names)
    seen = []  # the inspector's recorder still sees every stage: the model runs eagerly outside the step
    with trainer.model.recording(lambda module, name, tensor: seen.append(name)):
        trainer.model(torch.zeros(1, 5, dtype=torch.long))
    assert {"q", "weights", "hidden", "logits"} <= set(seen)


def test_settings_are_checked():
    with pytest.raises(ConfigError):
        TrainConfig(compile="yes")
    assert TrainConfig().compile == "off"
    assert compiling.decide("off", "cpu", "transformer", 10**6) == (False, "")
    assert compiling.decide("auto", "cpu", "transformer", compiling.AUTO_MIN_STEPS - 1) == (False, "")
    assert compiling.decide("auto", "cuda", "transformer", 10**6) == (False, "")
    on, why = compiling.decide("on", "cpu", "lstm", 10**6)
    assert not on and "Transformer" in why
    assert compiling.decide("auto", "cpu", "lstm", 10**6) == (False, "")  # auto does not compile it, and says nothing


@needs_compiler
def test_auto_compiles_long_cpu_runs():
    assert compiling.decide("auto", "cpu", "transformer", compiling.AUTO_MIN_STEPS) == (True, "")


def test_no_compiler_on_path_trains_eagerly_with_a_notice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no g++
    assert compiling.cxx_compiler() is None
    trainer, records = trained("on", 3)
    notices = [r.message for r in records if isinstance(r, EventRecord) and r.event == "compile"]
    assert notices == [compiling.decide("on", "cpu", "transformer", 3)[1]] and "C++" in notices[0]
    assert not trainer.compiled and len(losses(records)) == 3
    assert compiling.decide("auto", "cpu", "transformer", 10**6) == (False, "")  # auto says nothing


def test_a_failing_compiler_falls_back_to_eager(tmp_path):
    """A g++ that answers --version but fails to compile: inductor fails at the first step, the step is
    trained again eagerly and the run goes on, with one notice; its losses are the eager run's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "g++"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && { echo 'g++ 0'; exit 0; }\necho broken >&2\nexit 1\n")
    fake.chmod(0o755)
    script = textwrap.dedent("""
        import json, torch
        from playground.core.model import build_model
        from playground.core.train import EventRecord, StepRecord, Trainer
        from tests.core.helpers import tiny_text_recipe
        out = {}
        for mode in ("on", "off"):
            recipe = tiny_text_recipe(4, compile=mode)
            trainer = Trainer(build_model(recipe.model, seed=3), recipe.task, recipe.train)
            records = list(trainer.run())
            out[mode] = {"losses": [r.loss for r in records if isinstance(r, StepRecord)],
                         "notices": [r.message for r in records if isinstance(r, EventRecord) and r.event == "compile"],
                         "compiled": trainer.compiled}
        print(json.dumps(out))
    """)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "TORCHINDUCTOR_CACHE_DIR": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    import json

    out = json.loads(done.stdout.strip().splitlines()[-1])
    notices = out["on"]["notices"]
    assert len(notices) == 2 and "torch.compile" in notices[0] and "failed" in notices[1], notices
    assert "\n" not in notices[1] and not out["on"]["compiled"]
    assert out["on"]["losses"] == out["off"]["losses"] and len(out["on"]["losses"]) == 4


def test_the_app_trains_eagerly_even_from_a_compiled_runs_recipe():
    recipe = tiny_text_recipe(3, compile="on")
    workspace = Workspace()
    workspace.set_recipe(recipe)
    trainer = workspace.new_trainer()
    assert trainer.cfg.compile == "off"
    records = list(trainer.run())
    assert not trainer.compiled and not [r for r in records if isinstance(r, EventRecord) and r.event == "compile"]
