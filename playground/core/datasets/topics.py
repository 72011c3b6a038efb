"""Topic classification: short sentences about sports, the weather, food or school, and their topic.

Every topic draws from the same people, places and times, and a third of the sentences end with a
phrase from another topic ("after the match", "in the rain"): the topic is that of what happens,
so the model has to learn which words decide, not spot any topic word:

    "my sister kicks the ball in the park today ."  -> sports
    "the snow melts before the exam ."              -> weather
    "the boy and his friend cook the hot soup ."    -> food (the verb agrees: cook)
    "our friend reads a book after the match ."     -> school
"""

import random

from .sampling import as_rng

TOPIC_LABELS = ("sports", "weather", "food", "school")
# Keeps a decoder's block small: sentence + label + 3 special tokens must fit.
MAX_TOPIC_CHARS = 64

SUBJECTS = ("the boy", "the girl", "my sister", "my brother", "our friend", "the old man", "a child",
            "her mother", "his father", "the woman")
TIMES = ("today", "this morning", "on monday", "again", "every day", "at night")
PLACES = ("in the park", "near the river", "at home", "in the city", "by the house", "in the garden")

# Per topic: a phrase that may end a sentence of ANOTHER topic, as a distraction.
ASIDES = {
    "sports": ("after the match", "before the race", "at the stadium"),
    "weather": ("in the rain", "in the snow", "in the wind"),
    "food": ("after lunch", "in the kitchen", "before dinner"),
    "school": ("after school", "before the exam", "in the classroom"),
}
# Per topic: (verb, object) actions a subject does, and adjectives of its objects.
ACTIONS = {
    "sports": (("kicks", "ball"), ("throws", "ball"), ("wins", "race"), ("plays", "match"),
               ("watches", "game"), ("joins", "team"), ("scores", "goal"), ("loses", "race")),
    "weather": (("feels", "wind"), ("sees", "storm"), ("watches", "snow"), ("hears", "thunder"),
                ("waits for", "rain"), ("likes", "sunshine"), ("fears", "storm"), ("sees", "cloud")),
    "food": (("eats", "soup"), ("cooks", "rice"), ("bakes", "bread"), ("tastes", "cake"),
             ("buys", "apple"), ("cuts", "cheese"), ("eats", "noodles"), ("cooks", "egg")),
    "school": (("reads", "book"), ("writes", "essay"), ("studies", "lesson"), ("passes", "exam"),
               ("finishes", "homework"), ("asks", "teacher"), ("draws", "map"), ("learns", "word")),
}
ADJECTIVES = {
    "sports": ("fast", "long", "big", "first"),
    "weather": ("cold", "strong", "dark", "warm"),
    "food": ("hot", "sweet", "fresh", "fried"),
    "school": ("short", "hard", "new", "long"),
}
# Sentences that say what happens without a person: "the rain falls on the old house ."
SCENES = {
    "sports": ("the team wins the match", "the runners start the race", "the coach blows the whistle",
               "the players train hard"),
    "weather": ("the rain falls", "the snow melts", "the wind blows", "it is sunny and warm",
                "the sky is cloudy", "a storm is coming"),
    "food": ("the soup is hot", "the bread smells good", "the cake is sweet", "dinner is ready"),
    "school": ("the lesson begins", "the class is quiet", "the exam is hard", "the bell rings for class"),
}


MASS_NOUNS = ("rain", "snow", "wind", "sunshine", "thunder", "soup", "rice", "bread", "cheese", "noodles",
              "homework")


def _noun_phrase(rng: random.Random, noun: str, adjective: str | None) -> str:
    """"the hot soup", "an egg", "the storm": no "a" before a mass noun."""
    determiner = "the" if noun in MASS_NOUNS or rng.random() < 0.5 else "a"
    if determiner == "a" and (adjective or noun)[0] in "aeiou":
        determiner = "an"
    return " ".join(part for part in (determiner, adjective, noun) if part)


def _action_clause(rng: random.Random, topic: str) -> str:
    verb, noun = rng.choice(ACTIONS[topic])
    adjective = rng.choice(ADJECTIVES[topic]) if rng.random() < 0.4 else None
    subject = rng.choice(SUBJECTS)
    if rng.random() < 0.15:
        subject = f"{subject} and {rng.choice(('her friend', 'his friend', 'the teacher', 'a neighbour'))}"
        verb = _plural_verb(verb)
    return f"{subject} {verb} {_noun_phrase(rng, noun, adjective)}"


def _plural_verb(verb: str) -> str:
    """kicks -> kick, watches -> watch, studies -> study, waits for -> wait for."""
    head, _, rest = verb.partition(" ")
    if head.endswith("ies"):
        head = head[:-3] + "y"
    elif head.endswith(("ches", "shes", "sses")):
        head = head[:-2]
    elif head.endswith("s"):
        head = head[:-1]
    return f"{head} {rest}".strip()


def topic_sentence(rng: random.Random, topic: str) -> str:
    """One sentence about ``topic``: an action or a scene, sometimes a place and a time."""
    clause = rng.choice(SCENES[topic]) if rng.random() < 0.3 else _action_clause(rng, topic)
    words = [clause]
    if rng.random() < 0.35:
        words.append(rng.choice(ASIDES[rng.choice([t for t in TOPIC_LABELS if t != topic])]))
    elif rng.random() < 0.4:
        words.append(rng.choice(PLACES))
    if rng.random() < 0.3:
        words.append(rng.choice(TIMES))
    return " ".join(words) + " ."


def topic_example(rng: random.Random) -> tuple[str, str]:
    """A sentence and its topic, each topic equally likely; sentences that run too long are drawn again."""
    topic = rng.choice(TOPIC_LABELS)
    while True:
        sentence = topic_sentence(rng, topic)
        if len(sentence) <= MAX_TOPIC_CHARS:
            return sentence, topic


def topic_pairs(seed: int | random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` (sentence, topic) pairs, e.g. ("the snow melts at night .", "weather")."""
    rng = as_rng(seed)
    return [topic_example(rng) for _ in range(n)]
