"""A session reopened without its text file: the saved statistics, a plain notice, and what still works."""

from dataclasses import asdict

import pytest

from playground.core.describe import describe_data
from playground.core.errors import ConfigError
from playground.core.session import data_notice, load_session, save_session
from playground.core.text import corpus_stats
from playground.core.tokenizer_kinds import KINDS
from playground.core.workspace import Workspace

# Longer than the 12,000 characters a sample of the saved tokens would cover, so a sample's counts differ.
TEXTS = {
    "english": "".join(f"Line {i}: Alice was beginning to get very tired of sitting by her sister.\n"
                       for i in range(400)),
    "chinese": "".join(f"第{i}行：孙悟空一个筋斗云翻了十万八千里，来到天边。\n" for i in range(900)),
    "emoji": "".join(f"{i} 😀 cats 🐱 and dogs 🐶, family 👨‍👩‍👧 says hi 👋🏽\n" for i in range(600)),
}
TINY_MODEL = dict(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16)


def saved_without_its_file(tmp_path, text: str, kind: str, strip_stats=False):
    """A workspace on a real text file, saved in a session, the file then deleted; returns both workspaces."""
    corpus = tmp_path / "book.txt"
    corpus.write_text(text, encoding="utf-8")
    ws = Workspace()
    ws.use_text(corpus, tokenizer_kind=kind)
    ws.set_model_config(**TINY_MODEL)
    ws.ensure_model()
    if strip_stats:  # what a session saved before the statistics were kept looks like
        del ws.recipe.spec["corpus_stats"]
    path = save_session(tmp_path / "s.playground", ws)
    corpus.unlink()
    loaded, _ui = load_session(path)
    return ws, loaded, corpus


@pytest.mark.parametrize("language", list(TEXTS))
@pytest.mark.parametrize("kind", KINDS)
def test_the_saved_statistics_are_shown_when_the_file_is_gone(tmp_path, kind, language):
    text = TEXTS[language]
    ws, loaded, corpus = saved_without_its_file(tmp_path, text, kind)
    info = describe_data(loaded.recipe)
    assert info["stats_of"] == "saved" and info["raw"] is None
    assert info["stats"] == corpus_stats(text)  # the whole corpus's counts, not a sample's
    assert info["stats"]["n_chars"] == len(text) and info["stats"]["n_lines"] == text.count("\n")
    task = ws.recipe.task
    assert info["split"] == {"train_tokens": len(task.train_ids), "val_tokens": len(task.val_ids)}
    notice = data_notice(loaded)
    assert str(corpus) in notice and "missing" in notice and "tokens stored" in notice


def test_the_embedded_tokens_still_train_and_the_tokenizer_says_why_it_cannot(tmp_path):
    _ws, loaded, corpus = saved_without_its_file(tmp_path, TEXTS["english"], "bpe")
    loaded.set_train_config(max_steps=2, batch_size=2, eval_interval=100, warmup_steps=1, device="cpu")
    for record in loaded.new_trainer().run():
        loaded.record(asdict(record))
    assert loaded.trained_steps == 2
    with pytest.raises(ConfigError) as info:
        loaded.recipe_with_tokenizer("unigram", 300)
    message = str(info.value)
    assert str(corpus) in message and "is missing" in message and "does not exist" not in message
    assert "tokens saved in the session" in message


def test_the_statistics_survive_a_second_save_without_the_file(tmp_path):
    _ws, loaded, _corpus = saved_without_its_file(tmp_path, TEXTS["chinese"], "char")
    again, _ui = load_session(save_session(tmp_path / "again.playground", loaded))
    assert describe_data(again.recipe)["stats"] == corpus_stats(TEXTS["chinese"])


def test_an_old_session_without_statistics_still_opens_and_says_it_shows_a_sample(tmp_path):
    _ws, loaded, corpus = saved_without_its_file(tmp_path, TEXTS["english"], "char", strip_stats=True)
    info = describe_data(loaded.recipe)
    assert info["stats_of"] == "sample" and info["sample_chars"] == info["stats"]["n_chars"] < len(TEXTS["english"])
    assert str(corpus) in data_notice(loaded)


@pytest.mark.parametrize("bad", ["many", {"n_chars": "12"}, {"n_chars": -1, "n_lines": 1, "n_distinct_chars": 1,
                                                           "n_words": 1}, {"n_chars": 5}])
def test_damaged_saved_statistics_fall_back_on_a_sample(tmp_path, bad):
    _ws, loaded, _corpus = saved_without_its_file(tmp_path, TEXTS["english"], "char")
    loaded.recipe.spec["corpus_stats"] = bad
    assert describe_data(loaded.recipe)["stats_of"] == "sample"


def test_with_the_file_back_nothing_is_missing(tmp_path):
    ws, loaded, corpus = saved_without_its_file(tmp_path, TEXTS["emoji"], "word")
    corpus.write_text(TEXTS["emoji"], encoding="utf-8")
    assert data_notice(loaded) is None and loaded.missing_text_file() is None
    assert describe_data(loaded.recipe)["stats_of"] == "corpus"
    assert loaded.recipe_with_tokenizer("char").task.tokenizer.kind == "char"
