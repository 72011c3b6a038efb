"""An empty prompt in Compare and Inspect starts where Generate's does: a new line only where the model saw one.

A novel on one line never showed its model a "\\n", and the word and wordpiece tokenizers turn "\\n" into no
tokens at all; Compare's samples and Inspect's trace still started from a new line (or from nothing).
"""

import pytest

from playground.core.compare import load_run, run_of_workspace, sample_side_by_side
from playground.core.inspect import inspect_inputs
from playground.core.prompts import NEWLINE, empty_prompt
from playground.core.recipes import recipe_for_text
from playground.core.workspace import Workspace

from .helpers import TINY_MODEL

KINDS = ["char", "bpe", "wordpiece", "unigram", "word"]
BOOKS = {"english": "It was a dark and stormy night. The rain fell in torrents at intervals. " * 30,
         "chinese": "话说天下大势，分久必合，合久必分。滚滚长江东逝水，浪花淘尽英雄。" * 40,
         "emoji": "We laughed 😂 and waved 👋🏽 at the boats. 👩\u200d👩\u200d👧 came too. " * 40}
TRAIN = dict(max_steps=2, batch_size=4, eval_interval=2, eval_batches=1, warmup_steps=1)


def trained_run(folder, text: str, kind: str) -> Workspace:
    """A workspace trained 2 real steps on ``text`` read from a file, its run (checkpoint included) in ``folder``."""
    path = folder / "book.txt"
    path.write_text(text, encoding="utf-8")
    ws = Workspace()
    ws.set_recipe(recipe_for_text(str(path), kind, None if kind == "char" else 300, model=TINY_MODEL, train=TRAIN))
    for record in ws.new_trainer(folder / "run").run():
        ws.record(record.__dict__.copy())
    return ws


def empty_samples(ws, folder) -> list:
    """The Sample an empty prompt gives from the run in memory and from its saved folder (no errors)."""
    runs = [run_of_workspace(ws, "here"), load_run(folder / "run")]
    results = list(sample_side_by_side(runs, "", seed=5, max_new_tokens=6))
    assert [error for _i, _sample, error in results] == [None, None]
    return [sample for _i, sample, _error in results]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", BOOKS)
def test_compare_and_inspect_start_a_one_line_text_from_its_own_start(tmp_path, kind, language):
    ws = trained_run(tmp_path, BOOKS[language], kind)
    task = ws.recipe.task
    start, ids = empty_prompt(task)
    assert start != NEWLINE and ids and BOOKS[language].startswith(start)
    for sample in empty_samples(ws, tmp_path):
        assert sample.prompt == start and not sample.pairs
    assert inspect_inputs(task, "") == (ids, None)


@pytest.mark.parametrize("kind", KINDS)
def test_a_text_with_line_breaks_still_starts_from_a_new_line(tmp_path, kind):
    text = BOOKS["chinese"].replace("。", "。\n")
    ws = trained_run(tmp_path, text, kind)
    task = ws.recipe.task
    newline = task.tokenizer.encode_ids(NEWLINE)
    samples = empty_samples(ws, tmp_path)
    if kind in ("char", "bpe"):  # a token of its own, seen in training
        assert [sample.prompt for sample in samples] == ["", ""]
        assert inspect_inputs(task, "") == (newline, None)
    if not newline:  # word-level tokenizers drop a new line: the text's own start, never nothing
        assert all(sample.prompt and text.startswith(sample.prompt) for sample in samples)
        assert inspect_inputs(task, "")[0]
