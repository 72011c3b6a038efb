"""The lens: the logit lens's last row is the model's own output, attributions sum to the logit difference,
attention over rows, and the held-out loss with heads switched off."""

import itertools
import math

import pytest
import torch

from playground.core.errors import ConfigError
from playground.core.inspect import set_head_masks
from playground.core.lens import (ablation_loss, attention_over_rows, heldout_batches, heldout_loss, lens_distribution,
                                  logit_attribution, logit_lens, part_names, part_title, row_title, stream_names)
from playground.core.model import ACTIVATIONS, ARCHITECTURES, NORMS, POSITIONS, ModelConfig, build_model
from playground.core.trace import trace
from playground.core.train import Trainer

from .helpers import tiny_text_recipe

IDS = [3, 1, 4, 1, 5]
SRC = [9, 2, 6, 5, 0, 0]
COMBOS = list(itertools.product(ARCHITECTURES, NORMS, POSITIONS, ACTIVATIONS, (True, False)))


def _model(arch="decoder", norm="pre", position="learned", activation="gelu", bias=False, seed=0):
    torch.manual_seed(seed)
    cfg = ModelConfig(architecture=arch, norm=norm, position=position, activation=activation, bias=bias,
                      tie_weights=not bias, vocab_size=13, n_layer=2, n_head=2, d_model=8, d_ff=12, block_size=16)
    model = build_model(cfg)
    for p in model.parameters():  # larger than the 0.02 init so every layer moves the logits
        torch.nn.init.normal_(p, 0.0, 0.3)
    return model.eval()


def _traced(combo):
    model = _model(*combo)
    src = SRC if combo[0] == "encoder-decoder" else None
    return model, trace(model, IDS, src_ids=src, top_k=4)


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "-".join(map(str, c)))
def test_last_lens_row_is_the_models_own_softmax(combo):
    model, tr = _traced(combo)
    lens = logit_lens(model, tr, k=3)
    L, T, V = model.cfg.n_layer, len(IDS), model.cfg.vocab_size
    assert lens.rows == stream_names(model) and len(lens.rows) == L + 1
    assert lens.top_ids.shape == (L + 1, T, 3) and lens.top_probs.shape == (L + 1, T, 3)
    softmax = tr.get("softmax").tensor
    assert lens_distribution(model, tr, L).shape == (T, V)
    torch.testing.assert_close(lens_distribution(model, tr, L), softmax, rtol=0, atol=1e-6)
    torch.testing.assert_close(lens.top_probs[-1], softmax.topk(3, dim=-1).values, rtol=0, atol=1e-6)
    assert lens.top(L, T - 1)[0][0] == tr.top_k[0][0]
    # each cell's top-k is its distribution's k largest, most likely first
    for row in range(L + 1):
        p, i = lens_distribution(model, tr, row).topk(3, dim=-1)
        assert torch.equal(lens.top_ids[row], i) and torch.equal(lens.top_probs[row], p)
    # earlier rows read earlier streams: the embeddings alone give another distribution
    assert not torch.allclose(lens_distribution(model, tr, 0), softmax, atol=1e-3)


def test_lens_row_zero_is_the_head_on_the_embeddings():
    model, tr = _traced(("decoder", "pre", "learned", "gelu", False))
    x = tr.get("embed.sum").tensor
    by_hand = torch.softmax(model.lm_head(model.final_norm(x)), dim=-1)
    torch.testing.assert_close(lens_distribution(model, tr, 0), by_hand.detach(), rtol=0, atol=1e-6)
    with pytest.raises(ConfigError, match="top_k"):
        logit_lens(model, tr, k=0)
    assert row_title(0) == "Embeddings" and row_title(2) == "Layer 2"


@pytest.mark.parametrize("combo", [c for c in COMBOS if c[1] == "pre"], ids=lambda c: "-".join(map(str, c)))
@pytest.mark.parametrize("position", [0, 2, -1])
def test_attribution_parts_sum_to_the_logit_difference(combo, position):
    model, tr = _traced(combo)
    logits = tr.logits[position]
    a, b = logits.topk(2).indices.tolist()
    att = logit_attribution(model, tr, position, a, b)
    assert att.names == part_names(model)
    assert att.logit_difference == pytest.approx(float(logits[a] - logits[b]))
    assert att.total == pytest.approx(att.logit_difference, abs=1e-5, rel=1e-5)
    assert (att.bias != 0.0) == combo[4]  # the frozen norm's β only exists with biases
    # swapping the two tokens flips every part's sign
    flipped = logit_attribution(model, tr, position, b, a)
    assert flipped.values == pytest.approx([-v for v in att.values], abs=1e-9)
    n_sub = 3 if combo[0] == "encoder-decoder" else 2
    assert len(att.values) == (1 if combo[2] == "rope" else 2) + n_sub * model.cfg.n_layer


def test_attribution_of_one_token_against_itself_is_zero_everywhere():
    model, tr = _traced(("decoder", "pre", "rope", "swiglu", True))
    att = logit_attribution(model, tr, 1, 4, 4)
    assert att.values == [0.0] * len(att.values) and att.total == 0.0 and att.logit_difference == 0.0


def test_attribution_refuses_post_ln_and_bad_input_with_clear_messages():
    model, tr = _traced(("decoder", "post", "learned", "gelu", False))
    with pytest.raises(ConfigError, match="pre-LN"):
        logit_attribution(model, tr, 0, 1, 2)
    model, tr = _traced(("decoder", "pre", "learned", "gelu", False))
    with pytest.raises(ConfigError, match="outside the input"):
        logit_attribution(model, tr, len(IDS), 1, 2)
    with pytest.raises(ConfigError, match="between 0 and 12"):
        logit_attribution(model, tr, 0, 1, 13)


def test_part_titles_count_layers_from_one():
    assert part_title("decoder.0.attn.out") == "Layer 1 attention"
    assert part_title("decoder.1.cross_attn.out") == "Layer 2 cross-attention"
    assert part_title("embed.position") == "Position embedding"


def test_attention_over_rows_sums_and_averages_the_selected_queries():
    model, tr = _traced(("encoder-decoder", "pre", "learned", "gelu", False))
    w = tr.get("decoder.1.cross_attn.weights").tensor
    mean = attention_over_rows(tr, "decoder.1.cross_attn", [3, 1])
    torch.testing.assert_close(mean, (w[:, 1] + w[:, 3]) / 2)
    torch.testing.assert_close(mean.sum(-1), torch.ones(2))  # still a distribution per head
    total = attention_over_rows(tr, "decoder.1.cross_attn", [1, 3, 3], mean=False)
    torch.testing.assert_close(total, w[:, 1] + w[:, 3])
    with pytest.raises(ConfigError, match="query rows"):
        attention_over_rows(tr, "decoder.0.attn", [len(IDS)])
    with pytest.raises(ConfigError):
        attention_over_rows(tr, "decoder.0.attn", [])


@pytest.fixture(scope="module")
def trained():
    recipe = tiny_text_recipe(steps=40)
    model = build_model(recipe.model)
    for _record in Trainer(model, recipe.task, recipe.train).run():
        pass
    return model, recipe.task


def test_ablation_loss_on_held_out_batches(trained):
    model, task = trained
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = ablation_loss(model, task, {"decoder.0.attn": {1}}, batches=2, batch_size=4)
    # the user's model is untouched: no mask left on it, same weights
    assert all(attn.head_mask is None for _n, attn in model.attention_modules())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    data = heldout_batches(task, model.cfg.block_size, 2, 4)
    base, tokens = heldout_loss(model, data)
    assert result.loss == pytest.approx(base, rel=1e-6) and result.tokens == tokens > 0
    set_head_masks(model, {"decoder.0.attn": {1}})
    try:
        off, _n = heldout_loss(model, data)
    finally:
        set_head_masks(model, {})
    assert result.ablated_loss == pytest.approx(off, rel=1e-6) and result.delta != 0.0
    assert set(result.per_head) == {("decoder.0.attn", 0), ("decoder.0.attn", 1)}
    assert result.per_head[("decoder.0.attn", 1)] == pytest.approx(result.delta, rel=1e-6)
    # deterministic: the same batches give the same numbers
    again = ablation_loss(model, task, {"decoder.0.attn": {1}}, batches=2, batch_size=4)
    assert again.loss == result.loss and again.per_head == result.per_head
    none = ablation_loss(model, task, {}, batches=2, batch_size=4, per_head=False)
    assert none.delta == 0.0 and none.per_head == {} and math.isfinite(none.loss)
    with pytest.raises(ConfigError):
        ablation_loss(model, task, {}, batches=0)


def test_ablation_loss_on_an_encoder_decoder_pair_task():
    from playground.core.recipes import recipe_for_dataset

    recipe = recipe_for_dataset("reversal", seed=0, model=dict(n_layer=1, n_head=2, d_model=16, d_ff=32),
                                train=dict(max_steps=15, batch_size=8, eval_interval=10**6, eval_batches=1,
                                           eval_examples=4))
    model = build_model(recipe.model)
    for _record in Trainer(model, recipe.task, recipe.train).run():
        pass
    result = ablation_loss(model, recipe.task, {"decoder.0.cross_attn": {0, 1}}, batches=2, batch_size=4)
    names = [name for name, _m in model.attention_modules()]
    assert names == ["encoder.0.attn", "decoder.0.attn", "decoder.0.cross_attn"]
    assert set(result.per_head) == {(n, h) for n in names for h in (0, 1)}
    # the pair task counts only the answer's tokens (and <eos>), never padding
    data = heldout_batches(recipe.task, model.cfg.block_size, 2, 4)
    assert result.tokens == sum(int((b["targets"] != -100).sum()) for b in data) > 0
    assert math.isfinite(result.ablated_loss) and result.ablated_loss != result.loss
