"""Tokenizers a student can train and inspect: a thin wrapper over Hugging Face ``tokenizers``.

Five kinds share one interface and the same special tokens at ids 0..4:

- ``char``: one token per character seen in training; any other character falls back to
  its UTF-8 bytes (``<0xE4>``), so every text round-trips exactly.
- ``bpe``: byte-level BPE as in GPT-2; every text round-trips exactly.
- ``wordpiece``, ``unigram``, ``word``: the BERT, SentencePiece and word-level models;
  decoding gives readable text, not always the exact input.

Training is deterministic: the same texts and options give the same ``tokenizer.json``, byte for byte, in
every process (torchrun's ranks each train their own; see ``_train_wordpiece`` and ``_canonical_unigram``).

Example: ``Tokenizer.train("bpe", ["aaabdaaabac"] * 10, vocab_size=262).merges()``
is ``[("a", "a")]``, and ``encode("aaab").tokens`` is ``["aa", "a", "b"]``.
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from tokenizers import Regex, decoders, models, pre_tokenizers, trainers
from tokenizers import Tokenizer as HFTokenizer

from playground.core.atomic import write_bytes_atomic
from playground.core.errors import PlaygroundError
from playground.core.tokenizer_kinds import KINDS, tokenizer_name
from playground.core.i18n import _
from playground.core.token_text import join_unspaced, readable_token, token_text
from playground.core.text import distinct_characters


SPECIALS = ("<pad>", "<unk>", "<bos>", "<eos>", "<sep>")
PAD_ID, UNK_ID, BOS_ID, EOS_ID, SEP_ID = range(len(SPECIALS))
# The names HF's ByteFallback decoder turns back into bytes.
BYTE_TOKENS = tuple(f"<0x{byte:02X}>" for byte in range(256))
# A word-level token: a word (contractions kept), a mark that ends a clause with the quote it closes
# ('."'), a punctuation mark, or a run of symbols (emoji). Marks one by one, so that the decoded text
# encodes back to the same tokens (the decoder puts no space before . , ! ? ; :).
WORD_PATTERN = r"\w+(?:['’]\w+)*|[.,!?;:][\"”’)]|\p{P}|[^\w\s\p{P}]+"
WORD_PREFIX = "#w#"  # WordPiece's continuation mark, set to what no word-level token starts with
METASPACE = "▁"  # Unigram's word start, "▁": HF's Metaspace pre-tokenizer puts one for each space
DEFAULT_VOCAB_SIZE = {"bpe": 1000, "wordpiece": 1000, "unigram": 1000, "word": 5000}
# Byte-level BPE starts from the specials and all 256 bytes; the rest need one real token.
MIN_VOCAB_SIZE = {
    "bpe": len(SPECIALS) + 256 + 1,
    "wordpiece": len(SPECIALS) + 1,
    "unigram": len(SPECIALS) + 1,
    "word": len(SPECIALS) + 1,
}
TOKENIZER_FILE = "tokenizer.json"


@dataclass
class Encoding:
    """One text as tokens; ``text[start:end]`` for ``offsets[i]`` is where ``tokens[i]`` came from.

    Offsets count Python characters. Tokens that are parts of one character (bytes of an
    emoji) all carry that character's span.
    """

    ids: list[int]
    tokens: list[str]
    offsets: list[tuple[int, int]]



SPACE = re.compile(r"\s*")
WALKED_DEPTH = 2  # the document, its keys and the model's keys are read key by key; what lies deeper, at once
SLICE_CHARS = 1 << 15  # items read at once: ~1 ms of json's C parser, which holds the lock


def stored_merges(serialized: str) -> list:
    """The ``model.merges`` list of a serialized tokenizer, read piece by piece (see ``loads_piecewise``)."""
    document = loads_piecewise(serialized)
    model = document.get("model") if isinstance(document, dict) else None
    merges = model.get("merges", []) if isinstance(model, dict) else []
    return merges if isinstance(merges, list) else []


def loads_piecewise(text: str, slice_chars: int = SLICE_CHARS):
    """``json.loads(text)``, read a slice of items at a time down to ``WALKED_DEPTH`` (deeper values at once).

    ``json.loads`` of a whole GPT-2 tokenizer (50,257 tokens, 50,000 merges) is one C call that holds
    the GIL for 0.1-0.3 s, so the window froze while a worker read a model folder. Read about
    ``slice_chars`` characters of items at a time, the worker lets the window run between them; reading
    them one by one in Python took as long again (0.13-0.2 s for GPT-2's vocab.json).
    ``'{"a": [1, [2]]}'`` -> ``{"a": [1, [2]]}``; a damaged document raises ValueError.
    """
    value, end = _walk(text, 0, 0, json.JSONDecoder(), slice_chars)
    if text[end:].strip():
        raise ValueError("text after the JSON document")
    return value


def _walk(text: str, at: int, depth: int, decoder: json.JSONDecoder, slice_chars: int) -> tuple:
    """The JSON value at ``at`` and where it ends."""
    at = SPACE.match(text, at).end()
    opener = text[at] if at < len(text) else ""
    if opener not in ("{", "[") or depth > WALKED_DEPTH:
        return decoder.raw_decode(text, at)
    closer = "}" if opener == "{" else "]"
    found: dict | list = {} if opener == "{" else []
    at = SPACE.match(text, at + 1).end()
    if text[at:at + 1] == closer:
        return found, at + 1
    one_by_one_until = at  # after a slice that did not read, the items up to here are read one by one
    while True:
        if at >= one_by_one_until:
            items, comma = _slice_of_items(text, at, opener + closer, decoder, slice_chars)
            if items is not None:
                found.update(items) if opener == "{" else found.extend(items)
                at = comma + 1
                continue
            one_by_one_until = at + slice_chars
        if opener == "{":
            key, at = decoder.raw_decode(text, SPACE.match(text, at).end())
            at = SPACE.match(text, at).end()
            if text[at:at + 1] != ":" or not isinstance(key, str):
                raise ValueError(f"a key without a value at {at}")
            value, at = _walk(text, at + 1, depth + 1, decoder, slice_chars)
            found[key] = value
        else:
            value, at = _walk(text, at, depth + 1, decoder, slice_chars)
            found.append(value)
        at = SPACE.match(text, at).end()
        if text[at:at + 1] == closer:
            return found, at + 1
        if text[at:at + 1] != ",":
            raise ValueError(f"expected ',' or {closer!r} at {at}")
        at += 1


def _slice_of_items(text: str, at: int, brackets: str, decoder: json.JSONDecoder, slice_chars: int) -> tuple:
    """The items from ``at`` to the first comma past ``at + slice_chars`` read at once, and that comma; (None, None)
    where that comma is no item's end.

    ``at`` starts an item, so a comma between two items of this object (or array) reads as the items before it,
    between ``brackets``. Any other comma lies inside a string, which then does not end, or inside a value,
    which then does not close: the slice is no JSON document, and its items are read one by one instead.
    """
    comma = text.find(",", at + slice_chars, at + 2 * slice_chars)  # a longer slice would hold the lock longer
    if comma < 0:
        return None, None
    try:
        return decoder.decode(brackets[0] + text[at:comma] + brackets[1]), comma
    except ValueError:
        return None, None


class Tokenizer:
    """A trained tokenizer of one of ``KINDS``; build it with ``train`` or ``load``."""

    def __init__(self, backend: HFTokenizer, kind: str):
        self._backend = backend
        self._kind = kind
        self._merges: list[tuple[str, str]] | None = None
        self._replay: tuple[int, HFTokenizer] | None = None  # the last replay model, by n
        self._special_ids: frozenset[int] | None = None

    def __repr__(self) -> str:
        return f"Tokenizer(kind={self._kind!r}, vocab_size={self.vocab_size})"

    # -- training --------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        kind: str,
        texts: Iterable[str],
        vocab_size: int | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Tokenizer:
        """Learn a ``kind`` tokenizer from ``texts`` (whole texts or chunks of one long text).

        ``vocab_size`` defaults to ``DEFAULT_VOCAB_SIZE[kind]``; ``char`` ignores it, its
        vocabulary being the specials, every character seen and the 256 byte tokens.
        ``progress`` hears 0.0 before and 1.0 after: HF's trainers report nothing between.
        """
        size = _checked_vocab_size(kind, vocab_size)
        read_once = isinstance(texts, Iterator)
        if kind == "unigram" and not read_once:  # texts it can read twice: grow, as WordPiece
            size = max(size, _unigram_minimum(distinct_characters(texts)))  # does, rather than refuse
        if progress:
            progress(0.0)
        reader = _CorpusReader(texts, count_characters=kind == "unigram" and read_once)  # for the refusal's minimum
        try:
            backend = _train_char(reader) if kind == "char" else _train_model(kind, reader, size)
        except Exception as error:
            if reader.error is not None:
                raise reader.error
            if kind == "unigram" and "contain all chars" in str(error):
                characters = reader.characters if read_once else distinct_characters(texts)
                raise PlaygroundError(_too_many_characters(kind, characters)) from error
            message = _("Training the {tokenizer} failed. Try a larger vocabulary size "
                        "or a bigger corpus.").format(tokenizer=tokenizer_name(kind))
            raise PlaygroundError(f"{message}\n{error}") from error
        if reader.n_chars == 0:
            raise PlaygroundError(_("The corpus is empty. Load a text with some words in it, "
                                    "then train the tokenizer."))
        if progress:
            progress(1.0)
        return _rank_zeros(cls(backend, kind))

    # -- encoding and decoding ---------------------------------------------------------

    def encode(self, text: str) -> Encoding:
        """Tokens of ``text`` with their ids and character spans."""
        encoding = self._backend.encode(text, add_special_tokens=False)
        return Encoding(list(encoding.ids), list(encoding.tokens), list(encoding.offsets))

    def encode_ids(self, text: str) -> list[int]:
        """Only the ids of ``text``: skips the offsets, about twice as fast as ``encode``."""
        return self._backend.encode_batch_fast([text], add_special_tokens=False)[0].ids

    def encode_batch_ids(self, texts: Iterable[str]) -> list[list[int]]:
        """Ids of many texts at once; HF spreads them over the CPU cores."""
        encodings = self._backend.encode_batch_fast(list(texts), add_special_tokens=False)
        return [encoding.ids for encoding in encodings]

    def decode(self, ids: Iterable[int], skip_special: bool = True) -> str:
        """Text of ``ids``; ``char`` and ``bpe`` give back exactly the encoded text.

        Special tokens written in a text (``"<eos>"``) encode as the special token, so
        ``skip_special`` drops them from the decoded text. WordPiece and word-level decoders put a
        space between words, which Chinese does not have: ``join_unspaced`` takes those out.
        """
        text = self._backend.decode([int(i) for i in ids], skip_special_tokens=skip_special)
        return join_unspaced(text) if self._kind in ("wordpiece", "word") else text

    # -- vocabulary ------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def vocab_size(self) -> int:
        return self._backend.get_vocab_size(with_added_tokens=True)

    @property
    def pad_id(self) -> int:
        return PAD_ID

    @property
    def unk_id(self) -> int:
        return UNK_ID

    @property
    def bos_id(self) -> int:
        return BOS_ID

    @property
    def eos_id(self) -> int:
        return EOS_ID

    @property
    def sep_id(self) -> int:
        return SEP_ID

    def token_to_id(self, token: str) -> int | None:
        return self._backend.token_to_id(token)

    def id_to_token(self, token_id: int) -> str:
        token = self._backend.id_to_token(int(token_id))
        if token is None:
            raise PlaygroundError(_("Token id {id} is outside the vocabulary (0 to {last}).")
                                  .format(id=token_id, last=self.vocab_size - 1))
        return token

    def special_ids(self) -> frozenset[int]:
        """The ids of the special tokens, which stand for no text (``decode`` skips them): 0-4 here
        (``<pad>`` ... ``<sep>``), GPT-2's ``<|endoftext|>`` 50256; read from the tokenizer, not assumed."""
        if self._special_ids is None:
            added = self._backend.get_added_tokens_decoder()
            self._special_ids = frozenset(i for i, token in added.items() if token.special)
        return self._special_ids

    def vocab(self) -> list[str]:
        """Every token, in id order."""
        return [self._backend.id_to_token(i) for i in range(self.vocab_size)]

    def token_text(self, token: str) -> str:
        """The text a token of this tokenizer stands for: ``"ĠæĤŁç©º"`` -> ``" 悟空"`` (see ``token_text``)."""
        return token_text(self._kind, token)

    def readable(self, token: str) -> str:
        """``token_text`` with whitespace drawn, for people: ``"ĠæĤŁç©º"`` -> ``"␣悟空"``."""
        return readable_token(self._kind, token)

    # -- BPE merges ------------------------------------------------------------------

    def merges(self) -> list[tuple[str, str]]:
        """The BPE merges in the order they were learnt; empty for the other kinds."""
        if self._kind != "bpe":
            return []
        if self._merges is None:
            stored = stored_merges(self._backend.to_str())
            # Older tokenizer.json files write a merge as "a b" rather than ["a", "b"].
            self._merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ", 1))
                            for m in stored]
        return self._merges

    def replay_merges(self, text: str, n: int) -> list[str]:
        """The pieces of ``text`` after only the first ``n`` merges, pre-token after pre-token.

        Pieces are byte-level symbols like ``tokens``: a space shows as ``Ġ`` and a CJK
        character as three byte symbols until merges join them. ``n=0`` gives single
        bytes; ``n=len(merges())`` gives ``encode(text).tokens``.
        """
        if self._kind != "bpe":
            raise PlaygroundError(_("Only a BPE tokenizer has merges to replay. "
                                    "Train a BPE tokenizer first."))
        n = max(0, min(int(n), len(self.merges())))
        if self._replay is None or self._replay[0] != n:
            self._replay = (n, self._partial_bpe(n))
        return self._replay[1].encode(text, add_special_tokens=False).tokens

    def _partial_bpe(self, n: int) -> HFTokenizer:
        """This BPE with only its first ``n`` merges; the full vocabulary keeps them valid."""
        model = models.BPE(vocab=self._backend.get_vocab(), merges=self.merges()[:n])
        partial = HFTokenizer(model)
        partial.pre_tokenizer = self._backend.pre_tokenizer
        partial.add_special_tokens(list(SPECIALS))
        return partial

    # -- statistics ------------------------------------------------------------------

    def stats(self, text: str) -> dict:
        """How ``text`` tokenizes: sizes, characters per token and the unknown rate.

        ``unk_rate`` is the fraction of tokens that are ``<unk>``. A ``char`` tokenizer
        never emits ``<unk>``: it counts its byte-fallback tokens (characters unseen in
        training, one token per UTF-8 byte) instead.
        """
        ids = np.asarray(self.encode_ids(text), dtype=np.int64)
        unknown = self.byte_fallback_ids() if self._kind == "char" else [UNK_ID]
        n_tokens = len(ids)
        return {
            "vocab_size": self.vocab_size,
            "n_chars": len(text),
            "n_tokens": n_tokens,
            "chars_per_token": len(text) / n_tokens if n_tokens else 0.0,
            "unk_rate": float(np.isin(ids, unknown).mean()) if n_tokens else 0.0,
        }

    def unknown_spans(self, text: str) -> tuple[list[tuple[int, int]], int]:
        """(the character spans of ``text``'s ``<unk>`` tokens, how many tokens ``text`` has): what the model sees
        as ``<unk>`` in place of the text. A char tokenizer's byte tokens spell an unseen character exactly and a
        byte-level BPE (GPT-2's too, which has no ``<unk>``) knows every byte: neither is unknown here."""
        if not text or self.unk_id is None:
            return [], 0
        encoding = self.encode(text)
        return [span for i, span in zip(encoding.ids, encoding.offsets) if i == self.unk_id], len(encoding.ids)

    def parts(self) -> dict[str, int]:
        """What the vocabulary is made of: ``special`` tokens, ``bytes`` (a char tokenizer's 256 fallback tokens;
        none for the other kinds) and ``learned``, the rest (a char tokenizer's characters). They add up to
        ``vocab_size``: a char tokenizer of 85 characters has 85 + 256 + 5 = 346 tokens."""
        special, n_bytes = len(self.special_ids()), len(self.byte_fallback_ids()) if self._kind == "char" else 0
        return {"learned": self.vocab_size - special - n_bytes, "bytes": n_bytes, "special": special}

    def byte_fallback_ids(self) -> list[int]:
        """The ids of the 256 byte tokens a char tokenizer falls back to (none for the other kinds)."""
        return [i for i in map(self._backend.token_to_id, BYTE_TOKENS) if i is not None]

    # -- files -----------------------------------------------------------------------

    def to_json_str(self) -> str:
        """The HF ``tokenizer.json`` text; the kind is read back from the model it holds."""
        return self._backend.to_str()

    @classmethod
    def from_json_str(cls, text: str) -> Tokenizer:
        """A tokenizer from ``tokenizer.json`` text saved by the playground."""
        try:
            config = json.loads(text)
        except (TypeError, ValueError) as error:
            raise PlaygroundError(_not_a_tokenizer()) from error
        kind = _kind_of(config)
        if kind is None:
            raise PlaygroundError(_not_a_tokenizer())
        with _hf_errors_as(_not_a_tokenizer()):
            backend = HFTokenizer.from_str(text)
        if [backend.id_to_token(i) for i in range(len(SPECIALS))] != list(SPECIALS):
            raise PlaygroundError(_("This tokenizer was not made by the playground: its "
                                    "special tokens differ. Train a tokenizer here instead."))
        return cls(backend, kind)

    def save(self, path: str | Path) -> Path:
        """Write ``tokenizer.json`` at ``path``, or inside it when ``path`` is a folder."""
        file = _tokenizer_file(path)
        return write_bytes_atomic(file, self.to_json_str().encode("utf-8"))  # a failure: SaveError, file unchanged

    @classmethod
    def load(cls, path: str | Path) -> Tokenizer:
        """Read a tokenizer saved by ``save``; ``path`` is the file or its folder."""
        from .limits import MAX_TOKENIZER_BYTES, check_file_size

        file = _tokenizer_file(path)
        if file.exists():  # a pipe, a device or a huge file is refused before it is read
            check_file_size(file, MAX_TOKENIZER_BYTES, _("read as a tokenizer"))
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise PlaygroundError(_("There is no tokenizer file at {path}. Choose the "
                                    "tokenizer.json you saved.").format(path=file)) from error
        except (OSError, UnicodeDecodeError) as error:
            raise PlaygroundError(_("Cannot read the tokenizer file {path}. Choose the "
                                    "tokenizer.json you saved.").format(path=file)) from error
        return cls.from_json_str(text)


# -- training helpers --------------------------------------------------------------------


def _rank_zeros(tokenizer: Tokenizer) -> Tokenizer:
    """Under torchrun, where every process trains its own tokenizer from the same text: rank 0's, sent to
    the others as its JSON, so that no rank's ids can differ from another's. Else ``tokenizer`` itself."""
    if "torch.distributed" not in sys.modules:  # no process group without it (the app, ``playground tokenize``)
        return tokenizer
    from playground.core import distributed

    processes = distributed.current()
    if not processes.active:
        return tokenizer
    text = processes.broadcast_text(tokenizer.to_json_str() if processes.is_main else "")
    return tokenizer if processes.is_main else Tokenizer.from_json_str(text)


class _CorpusReader:
    """Feeds texts to HF's trainer, counting characters and keeping any error they raise."""

    def __init__(self, texts: Iterable[str], count_characters: bool):
        self._texts = texts
        self.n_chars = 0
        self.characters: set[str] = set()  # the distinct characters: a unigram vocabulary must hold them all
        self._count_characters = count_characters
        self.error: Exception | None = None

    def __iter__(self) -> Iterator[str]:
        try:
            for text in self._texts:
                self.n_chars += len(text)
                if self._count_characters:
                    self.characters.update(text)
                yield text
        except Exception as error:
            self.error = error
            raise


def _unigram_minimum(characters: set[str]) -> int:
    """The smallest unigram vocabulary that comes out the size asked for: a token for each character the trainer
    sees (Metaspace turns spaces into "▁" and starts every word with one), the special tokens, and one more.
    Measured with tokenizers 0.23: asked for far less, its trainer refuses; for this minimum less one or a few, it
    gives back a vocabulary larger than asked (3,150 for 2,657 on a Chinese text of 2,652 characters)."""
    return len((characters - {" "}) | {METASPACE}) + len(SPECIALS) + 1


def _too_many_characters(kind: str, characters: set[str]) -> str:
    return _("This text has {n} different characters, and a {kind} vocabulary holds every one of them "
             "besides its {specials} special tokens. Choose a larger vocabulary: at least {minimum}.").format(
        n=f"{len(characters):,}", kind=kind, specials=len(SPECIALS), minimum=f"{_unigram_minimum(characters):,}")


def _checked_vocab_size(kind: str, vocab_size: int | None) -> int:
    if kind not in KINDS:
        raise PlaygroundError(_("Unknown tokenizer kind {kind!r}. Choose one of: {kinds}.")
                              .format(kind=kind, kinds=", ".join(KINDS)))
    if kind == "char":
        return 0
    size = DEFAULT_VOCAB_SIZE[kind] if vocab_size is None else int(vocab_size)
    if size < MIN_VOCAB_SIZE[kind]:
        raise PlaygroundError(_("A {kind} vocabulary of {size} tokens is too small. Choose a "
                                "vocabulary size of at least {minimum}.")
                              .format(kind=kind, size=size, minimum=MIN_VOCAB_SIZE[kind]))
    return size


def _train_char(texts: Iterable[str]) -> HFTokenizer:
    """Collect the alphabet with HF's BPE trainer (no merges), then build the char model."""
    counter = HFTokenizer(models.BPE())
    # Words, not whole chunks, as HF's training units keep its word counts small.
    counter.pre_tokenizer = pre_tokenizers.Split(Regex(r"\s+"), behavior="isolated")
    trainer = trainers.BpeTrainer(vocab_size=0, special_tokens=list(SPECIALS),
                                  show_progress=False)
    counter.train_from_iterator(texts, trainer)
    by_id = sorted(counter.get_vocab().items(), key=lambda item: item[1])
    return _char_backend([token for token, i in by_id if token not in SPECIALS])


def _char_backend(characters: list[str]) -> HFTokenizer:
    """A BPE with no merges: each known character is a token, any other falls back to bytes."""
    tokens = [*SPECIALS, *characters, *BYTE_TOKENS]
    vocab = {token: i for i, token in enumerate(tokens)}
    model = models.BPE(vocab=vocab, merges=[], unk_token="<unk>", byte_fallback=True)
    backend = HFTokenizer(model)
    backend.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Fuse()])
    backend.add_special_tokens(list(SPECIALS))
    return backend


def _train_model(kind: str, texts: Iterable[str], vocab_size: int) -> HFTokenizer:
    if kind == "wordpiece":
        return _train_wordpiece(texts, vocab_size)
    backend, trainer = _MODEL_BUILDERS[kind](vocab_size)
    backend.train_from_iterator(texts, trainer)
    return _canonical_unigram(backend) if kind == "unigram" else backend


# The same text gives the same tokenizer in every process (torchrun's ranks each train their own):
# - WordPiece: HF's trainer numbers the "##x" pieces in the order it meets them in its word table, whose order
#   is random in each process, and among equally frequent pairs it merges the pair of lower ids first: the ids,
#   and on ties the tokens themselves, differed. ``_train_wordpiece`` fixes every starting id beforehand.
# - Unigram: its EM sums over the words in that random order, so the scores differ in their last digits (3e-10
#   on a Chinese novel), and it gives the characters it must keep but had dropped the lowest score plus 0.0001,
#   0.0002, ... in a random order; its ids follow the scores. ``_canonical_unigram`` evens both out.
# BPE (every byte in its alphabet, merges in a fixed order), char and word-level were already the same.
UNIGRAM_SCORE_DIGITS = 4  # scores are rounded to 0.0001: far coarser than the noise, far finer than what they mean
_UNIGRAM_PENALTY = 1e-4  # HF's step between the scores of the characters it adds back


def _canonical_unigram(backend: HFTokenizer) -> HFTokenizer:
    """The trained Unigram with process-independent scores and ids: the characters HF added back at the lowest
    score plus a multiple of 0.0001 all get the lowest score, every score is rounded to ``UNIGRAM_SCORE_DIGITS``,
    and the pieces after the specials go by score, highest first, then by text."""
    trained = json.loads(backend.to_str())["model"]["vocab"]
    pieces = [(token, score) for token, score in trained if token not in SPECIALS]
    lowest = min((score for _token, score in pieces), default=0.0)

    def canonical(token: str, score: float) -> float:
        steps = (score - lowest) / _UNIGRAM_PENALTY
        added_back = len(token) == 1 and abs(steps - round(steps)) < 1e-3
        return round(lowest if added_back else score, UNIGRAM_SCORE_DIGITS)

    scored = sorted(((token, canonical(token, score)) for token, score in pieces), key=lambda p: (-p[1], p[0]))
    vocab = [(token, 0.0) for token in SPECIALS] + scored
    rebuilt, _trainer = _unigram(len(vocab))
    rebuilt.model = models.Unigram(vocab, unk_id=UNK_ID, byte_fallback=False)
    rebuilt.add_special_tokens(list(SPECIALS))
    return rebuilt


def _train_wordpiece(texts: Iterable[str], vocab_size: int) -> HFTokenizer:
    """WordPiece trained in two passes: the first finds the characters and the "##x" pieces (no merges), the
    second merges from those, given in a fixed order (specials, characters, "##x" pieces, each by code point)
    as the trainer's first tokens; the tokenizer is then built afresh with only the real specials special."""
    chunks = texts if isinstance(texts, (list, tuple)) else list(texts)  # read twice
    counter, trainer = _wordpiece(0)
    counter.train_from_iterator(chunks, trainer)
    pieces = [token for token in counter.get_vocab(with_added_tokens=False) if token not in SPECIALS]
    characters = sorted(token for token in pieces if len(token) == 1)
    continuations = sorted((token for token in pieces if len(token) > 1), key=lambda token: token[2:])
    start = [*SPECIALS, *characters, *continuations]
    if len(start) >= vocab_size:  # no room for a merge (a Chinese text's thousands of characters): done
        return _wordpiece_from_vocab({token: i for i, token in enumerate(start)})
    backend, trainer = _wordpiece(vocab_size)
    trainer.special_tokens = start  # their ids: the order given
    backend.train_from_iterator(chunks, trainer)
    return _wordpiece_from_vocab(backend.get_vocab(with_added_tokens=False))


def _wordpiece_from_vocab(vocab: dict[str, int]) -> HFTokenizer:
    """Our WordPiece tokenizer over ``vocab`` (ids as given), with the specials as its only added tokens."""
    backend, _trainer = _wordpiece(len(vocab))
    backend.model = models.WordPiece(vocab=vocab, unk_token="<unk>", continuing_subword_prefix="##")
    backend.add_special_tokens(list(SPECIALS))
    return backend


# The trainers' units are runs of text: unigram's the text between spaces (Metaspace splits at nothing else), BPE's
# a run of letters. Chinese needs no spaces, and unpunctuated text no marks, so one run could be a chunk long:
# - unigram: HF's trainer frees its lattice one node a call deep and overflowed the stack: a novel indented with
#   full-width spaces segfaulted (300,000 characters on the main thread, 40,000 on a thread with a 1 MiB stack);
# - BPE: its trainer rescans a run for each merge: 300,000 letters took over 5 minutes (7 s cut, 2,000 tokens).
# A longer run is cut into pieces of LONGEST_RUN characters: the cut adds and drops no text, and a text with no
# such run tokenizes as before.
LONGEST_RUN = 4096
_LONG_UNIGRAM_RUN = f" ?[^ ]{{{LONGEST_RUN}}}"  # a space before it stays with it, as "▁"
_LONG_BPE_RUN = rf"\S{{{LONGEST_RUN}}}"


def _unigram_pre_tokenizer() -> pre_tokenizers.PreTokenizer:
    # "first": only the text's start gets a "▁" of its own, not the start of every piece cut from it
    return pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(_LONG_UNIGRAM_RUN), behavior="isolated"),
                                    pre_tokenizers.Metaspace(prepend_scheme="first")])


def _bpe(vocab_size: int) -> tuple[HFTokenizer, trainers.Trainer]:
    backend = HFTokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(_LONG_BPE_RUN), behavior="isolated"),
                                                     pre_tokenizers.ByteLevel(add_prefix_space=False)])
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=list(SPECIALS), show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes: nothing unknown
    )
    return backend, trainer


# Han ideographs and kana: scripts without spaces, where each character is a word (as BERT's
# Chinese models do, and as the Data panel counts words). Else a whole clause, 滚滚长江东逝水,
# is one "word", and a word-level vocabulary of Chinese is mostly <unk>.
_CJK_CHARACTER = "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"


def _cjk_characters_apart() -> pre_tokenizers.PreTokenizer:
    return pre_tokenizers.Split(Regex(_CJK_CHARACTER), behavior="isolated")


def _word_pre_tokenizer() -> pre_tokenizers.PreTokenizer:
    """Words, with their contractions ("didn't", "vicar's"), and punctuation (see WORD_PATTERN)."""
    return pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                    pre_tokenizers.Split(Regex(WORD_PATTERN), behavior="isolated")])


# After WordPiece's clean-up (no space before . , ! ?): none before ; : and the full-width marks either.
_UNSPACED = [decoders.Replace(" " + mark, mark) for mark in ";:，。！？：；、"]


def _wordpiece(vocab_size: int) -> tuple[HFTokenizer, trainers.Trainer]:
    backend = HFTokenizer(models.WordPiece(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Sequence([_cjk_characters_apart(), _word_pre_tokenizer()])
    backend.decoder = decoders.Sequence([decoders.WordPiece(), *_UNSPACED])  # "##ing" joins its word
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(SPECIALS),
                                        show_progress=False)
    return backend, trainer


def _unigram(vocab_size: int) -> tuple[HFTokenizer, trainers.Trainer]:
    backend = HFTokenizer(models.Unigram())
    backend.pre_tokenizer = _unigram_pre_tokenizer()
    backend.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=list(SPECIALS),
                                      unk_token="<unk>", show_progress=False)
    return backend, trainer


def _word(vocab_size: int) -> tuple[HFTokenizer, trainers.Trainer]:
    backend = HFTokenizer(models.WordLevel(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Sequence([_cjk_characters_apart(), _word_pre_tokenizer()])
    # WordPiece's decoder spaces the tokens and cleans the punctuation; no word can start with
    # WORD_PREFIX (word characters and others never share a token), so none is taken for a piece.
    backend.decoder = decoders.Sequence([decoders.WordPiece(prefix=WORD_PREFIX, cleanup=True), *_UNSPACED])
    trainer = trainers.WordLevelTrainer(vocab_size=vocab_size, special_tokens=list(SPECIALS),
                                        show_progress=False)
    return backend, trainer


_MODEL_BUILDERS = {"bpe": _bpe, "wordpiece": _wordpiece, "unigram": _unigram, "word": _word}


# -- file helpers ------------------------------------------------------------------------


def _kind_of(config: object) -> str | None:
    """Our kind, read from the HF model type; None when the file is not a tokenizer."""
    model = config.get("model") if isinstance(config, dict) else None
    if not isinstance(model, dict):
        return None
    model_type = model.get("type")
    if model_type == "BPE":
        return "char" if model.get("byte_fallback") else "bpe"
    return {"WordPiece": "wordpiece", "Unigram": "unigram", "WordLevel": "word"}.get(model_type)


def _tokenizer_file(path: str | Path) -> Path:
    path = Path(path)
    return path / TOKENIZER_FILE if path.is_dir() else path


def _not_a_tokenizer() -> str:
    return _("This is not a tokenizer file the playground can read: it is damaged or in "
             "another format. Choose a tokenizer.json saved by the playground, or train a "
             "new tokenizer.")


@contextmanager
def _hf_errors_as(message: str) -> Iterator[None]:
    """Show an error raised inside HF's Rust code as ``message``, not as a traceback."""
    try:
        yield
    except Exception as error:
        raise PlaygroundError(message) from error
