"""What an empty prompt starts from, and the snippet the Inspect panel starts with."""

import functools

import numpy as np
import pytest

from playground.core.prompts import NEWLINE, empty_prompt, snippet
from playground.core.recipes import recipe_for_text
from playground.core.tasks import LMTask

FAMILY = "👩\u200d👩\u200d👧"
TEXTS = {"english": "the cat sat on the mat. " * 40, "chinese": "话说天下大势，分久必合。" * 40,
         "emoji": f"we {FAMILY} wave 👋🏽 at 😂 boats. " * 40}


@functools.cache
def task_of(text: str, kind: str) -> LMTask:
    return recipe_for_text(text, kind, None if kind == "char" else 300, is_text=True).task


def test_a_snippet_ends_between_words_within_its_tokens():
    tok = task_of(TEXTS["english"], "word").tokenizer
    assert snippet("the cat sat on the mat", tok, 3) == "the cat sat"
    assert snippet("  ", tok) is None and snippet(None, tok) is None


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
@pytest.mark.parametrize("language", TEXTS)
def test_a_snippet_never_cuts_an_emoji_and_fits(kind, language):
    tok = task_of(TEXTS[language], kind).tokenizer
    for n in range(1, 12):
        text = snippet(TEXTS[language], tok, n)
        if text is None:
            continue
        assert TEXTS[language].startswith(text) and len(tok.encode_ids(text)) <= n
        assert not text.endswith(("\u200d", "👩", "👋")), text  # a family or a toned hand kept whole


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
def test_an_empty_prompt_is_a_new_line_only_where_the_model_saw_one(kind):
    one_line = task_of(TEXTS["chinese"], kind)
    start, ids = empty_prompt(one_line)
    assert start != NEWLINE and TEXTS["chinese"].startswith(start) and ids
    assert np.array_equal(one_line.train_ids[:len(ids)], ids)
    lines = task_of(TEXTS["chinese"].replace("。", "。\n"), kind)
    newline = lines.tokenizer.encode_ids(NEWLINE)
    if kind in ("char", "bpe"):  # a token of its own, seen in training
        assert empty_prompt(lines) == (NEWLINE, newline)
    elif not newline:  # word-level tokenizers drop it: nothing to start from
        assert empty_prompt(lines)[0] == "话"


def test_a_model_without_its_text_starts_from_a_new_line():
    tok = task_of(TEXTS["english"], "bpe").tokenizer
    none = np.zeros(0, dtype=np.uint32)
    assert empty_prompt(LMTask(tok, none, none)) == (NEWLINE, tok.encode_ids(NEWLINE))


CLAUSES = {"english": "the cat sat on the mat, and the dog slept by the door. " * 40,
           "chinese": "话说天下大势，分久必合，合久必分。" * 40,
           "emoji": "we wave 👋🏽 at the boats, 😂 they wave back. " * 40}


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
@pytest.mark.parametrize("language", CLAUSES)
def test_a_snippet_ends_at_its_last_clause_mark_when_that_keeps_half_of_it(kind, language):
    """"…寫道：立": a snippet cut one character into the next clause read as a typo."""
    tok = task_of(CLAUSES[language], kind).tokenizer
    text = CLAUSES[language][:150]  # a passage, as the Inspect panel passes
    ended_at_a_mark = 0
    for n in range(2, 41):
        cut = snippet(text, tok, n)
        if cut is None or cut == text:  # nothing cut: the whole passage fits
            continue
        assert text.startswith(cut) and len(tok.encode_ids(cut)) <= n
        marks = [i + 1 for i, c in enumerate(cut) if c in ",.，。"]
        if marks and marks[-1] >= len(cut) / 2:
            assert marks[-1] == len(cut), (n, cut)  # nothing of the next clause after its mark
            ended_at_a_mark += 1
    assert ended_at_a_mark > 0  # the case was met at some size


WRAPPED = {"english": 'Do you want further\nexplanation?"\n\n"Well, yes, I do," quoth he.',
           "chinese": "　　话说天下大势，分久必合，\r\n　　合久必分。\r\n\r\n　　周末七国分争。",
           "emoji": "we wave 👋🏽\nat the boats 😂\n\nthey wave back"}
ONE_LINE = {"english": 'Do you want further explanation?"', "chinese": "话说天下大势，分久必合，合久必分。",
            "emoji": "we wave 👋🏽 at the boats 😂"}


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
@pytest.mark.parametrize("language", WRAPPED)
def test_a_snippet_is_one_line_of_its_first_paragraph(kind, language):
    """Inspect's one-line box held "further\\nexplanation?\\"\\n\\n\\"Well", its line breaks hidden but traced."""
    tok = task_of(TEXTS[language], kind).tokenizer
    cut = snippet(WRAPPED[language], tok, 64)
    assert cut == ONE_LINE[language]
    for n in range(1, 12):
        cut = snippet(WRAPPED[language], tok, n)
        assert cut is None or ("\n" not in cut and "\r" not in cut and ONE_LINE[language].startswith(cut)), cut
