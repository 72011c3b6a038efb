"""Numbers written out in words: 1234 -> "one thousand two hundred thirty-four" or "一千二百三十四"."""

import random

from ..i18n import _
from .sampling import as_rng, value_with_uniform_digits

MAX_ENGLISH = 999_999
MAX_CHINESE = 99_999_999
# The tasks start at 1: 0 alone ("zero", 零) is a word no other number uses, and "0" is held out
# (see sampling.is_held_out), so a model would never learn it.
SMALLEST_SOURCE = 1

ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

CHINESE_DIGITS = "零一二三四五六七八九"
CHINESE_UNITS = ("千", "百", "十", "")


def _check_range(n: int, largest: int) -> None:
    if not 0 <= n <= largest:
        raise ValueError(_("{n} is outside 0..{largest}.").format(n=n, largest=largest))


def _english_below_hundred(n: int) -> str:
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens] + (f"-{ONES[ones]}" if ones else "")


def _english_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest:
        words.append(_english_below_hundred(rest))
    return " ".join(words)


def number_to_english(n: int) -> str:
    """0..999,999 in American English, hyphenated tens and no "and": 115 -> "one hundred fifteen",
    1234 -> "one thousand two hundred thirty-four"."""
    _check_range(n, MAX_ENGLISH)
    if n == 0:
        return "zero"
    thousands, rest = divmod(n, 1000)
    words = [f"{_english_below_thousand(thousands)} thousand"] if thousands else []
    if rest:
        words.append(_english_below_thousand(rest))
    return " ".join(words)


def _chinese_section(n: int) -> str:
    """1..9999 with 千百十, one 零 for any run of zeros between digits: 1005 -> 一千零五, 1010 -> 一千零一十."""
    digits = [int(d) for d in f"{n:04d}"]
    words = []
    pending_zero = False
    for digit, unit in zip(digits, CHINESE_UNITS):
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append("零")
            pending_zero = False
        words.append(CHINESE_DIGITS[digit] + unit)
    return "".join(words)


def number_to_chinese(n: int) -> str:
    """0..99,999,999 in Chinese numerals, grouped by 万.

    Conventions: 二 is used throughout, never 两 (2000 -> 二千, 20000 -> 二万). A leading 一十 is
    read 十 (10 -> 十, 15 -> 十五, 100000 -> 十万), but 一十 stays inside a number (110 -> 一百一十,
    10010 -> 一万零一十). A run of zeros reads as one 零 (1005 -> 一千零五); trailing zeros are
    silent (20000 -> 二万); a gap after 万 reads 零 (100001 -> 十万零一).
    """
    _check_range(n, MAX_CHINESE)
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    text = _chinese_section(high) + "万" if high else ""
    if low:
        # The thousands place of the low section is empty, so a zero is heard after 万.
        if high and low < 1000:
            text += "零"
        text += _chinese_section(low)
    if text.startswith("一十"):
        text = text[1:]
    return text


def numbers_en_pairs(
    seed: int | random.Random, n: int, max_value: int = 9999
) -> list[tuple[str, str]]:
    """``n`` ("1234", "one thousand two hundred thirty-four") pairs of 1..max_value; digit counts are uniform."""
    _check_range(max_value, MAX_ENGLISH)
    rng = as_rng(seed)
    values = (value_with_uniform_digits(rng, max_value, SMALLEST_SOURCE) for _ in range(n))
    return [(str(value), number_to_english(value)) for value in values]


def numbers_zh_pairs(
    seed: int | random.Random, n: int, max_value: int = 9999
) -> list[tuple[str, str]]:
    """``n`` ("1234", "一千二百三十四") pairs of 1..max_value; digit counts are uniform."""
    _check_range(max_value, MAX_CHINESE)
    rng = as_rng(seed)
    values = (value_with_uniform_digits(rng, max_value, SMALLEST_SOURCE) for _ in range(n))
    return [(str(value), number_to_chinese(value)) for value in values]
