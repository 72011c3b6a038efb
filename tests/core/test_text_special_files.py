"""Files that are not plain text files on disk: pipes, devices and files at the size limit get true messages."""

import os
import threading

import pytest

from playground.core.errors import TextFileError
from playground.core.recipes import MAX_TEXT_BYTES, recipe_for_text
from playground.core.text import iter_text_chunks, read_text

READERS = {"read_text": read_text, "iter_text_chunks": iter_text_chunks, "recipe_for_text": recipe_for_text}


def refusal(reader, path) -> str:
    """The message ``reader`` gives for ``path``, from a thread: a reader blocked on a pipe fails the test."""
    outcome = {}

    def read():
        try:
            reader(path)
            outcome["message"] = "accepted"
        except TextFileError as e:
            outcome["message"] = str(e)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=20)
    if thread.is_alive() and path.is_fifo():
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # a writer that leaves: the reader sees the end
        thread.join(timeout=5)
        pytest.fail("the reader blocked on a named pipe")
    return outcome["message"]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", ["named pipe", "link to /dev/zero"])
def test_pipes_and_devices_are_not_regular_files(tmp_path, reader, kind):
    path = tmp_path / "corpus.txt"
    if kind == "named pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    message = refusal(READERS[reader], path)
    assert "is not a regular file" in message and "Choose a text file" in message, message
    assert "empty" not in message


@pytest.mark.parametrize("extra, size, limit", [
    (1, "2,147,483,649 bytes", "2,147,483,648 bytes"),  # rounded, both would read "2.0 GB"
    (1024**3, "3.0 GB", "2.0 GB"),
])
def test_a_file_over_the_limit_shows_sizes_that_differ(tmp_path, extra, size, limit):
    path = tmp_path / "big.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_TEXT_BYTES + extra)  # sparse: no disk used
    with pytest.raises(TextFileError) as caught:
        recipe_for_text(path)
    assert f"is {size}, more than the limit of {limit}." in str(caught.value)
