"""``playground sample`` says once, on stderr, when the prompt or source became <unk>; ``--show-probs`` never shows
a drawn probability as 0.0%."""

import re

import pytest

from playground.cli import main
from playground.cli.common import probability_text
from playground.core import i18n
from playground.core.tokenizer_kinds import tokenizer_name

TINY = ["--layers", "1", "--heads", "2", "--width", "32", "--ff", "64", "--batch-size", "8", "--threads", "1"]
ENGLISH = "It was a dark and stormy night. The rain fell in torrents at intervals. " * 30  # no z, no b, no CJK
PROMPTS = {"english": "The dark zebra", "chinese": "先生说：好", "emoji": "The night 😀"}
# (unknown tokens, tokens) of each prompt to each kind trained on ENGLISH: a char tokenizer spells an unseen
# character in bytes and a byte-level BPE knows every byte, so neither has any; WordPiece and word level lose a
# word with an unseen character whole (and each CJK character), unigram only the unseen characters.
EXPECTED = {
    "char": {"english": None, "chinese": None, "emoji": None},
    "bpe": {"english": None, "chinese": None, "emoji": None},
    "wordpiece": {"english": (1, 3), "chinese": (5, 5), "emoji": (1, 3)},
    "unigram": {"english": (2, 15), "chinese": (1, 2), "emoji": (1, 12)},
    "word": {"english": (1, 3), "chinese": (5, 5), "emoji": (1, 3)},
}


VOCAB_SIZES = {"char": None, "bpe": 300, "wordpiece": 150, "unigram": 150, "word": 80}  # as the app's test


def train(tmp_path, capsys, text: str, kind: str, vocab: int | None = None, *more) -> str:
    """A run folder of 2 real steps on ``text`` read from a file."""
    book = tmp_path / f"{kind}.txt"
    book.write_text(text, encoding="utf-8")
    sizes = [] if kind == "char" else ["--vocab-size", vocab or VOCAB_SIZES[kind]]
    argv = ["train", "--text", book, "--tokenizer", kind, *sizes, "--steps", 2, "--context", 16, *TINY,
            "--run-dir", tmp_path / f"run-{kind}", "--quiet", *more]
    assert main([str(a) for a in argv]) == 0
    capsys.readouterr()
    return str(tmp_path / f"run-{kind}")


def sample(capsys, *argv) -> tuple[str, str]:
    argv = [*argv, "--max-tokens", "4"] if "--max-tokens" not in argv else list(argv)
    assert main(["sample", *[str(a) for a in argv], "--seed", "1"]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_unknown_prompt_tokens_are_said_once_on_stderr(tmp_path, capsys, kind):
    run = train(tmp_path, capsys, ENGLISH, kind)
    for name, prompt in PROMPTS.items():
        for extra in ([], ["--show-probs"], ["--beam", "2"]):
            out, err = sample(capsys, run, "--prompt", prompt, *extra)
            assert out.strip()  # the text still comes, on stdout
            said = [line for line in err.splitlines() if "unknown" in line]
            if EXPECTED[kind][name] is None:
                assert said == [], (kind, name, err)
                continue
            n, total = EXPECTED[kind][name]
            assert len(said) == 1, err
            assert said[0].startswith(f"Prompt tokens unknown to this {tokenizer_name(kind)}: {n} of {total}. "), err
            assert "<unk>" in said[0] and "unknown" not in out
    _out, err = sample(capsys, run, "--prompt", "The rain fell")
    assert "unknown" not in err


def test_the_notice_names_the_tokenizer_in_the_chinese_cli(tmp_path, capsys, monkeypatch):
    run = train(tmp_path, capsys, ENGLISH, "word")
    monkeypatch.setenv("PLAYGROUND_LANG", "zh_CN")
    try:
        _out, err = sample(capsys, run, "--prompt", "先生说：“Hello 😀”")
        assert err.count("<unk>") >= 1 and "8" in err, err
        assert tokenizer_name("word") in err and any("\u4e00" <= c <= "\u9fff" for c in tokenizer_name("word")), err
    finally:
        i18n.install()


def test_an_unknown_source_is_said(tmp_path, capsys):
    argv = ["train", "--dataset", "sentiment", "--steps", 2, *TINY, "--run-dir", tmp_path / "run", "--quiet"]
    assert main([str(a) for a in argv]) == 0
    capsys.readouterr()
    _out, err = sample(capsys, tmp_path / "run", "--source", "a wonderful film")
    assert "Source tokens unknown to this word tokenizer: 2 of 3." in err, err
    _out, err = sample(capsys, tmp_path / "run", "--source", "a red man in many red keys is angry .")
    assert "unknown" not in err, err


# --- probabilities that round to 0.0% ----------------------------------------------------------------------------
def test_probability_text_is_never_zero_unless_it_is():
    assert probability_text(0.0004) == "<0.1%"
    assert probability_text(1e-9) == "<0.1%"
    assert probability_text(0.0) == "0.0%"
    assert probability_text(0.0006) == "0.1%"
    assert probability_text(0.5) == "50.0%"
    assert probability_text(0.9996) == ">99.9%" and probability_text(1.0) == "100.0%"
    assert probability_text(0.9994) == "99.9%"


def test_show_probs_reads_below_a_thousandth_not_zero(tmp_path, capsys):
    """A word tokenizer of 2,000 words: an untrained model gives each about 0.05%, so drawn tokens read "0.0%"."""
    text = (" ".join(f"w{i}" for i in range(2000)) + " ") * 3
    run = train(tmp_path, capsys, text, "word", 3000)
    out, _err = sample(capsys, run, "--prompt", "w1 w2", "--show-probs", "--temperature", "2")
    lines = out.splitlines()
    assert lines and not any(re.search(r"(?<![\d.])0\.0%", line) for line in lines), out
    drawn = [line.split()[2] for line in lines]  # position, token, its probability
    assert "<0.1%" in drawn, out


def test_inspect_s_next_tokens_read_below_a_thousandth_not_zero(tmp_path, capsys):
    """inspect's "Most likely next tokens" of an untrained model over 3,000 tokens: each about 0.03%, "0.0%" before."""
    text = (" ".join(f"w{i}" for i in range(3000)) + " ") * 3
    run = train(tmp_path, capsys, text, "word", 4000)
    assert main(["inspect", str(run), "--text", "w1 w2"]) == 0
    out = capsys.readouterr().out
    nexts = out.split("Most likely next tokens:")[1].splitlines()[1:]
    shown = [line.split()[-1] for line in nexts if line.strip()]
    assert "<0.1%" in shown and "0.0%" not in shown, out


MIXED = "先生说：好的 😀 the cat sees the dog. 王冕道：娘说的是。🐱 a dog sees a cat.\n" * 40


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_show_probs_keeps_its_columns_in_line_beside_chinese_and_emoji(tmp_path, capsys, kind):
    """The probability column starts at the same terminal column on every line, whatever the token holds."""
    from playground.cli.common import display_width

    run = train(tmp_path, capsys, MIXED, kind, None, "--steps", 3)
    out, _err = sample(capsys, run, "--prompt", "先生说", "--show-probs", "--max-tokens", "12")
    lines = [line for line in out.splitlines() if re.match(r"^\s*\d+  ", line)]
    assert len(lines) >= 2, out
    ends = {display_width(line[:re.search(r"(?:<|>)?\d+\.\d%", line).end()]) for line in lines}
    assert len(ends) == 1, out  # right-aligned percentages: one end column


@pytest.mark.parametrize("kind", ["char", "word"])
def test_a_beam_ending_in_blanks_says_so(tmp_path, capsys, kind):
    """A hypothesis of only spaces after the prompt printed as if nothing had come."""
    from playground.cli.sample import with_blank_end_told

    assert with_blank_end_told("Come, Scholar" + " " * 40) == "Come, Scholar  (then 40 blank characters: spaces or " \
                                                              "line breaks)"
    assert with_blank_end_told("Come, Scholar") == "Come, Scholar"
    run = train(tmp_path, capsys, "a b " * 400, kind, 10 if kind == "word" else None)
    out, _err = sample(capsys, run, "--prompt", "a", "--beam", "2")
    for line in out.splitlines():
        assert line == line.rstrip(), repr(line)  # nothing invisible at the end of a line
