"""Exact match and precision/recall/F1 on examples counted by hand."""

import pytest
import torch

from playground.core.evaluate import label_scores, sequence_metrics, split_report
from playground.core.model import ModelConfig, build_model
from playground.core.tasks import PairTask
from playground.core.tokenizer import Tokenizer

LABELS = ("positive", "negative")
P, N = LABELS

# actual:    P  P  P  N  N  N
# predicted: P  P  N  N  P  "posi" (not a label: a miss, and no label's false positive)
# positive: tp 2 (rows 1, 2), fp 1 (row 5), fn 1 (row 3) -> precision 2/3, recall 2/3, F1 2/3
# negative: tp 1 (row 4), fp 1 (row 3), fn 2 (rows 5, 6) -> precision 1/2, recall 1/3,
#           F1 2·(1/2)·(1/3) / (1/2 + 1/3) = 2/5
# macro average: precision (2/3 + 1/2)/2 = 7/12, recall (2/3 + 1/3)/2 = 1/2, F1 (2/3 + 2/5)/2 = 8/15
ACTUAL = [P, P, P, N, N, N]
PREDICTED = [P, P, N, N, P, "posi"]


def test_label_scores_on_a_hand_counted_confusion():
    scores = label_scores(PREDICTED, ACTUAL, LABELS)
    assert scores == pytest.approx({"precision": 7 / 12, "recall": 1 / 2, "f1": 8 / 15})


def test_label_scores_perfect_and_never_predicted():
    assert label_scores(ACTUAL, ACTUAL, LABELS) == pytest.approx({"precision": 1.0, "recall": 1.0, "f1": 1.0})
    # always "positive": positive P 1/2, R 1, F1 2/3; negative never predicted: 0, 0, 0
    assert label_scores([P] * 6, ACTUAL, LABELS) == pytest.approx({"precision": 1 / 4, "recall": 1 / 2,
                                                                   "f1": 1 / 3})


def bigram_model(tokenizer: Tokenizer, next_token: dict[int, int]) -> torch.nn.Module:
    """A real Transformer whose weights are set so that its greedy next token after token i is
    next_token[i]: one-hot embeddings, sub-layers that add nothing, and an output matrix that reads
    the (normalised) one-hot back as the next token."""
    V = tokenizer.vocab_size
    model = build_model(ModelConfig(vocab_size=V, n_layer=1, n_head=1, d_model=V, d_ff=4, block_size=32,
                                    tie_weights=False, bias=True, pad_id=tokenizer.pad_id)).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.final_norm.weight.fill_(1.0)
        model.tok_emb.weight.copy_(torch.eye(V))
        for i, j in next_token.items():
            model.lm_head.weight[j, i] = 1.0
    return model


@pytest.mark.parametrize("labels", [LABELS, ("正面", "负面"), ("👍", "👎")])
def test_exact_match_and_scores_of_a_model_that_always_answers_positive(labels):
    sentences = ["the dog is happy .", "a cat is kind .", "we love the sun .",
                 "the dog is sad .", "a cat is angry .", "we hate the rain ."]
    pairs = list(zip(sentences, [labels[LABELS.index(a)] for a in ACTUAL]))
    tok = Tokenizer.train("word", sentences + list(labels))
    task = PairTask(tok, pairs, pairs, architecture="decoder", labels=labels)
    positive = tok.encode_ids(labels[0])  # 正面 is two tokens: the word tokenizer takes each Chinese character
    # after <sep> comes "positive" token by token, after anything else <eos>: every answer is "positive"
    table = {i: tok.eos_id for i in range(tok.vocab_size)} | dict(zip([tok.sep_id, *positive[:-1]], positive))
    model = bigram_model(tok, table)
    metrics, report = split_report(sequence_metrics(model, task, n_examples=6, device=torch.device("cpu")))
    # every answer in the first column: the confusion matrix of "always positive"
    assert report["matrix"] == [[3, 0, 0], [3, 0, 0]] and report["labels"] == list(labels)
    # 3 of the 6 targets are "positive"; the scores are those of test_label_scores_perfect_and_never_predicted
    # accuracy (the share of right labels) is exact match for a labelled task
    assert metrics == pytest.approx({"exact_match": 1 / 2, "accuracy": 1 / 2, "precision": 1 / 4, "recall": 1 / 2,
                                     "f1": 1 / 3})
    # only the first 4 examples: P P P N -> 3/4 right
    assert sequence_metrics(model, task, n_examples=4, device=torch.device("cpu"))["exact_match"] == 3 / 4


def test_exact_match_needs_the_whole_answer():
    sentences = ["one two", "two one", "one one", "two two"]
    targets = ["one two", "one", "one two", "two"]
    tok = Tokenizer.train("word", sentences)
    [one], [two] = tok.encode_ids("one"), tok.encode_ids("two")
    # the model answers "one two" to every source: right on rows 1 and 3 only ("one" alone is a
    # prefix of the answer, "two" its suffix: neither counts)
    table = {i: tok.eos_id for i in range(tok.vocab_size)} | {tok.sep_id: one, one: two}
    task = PairTask(tok, list(zip(sentences, targets)), list(zip(sentences, targets)), architecture="decoder")
    metrics = sequence_metrics(bigram_model(tok, table), task, n_examples=4, device=torch.device("cpu"))
    assert metrics == {"exact_match": 2 / 4}
