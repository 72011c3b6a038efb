"""A folder that is not a whole GPT-2 folder, or a damaged JSON file in one: the message says what a model folder
holds, and where a JSON file breaks by line and column (never Python's English JSON error)."""

import pytest

from playground.core.errors import CheckpointError
from tests.gpt2_folders import tiny_gpt2_folder

pytest.importorskip("transformers")
PYTHON_JSON_WORDS = ("Unterminated", "Expecting", "char ", "codec")


@pytest.fixture(scope="module")
def gpt2_folder(tmp_path_factory):
    return tiny_gpt2_folder(tmp_path_factory.mktemp("messages-gpt2"))


def refusal(folder) -> str:
    from playground.core.hf_gpt2 import load_gpt2

    with pytest.raises(CheckpointError) as caught:
        load_gpt2(folder)
    return str(caught.value)


def test_an_empty_folder_is_told_what_a_model_folder_holds(tmp_path):
    message = refusal(tmp_path)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "vocab.json", "merges.txt"):
        assert name in message, message
    assert "checkpoint or session" not in message


@pytest.mark.parametrize("content, line, column", [
    ('{"model_type": "gpt2", "n_embd": "abc', 1, 34),
    ('{\n  "model_type": "gpt2",\n  "n_layer": 2,,\n}', 3, 16),
    ('\xff\xfe not text', None, None),
])
def test_a_damaged_config_says_where_in_the_ui_language(gpt2_folder, tmp_path, content, line, column):
    for path in gpt2_folder.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "config.json").write_bytes(content.encode("latin-1"))
    message = refusal(tmp_path)
    assert "config.json is damaged" in message
    assert not any(word in message for word in PYTHON_JSON_WORDS), message
    if line is None:
        assert "not UTF-8 text" in message
    else:
        assert f"line {line}, column {column}" in message


def test_a_damaged_vocabulary_says_where(gpt2_folder, tmp_path):
    for path in gpt2_folder.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "vocab.json").write_text('{"a": 0,\n "b": 1\n "c": 2}')
    message = refusal(tmp_path)
    assert "line 3, column 2" in message and not any(word in message for word in PYTHON_JSON_WORDS), message


def test_a_damaged_checkpoint_state_says_where(tmp_path):
    from playground.core.checkpoint import read_state

    (tmp_path / "state.json").write_text('{"format": "x",\n "step": }')
    with pytest.raises(CheckpointError) as caught:
        read_state(tmp_path)
    message = str(caught.value)
    assert "line 2, column 10" in message and not any(word in message for word in PYTHON_JSON_WORDS), message
