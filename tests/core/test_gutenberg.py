"""Cleaning: a Project Gutenberg download trains on its book only, not on its header and licence.

Seen on Pride and Prejudice: 19,000 of its 704,000 characters are Project Gutenberg's header and
licence, shown first in the preview and learnt with the novel.
"""

import pytest

from playground.core.corpus import corpus_from_file
from playground.core.recipes import recipe_for_text
from playground.core.text import Cleaning, clean, clean_chunks
from playground.core.tokenizer import KINDS, Tokenizer

BOOK = ("Chapter 1\n\nIt is a truth universally acknowledged, that a single man must be in want of a wife.\n"
        "孙悟空说，今天天气很好。We laughed 😂 and cheered 👍.\n") * 20
HEADER = ("The Project Gutenberg EBook of A Test, by Nobody\n\nThis eBook is for the use of anyone anywhere "
          "at no cost.\n\nTitle: A Test\n\n*** START OF THIS PROJECT GUTENBERG EBOOK A TEST ***\n")
LICENCE = ("*** END OF THIS PROJECT GUTENBERG EBOOK A TEST ***\n\nUpdated editions will replace the previous "
           "one.\nProject Gutenberg-tm License terms apply.\n") * 3
DOWNLOAD = HEADER + BOOK + LICENCE
# Older files (Pride and Prejudice's 1342-0.txt, Alice, Sherlock Holmes) credit their volunteers first and
# sign off before the end marker: both were kept as the book's first and last lines.
CREDITS = "\n\nProduced by Anonymous Volunteers, and David Widger\n\n\n\n\n"
SIGN_OFF = "End of the Project Gutenberg EBook of A Test, by Nobody\n\n"
OLD_DOWNLOAD = HEADER + CREDITS + BOOK + SIGN_OFF + LICENCE


def test_only_the_book_is_kept():
    assert clean(DOWNLOAD, Cleaning(gutenberg=True)) == BOOK
    assert clean(DOWNLOAD, Cleaning()) == DOWNLOAD


@pytest.mark.parametrize("start", ["*** START OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***",
                                   "***START OF THIS PROJECT GUTENBERG EBOOK 1342***"])
def test_both_forms_of_the_marker(start):
    text = "header\n" + start + "\r\n" + BOOK + "*** END OF THE PROJECT GUTENBERG EBOOK PRIDE ***\nlicence\n"
    assert clean(text, Cleaning(gutenberg=True)) == BOOK


def test_a_text_without_markers_is_kept_whole():
    text = "Not from Project Gutenberg at all.\n" + BOOK
    assert clean(text, Cleaning(gutenberg=True)) == text


def test_an_older_download_loses_its_credits_and_sign_off():
    assert clean(OLD_DOWNLOAD, Cleaning(gutenberg=True)) == "\n\n\n" + BOOK


@pytest.mark.parametrize("opening", ["Produced by the sea wind, the sound rose.\n" * 12,  # no blank line: prose
                                     "Transcribed by hand" + " word" * 300 + "\n\n"])  # past the credits' size
def test_a_book_that_opens_like_credits_is_kept(opening):
    text = HEADER + opening + BOOK
    assert clean(text, Cleaning(gutenberg=True)) == opening + BOOK


@pytest.mark.parametrize("download", [DOWNLOAD, OLD_DOWNLOAD])
@pytest.mark.parametrize("size", [1, 7, 64, 1000, len(OLD_DOWNLOAD)])
def test_chunks_give_the_same_text_as_the_whole(size, download):
    chunks = [download[i:i + size] for i in range(0, len(download), size)]
    for cleaning in (Cleaning(gutenberg=True), Cleaning(gutenberg=True, collapse_whitespace=True, lowercase=True)):
        assert "".join(clean_chunks(chunks, cleaning)) == clean(download, cleaning)


@pytest.mark.parametrize("kind", KINDS)
def test_every_tokenizer_learns_the_book_alone(kind):
    sizes = {"char": None, "bpe": 300, "wordpiece": 120, "unigram": 120, "word": 120}
    recipe = recipe_for_text(DOWNLOAD, kind, sizes[kind], cleaning=Cleaning(gutenberg=True), is_text=True)
    tok = recipe.task.tokenizer
    text = tok.decode(list(recipe.task.train_ids) + list(recipe.task.val_ids))
    assert "Gutenberg" not in text and "licence" not in text.lower()
    assert "universally" in text and ("孙悟空" in text or kind in ("wordpiece", "unigram", "word"))


def test_a_file_read_in_chunks_keeps_the_book_alone(tmp_path):
    path = tmp_path / "download.txt"
    path.write_text(DOWNLOAD, encoding="utf-8")
    tok = Tokenizer.train("char", [DOWNLOAD])
    ids = corpus_from_file(path, tok, cleaning=Cleaning(gutenberg=True), chunk_chars=50)
    assert tok.decode(ids.tolist()) == BOOK
