"""Generated text never shows "\ufffd", untrained or not: sampling and beam search over every kind and script."""

import pytest
import torch

from playground.core.model import ModelConfig, build_model
from playground.core.sample import SampleConfig, generate
from playground.core.tokenizer import Tokenizer
from playground.core.tokenizer_kinds import KINDS

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
