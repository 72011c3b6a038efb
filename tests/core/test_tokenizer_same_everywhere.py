"""The same text and options train the same tokenizer in every process, byte for byte.

torchrun's processes each train their own tokenizer; HF's WordPiece and Unigram trainers walk word tables
whose order is random in each process (a Rust hash map), and gave other ids (WordPiece's "##x" pieces) or
other scores and ids (Unigram). Each training here runs in a fresh Python process with its own PYTHONHASHSEED.
"""

import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from playground.core.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4

TRAIN_IN_A_PROCESS = """
import hashlib, sys
from playground.core.tokenizer import Tokenizer
text = open(sys.argv[1], encoding="utf-8").read()
size = None if sys.argv[3] == "-" else int(sys.argv[3])
print(hashlib.sha256(Tokenizer.train(sys.argv[2], [text], size).to_json_str().encode("utf-8")).hexdigest())
"""


def made_up_text(seed: int = 7, n_words: int = 6000) -> str:
    """English-like words from syllables (many words of one frequency: ties), Chinese clauses and emoji."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "ri", "ven", "sta", "mor", "qu", "ith", "ne", "bel", "dra", "os", "um", "ph", "ee"]
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(n_words)]
    han = "滚长江东逝水浪花淘尽英雄是非成败转头空青山依旧在几度夕阳红白发渔樵"
    clauses = ["".join(rng.choice(han) for _ in range(rng.randint(3, 9))) + rng.choice("，。！") for _ in range(400)]
    emoji = ["🙂", "🎉", "👩‍👩‍👧", "🚀"]
    parts = words + clauses + [rng.choice(emoji) for _ in range(100)]
    rng.shuffle(parts)
    return " ".join(parts)


def trained_in_processes(text_file: Path, kind: str, size: int | None) -> set[str]:
    digests = set()
    for seed in range(PROCESSES):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": str(seed), "OMP_NUM_THREADS": "1"}
        result = subprocess.run([sys.executable, "-c", TRAIN_IN_A_PROCESS, str(text_file), kind,
                                 "-" if size is None else str(size)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        digests.add(result.stdout.strip())
    return digests


@pytest.mark.parametrize("kind, size", [("wordpiece", 400), ("unigram", 300), ("bpe", 400), ("word", 300),
                                        ("char", None)])
def test_every_process_trains_the_same_tokenizer(tmp_path, kind, size):
    text_file = tmp_path / "book.txt"
    text_file.write_text(made_up_text(), encoding="utf-8")
    digests = trained_in_processes(text_file, kind, size)
    assert len(digests) == 1, f"{kind}: {len(digests)} different tokenizer.json files from {PROCESSES} processes"
    here = Tokenizer.train(kind, [made_up_text()], size).to_json_str()  # and this process agrees
    assert hashlib.sha256(here.encode("utf-8")).hexdigest() in digests


def test_wordpiece_ids_go_specials_characters_then_pieces():
    tokenizer = Tokenizer.train("wordpiece", ["hello world wordy"], 1000)
    vocab = tokenizer.vocab()
    assert vocab[:5] == ["<pad>", "<unk>", "<bos>", "<eos>", "<sep>"]
    assert vocab[5:13] == ["d", "e", "h", "l", "o", "r", "w", "y"]  # by code point
    assert vocab[13:19] == ["##d", "##e", "##l", "##o", "##r", "##y"]
    assert set(vocab[19:]) >= {"hello", "world", "wordy"}  # the merges after them, in the order learnt
    assert tokenizer.encode("hello wordy").tokens == ["hello", "wordy"]
    assert tokenizer.decode(tokenizer.encode_ids("hello <eos> world")) == "hello world"  # specials still special
    assert tokenizer.encode("##e").tokens != ["##e"]  # a "##x" piece written in a text is no special token


def test_unigram_pieces_go_by_score_then_text_after_the_specials():
    tokenizer = Tokenizer.train("unigram", [made_up_text(n_words=2000)], 300)
    loaded = Tokenizer.from_json_str(tokenizer.to_json_str())
    import json

    pieces = json.loads(loaded.to_json_str())["model"]["vocab"]
    assert [token for token, _ in pieces[:5]] == ["<pad>", "<unk>", "<bos>", "<eos>", "<sep>"]
    keys = [(-score, token) for token, score in pieces[5:]]
    assert keys == sorted(keys)
    assert all(round(score, 4) == score for _, score in pieces)
    text = "kalo ristaven 滚长江 🙂"
    assert loaded.decode(loaded.encode_ids(text)) == text
