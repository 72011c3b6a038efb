"""Built-in datasets: hand-checked examples, correctness of every generated pair, the registry."""

import calendar
import datetime
import gettext
import random
from collections.abc import Mapping

import pytest

from playground.core import i18n
from playground.core.datasets import DATASETS, BuiltinDataset, Splits, get_dataset
from playground.core.datasets.arithmetic import addition_pairs, all_addition_pairs
from playground.core.datasets.dates import date_pairs, date_to_english
from playground.core.datasets.grammar import (
    NEGATIVE_WORDS, POSITIVE_WORDS, grammar_text, sentiment_pairs, sentiment_score,
)
from playground.core.datasets.lexicon import (
    ANIMATE_NOUNS, plural, third_person, vocabulary, with_article,
)
from playground.core.datasets.numbers import (
    number_to_chinese, number_to_english, numbers_en_pairs, numbers_zh_pairs,
)
from playground.core.datasets.qa import qa_pairs
from playground.core.datasets.sampling import is_held_out, value_with_uniform_digits
from playground.core.datasets.sequences import reversal_pairs, sorting_pairs
from playground.core.datasets.topics import topic_pairs
from playground.core.errors import ConfigError

MENU_ORDER = [
    "grammar", "sentiment", "topics", "addition", "reversal", "sorting", "numbers-en", "numbers-zh", "dates",
    "translation", "qa",
]
MODEL_KEYS = {
    "n_layer", "n_head", "d_model", "d_ff", "block_size", "dropout", "activation", "norm",
    "position", "tie_weights", "bias",
}
TRAIN_KEYS = {
    "batch_size", "lr", "min_lr", "warmup_steps", "max_steps", "weight_decay", "grad_clip",
    "eval_interval",
}


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (13, "thirteen"),
        (40, "forty"),
        (99, "ninety-nine"),
        (100, "one hundred"),
        (115, "one hundred fifteen"),
        (1234, "one thousand two hundred thirty-four"),
        (20000, "twenty thousand"),
        (999999, "nine hundred ninety-nine thousand nine hundred ninety-nine"),
    ],
)
def test_number_to_english(n, words):
    assert number_to_english(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "零"),
        (10, "十"),
        (100, "一百"),
        (110, "一百一十"),
        (1000, "一千"),
        (1005, "一千零五"),
        (1234, "一千二百三十四"),
        (10000, "一万"),
        (10010, "一万零一十"),
        (20000, "二万"),
        (100000, "十万"),
        (100001, "十万零一"),
        (12345678, "一千二百三十四万五千六百七十八"),
    ],
)
def test_number_to_chinese(n, words):
    assert number_to_chinese(n) == words


@pytest.mark.parametrize(
    ("convert", "n"),
    [(number_to_english, -1), (number_to_english, 1_000_000), (number_to_chinese, 100_000_000)],
)
def test_numbers_out_of_range_raise(convert, n):
    with pytest.raises(ValueError):
        convert(n)


@pytest.mark.parametrize(
    ("make_pairs", "convert"),
    [(numbers_en_pairs, number_to_english), (numbers_zh_pairs, number_to_chinese)],
)
def test_number_pairs_match_converter(make_pairs, convert):
    pairs = make_pairs(0, 300)
    assert all(words == convert(int(digits)) for digits, words in pairs)
    assert {len(digits) for digits, _ in pairs} == {1, 2, 3, 4}


def test_uniform_digits_gives_small_and_large_values():
    rng = random.Random(0)
    values = [value_with_uniform_digits(rng, 9999) for _ in range(400)]
    assert all(0 <= value <= 9999 for value in values)
    assert sum(value < 10 for value in values) > 50
    assert sum(value >= 1000 for value in values) > 50


# --- addition, reversal, sorting ---------------------------------------------------------------


@pytest.mark.parametrize("max_digits", [1, 2, 3])
def test_addition_pairs_are_correct(max_digits):
    for source, target in addition_pairs(0, 500, max_digits):
        assert source.endswith("=")
        a, b = source[:-1].split("+")
        assert len(a) <= max_digits and len(b) <= max_digits
        assert int(a) + int(b) == int(target)


def test_all_addition_pairs_covers_every_problem_once():
    pairs = all_addition_pairs(2)
    assert len({source for source, _ in pairs}) == len(pairs) == 10_000
    assert ("23+58=", "81") in pairs


def test_reversal_and_sorting_are_correct():
    for source, target in reversal_pairs(0, 300):
        assert target == source[::-1]
        assert 4 <= len(source) <= 12 and set(source) <= set("abcdefghij")
    for source, target in sorting_pairs(0, 300):
        assert target == "".join(sorted(source))


def test_sorting_follows_the_alphabet_order():
    for source, target in sorting_pairs(1, 50, alphabet="zyx", min_len=2, max_len=5):
        assert target == "".join(sorted(source, reverse=True))


# --- dates -------------------------------------------------------------------------------------


def test_date_to_english_accepts_leap_day_and_rejects_impossible_ones():
    assert date_to_english("2024-03-05") == "March 5, 2024"
    assert date_to_english("2024-02-29") == "February 29, 2024"
    with pytest.raises(ValueError):
        date_to_english("2023-02-29")


def test_dates_are_valid_and_never_feb_29_outside_leap_years():
    pairs = date_pairs(0, 5000)
    for iso_date, english in pairs:
        date = datetime.date.fromisoformat(iso_date)
        assert 1950 <= date.year <= 2049
        assert english == date_to_english(iso_date)
        if (date.month, date.day) == (2, 29):
            assert calendar.isleap(date.year)


def test_dates_include_leap_days_in_a_leap_year():
    assert any(iso.endswith("-02-29") for iso, _ in date_pairs(0, 2000, years=(2024, 2024)))


# --- grammar and sentiment ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "inflect", "expected"),
    [
        ("box", plural, "boxes"), ("baby", plural, "babies"), ("child", plural, "children"),
        ("cat", plural, "cats"), ("watch", third_person, "watches"),
        ("carry", third_person, "carries"), ("have", third_person, "has"),
        ("play", third_person, "plays"),
    ],
)
def test_spelling_rules(word, inflect, expected):
    assert inflect(word) == expected


def test_with_article():
    assert with_article("a", "old") == "an"
    assert with_article("a", "red") == "a"
    assert with_article("the", "old") == "the"


def test_grammar_text_uses_the_vocabulary():
    lines = grammar_text(0, 300).splitlines()
    assert len(lines) == 300
    assert 120 <= len(vocabulary()) <= 180
    for line in lines:
        assert line.endswith((" .", " ?"))
        assert set(line.split()) <= vocabulary()


def test_grammar_articles_and_agreement():
    singular_nouns, plural_nouns = set(ANIMATE_NOUNS), {plural(noun) for noun in ANIMATE_NOUNS}
    auxiliaries = {"is", "are", "does", "do"}
    checked = {"a": 0, "an": 0, "singular": 0, "plural": 0}  # each rule must really be met
    for line in grammar_text(1, 2000).splitlines():
        words = line.split()
        for word, following in zip(words, words[1:]):
            if word in ("a", "an"):
                assert (word == "an") == (following[0] in "aeiou"), line
                checked[word] += 1
        # "the cat sleeps ." / "the cats sleep ." : subject noun then its verb
        if len(words) > 2 and words[2] in auxiliaries:
            if words[1] in singular_nouns:
                assert words[2] in {"is", "does"}, line
                checked["singular"] += 1
            if words[1] in plural_nouns:
                assert words[2] in {"are", "do"}, line
                checked["plural"] += 1
    assert min(checked.values()) >= 20, checked


@pytest.mark.parametrize(
    ("sentence", "score"),
    [
        ("the girl is happy .", 1),
        ("the girl is not happy .", -1),
        ("the dog does not hate the cat .", 1),
        ("the kind girl is sad .", 0),
        ("the angry dog does not like a sad cat .", -3),
    ],
)
def test_sentiment_score(sentence, score):
    assert sentiment_score(sentence) == score


def _label_by_rule(sentence: str) -> str:
    words = sentence.split()
    score = 0
    for before, word in zip([""] + words, words):
        polarity = 1 if word in POSITIVE_WORDS else -1 if word in NEGATIVE_WORDS else 0
        score += -polarity if before == "not" else polarity
    assert score != 0, sentence
    return "positive" if score > 0 else "negative"


def test_sentiment_labels_follow_the_negation_rule():
    pairs = sentiment_pairs(0, 2000)
    assert all(label == _label_by_rule(sentence) for sentence, label in pairs)
    # Not solvable by spotting one word: negation flips some sentences against their words.
    assert any(label == "negative" and set(s.split()) & POSITIVE_WORDS for s, label in pairs)
    assert any(label == "positive" and set(s.split()) & NEGATIVE_WORDS for s, label in pairs)
    labels = [label for _, label in pairs]
    assert 0.4 < labels.count("positive") / len(labels) < 0.6


# --- determinism -------------------------------------------------------------------------------

GENERATORS = [
    lambda seed: grammar_text(seed, 20),
    lambda seed: sentiment_pairs(seed, 20),
    lambda seed: topic_pairs(seed, 20),
    lambda seed: addition_pairs(seed, 20),
    lambda seed: reversal_pairs(seed, 20),
    lambda seed: sorting_pairs(seed, 20),
    lambda seed: numbers_en_pairs(seed, 20),
    lambda seed: numbers_zh_pairs(seed, 20),
    lambda seed: date_pairs(seed, 20),
    lambda seed: qa_pairs(seed, 20),
]


@pytest.mark.parametrize("generate", GENERATORS)
def test_same_seed_same_output_different_seed_different_output(generate):
    assert generate(7) == generate(7)
    assert generate(7) != generate(8)


def test_a_random_instance_can_stand_for_the_seed():
    assert addition_pairs(random.Random(3), 10) == addition_pairs(3, 10)


# --- registry ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def splits() -> dict[str, Splits]:
    return {name: DATASETS[name].make(0) for name in DATASETS}


def test_registry_lists_every_dataset_in_menu_order():
    assert isinstance(DATASETS, Mapping)
    assert list(DATASETS) == MENU_ORDER
    assert all(isinstance(dataset, BuiltinDataset) for dataset in DATASETS.values())


@pytest.mark.parametrize("name", MENU_ORDER)
def test_dataset_entry_is_complete(name):
    dataset = get_dataset(name)
    assert dataset.name == name and dataset.title and dataset.description
    assert dataset.kind == ("lm" if name == "grammar" else "pairs")
    expected = "decoder" if name in ("grammar", "sentiment", "topics", "addition", "qa") else "encoder-decoder"
    assert dataset.architecture == expected
    assert dataset.metric in ("val_loss", "exact_match", "accuracy", "chrf")
    assert (dataset.labels is None) == (name not in ("sentiment", "topics"))
    assert set(dataset.model) == MODEL_KEYS
    assert set(dataset.train) == TRAIN_KEYS
    assert dataset.model["d_model"] % dataset.model["n_head"] == 0


@pytest.mark.parametrize("name", MENU_ORDER)
def test_make_gives_non_empty_disjoint_splits(name, splits):
    train, val = splits[name].train, splits[name].val
    assert train and val
    if DATASETS[name].kind == "lm":
        assert isinstance(train, str) and len(train) > 250_000
        assert not set(train.splitlines()) & set(val.splitlines())
    else:
        assert len(val) >= 500 and len(train) >= 9 * len(val)
        assert not {source for source, _ in train} & {source for source, _ in val}
        assert all(is_held_out(source) for source, _ in val)


@pytest.mark.parametrize("name", MENU_ORDER[1:])
def test_block_size_covers_every_example(name, splits):
    dataset = DATASETS[name]
    pairs = splits[name].train + splits[name].val
    if dataset.architecture == "decoder":
        longest = max(len(source) + len(target) + 3 for source, target in pairs)
    else:
        longest = max(max(len(source), len(target)) + 2 for source, target in pairs)
    assert longest <= dataset.model["block_size"]


def test_sentiment_targets_are_its_labels(splits):
    labels = set(DATASETS["sentiment"].labels)
    assert {label for _, label in splits["sentiment"].train} == labels == {"positive", "negative"}


@pytest.mark.parametrize("name", ["addition", "reversal", "grammar"])
def test_make_is_deterministic_by_seed(name, splits):
    make = DATASETS[name].make
    assert make(0) == splits[name]
    assert make(1) != splits[name]


def test_unknown_dataset_raises_config_error_listing_valid_names():
    with pytest.raises(ConfigError) as error:
        get_dataset("no-such-task")
    assert "no-such-task" in str(error.value)
    assert all(name in str(error.value) for name in MENU_ORDER)


class _Shouting(gettext.NullTranslations):
    def gettext(self, message):
        return message.upper()


def test_titles_follow_the_language_installed_after_import(monkeypatch):
    monkeypatch.setattr(i18n, "_translation", _Shouting())
    assert get_dataset("dates").title == "DATES IN WORDS"
