"""Sampling whole characters: a byte token may only follow where it keeps the output valid UTF-8.

Byte-level BPE and a char tokenizer's byte fallback have tokens that are parts of a character
(中 is the bytes E4 B8 AD). A model that has not learnt them well samples a continuation byte
where none may come, or a new character before the last one is complete, and the output shows
"\ufffd". ``Utf8Guard`` gives those tokens probability 0: with nothing pending, a token must
start with whole characters (it may end inside one); with a character begun, only the bytes that
go on with it (or finish it) may follow, and no special such as <eos> cuts it off. Near the end
of the output (``room`` tokens left), no character is begun that those tokens cannot finish.

Example (bytes pending b"\\xe4\\xb8"): "\\xad" (completes 中) is allowed, "a" and "\\xe4" are not.
The other kinds' tokens are whole text, so the guard does nothing for them.
"""

import torch

from .token_text import _byte_of_symbol
from .tokenizer import BYTE_TOKENS, SPECIALS

BYTE_TOKEN_SET = frozenset(BYTE_TOKENS)


def _open_tail(data: bytes) -> bytes | None:
    """The bytes at the end of ``data`` that begin a character not yet complete; None if ``data`` is not UTF-8.

    b"a\\xe4\\xb8" -> b"\\xe4\\xb8"; b"ab" -> b""; b"\\xb8" -> None.
    """
    try:
        data.decode("utf-8")
        return b""
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.end == len(data):
            return data[e.start:]
        return None


def _length(lead: int) -> int:
    """The bytes of a UTF-8 character that starts with the byte ``lead`` (2 to 4 for a lead byte)."""
    return 4 if lead >= 0xF0 else 3 if lead >= 0xE0 else 2 if lead >= 0xC0 else 1


class Utf8Guard:
    """``restrict(probs)`` zeroes the tokens that would break a character; ``push(id)`` after each one drawn."""

    def __init__(self, tokenizer, prompt_ids=()):
        self.table = _token_bytes(tokenizer)  # id -> its bytes; None when the kind has no byte tokens
        self.pending = b""  # the start of a character not yet complete
        self._masks: dict[tuple[bytes, int], torch.Tensor] = {}
        self._continuing_ids: list[int] | None = None
        if self.table is not None:
            for i in list(prompt_ids)[-4:]:  # a character has at most four bytes
                self.push(i)

    @property
    def active(self) -> bool:
        return self.table is not None

    def push(self, token_id: int) -> None:
        if self.table is None:
            return
        tail = _open_tail(self.pending + self.table[int(token_id)])
        self.pending = tail if tail is not None else b""  # after a broken character, start afresh

    def allowed(self, room: int = 3) -> torch.Tensor | None:
        """A (V,) bool mask of the tokens that may follow now, with ``room`` tokens after them; None: any may."""
        if self.table is None:
            return None
        key = (self.pending, max(0, min(room, 3)))  # a character needs at most 3 more bytes
        if key not in self._masks:
            if self.pending:  # only a token that starts with a continuation byte can go on with a character
                keep = torch.zeros(len(self.table), dtype=torch.bool)
                fitting = [i for i in self._continuing() if self._fits(self.table[i], key[1])]
                keep[fitting] = True
            else:
                keep = torch.tensor([self._fits(data, key[1]) for data in self.table], dtype=torch.bool)
            self._masks[key] = keep
        return self._masks[key]

    def _continuing(self) -> list[int]:
        if self._continuing_ids is None:
            self._continuing_ids = [i for i, data in enumerate(self.table) if data and 0x80 <= data[0] <= 0xBF]
        return self._continuing_ids

    def _fits(self, data: bytes, room: int) -> bool:
        if not data:  # a special token: only between characters
            return not self.pending
        tail = _open_tail(self.pending + data)
        return tail is not None and (not tail or _length(tail[0]) - len(tail) <= room)

    def allowed_after(self, ids: list[int], room: int = 3) -> torch.Tensor | None:
        """``allowed`` for a sequence ending in ``ids`` (a beam of beam search); the guard's own state is kept."""
        if self.table is None:
            return None
        pending = self.pending
        self.pending = b""
        for i in ids[-4:]:
            self.push(i)
        keep = self.allowed(room)
        self.pending = pending
        return keep

    def restrict(self, logits: torch.Tensor, room: int = 3) -> torch.Tensor:
        """logits (V,) with the tokens that would break a character at -inf (as they were if none fits).

        ``room``: how many tokens can still follow this one (each gives at least one byte).
        Masked before temperature, top-k and top-p, so those choose among whole characters.
        """
        keep = self.allowed(room)
        if keep is None:
            return logits
        masked = logits.masked_fill(~keep.to(logits.device), -torch.inf)
        return masked if torch.isfinite(masked).any() else logits


def _token_bytes(tokenizer) -> list[bytes] | None:
    """Each token's bytes (b"" for a special) for the kinds with byte tokens; None for the others."""
    kind = tokenizer.kind
    if kind not in ("bpe", "char"):
        return None
    symbols = _byte_of_symbol()
    table = []
    for i, token in enumerate(tokenizer.vocab()):
        if i < len(SPECIALS):
            table.append(b"")  # <pad>, <eos>, …: no text
        elif kind == "bpe":
            table.append(bytes(symbols[ch] for ch in token))
        elif token in BYTE_TOKEN_SET:
            table.append(bytes([int(token[3:5], 16)]))  # "<0xE4>"
        else:
            table.append(token.encode("utf-8"))
    return table
