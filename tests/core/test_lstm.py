"""The seed's LSTM model: its forward is an LSTM cell unrolled by hand, it trains, saves, samples and traces."""

import math
from dataclasses import asdict

import pytest
import torch

from playground.core.checkpoint import load_checkpoint, save_checkpoint, weights_of
from playground.core.errors import ConfigError
from playground.core.inspect import attention_names, inspect
from playground.core.limits import expected_shapes, memory_needed, parameter_count
from playground.core.lstm import LSTMLanguageModel
from playground.core.model import ModelConfig, build_model, count_parameters, flops_per_token, model_for_sizes
from playground.core.recipes import recipe_for_dataset, recipe_for_text
from playground.core.sample import SampleConfig, beam_search, continued_text, generate
from playground.core.session import load_session, save_session
from playground.core.tokenizer import Tokenizer
from playground.core.tokenizer_kinds import KINDS
from playground.core.trace import trace
from playground.core.train import Trainer
from playground.core.workspace import Workspace

from .helpers import TEXT

LSTM = dict(family="lstm", n_layer=2, d_model=16, lstm_hidden=24, tie_weights=False, block_size=16)
TEXTS = {"english": "the cat sat on the mat. the dog sat on the log.\n",
         "chinese": "小猫坐在垫子上。小狗坐在木头上。\n",
         "emoji": "🐱 sat on 🧶. 🐶 sat on 🪵! 😀😀\n"}


def lstm_model(vocab_size=20, seed=0, **settings) -> LSTMLanguageModel:
    torch.manual_seed(seed)
    return build_model(ModelConfig(**{**LSTM, "vocab_size": vocab_size, **settings}))


def unrolled(model: LSTMLanguageModel, idx: torch.Tensor) -> torch.Tensor:
    """The logits by hand: for each layer and position, the four gates, c_t = f·c + i·g, h_t = o·tanh(c_t)."""
    x = model.tok_emb.weight[idx]  # (B, T, d)
    for layer in model.lstm:
        p = dict(layer.rnn.named_parameters())
        W, U, b = p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"] + p["bias_hh_l0"]
        H = U.size(1)
        h = torch.zeros(x.size(0), H)
        c = torch.zeros(x.size(0), H)
        outputs = []
        for t in range(x.size(1)):
            z = x[:, t] @ W.T + h @ U.T + b  # (B, 4H): input, forget, cell, output
            i, f, g, o = torch.sigmoid(z[:, :H]), torch.sigmoid(z[:, H:2 * H]), torch.tanh(z[:, 2 * H:3 * H]), \
                torch.sigmoid(z[:, 3 * H:])
            c = f * c + i * g
            h = o * torch.tanh(c)
            outputs.append(h)
        x = torch.stack(outputs, dim=1)  # (B, T, H)
    out = x @ model.lm_head.weight.T
    return out + model.lm_head.bias if model.lm_head.bias is not None else out


@pytest.mark.parametrize("settings", [dict(), dict(bias=True), dict(n_layer=1, lstm_hidden=None, tie_weights=True)])
def test_forward_equals_a_hand_unrolled_lstm_cell(settings):
    model = lstm_model(**settings).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.5)  # far from the initial values, so every gate matters
        idx = torch.randint(0, 20, (3, 9))
        logits, _loss = model(idx)
        assert torch.allclose(logits, unrolled(model, idx), atol=1e-5)


def test_initial_loss_is_ln_vocab_and_shapes():
    model = lstm_model(vocab_size=50)
    idx = torch.randint(0, 50, (4, 12))
    logits, loss = model(idx, idx)
    assert logits.shape == (4, 12, 50)
    assert loss.item() == pytest.approx(torch.log(torch.tensor(50.0)).item(), abs=0.05)


def test_the_future_does_not_change_the_past():
    model = lstm_model().eval()
    a, b = torch.tensor([[1, 2, 3, 4, 5]]), torch.tensor([[1, 2, 3, 9, 9]])
    with torch.no_grad():
        assert torch.equal(model(a)[0][:, :3], model(b)[0][:, :3])


@pytest.mark.parametrize("settings", [dict(), dict(bias=True), dict(lstm_hidden=None, tie_weights=True),
                                      dict(n_layer=3, lstm_hidden=8)])
def test_shapes_parameters_flops_and_memory_from_the_settings(settings):
    cfg = ModelConfig(**{**LSTM, "vocab_size": 30, **settings})
    model = build_model(cfg)
    assert {k: tuple(v.shape) for k, v in weights_of(model).items()} == expected_shapes(cfg)
    assert count_parameters(model) == parameter_count(cfg) == count_parameters(model_for_sizes(cfg))
    d, h, L = cfg.d_model, cfg.hidden_size, cfg.n_layer
    # Keras counts 4h(in + h + 1) per layer; torch keeps two bias vectors, 4h more
    lstm = sum(4 * h * ((d if i == 0 else h) + h + 2) for i in range(L))
    head = 0 if cfg.tie_weights else h * 30
    assert count_parameters(model) == 30 * d + lstm + head + (30 if cfg.bias else 0)
    matmuls = sum(4 * h * ((d if i == 0 else h) + h) for i in range(L)) + h * 30
    assert flops_per_token(model) == 3 * flops_per_token(model, training=False) == 6 * matmuls
    assert memory_needed(cfg, 8, training=True) > memory_needed(cfg) > 4 * parameter_count(cfg)


@pytest.mark.parametrize("settings, words", [
    (dict(architecture="encoder-decoder"), "decoder-only"),
    (dict(lstm_hidden=32, tie_weights=True), "tied weights"),
    (dict(lstm_hidden=0), "hidden size"),
    (dict(family="rnn"), "family must be one of"),
])
def test_bad_settings_say_what_to_do(settings, words):
    with pytest.raises(ConfigError, match=words):
        ModelConfig(**{**LSTM, **settings})


def test_transformer_only_settings_do_not_stop_an_lstm():
    cfg = ModelConfig(**{**LSTM, "d_model": 30, "n_head": 4})  # 30 heads would not divide; the LSTM has none
    assert cfg.family == "lstm" and isinstance(build_model(cfg), LSTMLanguageModel)


def lstm_recipe(steps=40, kind="char", text=TEXT):
    return recipe_for_text(text, tokenizer_kind=kind, is_text=True, model=LSTM,
                           train=dict(max_steps=steps, batch_size=8, eval_interval=steps, eval_batches=2,
                                      warmup_steps=2, lr=1e-2, device="cpu"))


def test_the_trainer_lowers_the_loss():
    recipe = lstm_recipe(steps=60)
    model = build_model(recipe.model)
    losses = [r.loss for r in Trainer(model, recipe.task, recipe.train).run() if r.kind == "step"]
    assert len(losses) == 60
    assert sum(losses[-5:]) / 5 < 0.6 * sum(losses[:5]) / 5


def test_checkpoint_round_trip_gives_the_same_generations(tmp_path):
    recipe = lstm_recipe(steps=5)
    model = build_model(recipe.model)
    for _record in Trainer(model, recipe.task, recipe.train).run():
        pass
    path = save_checkpoint(tmp_path / "ckpt", model, recipe.task.tokenizer, {"step": 5, "task": recipe.spec})
    loaded = load_checkpoint(path, training=True)
    assert isinstance(loaded.model, LSTMLanguageModel) and loaded.model.cfg == model.cfg
    for (name, a), b in zip(model.state_dict().items(), loaded.model.state_dict().values()):
        assert torch.equal(a, b), name
    tok = recipe.task.tokenizer
    cfg = SampleConfig(max_new_tokens=20, seed=1)
    assert [s.id for s in generate(model, tok, tok.encode_ids("the "), cfg)] == \
        [s.id for s in generate(loaded.model, tok, tok.encode_ids("the "), cfg)]


def test_session_round_trip(tmp_path):
    ws = Workspace()
    ws.use_text(TEXT, is_text=True)
    ws.set_model_config(**LSTM)
    ws.set_train_config(max_steps=4, batch_size=4, eval_interval=2, eval_batches=1, warmup_steps=1, device="cpu")
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    path = save_session(tmp_path / "lstm.playground", ws)
    loaded, _ui = load_session(path)
    assert loaded.recipe.model == ws.recipe.model and isinstance(loaded.model, LSTMLanguageModel)
    for a, b in zip(ws.model.state_dict().values(), loaded.model.state_dict().values()):
        assert torch.equal(a, b)


@pytest.mark.parametrize("settings", [dict(greedy=True), dict(temperature=1.0, top_k=20, seed=3)],
                         ids=["greedy", "sampled"])
def test_the_state_cache_matches_a_full_recompute_past_the_context(settings):
    tok = Tokenizer.train("char", ["the quick brown fox jumps over the lazy dog"])
    model = lstm_model(vocab_size=tok.vocab_size)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.4)
    runs = [generate(model, tok, tok.encode_ids("the"), SampleConfig(max_new_tokens=40, stop_at_eos=False,
                                                                     use_cache=c, **settings)) for c in (True, False)]
    assert [s.id for s in runs[0]][:13] == [s.id for s in runs[1]][:13]  # within the context: the same states
    assert len(runs[0]) == len(runs[1]) == 40  # and on past it, sliding its window like the Transformer
    for a, b in zip(runs[0][:13], runs[1][:13]):
        assert a.probability == pytest.approx(b.probability, abs=1e-5)
    assert beam_search(model, tok, tok.encode_ids("the"), beam_width=3, max_new_tokens=5)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", list(TEXTS))
def test_trains_samples_and_traces_with_every_tokenizer_and_script(kind, language):
    text = "".join(f"{i} {TEXTS[language]}" for i in range(100))  # numbered: BPE cannot make a line one token
    recipe = lstm_recipe(steps=3, kind=kind, text=text)
    model = build_model(recipe.model)
    for _record in Trainer(model, recipe.task, recipe.train).run():
        pass
    tok = recipe.task.tokenizer
    prompt_text = text[2:8]
    prompt = tok.encode_ids(prompt_text)
    steps = generate(model, tok, prompt, SampleConfig(max_new_tokens=12, seed=0))
    assert steps and all(0 <= s.id < tok.vocab_size for s in steps)
    assert "\ufffd" not in continued_text(tok, prompt, [s.id for s in steps], prompt_text)
    tr = trace(model, prompt)
    assert tr.names() == ["tokens", "embed.token", "lstm.0.hidden", "lstm.1.hidden", "logits", "softmax", "top_k"]
    assert tr.get("lstm.1.hidden").shape == (len(prompt), 24)
    assert torch.allclose(tr.logits, model.eval()(torch.tensor([prompt]))[0][0], atol=1e-5)


def test_the_trace_is_the_models_own_forward_and_the_inspector_has_no_attention():
    tok = Tokenizer.train("char", [TEXT])
    model = lstm_model(vocab_size=tok.vocab_size)
    ids = tok.encode_ids("the cat")
    tr = trace(model, ids)
    assert tr.groups() == ["input", "embedding", "lstm.0", "lstm.1", "output"]
    hidden = tr.get("lstm.1.hidden")
    assert hidden.axes == ("position", "hidden") and hidden.layer == 1
    with torch.no_grad():
        h = model.decode(torch.tensor([ids]))[0]
    assert torch.allclose(hidden.tensor, h, atol=1e-6)
    assert torch.allclose(tr.logits, model.logits(h.unsqueeze(0))[0], atol=1e-5)
    assert "h_t" in hidden.formula and "c_t" in hidden.formula
    assert attention_names(model) == []
    result = inspect(model, tok, ids)
    assert result.trace is result.baseline and len(result.greedy) > 0
    assert result.embedding_2d.shape == (tok.vocab_size, 2)


def test_a_reopened_session_trains_on_as_the_run_that_never_stopped(tmp_path):
    """Exact resume: the LSTM's weights, AdamW moments and dropout RNG come back from the session."""
    settings = dict(batch_size=4, lr=3e-3, warmup_steps=2, lr_decay_steps=8, eval_interval=1000, eval_batches=1,
                    device="cpu", seed=5)

    def workspace(steps):
        ws = Workspace()
        ws.use_text(TEXT, is_text=True)
        ws.set_model_config(**{**LSTM, "dropout": 0.1})
        ws.set_train_config(max_steps=steps, **settings)
        return ws

    def train(ws):
        losses = []
        for record in ws.new_trainer().run():
            ws.record(asdict(record))
            losses += [record.loss] if record.kind == "step" else []
        return losses

    straight, before = workspace(8), workspace(4)
    straight.ensure_model().load_state_dict(before.ensure_model().state_dict())
    expected, first = train(straight), train(before)
    reopened, _ui = load_session(save_session(tmp_path / "half.playground", before))
    second = train(reopened)
    assert len(expected) == 8 and first + second == pytest.approx(expected, rel=1e-5, abs=1e-6)
    for a, b in zip(straight.model.state_dict().values(), reopened.model.state_dict().values()):
        assert torch.allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dataset, metric", [("sentiment", "accuracy"), ("reversal", "exact_match")])
def test_pair_tasks_train_and_evaluate_with_the_state_cache(dataset, metric):
    recipe = recipe_for_dataset(dataset, model=dict(LSTM, d_model=32, lstm_hidden=32),
                                train=dict(max_steps=4, batch_size=8, eval_interval=4, eval_batches=1,
                                           eval_examples=16, warmup_steps=1, device="cpu"))
    assert recipe.task.architecture == "decoder" and recipe.model.family == "lstm"
    [evaluation] = [r for r in Trainer(build_model(recipe.model), recipe.task, recipe.train).run()
                    if r.kind == "eval"]
    assert 0.0 <= evaluation.metrics[metric] <= 1.0 and math.isfinite(evaluation.metrics["val_loss"])
