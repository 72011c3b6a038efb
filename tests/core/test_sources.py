"""Sources of the built-in pair tasks: each task says what it takes, and everything it generates passes."""

import pytest

from playground.core.datasets import DATASETS, check_source, get_dataset
from playground.core.datasets.sources import CHECKS, source_problem
from playground.core.errors import ConfigError

GOOD_AND_BAD = {
    "sentiment": (["the dog is not happy .", "a"], ["", "   ", "x" * 81]),
    "topics": (["the girl kicks the ball .", "天气很好 ☀️"], ["", "  ", "x" * 65]),
    "addition": (["23+58=", "0+0=", "99+99=", "7+40="], ["23+58", "100+1=", "2+-3=", "a+b=", "05+3=", "1+2=3", ""]),
    "reversal": (["abcd", "abcdefghijab"], ["abc", "abcdefghijabc", "abck", "ABCD", "ab cd", ""]),
    "sorting": (["jihg", "aaaaaaaaaaaa"], ["abc", "xyzw", ""]),
    "numbers-en": (["1", "12", "9999"], ["0", "12a", "10000", "-5", "1,234", " 12", "007", "1.5", ""]),
    "numbers-zh": (["1", "10010", "99999"], ["0", "12a", "99999999", "100000", "一二", ""]),
    "dates": (["2024-03-05", "2024-02-29", "1950-01-01", "2049-12-31"],
              ["2023-02-29", "2024-13-01", "1949-12-31", "2050-01-01", "20240305", "March 5, 2024", ""]),
    "translation": (["the small cat sees a red ball .", "do the two dogs sleep ?", "my boy 's cat is happy"],
                    ["", "the cat sees a zebra .", "the cat sleeps.", "小猫看见一个红球。", "the cat  runs .",
                     "the cat " + "sees the dog " * 5 + "."]),
    "qa": (["the cat is red . tom has two apples . what color is the cat ?",
            "the dog is in the hall . the cat is red . where in the house is the dog ?",
            "anna has nine keys . the fox is in the attic . what does anna have ?",
            "the cat is red . the cat is in the study . anna has six pens . how many pens does anna have ?"],
           ["what color is the cat ?",  # no facts
            "the cat is red . tom has two apples . what color is the dog ?",  # no fact answers it
            "the cat is red . the cat is blue . what color is the cat ?",  # two answers
            "the cat is red . the dog is blue . what color is the cat ?",  # two facts of one kind
            "the cat is red . the fox is in the attic . mia has six pens . tom has two cups . "
            "what does mia have ?",  # 4 facts
            "the cat is red . tom has two apples . what colour is the cat ?",  # not the task's words
            "the dog is in the hall . the cat is red . where is the dog ?",  # not the task's phrasing
            "the cat is red. tom has two apples. what color is the cat?",  # not its spacing
            "the lion is red . tom has two apples . what color is the lion ?",  # not its animals
            "猫是红色的 。 汤姆有两个苹果 。 猫是什么颜色 ？", "the 🐱 is red . tom has two 🍎 . what color is the 🐱 ?",
            ""]),
}


def test_every_builtin_pair_task_has_a_check():
    pairs = {name for name in DATASETS if DATASETS[name].kind == "pairs"}
    assert pairs == set(CHECKS) == set(GOOD_AND_BAD)


@pytest.mark.parametrize("name", list(GOOD_AND_BAD))
def test_good_sources_pass_and_bad_ones_say_what_is_allowed(name):
    good, bad = GOOD_AND_BAD[name]
    for source in good:
        assert source_problem(name, source) is None, source
        check_source(name, source)
    for source in bad:
        message = source_problem(name, source)
        assert message is not None and "e.g." in message and f"“{source}”" in message, source
        with pytest.raises(ConfigError, match="e.g."):
            check_source(name, source)


def test_the_number_ranges_are_the_generators():
    assert "from 1 to 99,999" in source_problem("numbers-zh", "0")
    assert "from 1 to 9,999" in source_problem("numbers-en", "0")


@pytest.mark.parametrize("name", list(GOOD_AND_BAD))
def test_every_generated_source_passes(name):
    splits = get_dataset(name).make(0)
    for source, _target in splits.train[:3000] + splits.val:
        assert source_problem(name, source) is None, source


@pytest.mark.parametrize("name", ["numbers-en", "numbers-zh"])
def test_zero_is_not_in_the_number_tasks(name):
    splits = get_dataset(name).make(0)
    assert all(source != "0" for source, _t in splits.train + splits.val)
    assert {len(s) for s, _t in splits.train} == set(range(1, len(str(max(int(s) for s, _t in splits.train))) + 1))


def test_a_sentence_to_translate_names_the_words_it_does_not_know():
    message = source_problem("translation", "the cat sees a zebra and a cow .")
    assert message.endswith("Not in its words: zebra, and, cow.")


def test_a_task_of_ones_own_takes_any_source():
    assert source_problem("my-pairs", "anything at all") is None
