"""StreamText: the streamed pieces join to the decoded text, for every tokenizer kind and script."""

import functools

import pytest

from playground.core.model import ModelConfig, build_model
from playground.core.sample import StreamText, SampleConfig, generate
from playground.core.tokenizer import KINDS, Tokenizer

# Mixed, but without 😀🎉 and some Chinese characters of TEXTS: those fall back to byte tokens
# (char) or stay split into bytes (bpe), or become <unk>.
CORPUS = [
    "Alice was beginning to get very tired of sitting by her sister on the bank.\n",
    "Alice would have possibly said so, but the rabbit reclining ran off.\n",
    "孙悟空是一只猴子，他住在花果山。猴子们都很高兴。\n",
    "We laughed 😂 and cheered 👍 until midnight, then slept 😴.\n",
] * 30
VOCAB_SIZES = {"char": None, "bpe": 320, "wordpiece": 150, "unigram": 150, "word": 80}
TEXTS = {
    "english": "Alice would have possibly said, \"Re-reclining? Don't!\" — and ran off.",
    "chinese": "孙悟空说：今天天气很好，我们去花果山玩吧！",
    "emoji": "We cheered 👍😀 and 🎉 then slept 😴😂 again.",
}


@functools.cache
def tokenizer(kind: str) -> Tokenizer:
    return Tokenizer.train(kind, CORPUS, vocab_size=VOCAB_SIZES[kind])


def streamed(tok, prompt_ids, new_ids, prompt_text=None) -> list[str]:
    text = StreamText(tok, prompt_ids, prompt_text)
    return [text.add(i) for i in new_ids] + [text.flush()]


@pytest.mark.parametrize("language", list(TEXTS))
@pytest.mark.parametrize("kind", KINDS)
def test_joined_pieces_are_the_decoded_continuation_at_every_split(kind, language):
    tok = tokenizer(kind)
    ids = tok.encode_ids(TEXTS[language])
    whole = tok.decode(ids)
    splits = [k for k in range(1, len(ids)) if whole.startswith(tok.decode(ids[:k]))]
    if kind in ("char", "bpe"):
        assert len(splits) >= 10  # every split that ends on a whole character
    else:
        assert len(splits) == len(ids) - 1  # no byte tokens: every split
    for k in splits:
        pieces = streamed(tok, ids[:k], ids[k:])
        assert tok.decode(ids[:k]) + "".join(pieces) == whole, (k, pieces)
        assert "\ufffd" not in "".join(pieces)  # split characters are shown whole, never as halves


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_the_test_texts_do_split_characters_over_byte_tokens(kind):
    tok = tokenizer(kind)
    ids = tok.encode_ids(TEXTS["emoji"] + TEXTS["chinese"])
    held = [p for p in streamed(tok, ids[:1], ids[1:]) if p == ""]
    assert len(held) >= 4


@pytest.mark.parametrize("kind", KINDS)
def test_the_first_generated_word_is_spaced_from_the_prompt(kind):
    tok = tokenizer(kind)
    prompt, both = tok.encode_ids("Alice"), tok.encode_ids("Alice would")
    assert both[:len(prompt)] == prompt
    assert "Alice" + "".join(streamed(tok, prompt, both[len(prompt):], "Alice")) == "Alice would"
    # a prompt typed with a space after it: the space the decoder puts before the word is not doubled
    # (unless the tokenizer keeps that space as a token: then the text is what decode gives)
    typed, would = tok.encode_ids("Alice "), tok.encode_ids("would")
    kept = tok.decode(typed).endswith(" ")
    assert kept == (kind in ("char", "bpe", "unigram"))
    expected = tok.decode(typed + would) if kept else "Alice would"
    assert "Alice " + "".join(streamed(tok, typed, would, "Alice ")) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_wordpiece_and_sentencepiece_marks_never_show(kind):
    tok = tokenizer(kind)
    joined = "".join(streamed(tok, [tok.bos_id], tok.encode_ids("the rabbit reclining")))
    assert joined == "the rabbit reclining"  # no '##', '▁' or 'Ġ'; the words apart, one space each


@pytest.mark.parametrize("language", list(TEXTS))
@pytest.mark.parametrize("kind", KINDS)
def test_sampled_steps_join_to_the_decoded_output(kind, language):
    """Real sampling from a small random model: the steps' texts are the decoded continuation."""
    import torch

    tok = tokenizer(kind)
    torch.manual_seed(0)
    model = build_model(ModelConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, d_model=32, d_ff=64,
                                    block_size=64))
    prompt_text = TEXTS[language][:12]
    prompt = tok.encode_ids(prompt_text)
    for seed in range(3):
        steps = generate(model, tok, prompt, SampleConfig(max_new_tokens=60, seed=seed, temperature=2.0,
                                                          stop_at_eos=False, alternatives=0))
        generated = [s.id for s in steps]
        whole, start = tok.decode(prompt + generated), tok.decode(prompt)
        assert whole.startswith(start)
        assert "".join(s.text for s in steps) == whole[len(start):]


@pytest.mark.parametrize("kind", KINDS)
def test_next_text_is_spaced_so_the_text_encodes_back_to_the_same_ids(kind):
    """The inspector's Next token: "the rabbit" + [ran] -> "the rabbit ran", never "the rabbitran"."""
    from playground.core.inspect import next_text

    tok = tokenizer(kind)
    typed, longer = "the rabbit", "the rabbit ran off"
    ids, more = tok.encode_ids(typed), tok.encode_ids(longer)
    assert more[:len(ids)] == ids
    text = typed
    while len(tok.encode_ids(text)) < len(more):
        piece, used = next_text(tok, tok.encode_ids(text), more[len(tok.encode_ids(text)):], text)
        assert tok.encode_ids(text + piece) == more[:len(tok.encode_ids(text)) + used]
        text += piece
    assert text == longer


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_next_text_takes_a_split_character_whole(kind):
    from playground.core.inspect import next_text

    tok = tokenizer(kind)
    ids, more = tok.encode_ids("孙悟空"), tok.encode_ids("孙悟空说")
    assert more[:len(ids)] == ids and len(more) - len(ids) >= 2  # 说 is unseen: two or more byte tokens
    assert next_text(tok, ids, more[len(ids):], "孙悟空") == ("说", len(more) - len(ids))


# --- special tokens: asked of the tokenizer, not assumed at ids 0-4 -------------------------------
KINDS_AND_GPT2 = [*KINDS, "gpt2"]


@pytest.fixture(scope="module")
def gpt2_tokenizer(tmp_path_factory):
    pytest.importorskip("transformers")
    from playground.core.hf_gpt2 import load_gpt2
    from tests.gpt2_folders import tiny_gpt2_folder

    return load_gpt2(tiny_gpt2_folder(tmp_path_factory.mktemp("stream-gpt2"))).tokenizer


def any_tokenizer(kind, request):
    return request.getfixturevalue("gpt2_tokenizer") if kind == "gpt2" else tokenizer(kind)


@pytest.mark.parametrize("kind", KINDS_AND_GPT2)
def test_the_special_ids_are_the_tokens_decode_skips(kind, request):
    tok = any_tokenizer(kind, request)
    specials = tok.special_ids()
    if kind == "gpt2":  # <|endoftext|> is the last id, as in GPT-2 (50256); ids 0-4 are "!" '"' "#" "$" "%"
        assert specials == {tok.token_to_id("<|endoftext|>")} == {tok.vocab_size - 1}
        assert tok.decode(range(5)) == "!\"#$%"
    else:
        assert specials == set(range(5))
    assert all(tok.decode([i]) == "" for i in specials)


@pytest.mark.parametrize("language", list(TEXTS))
@pytest.mark.parametrize("kind", KINDS_AND_GPT2)
def test_pieces_with_special_tokens_among_them_join_to_the_decoded_text(kind, language, request):
    """Specials anywhere, in the prompt and among the new ids, inside runs of byte tokens too."""
    import random

    tok = any_tokenizer(kind, request)
    specials = sorted(tok.special_ids())
    ids = tok.encode_ids(TEXTS[language])
    rng = random.Random(len(ids))
    for _ in range(len(ids) // 2):
        ids.insert(rng.randrange(len(ids) + 1), rng.choice(specials))
    for k in range(0, len(ids), 3):
        whole, before = tok.decode(ids), tok.decode(ids[:k])
        if not whole.startswith(before):
            continue  # the prompt ends inside a character
        assert before + "".join(streamed(tok, ids[:k], ids[k:])) == whole, k


@pytest.mark.parametrize("kind", KINDS_AND_GPT2)
def test_each_token_decodes_a_few_ids_again_not_the_whole_text(kind, request, monkeypatch):
    """GPT-2's "!" is id 0: taken for a special (no text), a text of them was decoded whole at every token."""
    tok = any_tokenizer(kind, request)
    plain = min(i for i in range(tok.vocab_size) if i not in tok.special_ids() and tok.decode([i]).isprintable()
                and tok.decode([i]).strip())
    decoded = []
    real = tok.decode
    monkeypatch.setattr(tok, "decode", lambda ids, **kw: decoded.append(len(ids)) or real(ids, **kw))
    text = StreamText(tok, [plain] * 300)
    pieces = [text.add(i) for i in [plain] * 20]
    assert "".join(pieces) == real([plain] * 320)[len(real([plain] * 300)):]
    assert max(decoded) <= StreamText.CONTEXT + 1, (tok.id_to_token(plain), max(decoded))
