"""``playground inspect|sample FOLDER`` on a Hugging Face GPT-2 folder (a tiny one made offline)."""

import json

import pytest

from playground.cli import main
from tests.gpt2_folders import TEXTS

pytest.importorskip("transformers")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("text", list(TEXTS))
def test_inspect_lists_every_stage_of_a_gpt2_folder(gpt2_folder, capsys, text):
    code, out, err = run(capsys, "inspect", gpt2_folder, "--text", TEXTS[text])
    assert code == 0, err
    assert "decoder.1.attn.weights" in out and "GELU, tanh" in out and "Most likely next tokens:" in out


def test_inspect_json_has_all_heads_and_the_backward_pass(gpt2_folder, capsys):
    code, out, err = run(capsys, "inspect", gpt2_folder, "--text", TEXTS["english"], "--json", "--backward")
    assert code == 0, err
    data = json.loads(out)
    weights = next(r for r in data["records"] if r["name"] == "decoder.0.attn.weights")
    assert weights["shape"][0] == 2  # both heads
    assert "grad.decoder.0.attn.weights" in data["backward"]["names"]


@pytest.mark.parametrize("text", list(TEXTS))
def test_sample_continues_a_prompt_with_a_gpt2_folder(gpt2_folder, capsys, text):
    code, out, err = run(capsys, "sample", gpt2_folder, "--prompt", TEXTS[text], "--greedy", "--max-tokens", "8")
    assert code == 0, err
    assert out.startswith(TEXTS[text]) and len(out) > len(TEXTS[text])
    code, out, err = run(capsys, "sample", gpt2_folder, "--prompt", TEXTS[text], "--beam", "2", "--max-tokens", "4")
    assert code == 0, err
    assert out.startswith("1. ")


def test_a_pickle_only_folder_is_a_user_error(tmp_path, gpt2_folder, capsys):
    (tmp_path / "config.json").write_bytes((gpt2_folder / "config.json").read_bytes())
    (tmp_path / "pytorch_model.bin").write_bytes(b"not opened")
    code, _out, err = run(capsys, "sample", tmp_path, "--prompt", "hi")
    assert code == 2 and "safe_serialization=True" in err and "Traceback" not in err
