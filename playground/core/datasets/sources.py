"""What a source of each built-in pair task may be, read from its generator: "12a" is no number.

``source_problem("numbers-zh", "0")`` is a message saying what is allowed; a good source gives None.
"""

import re

from ..i18n import _
from . import NUMBERS_EN_MAX, NUMBERS_ZH_MAX
from .dates import date_to_english
from .grammar import MAX_SENTIMENT_CHARS
from .numbers import SMALLEST_SOURCE
from .qa import qa_answer
from .sequences import ALPHABET
from .topics import MAX_TOPIC_CHARS
from .translation import MAX_ENGLISH_CHARS, english_words

STRING_LENGTHS = (4, 12)  # the min_len and max_len the reversal and sorting generators default to
DATE_YEARS = (1950, 2049)  # the years date_pair defaults to
LARGEST_OPERAND = 99  # two-digit addition (all_addition_pairs(2))

_WHOLE_NUMBER = re.compile(r"[1-9][0-9]*")
_OPERAND = r"(0|[1-9][0-9]?)"
_ADDITION = re.compile(_OPERAND + r"\+" + _OPERAND + "=")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _number(largest: int):
    def check(source: str) -> str | None:
        if _WHOLE_NUMBER.fullmatch(source) and SMALLEST_SOURCE <= int(source) <= largest:
            return None
        return _("Type a whole number from {low} to {high} in digits, without spaces or separators, "
                 "e.g. 1234.").format(low=f"{SMALLEST_SOURCE:,}", high=f"{largest:,}")
    return check


def _letters(source: str) -> str | None:
    low, high = STRING_LENGTHS
    if low <= len(source) <= high and all(c in ALPHABET for c in source):
        return None
    return _("Type {low} to {high} letters from {first} to {last}, e.g. abcdef.").format(
        low=low, high=high, first=ALPHABET[0], last=ALPHABET[-1])


def _addition(source: str) -> str | None:
    if _ADDITION.fullmatch(source):
        return None
    return _("Type a sum of two whole numbers from 0 to {high}, ending in =, e.g. 23+58=.").format(
        high=LARGEST_OPERAND)


def _date(source: str) -> str | None:
    first, last = DATE_YEARS
    if _ISO_DATE.fullmatch(source):
        try:
            date_to_english(source)
            if first <= int(source[:4]) <= last:
                return None
        except ValueError:
            pass
    return _("Type a real date from {first}-01-01 to {last}-12-31 as year-month-day, e.g. 2024-03-05.").format(
        first=first, last=last)


def _sentence(source: str) -> str | None:
    if source.strip() and len(source) <= MAX_SENTIMENT_CHARS:
        return None
    return _("Type a sentence of at most {n} characters, e.g. the dog is not happy .").format(
        n=MAX_SENTIMENT_CHARS)


def _topic_sentence(source: str) -> str | None:
    if source.strip() and len(source) <= MAX_TOPIC_CHARS:
        return None
    return _("Type a sentence of at most {n} characters, e.g. the girl kicks the ball .").format(
        n=MAX_TOPIC_CHARS)


def _english(source: str) -> str | None:
    unknown = [word for word in source.split(" ") if word not in english_words()]
    if source.strip() and len(source) <= MAX_ENGLISH_CHARS and not unknown:
        return None
    rule = _("Type an English sentence of at most {n} characters from the task's words, with a space "
             "before the full stop, e.g. the small cat sees a red ball .").format(n=MAX_ENGLISH_CHARS)
    if unknown and source.strip():
        rule += " " + _("Not in its words: {words}.").format(words=", ".join(dict.fromkeys(unknown)))
    return rule


def _world(source: str) -> str | None:
    if qa_answer(source) is not None:
        return None
    return _("Type two or three facts of different kinds about this task's animals and people (\"the cat is "
             "red .\", \"the dog is in the kitchen .\", \"tom has two apples .\"), then a question that one of "
             "them answers (what color is ..., where in the house is ..., how many ... does ... have, what does ... "
             "have), e.g. "
             "the cat is red . tom has two apples . what color is the cat ?")


CHECKS = {
    "sentiment": _sentence,
    "topics": _topic_sentence,
    "addition": _addition,
    "reversal": _letters,
    "sorting": _letters,
    "numbers-en": _number(NUMBERS_EN_MAX),
    "numbers-zh": _number(NUMBERS_ZH_MAX),
    "dates": _date,
    "translation": _english,
    "qa": _world,
}


def source_problem(name: str, source: str) -> str | None:
    """What is wrong with ``source`` for the built-in task ``name``, as a message; None if nothing."""
    check = CHECKS.get(name)
    rule = check(source) if check is not None else None
    if rule is None:
        return None
    return _("“{source}” is not an input this task was made from. {rule}").format(source=source, rule=rule)
