"""The seed's LSTM from the command line: trained with --family lstm, sampled, and inspected with its notice."""

import json

import pytest

from playground.cli import main

TINY = ["--layers", "1", "--width", "32", "--batch-size", "8", "--threads", "1", "--quiet"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def lstm_runs(tmp_path_factory):
    """3-step LSTM runs: grammar (text) and reversal (an encoder-decoder task by default, laid out for a decoder)."""
    root = tmp_path_factory.mktemp("lstm")
    for dataset in ("grammar", "reversal"):
        assert main(["train", "--dataset", dataset, "--family", "lstm", "--hidden", "48", "--no-tie", "--steps", "3",
                     *TINY, "--run-dir", str(root / dataset)]) == 0
    return root


def test_train_writes_an_lstm_run(lstm_runs):
    state = json.loads(next((lstm_runs / "grammar" / "checkpoints").glob("step-*/state.json")).read_text())
    assert state["model"]["family"] == "lstm" and state["model"]["lstm_hidden"] == 48
    reversal = json.loads(next((lstm_runs / "reversal" / "checkpoints").glob("step-*/state.json")).read_text())
    assert reversal["model"]["architecture"] == "decoder"


def test_inspect_says_there_is_no_attention_and_lists_the_hidden_states(lstm_runs, capsys):
    code, out, _err = run(capsys, "inspect", lstm_runs / "grammar", "--text", "the cat")
    assert code == 0
    assert out.startswith("This is an LSTM: it has no attention")
    assert "LSTM layer 1" in out and "lstm.0.hidden" in out and "attn" not in out
    code, out, _err = run(capsys, "inspect", lstm_runs / "reversal", "--source", "abc", "--json")
    data = json.loads(out)
    assert code == 0 and "no attention" in data["notice"]
    assert data["names"] == ["tokens", "embed.token", "lstm.0.hidden", "logits", "softmax", "top_k"]


def test_inspect_in_chinese(lstm_runs, capsys):
    code, out, _err = run(capsys, "--lang", "zh_CN", "inspect", lstm_runs / "grammar", "--text", "the cat")
    assert code == 0 and "没有注意力" in out and "LSTM 第 1 层" in out


def test_sample_from_the_lstm(lstm_runs, capsys):
    code, out, _err = run(capsys, "sample", lstm_runs / "grammar", "--prompt", "the cat", "--max-tokens", "10",
                          "--seed", "1")
    assert code == 0 and out.startswith("the cat")


def test_an_lstm_with_tied_weights_and_another_hidden_size_is_a_clear_error(tmp_path, capsys):
    code, _out, err = run(capsys, "train", "--dataset", "grammar", "--family", "lstm", "--hidden", "48", "--steps", "1",
                          *TINY, "--run-dir", tmp_path / "x")
    assert code == 2 and "tied weights" in err and "Traceback" not in err


@pytest.mark.parametrize("compile_setting, notice", [(None, False), ("auto", False), ("on", True), ("off", False)])
def test_compile_notice_only_when_compiling_an_lstm_was_asked_for(tmp_path, capsys, compile_setting, notice):
    """``--compile auto`` (the default) printed "not compiled: only Transformer models are" on every LSTM run,
    though auto never compiles an LSTM; ``--compile on`` asked for it, so there the notice is true."""
    from playground.core import compiling

    asked = ["--compile", compile_setting] if compile_setting else []
    code, out, err = run(capsys, "train", "--dataset", "grammar", "--family", "lstm", "--steps", "2", *TINY, *asked,
                         "--run-dir", tmp_path / "run")
    assert code == 0, err
    says = compiling.decide("on", "cpu", "lstm", 2)[1]
    assert "Transformer" in says and (says in out + err) == notice
