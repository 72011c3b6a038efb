"""Generated text never shows "\ufffd": byte tokens are only drawn where they keep the output valid UTF-8."""

import pytest
import torch

from playground.core.model import ModelConfig, build_model
from playground.core.sample import SampleConfig, generate
from playground.core.tokenizer import Tokenizer
from playground.core.tokenizer_kinds import KINDS
from playground.core.utf8_guard import Utf8Guard

CORPUS = ["the cat sat on the mat, and the dog ran", "滚滚长江东逝水，浪花淘尽英雄。却说曹操", "我笑了😂👍🏽！好 😀"] * 3
PROMPTS = {"english": "the cat", "chinese": "却说曹操", "emoji": "我笑了😂"}


def spread_model(tok, seed):
    """A random model with spread-out weights: peaked distributions over every token, byte tokens included."""
    torch.manual_seed(seed)
    model = build_model(ModelConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, d_model=32, d_ff=64,
                                    block_size=64))
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2:
                p.normal_(0.0, 0.5)
    return model


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", PROMPTS)
def test_untrained_models_generate_whole_characters(kind, language):
    tok = Tokenizer.train(kind, CORPUS, vocab_size=None if kind == "char" else 300)
    prompt = tok.encode_ids(PROMPTS[language])
    for seed in range(4):
        model = spread_model(tok, seed)
        for settings in (dict(greedy=True), dict(temperature=1.5, seed=seed)):
            steps = generate(model, tok, prompt, SampleConfig(max_new_tokens=40, stop_at_eos=False, **settings))
            text = tok.decode(prompt + [s.id for s in steps])
            assert "\ufffd" not in text, (kind, seed, settings, text)
            assert "".join(s.text for s in steps) == text[len(tok.decode(prompt)):]


def test_a_begun_character_takes_only_the_bytes_that_go_on_with_it():
    tok = Tokenizer.train("bpe", ["abc"], vocab_size=270)
    lead, middle, last = tok.encode_ids("中")  # E4 B8 AD, one byte token each
    guard = Utf8Guard(tok)
    start = guard.allowed()
    assert start[tok.encode_ids("a")[0]] and start[lead] and start[tok.eos_id]
    assert not start[middle] and not start[last]  # a continuation byte cannot begin a character
    guard.push(lead)
    after_lead = guard.allowed()
    assert after_lead[middle] and not after_lead[lead] and not after_lead[tok.encode_ids("a")[0]]
    assert not after_lead[tok.eos_id]  # <eos> would cut 中 in half
    guard.push(middle)
    guard.push(last)
    assert guard.pending == b"" and torch.equal(guard.allowed(), start)


@pytest.mark.parametrize("kind", ["wordpiece", "unigram", "word"])
def test_kinds_without_byte_tokens_are_left_alone(kind):
    tok = Tokenizer.train(kind, CORPUS, vocab_size=300)
    guard = Utf8Guard(tok)
    logits = torch.zeros(tok.vocab_size)
    assert not guard.active and guard.restrict(logits) is logits and guard.allowed() is None


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_beam_search_makes_whole_characters_and_width_one_is_greedy(kind):
    from playground.core.sample import beam_search

    tok = Tokenizer.train(kind, CORPUS, vocab_size=None if kind == "char" else 300)
    prompt = tok.encode_ids(PROMPTS["chinese"])
    for seed in range(3):
        model = spread_model(tok, seed)
        for ids, _score in beam_search(model, tok, prompt, beam_width=3, max_new_tokens=12):
            assert "\ufffd" not in tok.decode(prompt + ids), (seed, ids)
        greedy = generate(model, tok, prompt, SampleConfig(max_new_tokens=12, greedy=True))
        (best, _score), = beam_search(model, tok, prompt, beam_width=1, max_new_tokens=12)
        assert best == [s.id for s in greedy if s.id != tok.eos_id]
