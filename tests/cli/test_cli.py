"""The command line, run in-process through ``playground.cli.main`` (and once as a real process)."""

import json
import re
import shlex
import shutil
import signal
import subprocess
import sys

import pytest
import torch

from playground import __version__
from playground.cli import common, main
from playground.core.datasets import DATASETS
from playground.core.tokenizer import Tokenizer

TINY = ["--layers", "1", "--heads", "2", "--width", "32", "--ff", "64", "--batch-size", "16", "--threads", "1"]
WORDS = "the cat dog sees a red ball near old house runs jumps".split()


def tiny_text(n_lines: int = 120) -> str:
    """A few KB of toy sentences, the same every time."""
    return "\n".join(" ".join(WORDS[(7 * i + 3 * j) % len(WORDS)] for j in range(8)) for i in range(n_lines)) + "\n"


def run(capsys, *argv):
    """(exit code, stdout, stderr) of one command."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_user_error(capsys, *argv, says: str = "") -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert "error:" in err
    assert "Traceback" not in out + err
    assert says in err
    return err


@pytest.fixture(scope="module")
def reversal_run(tmp_path_factory):
    """A 5-step encoder-decoder run on the reversal task, in a module-wide temporary folder."""
    run_dir = tmp_path_factory.mktemp("cli") / "reversal"
    assert main(["train", "--dataset", "reversal", "--steps", "5", *TINY, "--run-dir", str(run_dir), "--quiet"]) == 0
    return run_dir


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text(tiny_text(), encoding="utf-8")
    return path


def step_records(run_dir) -> list[dict]:
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["kind"] == "step"]


# --- listing and help -------------------------------------------------------------------
def test_datasets_lists_every_builtin(capsys):
    code, out, _err = run(capsys, "datasets")
    assert code == 0
    assert "reversal" in out and "encoder-decoder" in out and "exact_match" in out
    code, out, _err = run(capsys, "datasets", "--json")
    rows = json.loads(out)
    assert [r["name"] for r in rows] == list(DATASETS)
    assert {"title", "kind", "architecture", "metric", "steps"} <= set(rows[0])


@pytest.mark.parametrize("command", ["demo", "datasets", "train", "sample", "tokenize", "inspect"])
def test_help_has_a_description_and_examples(capsys, command):
    code, out, _err = run(capsys, command, "--help")
    assert code == 0
    assert "examples:" in out and f"playground {command}" in out


def test_without_the_desktop_app_says_what_to_run(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "playground.app", None)  # import fails, whatever is installed
    err = assert_user_error(capsys, says="desktop app")
    assert "playground demo" in err


def test_python_m_playground_runs_as_a_process():
    version = subprocess.run([sys.executable, "-m", "playground", "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.returncode == 0
    assert f"Transformer Playground {__version__}" in version.stdout and torch.__version__ in version.stdout
    listing = subprocess.run([sys.executable, "-m", "playground", "datasets"], capture_output=True, text=True,
                             timeout=60)
    assert listing.returncode == 0 and "reversal" in listing.stdout
    imports = subprocess.run([sys.executable, "-c", "import sys, playground.__main__; "
                              "print(sorted({'torch', 'PySide6'} & set(sys.modules)))"],
                             capture_output=True, text=True, timeout=60)
    assert imports.stdout.strip() == "[]"  # __main__ only dispatches


# --- training ---------------------------------------------------------------------------
def test_train_writes_metrics_checkpoint_and_settings(reversal_run):
    steps = step_records(reversal_run)
    assert [r["step"] for r in steps] == [1, 2, 3, 4, 5]
    assert all(r["loss"] > 0 and r["tokens_per_second"] > 0 for r in steps)
    latest = json.loads((reversal_run / "checkpoints" / "latest.json").read_text(encoding="utf-8"))
    assert latest["step"] == 5
    checkpoint = reversal_run / "checkpoints" / latest["path"]
    assert checkpoint.name == "step-000005"
    for name in ("model.safetensors", "state.json", "tokenizer.json"):
        assert (checkpoint / name).is_file()
    config = json.loads((reversal_run / "config.json").read_text(encoding="utf-8"))
    assert config["model"]["n_layer"] == 1 and config["train"]["max_steps"] == 5
    assert config["task"]["dataset"] == "reversal"
    assert (reversal_run / "tokenizer.json").is_file()


def test_resume_continues_the_step_count(reversal_run, tmp_path, capsys):
    run_dir = tmp_path / "resumed"
    shutil.copytree(reversal_run, run_dir)
    code, out, _err = run(capsys, "train", "--resume", run_dir, "--steps", 8, "--quiet")
    assert code == 0, out
    assert [r["step"] for r in step_records(run_dir)] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert json.loads((run_dir / "checkpoints" / "latest.json").read_text(encoding="utf-8"))["step"] == 8
    assert_user_error(capsys, "train", "--resume", run_dir, "--steps", 8, says="already at step 8")


def test_train_on_a_text_file_with_the_default_run_folder(tmp_path, text_file, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "train", "--text", text_file, "--steps", 4, "--context", 16, *TINY)
    assert code == 0, err
    assert "step 4/4" in err and "ETA" in err  # the progress bar, one line at a time off a terminal
    (run_dir,) = (tmp_path / "runs").glob("small-*")
    assert (run_dir / "checkpoints" / "step-000004" / "model.safetensors").is_file()
    assert f"playground sample {run_dir.relative_to(tmp_path)}" in out
    code, out, _err = run(capsys, "sample", run_dir, "--prompt", "the cat", "--max-tokens", 10, "--seed", 0)
    assert code == 0
    assert out.startswith("the cat") and len(out.rstrip("\n")) > len("the cat")


@pytest.mark.parametrize("kind", ["wordpiece", "unigram", "bpe", "word"])
def test_a_vocabulary_grown_past_the_size_asked_says_why(tmp_path, capsys, kind):
    """A Chinese text of about 300 different characters, vocabulary 100: WordPiece and Unigram hold every character, so
    they come out larger than asked, and the start of the run says so; the other kinds keep to the size."""
    hanzi = "".join(chr(0x4E00 + 37 * i) for i in range(300))
    path = tmp_path / "zh.txt"
    path.write_text("\n".join(hanzi[(7 * i) % 250:][:40] + "，你好。😀" for i in range(200)), encoding="utf-8")
    minimum = {"bpe": 262, "word": 6}.get(kind, 100)
    code, out, err = run(capsys, "train", "--text", path, "--tokenizer", kind, "--vocab-size", minimum, "--steps", 1,
                         "--context", 16, *TINY, "--run-dir", tmp_path / "run")
    assert code == 0, err
    size = Tokenizer.load(tmp_path / "run" / "tokenizer.json").vocab_size
    said = f"The {kind} tokenizer has {size:,} tokens, more than the {minimum} asked for: every character"
    assert (said in out) == (kind in ("wordpiece", "unigram")), out
    assert (size > minimum) == (kind in ("wordpiece", "unigram")), size
    if kind == "unigram":  # no size given: the default, 1,000, was asked for
        path.write_text("".join(chr(0x4E00 + 3 * i) for i in range(1200)) * 3, encoding="utf-8")
        code, out, err = run(capsys, "train", "--text", path, "--tokenizer", kind, "--steps", 1, "--context", 16,
                             *TINY, "--run-dir", tmp_path / "default")
        assert code == 0 and "tokens, more than the 1,000 asked for" in out, err


def test_the_char_tokenizer_size_is_broken_down(tmp_path, capsys):
    """"char tokenizer (346 tokens)" for a book of 85 distinct characters: the start of the run says what they are."""
    text = tiny_text() + "孙悟空 😀\n"
    path = tmp_path / "book.txt"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "train", "--text", path, "--tokenizer", "char", "--steps", 1, "--context", 16, *TINY,
                         "--run-dir", tmp_path / "run")
    assert code == 0, err
    size = Tokenizer.load(tmp_path / "run" / "tokenizer.json").vocab_size
    distinct = len(set(text))
    assert size == distinct + 256 + 5
    assert f"The char tokenizer's {size:,} tokens: {distinct} characters + 256 bytes" in out, out


def test_gutenberg_trains_on_the_book_alone(tmp_path, capsys):
    book = "the cat sat on the mat. 孙悟空说 👍\n" * 40
    path = tmp_path / "pg.txt"
    path.write_text("Header\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\n" + book
                    + "*** END OF THE PROJECT GUTENBERG EBOOK X ***\nLicence\n", encoding="utf-8")
    run_dir = tmp_path / "run"
    code, _out, err = run(capsys, "train", "--text", path, "--gutenberg", "--steps", 1, "--context", 16, *TINY,
                          "--run-dir", run_dir)
    assert code == 0, err
    assert json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["task"]["cleaning"]["gutenberg"]
    vocab = set(Tokenizer.load(run_dir / "tokenizer.json").vocab())
    assert "孙" in vocab and not {"H", "G", "E", "*", "L"} & vocab  # letters of the header and licence only
    assert_user_error(capsys, "train", "--dataset", "grammar", "--gutenberg", says="--gutenberg")


def test_ctrl_c_saves_a_checkpoint_and_says_how_to_resume(tmp_path, text_file, monkeypatch, capsys):
    update = common.ProgressBar.update

    def interrupt_at_step_2(bar, record):
        update(bar, record)
        if record.kind == "step" and record.step == 2:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(common.ProgressBar, "update", interrupt_at_step_2)
    run_dir = tmp_path / "run"
    code, _out, err = run(capsys, "train", "--text", text_file, "--steps", 50, "--context", 16, *TINY,
                          "--run-dir", run_dir)
    assert code == 130
    assert "--resume" in err and "Traceback" not in err
    assert json.loads((run_dir / "checkpoints" / "latest.json").read_text(encoding="utf-8"))["step"] == 2


def test_a_diverging_run_stops_with_code_3(tmp_path, text_file, capsys):
    code, _out, err = run(capsys, "train", "--text", text_file, "--steps", 5, "--context", 16, *TINY,
                          "--lr", "1e30", "--warmup", 0, "--run-dir", tmp_path / "run", "--quiet")
    assert code == 3
    assert "NaN" in err and "Traceback" not in err


# --- sampling, tokenizing, inspecting ---------------------------------------------------
def test_greedy_sampling_repeats_exactly(reversal_run, capsys):
    first = run(capsys, "sample", reversal_run, "--source", "abcdef", "--greedy")
    second = run(capsys, "sample", reversal_run, "--source", "abcdef", "--greedy", "--no-cache")
    assert first[0] == 0 and first == second


def test_show_probs_lists_tokens_with_probabilities(reversal_run, capsys):
    code, out, _err = run(capsys, "sample", reversal_run / "checkpoints" / "step-000005", "--source", "abcd",
                          "--show-probs", "--max-tokens", 3, "--seed", 1)
    assert code == 0
    lines = out.splitlines()
    assert 1 <= len(lines) <= 3 and all("%" in line for line in lines)


def test_beam_search_prints_the_best_hypotheses(reversal_run, capsys):
    code, out, _err = run(capsys, "sample", reversal_run, "--source", "abcdef", "--beam", 2, "--max-tokens", 6)
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["1.", "2."]
    scores = [float(line.split()[1]) for line in lines]
    assert scores[0] >= scores[1]


def test_a_decoder_only_pair_model_reads_its_source(tmp_path, capsys):
    run_dir = tmp_path / "addition"
    assert run(capsys, "train", "--dataset", "addition", "--steps", 2, *TINY, "--run-dir", run_dir, "--quiet")[0] == 0
    code, out, _err = run(capsys, "sample", run_dir, "--source", "12+34=", "--greedy", "--show-probs")
    assert code == 0 and "%" in out
    code, out, _err = run(capsys, "inspect", run_dir, "--source", "12+34=", "--json")
    assert json.loads(out)["records"][0]["shape"] == [1 + len("12+34=") + 1]  # <bos> source <sep>
    assert_user_error(capsys, "sample", run_dir, says="--source")


def test_a_builtin_tasks_source_is_checked_and_the_message_says_what_is_allowed(reversal_run, capsys):
    assert_user_error(capsys, "sample", reversal_run, "--source", "abk", says="letters from a to j")
    assert_user_error(capsys, "sample", reversal_run, "--source", "abc", "--beam", 2, says="4 to 12 letters")


@pytest.mark.parametrize("kind", ["wordpiece", "unigram", "word"])
def test_sampled_text_is_spaced_as_decoded_text(tmp_path, text_file, capsys, kind):
    """No "##" or "▁" shows, and a word-level model's words are never glued ("catred"): each is a word of the text."""
    from playground.core.tokenizer import Tokenizer

    run_dir = tmp_path / kind
    assert run(capsys, "train", "--text", text_file, "--tokenizer", kind, "--vocab-size", 40, "--steps", 2,
               "--context", 16, *TINY, "--run-dir", run_dir, "--quiet")[0] == 0
    tok = Tokenizer.load(run_dir / "tokenizer.json")
    texts = []
    for seed in range(3):
        code, out, _err = run(capsys, "sample", run_dir, "--prompt", "the cat", "--max-tokens", 12, "--seed", seed)
        assert code == 0
        texts.append(out.removesuffix("\n"))
    code, out, _err = run(capsys, "sample", run_dir, "--prompt", "the cat", "--beam", 2, "--max-tokens", 5)
    assert code == 0
    told = re.compile(r"  \(then [\d,]+ blank characters: spaces or line breaks\)$")  # a hypothesis ending blank
    texts += [told.sub("", line.split(None, 2)[2]) for line in out.splitlines()]
    for text in texts:
        assert text.startswith("the cat") and "##" not in text and "▁" not in text, text
        assert tok.decode(tok.encode_ids(text)) == text
        if kind == "word":
            assert set(text.split()) <= set(WORDS) and text.count("  ") == 0, text


def test_tokenize_shows_tokens_with_offsets(capsys):
    code, out, _err = run(capsys, "tokenize", "héllo 你好")
    assert code == 0
    assert '"你"' in out and "6-7" in out
    code, out, _err = run(capsys, "tokenize", "héllo 你好", "--json", "--stats")
    data = json.loads(out)
    assert len(data["ids"]) == len(data["tokens"]) == len(data["offsets"]) == 8
    assert data["offsets"][6] == [6, 7] and data["stats"]["n_chars"] == 8


def test_tokenize_replays_bpe_merges(tmp_path, text_file, capsys):
    code, out, _err = run(capsys, "tokenize", "the cat", "--kind", "bpe", "--train-on", text_file,
                          "--vocab-size", 280, "--merges", 3, "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["merges"]) == 3 and all(len(m) == 2 for m in data["merges"])
    code, out, _err = run(capsys, "tokenize", "12+34=", "--train-on", "addition", "--json")  # a built-in's text
    assert code == 0 and json.loads(out)["tokens"] == list("12+34=")
    assert_user_error(capsys, "tokenize", "abc", "--tokenizer-file", tmp_path / "missing.json", says="tokenizer")


def test_tokenize_prints_byte_level_tokens_and_merges_as_text(tmp_path, capsys):
    path = tmp_path / "journey.txt"
    path.write_text("孙悟空是一只猴子。悟空跟着唐僧去西天取经。\n" * 50, encoding="utf-8")
    code, out, _err = run(capsys, "tokenize", "悟空 去", "--kind", "bpe", "--train-on", path,
                          "--vocab-size", 300, "--merges", 30)
    assert code == 0
    assert '"悟空"' in out  # whole characters, as text
    assert not set("ĠæĤŁç©º") & set(out)  # no byte symbols in tokens or merges
    assert "<E6" in out or "<E5" in out  # the early merges join bytes of one character: shown as hex


def test_inspect_prints_the_trace(reversal_run, capsys):
    code, out, _err = run(capsys, "inspect", reversal_run, "--source", "abc", "--json", "--top-k", 3)
    assert code == 0
    data = json.loads(out)
    assert "encoder.0.attn.weights" in data["names"] and "decoder.0.cross_attn.weights" in data["names"]
    assert len(data["top_k"]) == 3 and "values" not in data["records"][0]
    code, out, _err = run(capsys, "inspect", reversal_run, "--source", "abc")
    assert code == 0 and "decoder.0.cross_attn.weights" in out and "Encoder layer 1" in out  # layers counted from 1


# --- bad input: one readable line, exit code 2 ------------------------------------------
def test_missing_empty_and_binary_files(tmp_path, capsys):
    assert_user_error(capsys, "train", "--text", tmp_path / "missing.txt", says="does not exist")
    (tmp_path / "empty.txt").write_bytes(b"")
    assert_user_error(capsys, "train", "--text", tmp_path / "empty.txt", says="empty")
    (tmp_path / "data.bin").write_bytes(bytes(range(256)) * 8)
    assert_user_error(capsys, "train", "--text", tmp_path / "data.bin", says="binary")


def test_unknown_dataset_lists_the_known_ones(capsys):
    assert_user_error(capsys, "train", "--dataset", "nope", says="reversal")


def test_usage_errors(capsys):
    assert run(capsys, "train", "--steps", 0)[0] == 2
    assert_user_error(capsys, "train", says="--dataset")
    assert_user_error(capsys, "inspect", "somewhere", says="--text")


def test_sampling_from_a_folder_that_is_not_a_checkpoint(tmp_path, capsys):
    assert_user_error(capsys, "sample", tmp_path, says="neither a checkpoint folder nor a Hugging Face model folder")
    assert_user_error(capsys, "sample", tmp_path / "nowhere", says="does not exist")


def test_a_corrupt_weights_file(reversal_run, tmp_path, capsys):
    checkpoint = tmp_path / "damaged"
    shutil.copytree(reversal_run / "checkpoints" / "step-000005", checkpoint)
    (checkpoint / "model.safetensors").write_bytes(b"\x89garbage, not tensors" * 40)
    assert_user_error(capsys, "sample", checkpoint, "--source", "abc", says="model.safetensors")


def test_encoder_decoder_needs_a_source(reversal_run, capsys):
    assert_user_error(capsys, "sample", reversal_run, says="--source")
    assert_user_error(capsys, "sample", reversal_run, "--prompt", "abc", says="encoder-decoder")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_on_a_machine_without_it(capsys):
    assert_user_error(capsys, "train", "--dataset", "reversal", "--device", "cuda", says="cuda")


def test_app_without_a_display_says_what_to_do():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "playground"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2
    assert "no display" in out.stderr and "playground demo" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("source", ["abc", "你好", "🙂 x"])
def test_cli_and_inspector_lay_out_a_source_alike(reversal_run, source):
    """One helper builds a pair model's inputs for the CLI and the inspector."""
    from playground.core.inspect import inspect_inputs
    from playground.core.recipes import task_from_spec

    _folder, checkpoint = common.load(reversal_run)
    task = task_from_spec(checkpoint.state["task"], checkpoint.tokenizer)
    ids, src = common.model_inputs(checkpoint, None, source)
    assert (ids, src) == inspect_inputs(task, source) and ids == [checkpoint.tokenizer.bos_id]
    assert src[-1] == checkpoint.tokenizer.eos_id
    assert common.model_inputs(checkpoint, "ab", source) == inspect_inputs(task, source, "ab")


@pytest.mark.parametrize("lines", [["滚滚长江东逝水，浪花淘尽英雄。", "却说曹操引兵追赶，玄德大喜。", "是非成败转头空，青山依旧在。"],
                                   ["：“罢了！罢了！”行者道。", "“师父，请上马。”", "……那怪道：“好和尚！”"]])
def test_the_sample_hint_after_training_on_chinese_is_a_chinese_prompt(tmp_path, capsys, lines):
    """Not "--prompt the": the hint for a Chinese text begins like a line of that text, without the punctuation a
    line of dialogue opens with (it was "：“罢了！罢" on Journey to the West)."""
    lines = lines * 40
    book = tmp_path / "book.txt"
    book.write_text("\r\n\r\n".join(lines), encoding="utf-8")
    code, out, err = run(capsys, "train", "--text", book, "--steps", 2, "--context", 16, *TINY,
                         "--run-dir", tmp_path / "run")
    assert code == 0, err
    prompt = shlex.split(out.split("--prompt ", 1)[1])[0]
    assert prompt.isalnum() and prompt in "".join(lines) and prompt != "the" and 2 <= len(prompt) <= 6


def test_tokenize_groups_the_vocabulary_size_in_thousands(tmp_path, capsys):
    """"wordpiece tokenizer with 4761 tokens" read badly beside the train command's "1,234 parameters"."""
    book = tmp_path / "chinese.txt"
    book.write_text("".join(chr(0x4E00 + i) for i in range(1200)) + "。\n", encoding="utf-8")
    code, out, _err = run(capsys, "tokenize", "一丁七", "--kind", "word", "--train-on", book)
    assert code == 0
    assert "word tokenizer with 1,206 tokens" in out  # 1,200 characters, 。 and 5 specials


@pytest.mark.parametrize("language, says", [("en", ("warning at step", "Large updates", "lower learning rate")),
                                            ("zh_CN", ("警告", "第", "学习率"))])
def test_train_prints_each_kind_of_health_warning_once(tmp_path, capsys, language, says):
    """The app's Health tab named large updates; the command line trained on without a word."""
    code, _out, err = run(capsys, "--lang", language, "train", "--dataset", "grammar", "--steps", 40, *TINY,
                          "--lr", 1.0, "--warmup", 1, "--eval-interval", 40, "--run-dir", tmp_path / "run", "--quiet")
    assert code in (0, 3), err  # a learning rate of 1 may end in divergence; the warning comes first
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = {w["code"] for r in rows if r["kind"] in ("health", "attention") for w in r["warnings"]}
    assert "large_update" in kinds
    lines = [line for line in err.splitlines() if line.startswith("playground") and says[0] in line]
    assert len(lines) == len(kinds), err  # one line per kind, however often it recurs
    assert all(word in err for word in says), err
    if language == "zh_CN":
        assert "Large updates" not in err


def test_a_vocabulary_of_thousands_is_written_as_its_figures_elsewhere(tmp_path, capsys):
    """"char tokenizer (1061 tokens)", then "The char tokenizer's 1,061 tokens": one number, written two ways."""
    path = tmp_path / "book.txt"
    path.write_text("".join(chr(0x4E00 + 3 * i) for i in range(800)) * 3, encoding="utf-8")
    code, out, err = run(capsys, "train", "--text", path, "--tokenizer", "char", "--steps", 1, "--context", 16,
                         *TINY, "--run-dir", tmp_path / "run")
    assert code == 0, err
    assert "char tokenizer (1,061 tokens)" in out and "The char tokenizer's 1,061 tokens" in out, out
    code, out, err = run(capsys, "tokenize", "话说", "--tokenizer-file", tmp_path / "run" / "tokenizer.json", "--stats")
    assert code == 0, err
    assert re.search(r"^vocab_size\s+1,061$", out, re.MULTILINE), out
