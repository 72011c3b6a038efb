"""Question answering over a generated micro-world: a few facts, a question, an answer copied from them.

    ("the cat is red . the dog is in the kitchen . tom has two apples . what color is the cat ?", "red")

Each world states two or three facts, each of another kind: an animal's colour, an animal's place,
what a person has. The question asks about one of them and the others are distractors; an animal
may have both a colour and a place, so the question's kind decides which fact answers it. The answer
occurs exactly once in the context, and since worlds are drawn at random the model has to copy it
from there: no answer can be learnt by heart.

Why never two facts of one kind (two colours): to tell them apart a model must match the animal the
question names with the animal two words before each colour, a lookup in two steps (an induction
head). Measured with two-layer word-level decoders, 2,000 steps: with same-kind distractors exact
match stayed at 65-70 % (the worlds with one colour right, the others guessed), and no head found
the asked fact. With one fact of each kind, one attention step from the position that writes the
answer, "find the word of the kind the question asks", does it.

Every question names what comes before its answer in the fact (the animal, the person), never what
comes after: a decoder-only model reads left to right, so the answer's own position can have seen
who it belongs to.

Why "where in the house is the dog ?" and not "where is the dog ?": the four kinds of question have four
lengths (6, 8, 7 and 5 words). In the first layer, the position that writes the answer (``<sep>``) has
read nothing yet: its attention query is the ``<sep>`` word and its position, the same for every kind of
question, so a first-layer head can only tell the kinds apart by where the words stand relative to it,
and the question's length shifts those distances. With "where is the dog ?" as long as "what does tom
have ?", heads confused the two kinds: a head that found the colours, counts and things missed the
places, and the best single head found the answer for 72-84 % of questions. With four lengths, one
first-layer head finds it for all four kinds (see ``benchmarks/qa_single_head_bench.py``).
"""

import random
import re

from .sampling import as_rng

ANIMALS = ("cat", "dog", "bird", "fox", "cow", "duck", "frog", "horse")
PEOPLE = ("tom", "anna", "sam", "lily", "ben", "mia", "jack", "emma")
COLORS = ("red", "blue", "green", "black", "white", "brown", "pink", "gray")
# One word each, as colours and counts are: "the dog is in the kitchen ." -> where in the house is the dog ? -> kitchen
PLACES = ("kitchen", "study", "hall", "bedroom", "garage", "attic", "cellar", "bathroom")
THINGS = ("apples", "books", "balls", "keys", "cakes", "pens", "cups", "hats")
COUNTS = ("two", "three", "four", "five", "six", "seven", "eight", "nine")
# color: what color is the cat ? -> red; place: where in the house is the dog ? -> kitchen;
# count: how many apples does tom have ? -> two; what: what does tom have ? -> two apples
QUESTION_KINDS = ("color", "place", "count", "what")
FACT_KINDS = ("color", "place", "has")
MIN_FACTS, MAX_FACTS = 2, 3

# A fact: (kind, subject, value). "color": the cat is red; "place": the dog is in the kitchen;
# "has": tom has two apples (value is (count, thing)).
Fact = tuple[str, str, object]

_FACT_KIND = {"color": "color", "place": "place", "count": "has", "what": "has"}


def fact_text(fact: Fact) -> str:
    kind, subject, value = fact
    if kind == "has":
        count, thing = value
        return f"{subject} has {count} {thing} ."
    if kind == "place":
        return f"the {subject} is in the {value} ."
    return f"the {subject} is {value} ."


def _question(kind: str, fact: Fact) -> tuple[str, str]:
    """(question, answer) of ``kind`` about ``fact``; the answer is words of the fact's sentence."""
    _kind, subject, value = fact
    if kind == "color":
        return f"what color is the {subject} ?", value
    if kind == "place":
        return f"where in the house is the {subject} ?", value
    count, thing = value
    if kind == "count":
        return f"how many {thing} does {subject} have ?", count
    return f"what does {subject} have ?", f"{count} {thing}"  # "what"


def _fact(rng: random.Random, kind: str) -> Fact:
    if kind == "color":
        return kind, rng.choice(ANIMALS), rng.choice(COLORS)
    if kind == "place":
        return kind, rng.choice(ANIMALS), rng.choice(PLACES)
    return kind, rng.choice(PEOPLE), (rng.choice(COUNTS), rng.choice(THINGS))


def qa_example(rng: random.Random) -> tuple[str, str, int]:
    """(source, answer, where the answer starts in the source): the context, then the question."""
    question_kind = rng.choice(QUESTION_KINDS)
    n_facts = rng.randint(MIN_FACTS, MAX_FACTS)
    others = [kind for kind in FACT_KINDS if kind != _FACT_KIND[question_kind]]
    kinds = [_FACT_KIND[question_kind]] + rng.sample(others, n_facts - 1)
    facts = [_fact(rng, kind) for kind in kinds]  # an animal may have a colour and a place
    asked = facts[0]
    rng.shuffle(facts)
    context = ""
    for fact in facts:
        sentence = fact_text(fact)
        context += sentence + " "
    question, answer = _question(question_kind, asked)
    start = f" {context}".index(f" {answer} ")  # once in the world: each kind of fact is stated once
    source = context + question
    assert source[start:start + len(answer)] == answer
    return source, answer, start


def answer_start(source: str, answer: str) -> int:
    """Where ``answer`` stands in the context of ``source`` (the sentences before the question), as
    whole words; -1 if it is not there. Within a world each answer occurs once."""
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
    "place": re.compile(f"the {_any(ANIMALS)} is in the {_any(PLACES)}"),
    "has": re.compile(f"{_any(PEOPLE)} has {_any(COUNTS)} {_any(THINGS)}"),
}
_QUESTION_PATTERNS = {
    "color": re.compile(f"what color is the {_any(ANIMALS)} \\?"),
    "place": re.compile(f"where in the house is the {_any(ANIMALS)} \\?"),
    "count": re.compile(f"how many {_any(THINGS)} does {_any(PEOPLE)} have \\?"),
    "what": re.compile(f"what does {_any(PEOPLE)} have \\?"),
}


def _parse_fact(sentence: str) -> tuple[str, tuple[str, ...]] | None:
    for kind, pattern in _FACT_PATTERNS.items():
        match = pattern.fullmatch(sentence)
        if match:
            return kind, match.groups()
    return None


def _answers(question_kind: str, named: tuple[str, ...], facts: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """The answers the facts give to a question of ``question_kind`` that names ``named``."""
    fields = [values for fact_kind, values in facts if fact_kind == _FACT_KIND[question_kind]]
    if question_kind in ("color", "place"):  # the animal is named: its colour or place
        return [value for animal, value in fields if animal == named[0]]
    if question_kind == "count":  # (thing, person) named
        return [count for person, count, thing in fields if (thing, person) == named]
    return [f"{count} {thing}" for person, count, thing in fields if person == named[0]]  # "what"


def qa_answer(source: str) -> str | None:
    """The answer to a source in this task's form, read from its facts by rule; None when the source
    is not two or three facts of different kinds and a question that one of them answers.

    ``qa_answer("the cat is red . tom has two apples . what color is the cat ?") == "red"``
    """
    *sentences, question = source.split(" . ")
    if not MIN_FACTS <= len(sentences) <= MAX_FACTS:
        return None
    facts = [_parse_fact(sentence) for sentence in sentences]
    if None in facts or len({kind for kind, _values in facts}) < len(facts):
        return None
    for question_kind, pattern in _QUESTION_PATTERNS.items():
        match = pattern.fullmatch(question)
        if match:
            answers = _answers(question_kind, match.groups(), facts)
            return answers[0] if len(answers) == 1 else None
    return None


def _longest() -> tuple[int, int]:
    """(characters of the longest source, of the longest answer): a context long enough for any tokenizer."""
    facts = [("color", a, c) for a in ANIMALS for c in COLORS] + [("place", a, p) for a in ANIMALS for p in PLACES]
    facts += [("has", p, (c, t)) for p in PEOPLE for c in COUNTS for t in THINGS]
    asked = [_question(kind, fact) for kind in QUESTION_KINDS for fact in facts if _FACT_KIND[kind] == fact[0]]
    longest_facts = sum(max(len(fact_text(fact)) + 1 for fact in facts if fact[0] == kind) for kind in FACT_KINDS)
    return longest_facts + max(len(q) for q, _a in asked), max(len(a) for _q, a in asked)


LONGEST_SOURCE, LONGEST_ANSWER = _longest()
