"""Sampling: the KV cache agrees with the full forward, seeds, filters, <eos>, beam search, overflow."""

import math

import pytest
import torch

from playground.core.errors import ConfigError
from playground.core.model import ModelConfig, build_model
from playground.core.sample import SampleConfig, beam_search, generate, nucleus, stream
from playground.core.tokenizer import Tokenizer

BLOCK = 16


@pytest.fixture(scope="module")
def tok():
    return Tokenizer.train("char", ["the quick brown fox jumps over the lazy dog"])


def tiny_model(tok, architecture="decoder", position="learned", norm="pre", seed=0):
    """A small random model with spread-out weights, so its distributions are peaked and ties rare."""
    torch.manual_seed(seed)
    cfg = ModelConfig(architecture=architecture, vocab_size=tok.vocab_size, n_layer=2, n_head=4, d_model=32,
                      d_ff=64, block_size=BLOCK, position=position, norm=norm)
    model = build_model(cfg)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2:
                p.normal_(0.0, 0.3)
    return model


def inputs(tok, architecture):
    """(prompt_ids, src_ids) for the architecture."""
    if architecture == "encoder-decoder":
        return [tok.bos_id], tok.encode_ids("the lazy fox")
    return tok.encode_ids("the"), None


def ids_of(steps):
    return [s.id for s in steps]


SETTINGS = [dict(greedy=True), dict(temperature=1.0, top_k=20, top_p=0.95, seed=3)]


@pytest.mark.parametrize("architecture", ["decoder", "encoder-decoder"])
@pytest.mark.parametrize("position", ["learned", "sinusoidal", "rope"])
@pytest.mark.parametrize("norm", ["pre", "post"])
@pytest.mark.parametrize("settings", SETTINGS, ids=["greedy", "sampled"])
def test_cache_matches_full_forward(tok, architecture, position, norm, settings):
    model = tiny_model(tok, architecture, position, norm)
    prompt, src = inputs(tok, architecture)
    n = BLOCK - len(prompt) + 1  # the last token is never fed back, so this stays within the context
    runs = [generate(model, tok, prompt, SampleConfig(max_new_tokens=n + 5, stop_at_eos=False, use_cache=c,
                                                      **settings), src) for c in (True, False)]
    cached, full = runs
    if architecture == "encoder-decoder":
        assert len(cached) == len(full) == n  # the decoder stops when full
    cached, full = cached[:n], full[:n]
    assert ids_of(cached) == ids_of(full)
    for a, b in zip(cached, full):
        assert a.probability == pytest.approx(b.probability, abs=1e-5)
        assert [p for _i, _t, p in a.alternatives] == pytest.approx([p for _i, _t, p in b.alternatives], abs=1e-5)


def test_same_seed_same_tokens_different_seed_different(tok):
    model = tiny_model(tok)
    prompt, _ = inputs(tok, "decoder")

    def run(seed):
        return ids_of(generate(model, tok, prompt, SampleConfig(30, temperature=1.5, seed=seed, stop_at_eos=False)))
    assert run(7) == run(7)
    assert run(7) != run(8)


@pytest.mark.parametrize("filters", [dict(top_k=1), dict(top_p=1e-6)], ids=["top_k=1", "tiny top_p"])
def test_narrow_filters_equal_greedy(tok, filters):
    model = tiny_model(tok)
    prompt, _ = inputs(tok, "decoder")
    greedy = generate(model, tok, prompt, SampleConfig(12, greedy=True, stop_at_eos=False))
    narrow = generate(model, tok, prompt, SampleConfig(12, seed=0, stop_at_eos=False, **filters))
    assert ids_of(narrow) == ids_of(greedy)
    assert all(s.probability == pytest.approx(1.0) for s in narrow)


def test_steps_report_sorted_alternatives_with_the_chosen_token(tok):
    model = tiny_model(tok)
    prompt, _ = inputs(tok, "decoder")
    steps = generate(model, tok, prompt, SampleConfig(20, temperature=1.5, seed=1, stop_at_eos=False))
    assert [s.position for s in steps] == list(range(len(prompt), len(prompt) + 20))
    for s, before in zip(steps, [None, *steps]):
        probs = [p for _i, _t, p in s.alternatives]
        assert probs == sorted(probs, reverse=True) and len(probs) <= 6
        token_text = tok.decode([s.id]) or tok.id_to_token(s.id)
        assert (s.id, token_text, s.probability) in s.alternatives
        assert all(0.0 < p <= 1.0 for p in probs)
        assert s.logprob == pytest.approx(math.log(s.probability))
        held = [t is not None and tok.id_to_token(t.id).startswith("<0x") for t in (s, before)]
        if not any(held):  # else part of a run of byte tokens, shown whole when it ends
            assert s.text == token_text


def test_nucleus_hand_example():
    kept = nucleus(torch.tensor([0.5, 0.3, 0.2]), 0.7)
    assert kept.tolist() == pytest.approx([0.625, 0.375, 0.0])


@pytest.fixture(scope="module")
def eos_model(tok):
    """A tiny model trained to continue <bos> with "fox" then <eos>; returns (model, body ids)."""
    body = tok.encode_ids("fox")
    model = tiny_model(tok)
    seq = torch.tensor([[tok.bos_id, *body, tok.eos_id]])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(60):
        _logits, loss = model(seq[:, :-1], seq[:, 1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model, body


@pytest.mark.parametrize("use_cache", [True, False])
def test_stops_right_after_eos(tok, eos_model, use_cache):
    model, body = eos_model
    steps = generate(model, tok, [tok.bos_id], SampleConfig(10, greedy=True, use_cache=use_cache))
    assert ids_of(steps) == [*body, tok.eos_id]
    assert steps[-1].token == "<eos>" and steps[-1].text == ""  # <eos> adds nothing to the decoded text
    endless = generate(model, tok, [tok.bos_id], SampleConfig(10, greedy=True, stop_at_eos=False))
    assert len(endless) == 10


def test_beam_search_ends_hypotheses_at_eos(tok, eos_model):
    model, body = eos_model
    beams = beam_search(model, tok, [tok.bos_id], beam_width=3, max_new_tokens=10)
    assert beams[0][0] == body  # without the <eos>
    assert all(tok.eos_id not in ids for ids, _score in beams)


@pytest.mark.parametrize("architecture", ["decoder", "encoder-decoder"])
def test_beam_width_one_is_greedy(tok, architecture):
    model = tiny_model(tok, architecture)
    prompt, src = inputs(tok, architecture)
    greedy = ids_of(generate(model, tok, prompt, SampleConfig(10, greedy=True, use_cache=False), src))
    if greedy[-1] == tok.eos_id:
        greedy = greedy[:-1]
    [(ids, _score)] = beam_search(model, tok, prompt, beam_width=1, max_new_tokens=10, src_ids=src)
    assert ids == greedy


@pytest.mark.parametrize("architecture", ["decoder", "encoder-decoder"])
def test_beam_scores_sorted_and_at_least_greedy(tok, architecture):
    model = tiny_model(tok, architecture, seed=1)
    prompt, src = inputs(tok, architecture)
    greedy = generate(model, tok, prompt, SampleConfig(8, greedy=True, use_cache=False), src)
    beams = beam_search(model, tok, prompt, beam_width=4, max_new_tokens=8, length_penalty=0.0, src_ids=src)
    scores = [score for _ids, score in beams]
    assert 1 <= len(beams) <= 4 and scores == sorted(scores, reverse=True)
    assert scores[0] >= sum(s.logprob for s in greedy) - 1e-4


@pytest.mark.parametrize("use_cache", [True, False])
def test_generates_past_the_context_length(tok, use_cache):
    model = tiny_model(tok)
    steps = generate(model, tok, tok.encode_ids("the"), SampleConfig(3 * BLOCK, seed=0, stop_at_eos=False,
                                                                     use_cache=use_cache))
    assert len(steps) == 3 * BLOCK and steps[-1].position == 3 + 3 * BLOCK - 1
    long_prompt = tok.encode_ids("the quick brown fox jumps")  # longer than the context
    assert len(generate(model, tok, long_prompt, SampleConfig(5, use_cache=use_cache, stop_at_eos=False))) == 5


def test_model_mode_restored_and_inference_mode_not_leaked(tok):
    model = tiny_model(tok)
    model.train()
    steps = stream(model, tok, [tok.bos_id], SampleConfig(3, stop_at_eos=False))
    next(steps)
    assert not torch.is_inference_mode_enabled()
    list(steps)
    assert model.training
    beam_search(model, tok, [tok.bos_id], max_new_tokens=3)
    assert model.training


@pytest.mark.parametrize("settings", [
    dict(max_new_tokens=0), dict(temperature=0.0), dict(temperature=-1.0), dict(top_k=0),
    dict(top_p=0.0), dict(top_p=1.5), dict(alternatives=-1)])
def test_bad_settings_raise(settings):
    with pytest.raises(ConfigError):
        SampleConfig(**settings)


def test_greedy_allows_zero_temperature():
    SampleConfig(greedy=True, temperature=0.0)


def test_bad_inputs_raise_before_the_first_token(tok):
    model, encdec = tiny_model(tok), tiny_model(tok, "encoder-decoder")
    cfg = SampleConfig()
    with pytest.raises(ConfigError):
        stream(model, tok, [], cfg)
    with pytest.raises(ConfigError):
        stream(model, tok, [tok.vocab_size], cfg)
    with pytest.raises(ConfigError):
        stream(encdec, tok, [tok.bos_id], cfg)  # no source
    with pytest.raises(ConfigError):
        beam_search(model, tok, [tok.bos_id], beam_width=0)


def test_a_character_split_over_byte_tokens_is_shown_whole_by_the_token_that_completes_it():
    from playground.core.sample import StreamText

    tokenizer = Tokenizer.train("bpe", ["hello world, the cat sat"], vocab_size=300)
    ids = tokenizer.encode_ids("a中b😀c")
    assert any(tokenizer.decode([i]) == "\ufffd" for i in ids)  # the test needs split characters
    stream = StreamText(tokenizer, [tokenizer.bos_id])
    added = [stream.add(i) for i in ids]
    assert "".join(added) == "a中b😀c" and "\ufffd" not in "".join(added)
    assert "中" in added and "😀" in added and added.count("") == len(ids) - 5


def test_a_char_tokenizers_byte_run_is_shown_whole_when_it_ends():
    """HF decodes a run of byte tokens as one (one bad byte spoils the run), so the run is held to its end."""
    from playground.core.sample import StreamText

    tokenizer = Tokenizer.train("char", ["hello world, the cat sat"])
    ids = tokenizer.encode_ids("a中b😀c")  # 中, b and 😀 are unseen: one run of 8 byte tokens
    stream = StreamText(tokenizer, [tokenizer.bos_id])
    added = [stream.add(i) for i in ids]
    assert added == ["a", *[""] * 8, "中b😀c"]
    bad = StreamText(tokenizer, [tokenizer.bos_id])
    run = ids[1:4] + [tokenizer.token_to_id("<0xFF>")]  # 中 then an invalid byte
    assert [bad.add(i) for i in run] == ["", "", "", ""] and bad.flush() == tokenizer.decode(run) == "\ufffd" * 4
    across = StreamText(tokenizer, [tokenizer.bos_id])  # decode skips <eos>, so the run goes on past it
    run = [tokenizer.token_to_id(f"<0x{b:02X}>") for b in (0x38, 0x21)]
    run = [run[0], tokenizer.eos_id, run[1], tokenizer.token_to_id("<0xFF>")]
    assert "".join(across.add(i) for i in run) + across.flush() == tokenizer.decode(run) == "\ufffd" * 3


def test_invalid_bytes_are_shown_as_soon_as_they_cannot_start_a_character():
    """Only the last replacement character can still become a character: the ones before it are shown."""
    from playground.core.sample import StreamText

    tokenizer = Tokenizer.train("bpe", ["abc"], vocab_size=270)
    lead = tokenizer.encode_ids("中")[0]  # a lead byte with no continuation bytes after it
    stream = StreamText(tokenizer, [tokenizer.bos_id])
    added = [stream.add(lead) for _ in range(5)]
    assert added == ["", "\ufffd", "\ufffd", "\ufffd", "\ufffd"]
    rest = tokenizer.encode_ids("中")[1:]
    assert [stream.add(i) for i in rest] == ["", "中"]  # the fifth lead byte did start a character
    assert "".join(added) + "中" == tokenizer.decode([lead] * 5 + rest)
    assert stream.flush() == ""


@pytest.fixture(scope="module")
def specials_model(tok):
    """A tiny model trained to predict <pad>, <unk>, <bos> and <sep> after anything."""
    from playground.core.sample import NEVER_SAMPLED

    model = tiny_model(tok)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(40):
        specials = torch.tensor(NEVER_SAMPLED)[torch.randint(len(NEVER_SAMPLED), (8, BLOCK), generator=g)]
        seq = torch.cat((torch.full((8, 1), tok.encode_ids("t")[0]), specials), dim=1)
        _logits, loss = model(seq[:, :-1], seq[:, 1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def test_specials_that_mean_nothing_are_never_sampled(tok, specials_model):
    from playground.core.sample import NEVER_SAMPLED, without_specials

    prompt = tok.encode_ids("t")
    with torch.no_grad():
        raw = torch.softmax(specials_model.logits(specials_model.decode(torch.tensor([prompt]), None, None)), -1)
    assert raw[0, -1, list(NEVER_SAMPLED)].sum() > 0.9  # the model itself does want them
    settings = [dict(greedy=True), dict(temperature=2.0, seed=1), dict(top_k=3, seed=2), dict(top_p=0.5, seed=3)]
    for extra in settings:
        cfg = SampleConfig(max_new_tokens=BLOCK - 1, stop_at_eos=False, **extra)
        steps = generate(specials_model, tok, prompt, cfg)
        chosen = {s.id for s in steps} | {i for s in steps for i, _t, _p in s.alternatives}
        assert not chosen & set(NEVER_SAMPLED), extra
        assert all(s.probability > 0 for s in steps)
    for ids, _score in beam_search(specials_model, tok, prompt, beam_width=3, max_new_tokens=6):
        assert not set(ids) & set(NEVER_SAMPLED)
    assert torch.isinf(without_specials(torch.zeros(tok.vocab_size))[list(NEVER_SAMPLED)]).all()


@pytest.mark.parametrize("kind", ["char", "bpe", "wordpiece", "unigram", "word"])
def test_an_untrained_model_never_emits_pad_unk_bos_or_sep(kind):
    from playground.core.sample import NEVER_SAMPLED

    tokenizer = Tokenizer.train(kind, ["the cat sat on the mat, 猫坐在垫子上 😀"] * 20,
                                vocab_size={"char": None, "bpe": 300}.get(kind, 60))
    model = tiny_model(tokenizer)
    for seed in range(5):
        steps = generate(model, tokenizer, [tokenizer.bos_id], SampleConfig(max_new_tokens=200, seed=seed,
                                                                            temperature=3.0, stop_at_eos=False))
        assert not {s.id for s in steps} & set(NEVER_SAMPLED)
