"""A corpus as one compact array of token ids, in memory or memory-mapped from a ``.bin`` file.

A file ``tokens.bin`` holds the raw ids; ``tokens.bin.json`` beside it says their dtype and
count: ``{"dtype": "uint16", "length": 1234567, "vocab_size": 1000}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import numpy as np

from playground.core.atomic import write_atomic, write_json_atomic
from playground.core.errors import ConfigError, PlaygroundError
from playground.core.i18n import _
from playground.core.text import Cleaning, clean_chunks, iter_text_chunks
from playground.core.tokenizer import Tokenizer

HEADER_SUFFIX = ".json"
DTYPES = ("uint16", "uint32")
IDS_PIECE = 1 << 16  # ids turned into an array at once (a few ms)


def token_dtype(vocab_size: int) -> np.dtype:
    """Two bytes a token while every id fits, four beyond."""
    return np.dtype(np.uint16 if vocab_size < 1 << 16 else np.uint32)


def encode_corpus(
    tokenizer: Tokenizer, texts_or_chunks: Iterable[str], out_path: str | Path | None = None
) -> np.ndarray:
    """All token ids of the texts, encoded chunk by chunk.

    With ``out_path`` the ids go straight to a raw file plus its JSON header and come back
    as a read-only ``np.memmap``, so a large corpus never sits in memory as Python ints.
    A chunk boundary is a token boundary: give chunks that end on a line, as
    ``iter_text_chunks`` does.
    """
    dtype = token_dtype(tokenizer.vocab_size)
    arrays = (ids_array(tokenizer.encode_ids(text), dtype) for text in texts_or_chunks)
    if out_path is None:
        tokens = np.concatenate([np.empty(0, dtype), *arrays])
        _check_not_empty(len(tokens))
        return tokens
    out_path = Path(out_path)
    length = _write_tokens(out_path, arrays)
    _check_not_empty(length)
    header = {"dtype": dtype.name, "length": length, "vocab_size": tokenizer.vocab_size}
    write_json_atomic(_header_path(out_path), header)
    return load_tokens(out_path)


def ids_array(ids: list[int], dtype: np.dtype) -> np.ndarray:
    """``np.asarray(ids, dtype)``, converted ``IDS_PIECE`` ids at a time: numpy's C loop holds the GIL, and one
    call over the 630,000 ids of a book froze the window for 50 ms while a worker encoded it."""
    array = np.empty(len(ids), dtype)
    for start in range(0, len(ids), IDS_PIECE):
        array[start:start + IDS_PIECE] = ids[start:start + IDS_PIECE]
    return array


def _write_tokens(path: Path, arrays: Iterable[np.ndarray]) -> int:
    """The ids to ``path`` through the atomic writer (a full disk is a DiskFullError); returns their count."""
    length = 0

    def write(stream) -> None:
        nonlocal length
        for array in arrays:
            stream.write(np.ascontiguousarray(array).data)  # not tofile: its short write has no errno
            length += len(array)

    write_atomic(path, write)
    return length


def _check_not_empty(length: int) -> None:
    if length == 0:
        raise PlaygroundError(_("The corpus gave no tokens. Choose a text with some words "
                                "in it."))


def load_tokens(path: str | Path) -> np.memmap:
    """The ids in a ``.bin`` written by ``encode_corpus``, memory-mapped read-only."""
    path = Path(path)
    try:
        header = json.loads(_header_path(path).read_text(encoding="utf-8"))
        dtype, length = np.dtype(header["dtype"]), int(header["length"])
        size = path.stat().st_size
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise PlaygroundError(_bad_token_file(path)) from error
    if dtype.name not in DTYPES or length <= 0 or size != length * dtype.itemsize:
        raise PlaygroundError(_bad_token_file(path))
    return np.memmap(path, dtype=dtype, mode="r", shape=(length,))


def _header_path(path: Path) -> Path:
    return path.with_name(path.name + HEADER_SUFFIX)


def _bad_token_file(path: Path) -> str:
    return _("The token file {path} or its .json header is missing or damaged. Encode the "
             "corpus again.").format(path=path)


def split_tokens(tokens: np.ndarray, val_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The first ``1 - val_fraction`` of ``tokens`` to train on and the rest to validate.

    Both are views, not copies. Example: 100 tokens, ``val_fraction=0.1`` -> 90 and 10.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ConfigError(_("The validation fraction must be at least 0 and below 1, not "
                            "{fraction}. Choose for example 0.1.").format(fraction=val_fraction))
    n_train = len(tokens) - round(len(tokens) * val_fraction)
    return tokens[:n_train], tokens[n_train:]


def corpus_from_file(
    path: str | Path,
    tokenizer: Tokenizer,
    cleaning: Cleaning | None = None,
    out_dir: str | Path | None = None,
    chunk_chars: int = 1 << 20,
) -> np.ndarray:
    """Stream the text file ``path`` through ``cleaning`` and ``tokenizer`` into token ids.

    With ``out_dir`` the ids are written to ``out_dir/<file name>.tokens.bin`` and
    memory-mapped; the text is never wholly in memory.
    """
    chunks = iter_text_chunks(path, chunk_chars)
    if cleaning is not None:
        chunks = clean_chunks(chunks, cleaning)
    out_path = None
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        out_path = out_dir / f"{Path(path).stem}.tokens.bin"
    return encode_corpus(tokenizer, chunks, out_path)
