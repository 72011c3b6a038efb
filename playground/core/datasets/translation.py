"""English → Chinese sentence pairs from a small grammar with a bilingual lexicon.

The English side is written like the toy English (``grammar.py``), with its spelling rules
(``lexicon.py``: cats, mice, watches); each choice made for it is written in Chinese at once, by the
rules where the two languages differ:

    the small cat sees a red ball .          小猫看见一个红球。    a/this/two + measure word (只, 个, 本 ...)
    my boy 's dog does not like the box .    我的男孩的狗不喜欢盒子。   does not -> 不, did not -> 没, 没有
    the boy 's cat sleeps under the tree .   男孩的猫在树下睡觉。  's -> 的; a place comes before the verb
    is the dog happy ?                       狗快乐吗？            a question keeps its order and ends in 吗
    the dog is happy .                       狗很快乐。            an adjective as predicate takes 很

Nouns appear in the same order on both sides, so :func:`noun_links` can pair each Chinese noun with
its English one (the cross-attention truth test reads them).
"""

import random

from .lexicon import plural, third_person, with_article
from .sampling import as_rng

# English noun -> (Chinese, measure word). Living things can be subjects; things and places are objects.
ANIMALS_AND_PEOPLE = {
    "cat": ("猫", "只"), "dog": ("狗", "只"), "bird": ("鸟", "只"), "fox": ("狐狸", "只"),
    "mouse": ("老鼠", "只"), "child": ("孩子", "个"), "girl": ("女孩", "个"), "boy": ("男孩", "个"),
    "teacher": ("老师", "位"),
}
THINGS = {
    "ball": ("球", "个"), "book": ("书", "本"), "apple": ("苹果", "个"), "cake": ("蛋糕", "块"),
    "key": ("钥匙", "把"), "box": ("盒子", "个"),
}
PLACES = {
    "house": ("房子", "座"), "garden": ("花园", "个"), "river": ("河", "条"), "tree": ("树", "棵"),
    "park": ("公园", "个"),
}
NOUNS = {**ANIMALS_AND_PEOPLE, **THINGS, **PLACES}

# English adjective -> (before a noun, after 很 as a predicate). A one-syllable adjective joins its noun
# directly (小猫); a two-syllable one takes 的 (快乐的狗).
ADJECTIVES_ANY = {"small": ("小", "小"), "big": ("大", "大")}
ADJECTIVES_LIVING = {"happy": ("快乐的", "快乐"), "sad": ("伤心的", "伤心"), "hungry": ("饥饿的", "饿")}
ADJECTIVES_THING = {"red": ("红", "红"), "blue": ("蓝", "蓝"), "green": ("绿", "绿")}

# Determiners: singular ones take the measure word after a number or 这/那; "the" is not translated.
SINGULAR = {"the": "", "a": "一{m}", "this": "这{m}", "that": "那{m}", "my": "我的", "his": "他的",
            "her": "她的"}
PLURAL = {"the": "", "two": "两{m}", "three": "三{m}", "some": "一些", "many": "很多", "these": "这些",
          "those": "那些", "my": "我的"}

# Transitive verbs: (English base, third person, Chinese). "see", "find" and "catch" name an outcome, so
# they are negated only in the past (没看见), never with 不.
TRANSITIVE = {"see": "看见", "find": "找到", "catch": "抓住", "like": "喜欢", "love": "爱", "chase": "追",
              "watch": "看", "help": "帮助", "want": "想要", "have": "有"}
OUTCOME_VERBS = ("see", "find", "catch")
INTRANSITIVE = {"sleep": "睡觉", "run": "跑", "sing": "唱歌", "swim": "游泳", "play": "玩", "cry": "哭"}
# English preposition -> the word after the place in 在 … 里: "under the tree" -> 在树下.
PREPOSITIONS = {"in": "里", "on": "上", "under": "下", "near": "附近", "behind": "后面"}
PP_PLACES = ("house", "garden", "river", "tree", "park", "box")

# Keeps the encoder-decoder's block small: 60 characters plus start and end marks fit in 64.
MAX_ENGLISH_CHARS = 60
MAX_CHINESE_CHARS = 24


def _chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def _pick(rng: random.Random, table: dict):
    key = rng.choice(list(table))
    return key, table[key]


def _noun_phrase(rng: random.Random, nouns: dict, is_plural: bool, allow_a: bool = True,
                 possessive: bool = True) -> tuple[str, str]:
    """("the small cat", "小猫"), ("two red balls", "两个红球"), ("the boy 's dog", "男孩的狗")."""
    noun, (zh_noun, measure) = _pick(rng, nouns)
    living = noun in ANIMALS_AND_PEOPLE
    adjective = None
    if _chance(rng, 0.4):
        adjective = _pick(rng, {**ADJECTIVES_ANY, **(ADJECTIVES_LIVING if living else ADJECTIVES_THING)})
    en_noun = plural(noun) if is_plural else noun
    if possessive and not is_plural and _chance(rng, 0.15):
        owner_en, owner_zh = _noun_phrase(rng, ANIMALS_AND_PEOPLE, False, allow_a=False, possessive=False)
        en_words, zh = [owner_en, "'s"], owner_zh + "的"
    else:
        table = PLURAL if is_plural else SINGULAR
        choices = [d for d in table if allow_a or d != "a"]
        determiner = rng.choice(choices)
        en_words, zh = [determiner], table[determiner].format(m=measure)
    if adjective is not None:
        en_words.append(adjective[0])
        zh += adjective[1][0]
    en_words.append(en_noun)
    if en_words[0] == "a":
        en_words[0] = with_article("a", en_words[1])
    return " ".join(en_words), zh + zh_noun


def _subject(rng: random.Random) -> tuple[str, str, bool]:
    is_plural = _chance(rng, 0.3)
    en, zh = _noun_phrase(rng, ANIMALS_AND_PEOPLE, is_plural)
    return en, zh, is_plural


def _object(rng: random.Random, negated: bool) -> tuple[str, str]:
    # "does not like a ball" is odd English, so a negated object never takes "a"
    return _noun_phrase(rng, {**ANIMALS_AND_PEOPLE, **THINGS}, _chance(rng, 0.25), allow_a=not negated)


def _place(rng: random.Random) -> tuple[str, str]:
    preposition, after = _pick(rng, PREPOSITIONS)
    place = rng.choice(PP_PLACES)
    en, zh = _noun_phrase(rng, {place: NOUNS[place]}, False, possessive=False)
    return f"{preposition} {en}", f"在{zh}{after}"


def _negation(rng: random.Random, verb: str, is_plural: bool) -> tuple[str, str]:
    """("does not", "不"), ("did not", "没"); 有 is negated with 没 either way (没有)."""
    past = verb in OUTCOME_VERBS or _chance(rng, 0.4)
    en = "did not" if past else ("do not" if is_plural else "does not")
    return en, "没" if past or verb == "have" else "不"


def _inflect(verb: str, is_plural: bool) -> str:
    return verb if is_plural else third_person(verb)


def _transitive(rng: random.Random) -> tuple[str, str]:
    subject_en, subject_zh, is_plural = _subject(rng)
    verb, zh_verb = _pick(rng, TRANSITIVE)
    if _chance(rng, 0.3):
        not_en, not_zh = _negation(rng, verb, is_plural)
        object_en, object_zh = _object(rng, negated=True)
        zh_verb = "有" if verb == "have" else zh_verb
        return f"{subject_en} {not_en} {verb} {object_en} .", f"{subject_zh}{not_zh}{zh_verb}{object_zh}。"
    object_en, object_zh = _object(rng, negated=False)
    return f"{subject_en} {_inflect(verb, is_plural)} {object_en} .", f"{subject_zh}{zh_verb}{object_zh}。"


def _intransitive(rng: random.Random) -> tuple[str, str]:
    subject_en, subject_zh, is_plural = _subject(rng)
    verb, zh_verb = _pick(rng, INTRANSITIVE)
    place_en, place_zh = _place(rng) if _chance(rng, 0.6) else ("", "")
    tail_en = f" {place_en}" if place_en else ""
    if _chance(rng, 0.3):
        not_en, not_zh = _negation(rng, verb, is_plural)
        return f"{subject_en} {not_en} {verb}{tail_en} .", f"{subject_zh}{not_zh}{place_zh}{zh_verb}。"
    return f"{subject_en} {_inflect(verb, is_plural)}{tail_en} .", f"{subject_zh}{place_zh}{zh_verb}。"


def _adjective_predicate(rng: random.Random) -> tuple[str, str, str, str, bool]:
    subject_en, subject_zh, is_plural = _subject(rng)
    _adjective, (_, zh_adjective) = _pick(rng, {**ADJECTIVES_ANY, **ADJECTIVES_LIVING})
    return subject_en, subject_zh, _adjective, zh_adjective, is_plural


def _description(rng: random.Random) -> tuple[str, str]:
    subject_en, subject_zh, adjective, zh_adjective, is_plural = _adjective_predicate(rng)
    be = "are" if is_plural else "is"
    if _chance(rng, 0.3):
        return f"{subject_en} {be} not {adjective} .", f"{subject_zh}不{zh_adjective}。"
    return f"{subject_en} {be} {adjective} .", f"{subject_zh}很{zh_adjective}。"


def _question(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.35:
        subject_en, subject_zh, adjective, zh_adjective, is_plural = _adjective_predicate(rng)
        return f"{'are' if is_plural else 'is'} {subject_en} {adjective} ?", f"{subject_zh}{zh_adjective}吗？"
    subject_en, subject_zh, is_plural = _subject(rng)
    do = "do" if is_plural else "does"
    if roll < 0.7:
        verb, zh_verb = _pick(rng, {v: z for v, z in TRANSITIVE.items() if v not in OUTCOME_VERBS})
        object_en, object_zh = _object(rng, negated=False)
        return f"{do} {subject_en} {verb} {object_en} ?", f"{subject_zh}{zh_verb}{object_zh}吗？"
    verb, zh_verb = _pick(rng, INTRANSITIVE)
    return f"{do} {subject_en} {verb} ?", f"{subject_zh}{zh_verb}吗？"


def translation_pair(rng: random.Random) -> tuple[str, str]:
    """One (English, Chinese) pair; pairs longer than the block allows are drawn again."""
    while True:
        roll = rng.random()
        if roll < 0.4:
            pair = _transitive(rng)
        elif roll < 0.6:
            pair = _intransitive(rng)
        elif roll < 0.8:
            pair = _description(rng)
        else:
            pair = _question(rng)
        if len(pair[0]) <= MAX_ENGLISH_CHARS and len(pair[1]) <= MAX_CHINESE_CHARS:
            return pair


def translation_pairs(seed: int | random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` (English sentence, its Chinese translation) pairs."""
    rng = as_rng(seed)
    return [translation_pair(rng) for _ in range(n)]


_ENGLISH_FORMS = {form: noun for noun in NOUNS for form in (noun, plural(noun))}


def english_words() -> frozenset[str]:
    """Every word and mark the English side uses, for checking a sentence typed to translate."""
    verbs = {form for verb in (*TRANSITIVE, *INTRANSITIVE) for form in (verb, third_person(verb))}
    adjectives = {*ADJECTIVES_ANY, *ADJECTIVES_LIVING, *ADJECTIVES_THING}
    others = {"an", "'s", "is", "are", "do", "does", "did", "not", ".", "?"}
    return frozenset({*_ENGLISH_FORMS, *verbs, *adjectives, *SINGULAR, *PLURAL, *PREPOSITIONS, *others})


def noun_links(english: str, chinese: str) -> list[tuple[int, int, int]]:
    """(Chinese character index, English start, English end) for each noun, in order.

    ``noun_links("the cat sees a ball .", "猫看见一个球。")`` is ``[(0, 4, 7), (5, 15, 19)]``: 猫 is at
    index 0 and "cat" spans characters 4 to 7. Nouns come in the same order on both sides.
    """
    links, start, searched = [], 0, 0
    for word in english.split(" "):
        noun = _ENGLISH_FORMS.get(word)
        if noun is not None:
            at = chinese.find(NOUNS[noun][0], searched)
            if at < 0:
                raise ValueError(f"{NOUNS[noun][0]} ({word}) not found in {chinese!r}")
            links.append((at, start, start + len(word)))
            searched = at + len(NOUNS[noun][0])
        start += len(word) + 1
    return links
