"""Beam search against brute force: every continuation of a tiny vocabulary scored by hand."""

import itertools

import pytest
import torch

from playground.core.model import ModelConfig, build_model
from playground.core.sample import NEVER_SAMPLED, beam_search
from playground.core.tokenizer import Tokenizer

MAX_NEW = 3
SRC = [5, 6, 6, 5]


@pytest.fixture(scope="module")
def tok():
    return Tokenizer.train("word", ["a b"])  # 7 tokens: 5 specials, "a" and "b"


def peaked_model(tok, architecture: str, seed: int):
    """A real tiny model with large random weights, so its next-token distributions are far from
    uniform and the scores of different continuations far apart."""
    torch.manual_seed(seed)
    model = build_model(ModelConfig(architecture=architecture, vocab_size=tok.vocab_size, n_layer=1, n_head=2,
                                    d_model=8, d_ff=16, block_size=8, pad_id=tok.pad_id)).eval()
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2:
                p.normal_(0.0, 1.0)
    return model


@torch.no_grad()
def brute_force(model, tok, prompt, src, length_penalty):
    """Every hypothesis beam search can return, as {generated ids without <eos>: score}.

    A hypothesis is up to MAX_NEW - 1 tokens then <eos>, or MAX_NEW tokens without <eos>;
    score = (sum of its tokens' log-probabilities, <eos> included) / (its length with <eos>) ** penalty.
    The specials that are never output (<pad>, <unk>, <bos>, <sep>) are left out, and the others'
    probabilities renormalised over what is left, as sampling does.
    """
    others = [i for i in range(tok.vocab_size) if i != tok.eos_id and i not in NEVER_SAMPLED]
    hypotheses = [list(body) + [tok.eos_id] for n in range(MAX_NEW) for body in itertools.product(others, repeat=n)]
    hypotheses += [list(body) for body in itertools.product(others, repeat=MAX_NEW)]
    src_t = torch.tensor([src]) if src is not None else None
    scores = {}
    for seq in hypotheses:
        full = torch.tensor([prompt + seq])
        logits, _ = model(full[:, :-1], src=src_t)  # the full forward, no cache
        logits[..., list(NEVER_SAMPLED)] = float("-inf")
        logprobs = torch.log_softmax(logits[0].double(), dim=-1)
        total = sum(logprobs[len(prompt) - 1 + k, token].item() for k, token in enumerate(seq))
        ids = seq[:-1] if seq[-1] == tok.eos_id else seq
        scores[tuple(ids)] = total / len(seq) ** length_penalty
    return scores


@pytest.mark.parametrize("architecture", ["decoder", "encoder-decoder"])
@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_beam_search_equals_brute_force(tok, architecture, length_penalty):
    src = SRC if architecture == "encoder-decoder" else None
    model = peaked_model(tok, architecture, seed=12)
    exact = brute_force(model, tok, [tok.bos_id], src, length_penalty)
    ranked = sorted(exact.items(), key=lambda kv: kv[1], reverse=True)
    # a beam as wide as the number of hypotheses keeps them all: it must return all, ranked as by hand
    everything = beam_search(model, tok, [tok.bos_id], beam_width=len(exact), max_new_tokens=MAX_NEW,
                             length_penalty=length_penalty, src_ids=src)
    assert [tuple(ids) for ids, _ in everything] == [ids for ids, _ in ranked]
    assert [s for _, s in everything] == pytest.approx([s for _, s in ranked], abs=1e-4)
    # narrower beams may miss the best, but every hypothesis they return is scored right, best first
    for width in (1, 2, 4):
        found = beam_search(model, tok, [tok.bos_id], beam_width=width, max_new_tokens=MAX_NEW,
                            length_penalty=length_penalty, src_ids=src)
        assert 1 <= len(found) <= width
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
        for ids, score in found:
            assert score == pytest.approx(exact[tuple(ids)], abs=1e-4)
        assert found[0][1] <= ranked[0][1] + 1e-4


def test_the_length_penalty_changes_the_winner(tok):
    """With these weights the most likely continuation is short, the best per-token one long:
    the two settings of the test above are not the same case twice."""
    model = peaked_model(tok, "decoder", seed=12)
    best = {}
    for penalty in (0.0, 1.0):
        exact = brute_force(model, tok, [tok.bos_id], None, penalty)
        best[penalty] = max(exact, key=exact.get)
        found = beam_search(model, tok, [tok.bos_id], beam_width=len(exact), max_new_tokens=MAX_NEW,
                            length_penalty=penalty)
        assert tuple(found[0][0]) == best[penalty]
    assert len(best[0.0]) < len(best[1.0]), best
