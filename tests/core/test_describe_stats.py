"""describe_data reuses the counts recipe_for_text made of the same text, rather than counting a book twice."""

from playground.core import describe
from playground.core.describe import describe_data
from playground.core.recipes import recipe_for_text
from playground.core.text import Cleaning, clean, corpus_stats

TEXT = "".join(f"Line {i}: It is a truth universally acknowledged, 傲慢与偏见。\n" for i in range(300))


def counting(monkeypatch) -> list:
    """Record each text describe_data counts (the real corpus_stats still does the counting)."""
    counted = []

    def count(text):
        counted.append(len(text))
        return corpus_stats(text)

    monkeypatch.setattr(describe, "corpus_stats", count)
    return counted


def test_the_counts_made_when_the_recipe_was_built_are_reused(tmp_path, monkeypatch):
    book = tmp_path / "book.txt"
    book.write_text(TEXT, encoding="utf-8")
    recipe = recipe_for_text(book, cleaning=Cleaning(lowercase=True))
    counted = counting(monkeypatch)
    info = describe_data(recipe)
    assert info["stats"] == corpus_stats(clean(TEXT, Cleaning(lowercase=True)))
    assert info["stats_of"] == "corpus"
    assert [n for n in counted if n] == []  # the empty text saved_stats checks the keys with; no book counted


def test_a_file_changed_since_the_recipe_is_counted_again(tmp_path, monkeypatch):
    book = tmp_path / "book.txt"
    book.write_text(TEXT, encoding="utf-8")
    recipe = recipe_for_text(book)
    book.write_text(TEXT + "One more line.\n", encoding="utf-8")
    counted = counting(monkeypatch)
    info = describe_data(recipe)
    assert info["stats"] == corpus_stats(TEXT + "One more line.\n")
    assert len(TEXT) + 15 in counted
