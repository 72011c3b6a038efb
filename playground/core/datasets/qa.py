"""Question answering over a generated micro-world: a few facts, a question, an answer copied from them.

    ("the cat is red . the dog is under the table . tom has two apples . what color is the cat ?", "red")

Each world states two or three facts about different animals and people; the question asks about one
of them, and the others are distractors of the same or another kind. Within a world every colour,
place, count, thing, animal and person is used once, so the answer occurs exactly once in the
context and a model has to find the right fact, not the most frequent word.
"""

import random
import re

from .sampling import as_rng

ANIMALS = ("cat", "dog", "bird", "fox", "cow", "duck", "frog", "horse")
PEOPLE = ("tom", "anna", "sam", "lily", "ben", "mia", "jack", "emma")
COLORS = ("red", "blue", "green", "black", "white", "brown", "pink", "gray")
PLACES = (
    "under the table", "on the bed", "in the box", "near the door", "behind the tree",
    "in the garden", "on the roof", "by the river",
)
THINGS = ("apples", "books", "balls", "keys", "cakes", "pens", "cups", "hats")
COUNTS = ("two", "three", "four", "five", "six", "seven", "eight", "nine")
QUESTION_KINDS = ("color", "place", "count", "owner", "at_place", "of_color")
MIN_FACTS, MAX_FACTS = 2, 3

# A fact: (kind, subject, value). "color": the cat is red; "place": the dog is under the table;
# "has": tom has two apples (value is (count, thing)).
Fact = tuple[str, str, object]


def fact_text(fact: Fact) -> str:
    kind, subject, value = fact
    if kind == "has":
        count, thing = value
        return f"{subject} has {count} {thing} ."
    return f"the {subject} is {value} ."


def _longest_source() -> int:
    """An upper bound: the most facts, each as long as the longest one, and the longest question."""
    facts = [("color", a, c) for a in ANIMALS for c in COLORS] + [("place", a, p) for a in ANIMALS for p in PLACES]
    facts += [("has", p, (c, t)) for p in PEOPLE for c in COUNTS for t in THINGS]
    questions = [_question(kind, fact)[0] for kind in QUESTION_KINDS for fact in facts if _FACT_KIND[kind] == fact[0]]
    return MAX_FACTS * (max(len(fact_text(fact)) for fact in facts) + 1) + max(map(len, questions))


def _question(kind: str, fact: Fact) -> tuple[str, str]:
    """(question, answer) of ``kind`` about ``fact``; the answer is words of the fact's sentence."""
    _kind, subject, value = fact
    if kind == "color":
        return f"what color is the {subject} ?", value
    if kind == "of_color":
        return f"which animal is {value} ?", subject
    if kind == "place":
        return f"where is the {subject} ?", value
    if kind == "at_place":
        return f"what is {value} ?", subject
    count, thing = value
    if kind == "count":
        return f"how many {thing} does {subject} have ?", count
    return f"who has the {thing} ?", subject  # "owner"


_FACT_KIND = {"color": "color", "of_color": "color", "place": "place", "at_place": "place",
              "count": "has", "owner": "has"}


LONGEST_ANSWER = max(map(len, ANIMALS + PEOPLE + COLORS + PLACES + COUNTS))


def _facts(rng: random.Random, kinds: list[str]) -> list[Fact]:
    """One fact of each kind in ``kinds``, with no animal, person or value used twice."""
    animals = rng.sample(ANIMALS, len(kinds))
    people, colors, places = rng.sample(PEOPLE, len(kinds)), rng.sample(COLORS, len(kinds)), rng.sample(PLACES, len(kinds))
    things, counts = rng.sample(THINGS, len(kinds)), rng.sample(COUNTS, len(kinds))
    facts = []
    for i, kind in enumerate(kinds):
        if kind == "color":
            facts.append((kind, animals[i], colors[i]))
        elif kind == "place":
            facts.append((kind, animals[i], places[i]))
        else:
            facts.append((kind, people[i], (counts[i], things[i])))
    return facts


def qa_example(rng: random.Random) -> tuple[str, str, int]:
    """(source, answer, where the answer starts in the source): the context, then the question."""
    question_kind = rng.choice(QUESTION_KINDS)
    n_facts = rng.randint(MIN_FACTS, MAX_FACTS)
    kinds = [_FACT_KIND[question_kind]] + [rng.choice(("color", "place", "has")) for _ in range(n_facts - 1)]
    facts = _facts(rng, kinds)
    asked = facts[0]
    rng.shuffle(facts)
    context = ""
    for fact in facts:
        sentence = fact_text(fact)
        if fact is asked:
            start = len(context) + _answer_offset(question_kind, sentence)
        context += sentence + " "
    question, answer = _question(question_kind, asked)
    source = context + question
    assert source[start:start + len(answer)] == answer
    return source, answer, start


def _answer_offset(question_kind: str, sentence: str) -> int:
    """Where the answer starts in the asked fact's sentence: its subject or the words after the verb."""
    if question_kind in ("of_color", "at_place"):
        return len("the ")
    if question_kind == "owner":
        return 0
    if question_kind == "count":
        return sentence.index(" has ") + len(" has ")
    return sentence.index(" is ") + len(" is ")


def answer_start(source: str, answer: str) -> int:
    """Where ``answer`` stands in the context of ``source`` (the sentences before the question), as a
    whole word; -1 if it is not there. Within a world each answer occurs once."""
    context = source[:source.rfind(" . ") + 2] if " . " in source else ""
    # the space put before the context and the one matched before the answer cancel out
    return f" {context} ".find(f" {answer} ")


def qa_pairs(seed: int | random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` (context and question, answer) pairs."""
    rng = as_rng(seed)
    return [qa_example(rng)[:2] for _ in range(n)]


def _any(words) -> str:
    return "(" + "|".join(map(re.escape, words)) + ")"


_FACT_PATTERNS = {
    "color": re.compile(f"the {_any(ANIMALS)} is {_any(COLORS)}"),
    "place": re.compile(f"the {_any(ANIMALS)} is {_any(PLACES)}"),
    "has": re.compile(f"{_any(PEOPLE)} has {_any(COUNTS)} {_any(THINGS)}"),
}
# question kind -> (pattern, the fact kind it asks about, which of the fact's fields it names)
_QUESTION_PATTERNS = {
    "color": re.compile(f"what color is the {_any(ANIMALS)} \\?"),
    "of_color": re.compile(f"which animal is {_any(COLORS)} \\?"),
    "place": re.compile(f"where is the {_any(ANIMALS)} \\?"),
    "at_place": re.compile(f"what is {_any(PLACES)} \\?"),
    "count": re.compile(f"how many {_any(THINGS)} does {_any(PEOPLE)} have \\?"),
    "owner": re.compile(f"who has the {_any(THINGS)} \\?"),
}


def _parse_fact(sentence: str) -> tuple[str, tuple[str, ...]] | None:
    for kind, pattern in _FACT_PATTERNS.items():
        match = pattern.fullmatch(sentence)
        if match:
            return kind, match.groups()
    return None


def _answers(question_kind: str, named: tuple[str, ...], facts: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """The answers the facts give to a question of ``question_kind`` that names ``named``."""
    kind = _FACT_KIND[question_kind]
    fields = [values for fact_kind, values in facts if fact_kind == kind]
    if question_kind in ("color", "place"):  # the animal is named: its colour or place
        return [value for animal, value in fields if animal == named[0]]
    if question_kind in ("of_color", "at_place"):  # the value is named: which animal
        return [animal for animal, value in fields if value == named[0]]
    if question_kind == "count":  # (thing, person) named
        return [count for person, count, thing in fields if (thing, person) == named]
    return [person for person, _count, thing in fields if thing == named[0]]  # "owner"


def qa_answer(source: str) -> str | None:
    """The answer to a source in this task's form, read from its facts by rule; None when the source
    is not two or three facts and a question with exactly one answer among them.

    ``qa_answer("the cat is red . tom has two apples . what color is the cat ?") == "red"``
    """
    *sentences, question = source.split(" . ")
    if not MIN_FACTS <= len(sentences) <= MAX_FACTS:
        return None
    facts = [_parse_fact(sentence) for sentence in sentences]
    if None in facts:
        return None
    for question_kind, pattern in _QUESTION_PATTERNS.items():
        match = pattern.fullmatch(question)
        if match:
            answers = _answers(question_kind, match.groups(), facts)
            return answers[0] if len(answers) == 1 else None
    return None


LONGEST_SOURCE = _longest_source()
