"""Toy English from a small probabilistic context-free grammar, and a sentiment-labelled variant.

    SENTENCE -> CLAUSE "." | CLAUSE CONJ CLAUSE "." | QUESTION "?"
    CLAUSE   -> NP[n] VP[n]           the verb agrees with the subject's number n
    NP[n]    -> DET[n] (ADJ) NOUN[n] (PP)  |  NP[sg] "and" NP[sg]  (counts as plural)
    VP[n]    -> VERB[n] NP | VERB[n] (ADV) (PP) | BE[n] ADJ | BE[n] PP | DO[n] "not" VERB ...
    PP       -> PREP NP

e.g. "the small cat sees a red ball near the old house ." or "do the two dogs sleep ?"
"""

import random

from .lexicon import (
    ADVERBS, ANIMATE_NOUNS, CONJUNCTIONS, DETERMINERS_PLURAL, DETERMINERS_SINGULAR,
    INTRANSITIVE_VERBS, NEGATIVE_ADJECTIVES, NEGATIVE_VERBS, NEUTRAL_ADJECTIVES, OBJECT_NOUNS,
    PHYSICAL_ADJECTIVES, PLACE_NOUNS, POSITIVE_ADJECTIVES, POSITIVE_VERBS, PREPOSITIONS,
    THING_NOUNS, TRANSITIVE_VERBS, plural, third_person, with_article,
)
from .sampling import as_rng

ADJECTIVES = NEUTRAL_ADJECTIVES + POSITIVE_ADJECTIVES + NEGATIVE_ADJECTIVES
ALL_TRANSITIVE_VERBS = TRANSITIVE_VERBS + POSITIVE_VERBS + NEGATIVE_VERBS

POSITIVE_WORDS = frozenset(
    POSITIVE_ADJECTIVES + POSITIVE_VERBS + tuple(third_person(verb) for verb in POSITIVE_VERBS)
)
NEGATIVE_WORDS = frozenset(
    NEGATIVE_ADJECTIVES + NEGATIVE_VERBS + tuple(third_person(verb) for verb in NEGATIVE_VERBS)
)
SENTIMENT_LABELS = ("negative", "positive")
# Keeps a decoder's block small: sentence + label + 3 special tokens must fit.
MAX_SENTIMENT_CHARS = 80


def _chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def _base(verb: str) -> str:
    return verb


def _noun_phrase(
    rng: random.Random, is_plural: bool, nouns, adjectives=ADJECTIVES, pp_chance: float = 0.15
) -> str:
    determiner = rng.choice(DETERMINERS_PLURAL if is_plural else DETERMINERS_SINGULAR)
    noun = rng.choice(nouns)
    choices = adjectives if noun in ANIMATE_NOUNS else PHYSICAL_ADJECTIVES
    words = [rng.choice(choices)] if _chance(rng, 0.35) else []
    words.append(plural(noun) if is_plural else noun)
    phrase = " ".join([with_article(determiner, words[0])] + words)
    if _chance(rng, pp_chance):
        phrase += " " + _prepositional_phrase(rng)
    return phrase


def _prepositional_phrase(rng: random.Random) -> str:
    # No PP inside a PP's noun phrase, which bounds the recursion.
    place = _noun_phrase(rng, _chance(rng, 0.3), PLACE_NOUNS + THING_NOUNS, pp_chance=0.0)
    return f"{rng.choice(PREPOSITIONS)} {place}"


def _subject(rng: random.Random, is_plural: bool, adjectives=ADJECTIVES) -> str:
    if is_plural and _chance(rng, 0.15):
        first, second = (_noun_phrase(rng, False, ANIMATE_NOUNS, adjectives, 0.0) for _ in range(2))
        return f"{first} and {second}"
    return _noun_phrase(rng, is_plural, ANIMATE_NOUNS, adjectives)


def _object(rng: random.Random, adjectives=ADJECTIVES) -> str:
    return _noun_phrase(rng, _chance(rng, 0.3), OBJECT_NOUNS, adjectives)


def _be(is_plural: bool) -> str:
    return "are" if is_plural else "is"


def _do(is_plural: bool) -> str:
    return "do" if is_plural else "does"


def _action(rng: random.Random, inflect, adjectives=ADJECTIVES) -> str:
    """A transitive or intransitive verb phrase; ``inflect`` turns the base verb into its form."""
    if _chance(rng, 0.6):
        return f"{inflect(rng.choice(ALL_TRANSITIVE_VERBS))} {_object(rng, adjectives)}"
    words = [inflect(rng.choice(INTRANSITIVE_VERBS))]
    if _chance(rng, 0.3):
        words.append(rng.choice(ADVERBS))
    if _chance(rng, 0.3):
        words.append(_prepositional_phrase(rng))
    return " ".join(words)


def _verb_phrase(rng: random.Random, is_plural: bool) -> str:
    inflect = _base if is_plural else third_person
    roll = rng.random()
    if roll < 0.65:
        return _action(rng, inflect)
    if roll < 0.80:
        return f"{_be(is_plural)} {rng.choice(ADJECTIVES)}"
    if roll < 0.90:
        return f"{_be(is_plural)} {_prepositional_phrase(rng)}"
    return f"{_do(is_plural)} not {_action(rng, _base)}"


def _clause(rng: random.Random) -> str:
    is_plural = _chance(rng, 0.4)
    return f"{_subject(rng, is_plural)} {_verb_phrase(rng, is_plural)}"


def _question(rng: random.Random) -> str:
    is_plural = _chance(rng, 0.4)
    subject = _subject(rng, is_plural)
    roll = rng.random()
    if roll < 0.35:
        return f"{_do(is_plural)} {subject} {_action(rng, _base)} ?"
    if roll < 0.60:
        return f"{_be(is_plural)} {subject} {rng.choice(ADJECTIVES)} ?"
    if roll < 0.75:
        return f"where {_do(is_plural)} {subject} {rng.choice(INTRANSITIVE_VERBS)} ?"
    if roll < 0.90:
        return f"what {_do(is_plural)} {subject} {rng.choice(ALL_TRANSITIVE_VERBS)} ?"
    return f"who {third_person(rng.choice(ALL_TRANSITIVE_VERBS))} {_object(rng)} ?"


def grammar_sentence(rng: random.Random) -> str:
    """One sentence, e.g. "the small cat sees a red ball near the old house ."."""
    roll = rng.random()
    if roll < 0.12:
        return _question(rng)
    if roll < 0.35:
        return f"{_clause(rng)} {rng.choice(CONJUNCTIONS)} {_clause(rng)} ."
    return f"{_clause(rng)} ."


def grammar_text(seed: int | random.Random, n_sentences: int) -> str:
    """``n_sentences`` sentences of toy English, one a line."""
    rng = as_rng(seed)
    return "".join(grammar_sentence(rng) + "\n" for _ in range(n_sentences))


def sentiment_score(sentence: str) -> int:
    """+1 per positive word, -1 per negative one, flipped when the word just before is "not".

    "the cat likes the park ." -> +1;  "the kind girl is not happy ." -> +1 - 1 = 0;
    "the dog does not hate a sad cat ." -> +1 - 1 = 0.
    """
    words = sentence.split()
    score = 0
    for index, word in enumerate(words):
        polarity = (word in POSITIVE_WORDS) - (word in NEGATIVE_WORDS)
        negated = index > 0 and words[index - 1] == "not"
        score += -polarity if negated else polarity
    return score


def _sentiment_predicate(rng: random.Random, is_plural: bool) -> str:
    negated = _chance(rng, 0.4)
    roll = rng.random()
    if roll < 0.4:
        adjective = rng.choice(POSITIVE_ADJECTIVES + NEGATIVE_ADJECTIVES)
        return f"{_be(is_plural)} {'not ' if negated else ''}{adjective}"
    if roll < 0.8:
        verb = rng.choice(POSITIVE_VERBS + NEGATIVE_VERBS)
        if negated:
            return f"{_do(is_plural)} not {verb} {_object(rng)}"
        return f"{verb if is_plural else third_person(verb)} {_object(rng)}"
    return _action(rng, _base if is_plural else third_person, NEUTRAL_ADJECTIVES)


def _sentiment_clause(rng: random.Random) -> str:
    is_plural = _chance(rng, 0.4)
    return f"{_subject(rng, is_plural)} {_sentiment_predicate(rng, is_plural)}"


def sentiment_example(rng: random.Random) -> tuple[str, str]:
    """A sentence and its label; sentences that score 0 or run too long are drawn again."""
    while True:
        sentence = _sentiment_clause(rng)
        if _chance(rng, 0.3):
            sentence += f" {rng.choice(('and', 'but'))} {_sentiment_clause(rng)}"
        sentence += " ."
        score = sentiment_score(sentence)
        if score != 0 and len(sentence) <= MAX_SENTIMENT_CHARS:
            return sentence, SENTIMENT_LABELS[score > 0]


def sentiment_pairs(seed: int | random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` (sentence, "positive" | "negative") pairs; the label is the sign of the score."""
    rng = as_rng(seed)
    return [sentiment_example(rng) for _ in range(n)]
