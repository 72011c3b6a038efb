"""Question answering: the micro-world generator, its tokenization by every kind, and the truth test."""

import random
import time
from collections import Counter

import pytest
import torch

from playground.core.datasets import get_dataset
from playground.core.datasets.qa import (
    MAX_FACTS, MIN_FACTS, QUESTION_KINDS, answer_start, fact_text, qa_answer, qa_example, qa_pairs,
)
from playground.core.datasets.sampling import is_held_out
from playground.core.inspect import inspect_inputs
from playground.core.model import build_model
from playground.core.recipes import recipe_for_dataset
from playground.core.tokenizer_kinds import KINDS
from playground.core.trace import trace

# Half the default run (33 % exact match at this step of it). Trained in 173 s on a loaded 2-core machine.
QA_STEPS = 1000


def test_one_world_by_hand():
    assert fact_text(("color", "cat", "red")) == "the cat is red ."
    assert fact_text(("place", "dog", "under the table")) == "the dog is under the table ."
    assert fact_text(("has", "tom", ("two", "apples"))) == "tom has two apples ."
    world = "the cat is red . the dog is under the table . tom has two apples . "
    for question, answer in [("what color is the cat ?", "red"), ("which animal is red ?", "cat"),
                             ("where is the dog ?", "under the table"), ("what is under the table ?", "dog"),
                             ("how many apples does tom have ?", "two"), ("who has the apples ?", "tom")]:
        assert qa_answer(world + question) == answer
        assert world[answer_start(world + question, answer):].startswith(answer)
    assert qa_answer(world + "what color is the dog ?") is None  # no fact says


def test_every_example_is_answered_by_its_context_alone():
    rng = random.Random(0)
    kinds = Counter()
    for _ in range(3000):
        source, answer, start = qa_example(rng)
        context, question = source.rsplit(" . ", 1)
        assert question.endswith(" ?") and MIN_FACTS <= context.count(" .") + 1 <= MAX_FACTS
        assert qa_answer(source) == answer  # the rule reads the same answer from the facts
        assert answer_start(source, answer) == start and source[start:start + len(answer)] == answer
        assert f" {context} .".count(f" {answer} ") == 1  # once in the context, as whole words
        kinds[question.split()[0] + " " + question.split()[1]] += 1
    assert len(kinds) == len(QUESTION_KINDS)
    assert min(kinds.values()) > 3000 / len(QUESTION_KINDS) / 2  # every kind is common


def test_distractors_share_the_asked_fact_kind_often():
    """The other facts are not all of another kind: a model that takes the only colour it sees fails."""
    same = 0
    for source, answer in qa_pairs(1, 1000):
        if source.endswith("?") and source.split(" . ")[-1].startswith("what color"):
            same += sum(" is " in s and " the " not in s.split(" is ")[1] for s in source.split(" . ")[:-1]) > 1
    assert same > 50


def test_held_out_examples_are_new_worlds():
    splits = get_dataset("qa").make(0)
    train_sources = {source for source, _ in splits.train}
    assert all(is_held_out(source) and source not in train_sources for source, _ in splits.val)
    assert len(splits.val) >= 500 and len({a for _, a in splits.val}) > 30


@pytest.mark.parametrize("kind", KINDS)
def test_every_tokenizer_kind_reads_and_writes_the_task(kind):
    recipe = recipe_for_dataset("qa", tokenizer_kind=kind, model=dict(d_model=16, d_ff=32, n_head=2))
    task, tok = recipe.task, recipe.task.tokenizer
    task.check(recipe.model.block_size)  # the context was widened as far as this tokenizer needs
    for source, answer in task.val_pairs[:200]:
        expected = source
        if kind in ("word", "wordpiece"):  # these decode English as written: "red ." reads "red."
            expected = source.replace(" .", ".").replace(" ?", "?")
        assert tok.decode(tok.encode_ids(source)) == expected
        assert tok.decode(tok.encode_ids(answer)) == answer
    assert tok.unk_id not in {i for s, t in task.encoded("val") for i in s + t}
    batch = task.collate(task.encoded("train")[:4])
    model = build_model(recipe.model)
    _logits, loss = model(batch["idx"], batch["targets"], src=batch["src"])
    assert torch.isfinite(loss)


# --- truth test ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def trained_qa():
    """The default model after QA_STEPS steps of its default run, trained once per session."""
    from playground.core.train import Trainer

    recipe = recipe_for_dataset("qa", train=dict(max_steps=QA_STEPS, eval_interval=10**6, eval_batches=1,
                                                  eval_examples=8))
    torch.manual_seed(0)
    model = build_model(recipe.model)
    started = time.perf_counter()
    for _record in Trainer(model, recipe.task, recipe.train).run():
        pass
    print(f"trained qa for {QA_STEPS} steps in {time.perf_counter() - started:.1f} s")
    return model.eval(), recipe.task


def answer_peaks(model, task, pairs) -> dict[tuple[int, int], float]:
    """For each (decoder layer, head): the share of ``pairs`` whose cross-attention, at the query that
    writes the answer's first token, weighs a token of the answer in the context most."""
    tok = task.tokenizer
    hits = Counter()
    for source, answer in pairs:
        start = answer_start(source, answer)
        ids, src = inspect_inputs(task, source)
        tr = trace(model, ids + tok.encode_ids(answer), src)
        for layer in range(len(model.decoder)):
            weights = tr.get(f"decoder.{layer}.cross_attn.weights").tensor  # (nh, T, S)
            for head, peak in enumerate(weights[:, 0].argmax(-1).tolist()):  # query 0 writes the first token
                hits[layer, head] += start <= peak < start + len(answer)  # char tokens: position = offset
    return {key: hits[key] / len(pairs) for key in sorted(hits)}


@pytest.mark.xfail(strict=True, reason=(
    "not met yet, measured: at 1,000 steps the best head (decoder.1.cross_attn head 3) peaks on the answer "
    "for 15.5 % of 200 held-out questions; after the whole default run (2,000 steps) decoder.1 head 0 does for "
    "28 %. The answers come from a closed set of 40 words, so the model can name the word rather than "
    "copy it from the context; with 600 made-up names for the animals and people it learned slower still "
    "(7 % exact match at 1,000 steps) and no head found the answer either"))
def test_trained_qa_cross_attention_reads_the_answer_in_the_context(trained_qa):
    """The truth test: as the answer is written, one cross-attention head looks at the answer in the context.

    The rule, fixed before looking: held-out questions, char tokens (a source position is a character
    offset), the decoder's query that writes the answer's first token; a hit when a head's largest
    weight lies on a character of the answer where the context states it. The best head must hit at
    least 80 % of the questions; every head's share is printed.
    """
    model, task = trained_qa
    pairs = task.val_pairs[:200]
    shares = answer_peaks(model, task, pairs)
    print("answer peaks by (decoder layer, head):", {k: round(v, 3) for k, v in shares.items()})
    (layer, head), best = max(shares.items(), key=lambda item: item[1])
    print(f"best: decoder.{layer}.cross_attn head {head}: {best:.3f} of {len(pairs)} held-out questions")
    assert best >= 0.8
