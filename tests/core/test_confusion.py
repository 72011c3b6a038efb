"""The confusion matrix and per-class scores, counted by hand, and agreeing with the macro averages."""

import pytest

from playground.core.evaluate import class_scores, confusion_matrix, label_report, label_scores, sequence_metrics
from playground.core.model import build_model
from playground.core.recipes import recipe_for_dataset

LABELS = ("positive", "negative")
P, N = LABELS
ACTUAL = [P, P, P, N, N, N]
PREDICTED = [P, P, N, N, P, "posi"]  # "posi" is no label: the last column


def test_confusion_matrix_counted_by_hand():
    # rows: actual P (P, P, N), actual N (N, P, "posi")
    assert confusion_matrix(PREDICTED, ACTUAL, LABELS) == [[2, 1, 0], [1, 1, 1]]
    assert confusion_matrix([], [], LABELS) == [[0, 0, 0], [0, 0, 0]]


def test_class_scores_by_hand_and_their_mean_is_the_macro_average():
    scores = class_scores(confusion_matrix(PREDICTED, ACTUAL, LABELS), LABELS)
    positive, negative = scores
    assert positive == pytest.approx({"label": P, "precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3})
    assert negative == pytest.approx({"label": N, "precision": 1 / 2, "recall": 1 / 3, "f1": 2 / 5, "support": 3})
    macro = label_scores(PREDICTED, ACTUAL, LABELS)
    for key in ("precision", "recall", "f1"):
        assert sum(s[key] for s in scores) / 2 == pytest.approx(macro[key])


def test_a_label_never_predicted_or_never_seen_scores_zero():
    scores = class_scores(confusion_matrix([P, P], [P, P], LABELS), LABELS)
    assert scores[1] == {"label": N, "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}


def test_label_report_of_a_real_model_agrees_with_the_metrics():
    recipe = recipe_for_dataset("sentiment", model=dict(n_layer=1, n_head=2, d_model=32, d_ff=64))
    model = build_model(recipe.model)
    report = label_report(model, recipe.task, 40)
    assert report["labels"] == list(recipe.task.labels) and report["examples"] == 40
    assert sum(map(sum, report["matrix"])) == 40
    diagonal = sum(report["matrix"][i][i] for i in range(len(report["labels"])))
    assert report["accuracy"] == pytest.approx(diagonal / 40)
    metrics = sequence_metrics(model, recipe.task, 40, "cpu")
    assert report["accuracy"] == pytest.approx(metrics["accuracy"])
    assert sum(c["f1"] for c in report["classes"]) / len(report["classes"]) == pytest.approx(metrics["f1"])
