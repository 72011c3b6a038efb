"""Addition problems as text: ("23+58=", "81"); the source ends with "=", the target is the sum."""

import random

from ..i18n import _
from .sampling import as_rng, value_with_uniform_digits


def _check_digits(max_digits: int) -> None:
    if max_digits < 1:
        raise ValueError(_("The number of digits must be at least 1."))


def addition_example(a: int, b: int) -> tuple[str, str]:
    """(23, 58) -> ("23+58=", "81")."""
    return f"{a}+{b}=", str(a + b)


def addition_pair(rng: random.Random, max_digits: int = 2) -> tuple[str, str]:
    """One problem whose operands each have a uniform number of digits, so 3+4 is not rare."""
    _check_digits(max_digits)
    largest = 10**max_digits - 1
    a = value_with_uniform_digits(rng, largest)
    b = value_with_uniform_digits(rng, largest)
    return addition_example(a, b)


def addition_pairs(seed: int | random.Random, n: int, max_digits: int = 2) -> list[tuple[str, str]]:
    """``n`` sampled problems with operands of up to ``max_digits`` digits."""
    rng = as_rng(seed)
    return [addition_pair(rng, max_digits) for _ in range(n)]


def all_addition_pairs(max_digits: int = 2) -> list[tuple[str, str]]:
    """Every problem with operands of up to ``max_digits`` digits: 10,000 for two digits."""
    _check_digits(max_digits)
    operands = range(10**max_digits)
    return [addition_example(a, b) for a in operands for b in operands]
