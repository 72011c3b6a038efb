"""``playground sample RUN`` with no --prompt starts where the app's Generate does: a new line only where the
model saw one, else the start of its own text, printed and said on stderr."""

import pytest

from playground.cli import main

TINY = ["--layers", "1", "--heads", "2", "--width", "32", "--ff", "64", "--batch-size", "8", "--threads", "1"]
BOOKS = {"english": "It was a dark and stormy night. The rain fell in torrents at intervals. " * 30,
         "chinese": "话说天下大势，分久必合，合久必分。滚滚长江东逝水，浪花淘尽英雄。" * 40,
         "emoji": "We laughed 😂 and waved 👋🏽 at the boats. 👩\u200d👩\u200d👧 came too. " * 40}
CASES = [("chinese", kind) for kind in ("char", "bpe", "wordpiece", "unigram", "word")] + \
        [("english", "word"), ("english", "bpe"), ("emoji", "char"), ("emoji", "wordpiece")]


def trained(tmp_path, capsys, text: str, kind: str):
    """A run folder of 2 real steps on ``text`` read from a file."""
    book = tmp_path / "book.txt"
    book.write_text(text, encoding="utf-8")
    vocab = [] if kind == "char" else ["--vocab-size", "300"]
    argv = ["train", "--text", book, "--tokenizer", kind, *vocab, "--steps", 2, "--context", 16, *TINY,
            "--run-dir", tmp_path / "run", "--quiet"]
    assert main([str(a) for a in argv]) == 0
    capsys.readouterr()
    return tmp_path / "run"


def sample(capsys, *argv) -> tuple[str, str]:
    assert main(["sample", *[str(a) for a in argv], "--max-tokens", "6", "--seed", "1"]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


@pytest.mark.parametrize("language, kind", CASES)
def test_no_prompt_on_a_one_line_text_starts_from_its_own_start(tmp_path, capsys, language, kind):
    run_dir = trained(tmp_path, capsys, BOOKS[language], kind)
    out, err = sample(capsys, run_dir)
    said = err.split("“", 1)[1].rsplit("”", 1)[0]  # the start it names
    assert "No prompt" in err and said and BOOKS[language].startswith(said)
    assert out.startswith(said)
    out, err = sample(capsys, run_dir, "--beam", 2)
    assert out.splitlines()[0].split(None, 2)[2].startswith(said)
    out, err = sample(capsys, run_dir, "--prompt", "")
    assert out.startswith(said) and "No prompt" in err


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_no_prompt_on_a_text_with_line_breaks_is_still_a_new_line(tmp_path, capsys, kind):
    run_dir = trained(tmp_path, capsys, BOOKS["chinese"].replace("。", "。\n"), kind)
    out, err = sample(capsys, run_dir)
    assert "No prompt" not in err and out.strip()


def test_word_level_tokens_of_a_text_with_line_breaks_get_a_start(tmp_path, capsys):
    """"\\n" is no token of a word tokenizer: the run starts from its text's first word, not from nothing."""
    text = BOOKS["english"].replace(". ", ".\n")
    run_dir = trained(tmp_path, capsys, text, "word")
    out, err = sample(capsys, run_dir)
    assert "No prompt" in err and out.startswith("It")


@pytest.mark.parametrize("kind, why", [("wordpiece", "drops line breaks"), ("word", "drops line breaks"),
                                       ("unigram", "only inside other tokens")])
def test_the_reason_is_the_tokenizer_s_not_the_text_s(tmp_path, capsys, kind, why):
    """A book of 4,997 lines was said to be "a text with no line break": its word-level tokenizer dropped them, or
    (unigram) wrote a new line on its own as "▁" + "\\n", which the text, with its "。\\n", never has."""
    run_dir = trained(tmp_path, capsys, BOOKS["chinese"].replace("。", "。\n"), kind)
    _out, err = sample(capsys, run_dir)
    assert "No prompt" in err and why in err and "no line break" not in err, err


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_a_text_on_one_line_is_named_as_the_reason(tmp_path, capsys, kind):
    run_dir = trained(tmp_path, capsys, BOOKS["chinese"], kind)
    _out, err = sample(capsys, run_dir)
    assert "a text with no line break" in err and "drops" not in err, err
