"""A step's rows split over CPU threads (core/batch_threads.py) make the same step as one forward over them."""

import copy
import functools
import threading
from dataclasses import replace

import pytest
import torch

from playground.core import batch_threads
from playground.core.model import ModelConfig, build_model
from playground.core.recipes import recipe_for_dataset, recipe_for_text
from playground.core.tasks import IGNORE, LMTask
from playground.core.tokenizer_kinds import KINDS
from playground.core.train import EventRecord, StepRecord, Trainer

from .helpers import TINY_MODEL

STEPS = 1  # one step from the same weights: later steps would compare AdamW's sign(g) where g is ~0
TEXT = ("The cat sat on the mat, and the dog sat on the log. "
        "孙悟空拔下一根毫毛，吹口仙气，变出许多小猴。 "
        "Rain 🌧️ then sun ☀️, then a rainbow 🌈 over the hill 🏔️.\n") * 30
TRAIN = dict(max_steps=STEPS, grad_clip=0.0, eval_batches=1, eval_examples=0, eval_interval=10**6, batch_size=8,
             warmup_steps=1, health_interval=0)


@functools.cache
def recipe(data: str):
    """No dropout: the same forward in every run. Text over each tokenizer kind; two padded pair tasks."""
    if data in KINDS:
        vocab = None if data == "char" else 300
        return recipe_for_text(TEXT, tokenizer_kind=data, vocab_size=vocab, is_text=True,
                               model={**TINY_MODEL, "dropout": 0.0}, train=TRAIN)
    return recipe_for_dataset(data, model={**TINY_MODEL, "block_size": 24, "dropout": 0.0}, train=TRAIN)


def train(data, model=None, **changes):
    """STEPS real steps; (step records, other records, trained model, the trainer)."""
    r = recipe(data)
    model = copy.deepcopy(model) if model is not None else build_model(r.model)
    trainer = Trainer(model, r.task, replace(r.train, **changes))
    records = list(trainer.run())
    steps = [rec for rec in records if isinstance(rec, StepRecord)]
    assert len(steps) == changes.get("max_steps", STEPS)
    return steps, records, trainer.model, trainer


def assert_same_step(a_steps, a, b_steps, b):
    assert [r.loss for r in a_steps] == pytest.approx([r.loss for r in b_steps], rel=1e-5)
    assert [r.grad_norm for r in a_steps] == pytest.approx([r.grad_norm for r in b_steps], rel=1e-4)
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert torch.allclose(p.grad, q.grad, rtol=1e-4, atol=1e-7), name
        # AdamW's first step moves a weight by lr·sign(g) whatever |g|: where a gradient is ~0, float rounding can
        # flip its sign (seen once in 12 runs over three steps), so a few weights may differ by up to 2·lr
        close = torch.isclose(p, q, rtol=0, atol=1e-6)
        assert (~close).sum() <= max(2, p.numel() // 100), name
        assert (p - q).abs().max() <= sum(2 * r.lr for r in a_steps) + 1e-6, name


# text over the five tokenizer kinds (English, Chinese and emoji in one text); addition (decoder) and sorting
# (encoder-decoder) have padded answers, so the slices hold different numbers of target tokens
@pytest.mark.parametrize("data", [*KINDS, "addition", "sorting"])
def test_rows_split_over_threads_make_the_step_of_one_forward(data):
    model = build_model(recipe(data).model)
    one_steps, _, one, t1 = train(data, model, batch_threads=1)
    split_steps, _, split, t2 = train(data, model, batch_threads=2)
    assert t1.batch_threads is None and t2.batch_threads is None  # both closed their threads at the end
    assert_same_step(split_steps, split, one_steps, one)


def test_an_odd_batch_and_accumulation_split_unevenly_and_still_agree():
    model = build_model(recipe("addition").model)
    one_steps, _, one, _ = train("addition", model, batch_size=5, grad_accum=2, batch_threads=1)
    split_steps, _, split, _ = train("addition", model, batch_size=5, grad_accum=2, batch_threads=3)
    assert_same_step(split_steps, split, one_steps, one)


def test_an_lstm_trains_split_too():
    r = recipe("char")
    model = build_model(ModelConfig(family="lstm", vocab_size=r.model.vocab_size, n_layer=1, d_model=16,
                                    lstm_hidden=24, tie_weights=False, block_size=16))
    one_steps, _, one, _ = train("char", model, batch_threads=1)
    split_steps, _, split, _ = train("char", model, batch_threads=2)
    assert_same_step(split_steps, split, one_steps, one)


def test_a_split_run_repeats_exactly():
    model = build_model(recipe("bpe").model)
    a_steps, _, a, _ = train("bpe", model, batch_threads=2, max_steps=3)
    b_steps, _, b, _ = train("bpe", model, batch_threads=2, max_steps=3)
    assert [r.loss for r in a_steps] == [r.loss for r in b_steps]
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_auto_splits_over_torchs_threads_and_gives_the_thread_count_back():
    torch.set_num_threads(2)
    r = recipe("char")
    cfg = replace(r.model, n_layer=2, n_head=2, d_model=64, d_ff=256, block_size=64)  # 369 MFLOP a step: 2 slices
    trainer = Trainer(build_model(cfg), r.task, r.train)  # batch_threads None: auto
    seen = []
    for record in trainer.run():
        if isinstance(record, StepRecord) and trainer.batch_threads is not None:
            seen.append(trainer.batch_threads.map(torch.get_num_threads, [(), ()]))
            seen.append([t.name for t in threading.enumerate() if t.name.startswith("batch-thread")])
    assert seen[0] == [1, 1]  # each batch thread runs one intra-op thread
    assert len(seen[1]) == 2
    assert torch.get_num_threads() == 2
    started_after = []
    t = threading.Thread(target=lambda: started_after.append(torch.get_num_threads()))
    t.start()
    t.join()
    assert started_after == [2]  # the process default is back: a new thread starts with 2, not 1
    assert not [t for t in threading.enumerate() if t.name.startswith("batch-thread")]


def test_a_run_closed_early_ends_its_threads():
    r = recipe("char")
    trainer = Trainer(build_model(r.model), r.task, replace(r.train, batch_threads=2, max_steps=100))
    run = trainer.run()
    next(rec for rec in run if isinstance(rec, StepRecord))
    assert [t for t in threading.enumerate() if t.name.startswith("batch-thread")]
    run.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("batch-thread")]
    assert trainer.batch_threads is None


def test_dropout_is_not_split_and_an_explicit_setting_says_why():
    r = recipe("char")
    cfg = replace(r.model, dropout=0.1)
    _steps, records, _, trainer = train("char", build_model(cfg), batch_threads=2)
    notices = [rec.message for rec in records if isinstance(rec, EventRecord) and rec.event == "compile"]
    assert len(notices) == 1 and "dropout" in notices[0]
    _steps, records, _, _ = train("char", build_model(cfg))  # auto: no split, nothing to say
    assert not [rec for rec in records if isinstance(rec, EventRecord) and rec.event == "compile"]


def test_where_the_rows_can_be_split():
    cpu = torch.device("cpu")
    assert batch_threads.usable(cpu, 0.0, False, 1) is None
    assert batch_threads.usable(torch.device("meta"), 0.0, False, 1)  # not the CPU
    assert batch_threads.usable(cpu, 0.0, False, 2)  # torchrun: each process has its rows
    assert batch_threads.usable(cpu, 0.0, True, 1)  # compiled
    assert batch_threads.usable(cpu, 0.1, False, 1)  # dropout
    assert batch_threads.thread_count(None, 2, 12) == 2
    assert batch_threads.thread_count(None, 8, 3) == 3  # never more threads than rows
    assert batch_threads.thread_count(1, 8, 12) == 1
    # auto leaves each thread at least MIN_SLICE_FLOPS of the step; an explicit setting is taken as it is
    assert batch_threads.thread_count(None, 2, 12, step_flops=3e6) == 1
    assert batch_threads.thread_count(None, 8, 12, step_flops=3.5 * batch_threads.MIN_SLICE_FLOPS) == 3
    assert batch_threads.thread_count(2, 2, 12, step_flops=3e6) == 2
    rows = batch_threads.split_rows({"idx": torch.arange(10).view(5, 2), "targets": torch.zeros(5, 2)}, 2)
    assert [s["idx"].shape[0] for s in rows] == [3, 2]
    assert torch.equal(torch.cat([s["idx"] for s in rows]), torch.arange(10).view(5, 2))


def test_an_error_in_a_batch_thread_reaches_the_trainer():
    def fail(x):
        raise ValueError(f"row {x} is broken")

    with batch_threads.BatchThreads(2) as threads:
        assert threads.map(lambda x: x * 2, [(1,), (2,)]) == [2, 4]
        with pytest.raises(ValueError, match="row 2 is broken"):
            threads.map(lambda x: fail(x) if x == 2 else x, [(1,), (2,)])
        assert threads.map(lambda x: x + 1, [(1,), (2,)]) == [2, 3]  # still serving


class HalfUnscored(LMTask):
    """Text whose second half of every batch has no targets (all ignored), as padding can leave a slice."""

    def batch(self, split, batch_size, block_size, generator):
        rows = super().batch(split, batch_size, block_size, generator)
        rows["targets"] = rows["targets"].clone()  # a view of the same rows as idx
        rows["targets"][batch_size // 2:] = IGNORE
        return rows


def test_a_slice_without_targets_adds_nothing_and_is_no_nan():
    r = recipe("char")
    ids = r.task.train_ids
    task = HalfUnscored(tokenizer=r.task.tokenizer, train_ids=ids, val_ids=r.task.val_ids, name="half")
    model = build_model(r.model)
    runs = []
    for threads in (1, 2):
        trainer = Trainer(copy.deepcopy(model), task, replace(r.train, batch_threads=threads))
        runs.append(([rec.loss for rec in trainer.run() if isinstance(rec, StepRecord)], trainer.model))
    (one, a), (split, b) = runs
    assert len(split) == STEPS and all(loss == loss for loss in split)  # every step trained: no NaN
    assert split == pytest.approx(one, rel=1e-5)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.allclose(p, q, rtol=0, atol=1e-6)


def test_auto_leaves_a_tiny_model_unsplit():
    """Splitting a tiny model's step costs more Python than it saves (see MIN_SLICE_FLOPS): auto does not."""
    torch.set_num_threads(2)
    r = recipe("char")  # 1 layer, width 16, 8 rows of 16: a few MFLOP a step
    trainer = Trainer(build_model(r.model), r.task, r.train)
    run = trainer.run()
    next(rec for rec in run if isinstance(rec, StepRecord))
    assert trainer.batch_threads is None
    run.close()
