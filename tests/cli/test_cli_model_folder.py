"""The CLI on model folders: an empty folder is told what a checkpoint or a model folder holds; ``tokenize
--tokenizer-file`` takes a GPT-2 folder's own tokenizer, as ``inspect`` and ``sample`` take the folder."""

import json

import pytest

from tests.gpt2_folders import TEXTS

from .test_cli_gpt2 import run

pytest.importorskip("transformers")


@pytest.mark.parametrize("command", [("inspect", "--text", "hi"), ("sample", "--prompt", "hi")])
def test_an_empty_folder_says_what_either_folder_holds(tmp_path, capsys, command):
    code, _out, err = run(capsys, command[0], tmp_path, *command[1:])
    assert code == 2 and "Traceback" not in err
    for name in ("state.json", "config.json", "model.safetensors", "vocab.json", "merges.txt"):
        assert name in err, err


@pytest.mark.parametrize("language", list(TEXTS))
def test_tokenize_takes_a_gpt2_folder_as_its_tokenizer(gpt2_folder, capsys, language):
    from playground.core.hf_gpt2 import load_gpt2

    code, out, err = run(capsys, "tokenize", TEXTS[language], "--tokenizer-file", gpt2_folder, "--json")
    assert code == 0, err
    assert json.loads(out)["ids"] == load_gpt2(gpt2_folder).tokenizer.encode_ids(TEXTS[language])
