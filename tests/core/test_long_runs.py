"""Unigram and BPE tokenizers train on text with no spaces for a long stretch: Chinese needs none.

HF's unigram trainer frees its lattice one node a call deep, so one "sentence" (the text between two spaces) of
300,000 characters overflowed the main thread's stack and killed the process: 400,000 characters of 水浒传 indented
with full-width spaces did, in ``playground train`` and in the app. BPE's trainer rescans a run of letters for each
merge: 300,000 letters took over 5 minutes. Runs are now cut at ``LONGEST_RUN`` characters.
"""

import os
import random
import subprocess
import sys
import textwrap

import pytest
from tokenizers import pre_tokenizers

from playground.core.tokenizer import LONGEST_RUN, Tokenizer

# each script's letters, no space: Chinese, emoji (a 4-byte UTF-8 character each) and Latin letters
ALPHABETS = {"chinese": (0x4E00, 600), "emoji": (0x1F600, 80), "latin": (0x61, 26)}

# 40,000 characters in a thread with a 1 MiB stack overflowed it before the cut, the trainer on that thread
TRAIN_IN_A_SMALL_STACK = textwrap.dedent("""
    import random, sys, threading
    from playground.core.tokenizer import Tokenizer
    start, size = int(sys.argv[1]), int(sys.argv[2])
    text = "".join(random.Random(3).choices([chr(start + i) for i in range(size)], k=40_000))
    threading.stack_size(1 << 20)
    def train():
        tok = Tokenizer.train("unigram", [text, "a few words, then 悟空 😀"], 1_000)
        print("round trip", tok.decode(tok.encode_ids(text)) == text)
    thread = threading.Thread(target=train)
    thread.start()
    thread.join()
""")


@pytest.mark.parametrize("script", ALPHABETS)
def test_a_long_run_without_spaces_trains_and_round_trips(script):
    start, size = ALPHABETS[script]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}  # the trainer's work on the small-stack thread itself
    done = subprocess.run([sys.executable, "-c", TRAIN_IN_A_SMALL_STACK, str(start), str(size)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"exit {done.returncode} (-11: the stack overflowed)\n{done.stderr[-2000:]}"
    assert done.stdout.strip() == "round trip True"


SAMPLES = ["It was the best of times,\nit was the worst of times.", "  two spaces first", "\nA line first",
           "悟空道：“师父，我来了。”\n　　那长老", "😀 x 😀😀", "a" * 50 + " " + "b" * 10, ""]


BEFORE = {"unigram": pre_tokenizers.Metaspace(), "bpe": pre_tokenizers.ByteLevel(add_prefix_space=False)}


@pytest.mark.parametrize("kind", BEFORE)
@pytest.mark.parametrize("text", SAMPLES)
def test_a_text_with_no_long_run_is_split_as_before(kind, text):
    """The cut changes nothing else: the pieces are Metaspace's or ByteLevel's own."""
    tok = Tokenizer.train(kind, SAMPLES * 3, 300)
    assert tok._backend.pre_tokenizer.pre_tokenize_str(text) == BEFORE[kind].pre_tokenize_str(text)


def test_a_long_run_is_cut_into_pieces_that_join_back():
    text = "却说" * LONGEST_RUN + " and then 😀" + "悟" * (LONGEST_RUN + 10)
    tok = Tokenizer.train("unigram", [text], 300)
    pieces = [piece for piece, _span in tok._backend.pre_tokenizer.pre_tokenize_str(text)]
    assert max(map(len, pieces)) <= LONGEST_RUN + 1  # a run's piece, and the "▁" of a space before it
    assert "".join(pieces).replace("▁", " ")[1:] == text  # the text's own "▁" at the start
    assert tok.decode(tok.encode_ids(text)) == text


@pytest.mark.parametrize("script", ALPHABETS)
def test_a_long_run_of_letters_is_cut_for_bpe_and_round_trips(script):
    start, size = ALPHABETS[script]
    text = "".join(random.Random(5).choices([chr(start + i) for i in range(size)], k=3 * LONGEST_RUN)) + " ok"
    tok = Tokenizer.train("bpe", [text], 400)
    spans = [span for _piece, span in tok._backend.pre_tokenizer.pre_tokenize_str(text)]
    assert max(end - begin for begin, end in spans) <= LONGEST_RUN and spans[-1][1] == len(text)
    assert tok.decode(tok.encode_ids(text)) == text
