"""Seeded sampling helpers shared by the generators, and the held-out validation split."""

import random
import zlib
from collections.abc import Callable
from typing import TypeVar

Example = TypeVar("Example")

HELD_OUT_PERCENT = 10
# Generous, so a split only comes up short when the held-out space itself is small.
MAX_DRAWS_PER_EXAMPLE = 20


def as_rng(seed: int | random.Random) -> random.Random:
    """A ``random.Random`` for ``seed``; one passed in is used as is, so callers can chain draws."""
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def value_with_uniform_digits(rng: random.Random, max_value: int, min_value: int = 0) -> int:
    """A value in min_value..max_value (min_value 0 or 1) whose number of digits is uniform, so small
    numbers appear as often as large ones: with max_value=9999, "7" is as likely a length as "7345"."""
    n_digits = rng.randint(1, len(str(max_value)))
    low = min_value if n_digits == 1 else 10 ** (n_digits - 1)
    high = min(10**n_digits - 1, max_value)
    return rng.randint(low, high)


def is_held_out(key: str) -> bool:
    """Whether the example with this source (or sentence) belongs to validation.

    A hash of the example, not the seed, decides it, so an example held out under one seed is
    held out under every seed and never leaks into training by a change of seed.
    """
    return zlib.crc32(key.encode("utf-8")) % 100 < HELD_OUT_PERCENT


def split_samples(
    draw: Callable[[], Example],
    n_train: int,
    n_val: int,
    key: Callable[[Example], str] = lambda example: example,
) -> tuple[list[Example], list[Example]]:
    """Draw examples until there are ``n_train`` training ones and ``n_val`` distinct held-out ones.

    ``key`` gives the string that must not appear on both sides (a pair's source). Training
    examples may repeat, as samples of a distribution do; validation ones are distinct so each
    counts once. When the held-out space is small the validation list may come up short.
    """
    train: list[Example] = []
    val: list[Example] = []
    val_keys: set[str] = set()
    for _ in range(MAX_DRAWS_PER_EXAMPLE * (n_train + n_val)):
        if len(train) >= n_train and len(val) >= n_val:
            break
        example = draw()
        example_key = key(example)
        if not is_held_out(example_key):
            if len(train) < n_train:
                train.append(example)
        elif example_key not in val_keys and len(val) < n_val:
            val.append(example)
            val_keys.add(example_key)
    return train, val


def split_all(examples: list[Example], rng: random.Random, key: Callable[[Example], str]):
    """Split a whole, enumerated task into shuffled training and held-out validation lists."""
    train = [example for example in examples if not is_held_out(key(example))]
    val = [example for example in examples if is_held_out(key(example))]
    rng.shuffle(train)
    rng.shuffle(val)
    return train, val
