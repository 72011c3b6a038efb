"""The topic task: four classes, deterministic by seed, held out; every tokenizer kind reads it; its
evaluations (real training steps) carry the confusion matrix and per-class scores into metrics.jsonl."""

import collections
import json

import pytest

from playground.core.datasets import DATASETS, check_source
from playground.core.datasets.sampling import is_held_out
from playground.core.datasets.topics import ACTIONS, ASIDES, MAX_TOPIC_CHARS, SCENES, TOPIC_LABELS, topic_pairs
from playground.core.errors import ConfigError
from playground.core.evaluate import report_of
from playground.core.model import build_model
from playground.core.recipes import recipe_for_dataset
from playground.core.tokenizer import Tokenizer
from playground.core.tokenizer_kinds import KINDS
from playground.core.train import EvalRecord, Trainer

TINY_MODEL = dict(n_layer=1, n_head=2, d_model=32, d_ff=64, dropout=0.0)


@pytest.fixture(scope="module")
def splits():
    return DATASETS["topics"].make(0)


def test_four_balanced_classes_short_sentences_and_their_topic_words(splits):
    counts = collections.Counter(label for _, label in splits.train)
    assert set(counts) == set(TOPIC_LABELS) and len(TOPIC_LABELS) >= 4
    assert min(counts.values()) > 0.2 * len(splits.train)  # about a quarter each
    assert all(len(s) <= MAX_TOPIC_CHARS and s.endswith(" .") for s, _ in splits.train + splits.val)
    # each sentence holds an object or a scene of its own topic
    for sentence, topic in splits.val:
        own = [noun for _, noun in ACTIONS[topic]]
        assert any(scene in sentence for scene in SCENES[topic]) or any(noun in sentence.split() for noun in own)
        assert not any(aside in sentence for aside in ASIDES[topic])  # an aside is always another topic's
    with_aside = [s for s, _ in splits.val if any(a in s for asides in ASIDES.values() for a in asides)]
    assert 0.25 < len(with_aside) / len(splits.val) < 0.45


def test_deterministic_by_seed_and_held_out_by_sentence(splits):
    assert DATASETS["topics"].make(0) == splits and DATASETS["topics"].make(1) != splits
    assert topic_pairs(5, 30) == topic_pairs(5, 30) != topic_pairs(6, 30)
    assert not {s for s, _ in splits.train} & {s for s, _ in splits.val}
    assert all(is_held_out(s) for s, _ in splits.val) and len(splits.val) == 1000


def test_a_source_that_is_no_sentence_of_the_task_is_refused_with_what_to_type():
    check_source("topics", "the girl kicks the ball .")
    with pytest.raises(ConfigError, match="at most 64 characters"):
        check_source("topics", "x" * 65)


@pytest.mark.parametrize("kind", KINDS)
def test_every_tokenizer_kind_reads_the_topic_text(kind, splits):
    texts = [s for s, _ in splits.train[:3000]] + list(TOPIC_LABELS)
    tok = Tokenizer.train(kind, texts, None if kind == "char" else 300)
    for sentence, topic in splits.val[:50]:  # every character of the task's text is in each vocabulary
        decoded = tok.decode(tok.encode_ids(sentence))
        # WordPiece and word-level decode as BERT does, the full stop against the word before: "hard ." -> "hard."
        assert decoded == sentence or (kind in ("wordpiece", "word") and decoded == sentence[:-2] + "."), (kind, decoded)
        assert tok.decode(tok.encode_ids(topic)) == topic
    for text in ("天气很好 .", "the rain ☔ falls 😀 ."):  # text from elsewhere: Chinese and emoji
        ids = tok.encode_ids(text)
        assert ids and all(0 <= i < tok.vocab_size for i in ids)
        if kind in ("char", "bpe"):  # these two give back any text exactly (char maps an unknown one to <unk>)
            assert tok.decode(ids) == text or (kind == "char" and "rain" in tok.decode(ids))
    # the task itself trains a tiny model's recipe with this tokenizer kind
    recipe = recipe_for_dataset("topics", seed=0, tokenizer_kind=kind, vocab_size=None if kind == "char" else 300,
                                model=TINY_MODEL)
    assert recipe.task.labels == TOPIC_LABELS and recipe.task.longest() <= recipe.model.block_size


def test_report_of_hand_counted_four_classes():
    actual = ["sports", "sports", "food", "school", "school", "weather"]
    predicted = ["sports", "food", "food", "school", "weather", "sport"]  # "sport" is no label
    report = report_of(predicted, actual, TOPIC_LABELS)
    # rows: true sports, weather, food, school; columns the same, then no label
    assert report["matrix"] == [[1, 0, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 1, 0, 0], [0, 1, 0, 1, 0]]
    assert report["accuracy"] == pytest.approx(3 / 6) and report["examples"] == 6
    sports, weather, food, school = report["classes"]
    assert sports == pytest.approx({"label": "sports", "precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert weather == pytest.approx({"label": "weather", "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1})
    assert food == pytest.approx({"label": "food", "precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert school == pytest.approx({"label": "school", "precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert report["macro"] == pytest.approx({"precision": 2.5 / 4, "recall": 2 / 4, "f1": 2 / 4})


def test_real_training_records_the_report_in_every_evaluation_and_metrics_jsonl(tmp_path):
    recipe = recipe_for_dataset("topics", seed=0, model=TINY_MODEL,
                                train=dict(max_steps=40, batch_size=16, warmup_steps=5, eval_interval=20,
                                           eval_batches=2, eval_examples=24))
    trainer = Trainer(build_model(recipe.model), recipe.task, recipe.train, run_dir=tmp_path)
    evals = [r for r in trainer.run() if isinstance(r, EvalRecord)]
    assert [r.step for r in evals] == [20, 40]
    for record in evals:
        report = record.report
        assert "report" not in record.metrics  # the metrics stay numbers
        assert report["labels"] == list(TOPIC_LABELS) and sum(map(sum, report["matrix"])) == 24
        assert record.metrics["accuracy"] == pytest.approx(report["accuracy"])
        for key in ("precision", "recall", "f1"):
            assert record.metrics[key] == pytest.approx(report["macro"][key])
    rows = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text("utf-8").splitlines()]
    written = [row for row in rows if row["kind"] == "eval"]
    assert [row["report"] for row in written] == [r.report for r in evals]
