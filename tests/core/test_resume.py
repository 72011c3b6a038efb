"""A session saved mid-training, reopened and trained on, gives the losses of the run that never stopped."""

from dataclasses import asdict

import pytest
import torch

from playground.core.session import load_session, save_session
from playground.core.workspace import Workspace

from .helpers import TEXT

K = 6  # steps before the save, and again after it
MODEL = dict(n_layer=1, n_head=2, d_model=16, d_ff=32, block_size=16, dropout=0.1)  # dropout: the RNG must resume too
# lr_decay_steps fixes the schedule's length, so a press of Start for K steps and one for 2K follow one schedule
TRAIN = dict(batch_size=4, lr=3e-3, warmup_steps=2, lr_decay_steps=2 * K, eval_interval=1000, eval_batches=1,
             device="cpu", seed=5)


def workspace(corpus, steps: int) -> Workspace:
    ws = Workspace()
    ws.use_text(corpus, tokenizer_kind="bpe", vocab_size=300)
    ws.set_model_config(**MODEL)
    ws.set_train_config(max_steps=steps, **TRAIN)
    return ws


def train(ws: Workspace) -> list[float]:
    losses = []
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
        if record.kind == "step":
            losses.append(record.loss)
    return losses


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def twins(corpus) -> tuple[Workspace, Workspace]:
    """A workspace to train 2K steps straight and one to train K, from the same initial weights.

    (Building a model draws its initial weights from torch's global generator, not from the seed.)
    """
    straight, before = workspace(corpus, 2 * K), workspace(corpus, K)
    straight.ensure_model().load_state_dict(before.ensure_model().state_dict())
    return straight, before


def test_reopened_and_trained_on_equals_the_uninterrupted_run(corpus, tmp_path):
    straight, before = twins(corpus)
    expected = train(straight)
    first = train(before)
    path = save_session(tmp_path / "half.playground", before)
    del before
    reopened, _ui = load_session(path)
    assert reopened.trained_steps == K
    second = train(reopened)  # Start again: K more steps

    assert len(expected) == 2 * K and len(first) == K and len(second) == K
    assert first + second == pytest.approx(expected, rel=1e-5, abs=1e-6)
    assert reopened.trained_steps == straight.trained_steps == 2 * K
    for (name, a), b in zip(straight.model.state_dict().items(), reopened.model.state_dict().values()):
        assert torch.allclose(a, b, rtol=1e-5, atol=1e-6), name


def test_the_check_can_fail_a_run_that_does_not_resume(corpus, tmp_path):
    """Without the optimizer's moments the losses part: the comparison above is not vacuous."""
    straight, before = twins(corpus)
    expected = train(straight)
    first = train(before)
    reopened, _ui = load_session(save_session(tmp_path / "half.playground", before))
    reopened.trainer = None  # forget the AdamW moments, as a session without them would
    second = train(reopened)
    assert first == pytest.approx(expected[:K], rel=1e-5, abs=1e-6)
    assert second != pytest.approx(expected[K:], rel=1e-5, abs=1e-6)
