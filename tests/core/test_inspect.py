"""Inspector helpers: inputs as the task trains, head ablation, worked attention rows, PCA, and the truth test."""

import math
import time
from collections import Counter

import pytest
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from playground.core.checkpoint import fill_model, weights_of
from playground.core.errors import CheckpointError
from playground.core.inspect import (anti_diagonal_fraction, attention_names, attention_row, clear_head_masks,
                                     cross_attention_alignment, embedding_pca, inspect, inspect_inputs,
                                     monotone_fraction, set_head_masks, snapshot, softmax_at)
from playground.core.model import ModelConfig, build_model
from playground.core.errors import ConfigError
from playground.core.recipes import recipe_for_dataset
from playground.core.trace import check_inputs, trace

TINY = dict(n_layer=1, n_head=2, d_model=16, d_ff=32, dropout=0.0)


def _model(arch="decoder", seed=0):
    torch.manual_seed(seed)
    model = build_model(ModelConfig(architecture=arch, vocab_size=11, n_layer=2, n_head=2, d_model=8, d_ff=12,
                                    block_size=16))
    for p in model.parameters():  # larger than the init, so heads make a visible difference
        torch.nn.init.normal_(p, 0.0, 0.3)
    return model.eval()


def test_an_input_past_the_context_is_refused_before_any_work_saying_what_to_do():
    check_inputs(_model().cfg, [1] * 16)  # exactly the context fits
    with pytest.raises(ConfigError, match="input of 17 tokens is longer than the context length 16: shorten it to 16"):
        check_inputs(_model().cfg, [1] * 17)
    encoder_decoder = _model("encoder-decoder")
    check_inputs(encoder_decoder.cfg, [1] * 4, [2] * 16)
    with pytest.raises(ConfigError, match="input of 20 tokens"):
        check_inputs(encoder_decoder.cfg, [1] * 4, [2] * 20)  # the source has the same context
    lstm = build_model(ModelConfig(family="lstm", vocab_size=11, n_layer=1, d_model=8, lstm_hidden=8, block_size=16))
    check_inputs(lstm.cfg, [1] * 40)  # a recurrent model reads any length
    trace(lstm, [1] * 40)


REVERSAL_STEPS = 600  # measured: 98 % anti-diagonal at 600 steps, 79 % at 450 (its own shorter schedule)
# measured on 200 held-out numbers (last layer, heads averaged): 100 % of consecutive digit words read the
# source in order, 99.7 % on the very digit they name, place words 99.8 % on the last two source positions;
# 300 steps train in 21-24 s on 2 cores. Seeds 1-4 alike (≥ 99.6 %); at 200 steps two seeds of four read the
# named digit only a third of the time (their reading stood still).
NUMBERS_STEPS = 300
DIGIT_WORDS = "一二三四五六七八九"  # 1..9: each names one digit of the source
PLACE_WORDS = "十百千万"  # the place of a digit: how many digits are left to read


def _weights_folder(request, tmp_path_factory):
    """pytest's cache folder, kept between runs; under ``-p no:cacheprovider`` a temporary one (trains anew)."""
    cache = getattr(request.config, "cache", None)  # the attribute is missing without the cache plugin
    return cache.mkdir("inspect") if cache is not None else tmp_path_factory.mktemp("inspect")


def trained(request, tmp_path_factory, dataset: str, steps: int):
    """The dataset's default model after ``steps`` steps, kept in pytest's cache (safetensors) between runs."""
    from playground.core.train import Trainer

    recipe = recipe_for_dataset(dataset, train=dict(max_steps=steps, eval_interval=10**6, eval_batches=1,
                                                     eval_examples=8))
    path = _weights_folder(request, tmp_path_factory) / f"{dataset}-{steps}.safetensors"
    model = build_model(recipe.model)
    try:
        fill_model(model, load_file(path), path)
    except (OSError, SafetensorError, CheckpointError):  # not cached yet, cut short, or for a model since changed
        torch.manual_seed(0)
        model = build_model(recipe.model)  # from scratch, never from a half-filled copy
        started = time.perf_counter()
        for _record in Trainer(model, recipe.task, recipe.train).run():
            pass
        print(f"trained {dataset} for {steps} steps in {time.perf_counter() - started:.1f} s")
        save_file(weights_of(model), path)
    return model.eval(), recipe.task


@pytest.fixture(scope="session")
def trained_reversal(request, tmp_path_factory):
    return trained(request, tmp_path_factory, "reversal", REVERSAL_STEPS)


@pytest.fixture(scope="session")
def trained_numbers(request, tmp_path_factory):
    return trained(request, tmp_path_factory, "numbers-zh", NUMBERS_STEPS)


@pytest.fixture(scope="module")
def reversal():
    return recipe_for_dataset("reversal", model=TINY)


def test_inputs_follow_the_task_layout(reversal):
    tok = reversal.task.tokenizer
    ids, src = inspect_inputs(reversal.task, "abc", "c")
    assert src == tok.encode_ids("abc") + [tok.eos_id] and ids == [tok.bos_id] + tok.encode_ids("c")
    grammar = recipe_for_dataset("grammar", model=dict(TINY, block_size=32)).task
    assert inspect_inputs(grammar, "the cat") == (grammar.tokenizer.encode_ids("the cat"), None)
    assert inspect_inputs(grammar, "") == (grammar.tokenizer.encode_ids("\n"), None)


def test_attention_names_match_the_tracer_prefixes():
    model = _model("encoder-decoder")
    names = attention_names(model)
    tr = trace(model, [1, 2, 3], src_ids=[4, 5])
    assert names == ["encoder.0.attn", "encoder.1.attn", "decoder.0.attn", "decoder.0.cross_attn",
                     "decoder.1.attn", "decoder.1.cross_attn"]
    assert all(f"{n}.weights" in tr.names() for n in names)


def test_ablating_none_is_bit_equal_and_all_heads_of_a_layer_change_the_logits():
    model = _model("encoder-decoder")
    ids, src = [1, 2, 3, 4], [5, 6, 7]
    before = trace(model, ids, src).logits
    set_head_masks(model, {})
    assert torch.equal(trace(model, ids, src).logits, before)
    set_head_masks(model, {"decoder.1.attn": {0, 1}})
    assert not torch.allclose(trace(model, ids, src).logits, before)
    assert torch.equal(model.decoder[1].attn.head_mask, torch.zeros(2))
    clear_head_masks(model)
    assert torch.equal(trace(model, ids, src).logits, before)


def test_snapshot_leaves_the_model_alone():
    model = _model()
    copy = snapshot(model, {"decoder.0.attn": {1}})
    assert model.decoder[0].attn.head_mask is None
    assert torch.equal(copy.decoder[0].attn.head_mask, torch.tensor([1.0, 0.0]))


def test_inspect_before_and_after(reversal):
    model = build_model(reversal.model)
    tok = reversal.task.tokenizer
    ids, src = inspect_inputs(reversal.task, "abcd")
    plain = inspect(model, tok, ids, src)
    assert plain.trace is plain.baseline and plain.embedding_2d.shape == (reversal.model.vocab_size, 2)
    off = inspect(model, tok, ids, src, {"decoder.0.cross_attn": {0, 1}})
    assert torch.equal(off.baseline.logits, plain.trace.logits)
    assert not torch.equal(off.trace.logits, off.baseline.logits)
    assert model.decoder[0].cross_attn.head_mask is None  # only the snapshot was ablated


@pytest.mark.parametrize("arch", ["decoder", "encoder-decoder"])
def test_attention_row_is_the_recorded_arithmetic(arch):
    model = _model(arch)
    tr = trace(model, [1, 2, 3, 4], src_ids=[5, 6, 7] if arch != "decoder" else None)
    prefix = "decoder.1.cross_attn" if arch != "decoder" else "decoder.1.attn"
    row = attention_row(tr, prefix, head=1, query=2)
    q, k = tr.get(f"{prefix}.q").tensor[1, 2], tr.get(f"{prefix}.k").tensor[1]
    assert torch.allclose(torch.tensor(row.scores), k @ q / math.sqrt(row.head_size), atol=1e-5)
    kept = torch.tensor(row.scores).masked_fill(~torch.tensor(row.keep), -math.inf)
    assert torch.allclose(torch.softmax(kept, -1), torch.tensor(row.weights), atol=1e-6)
    assert torch.allclose(torch.tensor(row.weights) @ row.values, torch.tensor(row.output), atol=1e-5)
    if arch == "decoder":
        assert row.keep == [True, True, True, False]  # query 2 never sees key 3: the causal mask


def test_softmax_at_temperature():
    z = torch.tensor([1.0, 2.0, 3.0])
    assert torch.allclose(softmax_at(z, 1.0), torch.softmax(z, -1))
    assert torch.allclose(softmax_at(z, 0.5), torch.softmax(z * 2, -1))


def test_embedding_pca_finds_the_main_direction():
    w = torch.zeros(5, 3)
    w[:, 1] = torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0])  # all the spread along one axis
    xy = embedding_pca(w)
    assert xy.shape == (5, 2)
    assert torch.allclose(xy[:, 0].abs(), w[:, 1].abs(), atol=1e-5) and torch.allclose(xy[:, 1], torch.zeros(5), atol=1e-5)


def test_embedding_pca_fits_the_given_rows_and_hides_the_rest():
    w = torch.zeros(6, 3)
    w[:4, 2] = torch.tensor([-1.0, -0.5, 0.5, 1.0])  # the learned rows spread along one axis
    w[4:, 0] = 50.0  # two far-off untrained rows that would take the main direction
    xy = embedding_pca(w, rows=[0, 1, 2, 3])
    assert torch.isnan(xy[4:]).all() and torch.isfinite(xy[:4]).all()
    assert torch.allclose(xy[:4, 0].abs(), w[:4, 2].abs(), atol=1e-5)
    assert not torch.allclose(embedding_pca(w)[:4, 0].abs(), w[:4, 2].abs(), atol=1e-2)  # all rows: swamped


def test_the_map_leaves_out_specials_and_byte_fallback_rows_the_input_does_not_use(reversal):
    from playground.core.inspect import mapped_rows

    tok = reversal.task.tokenizer
    fallback = set(tok.byte_fallback_ids())
    assert len(fallback) == 256
    ids = tok.encode_ids("abc") + [tok.eos_id]
    rows = mapped_rows(tok, ids, None)
    assert set(rows).isdisjoint(fallback) and set(ids) <= set(rows)
    assert tok.pad_id not in rows and tok.bos_id not in rows and tok.eos_id in rows  # <eos> is in the input
    byte = next(iter(fallback))
    assert byte in mapped_rows(tok, ids + [byte], None)  # a byte the input uses stays on the map
    model = build_model(reversal.model)
    src = inspect_inputs(reversal.task, "abc")[1]
    shown = inspect(model, tok, [tok.bos_id], src).embedding_2d
    assert torch.isnan(shown[sorted(fallback)]).all() and torch.isfinite(shown[src]).all()


def test_anti_diagonal_fraction():
    assert anti_diagonal_fraction([3, 2, 1, 0], 4) == 1.0
    assert anti_diagonal_fraction([0, 1, 2, 3], 4) == 0.0


def test_monotone_fraction():
    assert monotone_fraction([0, 1, 1, 3]) == 1.0  # standing still is not going back
    assert monotone_fraction([2, 0, 1]) == 0.5
    assert monotone_fraction([3, 2, 1, 0]) == 0.0
    assert monotone_fraction([4]) == monotone_fraction([]) == 1.0  # no pair to go back in


def test_trained_reversal_cross_attention_is_the_anti_diagonal(trained_reversal):
    """The truth test: the picture shows what the model does — the last layer reads the source backwards."""
    model, task = trained_reversal
    tok = task.tokenizer
    hits = total = 0
    for source, target in task.val_pairs[:100]:
        ids, src = inspect_inputs(task, source)
        tr = trace(model, ids + tok.encode_ids(target), src)
        n = len(source)
        hits += round(anti_diagonal_fraction(cross_attention_alignment(tr), n) * n)
        total += n
    fraction = hits / total
    print(f"anti-diagonal fraction of the last cross-attention layer: {fraction:.3f}")
    assert fraction >= 0.9


def test_trained_numbers_cross_attention_reads_the_digits_left_to_right(trained_numbers):
    """The truth test for numbers-zh ("8253" -> 八千二百五十三): the picture shows how the model reads.

    The rule, fixed before looking: the last layer, heads averaged (what the inspector draws), one
    row per output token; rows are chosen by the word they produce, never by where they look. A
    digit word (一..九) reads the digit it names, so consecutive digit words move through the
    source left to right; a place word (十百千万) looks at the end of the source (its end mark, at
    times the last digit), where the model counts how many digits are left. Over all rows the
    alignment is monotone only about 60 % of the time (it jumps to the end and back for each
    place word): printed, not asserted.
    """
    model, task = trained_numbers
    tok = task.tokenizer
    n = Counter()
    for source, target in task.val_pairs[:200]:
        ids, src = inspect_inputs(task, source)
        alignment = cross_attention_alignment(trace(model, ids + tok.encode_ids(target), src))
        produced = list(target) + ["<eos>"]  # row i (its query is token i) produces the word produced[i]
        digits = [i for i, word in enumerate(produced) if word in DIGIT_WORDS]
        places = [i for i, word in enumerate(produced) if word in PLACE_WORDS]
        read = [alignment[i] for i in digits]
        n["pairs"] += max(len(read) - 1, 0)
        n["in order"] += round(monotone_fraction(read) * max(len(read) - 1, 0))
        n["digits"] += len(digits)
        n["named"] += sum(source[alignment[i]:alignment[i] + 1] == str(DIGIT_WORDS.index(produced[i]) + 1)
                          for i in digits)
        n["places"] += len(places)
        n["end"] += sum(alignment[i] >= len(src) - 2 for i in places)  # the last digit or <eos>
        n["all pairs"] += len(alignment) - 1
        n["all in order"] += round(monotone_fraction(alignment) * (len(alignment) - 1))
    in_order, named, end = n["in order"] / n["pairs"], n["named"] / n["digits"], n["end"] / n["places"]
    print(f"digit words in source order: {in_order:.3f} of {n['pairs']} pairs; on the digit they name: "
          f"{named:.3f}; place words at the end: {end:.3f}; all rows in order: "
          f"{n['all in order'] / n['all pairs']:.3f}")
    assert n["pairs"] > 300 and in_order >= 0.9
    assert named >= 0.9  # the reading moves: an alignment that stood still would be monotone too
    assert end >= 0.9


def test_token_counts_count_the_training_data(reversal):
    from playground.core.inspect import token_counts
    from playground.core.recipes import recipe_for_text

    task = reversal.task
    counts = token_counts(task, reversal.model.vocab_size)
    assert counts.shape == (reversal.model.vocab_size,)
    expected = sum(len(s) + len(t) for s, t in task.encoded("train"))
    assert counts.sum() == expected and counts[task.tokenizer.pad_id] == 0
    text = recipe_for_text("孙悟空 悟空 空\n" * 50, is_text=True, model=dict(n_layer=1, n_head=2, d_model=16,
                           d_ff=32, block_size=16)).task
    counts = token_counts(text, text.tokenizer.vocab_size)
    kong, wu = text.tokenizer.token_to_id("空"), text.tokenizer.token_to_id("悟")
    assert counts.sum() == len(text.train_ids) and counts[kong] > counts[wu] > 0
