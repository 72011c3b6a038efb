"""Words of the toy English grammar, and the spelling rules that inflect them.

Nouns and verbs are stored in their base form; plurals and third-person forms are made by
rule (box -> boxes, baby -> babies, watch -> watches) so a character-level model can learn
the spelling rules themselves, plus a few irregular forms (child -> children, have -> has).
"""

# Subjects are living things, so "the ball sees the cat" never comes up.
ANIMATE_NOUNS = (
    "cat", "dog", "bird", "fox", "mouse", "child", "man", "woman", "girl", "boy", "teacher", "baby",
)
THING_NOUNS = ("ball", "book", "box", "apple", "cake", "key")
PLACE_NOUNS = ("house", "garden", "river", "tree", "park", "city")
OBJECT_NOUNS = ANIMATE_NOUNS + THING_NOUNS + PLACE_NOUNS

IRREGULAR_PLURALS = {"mouse": "mice", "child": "children", "man": "men", "woman": "women"}

DETERMINERS_SINGULAR = ("the", "a", "this", "that", "every", "my", "her", "his")
DETERMINERS_PLURAL = ("the", "some", "many", "these", "those", "two", "three", "my")

# Things and places only take these, so "a hungry key" or "a sad apple" never comes up.
PHYSICAL_ADJECTIVES = ("small", "big", "old", "red", "blue", "green", "tall", "quiet")
NEUTRAL_ADJECTIVES = PHYSICAL_ADJECTIVES + ("young", "hungry")
POSITIVE_ADJECTIVES = ("happy", "kind", "glad", "friendly", "brave")
NEGATIVE_ADJECTIVES = ("sad", "angry", "cruel", "rude", "lonely")

TRANSITIVE_VERBS = ("see", "find", "watch", "carry", "chase", "hold", "catch", "have")
INTRANSITIVE_VERBS = ("sleep", "run", "sing", "wait", "play", "swim", "cry")
POSITIVE_VERBS = ("love", "like", "enjoy", "help")
NEGATIVE_VERBS = ("hate", "fear", "dislike", "hurt")

IRREGULAR_THIRD_PERSON = {"have": "has"}

PREPOSITIONS = ("in", "on", "near", "under", "behind", "by", "over")
ADVERBS = ("quickly", "slowly", "quietly", "often", "today", "again")
CONJUNCTIONS = ("and", "but", "because", "while", "so")

VOWELS = "aeiou"


def _ends_in_consonant_y(word: str) -> bool:
    return len(word) > 1 and word[-1] == "y" and word[-2] not in VOWELS


def _takes_es(word: str) -> bool:
    return word.endswith(("s", "x", "z", "sh", "ch"))


def plural(noun: str) -> str:
    """box -> boxes, baby -> babies, cat -> cats, child -> children."""
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if _ends_in_consonant_y(noun):
        return noun[:-1] + "ies"
    return noun + "es" if _takes_es(noun) else noun + "s"


def third_person(verb: str) -> str:
    """watch -> watches, carry -> carries, see -> sees, have -> has."""
    if verb in IRREGULAR_THIRD_PERSON:
        return IRREGULAR_THIRD_PERSON[verb]
    if _ends_in_consonant_y(verb):
        return verb[:-1] + "ies"
    return verb + "es" if _takes_es(verb) else verb + "s"


def with_article(determiner: str, next_word: str) -> str:
    """"a" becomes "an" before a vowel sound, as in "an old house"; other determiners stay."""
    if determiner == "a" and next_word[0] in VOWELS:
        return "an"
    return determiner


def vocabulary() -> set[str]:
    """Every word the grammar can produce, for checking its size (about 150 words)."""
    nouns = set(OBJECT_NOUNS) | {plural(noun) for noun in OBJECT_NOUNS}
    verb_bases = TRANSITIVE_VERBS + INTRANSITIVE_VERBS + POSITIVE_VERBS + NEGATIVE_VERBS
    verbs = set(verb_bases) | {third_person(verb) for verb in verb_bases}
    others = (
        DETERMINERS_SINGULAR + DETERMINERS_PLURAL + NEUTRAL_ADJECTIVES + POSITIVE_ADJECTIVES
        + NEGATIVE_ADJECTIVES + PREPOSITIONS + ADVERBS + CONJUNCTIONS
        + ("an", "and", "is", "are", "does", "do", "not", "who", "what", "where", ".", "?")
    )
    return nouns | verbs | set(others)
