"""Utf8Guard: the tokens that may come next without breaking a character or writing a control character.

Char and byte-level BPE tokenizers have a token for every byte, so a model that is not yet
trained (or sampled hot) can draw a lead byte followed by a letter, or a stray continuation
byte: the decoded text then shows "\ufffd". It can also draw bytes such as 0x00 or 0x02,
which a text box shows as nothing or as a box, and so are C2 93 (the C1 control U+0093) and
four bytes that land in the empty planes 4-13 or the private-use planes 15-16 (seen: a char
model on a novel wrote U+866A9). The guard follows UTF-8 through the sampled
bytes and allows only tokens whose bytes keep it valid; specials (<eos>) only between
characters. Example: after the byte token <0xE6> (the first of 悟's three bytes) only tokens
that start with a continuation byte 0x80-0xBF are allowed.
"""

from functools import lru_cache

import numpy as np
import torch

from .token_text import vocab_bytes

ACCEPT, INVALID = 0, -1
OWED = (0, 1, 2, 3, 2, 2, 3, 3, 1, 3)  # bytes still owed to finish the character, per state
# Control characters a text view cannot show; tab, line break and carriage return are text.
CONTROL_BYTES = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# Second bytes allowed after a lead byte, where UTF-8 allows more than a text view can show: C2 80-9F are the
# C1 control characters (U+0080-U+009F); F0 90-BF is planes 1-3 (emoji, rare CJK); after F3 only A0, plane 14's
# tags and variation selectors (in flag emoji). Planes 4-13 hold no character, 15-16 private use: F1, F2, F4 none.


def next_state(state: int, byte: int) -> int:
    """UTF-8 as a small automaton (RFC 3629), less what a text view cannot show. States: 0 between
    characters; 1-3 that many continuation bytes owed; 4-6, 8, 9 the restricted second byte after
    E0, ED, F0, C2, F3 (state 7, after F4, is no longer reached: plane 16 is private use)."""
    if state == ACCEPT:
        if byte < 0x80:
            return INVALID if byte in CONTROL_BYTES else ACCEPT
        lead = {0xC2: 8, 0xE0: 4, 0xED: 5, 0xF0: 6, 0xF3: 9}
        if byte in lead:
            return lead[byte]
        if 0xC3 <= byte <= 0xDF:
            return 1
        if 0xE1 <= byte <= 0xEF:
            return 2
        return INVALID  # C0, C1, F5-FF are never UTF-8; F1, F2, F4 begin no character a view shows
    low, high, then = {1: (0x80, 0xBF, 0), 2: (0x80, 0xBF, 1), 3: (0x80, 0xBF, 2), 4: (0xA0, 0xBF, 1),
                       5: (0x80, 0x9F, 1), 6: (0x90, 0xBF, 2), 7: (0x80, 0x8F, 2), 8: (0xA0, 0xBF, 0),
                       9: (0xA0, 0xA0, 2)}[state]
    return then if low <= byte <= high else INVALID


def transition_table() -> np.ndarray:
    """``next_state`` as an (11, 256) table: row s, column b is ``next_state(s, b)``; the last row, which INVALID
    (-1) indexes, stays INVALID whatever the byte."""
    table = np.full((len(OWED) + 1, 256), INVALID, dtype=np.int8)
    for state in range(len(OWED)):
        table[state] = [next_state(state, byte) for byte in range(256)]
    return table


TABLE = transition_table()


def byte_columns(tokens: list[bytes | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tokens' bytes as columns, longest token first: ``columns[k, j]`` is byte k of token ``order[j]``, and
    ``longer[k]`` tokens have a byte k, so a step over byte k reads the first ``longer[k]`` of column k.

    ``[b"c", b"ab", None]`` -> columns ``[[0x61, 0x63, 0], [0x62, 0, 0]]``, order ``[1, 0, 2]``, longer ``[2, 1]``.
    """
    spelled = [data or b"" for data in tokens]
    lengths = np.fromiter(map(len, spelled), dtype=np.int64, count=len(tokens))
    order = np.argsort(-lengths, kind="stable")
    column_of = np.empty_like(order)  # where each token's bytes go: its place in order
    column_of[order] = np.arange(len(tokens))
    flat = np.frombuffer(b"".join(spelled), dtype=np.uint8)
    byte_index = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    longest = int(lengths.max(initial=0))
    columns = np.zeros((longest, len(tokens)), dtype=np.uint8)
    columns[byte_index, np.repeat(column_of, lengths)] = flat
    longer = len(tokens) - np.cumsum(np.bincount(lengths, minlength=longest + 1))[:longest]
    return columns, order, longer


class Utf8Guard:
    """``allowed(state, left)`` is a bool mask (V,) of the tokens that may follow; ``after(state, id)`` the new state.

    With ``left`` tokens still to come (this one included), a token may start a character only if
    the tokens left can finish it (each byte has a token), so the text never ends inside one.
    """

    def __init__(self, tokenizer):
        specials = tokenizer.special_ids()  # asked, not assumed at 0-4: GPT-2's <|endoftext|> is 50256
        # the bytes each token adds to the text; None for a special token, which adds none
        self.tokens = [None if i in specials else data
                       for i, data in enumerate(vocab_bytes(tokenizer.kind, tokenizer.vocab()))]
        self._specials = np.array([data is None for data in self.tokens], dtype=bool)
        self._columns, self._order, self._longer = byte_columns(self.tokens)
        self._masks: dict[tuple[int, int], torch.Tensor] = {}
        self._next: dict[int, np.ndarray] = {}

    def after(self, state: int, token_id: int) -> int:
        """The state once token_id is written; a token the guard would not allow starts afresh."""
        if state not in self._next:
            self._next[state] = self._states_after(state)
        new = int(self._next[state][token_id])
        return ACCEPT if new == INVALID else new

    def allowed(self, state: int, left: int = 4) -> torch.Tensor:
        key = (state, min(left, 4))  # 4 tokens can finish any character
        if key not in self._masks:
            self.after(state, 0)
            after = self._next[state]
            owed = np.asarray(OWED, dtype=np.int8)[after]  # INVALID reads OWED[-1], and is masked out anyway
            self._masks[key] = torch.from_numpy((after != INVALID) & (owed < key[1]))
        return self._masks[key]

    def state_after(self, ids) -> int:
        state = ACCEPT
        for i in ids:
            state = self.after(state, int(i))
        return state

    def _states_after(self, state: int) -> np.ndarray:
        """Every token's state once written after ``state`` (INVALID where it breaks UTF-8): the automaton run
        over all the tokens at once, a byte column at a time; a special only between characters."""
        current = np.full(len(self.tokens), state, dtype=np.int8)  # in self._order
        for k, column in enumerate(self._columns):
            n = self._longer[k]
            current[:n] = TABLE[current[:n], column[:n]]
        after = np.empty_like(current)
        after[self._order] = current
        after[self._specials] = state if state == ACCEPT else INVALID
        return after


@lru_cache(maxsize=4)
def utf8_guard(tokenizer) -> Utf8Guard:
    """One guard per tokenizer (its tables are built once, a state at a time)."""
    return Utf8Guard(tokenizer)
