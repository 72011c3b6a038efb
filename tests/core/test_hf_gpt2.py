"""GPT-2 folders against Hugging Face ``transformers`` itself: a tiny GPT-2 with random weights made here.

The tokenizer is a small byte-level BPE learnt here (GPT-2's real vocabulary cannot be
downloaded), saved as vocab.json + merges.txt and as tokenizer.json, and read by transformers'
GPT2Tokenizer / GPT2TokenizerFast for the comparison. Nothing is fetched from a hub.
"""

import json
import pickle
from pathlib import Path

import pytest
import torch

from tests.gpt2_folders import SMALL, TEXTS, save_gpt2, tiny_gpt2_folder  # sets HF_HUB_OFFLINE
from tests.hostile_sizes import write_sparse_safetensors

transformers = pytest.importorskip("transformers")
from safetensors.torch import load_file, save_file  # noqa: E402

from playground.core.errors import CheckpointError  # noqa: E402
from playground.core.hf_gpt2 import END_OF_TEXT, is_model_folder, load_gpt2  # noqa: E402
from playground.core.sample import Context, SampleConfig, generate  # noqa: E402
from playground.core.trace import trace  # noqa: E402


@pytest.fixture(scope="module")
def vocab_folder(tmp_path_factory) -> Path:
    return tiny_gpt2_folder(tmp_path_factory.mktemp("gpt2-vocab"))


@pytest.fixture(scope="module")
def json_folder(tmp_path_factory, vocab_folder) -> Path:
    """The same weights with the tokenizer as tokenizer.json only (written by transformers' fast tokenizer)."""
    folder = tmp_path_factory.mktemp("gpt2-json")
    for name in ("config.json", "model.safetensors"):
        (folder / name).write_bytes((vocab_folder / name).read_bytes())
    fast = transformers.GPT2TokenizerFast.from_pretrained(vocab_folder, local_files_only=True)
    fast.backend_tokenizer.save(str(folder / "tokenizer.json"))
    return folder


@pytest.fixture(scope="module", params=["vocab+merges", "tokenizer.json"])
def folder(request, vocab_folder, json_folder) -> Path:
    return vocab_folder if request.param == "vocab+merges" else json_folder


def reference(folder: Path):
    return transformers.GPT2LMHeadModel.from_pretrained(folder, local_files_only=True).eval()


def assert_same_logits(ours, theirs, ids: list[int]) -> None:
    idx = torch.tensor([ids])
    with torch.no_grad():
        expected = theirs(idx).logits
        got, _loss = ours(idx)
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-4)


# --- the model ------------------------------------------------------------------------------------
def test_a_gpt2_folder_is_told_apart_from_a_checkpoint(vocab_folder, tmp_path):
    assert is_model_folder(vocab_folder)
    assert not is_model_folder(tmp_path)


@pytest.mark.parametrize("text", list(TEXTS))
def test_logits_equal_transformers(folder, text):
    checkpoint = load_gpt2(folder)
    theirs = reference(folder)
    ids = checkpoint.tokenizer.encode_ids(TEXTS[text])
    assert len(ids) > 5
    assert_same_logits(checkpoint.model, theirs, ids)
    assert_same_logits(checkpoint.model, theirs, ids[:1])
    assert_same_logits(checkpoint.model, theirs, list(range(checkpoint.model.cfg.vocab_size))[-64:])  # full context


@pytest.mark.parametrize("config", [
    {"activation_function": "gelu_new"}, {"activation_function": "gelu_pytorch_tanh"},
    {"activation_function": "gelu"}, {"activation_function": "relu"}, {"n_inner": 48},
    {"tie_word_embeddings": False}, {"n_head": 4, "n_layer": 3},
])
def test_every_supported_setting_gives_transformers_logits(vocab_folder, tmp_path, config):
    for name in ("vocab.json", "merges.txt"):
        (tmp_path / name).write_bytes((vocab_folder / name).read_bytes())
    vocab_size = len(json.loads((vocab_folder / "vocab.json").read_text(encoding="utf-8")))
    theirs = save_gpt2(tmp_path, vocab_size, seed=1, **config)
    ours = load_gpt2(tmp_path).model
    assert ours.cfg.tie_weights == config.get("tie_word_embeddings", True)
    assert_same_logits(ours, theirs, torch.randint(0, vocab_size, (40,), generator=torch.Generator().manual_seed(2))
                       .tolist())


def test_hub_layout_without_prefix_and_with_mask_buffers_loads(vocab_folder, tmp_path):
    """Files from the hub name tensors "h.0..." (no "transformer.") and may keep each layer's causal-mask buffer."""
    for name in ("config.json", "vocab.json", "merges.txt"):
        (tmp_path / name).write_bytes((vocab_folder / name).read_bytes())
    tensors = {k.removeprefix("transformer."): v for k, v in load_file(vocab_folder / "model.safetensors").items()}
    for i in range(SMALL["n_layer"]):
        tensors[f"h.{i}.attn.bias"] = torch.ones(1, 1, 64, 64).tril()
    save_file(tensors, tmp_path / "model.safetensors", metadata={"format": "pt"})
    ids = load_gpt2(vocab_folder).tokenizer.encode_ids(TEXTS["english"])
    assert_same_logits(load_gpt2(tmp_path).model, reference(vocab_folder), ids)


def greedy_with_cache(model, ids: list[int], n: int) -> list[int]:
    """Our decoding loop (sample.Context, the KV cache) taking the likeliest token each time."""
    context = Context(model, list(ids), None, None, use_cache=True)
    logits, out = context.first_logits(), []
    with torch.no_grad():
        for _ in range(n):
            token = logits.argmax(-1, keepdim=True)
            out.append(int(token))
            logits = context.push(token, int(token))
    return out


@pytest.mark.parametrize("text", list(TEXTS))
def test_greedy_generation_equals_transformers(folder, text):
    checkpoint = load_gpt2(folder)
    theirs = reference(folder)
    ids = checkpoint.tokenizer.encode_ids(TEXTS[text])
    n = 64 - len(ids)  # up to the full context
    expected = theirs.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                               do_sample=False, max_new_tokens=n, min_new_tokens=n,
                               pad_token_id=checkpoint.tokenizer.eos_id)[0, len(ids):].tolist()
    assert len(expected) == n
    assert greedy_with_cache(checkpoint.model, ids, n) == expected


def test_generate_and_trace_run_on_a_gpt2_folder(vocab_folder):
    """The sampler (with its UTF-8 guard) and the inspector's trace work on the loaded model; ids 0-4 are text."""
    checkpoint = load_gpt2(vocab_folder)
    model, tok = checkpoint.model, checkpoint.tokenizer
    ids = tok.encode_ids(TEXTS["english"])
    steps = generate(model, tok, ids, SampleConfig(max_new_tokens=10, seed=0, alternatives=3))
    assert 1 <= len(steps) <= 10
    assert "".join(s.text for s in steps) == tok.decode(ids + [s.id for s in steps])[len(tok.decode(ids)):]
    tr = trace(model, ids)
    assert tr.get("logits").shape[-1] == tok.vocab_size
    assert [r.name for r in tr.records if r.name.endswith("mlp.hidden")]
    assert tok.eos_id == tok.token_to_id(END_OF_TEXT) == model.cfg.vocab_size - 1
    assert tok.token_to_id("!") == 0 and tok.never_sampled == ()


def test_snapshots_of_a_gpt2_share_its_weights_and_not_its_head_masks(vocab_folder):
    """A pretrained model is never trained here, so the inspector's and the sampler's copies share its tensors;
    a model being trained is still copied whole."""
    from playground.core.inspect import inspect, snapshot
    from playground.core.model import Transformer

    checkpoint = load_gpt2(vocab_folder)
    model, tok = checkpoint.model, checkpoint.tokenizer
    ids = tok.encode_ids(TEXTS["english"])
    copied = snapshot(model, {"decoder.1.attn": {0}})
    assert all(a is b for a, b in zip(copied.parameters(), model.parameters()))
    assert copied.decoder[1].attn.head_mask.tolist()[0] == 0.0 and model.decoder[1].attn.head_mask is None
    with torch.no_grad():
        assert not torch.equal(copied(torch.tensor([ids]))[0], model(torch.tensor([ids]))[0])  # head 0 is off there
    assert_same_logits(snapshot(model), reference(vocab_folder), ids)
    inspection = inspect(model, tok, ids, ablated={"decoder.0.attn": {1}})
    assert inspection.model.tok_emb.weight is model.tok_emb.weight and model.decoder[0].attn.head_mask is None
    trained = Transformer(model.cfg)
    assert all(a is not b for a, b in zip(snapshot(trained).parameters(), trained.parameters()))


# --- the tokenizer --------------------------------------------------------------------------------
@pytest.mark.parametrize("text", list(TEXTS))
@pytest.mark.parametrize("theirs", ["GPT2Tokenizer", "GPT2TokenizerFast"])
def test_token_ids_equal_transformers(folder, vocab_folder, text, theirs):
    ours = load_gpt2(folder).tokenizer
    reference_tokenizer = getattr(transformers, theirs).from_pretrained(vocab_folder, local_files_only=True)
    expected = reference_tokenizer.encode(TEXTS[text])
    assert ours.encode_ids(TEXTS[text]) == expected
    assert ours.encode(TEXTS[text]).ids == expected
    assert ours.decode(expected) == TEXTS[text]
    assert ours.encode_ids(END_OF_TEXT + TEXTS[text]) == reference_tokenizer.encode(END_OF_TEXT + TEXTS[text])
    assert ours.kind == "bpe" and ours.vocab_size == len(reference_tokenizer)


def test_the_tokenizer_read_in_pieces_is_the_one_tokenizers_reads(vocab_folder, json_folder, tmp_path):
    """vocab.json, merges.txt and tokenizer.json are read in Python a token at a time and handed over as a dict
    and a list (tokenizers' own readers hold the GIL for the whole file): the tokenizer is the same one."""
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import decoders, models, pre_tokenizers

    theirs = HFTokenizer.from_file(str(json_folder / "tokenizer.json"))
    ours = load_gpt2(json_folder).tokenizer
    assert json.loads(ours._backend.to_str()) == json.loads(theirs.to_str())
    assert ours.merges() == [tuple(m) for m in json.loads(theirs.to_str())["model"]["merges"]]
    from_files = HFTokenizer(models.BPE.from_file(str(vocab_folder / "vocab.json"), str(vocab_folder / "merges.txt")))
    from_files.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    from_files.decoder = decoders.ByteLevel()
    from_files.add_special_tokens([END_OF_TEXT])
    ours = load_gpt2(vocab_folder).tokenizer
    assert json.loads(ours._backend.to_str()) == json.loads(from_files.to_str())
    assert ours.merges() == [tuple(m) for m in json.loads(from_files.to_str())["model"]["merges"]]
    # An added token whose id tokenizers would not give it here, and a model option this loader does not know:
    # the whole file is then left to tokenizers, which reads it as before.
    document = json.loads(theirs.to_str())
    document["added_tokens"].append({"id": len(document["model"]["vocab"]) + 5, "content": "<|extra|>",
                                     "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                                     "special": True})
    from playground.core.hf_gpt2 import load_tokenizer

    for changed in (document, {**document, "model": {**document["model"], "a_new_option": 1}}):
        (tmp_path / "tokenizer.json").write_text(json.dumps(changed), encoding="utf-8")
        expected = json.loads(HFTokenizer.from_file(str(tmp_path / "tokenizer.json")).to_str())
        assert json.loads(load_tokenizer(tmp_path, {})._backend.to_str()) == expected


def test_a_damaged_merges_file_is_refused_by_line(vocab_folder, tmp_path):
    for name in ("config.json", "model.safetensors", "vocab.json"):
        (tmp_path / name).write_bytes((vocab_folder / name).read_bytes())
    lines = (vocab_folder / "merges.txt").read_text(encoding="utf-8").split("\n")
    (tmp_path / "merges.txt").write_text("\n".join(lines[:3] + ["one_token_alone"] + lines[3:]), encoding="utf-8")
    with pytest.raises(CheckpointError, match="line 4: a merge is two tokens"):
        load_gpt2(tmp_path)
    (tmp_path / "merges.txt").write_text("\r\n".join(lines), encoding="utf-8")  # Windows line ends: as tokenizers
    assert load_gpt2(tmp_path).tokenizer.merges() == load_gpt2(vocab_folder).tokenizer.merges()


def test_merges_read_in_one_pass_equal_the_line_by_line_reading(tmp_path):
    """read_merges takes the pairs with one regular expression; files of odd lines read as line by line, or are
    refused at the same line."""
    import itertools

    from playground.core.hf_gpt2 import merges_line_by_line, read_merges

    lines = ["a b", "#version: 0.2", "", " ", "a b\r", "a\r b", "a  b", "ab", "é 悟", "x y z", " #version a", "\r"]
    path = tmp_path / "merges.txt"
    for n in range(4):
        for chosen in itertools.product(lines, repeat=n):
            for end in ("", "\n", "\r\n", "\n\n"):
                path.write_text("\n".join(chosen) + end, encoding="utf-8", newline="")
                try:
                    expected = merges_line_by_line(path, path.read_text(encoding="utf-8"))
                except CheckpointError as error:
                    with pytest.raises(CheckpointError, match=str(error).rsplit(",", 1)[1]):
                        read_merges(path)
                else:
                    assert read_merges(path) == expected, chosen


# --- refused -------------------------------------------------------------------------------------
class Bomb:
    """Unpickling this writes a file: the test knows if anything unpickled the weights."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "unpickled!"))


def test_pickle_weights_are_refused_unopened_with_how_to_convert(vocab_folder, tmp_path):
    for name in ("config.json", "vocab.json", "merges.txt"):
        (tmp_path / name).write_bytes((vocab_folder / name).read_bytes())
    marker = tmp_path.parent / f"{tmp_path.name}-unpickled"
    (tmp_path / "pytorch_model.bin").write_bytes(pickle.dumps(Bomb(marker)))
    with pytest.raises(CheckpointError) as error:
        load_gpt2(tmp_path)
    message = str(error.value)
    assert "pytorch_model.bin" in message and "safe_serialization=True" in message and "pickle" in message
    assert not marker.exists()


@pytest.mark.parametrize("field, value", [
    ("model_type", "llama"), ("add_cross_attention", True), ("scale_attn_by_inverse_layer_idx", True),
    ("reorder_and_upcast_attn", True), ("scale_attn_weights", False), ("activation_function", "silu"),
    ("layer_norm_epsilon", 1e-6), ("n_layer", 2.5), ("n_inner", -3), ("n_head", 3),
])
def test_configs_the_core_cannot_express_are_refused_by_field(vocab_folder, tmp_path, field, value):
    for name in ("model.safetensors", "vocab.json", "merges.txt"):
        (tmp_path / name).write_bytes((vocab_folder / name).read_bytes())
    config = json.loads((vocab_folder / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, field: value}))
    with pytest.raises(CheckpointError, match=field):
        load_gpt2(tmp_path)


def test_missing_tokenizer_and_weights_that_disagree_are_refused(vocab_folder, tmp_path):
    (tmp_path / "config.json").write_bytes((vocab_folder / "config.json").read_bytes())
    with pytest.raises(CheckpointError, match="no model.safetensors"):
        load_gpt2(tmp_path)
    (tmp_path / "model.safetensors.index.json").write_text("{}")
    with pytest.raises(CheckpointError, match="several files .* max_shard_size"):
        load_gpt2(tmp_path)
    (tmp_path / "model.safetensors.index.json").unlink()
    (tmp_path / "model.safetensors").write_bytes((vocab_folder / "model.safetensors").read_bytes())
    with pytest.raises(CheckpointError, match="has no tokenizer"):
        load_gpt2(tmp_path)
    config = json.loads((vocab_folder / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "n_embd": 64}))
    with pytest.raises(CheckpointError, match="shape"):
        load_gpt2(tmp_path)
    vocab_size = len(json.loads((vocab_folder / "vocab.json").read_text(encoding="utf-8")))
    save_gpt2(tmp_path, vocab_size + 10)
    for name in ("vocab.json", "merges.txt"):
        (tmp_path / name).write_bytes((vocab_folder / name).read_bytes())
    with pytest.raises(CheckpointError, match=f"vocab_size = {vocab_size + 10} .* tokenizer has {vocab_size} tokens"):
        load_gpt2(tmp_path)


def sparse_gpt2(folder: Path, vocab_folder: Path, **sizes) -> Path:
    """A GPT-2 folder whose config and header agree on a model of ``sizes``; its tensors are a sparse hole."""
    from playground.core.hf_gpt2 import model_config, weight_names

    for name in ("vocab.json", "merges.txt"):
        (folder / name).write_bytes((vocab_folder / name).read_bytes())
    config = {**json.loads((vocab_folder / "config.json").read_text()), **sizes}
    (folder / "config.json").write_text(json.dumps(config))
    shapes = {"transformer." + name: shape for name, (_ours, shape, _t) in weight_names(model_config(config, folder)).items()}
    write_sparse_safetensors(folder / "model.safetensors", shapes)
    return folder


def test_hostile_sizes_are_refused_before_allocating(vocab_folder, tmp_path):
    """In a child capped at 3 GB over what it has mapped: a 2.4 TB GPT-2 and absurd sizes are refused by message."""
    from tests.hostile_sizes import run_child

    vocab_size = len(json.loads((vocab_folder / "vocab.json").read_text(encoding="utf-8")))
    (tmp_path / "huge").mkdir()
    huge = sparse_gpt2(tmp_path / "huge", vocab_folder, n_layer=1000, n_embd=8192, n_head=64)
    absurd = tmp_path / "absurd"
    absurd.mkdir()
    for name in ("model.safetensors", "vocab.json", "merges.txt"):
        (absurd / name).write_bytes((vocab_folder / name).read_bytes())
    config = json.loads((vocab_folder / "config.json").read_text())
    (absurd / "config.json").write_text(json.dumps({**config, "n_layer": 10**9, "vocab_size": vocab_size}))
    jobs = [{"id": name, "call": "cli", "argv": ["inspect", str(path), "--text", "hi"]}
            for name, path in (("huge", huge), ("absurd", absurd))]
    report = run_child(jobs, tmp_path)
    assert report["results"]["huge"]["code"] == 2
    assert "memory" in report["results"]["huge"]["stderr"]
    assert report["results"]["absurd"]["code"] == 2
    assert "n_layer is 1000000000" in report["results"]["absurd"]["stderr"]
    assert report["rss_after"] - report["rss_before"] < 500 * 1024**2


def test_the_embedding_map_of_a_large_vocabulary_keeps_the_exact_main_directions():
    """Above EXACT_PCA_LIMIT entries (GPT-2: 50,257 × 768) the map's PCA is randomised: same plane, same every time."""
    from playground.core.inspect import EXACT_PCA_LIMIT, fit_projection

    g = torch.Generator().manual_seed(1)
    weight = torch.randn(6000, 2, generator=g) @ torch.randn(2, 700, generator=g) * 3 + torch.randn(6000, 700,
                                                                                                    generator=g)
    assert weight.numel() > EXACT_PCA_LIMIT
    state = torch.random.get_rng_state()
    projection = fit_projection(weight)
    assert torch.equal(torch.random.get_rng_state(), state)  # the caller's random numbers are untouched
    exact = torch.linalg.svd(weight - weight.mean(0), full_matrices=False)[2][:2].T
    overlap = torch.linalg.svdvals(projection.directions.T @ exact)  # cosines of the angles between the planes
    torch.testing.assert_close(overlap, torch.ones(2), atol=1e-4, rtol=0)
    torch.testing.assert_close(fit_projection(weight).directions, projection.directions, atol=0, rtol=0)


def test_weights_read_in_row_blocks_give_transformers_logits_and_refuse_a_late_nan(vocab_folder, tmp_path, monkeypatch):
    """Large tensors are read a block of rows at a time (the GIL is free between reads); blocks of 1-3 rows here."""
    import playground.core.hf_gpt2 as hf_gpt2

    theirs = reference(vocab_folder)
    for elements in (1, 200, 300):  # a row a read; 2-9 rows of each (in, out) Conv1D weight, some blocks uneven
        monkeypatch.setattr(hf_gpt2, "READ_CHUNK_ELEMENTS", elements)
        checkpoint = load_gpt2(vocab_folder)
        for text in TEXTS.values():
            assert_same_logits(checkpoint.model, theirs, checkpoint.tokenizer.encode_ids(text))
    for name in ("config.json", "vocab.json", "merges.txt"):
        (tmp_path / name).write_bytes((vocab_folder / name).read_bytes())
    tensors = load_file(vocab_folder / "model.safetensors")
    tensors["transformer.wte.weight"][-1, -1] = float("nan")  # in the last block read
    save_file(tensors, tmp_path / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(CheckpointError, match="transformer.wte.weight .* NaN"):
        load_gpt2(tmp_path)
