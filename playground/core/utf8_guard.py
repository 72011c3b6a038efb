"""Utf8Guard: the tokens that may come next without breaking a character or writing a control character.

Char and byte-level BPE tokenizers have a token for every byte, so a model that is not yet
trained (or sampled hot) can draw a lead byte followed by a letter, or a stray continuation
byte: the decoded text then shows "\ufffd". It can also draw bytes such as 0x00 or 0x02,
which a text box shows as nothing or as a box. The guard follows UTF-8 through the sampled
bytes and allows only tokens whose bytes keep it valid; specials (<eos>) only between
characters. Example: after the byte token <0xE6> (the first of 悟's three bytes) only tokens
that start with a continuation byte 0x80-0xBF are allowed.
"""

from functools import lru_cache

import torch

from .token_text import token_bytes

ACCEPT, INVALID = 0, -1
OWED = (0, 1, 2, 3, 2, 2, 3, 3)  # bytes still owed to finish the character, per state
# Control characters a text view cannot show; tab, line break and carriage return are text.
CONTROL_BYTES = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def next_state(state: int, byte: int) -> int:
    """UTF-8 as a small automaton (RFC 3629). States: 0 between characters; 1-3 that many
    continuation bytes owed; 4-7 the restricted second byte after E0, ED, F0, F4."""
    if state == ACCEPT:
        if byte < 0x80:
            return INVALID if byte in CONTROL_BYTES else ACCEPT
        lead = {0xE0: 4, 0xED: 5, 0xF0: 6, 0xF4: 7}
        if byte in lead:
            return lead[byte]
        if 0xC2 <= byte <= 0xDF:
            return 1
        if 0xE1 <= byte <= 0xEF:
            return 2
        if 0xF1 <= byte <= 0xF3:
            return 3
        return INVALID
    low, high, then = {1: (0x80, 0xBF, 0), 2: (0x80, 0xBF, 1), 3: (0x80, 0xBF, 2), 4: (0xA0, 0xBF, 1),
                       5: (0x80, 0x9F, 1), 6: (0x90, 0xBF, 2), 7: (0x80, 0x8F, 2)}[state]
    return then if low <= byte <= high else INVALID


class Utf8Guard:
    """``allowed(state, left)`` is a bool mask (V,) of the tokens that may follow; ``after(state, id)`` the new state.

    With ``left`` tokens still to come (this one included), a token may start a character only if
    the tokens left can finish it (each byte has a token), so the text never ends inside one.
    """

    def __init__(self, tokenizer):
        specials = tokenizer.special_ids()  # asked, not assumed at 0-4: GPT-2's <|endoftext|> is 50256
        # the bytes each token adds to the text; None for a special token, which adds none
        self.tokens = [None if i in specials else token_bytes(tokenizer.kind, t)
                       for i, t in enumerate(tokenizer.vocab())]
        self._masks: dict[tuple[int, int], torch.Tensor] = {}
        self._next: dict[int, list[int]] = {}

    def after(self, state: int, token_id: int) -> int:
        """The state once token_id is written; a token the guard would not allow starts afresh."""
        if state not in self._next:
            self._next[state] = [self._run(state, b) for b in self.tokens]
        new = self._next[state][token_id]
        return ACCEPT if new == INVALID else new

    def allowed(self, state: int, left: int = 4) -> torch.Tensor:
        key = (state, min(left, 4))  # 4 tokens can finish any character
        if key not in self._masks:
            self.after(state, 0)
            self._masks[key] = torch.tensor([s != INVALID and OWED[s] < key[1] for s in self._next[state]])
        return self._masks[key]

    def state_after(self, ids) -> int:
        state = ACCEPT
        for i in ids:
            state = self.after(state, int(i))
        return state

    @staticmethod
    def _run(state: int, data: bytes | None) -> int:
        if data is None:  # a special: only between characters
            return state if state == ACCEPT else INVALID
        for byte in data:
            state = next_state(state, byte)
            if state == INVALID:
                return INVALID
        return state


@lru_cache(maxsize=4)
def utf8_guard(tokenizer) -> Utf8Guard:
    """One guard per tokenizer (its tables are built once, a state at a time)."""
    return Utf8Guard(tokenizer)
