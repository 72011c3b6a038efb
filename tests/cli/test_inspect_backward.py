"""``playground inspect --backward``: the checkpoint's next training step on the inspected example."""

import hashlib
import json

import pytest

from playground.cli import main
from playground.core.checkpoint import load_checkpoint
from playground.core.train import TrainConfig, lr_at

TINY = ["--layers", "1", "--heads", "2", "--width", "32", "--ff", "64", "--batch-size", "8", "--threads", "1"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def reversal_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("backward") / "reversal"
    assert main(["train", "--dataset", "reversal", "--steps", "3", *TINY, "--run-dir", str(run_dir), "--quiet"]) == 0
    return run_dir


def _digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_backward_json_is_the_checkpoints_next_step(reversal_run, capsys):
    before = _digests(reversal_run)
    code, out, _err = run(capsys, "inspect", reversal_run, "--source", "abcd", "--text", "dc", "--backward", "--json")
    assert code == 0
    backward = json.loads(out)["backward"]
    assert backward["names"][:2] == ["loss", "grad.logits"] and backward["groups"][-1] == "update"
    assert "grad.decoder.0.cross_attn.weights" in backward["names"] and "param.tok_emb.weight" in backward["names"]
    checkpoint = load_checkpoint(reversal_run / "checkpoints" / "step-000003")
    assert backward["lr"] == lr_at(3, TrainConfig.from_dict(checkpoint.state["train"]))
    assert backward["targets"] == [*checkpoint.tokenizer.encode_ids("dc"), checkpoint.tokenizer.eos_id]
    assert _digests(reversal_run) == before  # nothing saved


def test_backward_lists_the_stages_and_the_loss(reversal_run, capsys):
    code, out, _err = run(capsys, "inspect", reversal_run, "--source", "abc", "--backward")
    assert code == 0
    assert "grad.decoder.0.cross_attn.weights" in out and "Update step" in out
    assert "Loss on this example before the step" in out


def test_text_model_needs_two_tokens_for_a_loss(tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("the cat sees a red ball near the old house\n" * 60, encoding="utf-8")
    run_dir = tmp_path / "text"
    assert run(capsys, "train", "--text", text, "--steps", 2, "--context", 16, *TINY, "--run-dir", run_dir,
               "--quiet")[0] == 0
    code, out, _err = run(capsys, "inspect", run_dir, "--text", "the cat", "--backward", "--json")
    assert code == 0 and json.loads(out)["backward"]["targets"][-1] == -100
    code, out, err = run(capsys, "inspect", run_dir, "--text", "t", "--backward")
    assert code == 2 and "no position has a target" in err
