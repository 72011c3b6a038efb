"""``playground train --tokenizer wordpiece`` (and unigram) under the real torchrun: 2 CPU processes.

HF's WordPiece and Unigram trainers gave each process other ids, so both ranks stopped with "the processes
built different data or models" (and one then aborted). Every rank now trains the same tokenizer and takes
rank 0's anyway. config.json says how many processes trained.
"""

import json

import pytest

from playground.cli import main
from playground.core.tokenizer import Tokenizer

from .test_distributed import MIXED, TINY, step_losses, torchrun


@pytest.mark.parametrize("kind", ["wordpiece", "unigram"])
def test_two_processes_train_with_a_wordpiece_or_unigram_tokenizer(tmp_path, kind):
    text = tmp_path / "book.txt"
    text.write_text(MIXED, encoding="utf-8")
    run_dir = tmp_path / "run"
    result = torchrun("--text", text, "--tokenizer", kind, "--vocab-size", 120, *TINY, "--batch-size", 8,
                      "--steps", 3, "--eval-interval", 3, "--run-dir", run_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "built different" not in result.stdout + result.stderr
    assert sorted(step_losses(run_dir)) == [1, 2, 3]
    assert json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["processes"] == 2
    saved = Tokenizer.load(run_dir / "tokenizer.json")
    assert saved.kind == kind
    assert saved.to_json_str() == Tokenizer.train(kind, [MIXED], 120).to_json_str()  # the one this process trains


def test_one_process_writes_processes_1(tmp_path, capsys):
    run_dir = tmp_path / "run"
    assert main(["train", "--dataset", "reversal", *TINY, "--batch-size", "8", "--steps", "1", "--eval-interval",
                 "1", "--quiet", "--run-dir", str(run_dir)]) == 0
    capsys.readouterr()
    assert json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["processes"] == 1
