"""Generated text never shows a broken character (\ufffd) or a control character, whatever was sampled.

Seen on a novel: a char or BPE model trained 120 steps wrote "Mr. Darcy \x02it 1a?0Gat\ufffd n…",
because every byte has a token and an untrained model gives them all some probability.
"""

import functools
import unicodedata

import pytest
import torch

from playground.core.model import ModelConfig, build_model
from playground.core.sample import SampleConfig, generate
from playground.core.tokenizer import KINDS, Tokenizer
from playground.core.token_text import token_bytes, vocab_bytes
from playground.core.utf8_guard import ACCEPT, INVALID, OWED, Utf8Guard, next_state

CORPUS = [
    "It is a truth universally acknowledged, that a single man must be in want of a wife.\n",
    "孙悟空是一只猴子，他住在花果山。\n",
    "We laughed 😂 and cheered 👍 until midnight.\n",
] * 30
VOCAB_SIZES = {"char": None, "bpe": 320, "wordpiece": 150, "unigram": 150, "word": 80}
PROMPTS = {"english": "Mr. Darcy smiled", "chinese": "孙悟空说", "emoji": "We cheered 👍"}


@functools.cache
def tokenizer(kind: str) -> Tokenizer:
    return Tokenizer.train(kind, CORPUS, vocab_size=VOCAB_SIZES[kind])


def unreadable(text: str) -> list[str]:
    """The replacement characters and control characters (other than tab and line breaks) in text."""
    return [ch for ch in text if ch == "\ufffd" or unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"]


@pytest.mark.parametrize("language", list(PROMPTS))
@pytest.mark.parametrize("kind", KINDS)
def test_sampling_an_untrained_model_writes_only_whole_printable_characters(kind, language):
    tok = tokenizer(kind)
    torch.manual_seed(0)
    model = build_model(ModelConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, d_model=32, d_ff=64,
                                    block_size=128))
    prompt = tok.encode_ids(PROMPTS[language])
    for seed in range(3):
        steps = generate(model, tok, prompt, SampleConfig(max_new_tokens=100, seed=seed, temperature=1.5,
                                                          stop_at_eos=False, alternatives=0))
        generated = [s.id for s in steps]
        whole, start = tok.decode(prompt + generated), tok.decode(prompt)
        assert "".join(s.text for s in steps) == whole[len(start):]  # still the decoded text
        assert unreadable(whole) == [], (kind, seed, whole)


def test_c1_controls_and_the_planes_without_visible_characters_are_never_started():
    """Seen in Compare on a novel: a char model 40 steps in wrote "\x93" and U+866A9, a box each in the text view."""
    tok = tokenizer("char")
    guard = Utf8Guard(tok)
    after_c2 = {tok.id_to_token(i) for i in guard.allowed(guard.after(ACCEPT, tok.token_to_id("<0xC2>"))).nonzero()
                .flatten().tolist()}
    assert after_c2 == {f"<0x{b:02X}>" for b in range(0xA0, 0xC0)}  # U+00A0-U+00BF: no-break space to ¿
    between = guard.allowed(ACCEPT)
    assert not any(between[tok.token_to_id(f"<0x{b:02X}>")] for b in (0xF1, 0xF2, 0xF4))
    assert between[tok.token_to_id("<0xF0>")] and between[tok.token_to_id("<0xF3>")]
    for text in ("\u00a0", "é", "😂", "\U000E0067"):  # no-break space, a letter, emoji, a tag of a flag emoji
        state = ACCEPT
        for byte in text.encode("utf-8"):
            state = next_state(state, byte)
            assert state != -1, text
    for text in ("\u0093", "\U000866a9", "\U000F0000", "\U00100000"):
        state = ACCEPT
        for byte in text.encode("utf-8"):
            state = next_state(state, byte) if state != -1 else -1
        assert state == -1, text


def test_after_a_lead_byte_only_its_continuation_bytes_may_follow():
    tok = tokenizer("char")
    guard = Utf8Guard(tok)
    e6 = tok.token_to_id("<0xE6>")
    state = guard.after(ACCEPT, e6)  # 悟 is E6 82 9F
    allowed = {tok.id_to_token(i) for i in guard.allowed(state).nonzero().flatten().tolist()}
    assert allowed == {f"<0x{b:02X}>" for b in range(0x80, 0xC0)}
    assert guard.state_after([e6, tok.token_to_id("<0x82>"), tok.token_to_id("<0x9F>")]) == ACCEPT
    between = guard.allowed(ACCEPT)
    assert between[tok.token_to_id("a")] and between[tok.token_to_id("悟")] and between[tok.eos_id]
    assert not between[tok.token_to_id("<0x02>")] and not between[tok.token_to_id("<0x9F>")]
    assert between[tok.token_to_id("\n")] and not guard.allowed(state)[tok.eos_id]  # <eos> only between characters


@pytest.mark.parametrize("kind", ["bpe", "unigram", "wordpiece", "word"])
def test_every_whole_token_of_the_corpus_is_allowed_between_characters(kind):
    """The guard takes nothing away from text the model learnt: every token of the corpus stays allowed."""
    tok = tokenizer(kind)
    between = Utf8Guard(tok).allowed(ACCEPT)
    for line in CORPUS[:3]:
        ids = tok.encode_ids(line)
        whole = [i for i in ids if "\ufffd" not in tok.decode([i])]  # BPE pieces of a character are not whole
        assert whole and all(between[i] for i in whole), line


def test_utf8_automaton_rejects_overlong_and_surrogate_forms():
    assert next_state(ACCEPT, 0xC0) == next_state(ACCEPT, 0xF5) == -1  # never in UTF-8
    assert next_state(next_state(ACCEPT, 0xE0), 0x80) == -1  # overlong three-byte form
    assert next_state(next_state(ACCEPT, 0xED), 0xA0) == -1  # a surrogate
    assert next_state(next_state(ACCEPT, 0xE6), 0x82) == 1


@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    pytest.importorskip("transformers")
    from playground.core.hf_gpt2 import load_gpt2
    from tests.gpt2_folders import tiny_gpt2_folder

    return load_gpt2(tiny_gpt2_folder(tmp_path_factory.mktemp("guard-gpt2")))


@pytest.mark.parametrize("kind", [*KINDS, "gpt2"])
def test_the_guard_takes_the_specials_the_tokenizer_names_as_adding_no_text(kind, request):
    """It took the names <pad>...<sep> for the specials: GPT-2's <|endoftext|> counted as 13 bytes of text."""
    tok = request.getfixturevalue("gpt2").tokenizer if kind == "gpt2" else tokenizer(kind)
    guard = Utf8Guard(tok)
    assert {i for i, data in enumerate(guard.tokens) if data is None} == tok.special_ids()
    lead = next(i for i, data in enumerate(guard.tokens) if data and data[0] >= 0xC2)  # a character's first byte
    inside = guard.after(ACCEPT, lead)
    for special in tok.special_ids():
        assert guard.allowed(ACCEPT)[special] and guard.after(ACCEPT, special) == ACCEPT
        assert inside == ACCEPT or not guard.allowed(inside)[special]  # never inside a character


def test_sampling_a_gpt2_writes_only_whole_printable_characters(gpt2):
    tok = gpt2.tokenizer
    prompt = tok.encode_ids(PROMPTS["chinese"])
    for seed in range(3):
        steps = generate(gpt2.model, tok, prompt, SampleConfig(max_new_tokens=40, seed=seed, temperature=1.5,
                                                               stop_at_eos=False, alternatives=0))
        generated = [s.id for s in steps]
        whole, start = tok.decode(prompt + generated), tok.decode(prompt)
        assert "".join(s.text for s in steps) == whole[len(start):]
        assert unreadable(whole) == [], (seed, whole)


# -- the vectorised tables against the per-token definition ----------------------------------------------------


def reference_states_after(tokens: list[bytes | None], state: int) -> list[int]:
    """The guard's table as it was first written: each token's bytes through ``next_state``, one at a time."""
    after = []
    for data in tokens:
        if data is None:  # a special: only between characters
            after.append(state if state == ACCEPT else INVALID)
            continue
        current = state
        for byte in data:
            current = next_state(current, byte)
            if current == INVALID:
                break
        after.append(current)
    return after


def assert_tables_match_the_definition(tok) -> None:
    specials = tok.special_ids()
    tokens = [None if i in specials else token_bytes(tok.kind, t) for i, t in enumerate(tok.vocab())]
    guard = Utf8Guard(tok)
    assert guard.tokens == tokens
    for state in range(len(OWED)):  # state 7 is no longer reached, but has a table all the same
        expected = torch.tensor(reference_states_after(tokens, state))
        after = torch.tensor([guard.after(state, i) for i in range(len(tokens))])
        assert torch.equal(after, torch.where(expected == INVALID, ACCEPT, expected)), state
        for left in range(1, 6):
            mask = (expected != INVALID) & (torch.tensor(OWED)[expected] < min(left, 4))
            assert torch.equal(guard.allowed(state, left), mask), (state, left)


@pytest.mark.parametrize("kind", KINDS)
def test_every_state_table_equals_the_per_token_definition(kind):
    """Trained on English, Chinese and emoji (CORPUS): every state's after() and allowed() as token by token."""
    assert_tables_match_the_definition(tokenizer(kind))


def test_a_gpt2_sized_vocabulary_has_the_tables_of_the_per_token_definition():
    from tests.gpt2_folders import gpt2_sized_tokenizer

    tok = gpt2_sized_tokenizer()
    assert tok.vocab_size == 50257 and tok.special_ids() == {50256}
    assert_tables_match_the_definition(tok)


def test_the_tiny_gpt2_folder_has_the_tables_of_the_per_token_definition(gpt2):
    assert_tables_match_the_definition(gpt2.tokenizer)


def test_byte_level_tokens_are_spelled_out_as_token_bytes_does():
    tokens = ["Ġhello", "æĤŁ", "a b", "é x", "<|endoftext|>", "", "ĠæĤŁç©º", "悟", "Ċ", "ĉĠ"]
    assert vocab_bytes("bpe", tokens) == [token_bytes("bpe", t) for t in tokens]
    assert vocab_bytes("bpe", tokens)[:4] == [b" hello", "悟".encode()[:3], b"a b", "é x".encode()]
