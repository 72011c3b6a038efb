"""Symbol-sequence tasks: reverse a string ("abcde" -> "edcba") or sort it ("dbca" -> "abcd")."""

import random

from ..i18n import _
from .sampling import as_rng

ALPHABET = "abcdefghij"


def _check(alphabet: str, min_len: int, max_len: int) -> None:
    if not alphabet:
        raise ValueError(_("The alphabet must contain at least one symbol."))
    if not 1 <= min_len <= max_len:
        raise ValueError(_("The lengths must satisfy 1 <= min_len <= max_len."))


def random_string(rng: random.Random, alphabet: str, min_len: int, max_len: int) -> str:
    """A string of uniform length in min_len..max_len, each symbol uniform from ``alphabet``."""
    _check(alphabet, min_len, max_len)
    length = rng.randint(min_len, max_len)
    return "".join(rng.choice(alphabet) for _ in range(length))


def reversal_pair(rng, alphabet=ALPHABET, min_len=4, max_len=12) -> tuple[str, str]:
    """("abcde", "edcba")."""
    source = random_string(rng, alphabet, min_len, max_len)
    return source, source[::-1]


def sorting_pair(rng, alphabet=ALPHABET, min_len=4, max_len=12) -> tuple[str, str]:
    """("dbca", "abcd"); symbols are ordered as they come in ``alphabet``, not by code point."""
    source = random_string(rng, alphabet, min_len, max_len)
    return source, "".join(sorted(source, key=alphabet.index))


def reversal_pairs(
    seed: int | random.Random, n: int, alphabet: str = ALPHABET, min_len: int = 4, max_len: int = 12
) -> list[tuple[str, str]]:
    """``n`` (string, reversed string) pairs."""
    rng = as_rng(seed)
    return [reversal_pair(rng, alphabet, min_len, max_len) for _ in range(n)]


def sorting_pairs(
    seed: int | random.Random, n: int, alphabet: str = ALPHABET, min_len: int = 4, max_len: int = 12
) -> list[tuple[str, str]]:
    """``n`` (string, sorted string) pairs."""
    rng = as_rng(seed)
    return [sorting_pair(rng, alphabet, min_len, max_len) for _ in range(n)]
