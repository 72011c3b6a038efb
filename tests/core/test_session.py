"""Session files: round trips to the same weights and generations; damaged and hostile files refused."""

import json
import zipfile
from dataclasses import asdict

import pytest
import torch

from playground.core import session as session_mod
from playground.core.errors import CheckpointError, ConfigError
from playground.core.sample import SampleConfig, generate
from playground.core.session import MissingDataTask, data_notice, load_session, save_session
from playground.core.workspace import Workspace

from .helpers import TEXT, TINY_MODEL

TRAIN = dict(max_steps=6, batch_size=4, eval_interval=3, eval_batches=1, warmup_steps=2, device="cpu")


def trained_workspace(source=TEXT, is_text=True) -> Workspace:
    ws = Workspace()
    ws.use_text(source, is_text=is_text)
    ws.set_model_config(**TINY_MODEL)
    ws.set_train_config(**TRAIN)
    for record in ws.new_trainer().run():
        ws.record(asdict(record))
    return ws


def greedy(ws: Workspace, prompt="the ") -> list[int]:
    tok = ws.recipe.task.tokenizer
    steps = generate(ws.model, tok, tok.encode_ids(prompt), SampleConfig(greedy=True, max_new_tokens=15))
    return [s.id for s in steps]


def sampled(ws: Workspace, seed=3) -> list[int]:
    tok = ws.recipe.task.tokenizer
    steps = generate(ws.model, tok, tok.encode_ids("a "), SampleConfig(max_new_tokens=15, seed=seed))
    return [s.id for s in steps]


@pytest.fixture(scope="module")
def trained():
    return trained_workspace()


def test_round_trip_same_weights_generations_and_state(trained, tmp_path):
    path = save_session(tmp_path / "s.playground", trained, {"panel": "train", "text": "héllo 世界"})
    ws, ui_state = load_session(path)
    assert ui_state == {"panel": "train", "text": "héllo 世界"}
    for (name, a), b in zip(trained.model.state_dict().items(), ws.model.state_dict().values()):
        assert torch.equal(a, b), name
    assert ws.model.lm_head.weight is ws.model.tok_emb.weight  # tying survives
    assert greedy(ws) == greedy(trained) and sampled(ws) == sampled(trained)
    assert ws.recipe.model == trained.recipe.model and ws.recipe.train == trained.recipe.train
    assert ws.recipe.spec == trained.recipe.spec
    assert ws.history == trained.history and ws.trained_steps == trained.trained_steps == 6
    assert not ws.dirty
    assert ws.recipe.task.tokenizer.vocab() == trained.recipe.task.tokenizer.vocab()
    assert (ws.recipe.task.train_ids == trained.recipe.task.train_ids).all()


def test_optimizer_moments_survive_and_training_continues(trained, tmp_path):
    ws, _ = load_session(save_session(tmp_path / "s.playground", trained))
    saved, loaded = trained.trainer.optimizer, ws.trainer.optimizer
    assert torch.equal(saved.exp_avg, loaded.exp_avg) and loaded.step_count == saved.step_count
    trainer = ws.new_trainer(max_steps=2)
    assert [r.step for r in trainer.run() if r.kind == "step"] == [7, 8]


def test_untrained_workspace_has_no_weights_in_the_file(tmp_path):
    ws = Workspace()
    ws.use_text(TEXT, is_text=True)
    path = save_session(tmp_path / "new.playground", ws)
    assert "model.safetensors" not in zipfile.ZipFile(path).namelist()
    loaded, _ = load_session(path)
    assert loaded.model is None and loaded.recipe.model == ws.recipe.model


def test_text_file_corpus_travels_inside_the_session(tmp_path):
    corpus = tmp_path / "book.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    ws = trained_workspace(corpus, is_text=False)
    path = save_session(tmp_path / "s.playground", ws)
    corpus.unlink()
    loaded, _ = load_session(path)
    assert "book.txt is missing" in data_notice(loaded) and loaded.recipe.task.name == "book.txt"
    assert (loaded.recipe.task.val_ids == ws.recipe.task.val_ids).all()
    assert greedy(loaded) == greedy(ws)


def test_missing_text_file_still_opens_and_says_so(tmp_path, monkeypatch):
    corpus = tmp_path / "book.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    ws = trained_workspace(corpus, is_text=False)
    monkeypatch.setattr(session_mod, "MAX_EMBEDDED_TOKENS", 10)  # too large to embed
    path = save_session(tmp_path / "s.playground", ws)
    corpus.unlink()
    loaded, _ = load_session(path)
    assert isinstance(loaded.recipe.task, MissingDataTask)
    assert "book.txt" in data_notice(loaded)
    assert greedy(loaded) == greedy(ws)  # the model still generates
    with pytest.raises(ConfigError, match="book.txt"):
        loaded.new_trainer()


def test_builtin_dataset_is_rebuilt_with_the_saved_tokenizer(tmp_path):
    ws = Workspace()
    ws.use_dataset("addition", tokenizer_kind="bpe", vocab_size=270)
    ws.set_model_config(n_layer=1, n_head=2, d_model=16, d_ff=32)
    ws.ensure_model()
    loaded, _ = load_session(save_session(tmp_path / "a.playground", ws))
    assert loaded.recipe.task.train_pairs == ws.recipe.task.train_pairs
    assert loaded.recipe.task.tokenizer.to_json_str() == ws.recipe.task.tokenizer.to_json_str()


def test_failed_save_keeps_the_previous_file(trained, tmp_path, monkeypatch):
    path = save_session(tmp_path / "s.playground", trained, {"v": 1})
    monkeypatch.setattr(session_mod, "save_torch", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        save_session(path, trained, {"v": 2})
    assert load_session(path)[1] == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["s.playground"]


# --- damaged and hostile files ------------------------------------------------------------
def rewrite(src, dst, change: dict, compress=zipfile.ZIP_STORED):
    """Copy the archive src to dst with members replaced (bytes) or removed (None)."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:
        for name in a.namelist():
            if name not in change:
                b.writestr(name, a.read(name))
        for name, data in change.items():
            if data is not None:
                b.writestr(name, data, compress_type=compress)
    return dst


@pytest.fixture(scope="module")
def good(trained, tmp_path_factory):
    return save_session(tmp_path_factory.mktemp("good") / "s.playground", trained)


def meta_with(good, **changes) -> bytes:
    meta = json.loads(zipfile.ZipFile(good).read("session.json"))
    return json.dumps({**meta, **changes}).encode()


@pytest.mark.parametrize("case, message", [
    ("random bytes", "not a Transformer Playground session"),
    ("truncated", "not a Transformer Playground session"),
    ("no session.json", "session.json is missing"),
    ("no tokenizer", "tokenizer.json is missing"),
    ("other format", "not written by Transformer Playground"),
    ("newer version", "newer version"),
    ("bad json", "damaged"),
    ("incomplete json", "incomplete"),
    ("bad model config", "divisible"),
    ("pickle as weights", "damaged or not a safetensors"),
    ("wrong weights", "do not match the model"),
    ("nan weights", "NaN"),
    ("zip bomb json", "not a safe session"),
    ("compressed tensors", "not a safe session"),
    ("vocab mismatch", "disagree"),
])
def test_damaged_files_are_refused_clearly(good, trained, tmp_path, case, message):
    bad = tmp_path / "bad.playground"
    model_cfg = trained.recipe.model.to_dict()
    weights = {k: v.clone() for k, v in trained.model.state_dict().items() if k != "lm_head.weight"}
    if case == "random bytes":
        bad.write_bytes(b"\x00\x01hello" * 100)
    elif case == "truncated":
        bad.write_bytes(good.read_bytes()[:300])
    elif case == "no session.json":
        rewrite(good, bad, {"session.json": None})
    elif case == "no tokenizer":
        rewrite(good, bad, {"tokenizer.json": None})
    elif case == "other format":
        rewrite(good, bad, {"session.json": meta_with(good, format="something-else")})
    elif case == "newer version":
        rewrite(good, bad, {"session.json": meta_with(good, version=99)})
    elif case == "bad json":
        rewrite(good, bad, {"session.json": b"{not json"})
    elif case == "incomplete json":
        rewrite(good, bad, {"session.json": meta_with(good, history="nope")})
    elif case == "bad model config":
        rewrite(good, bad, {"session.json": meta_with(good, model={**model_cfg, "n_head": 3})})
    elif case == "pickle as weights":
        import pickle
        rewrite(good, bad, {"model.safetensors": pickle.dumps({"x": 1})})
    elif case == "wrong weights":
        from safetensors.torch import save
        rewrite(good, bad, {"model.safetensors": save({"tok_emb.weight": torch.zeros(3, 3)})})
    elif case == "nan weights":
        from safetensors.torch import save
        weights["tok_emb.weight"][0, 0] = float("nan")
        rewrite(good, bad, {"model.safetensors": save(weights)})
    elif case == "zip bomb json":
        rewrite(good, bad, {"session.json": b" " * (65 * 1024**2)}, compress=zipfile.ZIP_DEFLATED)
        assert bad.stat().st_size < 1024**2
    elif case == "compressed tensors":
        rewrite(good, bad, {"model.safetensors": zipfile.ZipFile(good).read("model.safetensors")},
                compress=zipfile.ZIP_DEFLATED)
    elif case == "vocab mismatch":
        rewrite(good, bad, {"session.json": meta_with(good, model={**model_cfg, "vocab_size": 9})})
    with pytest.raises(CheckpointError, match=message):
        load_session(bad)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CheckpointError, match="no session file"):
        load_session(tmp_path / "nothing.playground")
