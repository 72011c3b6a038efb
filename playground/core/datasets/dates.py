"""Calendar dates, ISO to English: ("2024-03-05", "March 5, 2024"), leap years included."""

import datetime
import random

from ..i18n import _
from .sampling import as_rng

# The data's own words, not interface text, so they are neither translated nor taken from the
# locale (``calendar.month_name`` changes with it).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def date_to_english(iso_date: str) -> str:
    """"2024-02-29" -> "February 29, 2024"; an impossible date ("2023-02-29") raises ValueError."""
    date = datetime.date.fromisoformat(iso_date)
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def date_pair(rng: random.Random, years: tuple[int, int] = (1950, 2049)) -> tuple[str, str]:
    """A day uniform over the years first..last inclusive, so Feb 29 only falls in leap years."""
    first, last = years
    if not 1 <= first <= last <= 9999:
        raise ValueError(_("The years must satisfy 1 <= first <= last <= 9999."))
    start = datetime.date(first, 1, 1).toordinal()
    end = datetime.date(last, 12, 31).toordinal()
    date = datetime.date.fromordinal(rng.randint(start, end))
    return date.isoformat(), date_to_english(date.isoformat())


def date_pairs(
    seed: int | random.Random, n: int, years: tuple[int, int] = (1950, 2049)
) -> list[tuple[str, str]]:
    """``n`` ("2024-03-05", "March 5, 2024") pairs."""
    rng = as_rng(seed)
    return [date_pair(rng, years) for _ in range(n)]
